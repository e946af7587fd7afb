"""The paper's figures that no check reads, each with the reason it is not
checked (data/unchecked.csv): a figure that only dates another, a plan's
intention, a figure relayed from a source no yardstick of the time could be
found for, or a figure the book could not check with what it could read.

The findings register lists them after the findings, so that a reader sees
what was left unchecked and why. Loading refuses an unknown claim, a claim
listed twice and an empty reason, with one message naming the file, line and
field; a test holds the list to the checks (every claim no check reads is
listed, and no listed claim is read by a check)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.tables import schema
from paper_audit.tables.claims import load_claims, read_csv_strict

RESOURCE = "unchecked"
UNCHECKED_CSV = paths.DATA_DIR / "unchecked.csv"


@dataclass(frozen=True)
class Unchecked:
    claim: str
    reason: str


def read(path: Path, claims: pd.DataFrame) -> list[Unchecked]:
    rows: list[Unchecked] = []
    seen: dict[str, int] = {}
    for rec in read_csv_strict(path, schema.field_names(RESOURCE)):
        where = f"{path}, line {rec['_line']} (claim {rec['claim']})"
        if rec["claim"] not in claims.index:
            raise DataError(f"{where}, field 'claim': {rec['claim']!r} is not a claim in data/claims.csv")
        if rec["claim"] in seen:
            raise DataError(f"{where}, field 'claim': listed already on line {seen[rec['claim']]}")
        seen[rec["claim"]] = rec["_line"]
        if not rec["reason"].strip():
            raise DataError(f"{where}, field 'reason': empty; say why the figure is not checked")
        rows.append(Unchecked(rec["claim"], rec["reason"]))
    schema.validate(RESOURCE, path)
    return rows


@lru_cache(maxsize=1)
def load() -> tuple[Unchecked, ...]:
    return tuple(read(UNCHECKED_CSV, load_claims()))
