"""HTML for badges, flags and tables. Every piece of text that comes from data
goes through ``html.escape`` here, so a quote containing ``<script>`` renders
as text. Chapters call these functions; they never build HTML themselves."""

from __future__ import annotations

import html
import math
import re
from typing import Iterable

from paper_audit.audit.phrasing import listed
from paper_audit.audit.verdicts import VERDICTS


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


REGISTER_PAGE = "../book/findings.html"
REFERENCES_PAGE = "../book/references.html"
# Chapters and book pages sit one folder deep, so one relative prefix serves both.
CHAPTER_PAGES = "../notebooks/"


def finding_anchor(check_id: str) -> str:
    return f"finding-{check_id}"


def flag_href(finding) -> str:
    """Where a finding is discussed: its flag in its chapter."""
    return f"{CHAPTER_PAGES}{finding.chapter}.html#flag-{finding.check}"


def pages_text(pages) -> str:
    """p. 2; pp. 2 and 6; pp. 2, 5 and 6 (nothing for no page)."""
    pages = [str(p) for p in pages]
    if not pages:
        return ""
    return f"p. {pages[0]}" if len(pages) == 1 else f"pp. {listed(pages)}"


# A size at the end of a verdict's label: "(2.4% apart)", "(USD 278.6 million to 296.1 million)".
SIZE_IN_LABEL = re.compile(r" \([^()]*\d[^()]*\)$")


def label_words(finding) -> str:
    """A verdict's label without its size, for a tag in running text: the size
    inside it would nest parentheses ("(sources differ slightly (2.4 percent
    apart))"); where the size is part of the words, the bare verdict."""
    words = SIZE_IN_LABEL.sub("", finding.label or finding.verdict)
    return finding.verdict if any(c.isdigit() for c in words) else words


def badge(finding) -> str:
    """A quiet link from our own prose to a check's flag: the verdict in words,
    in brackets, uncoloured ("(consistent)"), after a whole figure or clause,
    so the sentence says what was found without a badge; never a size inside
    it. A coloured verdict badge goes only on the figure its check judges,
    where the paper is quoted (``marks``), nowhere else."""
    return (
        f'<a class="audit-see-finding" href="{esc(flag_href(finding))}" title="see the finding: {esc(finding.title)}">'
        f"({esc(label_words(finding))})</a>"
    )


def source_line(quote: dict) -> str:
    note = f", note {quote['footnote']}" if quote["footnote"] else ""
    return f"p. {quote['page']}{note}"


def badge_span(finding) -> str:
    """A verdict badge that is not a link (inside notes and lists of links)."""
    verdict = VERDICTS[finding.verdict]
    return (
        f'<span class="audit-badge {verdict.css_class}"><span aria-hidden="true">{verdict.symbol}</span> '
        f"{esc(verdict.short)}</span>"
    )


SCALE_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def amount(value, digits: int = 5) -> str:
    """A number as people write it: a scale word from a million up, thousands
    separators below, at most ``digits`` significant digits (trailing zeros
    dropped), never scientific notation: 4.2e11 is "420 billion"."""
    if value is None or value != value:
        return "–"
    value = float(value)
    for size, word in SCALE_WORDS:
        if abs(value) >= size:
            return f"{amount(value / size, digits)} {word}"
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def table(frame, columns: dict[str, str], formats: dict | None = None, caption: str = "") -> str:
    """An HTML table of ``frame``: {column: heading}, each cell formatted and
    escaped. A format is a format string or a function (e.g. ``amount``);
    columns so formatted are numbers, set right-aligned. The table sits in a
    box that scrolls sideways when a narrow screen cannot hold it."""
    formats = formats or {}
    numeric = {c for c, f in formats.items() if callable(f) or f[:3] in ("{:,", "{:.")}
    number_css = ' class="audit-number"'
    head = "".join(f'<th scope="col"{number_css if c in numeric else ""}>{esc(h)}</th>' for c, h in columns.items())
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column in columns:
            value = record.get(column)
            shape = formats.get(column, "{}")
            if value is None or (isinstance(value, float) and value != value):
                text = "–"
            else:
                text = shape(value) if callable(shape) else shape.format(value)
            css = number_css if column in numeric else ""
            cells.append(f"<td{css}>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    label = f' aria-label="{esc(caption)}"' if caption else ' aria-label="table"'
    return (
        f'<div class="audit-table-scroll" role="region" tabindex="0"{label}>'
        f'<table class="audit-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )
