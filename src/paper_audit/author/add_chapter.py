"""``paper-audit add-chapter NAME --title TITLE``: a new chapter from the
chapter skeleton, with no Python to write.

    paper-audit add-chapter aid_1954_1957 --title "Aid from 1954 to 1957" [--after CHAPTER] [--overview TEXT]

Writes ``notebooks/NAME.ipynb`` (overview with the paper's sentences and the
findings, prerequisites, imports, the hidden
parameters cell from ``paper_audit.audit.params``, the chapter's checks shown from
the data, summary, what's next), lists it in ``_toc.yml`` and rewrites the
Data Package's enums of chapters. Its claims and checks are rows of
data/claims.csv and data/checks.csv with ``chapter`` NAME.
"""

from __future__ import annotations

import argparse
import re

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


def notebook(name: str, title: str, overview: str) -> nbformat.NotebookNode:
    """The chapter skeleton every chapter shares, filled from data only: the
    paper's sentences and the findings first, the bookkeeping hidden (the
    layout ``tests/test_chapter_layout.py`` holds every chapter to)."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    hidden, removed = {"tags": ["remove-input"]}, {"tags": ["remove-cell"]}
    cells = [
        md(f"# {title}\n\n## Overview\n\n{overview}\n\nThe sentences of the paper this chapter checks:"),
        code("from paper_audit.present.chapter import Chapter, parameters", metadata=removed),
        code(params.parameters_cell(), metadata={"tags": ["parameters", "remove-cell"]}),
        code(f'chapter = Chapter("{name}", **parameters(globals()))\nchapter.summary()', metadata=hidden),
        code("chapter.quotes(*chapter.own_claims.index)", metadata=hidden),
        md("**What this chapter finds.** {glue:}`summary_findings`"),
        md(f"## Prerequisites\n\n{PREREQUISITES}"),
        md(
            "## Imports\n\nThis chapter is made from data alone: its checks are rows of "
            "`data/checks.csv`, computed by the package. The button shows the one import."
        ),
        code("from paper_audit.audit import engine", metadata={"tags": ["hide-input"]}),
        md(
            "## The figures and their checks\n\nEach check of this chapter, with the quotes it reads "
            "and what was computed."
        ),
        code("chapter.walkthrough()", metadata=hidden),
        md("## Who reported these figures"),
        code("chapter.reporters()", metadata=hidden),
        md("## Summary\n\n{glue:}`summary_findings`"),
        md("## What's next\n\nThe [findings register](../book/findings.ipynb) lists every finding of the book."),
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


def add_chapter(name: str, title: str, overview: str = "", after: str | None = None) -> None:
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
    nbformat.write(notebook(name, title.strip(), overview), str(target))
    toc.insert_chapter(name, after)
    toc.reread()
    schema_sync.write()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paper-audit add-chapter", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="snake_case name, used in the chapter column of claims and checks")
    parser.add_argument("--title", required=True, help="the chapter's title, as the reader sees it")
    parser.add_argument("--overview", default="", help="the overview paragraph")
    parser.add_argument("--after", help="the chapter it follows in the table of contents")
    args = parser.parse_args(argv)
    add_chapter(args.name, args.title, args.overview, args.after)
    print(f"wrote {toc.chapter_notebook(args.name)}, listed it in _toc.yml and in data/datapackage.json")
    return 0
