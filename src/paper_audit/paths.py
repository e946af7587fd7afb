"""Where the project's files are.

The package reads its data from a checkout of the repository, found in this
order:

1. ``PAPER_AUDIT_ROOT``, if set (the end-to-end tests build a corrupted copy
   of the project and check the real book is untouched);
2. the checkout the package file sits in (an editable install, ``pip install
   -e .``: this file is ``<repo>/src/paper_audit/paths.py``), when that folder
   looks like the project (it has ``data/claims.csv``);
3. the current working directory or its nearest parent that has
   ``data/claims.csv`` (a plain ``pip install .``, run from the checkout; a
   notebook's kernel runs in a folder of it).

When none is found, importing still works (a kernel must be able to ``import
paper_audit``), but the first use of a path raises ``RepositoryNotFound``,
which says to run from the repository root or set ``PAPER_AUDIT_ROOT``.
"""

from __future__ import annotations

import os
from pathlib import Path

from paper_audit.errors import DataError

MARKER = Path("data") / "claims.csv"  # what makes a folder the project


class RepositoryNotFound(DataError, FileNotFoundError):
    """No checkout of the project was found (a DataError: one line, no traceback)."""


def looks_like_project(folder: Path) -> bool:
    return (folder / MARKER).is_file()


class _NoRepository(type(Path())):
    """Stands for the repository when none was found: paths can be built from
    it (modules do so at import time), but using one, by opening, listing or
    resolving it, raises ``RepositoryNotFound`` with the one message."""

    __slots__ = ()
    message = "the paper-audit repository was not found"  # find_root gives the full one

    def __fspath__(self):
        raise RepositoryNotFound(self.message)

    def resolve(self, strict=False):
        raise RepositoryNotFound(self.message)


def find_root(cwd: Path | None = None, package_file: str | Path = __file__) -> Path:
    """The project's checkout, by the rules in this module's docstring."""
    if os.environ.get("PAPER_AUDIT_ROOT"):
        return Path(os.environ["PAPER_AUDIT_ROOT"]).resolve()
    above = Path(package_file).resolve().parents
    if len(above) > 2 and looks_like_project(above[2]):
        return above[2]
    try:
        cwd = Path.cwd() if cwd is None else cwd
        cwd = cwd.resolve()
    except OSError:  # the working directory was deleted
        cwd = None
    for folder in (cwd, *cwd.parents) if cwd else ():
        if looks_like_project(folder):
            return folder
    message = (
        f"the paper-audit repository was not found: run from the repository root (the folder with "
        f"{MARKER.as_posix()}) or set PAPER_AUDIT_ROOT to it (the package at {Path(package_file).parent} "
        f"is not inside a checkout, and neither {cwd} nor a folder above it holds {MARKER.as_posix()})"
    )
    missing = type("_NoRepository", (_NoRepository,), {"__slots__": (), "message": message})
    return missing("<paper-audit repository not found>")


REPO_ROOT = find_root()
DATA_DIR = REPO_ROOT / "data"
SOURCE_DIR = DATA_DIR / "source"
REFERENCE_DIR = DATA_DIR / "reference"
CLAIMS_CSV = DATA_DIR / "claims.csv"
CHECKS_CSV = DATA_DIR / "checks.csv"
ARGUMENT_CSV = DATA_DIR / "argument.csv"
NOT_FIGURES_CSV = SOURCE_DIR / "not-figures.csv"
DATAPACKAGE_JSON = DATA_DIR / "datapackage.json"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
BOOK_DIR = REPO_ROOT / "book"

# The paper's excerpt that data/source/ is derived from, byte for byte as it was
# received, inside the repository (data/source/excerpt/README.md says where from).
PAPER_EXCERPT = SOURCE_DIR / "excerpt" / "000_791191a67cd1a826.txt"


def output_dir() -> Path:
    """Where executed notebooks write what the build collects (provenance, figures).

    ``PAPER_AUDIT_OUTPUT_DIR`` redirects it, so that a papermill rerun never
    writes over the book's own outputs.
    """
    return Path(os.environ.get("PAPER_AUDIT_OUTPUT_DIR", REPO_ROOT / "_build" / "generated"))
