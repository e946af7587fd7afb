"""Where the project's files are, found from this package's own location.

The package is installed editable (``pip install -e .``), so this file sits at
``<repo>/src/paper_audit/paths.py`` and the repository root is two levels up.
"""

from __future__ import annotations

import os
from pathlib import Path

# PAPER_AUDIT_ROOT points the package at another copy of the project (the
# end-to-end tests build a corrupted copy and check the real book is untouched).
REPO_ROOT = Path(os.environ.get("PAPER_AUDIT_ROOT", Path(__file__).resolve().parents[2])).resolve()
DATA_DIR = REPO_ROOT / "data"
SOURCE_DIR = DATA_DIR / "source"
REFERENCE_DIR = DATA_DIR / "reference"
CLAIMS_CSV = DATA_DIR / "claims.csv"
CHECKS_CSV = DATA_DIR / "checks.csv"
NOT_FIGURES_CSV = SOURCE_DIR / "not-figures.csv"
DATAPACKAGE_JSON = DATA_DIR / "datapackage.json"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
BOOK_DIR = REPO_ROOT / "book"

# The shared, read-only copy of the paper lies beside the repository.
SHARED_PAPER = Path(
    os.environ.get(
        "PAPER_AUDIT_SHARED_PAPER",
        Path(__file__).resolve().parents[3] / "shared" / "paper" / "000_791191a67cd1a826.txt",
    )
)


def output_dir() -> Path:
    """Where executed notebooks write what the build collects (provenance, figures).

    ``PAPER_AUDIT_OUTPUT_DIR`` redirects it, so that a papermill rerun never
    writes over the book's own outputs.
    """
    return Path(os.environ.get("PAPER_AUDIT_OUTPUT_DIR", REPO_ROOT / "_build" / "generated"))
