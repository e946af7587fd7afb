"""Printed pages say what they are and print no empty code box
(paper_audit.present.sphinx_print, the print rules of audit.css, audit.js).

Static checks: a tiny strict build carries, on every page, a print header and
footer with the book's title and empty slots for the address and the date
(which audit.js fills in as the page is printed: two builds stay identical);
audit.css shows them in print only and leaves empty cells and the inputs of
hidden cells off the paper; audit.js fills them from ``location.href`` and the
date at print time."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from paper_audit import paths
from paper_audit.present import sphinx_print
from tiny_book import build

STATIC = paths.REPO_ROOT / "book" / "_static"
TITLE = "Tiny <book> & its title"


def print_rules(css: str) -> str:
    """The text of every ``@media print`` block of ``css``."""
    blocks = []
    for start in (m.start() for m in re.finditer(r"@media print", css)):
        depth = 0
        for end in range(css.index("{", start), len(css)):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            if depth == 0:
                blocks.append(css[start : end + 1])
                break
    return "\n".join(blocks)


def test_the_print_rules_show_the_marks_and_hide_empty_code():
    css = (STATIC / "audit.css").read_text(encoding="utf-8")
    printed = print_rules(css)
    # Hidden on screen, shown on paper.
    assert re.search(r"^\.audit-print-header, \.audit-print-footer \{ display: none; \}", css, re.M)
    assert re.search(r"\.audit-print-header, \.audit-print-footer \{ display: block", printed)
    for hidden in (
        "div.cell.audit-print-empty",
        "div.cell:not(:has(> *))",
        "div.cell_output:empty",
        "div.cell_input[hidden]",
        "div.cell details.hide",
        ".tag_hide-input .cell_input",
    ):
        assert hidden in printed, f"{hidden} is printed"


def test_the_script_sets_address_and_date_when_printing():
    js = (STATIC / "audit.js").read_text(encoding="utf-8")
    assert 'window.addEventListener("beforeprint", prepare)' in js
    assert "window.location.href" in js and "new Date()" in js
    assert ".audit-print-address" in js and ".audit-print-date" in js and "audit-print-empty" in js


def test_a_mark_escapes_the_title_and_leaves_address_and_date_empty():
    mark = sphinx_print.mark(sphinx_print.HEADER_CLASS, TITLE)
    assert "Tiny &lt;book&gt; &amp; its title" in mark and "<book>" not in mark
    assert '<span class="audit-print-address"></span><span class="audit-print-date"></span>' in mark


def make_book(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    config = {
        "title": TITLE,
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "force", "timeout": 120},
        "sphinx": {
            "recursive_update": True,
            "extra_extensions": ["paper_audit.present.sphinx_print"],
            "config": {
                "html_static_path": [str(STATIC)],
                "html_css_files": ["audit.css"],
                "html_js_files": ["audit.js"],
                "html_last_updated_fmt": None,
                "nb_execution_raise_on_error": True,
            },
        },
    }
    (root / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapter\n")
    (root / "intro.md").write_text("# Intro\n\nWords.\n", encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Chapter"),
        # Nothing to show: an empty cell on the page.
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["remove-input"]}),
        nbformat.v4.new_code_cell("print(x + 1)", metadata={"tags": ["hide-input"]}),
        nbformat.v4.new_code_cell("print(x + 2)"),
    ]
    nbformat.write(notebook, root / "chapter.ipynb")
    return root


@pytest.mark.build
def test_every_page_carries_the_print_marks_and_two_builds_are_identical(tmp_path):
    built = []
    for name in ("one", "two"):
        root = make_book(tmp_path / name / "book")
        result = build(root)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        built.append(root / "_build" / "html")
    for page in ("intro.html", "chapter.html"):
        text = (built[0] / page).read_text(encoding="utf-8")
        for css_class in (sphinx_print.HEADER_CLASS, sphinx_print.FOOTER_CLASS):
            assert text.count(f'<div class="{css_class}">') == 1, f"{page} has no {css_class}"
        header = text[text.index(f'<div class="{sphinx_print.HEADER_CLASS}">') :]
        assert header.index("Tiny &lt;book&gt; &amp; its title") < header.index("</div>")
        # The address and the date are the browser's, at print time.
        assert '<span class="audit-print-address"></span><span class="audit-print-date"></span>' in text
        body = text[text.index(f'<div class="{sphinx_print.HEADER_CLASS}">') :]
        assert body.index(f'<div class="{sphinx_print.FOOTER_CLASS}">') > body.index("<h1"), page
        assert "audit.css" in text and "audit.js" in text
        assert (built[1] / page).read_bytes() == (built[0] / page).read_bytes(), f"{page} differs between builds"
    # The structures the print rules hide: an empty cell, a hidden cell's input.
    chapter = (built[0] / "chapter.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="cell tag_remove-input docutils container">\s*</div>', chapter)
    assert re.search(r'class="cell tag_hide-input[^"]*">\s*<details class="[^"]*\bhide above-input"', chapter)
