"""``paper-audit add-page N --clean CLEAN.txt [--raw RAW.txt]``: add a printed
page to the source, with no hand-computed offsets or hashes.

The page's text is split into running head, body and footnotes (the layout
is inferred: a note begins with its number where the body carries that
number as a marker; hints override it), its two layers and segments are
written under data/source/ and its hashes recorded in the manifest. Every
other page is kept; pages 2 to 6 stay derived from the shared paper, and
``scripts/extract_source.py`` keeps added pages when it re-derives.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from paper_audit.author import schema_sync
from paper_audit.errors import DataError
from paper_audit.text import source


def _read(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(f"{option} {path}: cannot read it as UTF-8 text ({error})") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paper-audit add-page", description=__doc__.splitlines()[0])
    parser.add_argument("page", type=int, help="the printed page number")
    parser.add_argument(
        "--clean", type=Path, required=True, help="the page's clean transcription (the authority for quotes)"
    )
    parser.add_argument("--raw", type=Path, help="a raw extraction of the same page (a second witness); default: none")
    parser.add_argument("--footnotes-start", help="hint: the clean text where the footnotes begin, e.g. '22 Ibid.'")
    parser.add_argument("--first-note", type=int, help="hint: the number of the page's first footnote")
    parser.add_argument("--raw-footnotes-start", help="hint: the raw text where the footnotes begin")
    args = parser.parse_args(argv)
    clean = _read(args.clean, "--clean")
    raw = _read(args.raw, "--raw") if args.raw else None
    hint = {
        "footnotes_start": args.footnotes_start,
        "first": args.first_note,
        "raw_footnotes_start": args.raw_footnotes_start,
    }
    segments = source.add_page(args.page, clean, raw, hint)
    schema_sync.write()
    notes = sorted({s.footnote for s in segments if s.kind == "footnote"})
    body = next(s for s in segments if s.layer == "clean" and s.kind == "body")
    print(
        f"added page {args.page}: body of {body.end - body.start} characters, "
        + (f"footnotes {notes[0]}-{notes[-1]}" if notes else "no footnotes")
        + f"; pages now {source.describe_pages(source.page_numbers())}"
    )
    print(f"next: paper-audit draft --page {args.page}")
    return 0
