"""Statements held against numbers: a comparison the text makes between two
figures, or between a sum of two figures and a third.

A comparison word is read with the vagueness the reader allows
(``params.vagueness``): "surpassing" holds where the first is at least the
second less that margin, "much more" where it is at least ``expected_low``
times the second (half as much again, by default) less that margin.
"""

from __future__ import annotations

import dataclasses

from paper_audit.audit.check_kinds import PHRASE, CheckRow, Comparison, Result, kind, numbers
from paper_audit.audit.context import Context
from paper_audit.audit.gaps import phrase_wording
from paper_audit.audit.phrasing import amount_text, amounts_text, listed, ratio_text
from paper_audit.audit.rounding import Interval, propagate
from paper_audit.audit.verdicts import CONSISTENT, INCONSISTENT, NOT_SUPPORTED, PARTLY, SUPPORTED
from paper_audit.errors import DataError
from paper_audit.tables import reference

COMPARABLE_RATIO = 0.8  # "comparable": the smaller is at least this share of the larger
MUCH_MORE_RATIO = 1.5  # "much more": at least half as much again


def _judge(ctx: Context, ratio: float, needed: float, floor: float) -> tuple[str, float]:
    """The wording verdict and how far the ratio falls short of what the phrase
    needs (a ratio of ratios, 1 where it holds), with the words' vagueness."""
    allowed = needed * (1 - ctx.assumptions.vagueness)
    if ratio >= allowed:
        return SUPPORTED, 1.0
    return (PARTLY if ratio >= floor else NOT_SUPPORTED), allowed / ratio


@kind(
    "comparison",
    roles=("first", "second"),
    expects={"expected_low": "(optional) the ratio of the first to the second the phrase claims (default 1: larger)"},
    does="the text says the first is comparable to or larger than the second",
    provides=("ratio", "comparable", "needed", "first", "second"),
    gap=phrase_wording,
    agreement=PHRASE,
)
def _comparison(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    """The text says the first is comparable to, and even larger than, the second.

    Supported if the first reaches the claimed ratio (less the words'
    vagueness); partly supported if it is at least COMPARABLE_RATIO of the
    second (comparable, but not surpassing); not supported otherwise.
    """
    first, second = inputs
    a, b = ctx.interval(first), ctx.interval(second)
    ratio = a.point / b.point
    needed = float(row.get("expected_low") or 1.0)
    wording, short = _judge(ctx, ratio, needed, COMPARABLE_RATIO)
    unit = ctx.claim(first)["unit"]
    return Result(
        "comparison",
        CONSISTENT if wording == SUPPORTED else ctx.verdict(a, b),
        Comparison(
            separation=short,
            stated_value=b.point,
            computed_value=a.point,
            gap_abs=a.point - b.point,
            computed_low=a.low,
            computed_high=a.high,
            stated_low=b.low,
            stated_high=b.high,
            gap_rel=ratio - 1,
        ),
        wording=wording,
        stated=f"{amount_text(b.point)} {unit} (second)",
        computed=f"{amount_text(a.point)} {unit} (first)",
        computation=f"{amount_text(a.point)} / {amount_text(b.point)} = {ratio_text(ratio)} ({_needs(ctx, needed)})",
        extras={
            "ratio": ratio_text(ratio),
            "comparable": COMPARABLE_RATIO,
            "needed": needed,
            "first": f"{amount_text(a.point)} {unit}",
            "second": f"{amount_text(b.point)} {unit}",
        },
    )


def _needs(ctx: Context, needed: float) -> str:
    """What the phrase needs, said as a reader would: "the phrase needs at least as much, less 10 percent for its
    vagueness", "the phrase needs at least 1.5 times as much, ..."."""
    much = "as much" if needed == 1 else f"{needed:g} times as much"
    return f"the phrase needs at least {much}, less {ctx.assumptions.vagueness * 100:g} percent for its vagueness"


@kind(
    "sum_against",
    roles=("first_a", "first_b", "second"),
    expects={
        "expected_low": f"(optional) the ratio of the sum to the third the phrase claims (default {MUCH_MORE_RATIO:g})"
    },
    does="the text says the sum of two figures is much larger than a third",
    provides=("ratio", "needed", "first_sum", "second"),
    gap=phrase_wording,
    agreement=PHRASE,
)
def _sum_against(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    """The text says what one donor gave (two figures, summed) was much more
    than another's: supported if the sum reaches the claimed ratio to the
    third (less the words' vagueness); partly if it is larger but not by
    that much; not supported if it is not larger."""
    first_a, first_b, second = inputs
    total = propagate(lambda x, y: x + y, [ctx.interval(first_a), ctx.interval(first_b)])
    other = ctx.interval(second)
    ratio = total.point / other.point
    needed = float(row.get("expected_low") or MUCH_MORE_RATIO)
    wording, short = _judge(ctx, ratio, needed, 1.0)
    unit = ctx.claim(second)["unit"]
    return Result(
        "sum_against",
        CONSISTENT if wording == SUPPORTED else INCONSISTENT,
        # How far apart is the words' measure here (the ratio's shortfall), not the intervals'.
        dataclasses.replace(numbers(total, other), separation=short),
        wording=wording,
        stated=f"{amount_text(other.point)} {unit} (the other)",
        computed=f"{amount_text(total.point)} {unit} (the sum)",
        computation=f"({amount_text(ctx.interval(first_a).point)} + {amount_text(ctx.interval(first_b).point)}) "
        f"/ {amount_text(other.point)} = {ratio_text(ratio)} ({_needs(ctx, needed)})",
        extras={
            "ratio": ratio_text(ratio),
            "needed": needed,
            "first_sum": f"{amount_text(total.point)} {unit}",
            "second": f"{amount_text(other.point)} {unit}",
        },
    )


@kind(
    "comparison_at_rates",
    roles=("first", "second"),
    expects={
        "expected_low": f"(optional) the ratio of the first to the second the phrase claims "
        f"(default {MUCH_MORE_RATIO:g})"
    },
    does="the text says the first is much larger than the second, the first at the official rates of its time",
    provides=("ratio", "needed", "first", "second", "rates"),
    gap=phrase_wording,
    agreement=PHRASE,
)
def _comparison_at_rates(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    """A comparison the text makes between sums in two currencies, made at
    the official rates valid when the first was given (not at the paper's own
    conversion): the first is converted at every candidate rate, and the
    phrase is judged at the rate most favourable to it, so that a phrase the
    numbers fall short of falls short at every candidate."""
    first, second = inputs
    currency = str(ctx.claim(first)["unit"])
    start, end = ctx.period(first)
    candidates = reference.rates_for(currency, start, end, ctx.project)
    if not candidates:
        raise DataError(f"no reference rate for {currency} held during {first}'s period {start} to {end}")
    a, b = ctx.interval(first), ctx.interval(second)
    converted = [propagate(lambda x, r=float(rate["units_per_usd"]): x / r, [a]) for rate in candidates]
    low = min(converted, key=lambda iv: iv.point)
    high = max(converted, key=lambda iv: iv.point)
    ratio = high.point / b.point
    needed = float(row.get("expected_low") or MUCH_MORE_RATIO)
    wording, short = _judge(ctx, ratio, needed, 1.0)
    unit = ctx.claim(second)["unit"]
    span = Interval(low.low, high.high, (low.point + high.point) / 2)
    rates = listed([f"{float(r['units_per_usd']):g} of {r['confidence']} confidence" for r in candidates])
    first_text = f"{amounts_text(low.point, high.point)} {unit}"
    return Result(
        "comparison_at_rates",
        CONSISTENT if wording == SUPPORTED else INCONSISTENT,
        dataclasses.replace(numbers(span, b), separation=short),
        wording=wording,
        stated=f"{amount_text(b.point)} {unit} (the other)",
        computed=f"{first_text}, the first at {rates} {currency} per dollar",
        computation=f"{amount_text(a.point)} {currency} at {rates} {currency} per dollar = {first_text}; "
        f"against {amount_text(b.point)} {unit}: {ratio_text(low.point / b.point)} to {ratio_text(ratio)} "
        f"({_needs(ctx, needed)})",
        extras={
            "ratio": f"{ratio_text(low.point / b.point)} to {ratio_text(ratio)}",
            "needed": needed,
            "first": first_text,
            "second": f"{amount_text(b.point)} {unit}",
            "rates": rates,
        },
    )
