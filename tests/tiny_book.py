"""The one way the tests build a tiny book of their own: strictly, as the
project's build does (``-n -W --keep-going``), with a time limit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "-n", "-W", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=root,
    )
