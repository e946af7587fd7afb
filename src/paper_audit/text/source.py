"""The paper's text as data.

``derive`` turns the paper's excerpt (``paths.PAPER_EXCERPT``, kept in the
repository under ``data/source/excerpt/``; two lines per printed page: a raw
extraction of the PDF text layer, then a clean transcription) into the files
under ``data/source/``: each page's two layers, a table of segments (running head,
body, each footnote, each footnote marker) with character offsets into the
layer, and a manifest of SHA-256 hashes. ``load_pages`` reads them back and
refuses any file whose hash no longer matches, so a silent edit is caught.

Offsets are always into the whole clean line of a page, which is the
authority for quotes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from paper_audit import paths
from paper_audit.errors import DataError

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
# The pages the shared paper holds, in its order: it stays their authority.
SHARED_PAGES = tuple(FOOTNOTES_START)
CLEAN_HEAD = re.compile(r"^(?P<title>.*? NKIDP Working Paper #4) (?P<page>\d+) www\.wilsoncenter\.org/nkidp ")
RAW_HEAD = re.compile(r"^.*? NKIDP Working Paper #4 ")
RAW_TAIL = re.compile(r" ?(?P<page>\d+) www\.wilsoncenter\.org/nkidp$")
ADD_PAGE = "paper-audit add-page N --clean CLEAN.txt [--raw RAW.txt]"


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


def _head_span(page: int, layer: str, text: str, strict: bool) -> tuple[int, int]:
    """Where the body may start and where the text proper ends, after the running head.

    The shared paper's pages always carry the head; an added page may not
    (``strict`` False), and then the whole text is body and notes.
    """
    if layer == "clean":
        head = CLEAN_HEAD.match(text)
        if head and int(head.group("page")) == page:
            return head.end(), len(text)
        if strict:
            raise DataError(f"page {page} ({layer}): running head with page number {page} not found")
        return 0, len(text)
    head, tail = RAW_HEAD.match(text), RAW_TAIL.search(text)
    if head and tail and int(tail.group("page")) == page:
        return head.end(), tail.start()
    if strict:
        raise DataError(f"page {page} ({layer}): running head or closing page number {page} not found")
    return 0, len(text)


def _layer_segments(
    page: int,
    layer: str,
    text: str,
    body_start: int,
    end_of_text: int,
    notes_start: int,
    first: int | None,
    markers: range | None,
) -> list[Segment]:
    body_end = notes_start - 1 if notes_start > body_start and text[notes_start - 1] == " " else notes_start
    segments = [Segment(page, layer, "head", None, 0, body_start)]
    if layer == "raw" and end_of_text < len(text):
        segments.append(Segment(page, layer, "head", None, end_of_text, len(text)))
    segments.append(Segment(page, layer, "body", None, body_start, body_end))
    segments.append(Segment(page, layer, "footnotes", None, notes_start, end_of_text))
    if layer == "clean" and first is not None:
        notes = _footnotes(page, text, notes_start, end_of_text, first)
        segments += notes
        numbers = markers if markers is not None else range(first, first + len(notes))
        segments += _markers(page, text, body_start, body_end, numbers)
    return segments


def _segment_layer(page: int, layer: str, text: str) -> list[Segment]:
    """A page of the shared paper, by its stated layout (FOOTNOTES_START)."""
    layout = FOOTNOTES_START[page]
    body_start, end_of_text = _head_span(page, layer, text, strict=True)
    notes_start = text.find(layout[layer])
    if notes_start < body_start or text.count(layout[layer]) != 1:
        raise DataError(f"page {page} ({layer}): start of footnotes {layout[layer]!r} not found exactly once")
    return _layer_segments(page, layer, text, body_start, end_of_text, notes_start, layout["first"], layout["markers"])


# A footnote's own number at its start: after a space, before a capital or a quote.
_NOTE_START = re.compile(r"(?:(?<= )|^)(?P<n>\d{1,3}) (?=[A-Z“‘\"'])")


def infer_footnotes(text: str, body_start: int, end: int) -> tuple[int, int] | None:
    """Where an added page's footnotes begin, and the first note's number.

    The first place where a number ``n`` opens a sentence-like note and the
    body before it carries the marker of note ``n`` (a number glued after
    punctuation); None when the page has no footnotes.
    """
    for match in _NOTE_START.finditer(text, body_start, end):
        number = match.group("n")
        marker = re.compile(rf"(?<=[.,;:”’)\]\"'])\s?{number}(?=\s|$)")
        if marker.search(text, body_start, match.start()):
            return match.start(), int(number)
    return None


def _raw_notes_start(clean: str, clean_notes: int, first: int, raw: str, body_start: int, end: int) -> int:
    """The raw layer's start of footnotes: where the first note's opening words stand.

    The raw extraction loses spaces and misreads note numbers, so the first
    note's letters are matched with anything but letters between them.
    """
    words = re.sub(rf"^{first}\s*", "", clean[clean_notes:])
    letters = [c for c in words if c.isalnum()][:16]
    if not letters:
        return end
    pattern = re.compile(r"[\W_]*".join(re.escape(c) for c in letters))
    found = pattern.search(raw, body_start, end)
    if not found:
        return -1
    start = found.start()
    while start > body_start and raw[start - 1].isdigit():  # the note's number, if it survived
        start -= 1
    return start


def segment_added_page(page: int, clean: str, raw: str, hint: dict | None = None) -> list[Segment]:
    """Segment a page added with ``add-page``: its layout is inferred, or read from ``hint``.

    ``hint`` may give ``footnotes_start`` (the clean text where the notes
    begin), ``raw_footnotes_start`` (the same in the raw layer) and ``first``
    (the first note's number).
    """
    hint = hint or {}
    segments = []
    c_body, c_end = _head_span(page, "clean", clean, strict=False)
    if hint.get("footnotes_start"):
        where = clean.find(hint["footnotes_start"], c_body)
        if where < 0 or clean.count(hint["footnotes_start"]) != 1:
            raise DataError(
                f"page {page} (clean): the hint --footnotes-start {hint['footnotes_start']!r} "
                "does not occur exactly once in the page's text"
            )
        lead = re.match(r"\d+", clean[where:])
        first = int(hint.get("first") or (lead.group() if lead else 0)) or None
        found = (where, first) if first else None
        if found is None:
            raise DataError(f"page {page} (clean): give the first note's number with --first-note")
    else:
        found = infer_footnotes(clean, c_body, c_end)
    notes_start, first = found if found else (c_end, None)
    segments += _layer_segments(page, "clean", clean, c_body, c_end, notes_start, first, None)
    r_body, r_end = _head_span(page, "raw", raw, strict=False)
    if raw == clean:
        r_notes = notes_start
    elif hint.get("raw_footnotes_start"):
        r_notes = raw.find(hint["raw_footnotes_start"], r_body)
    elif first is None:
        r_notes = r_end
    else:
        r_notes = _raw_notes_start(clean, notes_start, first, raw, r_body, r_end)
    if r_notes < 0:
        raise DataError(
            f"page {page} (raw): the start of the footnotes was not found in the raw layer; "
            "give it with --raw-footnotes-start TEXT"
        )
    segments += _layer_segments(page, "raw", raw, r_body, r_end, r_notes, None, None)
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


def _segments_csv(rows: list[Segment]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["page", "layer", "kind", "footnote", "start", "end"])
    for s in sorted(rows, key=lambda s: s.page):  # stable: each page's own order is kept
        writer.writerow([s.page, s.layer, s.kind, "" if s.footnote is None else s.footnote, s.start, s.end])
    return out.getvalue()


def read_manifest(source_dir: Path = paths.SOURCE_DIR) -> dict:
    path = source_dir / "manifest.json"
    if not path.exists():
        raise DataError(f"{path}: missing; run scripts/extract_source.py")
    return json.loads(path.read_text(encoding="utf-8"))


def added_pages(source_dir: Path = paths.SOURCE_DIR) -> dict[int, dict]:
    """The pages added with ``add-page`` (not from the shared paper), with their layout hints."""
    path = source_dir / "manifest.json"
    if not path.exists():
        return {}
    pages = read_manifest(source_dir).get("pages", {})
    return {int(n): info for n, info in pages.items() if info.get("from") != "shared paper"}


def page_numbers(source_dir: Path = paths.SOURCE_DIR) -> list[int]:
    """Every page of the source, as the manifest lists them: the one list of pages."""
    manifest = read_manifest(source_dir)
    if "pages" in manifest:
        return sorted(int(n) for n in manifest["pages"])
    return sorted(int(m.group(1)) for name in manifest["files"] if (m := re.fullmatch(r"page-(\d+)\.clean\.txt", name)))


def describe_pages(pages) -> str:
    """'pages 2-6' or 'pages 2-6, 9': how messages name the source's pages."""
    numbers = sorted(pages)
    runs, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            runs.append(f"{start}-{n}" if n != start else f"{n}")
            start = None
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(runs)


def unknown_page(page, pages) -> str:
    """The message for a page that is not in the source, naming how to add it."""
    return (
        f"page {page} is not in the source ({describe_pages(pages)} in data/source/manifest.json); "
        f"add it with `{ADD_PAGE.replace(' N ', f' {page} ')}`"
    )


def derive(paper_file: Path = paths.PAPER_EXCERPT, source_dir: Path = paths.SOURCE_DIR) -> dict[str, str]:
    """Return {file name: text} for everything under data/source/ but the manifest.

    Pages 2 to 6 come from the paper's excerpt (``paper_file``, by default the
    copy in the repository; any copy must carry the same SHA-256); pages added
    with ``add-page`` are read back from ``source_dir`` and kept, re-segmented
    the same way.
    """
    data = paper_file.read_bytes()
    digest = sha256_bytes(data)
    if digest != ORIGINAL_SHA256:
        raise DataError(f"{paper_file}: sha256 is {digest}, expected {ORIGINAL_SHA256}: not the paper's file")
    lines = data.decode("utf-8").split("\n")
    lines = [line for line in lines if line != ""]
    if len(lines) != 2 * len(SHARED_PAGES):
        raise DataError(f"{paper_file}: expected {2 * len(SHARED_PAGES)} lines (two per page), found {len(lines)}")
    files: dict[str, str] = {}
    rows = []
    for index, page in enumerate(SHARED_PAGES):
        raw, clean = lines[2 * index], lines[2 * index + 1]
        files[f"page-{page}.raw.txt"] = raw
        files[f"page-{page}.clean.txt"] = clean
        for layer, text in (("clean", clean), ("raw", raw)):
            rows += _segment_layer(page, layer, text)
    for page, info in sorted(added_pages(source_dir).items()):
        clean = (source_dir / f"page-{page}.clean.txt").read_text(encoding="utf-8")
        raw = (source_dir / f"page-{page}.raw.txt").read_text(encoding="utf-8")
        files[f"page-{page}.raw.txt"], files[f"page-{page}.clean.txt"] = raw, clean
        rows += segment_added_page(page, clean, raw, info.get("hint"))
    files["segments.csv"] = _segments_csv(rows)
    return files


def manifest_for(files: dict[str, str], added: dict[int, dict] | None = None) -> dict:
    added = added or {}
    pages = {str(p): {"from": "shared paper"} for p in SHARED_PAGES}
    pages.update({str(p): info for p, info in added.items()})
    return {
        "original": {"name": ORIGINAL_NAME, "sha256": ORIGINAL_SHA256},
        "derived_by": "scripts/extract_source.py (paper_audit.text.source.derive); added pages: paper-audit add-page",
        "pages": dict(sorted(pages.items(), key=lambda item: int(item[0]))),
        "files": {name: sha256_bytes(text.encode("utf-8")) for name, text in sorted(files.items())},
    }


def write(files: dict[str, str], target: Path, added: dict[int, dict] | None = None) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (target / name).write_bytes(text.encode("utf-8"))
    manifest = json.dumps(manifest_for(files, added), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (target / "manifest.json").write_text(manifest, encoding="utf-8")
    load_pages.cache_clear()


def add_page(
    number: int, clean: str, raw: str | None = None, hint: dict | None = None, source_dir: Path = paths.SOURCE_DIR
) -> list[Segment]:
    """Add (or replace) page ``number``: its two layers, its segments and hashes; every other page is kept."""
    if number in SHARED_PAGES:
        raise DataError(
            f"page {number} comes from the shared paper, which stays its authority; "
            "re-derive it with scripts/extract_source.py instead"
        )
    if number < 1:
        raise DataError(f"{number} is not a printed page number")
    clean = " ".join(clean.split())
    if not clean:
        raise DataError(f"page {number}: the clean text is empty")
    raw = " ".join(raw.split()) if raw is not None else clean
    hint = {k: v for k, v in (hint or {}).items() if v not in (None, "")}
    segments = segment_added_page(number, clean, raw, hint)
    verify(source_dir)  # never build on a source that was edited by hand
    added = added_pages(source_dir)
    added[number] = {
        "from": "paper-audit add-page",
        "raw": "given" if raw != clean else "none (the clean text twice)",
        **({"hint": hint} if hint else {}),
    }
    files = {
        name: (source_dir / name).read_text(encoding="utf-8")
        for name in read_manifest(source_dir)["files"]
        if name != "segments.csv"
    }
    files[f"page-{number}.clean.txt"], files[f"page-{number}.raw.txt"] = clean, raw
    kept = [s for p in load_pages(source_dir).values() if p.number != number for s in p.segments]
    files["segments.csv"] = _segments_csv(kept + segments)
    write(files, source_dir, added)
    return segments


def verify(source_dir: Path = paths.SOURCE_DIR) -> dict:
    """Check every file named in the manifest against its hash; return the manifest."""
    manifest_path = source_dir / "manifest.json"
    manifest = read_manifest(source_dir)
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
    """Every page the manifest lists, hash-checked, with its segments."""
    verify(source_dir)
    pages = {
        p: Page(
            p,
            (source_dir / f"page-{p}.clean.txt").read_text(encoding="utf-8"),
            (source_dir / f"page-{p}.raw.txt").read_text(encoding="utf-8"),
        )
        for p in page_numbers(source_dir)
    }
    with open(source_dir / "segments.csv", encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            page = int(row["page"])
            if page not in pages:
                raise DataError(
                    f"{source_dir / 'segments.csv'}, line {line}, field 'page': " + unknown_page(page, pages)
                )
            pages[page].segments.append(
                Segment(
                    page,
                    row["layer"],
                    row["kind"],
                    int(row["footnote"]) if row["footnote"] else None,
                    int(row["start"]),
                    int(row["end"]),
                )
            )
    return pages
