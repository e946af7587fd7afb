"""HTML for badges, flags and tables. Every piece of text that comes from data
goes through ``html.escape`` here, so a quote containing ``<script>`` renders
as text. Chapters call these functions; they never build HTML themselves."""

from __future__ import annotations

import html
from typing import Iterable

from . import evidence as evidence_mod


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
    # the words of the other evidence kinds (paper_audit.evidence)
    "holds by definition": ("verdict-definition", "=", "holds by definition", "note"),
    "sources agree": ("verdict-consistent", "✓", "sources agree", "tip"),
    "sources agree within rounding": ("verdict-rounding", "≈", "sources agree within rounding", "note"),
    "sources differ": ("verdict-sources", "↔", "sources differ", "note"),
    "sources differ grossly": ("verdict-inconsistent", "↔", "sources differ grossly", "warning"),
    "uncertain yardstick": ("verdict-uncertain", "?", "uncertain yardstick", "note"),
    "supported": ("verdict-consistent", "✓", "supported", "tip"),
    "partly supported": ("verdict-partly", "◐", "partly supported", "warning"),
    "not supported": ("verdict-inconsistent", "⚠", "not supported", "warning"),
}
EVIDENCE_LABEL = {
    "arithmetic": "arithmetic",
    "sources": "sources",
    "yardstick": "yardstick",
    "wording": "wording",
}
REGISTER_PAGE = "../book/findings.html"


def finding_anchor(check_id: str) -> str:
    return f"finding-{check_id}"


def badge(finding, register: str = REGISTER_PAGE) -> str:
    """An inline badge: the verdict at a glance, linking to the finding in the register."""
    css, symbol, label, _ = VERDICT_STYLE[finding.verdict]
    return (
        f'<a class="audit-badge {css}" href="{esc(register)}#{esc(finding_anchor(finding.check))}" '
        f'title="{esc(finding.title)}: {esc(finding.label)} ({esc(EVIDENCE_LABEL[finding.evidence])})">'
        f'<span aria-hidden="true">{symbol}</span> {esc(badge_text(finding, label))}</a>'
    )


def badge_text(finding, label: str) -> str:
    """The badge's words: the verdict and its kind of evidence ("consistent ·
    arithmetic"); a difference between sources with its size."""
    if finding.evidence == "sources":
        return finding.label
    return f"{label} · {EVIDENCE_LABEL[finding.evidence]}"


def source_line(quote: dict) -> str:
    note = f", note {quote['footnote']}" if quote["footnote"] else ""
    return f"p. {quote['page']}{note}"


def reporter(quote: dict) -> str:
    """Who reported a figure, when and why, as the paper's footnotes give it."""
    parts = [quote.get("reported_by", ""), quote.get("reported_when", ""), quote.get("reported_why", "")]
    return "; ".join(p for p in parts if p)


def flag(finding) -> str:
    """An admonition at the point of discussion, with the computation written out."""
    css, symbol, label, kind = VERDICT_STYLE[finding.verdict]
    quotes = "".join(f"<li><q>{esc(q['quote'])}</q> ({esc(source_line(q))})</li>" for q in finding.quotes)
    reporters = list(dict.fromkeys(reporter(q) for q in finding.quotes if reporter(q)))
    if finding.phrase:
        quotes = (f"<li>Phrase: <q>{esc(finding.phrase['text'])}</q> "
                  f"({esc(source_line(finding.phrase))})</li>") + quotes
    rows = [("Evidence", f"{EVIDENCE_LABEL[finding.evidence]}: {evidence_mod.KIND_NAMES[finding.evidence]}"),
            ("Verdict", finding.label),
            ("Stated", finding.stated), ("Recomputed", finding.computed), ("Computation", finding.computation)]
    if finding.implied_rate:
        rows.append(("Implied rate", finding.implied_rate))
    if finding.gap_rel is not None and finding.kind not in ("date_in_reference",):
        rows.append(("Gap", f"{finding.gap_rel:+.1%} of the stated value"))
    rows += [("Reported by", who) for who in reporters]
    if finding.definitional:
        rows.append(("Note", "restates a definition: it cannot fail and is not counted as agreement"))
    table = "".join(f"<tr><th scope=\"row\">{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return (
        f'<div class="admonition {kind} audit-flag {css}" id="flag-{esc(finding.check)}" role="note">'
        f'<p class="admonition-title">{symbol} {esc(finding.label[:1].upper() + finding.label[1:])} '
        f'({esc(EVIDENCE_LABEL[finding.evidence])}): {esc(finding.title)}</p>'
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
        for i, h in enumerate(["Verdict", "Check", "Evidence", "Pages", "Stated", "Recomputed", "Chapter"])
    )
    body = []
    for f in findings:
        css, symbol, label, _ = VERDICT_STYLE[f.verdict]
        chapter = f'<a href="../notebooks/{esc(f.chapter)}.html#flag-{esc(f.check)}">{esc(chapter_titles.get(f.chapter, f.chapter))}</a>'
        rank = f.severity
        body.append(
            f'<tr id="{esc(finding_anchor(f.check))}">'
            f'<td data-sort="{rank}"><span class="audit-badge {css}"><span aria-hidden="true">{symbol}</span> {esc(f.label)}</span></td>'
            f"<td><strong>{esc(f.title)}</strong><br><small>{esc(f.computation)}</small><br>"
            f"<small>Problem: {esc(f.problem.replace('_', ' '))}"
            f"{' (a definition, not counted)' if f.definitional else ''}</small></td>"
            f"<td>{esc(EVIDENCE_LABEL[f.evidence])}</td>"
            f"<td data-sort=\"{min(f.pages) if f.pages else 0}\">{esc(', '.join(map(str, f.pages)))}</td>"
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
