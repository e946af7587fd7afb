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
  set of conversions implies, a ratio measured two ways; and any kind not
  named below, such as a count against the items listed), by how far apart
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

Numbers: percent to one decimal under ten and whole from ten (a trailing
".0" dropped: "1 percent apart", "2.4 percent apart", "20 percent apart").
"""

from __future__ import annotations

import math

# Kinds that hold a ratio against what a phrase needs.
_PHRASE = {"comparison", "sum_against"}
# Kinds that hold a figure against a range of yardsticks, with the words for
# the range ("every candidate") and the unit of a count (None: in percent).
_AGAINST_RANGE = {
    "reference_rate": ("every candidate", None),
    "divisions_from_armies": ("every reading", "divisions"),
    "reference_count": ("the reference", ""),
}
# Kinds that hold a date against a reference date: the gap in days.
_DATES = {"date_in_reference"}
# Kinds that hold a span of time against the span its words allow.
_SPANS = {"date_gap", "span_within"}
# Kinds whose stated side is a whole made of parts, in percent.
_WHOLE = {"parts_sum"}


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


class _Sides:
    """The fields a size is read from, off a Finding or off the dict a kind returns."""

    def __init__(self, source):
        self._get = source.get if isinstance(source, dict) else lambda name: getattr(source, name, None)

    def __getattr__(self, name):
        return self._get(name)


def _finite(*values) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def _ratio(sides) -> float | None:
    """The larger over the smaller of the two figures (``spread`` where the kind gives it)."""
    if sides.spread is not None:
        return 1 + sides.spread
    a, b = sides.stated_value, sides.computed_value
    if not _finite(a, b) or min(abs(a), abs(b)) == 0:
        return None
    return max(abs(a), abs(b)) / min(abs(a), abs(b))


def _against_range(sides, words: str, unit: str | None) -> str:
    stated = sides.stated_value
    low = sides.computed_low if sides.computed_low is not None else sides.computed_value
    high = sides.computed_high if sides.computed_high is not None else sides.computed_value
    if not _finite(stated, low, high) or low <= stated <= high:
        return ""
    if stated > high:
        beyond, side, end = stated - high, "above", high
    else:
        beyond, side, end = low - stated, "below", low
    if unit is None:
        return f"{percent(beyond / end)} {side} {words}" if end else ""
    return f"{number(beyond)}{' ' + unit if unit else ''} {side} {words}"


def _beyond_words(sides) -> str:
    """A span against the span the words allow: how far beyond their nearest end, in percent of it."""
    low, high = sides.computed_low, sides.computed_high
    s_low, s_high = sides.stated_low, sides.stated_high
    if not _finite(low, high, s_low, s_high):
        return ""
    if low > s_high > 0:
        return f"{percent(low / s_high - 1)} beyond the words"
    if high < s_low:
        return f"{percent(1 - high / s_low)} short of the words"
    return ""


def _days(sides) -> str:
    if not _finite(sides.gap_abs) or sides.gap_abs == 0:
        return ""
    whole = round(abs(sides.gap_abs))
    return f"{whole:,} day{'s' if whole != 1 else ''} apart"


def _size(kind: str, sides, definitional: bool) -> str:
    if definitional or sides.separation is None or sides.separation <= 1.0 + 1e-9:
        return ""
    if kind in _WHOLE:
        if not _finite(sides.gap_abs) or sides.gap_abs == 0:
            return ""
        points = number(abs(sides.gap_abs))
        unit = "point" if points == "1" else "points"
        return f"{points} {unit} {'over' if sides.gap_abs > 0 else 'short of'} the whole"
    if kind in _PHRASE:
        if _finite(sides.gap_rel) and sides.gap_rel < 0:
            return f"{percent(-sides.gap_rel)} short of the phrase"
        return f"{percent(1 - 1 / sides.separation)} short of the phrase"
    if kind in _AGAINST_RANGE:
        return _against_range(sides, *_AGAINST_RANGE[kind])
    if kind in _DATES:
        return _days(sides)
    if kind in _SPANS:
        return _beyond_words(sides)
    ratio = _ratio(sides)
    if ratio is None or ratio == 1:
        return ""
    return apart(ratio)


def size(finding) -> str:
    """How far apart the two sides of a finding lie, as one number in words;
    "" when the comparison has no size (see the module's docstring)."""
    return _size(finding.kind, _Sides(finding), finding.definitional)


def sized(row: dict, result: dict) -> dict:
    """A kind's result with its size among the values its explanation may
    use (``{size}``): the same words ``size`` gives the finding it becomes."""
    extras = result.setdefault("extras", {})
    extras["size"] = _size(row["kind"], _Sides(result), bool(row.get("definitional")))
    return result
