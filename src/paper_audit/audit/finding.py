"""A finding: what one check computed, from which quotes, how far from the
stated figure, and its verdict in the words of its kind of evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from paper_audit.audit.verdicts import SEVERITY


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
    quotes: list[dict[str, Any]] = field(default_factory=list)
    evidence: str = "arithmetic"  # arithmetic | sources | yardstick | wording
    problem: str = ""  # findings with one root cause share it
    definitional: bool = False  # cannot fail: shown, never counted as agreement
    grade: str = ""  # the rounding grade of the computation (verdicts.GRADES); kept out of findings.csv
    stated_low: float | None = None
    stated_high: float | None = None
    spread: float | None = None  # sources: how far apart, relative to the smaller value
    uncertainty: str = ""  # yardstick: why no hard verdict is given, with the range
    phrase: dict[str, Any] | None = None  # wording: the phrase held against the numbers
    label: str = ""  # the verdict as shown, in the words of its evidence kind
    bearing: str = ""  # what the finding changes in the paper's argument, and what it does not
    # How far apart the two sides lie beyond rounding and the vagueness of the
    # words, as a ratio of their nearest ends (1: they meet); None where the
    # comparison has no size (a footnote that gives no rate).
    separation: float | None = None
    adverse_everywhere: bool = False  # an uncertain yardstick that is off at every candidate
    counted: bool = False  # part of a problem the book counts (evidence.counted)
    severity: float = 0.0  # 0 unless counted; then grows with the gap (evidence.severity)
    # The claims among the inputs that the check judges (checks.csv ``judges``): only
    # they wear its badge where the text is quoted; empty when it judges a relation.
    judges: list[str] = field(default_factory=list)
    # What is at issue, as a noun phrase the size can follow (checks.csv
    # ``headline``; the title where it is empty): the front page's words.
    headline: str = ""
    # The statement of the paper's argument the finding bears on (checks.csv
    # ``argument``, an id of data/argument.csv; "" for none), how much of the
    # argument rests on it (``stakes``: central, supporting or "") and which
    # way an error in the checked figures leans on it (favours | weakens).
    argument: str = ""
    stakes: str = ""
    direction: str = ""
    # A check that confirms what nobody doubts: its agreement is counted apart.
    routine: bool = False
    # How far apart the two sides lie beyond every margin (rounding, the
    # vagueness of the words, the tolerance for estimates): the gap that
    # severity weighs and every headline prints (``stakes.beyond_margins``).
    beyond: float | None = None
    # How each printed conversion among the inputs was probably made (the
    # engine's last step, ``chains.for_finding``), for counted findings only;
    # None where no search was made.
    made_by: list[Any] | None = None

    @property
    def rank(self) -> int:
        """The verdict's place in the table (0 agrees ... 4 gross), for sorting by kind of verdict."""
        return SEVERITY[self.verdict]

    def as_row(self) -> dict[str, Any]:
        row = asdict(self)
        row["inputs"] = " ".join(self.inputs)
        row["judges"] = " ".join(self.judges)
        row["pages"] = " ".join(str(p) for p in self.pages)
        row["quotes"] = " | ".join(
            f"p. {q['page']}{', n. ' + str(q['footnote']) if q['footnote'] else ''}: “{q['quote']}”"
            for q in self.quotes
        )
        row["phrase"] = f"p. {self.phrase['page']}: “{self.phrase['text']}”" if self.phrase else ""
        row["severity"] = round(self.severity, 3)
        # The rounding grade would contradict a verdict in other words
        # ("inconsistent" beside "sources differ"): findings.csv keeps the verdict.
        del row["grade"], row["adverse_everywhere"]
        # findings.csv gives the best chain in words, not the search's objects.
        row["made_by"] = " | ".join(
            "; ".join(step.words for step in search.best.steps) if search.best else f"none of {search.tried} tried"
            for search in self.made_by or []
        )
        return row


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """One row per finding, as findings.csv has them."""
    return pd.DataFrame([f.as_row() for f in findings])
