"""Independent reference facts (data/reference/), validated against the Data
Package, and their sources.

Each source is declared once, in ``sources.csv`` (author or issuing body,
title, date, where to find it); a fact's ``source`` field names its sources by
id, separated by spaces. Loading refuses a fact that names no known source, and
a source no fact rests on, with one message naming the file, line and field."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.tables import schema
from paper_audit.tables.claims import read_csv_strict

FILES = {"exchange-rates": "exchange_rates.csv", "reference-dates": "dates.csv", "reference-counts": "counts.csv"}
KINDS = {"exchange-rates": "Exchange rates", "reference-dates": "Dates", "reference-counts": "Counts"}  # headings
SOURCES = "reference-sources"
SOURCES_FILE = "sources.csv"
TRUE_VALUES = ("true", "True", "TRUE", "1")  # what the Data Package's boolean reads as true


def _table(name: str, path: Path) -> tuple[list[dict], pd.DataFrame]:
    records = read_csv_strict(path, schema.field_names(name))
    schema.validate(name, path)
    return records, pd.read_csv(path, dtype=str, keep_default_na=False).set_index("id", drop=False)


def read(directory: Path) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The fact tables ({resource name: DataFrame indexed by id}) and the sources
    in ``directory``, each file validated, every source a fact names declared and
    every declared source named by some fact."""
    source_path = directory / SOURCES_FILE
    source_records, declared = _table(SOURCES, source_path)
    declared["named"] = declared["named"].isin(TRUE_VALUES)
    tables, used = {}, set()
    for name, filename in FILES.items():
        path = directory / filename
        records, tables[name] = _table(name, path)
        for rec in records:
            where = f"{path}, line {rec['_line']} (id {rec['id']}), field 'source'"
            ids = rec["source"].split(" ")
            for source_id in ids:
                if source_id not in declared.index:
                    raise DataError(
                        f"{where}: {source_id!r} is not a source declared in {source_path} "
                        f"(declare it there, or name one of: {', '.join(declared.index)})"
                    )
            if len(set(ids)) != len(ids):
                raise DataError(f"{where}: a source is named twice in {rec['source']!r}")
            used.update(ids)
    facts = {i for table in tables.values() for i in table.index}
    for rec in source_records:
        where = f"{source_path}, line {rec['_line']} (id {rec['id']}), field 'id'"
        if rec["id"] in facts:
            raise DataError(f"{where}: {rec['id']!r} is also the id of a reference fact; give the source another id")
        if rec["id"] not in used:
            raise DataError(f"{where}: no reference fact names this source in its 'source' field; remove it")
    return tables, declared


@lru_cache(maxsize=1)
def _loaded() -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    return read(paths.REFERENCE_DIR)


def load() -> dict[str, pd.DataFrame]:
    """{resource name: DataFrame indexed by id}, each file validated first (once per process)."""
    return _loaded()[0]


def sources() -> pd.DataFrame:
    """The sources of the reference facts, indexed by id, in the order of sources.csv."""
    return _loaded()[1]


@lru_cache(maxsize=None)
def lookup(fact_id: str) -> tuple[str, pd.Series]:
    """(resource name, row) of a reference fact, by id; like ``load``, once per
    process (a sweep asks for the same facts at every grid point)."""
    for name, table in load().items():
        if fact_id in table.index:
            return name, table.loc[fact_id]
    raise KeyError(fact_id)


def is_fact(item: str) -> bool:
    return any(item in table.index for table in load().values())


def source_ids(row: pd.Series) -> list[str]:
    """The ids of a fact's sources, in the order its row names them."""
    return row["source"].split(" ")


def cite(source_id: str) -> str:
    """A source in a few words: its author or issuing body and its title."""
    row = sources().loc[source_id]
    named = row["title"] if row["named"] else f"{row['title']} (source not named)"
    return f"{row['author']}, {named}" if row["author"] else named


def facts_of(source_id: str) -> list[str]:
    """The ids of the facts that rest on a source, in the order of the tables."""
    return [i for table in load().values() for i, row in table.iterrows() if source_id in source_ids(row)]


def groups() -> dict[str, tuple[list[str], list[str]]]:
    """{resource name: (the sources listed under it, the sources of its facts
    listed under another)}: each source is listed once, under the kind of fact
    (``KINDS``) it gives most of (the first such kind, on a tie)."""
    tables = load()
    counts = {
        name: {s: sum(s in source_ids(row) for _, row in table.iterrows()) for s in sources().index}
        for name, table in tables.items()
    }
    home = {s: max(tables, key=lambda name: counts[name][s]) for s in sources().index}
    found = {}
    for name, table in tables.items():
        ids = list(dict.fromkeys(s for _, row in table.iterrows() for s in source_ids(row)))
        found[name] = ([s for s in ids if home[s] == name], [s for s in ids if home[s] != name])
    return found


def home(source_id: str) -> str:
    """The resource name under which a source is listed (see ``groups``)."""
    return next(name for name, (listed, _) in groups().items() if source_id in listed)


def _number(text: str) -> str:
    return f"{float(text):g}"


def _day(iso: str) -> str:
    """A date as a reader writes it (27 July 1953), as the findings print them."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def describe(fact_id: str) -> str:
    """What a fact states, in words (its value and the time it holds for)."""
    name, row = lookup(fact_id)
    if name == "exchange-rates":
        until = f" to {_day(row['valid_to'])}" if row["valid_to"] else " on"
        return (
            f"{row['basis']}: {_number(row['units_per_usd'])} {row['currency']} per US dollar, "
            f"from {_day(row['valid_from'])}{until}"
        )
    if name == "reference-dates":
        when = f"{_day(row['date'])} to {_day(row['date_end'])}" if row["date_end"] else _day(row["date"])
        return f"{row['event']}, {when}"
    unit = "" if row["unit"] in ("fraction", "count") else f" {row['unit']}"
    return f"{row['fact']}: {_number(row['value'])}{unit}"


def rates_quoted(computation: str) -> list[str]:
    """The ids of the reference rates a computation shows at work, as the
    yardstick conversions write them ("… / 4 rubles per USD (official rate …)")."""
    table = load()["exchange-rates"]
    return [
        rate_id
        for rate_id, row in table.iterrows()
        if re.search(
            rf"(?<![\d.]){re.escape(_number(row['units_per_usd']))} {re.escape(row['currency'])} per USD "
            rf"\({re.escape(row['basis'])}\)",
            computation,
        )
    ]


def fact_line(fact_id: str) -> str:
    """A fact as a yardstick line and the references page show it: what it
    states and its confidence (no id: the reader never needs one)."""
    text = describe(fact_id)
    return f"{text[:1].upper()}{text[1:]} ({lookup(fact_id)[1]['confidence']} confidence)"


def citation(source_id: str) -> tuple[str, str, str, bool]:
    """A source's full reference, as plain text in three parts (what comes
    before the title, the title, what follows it) and whether the title is a
    description supplied in square brackets rather than the source's own."""
    row = sources().loc[source_id]
    author = row["author"] or (
        "Author not recorded" if row["named"] else "Not named in the facts gathered for the project"
    )
    where = "; ".join(row[f] for f in ("held_by", "locator") if row[f])
    where = where[:1].upper() + where[1:]
    tail = f", {row['date'] or 'date not recorded'}." + (f" {where}." if where else "")
    return f"{author}, ", row["title"], tail + (f" {row['url']}" if row["url"] else ""), row["title"].startswith("[")


def facts_used(finding) -> list[str]:
    """The reference facts a finding (``audit.finding.Finding``) holds the paper
    against: the facts among its inputs; for a conversion at an official rate,
    the rates its computation shows at work (every candidate of the figure's
    time, none under a reader's own rate) and the redenomination its
    explanation invokes."""
    if finding.kind != "reference_rate":
        return [i for i in dict.fromkeys(finding.inputs) if is_fact(i)]
    rates = rates_quoted(finding.computation)
    reforms = [redenomination(c) for c in dict.fromkeys(lookup(i)[1]["currency"] for i in rates)]
    return rates + [r["id"] for r in reforms if r is not None and f"({r['event']})" in finding.explanation]


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
