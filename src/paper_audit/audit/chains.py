"""How a printed figure was probably made (issue 25): the chains of rates,
outside sums and documented slips that reproduce a conversion the paper prints.

For a sum in one currency and its printed equivalent in another, ``search``
tries every chain the rules allow and keeps those that reproduce the printed
figure within the rounding of both (the chain's interval, from the rounding of
its starting sum, overlaps the printed figure's interval):

* the paper's own sum, converted by at most two rates from the reference data
  (``exchange_rates.csv``: units per dollar; ``cross_rates.csv``: units of one
  currency per unit of another), each at any date, with at most one documented
  slip (``data/slips.csv``: a scale slip, a redenomination, a transposition of
  the printed figure's digits, a rate cut to fewer figures);
* or an outside sum (``sums.csv``) that is an account of the amount or of the
  printed figure, or that the same source gives on the same date beside such
  an account, in a currency other than the printed figure's, converted by one
  rate.

Ranking rule (``RANKING_RULE``, which the book glues): fewest steps (rates,
slips and outside sums counted alike), then chains whose every rate held at
the figure's date (the printed claim's period against the rate's
``valid_from``/``valid_to``) before the others, then the higher confidence of
the weakest source in the chain, then the closer point value; the last tie is
broken by the chain's words, so the order never depends on the tables' order.

The results are typed, frozen and checked when built (``Chain.__post_init__``,
``ChainSearch.__post_init__``): a chain that claims to reproduce overlaps the
figure it is held against, a best chain is the first of the reproducing ones.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from paper_audit.audit.chain_data import CONFIDENCE, USD, Rate, Slip, Tables, conversion_pairs, owners
from paper_audit.audit.check_kinds import ContractError
from paper_audit.audit.context import Context
from paper_audit.audit.phrasing import amount_text, date_text, dates_text, listed
from paper_audit.audit.rounding import Interval, stated_interval
from paper_audit.tables import reference

RANKING_RULE = (
    "Where several chains reproduce a printed figure, the one with the fewest steps comes first, "
    "counting rates, slips and outside sums alike; among as many steps, one whose rates all held "
    "at the figure's date; then the one whose weakest source has the higher confidence."
)
MAX_RATES = 2
STEP_KINDS = ("sum", "rate", "slip")


@dataclass(frozen=True)
class Step:
    """One step of a chain: an outside sum taken as the start, a rate, or a slip, in words."""

    kind: str  # sum | rate | slip
    ref: str  # the id of the sum, rate or slip
    words: str
    confidence: str
    valid: bool = True  # a rate: whether it held at the figure's date
    slip_type: str = ""  # a slip: its type (chain_data.SLIP_TYPES)
    sources: tuple[str, ...] = ()  # the ids of what it rests on: a fact's sources, a slip's evidence

    def __post_init__(self) -> None:
        if self.kind not in STEP_KINDS:
            raise ContractError(f"a step of kind {self.kind!r}, not one of {STEP_KINDS}")
        if self.confidence not in CONFIDENCE:
            raise ContractError(f"step {self.ref}: confidence {self.confidence!r} is not one of {CONFIDENCE}")


@dataclass(frozen=True)
class Chain:
    """A way the printed figure could have been made, and what it gives."""

    start: str  # the id of the claim or outside sum the chain starts from
    start_words: str
    steps: tuple[Step, ...]
    value: Interval  # what the chain gives, with the rounding of its start
    target: Interval  # what it is held against: the printed figure, or its transposed reading
    printed: Interval  # the printed figure's own interval
    reproduces: bool
    valid_at_date: bool
    sources: tuple[str, ...]
    confidence: str

    def __post_init__(self) -> None:
        counts = {k: sum(s.kind == k for s in self.steps) for k in STEP_KINDS}
        if not 1 <= counts["rate"] <= MAX_RATES or counts["slip"] > 1 or counts["sum"] > 1:
            raise ContractError(f"chain from {self.start}: {counts} breaks the rules (1-2 rates, 0-1 slip, 0-1 sum)")
        if counts["sum"] and (counts["rate"] > 1 or counts["slip"]):
            raise ContractError(f"chain from {self.start}: an outside sum is converted by one rate and no slip")
        if self.reproduces != self.value.overlaps(self.target):
            raise ContractError(
                f"chain from {self.start}: reproduces={self.reproduces} but the intervals say otherwise"
            )
        transposed = any(s.slip_type == "transposition" for s in self.steps)
        if self.target != self.printed and not transposed:
            raise ContractError(f"chain from {self.start}: held against another figure without a transposition")
        if self.valid_at_date != all(s.valid for s in self.steps if s.kind == "rate"):
            raise ContractError(f"chain from {self.start}: valid_at_date disagrees with its rates")
        if self.confidence != weakest(s.confidence for s in self.steps):
            raise ContractError(f"chain from {self.start}: confidence {self.confidence!r} is not its weakest step's")
        if self.sources != tuple(dict.fromkeys(i for s in self.steps for i in s.sources)):
            raise ContractError(f"chain from {self.start}: its sources are not its steps' sources")
        if not self.value.low <= self.value.point <= self.value.high:
            raise ContractError(f"chain from {self.start}: its value's interval does not hold its point")

    @property
    def size(self) -> int:
        """How many steps: rates, slips and outside sums alike."""
        return len(self.steps)

    @property
    def rates(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.kind == "rate")

    def key(self) -> tuple[Any, ...]:
        """The ranking (see the module's docstring)."""
        closeness = abs(math.log(self.value.point / self.target.point)) if self.value.point > 0 else math.inf
        return (self.size, not self.valid_at_date, CONFIDENCE.index(self.confidence), closeness, self.words())

    def words(self) -> str:
        """The chain in words: its start, then each step (a rate cut to fewer figures says so in the rate's words)."""
        said = [s.words for s in self.steps if s.kind == "rate" or (s.kind == "slip" and s.slip_type != "rounded_rate")]
        return ", ".join([self.start_words, *said])


@dataclass(frozen=True)
class ChainSearch:
    """What a search found for one printed figure."""

    amount: str
    printed: str
    printed_text: str  # the printed figure as a sentence gives it ("USD 362.5 million")
    currency: str  # the amount's
    unit: str  # the printed figure's
    best: Chain | None
    reproducing: tuple[Chain, ...]  # ranked, best first
    tried: int
    period: tuple[dt.date, dt.date] | None = None
    scale: tuple[float, str, int] = (1.0, "", 0)  # the printed figure's factor, scale word and decimals
    rule: str = field(default=RANKING_RULE)

    def __post_init__(self) -> None:
        if any(not c.reproduces for c in self.reproducing):
            raise ContractError(f"search for {self.printed}: a chain listed as reproducing does not")
        if self.best is not (self.reproducing[0] if self.reproducing else None):
            raise ContractError(f"search for {self.printed}: the best chain is not the first reproducing one")
        if list(self.reproducing) != sorted(self.reproducing, key=Chain.key):
            raise ContractError(f"search for {self.printed}: the reproducing chains are not in ranking order")
        if self.tried < len(self.reproducing):
            raise ContractError(f"search for {self.printed}: fewer chains tried than found")

    def shown(self, value: float) -> str:
        """A value as the printed figure is printed: its scale word and as many decimals."""
        factor, word, decimals = self.scale
        number = f"{value / factor:,.{decimals}f}" + (f" {word}" if word else "")
        return f"{USD} {number}" if self.unit == USD else f"{number} {self.unit}"


def weakest(confidences: Iterator[str] | Sequence[str]) -> str:
    """The lowest of some confidences ("high" where there are none)."""
    return max(confidences, key=CONFIDENCE.index, default=CONFIDENCE[0])


def money(value: float, unit: str) -> str:
    """An amount with its currency as a sentence gives it: "USD 362.5 million", "1.45 billion rubles"."""
    return f"{unit} {amount_text(value)}" if unit == USD else f"{amount_text(value)} {unit}"


def printed_money(claim: pd.Series) -> str:
    """A claim's figure as printed, with its currency: "USD 286.75 million", "one billion rubles"."""
    figure, unit = str(claim["figure"]), str(claim["unit"])
    return f"{USD} {figure}" if unit == USD else f"{figure} {unit}"


def _scale(claim: pd.Series) -> tuple[float, str, int]:
    number = re.search(r"\d[\d,]*(?:\.(\d+))?", str(claim["figure"]))
    decimals = len(number.group(1) or "") if number else 0
    return float(claim["factor"]), str(claim["scale"] or ""), decimals


def _fact_words(fact: str) -> str:
    """A fact's description inside a sentence: a leading article in lower case ("the same war damage")."""
    first, _, rest = fact.partition(" ")
    return f"{first.lower()} {rest}" if first in ("The", "A", "An") else fact


def per_text(rate: float, currency: str, per: str) -> str:
    return f"{rate:g} {currency} to the {'dollar' if per == USD else per.removesuffix('s')}"


def _held_words(rate: Rate, period: tuple[dt.date, dt.date] | None) -> tuple[bool, str]:
    """Whether a rate held at the figure's date, and a clause that says when it held and so whether then."""
    held = f"from {date_text(rate.valid_from)}" + (f" to {date_text(rate.valid_to)}" if rate.valid_to else " on")
    if period is None:
        return False, f"a rate of {rate.confidence} confidence that held {held}, for a figure of no recorded date"
    valid = rate.held_during(*period)
    so = "and so at the figure's date" if valid else f"and so not at the figure's date, {dates_text(*period)}"
    return valid, f"a rate of {rate.confidence} confidence that held {held} {so}"


def _rate_step(rate: Rate, backwards: bool, shown: float, period: tuple[dt.date, dt.date] | None, cut: str) -> Step:
    """A rate at work, in words; ``cut`` says how the rate shown was made from the table's, where a slip changed it."""
    valid, held = _held_words(rate, period)
    words = f"at {per_text(shown, rate.currency, rate.per)}" + (f", {cut}" if cut else "") + f", {held}"
    return Step("rate", rate.id, words, rate.confidence, valid, sources=rate.sources)


def _significant(value: float, digits: int) -> tuple[float, float]:
    """``value`` cut to ``digits`` significant figures, down and up."""
    scale = 10.0 ** (digits - 1 - math.floor(math.log10(abs(value))))
    return math.floor(value * scale) / scale, math.ceil(value * scale) / scale


def _transposed(figure: str) -> list[str]:
    """The printed figure's number with two adjacent digits swapped (each distinct reading once; no
    reading that would start with a nought). "362.5 million" gives "632.5", "326.5" and "365.2"."""
    found = re.search(r"\d[\d,]*(?:\.\d+)?", figure)
    if found is None:
        return []
    number = found.group(0)
    digits = [i for i, c in enumerate(number) if c.isdigit()]
    readings = []
    for a, b in itertools.pairwise(digits):
        if number[a] == number[b] or (a == digits[0] and number[b] == "0"):
            continue
        chars = list(number)
        chars[a], chars[b] = chars[b], chars[a]
        readings.append("".join(chars))
    return list(dict.fromkeys(readings))


@dataclass(frozen=True)
class _Start:
    ref: str
    words: str
    unit: str
    interval: Interval
    step: Step | None  # an outside sum's own step


def _paths(tables: Tables, start: str, goal: str, most: int) -> list[tuple[tuple[Rate, bool], ...]]:
    """Every way from one currency to another through at most ``most`` rates,
    each used once, no currency visited twice; (rate, backwards) for each."""
    found: list[tuple[tuple[Rate, bool], ...]] = []

    def walk(at: str, done: tuple[tuple[Rate, bool], ...], seen: frozenset[str]) -> None:
        if at == goal and done:
            found.append(done)
            return
        if len(done) == most:
            return
        for rate in tables.rates:
            for here, there, backwards in ((rate.currency, rate.per, False), (rate.per, rate.currency, True)):
                if here == at and there not in seen and all(r is not rate for r, _ in done):
                    walk(there, (*done, (rate, backwards)), seen | {there})

    walk(start, (), frozenset({start}))
    return found


def _convert(value: Interval, path: Sequence[tuple[Rate, bool]], shown: Sequence[float]) -> Interval:
    factor = 1.0
    for (_, backwards), units in zip(path, shown, strict=True):
        factor *= units if backwards else 1 / units
    return Interval(value.low * factor, value.high * factor, value.point * factor)


def _starts(amount: str, printed: str, unit: str, goal: str, ctx: Context, tables: Tables) -> list[_Start]:
    """The paper's own sum, then the outside sums of the amount or the printed
    figure (and those the same source gives beside them on the same date)."""
    value = ctx.interval(amount)
    starts = [_Start(amount, f"the paper's {printed_money(ctx.claim(amount))}", unit, value, None)]
    accounts = [s for s in tables.sums if s.of in (amount, printed)]
    beside = [
        s
        for s in tables.sums
        if s not in accounts and any(s.date and s.date == a.date and s.sources == a.sources for a in accounts)
    ]
    for s in accounts + beside:
        if s.unit == goal:
            continue
        names, gives, kind = _given_by(s.sources, ctx)
        if s in accounts:
            what = f"{_fact_words(s.fact)}, an outside account of this sum that {names} {gives}, {kind}"
        else:  # its description presumes the account it stands beside
            what = f"which {names} {gives} beside its account of this sum, {kind}"
        words = f"{money(s.value, s.unit)}, {what}, held with {s.confidence} confidence"
        starts.append(
            _Start(s.id, words, s.unit, s.interval, Step("sum", s.id, words, s.confidence, sources=s.sources))
        )
    return starts


def _given_by(source_ids: Sequence[str], ctx: Context) -> tuple[str, str, str]:
    """Who gives an outside sum, the verb that agrees with them, and what kind of
    source they are: ("DailyNK and @wisdomandjustice (ecency)", "give", "sources
    of the class summary"); a title, in quotation marks, where a source has no author."""
    known = reference.sources(ctx.project)
    rows = [known.loc[i] for i in source_ids if i in known.index]
    if not rows:
        return "a source not recorded", "gives", "of unknown class"
    names = [str(r["author"]) or f"“{str(r['title']).strip('[]')}”" for r in rows]
    classes = list(dict.fromkeys(str(r["provenance"]) for r in rows))
    if len(rows) == 1:
        return listed(names), "gives", f"a source of the class {listed(classes)}"
    return listed(names), "give", f"sources of the class {listed(classes)}"


def _slip_variants(
    slip: Slip, start: _Start, path: Sequence[tuple[Rate, bool]], printed_figure: str
) -> Iterator[tuple[Step, Interval, list[float], str | None]]:
    """What one slip can do to a chain: (its step, the start it gives, the rates
    it shows, the printed figure it is held against if it changes that)."""
    rates = [r.units for r, _ in path]
    if slip.type in ("scale", "redenomination"):
        if slip.type == "redenomination" and start.unit != slip.currency:
            return
        for factor in (slip.factor, 1 / slip.factor):
            value = start.interval
            read = Interval(value.low * factor, value.high * factor, value.point * factor)
            words = f"{money(value.point, start.unit)} read as {money(read.point, start.unit)}, {slip.what}"
            yield (
                Step("slip", slip.id, words, slip.confidence, slip_type=slip.type, sources=slip.evidence),
                read,
                rates,
                None,
            )
    elif slip.type == "transposition":
        for reading in _transposed(printed_figure):
            words = f"the printed {printed_figure} read as {reading}, {slip.what}"
            yield (
                Step("slip", slip.id, words, slip.confidence, slip_type=slip.type, sources=slip.evidence),
                start.interval,
                rates,
                reading,
            )
    elif slip.type == "rounded_rate":
        for i, rate in enumerate(rates):
            for cut in sorted(set(_significant(rate, slip.digits)) - {rate}):
                shown = [*rates[:i], cut, *rates[i + 1 :]]
                words = f"{slip.what} from {rate:g}"
                yield (
                    Step("slip", slip.id, words, slip.confidence, slip_type=slip.type, sources=slip.evidence),
                    start.interval,
                    shown,
                    None,
                )


def search(amount_claim: str, printed_claim: str, claims: pd.DataFrame, tables: Tables) -> ChainSearch:
    """Every chain the rules allow from ``amount_claim`` (or an outside sum) to
    ``printed_claim``'s currency, held against the printed figure (see the
    module's docstring); the reproducing ones ranked."""
    ctx = Context(claims)
    amount, printed = ctx.claim(amount_claim), ctx.claim(printed_claim)
    unit, goal = str(amount["unit"]), str(printed["unit"])
    target = ctx.interval(printed_claim)
    period = _period(ctx, printed_claim) or _period(ctx, amount_claim)
    tried: list[Chain] = []
    for start in _starts(amount_claim, printed_claim, unit, goal, ctx, tables):
        most = MAX_RATES if start.step is None else 1
        for path in _paths(tables, start.unit, goal, most):
            rates = [r.units for r, _ in path]
            tried.append(_chain(start, path, rates, None, start.interval, target, target, period))
            if start.step is not None:
                continue
            for slip in tables.slips:
                for step, value, shown, reading in _slip_variants(slip, start, path, str(printed["figure"])):
                    against = target if reading is None else _reading(printed, reading, ctx)
                    chain = _chain(start, path, shown, step, value, against, target, period)
                    tried.append(chain)
    reproducing = tuple(sorted((c for c in tried if c.reproduces), key=Chain.key))
    return ChainSearch(
        amount_claim,
        printed_claim,
        printed_money(printed),
        unit,
        goal,
        reproducing[0] if reproducing else None,
        reproducing,
        len(tried),
        period,
        _scale(printed),
    )


def _period(ctx: Context, claim_id: str) -> tuple[dt.date, dt.date] | None:
    c = ctx.claim(claim_id)
    start, end = c.get("period_start"), c.get("period_end")
    if isinstance(start, str) and start and isinstance(end, str) and end:
        return dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return None


def _reading(printed: pd.Series, reading: str, ctx: Context) -> Interval:
    """What a transposed reading of the printed figure stands for, with the printed figure's scale and words."""
    value = float(reading.replace(",", "")) * float(printed["factor"])
    a = ctx.assumptions
    return stated_interval(
        value, reading, printed["factor"], printed["qualifier"], printed["unit"], a.nearly_below, a.vagueness
    )


def _chain(
    start: _Start,
    path: Sequence[tuple[Rate, bool]],
    shown: Sequence[float],
    slip: Step | None,
    value: Interval,
    against: Interval,
    printed: Interval,
    period: tuple[dt.date, dt.date] | None,
) -> Chain:
    steps = [] if start.step is None else [start.step]
    for (rate, backwards), units in zip(path, shown, strict=True):
        cut = slip.words if slip is not None and slip.slip_type == "rounded_rate" and units != rate.units else ""
        steps.append(_rate_step(rate, backwards, units, period, cut))
    if slip is not None:
        steps.append(slip)
    computed = _convert(value, path, shown)
    return Chain(
        start=start.ref,
        start_words=start.words,
        steps=tuple(steps),
        value=computed,
        target=against,
        printed=printed,
        reproduces=computed.overlaps(against),
        valid_at_date=all(s.valid for s in steps if s.kind == "rate"),
        sources=tuple(dict.fromkeys(i for s in steps for i in s.sources)),
        confidence=weakest(s.confidence for s in steps),
    )


def for_finding(finding: Any, claims: pd.DataFrame, tables: Tables) -> list[ChainSearch]:
    """A search for each conversion among a finding's inputs, in their order."""
    return [search(a, b, claims, tables) for a, b in conversion_pairs(finding.kind, finding.inputs, claims)]


def sentence(found: ChainSearch) -> str:
    """A colleague's sentence on how the printed figure was probably made, or that nothing tried reproduces it."""
    if found.best is None:
        if not found.tried:
            return (
                f"No chain reproduces {found.printed_text}: the reference data hold no rate "
                f"that converts {found.currency}, so none could be tried."
            )
        return f"None of the {found.tried:,} chains tried reproduces {found.printed_text}."
    best = found.best
    others = len(found.reproducing) - 1
    more = ""
    if others:
        plural = "s also reproduce" if others > 1 else " also reproduces"
        more = f"; among the {found.tried:,} chains tried, {others:,} other{plural} it"
    return (
        f"How the printed figure, {found.printed_text}, was probably made: {best.words()}, "
        f"which gives {found.shown(best.value.point)}{more}."
    )


__all__ = [
    "RANKING_RULE",
    "Chain",
    "ChainSearch",
    "Step",
    "Tables",
    "conversion_pairs",
    "for_finding",
    "owners",
    "search",
    "sentence",
]
