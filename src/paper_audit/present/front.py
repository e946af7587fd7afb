"""The front page: the paper it audits (title, authors, a link to its PDF,
from CITATION.cff), what was found, gravest first, each problem with the
paper's figures themselves (from the claims, never typed), the size of its
gap (``audit.gaps.size``, the one formatter every page uses) and a link to
its flag; an abstract whose counts add up to the number of checks; and how
to cite the book (``tables.citation``). Plain text is glued as it is; HTML is
escaped here."""

from __future__ import annotations

import re

from paper_audit.audit import evidence, gaps, phrasing
from paper_audit.audit.phrasing import capitalised, listed, typographic
from paper_audit.audit.verdicts import DEFINITIONAL, EVIDENCE
from paper_audit.present import render
from paper_audit.present.render import esc, flag_href
from paper_audit.tables import argument, citation, claims

# The abstract names this many problems, the gravest; the ranked list below it names them all.
GRAVEST_IN_ABSTRACT = 2


def ranked(findings) -> list:
    """Each counted problem once, by its most severe finding, gravest first
    (``Finding.severity``; ``evidence.worst_by_problem``)."""
    return list(evidence.worst_by_problem(list(findings)).values())


def paper_line(paper: citation.Paper) -> str:
    """The subtitle naming the audited paper, its title a link to its PDF (HTML)."""
    return (
        f'<p class="audit-paper">An audit of the figures in {esc(listed(list(paper.authors)))}, '
        f'<a class="audit-paper-link" href="{esc(paper.url)}"><cite>{esc(paper.title)}</cite></a> '
        f"({esc(paper.series)}, {esc(paper.publisher)}, {paper.year}; PDF)</p>"
    )


def counts(findings) -> dict[str, int]:
    """What every check comes to, each check in exactly one group: a problem
    (part of a counted problem), an agreement, a routine confirmation (of what
    nobody doubts: ``Finding.routine``), or a definition that cannot fail
    (``evidence.findings_summary``, where the groups are made)."""
    summary = evidence.findings_summary(list(findings))
    return {
        "checks": summary["findings"],
        "problem": summary["problem_findings"],
        "agree": summary["agree"],
        "routine": summary["routine"],
        "definitional": summary["definitional"],
    }


# A statement as a clause after "that": its first word in lower case unless it is a name.
_COMMON_FIRST_WORDS = {"The", "A", "An", "Foreign"}


def _that(statement: str) -> str:
    first, _, rest = statement.partition(" ")
    return f"that {first.lower() if first in _COMMON_FIRST_WORDS else first} {rest}".rstrip()


def leaning_sentence(findings, statements=None, named: bool = True) -> str:
    """Which way the counted problems lean on the paper's argument, each
    problem once (by its gravest finding): in favour of the statements they
    bear on, against them (the paper understating its own case), or bearing
    on none; the statements named from data/argument.csv, or (``named``
    False, for the abstract, which must leave the ranked list above the fold)
    only counted."""
    statements = argument.load() if statements is None else statements
    worst = list(evidence.worst_by_problem(list(findings)).values())
    if not worst:
        return ""
    groups: dict[str, list] = {"favours": [], "weakens": [], "": []}
    for f in worst:
        groups[f.direction if f.argument else ""].append(f)

    def on(group: list) -> str:
        ids = list(dict.fromkeys(f.argument for f in group))
        return listed([_that(statements[a].statement) for a in ids])

    def many(n: int, one: str, more: str) -> str:
        return f"{n} {one if n == 1 else more}"

    def statements_of(group: list) -> str:
        if not named:
            return ""
        plural = "s" if len({f.argument for f in group}) > 1 else ""
        return f", on the statement{plural} {on(group)}"

    parts = []
    if groups["favours"]:
        parts.append(
            f"{many(len(groups['favours']), 'leans', 'lean')} in favour of the paper's argument"
            + statements_of(groups["favours"])
        )
    if groups["weakens"]:
        parts.append(
            f"{many(len(groups['weakens']), 'leans', 'lean')} "
            f"against {'it' if groups['favours'] else 'the paper’s argument'}, understating the paper's own case"
            + statements_of(groups["weakens"])
        )
    if groups[""]:
        parts.append(f"{many(len(groups['']), 'bears', 'bear')} on no statement of the argument")
    lead = f"Of the {len(worst)} problems, " if len(worst) > 1 else "The one problem "
    if len(worst) == 1:
        return typographic(lead + parts[0].split(" ", 1)[1] + ".")
    return typographic(lead + "; ".join(parts[:-1]) + ("; and " if len(parts) > 1 else "") + parts[-1] + ".")


def counts_sentence(counted: dict[str, int]) -> str:
    """The abstract's sentence on what the checks come to; its numbers add up
    to the number of checks (a group of none is left out)."""
    groups = [
        (counted["problem"], "belongs to a problem", "belong to a problem"),
        (counted["agree"], "agrees", "agree"),
        (counted["routine"], "confirms what nobody doubts", "confirm what nobody doubts"),
        # the verdict's own words (verdicts.DEFINITIONAL), its verb made plural for several
        (counted["definitional"], DEFINITIONAL, DEFINITIONAL.replace("holds", "hold", 1)),
    ]
    said = [f"{n} {one if n == 1 else many}" for n, one, many in groups if n]
    return f"Of the {counted['checks']} checks, {listed(said)}."


def kinds_text(findings) -> str:
    """The distinct problems by kind of evidence, kinds with none left out:
    "3 in the paper's own arithmetic and 2 against an outside yardstick"."""
    by_kind = evidence.findings_summary(list(findings))["problems_by_kind"]
    said = [f"{n} {EVIDENCE[kind].where}" for kind, n in by_kind.items() if n]
    return typographic(listed(said)) if said else "none"


# How a figure is printed with its unit: "USD 170 million", "29.4 percent", "420 billion won".
BARE_UNITS = {"date", "year", "fraction", "count"}


SCIENTIFIC = re.compile(r"\d(\.\d+)?e[+-]?\d", re.IGNORECASE)


def figure_text(claim) -> str:
    """One figure of the paper with its unit, from its row of data/claims.csv
    (a number in words in lower case: "nineteen divisions", whatever the case
    of the sentence it opens)."""
    figure, unit = str(claim["figure"]).strip(), str(claim["unit"]).strip()
    figure = figure.lower() if figure.replace("-", "").isalpha() else figure
    if unit == "USD":
        return f"USD {figure}"
    return figure if unit in BARE_UNITS or not unit else f"{figure} {unit}"


def figures(finding, table=None, findings=None) -> str:
    """The paper's figures a problem is about, as printed: a sum given in two
    currencies by one source is joined by "=", the sources set against each
    other ("420 billion won = USD 170 million against 430 billion won = USD
    3.5 billion"); figures of one kind are listed; a yardstick's value follows."""
    table = claims.load_claims() if table is None else table
    # Every figure of the problem (all its counted findings), in the paper's order.
    # A finding whose comparison has no size (a footnote that gives no rate) names
    # no figure of the problem: its inputs (the footnote's own rate) are not at issue.
    same = [
        f
        for f in (findings or [])
        if f.counted and f.problem and f.problem == finding.problem and f.separation is not None
    ]
    inputs = {i for f in [finding, *same] for i in f.inputs}
    rows = [row for claim_id, row in table.iterrows() if claim_id in inputs]
    groups: list[list] = []
    for row in rows:
        same = groups and all(row[k] == groups[-1][-1][k] for k in ("period", "reported_by"))
        if same:
            groups[-1].append(row)
        else:
            groups.append([row])
    said, seen = [], set()
    for group in groups:
        # A figure the paper prints twice (in the text and a footnote) is given once.
        texts = [t for t in (figure_text(r) for r in group) if not (t in seen or seen.add(t))]
        units = {r["unit"] for r in group}
        if texts:
            said.append(" = ".join(texts) if len(units) == len(texts) > 1 else listed(texts))
    text = " against ".join(said) if len(said) == 2 and finding.evidence != "yardstick" else "; ".join(said)
    if finding.evidence == "yardstick" and finding.computed:
        reference = finding.computed
        if SCIENTIFIC.search(reference):  # as a reader writes it, never "2.238e+04"
            reference = render.amount(finding.computed_value)
        text += f" against {reference}"
    return typographic(text)


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


def ranked_list(ranked_problems: list, findings=None) -> str:
    """The ranked list: one item per problem, gravest first: the size of its gap,
    its check's title linking to the flag in its chapter, its kind of evidence,
    and the paper's figures themselves (``figures``)."""
    table = claims.load_claims()
    items = "".join(
        f'<li><span class="audit-ranked-size">{esc(size(f))}</span> – '
        f'<a class="audit-ranked-link" href="{esc(flag_href(f))}">{esc(typographic(capitalised(f.headline)))}</a> '
        f'<span class="audit-ranked-kind">({esc(typographic(EVIDENCE[f.evidence].meaning))})</span>'
        f'<span class="audit-ranked-figures">{esc(figures(f, table, findings))}</span></li>'
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
