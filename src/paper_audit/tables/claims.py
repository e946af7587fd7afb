"""The claims table (data/claims.csv): every figure of the excerpt with the
exact quote it comes from. ``load_claims`` refuses bad input with one message
naming the file, line and field; nothing downstream runs on data that failed.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.tables import schema, toc
from paper_audit.text import figures, source

SCALE_FACTORS = {"": 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9}


@dataclass(frozen=True)
class QuoteLocation:
    page: int
    footnote: int | None
    start: int
    end: int


def locate(quote: str, page: int, pages: dict[int, source.Page] | None = None) -> QuoteLocation:
    """Where ``quote`` stands on ``page``: footnote and character offsets in the clean text."""
    pages = pages or source.load_pages()
    if page not in pages:
        raise DataError(source.unknown_page(page, pages))
    text = pages[page].clean
    count = text.count(quote)
    if count != 1:
        raise DataError(f"the quote {quote!r} occurs {count} times on page {page}, not once")
    start = text.index(quote)
    return QuoteLocation(page, pages[page].footnote_at(start), start, start + len(quote))


def read_csv_strict(path: Path, expected: list[str]) -> list[dict[str, str]]:
    """Read a CSV as strings, refusing a BOM, a wrong header and stray whitespace."""
    if not path.exists():
        raise DataError(f"{path}: file not found")
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError(f"{path}, line 1: the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 ({error})") from None
    reader = csv.reader(text.splitlines(keepends=True))
    rows = list(reader)
    if not rows:
        raise DataError(f"{path}: empty file")
    header = rows[0]
    missing = [c for c in expected if c not in header]
    if missing:
        raise DataError(f"{path}, line 1 (header): missing column(s) {', '.join(missing)}")
    extra = [c for c in header if c not in expected]
    if extra:
        raise DataError(f"{path}, line 1 (header): unknown column(s) {', '.join(extra)}")
    records = []
    for line_number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DataError(f"{path}, line {line_number}: {len(row)} fields, the header has {len(header)}")
        record = dict(zip(header, row, strict=True))
        named = f" (id {record['id'].strip()})" if record.get("id", "").strip() else ""
        for field, value in record.items():
            if value != value.strip() or "  " in value:
                raise DataError(f"{path}, line {line_number}{named}, field '{field}': stray whitespace in {value!r}")
        record["_line"] = line_number
        records.append(record)
    return records


def _number(path: Path, rec: dict, field: str) -> float | None:
    value = rec[field]
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        where = f"{path}, line {rec['_line']} (id {rec['id']}), field '{field}'"
        raise DataError(f"{where}: {value!r} is not a number") from None
    if not math.isfinite(number):
        where = f"{path}, line {rec['_line']} (id {rec['id']}), field '{field}'"
        raise DataError(f"{where}: {value!r} is not a finite number")
    return number


def validate_record(path: Path, rec: dict, pages: dict[int, source.Page], project: paths.Project | None = None) -> dict:
    """Check one claims row (against ``project``'s chapters and Data Package,
    the current project's by default); return it with typed fields."""
    root = paths.resolve(project).root
    where = f"{path}, line {rec['_line']} (id {rec['id'] or '?'})"

    def fail(field: str, what: str) -> DataError:
        return DataError(f"{where}, field '{field}': {what}")

    if not re.fullmatch(r"[a-z][a-z0-9_]*", rec["id"]):
        raise fail("id", f"{rec['id']!r} is not a snake_case identifier")
    try:
        page = int(rec["page"])
    except ValueError:
        raise fail("page", f"{rec['page']!r} is not a page number") from None
    if page not in pages:
        raise fail("page", source.unknown_page(page, pages))
    if rec["chapter"] not in toc.known_chapters(root):
        raise fail("chapter", toc.unknown_chapter(rec["chapter"], root))
    for field in ("unit", "scale", "qualifier"):
        allowed = schema.enum("claims", field, project)
        if rec[field] and rec[field] not in allowed or (not rec[field] and field != "scale"):
            raise fail(field, f"{rec[field]!r} is not one of: {', '.join(allowed)}")
    for field in ("measure", "period", "reported_by", "reported_when", "reported_why", "quote", "figure"):
        if not rec[field]:
            raise fail(field, "required, but empty")
    value, low, high = (_number(path, rec, f) for f in ("value", "low", "high"))
    given = (("value", value), ("low/high", low if high is not None else None), ("date", rec["date"] or None))
    filled = [name for name, v in given if v is not None]
    if (low is None) != (high is None):
        raise fail("low" if low is None else "high", "a range needs both low and high")
    if len(filled) != 1:
        raise fail(
            "value", f"exactly one of value, low/high or date must be filled (found: {', '.join(filled) or 'none'})"
        )
    if (rec["unit"] == "date") != bool(rec["date"]):
        raise fail("date", "a date is given exactly when the unit is 'date'")
    if rec["date"] and not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", rec["date"]):
        raise fail("date", f"{rec['date']!r} is not an ISO date (YYYY-MM-DD or YYYY-MM)")
    starts_ends = [rec.get("period_start", ""), rec.get("period_end", "")]
    if any(starts_ends):
        for field, day in zip(("period_start", "period_end"), starts_ends, strict=True):
            if not day:
                raise fail(field, "period_start and period_end are given together (ISO dates YYYY-MM-DD)")
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                raise fail(field, f"{day!r} is not an ISO date (YYYY-MM-DD)") from None
        if starts_ends[0] > starts_ends[1]:
            raise fail("period_end", f"{starts_ends[1]} is before period_start {starts_ends[0]}")
    text = pages[page].clean
    count = text.count(rec["quote"])
    if count != 1:
        raise fail("quote", f"the quote occurs {count} times on page {page}'s clean text, not exactly once")
    start = text.index(rec["quote"])
    if pages[page].region_at(start) == "head":
        raise fail("quote", "the quote is in the running head, not the text")
    if rec["figure"] not in rec["quote"]:
        raise fail("figure", f"{rec['figure']!r} is not inside the quote")
    footnote = pages[page].footnote_at(start)
    stated = int(rec["footnote"]) if rec["footnote"].isdigit() else None
    if rec["footnote"] and stated is None:
        raise fail("footnote", f"{rec['footnote']!r} is not a footnote number")
    if stated != footnote:
        found = f"footnote {footnote}" if footnote else "the body text"
        raise fail("footnote", f"says {rec['footnote'] or 'body text'}, but the quote stands in {found} of page {page}")
    try:
        parsed = figures.parse(rec["figure"])
    except figures.FigureError as error:
        raise fail("figure", str(error)) from None
    factor = SCALE_FACTORS[rec["scale"]]
    for field, typed, read in (("value", value, parsed.value), ("low", low, parsed.low), ("high", high, parsed.high)):
        if (typed is None) != (read is None) or (
            typed is not None and not math.isclose(typed * factor, read, rel_tol=1e-5)
        ):
            shown = "nothing" if read is None else f"{read / factor:g}"
            raise fail(
                field, f"{rec[field] or 'empty'} differs from the figure {rec['figure']!r}, which reads as {shown}"
            )
    if parsed.date is not None:
        read_date = parsed.date
        if read_date.startswith("--"):  # the text gives day and month; the row adds the year
            if rec["date"][4:] != read_date[1:]:
                raise fail("date", f"{rec['date']!r} does not match the figure {rec['figure']!r}")
        elif rec["date"] != read_date:
            raise fail("date", f"{rec['date']!r} differs from the figure {rec['figure']!r} ({read_date})")
    figure_start = start + rec["quote"].index(rec["figure"])
    return {
        **{k: v for k, v in rec.items() if k != "_line"},
        "page": page,
        "footnote": footnote,
        "value": value,
        "low": low,
        "high": high,
        "factor": factor,
        "quote_start": start,
        "quote_end": start + len(rec["quote"]),
        "figure_start": figure_start,
        "figure_end": figure_start + len(rec["figure"]),
        "line": rec["_line"],
    }


def load_claims(
    path: Path | None = None, pages: dict[int, source.Page] | None = None, *, project: paths.Project | None = None
) -> pd.DataFrame:
    """The claims as a DataFrame indexed by id, fully validated: those of
    ``project`` (the current one by default), or of the file at ``path``,
    checked against that project's pages, chapters and Data Package."""
    project = paths.resolve(project)
    path = Path(path) if path is not None else project.claims_csv
    pages = pages or source.load_pages(project.source_dir)
    records = read_csv_strict(path, schema.field_names("claims", project))
    seen: dict[str, int] = {}
    typed = []
    for rec in records:
        if rec["id"] in seen:
            raise DataError(
                f"{path}, line {rec['_line']} (id {rec['id']}), field 'id': duplicate of line {seen[rec['id']]}"
            )
        seen[rec["id"]] = rec["_line"]
        typed.append(validate_record(path, rec, pages, project))
    # Belt and braces: the same file against the Data Package schema.
    schema.validate("claims", path, project)
    frame = pd.DataFrame(typed).set_index("id", drop=False)
    frame["footnote"] = frame["footnote"].astype("Int64")
    return frame


def absolute(claim: pd.Series) -> float:
    """A claim's single value in absolute units (scale applied)."""
    if claim["value"] is None or pd.isna(claim["value"]):
        raise DataError(f"claim {claim['id']} has no single value (it is a range or a date)")
    return float(claim["value"]) * float(claim["factor"])
