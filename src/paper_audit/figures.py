"""Reading a figure as the paper prints it: digits, number words, fractions,
scale words, dates and year ranges. The value in ``data/claims.csv`` is checked
against what this reads out of the quote, so no value is typed twice unchecked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
FRACTIONS = {"half": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"], start=1)}

# Every word that names a number, for the coverage walk over the text.
NUMBER_WORDS = sorted(
    set(UNITS) | set(TENS) | set(FRACTIONS) | {"hundred", "hundreds", "thousands"} | set(SCALES)
    | {"first", "second", "sixth"},
    key=len, reverse=True,
)

DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
MONTH = "|".join(MONTHS)


@dataclass(frozen=True)
class Figure:
    """What a printed figure says: one value, a range, or a (partial) date."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    date: str | None = None  # YYYY-MM-DD, YYYY-MM, or --MM-DD when the text gives no year


class FigureError(ValueError):
    pass


def word_number(text: str) -> float:
    """'thirty-four' -> 34, 'Nineteen' -> 19, 'one-third' -> 1/3, 'three-quarters' -> 0.75, 'half' -> 0.5."""
    word = text.lower().strip()
    if word in ("half", "a half"):
        return 0.5
    if word in UNITS:
        return float(UNITS[word])
    if word in TENS:
        return float(TENS[word])
    parts = word.split("-")
    if len(parts) == 2:
        first, second = parts
        if first in TENS and second in UNITS and 0 < UNITS[second] < 10:
            return float(TENS[first] + UNITS[second])
        if first in UNITS and second in FRACTIONS:
            return UNITS[first] / FRACTIONS[second]
    raise FigureError(f"not a number word: {text!r}")


def number(text: str) -> float:
    """A number in digits ('22,735', '1.147') or in words."""
    text = text.strip()
    if re.fullmatch(DIGITS, text):
        return float(text.replace(",", ""))
    return word_number(text)


def parse(figure: str) -> Figure:
    """Read a figure as printed, e.g. '420 billion', '31 July 1953', '1954-1956'."""
    text = " ".join(figure.split())
    if match := re.fullmatch(rf"(\d{{1,2}}) ({MONTH})(?: (\d{{4}}))?", text):
        day, month, year = int(match.group(1)), MONTHS[match.group(2)], match.group(3)
        return Figure(date=f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}")
    if match := re.fullmatch(rf"({MONTH}) (\d{{4}})", text):
        return Figure(date=f"{match.group(2)}-{MONTHS[match.group(1)]:02d}")
    if match := re.fullmatch(r"(\d{4})\s*(?:-|–|to|and)\s*(\d{4})", text):
        return Figure(low=float(match.group(1)), high=float(match.group(2)))
    if match := re.fullmatch(r"(\d{3})0s", text):
        decade = int(match.group(1)) * 10
        return Figure(low=float(decade), high=float(decade + 9))
    if match := re.fullmatch(r"(\w+) months to a year", text, flags=re.IGNORECASE):
        return Figure(low=number(match.group(1)), high=12.0)
    if re.fullmatch(r"hundreds of thousands", text, flags=re.IGNORECASE):
        # At least two hundred thousand, fewer than a million.
        return Figure(low=200_000.0, high=999_999.0)
    if match := re.fullmatch(rf"(.+?)(?: ({'|'.join(SCALES)}))?", text):
        try:
            base = number(match.group(1))
        except FigureError:
            raise FigureError(f"cannot read the figure {figure!r}") from None
        return Figure(value=base * SCALES.get(match.group(2) or "", 1.0))
    raise FigureError(f"cannot read the figure {figure!r}")
