"""``paper-audit draft``: draft a page's claims and checks for a person to review.

    paper-audit draft --page N [--chapter NAME]   # writes data/drafts/page-N.{claims,checks,not-figures}.csv
    paper-audit draft --score                     # drafts the curated pages, compares with the data

Every number and number word of the page becomes a claim row (figure, value
or range or date, unit, scale, qualifier, a quote that names what it counts,
footnote) or, when it reads as part of a citation (a cited work's year or
pages, an archive reference, an ordinal), a row of not-figures. The checks
the text implies are drafted from the claims' places in the text:

* an amount with its dollar equivalent in brackets ("X rubles (USD Y)") and
  a rate the text states for that currency ("4 rubles equaled to USD 1"):
  a ``conversion``; several such pairs of one currency and no stated rate:
  a ``same_rate``;
* percentages in one sentence that add up to about a whole: ``parts_sum``;
* a duration after which a dated event follows another ("a full two months
  after ..."): ``date_gap``; a duration that holds two dated events
  ("for two weeks ... on 16 November ... on the 23 November"): ``span_within``;
* a fraction with its percentage in brackets, or one count stated twice:
  ``same_quantity``; "N-Year Plan (1954-1956)": ``range_length``;
  "N left ... the rest": ``remainder``.

Numbers are read by ``paper_audit.text.figures`` (number words by the
number-parser library), so the drafter and the loader read a figure alike.
The drafts use the columns of data/claims.csv and data/checks.csv as the
Data Package declares them; nothing is written into the data itself.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from paper_audit.tables import claims as claims_mod
from paper_audit.tables import coverage, schema
from paper_audit.text import figures, source
from paper_audit import paths
from paper_audit.errors import DataError

DRAFTS_DIR = "drafts"
PLACEHOLDER_CHAPTER = "choose_a_chapter"

MONTH = figures.MONTH
UNIT_WORDS = "|".join(w for w in figures.UNITS if w != "zero")
TEN_WORDS = "|".join(figures.TENS)
FRACTION_WORDS = "|".join(figures.FRACTIONS)
SCALE = "|".join(figures.SCALES)
NUMBER_WORD = (rf"(?:(?:{TEN_WORDS})-(?:{UNIT_WORDS})|(?:{UNIT_WORDS})-(?:{FRACTION_WORDS})|"
               rf"{TEN_WORDS}|{UNIT_WORDS}|half)")
DIGITS = f"(?:{figures.DIGITS})"

# The forms of a figure, most specific first; each names its own unit when it fixes one.
FORMS = [
    ("date", rf"\b\d{{1,2}} (?:{MONTH})(?: \d{{4}})?\b"),
    ("date", rf"\b(?:{MONTH}) \d{{4}}\b"),
    ("months", rf"\b(?:{NUMBER_WORD}|\d+) months to a year\b"),
    ("acres_or_count", r"\b[Hh]undreds of thousands\b"),
    ("year", r"(?<=between )\d{4} and \d{4}\b"),
    ("year", r"\b\d{4}\s?(?:-|–| to )\s?\d{4}\b"),
    ("year", r"\b\d{3}0s\b"),
    ("year", r"\b(?:1[89]|20)\d{2}\s?[-–]\s?\d{2}\b(?![-–\d])"),
    ("fraction", r"\b[Aa] (?:third|quarter)\b(?! of a century)"),
    ("range", rf"(?<![\d.,]){DIGITS}(?: (?:{SCALE}))?\s?(?:-|–| to )\s?(?:[A-Z]{{3}} ?)?{DIGITS}(?: (?:{SCALE}))?"),
    ("number", rf"(?<![\w.,]){DIGITS}(?: (?:{SCALE})\b)?|\b{NUMBER_WORD}\b(?: (?:{SCALE})\b)?"),
]
FORM = re.compile("|".join(f"(?P<f{i}>{pattern})" for i, (_, pattern) in enumerate(FORMS)), flags=re.IGNORECASE)

# What a figure counts, from the words after it (first match wins) or the currency before it.
UNIT_AFTER = [
    ("percent", r"per ?cent|%"),
    ("USD", r"US dollars|U\.S\. dollars|dollars|USD"),
    ("won", r"(?:North Korean |Korean )?won"),
    ("rubles", r"(?:Soviet )?roubles?|(?:Soviet )?rubles?"),
    ("yuan", r"(?:Chinese )?yuan|renminbi"),
    ("divisions", r"(?:\w+ )?divisions?"),
    ("acres", r"(?:of )?acres"),
    ("years", r"-?[Yy]ears?\b|-year"),
    ("months", r"-?months?\b"),
    ("weeks", r"-?weeks?\b"),
    ("people", r"(?:[A-Z]\w+ |\w+ )?(?:child )?(?:refugees|people|persons|workers|specialists|students|"
               r"children|soldiers|volunteers|technicians|experts|advisers|advisors|engineers|teachers|doctors)\b"),
]
UNIT_BEFORE = [("USD", r"(?:USD|US\$|\$) ?$"), ("rubles", r"rubles? $"), ("yuan", r"yuan $")]
QUALIFIERS = {"nearly": "nearly", "almost": "nearly", "some": "some", "over": "over", "about": "about",
              "around": "about", "approximately": "about", "roughly": "about", "exactly": "exactly",
              "full": "full", "than": "over"}
CURRENCIES = ("won", "rubles", "yuan")
DURATIONS = ("years", "months", "weeks")


@dataclass
class Draft:
    """One drafted claim: where it stands and what it reads as."""

    page: int
    start: int
    end: int
    figure: str
    unit: str
    scale: str
    qualifier: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    date: str = ""
    footnote: int | None = None
    quote: str = ""
    id: str = ""
    after: str = ""  # the words after the figure, to find what it counts
    extra: dict = field(default_factory=dict)

    def key(self) -> tuple:
        return (self.value, self.low, self.high, self.date, self.unit, self.scale, self.qualifier)


def _masked(page: source.Page) -> str:
    """The clean text with what the layout explains (head, markers, notes' numbers) blanked."""
    text = list(page.clean)
    for start, end in coverage.layout_spans(page):
        text[start:end] = " " * (end - start)
    return "".join(text)


def _segment_bounds(page: source.Page, offset: int) -> tuple[int, int]:
    """The body, or the one footnote, that holds ``offset``: a quote stays inside it."""
    for seg in page.segments_of("clean", "footnote"):
        if seg.start <= offset < seg.end:
            return seg.start, seg.end
    for seg in page.segments_of("clean", "body"):
        if seg.start <= offset < seg.end:
            return seg.start, seg.end
    return 0, len(page.clean)


def _citation(page: source.Page, start: int, end: int, figure: str) -> str | None:
    """Why a number reads as part of a citation (mostly in footnotes), or None."""
    text = page.clean
    pages_range = re.fullmatch(r"(\d+)\s?[-–]\s?(\d+)", figure)
    if re.search(r"\b(?:[Pp]ages?|pp?\.)\s$", text[max(0, start - 8):start]) or (
            pages_range and int(pages_range.group(2)) < int(pages_range.group(1))
            and not re.fullmatch(r"(?:1[89]|20)\d\d\s?[-–]\s?\d\d", figure)):
        return "citation_pages"  # 'pages 163-64', abbreviated page ranges
    if page.footnote_at(start) is None:
        return None
    before, after = text[max(0, start - 20):start], text[end:end + 3]
    if re.fullmatch(rf"(?:\d{{1,2}} )?(?:{MONTH})(?: \d{{1,2}})?,? \d{{4}}|\d{{1,2}} (?:{MONTH})", figure):
        if re.search(r"(?:,”?|”|\() ?$", before) and re.match(r"[,).;]|$", after):
            return "date_of_source"  # the date of a cited document, in its citation
    if re.match(r"\s?[\[\]]|,?”", after) or re.search(r"/$", before) or after.startswith("/"):
        return "publication_title"
    if re.search(r"\($|(?:Winter|Spring|Summer|Fall|Autumn) $", before) and re.match(r"(?:1[89]|20)\d\d", figure):
        return "citation_year"
    if re.search(r"\b(?:f|op|Op|p|pp|d|l|vol|no|No|fol|fo)\.\s?$", before) or re.search(r"\b(?:fond|folio|folios|box|file)\s$", before):
        return "archive_reference"
    if re.search(r"(?:Working Paper|Bulletin|[Vv]ol\.?|No\.) $", before):
        return "publication_title"
    opened = text.rfind("(", 0, start)
    closed = text.rfind(")", 0, start)
    if opened > closed and ":" in text[opened:start]:
        return "citation_year"
    quote_open, quote_close = text.rfind("“", 0, start), text.rfind("”", 0, start)
    if quote_open > quote_close and text.find("”", end) != -1:
        return "publication_title"
    if re.match(r"\d{1,4}-\d{1,3}\b", text[start:start + 12]) and not re.fullmatch(r"\d{4}\s?[-–]\s?\d{4}", figure):
        return "citation_pages"
    if re.search(r"(?:[,”’]|,”) ?$", before) and re.match(r"[.;,)]|$", after) and re.fullmatch(r"\d{1,4}", figure):
        return "citation_pages" if not re.fullmatch(r"(?:1[89]|20)\d\d", figure) or after.startswith(")") else "citation_year"
    if re.fullmatch(r"(?:1[89]|20)\d\d", figure) and after.startswith(")"):
        return "citation_year"
    return None


def _unit(page: source.Page, kind: str, start: int, end: int, figure: str, parsed: figures.Figure) -> tuple[str, str]:
    """(unit, the words after the figure that say it)."""
    text = page.clean
    after = text[end:end + 60]
    if kind == "date":
        return "date", ""
    if kind in ("year", "months"):
        return ("year" if kind == "year" else "months"), ""
    if kind == "acres_or_count":
        return ("acres", "acres") if re.match(r"\s+of acres", after) else ("count", "")
    if kind == "fraction" or re.fullmatch(rf"(?:{NUMBER_WORD})-(?:{FRACTION_WORDS})|half", figure, flags=re.IGNORECASE):
        return "fraction", ""
    before = text[max(0, start - 8):start]
    for unit, pattern in UNIT_BEFORE:
        if re.search(pattern, before):
            return unit, ""
    window = re.split(r"[,;:.()]\s|\)|\(", after, maxsplit=1)[0]
    for unit, pattern in UNIT_AFTER:
        match = re.match(rf"\s?(?:\w+ )?(?:{pattern})", window)
        if match and (unit != "people" or len(match.group().split()) <= 4):
            return unit, match.group().strip()
    value = parsed.value if parsed.value is not None else parsed.low
    if value is not None and re.fullmatch(r"\d{4}", figure) and 1800 <= value <= 2100:
        return "year", ""
    return "count", ""


def _qualifier(text: str, start: int) -> str:
    words = re.findall(r"[A-Za-z]+", text[max(0, start - 20):start])
    if not words:
        return "none"
    last = words[-1].lower()
    if last == "than" and len(words) >= 2 and words[-2].lower() in ("more", "over"):
        return "over"
    return QUALIFIERS.get(last, "none") if last != "than" else "none"


def _quote(page: source.Page, start: int, end: int) -> str:
    """The shortest window of whole words around the figure, unique on the page and
    naming what it counts (a few words after the figure)."""
    lo, hi = _segment_bounds(page, start)
    text = page.clean
    left, right = start, end
    words_after, words_before = 0, 0
    def grow_right(position):
        match = re.match(r"\S*\s?\S+", text[position:hi])
        return min(hi, position + match.end()) if match else position
    def grow_left(position):
        match = re.search(r"\S+\s?\S*$", text[lo:position])
        return max(lo, lo + match.start()) if match else position
    right = grow_right(right) if end < hi and not text[end:end + 1].isspace() else right
    while words_after < 2 and right < hi:
        right, words_after = grow_right(right), words_after + 1
    while words_before < 2 and left > lo:
        left, words_before = grow_left(left), words_before + 1
    for _ in range(40):
        quote = text[left:right].strip()
        if text.count(quote) == 1:
            return quote
        if right < hi:
            right = grow_right(right)
        if left > lo:
            left = grow_left(left)
    return text[left:right].strip()


def draft_claims(page: source.Page, dates_before: list[Draft] | None = None) -> tuple[list[Draft], list[dict]]:
    """The figures of one page as drafted claims, and the numbers drafted as not-figures."""
    text, masked = page.clean, _masked(page)
    claims: list[Draft] = []
    skipped: list[dict] = []
    known_dates = list(dates_before or [])
    for match in FORM.finditer(masked):
        kind = FORMS[int(match.lastgroup[1:])][0]
        start, end = match.span()
        figure = text[start:end]
        region = page.region_at(start) if start < len(text) else "head"
        if region == "head":
            continue
        lower = figure.lower()
        if lower == "one" and not re.match(rf"\s(?:{SCALE}|[a-z]+s\b)", text[end:end + 12]) or lower == "one-time":
            skipped.append({"start": start, "end": end, "reason": "idiom", "note": "'one' as a pronoun or article"})
            continue
        if lower == "half" and re.search(r"(?:northern|southern|eastern|western|first|second|latter) $", text[max(0, start - 10):start]):
            skipped.append({"start": start, "end": end, "reason": "idiom", "note": "a half of a place or period"})
            continue
        reason = _citation(page, start, end, figure)
        if reason:
            skipped.append({"start": start, "end": end, "reason": reason, "note": "drafted as part of a citation"})
            continue
        try:
            parsed = figures.parse(figure)
        except figures.FigureError:
            skipped.append({"start": start, "end": end, "reason": "other", "note": "drafted: not read as a figure"})
            continue
        scale_word = re.search(rf"\b({SCALE})$", lower)
        scale = scale_word.group(1) if scale_word else ""
        factor = claims_mod.SCALE_FACTORS[scale]
        unit, after = _unit(page, kind, start, end, figure, parsed)
        if kind == "range" and unit == "count" and parsed.low and 1800 <= parsed.low <= 2100:
            unit = "year"
        draft = Draft(page.number, start, end, figure, unit, scale, _qualifier(text, start), after=after,
                      footnote=page.footnote_at(start))
        if parsed.date is not None:
            date = parsed.date
            if date.startswith("--"):
                year = _year_before(text, start, known_dates)
                date = f"{year}{date[1:]}" if year else ""
            draft.date = date
            known_dates.append(draft)
        elif parsed.value is not None:
            draft.value = _clean(parsed.value / factor)
        else:
            draft.low, draft.high = _clean(parsed.low / factor), _clean(parsed.high / factor)
        draft.quote = _quote(page, start, end)
        claims.append(draft)
    return claims, skipped


def _clean(number: float) -> float:
    return float(f"{number:.6g}") if abs(number - round(number)) > 1e-9 else float(round(number))


def _year_before(text: str, start: int, known_dates: list[Draft]) -> str:
    """A day and month without a year take the year of the last full date before them."""
    for draft in reversed(known_dates):
        if draft.date and not draft.date.startswith("-"):
            return draft.date[:4]
    years = re.findall(r"\b(1[89]\d\d)\b", text[:start])
    return years[-1] if years else ""


# --- checks -----------------------------------------------------------------

_BRACKETED = re.compile(r"^\s*(?:\w+ ){0,2}?(?:won|rubles?|yuan)?\s*(?:monthly|a month|per month|a year|annually)?"
                        r",?\s*(?:\(|or )\s*(?:nearly |about |some |over )?(?:USD|US\$|\$)?\s?$")
_RATE = re.compile(r"^\s*(?:won|rubles?|yuan)\s+(?:equaled|equalled|equals|equal|were worth|was worth|to)\s+(?:to\s+)?"
                   r"(?:USD|US\$|\$)\s?$")


def _sentence_of(text: str, offset: int) -> tuple[int, int]:
    starts = [m.end() for m in re.finditer(r"[.!?][”’\"]?\s+(?=[A-Z“])", text[:offset])]
    begin = starts[-1] if starts else 0
    stop = re.search(r"[.!?][”’\"]?(?:\s+\d{0,3}\s*[A-Z“]|\s*$)", text[offset:])
    return begin, offset + (stop.start() + 1 if stop else len(text) - offset)


def find_rates(drafts: list[Draft], text_of: dict[int, str]) -> dict[str, tuple[Draft, Draft]]:
    """Rates the text states: '4 rubles equaled to USD 1' -> {'rubles': (the 4, the 1)}."""
    rates = {}
    for a, b in zip(drafts, drafts[1:]):
        if a.page == b.page and a.unit in CURRENCIES and b.unit == "USD":
            if _RATE.match(text_of[a.page][a.end:b.start]):
                rates[a.unit] = (a, b)
    return rates


def draft_checks(drafts: list[Draft], page_text: str, rates: dict[str, tuple[Draft, Draft]],
                 dates_before: list[Draft] | None = None) -> list[dict]:
    """The checks the text implies, as rows of (kind, inputs, expected_low, expected_high, title)."""
    rows: list[dict] = []
    rate_ids = {d.id for pair in rates.values() for d in pair}
    pairs = []
    for a, b in zip(drafts, drafts[1:]):
        if a.unit in CURRENCIES and b.unit == "USD" and a.id not in rate_ids and _BRACKETED.match(page_text[a.end:b.start]):
            pairs.append((a, b))
    by_currency: dict[str, list] = {}
    for a, b in pairs:
        by_currency.setdefault(a.unit, []).append((a, b))
        if a.unit in rates:
            r_from, r_to = rates[a.unit]
            rows.append({"kind": "conversion", "inputs": [a.id, b.id, r_from.id, r_to.id],
                         "title": f"{a.figure} {a.unit} to dollars at the rate the text states"})
    for currency, group in by_currency.items():
        if currency not in rates and len(group) >= 2:
            rows.append({"kind": "same_rate", "inputs": [i for a, b in group for i in (a.id, b.id)],
                         "title": f"Do the {currency}-dollar conversions imply one rate?"})
    # Shares of one whole: percentages in one sentence adding up to about a hundred.
    sentences: dict[tuple[int, int], list[Draft]] = {}
    for d in drafts:
        if d.unit == "percent" and d.value is not None:
            sentences.setdefault(_sentence_of(page_text, d.start), []).append(d)
    for group in sentences.values():
        if len(group) >= 2 and 90 <= sum(d.value for d in group) <= 110:
            rows.append({"kind": "parts_sum", "inputs": [d.id for d in group], "expected_low": 100,
                         "expected_high": 100, "title": "Do the shares add up to the whole?"})
    # The same quantity twice: a fraction with its percentage in brackets; a count stated twice.
    for a, b in zip(drafts, drafts[1:]):
        if a.unit == "fraction" and b.unit == "percent" and re.fullmatch(r"\s*\(\s*", page_text[a.end:b.start]):
            rows.append({"kind": "same_quantity", "inputs": [a.id, b.id], "title": f"{a.figure} against {b.figure} percent"})
    seen: dict[tuple, Draft] = {}
    for d in drafts:
        if d.unit in ("divisions", "people", "acres", "won", "rubles", "yuan", "USD") and d.value is not None:
            key = (d.value, d.unit, d.scale)
            if key in seen and seen[key].after == d.after or key in seen and d.unit == "divisions":
                rows.append({"kind": "same_quantity", "inputs": [seen[key].id, d.id],
                             "title": f"{d.figure} {d.unit}, stated twice"})
            seen.setdefault(key, d)
    # "N-Year Plan (1954-1956)": the range against its length.
    for a, b in zip(drafts, drafts[1:]):
        if a.unit == "years" and b.unit == "year" and b.low is not None and re.match(r"-Year[^()]{0,40}\($", page_text[a.end:b.start]):
            rows.append({"kind": "range_length", "inputs": [b.id, a.id], "title": f"{a.figure} years, {b.figure}"})
    # "N left ... the rest": what remains of the total before it.
    for i, d in enumerate(drafts):
        if d.value is None or d.unit not in ("divisions", "people", "count"):
            continue
        begin, stop = _sentence_of(page_text, d.start)
        if re.search(r"\bthe (?:rest|remaining|remainder)\b", page_text[d.end:stop]):
            totals = [t for t in drafts[:i] if t.unit == d.unit and t.value is not None and t.value > d.value]
            if totals:
                rows.append({"kind": "remainder", "inputs": [totals[-1].id, d.id], "title": f"What remains after {d.figure}"})
    # Durations between dated events.
    dated = [d for d in (dates_before or []) + drafts if d.unit == "date" and d.date]
    for d in drafts:
        if d.unit not in DURATIONS or d.value is None:
            continue
        following = page_text[d.end:d.end + 40]
        earlier = [x for x in dated if (x.page, x.start) < (d.page, d.start)]
        later = [x for x in dated if (x.page, x.start) > (d.page, d.start)]
        if re.match(r"\s\w+\s+after\b|\s+after\b", following) and earlier and later:
            rows.append({"kind": "date_gap", "inputs": [earlier[-1].id, later[0].id, d.id],
                         "title": f"{d.figure} {d.unit} between the dated events"})
        elif re.match(r"\s\w+\s+later\b|\s+later\b", following) and len(earlier) >= 2:
            rows.append({"kind": "date_gap", "inputs": [earlier[-2].id, earlier[-1].id, d.id],
                         "title": f"{d.figure} {d.unit} between the dated events"})
        elif re.search(r"\bfor $", page_text[max(0, d.start - 4):d.start]) and len(later) >= 2:
            rows.append({"kind": "span_within", "inputs": [later[0].id, later[1].id, d.id],
                         "title": f"The dated events fit in {d.figure} {d.unit}"})
    return rows


# --- writing and scoring ---------------------------------------------------

def _fmt(number) -> str:
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return ""
    return f"{number:g}" if abs(number) < 1e15 else str(number)


def assign_ids(drafts: list[Draft], taken: set[str]) -> None:
    counts: dict[str, int] = {}
    for d in drafts:
        stem = f"p{d.page}_{re.sub(r'[^a-z0-9]+', '_', d.unit.lower())}"
        while True:
            counts[stem] = counts.get(stem, 0) + 1
            candidate = f"{stem}_{counts[stem]}"
            if candidate not in taken:
                break
        d.id = candidate
        taken.add(candidate)


def claim_rows(drafts: list[Draft], chapter: str) -> list[dict]:
    rows = []
    for d in drafts:
        counts = d.after or d.unit
        rows.append({
            "id": d.id, "page": d.page, "footnote": "" if d.footnote is None else d.footnote, "quote": d.quote,
            "figure": d.figure, "value": _fmt(d.value), "low": _fmt(d.low), "high": _fmt(d.high), "date": d.date,
            "unit": d.unit, "scale": d.scale, "qualifier": d.qualifier,
            "measure": f"drafted, to review: {counts} in “{d.quote}”",
            "period": "to review", "reported_by": "the authors" + (f", fn {d.footnote}" if d.footnote else "") + " (to review)",
            "reported_when": "to review", "reported_why": "to review",
            "chapter": chapter,
        })
    return rows


def check_rows(drafted: list[dict], chapter: str, page: int, taken: set[str]) -> list[dict]:
    rows = []
    for n, row in enumerate(drafted, start=1):
        ident = f"p{page}_{row['kind']}_{n}"
        while ident in taken:
            ident += "_x"
        taken.add(ident)
        rows.append({"id": ident, "kind": row["kind"], "inputs": " ".join(row["inputs"]),
                     "expected_low": _fmt(row.get("expected_low")), "expected_high": _fmt(row.get("expected_high")),
                     "expected_unit": row.get("expected_unit", ""), "chapter": chapter, "title": row["title"],
                     # Every kind the drafter proposes relates the page's own figures:
                     # the paper's arithmetic, each check its own problem until reviewed.
                     "evidence": "arithmetic", "problem": ident,
                     "explanation": "Drafted by paper-audit draft from the wording of the page; to review."})
    return rows


def _csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n", extrasaction="ignore", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def not_figure_rows(page: source.Page, drafts: list[Draft], skipped: list[dict]) -> list[dict]:
    """Every number the coverage test walks that no drafted claim covers, with a drafted reason."""
    figures_ = [(d.start, d.end) for d in drafts]
    covered = figures_ + coverage.layout_spans(page)
    rows, used = [], []
    for token in coverage.tokens(page):
        if any(s <= token.start and token.end <= e for s, e in covered + used):
            continue
        why = next((r for r in skipped if r["start"] <= token.start < r["end"]), None)
        if why is None:
            ordinal = token.text.lower() in ("first", "second", "third", "sixth")
            why = {"start": token.start, "end": token.end, "reason": "ordinal" if ordinal else "other",
                   "note": "drafted: to review"}
        start, end = _unique_context(page, min(why["start"], token.start), max(why["end"], token.end), figures_)
        used.append((start, end))
        rows.append({"page": page.number, "context": page.clean[start:end], "reason": why["reason"], "note": why["note"]})
    return rows


def _unique_context(page: source.Page, start: int, end: int, figures_: list[tuple[int, int]]) -> tuple[int, int]:
    """Whole words around a span, grown a word at a time until unique on the page,
    never reaching into a claim's figure."""
    text = page.clean

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in figures_)

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


@dataclass
class PageDraft:
    page: int
    claims: list[Draft]
    skipped: list[dict]
    checks: list[dict] = field(default_factory=list)


def draft_pages(numbers: list[int], pages: dict[int, source.Page], taken: set[str],
                known: list[Draft] | None = None) -> list[PageDraft]:
    """Draft pages in order; dates and stated rates of earlier pages (and of ``known``) carry forward."""
    out, earlier = [], list(known or [])
    for number in numbers:
        drafted, skipped = draft_claims(pages[number], [d for d in earlier if d.unit == "date"])
        assign_ids(drafted, taken)
        out.append(PageDraft(number, drafted, skipped))
        earlier += drafted
    text_of = {n: p.clean for n, p in pages.items()}
    rates = find_rates(sorted(earlier, key=lambda d: (d.page, d.start)), text_of)
    for page_draft in out:
        before = [d for d in earlier if d.page < page_draft.page]
        page_draft.checks = draft_checks(page_draft.claims, pages[page_draft.page].clean, rates, before)
    return out


def known_claims(table) -> list[Draft]:
    """Accepted claims as drafts, so a new page's dates and rates can refer to them."""
    out = []
    for c in table.itertuples():
        out.append(Draft(int(c.page), int(c.figure_start), int(c.figure_end), c.figure, c.unit, c.scale or "",
                         c.qualifier, value=None if c.value is None or c.value != c.value else c.value,
                         date=c.date or "", id=c.id))
    return out


def write_drafts(number: int, chapter: str, target: Path | None = None) -> dict[str, Path]:
    pages = source.load_pages()
    if number not in pages:
        raise DataError(source.unknown_page(number, pages))
    try:
        table = claims_mod.load_claims(pages=pages)
    except DataError:
        table = None
    taken = set(table.index) if table is not None else set()
    known = [d for d in known_claims(table) if d.page != number] if table is not None else []
    (result,) = draft_pages([number], pages, taken, known)
    check_ids = set()
    if paths.CHECKS_CSV.exists():
        check_ids = {r["id"] for r in csv.DictReader(paths.CHECKS_CSV.open(encoding="utf-8"))}
    target = target or paths.DATA_DIR / DRAFTS_DIR
    target.mkdir(parents=True, exist_ok=True)
    files = {
        "claims": (target / f"page-{number}.claims.csv",
                   _csv(claim_rows(result.claims, chapter), schema.field_names("claims"))),
        "checks": (target / f"page-{number}.checks.csv",
                   _csv(check_rows(result.checks, chapter, number, check_ids), schema.field_names("checks"))),
        "not-figures": (target / f"page-{number}.not-figures.csv",
                        _csv(not_figure_rows(pages[number], result.claims, result.skipped),
                             schema.field_names("not-figures"))),
    }
    for path, text in files.values():
        path.write_text(text, encoding="utf-8")
    return {name: path for name, (path, _) in files.items()}


def score(pages: dict[int, source.Page] | None = None) -> dict:
    """Draft the curated pages blind (without claims.csv) and compare with the data.

    A curated claim is found when a drafted claim's figure overlaps its figure
    and the value (or range or date), unit, scale and qualifier all agree. A
    curated check is found when a drafted check has its kind and, read through
    the matched claims, the same inputs (as a set for kinds whose inputs
    repeat).
    """
    from paper_audit.audit import engine as checks_mod

    pages = pages or source.load_pages()
    table = claims_mod.load_claims(pages=pages)
    curated_checks = checks_mod.load_checks(claims=table)
    numbers = sorted(set(int(p) for p in table["page"]))
    drafted = draft_pages(numbers, pages, set())
    all_drafts = [d for pd_ in drafted for d in pd_.claims]
    matched: dict[str, str] = {}  # draft id -> curated id
    located: dict[str, str] = {}
    misses, wrong = [], []
    for c in table.itertuples():
        overlapping = [d for d in all_drafts if d.page == c.page and d.start < c.figure_end and c.figure_start < d.end]
        expected = (_none(c.value), _none(c.low), _none(c.high), c.date or "", c.unit, c.scale or "", c.qualifier)
        for d in overlapping:
            located[d.id] = c.id
        hit = next((d for d in overlapping if _same(d.key(), expected)), None)
        if hit:
            matched[hit.id] = c.id
        elif overlapping:
            d = overlapping[0]
            wrong.append({"claim": c.id, "figure": c.figure, "expected": expected, "drafted": d.key(), "drafted_figure": d.figure})
        else:
            misses.append({"claim": c.id, "figure": c.figure})
    extra = [d for d in all_drafts if d.id not in located]
    claims_recall = len(matched) / len(table)
    claims_precision = len(matched) / len(all_drafts) if all_drafts else 0.0
    drafted_checks = [row for pd_ in drafted for row in pd_.checks]
    found, found_drafts = set(), 0
    for row in drafted_checks:
        mapped = [located.get(i) for i in row["inputs"]]
        hit = None
        for check in curated_checks:
            inputs = check["inputs"].split()
            repeat = checks_mod.KIND_SPECS.get(check["kind"]) and checks_mod.KIND_SPECS[check["kind"]].repeat
            same = set(mapped) == set(inputs) if repeat else mapped == inputs
            if check["kind"] == row["kind"] and same:
                hit = check["id"]
                break
        row["matches"] = hit
        if hit:
            found.add(hit)
            found_drafts += 1
    return {
        "claims_recall": claims_recall, "claims_precision": claims_precision,
        "checks_recall": len(found) / len(curated_checks) if curated_checks else 0.0,
        "checks_precision": found_drafts / len(drafted_checks) if drafted_checks else 0.0,
        "n_claims": len(table), "n_drafted": len(all_drafts), "n_matched": len(matched),
        "misses": misses, "wrong": wrong, "extra": [{"page": d.page, "figure": d.figure, "unit": d.unit,
                                                     "quote": d.quote} for d in extra],
        "n_checks": len(curated_checks), "n_drafted_checks": len(drafted_checks), "checks_found": sorted(found),
        "checks_missed": [c["id"] for c in curated_checks if c["id"] not in found],
        "checks_never_kinds": sorted({c["kind"] for c in curated_checks}
                                     - {c["kind"] for c in curated_checks if c["id"] in found}),
        "checks_extra": [r for r in drafted_checks if not r["matches"]],
    }


def _none(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _same(drafted: tuple, expected: tuple) -> bool:
    for a, b in zip(drafted, expected):
        if isinstance(a, float) or isinstance(b, float):
            if a is None or b is None or not math.isclose(a, b, rel_tol=1e-5):
                return False
        elif a != b:
            return False
    return True


def score_line(result: dict) -> str:
    return (f"claims recall {result['claims_recall']:.2f}, precision {result['claims_precision']:.2f}; "
            f"checks recall {result['checks_recall']:.2f}, precision {result['checks_precision']:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paper-audit draft", description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--page", type=int, help="the page to draft (see paper-audit add-page)")
    group.add_argument("--score", action="store_true", help="draft the curated pages and compare with the data")
    parser.add_argument("--chapter", default=PLACEHOLDER_CHAPTER,
                        help="the chapter the drafted rows go to (default: a placeholder the loader refuses until reviewed)")
    parser.add_argument("--out", type=Path, help="folder for the drafts (default: data/drafts)")
    parser.add_argument("-v", "--verbose", action="store_true", help="with --score: list what the drafter missed")
    args = parser.parse_args(argv)
    if args.score:
        result = score()
        print(f"{result['n_claims']} curated claims, {result['n_drafted']} drafted, {result['n_matched']} right; "
              f"{result['n_checks']} curated checks, {result['n_drafted_checks']} drafted, "
              f"{len(result['checks_found'])} right")
        if args.verbose:
            for miss in result["misses"]:
                print(f"  missed claim {miss['claim']}: {miss['figure']!r}")
            for w in result["wrong"]:
                print(f"  wrong claim {w['claim']}: {w['figure']!r} expected {w['expected']}, drafted {w['drafted']}")
            for e in result["extra"]:
                print(f"  extra claim p. {e['page']}: {e['figure']!r} ({e['unit']}) in “{e['quote']}”")
            print("  checks missed: " + ", ".join(result["checks_missed"]))
            for row in result["checks_extra"]:
                print(f"  extra check {row['kind']}: {' '.join(row['inputs'])}")
        print(score_line(result))
        return 0
    written = write_drafts(args.page, args.chapter, args.out)
    for name, path in written.items():
        rows = max(0, len(path.read_text(encoding="utf-8").splitlines()) - 1)
        print(f"wrote {rows} drafted {name} row(s) to {path}")
    print("review them, set the chapter, then move the rows into data/claims.csv, data/checks.csv "
          "and data/source/not-figures.csv")
    return 0
