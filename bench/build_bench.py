"""Build benchmark: prints, from one run on this machine, the cost of a cold
build, a no-op rebuild and a rebuild after editing one claim, against a floor.

The floor is the least a build can cost: every notebook's code run in one
Python process, plus a Sphinx build with execution off. Figures are compared
as ratios measured in the same run (machines are shared and noisy); nothing
here passes or fails.

    make bench        (or: .venv/bin/python bench/build_bench.py)
"""

from __future__ import annotations

import os
import platform
import shutil
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
    return dict(os.environ, PAPER_AUDIT_ROOT=str(root), PAPER_AUDIT_OUTPUT_DIR=str(root / "_build" / "generated"))


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


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        root = clone(Path(scratch) / "book")
        print(
            f"Benchmark on {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()}), "
            f"a fresh clone of {REPO}",
            flush=True,
        )
        code_seconds, sphinx_seconds = floor(root)
        floor_seconds = code_seconds + sphinx_seconds
        print(
            f"  floor: notebook code in one process {code_seconds:.1f} s"
            f" + Sphinx without execution {sphinx_seconds:.1f} s",
            flush=True,
        )
        cold, cold_run = timed_build(root)
        print(f"  cold build: {cold:.1f} s ({len(cold_run)} notebooks executed)", flush=True)
        noop, noop_run = timed_build(root)
        print(f"  no-op rebuild: {noop:.1f} s ({len(noop_run)} notebooks executed)", flush=True)
        claims = root / "data" / "claims.csv"
        text = claims.read_text(encoding="utf-8")
        claims.write_text(text.replace("share of ships destroyed", "share of the ships destroyed", 1), encoding="utf-8")
        edited, edited_run = timed_build(root)
        print(
            f"  after editing one claim (damage_ships_pct): {edited:.1f} s, re-executed: {', '.join(edited_run)}",
            flush=True,
        )
    print()
    print("| build | seconds | ratio to the floor | notebooks executed |")
    print("|---|---|---|---|")
    print(f"| floor (code in one process + Sphinx, no execution) | {floor_seconds:.1f} | 1.00 | – |")
    print(f"| cold build (fresh clone after set-up) | {cold:.1f} | {cold / floor_seconds:.2f} | {len(cold_run)} |")
    print(f"| no-op rebuild | {noop:.1f} | {noop / floor_seconds:.2f} | {len(noop_run)} |")
    print(f"| rebuild after editing one claim | {edited:.1f} | {edited / floor_seconds:.2f} | {len(edited_run)} |")
    print(
        f"\nTargets: cold build at most 1.5x the floor ({'met' if cold <= 1.5 * floor_seconds else 'NOT met'}); "
        f"no-op rebuild in a few seconds ({noop:.1f} s); an edited claim re-executes only what reads it."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
