"""Sentences of the paper, and the passages that show claims in them.

A chapter that shows figures quotes the sentence each figure stands in,
once, however many of its figures that sentence holds; the source-text page
shows whole pages. Both mark the figures with the same code
(``marks.marked_text``); this module only finds where sentences begin and
end in the clean layer, which is the authority for every offset.

Sentences are found in the body and in each footnote separately (a footnote
is never part of a body sentence). A full stop ends a sentence unless it
closes an abbreviation ("p.", "vol.", "op.", "et al.") or an initial
("James F. Person"); a footnote marker after the stop belongs to the sentence
it follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paper_audit.text import source

# Abbreviations of the excerpt's citations and prose: a stop after them does
# not end a sentence. "Ibid." does (it is a whole note), so it is not here.
ABBREVIATIONS = frozenset(
    {
        "p",
        "pp",
        "vol",
        "vols",
        "no",
        "nos",
        "f",
        "op",
        "d",
        "ed",
        "eds",
        "al",
        "cf",
        "ch",
        "trans",
        "e.g",
        "i.e",
        "mr",
        "dr",
        "st",
        "jr",
    }
)
_STOP = re.compile(r"[.?!][”’\"')\]]*")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_SENTENCE_START = re.compile(r"[“‘\"'(\[]?[A-Z0-9]")


@dataclass(frozen=True)
class Span:
    """A stretch of one page's clean text: ``start`` and ``end`` are offsets
    into ``Page.clean``; ``footnote`` is None for the body."""

    page: int
    footnote: int | None
    start: int
    end: int


@dataclass
class Passage:
    """A sentence (or several adjacent ones) and the claims shown in it.

    ``cut_before``/``cut_after`` say that the sentence runs on from the
    previous page or onto the next, so the reader sees an ellipsis."""

    span: Span
    claims: list[str] = field(default_factory=list)
    cut_before: bool = False
    cut_after: bool = False


def regions(page: source.Page) -> list[Span]:
    """The body and each footnote of a page, in reading order."""
    body = page.segments_of("clean", "body")[0]
    notes = sorted(page.segments_of("clean", "footnote"), key=lambda s: s.start)
    return [Span(page.number, None, body.start, body.end)] + [
        Span(page.number, s.footnote, s.start, s.end) for s in notes
    ]


def _ends_sentence(text: str, stop: int) -> bool:
    """Whether the stop at ``text[stop]`` ends a sentence (not an
    abbreviation, an initial or a decimal point)."""
    if text[stop] != ".":
        return True
    word = _WORD_BEFORE.search(text[:stop])
    if not word:
        return True
    before = word.group(1)
    if len(before) == 1 and before.isupper():
        return False  # an initial: "James F. Person"
    return before.lower() not in ABBREVIATIONS


def sentences(page: source.Page) -> list[Span]:
    """Every sentence of the page's body and footnotes, in reading order.

    A footnote's leading number is left out of its first sentence."""
    text = page.clean
    marker_starts = {s.start for s in page.segments_of("clean", "marker")}
    found = []
    for region in regions(page):
        start = region.start
        if region.footnote is not None:
            number = re.match(rf"{region.footnote}\s+", text[start : region.end])
            if number:  # page 2's first note runs on from page 1: no number
                start += number.end()
        cursor = start
        while cursor < region.end:
            stop = _STOP.search(text, cursor, region.end)
            if not stop:
                break
            end = stop.end()
            rest = end
            while rest < region.end and text[rest] == " ":
                rest += 1
            if rest in marker_starts:  # "1949.7 The" or "subjects. 6 These"
                marker = re.match(r"\d+", text[rest : region.end])
                end = rest + marker.end()
                rest = end
                while rest < region.end and text[rest] == " ":
                    rest += 1
            cursor = stop.end()
            if rest >= region.end:
                break
            if not (rest > stop.end() and _SENTENCE_START.match(text, rest) and _ends_sentence(text, stop.start())):
                continue
            found.append(Span(page.number, region.footnote, start, end))
            start = cursor = rest
        if start < region.end:
            found.append(Span(page.number, region.footnote, start, region.end))
    return found


def sentence_at(page: source.Page, offset: int) -> Span:
    for span in sentences(page):
        if span.start <= offset < span.end:
            return span
    raise ValueError(f"offset {offset} of page {page.number} is in no sentence")


def passages(claims, claim_ids, pages=None) -> list[Passage]:
    """The sentences that ``claim_ids`` stand in, each once, in the order
    the ids first reach them; claims of one sentence share a passage, and a
    quote that runs over two sentences joins them."""
    pages = pages or source.load_pages()
    shown: list[Passage] = []
    for claim_id in claim_ids:
        row = claims.loc[claim_id]
        page = pages[int(row["page"])]
        first = sentence_at(page, int(row["quote_start"]))
        last = sentence_at(page, int(row["quote_end"]) - 1)
        span = Span(page.number, first.footnote, first.start, last.end)
        for passage in shown:
            other = passage.span
            if other.page == span.page and other.start < span.end and span.start < other.end:
                passage.span = Span(span.page, span.footnote, min(other.start, span.start), max(other.end, span.end))
                if claim_id not in passage.claims:
                    passage.claims.append(claim_id)
                break
        else:
            shown.append(Passage(span, [claim_id]))
    for passage in shown:
        page = pages[passage.span.page]
        region = next(r for r in regions(page) if r.start <= passage.span.start < r.end)
        text = page.clean[passage.span.start : passage.span.end]
        # Only the body runs over pages: its first sentence on page 3 begins
        # in lower case, its last on page 2 ends without a stop.
        passage.cut_before = region.footnote is None and passage.span.start == region.start and text[:1].islower()
        passage.cut_after = passage.span.end == region.end and not _STOP.search(text[-3:])
    return shown


def claims_within(claims, shown: list[Passage]) -> list[str]:
    """Every claim whose figure stands in one of the passages (the ones asked
    for and their neighbours in the same sentences), in text order."""
    found = []
    for passage in shown:
        span = passage.span
        inside = claims[
            (claims["page"] == span.page) & (claims["figure_start"] >= span.start) & (claims["figure_end"] <= span.end)
        ]
        found += list(inside.sort_values("figure_start")["id"])
    return found
