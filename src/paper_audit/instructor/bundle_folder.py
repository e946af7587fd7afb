"""The bundle's folder: written whole or not at all, and never over work.

``paper-audit student`` (and ``make lab``, which opens JupyterLab on the
hand-outs in it) replaces the folder it wrote before in one rename. The
folder records what it wrote (``MARKER``: each file and its SHA-256); a file
changed or added since, such as a hand-out a student worked in, stops the
replacement with a message naming it, unless ``force`` is given. What Python
and Jupyter make on their own (``__pycache__``, ``.ipynb_checkpoints``,
``*.egg-info``) does not count.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from paper_audit.errors import DataError

# Written into every student folder: a folder without it is never replaced.
MARKER = ".paper-audit-student"
IGNORED = ("__pycache__", ".ipynb_checkpoints")


def _ignored(relative: Path) -> bool:
    return any(part in IGNORED or part.endswith(".egg-info") for part in relative.parts)


def digests(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file of ``folder`` (the marker and what Python and Jupyter make left out)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and relative.as_posix() != MARKER and not _ignored(relative):
            found[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def changed(folder: Path) -> list[str]:
    """Files of ``folder`` changed, added or removed since it was written."""
    try:
        recorded = json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return [f"{MARKER} (unreadable: what was written cannot be told from what was changed)"]
    now = digests(folder)
    return sorted(name for name in set(recorded) | set(now) if recorded.get(name) != now.get(name))


def replace_folder(out_dir: Path, write: Callable[[Path], list[str]], *, force: bool = False) -> list[Path]:
    """Write into a temporary folder beside ``out_dir``, then swap it in; return
    the paths ``write`` names."""
    out_dir = out_dir.resolve()
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).exists():
            raise DataError(
                f"{out_dir}: exists and was not written by 'paper-audit student'; choose an empty or new folder"
            )
        edited = changed(out_dir)
        if edited and not force:
            shown = ", ".join(edited[:5]) + (f" and {len(edited) - 5} more" if len(edited) > 5 else "")
            raise DataError(
                f"{out_dir}: {shown} changed since 'paper-audit student' wrote it (someone's work?); "
                "move it away, or pass --force to replace the folder anyway"
            )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        work.chmod(0o755)  # mkdtemp makes it private; the hand-outs are ordinary files
        names = write(work)
        record = {"written_by": "paper-audit student", "files": digests(work)}
        (work / MARKER).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        old = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if out_dir.exists():
            out_dir.rename(old)
        work.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return [out_dir / name for name in names]
