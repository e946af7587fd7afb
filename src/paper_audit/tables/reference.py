"""Independent reference facts (data/reference/), validated against the Data Package."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd

from paper_audit import paths
from paper_audit.tables import schema
from paper_audit.tables.claims import read_csv_strict

FILES = {"exchange-rates": "exchange_rates.csv", "reference-dates": "dates.csv", "reference-counts": "counts.csv"}


@lru_cache(maxsize=1)
def load() -> dict[str, pd.DataFrame]:
    """{resource name: DataFrame indexed by id}, each file validated first."""
    tables = {}
    for name, filename in FILES.items():
        path = paths.REFERENCE_DIR / filename
        read_csv_strict(path, schema.field_names(name))
        schema.validate(name, path)
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


def window(row: pd.Series) -> tuple[dt.date, dt.date]:
    """First and last day a rate holds (an open end: far in the future)."""
    start = dt.date.fromisoformat(row["valid_from"])
    end = dt.date.fromisoformat(row["valid_to"]) if row.get("valid_to") else dt.date.max
    return start, end


def valid_during(row: pd.Series, start: dt.date, end: dt.date) -> bool:
    """Whether a rate held on any day of [start, end]."""
    low, high = window(row)
    return low <= end and start <= high


@lru_cache(maxsize=256)
def rates_for(currency: str, start: dt.date, end: dt.date) -> tuple[pd.Series, ...]:
    """Every reference rate for ``currency`` that held on some day of [start, end],
    oldest first: the candidate yardsticks for a figure of that time."""
    table = load()["exchange-rates"]
    rows = [row for _, row in table[table["currency"] == currency].iterrows() if valid_during(row, start, end)]
    return tuple(sorted(rows, key=lambda r: (r["valid_from"], r["id"])))


def redenomination(currency: str) -> pd.Series | None:
    """The dated redenomination of a currency, if the reference dates hold one."""
    name = {"yuan": "renminbi_redenomination", "won": "won_redenomination"}.get(currency)
    table = load()["reference-dates"]
    return table.loc[name] if name in table.index else None
