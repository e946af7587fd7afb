"""The project is passed in, not fixed at import (issue 27, "Context, not
globals"): ``paths.Project`` holds a checkout's root and derives every path
from it, the engine's loaders take one, and their caches are keyed on it. So
the engine runs in process on a copy of the project in a temporary folder,
and the copy and the real project, run one after the other in one process,
never see each other's data.

The copy holds what the engine reads: data/ and _toc.yml, and for each
chapter the toc lists a notebook with the chapter's title (the engine reads
only the titles)."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from paper_audit import paths
from paper_audit.audit import engine
from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor import key, requirements
from paper_audit.present import flags
from paper_audit.tables import argument, reference, toc
from paper_audit.text import source

# The Soviet grant: one billion rubles at footnote 21's 4 rubles to the dollar,
# printed as USD 250 million; the copy prints 350 million instead.
GRANT, RUBLES, CHECK = "soviet_aid_usd", "soviet_aid_rubles", "soviet_aid_fn21"
PRINTED, CHANGED = "USD 250 million", "USD 350 million"


def copy_project(folder: Path) -> paths.Project:
    """A copy of what the engine reads, in ``folder``."""
    real = paths.current()
    shutil.copytree(real.data_dir, folder / "data")
    shutil.copy2(real.toc_yml, folder / "_toc.yml")
    (folder / "notebooks").mkdir()
    for name, title in toc.chapters(real.root).items():
        cell = {"cell_type": "markdown", "metadata": {}, "source": [f"# {title}\n"]}
        notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (folder / "notebooks" / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return paths.Project(folder)


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def reprint_the_grant(project: paths.Project) -> None:
    """The copy's page 5 prints the Soviet grant as USD 350 million: the page's
    text (and the manifest's hashes of it), the claim's quote, figure and value."""
    for layer in ("clean", "raw"):
        replace_once(project.source_dir / f"page-5.{layer}.txt", PRINTED, CHANGED)
    manifest_path = project.source_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for name in manifest["files"]:
        manifest["files"][name] = source.sha256_bytes((project.source_dir / name).read_bytes())
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    edit_row(project.claims_csv, GRANT, quote=lambda q: q.replace(PRINTED, CHANGED), figure="350 million", value="350")


def edit_row(path: Path, row_id: str, key: str = "id", **changes) -> None:
    """Change fields of one row of a CSV (a value, or a function of the old value)."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    hits = [row for row in rows if row[key] == row_id]
    assert len(hits) == 1, f"{row_id} is not in {path} once"
    for field, change in changes.items():
        hits[0][field] = change(hits[0][field]) if callable(change) else change
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def by_check(findings) -> dict:
    return {f.check: f for f in findings}


@pytest.fixture
def copy(tmp_path) -> paths.Project:
    return copy_project(tmp_path / "project")


def test_a_project_derives_every_path_from_its_root(tmp_path):
    project = paths.Project(str(tmp_path))
    assert project.root == tmp_path
    assert project.claims_csv == tmp_path / "data" / "claims.csv"
    assert project.checks_csv == tmp_path / "data" / "checks.csv"
    assert project.reference_dir == tmp_path / "data" / "reference"
    assert project.source_dir == tmp_path / "data" / "source"
    assert project.toc_yml == tmp_path / "_toc.yml"
    assert project == paths.Project(tmp_path) and hash(project) == hash(paths.Project(tmp_path))
    assert project != paths.current()


def test_the_module_constants_are_the_current_projects_paths():
    current = paths.current()
    assert current == paths.Project.find()
    assert paths.resolve(None) is current
    assert (paths.REPO_ROOT, paths.CLAIMS_CSV, paths.CHECKS_CSV, paths.ARGUMENT_CSV) == (
        current.root,
        current.claims_csv,
        current.checks_csv,
        current.argument_csv,
    )
    assert (paths.REFERENCE_DIR, paths.SOURCE_DIR, paths.DATAPACKAGE_JSON, paths.PAPER_EXCERPT) == (
        current.reference_dir,
        current.source_dir,
        current.datapackage_json,
        current.paper_excerpt,
    )


def test_the_engine_runs_on_a_copy_in_process_and_each_project_keeps_its_own_findings(copy, tmp_path):
    untouched = by_check(engine.run_all(project=copy_project(tmp_path / "unchanged")))[CHECK]
    assert untouched.grade == "consistent", "an unchanged copy should find what the book finds"
    reprint_the_grant(copy)  # before the copy is first read: its pages are then cached for the process
    changed = by_check(engine.run_all(project=copy))[CHECK]
    assert changed.grade != "consistent" and changed.counted, (
        f"1 billion rubles at 4 to the dollar against USD 350 million: {changed.grade}"
    )
    assert any(CHANGED in q["quote"] for q in changed.quotes), changed.quotes
    real = by_check(engine.run_all())[CHECK]
    assert real.grade == "consistent" and not real.counted, "the copy's figure reached the real project"
    assert any(PRINTED in q["quote"] for q in real.quotes), real.quotes
    again = by_check(engine.run_all(project=copy))[CHECK]
    assert (again.grade, again.stated) == (changed.grade, changed.stated), "the real project's data reached the copy"


def test_reference_facts_are_cached_per_project(copy):
    """The cached readers of data/reference/ (``load``, ``lookup``,
    ``rates_for``) are keyed on the project: a rate changed in the copy moves
    the copy's yardstick finding only, whichever project is read first."""
    real_before = by_check(engine.run_all())["soviet_aid_official"]
    edit_row(copy.reference_dir / "exchange_rates.csv", "rub_official_1950", units_per_usd="5.0")
    in_copy = by_check(engine.run_all(project=copy))["soviet_aid_official"]
    real_after = by_check(engine.run_all())["soviet_aid_official"]
    assert real_before.grade == real_after.grade == "consistent"
    assert in_copy.grade != "consistent", "the copy's official rate of 5 rubles was not used"
    assert "5 rubles per US dollar" in in_copy.explanation and "5 rubles" not in real_after.explanation
    assert reference.lookup("rub_official_1950", copy)[1]["units_per_usd"] == "5.0"
    assert reference.lookup("rub_official_1950")[1]["units_per_usd"] == "4.0"


def test_the_argument_is_read_per_project(copy):
    findings = engine.run_all()
    found = next(f for f in findings if f.argument)
    other = next(level for level in ("central", "supporting") if level != found.stakes)
    edit_row(copy.argument_csv, found.argument, stakes=other)
    assert by_check(engine.run_all(project=copy))[found.check].stakes == other
    assert by_check(engine.run_all())[found.check].stakes == found.stakes
    assert argument.load(copy)[found.argument].stakes == other


def test_a_context_keeps_its_project(copy):
    context = engine.Context(engine.claims_mod.load_claims(project=copy), project=copy)
    assert context.at_end("low").project == copy
    with pytest.raises(ValueError, match="the context is of"):
        engine.run_all(context=context, project=paths.current())


@pytest.mark.parametrize(
    ("relative", "row_id", "changes"),
    [
        ("data/claims.csv", GRANT, {"unit": "dollars"}),
        ("data/checks.csv", CHECK, {"kind": "no_such_kind"}),
        ("data/argument.csv", None, {"stakes": "paramount"}),
        ("data/reference/exchange_rates.csv", "rub_official_1950", {"units_per_usd": "four"}),
        ("data/slips.csv", None, {"type": "no_such_slip"}),
    ],
)
def test_bad_data_in_the_copy_is_refused_naming_the_copys_file(copy, relative, row_id, changes):
    path = copy.root / relative
    if row_id is None:  # the file's first row
        with open(path, encoding="utf-8", newline="") as handle:
            row_id = next(csv.DictReader(handle))["id"]
    edit_row(path, row_id, **changes)
    with pytest.raises(DataError) as error:
        engine.run_all(project=copy)
    message = str(error.value)
    assert str(path) in message, message
    assert str(paths.current().data_dir) not in message, message


# The classroom's first assignment, and what the tests below change in a copy.
A1 = "01_recompute_a_conversion"
DAMAGE = "damage_won_usd_rates"  # USD 3.5 billion: 14 billion rubles at the official 4 rubles to the dollar
MADE = "How the printed figure, USD 3.5 billion, was probably made"


def copy_classroom(project: paths.Project) -> Path:
    """The classroom's content (notebooks/classroom/: questions, assignments,
    rubrics and the key, not the notebooks) copied into ``project``; its folder."""
    shutil.copytree(paths.current().classroom_dir, project.classroom_dir, ignore=shutil.ignore_patterns("*.ipynb"))
    return project.classroom_dir


def test_a_flag_tells_how_a_figure_was_made_in_its_own_projects_data(copy):
    """The flag's cached inputs to the search of how a printed figure was made
    (claims, checks, rates and slips) are keyed on the project: with the
    official ruble rate at 5 in the copy, the damage's USD 3.5 billion (14
    billion rubles at 4) is reproduced in the real project's flag only, read
    before and after the copy's. ``how_made=False``: the flag searches itself,
    as it does for a finding the engine did not search."""
    edit_row(copy.reference_dir / "exchange_rates.csv", "rub_official_1950", units_per_usd="5.0")

    def said(project):
        finding = by_check(engine.run_all(project=project, how_made=False))[DAMAGE]
        return " ".join(flags.made_by(finding, project)), flags.flag(finding, project)

    real_before, in_copy, real_after = said(None), said(copy), said(None)
    assert real_before == real_after, "the copy's rates reached the real project's flag"
    assert MADE in real_before[0] and "at 4 rubles to the dollar" in real_before[0]
    assert MADE in real_before[1]
    assert MADE not in in_copy[0] and MADE not in in_copy[1], "the real project's rates reached the copy's flag"
    assert "None of the 2 chains tried reproduces USD 3.5 billion" in in_copy[0]


def test_the_classroom_content_is_read_per_project(copy):
    """The classroom's cached readers (assignments.yml, questions.csv and
    rubrics.csv) are keyed on the project: a tolerance, a passage and a
    rubric's points changed in the copy are seen by the copy only, read between
    two readings of the real project."""
    content = copy_classroom(copy)
    replace_once(
        content / "questions.csv",
        f"{A1},soviet_usd,book,number,dollars,,1000000,0.001,",
        f"{A1},soviet_usd,book,number,dollars,,1000000,0.01,",
    )
    replace_once(
        content / "assignments.yml", "The Northfield Reconstruction Office", "The Southfield Reconstruction Office"
    )
    replace_once(content / "rubrics.csv", "gift_explanation,evidence,2,2,", "gift_explanation,evidence,2,3,")

    def seen(project):
        values = exercises.page_values(A1, project=project)
        return (
            exercises.load_questions(project)["soviet_usd"].rel_tol,
            values["tolerance_soviet_usd"],
            values["rubric_gift_explanation"],
            exercises.passage(A1, project)[1],
            exercises.rubric_points("gift_explanation", project),
        )

    real_before, in_copy, real_after = seen(None), seen(copy), seen(None)
    assert real_before == real_after, "the copy's content reached the real project"
    assert (real_before[0], in_copy[0]) == (0.001, 0.01), "the real project's tolerance reached the copy"
    assert "within 0.1 percent" in real_before[1] and "within 1 percent" in in_copy[1]
    assert "3 points" in in_copy[2] and "3 points" not in real_before[2]
    assert "Southfield" in in_copy[3] and "Northfield" in real_before[3] and "Southfield" not in real_before[3]
    assert in_copy[4] == real_before[4] + 1


def test_the_answer_key_is_computed_per_project(copy):
    """The key's caches (its rows, the passages drawn, the expected answers and
    the solutions) are keyed on the project: with the official yuan rate
    changed in the copy's reference data and a solution edited in the copy's
    key, the copy's expected gift in dollars and its solution move, and the
    real project's, read before and after, do not."""
    content = copy_classroom(copy)
    edit_row(copy.reference_dir / "exchange_rates.csv", "cny_official_1955", units_per_usd="3.9")
    replace_once(content / "key" / "solutions.yml", "answer = usd * rubles_per_usd", "answer = rubles_per_usd * usd")

    def seen(project):
        return (
            key.expected(project=project)["gift_usd"],
            key.solution("soviet_usd", "rubles_from_usd", project),
            key.passage_context(A1, project=project).project,
        )

    real_before, in_copy, real_after = seen(None), seen(copy), seen(None)
    assert real_before == real_after, "the copy's data reached the real project's key"
    gift_yuan = 390e6  # the passage's gift: 390 million yuan
    assert math.isclose(real_before[0], gift_yuan / 2.4618) and math.isclose(in_copy[0], gift_yuan / 3.9)
    assert "rubles_per_usd * usd" in in_copy[1] and "rubles_per_usd * usd" not in real_before[1]
    assert (real_before[2], in_copy[2]) == (paths.current(), copy)


def test_the_hand_outs_pins_are_read_per_project(copy):
    """The cached pins of a bundle's requirements.txt are keyed on the project
    too: they come from its source (src/) and its requirements.txt, which the
    copy pins differently."""
    shutil.copytree(paths.current().root / "src" / "paper_audit", copy.root / "src" / "paper_audit")
    pins = (paths.current().root / "requirements.txt").read_text(encoding="utf-8")
    assert pins.count("\nPyYAML==") == 1
    (copy.root / "requirements.txt").write_text(re.sub(r"\nPyYAML==\S+", "\nPyYAML==0.0.1", pins), encoding="utf-8")
    handout = {"handout": nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import yaml")])}
    real_before, in_copy, real_after = (requirements.runtime_pins(handout, p) for p in (None, copy, None))
    assert real_before == real_after and "PyYAML==0.0.1" not in real_before
    assert "PyYAML==0.0.1" in in_copy, "the real project's pins reached the copy"
