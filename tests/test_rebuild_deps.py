"""Rebuilds re-execute only what reads what changed, and never serve a stale
output: each notebook records what it reads (``tables.fingerprints``), and
the build drops the cached execution of those whose record no longer holds.

Fast: the notebooks' code runs in one process, without kernels or Sphinx (the
build test in test_end_to_end.py does the same through a real build)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from paper_audit import paths
from paper_audit.tables import fingerprints, toc
from test_end_to_end import copy_project, project_env

# Running every notebook's code (the module's fixture) took 10 s on a quiet
# machine and 54 s with the machine's two cores loaded ten times over.
pytestmark = pytest.mark.timeout(300)

# Runs every code cell of the notebooks named on the command line, in one
# process, as a kernel would (each in its folder), printing as JSON the files
# under the project each one opened (an audit hook sees every open()), apart
# from the package's code, hidden folders (.venv) and what the run writes. With --no-records the
# pages' own recording is skipped: it hashes all the data, which is not reading it.
# With --records, a notebook stops at the cell after which it has recorded that
# it reads all the data: no later cell can make it depend on more.
RUN_NOTEBOOKS = r"""
import json, os, sys
import matplotlib
matplotlib.use("svg")
from paper_audit import paths
from paper_audit.tables import fingerprints
root = str(paths.REPO_ROOT.resolve())
opened = set()

def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.relpath(os.path.abspath(os.fsdecode(args[0])), root)
        first = path.split(os.sep)[0]
        if first != ".." and first not in ("src", "_build") and not first.startswith("."):
            opened.add(path)

if sys.argv[1] == "--no-records":
    fingerprints.record_page = fingerprints.record_everything = lambda notebook: None
sys.addaudithook(hook)
found = {}
for notebook in sys.argv[2:]:
    cells = json.load(open(notebook, encoding="utf-8"))["cells"]
    os.chdir(os.path.dirname(notebook))
    opened.clear()
    namespace = {}
    record = fingerprints.record_path(fingerprints.Path(notebook)) if sys.argv[1] == "--records" else None
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), notebook, "exec"), namespace)
            if record and record.exists() and json.loads(record.read_text())["all"]:
                break
    found[notebook] = sorted(opened)
sys.__stdout__.write("\nOPENED " + json.dumps(found) + "\n")
"""


def run_notebooks(root: Path, notebooks: list[Path], records: bool = True) -> dict[str, list[str]]:
    env = project_env(root)
    result = subprocess.run(
        [sys.executable, "-c", RUN_NOTEBOOKS, "--records" if records else "--no-records", *map(str, notebooks)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.rsplit("\nOPENED ", 1)[1])


def declared_pages(root: Path = paths.REPO_ROOT) -> list[Path]:
    return [nb for nb in toc.toc_notebooks(root) if fingerprints.declared_reads(nb) is not None]


def allowed(notebook: str) -> set[str]:
    """The files the page at ``notebook`` (relative to the project) declares it reads, relative too."""
    root = paths.REPO_ROOT.resolve()
    return {p.resolve().relative_to(root).as_posix() for p in fingerprints.declared_files(root / notebook)}


def test_some_pages_declare_narrower_reads():
    names = {p.relative_to(paths.REPO_ROOT).as_posix() for p in declared_pages()}
    assert "book/references.ipynb" in names
    assert {n for n in names if n.startswith("notebooks/classroom/")}, "no classroom page is declared"


def test_each_declared_page_opens_only_the_files_it_declares():
    """A page declared to read less than all the data must not read more: else an
    edit of what it does read would leave its output stale."""
    opened = run_notebooks(paths.REPO_ROOT, declared_pages(), records=False)
    assert len(opened) == len(declared_pages())
    for notebook, files in opened.items():
        extra = set(files) - allowed(Path(notebook).relative_to(paths.REPO_ROOT).as_posix())
        assert not extra, f"{notebook} opens {sorted(extra)}, not in what fingerprints.PAGE_READS declares"


def test_a_page_that_reads_undeclared_data_is_caught(tmp_path):
    """The check above can fail: a classroom page that reads the claims."""
    planted = tmp_path / "99_planted.ipynb"
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    source = "from paper_audit.tables import claims\nclaims.load_claims()"
    notebook = {"cells": [dict(cell, source=source)], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    planted.write_text(json.dumps(notebook), encoding="utf-8")
    files = run_notebooks(paths.REPO_ROOT, [planted], records=False)[str(planted)]
    assert "data/claims.csv" in files and "data/claims.csv" not in allowed("notebooks/classroom/99_planted.ipynb")


@pytest.fixture(scope="module")
def recorded_project(tmp_path_factory):
    """A copy of the project whose every notebook ran once and recorded what it read."""
    root = copy_project(tmp_path_factory.mktemp("deps") / "project")
    run_notebooks(root, toc.toc_notebooks(root))
    return root


def stale_after(root: Path, old: str, new: str, file: str = "data/claims.csv") -> set[str]:
    """The notebooks the next build would re-execute after replacing ``old`` by ``new`` in ``file``."""
    edited = root / file
    original = edited.read_text(encoding="utf-8")
    assert original.count(old) == 1, old
    edited.write_text(original.replace(old, new), encoding="utf-8")
    try:
        env = project_env(root)
        code = (
            "import json\nfrom paper_audit.tables import fingerprints, toc\n"
            "print(json.dumps([str(p) for p in toc.toc_notebooks() if fingerprints.is_stale(p)]))"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        edited.write_text(original, encoding="utf-8")
    return {Path(p).relative_to(root).as_posix() for p in json.loads(result.stdout)}


# The pages that show every claim: the front page, the register, the method, the source text.
EVERY_CLAIM = {"book/intro.ipynb", "book/findings.ipynb", "book/method.ipynb", "book/source_text.ipynb"}
CHAPTERS = {f"notebooks/{name}.ipynb" for name in toc.chapters()}


def test_nothing_is_stale_when_nothing_changed(recorded_project):
    assert stale_after(recorded_project, "damage_ships_pct", "damage_ships_pct") == set()


def test_editing_one_claim_re_executes_its_chapter_and_the_pages_that_show_every_claim(recorded_project):
    """The issue's own case: damage_ships_pct is shown by the war-damage chapter
    and the pages that show every claim, and by no other page."""
    stale = stale_after(recorded_project, "share of ships destroyed", "share of the ships destroyed")
    assert stale == {"notebooks/war_damage.ipynb", *EVERY_CLAIM}


def test_editing_a_conversion_re_executes_the_scenarios_that_gather_it(recorded_project):
    stale = stale_after(recorded_project, '"Chinese aid gift, USD equivalent"', '"Chinese aid gift, in US dollars"')
    assert {"notebooks/chinese_aid.ipynb", "notebooks/scenarios.ipynb", *EVERY_CLAIM} <= stale
    # Chapters whose checks compare it re-execute too; those that never name it do not.
    assert not {"notebooks/war_damage.ipynb", "notebooks/volunteers.ipynb"} & stale


def test_a_check_added_of_a_kind_the_scenarios_gather_re_executes_them(recorded_project):
    """Which rows there are counts, not only what the rows read: a new
    conversion joins the scenarios' tables."""
    checks = (recorded_project / "data" / "checks.csv").read_text(encoding="utf-8")
    first = checks.splitlines()[1]
    copy = first.replace("damage_won_usd_rates,", "damage_won_usd_rates_again,", 1)
    stale = stale_after(recorded_project, first + "\n", first + "\n" + copy + "\n", "data/checks.csv")
    assert {"notebooks/scenarios.ipynb", "notebooks/war_damage.ipynb"} <= stale


def test_a_claim_moved_to_another_chapter_re_executes_both(recorded_project):
    claims = (recorded_project / "data" / "claims.csv").read_text(encoding="utf-8")
    row = next(line for line in claims.splitlines() if line.startswith("damage_ships_pct,"))
    assert row.endswith(",war_damage"), row  # the chapter is the last field
    stale = stale_after(recorded_project, row, row.removesuffix("war_damage") + "volunteers")
    assert {"notebooks/war_damage.ipynb", "notebooks/volunteers.ipynb"} <= stale


def test_the_slips_and_the_source_text_re_execute_every_chapter(recorded_project):
    """Files read whole by every chapter: the slips its flags name, the text it quotes."""
    slips = stale_after(recorded_project, "a slip of scale by ten,", "a slip of scale by tens,", "data/slips.csv")
    assert CHAPTERS <= slips
    text = stale_after(recorded_project, "USD 250 million", "USD 350 million", "data/source/page-5.clean.txt")
    assert CHAPTERS <= text


def test_a_chapter_renamed_re_executes_the_pages_that_name_it(recorded_project):
    notebook = "notebooks/volunteers.ipynb"
    title = toc.notebook_title(recorded_project / notebook)
    assert EVERY_CLAIM | CHAPTERS <= stale_after(recorded_project, f"# {title}", f"# {title}, revised", notebook)
