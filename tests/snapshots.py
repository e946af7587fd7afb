"""HTML snapshot files (tests/snapshots/): a test compares what an extension
writes with the file it committed, read by a person when it was written.

A missing snapshot fails (so one is never written silently); to write or
rewrite the snapshots after a deliberate change, run the tests with
``PAPER_AUDIT_UPDATE_SNAPSHOTS=1`` and read the diff before committing it."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "snapshots"


def match(text: str, name: str) -> None:
    path = FOLDER / name
    if os.environ.get("PAPER_AUDIT_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path}: write it with PAPER_AUDIT_UPDATE_SNAPSHOTS=1 and read it"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = difflib.unified_diff(expected.splitlines(), text.splitlines(), str(path), "built", lineterm="")
        raise AssertionError(f"{name} differs from its snapshot:\n" + "\n".join(list(diff)[:60]))
