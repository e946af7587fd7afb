"""The findings register: one row per check, ranked (the counted findings by
severity, then the rest by the gravity of their verdict), in four columns a
laptop's text column holds: the verdict, the finding with the size of its gap,
its kind of evidence and the chapter that discusses it. What was stated and
what it was held against, the computation and the pages are folded into the
row (``<details>``), for whoever wants them. Every cell carries its column's
name (``data-label``), which book/_static/register.css prints before the value
where a phone stacks the row. Text from data is escaped.

Each finding's title is a heading (``<h3>``), so that a screen reader jumps
from finding to finding; each row says whether it is a problem
(``data-problem``), for the "Problems only" filter (``toolbar``, driven by
book/_static/audit.js); the routine confirmations (checks of what nobody
doubts) are split off into a table of their own (``split``)."""

from __future__ import annotations

from paper_audit.audit import evidence, gaps
from paper_audit.audit.phrasing import typographic
from paper_audit.audit.verdicts import EVIDENCE, VERDICTS
from paper_audit.present.render import esc, finding_anchor, flag_href, pages_text

# The visible columns, in order: (heading, what the sort of its button reads).
COLUMNS = ("Verdict", "Finding", "Evidence", "Chapter")
DETAILS_SUMMARY = "Figures and computation"
NOT_COUNTED = "Restates a definition: shown, counted neither as agreement nor as a problem."


FILTER_LABEL = "Problems only"
NONE = "No check of the book falls in this group."
TITLE_LEVEL = 3  # under the page's title and a section heading: "Problems and agreements", "Routine confirmations"


def is_routine(finding) -> bool:
    """A routine confirmation: a check that confirms what nobody doubts
    (``Finding.routine``, read with a default until every finding has it),
    never a problem and never a definition."""
    return bool(getattr(finding, "routine", False)) and not evidence.is_problem(finding) and not finding.definitional


def split(findings) -> tuple[list, list]:
    """(the problems, agreements and definitions; the routine confirmations)."""
    findings = list(findings)
    return [f for f in findings if not is_routine(f)], [f for f in findings if is_routine(f)]


def toolbar() -> str:
    """The filter over every register table of the page: a real toggle button
    (``aria-pressed``) and a status line a screen reader hears. Hidden until
    book/_static/audit.js, which makes it work, shows it."""
    return (
        '<div class="audit-register-tools" hidden>'
        f'<button type="button" class="audit-filter" aria-pressed="false">{esc(FILTER_LABEL)}</button>'
        '<p class="audit-register-status" role="status" aria-live="polite"></p></div>'
    )


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
    heading = f"h{TITLE_LEVEL}"
    return (
        f'<{heading} class="audit-register-title">{esc(typographic(finding.title))}</{heading}>'
        f"{gap}{note}{details(finding)}"
    )


def register(findings, chapter_titles: dict[str, str]) -> str:
    """The findings register as an HTML table, each column sortable (book/_static/audit.js)."""
    if not findings:
        return f'<p class="audit-register-none">{esc(NONE)}</p>'
    findings = sorted(findings, key=lambda f: (-f.severity, -f.rank))
    head = "".join(
        f'<th scope="col" aria-sort="none"><button type="button" class="audit-sort" data-col="{i}">'
        f'{esc(h)}<span class="audit-sort-mark" aria-hidden="true"></span></button></th>'
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
        problem = "true" if evidence.is_problem(f) else "false"
        body.append(f'<tr id="{esc(finding_anchor(f.check))}" data-problem="{problem}">{row}</tr>')
    return f'<table class="audit-register"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
