"""The scenarios chapter converts each sum only at the rates the engine would
hold it against: every reference rate of its currency valid during the
claim's period (``reference.rates_for``), the disputed readings as the range
they give. A rate of another time appears only in a column marked
counterfactual, its sums first put in that rate's units."""

import datetime as dt
import html
import json
import math
import re

import pandas as pd
import pytest

from paper_audit import paths
from paper_audit.present import render
from paper_audit.run import rate_sweeps, scenarios
from paper_audit.tables import claims, reference

RATE_COLUMN = re.compile(r"usd_at_(?!stated_rate$)(.+)")


@pytest.fixture(scope="module")
def table():
    return claims.load_claims()


@pytest.fixture(scope="module")
def frame(table):
    return scenarios.table(table, stated_rates={"rubles": 4.0})


def period(table, claim):
    """A claim's period, read from the claims table (not from the frame under test)."""
    row = table.loc[claim]
    return dt.date.fromisoformat(row["period_start"]), dt.date.fromisoformat(row["period_end"])


def rates_used(frame, row) -> dict[str, float]:
    """{rate id: dollars} of every column of a row that converts at a reference
    rate outside a counterfactual column."""
    used = {}
    for column in frame.columns:
        match = RATE_COLUMN.fullmatch(column)
        if match and not pd.isna(row[column]):
            used[match.group(1)] = row[column]
    return used


def outside_counterfactual(frame, row) -> list[float]:
    """Every number a row shows outside a counterfactual column."""
    return [
        float(row[c])
        for c in frame.columns
        if not c.startswith("counterfactual_")
        and isinstance(row[c], int | float)
        and not isinstance(row[c], bool)
        and not pd.isna(row[c])
    ]


def html_rows(text: str) -> list[dict[str, str]]:
    """An HTML table of render.table as [{heading: cell}]."""
    headings = [html.unescape(h) for h in re.findall(r"<th(?: [^>]*)?>(.*?)</th>", text)]
    return [
        dict(zip(headings, (html.unescape(c) for c in re.findall(r"<td(?: [^>]*)?>(.*?)</td>", row)), strict=True))
        for row in re.findall(r"<tr>(.*?)</tr>", text)
        if "<td" in row
    ]


def test_no_1950s_ruble_sum_is_converted_at_the_1961_rate_outside_a_counterfactual_column(frame, table, monkeypatch):
    _, new_ruble = reference.lookup("rub_new_1961")
    reform, per_usd = dt.date.fromisoformat(new_ruble["valid_from"]), float(new_ruble["units_per_usd"])
    before = frame["amount_claim"].map(lambda c: period(table, c)[1] < reform)
    old = frame[(frame["currency"] == "rubles") & before]
    assert len(old) >= 4  # the war damage, the Soviet aid, the Eastern European aid
    for _, row in old.iterrows():
        at_1961 = [row["amount"] / per_usd, row["amount"] / 10 / per_usd]  # without or with the 10:1 reform
        shown = outside_counterfactual(frame, row)
        assert not any(math.isclose(v, x, rel_tol=1e-9) for v in shown for x in at_1961), row["conversion"]
        assert "rub_new_1961" not in rates_used(frame, row)
    rubles = scenarios.currency_table(old, "rubles")
    for row in old.itertuples():
        assert render.amount(row.amount / per_usd) not in rubles  # 14 billion rubles never "15.556 billion"
    for heading in re.findall(r"<th(?: [^>]*)?>(.*?)</th>", rubles):
        if f"{per_usd:g} rubles" in heading:
            assert "counterfactual" in heading and "redenomination" in heading, heading
    drawn = {}

    def dumbbell(labels, stated, alternatives, *args, **kwargs):
        drawn.update(alternatives)

    monkeypatch.setattr(scenarios.plots, "dumbbell", dumbbell)
    scenarios.dollar_chart(frame, "unused")
    assert drawn and not any(f"{per_usd:g} rubles" in label for label in drawn)


def test_the_1953_debt_and_1954_tranche_get_only_the_disputed_readings_of_their_time(frame):
    rows = frame.set_index("amount_claim")
    for claim in ("chinese_debt_cancelled_yuan", "chinese_gift_first_year_yuan"):
        row = rows.loc[claim]
        used = rates_used(frame, row)
        assert set(used) == {"cny_before_reform", "cny_before_reform_alt"}, (claim, sorted(used))
        confidences = {reference.lookup(r)[1]["confidence"] for r in used}
        assert "high" not in confidences
        amount = row["amount"]
        assert row["usd_then_low"] == pytest.approx(amount / 2.617)
        assert row["usd_then_high"] == pytest.approx(amount / 2.4618)
    yuan = html_rows(scenarios.currency_table(frame[frame["currency"] == "yuan"], "yuan"))
    for cells in yuan:
        if cells["conversion"].startswith(("North Korean war-time debt", "part of Chinese gift")):
            for heading, text in cells.items():
                if "counterfactual" not in heading:
                    assert "high confidence" not in text, (heading, text)
            assert " to " in cells["US dollars at the official rates valid in the figure's period"]


def test_each_row_uses_exactly_the_rates_valid_in_its_claims_period(frame, table):
    rates = reference.load()["exchange-rates"]
    for _, row in frame.iterrows():
        start, end = period(table, row["amount_claim"])
        used = rates_used(frame, row)
        for rate_id in used:
            assert reference.valid_during(rates.loc[rate_id], start, end), (row["conversion"], rate_id)
        valid = {r["id"] for r in reference.rates_for(row["currency"], start, end)}
        assert set(used) == valid, (row["conversion"], sorted(used), sorted(valid))
        if used:
            assert row["usd_then_low"] == pytest.approx(min(used.values()))
            assert row["usd_then_high"] == pytest.approx(max(used.values()))
        for column in frame.columns:
            if column.startswith("counterfactual_") and not pd.isna(row[column]):
                rate = rates.loc[column.removeprefix("counterfactual_")]
                assert not reference.valid_during(rate, start, end), (row["conversion"], column)


def test_a_counterfactual_is_marked_and_puts_old_rubles_into_new_ones(frame):
    rows = frame.set_index("amount_claim")
    assert rows.loc["damage_estimate_rubles_soviet", "counterfactual_rub_new_1961"] == pytest.approx(14e9 / 10 / 0.9)
    assert pd.isna(rows.loc["chinese_gift_yuan", "counterfactual_cny_official_1955"])  # valid then: not counterfactual
    rubles = html_rows(scenarios.currency_table(frame[frame["currency"] == "rubles"], "rubles"))
    (heading,) = [h for h in rubles[0] if h.startswith("US dollars at 0.9")]
    assert "counterfactual" in heading and "after the 10:1 redenomination of Jan 1961" in heading
    assert {cells[heading] for cells in rubles} >= {"1.5556 billion", "111.11 million"}
    assert not any(c.startswith("counterfactual_") for c in scenarios.table(counterfactual=False))


def test_the_won_has_no_rate_of_its_time():
    frame = scenarios.table()
    won = html_rows(scenarios.currency_table(frame[frame["currency"] == "won"], "won"))
    assert won and all(
        cells["official rates valid in the figure's period (won per US dollar)"] == "none known" for cells in won
    )


def test_the_ruble_reform_agrees_with_the_reference_rate():
    """The 10:1 of 1961 is stated in data/reference/ only in rub_new_1961's basis."""
    (day, ratio) = scenarios.REFORMS["rubles"]
    _, rate = reference.lookup("rub_new_1961")
    assert rate["valid_from"] == day.isoformat() and f"{ratio} old rubles = 1 new ruble" in rate["basis"]


def test_a_sweep_counts_no_rate_of_another_time(table):
    """Were the 1961 rate the one at which the ruble figures agree, the
    chapter must still not say it lies in their stretch: it was not valid then."""
    ruble = rate_sweeps.rate_sweep("rubles", "3.5:4.5:101", table)
    rates = rate_sweeps.official_rates("rubles")
    moved = rates["id"] == "rub_new_1961"
    rates.loc[moved, "rate"] = 4.0
    rates.loc[moved, "label"] = "a rate of 1961 set to 4"
    agree = rate_sweeps.agreement(ruble, rates)
    assert not any("1961" in text for text in agree["official_inside"])
    assert all(text.startswith("4: Mar 1950") for text in agree["official_inside"])
    sentence = rate_sweeps.agreement_sentence(agree, rates, "rubles", table)
    assert "a rate of 1961 set to 4 lies" not in sentence


def notebook_code(path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def check_chapter_code(code: str) -> None:
    """The chapter's tables and chart come from the functions tested above; it
    reads no reference rate itself."""
    assert "scenarios.currency_table(" in code and "scenarios.dollar_chart(" in code
    assert '"exchange-rates"' not in code and "usd_at_" not in code


def test_the_chapter_takes_its_conversions_from_scenarios():
    check_chapter_code(notebook_code(paths.NOTEBOOKS_DIR / "scenarios.ipynb"))
