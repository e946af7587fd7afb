"""A flag: the note a chapter shows where the paper states a figure a check
judges. It reads as a colleague would write it: the question as its title,
then a short paragraph that opens with the verdict and says what was found
and what it changes; the quotes, the computation and the yardsticks are
folded beneath it for the reader who wants to follow the working. Text from
data is escaped."""

from __future__ import annotations

from functools import lru_cache

from paper_audit import paths
from paper_audit.audit import chain_data, chains
from paper_audit.audit.phrasing import capitalised
from paper_audit.audit.verdicts import EVIDENCE, UNCERTAIN, VERDICTS
from paper_audit.present.render import REGISTER_PAGE, esc, finding_anchor, label_words, pages_text, source_line
from paper_audit.present.yardsticks import yardstick_lines
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import schema

# The fold's handle: what a reader finds by opening it.
DETAILS_SUMMARY = "The quotes and the computation"
# The run-in heading of what a finding changes in the paper's argument.
BEARING_LEAD = "What it changes."


def verdict_sentence(finding) -> str:
    """The paragraph's opening: the verdict in the words of its kind of evidence.

    A clause that the explanation completes after its colon. A rounding grade
    names the evidence it rests on ("Consistent, by an outside yardstick:");
    the words of the other kinds already say it ("Partly supported by the
    paper's numbers:"); an uncertain yardstick says so before what it found
    ("Uncertain yardstick, off at every candidate rate:"). The
    size of a gap is left to the explanation, which gives it once in the words
    that suit it: the label loses its size, or where the size is part of its
    words ("sources differ by a factor of 21"), gives way to the bare verdict."""
    words = label_words(finding)
    if finding.verdict == UNCERTAIN and words != UNCERTAIN:
        return f"{capitalised(UNCERTAIN)}, {words}:"
    if VERDICTS[finding.verdict].grade:
        return f"{capitalised(words)}, by {EVIDENCE[finding.evidence].meaning}:"
    return f"{capitalised(words)}:"


def _continued(text: str) -> str:
    """The explanation as it continues the verdict's clause after its colon: a
    first word in lower case unless it is a name ("The paper's ..." reads "the
    paper's ..."; "TIME ..." and "China's ..." stay). The verdict and the first
    sentence are then one sentence, which no other flag of the page repeats."""
    first, _, rest = text.partition(" ")
    if first in (
        "The",
        "A",
        "An",
        "At",
        "In",
        "By",
        "On",
        "Of",
        "No",
        "Neither",
        "Both",
        "Every",
        "Summaries",
        "Subtracting",
    ):
        return f"{first.lower()} {rest}"
    return text


@lru_cache(maxsize=4)
def _chain_inputs(project: paths.Project) -> tuple:
    """The claims of ``project``, the tables a search for a figure's making reads,
    and which check tells each conversion (``chains.owners``), once per process
    and project (issue 27: two projects in one process never share them)."""
    table = claims_mod.load_claims(project=project)
    rows = claims_mod.read_csv_strict(project.checks_csv, schema.field_names("checks", project))
    return table, chain_data.load(set(table.index), project), chains.owners(rows, table)


def made_by(finding, project: paths.Project | None = None) -> list[str]:
    """How each printed figure of a counted conversion was probably made, a sentence
    each (``chains.sentence``), in the one check that tells it (``chains.owners``):
    the engine's searches (``finding.made_by``) where it gives them, else a search
    made here, in ``project``'s data (the current project's by default)."""
    if not finding.counted:
        return []
    table, tables, told = _chain_inputs(paths.resolve(project))
    searches = getattr(finding, "made_by", None)
    if searches is None:
        if not chains.conversion_pairs(finding.kind, finding.inputs, table):
            return []
        searches = chains.for_finding(finding, table, tables)
    return [chains.sentence(s) for s in searches if told.get((s.amount, s.printed)) == finding.check]


def paragraphs(finding, project: paths.Project | None = None) -> str:
    """What shows: the verdict (its symbol beside its words, as on a badge) and
    the explanation as one paragraph, with how a counted conversion's printed
    figure was probably made (``made_by``, in ``project``'s data), and what the
    finding changes in the argument, where the check says."""
    symbol = f'<span aria-hidden="true">{VERDICTS[finding.verdict].symbol}</span>'
    lead = f"<strong>{symbol} {esc(verdict_sentence(finding))}</strong>"
    said = " ".join(t for t in [_continued(finding.explanation), *made_by(finding, project)] if t)
    text = f'<p class="audit-flag-text">{lead} {esc(said)}</p>'
    if finding.bearing:
        text += f'<p class="audit-flag-bearing"><em>{esc(BEARING_LEAD)}</em> {esc(finding.bearing)}</p>'
    return text


def quote_line(quote: dict) -> str:
    """A quote of the paper with its page and note. Who reported the figure is
    said once per chapter (``reporters``), not again in every flag that reads it."""
    return f"<q>{esc(quote['quote'])}</q> ({esc(source_line(quote))})"


def quotes(finding) -> str:
    """The paper's words the check reads; a phrase held against the numbers first."""
    items = [f"<li>{quote_line(q)}</li>" for q in finding.quotes]
    if finding.phrase:
        phrase = finding.phrase
        items.insert(0, f"<li>The phrase: <q>{esc(phrase['text'])}</q> ({esc(source_line(phrase))})</li>")
    return f'<ul class="audit-quotes">{"".join(items)}</ul>' if items else ""


def working(finding) -> list[tuple[str, str]]:
    """The computation, item by item. No gap in percent of the stated value:
    the paragraph gives the gap once, in the words that suit it."""
    stated, other = EVIDENCE[finding.evidence].sides
    rows = [
        (stated, finding.stated),
        (other, finding.computed),
        ("Computation", finding.computation),
        ("Implied rate", finding.implied_rate),
        ("Evidence", EVIDENCE[finding.evidence].meaning),
    ]
    if finding.definitional:
        rows.append(("Not counted", "it restates a definition, so it cannot fail and is no evidence of agreement"))
    return [(term, text) for term, text in rows if text]


def details(finding) -> str:
    """The fold: quotes, computation, and the yardsticks with their sources."""
    items = "".join(f"<li>{esc(term)}: {esc(text)}</li>" for term, text in working(finding))
    return (
        f'<details class="audit-flag-details"><summary>{esc(DETAILS_SUMMARY)}</summary>'
        f'{quotes(finding)}<ul class="audit-computation">{items}</ul>{yardstick_lines(finding)}</details>'
    )


def flag(finding, project: paths.Project | None = None) -> str:
    """The note at the point of discussion: its title as a heading, the
    paragraph, the working folded (of a finding of ``project``, the current
    project by default)."""
    verdict = VERDICTS[finding.verdict]
    return (
        f'<div class="admonition {verdict.admonition} audit-flag {verdict.css_class}" id="flag-{esc(finding.check)}" '
        f'role="note" aria-labelledby="flag-title-{esc(finding.check)}">'
        # A heading, so that a screen reader can jump from flag to flag.
        f'<h3 class="admonition-title" id="flag-title-{esc(finding.check)}">{esc(finding.title)}</h3>'
        f"{paragraphs(finding, project)}{details(finding)}"
        f'<p class="audit-flag-register"><a href="{esc(REGISTER_PAGE)}#{esc(finding_anchor(finding.check))}">'
        "In the findings register</a></p></div>"
    )


def reporters(findings) -> str:
    """Who reported the figures that a chapter's checks read, each once, in the
    order the paper first quotes them: who, when and why, and where the paper
    quotes them. The flags themselves do not repeat it."""
    pages: dict[tuple[str, str, str], set[int]] = {}
    for finding in findings:
        for quote in finding.quotes:
            who = tuple(str(quote.get(f) or "") for f in ("reported_by", "reported_when", "reported_why"))
            if who[0]:
                pages.setdefault(who, set()).add(int(quote["page"]))
    items = []
    for (who, when, why), where in sorted(pages.items(), key=lambda item: min(item[1])):
        said = f"{capitalised(who)}" + (f", {when}" if when else "") + (f": {why}" if why else "")
        items.append(f"<li>{esc(said.rstrip('.'))}. Quoted on {esc(pages_text(sorted(where)))}.</li>")
    return f'<ul class="audit-reporters">{"".join(items)}</ul>' if items else ""
