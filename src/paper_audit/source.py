"""The paper's text as data.

``derive`` turns the shared file (two lines per printed page: a raw extraction
of the PDF text layer, then a clean transcription) into the files under
``data/source/``: each page's two layers, a table of segments (running head,
body, each footnote, each footnote marker) with character offsets into the
layer, and a manifest of SHA-256 hashes. ``load_pages`` reads them back and
refuses any file whose hash no longer matches, so a silent edit is caught.

Offsets are always into the whole clean line of a page, which is the
authority for quotes.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import paths
from .errors import DataError

PAGES = (2, 3, 4, 5, 6)
ORIGINAL_NAME = "000_791191a67cd1a826.txt"
ORIGINAL_SHA256 = "0ec58d1ce06c689c23a41c9c24fe6f3ca3cd1b194718e8b0ce5747d327359764"

# Where each page's footnotes begin, in each layer, the first footnote's
# number, and the footnote markers in the page's body. Nothing in the text marks
# the boundary, and page 2 is irregular: its notes begin in the middle of note
# 4, and note 5's marker stands on page 1; so the layout is stated here once.
FOOTNOTES_START = {
    2: {"clean": "2011), 122-51;", "raw": "2011),122-51;", "first": 4, "markers": range(6, 11)},
    3: {"clean": "11 Armstrong, “Fraternal", "raw": "1Armstrong.", "first": 11, "markers": range(11, 14)},
    4: {"clean": "14 Kim Il Sung to Soviet", "raw": "14Kim Il Sung to Soviet", "first": 14, "markers": range(14, 17)},
    5: {"clean": "17 “Foreign assistance", "raw": "7Foreign assistance", "first": 17, "markers": range(17, 19)},
    6: {"clean": "19 Russian State Archive", "raw": "19Russian State Archive", "first": 19, "markers": range(19, 22)},
}
CLEAN_HEAD = re.compile(r"^(?P<title>.*? NKIDP Working Paper #4) (?P<page>\d) www\.wilsoncenter\.org/nkidp ")
RAW_HEAD = re.compile(r"^.*? NKIDP Working Paper #4 ")
RAW_TAIL = re.compile(r" ?(?P<page>\d) www\.wilsoncenter\.org/nkidp$")


@dataclass(frozen=True)
class Segment:
    page: int
    layer: str  # clean | raw
    kind: str  # head | body | footnotes | footnote | marker
    footnote: int | None
    start: int
    end: int


@dataclass
class Page:
    number: int
    clean: str
    raw: str
    segments: list[Segment] = field(default_factory=list)

    def segments_of(self, layer: str, kind: str) -> list[Segment]:
        return [s for s in self.segments if s.layer == layer and s.kind == kind]

    def body(self, layer: str = "clean") -> str:
        seg = self.segments_of(layer, "body")[0]
        return getattr(self, layer)[seg.start : seg.end]

    def footnotes_text(self, layer: str = "clean") -> str:
        seg = self.segments_of(layer, "footnotes")[0]
        return getattr(self, layer)[seg.start : seg.end]

    def footnote_at(self, offset: int) -> int | None:
        """The footnote whose text holds ``offset`` in the clean layer, or None for body text."""
        for seg in self.segments_of("clean", "footnote"):
            if seg.start <= offset < seg.end:
                return seg.footnote
        return None

    def region_at(self, offset: int) -> str:
        """head, body or footnotes: where ``offset`` falls in the clean layer."""
        for kind in ("head", "body", "footnotes"):
            for seg in self.segments_of("clean", kind):
                if seg.start <= offset < seg.end:
                    return kind
        raise ValueError(f"offset {offset} is outside page {self.number}")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _segment_layer(page: int, layer: str, text: str) -> list[Segment]:
    layout = FOOTNOTES_START[page]
    if layer == "clean":
        head = CLEAN_HEAD.match(text)
        if not head or int(head.group("page")) != page:
            raise DataError(f"page {page} ({layer}): running head with page number {page} not found")
        body_start, end_of_text = head.end(), len(text)
    else:
        head = RAW_HEAD.match(text)
        tail = RAW_TAIL.search(text)
        if not head or not tail or int(tail.group("page")) != page:
            raise DataError(f"page {page} ({layer}): running head or closing page number {page} not found")
        body_start, end_of_text = head.end(), tail.start()
    notes_start = text.find(layout[layer])
    if notes_start < body_start or text.count(layout[layer]) != 1:
        raise DataError(f"page {page} ({layer}): start of footnotes {layout[layer]!r} not found exactly once")
    body_end = notes_start - 1 if text[notes_start - 1] == " " else notes_start
    segments = [Segment(page, layer, "head", None, 0, body_start)]
    if layer == "raw":
        segments.append(Segment(page, layer, "head", None, end_of_text, len(text)))
    segments.append(Segment(page, layer, "body", None, body_start, body_end))
    segments.append(Segment(page, layer, "footnotes", None, notes_start, end_of_text))
    if layer == "clean":
        segments += _footnotes(page, text, notes_start, end_of_text, layout["first"])
        segments += _markers(page, text, body_start, body_end, layout["markers"])
    return segments


def _footnotes(page: int, text: str, start: int, end: int, first: int) -> list[Segment]:
    """Split the clean footnote section at each note's leading number, in order."""
    starts = [(first, start)]
    number, cursor = first + 1, start
    while True:
        pattern = re.compile(rf"(?<=[.)\]”] ){number} (?=[A-Z“‘])")
        match = pattern.search(text, cursor, end)
        if not match:
            break
        starts.append((number, match.start()))
        number, cursor = number + 1, match.end()
    segments = []
    for i, (note, note_start) in enumerate(starts):
        note_end = starts[i + 1][1] - 1 if i + 1 < len(starts) else end
        segments.append(Segment(page, "clean", "footnote", note, note_start, note_end))
    return segments


def _markers(page: int, text: str, start: int, end: int, numbers: range) -> list[Segment]:
    """Find, in order, the body's marker of each footnote in ``numbers``."""
    segments, cursor = [], start
    for number in numbers:
        match = re.compile(rf"(?<=[.,;:”’)\]])\s?(?P<n>{number})(?=\s|$)").search(text, cursor, end)
        if not match:
            raise DataError(f"page {page} (clean): marker of footnote {number} not found in the body")
        segments.append(Segment(page, "clean", "marker", number, match.start("n"), match.end("n")))
        cursor = match.end()
    return segments


def derive(shared_file: Path) -> dict[str, str]:
    """Return {file name: text} for everything under data/source/ but the manifest."""
    data = shared_file.read_bytes()
    digest = sha256_bytes(data)
    if digest != ORIGINAL_SHA256:
        raise DataError(f"{shared_file}: sha256 is {digest}, expected {ORIGINAL_SHA256}: not the paper's file")
    lines = data.decode("utf-8").split("\n")
    lines = [line for line in lines if line != ""]
    if len(lines) != 2 * len(PAGES):
        raise DataError(f"{shared_file}: expected {2 * len(PAGES)} lines (two per page), found {len(lines)}")
    files: dict[str, str] = {}
    rows = []
    for index, page in enumerate(PAGES):
        raw, clean = lines[2 * index], lines[2 * index + 1]
        files[f"page-{page}.raw.txt"] = raw
        files[f"page-{page}.clean.txt"] = clean
        for layer, text in (("clean", clean), ("raw", raw)):
            rows += _segment_layer(page, layer, text)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["page", "layer", "kind", "footnote", "start", "end"])
    for s in rows:
        writer.writerow([s.page, s.layer, s.kind, "" if s.footnote is None else s.footnote, s.start, s.end])
    files["segments.csv"] = out.getvalue()
    return files


def manifest_for(files: dict[str, str]) -> dict:
    return {
        "original": {"name": ORIGINAL_NAME, "sha256": ORIGINAL_SHA256},
        "derived_by": "scripts/extract_source.py (paper_audit.source.derive)",
        "files": {name: sha256_bytes(text.encode("utf-8")) for name, text in sorted(files.items())},
    }


def write(files: dict[str, str], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (target / name).write_bytes(text.encode("utf-8"))
    manifest = json.dumps(manifest_for(files), indent=2, sort_keys=True) + "\n"
    (target / "manifest.json").write_text(manifest, encoding="utf-8")


def verify(source_dir: Path = paths.SOURCE_DIR) -> dict:
    """Check every file named in the manifest against its hash; return the manifest."""
    manifest_path = source_dir / "manifest.json"
    if not manifest_path.exists():
        raise DataError(f"{manifest_path}: missing; run scripts/extract_source.py")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for name, expected in manifest["files"].items():
        path = source_dir / name
        if not path.exists():
            raise DataError(f"{path}: missing source file named in {manifest_path.name}")
        actual = sha256_bytes(path.read_bytes())
        if actual != expected:
            raise DataError(f"{path}: sha256 {actual} does not match the manifest ({expected}); the text was edited")
    return manifest


@lru_cache(maxsize=4)
def load_pages(source_dir: Path = paths.SOURCE_DIR) -> dict[int, Page]:
    """The five pages, hash-checked, with their segments."""
    verify(source_dir)
    pages = {
        p: Page(
            p,
            (source_dir / f"page-{p}.clean.txt").read_text(encoding="utf-8"),
            (source_dir / f"page-{p}.raw.txt").read_text(encoding="utf-8"),
        )
        for p in PAGES
    }
    with open(source_dir / "segments.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            page = int(row["page"])
            pages[page].segments.append(
                Segment(page, row["layer"], row["kind"], int(row["footnote"]) if row["footnote"] else None,
                        int(row["start"]), int(row["end"]))
            )
    return pages


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
        clean_text = page.clean[clean_seg.start:clean_seg.end].translate(_TYPOGRAPHY)
        raw_text = page.raw[raw_seg.start:raw_seg.end].translate(_TYPOGRAPHY)
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
            found.append({"page": page.number, "region": region, "clean": clean_part, "raw": raw_part, "kind": kind,
                          "clean_start": clean_seg.start + clean_start, "clean_end": clean_seg.start + clean_end})
    return found
