"""Which data each notebook read, so a cached execution is reused only while
that data is unchanged.

jupyter-cache keys a notebook on its code cells alone: an edited claim would
leave a stale output in the book. Each notebook therefore records, when it
executes, a fingerprint of what it read: the rows of claims, checks and
reference facts it used (or the whole data folder), plus the package's own
code. Before a build, ``is_stale`` compares the records with the data as it is
now, and the build drops the cached execution of every notebook whose inputs
changed (or that has no record), and only those.
"""

from __future__ import annotations

import csv
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from paper_audit import paths

TABLES = {
    "claims": lambda: paths.CLAIMS_CSV,
    "checks": lambda: paths.CHECKS_CSV,
    "references": lambda: sorted(paths.REFERENCE_DIR.glob("*.csv")),
}


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


def citation_fingerprint() -> str:
    cff = paths.REPO_ROOT / "CITATION.cff"
    return _digest([cff.read_bytes()] if cff.exists() else [])


@lru_cache(maxsize=None)
def _rows(table: str) -> dict[str, str]:
    files = TABLES[table]()
    files = files if isinstance(files, list) else [files]
    rows = {}
    for path in files:
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows[row["id"]] = _digest(v.encode("utf-8") for v in row.values())
    return rows


def reread() -> None:
    """Forget the rows and hashes read so far (the files may have been edited)."""
    _rows.cache_clear()
    data_fingerprint.cache_clear()


def fingerprint(
    claims: Iterable[str] = (), checks: Iterable[str] = (), references: Iterable[str] = (), everything: bool = False
) -> dict:
    """What a notebook read, as hashes of the rows (or of all the data)."""
    return {
        "code": code_fingerprint(),
        "all": data_fingerprint() if everything else None,
        # The book's citation (authors, version, date of the data) is shown by
        # the pages that read everything; kept apart from the data's own hash.
        "citation": citation_fingerprint() if everything else None,
        "claims": {i: _rows("claims").get(i) for i in sorted(set(claims))},
        "checks": {i: _rows("checks").get(i) for i in sorted(set(checks))},
        "references": {i: _rows("references").get(i) for i in sorted(set(references))},
    }


def record_path(notebook: Path, output_dir: Path | None = None) -> Path:
    relative = notebook.resolve().relative_to(paths.REPO_ROOT)
    return (output_dir or paths.output_dir()) / "deps" / (str(relative).replace("/", "__") + ".json")


def record(notebook: Path, fingerprint_: dict, output_dir: Path | None = None) -> None:
    target = record_path(notebook, output_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(fingerprint_, indent=1, sort_keys=True), encoding="utf-8")


def record_everything(notebook: str | Path) -> None:
    """For a notebook that reads all the data (the register, the method page)."""
    path = Path(notebook)
    if not path.is_absolute():
        path = paths.REPO_ROOT / path
    record(path, fingerprint(everything=True))


def is_stale(notebook: Path, output_dir: Path | None = None) -> bool:
    """Whether what ``notebook`` read has changed since it ran (call ``reread`` first after edits)."""
    target = record_path(notebook, output_dir)
    if not target.exists():
        return True
    recorded = json.loads(target.read_text(encoding="utf-8"))
    now = fingerprint(
        recorded["claims"], recorded["checks"], recorded["references"], everything=recorded["all"] is not None
    )
    return now != recorded
