"""Grading on the instructor's side: ``paper-audit grade ASSIGNMENT SUBMISSIONS_DIR``.

Never shipped to students (``bundle.INSTRUCTOR_PACKAGE``), and neither is the
answer key it reads (``notebooks/classroom/key/``).

How a class is graded, and where each step lives:

1. The expected answers are computed now, from the data, by this process
   (``key``): ``key/answers.csv`` says how each one is derived.
2. Points come from the instructor's assignment notebook (``assignment``):
   each answer cell carries ``metadata.paper_audit = {"question": ...,
   "points": ...}``; so does each written answer, whose points are its rubric's.
3. Every submission is executed on its own, two at a time (``submissions``,
   with its ``worker`` process), its kernel in a sandbox (``sandbox``,
   ``watch``): a read-only copy of the student bundle's package (no key, no
   grader) and data, a writable home in memory, no network, nothing else of
   this machine, limits on memory, processes, CPU time, file and output
   sizes, a time limit per cell and one for the whole notebook. After every
   cell that answers a question, the ``capture`` program prints the value of
   ``answer`` as JSON; the grade is computed here from those values
   (``judging``), never from what the submission's ``check`` printed.
4. The scores, feedback files, written answers and marks template are
   written by ``reports``; ``--marks marks.csv`` merges the instructor's
   rubric marks (``marks``). Submission names are made safe (``safe``).

Without bubblewrap the grader refuses to run, unless told ``--no-sandbox``
(``UNPROTECTED`` says what is then not protected).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import sys
import time
from pathlib import Path

from paper_audit.errors import DataError
from paper_audit.instructor import bundle, reports, safe, sandbox, variants
from paper_audit.instructor.assignment import assignment_items, placeholders
from paper_audit.instructor.key import KEY_DIR, expected
from paper_audit.instructor.marks import read_marks
from paper_audit.instructor.submissions import CELL_TIMEOUT, NOTEBOOK_TIMEOUT, Run, Settings, run_submission

UNPROTECTED = (
    "without the sandbox, each submission runs as you, on this machine: it can read your files (the answer "
    "key included) and change them, reach the network, see and signal your processes, and leave processes "
    "running after grading; the limits on memory, CPU time and file size still apply"
)

# The grader's public names; the key's folder, its answers and an assignment's
# items are reached here too, by the tests of the classroom.
__all__ = ["KEY_DIR", "assignment_items", "expected", "grade", "main"]


def grade(
    assignment: str,
    submissions_dir: Path,
    out: Path,
    *,
    marks_path: Path | None = None,
    feedback_dir: Path | None = None,
    workers: int = 2,
    cell_timeout: int = CELL_TIMEOUT,
    notebook_timeout: int = NOTEBOOK_TIMEOUT,
    limits: sandbox.Limits = sandbox.DEFAULT_LIMITS,
    sandboxed: bool = True,
    seed: str | None = None,
    progress=print,
) -> list[dict]:
    """Grade every notebook in ``submissions_dir``; write scores and feedback.
    ``seed`` is the class's (``variants``): the one its bundle was made with."""
    if sandboxed and sandbox.unavailable():
        raise DataError(
            f"refusing to grade without a sandbox: {sandbox.unavailable()}. Install bubblewrap, or pass "
            f"--no-sandbox if you accept that {UNPROTECTED}"
        )
    items = assignment_items(assignment)
    expected(seed)  # computed before any submission runs: a broken key stops here
    submissions_dir = Path(submissions_dir)
    if not submissions_dir.is_dir():
        raise DataError(f"{submissions_dir}: not a folder of submissions")
    paths_ = sorted(p for p in submissions_dir.glob("*.ipynb") if p.is_file() and not p.is_symlink())
    if not paths_:
        raise DataError(f"{submissions_dir}: holds no .ipynb file to grade")
    names = safe.submission_names([p.stem for p in paths_])
    if not sandboxed:
        progress(f"Warning: grading without the sandbox: {UNPROTECTED}.")
    marks = read_marks(Path(marks_path), items, names) if marks_path else {}
    written_placeholders = placeholders(assignment)
    out = Path(out)
    feedback_dir = Path(feedback_dir) if feedback_dir else out.parent / "feedback"
    runs: dict[str, Run] = {}
    started = time.monotonic()
    settings = Settings(
        stage=bundle.stage(seed),
        limits=limits,
        cell_timeout=cell_timeout,
        notebook_timeout=notebook_timeout,
        sandboxed=sandboxed,
    )
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(run_submission, p, items, settings): name for p, name in zip(paths_, names, strict=True)}
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            name = futures[future]
            try:
                runs[name] = future.result()
            except Exception as error:  # never let one submission stop the batch
                runs[name] = Run(problem=f"could not be graded ({type(error).__name__})")
            run = runs[name]
            rows = reports.score_rows(name, run, items, written_placeholders, marks, seed)
            got = sum(r["points"] or 0 for r in rows)
            progress(
                f"[{done}/{len(paths_)}] {name}: {got:g} of {sum(i.points for i in items):g} points "
                f"({run.seconds:.1f} s{'; ' + run.problem if run.problem else ''})"
            )
    rows = reports.write_reports(
        assignment, {name: runs[name] for name in names}, items, written_placeholders, marks, out, feedback_dir, seed
    )
    progress(
        f"Graded {len(paths_)} submission(s) of {assignment} in {time.monotonic() - started:.1f} s: "
        f"{out} and {feedback_dir}/"
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="paper-audit grade", description="Grade every .ipynb in a folder as a submission of one assignment."
    )
    parser.add_argument("assignment", help="the assignment notebook's name without .ipynb")
    parser.add_argument("submissions", type=Path, help="the folder of submitted notebooks")
    parser.add_argument("--out", type=Path, default=Path("scores.csv"), help="the scores table (default: scores.csv)")
    parser.add_argument("--feedback", type=Path, default=None, help="feedback folder (default: feedback/ beside --out)")
    parser.add_argument(
        "--marks",
        type=Path,
        default=None,
        help="your rubric marks for the written answers (fill in feedback/marks-template.csv)",
    )
    parser.add_argument("--workers", type=int, default=2, help="submissions run at a time (default: 2)")
    parser.add_argument(
        "--cell-timeout",
        type=int,
        default=CELL_TIMEOUT,
        help=f"seconds a cell may run before it is interrupted (default: {CELL_TIMEOUT})",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=NOTEBOOK_TIMEOUT,
        help=f"seconds a whole notebook may run (default: {NOTEBOOK_TIMEOUT})",
    )
    default = sandbox.DEFAULT_LIMITS
    parser.add_argument(
        "--memory",
        type=float,
        default=default.memory / sandbox.GiB,
        help=f"GiB of memory a submission may use (default: {default.memory / sandbox.GiB:g})",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=default.processes,
        help=f"processes and threads a submission may run at once (default: {default.processes})",
    )
    parser.add_argument(
        "--seed-file",
        type=Path,
        default=None,
        help="your class's seed, the file the bundle was made with (paper-audit student --seed-file)",
    )
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="grade without the sandbox (bubblewrap): only where it cannot be had, and only if you trust "
        "every submission (see the instructor's page)",
    )
    args = parser.parse_args(argv)
    checked = (
        ("--workers", args.workers, 1),
        ("--cell-timeout", args.cell_timeout, 1),
        ("--timeout", args.timeout, 1),
        ("--memory", args.memory, 0.5),
        ("--processes", args.processes, 32),
    )
    for name, value, least in checked:
        if not value >= least:
            raise DataError(f"{name} should be {least:g} or more, not {value:g}")
    limits = dataclasses.replace(default, memory=int(args.memory * sandbox.GiB), processes=args.processes)
    grade(
        args.assignment,
        args.submissions,
        args.out,
        marks_path=args.marks,
        feedback_dir=args.feedback,
        workers=args.workers,
        cell_timeout=args.cell_timeout,
        notebook_timeout=args.timeout,
        limits=limits,
        sandboxed=not args.no_sandbox,
        seed=variants.class_seed(args.seed_file) if args.seed_file else None,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    return 0
