"""The front page: what was found, gravest first, each problem with the size
of its gap (``audit.gaps.size``, the one formatter every page uses) and a
link to its flag; and how to cite the book (``tables.citation``, read from
CITATION.cff). Plain text is glued as it is; HTML is escaped here."""

from __future__ import annotations

from paper_audit.audit import evidence, gaps, phrasing
from paper_audit.audit.phrasing import capitalised, listed, typographic
from paper_audit.audit.verdicts import EVIDENCE
from paper_audit.present.render import esc, flag_href
from paper_audit.tables import citation

# The abstract names this many problems, the gravest; the ranked list below it names them all.
GRAVEST_IN_ABSTRACT = 2


def ranked(findings) -> list:
    """Each counted problem once, by its most severe finding, gravest first
    (``Finding.severity``; ``evidence.worst_by_problem``)."""
    return list(evidence.worst_by_problem(list(findings)).values())


def size(finding) -> str:
    """How far apart, as every page says it; the verdict's word where the
    comparison has no size."""
    return gaps.size(finding) or finding.verdict


def problems_found(ranked_problems: list) -> str:
    """What the checks come down to, for "… and finds {this}."."""
    n = len(ranked_problems)
    return "no problem that counts" if n == 0 else f"{n} distinct problem{'' if n == 1 else 's'}"


def gravest_sentence(ranked_problems: list, how_many: int = GRAVEST_IN_ABSTRACT) -> str:
    """One sentence naming the gravest problems, each with its size and kind of
    evidence (plain text, glued into the abstract)."""
    gravest = ranked_problems[:how_many]
    if not gravest:
        return (
            "None of the checks finds a disagreement beyond rounding, the vagueness of the words "
            "or the spread of estimates."
        )
    kinds = {f.evidence for f in gravest}
    if len(kinds) == 1:
        where = EVIDENCE[gravest[0].evidence].where
        named = listed([f"{f.headline} ({size(f)})" for f in gravest])
        if len(gravest) == 1:
            text = f"The gravest, {where}, is {named}."
        else:
            text = f"The gravest, {'both' if len(gravest) == 2 else 'all'} {where}, are {named}."
    else:
        named = listed([f"{f.headline} ({size(f)}, {EVIDENCE[f.evidence].where})" for f in gravest])
        text = f"The gravest {'is' if len(gravest) == 1 else 'are'} {named}."
    return typographic(text)


def ranked_list(ranked_problems: list) -> str:
    """The ranked list: one line per problem, gravest first: the size of its gap,
    its check's title linking to the flag in its chapter, its kind of evidence."""
    items = "".join(
        f'<li><span class="audit-ranked-size">{esc(size(f))}</span> – '
        f'<a class="audit-ranked-link" href="{esc(flag_href(f))}">{esc(typographic(capitalised(f.headline)))}</a> '
        f'<span class="audit-ranked-kind">({esc(typographic(EVIDENCE[f.evidence].meaning))})</span></li>'
        for f in ranked_problems
    )
    return f'<ol class="audit-ranked">{items}</ol>'


def data_version(facts: citation.Citation, data_hash: str) -> str:
    """The version of the data: the short hash of its files and the date
    CITATION.cff declares for it (never the time of the build)."""
    return f"data {data_hash} of {phrasing.date_text(facts.date_released)}"


def byline(facts: citation.Citation, data_hash: str) -> str:
    """The line under the title: authors, version, data."""
    return f"{listed(list(facts.authors))} · version {facts.version} · {data_version(facts, data_hash)}"


def suggested_citation(facts: citation.Citation, data_hash: str) -> str:
    """The suggested citation, as HTML (a block)."""
    authors = esc(listed(list(facts.authors)))
    return (
        f'<p class="audit-citation">{authors} ({facts.date_released.year}). <em>{esc(facts.title)}</em>. '
        f"Version {esc(facts.version)}, {esc(data_version(facts, data_hash))}."
        + (f" Licence: {esc(facts.license)}." if facts.license else "")
        + "</p>"
    )
