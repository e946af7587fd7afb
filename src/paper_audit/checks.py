"""Relations between figures, run from data/checks.csv.

Each row of checks.csv names a kind of relation and, in order, the claims and
reference facts it relates. ``run_all`` returns one ``Finding`` per check: what
was computed, from which quotes, how far from the stated figure, the implied
rate where there is one, and the verdict from ``rounding``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from . import claims as claims_mod
from . import datapackage, paths, reference
from .errors import DataError
from .params import Assumptions
from .rounding import (CONSISTENT, GROSS, INCONSISTENT, SEVERITY, WITHIN_ROUNDING, Interval, propagate,
                       relative_gap, stated_interval, verdict)

DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0, "months": DAYS_PER_MONTH, "years": 365.25}


@dataclass
class Finding:
    check: str
    kind: str
    title: str
    chapter: str
    inputs: list[str]
    verdict: str
    stated: str
    computed: str
    stated_value: float | None = None
    computed_value: float | None = None
    computed_low: float | None = None
    computed_high: float | None = None
    gap_abs: float | None = None
    gap_rel: float | None = None
    implied_rate: str = ""
    computation: str = ""
    explanation: str = ""
    pages: list[int] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)

    def as_row(self) -> dict:
        row = asdict(self)
        row["inputs"] = " ".join(self.inputs)
        row["pages"] = " ".join(str(p) for p in self.pages)
        row["quotes"] = " | ".join(f"p. {q['page']}{', n. ' + str(q['footnote']) if q['footnote'] else ''}: “{q['quote']}”" for q in self.quotes)
        return row


class Context:
    """What a check can see: the claims and the reference facts."""

    def __init__(self, claims: pd.DataFrame, assumptions: Assumptions | None = None):
        self.claims = claims
        self.assumptions = assumptions or Assumptions()

    def verdict(self, computed: Interval, stated: Interval) -> str:
        return verdict(computed, stated, self.assumptions.gross_factor)

    def rate_override(self, currency: str) -> float | None:
        """The reader's own rate for a currency, if they gave one."""
        return {"rubles": self.assumptions.rubles_per_usd, "yuan": self.assumptions.yuan_per_usd}.get(currency)

    def claim(self, claim_id: str) -> pd.Series:
        return self.claims.loc[claim_id]

    def is_range(self, item: str) -> bool:
        """Whether an input is a claim printed as a range of amounts (not of years)."""
        if item not in self.claims.index:
            return False
        c = self.claim(item)
        return c["unit"] not in ("year", "date") and c.get("low") is not None and not pd.isna(c.get("low"))

    def at_end(self, end: str) -> "Context":
        """The same context with every range claim read as its low or high end, as printed."""
        from .figures import range_ends

        table = self.claims.copy()
        for item in [i for i in table.index if self.is_range(i)]:
            ends = range_ends(table.at[item, "figure"])
            if ends is None:
                continue
            table.at[item, "value"] = table.at[item, end]
            table.at[item, "figure"] = ends[0 if end == "low" else 1]
        return Context(table, self.assumptions)

    def interval(self, claim_id: str, as_percent: bool = False) -> Interval:
        c = self.claim(claim_id)
        value = claims_mod.absolute(c)
        iv = stated_interval(value, c["figure"], c["factor"], c["qualifier"], c["unit"], self.assumptions.nearly_below)
        if as_percent and c["unit"] == "fraction":
            iv = Interval(iv.low * 100, iv.high * 100, iv.point * 100)
        return iv

    def implied_rate(self, amount: str, converted: str) -> Interval:
        """The rate a pair of claims implies (units of the first per unit of the second), with rounding."""
        return propagate(lambda x, y: x / y, [self.interval(amount), self.interval(converted)])

    def dates(self, item: str) -> tuple[dt.date, dt.date]:
        """Earliest and latest day an input (claim or reference fact) can mean."""
        if item in self.claims.index:
            c = self.claim(item)
            if c["unit"] == "date":
                parts = [int(p) for p in c["date"].split("-")]
                if len(parts) == 3:
                    day = dt.date(*parts)
                    return day, day
                year, month = parts
                return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
            if c["unit"] == "year":
                low = c["low"] if c["value"] is None or pd.isna(c["value"]) else c["value"]
                high = c["high"] if c["value"] is None or pd.isna(c["value"]) else c["value"]
                return dt.date(int(low), 1, 1), dt.date(int(high), 12, 31)
            raise DataError(f"claim {item} is not a date or a year")
        _, row = reference.lookup(item)
        return reference.date_span(row)


def fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "unbounded"
    absolute = abs(value)
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if absolute >= size:
            return f"{value / size:,.4g} {word}"
    return f"{value:,.4g}"


# Each kind: (ctx, row, inputs) -> dict of Finding fields.
KINDS: dict[str, Callable] = {}
EXPECTED_FIELDS = ("expected_low", "expected_high", "expected_unit")


@dataclass(frozen=True)
class Role:
    """One input of a check kind: its name and what it must be."""

    name: str
    source: str = "claim"  # claim | fact (a reference fact) | either
    optional: bool = False

    @classmethod
    def parse(cls, text: str) -> "Role":
        """'amount' (a claim), 'rate:fact', 'start:either', 'duration?' (optional)."""
        optional = text.endswith("?")
        name, _, source = text.rstrip("?").partition(":")
        return cls(name, source or "claim", optional)


@dataclass(frozen=True)
class KindSpec:
    """What a kind declares: its inputs' roles in order, whether the roles
    repeat (at least ``repeat`` times), what it reads from the expected_*
    fields, whether it checks both ends of a range, and what it does."""

    name: str
    roles: tuple[Role, ...] | None
    repeat: int = 0
    expects: dict[str, str] = field(default_factory=dict)
    ends: bool = False
    does: str = ""

    def signature(self) -> str:
        if self.roles is None:
            return "(not declared)"
        names = " ".join(r.name + ("?" if r.optional else "") + ("" if r.source == "claim" else f":{r.source}")
                         for r in self.roles)
        return f"({names}) repeated, at least {self.repeat} times" if self.repeat else names


KIND_SPECS: dict[str, KindSpec] = {}


def kind(name: str, roles: tuple[str, ...] | None = None, repeat: int = 0, expects: dict[str, str] | None = None,
         ends: bool = False, does: str = ""):
    """Register a check kind and what it declares about its inputs (see ``KindSpec``)."""

    def register(function):
        KINDS[name] = function
        KIND_SPECS[name] = KindSpec(name, tuple(Role.parse(r) for r in roles) if roles is not None else None,
                                    repeat, dict(expects or {}), ends, does or (function.__doc__ or "").strip())
        return function

    return register


def check_against_spec(where: str, row: dict, claims: pd.DataFrame, facts: set[str]) -> None:
    """Refuse a checks row that does not fit its kind's declared roles and expected fields."""
    spec = KIND_SPECS[row["kind"]]
    inputs = row["inputs"].split()
    if spec.roles is not None:
        required = [r for r in spec.roles if not r.optional]
        if spec.repeat:
            group = len(spec.roles)
            if len(inputs) < group * spec.repeat or len(inputs) % group:
                raise DataError(f"{where}, field 'inputs': kind {row['kind']} takes {spec.signature()}; "
                                f"got {len(inputs)} input(s)")
            roles = [spec.roles[i % group] for i in range(len(inputs))]
        else:
            if not len(required) <= len(inputs) <= len(spec.roles):
                missing = [r.name for r in spec.roles[len(inputs):] if not r.optional]
                detail = f"missing role {', '.join(missing)}" if missing else f"{len(inputs) - len(spec.roles)} too many"
                raise DataError(f"{where}, field 'inputs': kind {row['kind']} takes {spec.signature()}; "
                                f"got {len(inputs)} input(s): {detail}")
            roles = list(spec.roles[: len(inputs)])
        for position, (item, role) in enumerate(zip(inputs, roles), start=1):
            is_claim, is_fact = item in claims.index, item in facts
            if not is_claim and not is_fact:
                raise DataError(f"{where}, field 'inputs': input {position} (role {role.name}) {item!r} is neither "
                                "a claim in data/claims.csv nor a reference fact")
            if role.source == "claim" and not is_claim:
                raise DataError(f"{where}, field 'inputs': input {position} (role {role.name}) {item!r} is a reference "
                                f"fact, but kind {row['kind']} needs a claim there")
            if role.source == "fact" and not is_fact:
                raise DataError(f"{where}, field 'inputs': input {position} (role {role.name}) {item!r} is a claim, "
                                f"but kind {row['kind']} needs a reference fact there")
        optional_given = any(r.optional for r in roles)
    else:
        return  # an undeclared kind: nothing to hold the row to (a test asks every kind to declare)
    for name in EXPECTED_FIELDS:
        if name not in row:
            continue
        meaning = spec.expects.get(name)
        if meaning is None and row[name]:
            raise DataError(f"{where}, field '{name}': kind {row['kind']} does not read {name}; leave it empty")
        needed = meaning is not None and not meaning.startswith("(optional)") and not optional_given
        if needed and not row[name]:
            raise DataError(f"{where}, field '{name}': kind {row['kind']} reads it as {meaning}; it is empty")
        if meaning is not None and optional_given and row[name]:
            raise DataError(f"{where}, field '{name}': kind {row['kind']} reads it only {meaning.split('(')[-1].rstrip(')')}; "
                            "leave it empty")


def describe_kinds() -> list[dict]:
    """One row per kind, from the declarations: for the method page and the Data Package."""
    rows = []
    for name, spec in KIND_SPECS.items():
        reads = "; ".join(f"{k}: {v}" for k, v in spec.expects.items())
        rows.append({"kind": name, "does": spec.does, "inputs": spec.signature(),
                     "expected": reads or "nothing", "ranges": "both ends" if spec.ends else "one value"})
    return rows


def _compare(ctx: Context, computed: Interval, stated: Interval) -> dict:
    return {
        "verdict": ctx.verdict(computed, stated),
        "stated_value": stated.point, "computed_value": computed.point,
        "computed_low": computed.low, "computed_high": computed.high,
        "gap_abs": computed.point - stated.point, "gap_rel": relative_gap(computed.point, stated.point),
    }


@kind("conversion", roles=("amount", "converted", "rate_from", "rate_to"), ends=True,
      does="an amount converted at the rate the text states (rate_from units = rate_to units)")
def _conversion(ctx, row, inputs):
    amount, converted, rate_from, rate_to = inputs
    a, b = ctx.interval(amount), ctx.interval(converted)
    # A rate the paper states ("4 rubles equaled to USD 1") is a definition, not a
    # rounded measurement: it is taken as exact.
    rf, rt = (Interval(p, p, p) for p in (ctx.interval(rate_from).point, ctx.interval(rate_to).point))
    ua, ub = ctx.claim(amount)["unit"], ctx.claim(converted)["unit"]
    own = ctx.rate_override(ua) if ub == "USD" else None
    if own is not None:
        rf, rt = Interval(own, own, own), Interval(1.0, 1.0, 1.0)
    computed = propagate(lambda x, f, t: x * t / f, [a, rf, rt])
    result = _compare(ctx, computed, b)
    result.update(
        stated=f"{fmt(b.point)} {ub}", computed=f"{fmt(computed.point)} {ub}",
        implied_rate=f"{a.point / b.point:,.4g} {ua} per {ub} (stated rate {rf.point / rt.point:,.4g})",
        computation=f"{fmt(a.point)} {ua} × {fmt(rt.point)} / {fmt(rf.point)} = {fmt(computed.point)} {ub}; "
                    f"with rounding {fmt(computed.low)} to {fmt(computed.high)}",
    )
    return result


@kind("reference_rate", roles=("amount", "converted", "rate:fact"), ends=True,
      does="an amount converted at an independent official rate of the time")
def _reference_rate(ctx, row, inputs):
    amount, converted, rate_id = inputs
    a, b = ctx.interval(amount), ctx.interval(converted)
    _, rate = reference.lookup(rate_id)
    ua = ctx.claim(amount)["unit"]
    own = ctx.rate_override(ua)
    per_usd = own if own is not None else float(rate["units_per_usd"])
    if own is not None:
        rate = {**rate, "confidence": "reader's assumption", "basis": "the rate given as a parameter"}
    computed = propagate(lambda x: x / per_usd, [a])
    result = _compare(ctx, computed, b)
    result.update(
        stated=f"USD {fmt(b.point)}", computed=f"USD {fmt(computed.point)}",
        implied_rate=f"{a.point / b.point:,.4g} {ua} per USD (reference {per_usd:g}, {rate['confidence']} confidence)",
        computation=f"{fmt(a.point)} {ua} / {per_usd:g} {ua} per USD ({rate['basis']}) = USD {fmt(computed.point)}",
    )
    return result


@kind("same_rate", roles=("amount", "converted"), repeat=2,
      does="several conversions between the same currencies imply one rate")
def _same_rate(ctx, row, inputs):
    if len(inputs) < 4 or len(inputs) % 2:
        raise DataError(f"{paths.CHECKS_CSV}: check {row['id']}: same_rate needs pairs of claims")
    pairs = list(zip(inputs[::2], inputs[1::2]))
    rates = [ctx.implied_rate(a, b) for a, b in pairs]
    points = [r.point for r in rates]
    lo, hi = min(points), max(points)
    common = max(r.low for r in rates) <= min(r.high for r in rates)
    if math.isclose(lo, hi, rel_tol=1e-6):
        result = CONSISTENT
    elif common:
        result = WITHIN_ROUNDING
    elif hi / lo > ctx.assumptions.gross_factor:
        result = GROSS
    else:
        result = INCONSISTENT
    ua, ub = ctx.claim(pairs[0][0])["unit"], ctx.claim(pairs[0][1])["unit"]
    listing = "; ".join(f"{fmt(ctx.interval(a).point)} / {fmt(ctx.interval(b).point)} = {r.point:,.4g}" for (a, b), r in zip(pairs, rates))
    return {
        "verdict": result, "stated_value": lo, "computed_value": hi, "computed_low": lo, "computed_high": hi,
        "gap_abs": hi - lo, "gap_rel": hi / lo - 1,
        "stated": f"one rate for {len(pairs)} conversions", "computed": f"rates from {lo:,.4g} to {hi:,.4g} {ua} per {ub}",
        "implied_rate": ", ".join(f"{r.point:,.4g}" for r in rates) + f" {ua} per {ub}",
        "computation": listing + ("; one rate fits all within rounding" if common else "; no single rate fits all within rounding"),
    }


@kind("parts_sum", roles=("part",), repeat=2,
      expects={"expected_low": "the whole the parts add up to", "expected_high": "(optional) the same whole"},
      does="shares of one whole add up to it")
def _parts_sum(ctx, row, inputs):
    parts = [ctx.interval(i, as_percent=True) for i in inputs]
    computed = propagate(lambda *xs: sum(xs), parts)
    target = float(row["expected_low"])
    result = _compare(ctx, computed, Interval(target, target, target))
    result.update(
        stated=f"{target:g} (the whole)", computed=f"{computed.point:,.4g}",
        computation=" + ".join(f"{p.point:g}" for p in parts) + f" = {computed.point:,.4g}; "
                    f"with rounding {computed.low:,.4g} to {computed.high:,.4g}",
    )
    return result


@kind("same_quantity", roles=("first", "second"),
      does="one quantity reported twice agrees with itself")
def _same_quantity(ctx, row, inputs):
    first, second = inputs
    percent = {ctx.claim(i)["unit"] for i in inputs} == {"fraction", "percent"}
    a, b = ctx.interval(first, as_percent=percent), ctx.interval(second, as_percent=percent)
    result = _compare(ctx, a, b)
    unit = "percent" if percent else ctx.claim(second)["unit"]
    result.update(stated=f"{fmt(b.point)} {unit}", computed=f"{fmt(a.point)} {unit}",
                  computation=f"{first}: {fmt(a.low)} to {fmt(a.high)}; {second}: {fmt(b.low)} to {fmt(b.high)}")
    return result


@kind("remainder", roles=("total", "part"),
      does="what remains of a total after a part left")
def _remainder(ctx, row, inputs):
    total, part = (ctx.interval(i) for i in inputs)
    remainder = total.point - part.point
    ok = 0 <= remainder <= total.point
    unit = ctx.claim(inputs[0])["unit"]
    return {
        "verdict": CONSISTENT if ok else GROSS, "computed_value": remainder, "stated_value": None,
        "stated": "the rest (not stated as a number)", "computed": f"{fmt(remainder)} {unit}",
        "computation": f"{fmt(total.point)} − {fmt(part.point)} = {fmt(remainder)} {unit}",
    }


@kind("reference_count", roles=("claim", "count:fact"),
      does="a count against an independent count")
def _reference_count(ctx, row, inputs):
    claim_id, count_id = inputs
    _, fact = reference.lookup(count_id)
    value = float(fact["value"])
    result = _compare(ctx, Interval(value, value, value), ctx.interval(claim_id))
    result.update(stated=fmt(ctx.interval(claim_id).point), computed=f"{fmt(value)} ({fact['confidence']} confidence)",
                  computation=f"{fact['fact']}: {fmt(value)}")
    return result


@kind("date_in_reference", roles=("claim", "event:fact"),
      does="a date or year against an independently dated event")
def _date_in_reference(ctx, row, inputs):
    claim_id, fact_id = inputs
    c_start, c_end = ctx.dates(claim_id)
    r_start, r_end = ctx.dates(fact_id)
    overlap = r_start <= c_end and c_start <= r_end
    days_off = 0 if overlap else min(abs((r_start - c_end).days), abs((c_start - r_end).days))
    result = CONSISTENT if overlap else (GROSS if days_off > 365 else INCONSISTENT)
    _, fact = reference.lookup(fact_id)
    return {
        "verdict": result, "gap_abs": float(days_off), "computed_value": float(days_off),
        "stated": f"{c_start.isoformat()} to {c_end.isoformat()}" if c_start != c_end else c_start.isoformat(),
        "computed": f"{r_start.isoformat()}" + (f" to {r_end.isoformat()}" if r_end != r_start else "") + f" ({fact['confidence']} confidence)",
        "computation": f"the text's dates span {c_start} to {c_end}; the reference ({fact['event']}) {r_start} to {r_end}; "
                       + ("they overlap" if overlap else f"{days_off} days apart"),
    }


def _gap_interval(ctx, start: str, end: str, unit: str) -> Interval:
    s_lo, s_hi = ctx.dates(start)
    e_lo, e_hi = ctx.dates(end)
    per = DAYS_PER_UNIT[unit]
    return Interval((e_lo - s_hi).days / per, (e_hi - s_lo).days / per, ((e_lo - s_hi).days + (e_hi - s_lo).days) / 2 / per)


@kind("date_gap", roles=("start:either", "end:either", "duration?"),
      expects={"expected_low": "shortest interval the wording allows (without a duration claim)",
               "expected_high": "longest interval the wording allows (without a duration claim)",
               "expected_unit": "unit of that interval (without a duration claim)"},
      does="the interval between two dates against a stated duration or wording")
def _date_gap(ctx, row, inputs):
    start, end, *duration = inputs
    if duration:
        claim = ctx.claim(duration[0])
        unit = claim["unit"]
        stated = ctx.interval(duration[0])
        stated_text = f"{claim['qualifier'] + ' ' if claim['qualifier'] not in ('none', 'exactly') else ''}{fmt(stated.point)} {unit}"
    else:
        unit = row["expected_unit"]
        lo, hi = float(row["expected_low"]), float(row["expected_high"])
        stated = Interval(lo, hi, (lo + hi) / 2)
        stated_text = f"{lo:g} to {hi:g} {unit} (how the text's wording is read)"
    computed = _gap_interval(ctx, start, end, unit)
    result = _compare(ctx, computed, stated)
    if computed.overlaps(stated) and result["verdict"] != CONSISTENT:
        result["verdict"] = CONSISTENT if stated.low <= computed.low and computed.high <= stated.high else WITHIN_ROUNDING
    result.update(
        stated=stated_text, computed=f"{computed.low:.2f} to {computed.high:.2f} {unit}",
        computation=f"from {ctx.dates(start)[0]}…{ctx.dates(start)[1]} to {ctx.dates(end)[0]}…{ctx.dates(end)[1]}: "
                    f"{computed.low:.2f} to {computed.high:.2f} {unit}",
    )
    return result


@kind("span_within", roles=("start:either", "end:either", "duration"),
      does="two dated events fit within a stated duration")
def _span_within(ctx, row, inputs):
    start, end, duration = inputs
    claim = ctx.claim(duration)
    unit = claim["unit"]
    stated = ctx.interval(duration)
    computed = _gap_interval(ctx, start, end, unit)
    fits = computed.low <= stated.high
    return {
        "verdict": CONSISTENT if fits else INCONSISTENT, "stated_value": stated.point, "computed_value": computed.low,
        "stated": f"{fmt(stated.point)} {unit}", "computed": f"at least {computed.low:.2f} {unit} between the dated events",
        "computation": f"{ctx.dates(start)[0]} to {ctx.dates(end)[0]} is {computed.low:.2f} {unit}, "
                       + ("which fits within" if fits else "longer than") + f" {fmt(stated.point)} {unit}",
    }


@kind("range_length", roles=("range", "length"),
      does="a range of years against its stated length")
def _range_length(ctx, row, inputs):
    range_id, length_id = inputs
    c = ctx.claim(range_id)
    years = c["high"] - c["low"] + 1  # inclusive calendar years: 1954-1956 is three
    length = ctx.interval(length_id)
    result = _compare(ctx, Interval(years, years, years), length)
    result.update(stated=f"{fmt(length.point)} years", computed=f"{fmt(years)} calendar years",
                  computation=f"{int(c['low'])} to {int(c['high'])} inclusive = {years:g} years")
    return result


@kind("comparison", roles=("first", "second"),
      does="the text says the first is comparable to or larger than the second")
def _comparison(ctx, row, inputs):
    """The text says the first is comparable to, or larger than, the second."""
    first, second = inputs
    a, b = ctx.interval(first), ctx.interval(second)
    ratio = a.point / b.point
    if ratio >= 1:
        result = CONSISTENT
    elif a.high >= b.low or ratio >= 0.8:
        result = WITHIN_ROUNDING  # comparable, but not surpassing
    elif ratio >= 1 / ctx.assumptions.gross_factor:
        result = INCONSISTENT
    else:
        result = GROSS
    unit = ctx.claim(first)["unit"]
    return {
        "verdict": result, "stated_value": b.point, "computed_value": a.point, "gap_abs": a.point - b.point,
        "gap_rel": ratio - 1, "stated": f"{fmt(b.point)} {unit} (second)", "computed": f"{fmt(a.point)} {unit} (first)",
        "computation": f"{fmt(a.point)} / {fmt(b.point)} = {ratio:.3f}",
    }


@kind("count_listed", roles=("counted",),
      expects={"expected_low": "how many items the sentence lists", "expected_high": "(optional) the same number"},
      does="a stated count against the items the sentence lists")
def _count_listed(ctx, row, inputs):
    (claim_id,) = inputs
    listed = float(row["expected_low"])
    result = _compare(ctx, Interval(listed, listed, listed), ctx.interval(claim_id))
    result.update(stated=fmt(ctx.interval(claim_id).point), computed=f"{listed:g} listed in the text",
                  computation=f"the sentence lists {listed:g} items")
    return result


def _both_ends(low: dict, high: dict) -> dict:
    """A range checked at each end: the worse verdict, both computations shown."""
    worse = high if SEVERITY[high["verdict"]] > SEVERITY[low["verdict"]] else low
    merged = dict(worse)
    for key in ("stated", "computed", "computation", "implied_rate"):
        if low.get(key) or high.get(key):
            merged[key] = f"low end: {low.get(key, '')}; high end: {high.get(key, '')}"
    return merged


def load_checks(path: Path = paths.CHECKS_CSV, claims: pd.DataFrame | None = None) -> list[dict]:
    """The checks, validated: known kinds, and every input a claim or a reference fact."""
    claims = claims if claims is not None else claims_mod.load_claims()
    rows = claims_mod.read_csv_strict(path, datapackage.field_names("checks"))
    known_refs = {i for table in reference.load().values() for i in table.index}
    chapters = datapackage.enum("checks", "chapter")
    from . import registry
    seen = set()
    for row in rows:
        where = f"{path}, line {row['_line']} (check {row['id']})"
        if row["id"] in seen:
            raise DataError(f"{where}, field 'id': duplicate check id")
        seen.add(row["id"])
        if row["kind"] not in KINDS:
            raise DataError(f"{where}, field 'kind': {row['kind']!r} is not one of: {', '.join(sorted(KINDS))}")
        if row["chapter"] not in chapters:
            raise DataError(f"{where}, field 'chapter': " + registry.unknown_chapter(row["chapter"]))
        for item in row["inputs"].split():
            if item not in claims.index and item not in known_refs:
                raise DataError(f"{where}, field 'inputs': {item!r} is neither a claim in data/claims.csv nor a reference fact")
        check_against_spec(where, row, claims, known_refs)
    datapackage.validate("checks", path)
    return rows


def run_check(ctx: Context, row: dict) -> Finding:
    inputs = row["inputs"].split()
    try:
        ranged = [i for i in inputs if ctx.is_range(i)]
        if ranged and KIND_SPECS[row["kind"]].ends:
            fields = _both_ends(KINDS[row["kind"]](ctx.at_end("low"), row, inputs),
                                KINDS[row["kind"]](ctx.at_end("high"), row, inputs))
        else:
            fields = KINDS[row["kind"]](ctx, row, inputs)
    except (ValueError, KeyError, ZeroDivisionError) as error:
        raise DataError(f"{paths.CHECKS_CSV}, line {row['_line']} (check {row['id']}): cannot run: {error}") from None
    claim_ids = [i for i in inputs if i in ctx.claims.index]
    quotes = [{"claim": i, "page": int(ctx.claim(i)["page"]),
               "footnote": None if pd.isna(ctx.claim(i)["footnote"]) else int(ctx.claim(i)["footnote"]),
               "quote": ctx.claim(i)["quote"]} for i in claim_ids]
    return Finding(
        check=row["id"], kind=row["kind"], title=row["title"], chapter=row["chapter"], inputs=inputs,
        explanation=row["explanation"], pages=sorted({q["page"] for q in quotes}), quotes=quotes, **fields,
    )


def run_all(
    checks_path: Path = paths.CHECKS_CSV, claims: pd.DataFrame | None = None, assumptions: Assumptions | None = None,
    *, rows: list[dict] | None = None, context: Context | None = None,
) -> list[Finding]:
    """Every check of the excerpt, run: the findings, in the order of checks.csv.

    A caller that runs the checks many times (``paper_audit.sweep``) passes the
    ``rows`` of ``load_checks`` and its own ``context`` (whose assumptions
    apply), so that nothing is read again for each run.
    """
    if context is None:
        context = Context(claims if claims is not None else claims_mod.load_claims(), assumptions)
    rows = rows if rows is not None else load_checks(checks_path, context.claims)
    return [run_check(context, row) for row in rows]


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame([f.as_row() for f in findings])
