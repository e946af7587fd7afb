"""What a printed figure stands for, and how a recomputed value is judged.

The rules, in one place (the method page explains them to readers):

* A figure printed in digits stands for every value that rounds to it: half a
  unit of its last printed digit either way (362.5 -> [362.45, 362.55];
  170 -> [169.5, 170.5]; then the scale word applies).
* A number word counts whole units the same way ("thirty-four" -> [33.5, 34.5]);
  a fraction word ("one-third", "half") stands for +/- half a percentage point;
  a sum named in words with a scale word ("one billion rubles") is a round sum
  as agreements state them, and is taken as exact.
* The qualifier widens the interval:
  - exactly, none: no widening;
  - nearly: up to 10 percent below the figure, never above it;
  - about, some: 10 percent either way;
  - over: from the figure up to 25 percent above it;
  - full ("a full two months"): at least the figure.
* A conversion rate the paper states is a definition and is taken as exact;
  reference rates are taken as exact too (their confidence is shown beside).
* Grades (the words are ``verdicts.GRADES``), comparing a recomputed value
  (itself an interval, from the rounding of its inputs) with the stated one:
  - CONSISTENT: the point values agree (to one part in a million);
  - WITHIN_ROUNDING: the intervals overlap;
  - GROSS: the point values differ by more than a factor of 2;
  - INCONSISTENT: anything else.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from paper_audit.audit.verdicts import CONSISTENT, GROSS, INCONSISTENT, WITHIN_ROUNDING

QUALIFIER_WIDENING = {
    "exactly": (0.0, 0.0),
    "none": (0.0, 0.0),
    "nearly": (0.10, 0.0),
    "about": (0.10, 0.10),
    "some": (0.10, 0.10),
    "over": (0.0, 0.25),
    "full": (0.0, math.inf),
}
POINT_TOLERANCE = 1e-6
GROSS_FACTOR = 2.0


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    point: float

    def overlaps(self, other: "Interval") -> bool:
        return self.low <= other.high and other.low <= self.high

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def rounding_half_unit(printed: str) -> float:
    """Half a unit of the last printed digit of a figure in digits; 0.5 for words."""
    digits = re.search(r"\d[\d,]*(?:\.(\d+))?", printed)
    if not digits:
        return 0.5
    decimals = len(digits.group(1) or "")
    return 0.5 * 10.0 ** (-decimals)


def stated_interval(
    value: float,
    printed: str,
    factor: float = 1.0,
    qualifier: str = "none",
    unit: str = "",
    nearly_below: float | None = None,
    vagueness: float = 0.0,
) -> Interval:
    """The interval a printed figure stands for, in absolute units.

    ``nearly_below`` overrides how far below its figure "nearly X" may fall;
    ``vagueness`` is what a word of emphasis leaves open ("a full two months":
    at least the figure, less what the emphasis leaves open).
    """
    if unit == "fraction":
        half = 0.005
    elif factor > 1 and not re.search(r"\d", printed):
        half = 0.0  # "one billion rubles": a round sum named in words, as agreements state them
    else:
        half = rounding_half_unit(printed) * factor
    low, high = value - half, value + half
    below, above = QUALIFIER_WIDENING[qualifier]
    if qualifier == "nearly" and nearly_below is not None:
        below = nearly_below
    if qualifier == "full":
        low = value * (1 - vagueness)  # "a full two months": the figure, as rhetoric states it
    low = min(low, value * (1 - below))
    high = math.inf if above == math.inf else max(high, value * (1 + above))
    if qualifier == "nearly":
        high = value + half  # nearly X: not above X, beyond rounding
    return Interval(low, high, value)


def propagate(function: Callable[..., float], inputs: Sequence[Interval]) -> Interval:
    """Evaluate ``function`` at the points and at every corner of the inputs.

    Exact for functions monotonic in each input (sums, products, quotients of
    positive amounts), which is all the checks use.
    """
    point = function(*(i.point for i in inputs))
    corners = [
        function(*combo)
        for combo in itertools.product(*((i.low, i.high) for i in inputs))
        if all(math.isfinite(c) for c in combo)
    ]
    finite = [c for c in corners if math.isfinite(c)]
    return Interval(min(finite + [point]), max(finite + [point]), point)


def verdict(computed: Interval, stated: Interval, gross_factor: float = GROSS_FACTOR) -> str:
    """Grade a recomputed value against the stated one (see the module's rules)."""
    a, b = computed.point, stated.point
    if math.isclose(a, b, rel_tol=POINT_TOLERANCE, abs_tol=1e-12):
        return CONSISTENT
    if computed.overlaps(stated):
        return WITHIN_ROUNDING
    if a == 0 or b == 0 or (a > 0) != (b > 0) or max(abs(a), abs(b)) / min(abs(a), abs(b)) > gross_factor:
        return GROSS
    return INCONSISTENT


def relative_gap(computed: float, stated: float) -> float:
    return (computed - stated) / stated if stated else math.inf
