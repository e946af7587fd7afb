"""Reading a figure as the paper prints it: digits, number words, fractions,
scale words, dates and ranges. The value in ``data/claims.csv`` is checked
against what this reads out of the quote, so no value is typed twice unchecked.

Cardinal number words ("thirty-four", "Nineteen") are read by the
``number-parser`` library; fraction words, which it does not read, by the
small table below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from number_parser import parse_number

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
FRACTIONS = {"half": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}

# Every word that names a number, for the coverage walk over the text.
NUMBER_WORDS = sorted(
    set(UNITS)
    | set(TENS)
    | set(FRACTIONS)
    | {"hundred", "hundreds", "thousands"}
    | set(SCALES)
    | {"first", "second", "sixth"},
    key=len,
    reverse=True,
)

# The words number-parser may read: anything else (an ordinal, "a") is refused first.
CARDINAL_WORDS = set(UNITS) | set(TENS) | {"hundred", "and"} | set(SCALES)

DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
MONTH = "|".join(MONTHS)


@dataclass(frozen=True)
class Figure:
    """What a printed figure says: one value, a range, or a (partial) date."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    date: str | None = None  # YYYY-MM-DD, YYYY-MM, or --MM-DD when the text gives no year


# What ``parse`` reads, for the message when it cannot read a figure.
READABLE_FORMS = (
    "digits (22,735; 1.147; 33.3)",
    "number words (thirty-four; Nineteen)",
    "fraction words (one-third; three-quarters; half; a third)",
    "either with a scale word (420 billion; one billion)",
    "a range (100-150; 25-USD 37.50; 1954-1956; 1956-57; 1953 to 1961; 1954 and 1957)",
    "a decade (1950s)",
    "a date (31 July 1953; 5 August; July 1953)",
    "six months to a year",
    "hundreds of thousands",
)


class FigureError(ValueError):
    pass


def cannot_read(figure: str) -> FigureError:
    return FigureError(
        f"cannot read the figure {figure!r}; the forms that can be read are: " + "; ".join(READABLE_FORMS)
    )


def word_number(text: str) -> float:
    """'thirty-four' -> 34, 'Nineteen' -> 19, 'one-third' -> 1/3, 'three-quarters' -> 0.75, 'half' -> 0.5."""
    word = text.lower().strip()
    if word in ("half", "a half"):
        return 0.5
    if word.startswith("a ") and word[2:] in FRACTIONS and not word.endswith("s"):
        return 1 / FRACTIONS[word[2:]]  # 'a third', 'a quarter'
    parts = word.split("-")
    if len(parts) == 2 and parts[0] in UNITS and parts[1] in FRACTIONS:
        return UNITS[parts[0]] / FRACTIONS[parts[1]]
    # A hyphen joins only tens and a unit ('thirty-four'), never 'thirty-zero'.
    hyphens_ok = all(
        re.fullmatch(rf"(?:{'|'.join(TENS)})-(?:{'|'.join(w for w in UNITS if 0 < UNITS[w] < 10)})", part)
        for part in word.split()
        if "-" in part
    )
    cardinal = not set(word.replace("-", " ").split()) - CARDINAL_WORDS
    if hyphens_ok and re.fullmatch(r"[a-z]+(?:[- ][a-z]+)*", word) and cardinal:
        value = parse_number(word)
        if value is not None:
            return float(value)
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
    if match := re.fullmatch(r"(1[89]|20)(\d{2})\s*[-–]\s*(\d{2})", text):
        century, start, end = (int(g) for g in match.groups())  # '1956-57': the century is implied
        if end > start:
            return Figure(low=float(century * 100 + start), high=float(century * 100 + end))
    if ends := range_ends(text):
        low, high = (parse(end) for end in ends)
        if low.value is None or high.value is None or high.value < low.value:
            raise cannot_read(figure)  # a range runs from its low end to its high end
        return Figure(low=low.value, high=high.value)
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
            raise cannot_read(figure) from None
        return Figure(value=base * SCALES.get(match.group(2) or "", 1.0))
    raise cannot_read(figure)


# "100-150", "25-USD 37.50", "2 to 3 million": two amounts, the second may
# repeat the currency; a scale word after the second applies to both.
_SCALE = "|".join(SCALES)
RANGE = re.compile(
    rf"(?P<low>{DIGITS})(?: (?P<low_scale>{_SCALE}))?\s*(?:-|–| to )\s*(?:[A-Z]{{3}} ?)?"
    rf"(?P<high>{DIGITS})(?: (?P<high_scale>{_SCALE}))?"
)


def range_ends(figure: str) -> tuple[str, str] | None:
    """The two printed ends of a range figure ('100-150' -> '100', '150'), or None."""
    text = " ".join(figure.split())
    match = RANGE.fullmatch(text)
    if not match:
        return None
    high_scale = match.group("high_scale") or ""
    low_scale = match.group("low_scale") or high_scale
    low = f"{match.group('low')} {low_scale}".strip()
    high = f"{match.group('high')} {high_scale}".strip()
    return low, high
