"""The drafter (``paper-audit draft``): it reaches the aimed recall on the
curated pages, reads the figures of a page it has never seen and forms the
curated pages do not have, proposes the checks the wording implies, and its
drafts are inert: drafting a page changes neither what git sees nor the data
fingerprint that decides which notebooks the next build re-executes."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from invented_page import CLEAN as INVENTED
from paper_audit import paths
from paper_audit.author import draft_score
from paper_audit.author.drafted_checks import draft_checks, find_rates
from paper_audit.author.drafted_claims import assign_ids, draft_claims
from paper_audit.text import source


def test_the_drafter_reaches_the_aimed_recall_on_the_curated_pages():
    result = draft_score.score()
    assert result["claims_recall"] >= 0.9, result["misses"] + result["wrong"]
    assert re.fullmatch(
        r"claims recall \d\.\d\d, precision \d\.\d\d; checks recall \d\.\d\d, precision \d\.\d\d",
        draft_score.score_line(result),
    )


def test_the_drafter_on_a_page_it_has_never_seen(source_copy):
    source.add_page(7, INVENTED, None, source_dir=source_copy)
    page = source.load_pages(source_copy)[7]
    drafted, skipped = draft_claims(page)
    assign_ids(drafted, set())
    read = {d.figure: (d.value, d.low, d.high, d.date, d.unit, d.scale, d.qualifier) for d in drafted}
    assert read["100-150"] == (None, 100, 150, "", "rubles", "", "none")
    assert read["25-USD 37.50"] == (None, 25, 37.5, "", "USD", "", "none")
    assert read["600"][-1] == "over"
    assert read["48 million"] == (48, None, None, "", "rubles", "million", "none")
    assert read["six"] == (6, None, None, "", "months", "", "nearly")
    assert read["3 March 1955"][3] == "1955-03-03"
    assert "12" not in read and "15 September 1955" not in read, "citations are not figures"
    by_figure = {d.id: d.figure for d in drafted}
    drafted_checks = {
        (row["kind"], tuple(by_figure[i] for i in row["inputs"]))
        for row in draft_checks(drafted, page.clean, find_rates(drafted, {7: page.clean}))
    }
    assert ("conversion", ("100-150", "25-USD 37.50", "4", "1")) in drafted_checks
    assert ("conversion", ("48 million", "12 million", "4", "1")) in drafted_checks
    assert ("parts_sum", ("45", "35", "20")) in drafted_checks
    assert ("date_gap", ("3 March 1955", "14 September 1955", "six")) in drafted_checks


def test_the_drafter_reads_forms_the_curated_pages_do_not_have():
    text = (
        "By 1956-57 the plant employed more than 300 specialists. A third of the workers were women; "
        "some twenty-five percent of the loan, about 2.5 million dollars, was repaid. Pages 163-64 say so."
    )
    page = source.Page(9, text, text, source.segment_added_page(9, text, text))
    drafted, skipped = draft_claims(page)
    read = {d.figure: (d.value, d.low, d.high, d.unit, d.scale, d.qualifier) for d in drafted}
    assert read["1956-57"] == (None, 1956, 1957, "year", "", "none")
    assert read["300"] == (300, None, None, "people", "", "over")
    assert read["A third"][0] == pytest.approx(1 / 3) and read["A third"][3] == "fraction"
    assert read["twenty-five"] == (25, None, None, "percent", "", "some")
    assert read["2.5 million"] == (2.5, None, None, "USD", "million", "about")
    assert "163-64" not in read and [s["reason"] for s in skipped] == ["citation_pages"]


# --- drafts are inert ---------------------------------------------------------

# What decides which notebooks the next build re-executes, read afresh (reread: no hash cached from before).
DATA_FINGERPRINT = (
    "from paper_audit.tables import fingerprints; fingerprints.reread(); print(fingerprints.data_fingerprint())"
)


def git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def committed_copy(target: Path) -> Path:
    """The repository's tracked files as they are in the working tree, committed in a git repository of their own."""
    for name in git(paths.REPO_ROOT, "ls-files", "-z").split("\0"):
        if name and (paths.REPO_ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(paths.REPO_ROOT / name, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "the tracked files")
    return target


def python_in(root: Path, *args: str) -> str:
    """Run the package's Python against the project at ``root`` (PAPER_AUDIT_ROOT)."""
    env = dict(os.environ, PAPER_AUDIT_ROOT=str(root), PAPER_AUDIT_OUTPUT_DIR=str(root / "_build" / "generated"))
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=root, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_drafting_a_page_changes_neither_the_repository_nor_the_data(tmp_path):
    root = committed_copy(tmp_path / "project")
    fingerprint = python_in(root, "-c", DATA_FINGERPRINT)
    assert git(root, "status", "--porcelain") == ""

    python_in(root, "-m", "paper_audit.cli", "draft", "--page", "3")

    drafted = root / "drafts" / "page-3.claims.csv"
    assert len(drafted.read_text(encoding="utf-8").splitlines()) > 1, "the default location has the drafts"
    assert git(root, "status", "--porcelain") == "", "drafts are git-ignored"
    assert "!! drafts/" in git(root, "status", "--porcelain", "--ignored")
    assert python_in(root, "-c", DATA_FINGERPRINT) == fingerprint, "drafts are outside the fingerprinted data"
