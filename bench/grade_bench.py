"""Grading benchmark: how long ``paper-audit grade`` takes for a class.

It makes a class of submissions of one assignment from its hand-out (by
default a third answered with the solutions' code, a third with wrong
answers, a third left unanswered; ``--answers right``: all answered with the
solutions' code), grades them two at a time as ``paper-audit grade`` does, each
in its sandbox, and prints the wall time against the goal (30 submissions in
under 2 minutes on 2 cores), with the time of one submission graded alone as
the floor and the same class graded without the sandbox (``--no-sandbox``),
all measured in the same run: the ratio of the two is the sandbox's cost.
With ``--hostile N``, N of the class are the red team's attacks
(``tests/hostile_support.py``: a CPU hog of 200 processes, a fork bomb, a
recursion bomb, a thief of the environment, terminal escapes, ...), and the
class is graded only in the sandbox (never run an attack without it).
Nothing here passes or fails: machines are shared and noisy.

    .venv/bin/python bench/grade_bench.py [--assignment NAME] [--class-size N] [--workers N] [--answers right]
                                          [--hostile N]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from paper_audit.classroom import exercises
from paper_audit.instructor import bundle, grading

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import hostile_support  # noqa: E402  (the attacks are the tests' own, defined once)

GOAL_SECONDS = 120
GOAL_CLASS = 30


def solutions(source) -> dict[str, str]:
    """question -> the code of its solution cell."""
    found = {}
    for cell in source.cells:
        if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
            for question in exercises.load_questions():
                if f'check("{question}"' in cell.source:
                    found[question] = cell.source
    return found


def make_class(assignment: str, size: int, folder: Path, mix: str = "mixed") -> None:
    source = nbformat.read(exercises.CLASSROOM_DIR / f"{assignment}.ipynb", as_version=4)
    answers = solutions(source)
    for number in range(size):
        notebook = bundle.handout(source, assignment, base_url="https://example.org/")
        kind = "right" if mix == "right" else ("right", "wrong", "blank")[number % 3]
        for cell in notebook.cells:
            question = (cell.metadata.get("paper_audit") or {}).get("question")
            if cell.cell_type != "code" or question not in answers:
                continue
            if kind == "right":
                cell.source = answers[question]
            elif kind == "wrong":
                cell.source = cell.source.replace("answer = None", "answer = 42")
        nbformat.write(notebook, folder / f"student_{number + 1:02d}.ipynb")


def add_hostile(assignment: str, count: int, folder: Path) -> list[str]:
    """Replace the last ``count`` submissions by attacks; their names."""
    attacks = [name for name in hostile_support.CLASS if name != "linker"]
    names = []
    for n in range(count):
        name = attacks[n % len(attacks)]
        code = "CANARIES = []\n" + hostile_support.CLASS[name]
        notebook = hostile_support.hand_out_with(code, assignment)
        sorted(folder.glob("*.ipynb"))[-1 - n].unlink()
        nbformat.write(notebook, folder / f"zz_{n:02d}_{name}.ipynb")
        names.append(f"zz_{n:02d}_{name}")
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="02_implied_rates")
    parser.add_argument("--class-size", type=int, default=GOAL_CLASS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--answers", choices=("mixed", "right"), default="mixed")
    parser.add_argument("--hostile", type=int, default=0, help="how many of the class are attacks")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        folder = Path(tmp)
        (folder / "one").mkdir()
        (folder / "class").mkdir()
        make_class(args.assignment, args.class_size, folder / "class", args.answers)
        (folder / "one" / "student_01.ipynb").write_bytes((folder / "class" / "student_01.ipynb").read_bytes())
        attacks = add_hostile(args.assignment, args.hostile, folder / "class")
        quiet = lambda line: None  # noqa: E731
        start = time.perf_counter()
        grading.grade(args.assignment, folder / "one", folder / "one.csv", workers=1, progress=quiet)
        one = time.perf_counter() - start
        start = time.perf_counter()
        rows = grading.grade(
            args.assignment,
            folder / "class",
            folder / "scores.csv",
            workers=args.workers,
            progress=lambda line: print("  " + line, file=sys.stderr),
        )
        whole = time.perf_counter() - start
        bare, bare_rows = None, []
        if not attacks:
            start = time.perf_counter()
            bare_rows = grading.grade(
                args.assignment,
                folder / "class",
                folder / "bare.csv",
                feedback_dir=folder / "bare-feedback",
                workers=args.workers,
                sandboxed=False,
                progress=quiet,
            )
            bare = time.perf_counter() - start
    total = {}
    for row in rows:
        total[row["submission"]] = total.get(row["submission"], 0) + (row["points"] or 0)
    print(
        f"Grading benchmark: {args.assignment}, {args.class_size} submissions ({args.answers} answers"
        f"{f', {len(attacks)} of them attacks' if attacks else ''}), {args.workers} at a time, "
        f"on {os.cpu_count()} cores ({platform.python_version()}, {platform.system()})"
    )
    print("| run | seconds | per submission |\n|---|---|---|")
    print(f"| one submission alone, sandboxed (floor) | {one:.1f} | {one:.1f} |")
    print(f"| the class, sandboxed | {whole:.1f} | {whole / args.class_size:.1f} |")
    if bare is not None:
        print(f"| the class, without the sandbox | {bare:.1f} | {bare / args.class_size:.1f} |")
    scaled = whole * GOAL_CLASS / args.class_size
    print(
        f"Goal: {GOAL_CLASS} submissions in under {GOAL_SECONDS} s; this run, scaled to {GOAL_CLASS}: "
        f"{scaled:.0f} s ({'met' if scaled < GOAL_SECONDS else 'missed'}). "
        f"Class time over {args.class_size} times the floor: {whole / (one * args.class_size):.2f}."
        + (f" Sandboxed over unsandboxed: {whole / bare:.2f}." if bare else "")
    )
    if bare is not None:
        same = [(r["submission"], r["question"], r["points"]) for r in rows] == [
            (r["submission"], r["question"], r["points"]) for r in bare_rows
        ]
        print("Same points with and without the sandbox:", "yes" if same else "NO")
    honest = {name: points for name, points in total.items() if name not in attacks}
    print("Points per honest submission:", sorted({round(v, 2) for v in honest.values()}, reverse=True))
    if attacks:
        print("Points per attack:", {name: round(total.get(name, 0), 2) for name in attacks})


if __name__ == "__main__":
    main()
