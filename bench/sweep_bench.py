"""Sweep benchmark: prints, from one run on this machine, what a 1,001-point
sweep of every check costs against one papermill rerun of a single value.

Each is timed as a reader runs it, a command from the shell (interpreter start,
imports and data loading included):

* the sweep: ``paper-audit sweep -p yuan_per_usd 1.5:3.0:1001``;
* the whole rerun: ``paper-audit rerun -p yuan_per_usd 2.0``, every chapter
  executed by papermill, as many at a time as there are cores (what answering
  "what if the rate were 2.0?" costs without the sweep);
* one chapter: ``papermill`` on the Chinese aid chapter alone, the one that
  shows the yuan findings (the cheapest rerun that answers for the yuan).

Ratios are measured within this run (machines are shared and noisy); the
target is a sweep costing less than a quarter of one rerun. Nothing here
passes or fails.

    make bench        (or: .venv/bin/python bench/sweep_bench.py)
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GRID = ("yuan_per_usd", "1.5:3.0:1001")
VALUE = ("yuan_per_usd", "2.0")
CHAPTER = REPO / "notebooks" / "chinese_aid.ipynb"


def timed(command: list[str], scratch: Path) -> float:
    env = dict(os.environ, PAPER_AUDIT_OUTPUT_DIR=str(scratch / "generated"))
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as name:
        scratch = Path(name)
        print(
            f"Sweep benchmark on {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()}), "
            f"in {REPO}",
            flush=True,
        )
        sweep_command = [str(BIN / "paper-audit"), "sweep", "-p", *GRID, "--out", str(scratch / "sweep.csv")]
        # The sweep runs before and after the reruns, and counts as the mean of
        # the two: a change in the machine's load during the run hits both sides.
        before = timed(sweep_command, scratch)
        print(f"  sweep of every check, {GRID[0]} {GRID[1]}: {before:.2f} s", flush=True)
        whole = timed([str(BIN / "paper-audit"), "rerun", "-p", *VALUE, "--out", str(scratch / "rerun")], scratch)
        print(
            f"  whole rerun (every chapter, {os.cpu_count()} at a time), {VALUE[0]} {VALUE[1]}: {whole:.2f} s",
            flush=True,
        )
        chapter = timed(
            [
                str(BIN / "papermill"),
                str(CHAPTER),
                str(scratch / "chapter.ipynb"),
                "-p",
                *VALUE,
                "--cwd",
                str(CHAPTER.parent),
                "--no-progress-bar",
            ],
            scratch,
        )
        print(f"  one chapter ({CHAPTER.stem}) by papermill, {VALUE[0]} {VALUE[1]}: {chapter:.2f} s", flush=True)
        after = timed(sweep_command, scratch)
        print(f"  sweep again: {after:.2f} s", flush=True)
        sweep = (before + after) / 2
    print()
    print("| run | seconds | sweep / run |")
    print("|---|---|---|")
    print(f"| sweep, 1,001 points × every check (mean of two) | {sweep:.2f} | – |")
    print(f"| one rerun of every chapter (papermill) | {whole:.2f} | {sweep / whole:.2f} |")
    print(f"| one rerun of one chapter ({CHAPTER.stem}) | {chapter:.2f} | {sweep / chapter:.2f} |")
    met = "met" if sweep < whole / 4 else "NOT met"
    print(
        f"\nTarget: the sweep costs less than a quarter of one rerun of the book ({met}: {sweep / whole:.2f}); "
        f"against one chapter alone it costs {sweep / chapter:.2f} of a rerun."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
