"""How a finding's own texts (stated, computed, computation) print amounts,
dates and spans: as a reader writes them ("1.7 billion", "20 September 1953",
"57 days"), never as ISO dates, never as a degenerate range ("4 to 4")."""

from __future__ import annotations

import calendar
import datetime as dt
import math


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
    return f"{value:,.4g}"


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
    """A length of time: whole days, months and weeks to one decimal; one
    number where both ends agree at that precision."""
    digits = 0 if unit in ("days", "years") else 1
    a, b = f"{low:,.{digits}f}", f"{high:,.{digits}f}"
    return f"{a} {unit}" if a == b else f"{a} to {b} {unit}"
