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

A ``Project`` is one such checkout: its root, and every path derived from it.
The loaders the engine uses take one (``project=``, the current project when
none is given) and key their caches on it, so that a test can run the engine
in process on a copy in a temporary folder, beside the real project, and
neither sees the other's data. The module's constants (``CLAIMS_CSV`` and the
others) are the current project's paths (``current()``), as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Project:
    """A checkout of the project: its root, and every path derived from it.

    Hashable and compared by root, so that caches can be keyed on it. The
    root is taken as given (not resolved: the stand-in for a missing
    repository raises when resolved)."""

    root: Path

    def __post_init__(self) -> None:
        if not isinstance(self.root, Path):
            object.__setattr__(self, "root", Path(self.root))

    @classmethod
    def find(cls, cwd: Path | None = None, package_file: str | Path = __file__) -> Project:
        """The project found by the rules in this module's docstring."""
        return cls(find_root(cwd, package_file))

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def source_dir(self) -> Path:
        return self.data_dir / "source"

    @property
    def reference_dir(self) -> Path:
        return self.data_dir / "reference"

    @property
    def claims_csv(self) -> Path:
        return self.data_dir / "claims.csv"

    @property
    def checks_csv(self) -> Path:
        return self.data_dir / "checks.csv"

    @property
    def argument_csv(self) -> Path:
        return self.data_dir / "argument.csv"

    @property
    def slips_csv(self) -> Path:
        return self.data_dir / "slips.csv"

    @property
    def unchecked_csv(self) -> Path:
        return self.data_dir / "unchecked.csv"

    @property
    def not_figures_csv(self) -> Path:
        return self.source_dir / "not-figures.csv"

    @property
    def datapackage_json(self) -> Path:
        return self.data_dir / "datapackage.json"

    @property
    def toc_yml(self) -> Path:
        return self.root / "_toc.yml"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def classroom_dir(self) -> Path:
        """The classroom's content: questions, assignments, rubrics and the key."""
        return self.notebooks_dir / "classroom"

    @property
    def book_dir(self) -> Path:
        return self.root / "book"

    @property
    def paper_excerpt(self) -> Path:
        """The paper's excerpt that data/source/ is derived from, byte for byte as it was
        received, inside the repository (data/source/excerpt/README.md says where from)."""
        return self.source_dir / "excerpt" / "000_791191a67cd1a826.txt"


_CURRENT = Project.find()


def current() -> Project:
    """The project this process works on (found at import): what the loaders
    read when they are given no ``project``."""
    return _CURRENT


def resolve(project: Project | None) -> Project:
    """``project``, or the current one when None (the loaders' default)."""
    return _CURRENT if project is None else project


# The current project's paths, as modules and notebooks have always named them.
REPO_ROOT = _CURRENT.root
DATA_DIR = _CURRENT.data_dir
SOURCE_DIR = _CURRENT.source_dir
REFERENCE_DIR = _CURRENT.reference_dir
CLAIMS_CSV = _CURRENT.claims_csv
CHECKS_CSV = _CURRENT.checks_csv
ARGUMENT_CSV = _CURRENT.argument_csv
NOT_FIGURES_CSV = _CURRENT.not_figures_csv
DATAPACKAGE_JSON = _CURRENT.datapackage_json
NOTEBOOKS_DIR = _CURRENT.notebooks_dir
BOOK_DIR = _CURRENT.book_dir
PAPER_EXCERPT = _CURRENT.paper_excerpt


def output_dir() -> Path:
    """Where executed notebooks write what the build collects (provenance, figures).

    ``PAPER_AUDIT_OUTPUT_DIR`` redirects it, so that a papermill rerun never
    writes over the book's own outputs.
    """
    return Path(os.environ.get("PAPER_AUDIT_OUTPUT_DIR", REPO_ROOT / "_build" / "generated"))
