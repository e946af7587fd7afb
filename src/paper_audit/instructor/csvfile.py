"""The instructor's CSV files (the key, the rubric marks), read with the line
number of every row, so that a bad row is named by file, line and field."""

from __future__ import annotations

import csv
from pathlib import Path

from paper_audit.errors import DataError


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(line, row) for every row of ``path``; the header is line 1."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return list(enumerate(csv.DictReader(handle), start=2))
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror})") from None
