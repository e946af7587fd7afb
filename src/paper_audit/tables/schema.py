"""The Frictionless Data Package in data/datapackage.json: the one description
of every CSV (types, enums, required fields, keys). The loaders read their
allowed values from it, and ``validate`` runs the frictionless library over
a resource, turning its first error into one clear message.

What is declared elsewhere is derived, never typed here: the chapters (from
the table of contents, ``registry``), the check kinds (from their
declarations in ``checks``) and the pages (from the source manifest).
``derived`` overlays them; ``write`` rewrites the file (``add-page`` and
``add-chapter`` do), and a test fails when the committed file is stale."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from paper_audit import paths
from paper_audit.errors import DataError


# resource: {field: what its values are derived from}
DERIVED_FIELDS = {
    "claims": {"chapter": "chapters", "page": "pages"},
    "checks": {"chapter": "chapters", "kind": "kinds"},
    "not-figures": {"page": "pages"},
    "segments": {"page": "pages"},
}


def committed(path: Path = paths.DATAPACKAGE_JSON) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def derived(path: Path = paths.DATAPACKAGE_JSON) -> dict:
    """The committed descriptor with the chapters, kinds and pages as declared where they live."""
    from paper_audit.audit import engine
    from paper_audit.tables import toc
    from paper_audit.text import source

    values = {"kinds": list(engine.KINDS)}
    # A copy without the book (the student bundle has the data and the package,
    # not _toc.yml) keeps the chapters of the committed file.
    if (paths.REPO_ROOT / "_toc.yml").exists():
        values["chapters"] = list(toc.chapters())
    pages = source.page_numbers()
    spec = committed(path)
    spec["title"] = re.sub(r"pages? [\d, -]+(?=,)", source.describe_pages(pages), spec["title"])
    for res in spec["resources"]:
        for field in res["schema"]["fields"]:
            source_of = DERIVED_FIELDS.get(res["name"], {}).get(field["name"])
            if source_of == "pages":
                field["constraints"].update(minimum=min(pages), maximum=max(pages))
            elif source_of in values:
                field["constraints"]["enum"] = values[source_of]
    return spec


@lru_cache(maxsize=2)
def descriptor(path: Path = paths.DATAPACKAGE_JSON) -> dict:
    return derived(path)


def dumps(spec: dict) -> str:
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def write(path: Path = paths.DATAPACKAGE_JSON) -> bool:
    """Rewrite the committed file from what it derives; return whether it changed."""
    descriptor.cache_clear()
    text = dumps(derived(path))
    changed = path.read_text(encoding="utf-8") != text
    if changed:
        path.write_text(text, encoding="utf-8")
    return changed


def resource(name: str) -> dict:
    for res in descriptor()["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"no resource {name!r} in {paths.DATAPACKAGE_JSON}")


def fields(name: str) -> list[dict]:
    return resource(name)["schema"]["fields"]


def field_names(name: str) -> list[str]:
    return [f["name"] for f in fields(name)]


def enum(name: str, field: str) -> list[str]:
    for f in fields(name):
        if f["name"] == field:
            return list(f.get("constraints", {}).get("enum", []))
    raise KeyError(f"resource {name!r} has no field {field!r}")


def validate(name: str, path: Path) -> None:
    """Validate the CSV at ``path`` against resource ``name`` with frictionless."""
    from frictionless import Resource, Schema

    spec = resource(name)
    path = Path(path).resolve()
    # frictionless refuses absolute paths as unsafe: give it a base folder.
    res = Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(spec["schema"]), format="csv", encoding="utf-8")
    report = res.validate()
    if not report.valid:
        errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
        row, field, kind, note = errors[0]
        where = f"line {row}" if row else "header"
        raise DataError(f"{path}, {where}, field '{field or '-'}': {kind}: {note}")
