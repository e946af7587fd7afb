"""The assumptions a reader may change, as papermill parameters or on the
command line: each with its type, default, allowed range and meaning.

``validate`` refuses an unknown name, a wrong type or a value out of range in
one line that names the parameter and the allowed range, before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

from paper_audit.audit.verdicts import GROSS
from paper_audit.errors import DataError


@dataclass(frozen=True)
class Assumptions:
    """What the checks assume; the defaults reproduce the book as published."""

    rubles_per_usd: float | None = None  # None: the rate the paper states in footnote 21
    yuan_per_usd: float | None = None  # None: the independent rate each check names
    nearly_below: float = 0.10  # how far below its figure "nearly X" may fall
    gross_factor: float = 2.0  # a gap beyond this factor is a gross inconsistency
    # The materiality rule (method page): what words of emphasis or comparison
    # ("a full two months", "surpassing", "much more") leave open, and how far
    # apart two estimates of one thing, made at other dates for other readers,
    # may lie before the difference counts as a problem.
    vagueness: float = 0.10
    sources_tolerance: float = 0.05
    # Divisions in a CPV army: the accounts of the withdrawals count armies.
    # None: ASSUMED_DIVISIONS_PER_ARMY (an assumption, with its reasons).
    divisions_per_army: float | None = None


# Three divisions to a CPV army, low and high alike: a summary of the official
# account counts the six armies withdrawn unannounced as 18 divisions
# (data/reference/counts.csv, cpv_divisions_unannounced_1953_55), and the
# paper's own footnote 13 leaves 15 divisions for the five armies that stayed
# until 1958. Two to an army, once the book's lower bound, fits neither.
ASSUMED_DIVISIONS_PER_ARMY = (3.0, 3.0)


@dataclass(frozen=True)
class Spec:
    kind: type
    low: float
    high: float
    optional: bool
    doc: str


SPECS = {
    "rubles_per_usd": Spec(
        float, 0.5, 20.0, True, "rubles per US dollar used for every ruble conversion (default: footnote 21's rate, 4)"
    ),
    "yuan_per_usd": Spec(
        float,
        0.5,
        20.0,
        True,
        "yuan per US dollar used against the paper's yuan conversions (default: the official rate each check names)",
    ),
    "nearly_below": Spec(
        float, 0.0, 0.5, False, "how far below its figure 'nearly X' may fall, as a fraction (default 0.10)"
    ),
    "gross_factor": Spec(float, 1.1, 100.0, False, f"ratio beyond which a gap is a {GROSS} (default 2)"),
    "vagueness": Spec(
        float, 0.0, 0.5, False, "what words of emphasis or comparison leave open, as a fraction (default 0.10)"
    ),
    "sources_tolerance": Spec(
        float, 0.0, 0.5, False, "how far apart two estimates may lie and still not count, as a fraction (default 0.05)"
    ),
    "divisions_per_army": Spec(
        float, 1.0, 6.0, True, "divisions in a CPV army (default: 3, as the accounts of the withdrawals count them)"
    ),
}
DEFAULTS = {f.name: f.default for f in fields(Assumptions)}


def describe() -> str:
    return "\n".join(f"  {name}: {spec.doc}; allowed {spec.low:g} to {spec.high:g}" for name, spec in SPECS.items())


def coerce(name: str, value: Any) -> Any:
    """Check one parameter; return it as the type it should have."""
    if name not in SPECS:
        raise DataError(f"unknown parameter {name!r}; known parameters: {', '.join(SPECS)}")
    spec = SPECS[name]
    if value is None:
        if spec.optional:
            return None
        raise DataError(f"parameter {name!r}: a value is required ({spec.low:g} to {spec.high:g})")
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise DataError(
                f"parameter {name!r}: {value!r} is not a number (allowed {spec.low:g} to {spec.high:g})"
            ) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataError(f"parameter {name!r}: {value!r} is not a number (allowed {spec.low:g} to {spec.high:g})")
    value = float(value)
    if not spec.low <= value <= spec.high:
        raise DataError(f"parameter {name!r}: {value:g} is outside the allowed range {spec.low:g} to {spec.high:g}")
    return value


def validate(values: Mapping[str, Any] | None = None) -> Assumptions:
    values = dict(values or {})
    checked = {name: coerce(name, value) for name, value in values.items()}
    return Assumptions(**{**DEFAULTS, **checked})


COMMENTS = {
    "rubles_per_usd": "rubles per USD (None: footnote 21's rate)",
    "yuan_per_usd": "yuan per USD (None: each check's official rate)",
    "nearly_below": 'how far below X "nearly X" may fall',
    "gross_factor": "a gap beyond this ratio is gross",
    "vagueness": "what words of emphasis leave open",
    "sources_tolerance": "estimates this far apart still agree",
    "divisions_per_army": "CPV divisions per army (None: 3)",
}


def parameters_cell() -> str:
    """The parameters cell of a chapter, written from the defaults above (the one place they live)."""
    lines = [
        "# Assumptions a reader may change (papermill parameters);",
        "# validated in the next cell. Defaults: paper_audit.audit.params.",
    ]
    for name, spec in SPECS.items():
        lines.append(f"# {COMMENTS[name]}; allowed {spec.low:g} to {spec.high:g}")
        lines.append(f"{name} = {DEFAULTS[name]!r}")
    return "\n".join(lines)
