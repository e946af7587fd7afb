"""Drafts as rows of the Data Package's tables, for a person to review.

The rows have the columns of data/claims.csv, data/checks.csv and
data/source/not-figures.csv as the Data Package declares them; what only a
reader can say (what a figure measures, who reported it, when and why) is
marked "to review".
"""

from __future__ import annotations

import csv
import io
import math

from paper_audit.author.drafted_claims import Draft
from paper_audit.tables import coverage
from paper_audit.text import source

ORDINALS = ("first", "second", "third", "sixth")  # number words the coverage walk finds that count no quantity


def claim_rows(drafts: list[Draft], chapter: str) -> list[dict]:
    """The drafted claims as rows of data/claims.csv."""
    rows = []
    for d in drafts:
        counts = d.after or d.unit
        rows.append(
            {
                "id": d.id,
                "page": d.page,
                "footnote": "" if d.footnote is None else d.footnote,
                "quote": d.quote,
                "figure": d.figure,
                "value": _cell(d.value),
                "low": _cell(d.low),
                "high": _cell(d.high),
                "date": d.date,
                "unit": d.unit,
                "scale": d.scale,
                "qualifier": d.qualifier,
                "measure": f"drafted, to review: {counts} in “{d.quote}”",
                "period": "to review",
                "reported_by": "the authors" + (f", fn {d.footnote}" if d.footnote else "") + " (to review)",
                "reported_when": "to review",
                "reported_why": "to review",
                "chapter": chapter,
            }
        )
    return rows


def check_rows(drafted: list[dict], chapter: str, page: int, taken: set[str]) -> list[dict]:
    """The drafted checks as rows of data/checks.csv, with ids (``p7_conversion_1``) not in ``taken``."""
    rows = []
    for n, row in enumerate(drafted, start=1):
        ident = f"p{page}_{row['kind']}_{n}"
        while ident in taken:
            ident += "_x"
        taken.add(ident)
        rows.append(
            {
                "id": ident,
                "kind": row["kind"],
                "inputs": " ".join(row["inputs"]),
                "expected_low": _cell(row.get("expected_low")),
                "expected_high": _cell(row.get("expected_high")),
                "expected_unit": row.get("expected_unit", ""),
                "chapter": chapter,
                "title": row["title"],
                # Every kind the drafter proposes relates the page's own figures:
                # the paper's arithmetic, each check its own problem until reviewed.
                "evidence": "arithmetic",
                "problem": ident,
                "explanation": "Drafted by paper-audit draft from the wording of the page; to review.",
            }
        )
    return rows


def not_figure_rows(page: source.Page, drafts: list[Draft], skipped: list[dict]) -> list[dict]:
    """Every number the coverage test walks that no drafted claim covers, with a drafted reason."""
    claimed = [(d.start, d.end) for d in drafts]
    covered = claimed + coverage.layout_spans(page)
    rows, used = [], []
    for token in coverage.tokens(page):
        if any(s <= token.start and token.end <= e for s, e in covered + used):
            continue
        why = next((r for r in skipped if r["start"] <= token.start < r["end"]), None)
        if why is None:
            why = {
                "start": token.start,
                "end": token.end,
                "reason": "ordinal" if token.text.lower() in ORDINALS else "other",
                "note": "drafted: to review",
            }
        start, end = _unique_context(page, min(why["start"], token.start), max(why["end"], token.end), claimed)
        used.append((start, end))
        rows.append(
            {"page": page.number, "context": page.clean[start:end], "reason": why["reason"], "note": why["note"]}
        )
    return rows


def csv_text(rows: list[dict], columns: list[str]) -> str:
    """The rows as CSV with a header, in ``columns`` order (columns a row lacks are left empty)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n", extrasaction="ignore", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _cell(number) -> str:
    """A number as a CSV cell: empty for none, no trailing '.0'."""
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return ""
    return f"{number:g}" if abs(number) < 1e15 else str(number)


def _unique_context(page: source.Page, start: int, end: int, claimed: list[tuple[int, int]]) -> tuple[int, int]:
    """Whole words around a span, grown a word at a time until unique on the page,
    never reaching into a claim's figure."""
    text = page.clean

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in claimed)

    while start > 0 and not text[start - 1].isspace() and free(start - 1, start):
        start -= 1
    while end < len(text) and not text[end].isspace() and free(end, end + 1):
        end += 1
    for _ in range(30):
        if text.count(text[start:end]) == 1:
            break
        left = text.rfind(" ", 0, max(0, start - 1)) + 1
        right = text.find(" ", end + 1)
        right = len(text) if right == -1 else right
        if start > 0 and free(left, start):
            start = left
        elif end < len(text) and free(end, right):
            end = right
        else:
            break
    return start, end
