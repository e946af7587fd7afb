"""Independent reference facts (data/reference/), validated against the Data Package."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd

from . import datapackage, paths
from .claims import read_csv_strict

FILES = {"exchange-rates": "exchange_rates.csv", "reference-dates": "dates.csv", "reference-counts": "counts.csv"}


@lru_cache(maxsize=1)
def load() -> dict[str, pd.DataFrame]:
    """{resource name: DataFrame indexed by id}, each file validated first."""
    tables = {}
    for name, filename in FILES.items():
        path = paths.REFERENCE_DIR / filename
        read_csv_strict(path, datapackage.field_names(name))
        datapackage.validate(name, path)
        tables[name] = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("id", drop=False)
    return tables


@lru_cache(maxsize=None)
def lookup(fact_id: str) -> tuple[str, pd.Series]:
    """(resource name, row) of a reference fact, by id; like ``load``, once per
    process (a sweep asks for the same facts at every grid point)."""
    for name, table in load().items():
        if fact_id in table.index:
            return name, table.loc[fact_id]
    raise KeyError(fact_id)


def date_span(row: pd.Series) -> tuple[dt.date, dt.date]:
    start = dt.date.fromisoformat(row["date"])
    end = dt.date.fromisoformat(row["date_end"]) if row.get("date_end") else start
    return start, end
