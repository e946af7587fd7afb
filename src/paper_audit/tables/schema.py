"""The Frictionless Data Package in data/datapackage.json: the one description
of every CSV (types, enums, required fields, keys). The loaders read their
allowed values from it, and ``validate`` runs the frictionless library over
a resource, turning its first error into one clear message.

Some of its enums repeat what is declared elsewhere (the chapters in
``_toc.yml``, the check kinds in their ``@kind`` declarations, the pages in
the source manifest): ``paper_audit.author.schema_sync`` derives them and
rewrites the file, and a test fails when the committed file is stale. At run
time the file is only read."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from paper_audit import paths
from paper_audit.errors import DataError


@lru_cache(maxsize=4)
def descriptor(path: Path = paths.DATAPACKAGE_JSON) -> dict:
    """The committed descriptor, as the loaders read it (never rebuilt here:
    ``paper-audit`` commands that add a page or a chapter refresh it, through
    ``paper_audit.author.schema_sync``, and a test fails when it is stale).
    Cached by path: each project's own file."""
    return json.loads(path.read_text(encoding="utf-8"))


def resource(name: str, project: paths.Project | None = None) -> dict:
    """A resource of the Data Package of ``project`` (the current one by default)."""
    path = paths.resolve(project).datapackage_json
    for res in descriptor(path)["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"no resource {name!r} in {path}")


def fields(name: str, project: paths.Project | None = None) -> list[dict]:
    return resource(name, project)["schema"]["fields"]


def field_names(name: str, project: paths.Project | None = None) -> list[str]:
    return [f["name"] for f in fields(name, project)]


def enum(name: str, field: str, project: paths.Project | None = None) -> list[str]:
    for f in fields(name, project):
        if f["name"] == field:
            return list(f.get("constraints", {}).get("enum", []))
    raise KeyError(f"resource {name!r} has no field {field!r}")


@lru_cache(maxsize=1)
def _validator() -> bytes:
    """What else decides a validation's outcome: the frictionless release and this module's code."""
    return metadata.version("frictionless").encode() + b"\0" + Path(__file__).read_bytes()


def _passed_marker(spec: dict, path: Path) -> Path | None:
    """Where a passed validation of this file's content against this resource
    is remembered (None where nothing can be written). Each of the book's
    kernels would otherwise import frictionless and validate the same files
    again, seconds each; a file or a schema that changes has another key, and
    a failure is never remembered."""
    try:
        key = hashlib.sha256(
            json.dumps(spec, sort_keys=True).encode() + b"\0" + path.read_bytes() + b"\0" + _validator()
        ).hexdigest()
        return paths.output_dir() / "validated" / key
    except (OSError, metadata.PackageNotFoundError):
        return None


def validate(name: str, path: Path, project: paths.Project | None = None) -> None:
    """Validate the CSV at ``path`` against resource ``name`` (of ``project``'s
    Data Package) with frictionless (once per content: ``_passed_marker``)."""
    spec = resource(name, project)
    path = Path(path).resolve()
    marker = _passed_marker(spec, path)
    if marker is not None and marker.exists():
        return
    from frictionless import Resource, Schema  # deferred: slow to import, and only validation needs it

    # frictionless refuses absolute paths as unsafe: give it a base folder.
    res = Resource(
        path=path.name,
        basepath=str(path.parent),
        schema=Schema.from_descriptor(spec["schema"]),
        format="csv",
        encoding="utf-8",
    )
    report = res.validate()
    if not report.valid:
        errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
        row, field, kind, note = errors[0]
        where = f"line {row}" if row else "header"
        raise DataError(f"{path}, {where}, field '{field or '-'}': {kind}: {note}")
    if marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a folder that cannot be written to: the next run validates again
