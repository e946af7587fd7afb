"""Every text the grader writes or prints, made safe to write and to read.

* ``clean``: no control, escape or bidi character (``safe.printable``: a
  field cannot retitle or clear the instructor's terminal, nor reorder what
  it shows), and no lone surrogate (``'\\ud800'`` cannot be encoded: one in
  a student's answer would stop the whole class at the first file written);
  each becomes U+FFFD, so that something visibly stood there.
* ``one_line``: the same, on one line, at most ``limit`` characters.
* ``write_text``: a file written whole (``files.write_atomically``) that can
  never raise ``UnicodeEncodeError``, whatever reached it.
"""

from __future__ import annotations

from pathlib import Path

from paper_audit.files import write_atomically
from paper_audit.instructor import safe


def clean(text) -> str:
    """``text`` as a string without control, escape, bidi or surrogate characters (newlines and tabs kept)."""
    return safe.printable(safe.without_surrogates(str(text)))


def one_line(text, limit: int = 300) -> str:
    """``text`` cleaned, its white space folded to single spaces, cut at ``limit`` characters."""
    line = " ".join(clean(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` whole; a lone surrogate that got this far is written as '?', never raised."""
    return write_atomically(Path(path), str(text).encode("utf-8", errors="replace"))
