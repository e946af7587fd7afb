"""Suite benchmark: prints how long the test suite takes on a fresh clone, set-up excluded.

Clones the repository (its last commit), sets up the clone's own environment
as a reader's clone does (``make setup-dev bundle-wheels``: pip's cache makes
it quick, and it is not timed; a link to another checkout's environment will
not do, since the grading sandbox binds the interpreter's own folders), then
times, one after the
other, the fast subset (``make test ARGS="-m 'not build and not browser and not sandbox'"``)
and the whole suite (``make test``), and prints both with the date, the
machine and each run's last line (how many tests passed, failed, were
skipped). Nothing here passes or fails: the README states the figures.

The timed runs never reinstall (make is told that the environment's stamps
are up to date). The whole run holds /tmp/build.lock, so no other build runs
beside it (``--no-lock`` to skip that).

    .venv/bin/python bench/suite_bench.py [--only fast|full] [--durations N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAST = "-m 'not build and not browser and not sandbox'"
LOCK = Path("/tmp/build.lock")


class held_lock:
    """The lock every whole-book build takes (``flock /tmp/build.lock``)."""

    def __enter__(self):
        self.handle = LOCK.open("a")
        print(f"waiting for {LOCK} ...", flush=True)
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def fresh_clone(scratch: Path) -> Path:
    """A clone of the last commit with its own environment, set up as the README says."""
    root = scratch / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True)
    started = time.perf_counter()
    print("setting up the clone's environment (not timed) ...", flush=True)
    log = scratch / "set-up.log"
    with log.open("w", encoding="utf-8") as out:
        command = ["make", "--no-print-directory", "setup-dev", "bundle-wheels"]
        status = subprocess.run(command, cwd=root, stdout=out, stderr=subprocess.STDOUT).returncode
    if status:
        sys.exit(f"the clone's set-up failed (make setup-dev bundle-wheels, exit {status}):\n{log.read_text()[-3000:]}")
    print(f"  set up in {minutes(time.perf_counter() - started)}", flush=True)
    return root


def make_test(root: Path, args: str | None, durations: int = 0) -> tuple[float, int, str, list[str]]:
    """Seconds, exit status, the last line of ``make test`` in ``root``, and the
    lines worth keeping from its log: each failure's and error's one-line
    summary, and the slowest tests when ``durations`` asks for them."""
    stamps = ["-o", ".venv/.installed", "-o", ".venv/.installed-dev"]  # set-up excluded: never reinstall
    pytest_args = " ".join(a for a in (args, f"--durations={durations}" if durations else "") if a)
    command = ["make", "--no-print-directory", *stamps, "test", *([f"ARGS={pytest_args}"] if pytest_args else [])]
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PAPER_AUDIT_ROOT", None)
    env.pop("PAPER_AUDIT_OUTPUT_DIR", None)
    log = root / f"suite-{'fast' if args else 'full'}.log"
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        status = subprocess.run(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    seconds = time.perf_counter() - started
    kept_log = Path(tempfile.gettempdir()) / log.name
    shutil.copyfile(log, kept_log)  # the clone goes when the benchmark ends; its log stays
    print(f"  (the whole log: {kept_log})", flush=True)
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return seconds, status, (lines[-1] if lines else "(no output)"), kept_lines(lines)


def kept_lines(lines: list[str]) -> list[str]:
    """pytest's one-line summary of each failure and error (``-ra``), and the
    slowest-durations table: without them a red run says only that it was red."""
    kept = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
    if any("slowest" in line and "durations" in line for line in lines):
        start = next(i for i, line in enumerate(lines) if "slowest" in line and "durations" in line)
        kept += [line for line in lines[start:] if line[:1].isdigit() and "s " in line]
    if not kept and lines and "passed" not in lines[-1]:
        kept = lines[-40:]  # no pytest summary at all (make or the collection failed): its tail
    return kept


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("fast", "full"), help="time only the fast subset or only the whole suite")
    parser.add_argument("--durations", type=int, default=0, help="also print the N slowest tests of each run")
    parser.add_argument("--no-lock", action="store_true", help=f"do not hold {LOCK} while the tests run")
    args = parser.parse_args(argv)
    runs = [("fast subset", FAST), ("whole suite (make test)", None)]
    runs = [r for r in runs if args.only is None or (r[1] is None) == (args.only == "full")]
    when = dt.datetime.now(dt.timezone.utc)
    load = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory(prefix="suite-bench-") as scratch, nullcontext() if args.no_lock else held_lock():
        # As a clone anywhere else is: readable by others. A temporary folder is
        # private (0700), so the tests that grade as an unprivileged user, and the
        # sandboxes that run a submission as nobody, could not read the clone.
        os.chmod(scratch, 0o755)
        root = fresh_clone(Path(scratch))
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
        print(f"fresh clone of {REPO} at {commit.stdout.strip()}", flush=True)
        for name, make_args in runs:
            print(f"timing the {name} ...", flush=True)
            seconds, status, last, kept = make_test(root, make_args, args.durations)
            results.append((name, seconds, status, last))
            print(f"  {name}: {minutes(seconds)} (exit {status}): {last}", flush=True)
            for line in kept:
                print(f"    {line}", flush=True)
    print()
    print(
        f"Suite benchmark, {when:%d %B %Y %H:%M} UTC, on {platform.node()} ({os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {load:.1f} at the start), a fresh clone, set-up excluded:"
    )
    print("| run | minutes | exit | pytest's summary |")
    print("|---|---|---|---|")
    for name, seconds, status, last in results:
        print(f"| {name} | {minutes(seconds)} | {status} | {last.strip('= ')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
