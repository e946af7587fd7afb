"""Yardsticks in HTML: the line a flag gives each reference fact it uses, and
the references page's list of sources. Text from data is escaped."""

from __future__ import annotations

from paper_audit.present.render import REFERENCES_PAGE, esc
from paper_audit.tables import reference


def source_anchor(source_id: str) -> str:
    return f"source-{source_id}"


def yardstick_lines(finding, references: str = REFERENCES_PAGE) -> str:
    """One line per reference fact a finding uses (``reference.facts_used``): the
    fact, its confidence, and a link to each of its sources on the references page."""
    lines = []
    for fact_id in reference.facts_used(finding):
        links = "; ".join(
            f'<a href="{esc(references)}#{esc(source_anchor(s))}">{esc(reference.cite(s))}</a>'
            for s in reference.source_ids(reference.lookup(fact_id)[1])
        )
        lines.append(f'<p class="audit-yardstick">Yardstick: {esc(reference.fact_line(fact_id))} — {links}</p>')
    return "".join(lines)


def reference_sources(group: str) -> str:
    """The references page's sources of one kind of fact (a resource of
    ``reference.FILES``), each once, with its anchor, what is known of it and
    the facts that rest on it. No link: a cell's HTML is a light box in the dark theme."""
    listed, earlier = reference.groups()[group]
    items = []
    for source_id in listed:
        lead, title, tail, supplied = reference.citation(source_id)
        note = reference.sources().loc[source_id, "note"]
        facts = "".join(f"<li>{esc(reference.fact_line(f))}</li>" for f in reference.facts_of(source_id))
        items.append(
            f'<li id="{esc(source_anchor(source_id))}" class="audit-source"><p>{esc(lead)}'
            + (esc(title) if supplied else f"<cite>{esc(title)}</cite>")
            + esc(tail).replace("/", "/<wbr>")  # an address may break at its slashes on a phone
            + "</p>"
            + (f"<p>{esc(note)}</p>" if note else "")
            + f"<p>The facts that rest on it:</p><ul>{facts}</ul></li>"
        )
    also = "; ".join(f"{esc(reference.cite(s))} (under {esc(reference.KINDS[reference.home(s)])})" for s in earlier)
    return f'<ol class="audit-sources">{"".join(items)}</ol>' + (
        f"<p>Also from sources listed under another heading: {also}.</p>" if also else ""
    )
