"""Keep data/datapackage.json's derived enums in step with where they are
declared: the chapters (the table of contents, ``tables.toc``), the check
kinds (their ``@kind`` declarations) and the pages (the source manifest).

``add-page`` and ``add-chapter`` call ``write``; a test compares the
committed file with ``derived()``, so a stale file fails the suite. Nothing
at run time rebuilds the file: the loaders read it as committed
(``tables.schema``).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from paper_audit import paths
from paper_audit.audit import engine
from paper_audit.tables import schema, toc
from paper_audit.text import source

# resource: {field: what its values are derived from}
DERIVED_FIELDS = {
    "claims": {"chapter": "chapters", "page": "pages"},
    "checks": {"chapter": "chapters", "kind": "kinds"},
    "not-figures": {"page": "pages"},
    "segments": {"page": "pages"},
}


def derived(path: Path = paths.DATAPACKAGE_JSON) -> dict:
    """The committed descriptor with the chapters, kinds and pages as declared where they live."""
    values = {"kinds": list(engine.KINDS)}
    # A copy without the book (the student bundle has the data and the package,
    # not _toc.yml) keeps the chapters of the committed file.
    if (paths.REPO_ROOT / "_toc.yml").exists():
        values["chapters"] = list(toc.chapters())
    pages = source.page_numbers()
    spec = json.loads(path.read_text(encoding="utf-8"))
    spec["title"] = re.sub(r"pages? [\d, -]+(?=,)", source.describe_pages(pages), spec["title"])
    for res in spec["resources"]:
        for field in res["schema"]["fields"]:
            source_of = DERIVED_FIELDS.get(res["name"], {}).get(field["name"])
            if source_of == "pages":
                field["constraints"].update(minimum=min(pages), maximum=max(pages))
            elif source_of in values:
                field["constraints"]["enum"] = values[source_of]
    return spec


def dumps(spec: dict) -> str:
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def write(path: Path = paths.DATAPACKAGE_JSON) -> bool:
    """Rewrite the committed file from what it derives; return whether it changed."""
    text = dumps(derived(path))
    changed = path.read_text(encoding="utf-8") != text
    if changed:
        path.write_text(text, encoding="utf-8")
    schema.descriptor.cache_clear()
    return changed


def main(argv: list[str] | None = None) -> int:
    """``paper-audit sync-schema``: after declaring a check kind (or editing
    _toc.yml or the source manifest by hand), refresh the derived enums."""
    argparse.ArgumentParser(prog="paper-audit sync-schema", description=main.__doc__.split("\n")[0]).parse_args(argv)
    changed = write()
    print(f"{paths.DATAPACKAGE_JSON}: {'updated' if changed else 'already up to date'}")
    return 0
