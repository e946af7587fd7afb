"""``paper-audit sweep``: bad grids refused by name before anything runs; the
sweep gives the book's own findings at every grid point, agrees with a
papermill rerun, writes the documented CSV, and finds the breakpoints the
data imply."""

import dataclasses
import json

import pandas as pd
import pytest

from paper_audit import cli, paths
from paper_audit.audit import engine, params, verdicts
from paper_audit.audit.verdicts import CONSISTENT, GROSS, INCONSISTENT, WITHIN_ROUNDING
from paper_audit.errors import DataError
from paper_audit.run import rate_sweeps, rerun, sweep
from paper_audit.tables import claims, reference


@pytest.mark.parametrize(
    "pairs, message",
    [
        ([("colour", "1:2:3")], "unknown parameter 'colour'; known parameters: rubles_per_usd"),
        ([("yuan_per_usd", "3:1.5:11")], "parameter 'yuan_per_usd': grid '3:1.5:11' stops at or before it starts"),
        ([("yuan_per_usd", "2:2:11")], "parameter 'yuan_per_usd': grid '2:2:11' stops at or before it starts"),
        (
            [("yuan_per_usd", "1.5:3:1")],
            "parameter 'yuan_per_usd': grid '1.5:3:1' has 1 point(s); a sweep needs at least 2",
        ),
        ([("yuan_per_usd", "0.1:3:11")], "parameter 'yuan_per_usd': 0.1 is outside the allowed range 0.5 to 20"),
        ([("gross_factor", "1.1:200:11")], "parameter 'gross_factor': 200 is outside the allowed range 1.1 to 100"),
        (
            [("yuan_per_usd", "1.5:3:1000001")],
            "parameter 'yuan_per_usd': grid '1.5:3:1000001' has 1,000,001 points; "
            f"at most {sweep.MAX_GRID_POINTS:,} grid points fit in memory",
        ),
        (
            [("yuan_per_usd", "1.5:3:1001"), ("rubles_per_usd", "1:8:1001")],
            "parameters 'yuan_per_usd' and 'rubles_per_usd': 1,001 × 1,001 = 1,002,001 grid points; at most",
        ),
        ([("yuan_per_usd", "1.5:3")], "parameter 'yuan_per_usd': grid '1.5:3' is not START:STOP:POINTS"),
        (
            [("yuan_per_usd", "1.5:3:ten")],
            "parameter 'yuan_per_usd': POINTS 'ten' in grid '1.5:3:ten' is not a whole number",
        ),
        ([("yuan_per_usd", "a:3:10")], "parameter 'yuan_per_usd': 'a' is not a number (allowed 0.5 to 20)"),
        ([("yuan_per_usd", "1:3:5"), ("yuan_per_usd", "2:4:5")], "parameter 'yuan_per_usd': given twice"),
        (
            [("yuan_per_usd", "1:3:5"), ("rubles_per_usd", "2:4:5"), ("gross_factor", "2:3:2")],
            "parameters 'yuan_per_usd', 'rubles_per_usd', 'gross_factor': a sweep takes at most 2 parameters",
        ),
        ([], "no parameter to sweep: give -p NAME START:STOP:POINTS"),
    ],
)
def test_bad_grids_are_refused_in_one_line_naming_the_parameter(pairs, message):
    with pytest.raises(DataError) as caught:
        sweep.parse_grid(pairs)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_the_command_refuses_a_bad_grid_before_writing_anything(tmp_path, capsys):
    out = tmp_path / "sweep.csv"
    status = cli.main(["sweep", "-p", "yuan_per_usd", "3:1.5:101", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 2 and not out.exists() and "Sweeping" not in captured.out
    assert captured.err.strip() == (
        "paper-audit sweep: parameter 'yuan_per_usd': grid '3:1.5:101' stops at or before "
        "it starts; STOP must be greater than START (allowed 0.5 to 20)"
    )


def test_an_unwritable_out_is_one_line_naming_it(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    status = cli.main(["sweep", "-p", "yuan_per_usd", "1.5:3:2", "--out", str(blocker / "sweep.csv")])
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert status == 2 and "\n" not in err and "Sweeping" not in captured.out
    assert (
        err
        == f"paper-audit sweep: --out: cannot write {blocker / 'sweep.csv'}: {blocker} is not a folder this user can "
        "write to"
    )


def test_a_grid_includes_both_ends_and_keeps_the_values_it_prints():
    (axis,) = sweep.parse_grid([("yuan_per_usd", "1.5:3.0:1001")])
    assert len(axis.values) == 1001 and axis.values[0] == 1.5 and axis.values[-1] == 3.0
    assert axis.values[600] == 2.4 and repr(axis.values[333]) == "1.9995"  # no 1.9995000000000003


def test_the_sweep_runs_the_books_engine_at_every_point():
    """Whole findings, not only verdicts: the preloaded context changes where
    the data are looked up, never what a check computes."""
    table = claims.load_claims()
    context = sweep.PreloadedContext(table)
    rows = engine.load_checks(claims=table)
    for values in (
        {},
        {"yuan_per_usd": 2.0},
        {"rubles_per_usd": 5, "nearly_below": 0.3},
        {"nearly_below": 0.0, "gross_factor": 1.5},
        {"yuan_per_usd": 2.4618, "gross_factor": 1.1},
    ):
        context.assumptions = params.validate(values)
        whole = engine.run_all(assumptions=params.validate(values))
        assert engine.run_all(rows=rows, context=context) == whole
        # What a sweep runs: the same findings without the search of how printed
        # figures were made, which changes nothing else.
        swept = engine.run_all(rows=rows, context=context, how_made=False)
        assert any(f.made_by for f in whole) and not any(f.made_by for f in swept)
        assert swept == [dataclasses.replace(f, made_by=None) for f in whole]


def test_every_check_and_point_has_its_verdict_and_the_csv_its_columns(tmp_path):
    axes = sweep.parse_grid([("yuan_per_usd", "1.5:3:4"), ("gross_factor", "1.5:3:3")])
    result = sweep.run(axes)
    out = tmp_path / "grid.csv"
    sweep.write_csv(result, out)
    written = pd.read_csv(out, keep_default_na=False)
    assert list(written.columns) == ["check", "parameter_1", "value_1", "parameter_2", "value_2", "verdict", "evidence"]
    assert len(written) == 12 * len(engine.load_checks())
    point = written[(written["value_1"] == 2.0) & (written["value_2"] == 3.0)]
    findings = engine.run_all(assumptions=params.validate({"yuan_per_usd": 2.0, "gross_factor": 3.0}))
    assert list(point["check"]) == [f.check for f in findings]
    assert list(point["verdict"]) == [f.verdict for f in findings]
    assert set(point["parameter_1"]) == {"yuan_per_usd"} and set(point["parameter_2"]) == {"gross_factor"}
    if sweep.EVIDENCE_FIELD in {f.name for f in dataclasses.fields(engine.Finding)}:
        assert list(point["evidence"]) == [getattr(f, sweep.EVIDENCE_FIELD) for f in findings]
    else:
        assert set(written["evidence"]) == {""}
    (one,) = sweep.parse_grid([("rubles_per_usd", "3:5:3")])
    sweep.write_csv(sweep.run([one]), out)
    assert list(pd.read_csv(out).columns) == ["check", "parameter", "value", "verdict", "evidence"]


def test_a_failed_write_leaves_the_earlier_csv_in_place(tmp_path, monkeypatch):
    out = tmp_path / "sweep.csv"
    out.write_text("earlier result\n")
    result = sweep.run(sweep.parse_grid([("yuan_per_usd", "1.5:3:2")]))

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError):
        sweep.write_csv(result, out)
    assert out.read_text() == "earlier result\n" and [p.name for p in tmp_path.iterdir()] == ["sweep.csv"]


def gift_yardsticks(result):
    """The checks that hold the gift's yuan against its dollars at a rate the
    sweep sets: those relating the two claims whose verdict moves with the rate."""
    moving = set(result.changing())
    return [
        row["id"]
        for row in engine.load_checks()
        if {"chinese_gift_yuan", "chinese_gift_usd"} <= set(row["inputs"].split()) and row["id"] in moving
    ]


def test_the_gift_is_consistent_at_its_own_rate_and_flagged_at_every_official_rate():
    table = claims.load_claims()
    implied = claims.absolute(table.loc["chinese_gift_yuan"]) / claims.absolute(table.loc["chinese_gift_usd"])
    rates = reference.load()["exchange-rates"]
    official = [float(r) for r in rates.loc[rates["currency"] == "yuan", "units_per_usd"]]
    assert implied == 2.0 and 2.4618 in official
    # A step of 0.005: 2.0, the gift's own rate, is a grid point.
    result = sweep.run(sweep.parse_grid([("yuan_per_usd", "1.5:3.0:301")]))
    gift = gift_yardsticks(result)
    assert gift, "no check holds the gift against a yuan rate the sweep moves"
    table = sweep.breakpoints(result).set_index("check")
    for check in gift:
        stretches = table.loc[check, "agreeing"]
        assert any(low <= implied <= high for low, high in stretches), (check, stretches)
        assert not any(low <= rate <= high for low, high in stretches for rate in official), (check, stretches)
        changes = table.loc[check, "changes"]
        assert changes[0][1] not in verdicts.AGREEING and changes[0][2] in verdicts.AGREEING
    at = {
        (f.check, rate): f.verdict
        for rate in [implied, *official]
        for f in engine.run_all(assumptions=params.validate({"yuan_per_usd": rate}))
    }
    assert all(at[c, implied] == CONSISTENT for c in gift)
    assert all(at[c, rate] not in verdicts.AGREEING for c in gift for rate in official)  # flagged


def test_breakpoints_of_one_parameter():
    assert sweep.runs([1, 2, 3, 4, 5], [False, True, True, False, True]) == [(2, 3), (5, 5)]
    frame = pd.DataFrame(
        {
            "check": ["a", "b"] * 5,
            "parameter": "yuan_per_usd",
            "value": [v for v in (1, 2, 3, 4, 5) for _ in "ab"],
            "verdict": [
                INCONSISTENT,
                GROSS,
                WITHIN_ROUNDING,
                GROSS,
                CONSISTENT,
                GROSS,
                INCONSISTENT,
                GROSS,
                GROSS,
                GROSS,
            ],
            "evidence": "",
            "computed_value": 0.0,
        }
    )
    result = sweep.Sweep([sweep.Axis("yuan_per_usd", (1.0, 2.0, 3.0, 4.0, 5.0))], frame, {"a": "A", "b": "B"}, 0.0)
    (row,) = sweep.breakpoints(result).to_dict("records")
    assert row["check"] == "a" and row["agreeing"] == [(2, 3)] and row["agreeing_text"] == "2 to 3"
    assert [c[0] for c in row["changes"]] == [2, 3, 4, 5]
    assert row["changes"][2] == (4, CONSISTENT, INCONSISTENT)
    text = sweep.breakpoint_table(result)
    assert "1 other finding(s) keep one verdict" in text and "4 (consistent → inconsistent)" in text


def test_breakpoints_of_two_parameters_and_none_in_the_grid():
    values = [(x, y) for x in (1.0, 2.0, 3.0) for y in (10.0, 20.0)]
    verdicts = {(2.0, 10.0): CONSISTENT, (3.0, 10.0): WITHIN_ROUNDING}
    frame = pd.DataFrame(
        {
            "check": ["a", "b"] * 6,
            "parameter_1": "p",
            "value_1": [x for x, _ in values for _ in "ab"],
            "parameter_2": "q",
            "value_2": [y for _, y in values for _ in "ab"],
            "verdict": [
                v for xy in values for v in (verdicts.get(xy, INCONSISTENT), GROSS if xy[0] < 3 else INCONSISTENT)
            ],
            "evidence": "",
            "computed_value": 0.0,
        }
    )
    axes = [sweep.Axis("p", (1.0, 2.0, 3.0)), sweep.Axis("q", (10.0, 20.0))]
    rows = sweep.breakpoints(sweep.Sweep(axes, frame, {"a": "A", "b": "B"}, 0.0)).set_index("check")
    assert rows.loc["a", "changes_1"] == [2.0, 3.0] and rows.loc["a", "changes_2"] == [20.0]
    assert rows.loc["a", "agreeing"] == ((2.0, 3.0), (10.0, 10.0))
    assert rows.loc["a", "agreeing_text"] == "2 to 3 × 10 (2 of 6 points)"
    assert rows.loc["b", "agreeing_text"] == sweep.NOT_IN_GRID and rows.loc["b", "changes_2"] == []


def test_the_command_writes_the_csv_and_ends_with_the_breakpoints(tmp_path, capsys):
    out = tmp_path / "sub" / "sweep.csv"
    assert cli.main(["sweep", "-p", "yuan_per_usd", "1.5:3.0:301", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert out.exists() and f"wrote {301 * len(engine.load_checks()):,} rows to {out}" in printed
    table = printed.split("Breakpoints over yuan_per_usd 1.5 to 3 (301 points):")[1]
    assert "chinese_gift_official" in table and "other finding(s) keep one verdict" in table.splitlines()[-1]


def test_sweep_and_rerun_agree(tmp_path, monkeypatch):
    """At two grid points, the verdicts of two chapters executed by papermill
    equal the sweep's (the chapters that hold the yuan and ruble conversions)."""
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path / "unused"))
    axes = sweep.parse_grid([("yuan_per_usd", "2:2.4618:2"), ("rubles_per_usd", "4:5:2")])
    swept = sweep.run(axes).frame
    chapters = [paths.NOTEBOOKS_DIR / f"{name}.ipynb" for name in ("chinese_aid", "soviet_east_european_aid")]
    compared, seen = 0, {}
    for yuan, rubles in ((2.0, 5.0), (2.4618, 4.0)):
        out = tmp_path / f"{yuan}-{rubles}"
        result = rerun.run({"yuan_per_usd": yuan, "rubles_per_usd": rubles}, out, jobs=2, notebooks=chapters)
        assert not result["failures"]
        here = swept[(swept["value_1"] == yuan) & (swept["value_2"] == rubles)].set_index("check")["verdict"]
        for path in sorted((result["generated"] / "findings").glob("*.json")):
            for row in json.loads(path.read_text(encoding="utf-8")):
                assert here[row["check"]] == row["verdict"], (yuan, rubles, row["check"])
                seen.setdefault(row["check"], set()).add(row["verdict"])
                compared += 1
    # The two points were chosen so that verdicts differ between them.
    assert {"chinese_gift_official", "soviet_aid_fn21"} <= {c for c, v in seen.items() if len(v) > 1}
    assert compared >= 2 * len(
        [r for r in engine.load_checks() if r["chapter"] in ("chinese_aid", "soviet_east_european_aid")]
    )


def test_the_scenarios_chapter_bands_come_from_the_sweep(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path))
    table = claims.load_claims()
    yuan = rate_sweeps.rate_sweep("yuan", "1.5:3.0:301", table)
    # Kept: the checks whose verdict moves with the rate; a check of the paper's
    # own rates against each other (same_rate) does not, and is left out.
    kinds = {row["id"]: row["kind"] for row in engine.load_checks()}
    assert yuan.titles and all(kinds[c] != "same_rate" for c in yuan.titles)
    assert set(yuan.titles) <= set(rate_sweeps.conversion_checks("yuan", table))
    low, high = (
        {f.check: f.computed_value for f in engine.run_all(assumptions=params.validate({"yuan_per_usd": r}))}
        for r in (1.5, 3.0)
    )
    assert all(low[check] != high[check] for check in yuan.titles)
    rates = rate_sweeps.official_rates("yuan")
    agree = rate_sweeps.agreement(yuan, rates)
    assert set(agree["official_inside"]) == {"none"}  # no rate of the time makes a yuan figure agree
    ruble = rate_sweeps.rate_sweep("rubles", "0.5:6.0:551", table)
    ruble_agree = rate_sweeps.agreement(ruble, rate_sweeps.official_rates("rubles"))
    assert all(text.startswith("4:") for text in ruble_agree["official_inside"])
    chart = rate_sweeps.band_chart(yuan, rates, agree, "test_bands")
    assert all(title in chart.alt for title in yuan.titles.values())
    assert "2.4618: Mar 1955 to Nov 1971" in chart.alt and chart.caption.startswith("The verdict of each finding")
    assert (tmp_path / "figures" / "test_bands.svg").exists()
    sentence = rate_sweeps.agreement_sentence(agree, rates, "yuan", table)
    assert "Chinese aid gift (p. 6) at" in sentence and sentence.endswith("lies in any of them")
