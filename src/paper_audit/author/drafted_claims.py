"""The figures of a page as drafted claims.

Every number and number word of the page becomes a claim (figure, value or
range or date, unit, scale, qualifier, a quote that names what it counts,
footnote) or, when it reads as part of a citation (a cited work's year or
pages, an archive reference, an ordinal) or as an idiom ("one of them"), a
number skipped with the reason, for a row of not-figures.

Numbers are read by ``paper_audit.text.figures`` (number words by the
number-parser library), so the drafter and the loader read a figure alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paper_audit.author import citations
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import coverage
from paper_audit.text import figures, source

MONTH = figures.MONTH
UNIT_WORDS = "|".join(w for w in figures.UNITS if w != "zero")
TEN_WORDS = "|".join(figures.TENS)
FRACTION_WORDS = "|".join(figures.FRACTIONS)
SCALE = "|".join(figures.SCALES)
NUMBER_WORD = (
    rf"(?:(?:{TEN_WORDS})-(?:{UNIT_WORDS})|(?:{UNIT_WORDS})-(?:{FRACTION_WORDS})|"
    rf"{TEN_WORDS}|{UNIT_WORDS}|half)"
)
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
    (
        "people",
        r"(?:[A-Z]\w+ |\w+ )?(?:child )?(?:refugees|people|persons|workers|specialists|students|"
        r"children|soldiers|volunteers|technicians|experts|advisers|advisors|engineers|teachers|doctors)\b",
    ),
]
UNIT_BEFORE = [("USD", r"(?:USD|US\$|\$) ?$"), ("rubles", r"rubles? $"), ("yuan", r"yuan $")]
QUALIFIERS = {
    "nearly": "nearly",
    "almost": "nearly",
    "some": "some",
    "over": "over",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "exactly": "exactly",
    "full": "full",
    "than": "over",
}


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

    def key(self) -> tuple:
        """What the figure reads as, in the order of ``score``'s comparison with a curated claim."""
        return (self.value, self.low, self.high, self.date, self.unit, self.scale, self.qualifier)


def draft_claims(page: source.Page, dates_before: list[Draft] | None = None) -> tuple[list[Draft], list[dict]]:
    """The figures of one page as drafted claims, and the numbers skipped (with a reason) as not-figures.

    A day and month without a year take the year of the last full date before
    them, in ``dates_before`` (earlier pages) or on this page.
    """
    text, masked = page.clean, _masked(page)
    claims: list[Draft] = []
    skipped: list[dict] = []
    known_dates = list(dates_before or [])
    for match in FORM.finditer(masked):
        kind = FORMS[int(match.lastgroup[1:])][0]
        start, end = match.span()
        if start >= len(text) or page.region_at(start) == "head":
            continue
        figure = text[start:end]
        skip = _not_a_figure(page, start, end, figure)
        if skip:
            skipped.append(skip)
            continue
        try:
            parsed = figures.parse(figure)
        except figures.FigureError:
            skipped.append(_skip(start, end, "other", "drafted: not read as a figure"))
            continue
        draft = _drafted(page, kind, start, end, parsed, known_dates)
        if parsed.date is not None:
            known_dates.append(draft)
        claims.append(draft)
    return claims, skipped


def assign_ids(drafts: list[Draft], taken: set[str]) -> None:
    """Give each draft an id of its page and unit (``p7_rubles_2``) that ``taken`` does not hold yet."""
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


def known_claims(table) -> list[Draft]:
    """Accepted claims as drafts, so a new page's dates and rates can refer to them."""
    out = []
    for c in table.itertuples():
        out.append(
            Draft(
                int(c.page),
                int(c.figure_start),
                int(c.figure_end),
                c.figure,
                c.unit,
                c.scale or "",
                c.qualifier,
                value=None if c.value is None or c.value != c.value else c.value,
                date=c.date or "",
                id=c.id,
            )
        )
    return out


def _skip(start: int, end: int, reason: str, note: str) -> dict:
    return {"start": start, "end": end, "reason": reason, "note": note}


def _not_a_figure(page: source.Page, start: int, end: int, figure: str) -> dict | None:
    """Why a number the forms matched is no figure: an idiom, or part of a citation; None for a figure."""
    text, lower = page.clean, figure.lower()
    if lower == "one" and not re.match(rf"\s(?:{SCALE}|[a-z]+s\b)", text[end : end + 12]) or lower == "one-time":
        return _skip(start, end, "idiom", "'one' as a pronoun or article")
    if lower == "half" and re.search(
        r"(?:northern|southern|eastern|western|first|second|latter) $", text[max(0, start - 10) : start]
    ):
        return _skip(start, end, "idiom", "a half of a place or period")
    reason = citations.citation_reason(page, start, end, figure)
    if reason:
        return _skip(start, end, reason, "drafted as part of a citation")
    return None


def _drafted(
    page: source.Page, kind: str, start: int, end: int, parsed: figures.Figure, known_dates: list[Draft]
) -> Draft:
    """The claim a figure reads as: its unit, scale, qualifier and value (divided by the scale), or date."""
    text = page.clean
    figure = text[start:end]
    scale_word = re.search(rf"\b({SCALE})$", figure.lower())
    scale = scale_word.group(1) if scale_word else ""
    factor = claims_mod.SCALE_FACTORS[scale]
    unit, after = _unit(page, kind, start, end, figure, parsed)
    if kind == "range" and unit == "count" and parsed.low and 1800 <= parsed.low <= 2100:
        unit = "year"
    draft = Draft(
        page.number,
        start,
        end,
        figure,
        unit,
        scale,
        _qualifier(text, start),
        after=after,
        footnote=page.footnote_at(start),
        quote=_quote(page, start, end),
    )
    if parsed.date is not None:
        draft.date = _dated(parsed.date, text, start, known_dates)
    elif parsed.value is not None:
        draft.value = _without_float_noise(parsed.value / factor)
    else:
        draft.low, draft.high = _without_float_noise(parsed.low / factor), _without_float_noise(parsed.high / factor)
    return draft


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


def _unit(page: source.Page, kind: str, start: int, end: int, figure: str, parsed: figures.Figure) -> tuple[str, str]:
    """(unit, the words after the figure that say it)."""
    text = page.clean
    after = text[end : end + 60]
    if kind == "date":
        return "date", ""
    if kind in ("year", "months"):
        return ("year" if kind == "year" else "months"), ""
    if kind == "acres_or_count":
        return ("acres", "acres") if re.match(r"\s+of acres", after) else ("count", "")
    if kind == "fraction" or re.fullmatch(rf"(?:{NUMBER_WORD})-(?:{FRACTION_WORDS})|half", figure, flags=re.IGNORECASE):
        return "fraction", ""
    before = text[max(0, start - 8) : start]
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
    """The word before the figure that hedges it ('nearly', 'over', 'more than'), as the claims spell it."""
    words = re.findall(r"[A-Za-z]+", text[max(0, start - 20) : start])
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

    right = grow_right(right) if end < hi and not text[end : end + 1].isspace() else right
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


def _without_float_noise(number: float) -> float:
    """A whole number as such, anything else to six significant digits (0.1 * 3 is 0.3)."""
    return float(f"{number:.6g}") if abs(number - round(number)) > 1e-9 else float(round(number))


def _dated(date: str, text: str, start: int, known_dates: list[Draft]) -> str:
    """A parsed date in full; one without a year ('--11-16') takes the year before it, or stays unknown ('')."""
    if not date.startswith("--"):
        return date
    year = _year_before(text, start, known_dates)
    return f"{year}{date[1:]}" if year else ""


def _year_before(text: str, start: int, known_dates: list[Draft]) -> str:
    """The year of the last full date before a figure: among the dates drafted so far, else in the text."""
    for draft in reversed(known_dates):
        if draft.date and not draft.date.startswith("-"):
            return draft.date[:4]
    years = re.findall(r"\b(1[89]\d\d)\b", text[:start])
    return years[-1] if years else ""
