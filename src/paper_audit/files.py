"""Writing a file whole or not at all: a reader (a browser, the next build,
an instructor opening scores.csv) never sees half of one, and a failure
leaves the previous file in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``content`` to a scratch file beside ``target``, then rename it
    over ``target`` (a rename within one folder is atomic)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content.encode(encoding) if isinstance(content, str) else content)
        os.replace(scratch, target)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return target
