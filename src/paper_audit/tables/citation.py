"""The book's bibliographic facts, read from the one place they are stated:
``CITATION.cff`` at the repository root (Citation File Format, which GitHub
and Zenodo read too). The front page shows its authors, a suggested citation
and the version of the data from here: the date the data were released, as
declared in that file, and a short hash of the data files' contents
(``fingerprints.data_fingerprint``), so two builds of the same sources print
the same page, whenever they run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.tables import fingerprints

FILENAME = "CITATION.cff"
HASH_LENGTH = 8  # as short as a commit's abbreviation, long enough never to repeat by chance
FIX = "fix it in CITATION.cff at the repository root (see https://citation-file-format.github.io)"


@dataclass(frozen=True)
class Citation:
    title: str
    authors: tuple[str, ...]  # as printed: "The paper-audit contributors", "Zhihua Shen"
    version: str
    date_released: dt.date  # the date of the data, declared, never the build time
    license: str


def _author(entry, index: int, path: Path) -> str:
    if isinstance(entry, dict):
        if entry.get("name"):
            return str(entry["name"]).strip()
        given, family = str(entry.get("given-names", "")).strip(), str(entry.get("family-names", "")).strip()
        if family:
            return f"{given} {family}".strip()
    raise DataError(f"{path}, authors[{index}]: an author needs a name or family-names; {FIX}")


def _text(data: dict, field: str, path: Path) -> str:
    value = data.get(field)
    if value is None or not str(value).strip():
        raise DataError(f"{path}, field {field!r}: missing or empty; {FIX}")
    return str(value).strip()


def read(root: Path | None = None) -> Citation:
    """The citation facts of the book at ``root`` (the repository by default)."""
    path = (root or paths.REPO_ROOT) / FILENAME
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror}); {FIX}") from None
    except yaml.YAMLError as error:
        raise DataError(f"{path}: not valid YAML ({error}); {FIX}") from None
    if not isinstance(data, dict):
        raise DataError(f"{path}: holds no fields; {FIX}")
    authors = data.get("authors")
    if not isinstance(authors, list) or not authors:
        raise DataError(f"{path}, field 'authors': missing or not a list; {FIX}")
    released = data.get("date-released")
    if isinstance(released, str):
        try:
            released = dt.date.fromisoformat(released.strip())
        except ValueError:
            raise DataError(
                f"{path}, field 'date-released': {released!r} is not a date written YYYY-MM-DD; {FIX}"
            ) from None
    if not isinstance(released, dt.date):
        raise DataError(f"{path}, field 'date-released': missing; give the date of the data, YYYY-MM-DD; {FIX}")
    return Citation(
        title=_text(data, "title", path),
        authors=tuple(_author(a, i, path) for i, a in enumerate(authors)),
        version=_text(data, "version", path),
        date_released=released,
        license=str(data.get("license", "")).strip(),
    )


@dataclass(frozen=True)
class Paper:
    """The audited paper: the first of CITATION.cff's ``references``."""

    title: str
    authors: tuple[str, ...]
    series: str  # "NKIDP Working Paper #4"
    publisher: str  # the institution, without its department: "Woodrow Wilson International Center for Scholars"
    year: int
    url: str  # the paper's PDF


def audited_paper(root: Path | None = None) -> Paper:
    """The paper the book audits, from the first entry of CITATION.cff's ``references``."""
    path = (root or paths.REPO_ROOT) / FILENAME
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    references = data.get("references") if isinstance(data, dict) else None
    if not isinstance(references, list) or not references or not isinstance(references[0], dict):
        raise DataError(f"{path}, field 'references': the audited paper is not its first entry; {FIX}")
    entry = references[0]
    authors = entry.get("authors")
    if not isinstance(authors, list) or not authors:
        raise DataError(f"{path}, references[0].authors: missing or not a list; {FIX}")
    institution = entry.get("institution", {})
    number = str(entry.get("number", "")).strip()
    series = _text(entry, "collection-title", path) + (f" #{number}" if number else "")
    return Paper(
        title=_text(entry, "title", path),
        authors=tuple(_author(a, i, path) for i, a in enumerate(authors)),
        series=series,
        publisher=str(institution.get("name", "") if isinstance(institution, dict) else institution).split(",")[0],
        year=int(_text(entry, "year", path)),
        url=_text(entry, "url", path),
    )


def data_hash() -> str:
    """A short hash of the contents of the data the book reads (``data/`` and
    the classroom's tables): it changes with any edit of a data file, and only then."""
    return fingerprints.data_fingerprint()[:HASH_LENGTH]
