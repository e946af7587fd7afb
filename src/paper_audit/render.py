"""HTML for badges, flags and tables. Every piece of text that comes from data
goes through ``html.escape`` here, so a quote containing ``<script>`` renders
as text. Chapters call these functions; they never build HTML themselves."""

from __future__ import annotations

import html
from typing import Iterable


def esc(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(text), quote=True)


def admonition(kind: str, title: str, paragraphs: Iterable[str], *, anchor: str = "", classes: str = "") -> str:
    """A Sphinx-styled admonition box; ``paragraphs`` are plain text, escaped here."""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    return (
        f'<div class="admonition {esc(kind)} {esc(classes)}"{ident} role="note">'
        f'<p class="admonition-title">{esc(title)}</p>{body}</div>'
    )


VERDICT_STYLE = {
    # verdict: (css class, symbol, short label, admonition kind)
    "consistent": ("verdict-consistent", "✓", "consistent", "tip"),
    "consistent within rounding": ("verdict-rounding", "≈", "within rounding", "note"),
    "inconsistent": ("verdict-inconsistent", "⚠", "inconsistent", "warning"),
    "gross inconsistency": ("verdict-gross", "✖", "gross inconsistency", "danger"),
}
REGISTER_PAGE = "../book/findings.html"


def finding_anchor(check_id: str) -> str:
    return f"finding-{check_id}"


def badge(finding, register: str = REGISTER_PAGE) -> str:
    """An inline badge: the verdict at a glance, linking to the finding in the register."""
    css, symbol, label, _ = VERDICT_STYLE[finding.verdict]
    return (
        f'<a class="audit-badge {css}" href="{esc(register)}#{esc(finding_anchor(finding.check))}" '
        f'title="{esc(finding.title)}: {esc(finding.verdict)}">'
        f'<span aria-hidden="true">{symbol}</span> {esc(label)}</a>'
    )


def source_line(quote: dict) -> str:
    note = f", note {quote['footnote']}" if quote["footnote"] else ""
    return f"p. {quote['page']}{note}"


def flag(finding) -> str:
    """An admonition at the point of discussion, with the computation written out."""
    css, symbol, label, kind = VERDICT_STYLE[finding.verdict]
    quotes = "".join(
        f"<li><q>{esc(q['quote'])}</q> ({esc(source_line(q))})</li>" for q in finding.quotes
    )
    rows = [("Stated", finding.stated), ("Recomputed", finding.computed), ("Computation", finding.computation)]
    if finding.implied_rate:
        rows.append(("Implied rate", finding.implied_rate))
    if finding.gap_rel is not None and finding.kind not in ("date_in_reference",):
        rows.append(("Gap", f"{finding.gap_rel:+.1%} of the stated value"))
    table = "".join(f"<tr><th scope=\"row\">{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return (
        f'<div class="admonition {kind} audit-flag {css}" id="flag-{esc(finding.check)}" role="note">'
        f'<p class="admonition-title">{symbol} {esc(label.capitalize())}: {esc(finding.title)}</p>'
        f"<ul class=\"audit-quotes\">{quotes}</ul>"
        f'<table class="audit-computation">{table}</table>'
        f"<p>{esc(finding.explanation)}</p>"
        f'<p><a href="{esc(REGISTER_PAGE)}#{esc(finding_anchor(finding.check))}">In the findings register</a></p></div>'
    )


def quote_block(claim) -> str:
    """A claim's quote, marked as a quotation, with page and footnote."""
    note = f", note {int(claim['footnote'])}" if claim["footnote"] is not None and str(claim["footnote"]) not in ("<NA>", "nan") else ""
    return (
        f'<blockquote class="audit-quote" id="claim-{esc(claim["id"])}"><p>“{esc(claim["quote"])}”</p>'
        f'<footer>Shen and Xia, p. {esc(claim["page"])}{esc(note)}. Figure: <code>{esc(claim["figure"])}</code>'
        f' ({esc(claim["measure"])}; reported by {esc(claim["reported_by"])})</footer></blockquote>'
    )


def register(findings, chapter_titles: dict[str, str]) -> str:
    """The findings register: one sortable table row per finding."""
    head = "".join(
        f'<th scope="col"><button type="button" class="audit-sort" data-col="{i}">{esc(h)}</button></th>'
        for i, h in enumerate(["Verdict", "Check", "Kind", "Pages", "Stated", "Recomputed", "Chapter"])
    )
    body = []
    for f in findings:
        css, symbol, label, _ = VERDICT_STYLE[f.verdict]
        chapter = f'<a href="../notebooks/{esc(f.chapter)}.html#flag-{esc(f.check)}">{esc(chapter_titles.get(f.chapter, f.chapter))}</a>'
        rank = list(VERDICT_STYLE).index(f.verdict)
        body.append(
            f'<tr id="{esc(finding_anchor(f.check))}">'
            f'<td data-sort="{rank}"><span class="audit-badge {css}"><span aria-hidden="true">{symbol}</span> {esc(label)}</span></td>'
            f"<td><strong>{esc(f.title)}</strong><br><small>{esc(f.computation)}</small></td>"
            f"<td>{esc(f.kind.replace('_', ' '))}</td><td data-sort=\"{min(f.pages) if f.pages else 0}\">{esc(', '.join(map(str, f.pages)))}</td>"
            f"<td>{esc(f.stated)}</td><td>{esc(f.computed)}</td><td>{chapter}</td></tr>"
        )
    return f'<table class="audit-register"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def table(frame, columns: dict[str, str], formats: dict[str, str] | None = None, caption: str = "") -> str:
    """A plain HTML table of ``frame``: {column: heading}, each cell formatted and escaped."""
    formats = formats or {}
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in columns.values())
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column in columns:
            value = record.get(column)
            if value is None or (isinstance(value, float) and value != value):
                text = "–"
            else:
                text = formats.get(column, "{}").format(value)
            cells.append(f"<td>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<table class="audit-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
