"""Bad input, end to end: each stops the build with one clear message naming
the file, row, field or parameter, and leaves the last good book intact."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paper_audit import paths
from paper_audit.run.build import executed_notebooks

pytestmark = pytest.mark.build

pytest_plugins = ["browser_support"]  # the one shared build of the book, whose cache the copies start from

SKIP = {
    ".git",
    ".venv",
    "_build",
    "reruns",
    "student",
    "test-artifacts",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".mypy_cache",
    ".ruff_cache",
    ".jupyter_cache",
    "jupyter_execute",
}


def copy_project(target: Path, generated: Path | None = None) -> Path:
    """A copy of the project's files at ``target``; with ``generated`` (a built
    book's outputs: its execution cache and what each notebook read), the copy
    starts from them, so that its build executes only what differs."""
    shutil.copytree(
        paths.REPO_ROOT, target, ignore=lambda d, names: [n for n in names if n in SKIP or n.endswith(".egg-info")]
    )
    if generated is not None and (generated / "jupyter_cache").is_dir():
        shutil.copytree(generated, target / "_build" / "generated")
    return target


def project_env(root: Path) -> dict:
    """The environment of a command run on the project at ``root``: its data,
    its outputs, and its own package (``src/`` first on the path), so that the
    build's fingerprint of the package's code is that copy's, whatever happens
    meanwhile to the checkout the tests run from."""
    path = os.pathsep.join(p for p in (str(root / "src"), os.environ.get("PYTHONPATH", "")) if p)
    return dict(
        os.environ,
        PAPER_AUDIT_ROOT=str(root),
        PAPER_AUDIT_OUTPUT_DIR=str(root / "_build" / "generated"),
        PYTHONPATH=path,
    )


def build(root: Path, html: Path):
    env = project_env(root)
    return subprocess.run(
        [sys.executable, "-m", "paper_audit.run.build", "--root", str(root), "--html", str(html)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def good_project(tmp_path_factory, built_generated):
    """A copy of the project, built: from the session's execution cache, so
    only Sphinx runs (the cold build is the session's, tested in test_build.py)."""
    base = tmp_path_factory.mktemp("e2e")
    root, html = copy_project(base / "good", built_generated), base / "html"
    result = build(root, html)
    assert result.returncode == 0, result.stderr[-3000:]
    return root, html


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the corruption of {path.name} found no unique {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def corrupt_claims(root: Path):
    replace_once(root / "data" / "claims.csv", "damage_agriculture_pct,2,,", "damage_agriculture_pct,two,,")
    return r"claims\.csv, line \d+ \(id damage_agriculture_pct\), field 'page': 'two' is not a page number"


def missing_claim_in_check(root: Path):
    replace_once(
        root / "data" / "checks.csv",
        "cpv_stayed,remainder,cpv_divisions_peak_body",
        "cpv_stayed,remainder,cpv_divisions_peak_text",
    )
    return (
        r"checks\.csv, line \d+ \(check cpv_stayed\), field 'inputs':"
        r" 'cpv_divisions_peak_text' is neither a claim"
    )


def missing_source_page(root: Path):
    (root / "data" / "source" / "page-4.clean.txt").unlink()
    return r"page-4\.clean\.txt: missing source file named in manifest\.json"


def bad_parameter_in_chapter(root: Path):
    path = root / "notebooks" / "volunteers.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1 and "gross_factor = 2.0" in "".join(cells[0]["source"])
    cells[0]["source"] = "".join(cells[0]["source"]).replace("gross_factor = 2.0", "gross_factor = 0.5")
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return (
        r"notebooks/volunteers\.ipynb failed while executing: cell \d+ .* raised DataError:"
        r" parameter 'gross_factor': 0\.5 is outside the allowed range 1\.1 to 100"
    )


@pytest.mark.parametrize(
    "corrupt",
    [corrupt_claims, missing_claim_in_check, missing_source_page, bad_parameter_in_chapter],
    ids=lambda f: f.__name__,
)
def test_bad_input_stops_the_build_and_keeps_the_last_good_book(good_project, tmp_path, corrupt):
    good_root, good_book = good_project
    before = digest(good_book)
    # With the good copy's cache: a bad parameter stops its chapter, and nothing else executes.
    root = copy_project(tmp_path / "bad", good_root / "_build" / "generated")
    expected = corrupt(root)
    result = build(root, good_book)
    assert result.returncode != 0
    assert re.search(expected, result.stderr), result.stderr[-3000:]
    assert "Traceback" not in result.stderr.split("BUILD")[-1], "the summary shows a traceback instead of a message"
    assert digest(good_book) == before, "the last good book was changed"
    assert not list(good_book.parent.glob(".build-*")), "a half-built folder was left behind"


def test_an_edited_claim_re_executes_what_reads_it_and_only_that(good_project):
    """jupyter-cache keys on code only: the build must drop the cached outputs
    that read the edited row, and never serve a stale one."""
    root, html = good_project
    claims_csv = root / "data" / "claims.csv"
    original = claims_csv.read_text(encoding="utf-8")
    try:
        replace_once(claims_csv, "CPV divisions withdrawn in 1954-1955", "CPV divisions that went home in 1954-1955")
        result = build(root, html)
        assert result.returncode == 0, result.stderr[-3000:]
        executed = set(executed_notebooks(result.stdout, root))
        # The volunteers chapter shows the claim; the front page, the register, the
        # method and the source text show every claim. No other chapter reads that
        # row (the scenarios gather conversions only), and neither the references
        # page nor the classroom pages show a claim of the paper.
        assert executed == {
            "notebooks/volunteers.ipynb",
            "book/intro.ipynb",
            "book/findings.ipynb",
            "book/method.ipynb",
            "book/source_text.ipynb",
        }
        volunteers = (html / "notebooks" / "volunteers.html").read_text(encoding="utf-8")
        assert "CPV divisions that went home in 1954-1955" in volunteers
        nothing = build(root, html)
        assert nothing.returncode == 0 and executed_notebooks(nothing.stdout, root) == []
    finally:
        claims_csv.write_text(original, encoding="utf-8")
