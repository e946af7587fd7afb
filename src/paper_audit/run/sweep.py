"""``paper-audit sweep``: every check over a grid of assumptions, in one
process, without notebooks; then, for each finding whose verdict changes, where
it changes and where it holds as consistent.

    paper-audit sweep -p yuan_per_usd 1.5:3.0:1001 --out sweep.csv
    paper-audit sweep -p yuan_per_usd 1.5:3:31 -p gross_factor 1.1:4:30 --out grid.csv

A grid is ``START:STOP:POINTS``: ``POINTS`` evenly spaced values from
``START`` to ``STOP``, both included. With two parameters the grid is every
pair of their values. The checks are the book's own (``engine.run_all``) under
assumptions validated as for the book and ``rerun`` (``params.validate``); the
claims, the checks and the reference facts are read once per sweep.

The CSV has one row per check and grid point. Its columns are ``check``, then
``parameter`` and ``value`` (with two parameters: ``parameter_1``,
``value_1``, ``parameter_2``, ``value_2``), then ``verdict`` and ``evidence``
(the finding's kind of evidence; empty while findings do not record one).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import math
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from paper_audit import paths
from paper_audit.audit import engine, params
from paper_audit.audit.verdicts import AGREEING
from paper_audit.errors import DataError
from paper_audit.files import write_atomically
from paper_audit.tables import claims as claims_mod

# Each grid point keeps one row per check in memory (about 33 today), and
# writes as many CSV lines: 100,000 points are some 3.3 million rows.
MAX_GRID_POINTS = 100_000
MAX_PARAMETERS = 2
EVIDENCE_FIELD = "evidence"  # the Finding field that names the kind of evidence
NOT_IN_GRID = "none in the grid"


@dataclasses.dataclass(frozen=True)
class Axis:
    """One swept parameter and its values, in increasing order."""

    name: str
    values: tuple[float, ...]

    @property
    def step(self) -> float:
        return (self.values[-1] - self.values[0]) / (len(self.values) - 1)

    def describe(self) -> str:
        return (
            f"{self.name} {grid_value_text(self.values[0])} to {grid_value_text(self.values[-1])} "
            f"({len(self.values):,} points)"
        )


def grid_value_text(value: float) -> str:
    """A grid value as the breakpoint table prints it (six significant digits)."""
    return f"{value:.6g}"


def parse_axis(name: str, grid: str) -> Axis:
    """``START:STOP:POINTS`` for parameter ``name``, refused in one line if it is not a usable grid."""
    spec = params.SPECS.get(name)
    if spec is None:
        params.coerce(name, None)  # the one message for an unknown name, listing the known ones
    allowed = f"allowed {spec.low:g} to {spec.high:g}"
    parts = str(grid).split(":")
    if len(parts) != 3:
        raise DataError(
            f"parameter {name!r}: grid {grid!r} is not START:STOP:POINTS "
            f"(e.g. {spec.low:g}:{spec.high:g}:101; {allowed})"
        )
    start, stop = (params.coerce(name, part) for part in parts[:2])
    try:
        points = int(parts[2])
    except ValueError:
        raise DataError(
            f"parameter {name!r}: POINTS {parts[2]!r} in grid {grid!r} is not a whole number (at least 2)"
        ) from None
    if stop <= start:
        raise DataError(
            f"parameter {name!r}: grid {grid!r} stops at or before it starts; "
            f"STOP must be greater than START ({allowed})"
        )
    if points < 2:
        raise DataError(f"parameter {name!r}: grid {grid!r} has {points} point(s); a sweep needs at least 2")
    if points > MAX_GRID_POINTS:
        raise DataError(
            f"parameter {name!r}: grid {grid!r} has {points:,} points; "
            f"at most {MAX_GRID_POINTS:,} grid points fit in memory"
        )
    # Twelve significant digits: the CSV shows the very value each check ran with.
    values = tuple(float(f"{v:.12g}") for v in np.linspace(start, stop, points))
    return Axis(name, values)


def parse_grid(pairs: Sequence[Sequence[str]]) -> list[Axis]:
    """The ``-p NAME START:STOP:POINTS`` options, each checked, then the grid as a whole."""
    if not pairs:
        raise DataError(
            "no parameter to sweep: give -p NAME START:STOP:POINTS, with NAME one of " + ", ".join(params.SPECS)
        )
    if len(pairs) > MAX_PARAMETERS:
        raise DataError(
            f"parameters {', '.join(repr(n) for n, _ in pairs)}: a sweep takes at most {MAX_PARAMETERS} parameters"
        )
    axes = [parse_axis(name, grid) for name, grid in pairs]
    names = [a.name for a in axes]
    if len(set(names)) != len(names):
        raise DataError(f"parameter {names[0]!r}: given twice; sweep two different parameters")
    total = math.prod(len(a.values) for a in axes)
    if total > MAX_GRID_POINTS:
        sizes = " × ".join(f"{len(a.values):,}" for a in axes)
        raise DataError(
            f"parameters {' and '.join(repr(n) for n in names)}: {sizes} = {total:,} grid points; "
            f"at most {MAX_GRID_POINTS:,} fit in memory"
        )
    return axes


class PreloadedContext(engine.Context):
    """The checks' ``Context``, with each claim row, interval, implied rate and
    date worked out once per sweep instead of once per use: the data do not
    change between grid points, only the assumptions do (intervals are keyed
    by the one assumption they depend on, ``nearly_below``)."""

    def __init__(self, claims: pd.DataFrame):
        super().__init__(claims)
        self._rows = claims.to_dict("index")
        self._intervals: dict = {}
        self._rates: dict = {}
        self._dates: dict = {}

    def claim(self, claim_id: str):
        return self._rows[claim_id]

    def interval(self, claim_id: str, as_percent: bool = False):
        key = (claim_id, as_percent, self.assumptions.nearly_below)
        if key not in self._intervals:
            self._intervals[key] = super().interval(claim_id, as_percent)
        return self._intervals[key]

    def implied_rate(self, amount: str, converted: str):
        key = (amount, converted, self.assumptions.nearly_below)
        if key not in self._rates:
            self._rates[key] = super().implied_rate(amount, converted)
        return self._rates[key]

    def dates(self, item: str):
        if item not in self._dates:
            self._dates[item] = super().dates(item)
        return self._dates[item]


@dataclasses.dataclass
class Sweep:
    """The verdicts of every check at every grid point."""

    axes: list[Axis]
    frame: pd.DataFrame  # one row per grid point and check
    titles: dict[str, str]  # check id -> title, in the order of checks.csv
    seconds: float

    def value_columns(self) -> list[str]:
        return value_columns(self.axes)

    def csv_frame(self) -> pd.DataFrame:
        columns = ["check"]
        for value_column in self.value_columns():
            columns += [value_column.replace("value", "parameter"), value_column]
        return self.frame[columns + ["verdict", "evidence"]]

    def verdicts(self, check: str) -> pd.Series | pd.DataFrame:
        """The verdicts of one check: by value (one parameter), or a table
        with the first parameter across and the second down (two)."""
        rows = self.frame[self.frame["check"] == check]
        columns = self.value_columns()
        if len(columns) == 1:
            return rows.set_index(columns[0])["verdict"]
        return rows.pivot(index=columns[1], columns=columns[0], values="verdict")

    def changing(self) -> list[str]:
        """The checks whose verdict is not the same over the whole grid."""
        counts = self.frame.groupby("check", sort=False)["verdict"].nunique()
        return [c for c in self.titles if counts[c] > 1]

    def depending(self) -> list[str]:
        """The checks whose verdict or computed value moves with the parameters."""
        moves = self.frame.groupby("check", sort=False)[["verdict", "computed_value"]].nunique(dropna=False)
        return [c for c in self.titles if (moves.loc[c] > 1).any()]


def value_columns(axes: Sequence[Axis]) -> list[str]:
    return ["value"] if len(axes) == 1 else [f"value_{i}" for i in range(1, len(axes) + 1)]


def evidence_of(finding: engine.Finding) -> str:
    return str(getattr(finding, EVIDENCE_FIELD, "") or "")


def run(
    axes: Sequence[Axis],
    claims: pd.DataFrame | None = None,
    progress: Callable[[int, int], None] | None = None,
    fixed: dict | None = None,
    only: Sequence[str] | None = None,
) -> Sweep:
    """Every check at every grid point, with the data read once.

    ``fixed`` holds the other assumptions (validated with the swept ones);
    ``only`` restricts the sweep to some checks (a chapter charting a few).
    """
    started = time.perf_counter()
    claims = claims if claims is not None else claims_mod.load_claims()
    rows = engine.load_checks(claims=claims)
    if only is not None:
        unknown = set(only) - {row["id"] for row in rows}
        if unknown:
            raise DataError(f"no check {', '.join(sorted(unknown))} in {paths.CHECKS_CSV}")
        rows = [row for row in rows if row["id"] in set(only)]
    context = PreloadedContext(claims)
    points = list(itertools.product(*(a.values for a in axes)))
    names = [a.name for a in axes]
    columns: dict[str, list] = {c: [] for c in ["check", *value_columns(axes), "verdict", "evidence", "computed_value"]}
    titles: dict[str, str] = {}
    for done, point in enumerate(points, start=1):
        context.assumptions = params.validate({**(fixed or {}), **dict(zip(names, point, strict=True))})
        for finding in engine.run_all(rows=rows, context=context, how_made=False):
            columns["check"].append(finding.check)
            for column, value in zip(value_columns(axes), point, strict=True):
                columns[column].append(value)
            columns["verdict"].append(finding.verdict)
            columns["evidence"].append(evidence_of(finding))
            columns["computed_value"].append(finding.computed_value)
            titles.setdefault(finding.check, finding.title)
        if progress:
            progress(done, len(points))
    frame = pd.DataFrame(columns)
    for axis, value_column in zip(axes, value_columns(axes), strict=True):
        frame.insert(frame.columns.get_loc(value_column), value_column.replace("value", "parameter"), axis.name)
    return Sweep(list(axes), frame, titles, time.perf_counter() - started)


def runs(values: Sequence[float], flags: Sequence[bool]) -> list[tuple[float, float]]:
    """The stretches of consecutive values where ``flags`` hold, as (first, last)."""
    stretches = []
    for holds, group in itertools.groupby(zip(values, flags, strict=True), key=lambda pair: pair[1]):
        if holds:
            group = list(group)
            stretches.append((group[0][0], group[-1][0]))
    return stretches


def verdict_runs(values: Sequence[float], verdicts: Sequence[str]) -> list[tuple[str, float, float]]:
    """Each stretch of one verdict along the values, as (verdict, first, last)."""
    out = []
    for verdict, group in itertools.groupby(zip(values, verdicts, strict=True), key=lambda pair: pair[1]):
        group = list(group)
        out.append((verdict, group[0][0], group[-1][0]))
    return out


def breakpoints(result: Sweep) -> pd.DataFrame:
    """For each finding whose verdict changes over the grid: the values at which
    it changes and where it is consistent (exactly or within rounding).

    One parameter: ``changes`` lists (first value with the new verdict, verdict
    before, verdict after); ``consistent`` lists the stretches (first, last).
    Two parameters: the values of each parameter at which a verdict changes
    when that parameter alone moves, and the box of grid points where the
    finding is consistent, with how many of the grid's points are.
    """
    out = []
    for check in result.changing():
        verdicts = result.verdicts(check)
        row = {"check": check, "title": result.titles[check]}
        if isinstance(verdicts, pd.Series):
            values, labels = [float(v) for v in verdicts.index], list(verdicts)
            row["changes"] = [
                (values[i], labels[i - 1], labels[i]) for i in range(1, len(labels)) if labels[i] != labels[i - 1]
            ]
            row["agreeing"] = runs(values, [v in AGREEING for v in labels])
            row["changes_text"] = "; ".join(f"{grid_value_text(v)} ({a} → {b})" for v, a, b in row["changes"])
            row["agreeing_text"] = (
                ", ".join(
                    f"{grid_value_text(lo)} to {grid_value_text(hi)}" if lo != hi else grid_value_text(lo)
                    for lo, hi in row["agreeing"]
                )
                or NOT_IN_GRID
            )
        else:
            grid = verdicts.to_numpy()
            along_1 = grid[:, 1:] != grid[:, :-1]  # the first parameter runs across
            along_2 = grid[1:, :] != grid[:-1, :]
            row["changes_1"] = [float(verdicts.columns[j + 1]) for j in np.nonzero(along_1.any(axis=0))[0]]
            row["changes_2"] = [float(verdicts.index[i + 1]) for i in np.nonzero(along_2.any(axis=1))[0]]
            agree = np.isin(grid, AGREEING)
            row["agreeing_points"] = int(agree.sum())
            if agree.any():
                xs, ys = verdicts.columns[agree.any(axis=0)], verdicts.index[agree.any(axis=1)]
                row["agreeing"] = ((float(xs.min()), float(xs.max())), (float(ys.min()), float(ys.max())))
                box = f"{_span(*row['agreeing'][0])} × {_span(*row['agreeing'][1])}"
                row["agreeing_text"] = f"{box} ({row['agreeing_points']:,} of {grid.size:,} points)"
            else:
                row["agreeing"] = None
                row["agreeing_text"] = NOT_IN_GRID
            row["changes_text"] = " | ".join(
                f"{axis.name} at {_listing(values)}"
                for axis, values in zip(result.axes, (row["changes_1"], row["changes_2"]), strict=False)
                if values
            )
        out.append(row)
    return pd.DataFrame(out, columns=["check", "title", "changes_text", "agreeing_text"] if not out else None)


def _span(low: float, high: float) -> str:
    return grid_value_text(low) if low == high else f"{grid_value_text(low)} to {grid_value_text(high)}"


def _listing(values: Sequence[float], at_most: int = 6) -> str:
    shown = ", ".join(grid_value_text(v) for v in values[:at_most])
    return shown + (f" and {len(values) - at_most} more" if len(values) > at_most else "")


def breakpoint_table(result: Sweep) -> str:
    """The breakpoints as a plain-text table for the terminal."""
    table = breakpoints(result)
    grid = " × ".join(a.describe() for a in result.axes)
    lines = [f"Breakpoints over {grid}:"]
    if table.empty:
        lines.append(f"  no finding changes verdict over the grid ({len(result.titles)} checks).")
        return "\n".join(lines)
    if len(result.axes) == 1:
        lines.append(
            f"  (a change is shown at the first grid value with the new verdict; the grid step is "
            f"{grid_value_text(result.axes[0].step)}, and a verdict that holds over less than a step may fall between "
            "points)"
        )
    headers = ("check", "consistent (exactly or within rounding)", "verdict changes at")
    body = [(r.check, r.agreeing_text, r.changes_text) for r in table.itertuples()]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(headers[:2])]
    lines.append(f"  {headers[0]:<{widths[0]}}  {headers[1]:<{widths[1]}}  {headers[2]}")
    lines.append(f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * len(headers[2])}")
    lines += [f"  {c:<{widths[0]}}  {k:<{widths[1]}}  {ch}" for c, k, ch in body]
    unchanged = len(result.titles) - len(table)
    lines.append(f"{unchanged} other finding(s) keep one verdict over the whole grid.")
    return "\n".join(lines)


def write_csv(result: Sweep, target: Path) -> None:
    """Write the CSV whole or not at all: a failed write leaves any earlier file in place."""
    write_atomically(target, result.csv_frame().to_csv(index=False, lineterminator="\n"))


def progress_printer(stream=sys.stderr, every: float = 0.1, after_seconds: float = 1.0) -> Callable[[int, int], None]:
    """Report every tenth of the grid, once the sweep has run long enough to be worth it."""
    started = time.perf_counter()
    next_share = every

    def report(done: int, total: int) -> None:
        nonlocal next_share
        if done / total + 1e-12 < next_share:
            return
        while next_share <= done / total + 1e-12:
            next_share += every
        elapsed = time.perf_counter() - started
        if elapsed >= after_seconds and done < total:
            print(
                f"  swept {done:,} of {total:,} grid points ({done / total:.0%}) in {elapsed:.1f} s",
                file=stream,
                flush=True,
            )

    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="paper-audit sweep",
        description=__doc__.split("\n\n")[0].replace("\n", " "),
        epilog="parameters (START and STOP must lie in the allowed range):\n"
        + params.describe()
        + f"\n\nAt most {MAX_PARAMETERS} parameters and {MAX_GRID_POINTS:,} grid points.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "START:STOP:POINTS")
    )
    parser.add_argument("--out", type=Path, required=True, help="the CSV to write (one row per check and grid point)")
    args = parser.parse_args(argv)
    axes = parse_grid(args.parameter)  # refuse a bad grid before anything runs
    if args.out.is_dir():
        raise DataError(f"--out: {args.out} is a folder; give the path of a CSV file to write")
    folder = next((p for p in args.out.absolute().parents if p.exists()), None)
    if folder is None or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise DataError(f"--out: cannot write {args.out}: {folder} is not a folder this user can write to")
    total = math.prod(len(a.values) for a in axes)
    print(f"Sweeping {' × '.join(a.describe() for a in axes)}: every check at {total:,} grid points", flush=True)
    result = run(axes, progress=progress_printer())
    try:
        write_csv(result, args.out)
    except OSError as error:
        raise DataError(f"--out: cannot write {args.out}: {error.strerror or error}") from None
    print(
        f"Ran {len(result.titles)} checks at {total:,} grid points in {result.seconds:.2f} s; "
        f"wrote {len(result.frame):,} rows to {args.out}\n",
        flush=True,
    )
    print(breakpoint_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
