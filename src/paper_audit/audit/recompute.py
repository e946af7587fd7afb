"""The recomputations a chapter shows its reader: each a line or two of
plain arithmetic, named for what it computes, so that a historian can follow
(and redo by hand) what the book did with the paper's figures.

The checks (``paper_audit.audit.kinds``) do the same arithmetic and add
what a reader does not need to see to follow it: the rounding of the printed
figures, the verdict, the wording of the finding. ``tests/test_recompute.py``
holds each function here to the checks' own results.

Amounts are plain numbers in their unit, scale applied: "420 billion won"
is 420,000,000,000 (``Chapter.figure`` reads a figure of the paper so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def implied_rate(amount: float, usd: float) -> float:
    """The exchange rate a conversion implies: how many units of the other
    currency the paper counts to one US dollar (amount divided by dollars)."""
    return amount / usd


def convert(amount: float, units_per_usd: float) -> float:
    """An amount in another currency expressed in US dollars, at a rate given
    as units of that currency per dollar (4 rubles to the dollar: 4)."""
    return amount / units_per_usd


def part_at_rate(part: float, whole: float, whole_usd: float) -> float:
    """The dollars of a part of a sum at the rate the whole implies: the part's
    share of the whole, times the whole's dollars (the paper's own proportion)."""
    return part / whole * whole_usd


def share_sum(shares: Iterable[float]) -> float:
    """Shares of one whole, in percent, added up: complete shares make 100."""
    return sum(shares)


def days_between(start: dt.date, end: dt.date) -> int:
    """How many days pass from one date to a later one (from 27 to 31 July is
    four days)."""
    return (end - start).days


def ratio(a: float, b: float) -> float:
    """How many times the second number goes into the first (a divided by b)."""
    return a / b
