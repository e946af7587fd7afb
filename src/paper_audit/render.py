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
