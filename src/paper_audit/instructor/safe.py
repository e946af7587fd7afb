"""Text a submission controls, made safe for what the grader writes.

* ``submission_names``: a file name becomes a submission's name, used in
  ``scores.csv`` and as the name of its feedback file. Only letters, digits,
  ``.``, ``_`` and ``-`` are kept, never first a ``.`` or ``-``; names that
  clash with each other or with the grader's own files get a number.
* ``csv_cell``: a spreadsheet runs a cell that starts with ``=``, ``+``,
  ``-``, ``@`` (or a tab or carriage return) as a formula; such a cell gets a
  leading ``'``.
* ``markdown_text`` and ``markdown_block``: a submission's words in the
  Markdown feedback, escaped so that they show as typed and nothing in them
  becomes a link, a heading, HTML or a script.
* ``printable``: what an instructor reads in a terminal, an editor or a
  spreadsheet holds no control character (an escape sequence can retitle or
  clear a terminal, BEL rings it), no bidirectional override (U+202E shows
  text in another order than it is stored) and no lone surrogate (which no
  file can encode). Every cell and line the grader writes goes through it.
"""

from __future__ import annotations

import html
import re

# The grader's own files in the feedback folder: no submission may take their names.
# (results.py's class files too: feedback may be written in the folder of scores.csv.)
RESERVED = {"written-answers", "marks-template", "scores", "totals", "class-report", "canvas-gradebook"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
# C0 but newline and tab, DEL, C1 (U+0080-U+009F: 8-bit escapes such as CSI), the
# bidirectional marks, embeddings, overrides and isolates, and lone surrogates.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
LONGEST_NAME = 80


def submission_name(stem: str) -> str:
    """A file name's stem as a safe submission name (see the module's docstring)."""
    name = _UNSAFE.sub("_", stem).lstrip(".-_+=@")[:LONGEST_NAME] or "submission"
    return f"{name}-submission" if name.lower() in RESERVED else name


def submission_names(stems: list[str]) -> list[str]:
    """Safe, distinct names for the files' stems, in their order."""
    names: list[str] = []
    taken: set[str] = set()
    for stem in stems:
        name = base = submission_name(stem)
        number = 2
        while name.lower() in taken:
            name, number = f"{base}-{number}", number + 1
        taken.add(name.lower())
        names.append(name)
    return names


# Deeper than any answer the capture program writes (it tags what is nested over 4 deep).
DEEPEST_ANSWER = 16
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_answer(value, depth: int = 0):
    """A captured JSON value with every lone surrogate replaced (no file could hold
    it); ValueError if it is nested deeper than ``DEEPEST_ANSWER`` (a forged
    answer 600 deep would make judging it overflow Python's stack)."""
    if depth > DEEPEST_ANSWER:
        raise ValueError(f"nested more than {DEEPEST_ANSWER} deep")
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, list):
        return [json_answer(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {json_answer(str(k), depth + 1): json_answer(v, depth + 1) for k, v in value.items()}
    return value


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate, which no file can encode, as U+FFFD
    (so that something visibly stood there)."""
    return _SURROGATE.sub("\ufffd", text)


def printable(text: object) -> str:
    """``text`` without control, escape or bidirectional characters and lone
    surrogates (newlines and tabs are kept): safe to print and to encode."""
    return _UNPRINTABLE.sub("", str(text))


def csv_cell(value):
    """``value`` made printable, with a leading ``'`` if a spreadsheet would take it for a formula."""
    if isinstance(value, str):
        value = printable(value)
        if value.startswith(_FORMULA):
            return "'" + value
    return value


def plain(text: str) -> str:
    """``text`` without control characters (but newlines and tabs)."""
    return printable(text)


def markdown_text(text: str) -> str:
    """``text`` for one line of Markdown: shown as typed, nothing in it active."""
    one_line = " ".join(plain(text).split())
    # HTML first (&, <, > as entities), then every character Markdown acts on, with a backslash.
    return _MARKDOWN.sub(r"\\\1", html.escape(one_line, quote=False))


def markdown_block(text: str) -> str:
    """``text`` as a fenced block of plain text, whatever it holds: the fence is
    longer than any run of backticks in it, so nothing in it can close it."""
    body = plain(text).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{body}\n{fence}"
