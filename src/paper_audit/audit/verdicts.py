"""The book's vocabulary, declared once: every verdict a finding can carry and
every kind of evidence a finding can rest on, with what each means.

Everything else reads these tables: the engine (which word a computation
earns), the counting (what is a problem), the HTML (badge, symbol, admonition),
the classroom (the names students may give) and the pages that print the
vocabulary (the front page's table of verdicts). How a word is drawn (colours,
hatches, the stylesheet) is in ``paper_audit.present.styles``, one row per
word. To change a word or a severity, change its row here; a new word needs a
row there too.

Severity: 0 agrees, 1 agrees within rounding, ``PROBLEM_FROM`` and above is
(part of) a problem, and the higher the graver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ARITHMETIC, SOURCES, YARDSTICK, WORDING = "arithmetic", "sources", "yardstick", "wording"  # kinds of evidence


@dataclass(frozen=True)
class Verdict:
    word: str  # as printed and stored in findings.csv
    severity: int
    symbol: str
    admonition: str  # the Sphinx admonition of its flag
    short: str  # the badge's words, where shorter than the word
    evidence: tuple[str, ...]  # the kinds of evidence that can give it (``evidence.fit``)
    gloss: str = ""  # what it means, where the word alone does not say (the front page's table)
    grade: bool = False  # a rounding grade: what the arithmetic of a comparison gives

    @property
    def css_class(self) -> str:
        """The word as a CSS class ("verdict-gross-inconsistency"); how it is drawn is
        ``paper_audit.present.styles``' business."""
        return "verdict-" + re.sub(r"[^a-z0-9]+", "-", self.word.lower()).strip("-")


# The rounding grades of a computation, best to worst (``rounding.grade``).
CONSISTENT = "consistent"
WITHIN_ROUNDING = "consistent within rounding"
INCONSISTENT = "inconsistent"
GROSS = "gross inconsistency"
# The words of the other kinds of evidence (``evidence.fit``).
DEFINITIONAL = "holds by definition"
SOURCES_AGREE = "sources agree"
SOURCES_AGREE_ROUNDING = "sources agree within rounding"
SOURCES_DIFFER = "sources differ"
SOURCES_DIFFER_SLIGHTLY = "sources differ slightly"  # apart, but within the tolerance for estimates
SOURCES_DIFFER_GROSSLY = "sources differ grossly"
UNCERTAIN = "uncertain yardstick"
SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"

_GRADED = (ARITHMETIC, YARDSTICK)
_EVERY = (ARITHMETIC, SOURCES, YARDSTICK, WORDING)
_BEYOND_FACTOR = "off by more than a set factor"
VERDICTS = {
    v.word: v
    for v in (
        Verdict(CONSISTENT, 0, "✓", "tip", CONSISTENT, _GRADED, grade=True),
        Verdict(
            WITHIN_ROUNDING, 1, "≈", "note", "within rounding", _GRADED, "the printed digits can hide the gap", True
        ),
        Verdict(INCONSISTENT, 3, "⚠", "warning", INCONSISTENT, _GRADED, grade=True),
        Verdict(GROSS, 4, "✖", "danger", GROSS, _GRADED, _BEYOND_FACTOR, grade=True),
        Verdict(DEFINITIONAL, 0, "=", "note", DEFINITIONAL, _EVERY, "shown, never counted as agreement"),
        Verdict(SOURCES_AGREE, 0, "✓", "tip", SOURCES_AGREE, (SOURCES,)),
        Verdict(SOURCES_AGREE_ROUNDING, 1, "≈", "note", SOURCES_AGREE_ROUNDING, (SOURCES,)),
        Verdict(
            SOURCES_DIFFER_SLIGHTLY,
            1,
            "≈",
            "note",
            SOURCES_DIFFER_SLIGHTLY,
            (SOURCES,),
            "within the tolerance for estimates",
        ),
        Verdict(
            SOURCES_DIFFER,
            2,
            "↔",
            "note",
            SOURCES_DIFFER,
            (SOURCES,),
            "normal for estimates of other dates and purposes",
        ),
        Verdict(SOURCES_DIFFER_GROSSLY, 3, "↔", "warning", SOURCES_DIFFER_GROSSLY, (SOURCES,), _BEYOND_FACTOR),
        Verdict(
            UNCERTAIN,
            2,
            "?",
            "note",
            UNCERTAIN,
            (YARDSTICK,),
            "with the range of results, where the yardstick is weak, changed during the period or is disputed",
        ),
        Verdict(SUPPORTED, 0, "✓", "tip", SUPPORTED, (WORDING,), "by the paper's numbers"),
        Verdict(PARTLY, 2, "◐", "warning", PARTLY, (WORDING,), "by the paper's numbers"),
        Verdict(NOT_SUPPORTED, 3, "⚠", "warning", NOT_SUPPORTED, (WORDING,), "by the paper's numbers"),
    )
}
GRADES = tuple(word for word, v in VERDICTS.items() if v.grade)  # best to worst
SEVERITY = {word: v.severity for word, v in VERDICTS.items()}
PROBLEM_FROM = 2  # a finding of this severity or worse is (part of) a problem
AGREEING = tuple(word for word, rank in SEVERITY.items() if rank < PROBLEM_FROM)


@dataclass(frozen=True)
class Evidence:
    """A kind of evidence a finding rests on (declared per check in
    data/checks.csv, column ``evidence``)."""

    name: str
    meaning: str  # what it is, after "Evidence: <name>: "
    against: str  # what it holds against what (the front page's table)
    where: str  # to follow a count: "3 <where>"
    heading: str  # a heading over the problems of this kind
    # The severity of a counted finding starts here, by how direct the charge
    # is (the paper against itself; against a yardstick valid at the time; a
    # phrase against its numbers; two sources it relays, which seldom agree),
    # and grows by one for each doubling of the gap (``evidence.severity``).
    severity_base: float
    # What each side of a comparison is called where a finding is written out
    # (flag, register): two sources the paper relays are two reports, not a
    # statement and its recomputation.
    sides: tuple[str, str] = ("Stated", "Recomputed")


EVIDENCE = {
    e.name: e
    for e in (
        Evidence(
            ARITHMETIC,
            "the paper's own arithmetic",
            "figures the paper states, against each other",
            "in the paper's own arithmetic",
            "The paper's own arithmetic",
            severity_base=2.0,
        ),
        Evidence(
            SOURCES,
            "two sources the paper relays",
            "two sources the paper relays, against each other",
            "where two sources it relays differ",
            "Sources that differ",
            severity_base=0.5,
            sides=("One source", "The other source"),
        ),
        Evidence(
            YARDSTICK,
            "an outside yardstick",
            "a figure against an independent rate, date or count valid when the figure was made",
            "against an outside yardstick",
            "Against an outside yardstick",
            severity_base=1.5,
            sides=("Stated", "By the yardstick"),
        ),
        Evidence(
            WORDING,
            "a phrase against the paper's numbers",
            "a phrase of the text against the paper's numbers",
            "where a phrase goes beyond the paper's numbers",
            "A phrase against the numbers",
            severity_base=1.0,
            sides=("The words", "The paper's numbers"),
        ),
    )
}
EVIDENCE_KINDS = tuple(EVIDENCE)
# What a verdict that every kind of evidence can give holds against what (the front page's table).
ANY_EVIDENCE = "a relation that holds by definition (a plan named for a span of years lasts that span)"
