"""Hand-made claims and checks for the tests of check kinds: a claim row, a
context of such rows, and a check of one kind run on them."""

import pandas as pd

from paper_audit.audit import engine


def claim(
    claim_id,
    value=None,
    figure=None,
    unit="USD",
    factor=1.0,
    qualifier="none",
    date="",
    low=None,
    high=None,
    period=("", ""),
):
    return {
        "id": claim_id,
        "value": value,
        "figure": figure or (f"{value:g}" if value is not None else ""),
        "unit": unit,
        "factor": factor,
        "qualifier": qualifier,
        "date": date,
        "low": low,
        "high": high,
        "page": 2,
        "footnote": None,
        "quote": f"quote of {claim_id}",
        "chapter": "war_damage",
        "period_start": period[0],
        "period_end": period[1],
    }


def context(*rows):
    return engine.Context(pd.DataFrame(list(rows)).set_index("id", drop=False))


def run(ctx, kind, inputs, **extra):
    row = {
        "id": "case",
        "kind": kind,
        "inputs": " ".join(inputs),
        "title": "t",
        "chapter": "war_damage",
        "explanation": "e",
        "_line": 2,
        "expected_low": "",
        "expected_high": "",
        "expected_unit": "",
        **extra,
    }
    return engine.run_check(ctx, row)
