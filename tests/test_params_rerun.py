"""Parameters are validated before anything runs; a rerun under a parameter
that must flip a known verdict flips it; papermill runs of chapters as smoke
tests."""

import json

import papermill
import pytest

from paper_audit import paths
from paper_audit.audit import engine, params
from paper_audit.errors import DataError
from paper_audit.run import rerun, scenarios
from paper_audit.text import variants


@pytest.mark.parametrize(
    "values, message",
    [
        ({"yuan_per_usd": 0}, "parameter 'yuan_per_usd': 0 is outside the allowed range 0.5 to 20"),
        ({"yuan_per_usd": "two"}, "parameter 'yuan_per_usd': 'two' is not a number (allowed 0.5 to 20)"),
        ({"colour": 1}, "unknown parameter 'colour'; known parameters: rubles_per_usd"),
        ({"gross_factor": None}, "parameter 'gross_factor': a value is required (1.1 to 100)"),
        ({"nearly_below": True}, "parameter 'nearly_below': True is not a number"),
    ],
)
def test_bad_parameters_are_refused_in_one_line(values, message):
    with pytest.raises(DataError) as caught:
        params.validate(values)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_good_parameters_become_assumptions():
    assumptions = params.validate({"yuan_per_usd": "2.0", "rubles_per_usd": None})
    assert assumptions.yuan_per_usd == 2.0 and assumptions.rubles_per_usd is None
    assert params.validate({}) == params.Assumptions()


def test_a_parameter_flips_a_known_verdict():
    default = {f.check: f.verdict for f in engine.run_all()}
    at_two = {f.check: f.verdict for f in engine.run_all(assumptions=params.validate({"yuan_per_usd": 2.0}))}
    # Under the book's yardsticks the gift's rate is uncertain (1954-57 straddles the 1955 reform);
    # the reader's one rate gives a hard verdict.
    assert default["chinese_gift_official"] == "uncertain yardstick" and at_two["chinese_gift_official"] == "consistent"
    at_five = {f.check: f.verdict for f in engine.run_all(assumptions=params.validate({"rubles_per_usd": 5}))}
    assert default["soviet_aid_fn21"] == "consistent" and at_five["soviet_aid_fn21"] == "inconsistent"


def test_rerun_refuses_bad_parameters_before_anything_runs(tmp_path, capsys):
    from paper_audit import cli

    out = tmp_path / "rerun"
    status = cli.main(["rerun", "-p", "yuan_per_usd", "99", "--out", str(out)])
    assert status == 2 and not out.exists()
    assert "parameter 'yuan_per_usd': 99 is outside the allowed range 0.5 to 20" in capsys.readouterr().err


def test_rerun_never_writes_into_notebooks(tmp_path):
    with pytest.raises(DataError, match="never writes over the book's notebooks"):
        rerun.main(["--out", str(paths.NOTEBOOKS_DIR / "out")])


def test_rerun_of_a_chapter_reports_the_changed_verdict(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path / "unused"))
    result = rerun.run({"yuan_per_usd": 2.0}, tmp_path, jobs=1, notebooks=[paths.NOTEBOOKS_DIR / "chinese_aid.ipynb"])
    assert not result["failures"] and (tmp_path / "chinese_aid.ipynb").exists()
    changes = rerun.changed_findings(result["generated"], engine.run_all())
    assert [(c["check"], c["before"], c["after"]) for c in changes] == [
        ("chinese_debt_official", "uncertain yardstick", "inconsistent"),
        ("chinese_gift_official", "uncertain yardstick", "consistent"),
        ("chinese_first_year_official", "uncertain yardstick", "inconsistent"),
    ]


def test_a_bad_parameter_stops_a_chapter_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path / "generated"))
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        papermill.execute_notebook(
            str(paths.NOTEBOOKS_DIR / "volunteers.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"gross_factor": 0.5},
            kernel_name="python3",
            cwd=str(paths.NOTEBOOKS_DIR),
            progress_bar=False,
        )
    assert "parameter 'gross_factor': 0.5 is outside the allowed range 1.1 to 100" in str(caught.value)
    executed = json.loads((tmp_path / "out.ipynb").read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors and errors[0]["traceback"] == [
        "DataError: parameter 'gross_factor': 0.5 is outside the allowed range 1.1 to 100"
    ]


def test_scenarios_reconcile_rubles_but_not_yuan():
    table = scenarios.table(stated_rates={"rubles": 4.0})
    fits = scenarios.reconcile(table).set_index("currency")
    assert fits.loc["rubles", "one_rate_fits"] and fits.loc["rubles", "lowest_implied"] == pytest.approx(4.0)
    assert not fits.loc["yuan", "one_rate_fits"] and not fits.loc["won", "one_rate_fits"]
    assert "fn21_rate_rubles" not in set(table["amount_claim"])
    assert table.set_index("amount_claim").loc["soviet_aid_rubles", "usd_at_stated_rate"] == pytest.approx(250e6)


def test_source_variants_find_the_misreadings(pages):
    found = {(v["page"], v["clean"], v["raw"], v["kind"]) for p in pages.values() for v in variants.variants(p)}
    assert (6, "RGANI", "RGAND", "misread word") in found
    assert (2, "8", "s", "footnote number misread or glued") in found
    assert (2, "7", "", "footnote marker lost") in found


def test_a_readers_rate_never_leaves_a_stale_explanation():
    findings = {f.check: f for f in engine.run_all(assumptions=params.validate({"rubles_per_usd": 5}))}
    text = findings["soviet_aid_fn21"].explanation
    assert "5 rubles per dollar" in text and "4 rubles" not in text
    assert text.endswith(f": {findings['soviet_aid_fn21'].label}.")
    default = {f.check: f for f in engine.run_all()}
    assert "4 rubles to the dollar" in default["soviet_aid_fn21"].explanation
