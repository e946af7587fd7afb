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
   Before any runs, each notebook's recorded variant is checked against the
   seed graded (``variant_check``): one made for another class is not run.
4. Each submission's rows and feedback are made once, and a failure of the
   grader's own code on one of them gives it rows that name it instead of
   stopping the class (``reports``, ``feedback``). The class's files (scores,
   feedback, written answers, marks template, totals, class report, Canvas
   gradebook export) are written by ``results`` (``class_report``,
   ``gradebook``); ``--only NAME`` regrades one student into them;
   ``--marks marks.csv`` merges the instructor's rubric marks (``marks``).
   Submission names are made safe (``safe``), and every text written or
   printed is cleaned of control, escape and bidi characters (``clean_text``).

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
from paper_audit.instructor import (
    bundle,
    gradebook,
    reports,
    results,
    safe,
    sandbox,
    submissions,
    variant_check,
    variants,
)
from paper_audit.instructor.assignment import assignment_items, placeholders
from paper_audit.instructor.clean_text import one_line
from paper_audit.instructor.key import KEY_DIR, expected
from paper_audit.instructor.marks import read_marks
from paper_audit.instructor.submissions import CELL_TIMEOUT, NOTEBOOK_TIMEOUT, Run, Settings

UNPROTECTED = (
    "without the sandbox, each submission runs as you, on this machine: it can read your files (the answer "
    "key included) and change them, reach the network, see and signal your processes, and leave processes "
    "running after grading; the limits on memory, CPU time and file size still apply"
)

# The grader's public names; the key's folder, its answers and an assignment's
# items are reached here too, by the tests of the classroom.
__all__ = ["KEY_DIR", "assignment_items", "expected", "grade", "main"]


def _select(paths_: list[Path], names: list[str], only: str | None, folder: Path) -> list[int]:
    """The indexes of the submissions to grade: all, or the one ``only`` names (its name or its file's stem)."""
    if only is None:
        return list(range(len(paths_)))
    if only in names:  # a name of scores.csv first: another file's stem may read the same ("a b" is "a_b")
        return [names.index(only)]
    stems = [p.stem for p in paths_]
    if only in stems:
        return [stems.index(only)]
    raise DataError(
        f"--only {one_line(only, 80)!r}: no submission of that name in {folder} (give its name as in scores.csv, "
        f"or its file's name without .ipynb)"
    )


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
    only: str | None = None,
    roster_path: Path | None = None,
    gradebook_column: str | None = None,
    progress=print,
) -> list[dict]:
    """Grade every notebook in ``submissions_dir`` (or the one ``only`` names,
    into the earlier results); write scores, feedback, totals, the class
    report and the gradebook export; return the rows of the submissions graded.
    ``seed`` is the class's (``variants``): the one its bundle was made with."""

    def say(line: str) -> None:
        progress(one_line(line, limit=2000))

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
    out = Path(out)
    feedback_dir = Path(feedback_dir) if feedback_dir else out.parent / "feedback"
    chosen = _select(paths_, names, only, submissions_dir)
    earlier = results.previous(out, feedback_dir) if only is not None else []
    selected = [(paths_[i], names[i]) for i in chosen]
    checked = variant_check.check([p for p, _ in selected], [n for _, n in selected], seed, submissions_dir)
    if checked.warning:
        say(checked.warning)
    if not sandboxed:
        say(f"Warning: grading without the sandbox: {UNPROTECTED}.")
    marks = read_marks(Path(marks_path), items, names) if marks_path else {}
    stems = {p.stem: n for p, n in zip(paths_, names, strict=True)}
    roster = gradebook.read_roster(Path(roster_path), names, stems) if roster_path else None
    written_placeholders = placeholders(assignment)
    graded: dict[str, reports.Graded] = {}
    most = sum(i.points for i in items)
    started = time.monotonic()

    def record(done: int, name: str, entry: reports.Graded, seconds: float) -> None:
        graded[name] = entry
        state = f"{entry.points:g} of {most:g} points" if entry.status != reports.NOT_GRADED else "not graded"
        say(
            f"[{done}/{len(selected)}] {name}: {state} ({seconds:.1f} s{'; ' + entry.problem if entry.problem else ''})"
        )

    for name, reason in checked.mismatched.items():
        record(len(graded) + 1, name, reports.not_graded(name, items, assignment, reason), 0.0)
    settings = Settings(
        stage=bundle.stage(seed),
        limits=limits,
        cell_timeout=cell_timeout,
        notebook_timeout=notebook_timeout,
        sandboxed=sandboxed,
    )
    to_run = [(p, n) for p, n in selected if n not in checked.mismatched]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(submissions.run_submission, p, items, settings): n for p, n in to_run}
        for future in concurrent.futures.as_completed(futures):
            name = futures[future]
            try:
                run = future.result()
            except Exception as error:  # never let one submission stop the batch
                run = Run(problem=f"could not be graded ({type(error).__name__})")
            entry = reports.report(name, run, items, written_placeholders, marks, assignment, seed)
            record(len(graded) + 1, name, entry, run.seconds)
    now = [graded[name] for _, name in selected]
    entries = [results.entry(g) for g in now]
    if only is not None:
        entries = results.merge(earlier, entries[0])
    written = {i.question.id for i in items if i.question.form == "written"}
    notes = results.write_results(
        assignment,
        entries,
        now,
        written,
        out,
        feedback_dir,
        gradebook_column=one_line(gradebook_column or assignment, limit=200),
        roster=roster,
    )
    for note in notes:
        say(f"Note: {note}.")
    say(
        f"Graded {len(selected)} submission(s) of {assignment} in {time.monotonic() - started:.1f} s: "
        f"{out}, {out.parent / results.TOTALS}, {out.parent / results.REPORT}, {out.parent / results.CANVAS} "
        f"and {feedback_dir}/"
    )
    return [row for g in now for row in g.rows]


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
        "--only",
        default=None,
        metavar="NAME",
        help="regrade one submission (its name as in scores.csv, or its file's name) into the earlier results: "
        "the others' rows and feedback stay as they are",
    )
    parser.add_argument(
        "--roster",
        type=Path,
        default=None,
        help="who each submission is, for the gradebook export: a CSV with the column submission and Canvas's "
        "Student, ID, SIS User ID, SIS Login ID, Section (see the instructor's page)",
    )
    parser.add_argument(
        "--gradebook-column",
        default=None,
        help="the assignment's column in the Canvas gradebook, 'Title (ID)' as in a gradebook export "
        "(default: the assignment's name, which Canvas matches by title or adds as a new assignment)",
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
        only=args.only,
        roster_path=args.roster,
        gradebook_column=args.gradebook_column,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    return 0
