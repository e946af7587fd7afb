"""The size of a finding's gap: how far apart the two sides of its comparison
lie, as ONE number formatted once, in words. Every page that states a size
(the flag's paragraph, the register, the front page's abstract and list) and
the kinds' explanations (the ``{size}`` of a check's template) take it from
here, so a gap is the same number wherever it is read.

The cases, by what the comparison holds:

* no size: a check that cannot fail, a comparison with no number on one side
  (a footnote that gives no rate, a remainder the text does not state), or
  two sides that meet within rounding and the vagueness of the words
  (``separation`` 1): ``""``;
* two figures that should be one (two sources, two conversions, the rates a
  set of conversions implies, a ratio measured two ways; the wording a kind
  gets unless it declares another, such as a count against the items listed), by how far apart
  they are relative to the smaller: under twice, in percent ("2.4 percent
  apart"); from twice up, as a factor ("a factor of 2.5"; from ten up, to the
  nearest five, "a factor of 20", since such a gap is a slip of scale whose
  exact size says nothing more and the findings of one problem then give one
  number);
* parts against their whole, in points of percent ("1 point over the whole",
  "0.5 points short of the whole");
* a figure against a range of yardsticks (candidate rates, assumed sizes of
  an army), from the nearest end (rounding of the figures allowed for, so the
  gap is one the rounding cannot close), in percent of that end ("22 percent above
  every candidate", "17 percent below every reading"); a count in its unit
  ("7 divisions below every reading");
* a phrase that sets one figure against another ("surpassing", "much
  more") and is not met: where the first is the smaller, by how much smaller,
  in percent of the second ("12 percent short of the phrase": it needs at
  least as much); where the first is larger but not by as much as the phrase
  says, by how far it falls short of what the phrase needs, its vagueness
  allowed for;
* a date against a reference date, in days between them ("57 days apart");
* a span of time against the span its words allow ("within days", "a full
  two months"), in percent of the nearest end ("12 percent short of the
  words", "30 percent beyond the words").

Each kind declares its wording (``@kind(gap=...)``, one of the wordings
below); this module names no kind. ``WORDINGS`` is filled as kinds register.

Numbers: percent to one decimal under ten and whole from ten (a trailing
".0" dropped: "1 percent apart", "2.4 percent apart", "20 percent apart").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol


class Sides(Protocol):
    """The numbers a size is read from: a finding, or the comparison a kind returns."""

    @property
    def stated_value(self) -> float | None: ...
    @property
    def computed_value(self) -> float | None: ...
    @property
    def computed_low(self) -> float | None: ...
    @property
    def computed_high(self) -> float | None: ...
    @property
    def stated_low(self) -> float | None: ...
    @property
    def stated_high(self) -> float | None: ...
    @property
    def gap_abs(self) -> float | None: ...
    @property
    def gap_rel(self) -> float | None: ...
    @property
    def separation(self) -> float | None: ...
    @property
    def spread(self) -> float | None: ...


class Sized(Sides, Protocol):
    """A finding as ``size`` reads it: its numbers, its kind and whether it can fail."""

    @property
    def kind(self) -> str: ...
    @property
    def definitional(self) -> bool: ...


# How a kind words the size of a gap that rounding and vagueness cannot close.
GapWording = Callable[[Sides], str]


def number(value: float) -> str:
    """A percent or a count of points: one decimal under ten, whole from ten,
    no trailing ".0"."""
    text = f"{value:,.1f}" if abs(value) < 10 else f"{value:,.0f}"
    return text.removesuffix(".0")


def percent(fraction: float) -> str:
    """A fraction as the percent a reader says: 0.024 -> "2.4 percent"."""
    return f"{number(fraction * 100)} percent"


def factor(ratio: float) -> str:
    """A ratio from twice up: "a factor of 2.5"; from ten up, to the nearest five."""
    if ratio >= 10:
        return f"a factor of {5 * round(ratio / 5):,.0f}"
    return f"a factor of {number(ratio)}"


def apart(ratio: float) -> str:
    """How far apart two figures are, given the larger over the smaller:
    "2.4 percent apart" under twice, "a factor of 20" from twice up."""
    if ratio >= 2:
        return factor(ratio)
    return f"{percent(ratio - 1)} apart"


def _finite(*values: float | None) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def _beyond(sides: Sides) -> float | None:
    """The ratio beyond every margin: a finding's own (``beyond``: between sources
    the tolerance for estimates is allowed for too), else the comparison's separation."""
    ratio = getattr(sides, "beyond", None)
    return ratio if ratio is not None else sides.separation


def apart_wording(sides: Sides) -> str:
    """Two figures that should be one: how far apart beyond rounding, as the
    ratio of their nearest ends ("19 percent apart beyond rounding", "a factor
    of 20"); where a comparison has no intervals, by its spread or its points."""
    ratio = _beyond(sides)
    if ratio is not None and math.isfinite(ratio) and ratio > 1.0 + 1e-9:
        if ratio >= 2:
            return factor(ratio)
        return f"{apart(ratio)} beyond rounding"
    if sides.spread is not None:
        ratio = 1 + sides.spread
    else:
        a, b = sides.stated_value, sides.computed_value
        if a is None or b is None or not _finite(a, b) or min(abs(a), abs(b)) == 0:
            return ""
        ratio = max(abs(a), abs(b)) / min(abs(a), abs(b))
    return "" if ratio == 1 else apart(ratio)


def whole_wording(sides: Sides) -> str:
    """Parts against their whole, in points of percent beyond the rounding of
    the parts ("0.8 points over the whole beyond rounding")."""
    low, high = sides.computed_low, sides.computed_high
    s_low, s_high = sides.stated_low, sides.stated_high
    if _finite(low, high, s_low, s_high):
        assert low is not None and high is not None and s_low is not None and s_high is not None
        if low > s_high:
            gap = low - s_high
        elif high < s_low:
            gap = high - s_low
        else:
            return ""
    else:
        if sides.gap_abs is None or not math.isfinite(sides.gap_abs) or sides.gap_abs == 0:
            return ""
        gap = sides.gap_abs
    points = number(abs(gap))
    unit = "point" if points == "1" else "points"
    return f"{points} {unit} {'over' if gap > 0 else 'short of'} the whole beyond rounding"


def phrase_wording(sides: Sides) -> str:
    """A phrase that sets one figure against another and is not met: by how
    far the figures fall short of what the phrase needs, after the vagueness
    its words leave open ("2 percent short of the phrase beyond its vagueness")."""
    ratio = _beyond(sides) or 1.0
    return f"{percent(1 - 1 / ratio)} short of the phrase beyond its vagueness"


def against_range(words: str, unit: str | None) -> GapWording:
    """A figure against a range of yardsticks, from the nearest end: in percent
    of it (``unit`` None: "22 percent above every candidate") or as a count in
    its unit ("7 divisions below every reading"; "" for a count with no unit)."""

    def wording(sides: Sides) -> str:
        stated = sides.stated_value
        low = sides.computed_low if sides.computed_low is not None else sides.computed_value
        high = sides.computed_high if sides.computed_high is not None else sides.computed_value
        if stated is None or low is None or high is None or not _finite(stated, low, high) or low <= stated <= high:
            return ""
        if stated > high:
            beyond, side, end = stated - high, "above", high
        else:
            beyond, side, end = low - stated, "below", low
        if unit is None:
            # In percent, the rounding of the stated figure allowed for: the gap severity weighs.
            ratio = _beyond(sides)
            if ratio is None or not math.isfinite(ratio) or ratio <= 1.0 + 1e-9 or not end:
                return ""
            return f"{percent(ratio - 1)} {side} {words} beyond rounding"
        return f"{number(beyond)}{' ' + unit if unit else ''} {side} {words}"

    return wording


def beyond_words_wording(sides: Sides) -> str:
    """A span against the span the words allow: how far beyond their nearest end, in percent of it."""
    low, high = sides.computed_low, sides.computed_high
    s_low, s_high = sides.stated_low, sides.stated_high
    if low is None or high is None or s_low is None or s_high is None or not _finite(low, high, s_low, s_high):
        return ""
    if low > s_high > 0:
        return f"{percent(low / s_high - 1)} beyond the words"
    if high < s_low:
        return f"{percent(1 - high / s_low)} short of the words"
    return ""


def days_wording(sides: Sides) -> str:
    """A date against a reference date: the days between them ("57 days apart")."""
    gap = sides.gap_abs
    if gap is None or not math.isfinite(gap) or gap == 0:
        return ""
    whole = round(abs(gap))
    return f"{whole:,} day{'s' if whole != 1 else ''} apart"


# Each registered kind's wording (``check_kinds.kind`` fills it from the declaration).
WORDINGS: dict[str, GapWording] = {}


def worded(wording: GapWording, sides: Sides, definitional: bool) -> str:
    """The size of a gap in a kind's wording; "" where the comparison has no size."""
    if definitional or sides.separation is None or sides.separation <= 1.0 + 1e-9:
        return ""
    return wording(sides)


def size(finding: Sized) -> str:
    """How far apart the two sides of a finding lie, as one number in words;
    "" when the comparison has no size (see the module's docstring)."""
    return worded(WORDINGS.get(finding.kind, apart_wording), finding, finding.definitional)
