"""Conversions: at the rate the text states, at an official rate of the time,
through an accounting of the time, and several conversions that should
imply one rate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import pandas as pd

from paper_audit import paths
from paper_audit.audit.check_kinds import (
    AT_OFFICIAL_RATE,
    AT_STATED_RATE,
    ONE_RATE,
    CheckRow,
    Comparison,
    Result,
    compare,
    kind,
    separation,
)
from paper_audit.audit.context import Context
from paper_audit.audit.gaps import against_range
from paper_audit.audit.phrasing import (
    amount_text,
    amounts_text,
    date_text,
    dates_text,
    listed,
    one_precision,
    rate_text,
    unnested,
)
from paper_audit.audit.rounding import Interval, propagate
from paper_audit.audit.verdicts import CONSISTENT, GROSS, INCONSISTENT, WITHIN_ROUNDING
from paper_audit.errors import DataError
from paper_audit.tables import reference


@kind(
    "conversion",
    roles=("amount", "converted", "rate_from", "rate_to"),
    ends=True,
    does="an amount converted at the rate the text states (rate_from units = rate_to units)",
    provides=("rate",),
    relation=AT_STATED_RATE,
    converts=(("amount", "converted"),),
    # "4 rubles equaled to USD 1" is the rate itself, not a conversion of an amount.
    stated_rate=("rate_from", "rate_to"),
)
def _conversion(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    amount, converted, rate_from, rate_to = inputs
    a, b = ctx.interval(amount), ctx.interval(converted)
    # A rate the paper states ("4 rubles equaled to USD 1") is a definition, not a
    # rounded measurement: it is taken as exact.
    rf, rt = (Interval(p, p, p) for p in (ctx.interval(rate_from).point, ctx.interval(rate_to).point))
    ua, ub = str(ctx.claim(amount)["unit"]), str(ctx.claim(converted)["unit"])
    own = ctx.rate_override(ua) if ub == "USD" else None
    if own is not None:
        rf, rt = Interval(own, own, own), Interval(1.0, 1.0, 1.0)
    computed = propagate(lambda x, f, t: x * t / f, [a, rf, rt])
    grade, numbers = compare(ctx, computed, b)
    return Result(
        "conversion",
        grade,
        numbers,
        stated=f"{amount_text(b.point)} {ub}",
        computed=f"{amount_text(computed.point)} {ub}",
        implied_rate=f"{rate_text(a.point / b.point)} {ua} per {ub} (stated rate {rate_text(rf.point / rt.point)})",
        computation=f"{amount_text(a.point)} {ua} × {amount_text(rt.point)} / {amount_text(rf.point)} = "
        f"{amount_text(computed.point)} {ub}; with rounding {amounts_text(computed.low, computed.high)}",
        explanation=READERS_RATE if own is not None else "",
        extras={"rate": rf.point / rt.point},
    )


# What a finding under the reader's own rate says instead of the check's explanation,
# which discusses the book's rates (so a rerun never shows a stale sentence).
READERS_RATE = (
    "Computed at the reader's rate of {rate:g} {currency} per dollar (a rerun parameter) instead of "
    "the rates the book discusses: {label}."
)

UNSURE_CONFIDENCE = ("medium-low", "low", "none")  # a yardstick this weak gives no hard verdict


def _describe_rate(ctx: Context, rate: pd.Series | dict[str, Any]) -> str:
    """A candidate rate as an explanation names it: what it is, its value, when
    it held and its confidence, dates in words (no id: the reader never needs one)."""
    return f"{unnested(reference.describe(rate['id'], ctx.project))}, of {rate['confidence']} confidence"


def _held(rate: pd.Series | dict[str, Any]) -> str:
    """When a reference rate held, in words: "from 1 January 1953 to 28 February 1955", "from 1 March 1955 on"."""
    start = dt.date.fromisoformat(rate["valid_from"])
    if not rate["valid_to"]:
        return f"from {date_text(start)} on"
    return f"from {dates_text(start, dt.date.fromisoformat(rate['valid_to']))}"


def _units_note(
    currency: str, start: dt.date, end: dt.date, project: paths.Project | None = None, what: str = ""
) -> str:
    """Which units the paper's sums are in, where a redenomination falls before or inside the figure's time
    (by ``project``'s reference dates, the current project's by default). ``what`` names the figure (its
    measure), so that the note, given in each check of a page, never reads twice alike."""
    reform = reference.redenomination(currency, project)
    if reform is None:
        return ""
    day = dt.date.fromisoformat(reform["date"])
    if start >= day:
        return ""
    when = "is dated" if end < day else "begins"
    subject = f"The figure for {what} {when}" if what else "Sums dated"
    return (
        f"{subject} before {date_text(day)}, when sums were counted in old units ({unnested(reform['event'])}); "
        "the paper's figure is read, as its size shows, in new units, and the yardsticks are in new units too."
    )


def _yardsticks(ctx: Context, row: CheckRow, claim_id: str, currency: str, named: list[str]) -> list[Any]:
    """The candidate rates for a figure: every reference rate for its currency that
    held during its period. A rate the check names but that did not hold then is refused."""
    start, end = ctx.period(claim_id)
    candidates = reference.rates_for(currency, start, end, ctx.project)
    for rate_id in named:
        _, rate = ctx.fact(rate_id)
        if rate["currency"] != currency:
            raise DataError(
                f"{ctx.project.checks_csv}, line {row['_line']} (check {row['id']}), field 'inputs': "
                f"the yardstick {rate_id} is a rate for {rate['currency']}, the figure is in {currency}"
            )
        if not reference.valid_during(rate, start, end):
            raise DataError(
                f"{ctx.project.checks_csv}, line {row['_line']} (check {row['id']}), field 'inputs': "
                f"the yardstick {rate_id} (valid {rate['valid_from']} to {rate['valid_to'] or 'open'}) "
                f"was not valid during {claim_id}'s period {start} to {end}; "
                f"name a rate valid then in data/reference/exchange_rates.csv, or fix the claim's period"
            )
    if not candidates:
        raise DataError(
            f"{ctx.project.checks_csv}, line {row['_line']} (check {row['id']}): no reference rate for "
            f"{currency} held during {claim_id}'s period {start} to {end}"
        )
    # The named rate first: it is the one the check's explanation discusses.
    return sorted(candidates, key=lambda r: (r["id"] not in named, r["valid_from"], r["id"]))


@kind(
    "reference_rate",
    roles=("amount", "converted", "rate:fact?"),
    ends=True,
    does="an amount converted at an independent official rate of the time",
    provides=("yardsticks", "range", "units_note", "rate", "paper_rate"),
    gap=against_range("every candidate", None),
    relation=AT_OFFICIAL_RATE,
    converts=(("amount", "converted"),),
    quotes_yardsticks=True,
)
def _reference_rate(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    """A conversion held against every official rate valid when the figure was made."""
    amount, converted, *named = inputs
    a, b = ctx.interval(amount), ctx.interval(converted)
    ua = str(ctx.claim(amount)["unit"])
    own = ctx.rate_override(ua)
    start, end = ctx.period(amount)
    rates: list[Any]
    if own is not None:
        rates = [
            {
                "id": "parameter",
                "currency": ua,
                "units_per_usd": own,
                "valid_from": "",
                "valid_to": "",
                "confidence": "reader's assumption",
                "basis": "the rate given as a parameter",
            }
        ]
    else:
        rates = _yardsticks(ctx, row, amount, ua, named)
    results = []
    for rate in rates:
        per_usd = float(rate["units_per_usd"])
        computed = propagate(lambda x, r=per_usd: x / r, [a])
        results.append((rate, per_usd, computed, ctx.verdict(computed, b)))
    rate, per_usd, computed, _ = results[0]
    grade, numbers = compare(ctx, computed, b)
    values = sorted({r[1] for r in results})
    # The candidates' results as the finding prints them ...
    low = min(r[2].point for r in results)
    high = max(r[2].point for r in results)
    reasons = []
    windows = {(r[0]["valid_from"], r[0]["valid_to"]) for r in results}
    if len(windows) > 1:
        changes = sorted({r[0]["valid_from"] for r in results})[1:]
        when = listed([date_text(dt.date.fromisoformat(c)) for c in changes])
        reasons.append(f"the figure's period, {dates_text(start, end)}, straddles a change of rate on {when}")
    if len(values) > 1 and len(windows) < len(results):
        reasons.append("sources of the rate conflict for the same dates")
    reasons += [
        f"the rate of {r[1]:g} {ua} per USD {_held(r[0])} has {r[0]['confidence']} confidence"
        for r in results
        if r[0]["confidence"] in UNSURE_CONFIDENCE
    ]
    grades = [r[3] for r in results]
    uncertainty = ""
    adverse = False
    if reasons and own is None:
        adverse = all(g in (INCONSISTENT, GROSS) for g in grades)
        agree = all(g in (CONSISTENT, WITHIN_ROUNDING) for g in grades)
        span = f"USD {amounts_text(low, high)}"
        if adverse:
            uncertainty = f"off at every candidate rate ({span})"
            # Counted only so: the least of the gaps, at the candidate nearest the figure.
            numbers = dataclasses.replace(numbers, separation=min(separation(r[2], b) for r in results))
        elif agree:
            uncertainty = f"consistent at every candidate rate ({span})"
        else:
            uncertainty = "depends on the yardstick: " + "; ".join(f"{r[3]} at {r[1]:g}" for r in results)
        # ... and as the verdict weighs them, with the rounding of the amount: the
        # size of the gap (``gaps.size``) is then one rounding cannot close.
        numbers = dataclasses.replace(
            numbers, computed_low=min(r[2].low for r in results), computed_high=max(r[2].high for r in results)
        )
    return Result(
        "reference_rate",
        grade,
        numbers,
        stated=f"USD {amount_text(b.point)}",
        computed=f"USD {amount_text(computed.point)}"
        if len(results) == 1 or own is not None
        else f"USD {amounts_text(low, high)}",
        implied_rate=f"{rate_text(a.point / b.point)} {ua} per USD "
        + (
            f"(reference {per_usd:g}, {rate['confidence']} confidence)"
            if len(values) == 1
            else f"(candidate references {values[0]:g} to {values[-1]:g})"
        ),
        computation="; ".join(
            f"{amount_text(a.point)} {ua} / {r[1]:g} {ua} per USD ({unnested(r[0]['basis'])}) "
            f"= USD {amount_text(r[2].point)}"
            for r in results
        )
        + (f". Yardstick uncertain: {'; '.join(reasons)}" if uncertainty else ""),
        uncertainty=uncertainty,
        adverse_everywhere=adverse,
        explanation=READERS_RATE if own is not None else "",
        extras={
            "yardsticks": "; ".join(_describe_rate(ctx, r[0]) for r in results) if own is None else "the reader's rate",
            "range": f"USD {amounts_text(low, high)}",
            "units_note": _units_note(ua, start, end, ctx.project, str(ctx.claim(amount).get("measure", "") or "")),
            "rate": per_usd,
            "paper_rate": f"{rate_text(a.point / b.point)} {ua} per USD",
        },
    )


@kind(
    "part_of_whole",
    roles=("part", "part_converted", "whole", "whole_converted"),
    does="a part of a sum converted at the rate its whole implies (the text's own proportion)",
    provides=("rate",),
    converts=(("part", "part_converted"), ("whole", "whole_converted")),
    own_rate=True,
)
def _part_of_whole(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    """A part of a sum, converted at the rate the text gives the whole: the
    paper's own proportion, whatever rate one would choose for the currency
    (so a reader's rate does not apply here)."""
    part, part_converted, whole, whole_converted = inputs
    p, pc, w, wc = (ctx.interval(i) for i in inputs)
    computed = propagate(lambda x, total, converted: x * converted / total, [p, w, wc])
    grade, numbers = compare(ctx, computed, pc)
    ua, ub = ctx.claim(part)["unit"], ctx.claim(part_converted)["unit"]
    return Result(
        "part_of_whole",
        grade,
        numbers,
        stated=f"{amount_text(pc.point)} {ub}",
        computed=f"{amount_text(computed.point)} {ub}",
        implied_rate=f"{rate_text(p.point / pc.point)} {ua} per {ub} (the whole's {rate_text(w.point / wc.point)})",
        computation=f"{amount_text(p.point)} / {amount_text(w.point)} × {amount_text(wc.point)} {ub} = "
        f"{amount_text(computed.point)} {ub}; with rounding {amounts_text(computed.low, computed.high)}",
        extras={"rate": w.point / wc.point},
    )


@kind(
    "same_rate",
    roles=("amount", "converted"),
    repeat=2,
    does="several conversions between the same currencies imply one rate",
    provides=("low_rate", "high_rate", "ratio", "rates"),
    relation=ONE_RATE,
    converts=(("amount", "converted"),),
    any_order=True,  # one rate for all: the pairs may be listed in any order
)
def _same_rate(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    if len(inputs) < 4 or len(inputs) % 2:
        raise DataError(f"{ctx.project.checks_csv}: check {row['id']}: same_rate needs pairs of claims")
    pairs = list(zip(inputs[::2], inputs[1::2], strict=True))
    rates = [ctx.implied_rate(a, b) for a, b in pairs]
    points = [r.point for r in rates]
    lo, hi = min(points), max(points)
    common = max(r.low for r in rates) <= min(r.high for r in rates)
    if math.isclose(lo, hi, rel_tol=1e-6):
        result = CONSISTENT
    elif common:
        result = WITHIN_ROUNDING
    elif hi / lo > ctx.assumptions.gross_factor:
        result = GROSS
    else:
        result = INCONSISTENT
    ua, ub = ctx.claim(pairs[0][0])["unit"], ctx.claim(pairs[0][1])["unit"]
    listing = "; ".join(
        f"{amount_text(ctx.interval(a).point)} / {amount_text(ctx.interval(b).point)} = {rate_text(r.point)}"
        for (a, b), r in zip(pairs, rates, strict=True)
    )
    shown = one_precision(points)
    # Rates that print alike are one rate, said once ("4 rubles per USD, for each").
    each = len(set(shown)) == 1
    return Result(
        "same_rate",
        result,
        Comparison(
            stated_value=lo,
            computed_value=hi,
            computed_low=lo,
            computed_high=hi,
            # The band of rates that fits every conversion, where one does; else none,
            # and the nearest ends of the two farthest apart say how far apart they lie.
            stated_low=max(r.low for r in rates) if common else None,
            stated_high=min(r.high for r in rates) if common else None,
            separation=1.0 if common else max(r.low for r in rates) / min(r.high for r in rates),
            gap_abs=hi - lo,
            gap_rel=hi / lo - 1,
            spread=hi / lo - 1,
        ),
        stated=f"one rate for {len(pairs)} conversions",
        computed=f"{shown[0]} {ua} per {ub} for each"
        if each
        else f"rates from {rate_text(lo)} to {rate_text(hi)} {ua} per {ub}",
        # "2,471 and 122.9", never "2,471, 122.9": a comma would read as a thousands separator.
        implied_rate=f"{shown[0]} {ua} per {ub}, for each" if each else f"{listed(shown)} {ua} per {ub}",
        computation=listing
        + ("; one rate fits all within rounding" if common else "; no single rate fits all within rounding"),
        extras={"low_rate": lo, "high_rate": hi, "ratio": hi / lo, "rates": listed(shown)},
    )
