"""Printed pages say what they are and print no empty code box
(paper_audit.present.sphinx_print, the print rules of audit.css, audit.js).

Static checks: a tiny book, built in this process by Sphinx's own test
application (no subprocess, no kernel), carries, on every page, a print header and
footer with the book's title and empty slots for the address and the date
(which audit.js fills in as the page is printed: two builds stay identical);
audit.css shows them in print only and leaves empty cells and the inputs of
hidden cells off the paper; audit.js fills them from ``location.href`` and the
date at print time.

In the browser (the built book in Chromium's print emulation, which fires no
``beforeprint``): every fold that prints (a flag's "The quotes and the
computation", the register's) is open on paper."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import snapshots
import tiny_book
from paper_audit import paths
from paper_audit.present import sphinx_print

pytest_plugins = ["browser_support"]

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
    """A tiny book: a markdown page and a notebook (stored outputs: nothing is
    executed) with the cells the print rules act on."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text("", encoding="utf-8")
    (root / "intro.md").write_text("# Intro\n\nWords.\n\n```{toctree}\nchapter\n```\n", encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    printed = [nbformat.v4.new_output("stream", name="stdout", text=text) for text in ("2\n", "3\n")]
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Chapter"),
        # Nothing to show: an empty cell on the page.
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["remove-input"]}),
        nbformat.v4.new_code_cell("print(x + 1)", metadata={"tags": ["hide-input"]}, outputs=[printed[0]]),
        nbformat.v4.new_code_cell("print(x + 2)", outputs=[printed[1]]),
    ]
    nbformat.write(notebook, root / "chapter.ipynb")
    return root


def build_in_process(root: Path) -> Path:
    """The tiny book built in this process with the print extension; a warning
    fails the build as ``-W`` would."""
    html, warnings = tiny_book.build_in_process(
        root,
        "paper_audit.present.sphinx_print",
        project=TITLE,
        html_title=TITLE,
        root_doc="intro",
        html_static_path=[str(STATIC)],
        html_css_files=["audit.css"],
        html_js_files=["audit.js"],
        html_last_updated_fmt=None,
    )
    assert not warnings, warnings
    return html


def between_the_marks(page: str) -> str:
    """The page's text from its print header to the end of its print footer."""
    start = page.index(f'<div class="{sphinx_print.HEADER_CLASS}">')
    footer = page.index(f'<div class="{sphinx_print.FOOTER_CLASS}">', start)
    return page[start : page.index("</div>", footer) + len("</div>")] + "\n"


def test_every_page_carries_the_print_marks_and_two_builds_are_identical(tmp_path):
    built = [build_in_process(make_book(tmp_path / name)) for name in ("one", "two")]
    for page in ("intro.html", "chapter.html"):
        text = (built[0] / page).read_text(encoding="utf-8")
        for css_class in (sphinx_print.HEADER_CLASS, sphinx_print.FOOTER_CLASS):
            assert text.count(f'<div class="{css_class}">') == 1, f"{page} has no {css_class}"
        header = text[text.index(f'<div class="{sphinx_print.HEADER_CLASS}">') :]
        assert header.index("Tiny &lt;book&gt; &amp; its title") < header.index("</div>")
        # The address and the date are the browser's, at print time.
        assert '<span class="audit-print-address"></span><span class="audit-print-date"></span>' in text
        assert header.index(f'<div class="{sphinx_print.FOOTER_CLASS}">') > header.index("<h1"), page
        assert "audit.css" in text and "audit.js" in text
        assert (built[1] / page).read_bytes() == (built[0] / page).read_bytes(), f"{page} differs between builds"
        snapshots.match(between_the_marks(text), f"print_marks_{page}")
    # The structures the print rules hide: an empty cell, a hidden cell's input.
    chapter = (built[0] / "chapter.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="cell tag_remove-input docutils container">\s*</div>', chapter)
    assert re.search(r'class="cell tag_hide-input[^"]*">\s*<details class="[^"]*\bhide above-input"', chapter)


# Every fold that prints: shown (display not none) and, if it has content
# besides its summary, that content laid out with a size.
FOLDS_JS = """() => Array.from(document.querySelectorAll("details")).flatMap((fold, index) => {
  if (getComputedStyle(fold).display === "none" || !fold.getClientRects().length) return [];
  const inside = Array.from(fold.children).filter(child => child.tagName !== "SUMMARY");
  // checkVisibility: false under a closed fold's content-visibility, which a size query ignores.
  const shown = inside.some(child => child.checkVisibility() && child.getBoundingClientRect().height > 0);
  const summary = fold.querySelector("summary");
  return inside.length && !shown ? [`fold ${index} (${summary ? summary.textContent.trim() : fold.className})`] : [];
})"""


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("page_path", ["notebooks/chinese_aid.html", "book/findings.html"])
def test_print_opens_every_fold(browser, book_url, page_path):
    from browser_support import TIMEOUT_MS, open_page

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        open_page(page, book_url, page_path)
        assert page.evaluate("document.querySelectorAll('details:not([open])').length") > 0, "no closed fold"
        page.emulate_media(media="print")
        closed = page.evaluate(FOLDS_JS)
        assert not closed, f"{page_path} prints these folds closed: {closed[:10]}"
    finally:
        context.close()
