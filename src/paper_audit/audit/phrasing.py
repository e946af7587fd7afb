"""How a finding's own texts (stated, computed, computation, explanation)
print amounts, rates, ratios, dates and spans: as a reader writes them
("1.7 billion", "122.9 won per USD", "20 September 1953", "57 days"), never
as ISO dates, never as a degenerate range ("4 to 4"). One formatter per kind
of quantity, so a value reads the same in every text of a finding; the size
of a gap has its own (``gaps.size``)."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re


def amount_text(value: float) -> str:
    """An amount as a finding's texts show it: four significant digits and a
    scale word from a million up ("1.7 billion"). (Tables use
    ``present.render.amount``, which keeps five digits.)"""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "unbounded"
    absolute = abs(value)
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if absolute >= size:
            return f"{value / size:,.4g} {word}"
    return _four_digits(value)


def amounts_text(low: float, high: float) -> str:
    """A range of amounts, "1.7 billion to 1.8 billion"; one amount where both
    ends print alike ("250 million", not "250 million to 250 million")."""
    return collapsed(amount_text(low), amount_text(high))


def rate_text(value: float) -> str:
    """A rate a computation implies (units per unit, four significant digits:
    "2,471", "122.9", "2.011"). A reference rate prints as its table gives it."""
    return _four_digits(value)


def one_precision(values: list[float], significant: int = 3) -> list[str]:
    """Several values of one quantity at one precision: the decimals that give
    the smallest ``significant`` digits, for all of them ("2.01, 2.00, 2.40",
    never "2.011, 2, 2.4"; "2,471 and 123")."""
    sizes = [abs(v) for v in values if v and math.isfinite(v)]
    decimals = max(0, significant - 1 - math.floor(math.log10(min(sizes)))) if sizes else 0
    return [f"{v:,.{decimals}f}" for v in values]


def ratio_text(value: float) -> str:
    """A ratio of two figures, four significant digits: "1.135", "0.8829", "3.05"."""
    return _four_digits(value)


def _four_digits(value: float) -> str:
    # ``:,.4g`` alone would print 24,710 as "2.471e+04": from 1,000 up, whole units.
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


_INNER = re.compile(r"\s*\(([^()]*)\)")


def unnested(text: str) -> str:
    """Text from data that a sentence puts inside parentheses, with its own
    parentheses turned into commas ("from 1 March 1950 (5.30 before)" reads
    "from 1 March 1950, 5.30 before"), so that no parenthesis nests in another."""
    while True:
        flat = _INNER.sub(r", \1", text)
        if flat == text:
            return flat
        text = flat


def collapsed(low: str, high: str, joiner: str = " to ") -> str:
    """Two ends of a range as printed: one where they print alike."""
    return low if low == high else f"{low}{joiner}{high}"


def capitalised(text: str) -> str:
    """The first letter upper-case, the rest as it is (``str.capitalize`` would lower it)."""
    return text[:1].upper() + text[1:]


def typographic(text: str) -> str:
    """Typographic apostrophes, as Sphinx's smartquotes prints the page's own
    text (raw HTML and glued text escape it)."""
    return text.replace("'", "’")


def listed(items: list[str]) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c"."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def date_text(day: dt.date) -> str:
    """20 September 1953."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def dates_text(start: dt.date, end: dt.date) -> str:
    """A span of days as it is said: one day, a whole month, a whole year, or
    "16 September to 3 October 1954"."""
    if start == end:
        return date_text(start)
    whole_month = start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if whole_month:
        return f"{calendar.month_name[start.month]} {start.year}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start.year}" if start.year == end.year else f"{start.year} to {end.year}"
    if start.year == end.year:
        left = f"{start.day} {calendar.month_name[start.month]}" if start.month != end.month else f"{start.day}"
        return f"{left} to {date_text(end)}"
    return f"{date_text(start)} to {date_text(end)}"


def span_text(low: float, high: float, unit: str) -> str:
    """A length of time: whole days and years, months and weeks to one decimal
    (a whole number without its ".0"); one number where both ends agree at
    that precision; "1 week", not "1 weeks"."""
    digits = 0 if unit in ("days", "years") else 1
    a, b = (f"{v:,.{digits}f}".removesuffix(".0") for v in (low, high))
    if a == b:
        return f"{a} {unit.removesuffix('s') if a == '1' else unit}"
    return f"{a} to {b} {unit}"
