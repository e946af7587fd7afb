"""The book's vocabulary, declared once: every verdict a finding can carry and
every kind of evidence a finding can rest on, with how each is shown.

Everything else reads these tables: the engine (which word a computation
earns), the counting (what is a problem), the HTML (badge, symbol, admonition),
the stylesheet (``stylesheet()``, written into the built book), the charts
(colour and hatch), the classroom (the names students may give) and the
pages that print the vocabulary. To change a word, a colour or a severity,
change its row here.

Severity: 0 agrees, 1 agrees within rounding, ``PROBLEM_FROM`` and above is
(part of) a problem, and the higher the graver.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Style:
    """How a family of verdicts is drawn: badge ink and tint (4.5:1 contrast
    on white), the underline of a marked figure (with its highlight; charts
    draw in this colour), and the hatch that charts add as a second cue
    beside colour."""

    name: str  # CSS class suffix: verdict-<name>
    ink: str
    tint: str
    line: str = ""  # underline colour of a marked figure; "" keeps the page's default
    highlight: str = ""  # background of a marked figure; "" for none
    hatch: str = ""

    @property
    def css_class(self) -> str:
        return f"verdict-{self.name}"


STYLES = {
    style.name: style
    for style in (
        Style("consistent", "#1b5e20", "#e8f5e9", line="#1b5e20"),
        Style("rounding", "#0d47a1", "#e3f2fd", line="#0d47a1", hatch="//"),
        Style("inconsistent", "#7a4100", "#fff3e0", line="#b35c00", highlight="rgba(255, 152, 0, .14)", hatch=".."),
        Style("gross", "#b71c1c", "#ffebee", line="#b71c1c", highlight="rgba(229, 57, 53, .12)", hatch="xx"),
        Style("definition", "#424242", "#f5f5f5"),
        Style("sources", "#4a148c", "#f3e5f5"),
        Style("uncertain", "#37474f", "#eceff1"),
        Style("partly", "#7a4100", "#fff3e0"),
    )
}
NO_VERDICT = "verdict-none"  # the class of a figure that no check judges


@dataclass(frozen=True)
class Verdict:
    word: str  # as printed and stored in findings.csv
    severity: int
    symbol: str
    style: str  # a key of STYLES
    admonition: str  # the Sphinx admonition of its flag
    short: str  # the badge's words, where shorter than the word
    grade: bool = False  # a rounding grade: what the arithmetic of a comparison gives

    @property
    def css_class(self) -> str:
        return STYLES[self.style].css_class


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

VERDICTS = {
    v.word: v
    for v in (
        Verdict(CONSISTENT, 0, "✓", "consistent", "tip", CONSISTENT, grade=True),
        Verdict(WITHIN_ROUNDING, 1, "≈", "rounding", "note", "within rounding", grade=True),
        Verdict(INCONSISTENT, 3, "⚠", "inconsistent", "warning", INCONSISTENT, grade=True),
        Verdict(GROSS, 4, "✖", "gross", "danger", GROSS, grade=True),
        Verdict(DEFINITIONAL, 0, "=", "definition", "note", DEFINITIONAL),
        Verdict(SOURCES_AGREE, 0, "✓", "consistent", "tip", SOURCES_AGREE),
        Verdict(SOURCES_AGREE_ROUNDING, 1, "≈", "rounding", "note", SOURCES_AGREE_ROUNDING),
        Verdict(SOURCES_DIFFER_SLIGHTLY, 1, "≈", "rounding", "note", SOURCES_DIFFER_SLIGHTLY),
        Verdict(SOURCES_DIFFER, 2, "↔", "sources", "note", SOURCES_DIFFER),
        Verdict(SOURCES_DIFFER_GROSSLY, 3, "↔", "inconsistent", "warning", SOURCES_DIFFER_GROSSLY),
        Verdict(UNCERTAIN, 2, "?", "uncertain", "note", UNCERTAIN),
        Verdict(SUPPORTED, 0, "✓", "consistent", "tip", SUPPORTED),
        Verdict(PARTLY, 2, "◐", "partly", "warning", PARTLY),
        Verdict(NOT_SUPPORTED, 3, "⚠", "inconsistent", "warning", NOT_SUPPORTED),
    )
}
GRADES = tuple(word for word, v in VERDICTS.items() if v.grade)  # best to worst
SEVERITY = {word: v.severity for word, v in VERDICTS.items()}
PROBLEM_FROM = 2  # a finding of this severity or worse is (part of) a problem
AGREEING = tuple(word for word, rank in SEVERITY.items() if rank < PROBLEM_FROM)


def style_of(verdict: str) -> Style:
    return STYLES[VERDICTS[verdict].style]


def chart_style(verdict: str) -> tuple[str, str]:
    """Colour and hatch of a verdict in a chart: those of the rounding grade
    of the same severity, so that every kind of evidence reads alike; grey
    and dashes for a severity no grade has (between agreement and a flag)."""
    severity = SEVERITY.get(verdict)
    grade = next((g for g in GRADES if SEVERITY[g] == severity), None)
    if grade is None:
        return "#757575", "--"
    style = style_of(grade)
    return style.line or style.ink, style.hatch


@dataclass(frozen=True)
class Evidence:
    """A kind of evidence a finding rests on (declared per check in
    data/checks.csv, column ``evidence``)."""

    name: str
    meaning: str  # what it is, after "Evidence: <name>: "
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
            "arithmetic",
            "the paper's own arithmetic",
            "in the paper's own arithmetic",
            "The paper's own arithmetic",
            severity_base=2.0,
        ),
        Evidence(
            "sources",
            "two sources the paper relays",
            "where two sources it relays differ",
            "Sources that differ",
            severity_base=0.5,
            sides=("One source", "The other source"),
        ),
        Evidence(
            "yardstick",
            "an outside yardstick",
            "against an outside yardstick",
            "Against an outside yardstick",
            severity_base=1.5,
            sides=("Stated", "By the yardstick"),
        ),
        Evidence(
            "wording",
            "a phrase against the paper's numbers",
            "where a phrase goes beyond the paper's numbers",
            "A phrase against the numbers",
            severity_base=1.0,
            sides=("The words", "The paper's numbers"),
        ),
    )
}
EVIDENCE_KINDS = tuple(EVIDENCE)


def stylesheet() -> str:
    """The verdicts' CSS, generated from STYLES (the build writes it into the
    book as ``_static/audit-verdicts.css``): badges, and the underline of a
    marked figure."""
    rules = ["/* Generated from paper_audit.audit.verdicts.STYLES; edit the table, not this file. */"]
    for style in STYLES.values():
        rules.append(f".audit-badge.{style.css_class} {{ color: {style.ink}; background: {style.tint}; }}")
    for style in STYLES.values():
        if style.line:
            highlight = f"\n  background: {style.highlight};" if style.highlight else ""
            rules.append(
                f".audit-claim.{style.css_class} .audit-claim-figure {{ text-decoration-color: {style.line};"
                f"{highlight} }}"
            )
    return "\n".join(rules) + "\n"
