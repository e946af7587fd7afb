"""How a kind of check is declared, and the registry of kinds.

A kind is a function ``(ctx, row, inputs) -> dict`` registered with ``@kind``,
which declares what the engine and the data need to know about it: its
inputs' roles in order, what it reads from the ``expected_*`` fields, whether
it checks both ends of a printed range, what it does, and which values
(``provides``) an explanation of one of its checks may name as ``{field}``.
The families of kinds live in ``paper_audit.audit.kinds``.

A kind returns the grade of its computation (``grade``), the numbers of the
comparison (``compare`` fills them), and in ``extras`` the values it
``provides``; where it knows better, a wording verdict (``wording``) or the
uncertainty of its yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from paper_audit.audit.rounding import Interval, relative_gap
from paper_audit.errors import DataError

# name: the function that runs a check of that kind
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
    fields, whether it checks both ends of a range, what it does, and the
    values its findings offer an explanation (``provides``)."""

    name: str
    roles: tuple[Role, ...] | None
    repeat: int = 0
    expects: dict[str, str] = field(default_factory=dict)
    ends: bool = False
    does: str = ""
    provides: frozenset[str] = frozenset()

    def signature(self) -> str:
        if self.roles is None:
            return "(not declared)"
        names = " ".join(
            r.name + ("?" if r.optional else "") + ("" if r.source == "claim" else f":{r.source}") for r in self.roles
        )
        return f"({names}) repeated, at least {self.repeat} times" if self.repeat else names


KIND_SPECS: dict[str, KindSpec] = {}


def kind(
    name: str,
    roles: tuple[str, ...] | None = None,
    repeat: int = 0,
    expects: dict[str, str] | None = None,
    ends: bool = False,
    does: str = "",
    provides: tuple[str, ...] = (),
):
    """Register a check kind and what it declares (see ``KindSpec``)."""

    def register(function):
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
        )
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
                raise DataError(
                    f"{where}, field 'inputs': kind {row['kind']} takes {spec.signature()}; got {len(inputs)} input(s)"
                )
            roles = [spec.roles[i % group] for i in range(len(inputs))]
        else:
            if not len(required) <= len(inputs) <= len(spec.roles):
                missing = [r.name for r in spec.roles[len(inputs) :] if not r.optional]
                detail = (
                    f"missing role {', '.join(missing)}" if missing else f"{len(inputs) - len(spec.roles)} too many"
                )
                raise DataError(
                    f"{where}, field 'inputs': kind {row['kind']} takes {spec.signature()}; "
                    f"got {len(inputs)} input(s): {detail}"
                )
            roles = list(spec.roles[: len(inputs)])
        for position, (item, role) in enumerate(zip(inputs, roles, strict=True), start=1):
            is_claim, is_fact = item in claims.index, item in facts
            if not is_claim and not is_fact:
                raise DataError(
                    f"{where}, field 'inputs': input {position} (role {role.name}) {item!r} is neither "
                    "a claim in data/claims.csv nor a reference fact"
                )
            if role.source == "claim" and not is_claim:
                raise DataError(
                    f"{where}, field 'inputs': input {position} (role {role.name}) {item!r} is a reference "
                    f"fact, but kind {row['kind']} needs a claim there"
                )
            if role.source == "fact" and not is_fact:
                raise DataError(
                    f"{where}, field 'inputs': input {position} (role {role.name}) {item!r} is a claim, "
                    f"but kind {row['kind']} needs a reference fact there"
                )
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
            raise DataError(
                f"{where}, field '{name}': kind {row['kind']} reads it only {meaning.split('(')[-1].rstrip(')')}; "
                "leave it empty"
            )


def describe_kinds() -> list[dict]:
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


def compare(ctx, computed: Interval, stated: Interval) -> dict:
    """The fields of a comparison of a recomputed interval with a stated one."""
    return {
        "grade": ctx.verdict(computed, stated),
        "stated_value": stated.point,
        "computed_value": computed.point,
        "computed_low": computed.low,
        "computed_high": computed.high,
        "stated_low": stated.low,
        "stated_high": stated.high,
        "gap_abs": computed.point - stated.point,
        "gap_rel": relative_gap(computed.point, stated.point),
        "separation": separation(computed, stated),
    }


def spread(a: float, b: float) -> float:
    """How far apart two positive values are, relative to the smaller."""
    return abs(a - b) / min(abs(a), abs(b))
