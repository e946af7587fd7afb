"""Yardsticks in HTML: the line a flag gives each reference fact it uses, and
the references page's list of sources. Text from data is escaped."""

from __future__ import annotations

from paper_audit.present.render import REFERENCES_PAGE, esc
from paper_audit.tables import provenance, reference


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


def provenance_classes() -> str:
    """The provenance classes and the confidence each gives alone, as the
    references page lists them (``provenance.CEILING``)."""
    items = "".join(f"<li>{esc(cls)}: {esc(level)}</li>" for cls, level in provenance.CEILING.items())
    return f'<ul class="audit-sources">{items}</ul>'


def provenance_line(source_id: str) -> str:
    """A source's provenance class and the confidence it gives alone."""
    cls = reference.sources().loc[source_id, "provenance"]
    return (
        f'<p class="audit-provenance">Provenance: {esc(cls)} (alone, it gives at most '
        f"{esc(provenance.CEILING[cls])} confidence).</p>"
    )


def fact_item(fact_id: str, source_id: str = "", said: set[str] | None = None) -> str:
    """A fact as the references page lists it under one of its sources: what it
    states, its confidence, and, under its first source only (a fact resting on
    several is listed under each, and the page says a thing once), why that is
    lower than its sources allow, where it is; a reason the page has already
    given (``said``) is pointed to, not repeated."""
    lowered = reference.lowered(fact_id)
    first = reference.source_ids(reference.lookup(fact_id)[1])[0]
    why = ""
    if lowered and source_id in ("", first):
        reason = f"Lowered from {lowered[0]}: {lowered[1]}"
        if said is not None and reason in said:
            why = f". Lowered from {esc(lowered[0])}, for the reason given above"
        else:
            why = f". {esc(reason)}."
            if said is not None:
                said.add(reason)
    return f"<li>{esc(reference.fact_line(fact_id))}{why}</li>"


def reference_sources(group: str) -> str:
    """The references page's sources of one kind of fact (a resource of
    ``reference.FILES``), each once, with its anchor, what is known of it, its
    provenance class and the facts that rest on it. Its web address is text
    here: ``sphinx_fixes.link_addresses`` makes it a link in the built page."""
    listed, earlier = reference.groups()[group]
    items = []
    said: set[str] = set()
    for source_id in listed:
        lead, title, tail, supplied = reference.citation(source_id)
        note = reference.sources().loc[source_id, "note"]
        facts = "".join(fact_item(f, source_id, said) for f in reference.facts_of(source_id))
        items.append(
            f'<li id="{esc(source_anchor(source_id))}" class="audit-source"><p>{esc(lead)}'
            + (esc(title) if supplied else f"<cite>{esc(title)}</cite>")
            + esc(tail).replace("/", "/<wbr>")  # an address may break at its slashes on a phone
            + "</p>"
            + provenance_line(source_id)
            + (f"<p>{esc(note)}</p>" if note else "")
            + f"<p>The facts that rest on it:</p><ul>{facts}</ul></li>"
        )
    also = "; ".join(f"{esc(reference.cite(s))} (under {esc(reference.KINDS[reference.home(s)])})" for s in earlier)
    return f'<ol class="audit-sources">{"".join(items)}</ol>' + (
        f"<p>Also from sources listed under another heading: {also}.</p>" if also else ""
    )
