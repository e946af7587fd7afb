"""Severity as a referee ranks: by what a finding changes in the paper's
argument first, then by the size of its gap and the kind of its evidence.

A counted finding's severity is the floor of its stakes plus a score:

* stakes (``STAKES``): the statement of the argument the finding bears on
  (checks.csv ``argument``, data/argument.csv ``stakes``): the paper's thesis
  (``central``), what the thesis leans on (``supporting``), or nothing;
* score: the base of its kind of evidence (``verdicts.EVIDENCE``), plus
  ``doubling`` for every doubling of the gap beyond rounding, the vagueness
  of the words and, between sources, the tolerance for estimates (the same
  gap the headline prints: ``beyond_margins``), plus ``favouring`` when the
  error leans in favour of the statement it bears on (a referee weighs most
  the errors that prop up an argument); the score is kept below the distance
  between two floors (``SPAN``), so no gap, however large, lifts a finding
  into the stakes above its own: a finding that bears on nothing cannot
  outrank one that bears on a statement of the argument.

The weights are declared here (``Weights``) and swept on the method page
(``rank_under``), which shows how the ranking moves with them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from paper_audit.audit.finding import Finding
from paper_audit.audit.verdicts import EVIDENCE

# The floor of each level of stakes; a level's findings never reach the next floor.
SPAN = 10.0
STAKES: dict[str, float] = {"central": 2 * SPAN, "supporting": SPAN, "": 0.0}
# Which way an error leans on the statement it bears on (checks.csv ``direction``).
DIRECTIONS = ("favours", "weakens")
# Kept below the next floor by this much, so a tie across levels cannot happen.
_HEADROOM = 1e-6


@dataclass(frozen=True)
class Weights:
    """What the score adds: per doubling of the gap beyond the margins, for
    an error in favour of the statement, and each evidence kind's base
    (``None``: the table in ``verdicts.EVIDENCE``)."""

    doubling: float = 1.0
    favouring: float = 1.0
    bases: Mapping[str, float] = field(default_factory=dict)

    def base(self, evidence: str) -> float:
        return self.bases.get(evidence, EVIDENCE[evidence].severity_base)


DEFAULT = Weights()


def beyond_margins(finding: Finding, sources_tolerance: float) -> float:
    """How far apart the two sides lie beyond rounding, the vagueness of the
    words and, between sources, the tolerance for estimates, as a ratio of
    their nearest ends (1: they meet): the gap the headline prints and the
    score weighs."""
    gap = finding.separation or 1.0
    if finding.evidence == "sources":
        gap /= 1 + sources_tolerance
    return max(gap, 1.0)


def score(finding: Finding, sources_tolerance: float, weights: Weights = DEFAULT) -> float:
    """Evidence, size and direction, kept within one level of stakes."""
    value = weights.base(finding.evidence) + weights.doubling * math.log2(beyond_margins(finding, sources_tolerance))
    if finding.direction == "favours":
        value += weights.favouring
    return min(max(value, 0.0), SPAN - _HEADROOM)


def severity(finding: Finding, sources_tolerance: float, weights: Weights = DEFAULT) -> float:
    """0 for a finding that is not counted; else its stakes' floor plus its score."""
    if not finding.counted:
        return 0.0
    return STAKES[finding.stakes] + score(finding, sources_tolerance, weights)


def rank_under(findings: Iterable[Finding], sources_tolerance: float, weights: Weights = DEFAULT) -> list[str]:
    """The counted problems, gravest first, under other weights: each problem
    once, by its most severe finding (for the method page's sweep)."""
    worst: dict[str, float] = {}
    for f in findings:
        if f.counted:
            s = severity(f, sources_tolerance, weights)
            worst[f.problem] = max(worst.get(f.problem, -1.0), s)
    return [problem for problem, _ in sorted(worst.items(), key=lambda item: (-item[1], item[0]))]
