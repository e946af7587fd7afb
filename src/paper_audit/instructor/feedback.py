"""The feedback a student gets back, as Markdown that reads as plain prose,
and the same rendered to a self-contained HTML page beside it.

Our own words are written as they are (``01_recompute_a_conversion``, not
``01\\_recompute\\_a\\_conversion``). What the submission controls is
inert: names and values in inline code spans (``code_span``), its errors
and written answers in fenced blocks longer than any run of backticks in
them (``safe.markdown_block``), and the grader's sentences that quote a
value it gave escaped only where Markdown would act (``prose``). The HTML is
rendered by markdown-it-py with raw HTML off and links, images and autolinks
turned off too, under a content security policy that runs no script and
loads nothing: whatever a student wrote shows as typed.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

from paper_audit.instructor import safe
from paper_audit.instructor.clean_text import clean, one_line

# What Markdown would act on, and only that, so that a sentence reads as typed: a backslash, a code
# span, emphasis ("_" only at the edge of a word), HTML and autolinks ("<"), an entity, the "]" that
# would close a link's text or a reference, and a strikethrough.
_ACTIVE = re.compile(r"[\\`*<~]|&(?=#?\w+;)|\](?=[(\[:])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# At the start of a line: a heading, a list item, a quote, a rule or a setext underline.
_LINE_START = re.compile(r"^(\s*)(\d+)?([#+\-=.)>])")
_RENDERER = MarkdownIt("commonmark", {"html": False}).disable(["link", "image", "autolink"])
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; line-height: 1.5; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }}
pre, code {{ font-family: ui-monospace, monospace; background: #f4f4f4; }}
pre {{ padding: 0.5rem; overflow-x: auto; white-space: pre-wrap; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }}
img {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


def prose(text) -> str:
    """``text`` (a sentence of ours that may quote what a student gave) for one
    line of Markdown: escaped only where Markdown would act, so it reads as typed."""
    line = _ACTIVE.sub(lambda m: "\\" + m.group(0), one_line(text, limit=2000))
    return _LINE_START.sub(lambda m: m.group(1) + (m.group(2) or "") + "\\" + m.group(3), line)


def code_span(text) -> str:
    """``text`` on one line as an inline code span: the backticks around it
    outnumber any run of backticks inside it, so nothing in it is read as Markdown."""
    body = one_line(text) or " "
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith(("`", " ")) or body.endswith(("`", " ")) else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def block(text) -> str:
    """``text`` as a fenced block of plain text (``safe.markdown_block``), cleaned first."""
    return safe.markdown_block(clean(text))


def feedback_markdown(name: str, assignment: str, rows: list[dict], problem: str, errors: list[str]) -> str:
    """The feedback file of submission ``name``: its total, a note on why its
    notebook stopped, a heading and a sentence per question, and its errors."""
    total = sum(r["points"] or 0 for r in rows)
    most = sum(r["max_points"] for r in rows)
    pending = [r["question"] for r in rows if r["points"] is None]
    lines = [
        f"# {assignment}: feedback for {code_span(name)}",
        "",
        f"Total: {total:g} of {most:g} points" + (f" (awaiting marks: {', '.join(pending)})" if pending else ""),
        "",
    ]
    if problem:
        lines += [f"Note: the notebook {prose(problem)}.", ""]
    for r in rows:
        shown = "–" if r["points"] is None else f"{r['points']:g}"
        lines += [f"## {r['question']}: {shown} of {r['max_points']:g}", "", prose(r["feedback"]), ""]
    if errors:
        lines += ["## Errors while running your notebook", "", block("\n".join(one_line(e) for e in errors[:20])), ""]
    return "\n".join(lines)


def html_page(title: str, markdown: str) -> str:
    """``markdown`` rendered to a self-contained HTML page (raw HTML, links and images off)."""
    return PAGE.format(title=html.escape(one_line(title)), body=_RENDERER.render(clean(markdown)))
