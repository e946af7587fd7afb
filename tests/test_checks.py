"""Every check kind on hand-made cases with known verdicts, the real excerpt's
key findings, a check naming a missing claim, and escaping of data in HTML."""


import pandas as pd
import pytest

from paper_audit import checks, claims, paths, render
from paper_audit.errors import DataError
from paper_audit.rounding import CONSISTENT, GROSS, INCONSISTENT, WITHIN_ROUNDING


def claim(claim_id, value=None, figure=None, unit="USD", factor=1.0, qualifier="none", date="", low=None, high=None):
    return {"id": claim_id, "value": value, "figure": figure or (f"{value:g}" if value is not None else ""),
            "unit": unit, "factor": factor, "qualifier": qualifier, "date": date, "low": low, "high": high,
            "page": 2, "footnote": None, "quote": f"quote of {claim_id}", "chapter": "war_damage"}


def context(*rows):
    return checks.Context(pd.DataFrame(list(rows)).set_index("id", drop=False))


def run(ctx, kind, inputs, **extra):
    row = {"id": "case", "kind": kind, "inputs": " ".join(inputs), "title": "t", "chapter": "war_damage",
           "explanation": "e", "_line": 2, "expected_low": "", "expected_high": "", "expected_unit": "", **extra}
    return checks.run_check(ctx, row)


RATE = [claim("r_from", 4, unit="rubles"), claim("r_to", 1)]


@pytest.mark.parametrize("usd, expected", [(250, CONSISTENT), (250.1, WITHIN_ROUNDING), (260, INCONSISTENT), (600, GROSS)])
def test_conversion(usd, expected):
    ctx = context(claim("a", 1000, unit="rubles"), claim("b", usd, figure=f"{usd}"), *RATE)
    finding = run(ctx, "conversion", ["a", "b", "r_from", "r_to"])
    assert finding.verdict == expected
    assert finding.implied_rate.startswith(f"{1000 / usd:,.4g} rubles per USD")


@pytest.mark.parametrize("pairs, expected", [
    ([(800, 400), (300, 150)], CONSISTENT),
    ([(729, 362.5), (800, 400)], INCONSISTENT),
    ([(729, 364), (800, 400)], WITHIN_ROUNDING),
    ([(420, 0.17), (430, 3.5)], GROSS),
])
def test_same_rate(pairs, expected):
    rows, ids = [], []
    for n, (a, b) in enumerate(pairs):
        rows += [claim(f"a{n}", a, unit="yuan"), claim(f"b{n}", b)]
        ids += [f"a{n}", f"b{n}"]
    assert run(context(*rows), "same_rate", ids).verdict == expected


@pytest.mark.parametrize("parts, expected", [([33.3, 29.4, 37.2], WITHIN_ROUNDING), ([50, 50], CONSISTENT),
                                             ([33.3, 29.4, 37.8, 0.5], INCONSISTENT), ([100, 150], GROSS)])
def test_parts_sum(parts, expected):
    rows = [claim(f"p{i}", v, unit="percent") for i, v in enumerate(parts)]
    assert run(context(*rows), "parts_sum", [r["id"] for r in rows], expected_low="100").verdict == expected


def test_same_quantity_fraction_against_percent():
    ctx = context(claim("third", 1 / 3, figure="one-third", unit="fraction", qualifier="exactly"),
                  claim("pct", 33.3, unit="percent"), claim("pct2", 30.0, figure="30", unit="percent"))
    assert run(ctx, "same_quantity", ["third", "pct"]).verdict == WITHIN_ROUNDING
    assert run(ctx, "same_quantity", ["third", "pct2"]).verdict == INCONSISTENT


def test_remainder_and_comparison():
    ctx = context(claim("total", 34, unit="divisions"), claim("left", 19, unit="divisions"), claim("big", 50, unit="divisions"))
    assert run(ctx, "remainder", ["total", "left"]).computed_value == 15
    assert run(ctx, "remainder", ["total", "big"]).verdict == GROSS
    assert run(ctx, "comparison", ["total", "left"]).verdict == CONSISTENT
    assert run(ctx, "comparison", ["left", "total"]).verdict == INCONSISTENT


def test_dates_and_durations():
    ctx = context(claim("sept", unit="date", date="1953-09"), claim("meet", unit="date", date="1953-11-16"),
                  claim("two", 2, figure="two", unit="months", qualifier="full"),
                  claim("sign", unit="date", date="1953-11-23"), claim("weeks", 2, figure="two", unit="weeks"),
                  claim("july", unit="date", date="1953-07"), claim("aug", unit="date", date="1953-08"))
    assert run(ctx, "date_gap", ["sept", "meet", "two"]).verdict == WITHIN_ROUNDING
    # From the dated communiqué (20 Sep) it is 57 days: short of a full two months.
    assert run(ctx, "date_gap", ["soviet_aid_communique", "meet", "two"]).verdict == INCONSISTENT
    assert run(ctx, "span_within", ["meet", "sign", "weeks"]).verdict == CONSISTENT
    assert run(ctx, "date_in_reference", ["july", "armistice"]).verdict == CONSISTENT
    assert run(ctx, "date_in_reference", ["aug", "armistice"]).verdict == INCONSISTENT
    within = run(ctx, "date_gap", ["armistice", "july"], expected_low="0", expected_high="14", expected_unit="days")
    assert within.verdict == WITHIN_ROUNDING  # July could be before or long after the 27th


def test_reference_rate_and_count():
    ctx = context(claim("gift", 800, figure="800 million", unit="yuan", factor=1e6),
                  claim("usd", 400, figure="400 million", factor=1e6),
                  claim("nineteen", 19, figure="Nineteen", unit="divisions"))
    finding = run(ctx, "reference_rate", ["gift", "usd", "cny_official_1955"])
    assert finding.verdict == INCONSISTENT and finding.computed_value == pytest.approx(800e6 / 2.4618)
    assert run(ctx, "reference_count", ["nineteen", "cpv_divisions_withdrawn_1954_55"]).verdict == CONSISTENT


def test_the_real_excerpt_findings():
    findings = {f.check: f for f in checks.run_all()}
    expected = {
        "damage_won_usd_rates": GROSS, "damage_usd_twice": GROSS, "aid_shares_sum": INCONSISTENT,
        "soviet_aid_fn21": CONSISTENT, "ee_commitment_fn21": CONSISTENT, "chinese_yuan_usd_rates": INCONSISTENT,
        "aid_ussr_third": WITHIN_ROUNDING, "cpv_left_reference": CONSISTENT,
    }
    for check, verdict in expected.items():
        assert findings[check].verdict == verdict, check
    assert findings["aid_shares_sum"].computed_value == pytest.approx(101.0)
    # Every kind the excerpt needs is used at least once.
    assert {f.kind for f in findings.values()} == set(checks.KINDS)


def test_a_check_naming_a_missing_claim_is_refused(tmp_path):
    text = paths.CHECKS_CSV.read_text(encoding="utf-8").replace("soviet_aid_rubles soviet_aid_usd fn21", "soviet_aid_roubles soviet_aid_usd fn21", 1)
    bad = tmp_path / "checks.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"checks\.csv, line \d+ \(check soviet_aid_fn21\), field 'inputs': 'soviet_aid_roubles' is neither a claim"):
        checks.load_checks(bad)


def test_an_unknown_kind_is_refused(tmp_path):
    text = paths.CHECKS_CSV.read_text(encoding="utf-8").replace(",parts_sum,", ",sum_of_parts,", 1)
    bad = tmp_path / "checks.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"\(check aid_shares_sum\), field 'kind': 'sum_of_parts' is not one of"):
        checks.load_checks(bad)


def test_text_from_data_is_escaped_in_html():
    evil = "<script>alert(1)</script>"
    finding = checks.Finding(check="x", kind="conversion", title=evil, chapter="war_damage", inputs=[], verdict=GROSS,
                             stated=evil, computed="1", explanation=evil,
                             quotes=[{"claim": "c", "page": 2, "footnote": None, "quote": evil}])
    for html in (render.flag(finding), render.badge(finding), render.register([finding], {})):
        assert "<script>" not in html and "&lt;script&gt;" in html
    claim = pd.Series({"id": "c", "quote": evil, "page": 2, "footnote": None, "figure": evil,
                       "measure": evil, "period": evil, "reported_by": evil})
    for findings in (None, [finding]):
        mark = render.claim_mark(claim, findings, "note-c")
        assert "<script>" not in mark and "&lt;script&gt;" in mark


def test_every_claim_is_discussed_in_exactly_one_chapter():
    import json
    import re

    table = claims.load_claims()
    found = {claim_id: [] for claim_id in table.index}
    for notebook in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        shown = set()
        for call in re.findall(r"chapter\.quotes?\(([^)]*)\)", code):
            shown |= set(re.findall(r"['\"]([a-z0-9_]+)['\"]", call))
        for claim_id in shown & set(found):
            found[claim_id].append(notebook.stem)
    wrong = {c: where for c, where in found.items() if len(where) != 1}
    assert not wrong, f"claims not quoted in exactly one chapter: {wrong}"
    for claim_id, (where,) in found.items():
        assert table.loc[claim_id, "chapter"] == where, claim_id
