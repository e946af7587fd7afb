"""Parts and wholes, one quantity reported twice, shares against sums, counts
against a reference or against what a sentence lists, and whether the
footnote a sentence cites gives the rate it needs."""

from __future__ import annotations

import math

from paper_audit.audit.check_kinds import compare, kind, spread
from paper_audit.audit.params import ASSUMED_DIVISIONS_PER_ARMY
from paper_audit.audit.phrasing import amount_text
from paper_audit.audit.rounding import Interval, propagate
from paper_audit.audit.verdicts import CONSISTENT, GROSS, INCONSISTENT, NOT_SUPPORTED, SUPPORTED, WITHIN_ROUNDING
from paper_audit.tables import reference


@kind(
    "parts_sum",
    roles=("part",),
    repeat=2,
    expects={"expected_low": "the whole the parts add up to", "expected_high": "(optional) the same whole"},
    does="shares of one whole add up to it",
    provides=("excess", "rounding_reach", "n_parts"),
)
def _parts_sum(ctx, row, inputs):
    parts = [ctx.interval(i, as_percent=True) for i in inputs]
    computed = propagate(lambda *xs: sum(xs), parts)
    target = float(row["expected_low"])
    result = compare(ctx, computed, Interval(target, target, target))
    result.update(
        stated=f"{target:g} (the whole)",
        computed=f"{computed.point:,.4g}",
        computation=" + ".join(f"{p.point:g}" for p in parts) + f" = {computed.point:,.4g}; "
        f"with rounding {computed.low:,.4g} to {computed.high:,.4g}",
        extras={
            "excess": computed.point - target,
            "rounding_reach": (computed.high - computed.low) / 2,
            "n_parts": len(parts),
        },
    )
    return result


@kind(
    "same_quantity",
    roles=("first", "second"),
    does="one quantity reported twice agrees with itself",
    provides=("ratio",),
)
def _same_quantity(ctx, row, inputs):
    first, second = inputs
    percent = {ctx.claim(i)["unit"] for i in inputs} == {"fraction", "percent"}
    a, b = ctx.interval(first, as_percent=percent), ctx.interval(second, as_percent=percent)
    result = compare(ctx, a, b)
    unit = "percent" if percent else ctx.claim(second)["unit"]
    result.update(
        stated=f"{amount_text(b.point)} {unit}",
        computed=f"{amount_text(a.point)} {unit}",
        computation=f"{first}: {amount_text(a.low)} to {amount_text(a.high)}; {second}: {amount_text(b.low)} to "
        f"{amount_text(b.high)}",
        spread=spread(a.point, b.point),
        extras={"ratio": max(a.point, b.point) / min(a.point, b.point)},
    )
    return result


@kind(
    "remainder",
    roles=("total", "part", "phrase_figure?"),
    does="what remains of a total after a part left",
    provides=("total", "part", "remainder", "share"),
)
def _remainder(ctx, row, inputs):
    """What remains of a total after a part left. Optional further inputs are
    the phrase's own figures (shown as quotes). As a wording check on a phrase
    that has the force stay until a later date: it holds if some of the total
    was still there (the force as a body stayed), not if none was."""
    total, part, *_ = (ctx.interval(i) for i in inputs)
    remainder = total.point - part.point
    ok = 0 <= remainder <= total.point
    unit = ctx.claim(inputs[0])["unit"]
    wording = SUPPORTED if remainder > 0 else NOT_SUPPORTED
    return {
        "grade": CONSISTENT if ok else GROSS,
        "computed_value": remainder,
        "stated_value": None,
        "wording": wording,
        "stated": "the rest (not stated as a number)",
        "computed": f"{amount_text(remainder)} {unit}",
        "computation": f"{amount_text(total.point)} − {amount_text(part.point)} = {amount_text(remainder)} {unit}",
        "extras": {
            "total": total.point,
            "part": part.point,
            "remainder": remainder,
            "share": remainder / total.point if total.point else math.nan,
        },
    }


@kind(
    "share_ratio",
    roles=("share_a", "share_b", "sum_a", "sum_b"),
    does="two donors' shares against the ratio of the sums the text gives for them",
    provides=("share_ratio", "sum_ratio"),
)
def _share_ratio(ctx, row, inputs):
    """Two donors' shares (percent) against the ratio of the sums the paper gives for them."""
    share_a, share_b, sum_a, sum_b = inputs
    shares = propagate(lambda x, y: x / y, [ctx.interval(share_a), ctx.interval(share_b)])
    sums = propagate(lambda x, y: x / y, [ctx.interval(sum_a), ctx.interval(sum_b)])
    result = compare(ctx, sums, shares)
    result.update(
        stated=f"ratio of shares {shares.point:.4g}",
        computed=f"ratio of sums {sums.point:.4g}",
        computation=f"shares {amount_text(ctx.interval(share_a).point)} / {amount_text(ctx.interval(share_b).point)} "
        f"= {shares.point:.4g} "
        f"({shares.low:.4g} to {shares.high:.4g}); sums {amount_text(ctx.interval(sum_a).point)} / "
        f"{amount_text(ctx.interval(sum_b).point)} = {sums.point:.4g} ({sums.low:.4g} to {sums.high:.4g})",
        spread=spread(sums.point, shares.point),
        extras={"share_ratio": shares.point, "sum_ratio": sums.point},
    )
    return result


@kind("reference_count", roles=("claim", "count:fact"), does="a count against an independent count")
def _reference_count(ctx, row, inputs):
    claim_id, count_id = inputs
    _, fact = reference.lookup(count_id)
    value = float(fact["value"])
    result = compare(ctx, Interval(value, value, value), ctx.interval(claim_id))
    result.update(
        stated=amount_text(ctx.interval(claim_id).point),
        computed=f"{amount_text(value)} ({fact['confidence']} confidence)",
        computation=f"{fact['fact']}: {amount_text(value)}",
    )
    return result


@kind(
    "count_listed",
    roles=("counted",),
    expects={"expected_low": "how many items the sentence lists", "expected_high": "(optional) the same number"},
    does="a stated count against the items the sentence lists",
)
def _count_listed(ctx, row, inputs):
    (claim_id,) = inputs
    listed = float(row["expected_low"])
    result = compare(ctx, Interval(listed, listed, listed), ctx.interval(claim_id))
    result.update(
        stated=amount_text(ctx.interval(claim_id).point),
        computed=f"{listed:g} listed in the text",
        computation=f"the sentence lists {listed:g} items",
    )
    return result


@kind(
    "footnote_rate",
    roles=("converted_amount", "footnote_rate"),
    does="the footnote a sentence cites gives a rate for the currency the sentence converts",
    provides=("rate_currency", "note"),
)
def _footnote_rate(ctx, row, inputs):
    """Does the footnote a sentence cites give a rate for the currency the sentence converts?"""
    converted_amount, footnote_rate = inputs
    currency = ctx.claim(converted_amount)["unit"]
    rate_currency = ctx.claim(footnote_rate)["unit"]
    note = ctx.claim(footnote_rate)["footnote"]
    covers = currency == rate_currency
    return {
        "grade": CONSISTENT if covers else INCONSISTENT,
        "wording": SUPPORTED if covers else NOT_SUPPORTED,
        "stated": f"footnote {note}, cited for sums in {currency}",
        "computed": f"a rate for {rate_currency} only",
        "computation": f"the sentence converts {currency} to dollars; footnote {note} gives a rate in {rate_currency}"
        + ("" if covers else f" and none for {currency}"),
        "extras": {"currency": currency, "rate_currency": rate_currency, "note": note},
    }


@kind(
    "divisions_from_armies",
    roles=("stated", "divisions:fact", "armies:fact", "more_armies:fact?"),
    does="a count of divisions against a reference that counts divisions and armies, at an assumed size of an army",
    provides=("assumed", "range", "divisions", "armies"),
)
def _divisions_from_armies(ctx, row, inputs):
    """A stated number of divisions against a reference that counts some
    units as divisions and others as armies. An army's size in divisions is
    an assumption (``params.divisions_per_army``; by default the range
    ``ASSUMED_DIVISIONS_PER_ARMY``), so the verdict is an uncertain yardstick
    with the range of results, counted only when it is off at every size."""
    stated_id, divisions_id, *army_ids = inputs
    stated = ctx.interval(stated_id)
    divisions = float(reference.lookup(divisions_id)[1]["value"])
    armies = sum(float(reference.lookup(i)[1]["value"]) for i in army_ids)
    own = ctx.assumptions.divisions_per_army
    sizes = (own, own) if own is not None else ASSUMED_DIVISIONS_PER_ARMY
    computed = Interval(
        divisions + armies * sizes[0], divisions + armies * sizes[1], divisions + armies * sum(sizes) / 2
    )
    result = compare(ctx, computed, stated)
    grades = [ctx.verdict(Interval(v, v, v), stated) for v in (computed.low, computed.high)]
    adverse = all(g in (INCONSISTENT, GROSS) for g in grades)
    span = f"{amount_text(computed.low)} to {amount_text(computed.high)} divisions"
    assumed = f"{sizes[0]:g} to {sizes[1]:g}" if sizes[0] != sizes[1] else f"{sizes[0]:g}"
    if adverse:
        uncertainty = f"off at every assumed size of an army ({span})"
    elif all(g in (CONSISTENT, WITHIN_ROUNDING) for g in grades):
        uncertainty = f"consistent at every assumed size of an army ({span})"
    else:
        uncertainty = f"depends on the size of an army ({span})"
    result.update(
        uncertain=True,
        uncertainty=uncertainty,
        adverse_everywhere=adverse,
        stated=f"{amount_text(stated.point)} divisions",
        computed=span,
        computation=f"{divisions:g} divisions + {armies:g} armies × {assumed} divisions per army = {span}",
        extras={"assumed": assumed, "range": span, "divisions": divisions, "armies": armies},
    )
    return result
