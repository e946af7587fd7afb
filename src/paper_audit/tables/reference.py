"""Independent reference facts (data/reference/), validated against the Data
Package, and their sources.

Each source is declared once, in ``sources.csv`` (author or issuing body,
title, date, where to find it, and its provenance class); a fact's ``source``
field names its sources by id, separated by spaces. Loading refuses a fact that
names no known source, and a source no fact rests on, with one message naming
the file, line and field.

A fact's confidence follows from its sources (``provenance.derived``): loading
refuses a fact that states a higher confidence than its sources allow, and one
that states a lower confidence without saying why in ``lowered_because`` (or
gives a reason where it is not lower)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.tables import provenance, schema
from paper_audit.tables.claims import read_csv_strict

FILES = {
    "exchange-rates": "exchange_rates.csv",
    "reference-dates": "dates.csv",
    "reference-counts": "counts.csv",
    "reference-sums": "sums.csv",
    "cross-rates": "cross_rates.csv",
}
KINDS = {  # headings
    "exchange-rates": "Exchange rates",
    "reference-dates": "Dates",
    "reference-counts": "Counts",
    "reference-sums": "Sums of money",
    "cross-rates": "Rates between currencies",
}
SOURCES = "reference-sources"
SOURCES_FILE = "sources.csv"
TRUE_VALUES = ("true", "True", "TRUE", "1")  # what the Data Package's boolean reads as true


def _table(name: str, path: Path, project: paths.Project | None = None) -> tuple[list[dict], pd.DataFrame]:
    records = read_csv_strict(path, schema.field_names(name, project))
    schema.validate(name, path, project)
    return records, pd.read_csv(path, dtype=str, keep_default_na=False).set_index("id", drop=False)


def read(directory: Path, project: paths.Project | None = None) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The fact tables ({resource name: DataFrame indexed by id}) and the sources
    in ``directory``, each file validated (against ``project``'s Data Package, the
    current project's by default), every source a fact names declared and every
    declared source named by some fact."""
    source_path = directory / SOURCES_FILE
    source_records, declared = _table(SOURCES, source_path, project)
    declared["named"] = declared["named"].isin(TRUE_VALUES)
    tables, used = {}, set()
    for name, filename in FILES.items():
        path = directory / filename
        records, tables[name] = _table(name, path, project)
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
            _check_confidence(path, rec, declared)
    facts = {i for table in tables.values() for i in table.index}
    for rec in source_records:
        where = f"{source_path}, line {rec['_line']} (id {rec['id']}), field 'id'"
        if rec["id"] in facts:
            raise DataError(f"{where}: {rec['id']!r} is also the id of a reference fact; give the source another id")
        if rec["id"] not in used:
            raise DataError(f"{where}: no reference fact names this source in its 'source' field; remove it")
    return tables, declared


def derived_confidence(source_ids: list[str], declared: pd.DataFrame) -> str:
    """The confidence a fact's sources allow (``provenance.derived``)."""
    return provenance.derived(
        (s, declared.loc[s, "provenance"], bool(declared.loc[s, "named"])) for s in dict.fromkeys(source_ids)
    )


def _check_confidence(path: Path, rec: dict, declared: pd.DataFrame) -> None:
    """Refuse a confidence above what the fact's sources allow, and one below it
    without a reason (or a reason where it is not below)."""
    allowed = derived_confidence(rec["source"].split(" "), declared)
    stated, reason = rec["confidence"], rec["lowered_because"]
    where = f"{path}, line {rec['_line']} (id {rec['id']})"
    classes = ", ".join(f"{s}: {declared.loc[s, 'provenance']}" for s in rec["source"].split(" "))
    if provenance.rank(stated) < provenance.rank(allowed):
        raise DataError(
            f"{where}, field 'confidence': {stated!r} is higher than its sources allow ({allowed!r}, from {classes}); "
            "state at most that, or name another source that supports the fact"
        )
    if provenance.rank(stated) > provenance.rank(allowed) and not reason:
        raise DataError(
            f"{where}, field 'lowered_because': {stated!r} is lower than its sources allow ({allowed!r}); "
            "say why in this field"
        )
    if stated == allowed and reason:
        raise DataError(
            f"{where}, field 'lowered_because': the confidence is what its sources allow ({allowed!r}), "
            "not lowered; leave this field empty"
        )


# Every reader below takes the project whose data/reference/ it reads (the
# current project when None) and caches per project, never across projects.
@lru_cache(maxsize=8)
def _loaded(project: paths.Project) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    return read(project.reference_dir, project)


def load(project: paths.Project | None = None) -> dict[str, pd.DataFrame]:
    """{resource name: DataFrame indexed by id}, each file validated first (once per process and project)."""
    return _loaded(paths.resolve(project))[0]


def sources(project: paths.Project | None = None) -> pd.DataFrame:
    """The sources of the reference facts, indexed by id, in the order of sources.csv."""
    return _loaded(paths.resolve(project))[1]


def lookup(fact_id: str, project: paths.Project | None = None) -> tuple[str, pd.Series]:
    """(resource name, row) of a reference fact, by id; like ``load``, once per
    process and project (a sweep asks for the same facts at every grid point)."""
    return _lookup(fact_id, paths.resolve(project))


@lru_cache(maxsize=None)
def _lookup(fact_id: str, project: paths.Project) -> tuple[str, pd.Series]:
    for name, table in load(project).items():
        if fact_id in table.index:
            return name, table.loc[fact_id]
    raise KeyError(fact_id)


def is_fact(item: str, project: paths.Project | None = None) -> bool:
    return any(item in table.index for table in load(project).values())


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


def lowered(fact_id: str) -> tuple[str, str] | None:
    """(the confidence its sources allow, why the fact states less), or None
    where it states what they allow."""
    row = lookup(fact_id)[1]
    if not row["lowered_because"]:
        return None
    return derived_confidence(source_ids(row), sources()), row["lowered_because"]


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


def describe(fact_id: str, project: paths.Project | None = None) -> str:
    """What a fact states, in words (its value and the time it holds for)."""
    name, row = lookup(fact_id, project)
    if name == "exchange-rates":
        until = f" to {_day(row['valid_to'])}" if row["valid_to"] else " on"
        return (
            f"{row['basis']}: {_number(row['units_per_usd'])} {row['currency']} per US dollar, "
            f"from {_day(row['valid_from'])}{until}"
        )
    if name == "reference-dates":
        when = f"{_day(row['date'])} to {_day(row['date_end'])}" if row["date_end"] else _day(row["date"])
        return f"{row['event']}, {when}"
    if name == "cross-rates":
        until = f" to {_day(row['valid_to'])}" if row["valid_to"] else " on"
        return (
            f"{row['basis']}: {_number(row['units'])} {row['currency']} per {_singular(row['per_currency'])}, "
            f"from {_day(row['valid_from'])}{until}"
        )
    if name == "reference-sums":
        scale = f" {row['scale']}" if row["scale"] else ""
        when = f" (an account of {_month_or_day(row['date'])})" if row["date"] else ""
        return f"{row['fact']}{when}: {_count(row['value'])}{scale} {row['unit']}"
    unit = "" if row["unit"] in ("fraction", "count") else f" {_unit(row['unit'], row['value'])}"
    qualifier = "" if row["qualifier"] == "none" else f"{row['qualifier']} "
    return f"{row['fact']}: {qualifier}{_count(row['value'])}{unit}"


def _count(text: str) -> str:
    """A count or a sum as a reader writes it (22,375; 1.45)."""
    return f"{float(text):,g}"


def _unit(unit: str, value: str) -> str:
    """1 division, 1 army: a unit in the singular for one."""
    if float(value) != 1:
        return unit
    return {"armies": "army", "divisions": "division", "people": "person"}.get(unit, unit)


def _singular(currency: str) -> str:
    return {"rubles": "ruble", "won": "won"}.get(currency, currency)


def _month_or_day(text: str) -> str:
    """A date of the data (1955-04 or 1955-01-17) in words."""
    if len(text) == 7:
        year, month = text.split("-")
        return f"{calendar.month_name[int(month)]} {year}"
    return _day(text)


def rates_quoted(computation: str) -> list[str]:
    """The ids of the reference rates a computation shows at work, as the
    yardstick conversions write them ("… / 4 rubles per USD (official rate …)")."""
    table = load()["exchange-rates"]
    return [
        rate_id
        for rate_id, row in table.iterrows()
        if re.search(
            # the basis up to its own first parenthesis, which a computation writes with commas instead
            rf"(?<![\d.]){re.escape(_number(row['units_per_usd']))} {re.escape(row['currency'])} per USD "
            rf"\({re.escape(row['basis'].split(' (')[0])}[,)]",
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


# The kinds of check whose yardsticks are the reference rates their computation quotes
# (every candidate of the figure's time, none under a reader's own rate), not the facts
# among their inputs. A kind declares it (``@kind(quotes_yardsticks=True)``); the audit,
# above these tables, registers it here (``check_kinds.kind``), as the tables may not ask it.
QUOTED_YARDSTICKS: set[str] = set()


def facts_used(finding) -> list[str]:
    """The reference facts a finding (``audit.finding.Finding``) holds the paper
    against: the facts among its inputs; for a kind whose yardsticks its
    computation quotes (``QUOTED_YARDSTICKS``: a conversion at an official
    rate), the rates its computation shows at work and the redenomination its
    explanation invokes."""
    if finding.kind not in QUOTED_YARDSTICKS:
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


def rates_for(
    currency: str, start: dt.date, end: dt.date, project: paths.Project | None = None
) -> tuple[pd.Series, ...]:
    """Every reference rate for ``currency`` that held on some day of [start, end],
    oldest first: the candidate yardsticks for a figure of that time."""
    return _rates_for(currency, start, end, paths.resolve(project))


@lru_cache(maxsize=256)
def _rates_for(currency: str, start: dt.date, end: dt.date, project: paths.Project) -> tuple[pd.Series, ...]:
    table = load(project)["exchange-rates"]
    rows = [row for _, row in table[table["currency"] == currency].iterrows() if valid_during(row, start, end)]
    return tuple(sorted(rows, key=lambda r: (r["valid_from"], r["id"])))


def redenomination(currency: str, project: paths.Project | None = None) -> pd.Series | None:
    """The dated redenomination of a currency, if the reference dates hold one."""
    name = {"yuan": "renminbi_redenomination", "won": "won_redenomination"}.get(currency)
    table = load(project)["reference-dates"]
    return table.loc[name] if name in table.index else None
