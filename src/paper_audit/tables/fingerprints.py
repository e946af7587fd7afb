"""Which data each notebook read, so a cached execution is reused only while
that data is unchanged.

jupyter-cache keys a notebook on its code cells alone: an edited claim would
leave a stale output in the book. Each notebook therefore records, when it
executes, a fingerprint of what it read, plus the package's own code:

* a chapter (``present.chapter.Chapter``), the rows of claims, checks and
  reference facts it used, which rows there are of some kinds (the checks
  that name a claim it shows, its own claims and checks: ``selections``),
  and every other data file whole (``other_data``: the source text it
  quotes, the argument and slips its flags word);
* any other page (``record_page``), the whole files its page type declares
  (``PAGE_READS``): the references page its reference facts, a classroom
  page its own content; a page not declared there, such as the front page,
  the register, the method and the source text, which show every claim,
  depends on all the data.

Before a build, ``is_stale`` compares the records with the data as it is now,
and the build drops the cached execution of every notebook whose inputs
changed (or that has no record), and only those.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from paper_audit import paths
from paper_audit.tables import toc

TABLES = {
    "claims": lambda: paths.CLAIMS_CSV,
    "checks": lambda: paths.CHECKS_CSV,
    "references": lambda: sorted(paths.REFERENCE_DIR.glob("*.csv")),
}


# What a page that is not a chapter reads, by where it is in the book (its page
# type): groups of whole files (``_group_files``), so that a row added to them
# counts too. A page not listed reads all the data. tests/test_rebuild_deps.py
# runs each listed page's code and fails if it opens a data file outside these.
PAGE_READS: dict[str, tuple[str, ...]] = {
    # The sources and the facts that rest on them, and the schema they are read with.
    "book/references.ipynb": ("reference",),
    # Its questions, passages and rubrics, the reference rates it quotes, and
    # its own notebook (the points sit in the answer cells' metadata, which
    # jupyter-cache does not key on).
    "notebooks/classroom/*.ipynb": ("reference", "classroom", "itself"),
}


def _group_files(group: str, notebook: Path) -> list[Path]:
    if group == "reference":
        return [*sorted(paths.REFERENCE_DIR.glob("*.csv")), paths.DATAPACKAGE_JSON]
    if group == "classroom":
        folder = paths.NOTEBOOKS_DIR / "classroom"
        return sorted(p for p in folder.glob("*.*") if p.suffix in (".csv", ".yml"))
    if group == "itself":
        return [notebook]
    if group == "other_data":
        # Every data file but the two tables read row by row (TABLES): the source
        # text, the argument, the slips, the reference facts, the Data Package.
        rows = {paths.CLAIMS_CSV.resolve(), paths.CHECKS_CSV.resolve()}
        return [p for p in sorted(paths.DATA_DIR.rglob("*")) if p.is_file() and p.resolve() not in rows]
    raise ValueError(f"fingerprints.PAGE_READS: no group {group!r} (reference, classroom, itself, other_data)")


def declared_reads(notebook: Path) -> tuple[str, ...] | None:
    """The groups of files a page declares it reads (``PAGE_READS``); None for all the data."""
    relative = notebook.resolve().relative_to(paths.REPO_ROOT.resolve()).as_posix()
    return next((groups for pattern, groups in PAGE_READS.items() if fnmatch.fnmatch(relative, pattern)), None)


def declared_files(notebook: Path) -> list[Path]:
    """The files a page declared in ``PAGE_READS`` may read (for the test that holds it to them)."""
    return [p for group in declared_reads(notebook) or () for p in _group_files(group, notebook)]


def _files_digest(files: list[Path]) -> str:
    """Names and contents, so that a file added to a group or removed from it counts."""
    root = paths.REPO_ROOT.resolve()
    return _digest(
        part
        for path in files
        for part in (path.resolve().relative_to(root).as_posix().encode(), path.read_bytes() if path.exists() else b"")
    )


def _digest(parts: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()[:16]


def code_fingerprint() -> str:
    package = Path(__file__).resolve().parents[1]  # paper_audit/, all its subpackages
    return _digest(p.read_bytes() for p in sorted(package.rglob("*.py")))


@lru_cache(maxsize=1)
def data_fingerprint() -> str:
    files = [p for p in sorted(paths.DATA_DIR.rglob("*")) if p.is_file()]
    # The classroom's content (questions, tolerances, passage, rubrics) is data
    # too, kept beside its notebooks: an edit there re-executes the classroom.
    files += sorted(p for p in (paths.NOTEBOOKS_DIR / "classroom").glob("*.*") if p.suffix in (".csv", ".yml"))
    return _digest(p.read_bytes() for p in files)


def titles_fingerprint() -> str:
    """The book's chapters and their titles, in order: a page that links to
    another chapter names it by its title (the register, a recalled quote)."""
    if not (paths.REPO_ROOT / "_toc.yml").exists():  # the student bundle: data and package, no book
        return ""
    return _digest([json.dumps(toc.chapters(), ensure_ascii=False).encode("utf-8")])


def citation_fingerprint() -> str:
    cff = paths.REPO_ROOT / "CITATION.cff"
    return _digest([cff.read_bytes()] if cff.exists() else [])


@lru_cache(maxsize=None)
def _table(table: str) -> tuple[dict[str, str], ...]:
    files = TABLES[table]()
    files = files if isinstance(files, list) else [files]
    found: list[dict[str, str]] = []
    for path in files:
        with open(path, encoding="utf-8", newline="") as handle:
            found += [dict(row) for row in csv.DictReader(handle)]
    return tuple(found)


def _row_digest(row: dict[str, str]) -> str:
    return _digest(v.encode("utf-8") for v in row.values())


@lru_cache(maxsize=None)
def _rows(table: str) -> dict[str, str]:
    return {row["id"]: _row_digest(row) for row in _table(table)}


def _selects(row: dict[str, str], column: str, value: str) -> bool:
    """Whether a row is one of a selection: its ``column`` is ``value``, or,
    for a list of ids (a check's ``inputs``), names it."""
    cell = row.get(column) or ""
    return value in cell.split() if column == "inputs" else cell == value


def _selection(table: str, column: str, value: str) -> str:
    """Which rows of ``table`` a selection holds, and what they say: a row that
    joins it, leaves it or changes, changes this."""
    return _digest(
        part
        for row in _table(table)
        if _selects(row, column, value)
        for part in (row["id"].encode(), _row_digest(row).encode())
    )


def reread() -> None:
    """Forget the rows and hashes read so far (the files may have been edited)."""
    _table.cache_clear()
    _rows.cache_clear()
    toc.reread()
    data_fingerprint.cache_clear()


def fingerprint(
    claims: Iterable[str] = (),
    checks: Iterable[str] = (),
    references: Iterable[str] = (),
    everything: bool = False,
    groups: Iterable[str] = (),
    notebook: Path | None = None,
    selections: Iterable[tuple[str, str, str]] = (),
) -> dict:
    """What a notebook read, as hashes of the rows, of whole groups of files
    (``PAGE_READS``, for ``notebook``) or of all the data, and of
    ``selections``: (table, column, value), the rows whose column is the value
    (or, for ``inputs``, names it), so that a row added to them counts too."""
    groups = sorted(set(groups))
    if groups and notebook is None:
        raise ValueError("fingerprints.fingerprint: groups of files need the notebook that reads them")
    return {
        "files": {g: _files_digest(_group_files(g, notebook)) for g in groups} if notebook is not None else {},
        "code": code_fingerprint(),
        "titles": titles_fingerprint(),
        "all": data_fingerprint() if everything else None,
        # The book's citation (authors, version, date of the data) is shown by
        # the pages that read everything; kept apart from the data's own hash.
        "citation": citation_fingerprint() if everything else None,
        "claims": {i: _rows("claims").get(i) for i in sorted(set(claims))},
        "checks": {i: _rows("checks").get(i) for i in sorted(set(checks))},
        "references": {i: _rows("references").get(i) for i in sorted(set(references))},
        "selections": [[*key, _selection(*key)] for key in sorted(set(selections))],
    }


def record_path(notebook: Path, output_dir: Path | None = None) -> Path:
    relative = notebook.resolve().relative_to(paths.REPO_ROOT)
    return (output_dir or paths.output_dir()) / "deps" / (str(relative).replace("/", "__") + ".json")


def record(notebook: Path, fingerprint_: dict, output_dir: Path | None = None) -> None:
    target = record_path(notebook, output_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(fingerprint_, indent=1, sort_keys=True), encoding="utf-8")


def record_page(notebook: str | Path) -> None:
    """For a page that is not a chapter: what its page type reads
    (``PAGE_READS``), else all the data (the front page, the register)."""
    path = Path(notebook)
    if not path.is_absolute():
        path = paths.REPO_ROOT / path
    groups = declared_reads(path)
    record(path, fingerprint(everything=True) if groups is None else fingerprint(groups=groups, notebook=path))


# The name the pages call (book/*.ipynb, notebooks/classroom/*.ipynb): what is
# recorded is what each page's type declares, all the data unless PAGE_READS narrows it.
record_everything = record_page


def is_stale(notebook: Path, output_dir: Path | None = None) -> bool:
    """Whether what ``notebook`` read has changed since it ran (call ``reread`` first after edits)."""
    target = record_path(notebook, output_dir)
    if not target.exists():
        return True
    recorded = json.loads(target.read_text(encoding="utf-8"))
    groups = recorded.get("files") or {}
    now = fingerprint(
        recorded["claims"],
        recorded["checks"],
        recorded["references"],
        everything=recorded["all"] is not None,
        groups=groups,
        notebook=notebook if groups else None,
        selections=[tuple(entry[:3]) for entry in recorded.get("selections", [])],
    )
    return now != recorded
