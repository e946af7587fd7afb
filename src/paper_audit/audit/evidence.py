"""How a computation's grade becomes the verdict of its kind of evidence, and
how findings are counted (the words and kinds themselves are declared in
``verdicts``).

Four kinds, declared per check in data/checks.csv (column ``evidence``):

* ``arithmetic``: figures the paper states disagree (or agree) with each other;
* ``sources``: two sources the paper relays differ (a normal thing for
  estimates made at other dates for other readers, not an error of the paper);
* ``yardstick``: a figure against an independent reference (rate, date,
  count) that was valid when the figure was made;
* ``wording``: a phrase of the text held against the paper's own numbers.

The rounding grade of a computation (``rounding.verdict``) is turned into the
words of its kind here, once. Every verdict has a severity rank
(``verdicts.SEVERITY``), so the register can sort and the counts can tell
agreement from a problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from paper_audit.audit import gaps, stakes
from paper_audit.audit.finding import Finding
from paper_audit.audit.phrasing import typographic
from paper_audit.audit.verdicts import (
    CONSISTENT,
    DEFINITIONAL,
    EVIDENCE,
    EVIDENCE_KINDS,
    GROSS,
    INCONSISTENT,
    NOT_SUPPORTED,
    PARTLY,
    PROBLEM_FROM,
    SEVERITY,
    SOURCES_AGREE,
    SOURCES_AGREE_ROUNDING,
    SOURCES_DIFFER,
    SOURCES_DIFFER_GROSSLY,
    SOURCES_DIFFER_SLIGHTLY,
    SUPPORTED,
    UNCERTAIN,
    WITHIN_ROUNDING,
)

_SOURCES = {
    CONSISTENT: SOURCES_AGREE,
    WITHIN_ROUNDING: SOURCES_AGREE_ROUNDING,
    INCONSISTENT: SOURCES_DIFFER,
    GROSS: SOURCES_DIFFER_GROSSLY,
}
# A wording check whose kind gives only a rounding grade: the phrase holds where
# the numbers agree (within rounding), holds in part where they are off, and
# does not hold where they are grossly off.
_WORDING = {CONSISTENT: SUPPORTED, WITHIN_ROUNDING: SUPPORTED, INCONSISTENT: PARTLY, GROSS: NOT_SUPPORTED}


def fit(
    evidence: str,
    grade: str,
    *,
    wording: str = "",
    uncertain: bool = False,
    definitional: bool = False,
    spread: float | None = None,
    sources_tolerance: float = 0.0,
) -> str:
    """The verdict, in the words of its evidence kind, from a computation's grade.

    Two sources that differ by no more than ``sources_tolerance`` (estimates of
    other dates and purposes seldom agree more closely) differ only slightly."""
    if definitional:
        return DEFINITIONAL
    if evidence == "sources":
        verdict = _SOURCES[grade]
        if verdict in (SOURCES_DIFFER, SOURCES_DIFFER_GROSSLY) and spread is not None and spread <= sources_tolerance:
            return SOURCES_DIFFER_SLIGHTLY
        return verdict
    if evidence == "wording":
        return wording or _WORDING[grade]
    if evidence == "yardstick" and uncertain:
        return UNCERTAIN
    return grade


def label(finding: Finding) -> str:
    """The verdict as a reader sees it, with the size of a gap where it matters."""
    v = finding.verdict
    sources = (SOURCES_DIFFER, SOURCES_DIFFER_GROSSLY, SOURCES_DIFFER_SLIGHTLY, SOURCES_AGREE_ROUNDING)
    # The size in the words every page gives it (``gaps.size``): one number per gap.
    size = gaps.size(finding)
    if v in sources and size:
        if size.startswith("a factor of"):
            return f"{SOURCES_DIFFER} by {size}"
        return f"{v} ({size})"
    if v in (SUPPORTED, PARTLY, NOT_SUPPORTED):
        return f"{v} by the paper's numbers"
    if v == UNCERTAIN:
        return finding.uncertainty or UNCERTAIN
    return v


def counted(finding: Finding) -> bool:
    """The materiality rule: a finding is part of a counted problem when its
    verdict is a disagreement beyond the rounding of the figures, the vagueness
    of the words and, between sources, the tolerance for estimates (all three
    already weighed in the verdict); an uncertain yardstick counts only when
    it is off at every candidate. Checks that cannot fail never count."""
    if finding.definitional:
        return False
    if finding.verdict == UNCERTAIN:
        return finding.adverse_everywhere
    return SEVERITY[finding.verdict] >= PROBLEM_FROM


def severity(finding: Finding, sources_tolerance: float = 0.0) -> float:
    """0 for a finding that is not counted; else its stakes in the paper's
    argument first, then its kind of evidence and the size of its gap
    beyond every margin (``stakes.severity``, where the weights are declared).
    Never typed per check: it moves with the gap and the argument."""
    return stakes.severity(finding, sources_tolerance)


def is_problem(finding: Finding) -> bool:
    return finding.counted


def findings_summary(findings: Iterable[Finding]) -> dict[str, Any]:
    """Distinct problems by evidence kind, and what the other findings are:
    ``problem_findings + agree + routine + definitional == findings``.

    A problem (a shared ``problem`` id) is counted once, under the evidence kind
    of its most severe finding; checks that cannot fail are counted apart and
    never as agreement. Returns plain ints, ready to glue.
    """
    findings = list(findings)
    worst = worst_by_problem(findings)
    problems = Counter(f.evidence for f in worst.values())
    problem_ids = set(worst)
    # Routine confirmations (what nobody doubts) are counted apart from the
    # agreements of checks that could have failed on something in question.
    agree = [f for f in findings if not f.definitional and not is_problem(f) and not f.routine]
    routine = [f for f in findings if not f.definitional and not is_problem(f) and f.routine]
    return {
        "findings": len(findings),
        "problems": len(worst),
        "problems_by_kind": {kind: problems.get(kind, 0) for kind in EVIDENCE_KINDS},
        "problem_findings": sum(is_problem(f) for f in findings),
        "problem_ids": sorted(problem_ids),
        "agree": len(agree),
        "agree_by_kind": {kind: sum(f.evidence == kind for f in agree) for kind in EVIDENCE_KINDS},
        "routine": len(routine),
        "definitional": sum(f.definitional for f in findings),
    }


def worst_by_problem(findings: list[Finding]) -> dict[str, Finding]:
    """Each counted problem's most severe finding, gravest problem first."""
    worst: dict[str, Finding] = {}
    for f in findings:
        if f.counted and (f.problem not in worst or f.severity > worst[f.problem].severity):
            worst[f.problem] = f
    return dict(sorted(worst.items(), key=lambda item: -item[1].severity))


def _problem_words(finding: Finding) -> str:
    """A counted problem as a summary names it: what is at issue, how far apart,
    and the kind of evidence ("the won-dollar rates … (a factor of 20, in the
    paper's own arithmetic)"); the verdict's words where the gap has no size."""
    size = gaps.size(finding) or finding.label
    return f"{finding.headline or finding.title} ({size}, {EVIDENCE[finding.evidence].where})"


def summary_sentence(findings: Iterable[Finding]) -> str:
    """A chapter's summary of its findings, generated so that a rerun under other
    assumptions never leaves a stale sentence: each counted problem once (its
    most severe finding's title and verdict), then the checks that agree, and
    those whose gap the materiality rule leaves uncounted (shown, explained)."""
    findings = list(findings)
    worst = worst_by_problem(findings)
    definitional = sum(1 for f in findings if f.definitional)
    margin = sum(1 for f in findings if not f.definitional and not f.counted and SEVERITY[f.verdict] >= 1)
    agree = sum(1 for f in findings if not f.definitional and not f.counted) - margin
    n = len(findings)
    if not worst:
        checks = "The one check" if n == 1 else f"All {n} checks"
        text = f"{checks} of this chapter raise{'s' if n == 1 else ''} no problem"
    else:
        k = sum(is_problem(f) for f in findings)
        problems = "; ".join(_problem_words(f) for f in worst.values())
        share = f"All {n} checks" if k == n and n > 1 else f"{k} of the {n} checks"
        text = (
            f"{share} in this chapter {'finds' if k == 1 else 'find'} a disagreement that counts, "
            f"{'one problem' if len(worst) == 1 else f'{len(worst)} distinct problems'}: {problems}."
        )
        if agree:
            text += f" {agree} {'agrees' if agree == 1 else 'agree'}"
        elif margin:
            text += " The others"
    if margin:
        others = worst and not agree  # "The others differ only ..."
        text += (
            f"{'' if others else (',' if worst or definitional else ':')}"
            f"{'' if others else f' {margin}'} "
            f"{'differs' if margin == 1 and not others else 'differ'} only within rounding, the vagueness of the words "
            "or the tolerance for estimates"
        )
    if definitional:
        text += f", and {definitional} only restate{'s' if definitional == 1 else ''} a definition"
    # Typographic apostrophes, as Sphinx's smartquotes would print them: the glued
    # text then appears in the page exactly as recorded.
    return typographic(text if text.endswith(".") else text + ".")
