"""The paper's argument as data (data/argument.csv): the statements the paper
argues, each quoted exactly, with its page, and how much of the argument rests
on it (``stakes``: ``central`` for the paper's thesis, ``supporting`` for what
the thesis leans on).

A check names the statement its finding bears on (checks.csv ``argument``)
and which way an error in it leans (``direction``); severity ranks findings by
these stakes first (``audit.stakes``). Loading refuses a quote that is not
found exactly once on its page, an unknown stakes level and a duplicate id,
with one message naming the file, line and field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.tables import schema
from paper_audit.tables.claims import read_csv_strict
from paper_audit.text import source

RESOURCE = "argument"


@dataclass(frozen=True)
class Statement:
    id: str
    stakes: str
    statement: str
    page: int
    quote: str


def read(
    path: Path, pages: dict[int, source.Page] | None = None, project: paths.Project | None = None
) -> dict[str, Statement]:
    """The statements in ``path``, validated (against ``project``'s pages and
    Data Package, the current project's by default), by id, in the file's order."""
    pages = pages if pages is not None else source.load_pages(paths.resolve(project).source_dir)
    levels = schema.enum(RESOURCE, "stakes", project)
    statements: dict[str, Statement] = {}
    for rec in read_csv_strict(path, schema.field_names(RESOURCE, project)):
        where = f"{path}, line {rec['_line']} (statement {rec['id']})"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", rec["id"]):
            raise DataError(f"{where}, field 'id': {rec['id']!r} is not a snake_case id")
        if rec["id"] in statements:
            raise DataError(f"{where}, field 'id': duplicate statement id")
        if rec["stakes"] not in levels:
            raise DataError(f"{where}, field 'stakes': {rec['stakes']!r} is not one of: {', '.join(levels)}")
        if not rec["page"].isdigit() or int(rec["page"]) not in pages:
            raise DataError(f"{where}, field 'page': {rec['page']!r} is not a page of the excerpt ({sorted(pages)})")
        page = int(rec["page"])
        found = pages[page].clean.count(rec["quote"])
        if found != 1:
            raise DataError(
                f"{where}, field 'quote': found {found} times on page {page} of the excerpt's clean text; "
                "quote the statement exactly, once"
            )
        if not rec["statement"].strip():
            raise DataError(f"{where}, field 'statement': empty; say in a line what the paper argues")
        statements[rec["id"]] = Statement(rec["id"], rec["stakes"], rec["statement"], page, rec["quote"])
    schema.validate(RESOURCE, path, project)
    return statements


def load(project: paths.Project | None = None) -> dict[str, Statement]:
    """A project's statements (the current project's by default), read once per
    process for each project."""
    return _load(paths.resolve(project))


@lru_cache(maxsize=8)
def _load(project: paths.Project) -> dict[str, Statement]:
    return read(project.argument_csv, project=project)
