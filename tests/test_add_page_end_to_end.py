"""An invented page goes from text to a built chapter with data and commands
only: add the page, add a chapter from the skeleton, draft, accept the
drafts, build. Its badges must be in the HTML, the register must link to
them, and re-deriving the source must keep the page. A check naming a
chapter that is not in the book stops the build, naming the chapters."""

import re
import subprocess
import sys

import pytest

from invented_page import CLEAN
from test_end_to_end import build, copy_project, project_env

pytestmark = pytest.mark.build

pytest_plugins = ["browser_support"]  # the one shared build of the book, whose cache the copy starts from

# A raw extraction of the same page: spaces after punctuation lost, a marker dropped, a note number misread.
RAW = (
    CLEAN.replace(", ", ",")
    .replace(". ", ".")
    .replace("crossing.22 ", "crossing. ")
    .replace("later.24 22 An", "later. 2An")
)


def run(root, *args):
    env = project_env(root)
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=root, timeout=600)


def paper_audit(root, *args):
    result = run(root, sys.executable, "-m", "paper_audit.cli", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def accept(root, draft, target):
    """What a reviewer does after reading the drafts: move the rows into the data."""
    rows = draft.read_text(encoding="utf-8").splitlines(keepends=True)[1:]
    assert rows, f"{draft.name} is empty"
    with target.open("a", encoding="utf-8") as handle:
        handle.writelines(rows)
    return rows


def test_an_invented_page_becomes_a_chapter_without_code(tmp_path, built_generated):
    root = copy_project(tmp_path / "project", built_generated)  # executes only what the new page changes
    (tmp_path / "page-7.clean.txt").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "page-7.raw.txt").write_text(RAW, encoding="utf-8")
    out = paper_audit(
        root, "add-page", "7", "--clean", str(tmp_path / "page-7.clean.txt"), "--raw", str(tmp_path / "page-7.raw.txt")
    )
    assert "footnotes 22-24" in out and "pages 2-7" in out
    paper_audit(root, "add-chapter", "railway_brigade", "--title", "An invented page: the railway brigade")
    paper_audit(root, "draft", "--page", "7", "--chapter", "railway_brigade")
    drafts = root / "drafts"  # the default: git-ignored, outside data/
    accept(root, drafts / "page-7.claims.csv", root / "data" / "claims.csv")
    check_rows = accept(root, drafts / "page-7.checks.csv", root / "data" / "checks.csv")
    accept(root, drafts / "page-7.not-figures.csv", root / "data" / "source" / "not-figures.csv")
    check_ids = [row.split(",")[0] for row in check_rows]
    assert any(",conversion," in row for row in check_rows) and any(",parts_sum," in row for row in check_rows)

    # Re-deriving the source from the shared paper keeps the added page.
    rederive = run(root, sys.executable, "scripts/extract_source.py")
    assert rederive.returncode == 0, rederive.stderr
    check = run(root, sys.executable, "scripts/extract_source.py", "--check")
    assert check.returncode == 0 and (root / "data" / "source" / "page-7.clean.txt").read_text() == CLEAN

    html = tmp_path / "html"
    result = build(root, html)
    assert result.returncode == 0, result.stderr[-3000:]
    chapter = (html / "notebooks" / "railway_brigade.html").read_text(encoding="utf-8")
    register = (html / "book" / "findings.html").read_text(encoding="utf-8")
    assert "An invented page: the railway brigade" in chapter
    for check_id in check_ids:
        assert f'class="audit-see-finding" href="../notebooks/railway_brigade.html#flag-{check_id}"' in chapter, (
            check_id
        )
        assert f'id="flag-{check_id}"' in chapter, check_id
        assert f'href="../notebooks/railway_brigade.html#flag-{check_id}"' in register, check_id
    # The range converted at both ends.
    assert "low end: 25 USD; high end: 37.5 USD" in chapter
    assert "brigade of 1,200 workers arrived" in (html / "book" / "source_text.html").read_text(encoding="utf-8")

    # A check naming a chapter the book does not have stops the build, naming the chapters.
    checks_csv = root / "data" / "checks.csv"
    checks_csv.write_text(
        checks_csv.read_text(encoding="utf-8").replace(",railway_brigade,", ",aid_1954_1957,", 1), encoding="utf-8"
    )
    stopped = build(root, html)
    assert stopped.returncode != 0
    assert re.search(
        r"field 'chapter': 'aid_1954_1957' is not a chapter of the book; its chapters are war_damage, "
        r".*railway_brigade.* \(declared in _toc\.yml",
        stopped.stderr,
    ), stopped.stderr[-2000:]
