"""Printed pages say what they are: every page of the book carries a print
header (the book's title, then the page's address and the print date) and a
print footer (the same, at the end of the text), hidden on screen and shown
by ``audit.css`` in print.

Only the title is written here: ``audit.js`` fills in the address
(``location.href``) and the date as the page is printed, so two builds of the
same sources stay byte-identical.
"""

from __future__ import annotations

import html

HEADER_CLASS = "audit-print-header"
FOOTER_CLASS = "audit-print-footer"


def mark(css_class: str, title: str) -> str:
    """A print header or footer (by its class): the title; the address and date
    are empty spans that audit.js fills in."""
    return (
        f'<div class="{css_class}"><p class="audit-print-book">{html.escape(title)}</p>'
        '<p class="audit-print-where"><span class="audit-print-address"></span>'
        '<span class="audit-print-date"></span></p></div>'
    )


def _add_marks(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or "body" not in context:
        return
    title = str(context.get("docstitle") or app.config.html_title or app.config.project)
    context["body"] = mark(HEADER_CLASS, title) + context["body"] + mark(FOOTER_CLASS, title)


def setup(app):
    app.connect("html-page-context", _add_marks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
