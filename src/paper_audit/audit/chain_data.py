"""What a search for the making of a printed figure (``chains``) works with:
the rates, the outside sums and the documented slips, typed and checked.

The rates come from ``data/reference/exchange_rates.csv`` (units per US
dollar) and ``cross_rates.csv`` (units of one currency per unit of another),
the outside sums from ``sums.csv`` (each names in ``of`` the claim it is an
outside account of), the slips from ``data/slips.csv``: rows, not code, each
of one of a few types (``SLIP_TYPES``) that ``chains`` applies generically.
Which conversions a check holds (``conversion_pairs``) and which check tells
each (``owners``) are here too: the pairs a search is asked about.

Bad data (a slip of an unknown type, a sum whose ``of`` is not a claim, a
rate in an unknown currency) stops with one ``DataError`` naming the file,
line and field."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from paper_audit import paths
from paper_audit.audit import kinds  # noqa: F401 (importing it registers every kind's roles)
from paper_audit.audit.check_kinds import KIND_SPECS
from paper_audit.audit.rounding import Interval, stated_interval
from paper_audit.errors import DataError
from paper_audit.tables import reference, schema
from paper_audit.tables.claims import SCALE_FACTORS, read_csv_strict

SLIPS_CSV = paths.DATA_DIR / "slips.csv"
SLIP_FIELDS = ["id", "type", "factor", "digits", "currency", "what", "documented_by", "evidence", "confidence"]
# scale: the sum read at another scale (a billion read as a million), by ``factor`` either way;
# redenomination: a sum in ``currency`` read in old units as new or new as old, by ``factor``;
# transposition: two adjacent digits of the printed figure swapped in print;
# rounded_rate: a rate cut to ``digits`` significant figures, down or up.
SLIP_TYPES = ("scale", "redenomination", "transposition", "rounded_rate")
CONFIDENCE = ("high", "medium-high", "medium", "medium-low", "low", "none")  # best first
USD = "USD"
# The resources of the reference data a search reads (``reference.FILES`` names their files).
RATES, CROSS, SUMS = "exchange-rates", "cross-rates", "reference-sums"
DEFAULT_FILES = {RATES: "exchange_rates.csv", CROSS: "cross_rates.csv", SUMS: "sums.csv"}


@dataclass(frozen=True)
class Rate:
    """``units`` of ``currency`` to one ``per`` (a US dollar, or a unit of another currency)."""

    id: str
    currency: str
    per: str
    units: float
    valid_from: dt.date
    valid_to: dt.date | None
    basis: str
    confidence: str
    sources: tuple[str, ...]

    def held_during(self, start: dt.date, end: dt.date) -> bool:
        """Whether the rate held on some day of [start, end] (as ``reference.valid_during``)."""
        return self.valid_from <= end and (self.valid_to is None or start <= self.valid_to)


@dataclass(frozen=True)
class OutsideSum:
    """A sum an outside source gives, as the outside account of a claim (``of``), or of none."""

    id: str
    fact: str
    value: float  # absolute units, scale applied
    interval: Interval  # what its printed digits stand for
    unit: str
    date: str
    of: str
    confidence: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Slip:
    """A documented kind of slip: what it is (``what``, words) and what documents it."""

    id: str
    type: str
    factor: float
    digits: int
    currency: str
    what: str
    documented_by: str
    evidence: tuple[str, ...]
    confidence: str


@dataclass(frozen=True)
class Tables:
    """Everything a search may use, typed."""

    rates: tuple[Rate, ...] = ()
    sums: tuple[OutsideSum, ...] = ()
    slips: tuple[Slip, ...] = ()


def _where(path: Path, line: int, row_id: str, field: str) -> str:
    return f"{path}, line {line} (id {row_id}), field '{field}'"


def _number(path: Path, line: int, row_id: str, field: str, text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise DataError(f"{_where(path, line, row_id, field)}: {text!r} is not a number") from None
    if not math.isfinite(number) or number <= 0:
        raise DataError(f"{_where(path, line, row_id, field)}: {text!r} is not a positive number")
    return number


def _choice(path: Path, line: int, row_id: str, field: str, text: str, allowed: Collection[str]) -> str:
    if text not in allowed:
        raise DataError(f"{_where(path, line, row_id, field)}: {text!r} is not one of: {', '.join(allowed)}")
    return text


def _day(path: Path, line: int, row_id: str, field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DataError(f"{_where(path, line, row_id, field)}: {text!r} is not an ISO date (YYYY-MM-DD)") from None


def _records(frame: pd.DataFrame) -> list[tuple[int, dict[str, str]]]:
    """(line in the file, row as strings) for each row of a table read from a CSV with a header line."""
    return [
        (position + 2, {str(k): "" if pd.isna(v) else str(v) for k, v in row.items()})
        for position, (_, row) in enumerate(frame.iterrows())
    ]


def rates_from(frame: pd.DataFrame, path: Path, currencies: Collection[str], cross: bool = False) -> tuple[Rate, ...]:
    """The rates of exchange_rates.csv (units per USD) or, with ``cross``, of cross_rates.csv."""
    found = []
    for line, row in _records(frame):
        rid = row["id"]
        currency = _choice(path, line, rid, "currency", row["currency"], currencies)
        per = _choice(path, line, rid, "per_currency", row["per_currency"], currencies) if cross else USD
        field = "units" if cross else "units_per_usd"
        units = _number(path, line, rid, field, row[field])
        valid_to = _day(path, line, rid, "valid_to", row["valid_to"]) if row.get("valid_to") else None
        found.append(
            Rate(
                rid,
                currency,
                per,
                units,
                _day(path, line, rid, "valid_from", row["valid_from"]),
                valid_to,
                row["basis"],
                _choice(path, line, rid, "confidence", row["confidence"], CONFIDENCE),
                tuple(row["source"].split()),
            )
        )
    return tuple(found)


def sums_from(
    frame: pd.DataFrame, path: Path, currencies: Collection[str], claim_ids: Collection[str]
) -> tuple[OutsideSum, ...]:
    """The outside sums of sums.csv; each ``of`` names a claim, or is empty."""
    found = []
    for line, row in _records(frame):
        sid = row["id"]
        unit = _choice(path, line, sid, "unit", row["unit"], currencies)
        if row["of"] and row["of"] not in claim_ids:
            raise DataError(
                f"{_where(path, line, sid, 'of')}: {row['of']!r} is not a claim in {paths.CLAIMS_CSV.name}; "
                "name the claim this sum is an outside account of, or leave the field empty"
            )
        scale = _choice(path, line, sid, "scale", row.get("scale", ""), SCALE_FACTORS)
        factor = SCALE_FACTORS[scale]
        value = _number(path, line, sid, "value", row["value"]) * factor
        found.append(
            OutsideSum(
                sid,
                row["fact"],
                value,
                stated_interval(value, row["value"], factor),
                unit,
                row.get("date", ""),
                row["of"],
                _choice(path, line, sid, "confidence", row["confidence"], CONFIDENCE),
                tuple(row["source"].split()),
            )
        )
    return tuple(found)


def slips_from(
    frame: pd.DataFrame, path: Path, currencies: Collection[str], known_ids: Collection[str]
) -> tuple[Slip, ...]:
    """The documented slips of slips.csv, each of a known type with what its type needs."""
    found = []
    for line, row in _records(frame):
        sid = row["id"]
        if not re.fullmatch(r"[a-z][a-z0-9_]*", sid):
            raise DataError(f"{_where(path, line, sid or '?', 'id')}: {sid!r} is not a snake_case identifier")
        kind = _choice(path, line, sid, "type", row["type"], SLIP_TYPES)
        factor, digits = 1.0, 0
        if kind in ("scale", "redenomination"):
            factor = _number(path, line, sid, "factor", row["factor"])
            if factor <= 1:
                raise DataError(f"{_where(path, line, sid, 'factor')}: {row['factor']!r} must be above 1")
        if kind == "redenomination":
            _choice(path, line, sid, "currency", row["currency"], currencies)
        if kind == "rounded_rate":
            if not row["digits"].isdigit() or int(row["digits"]) < 1:
                raise DataError(f"{_where(path, line, sid, 'digits')}: {row['digits']!r} is not a count of digits")
            digits = int(row["digits"])
        for field in ("what", "documented_by"):
            if not row[field]:
                raise DataError(f"{_where(path, line, sid, field)}: required, but empty")
        evidence = tuple(row["evidence"].split())
        for item in evidence:
            if item not in known_ids:
                raise DataError(
                    f"{_where(path, line, sid, 'evidence')}: {item!r} is not a reference fact or source "
                    "in data/reference/"
                )
        found.append(
            Slip(
                sid,
                kind,
                factor,
                digits,
                row["currency"],
                row["what"],
                row["documented_by"],
                evidence,
                _choice(path, line, sid, "confidence", row["confidence"], CONFIDENCE),
            )
        )
    return tuple(found)


def conversion_pairs(kind: str, inputs: Sequence[str], claims: pd.DataFrame) -> list[tuple[str, str]]:
    """The conversions among a check's inputs: the pairs of a sum and its
    converted value that its kind declares (``@kind(converts=...)``), both
    claims of a single value, in different units."""
    spec = KIND_SPECS.get(kind)
    if spec is None:
        return []
    return [
        (a, b)
        for a, b in spec.conversions(inputs)
        if a in claims.index
        and b in claims.index
        and str(claims.loc[a, "unit"]) != str(claims.loc[b, "unit"])
        and _single(claims, a)
        and _single(claims, b)
    ]


def _single(claims: pd.DataFrame, claim_id: str) -> bool:
    """Whether a claim is one printed value: a range ("170 to 180 million") is
    checked at each end by the engine, and a search starts from one figure."""
    value: object = claims.loc[claim_id, "value"]
    try:
        number = float(str(value))
    except ValueError:
        return False
    return not math.isnan(number)


def owners(rows: Sequence[Mapping[str, Any]], claims: pd.DataFrame) -> dict[tuple[str, str], str]:
    """The one check whose flag tells how each conversion was made, so that a page
    says it once: among the checks (rows of checks.csv: id, kind, inputs, judges)
    whose inputs hold the conversion, one that judges the printed figure, then the
    one with the fewest conversions (the most specific), then the first in the file."""
    found: dict[tuple[str, str], list[tuple[bool, int, int, str]]] = {}
    for order, row in enumerate(rows):
        pairs = conversion_pairs(str(row["kind"]), str(row["inputs"]).split(), claims)
        for pair in pairs:
            judged = pair[1] in str(row.get("judges") or "").split()
            found.setdefault(pair, []).append((not judged, len(pairs), order, str(row["id"])))
    return {pair: min(candidates)[3] for pair, candidates in found.items()}


def currencies(project: paths.Project | None = None) -> tuple[str, ...]:
    """The currencies the reference data know: the exchange rates' enum, and the dollar."""
    return (*schema.enum(RATES, "currency", project), USD)


def tables_from(
    frames: Mapping[str, pd.DataFrame],
    slips: pd.DataFrame | None,
    claim_ids: Collection[str],
    known_ids: Collection[str] = (),
    where: Mapping[str, Path] | None = None,
    known_currencies: Collection[str] | None = None,
    project: paths.Project | None = None,
) -> Tables:
    """Typed tables from the reference frames ({resource name: frame}; a missing
    one is empty) and the slips' frame; ``where`` names each file for messages
    (``project``'s files, the current project's by default, where it does not)."""
    project = paths.resolve(project)
    files = {name: project.reference_dir / filename for name, filename in DEFAULT_FILES.items()}
    files["slips"] = project.slips_csv
    files.update(where or {})
    money = tuple(known_currencies) if known_currencies is not None else currencies(project)
    rates: tuple[Rate, ...] = ()
    if RATES in frames:
        rates += rates_from(frames[RATES], files[RATES], money)
    if CROSS in frames:
        rates += rates_from(frames[CROSS], files[CROSS], money, cross=True)
    sums = sums_from(frames[SUMS], files[SUMS], money, claim_ids) if SUMS in frames else ()
    found = slips_from(slips, files["slips"], money, known_ids) if slips is not None else ()
    return Tables(rates, sums, found)


def read_slips(path: Path | None = None, project: paths.Project | None = None) -> pd.DataFrame:
    """slips.csv (``project``'s, the current project's by default, or the file at
    ``path``) as strings, its header and whitespace checked (and against the Data
    Package, where it is declared)."""
    project = paths.resolve(project)
    path = path if path is not None else project.slips_csv
    read_csv_strict(path, SLIP_FIELDS)
    try:
        schema.resource("slips", project)
    except KeyError:
        pass  # not declared yet: the checks here suffice
    else:
        schema.validate("slips", path, project)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load(claim_ids: Collection[str], project: paths.Project | None = None) -> Tables:
    """A project's own tables (the current project's by default): the reference
    data as ``reference`` loads them, and data/slips.csv."""
    project = paths.resolve(project)
    frames = reference.load(project)
    known = {i for table in frames.values() for i in table.index} | set(reference.sources(project).index)
    files = {name: project.reference_dir / filename for name, filename in reference.FILES.items()}
    return tables_from(frames, read_slips(project=project), claim_ids, known, files, project=project)
