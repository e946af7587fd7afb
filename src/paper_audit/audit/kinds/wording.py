"""Statements held against numbers: a comparison the text makes."""

from __future__ import annotations

from paper_audit.audit.check_kinds import kind
from paper_audit.audit.context import amount_text
from paper_audit.audit.verdicts import CONSISTENT, NOT_SUPPORTED, PARTLY, SUPPORTED

COMPARABLE_RATIO = 0.8  # "comparable": the smaller is at least this share of the larger


@kind(
    "comparison",
    roles=("first", "second"),
    does="the text says the first is comparable to or larger than the second",
    provides=("ratio", "comparable"),
)
def _comparison(ctx, row, inputs):
    """The text says the first is comparable to, and even larger than, the second.

    Supported if the first is larger; partly supported if it is at least
    COMPARABLE_RATIO of the second (comparable, but not surpassing); not
    supported otherwise. The grade is the plain rounding grade of the two.
    """
    first, second = inputs
    a, b = ctx.interval(first), ctx.interval(second)
    ratio = a.point / b.point
    if ratio >= 1:
        wording = SUPPORTED
    elif ratio >= COMPARABLE_RATIO:
        wording = PARTLY
    else:
        wording = NOT_SUPPORTED
    unit = ctx.claim(first)["unit"]
    return {
        "grade": CONSISTENT if ratio >= 1 else ctx.verdict(a, b),
        "wording": wording,
        "stated_value": b.point,
        "computed_value": a.point,
        "gap_abs": a.point - b.point,
        "computed_low": a.low,
        "computed_high": a.high,
        "stated_low": b.low,
        "stated_high": b.high,
        "gap_rel": ratio - 1,
        "stated": f"{amount_text(b.point)} {unit} (second)",
        "computed": f"{amount_text(a.point)} {unit} (first)",
        "computation": f"{amount_text(a.point)} / {amount_text(b.point)} = {ratio:.3f} (comparable from "
        f"{COMPARABLE_RATIO:g})",
        "extras": {"ratio": ratio, "comparable": COMPARABLE_RATIO},
    }
