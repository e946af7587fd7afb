"""Parts and wholes, one quantity reported twice, shares against sums, counts
against a reference or against what a sentence lists, and whether the
footnote a sentence cites gives the rate it needs."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd

from paper_audit.audit.check_kinds import (
    SHARES_OF_A_WHOLE,
    STATED_TWICE,
    WHAT_REMAINS,
    CheckRow,
    Comparison,
    Result,
    compare,
    kind,
    spread,
)
from paper_audit.audit.context import Context
from paper_audit.audit.gaps import against_range, whole_wording
from paper_audit.audit.params import ASSUMED_DIVISIONS_PER_ARMY
from paper_audit.audit.phrasing import amount_text, amounts_text
from paper_audit.audit.rounding import QUALIFIER_WIDENING, Interval, propagate
from paper_audit.audit.verdicts import CONSISTENT, GROSS, INCONSISTENT, NOT_SUPPORTED, SUPPORTED, WITHIN_ROUNDING
from paper_audit.errors import DataError
from paper_audit.tables import claims as claims_mod


@kind(
    "parts_sum",
    roles=("part",),
    repeat=2,
    expects={"expected_low": "the whole the parts add up to", "expected_high": "(optional) the same whole"},
    does="shares of one whole add up to it",
    provides=("excess", "rounding_reach", "n_parts"),
    gap=whole_wording,
    relation=SHARES_OF_A_WHOLE,
)
def _parts_sum(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    parts = [ctx.interval(i, as_percent=True) for i in inputs]
    computed = propagate(lambda *xs: sum(xs), parts)
    target = float(row["expected_low"])
    grade, numbers = compare(ctx, computed, Interval(target, target, target))
    return Result(
        "parts_sum",
        grade,
        numbers,
        stated=f"{amount_text(target)} (the whole)",
        computed=amount_text(computed.point),
        computation=" + ".join(amount_text(p.point) for p in parts) + f" = {amount_text(computed.point)}; "
        f"with rounding {amounts_text(computed.low, computed.high)}",
        extras={
            "excess": computed.point - target,
            "rounding_reach": (computed.high - computed.low) / 2,
            "n_parts": len(parts),
        },
    )


@kind(
    "same_quantity",
    roles=("first", "second"),
    does="one quantity reported twice agrees with itself",
    provides=("ratio",),
    relation=STATED_TWICE,
)
def _same_quantity(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    first, second = inputs
    percent = {ctx.claim(i)["unit"] for i in inputs} == {"fraction", "percent"}
    a, b = ctx.interval(first, as_percent=percent), ctx.interval(second, as_percent=percent)
    grade, numbers = compare(ctx, a, b)
    unit = "percent" if percent else str(ctx.claim(second)["unit"])
    # Each figure by what it measures (claims.csv ``measure``): between two
    # sources nothing is recomputed, and the reader needs to know whose is which.
    name_a, name_b = (_measure(ctx, i, which) for i, which in zip(inputs, ("first", "second"), strict=True))
    if name_a == name_b:
        # One measure printed twice ("one-third (33.3 percent)"): each by its printed form.
        name_a, name_b = (f"“{ctx.claim(i)['figure']}”" for i in inputs)
    return Result(
        "same_quantity",
        grade,
        dataclasses.replace(numbers, spread=spread(a.point, b.point)),
        stated=f"{amount_text(b.point)} {unit}" + (f" ({name_b})" if row.get("evidence") == "sources" else ""),
        computed=f"{amount_text(a.point)} {unit}" + (f" ({name_a})" if row.get("evidence") == "sources" else ""),
        computation=f"{name_a}: {amounts_text(a.low, a.high)} {unit}; {name_b}: {amounts_text(b.low, b.high)} {unit}",
        extras={"ratio": max(a.point, b.point) / min(a.point, b.point)},
    )


def _measure(ctx: Context, claim_id: str, which: str) -> str:
    """What a figure measures, as claims.csv says it; "the first figure" where it does not say."""
    measure = ctx.claim(claim_id).get("measure")
    return measure if isinstance(measure, str) and measure else f"the {which} figure"


@kind(
    "remainder",
    roles=("total", "part", "phrase_figure?"),
    does="what remains of a total after a part left",
    provides=("total", "part", "remainder", "share"),
    relation=WHAT_REMAINS,
)
def _remainder(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    """What remains of a total after a part left. Optional further inputs are
    the phrase's own figures (shown as quotes). As a wording check on a phrase
    that has the force stay until a later date: it holds if some of the total
    was still there (the force as a body stayed), not if none was."""
    total, part, *_ = (ctx.interval(i) for i in inputs)
    remainder = total.point - part.point
    ok = 0 <= remainder <= total.point
    unit = ctx.claim(inputs[0])["unit"]
    wording = SUPPORTED if remainder > 0 else NOT_SUPPORTED
    return Result(
        "remainder",
        CONSISTENT if ok else GROSS,
        Comparison(computed_value=remainder, stated_value=None),
        wording=wording,
        stated="the rest (not stated as a number)",
        computed=f"{amount_text(remainder)} {unit}",
        computation=f"{amount_text(total.point)} − {amount_text(part.point)} = {amount_text(remainder)} {unit}",
        extras={
            "total": total.point,
            "part": part.point,
            "remainder": remainder,
            "share": remainder / total.point if total.point else math.nan,
        },
    )


def _fact_interval(ctx: Context, fact: pd.Series) -> Interval:
    """A reference fact's value as the interval its words stand for: its scale
    applied (an outside sum in millions) and its qualifier read as a claim's
    ("more than 40 percent" is from 40 up, as the paper's "over" is)."""
    scale = str(fact.get("scale", "") or "")
    factor = claims_mod.SCALE_FACTORS.get(scale, 1.0)
    qualifier = str(fact.get("qualifier", "") or "none")
    qualifier = {"more than": "over"}.get(qualifier, qualifier)
    value = float(fact["value"]) * factor
    if qualifier not in QUALIFIER_WIDENING:
        raise DataError(
            f"reference fact {fact['id']}: qualifier {qualifier!r} is not one of {', '.join(QUALIFIER_WIDENING)}"
        )
    # A count or a sum as a source gives it: exact, its words widening it as a claim's would.
    below, above = QUALIFIER_WIDENING[qualifier]
    if qualifier == "nearly":
        below = ctx.assumptions.nearly_below
    return Interval(value * (1 - below), value * (1 + above), value)


@kind(
    "reference_count",
    roles=("claim", "count:fact"),
    does="a count against an independent count",
    gap=against_range("the reference", None),
)
def _reference_count(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    claim_id, count_id = inputs
    _, fact = ctx.fact(count_id)
    reference_iv = _fact_interval(ctx, fact)
    value = reference_iv.point
    words = str(fact.get("qualifier", "") or "")
    told = f"{words + ' ' if words and words != 'none' else ''}{amount_text(value)}"
    grade, numbers = compare(ctx, reference_iv, ctx.interval(claim_id))
    return Result(
        "reference_count",
        grade,
        numbers,
        stated=amount_text(ctx.interval(claim_id).point),
        computed=f"{told} ({fact['confidence']} confidence)",
        computation=f"{fact['fact']}: {told}",
    )


@kind(
    "count_listed",
    roles=("counted",),
    expects={"expected_low": "how many items the sentence lists", "expected_high": "(optional) the same number"},
    does="a stated count against the items the sentence lists",
)
def _count_listed(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    (claim_id,) = inputs
    listed = float(row["expected_low"])
    grade, numbers = compare(ctx, Interval(listed, listed, listed), ctx.interval(claim_id))
    return Result(
        "count_listed",
        grade,
        numbers,
        stated=amount_text(ctx.interval(claim_id).point),
        computed=f"{listed:g} listed in the text",
        computation=f"the sentence lists {listed:g} items",
    )


@kind(
    "footnote_rate",
    roles=("converted_amount", "footnote_rate"),
    does="the footnote a sentence cites gives a rate for the currency the sentence converts",
    provides=("rate_currency", "note"),
)
def _footnote_rate(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    """Does the footnote a sentence cites give a rate for the currency the sentence converts?"""
    converted_amount, footnote_rate = inputs
    currency = str(ctx.claim(converted_amount)["unit"])
    rate_currency = str(ctx.claim(footnote_rate)["unit"])
    note = ctx.claim(footnote_rate)["footnote"]
    covers = currency == rate_currency
    return Result(
        "footnote_rate",
        CONSISTENT if covers else INCONSISTENT,
        Comparison(),
        wording=SUPPORTED if covers else NOT_SUPPORTED,
        stated=f"footnote {note}, cited for sums in {currency}",
        computed=f"a rate for {rate_currency} only",
        computation=f"the sentence converts {currency} to dollars; footnote {note} gives a rate in {rate_currency}"
        + ("" if covers else f" and none for {currency}"),
        extras={"currency": currency, "rate_currency": rate_currency, "note": note},
    )


@kind(
    "divisions_from_armies",
    roles=("stated", "divisions:fact", "armies:fact", "more_armies:fact?"),
    does="a count of divisions against a reference that counts divisions and armies, at an assumed size of an army",
    provides=("assumed", "range", "divisions", "armies"),
    gap=against_range("every reading", "divisions"),
)
def _divisions_from_armies(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    """A stated number of divisions against a reference that counts some
    units as divisions and others as armies. An army's size in divisions is
    an assumption (``params.divisions_per_army``; by default the range
    ``ASSUMED_DIVISIONS_PER_ARMY``), so the verdict is an uncertain yardstick
    with the range of results, counted only when it is off at every size."""
    stated_id, divisions_id, *army_ids = inputs
    stated = ctx.interval(stated_id)
    divisions = float(ctx.fact(divisions_id)[1]["value"])
    armies = sum(float(ctx.fact(i)[1]["value"]) for i in army_ids)
    own = ctx.assumptions.divisions_per_army
    sizes = (own, own) if own is not None else ASSUMED_DIVISIONS_PER_ARMY
    computed = Interval(
        divisions + armies * sizes[0], divisions + armies * sizes[1], divisions + armies * sum(sizes) / 2
    )
    grade, numbers = compare(ctx, computed, stated)
    grades = [ctx.verdict(Interval(v, v, v), stated) for v in (computed.low, computed.high)]
    adverse = all(g in (INCONSISTENT, GROSS) for g in grades)
    span = f"{amounts_text(computed.low, computed.high)} divisions"
    assumed = f"{sizes[0]:g} to {sizes[1]:g}" if sizes[0] != sizes[1] else f"{sizes[0]:g}"
    if adverse:
        uncertainty = f"off at every assumed size of an army ({span})"
    elif all(g in (CONSISTENT, WITHIN_ROUNDING) for g in grades):
        uncertainty = f"consistent at every assumed size of an army ({span})"
    else:
        uncertainty = f"depends on the size of an army ({span})"
    return Result(
        "divisions_from_armies",
        grade,
        numbers,
        uncertainty=uncertainty,
        adverse_everywhere=adverse,
        stated=f"{amount_text(stated.point)} divisions",
        computed=span,
        computation=f"{divisions:g} divisions + {armies:g} armies × {assumed} divisions per army = {span}",
        extras={"assumed": assumed, "range": span, "divisions": divisions, "armies": armies},
    )


@kind(
    "share_left",
    roles=("total", "left_earlier", "share:fact"),
    does="the share of a total that the text's own figures leave for the last, against an independent share",
    provides=("implied_share", "reference_share"),
    gap=against_range("the independent share", None),
)
def _share_left(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    """The text gives a total and what left of it earlier; the rest, as a share
    of the total, is held against an independent share of the same rest (the
    troops withdrawn last, as a share of all at the start). Where the source
    counts in other units (men, not divisions) the result is an uncertain
    yardstick: shown, never counted."""
    total_id, earlier_id, share_id = inputs
    implied = propagate(lambda t, e: (t - e) / t, [ctx.interval(total_id), ctx.interval(earlier_id)])
    _, fact = ctx.fact(share_id)
    share = _fact_interval(ctx, fact)
    grade, numbers = compare(ctx, share, implied)
    implied_text, share_text = f"{implied.point:.2f}", f"{share.point:.2f}"
    return Result(
        "share_left",
        grade,
        numbers,
        # A share of divisions against a share of men: the two measure different
        # things, so the yardstick gives no hard verdict and the gap is shown, not
        # counted (it corroborates, or not, the checks of the force's strength).
        uncertainty=f"a share of {ctx.claim(total_id)['unit']} against a share the source counts otherwise "
        f"({implied_text} against {share_text})",
        stated=f"{implied_text} of the total (the paper's own figures)",
        computed=f"{share_text} ({fact['confidence']} confidence)",
        computation=f"({amount_text(ctx.interval(total_id).point)} − {amount_text(ctx.interval(earlier_id).point)})"
        f" / {amount_text(ctx.interval(total_id).point)} = {implied_text}; {fact['fact']}: {share_text}",
        extras={"implied_share": implied_text, "reference_share": share_text},
    )
