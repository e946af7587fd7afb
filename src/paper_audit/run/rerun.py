"""``paper-audit rerun``: execute every chapter with papermill under other
assumptions, in parallel, into a separate folder, and report which findings
changed verdict against the book as published.

    paper-audit rerun -p yuan_per_usd 2.0 -p nearly_below 0.2 [--out DIR] [--jobs N]

Parameters are validated before any notebook starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import yaml

from paper_audit import kernels, paths
from paper_audit.audit import engine, params
from paper_audit.errors import DataError
from paper_audit.tables import toc


def chapter_notebooks() -> list[Path]:
    """The chapters that take the audit's parameters (not the classroom), as the book lists them."""
    return [toc.chapter_notebook(name) for name in toc.chapters()]


def parse_parameters(pairs: list[list[str]], yaml_text: str | None) -> dict:
    values: dict = {}
    if yaml_text:
        loaded = yaml.safe_load(yaml_text)
        if not isinstance(loaded, dict):
            raise DataError(f"-y: expected a mapping of parameter names to values, got {yaml_text!r}")
        values.update(loaded)
    for name, value in pairs:
        values[name] = value
    params.validate(values)  # refuse before anything runs
    return {name: params.coerce(name, value) for name, value in values.items()}


def execute(notebook: Path, out_dir: Path, parameters: dict, timeout: int) -> float:
    import papermill  # deferred: 0.2 s to import; parameters are validated (and refused) without it

    started = time.perf_counter()
    papermill.execute_notebook(
        str(notebook),
        str(out_dir / notebook.name),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(notebook.parent),
        progress_bar=False,
        execution_timeout=timeout,
        log_output=False,
        **kernels.client_options(),
    )
    return time.perf_counter() - started


def changed_findings(rerun_dir: Path, baseline: list[engine.Finding]) -> list[dict]:
    """Findings whose verdict in the rerun differs from the published book."""
    before = {f.check: f for f in baseline}
    changes = []
    for path in sorted((rerun_dir / "findings").glob("*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            old = before.get(row["check"])
            if old is not None and old.verdict != row["verdict"]:
                changes.append(
                    {
                        "check": row["check"],
                        "chapter": path.stem,
                        "before": old.verdict,
                        "after": row["verdict"],
                        "title": row["title"],
                    }
                )
    return changes


def slug(parameters: dict) -> str:
    text = "-".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted(parameters.items()))
    return re.sub(r"[^A-Za-z0-9_.=-]", "_", text) or "defaults"


def run(parameters: dict, out_dir: Path, jobs: int, timeout: int = 300, notebooks: list[Path] | None = None) -> dict:
    notebooks = notebooks or chapter_notebooks()
    out_dir.mkdir(parents=True, exist_ok=True)
    generated = out_dir / "generated"
    # The kernels inherit this: their provenance, figures and verdicts go to the
    # rerun's folder, never over the book's own.
    os.environ["PAPER_AUDIT_OUTPUT_DIR"] = str(generated)
    print(
        f"Rerunning {len(notebooks)} chapters with {parameters or 'the default parameters'} "
        f"into {out_dir} ({jobs} at a time)",
        flush=True,
    )
    times: dict[str, float] = {}
    failures: dict[str, str] = {}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(execute, nb, out_dir, parameters, timeout): nb for nb in notebooks}
        for done, future in enumerate(as_completed(futures), start=1):
            nb = futures[future]
            try:
                times[nb.stem] = future.result()
                print(f"  [{done}/{len(notebooks)}] {nb.stem}: {times[nb.stem]:.1f} s", flush=True)
            except Exception as error:  # a failed chapter is reported, the others still run
                failures[nb.stem] = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
                print(f"  [{done}/{len(notebooks)}] {nb.stem}: FAILED: {failures[nb.stem]}", flush=True)
    wall = time.perf_counter() - started
    return {"times": times, "wall": wall, "failures": failures, "generated": generated}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="paper-audit rerun",
        description=__doc__.splitlines()[0],
        epilog="parameters:\n" + params.describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("-y", "--yaml", help="parameters as a YAML mapping, e.g. '{yuan_per_usd: 2.0}'")
    parser.add_argument("--out", type=Path, help="output folder (default: reruns/<parameters>)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="chapters run at once (default: cores)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument(
        "--compare-serial",
        action="store_true",
        help="also run the chapters one at a time (into a temporary folder) and print both wall times",
    )
    args = parser.parse_args(argv)
    parameters = parse_parameters(args.parameter, args.yaml)
    if args.jobs < 1:
        raise DataError(f"--jobs: {args.jobs} is not a positive number of chapters")
    out_dir = (args.out or paths.REPO_ROOT / "reruns" / slug(parameters)).resolve()
    if out_dir == paths.NOTEBOOKS_DIR.resolve() or paths.NOTEBOOKS_DIR.resolve() in out_dir.parents:
        raise DataError(f"--out: {out_dir} is inside notebooks/; a rerun never writes over the book's notebooks")
    result = run(parameters, out_dir, args.jobs, args.timeout)
    serial = sum(result["times"].values())
    print(f"\nWall time {result['wall']:.1f} s for {serial:.1f} s of notebook time ({args.jobs} jobs at once)")
    if args.compare_serial:
        with tempfile.TemporaryDirectory(prefix="rerun-serial-") as scratch:
            one_at_a_time = run(parameters, Path(scratch), 1, args.timeout)
        os.environ["PAPER_AUDIT_OUTPUT_DIR"] = str(result["generated"])
        print(
            f"One at a time: {one_at_a_time['wall']:.1f} s; in parallel: {result['wall']:.1f} s; "
            f"speed-up {one_at_a_time['wall'] / result['wall']:.2f}x (measured in this run)"
        )
    baseline = engine.run_all()
    changes = changed_findings(result["generated"], baseline)
    if changes:
        print(f"\n{len(changes)} finding(s) changed verdict against the published book:")
        width = max(len(c["check"]) for c in changes)
        for c in changes:
            print(f"  {c['check']:<{width}}  {c['before']:>26} -> {c['after']:<26} ({c['chapter']})")
    else:
        print("\nNo finding changed verdict against the published book.")
    report = {
        "parameters": parameters,
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "changes": changes,
        "failures": result["failures"],
        "times": result["times"],
    }
    (out_dir / "changes.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"Executed notebooks and changes.json are in {out_dir}")
    if result["failures"]:
        print(f"{len(result['failures'])} chapter(s) failed: {', '.join(result['failures'])}", file=sys.stderr)
        return 1
    return 0
