"""Dates and durations: a date against an independently dated event, the
interval between two dates against a stated duration or wording, and the
length of a range of years."""

from __future__ import annotations

from paper_audit.audit.check_kinds import (
    DURATION_BETWEEN,
    DURATION_HOLDING,
    INSIDE,
    MEETS,
    RANGE_AND_LENGTH,
    CheckRow,
    Comparison,
    Result,
    compare,
    kind,
)
from paper_audit.audit.context import Context
from paper_audit.audit.gaps import beyond_words_wording, days_wording
from paper_audit.audit.phrasing import amount_text, date_text, dates_text, span_text, unnested
from paper_audit.audit.rounding import Interval
from paper_audit.audit.verdicts import CONSISTENT, GROSS, INCONSISTENT, WITHIN_ROUNDING

DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0, "months": DAYS_PER_MONTH, "years": 365.25}


@kind(
    "date_in_reference",
    roles=("claim", "event:fact"),
    does="a date or year against an independently dated event",
    provides=("reference_start", "reference_end", "reference_dates"),
    gap=days_wording,
    agreement=MEETS,
)
def _date_in_reference(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    claim_id, fact_id = inputs
    c_start, c_end = ctx.dates(claim_id)
    r_start, r_end = ctx.dates(fact_id)
    overlap = r_start <= c_end and c_start <= r_end
    days_off = 0 if overlap else min(abs((r_start - c_end).days), abs((c_start - r_end).days))
    result = CONSISTENT if overlap else (GROSS if days_off > 365 else INCONSISTENT)
    _, fact = ctx.fact(fact_id)
    return Result(
        "date_in_reference",
        result,
        # A year apart counts as a doubling of the gap (severity grows by one).
        Comparison(separation=1.0 + days_off / 365.25, gap_abs=float(days_off), computed_value=float(days_off)),
        stated=dates_text(c_start, c_end),
        computed=f"{dates_text(r_start, r_end)} ({fact['confidence']} confidence)",
        computation=f"the text's date, {dates_text(c_start, c_end)}; the reference ({unnested(fact['event'])}), "
        f"{dates_text(r_start, r_end)}: " + ("they overlap" if overlap else f"{days_off} days apart"),
        # Dates in words, as a reader writes them: the explanation shows them.
        extras={
            "reference_start": date_text(r_start),
            "reference_end": date_text(r_end),
            "reference_dates": dates_text(r_start, r_end),
        },
    )


def _gap_interval(ctx: Context, start: str, end: str, unit: str) -> Interval:
    s_lo, s_hi = ctx.dates(start)
    e_lo, e_hi = ctx.dates(end)
    per = DAYS_PER_UNIT[unit]
    return Interval(
        (e_lo - s_hi).days / per, (e_hi - s_lo).days / per, ((e_lo - s_hi).days + (e_hi - s_lo).days) / 2 / per
    )


@kind(
    "date_gap",
    roles=("start:either", "end:either", "duration?"),
    expects={
        "expected_low": "shortest interval the wording allows (without a duration claim)",
        "expected_high": "longest interval the wording allows (without a duration claim)",
        "expected_unit": "unit of that interval (without a duration claim)",
    },
    does="the interval between two dates against a stated duration or wording",
    provides=("days_low", "days_high", "days", "expected_low", "expected_high"),
    gap=beyond_words_wording,
    agreement=INSIDE,
    relation=DURATION_BETWEEN,
)
def _date_gap(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    start, end, *duration = inputs
    if duration:
        claim = ctx.claim(duration[0])
        unit = str(claim["unit"])
        stated = ctx.interval(duration[0])
        qualifier = {"none": "", "exactly": "", "full": "a full "}.get(claim["qualifier"], claim["qualifier"] + " ")
        stated_text = f"{qualifier}{amount_text(stated.point)} {unit}"
    else:
        unit = row["expected_unit"]
        lo, hi = float(row["expected_low"]), float(row["expected_high"])
        stated = Interval(lo, hi, (lo + hi) / 2)
        stated_text = f"{span_text(lo, hi, unit)} (how the text's wording is read)"
    computed = _gap_interval(ctx, start, end, unit)
    grade, numbers = compare(ctx, computed, stated)
    if computed.overlaps(stated) and grade != CONSISTENT:
        # The text's words stand for a span: inside it is consistent, overlapping it within rounding.
        grade = CONSISTENT if stated.low <= computed.low and computed.high <= stated.high else WITHIN_ROUNDING
    days = _gap_interval(ctx, start, end, "days")
    return Result(
        "date_gap",
        grade,
        numbers,
        stated=stated_text,
        computed=span_text(computed.low, computed.high, unit),
        computation=f"from {dates_text(*ctx.dates(start))} to {dates_text(*ctx.dates(end))}: "
        f"{span_text(days.low, days.high, 'days')}"
        + ("" if unit == "days" else f", that is {span_text(computed.low, computed.high, unit)}"),
        extras={
            "days_low": days.low,
            "days_high": days.high,
            "days": span_text(days.low, days.high, "days"),
            "expected_low": stated.low,
            "expected_high": stated.high,
        },
    )


@kind(
    "span_within",
    roles=("start:either", "end:either", "duration"),
    does="two dated events fit within a stated duration",
    provides=("span",),
    gap=beyond_words_wording,
    agreement=MEETS,
    relation=DURATION_HOLDING,
)
def _span_within(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    start, end, duration = inputs
    claim = ctx.claim(duration)
    unit = str(claim["unit"])
    stated = ctx.interval(duration)
    computed = _gap_interval(ctx, start, end, unit)
    fits = computed.low <= stated.high
    return Result(
        "span_within",
        CONSISTENT if fits else INCONSISTENT,
        Comparison(
            separation=1.0 if fits else computed.low / stated.high,
            stated_value=stated.point,
            computed_value=computed.low,
        ),
        stated=f"{amount_text(stated.point)} {unit}",
        computed=f"at least {span_text(computed.low, computed.low, unit)} between the dated events",
        computation=f"{date_text(ctx.dates(start)[0])} to {date_text(ctx.dates(end)[0])} is "
        f"{span_text(computed.low, computed.low, unit)}, "
        + ("which fits within" if fits else "longer than")
        + f" {amount_text(stated.point)} {unit}",
        extras={"span": span_text(computed.low, computed.low, unit)},
    )


@kind(
    "range_length",
    roles=("range", "length"),
    does="a range of years against its stated length",
    relation=RANGE_AND_LENGTH,
)
def _range_length(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    range_id, length_id = inputs
    c = ctx.claim(range_id)
    years = float(c["high"] - c["low"] + 1)  # inclusive calendar years: 1954-1956 is three
    length = ctx.interval(length_id)
    grade, numbers = compare(ctx, Interval(years, years, years), length)
    return Result(
        "range_length",
        grade,
        numbers,
        stated=f"{amount_text(length.point)} years",
        computed=f"{amount_text(years)} calendar years",
        computation=f"{int(c['low'])} to {int(c['high'])} inclusive = {years:g} years",
    )
