"""The strict book build as the integration test: it runs in a temporary
folder, and the HTML must show the glued values and the flags."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from paper_audit import paths
from paper_audit.audit import verdicts

pytestmark = pytest.mark.build


def run_build(root: Path, html: Path, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "paper_audit.run.build", "--root", str(root), "--html", str(html)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )


pytest_plugins = ["browser_support"]  # the one shared build of the book


@pytest.fixture(scope="session")
def built_book(built_html):
    return built_html, built_html.parent / "generated"


def test_build_has_no_warning(built_book):
    html, _ = built_book
    assert (html / "index.html").exists()
    assert (html / "book" / "references.html").exists()


def test_glued_values_reach_the_html(built_book):
    html, generated = built_book
    records = json.loads((generated / "provenance" / "war_damage.json").read_text())
    values = [r for r in records.values() if r["kind"] == "value"]
    assert values, "the chapter glued no value"
    page = (html / "notebooks" / "war_damage.html").read_text(encoding="utf-8")
    for record in values:
        assert record["text"] in page, record
    # A glued string is shown as text, not as its Python repr.
    assert f"‘{values[0]['text']}’" not in page and f"'{values[0]['text']}'" not in page


def test_flag_rendered_from_code_output(built_book):
    html, _ = built_book
    page = (html / "notebooks" / "war_damage.html").read_text(encoding="utf-8")
    assert 'class="admonition' in page and "audit-flag" in page


def test_bibliography_starts_with_the_paper(built_book):
    html, _ = built_book
    page = (html / "book" / "references.html").read_text(encoding="utf-8")
    first = page.index("Shen")
    assert first < page.index("Armstrong"), "the paper is not the first entry"


def test_reader_features_are_present(built_book):
    html, _ = built_book
    page = (html / "notebooks" / "war_damage.html").read_text(encoding="utf-8")
    # No repository address is confirmed (_config.yml): no button may lead to one.
    assert "mybinder.org" not in page and "colab.research.google.com" not in page
    assert "_sources/notebooks/war_damage.ipynb" in page  # download the .ipynb
    assert "github.com" not in page  # no repository button
    assert (html / "search.html").exists() and (html / "searchindex.js").exists()


def make_book(root: Path, failing: bool) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(
        textwrap.dedent("""\
        title: tiny
        only_build_toc_files: true
        execute:
          execute_notebooks: force
          timeout: 60
        sphinx:
          recursive_update: true
          config:
            nb_execution_raise_on_error: true
        """)
    )
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapter\n")
    (root / "intro.md").write_text("# Intro\n\nA tiny book.\n")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    notebook.cells = [nbformat.v4.new_markdown_cell("# Chapter"), nbformat.v4.new_code_cell("x = 1")]
    if failing:
        notebook.cells.append(nbformat.v4.new_code_cell('raise ValueError("deliberate failure")'))
    nbformat.write(notebook, root / "chapter.ipynb")
    return root


def test_a_raising_notebook_fails_the_build_naming_it_and_keeps_the_last_good_book(tmp_path):
    root = make_book(tmp_path / "tiny", failing=False)
    html = tmp_path / "html"
    good = run_build(root, html)
    assert good.returncode == 0, good.stderr[-3000:]
    marker = (html / "chapter.html").read_text(encoding="utf-8")
    make_book(root, failing=True)
    bad = run_build(root, html)
    assert bad.returncode != 0
    assert "notebook" in bad.stderr and "chapter.ipynb" in bad.stderr
    assert "cell 3" in bad.stderr and "ValueError: deliberate failure" in bad.stderr
    assert (html / "chapter.html").read_text(encoding="utf-8") == marker, "the last good book was replaced"
    assert not list(html.parent.glob(".build-*")), "a half-built folder was left behind"


def test_findings_csv_is_published_with_the_book(built_book):
    import csv

    html, _ = built_book
    with open(html / "findings.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(paths.CHECKS_CSV, encoding="utf-8") as handle:
        check_ids = [row["id"] for row in csv.DictReader(handle)]
    assert [row["check"] for row in rows] == check_ids

    assert {row["verdict"] for row in rows} <= set(verdicts.SEVERITY)
    assert {row["evidence"] for row in rows} == set(verdicts.EVIDENCE_KINDS) and all(row["problem"] for row in rows)


def first_difference(a: Path, b: Path, context: int = 3) -> str:
    """The first lines where two HTML files differ (tags on lines of their own)."""
    import difflib

    def lines(path):
        return path.read_text(encoding="utf-8").replace("><", ">\n<").splitlines()

    diff = difflib.unified_diff(lines(a), lines(b), "first build", "second build", n=context, lineterm="")
    return "\n".join(list(diff)[:40])


def test_two_clean_builds_are_identical(built_book, tmp_path):
    """Same HTML text, same findings.csv, same SVG figures, byte for byte."""
    html, generated = built_book
    second = tmp_path / "second"
    result = run_build(paths.REPO_ROOT, second / "html", {"PAPER_AUDIT_OUTPUT_DIR": str(second / "generated")})
    assert result.returncode == 0, result.stderr[-3000:]
    pages = sorted(p.relative_to(html) for p in html.rglob("*.html"))
    assert pages == sorted(p.relative_to(second / "html") for p in (second / "html").rglob("*.html"))
    different = [str(p) for p in pages if (html / p).read_bytes() != (second / "html" / p).read_bytes()]
    assert not different, f"pages differ between two builds: {different}\n" + first_difference(
        html / different[0], second / "html" / different[0]
    )
    assert (html / "findings.csv").read_bytes() == (second / "html" / "findings.csv").read_bytes()
    figures = sorted((generated / "figures").glob("*.svg"))
    assert len(figures) >= 6
    for svg in figures:
        assert svg.read_bytes() == (second / "generated" / "figures" / svg.name).read_bytes(), svg.name
        assert b"<dc:date>" not in svg.read_bytes()


def test_the_build_prints_no_kernel_warning(built_book):
    html, _ = built_book
    log = html.parent / "build.log"
    if not log.exists():
        pytest.skip("the book was built elsewhere (PAPER_AUDIT_BOOK_HTML)")
    text = log.read_text(encoding="utf-8")
    assert "Executing" in text, "the log does not show the notebooks being executed"
    kernel_lines = [line for line in text.splitlines() if "IPKernelApp" in line or "without encryption" in line]
    assert not kernel_lines, kernel_lines
