"""The recomputations the chapters show (paper_audit.audit.recompute) give
what the checks found: every expected value below is read from a finding of
``engine.run_all()``, never from the function under test, and a planted wrong
function is caught."""

import datetime as dt
import types

import pytest

from paper_audit.audit import engine, recompute
from paper_audit.audit.kinds.dates import DAYS_PER_MONTH
from paper_audit.tables import claims, reference


@pytest.fixture(scope="module")
def findings():
    return {f.check: f for f in engine.run_all()}


@pytest.fixture(scope="module")
def figure():
    table = claims.load_claims()
    return lambda claim_id: claims.absolute(table.loc[claim_id])


@pytest.fixture(scope="module")
def day():
    table = claims.load_claims()

    def read(item):
        text = table.loc[item, "date"] if item in table.index else reference.lookup(item)[1]["date"]
        return dt.date.fromisoformat(text)

    return read


def rate_of(fact_id):
    return float(reference.lookup(fact_id)[1]["units_per_usd"])


def cases(r, figure, day, findings):
    """(what is recomputed, the recompute function it uses, recomputed, the engine's value),
    with ``r`` the module of recomputations, so that a planted one can be passed instead."""
    f = findings
    damage_rates = [
        r.implied_rate(figure("damage_estimate_won_dprk"), figure("damage_estimate_usd_dprk")),
        r.implied_rate(figure("damage_estimate_won_soviet"), figure("damage_estimate_usd_soviet")),
    ]
    yuan_rates = [
        r.implied_rate(figure(a), figure(b))
        for a, b in (
            ("chinese_debt_cancelled_yuan", "chinese_debt_cancelled_usd"),
            ("chinese_gift_yuan", "chinese_gift_usd"),
            ("chinese_gift_first_year_yuan", "chinese_gift_first_year_usd"),
        )
    ]
    fn21 = r.implied_rate(figure("fn21_rate_rubles"), figure("fn21_rate_usd"))
    yield (
        "the war-damage rates",
        "implied_rate",
        sorted(damage_rates),
        [
            f["damage_won_usd_rates"].computed_low,
            f["damage_won_usd_rates"].computed_high,
        ],
    )
    # The check lists the rates it found, in the order of its inputs, at one precision:
    # "2.01, 2.00 and 2.40 yuan per USD".
    listed = f["chinese_yuan_usd_rates"].implied_rate.removesuffix(" yuan per USD").replace(" and ", ", ")
    yield (
        "the yuan rates",
        "implied_rate",
        [round(x, 2) for x in yuan_rates],
        [float(x) for x in listed.split(", ")],
    )
    yield "footnote 21's rate", "implied_rate", fn21, f["ruble_conversions_one_rate"].computed_value
    yield (
        "the ratio of the war-damage rates",
        "ratio",
        r.ratio(max(damage_rates), min(damage_rates)),
        (f["damage_won_usd_rates"].gap_rel + 1),
    )
    for check, amount in (
        ("soviet_aid_fn21", "soviet_aid_rubles"),
        ("ee_commitment_fn21", "ee_commitment_rubles"),
        ("ee_by_1954_fn21", "ee_aid_by_end_1954_rubles"),
        ("damage_soviet_rubles_usd", "damage_estimate_rubles_soviet"),
    ):
        yield f"{amount} at footnote 21's rate", "convert", r.convert(figure(amount), fn21), f[check].computed_value
    # At the yardstick the check names (its first candidate rate).
    yield (
        "the gift at the official rate",
        "convert",
        r.convert(figure("chinese_gift_yuan"), rate_of("cny_official_1955")),
        f["chinese_gift_official"].computed_value,
    )
    yield (
        "the Soviet grant at the official rate",
        "convert",
        r.convert(figure("soviet_aid_rubles"), rate_of("rub_official_1950")),
        f["soviet_aid_official"].computed_value,
    )
    yield (
        "the first year at the gift's rate",
        "part_at_rate",
        r.part_at_rate(figure("chinese_gift_first_year_yuan"), figure("chinese_gift_yuan"), figure("chinese_gift_usd")),
        f["first_year_share_of_gift"].computed_value,
    )
    shares = ["aid_share_ussr_pct", "aid_share_china_pct", "aid_share_eastern_europe_pct"]
    shares.append("aid_share_mongolia_vietnam_pct")
    yield "the donors' shares", "share_sum", r.share_sum(figure(i) for i in shares), f["aid_shares_sum"].computed_value
    yield (
        "from the armistice to Kim's report",
        "days_between",
        r.days_between(day("armistice"), day("kim_report_to_soviets_date")),
        f["report_within_days"].computed_value,
    )
    yield (
        "from the communiqué to the first meeting",
        "days_between",
        r.days_between(day("soviet_aid_communique"), day("zhou_kim_first_meeting_date")),
        f["china_visit_delay_reference"].computed_value * DAYS_PER_MONTH,
    )


def same(recomputed, expected) -> bool:
    if isinstance(expected, str):
        return recomputed == expected
    return recomputed == pytest.approx(expected, rel=1e-9)


def mismatches(r, figure, day, findings):
    return [
        (what, function, recomputed, expected)
        for what, function, recomputed, expected in cases(r, figure, day, findings)
        if not same(recomputed, expected)
    ]


def test_each_recomputation_gives_what_the_check_found(figure, day, findings):
    assert mismatches(recompute, figure, day, findings) == []


def test_every_recomputation_is_held_to_a_check(figure, day, findings):
    public = {n for n, v in vars(recompute).items() if callable(v) and v.__module__ == recompute.__name__}
    assert {function for _, function, _, _ in cases(recompute, figure, day, findings)} == public


WRONG = {
    "implied_rate": lambda amount, usd: usd / amount,
    "convert": lambda amount, units_per_usd: amount * units_per_usd,
    "part_at_rate": lambda part, whole, whole_usd: part / whole_usd * whole,
    "share_sum": lambda shares: sum(shares) / 4,
    "days_between": lambda start, end: (end - start).days + 1,
    "ratio": lambda a, b: b / a,
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_a_planted_wrong_recomputation_is_caught(name, figure, day, findings):
    planted = types.SimpleNamespace(**{n: getattr(recompute, n) for n in WRONG})
    setattr(planted, name, WRONG[name])
    caught = {function for _, function, _, _ in mismatches(planted, figure, day, findings)}
    # (A wrong implied rate also spoils the conversions at footnote 21's rate it feeds.)
    assert name in caught
