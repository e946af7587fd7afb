"""Build benchmark: prints, from one run on this machine, the cost of a cold
build, a no-op rebuild and a rebuild after editing one claim, against a floor,
and which notebooks that edit re-executes.

The floor is the least a build can cost: every notebook's code run in one
Python process, plus a Sphinx build with execution off. The floor and the
cold build are each the median of ``--runs`` runs (3), each in a fresh clone,
taken in turn in one go; the rebuilds are timed once, in the last clone.
Figures are compared as ratios measured in the same run (machines are shared
and noisy); nothing here passes or fails.

    make bench        (or: .venv/bin/python bench/build_bench.py [--runs N])
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

from paper_audit.run.build import executed_notebooks
from paper_audit.tables.toc import toc_notebooks

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def clone(target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(REPO), str(target)], check=True)
    return target


def env_for(root: Path) -> dict:
    """The clone's data, outputs and package (its src/ first on the path: not
    this checkout's, which may change while the benchmark runs and would make
    every notebook's fingerprint of the code stale)."""
    return dict(
        os.environ,
        PAPER_AUDIT_ROOT=str(root),
        PAPER_AUDIT_OUTPUT_DIR=str(root / "_build" / "generated"),
        PYTHONPATH=os.pathsep.join(p for p in (str(root / "src"), os.environ.get("PYTHONPATH", "")) if p),
    )


def timed_build(root: Path) -> tuple[float, list[str]]:
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-m", "paper_audit.run.build", "--root", str(root)], capture_output=True, text=True, env=env_for(root)
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr[-3000:]}")
    return elapsed, executed_notebooks(result.stdout, root)


def floor(root: Path) -> tuple[float, float]:
    """Seconds to run all notebook code in one process, and to build with execution off."""
    script = ["import os, sys, matplotlib", "matplotlib.use('svg')"]
    for notebook in toc_notebooks(root):
        nb = nbformat.read(notebook, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        script.append(f"os.chdir({str(notebook.parent)!r})\nexec(compile({code!r}, {notebook.name!r}, 'exec'), {{}})")
    source = root / "_bench_floor.py"
    source.write_text("\n".join(script))
    started = time.perf_counter()
    result = subprocess.run([PYTHON, str(source)], capture_output=True, text=True, env=env_for(root))
    code_seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"floor run failed:\n{result.stderr[-3000:]}")
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    off = root / "_bench_config.yml"
    off.write_text(yaml.safe_dump(config))
    out = Path(tempfile.mkdtemp(prefix="bench-sphinx-"))
    started = time.perf_counter()
    # Without outputs the glue roles have nothing to show, so warnings are expected: no -W here.
    subprocess.run(
        [
            str(Path(PYTHON).with_name("jupyter-book")),
            "build",
            str(root),
            "--config",
            str(off),
            "--path-output",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env_for(root),
    )
    sphinx_seconds = time.perf_counter() - started
    shutil.rmtree(out, ignore_errors=True)
    return code_seconds, sphinx_seconds


EDITED_CLAIM = "damage_ships_pct"


def edit_one_claim(root: Path) -> None:
    """Reword the measure of EDITED_CLAIM (shown by the war damage chapter)."""
    claims = root / "data" / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    old = "share of ships destroyed"
    if text.count(old) != 1:
        sys.exit(f"{claims}: the measure of {EDITED_CLAIM} ({old!r}) is not there once; update the benchmark")
    claims.write_text(text.replace(old, "share of the ships destroyed"), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--runs", type=int, default=3, help="fresh clones for the floor and the cold build (median)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs: at least 1")
    print(
        f"Benchmark on {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()}), "
        f"{args.runs} fresh clone(s) of {REPO}",
        flush=True,
    )
    floors, colds = [], []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        for run in range(1, args.runs + 1):
            root = clone(Path(scratch) / f"book-{run}")
            code_seconds, sphinx_seconds = floor(root)
            floors.append(code_seconds + sphinx_seconds)
            cold, cold_run = timed_build(root)
            colds.append(cold)
            print(
                f"  run {run}: floor {code_seconds:.1f} s (notebook code in one process)"
                f" + {sphinx_seconds:.1f} s (Sphinx without execution); cold build {cold:.1f} s"
                f" ({len(cold_run)} notebooks executed)",
                flush=True,
            )
        noop, noop_run = timed_build(root)
        print(f"  no-op rebuild: {noop:.1f} s ({len(noop_run)} notebooks executed)", flush=True)
        edit_one_claim(root)
        edited, edited_run = timed_build(root)
        print(f"  after editing one claim ({EDITED_CLAIM}): {edited:.1f} s", flush=True)
    floor_seconds, cold = statistics.median(floors), statistics.median(colds)
    every = len(cold_run)
    print()
    print("| build | seconds | ratio to the floor | notebooks executed |")
    print("|---|---|---|---|")
    print(f"| floor (code in one process + Sphinx, no execution) | {floor_seconds:.1f} | 1.00 | – |")
    print(f"| cold build (fresh clone after set-up) | {cold:.1f} | {cold / floor_seconds:.2f} | {every} |")
    print(f"| no-op rebuild | {noop:.1f} | {noop / floor_seconds:.2f} | {len(noop_run)} |")
    print(
        f"| rebuild after editing one claim (`{EDITED_CLAIM}`) | {edited:.1f} | {edited / floor_seconds:.2f} "
        f"| {len(edited_run)} |"
    )
    print(f"\nRe-executed after editing {EDITED_CLAIM} ({len(edited_run)} of {every}):")
    for notebook in edited_run:
        print(f"  {notebook}")
    print(
        f"\nFloor and cold build: medians of {args.runs} run(s). Targets: cold build at most 1.5x the floor "
        f"({'met' if cold <= 1.5 * floor_seconds else 'NOT met'}); no-op rebuild in a few seconds ({noop:.1f} s); "
        "an edited claim re-executes only what reads it."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
