"""How each verdict is drawn: one row per verdict word (badge ink and tint,
the underline and highlight of a marked figure, the colour and hatch of a
chart), and the stylesheet, chart styles and front-page table generated from
those rows and the audit layer's table of verdicts (``audit.verdicts``, which
keeps what the words mean).

A verdict word without a row here is refused (``style``), so a new word is
drawn in its own style, never in another word's. The build writes
``stylesheet()`` into the book as ``_static/audit-verdicts.css``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from paper_audit.audit import verdicts as v


@dataclass(frozen=True)
class Palette:
    """Badge ink and tint (4.5:1 contrast on white), and the underline of a
    marked figure with its highlight ("" keeps the page's default, or none)."""

    ink: str
    tint: str
    line: str = ""
    highlight: str = ""


@dataclass(frozen=True)
class Style:
    """How one verdict word is drawn: its badge and marked figure
    (``palette``), and in charts a colour and a hatch, the hatch a second cue
    beside colour (words of one severity share them, so that every kind of
    evidence reads alike in a chart)."""

    palette: Palette
    chart: str
    hatch: str = ""


GREEN = Palette("#1b5e20", "#e8f5e9", line="#1b5e20")
BLUE = Palette("#0d47a1", "#e3f2fd", line="#0d47a1")
ORANGE = Palette("#7a4100", "#fff3e0", line="#b35c00", highlight="rgba(255, 152, 0, .14)")
RED = Palette("#b71c1c", "#ffebee", line="#b71c1c", highlight="rgba(229, 57, 53, .12)")
GREY = Palette("#424242", "#f5f5f5")
PURPLE = Palette("#4a148c", "#f3e5f5")
SLATE = Palette("#37474f", "#eceff1")
AMBER = Palette("#7a4100", "#fff3e0")  # partly: the ink of a problem, without the underline of one

# Chart colour and hatch by how grave a verdict is: agrees, within the margins,
# a problem with no hard verdict, a disagreement, a gross one.
AGREES = ("#1b5e20", "")
MARGIN = ("#0d47a1", "//")
OPEN = ("#757575", "--")
OFF = ("#b35c00", "..")
GROSS = ("#b71c1c", "xx")

# One row per verdict word.
STYLES: dict[str, Style] = {
    v.CONSISTENT: Style(GREEN, *AGREES),
    v.WITHIN_ROUNDING: Style(BLUE, *MARGIN),
    v.INCONSISTENT: Style(ORANGE, *OFF),
    v.GROSS: Style(RED, *GROSS),
    v.DEFINITIONAL: Style(GREY, *AGREES),
    v.SOURCES_AGREE: Style(GREEN, *AGREES),
    v.SOURCES_AGREE_ROUNDING: Style(BLUE, *MARGIN),
    v.SOURCES_DIFFER_SLIGHTLY: Style(BLUE, *MARGIN),
    v.SOURCES_DIFFER: Style(PURPLE, *OPEN),
    v.SOURCES_DIFFER_GROSSLY: Style(ORANGE, *OFF),
    v.UNCERTAIN: Style(SLATE, *OPEN),
    v.SUPPORTED: Style(GREEN, *AGREES),
    v.PARTLY: Style(AMBER, *OPEN),
    v.NOT_SUPPORTED: Style(ORANGE, *OFF),
}
NO_VERDICT = "verdict-none"  # the class of a figure that no check judges


def style(word: str) -> Style:
    """A verdict word's row; a word without one is a bug in this table."""
    found = STYLES.get(word)
    if found is None:
        raise KeyError(f"verdict {word!r} has no row in paper_audit.present.styles.STYLES: give it one")
    return found


def css_class(word: str) -> str:
    """A verdict's CSS class ("verdict-gross-inconsistency")."""
    return v.VERDICTS[word].css_class


def chart_style(word: str) -> tuple[str, str]:
    """Colour and hatch of a verdict in a chart, from its own row."""
    row = style(word)
    return row.chart, row.hatch


def stylesheet() -> str:
    """The verdicts' CSS, one rule per word of the table: badges, and the
    underline of a marked figure."""
    rules = ["/* Generated from paper_audit.present.styles.STYLES; edit the table, not this file. */"]
    for word in v.VERDICTS:
        p = style(word).palette
        rules.append(f".audit-badge.{css_class(word)} {{ color: {p.ink}; background: {p.tint}; }}")
    for word in v.VERDICTS:
        p = style(word).palette
        if p.line:
            highlight = f"\n  background: {p.highlight};" if p.highlight else ""
            rules.append(
                f".audit-claim.{css_class(word)} .audit-claim-figure {{ text-decoration-color: {p.line};{highlight} }}"
            )
    return "\n".join(rules) + "\n"


def verdict_table() -> str:
    """The front page's table of verdicts, as HTML: one row per kind of
    evidence, with what it holds against what and the verdicts it can give
    (each as its badge, with its gloss), then the verdicts every kind can give."""
    rows = [
        (name, evidence.against, [w for w, d in v.VERDICTS.items() if name in d.evidence and not _every(d)])
        for name, evidence in v.EVIDENCE.items()
    ]
    every = [w for w, d in v.VERDICTS.items() if _every(d)]
    if every:
        rows.append(("any", v.ANY_EVIDENCE, every))
    body = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{html.escape(against)}</td><td>{_listed(words)}</td></tr>"
        for name, against, words in rows
    )
    head = "".join(f'<th scope="col">{h}</th>' for h in ("evidence", "what is held against what", "verdicts"))
    caption = "The verdicts, by the kind of evidence behind them"
    return (
        f'<div class="audit-table-scroll" role="region" tabindex="0" aria-label="{caption}">'
        f'<table class="audit-table audit-verdict-table"><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _every(verdict: v.Verdict) -> bool:
    return set(verdict.evidence) >= set(v.EVIDENCE)


def _listed(words: list[str]) -> str:
    """Verdicts as badges, each with its gloss: "✓ consistent; ≈ consistent within rounding (...)"."""
    return "; ".join(
        f'<span class="audit-badge {css_class(w)}"><span aria-hidden="true">{html.escape(v.VERDICTS[w].symbol)}'
        f"</span> {html.escape(w)}</span>" + (f" ({html.escape(v.VERDICTS[w].gloss)})" if v.VERDICTS[w].gloss else "")
        for w in words
    )
