"""The seed a class is graded with, checked against the variant each
notebook was handed out for.

Every hand-out of a bundle records its variant
(``metadata.paper_audit.variant``: ``variants.label(seed)``, ``book``
without a seed). A notebook made for another variant than the one graded is
not run: it gets rows that name it and say which variant it was made for
and which one is graded (labels only, never a seed). When no notebook
matches, grading is refused, with that reason: the seed file is wrong, or
missing. A notebook that records no variant (handed out before variants
were recorded) is graded, with a warning.

The file is opened without following a link and without blocking (a FIFO
put in its place is not waited on), and read only if it is a regular file
of a notebook's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from paper_audit.errors import DataError
from paper_audit.instructor import submissions, variants
from paper_audit.instructor.clean_text import one_line

UNREADABLE = object()  # the notebook cannot be read here: the run will say why


def recorded_variant(path: Path):
    """The variant the notebook at ``path`` records, None if it records none,
    ``UNREADABLE`` if it cannot be read (read as a submission is,
    ``submissions.read_notebook``: never waiting on a FIFO, never following a link)."""
    try:
        notebook = submissions.read_notebook(path)
    except Exception:  # refused, a link, not JSON, nested too deep, not a notebook: its run says why
        return UNREADABLE
    meta = notebook.get("metadata", {}).get("paper_audit", {})
    variant = meta.get("variant") if isinstance(meta, dict) else None
    return one_line(variant, limit=40) if isinstance(variant, str) else None


@dataclass
class VariantCheck:
    """What the check found: the submissions not to run (name -> the reason), and a warning, if any."""

    mismatched: dict[str, str] = field(default_factory=dict)
    warning: str = ""


def check(paths: list[Path], names: list[str], seed: str | None, folder: Path) -> VariantCheck:
    """Check each notebook's recorded variant against the one graded (``seed``'s)."""
    graded = variants.label(seed)
    how = f"for variant {graded} (--seed-file)" if seed else "without --seed-file (variant book)"
    found = {name: recorded_variant(path) for path, name in zip(paths, names, strict=True)}
    result = VariantCheck()
    unrecorded = [name for name, variant in found.items() if variant is None]
    for name, variant in found.items():
        if variant is not None and variant is not UNREADABLE and variant != graded:
            result.mismatched[name] = (
                f"it was handed out for variant {variant}, but the class is graded {how}; grade it with the "
                f"seed file its bundle was made with"
            )
    readable = [v for v in found.values() if v is not UNREADABLE]
    if readable and not unrecorded and len(result.mismatched) == len(readable):
        made_for = sorted({str(v) for v in readable})
        raise DataError(
            f"{folder}: graded {how}, but every notebook was handed out for variant {', '.join(made_for)}: "
            f"grade with the seed file the class's bundle was made with"
        )
    if unrecorded:
        result.warning = (
            f"Warning: {len(unrecorded)} notebook(s) record no variant (handed out before variants were "
            f"recorded, or not from a bundle), graded {how}: {', '.join(unrecorded)}."
        )
    return result
