"""Hand-made claims and checks for the tests of check kinds: a claim row, a
context of such rows, and a check of one kind run on them; and a copy of the
book's checks.csv with one row changed."""

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


def checks_copy(tmp_path, check_id: str, **fields):
    """A copy of data/checks.csv in ``tmp_path`` whose row ``check_id`` has
    ``fields`` changed, and that row's line number."""
    import csv
    import io

    from paper_audit import paths

    rows = list(csv.DictReader(io.StringIO(paths.CHECKS_CSV.read_text(encoding="utf-8"), newline="")))
    for row in rows:
        if row["id"] == check_id:
            row.update(fields)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target = tmp_path / "checks.csv"
    target.write_text(out.getvalue(), encoding="utf-8")
    return target, 2 + [r["id"] for r in rows].index(check_id)
