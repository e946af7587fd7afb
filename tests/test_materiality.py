"""Findings weighed as a referee would: the materiality rule decides what is
counted, severity grows with the size of the gap and its kind of evidence, and
every count (front page, register, chapter summaries) is the same."""

import csv
import io
import math

import pandas as pd
import pytest

from paper_audit import paths
from paper_audit.audit import engine, evidence, params, verdicts
from paper_audit.tables import reference


@pytest.fixture(scope="module")
def findings():
    return {f.check: f for f in engine.run_all()}


def test_findings_csv_has_a_numeric_severity_and_a_counted_flag(findings):
    frame = pd.read_csv(io.StringIO(engine.findings_frame(list(findings.values())).to_csv(index=False)))
    assert frame["severity"].dtype.kind == "f" and frame["counted"].dtype == bool
    assert set(frame.loc[~frame["counted"], "severity"]) == {0.0}
    assert (frame.loc[frame["counted"], "severity"] > 0).all()


def test_the_thesis_outranks_the_factor_of_twenty(findings):
    """A referee ranks by what a finding changes: the yuan conversions bear on
    the paper's thesis (China's aid comparable to and surpassing Moscow's) and
    lean in its favour; the factor of twenty bears on the scale of the ruin."""
    gravest = max(findings.values(), key=lambda f: f.severity)
    assert gravest.problem == "yuan_dollar" and gravest.stakes == "central" and gravest.direction == "favours"
    twenty = findings["damage_won_usd_rates"]
    assert twenty.counted and twenty.stakes == "supporting" and 19 < twenty.separation < 21
    central = [f for f in findings.values() if f.counted and f.stakes == "central"]
    assert central and all(f.severity > twenty.severity for f in central)


def test_estimates_a_few_percent_apart_and_a_full_two_months_are_shown_not_counted(findings):
    won = findings["damage_won_twice"]  # 420 against 430 billion won
    assert won.verdict == verdicts.SOURCES_DIFFER_SLIGHTLY and not won.counted and won.severity == 0
    months = findings["china_visit_delay_reference"]  # 57 days for "a full two months"
    assert not months.counted and months.severity == 0
    # Not hidden: both stay in the findings, with their explanation.
    assert won.explanation and months.explanation


def _run(check_id: str, **assumptions) -> engine.Finding:
    return {f.check: f for f in engine.run_all(assumptions=params.validate(assumptions))}[check_id]


def test_severity_moves_with_the_gap_and_is_never_typed():
    # A reader's yuan rate moves the gift's dollar gap; the severity follows.
    near, far = _run("chinese_gift_official", yuan_per_usd=2.2), _run("chinese_gift_official", yuan_per_usd=3.0)
    assert near.counted and far.counted and far.severity > near.severity
    # central stakes (floor 20), a yardstick (base 1.5), one per doubling, one for leaning in the thesis' favour
    assert far.stakes == "central" and far.direction == "favours"
    assert far.severity == pytest.approx(20 + 1.5 + math.log2(far.separation) + 1, rel=1e-9)
    # and no column of checks.csv holds a severity
    with open(paths.CHECKS_CSV, encoding="utf-8") as handle:
        assert "severity" not in next(csv.reader(handle))


def test_the_tolerance_and_the_vagueness_are_the_rules_thresholds():
    assert _run("damage_won_twice", sources_tolerance=0.0).counted  # no tolerance: 2.4 percent counts
    assert _run("china_visit_delay_reference", vagueness=0.0).counted  # no vagueness: 57 days fall short


def test_the_retracted_accounting_is_gone():
    facts = {i for table in reference.load().values() for i in table.index}
    assert not {f for f in facts if "accounting" in f}
    text = (paths.REFERENCE_DIR / "counts.csv").read_text(encoding="utf-8").lower()
    assert "2 rubles per yuan" not in text and "soviet accounting" not in text
    assert "accounting_rate" not in engine.KINDS


def test_footnote_21_is_part_of_the_yuan_problem(findings):
    assert findings["fn21_ruble_only"].problem == findings["chinese_yuan_usd_rates"].problem == "yuan_dollar"
    assert findings["fn21_ruble_only"].phrase["text"].endswith("first year.21")  # where the marker sits


def test_the_missing_checks_are_made(findings):
    cpv = findings["cpv_strength_official"]
    assert cpv.evidence == "yardstick" and cpv.verdict == verdicts.UNCERTAIN and cpv.counted
    assert "divisions per army" in cpv.computation
    assert _run("cpv_strength_official", divisions_per_army=1.0).verdict == verdicts.UNCERTAIN
    generous = findings["china_more_generous"]
    assert generous.evidence == "wording" and generous.phrase["text"] == "much more generous than Moscow’s"
    like_for_like = findings["china_gift_vs_soviet_official"]
    assert like_for_like.verdict == verdicts.PARTLY and like_for_like.problem == generous.problem
    # the outside yardsticks issue 25 asked for, each a row
    for check in ("aid_budget_share_1954", "output_fall_soviet_report", "child_refugees_soviet_survey"):
        assert findings[check].evidence == "yardstick", check
    assert findings["chinese_gift_time_1953"].problem == "yuan_dollar"


def test_every_count_is_the_same_and_each_problem_has_one_home(findings):
    summary = evidence.findings_summary(list(findings.values()))
    homes = {}
    for f in findings.values():
        if f.counted:
            homes.setdefault(f.problem, set()).add(f.chapter)
    assert all(len(chapters) == 1 for chapters in homes.values()), homes
    per_chapter = {}
    for f in findings.values():
        per_chapter.setdefault(f.chapter, []).append(f)
    chapter_counts = [len(evidence.worst_by_problem(fs)) for fs in per_chapter.values()]
    assert sum(chapter_counts) == summary["problems"] == len(homes)


def test_the_referees_problems_in_the_referees_order(findings):
    """The rule, not a list, decides; the ranking puts the thesis first and
    what bears on no statement of the argument last."""
    counted = {f.problem for f in findings.values() if f.counted}
    assert counted == {
        "won_dollar",
        "yuan_dollar",
        "aid_shares",
        "cpv_strength",
        "china_surpassing",
        "china_more_generous",
        "child_refugees",
    }
    order = list(evidence.worst_by_problem(list(findings.values())))
    assert order[0] == "yuan_dollar"
    assert set(order[-2:]) == {"aid_shares", "child_refugees"}
    assert order.index("won_dollar") == len(order) - 3


def test_every_counted_finding_says_what_it_changes_in_the_argument(findings):
    missing = [f.check for f in findings.values() if f.counted and not f.bearing]
    assert not missing, f"say in data/checks.csv (column bearing) what these change: {missing}"
    assert "bearing" in engine.findings_frame(list(findings.values())).columns
