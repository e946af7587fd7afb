"""Where the raw layer of a page (the PDF's own text extraction) reads it
differently from the clean transcription the audit quotes: the source-text
page lists these readings so that no figure depends on which layer is used."""

from __future__ import annotations

import difflib
import re

from paper_audit.text.source import Page

# Typographic differences that are not readings: curly and straight quotes, dashes.
_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-"})
_TOKEN = re.compile(r"\w+|[^\w\s]")


def variants(page: Page) -> list[dict]:
    """Where the raw layer reads the page differently from the clean one.

    Words are compared after folding quotes and dashes; each difference is
    classed as a lost or misread footnote marker, a misread footnote number, a
    misread word, or punctuation.
    """
    found = []
    for region in ("body", "footnotes"):
        clean_seg = page.segments_of("clean", region)[0]
        raw_seg = page.segments_of("raw", region)[0]
        clean_text = page.clean[clean_seg.start : clean_seg.end].translate(_TYPOGRAPHY)
        raw_text = page.raw[raw_seg.start : raw_seg.end].translate(_TYPOGRAPHY)
        clean_matches = list(_TOKEN.finditer(clean_text))
        clean_tokens, raw_tokens = [m.group() for m in clean_matches], _TOKEN.findall(raw_text)
        markers = {str(s.footnote) for s in page.segments_of("clean", "marker")}
        notes = {str(s.footnote) for s in page.segments_of("clean", "footnote")}
        matcher = difflib.SequenceMatcher(None, clean_tokens, raw_tokens, autojunk=False)
        for op, c0, c1, r0, r1 in matcher.get_opcodes():
            if op == "equal":
                continue
            clean_part, raw_part = " ".join(clean_tokens[c0:c1]), " ".join(raw_tokens[r0:r1])
            words = [t for t in clean_tokens[c0:c1] if t.isalnum()]
            if region == "body" and words and all(t in markers for t in words):
                kind = "footnote marker lost" if op == "delete" else "footnote marker misread"
            elif region == "footnotes" and words and words[0] in notes:
                kind = "footnote number lost" if op == "delete" else "footnote number misread or glued"
            elif not words and not any(t.isalnum() for t in raw_tokens[r0:r1]):
                kind = "punctuation"
            else:
                kind = "misread word"
            # Where the clean reading stands in the page (an empty reading: where the raw one would go).
            if c1 > c0:
                clean_start, clean_end = clean_matches[c0].start(), clean_matches[c1 - 1].end()
            else:
                clean_start = clean_end = clean_matches[c0 - 1].end() if c0 else 0
            found.append(
                {
                    "page": page.number,
                    "region": region,
                    "clean": clean_part,
                    "raw": raw_part,
                    "kind": kind,
                    "clean_start": clean_seg.start + clean_start,
                    "clean_end": clean_seg.start + clean_end,
                }
            )
    return found
