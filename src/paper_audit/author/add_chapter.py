"""``paper-audit add-chapter NAME --title TITLE``: a new chapter from the chapter skeleton, with no Python to write.

    paper-audit add-chapter aid_1954_1957 --title "Aid from 1954 to 1957" [--after CHAPTER] [--overview TEXT]

Writes ``notebooks/NAME.ipynb`` (overview with the paper's sentences and the
findings, the hidden parameters cell from ``paper_audit.audit.params``, the
chapter's checks shown from the data, summary, how the chapter computes
(prerequisites and imports, after the analysis), what's next), adds its one
entry to ``_toc.yml`` (edited in place: every other line and comment kept), points the previous chapter's
"What's next" at it and its own at the chapter that now follows it, and
rewrites the Data Package's enums of chapters. Its claims and checks are rows
of data/claims.csv and data/checks.csv with ``chapter`` NAME.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import nbformat

from paper_audit.audit import params
from paper_audit.author import schema_sync
from paper_audit.errors import DataError
from paper_audit.tables import toc

PREREQUISITES = """| concept | where |
|---|---|
| how a figure is tied to its quote | [Method](../book/method.ipynb) |
| what the badges mean | [Introduction](../book/intro.ipynb) |
| changing the assumptions | `paper-audit rerun` (see the README), or the hidden parameters cell |"""


WHATS_NEXT = "## What's next"
# The set-up a reader who reruns the chapter needs, after the analysis (issue 26: chapters read as articles).
COMPUTES = (
    "## How this chapter computes\n\nFor a reader who wants to rerun or change the chapter: "
    "what it builds on, and what its folded code cells import."
)
REGISTER_NEXT = "The [findings register](../book/findings.ipynb) lists every finding of the book."


def next_chapter(name: str, title: str) -> str:
    """The body of a "What's next" that leads to chapter ``name``."""
    return f"The next chapter: [{title}]({name}.ipynb)."


def notebook(name: str, title: str, overview: str, whats_next: str = REGISTER_NEXT) -> nbformat.NotebookNode:
    """The chapter skeleton every chapter shares, filled from data only: the
    paper's sentences and the findings first, the set-up after the analysis,
    the bookkeeping hidden (the layout ``tests/test_chapter_layout.py`` holds
    every chapter to)."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    hidden, removed = {"tags": ["remove-input"]}, {"tags": ["remove-cell"]}
    cells = [
        md(f"# {title}\n\n## Overview\n\n{overview}\n\nThe sentences of the paper this chapter checks:"),
        code(
            "from paper_audit.present.chapter import Chapter, parameters\n\n"
            "# Shown, folded, under 'How this chapter computes'.\n"
            "from paper_audit.audit import engine",
            metadata=removed,
        ),
        code(params.parameters_cell(), metadata={"tags": ["parameters", "remove-cell"]}),
        code(f'chapter = Chapter("{name}", **parameters(globals()))\nchapter.summary()', metadata=hidden),
        code("chapter.quotes(*chapter.own_claims.index)", metadata=hidden),
        md("**What this chapter finds.** {glue:}`summary_findings`"),
        md(
            "## The figures and their checks\n\nEach check of this chapter, with the quotes it reads "
            "and what was computed."
        ),
        code("chapter.walkthrough()", metadata=hidden),
        md("## Who reported these figures"),
        code("chapter.reporters()", metadata=hidden),
        md("## Summary\n\n{glue:}`summary_argument`"),
        md(
            f"{COMPUTES}\n\n### Prerequisites\n\n{PREREQUISITES}\n\n### Imports\n\n"
            "This chapter is made from data alone: its checks are rows of "
            "`data/checks.csv`, computed by the package. The button shows the one import."
        ),
        code("from paper_audit.audit import engine", metadata={"tags": ["hide-input"]}),
        md(f"{WHATS_NEXT}\n\n{whats_next}"),
    ]
    book = nbformat.v4.new_notebook(cells=cells)
    book.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    # Like the book's other notebooks: format 4.4, whose cells carry no ids.
    book.nbformat_minor = 4
    for cell in book.cells:
        cell.pop("id", None)
    return book


def relink(path: Path, whats_next: str) -> str:
    """Make the "What's next" section of the notebook at ``path`` read
    ``whats_next``; return what it read before. Only that section of that
    cell changes (nbformat writes the rest back byte for byte)."""
    book = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    for cell in book.cells:
        if cell.cell_type == "markdown" and WHATS_NEXT in cell.source:
            head, _, old = cell.source.partition(WHATS_NEXT)
            cell.source = f"{head}{WHATS_NEXT}\n\n{whats_next}"
            nbformat.write(book, str(path))
            return old.strip()
    raise DataError(f"{path}: no '{WHATS_NEXT}' heading to point at the new chapter")


def add_chapter(name: str, title: str, overview: str = "", after: str | None = None) -> list[str]:
    """Write the chapter, list it and relink its neighbour; return one line per file changed."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise DataError(f"{name!r} is not a snake_case chapter name")
    if name in toc.chapters():
        raise DataError(f"{name!r} is already a chapter (declared in {toc.WHERE})")
    target = toc.chapter_notebook(name)
    if target.exists():
        raise DataError(f"{target} exists but is not in _toc.yml; list it there or remove it")
    if not title.strip():
        raise DataError("--title is empty")
    overview = overview or (
        "The figures of the paper this chapter audits, and the relations between them "
        "that the text implies, each checked and graded."
    )
    titles = toc.chapters()
    previous, following = toc.insert_chapter(name, after)
    whats_next = next_chapter(following, titles[following]) if following else REGISTER_NEXT
    nbformat.write(notebook(name, title.strip(), overview, whats_next), str(target))
    toc.reread()
    changed = [f"wrote {target}", f"listed it in {toc.WHERE.split()[0]}"]
    if previous:
        before = toc.chapter_notebook(previous)
        old = relink(before, next_chapter(name, title.strip()))
        changed.append(f'{before}: "What\'s next" now leads to {name} (it read: {old!r})')
    schema_sync.write()
    changed.append("listed it in data/datapackage.json")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="paper-audit add-chapter",
        # Whole paragraphs of the docstring, never a line cut mid-sentence (argparse reflows them).
        description=" ".join(__doc__.split("\n\n")[0].split()).replace("``", ""),
        epilog=" ".join(__doc__.split("\n\n")[2].split()).replace("``", ""),
    )
    parser.add_argument("name", help="snake_case name, used in the chapter column of claims and checks")
    parser.add_argument("--title", required=True, help="the chapter's title, as the reader sees it")
    parser.add_argument("--overview", default="", help="the overview paragraph")
    parser.add_argument("--after", help="the chapter it follows in the table of contents")
    args = parser.parse_args(argv)
    for line in add_chapter(args.name, args.title, args.overview, args.after):
        print(line)
    return 0
