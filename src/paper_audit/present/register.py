"""The findings register: one row per check, ranked (the counted findings by
severity, then the rest by the gravity of their verdict), in four columns a
laptop's text column holds: the verdict, the finding with the size of its gap,
its kind of evidence and the chapter that discusses it. What was stated and
what it was held against, the computation and the pages are folded into the
row (``<details>``), for whoever wants them. Every cell carries its column's
name (``data-label``), which book/_static/register.css prints before the value
where a phone stacks the row. Text from data is escaped."""

from __future__ import annotations

from paper_audit.audit import gaps
from paper_audit.audit.phrasing import typographic
from paper_audit.audit.verdicts import EVIDENCE, VERDICTS
from paper_audit.present.render import esc, finding_anchor, flag_href, pages_text

# The visible columns, in order: (heading, what the sort of its button reads).
COLUMNS = ("Verdict", "Finding", "Evidence", "Chapter")
DETAILS_SUMMARY = "Figures and computation"
NOT_COUNTED = "Restates a definition: shown, counted neither as agreement nor as a problem."


def verdict_words(finding) -> str:
    """The verdict as the badge says it, without a size: the size is the
    finding's own (``gaps.size``), shown once beside its title."""
    return finding.verdict if any(c.isdigit() for c in finding.label) else finding.label


def sort_key(finding) -> str:
    """The verdict column's sort value: the counted findings by severity, above
    the others by the gravity of their verdict."""
    return f"{finding.severity:.3f}" if finding.counted else f"{-1 + finding.rank / 10:.3f}"


def details(finding) -> str:
    """The folded part of a row: both sides of the comparison, the computation, the pages."""
    stated, other = EVIDENCE[finding.evidence].sides
    rows = [(stated, finding.stated), (other, finding.computed), ("Computation", finding.computation)]
    rows.append(("Pages", pages_text(finding.pages)))
    items = "".join(f"<dt>{esc(term)}</dt><dd>{esc(value)}</dd>" for term, value in rows if value)
    return (
        f'<details class="audit-register-details"><summary>{esc(DETAILS_SUMMARY)}</summary><dl>{items}</dl></details>'
    )


def finding_cell(finding) -> str:
    size = gaps.size(finding)
    gap = f'<span class="audit-register-size">{esc(size)}</span>' if size else ""
    note = f'<span class="audit-register-note">{esc(NOT_COUNTED)}</span>' if finding.definitional else ""
    return (
        f'<strong class="audit-register-title">{esc(typographic(finding.title))}</strong>{gap}{note}{details(finding)}'
    )


def register(findings, chapter_titles: dict[str, str]) -> str:
    """The findings register as an HTML table, each column sortable (book/_static/audit.js)."""
    findings = sorted(findings, key=lambda f: (-f.severity, -f.rank))
    head = "".join(
        f'<th scope="col"><button type="button" class="audit-sort" data-col="{i}">{esc(h)}</button></th>'
        for i, h in enumerate(COLUMNS)
    )
    body = []
    for f in findings:
        verdict = VERDICTS[f.verdict]
        title = chapter_titles.get(f.chapter, f.chapter)
        kind = EVIDENCE[f.evidence].meaning if f.evidence in EVIDENCE else f.evidence
        cells = (
            (
                f' data-sort="{sort_key(f)}"',
                f'<span class="audit-badge {verdict.css_class}"><span aria-hidden="true">'
                f"{verdict.symbol}</span> {esc(verdict_words(f))}</span>",
            ),
            (f' data-sort="{esc(f.title)}"', finding_cell(f)),
            ("", esc(typographic(kind))),
            ("", f'<a href="{esc(flag_href(f))}">{esc(title)}</a>'),
        )
        row = "".join(
            f'<td data-label="{esc(label)}"{sort}>{html}</td>'
            for label, (sort, html) in zip(COLUMNS, cells, strict=True)
        )
        body.append(f'<tr id="{esc(finding_anchor(f.check))}">{row}</tr>')
    return f'<table class="audit-register"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
