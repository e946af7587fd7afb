"""Files the book needs before Sphinx runs (validated data, downloads)."""

from __future__ import annotations

from pathlib import Path


def write_generated(output_dir: Path) -> None:
    output_dir.mkdir(parents=True, exist_ok=True)
