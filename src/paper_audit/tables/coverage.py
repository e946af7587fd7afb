"""Proof that no figure of the text is left out.

Every numeral and number word in every clean page must fall inside a claim's
figure, inside a context listed in data/source/not-figures.csv with a reason,
or in what the page's layout explains by itself (running head and page number,
footnote markers, each footnote's leading number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.tables import schema
from paper_audit.tables.claims import read_csv_strict
from paper_audit.text import figures, source

NUMBER_TOKEN = re.compile(
    r"\d+(?:[.,]\d+)*|\b(?:" + "|".join(figures.NUMBER_WORDS) + r")\b",
    flags=re.IGNORECASE,
)


@dataclass(frozen=True)
class Token:
    page: int
    start: int
    end: int
    text: str
    context: str


def tokens(page: source.Page) -> list[Token]:
    """Numbers on a clean page, with a footnote marker glued to a year split off ('1949.7')."""
    text = page.clean
    found = []
    markers = {(s.start, s.end) for s in page.segments_of("clean", "marker")}
    for match in NUMBER_TOKEN.finditer(text):
        start, end = match.span()
        # '1949.7' is a year and the marker of note 7: cut the token at the marker.
        for m_start, m_end in markers:
            if start < m_start and m_end == end and text[m_start - 1] == ".":
                end = m_start - 1
        found.append(Token(page.number, start, end, text[start:end], text[max(0, start - 30) : end + 30]))
    return found


def layout_spans(page: source.Page) -> list[tuple[int, int]]:
    """What the layout explains: the head, the markers, each footnote's own number."""
    spans = [(s.start, s.end) for s in page.segments_of("clean", "head")]
    spans += [(s.start, s.end) for s in page.segments_of("clean", "marker")]
    for note in page.segments_of("clean", "footnote"):
        lead = re.match(rf"{note.footnote}(?= )", page.clean[note.start : note.end])
        if lead:
            spans.append((note.start, note.start + lead.end()))
    return spans


def load_not_figures(path: Path = paths.NOT_FIGURES_CSV, pages: dict[int, source.Page] | None = None) -> list[dict]:
    pages = pages or source.load_pages()
    rows = read_csv_strict(path, schema.field_names("not-figures"))
    reasons = schema.enum("not-figures", "reason")
    out = []
    for row in rows:
        where = f"{path}, line {row['_line']}"
        if not row["page"].isdigit():
            raise DataError(f"{where}, field 'page': {row['page']!r} is not a page number")
        if int(row["page"]) not in pages:
            raise DataError(f"{where}, field 'page': " + source.unknown_page(row["page"], pages))
        if row["reason"] not in reasons:
            raise DataError(f"{where}, field 'reason': {row['reason']!r} is not one of: {', '.join(reasons)}")
        page = int(row["page"])
        count = pages[page].clean.count(row["context"])
        if count != 1:
            raise DataError(f"{where}, field 'context': occurs {count} times on page {page}, not exactly once")
        start = pages[page].clean.index(row["context"])
        out.append({**row, "page": page, "start": start, "end": start + len(row["context"])})
    return out


def check_coverage(claims: pd.DataFrame, not_figures: list[dict], pages: dict[int, source.Page]) -> list[Token]:
    """Return every number token left unexplained (an empty list is the goal).

    Also refuses a not-figures context that overlaps a claim's figure, which
    would let a figure hide behind an excuse.
    """
    figure_spans: dict[int, list[tuple[int, int, str]]] = {p: [] for p in pages}
    for claim in claims.itertuples():
        figure_spans[claim.page].append((claim.figure_start, claim.figure_end, claim.id))
    for row in not_figures:
        for start, end, claim_id in figure_spans[row["page"]]:
            if start < row["end"] and row["start"] < end:
                raise DataError(
                    f"{paths.NOT_FIGURES_CSV}, line {row['_line']}, field 'context':"
                    f" overlaps the figure of claim {claim_id}"
                )
    unexplained = []
    for number, page in pages.items():
        explained = [(s, e) for s, e, _ in figure_spans[number]]
        explained += [(r["start"], r["end"]) for r in not_figures if r["page"] == number]
        explained += layout_spans(page)
        for token in tokens(page):
            if not any(s <= token.start and token.end <= e for s, e in explained):
                unexplained.append(token)
    return unexplained
