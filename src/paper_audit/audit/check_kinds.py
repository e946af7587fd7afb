"""How a kind of check is declared, what it returns, and the registry of kinds.

A kind is a function ``(ctx, row, inputs) -> Result`` registered with
``@kind``, which declares what the engine and the data need to know about it:
its inputs' roles in order, what it reads from the ``expected_*`` fields,
whether it checks both ends of a printed range, what it does, which values
(``provides``) an explanation of one of its checks may name as ``{field}``,
how the size of its gap is worded (``gap``, one of ``gaps``' wordings) and
what its "consistent" means (``agreement``); and what the modules above
the audit ask of it, so that none of them names a kind (``kinds_where``). The
families of kinds live in ``paper_audit.audit.kinds``.

A kind returns a ``Result``: the rounding grade of its computation, the
numbers of the comparison (a ``Comparison``; ``compare`` fills one), the
texts a reader sees, and, where it knows better, a wording verdict or the
uncertainty of its yardstick, and the values it ``provides``. A ``Result``
checks its own rules when it is built (``Result.__post_init__``): what each
verdict word requires of the numbers, and that every value it carries was
declared. A kind that breaks a rule therefore fails in its own unit test, on
the first case that shows it, and not later in a sweep over the book's data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from paper_audit.audit import gaps
from paper_audit.audit.rounding import POINT_TOLERANCE, Interval, relative_gap
from paper_audit.audit.verdicts import (
    CONSISTENT,
    GRADES,
    GROSS,
    INCONSISTENT,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    WITHIN_ROUNDING,
)
from paper_audit.errors import DataError
from paper_audit.tables import reference

CheckRow = dict[str, Any]  # a row of data/checks.csv as load_checks returns it
EXPECTED_FIELDS = ("expected_low", "expected_high", "expected_unit")
# A value the engine gives every finding's explanation, which a kind may set itself
# (the currency of the sums it converts, where that is not its first input's unit).
OVERRIDABLE_EXTRAS = frozenset({"currency"})
# The words a kind may give as its own wording verdict (``Result.wording``).
WORDING_VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED)

# What "consistent" means for a kind (``@kind(agreement=...)``); "within rounding"
# always means that the two sides overlap without being equal.
EQUAL = "equal"  # the two figures are equal (to one part in a million)
INSIDE = "inside"  # equal, or the recomputed span lies inside the span the words allow
MEETS = "meets"  # the two sides meet: a date overlaps its reference, events fit the span (separation 1)
PHRASE = "phrase"  # the phrase holds by the numbers (wording supported)
AGREEMENTS = (EQUAL, INSIDE, MEETS, PHRASE)

# What a check holds its inputs to be to one another (``@kind(relation=...)``), in the terms
# the modules above the audit ask by: the drafter (``author.drafted_checks``) drafts a check
# of every kind of a relation it reads in the paper's wording, and a class's variant
# (``instructor.variants``) draws a check's figures by its kind's relation. A kind of a
# relation takes its inputs in the order the comment says.
AT_STATED_RATE = "at a stated rate"  # amount, converted value, the text's rate (its amount, then its value)
AT_OFFICIAL_RATE = "at an official rate"  # amount, its dollars, (optionally) an official rate of its time
ONE_RATE = "one rate"  # pairs of an amount and its converted value, which should imply one rate
SHARES_OF_A_WHOLE = "shares of a whole"  # shares that should add up to the whole in expected_low
STATED_TWICE = "stated twice"  # one quantity, stated twice
RANGE_AND_LENGTH = "range and length"  # a range of years, then its stated length
WHAT_REMAINS = "what remains"  # a total, then a part that left it
DURATION_BETWEEN = "duration between"  # two dated events, then the duration said to lie between them
DURATION_HOLDING = "duration holding"  # two dated events, then a duration said to hold them
RELATIONS: tuple[str, ...] = (AT_STATED_RATE, AT_OFFICIAL_RATE, ONE_RATE, SHARES_OF_A_WHOLE, STATED_TWICE)
RELATIONS += (RANGE_AND_LENGTH, WHAT_REMAINS, DURATION_BETWEEN, DURATION_HOLDING)


class ContractError(TypeError):
    """A kind's result breaks the contract: a bug in the kind's code, not bad data."""


@dataclass(frozen=True)
class Comparison:
    """The numbers of a comparison: the stated figure and the recomputed one,
    each as a point and (where known) the interval its rounding allows, the
    gaps between them, and how far apart they lie beyond rounding and the
    vagueness of the words (``separation``: the ratio of their nearest ends,
    1 where they meet; None where the comparison has no size)."""

    stated_value: float | None = None
    computed_value: float | None = None
    computed_low: float | None = None
    computed_high: float | None = None
    stated_low: float | None = None
    stated_high: float | None = None
    gap_abs: float | None = None
    gap_rel: float | None = None
    separation: float | None = None
    spread: float | None = None  # two figures that should be one: how far apart, relative to the smaller

    def __post_init__(self) -> None:
        for side in ("stated", "computed"):
            low, high = getattr(self, f"{side}_low"), getattr(self, f"{side}_high")
            if low is not None and high is not None and low > high:
                raise ContractError(f"the {side} interval runs backwards: low {low!r} is above high {high!r}")
        if self.separation is not None and self.separation < 1.0 - 1e-9:
            raise ContractError(f"separation {self.separation!r} is below 1 (1 is where the two sides meet)")
        if self.spread is not None and self.spread < 0:
            raise ContractError(f"spread {self.spread!r} is negative (it is how far apart, relative to the smaller)")


ExtraValue = str | float | int


class KindFunction(Protocol):
    """What a kind is: a function of the context, the check's row and its inputs."""

    __name__: str

    def __call__(self, ctx: Any, row: CheckRow, inputs: list[str], /) -> "Result": ...


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
    fields, whether it checks both ends of a range, what it does, the values
    its findings offer an explanation (``provides``), how the size of its gap
    is worded (``gap``) and what its "consistent" means (``agreement``); and,
    for the modules above the audit, the relation it checks (``RELATIONS``),
    the roles of each amount and its value in another currency that it holds to
    a rate (``converts``: pairs of roles), whether that rate is one its own
    inputs imply, so that no rate of the reader's applies (``own_rate``: a part
    of a sum at the rate of the whole), the roles that are the rate the text states
    (``stated_rate``: a definition, not a conversion of an amount), whether its
    groups of inputs may come in any order (``any_order``) and whether its
    yardsticks are the reference rates its computation quotes, not the facts
    among its inputs (``quotes_yardsticks``)."""

    name: str
    roles: tuple[Role, ...] | None
    repeat: int = 0
    expects: dict[str, str] = field(default_factory=dict)
    ends: bool = False
    does: str = ""
    provides: frozenset[str] = frozenset()
    gap: gaps.GapWording = gaps.apart_wording
    agreement: str = EQUAL
    relation: str = ""
    converts: tuple[tuple[str, str], ...] = ()
    own_rate: bool = False
    stated_rate: tuple[str, ...] = ()
    any_order: bool = False
    quotes_yardsticks: bool = False

    def signature(self) -> str:
        if self.roles is None:
            return "(not declared)"
        names = " ".join(
            r.name + ("?" if r.optional else "") + ("" if r.source == "claim" else f":{r.source}") for r in self.roles
        )
        return f"({names}) repeated, at least {self.repeat} times" if self.repeat else names

    def groups(self, inputs: Sequence[str]) -> list[tuple[str, ...]]:
        """A check's inputs in groups of the roles: one group each time the roles
        repeat (whole groups only), else all of them as one."""
        size = len(self.roles or ()) if self.repeat else 0
        if not size:
            return [tuple(inputs)]
        return [tuple(inputs[i : i + size]) for i in range(0, len(inputs) - size + 1, size)]

    def at(self, role: str, inputs: Sequence[str]) -> list[str]:
        """The inputs in ``role``, one from each group that reaches it."""
        place = [r.name for r in self.roles or ()].index(role)
        return [group[place] for group in self.groups(inputs) if place < len(group)]

    def conversions(self, inputs: Sequence[str]) -> list[tuple[str, str]]:
        """(amount, converted) of each pair of roles ``converts`` names, group by
        group, in the order of the inputs; none if it names none."""
        names = [r.name for r in self.roles or ()]
        places = [(names.index(amount), names.index(converted)) for amount, converted in self.converts]
        return [(g[a], g[c]) for g in self.groups(inputs) for a, c in places if max(a, c) < len(g)]


# name: the function that runs a check of that kind, and what it declares
KINDS: dict[str, KindFunction] = {}
KIND_SPECS: dict[str, KindSpec] = {}


def kind(
    name: str,
    roles: tuple[str, ...] | None = None,
    repeat: int = 0,
    expects: dict[str, str] | None = None,
    ends: bool = False,
    does: str = "",
    provides: tuple[str, ...] = (),
    gap: gaps.GapWording = gaps.apart_wording,
    agreement: str = EQUAL,
    relation: str = "",
    converts: tuple[tuple[str, str], ...] = (),
    own_rate: bool = False,
    stated_rate: tuple[str, ...] = (),
    any_order: bool = False,
    quotes_yardsticks: bool = False,
) -> Callable[[KindFunction], KindFunction]:
    """Register a check kind and what it declares (see ``KindSpec``)."""
    if agreement not in AGREEMENTS:
        raise ValueError(f"check kind {name!r}: agreement {agreement!r} is not one of {', '.join(AGREEMENTS)}")
    if relation and relation not in RELATIONS:
        raise ValueError(f"check kind {name!r}: relation {relation!r} is not one of {', '.join(RELATIONS)}")
    if any(not isinstance(pair, tuple) or len(pair) != 2 for pair in converts):
        raise ValueError(f"check kind {name!r}: converts is pairs of roles (amount, converted), not {converts!r}")
    named = {Role.parse(r).name for r in roles or ()}
    unknown = [r for r in (*(r for pair in converts for r in pair), *stated_rate) if r not in named]
    if unknown:
        raise ValueError(f"check kind {name!r}: {', '.join(unknown)} is not one of its roles")
    if own_rate and not converts:
        raise ValueError(f"check kind {name!r}: own_rate is for a kind that converts")
    if any_order and not repeat:
        raise ValueError(f"check kind {name!r}: any_order is for roles that repeat")

    def register(function: KindFunction) -> KindFunction:
        if name in KINDS:
            raise ValueError(f"check kind {name!r} is declared twice")
        KINDS[name] = function
        KIND_SPECS[name] = KindSpec(
            name,
            tuple(Role.parse(r) for r in roles) if roles is not None else None,
            repeat,
            dict(expects or {}),
            ends,
            does or (function.__doc__ or "").strip(),
            frozenset(provides),
            gap,
            agreement,
            relation,
            tuple(converts),
            own_rate,
            tuple(stated_rate),
            any_order,
            quotes_yardsticks,
        )
        gaps.WORDINGS[name] = gap
        if quotes_yardsticks:
            # The tables, below the audit, cannot ask the kinds: they are told.
            reference.QUOTED_YARDSTICKS.add(name)
        return function

    return register


def unregister(name: str) -> None:
    """Forget a kind and all it declared (a kind a test registers for itself)."""
    for registry in (KINDS, KIND_SPECS, gaps.WORDINGS):
        registry.pop(name, None)
    reference.QUOTED_YARDSTICKS.discard(name)


def kinds_where(test: Callable[[KindSpec], bool] | None = None, /, **declared: object) -> tuple[str, ...]:
    """The kinds, in the order declared, whose declarations pass ``test`` and have the
    values given (``kinds_where(relation=ONE_RATE)``): how a module finds the kinds it
    needs without naming one."""
    wrong = set(declared) - set(KindSpec.__dataclass_fields__)
    if wrong:
        raise TypeError(f"a kind declares no {', '.join(sorted(wrong))}")
    return tuple(
        name
        for name, spec in KIND_SPECS.items()
        if (test is None or test(spec)) and all(getattr(spec, k) == v for k, v in declared.items())
    )


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=POINT_TOLERANCE, abs_tol=1e-12)


@dataclass(frozen=True)
class Result:
    """What a kind returns for one check. Its rules are checked when it is built.

    ``kind``: the kind that computed it (its declaration says which extras it
    may carry and what its "consistent" means). ``grade``: the rounding grade
    (``verdicts.GRADES``). ``numbers``: the comparison. ``stated``,
    ``computed``, ``computation``, ``implied_rate``: what the reader sees.
    ``wording``: a wording verdict, where the kind judges a phrase itself.
    ``uncertainty``: why a yardstick gives no hard verdict, with the range
    (a finding with one is an uncertain yardstick); ``adverse_everywhere``:
    it is off at every candidate. ``explanation``: a template that replaces
    the check's own (a rerun under a reader's rate). ``extras``: the values
    the kind declares it ``provides`` for explanations.
    """

    kind: str
    grade: str
    numbers: Comparison
    stated: str
    computed: str
    computation: str = ""
    implied_rate: str = ""
    wording: str = ""
    uncertainty: str = ""
    adverse_everywhere: bool = False
    explanation: str = ""
    extras: Mapping[str, ExtraValue] = field(default_factory=dict)

    @property
    def uncertain(self) -> bool:
        return bool(self.uncertainty)

    def __post_init__(self) -> None:
        spec = KIND_SPECS.get(self.kind)
        if spec is None:
            raise ContractError(f"a result names kind {self.kind!r}, which is not registered with @kind")
        problems = _broken_rules(self, spec)
        if problems:
            raise ContractError(f"check kind {self.kind}: " + "; ".join(problems))


def _broken_rules(result: Result, spec: KindSpec) -> list[str]:
    """What a result breaks of the contract (see ``Result``), in words."""
    n = result.numbers
    problems = []
    undeclared = set(result.extras) - spec.provides - OVERRIDABLE_EXTRAS
    if undeclared:
        problems.append(
            f"returned {', '.join(sorted(undeclared))} without declaring them: add them to its @kind(provides=...)"
        )
    if result.grade not in GRADES:
        problems.append(f"grade {result.grade!r} is not a rounding grade ({', '.join(GRADES)})")
    if result.wording and result.wording not in WORDING_VERDICTS:
        problems.append(f"wording {result.wording!r} is not one of {', '.join(WORDING_VERDICTS)}")
    if result.adverse_everywhere and not result.uncertainty:
        problems.append("adverse_everywhere is set on a result with no uncertainty to be adverse in")
    stated, recomputed = n.stated_value, n.computed_value
    points = stated is not None and recomputed is not None
    equal = stated is not None and recomputed is not None and _close(recomputed, stated)
    overlap = inside = False
    c_low, c_high, s_low, s_high = n.computed_low, n.computed_high, n.stated_low, n.stated_high
    if c_low is not None and c_high is not None and s_low is not None and s_high is not None:
        overlap = c_low <= s_high and s_low <= c_high
        inside = s_low <= c_low and c_high <= s_high
        bounds = True
    else:
        bounds = False
    meets = n.separation is not None and n.separation <= 1.0 + 1e-9
    if result.grade == CONSISTENT:
        if spec.agreement == EQUAL and points and not equal:
            problems.append(f"'{CONSISTENT}' needs equal figures; got {n.computed_value!r} against {n.stated_value!r}")
        if spec.agreement == INSIDE and points and not equal and not inside:
            problems.append(f"'{CONSISTENT}' needs equal figures or the recomputed span inside the stated one")
        if spec.agreement == MEETS and n.separation is not None and not meets:
            problems.append(f"'{CONSISTENT}' needs the two sides to meet (separation 1); got {n.separation!r}")
        if spec.agreement == PHRASE and result.wording != SUPPORTED:
            problems.append(f"'{CONSISTENT}' needs the phrase to hold ('{SUPPORTED}'); got {result.wording!r}")
    if result.grade == WITHIN_ROUNDING:
        if bounds and not overlap:
            problems.append(f"'{WITHIN_ROUNDING}' needs the stated and recomputed intervals to overlap")
        if equal:
            problems.append(f"'{WITHIN_ROUNDING}' needs figures that differ (equal figures are '{CONSISTENT}')")
    if result.grade in (INCONSISTENT, GROSS):
        if equal:
            problems.append(f"'{result.grade}' needs figures that differ; got equal ones")
        if meets and not result.uncertainty and result.wording != SUPPORTED:
            problems.append(f"'{result.grade}' needs two sides that do not meet; separation is 1")
    if result.wording == SUPPORTED and n.separation is not None and not meets:
        problems.append(f"'{SUPPORTED}' needs the phrase met (separation 1); got {n.separation!r}")
    if result.wording in (PARTLY, NOT_SUPPORTED) and meets:
        problems.append(f"'{result.wording}' needs a phrase the numbers fall short of; separation is 1")
    return problems


def check_against_spec(where: str, row: CheckRow, claims: pd.DataFrame, facts: set[str]) -> None:
    """Refuse a checks row whose inputs are not claims or reference facts, or that
    does not fit its kind's declared roles and expected fields."""
    inputs = row["inputs"].split()
    for item in inputs:
        if item not in claims.index and item not in facts:
            raise DataError(
                f"{where}, field 'inputs': {item!r} is neither a claim in data/claims.csv nor a reference fact"
            )
    spec = KIND_SPECS[row["kind"]]
    if spec.roles is None:
        return  # an undeclared kind: nothing to hold the row to (a test asks every kind to declare)
    required = [r for r in spec.roles if not r.optional]
    if spec.repeat:
        group = len(spec.roles)
        if len(inputs) < group * spec.repeat or len(inputs) % group:
            raise DataError(
                f"{where}, field 'inputs': kind {row['kind']} takes {spec.signature()}; got {len(inputs)} input(s)"
            )
        roles = [spec.roles[i % group] for i in range(len(inputs))]
    else:
        if not len(required) <= len(inputs) <= len(spec.roles):
            missing = [r.name for r in spec.roles[len(inputs) :] if not r.optional]
            detail = f"missing role {', '.join(missing)}" if missing else f"{len(inputs) - len(spec.roles)} too many"
            raise DataError(
                f"{where}, field 'inputs': kind {row['kind']} takes {spec.signature()}; "
                f"got {len(inputs)} input(s): {detail}"
            )
        roles = list(spec.roles[: len(inputs)])
    for position, (item, role) in enumerate(zip(inputs, roles, strict=True), start=1):
        is_claim = item in claims.index
        if role.source == "claim" and not is_claim:
            raise DataError(
                f"{where}, field 'inputs': input {position} (role {role.name}) {item!r} is a reference "
                f"fact, but kind {row['kind']} needs a claim there"
            )
        if role.source == "fact" and item not in facts:
            raise DataError(
                f"{where}, field 'inputs': input {position} (role {role.name}) {item!r} is a claim, "
                f"but kind {row['kind']} needs a reference fact there"
            )
    optional_given = any(r.optional for r in roles)
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
            raise DataError(
                f"{where}, field '{name}': kind {row['kind']} reads it only {meaning.split('(')[-1].rstrip(')')}; "
                "leave it empty"
            )


def describe_kinds() -> list[dict[str, str]]:
    """One row per kind, from the declarations: for the method page and the Data Package."""
    rows = []
    for name, spec in KIND_SPECS.items():
        reads = "; ".join(f"{k}: {v}" for k, v in spec.expects.items())
        rows.append(
            {
                "kind": name,
                "does": spec.does,
                "inputs": spec.signature(),
                "expected": reads or "nothing",
                "ranges": "both ends" if spec.ends else "one value",
            }
        )
    return rows


def separation(a: Interval, b: Interval) -> float:
    """How far apart two intervals of positive amounts lie, as the ratio of
    their nearest ends: 1 where they meet or overlap."""
    if a.overlaps(b) or min(a.low, a.high, b.low, b.high) <= 0:
        return 1.0
    return max(a.low / b.high, b.low / a.high)


def compare(ctx: Any, computed: Interval, stated: Interval) -> tuple[str, Comparison]:
    """The grade and the numbers of a recomputed interval compared with a stated one."""
    return ctx.verdict(computed, stated), numbers(computed, stated)


def numbers(computed: Interval, stated: Interval) -> Comparison:
    """The numbers of a recomputed interval compared with a stated one."""
    return Comparison(
        stated_value=stated.point,
        computed_value=computed.point,
        computed_low=computed.low,
        computed_high=computed.high,
        stated_low=stated.low,
        stated_high=stated.high,
        gap_abs=computed.point - stated.point,
        gap_rel=relative_gap(computed.point, stated.point),
        separation=separation(computed, stated),
    )


def spread(a: float, b: float) -> float:
    """How far apart two positive values are, relative to the smaller."""
    return abs(a - b) / min(abs(a), abs(b))
