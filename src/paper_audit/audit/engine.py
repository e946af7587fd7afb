"""Relations between figures, run from data/checks.csv.

Each row of checks.csv names a kind of relation and, in order, the claims and
reference facts it relates, and declares what kind of evidence the result is
(``evidence``), the problem it belongs to (``problem``) and whether it can fail
at all (``definitional``). ``run_all`` returns one ``Finding`` per check: what
was computed, from which quotes, how far from the stated figure, the implied
rate where there is one, the grade from ``rounding`` and the verdict in the
words of its evidence kind (``evidence``).

A kind returns the grade of its computation (``grade``) and, where it knows
better, a wording verdict or the uncertainty of its yardstick; ``extras`` are
values the check's explanation may name as ``{field}`` (explanations are
templates, so no number in them is typed by hand).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from paper_audit.tables import claims as claims_mod
from paper_audit.tables import schema, reference
from paper_audit.audit import evidence
from paper_audit import paths
from paper_audit.text import source
from paper_audit.errors import DataError
from paper_audit.audit.params import Assumptions
from paper_audit.audit.rounding import CONSISTENT, GROSS, INCONSISTENT, SEVERITY, WITHIN_ROUNDING, Interval, propagate, relative_gap, stated_interval, verdict

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
    evidence: str = "arithmetic"  # arithmetic | sources | yardstick | wording
    problem: str = ""  # findings with one root cause share it
    definitional: bool = False  # cannot fail: shown, never counted as agreement
    grade: str = ""  # the rounding grade of the computation (rounding.VERDICTS)
    stated_low: float | None = None
    stated_high: float | None = None
    spread: float | None = None  # sources: how far apart, relative to the smaller value
    uncertainty: str = ""  # yardstick: why no hard verdict is given, with the range
    phrase: dict | None = None  # wording: the phrase held against the numbers
    label: str = ""  # the verdict as shown, in the words of its evidence kind

    @property
    def severity(self) -> int:
        return evidence.SEVERITY[self.verdict]

    def as_row(self) -> dict:
        row = asdict(self)
        row["inputs"] = " ".join(self.inputs)
        row["pages"] = " ".join(str(p) for p in self.pages)
        row["quotes"] = " | ".join(f"p. {q['page']}{', n. ' + str(q['footnote']) if q['footnote'] else ''}: “{q['quote']}”" for q in self.quotes)
        row["phrase"] = f"p. {self.phrase['page']}: “{self.phrase['text']}”" if self.phrase else ""
        row["severity"] = self.severity
        return row


class Context:
    """What a check can see: the claims and the reference facts."""

    def __init__(self, claims: pd.DataFrame, assumptions: Assumptions | None = None):
        self.claims = claims
        self.assumptions = assumptions or Assumptions()
        self._rows: dict[str, pd.Series] = {}

    def verdict(self, computed: Interval, stated: Interval) -> str:
        return verdict(computed, stated, self.assumptions.gross_factor)

    def rate_override(self, currency: str) -> float | None:
        """The reader's own rate for a currency, if they gave one."""
        return {"rubles": self.assumptions.rubles_per_usd, "yuan": self.assumptions.yuan_per_usd}.get(currency)

    def claim(self, claim_id: str) -> pd.Series:
        # One row lookup per claim and run: .loc is the costliest step of a run,
        # and a sweep calls run_all many times.
        row = self._rows.get(claim_id)
        if row is None:
            row = self._rows[claim_id] = self.claims.loc[claim_id]
        return row

    def period(self, claim_id: str) -> tuple[dt.date, dt.date]:
        """When a figure was made or what time it counts (period_start, period_end)."""
        c = self.claim(claim_id)
        start, end = c.get("period_start"), c.get("period_end")
        if not isinstance(start, str) or not start or not isinstance(end, str) or not end:
            raise DataError(f"claim {claim_id} has no period_start/period_end in {paths.CLAIMS_CSV.name}: "
                            "a yardstick can only be chosen for a figure whose time is known")
        return dt.date.fromisoformat(start), dt.date.fromisoformat(end)

    def is_range(self, item: str) -> bool:
        """Whether an input is a claim printed as a range of amounts (not of years)."""
        if item not in self.claims.index:
            return False
        c = self.claim(item)
        return c["unit"] not in ("year", "date") and c.get("low") is not None and not pd.isna(c.get("low"))

    def at_end(self, end: str) -> "Context":
        """The same context with every range claim read as its low or high end, as printed."""
        from paper_audit.text.figures import range_ends

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
        "grade": ctx.verdict(computed, stated),
        "stated_value": stated.point, "computed_value": computed.point,
        "computed_low": computed.low, "computed_high": computed.high,
        "stated_low": stated.low, "stated_high": stated.high,
        "gap_abs": computed.point - stated.point, "gap_rel": relative_gap(computed.point, stated.point),
    }


def _spread(a: float, b: float) -> float:
    """How far apart two positive values are, relative to the smaller."""
    return abs(a - b) / min(abs(a), abs(b))


# --------------------------------------------------------------------------
# Conversions: the paper's own rates, reference rates and accounting rates
# --------------------------------------------------------------------------


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
        extras={"rate": rf.point / rt.point},
    )
    if own is not None:
        result["explanation"] = READERS_RATE
    return result


# What a finding under the reader's own rate says instead of the check's explanation,
# which discusses the book's rates (so a rerun never shows a stale sentence).
READERS_RATE = ("Computed at the reader's rate of {rate:g} {currency} per dollar (a rerun parameter) instead of "
                "the rates the book discusses: {label}.")

UNSURE_CONFIDENCE = ("medium-low", "low", "none")  # a yardstick this weak gives no hard verdict


def _describe_rate(rate) -> str:
    end = rate["valid_to"] or "open"
    return f"{rate['id']}: {float(rate['units_per_usd']):g} {rate['currency']} per USD, valid {rate['valid_from']} to {end}, {rate['confidence']} confidence"


def _units_note(currency: str, start: dt.date, end: dt.date) -> str:
    """Which units the paper's sums are in, where a redenomination falls before or inside the figure's time."""
    reform = reference.redenomination(currency)
    if reform is None:
        return ""
    day = dt.date.fromisoformat(reform["date"])
    if start >= day:
        return ""
    return (f"Sums dated before {day.isoformat()} were counted in old units ({reform['event']}); the paper's figure "
            f"is read, as its size shows, in new units, and the yardsticks are expressed in new units too.")


def _yardsticks(ctx, row, claim_id: str, currency: str, named: list[str]) -> list:
    """The candidate rates for a figure: every reference rate for its currency that
    held during its period. A rate the check names but that did not hold then is refused."""
    start, end = ctx.period(claim_id)
    candidates = reference.rates_for(currency, start, end)
    for rate_id in named:
        _, rate = reference.lookup(rate_id)
        if rate["currency"] != currency:
            raise DataError(f"{paths.CHECKS_CSV}, line {row['_line']} (check {row['id']}), field 'inputs': "
                            f"the yardstick {rate_id} is a rate for {rate['currency']}, the figure is in {currency}")
        if not reference.valid_during(rate, start, end):
            raise DataError(f"{paths.CHECKS_CSV}, line {row['_line']} (check {row['id']}), field 'inputs': "
                            f"the yardstick {rate_id} (valid {rate['valid_from']} to {rate['valid_to'] or 'open'}) "
                            f"was not valid during {claim_id}'s period {start} to {end}; "
                            f"name a rate valid then in data/reference/exchange_rates.csv, or fix the claim's period")
    if not candidates:
        raise DataError(f"{paths.CHECKS_CSV}, line {row['_line']} (check {row['id']}): no reference rate for "
                        f"{currency} held during {claim_id}'s period {start} to {end}")
    # The named rate first: it is the one the check's explanation discusses.
    return sorted(candidates, key=lambda r: (r["id"] not in named, r["valid_from"], r["id"]))


@kind("reference_rate", roles=("amount", "converted", "rate:fact?"), ends=True,
      does="an amount converted at an independent official rate of the time")
def _reference_rate(ctx, row, inputs):
    """A conversion held against every official rate valid when the figure was made."""
    amount, converted, *named = inputs
    a, b = ctx.interval(amount), ctx.interval(converted)
    ua = ctx.claim(amount)["unit"]
    own = ctx.rate_override(ua)
    start, end = ctx.period(amount)
    if own is not None:
        rates = [{"id": "parameter", "currency": ua, "units_per_usd": own, "valid_from": "", "valid_to": "",
                  "confidence": "reader's assumption", "basis": "the rate given as a parameter"}]
    else:
        rates = _yardsticks(ctx, row, amount, ua, named)
    results = []
    for rate in rates:
        per_usd = float(rate["units_per_usd"])
        computed = propagate(lambda x, r=per_usd: x / r, [a])
        results.append((rate, per_usd, computed, ctx.verdict(computed, b)))
    rate, per_usd, computed, _ = results[0]
    result = _compare(ctx, computed, b)
    values = sorted({r[1] for r in results})
    low = min(r[2].low for r in results)
    high = max(r[2].high for r in results)
    reasons = []
    windows = {(r[0]["valid_from"], r[0]["valid_to"]) for r in results}
    if len(windows) > 1:
        changes = sorted({r[0]["valid_from"] for r in results})[1:]
        reasons.append(f"the figure's period {start} to {end} straddles a change of rate on {', '.join(changes)}")
    if len(values) > 1 and len(windows) < len(results):
        reasons.append("sources of the rate conflict for the same dates")
    reasons += [f"{r[0]['id']} has {r[0]['confidence']} confidence" for r in results
                if r[0]["confidence"] in UNSURE_CONFIDENCE]
    grades = [r[3] for r in results]
    uncertainty = ""
    if reasons and own is None:
        adverse = all(g in (INCONSISTENT, GROSS) for g in grades)
        agree = all(g in (CONSISTENT, WITHIN_ROUNDING) for g in grades)
        span = f"USD {fmt(min(r[2].point for r in results))} to {fmt(max(r[2].point for r in results))}"
        if adverse:
            uncertainty = f"off at every candidate rate ({span})"
        elif agree:
            uncertainty = f"consistent at every candidate rate ({span})"
        else:
            uncertainty = "depends on the yardstick: " + "; ".join(f"{r[3]} at {r[1]:g}" for r in results)
        result.update(computed_low=low, computed_high=high)
    result.update(
        stated=f"USD {fmt(b.point)}",
        computed=f"USD {fmt(computed.point)}" if len(results) == 1 or own is not None
        else f"USD {fmt(min(r[2].point for r in results))} to {fmt(max(r[2].point for r in results))}",
        implied_rate=f"{a.point / b.point:,.4g} {ua} per USD " + (
            f"(reference {per_usd:g}, {rate['confidence']} confidence)" if len(values) == 1
            else f"(candidate references {values[0]:g} to {values[-1]:g})"),
        computation="; ".join(f"{fmt(a.point)} {ua} / {r[1]:g} {ua} per USD ({r[0]['basis']}) = USD {fmt(r[2].point)}"
                              for r in results) + (f". Yardstick uncertain: {'; '.join(reasons)}" if uncertainty else ""),
        uncertain=bool(uncertainty), uncertainty=uncertainty,
        extras={"yardsticks": "; ".join(_describe_rate(r[0]) for r in results) if own is None else "the reader's rate",
                "range": f"USD {fmt(min(r[2].point for r in results))} to {fmt(max(r[2].point for r in results))}",
                "units_note": _units_note(ua, start, end), "rate": per_usd},
    )
    if own is not None:
        result["explanation"] = READERS_RATE
    return result


@kind("accounting_rate", roles=("amount", "converted", "accounting_sum:fact", "accounted", "rate_from", "rate_to"),
      does="an amount converted through an accounting of the time, then at the text's own rate to dollars")
def _accounting_rate(ctx, row, inputs):
    """A sum converted through an accounting of the time: a reference sum in another
    currency for a stated amount gives the cross rate; then the paper's own rate to dollars."""
    amount, converted, accounting_sum, accounted, rate_from, rate_to = inputs
    a, b = ctx.interval(amount), ctx.interval(converted)
    _, fact = reference.lookup(accounting_sum)
    sum_value = float(fact["value"])
    per_unit = sum_value / ctx.interval(accounted).point  # e.g. rubles per yuan
    rf, rt = ctx.interval(rate_from).point, ctx.interval(rate_to).point
    computed = propagate(lambda x: x * per_unit * rt / rf, [a])
    result = _compare(ctx, computed, b)
    ua, ub, uf = ctx.claim(amount)["unit"], ctx.claim(converted)["unit"], fact["unit"]
    result.update(
        stated=f"{fmt(b.point)} {ub}", computed=f"{fmt(computed.point)} {ub}",
        implied_rate=f"{a.point / b.point:,.4g} {ua} per {ub} (through the accounting: {rf / rt / per_unit:,.4g})",
        computation=f"{fmt(a.point)} {ua} × {per_unit:g} {uf} per {ua} ({fact['fact']}) / {rf / rt:g} {uf} per {ub} "
                    f"= {fmt(computed.point)} {ub}; with rounding {fmt(computed.low)} to {fmt(computed.high)}",
        extras={"cross_rate": per_unit, "accounting_sum": f"{fmt(sum_value)} {uf}", "via_rate": rf / rt,
                "usd_rate": rf / rt / per_unit, "confidence": fact["confidence"]},
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
        "grade": result, "stated_value": lo, "computed_value": hi, "computed_low": lo, "computed_high": hi,
        "stated_low": max(r.low for r in rates), "stated_high": min(r.high for r in rates),
        "gap_abs": hi - lo, "gap_rel": hi / lo - 1, "spread": hi / lo - 1,
        "stated": f"one rate for {len(pairs)} conversions", "computed": f"rates from {lo:,.4g} to {hi:,.4g} {ua} per {ub}",
        "implied_rate": ", ".join(f"{r.point:,.4g}" for r in rates) + f" {ua} per {ub}",
        "computation": listing + ("; one rate fits all within rounding" if common else "; no single rate fits all within rounding"),
        "extras": {"low_rate": lo, "high_rate": hi, "ratio": hi / lo, "rates": ", ".join(f"{p:,.4g}" for p in points)},
    }


# --------------------------------------------------------------------------
# Parts, wholes and the same quantity twice
# --------------------------------------------------------------------------


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
        extras={"excess": computed.point - target, "rounding_reach": (computed.high - computed.low) / 2,
                "n_parts": len(parts)},
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
                  computation=f"{first}: {fmt(a.low)} to {fmt(a.high)}; {second}: {fmt(b.low)} to {fmt(b.high)}",
                  spread=_spread(a.point, b.point),
                  extras={"ratio": max(a.point, b.point) / min(a.point, b.point)})
    return result


@kind("remainder", roles=("total", "part", "phrase_figure?"),
      does="what remains of a total after a part left")
def _remainder(ctx, row, inputs):
    """What remains of a total after a part left. Optional further inputs are
    the phrase's own figures (shown as quotes). As a wording check: a phrase
    that has the whole total stay is supported if nothing left, partly if
    some of it stayed, not at all if nothing did."""
    total, part, *_ = (ctx.interval(i) for i in inputs)
    remainder = total.point - part.point
    ok = 0 <= remainder <= total.point
    unit = ctx.claim(inputs[0])["unit"]
    if remainder >= total.point:
        wording = evidence.SUPPORTED
    elif remainder > 0:
        wording = evidence.PARTLY
    else:
        wording = evidence.NOT_SUPPORTED
    return {
        "grade": CONSISTENT if ok else GROSS, "computed_value": remainder, "stated_value": None, "wording": wording,
        "stated": "the rest (not stated as a number)", "computed": f"{fmt(remainder)} {unit}",
        "computation": f"{fmt(total.point)} − {fmt(part.point)} = {fmt(remainder)} {unit}",
        "extras": {"total": total.point, "part": part.point, "remainder": remainder,
                   "share": remainder / total.point if total.point else math.nan},
    }


@kind("share_ratio", roles=("share_a", "share_b", "sum_a", "sum_b"),
      does="two donors' shares against the ratio of the sums the text gives for them")
def _share_ratio(ctx, row, inputs):
    """Two donors' shares (percent) against the ratio of the sums the paper gives for them."""
    share_a, share_b, sum_a, sum_b = inputs
    shares = propagate(lambda x, y: x / y, [ctx.interval(share_a), ctx.interval(share_b)])
    sums = propagate(lambda x, y: x / y, [ctx.interval(sum_a), ctx.interval(sum_b)])
    result = _compare(ctx, sums, shares)
    result.update(
        stated=f"ratio of shares {shares.point:.4g}", computed=f"ratio of sums {sums.point:.4g}",
        computation=f"shares {fmt(ctx.interval(share_a).point)} / {fmt(ctx.interval(share_b).point)} = {shares.point:.4g} "
                    f"({shares.low:.4g} to {shares.high:.4g}); sums {fmt(ctx.interval(sum_a).point)} / "
                    f"{fmt(ctx.interval(sum_b).point)} = {sums.point:.4g} ({sums.low:.4g} to {sums.high:.4g})",
        spread=_spread(sums.point, shares.point),
        extras={"share_ratio": shares.point, "sum_ratio": sums.point},
    )
    return result


@kind("share_implied_sum", roles=("share_other", "share_known", "sum_known", "sum_other:either"),
      does="a share and its sum give the whole; another share of it against a sum known for that donor")
def _share_implied_sum(ctx, row, inputs):
    """One donor's share and sum give the whole; another donor's share of that whole
    is held against a sum known for that donor (a claim or a reference sum)."""
    share_other, share_known, sum_known, sum_other = inputs
    if sum_other in ctx.claims.index:
        other = ctx.interval(sum_other)
        other_text = ctx.claim(sum_other)["measure"]
    else:
        _, fact = reference.lookup(sum_other)
        value = float(fact["value"])
        other, other_text = Interval(value, value, value), f"{fact['fact']} ({fact['confidence']} confidence)"
    parts = [ctx.interval(share_other), ctx.interval(share_known), ctx.interval(sum_known)]
    implied = propagate(lambda so, sk, s: s * so / sk, parts)
    whole = propagate(lambda sk, s: s * 100 / sk, parts[1:])
    unit = ctx.claim(sum_known)["unit"]
    result = _compare(ctx, implied, other)
    result.update(
        stated=f"{fmt(other.point)} {unit} ({other_text})", computed=f"{fmt(implied.point)} {unit}",
        computation=f"whole = {fmt(parts[2].point)} / {parts[1].point:g}% = {fmt(whole.point)} {unit}; "
                    f"{parts[0].point:g}% of it = {fmt(implied.point)} {unit} "
                    f"(with rounding {fmt(implied.low)} to {fmt(implied.high)})",
        spread=_spread(implied.point, other.point),
        extras={"whole": f"{fmt(whole.point)} {unit}", "implied": f"{fmt(implied.point)} {unit}",
                "known": f"{fmt(other.point)} {unit}", "share_of_known": implied.point / other.point},
    )
    return result


# --------------------------------------------------------------------------
# Counts and references
# --------------------------------------------------------------------------


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


@kind("footnote_rate", roles=("converted_amount", "footnote_rate"),
      does="the footnote a sentence cites gives a rate for the currency the sentence converts")
def _footnote_rate(ctx, row, inputs):
    """Does the footnote a sentence cites give a rate for the currency the sentence converts?"""
    converted_amount, footnote_rate = inputs
    currency = ctx.claim(converted_amount)["unit"]
    rate_currency = ctx.claim(footnote_rate)["unit"]
    note = ctx.claim(footnote_rate)["footnote"]
    covers = currency == rate_currency
    return {
        "grade": CONSISTENT if covers else INCONSISTENT,
        "wording": evidence.SUPPORTED if covers else evidence.NOT_SUPPORTED,
        "stated": f"footnote {note}, cited for sums in {currency}",
        "computed": f"a rate for {rate_currency} only",
        "computation": f"the sentence converts {currency} to dollars; footnote {note} gives a rate in {rate_currency}"
                       + ("" if covers else f" and none for {currency}"),
        "extras": {"currency": currency, "rate_currency": rate_currency, "note": note},
    }


# --------------------------------------------------------------------------
# Dates and durations
# --------------------------------------------------------------------------


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
        "grade": result, "gap_abs": float(days_off), "computed_value": float(days_off),
        "stated": f"{c_start.isoformat()} to {c_end.isoformat()}" if c_start != c_end else c_start.isoformat(),
        "computed": f"{r_start.isoformat()}" + (f" to {r_end.isoformat()}" if r_end != r_start else "") + f" ({fact['confidence']} confidence)",
        "computation": f"the text's dates span {c_start} to {c_end}; the reference ({fact['event']}) {r_start} to {r_end}; "
                       + ("they overlap" if overlap else f"{days_off} days apart"),
        "extras": {"reference_start": r_start.isoformat(), "reference_end": r_end.isoformat()},
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
    if computed.overlaps(stated) and result["grade"] != CONSISTENT:
        # The text's words stand for a span: inside it is consistent, overlapping it within rounding.
        result["grade"] = CONSISTENT if stated.low <= computed.low and computed.high <= stated.high else WITHIN_ROUNDING
    days = _gap_interval(ctx, start, end, "days")
    result.update(
        stated=stated_text, computed=f"{computed.low:.2f} to {computed.high:.2f} {unit}",
        computation=f"from {ctx.dates(start)[0]}…{ctx.dates(start)[1]} to {ctx.dates(end)[0]}…{ctx.dates(end)[1]}: "
                    f"{computed.low:.2f} to {computed.high:.2f} {unit}",
        extras={"days_low": days.low, "days_high": days.high, "expected_low": stated.low, "expected_high": stated.high},
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
        "grade": CONSISTENT if fits else INCONSISTENT, "stated_value": stated.point, "computed_value": computed.low,
        "stated": f"{fmt(stated.point)} {unit}", "computed": f"at least {computed.low:.2f} {unit} between the dated events",
        "computation": f"{ctx.dates(start)[0]} to {ctx.dates(end)[0]} is {computed.low:.2f} {unit}, "
                       + ("which fits within" if fits else "longer than") + f" {fmt(stated.point)} {unit}",
        "extras": {"span": computed.low},
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


# --------------------------------------------------------------------------
# Statements held against numbers
# --------------------------------------------------------------------------

COMPARABLE_RATIO = 0.8  # "comparable": the smaller is at least this share of the larger


@kind("comparison", roles=("first", "second"),
      does="the text says the first is comparable to or larger than the second")
def _comparison(ctx, row, inputs):
    """The text says the first is comparable to, and even larger than, the second.

    Supported if the first is larger; partly supported if it is at least
    COMPARABLE_RATIO of the second (comparable, but not surpassing); not
    supported otherwise. The grade is the plain rounding grade of the two.
    """
    first, second = inputs
    a, b = ctx.interval(first), ctx.interval(second)
    ratio = a.point / b.point
    if ratio >= 1:
        wording = evidence.SUPPORTED
    elif ratio >= COMPARABLE_RATIO:
        wording = evidence.PARTLY
    else:
        wording = evidence.NOT_SUPPORTED
    unit = ctx.claim(first)["unit"]
    return {
        "grade": CONSISTENT if ratio >= 1 else ctx.verdict(a, b), "wording": wording,
        "stated_value": b.point, "computed_value": a.point, "gap_abs": a.point - b.point,
        "computed_low": a.low, "computed_high": a.high, "stated_low": b.low, "stated_high": b.high,
        "gap_rel": ratio - 1, "stated": f"{fmt(b.point)} {unit} (second)", "computed": f"{fmt(a.point)} {unit} (first)",
        "computation": f"{fmt(a.point)} / {fmt(b.point)} = {ratio:.3f} (comparable from {COMPARABLE_RATIO:g})",
        "extras": {"ratio": ratio, "comparable": COMPARABLE_RATIO},
    }


# --------------------------------------------------------------------------
# Loading and running
# --------------------------------------------------------------------------


def _find_phrase(phrase: str, pages: dict) -> dict | None:
    hits = [(n, p.clean.index(phrase)) for n, p in pages.items() if phrase in p.clean]
    if len(hits) != 1 or sum(p.clean.count(phrase) for p in pages.values()) != 1:
        return None
    page, start = hits[0]
    return {"page": page, "footnote": pages[page].footnote_at(start), "text": phrase}


def _both_ends(low: dict, high: dict) -> dict:
    """A range checked at each end: the worse verdict, both computations shown."""
    worse = high if SEVERITY[high["grade"]] > SEVERITY[low["grade"]] else low
    merged = dict(worse)
    for key in ("stated", "computed", "computation", "implied_rate"):
        if low.get(key) or high.get(key):
            merged[key] = f"low end: {low.get(key, '')}; high end: {high.get(key, '')}"
    return merged


def load_checks(path: Path = paths.CHECKS_CSV, claims: pd.DataFrame | None = None) -> list[dict]:
    """The checks, validated: known kinds and evidence, every input a claim or a
    reference fact, a phrase (wording checks) found once in the excerpt, and an
    explanation whose ``{fields}`` are names a finding can fill."""
    claims = claims if claims is not None else claims_mod.load_claims()
    rows = claims_mod.read_csv_strict(path, schema.field_names("checks"))
    known_refs = {i for table in reference.load().values() for i in table.index}
    chapters = schema.enum("checks", "chapter")
    from paper_audit.tables import toc
    pages = source.load_pages()
    seen = set()
    for row in rows:
        where = f"{path}, line {row['_line']} (check {row['id']})"
        if row["id"] in seen:
            raise DataError(f"{where}, field 'id': duplicate check id")
        seen.add(row["id"])
        if row["kind"] not in KINDS:
            raise DataError(f"{where}, field 'kind': {row['kind']!r} is not one of: {', '.join(sorted(KINDS))}")
        if row["chapter"] not in chapters:
            raise DataError(f"{where}, field 'chapter': " + toc.unknown_chapter(row["chapter"]))
        if row["evidence"] not in evidence.KINDS:
            raise DataError(f"{where}, field 'evidence': {row['evidence']!r} is not one of: {', '.join(evidence.KINDS)}")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", row["problem"]):
            raise DataError(f"{where}, field 'problem': {row['problem']!r} is not a snake_case problem id")
        if row["definitional"] not in ("", "true", "false"):
            raise DataError(f"{where}, field 'definitional': {row['definitional']!r} is not true, false or empty")
        row["definitional"] = row["definitional"] == "true"
        if row["evidence"] == "wording" and not row["phrase"]:
            raise DataError(f"{where}, field 'phrase': a wording check must quote the phrase it holds against the numbers")
        if row["phrase"]:
            found = _find_phrase(row["phrase"], pages)
            if found is None:
                raise DataError(f"{where}, field 'phrase': {row['phrase']!r} does not occur exactly once in the excerpt's clean text")
            row["phrase_at"] = found
        for item in row["inputs"].split():
            if item not in claims.index and item not in known_refs:
                raise DataError(f"{where}, field 'inputs': {item!r} is neither a claim in data/claims.csv nor a reference fact")
        check_against_spec(where, row, claims, known_refs)
        for name in re.findall(r"\{([a-z_]+)[^}]*\}", row["explanation"]):
            if name not in TEMPLATE_FIELDS and name not in EXTRA_FIELDS:
                raise DataError(f"{where}, field 'explanation': {{{name}}} is not a value a finding provides "
                                f"(use one of: {', '.join(sorted(TEMPLATE_FIELDS | EXTRA_FIELDS))})")
    schema.validate("checks", path)
    return rows


TEMPLATE_FIELDS = {"stated", "computed", "stated_value", "computed_value", "computed_low", "computed_high",
                   "gap_abs", "gap_rel", "implied_rate", "spread", "label"}
EXTRA_FIELDS = {"yardsticks", "range", "units_note", "rate", "cross_rate", "accounting_sum", "via_rate", "usd_rate",
                "confidence", "low_rate", "high_rate", "ratio", "rates", "excess", "rounding_reach", "n_parts",
                "total", "part", "remainder", "share", "share_ratio", "sum_ratio", "whole", "implied", "known",
                "share_of_known", "currency", "rate_currency", "note", "reference_start", "reference_end",
                "days_low", "days_high", "expected_low", "expected_high", "span", "comparable"}


class _Missing(dict):
    def __init__(self, check: str, values: dict):
        super().__init__(values)
        self.check = check

    def __missing__(self, key):
        raise DataError(f"{paths.CHECKS_CSV} (check {self.check}), field 'explanation': "
                        f"{{{key}}} has no value for this kind of check")


def explain(template: str, finding: Finding, extras: dict) -> str:
    """Fill an explanation's ``{fields}`` from the finding (its numbers are never typed)."""
    values = {name: getattr(finding, name) for name in TEMPLATE_FIELDS}
    values.update(extras)
    return template.format_map(_Missing(finding.check, values))


def run_check(ctx: Context, row: dict) -> Finding:
    inputs = row["inputs"].split()
    try:
        ranged = [i for i in inputs if ctx.is_range(i)]
        if ranged and KIND_SPECS[row["kind"]].ends:
            fields = _both_ends(dict(KINDS[row["kind"]](ctx.at_end("low"), row, inputs)),
                                dict(KINDS[row["kind"]](ctx.at_end("high"), row, inputs)))
        else:
            fields = dict(KINDS[row["kind"]](ctx, row, inputs))
    except DataError as error:
        message = str(error)
        raise DataError(message if f"check {row['id']}" in message
                        else f"{paths.CHECKS_CSV}, line {row['_line']} (check {row['id']}): {message}") from None
    except (ValueError, KeyError, ZeroDivisionError) as error:
        raise DataError(f"{paths.CHECKS_CSV}, line {row['_line']} (check {row['id']}): cannot run: {error}") from None
    claim_ids = [i for i in inputs if i in ctx.claims.index]
    quotes = []
    for i in claim_ids:
        c = ctx.claim(i)
        quotes.append({"claim": i, "page": int(c["page"]),
                       "footnote": None if pd.isna(c["footnote"]) else int(c["footnote"]), "quote": c["quote"],
                       "reported_by": c.get("reported_by", ""), "reported_when": c.get("reported_when", ""),
                       "reported_why": c.get("reported_why", "")})
    kind_of_evidence = row.get("evidence") or "arithmetic"
    definitional = bool(row.get("definitional"))
    extras = fields.pop("extras", {})
    template = fields.pop("explanation", row["explanation"])
    extras.setdefault("currency", ctx.claim(inputs[0])["unit"] if inputs and inputs[0] in ctx.claims.index else "")
    wording = fields.pop("wording", "")
    uncertain = fields.pop("uncertain", False)
    grade = fields.pop("grade")
    finding = Finding(
        check=row["id"], kind=row["kind"], title=row["title"], chapter=row["chapter"], inputs=inputs,
        verdict=evidence.fit(kind_of_evidence, grade, wording=wording, uncertain=uncertain, definitional=definitional),
        grade=grade, evidence=kind_of_evidence, problem=row.get("problem") or row["id"], definitional=definitional,
        phrase=row.get("phrase_at"), pages=sorted({q["page"] for q in quotes}), quotes=quotes, **fields,
    )
    finding.label = evidence.label(finding)
    finding.explanation = explain(template, finding, extras)
    return finding


def run_all(
    checks_path: Path = paths.CHECKS_CSV, claims: pd.DataFrame | None = None, assumptions: Assumptions | None = None,
    *, rows: list[dict] | None = None, context: Context | None = None,
) -> list[Finding]:
    """Every check of the excerpt, run: the findings, in the order of checks.csv.

    A caller that runs the checks many times (``paper_audit.run.sweep``) passes the
    ``rows`` of ``load_checks`` and its own ``context`` (whose assumptions
    apply), so that nothing is read again for each run.
    """
    if context is None:
        context = Context(claims if claims is not None else claims_mod.load_claims(), assumptions)
    rows = rows if rows is not None else load_checks(checks_path, context.claims)
    return [run_check(context, row) for row in rows]


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame([f.as_row() for f in findings])


def findings_summary(findings: list[Finding] | None = None) -> dict:
    """Distinct problems by evidence kind (see ``evidence.findings_summary``); the
    book's own findings when none are given."""
    return evidence.findings_summary(findings if findings is not None else run_all())
