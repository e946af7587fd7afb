"""The findings register and the front page's ranked list: findings ranked
by severity, each linked to its flag. Text from data is escaped."""

from __future__ import annotations

from paper_audit.audit import evidence
from paper_audit.audit.verdicts import EVIDENCE, EVIDENCE_KINDS, VERDICTS
from paper_audit.present.render import CHAPTER_PAGES, badge_span, esc, finding_anchor


# What the front page counts. Today: the findings that are not consistent,
# grouped by verdict, gravest first. When findings carry their problem and
# evidence kind, group distinct problems by evidence kind here instead; the
# front page, its sentence, its list and its chart follow.
def found_groups(findings) -> dict[str, list]:
    """{evidence kind: the most severe finding of each distinct problem of that
    kind}, for the front page: a problem shared by several findings is listed
    (and counted) once, gravest first; the kind with the gravest problem first."""
    worst = list(evidence.worst_by_problem(list(findings)).values())  # gravest first
    groups = {kind: [f for f in worst if f.evidence == kind] for kind in EVIDENCE_KINDS}
    ranked = sorted((k for k in groups if groups[k]), key=lambda k: (-groups[k][0].severity, EVIDENCE_KINDS.index(k)))
    return {kind: groups[kind] for kind in ranked}


def found_sentence(groups: dict[str, list]) -> str:
    """One sentence with the count of each group (plain text, glued)."""
    parts = [f"{len(found)} {EVIDENCE[kind].where}" for kind, found in groups.items()]
    if not parts:
        return "None of them finds a disagreement."
    total = sum(len(found) for found in groups.values())
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (
        f"Where they disagree, it comes down to {total} distinct {'problem' if total == 1 else 'problems'}: {listed}."
    ).replace("'", "’")


def found_list(groups: dict[str, list]) -> str:
    """Each group's findings, each linked to its flag in its chapter."""
    items = []
    for label, found in groups.items():
        links = "".join(
            f'<li>{badge_span(f)} <a href="{esc(CHAPTER_PAGES)}{esc(f.chapter)}.html#flag-{esc(f.check)}">'
            f"{esc(f.title)}</a></li>"
            for f in found
        )
        heading = EVIDENCE[label].heading if label in EVIDENCE else label
        items.append(f"<li><strong>{esc(heading)}</strong> ({len(found)})<ul>{links}</ul></li>")
    return f'<ul class="audit-found">{"".join(items)}</ul>'


def register(findings, chapter_titles: dict[str, str]) -> str:
    """The findings register: one sortable table row per finding, ranked: the
    counted findings by severity, then the rest by the gravity of their verdict."""
    findings = sorted(findings, key=lambda f: (-f.severity, -f.rank))
    head = "".join(
        f'<th scope="col"><button type="button" class="audit-sort" data-col="{i}">{esc(h)}</button></th>'
        for i, h in enumerate(["Verdict", "Check", "Evidence", "Pages", "Stated", "Recomputed", "Chapter"])
    )
    body = []
    for f in findings:
        verdict = VERDICTS[f.verdict]
        title = chapter_titles.get(f.chapter, f.chapter)
        chapter = f'<a href="../notebooks/{esc(f.chapter)}.html#flag-{esc(f.check)}">{esc(title)}</a>'
        rank = f"{f.severity:.3f}" if f.counted else f"{-1 + f.rank / 10:.3f}"  # counted ones sort first
        body.append(
            f'<tr id="{esc(finding_anchor(f.check))}">'
            f'<td data-sort="{rank}"><span class="audit-badge {verdict.css_class}"><span aria-hidden="true">'
            f"{verdict.symbol}</span> {esc(f.label)}</span></td>"
            f"<td><strong>{esc(f.title)}</strong><br><small>{esc(f.computation)}</small><br>"
            f"<small>Problem: {esc(f.problem.replace('_', ' '))}"
            f"{' (a definition, not counted)' if f.definitional else ''}</small></td>"
            f"<td>{esc(f.evidence)}</td>"
            f'<td data-sort="{min(f.pages) if f.pages else 0}">{esc(", ".join(map(str, f.pages)))}</td>'
            f"<td>{esc(f.stated)}</td><td>{esc(f.computed)}</td><td>{chapter}</td></tr>"
        )
    return f'<table class="audit-register"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
