"""Grading on the instructor's side: ``paper-audit grade ASSIGNMENT SUBMISSIONS_DIR``.

Never shipped to students (``bundle.INSTRUCTOR_PACKAGE``), and neither is the
answer key it reads (``notebooks/classroom/key/``).

How a class is graded:

1. The expected answers are computed now, from the data, by this process
   (``expected``): ``key/answers.csv`` says how each one is derived (a
   finding of the book's checks, the rates a set of pairs implies, the
   invented passage's own claims and checks in ``key/``).
2. Points come from the instructor's assignment notebook: each answer cell
   carries ``metadata.paper_audit = {"question": ..., "points": ...}``; so
   does each written answer (a markdown cell), whose points are its rubric's.
3. Every submission is executed on its own, two at a time: in its own
   temporary folder, with a copy of the student bundle's package (no key, no
   grader: ``bundle.write_package``), with ``PAPER_AUDIT_OFFLINE=1`` (no
   network), a time limit per cell (a cell that runs too long is
   interrupted and the next one runs) and one for the whole notebook. After
   every cell that answers a question, a cell added by the grader prints the
   value of ``answer`` as JSON; the grade is computed here from those values,
   never from what the submission's ``check`` printed.
4. One row per submission and question goes to ``scores.csv`` (submission,
   question, points, max_points, feedback), one feedback file per submission
   to ``feedback/``, the written answers to ``feedback/written-answers.md``
   and a marks sheet to fill in to ``feedback/marks-template.csv``.
   ``--marks marks.csv`` merges the instructor's rubric marks.

The isolation is that of processes, not of an operating-system sandbox: a
determined student who knows the instructor's folders could still read them
from the kernel. Run the grader in a container or as a user without access to
anything else if that matters.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import functools
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from paper_audit.classroom import exercises
from paper_audit.instructor import bundle
from paper_audit.audit import engine, rounding
from paper_audit.tables import claims as claims_mod
from paper_audit.errors import DataError

KEY_DIR = exercises.CLASSROOM_DIR / "key"
ANSWERS_CSV = KEY_DIR / "answers.csv"
PASSAGE_CLAIMS_CSV = KEY_DIR / "passage_claims.csv"
PASSAGE_CHECKS_CSV = KEY_DIR / "passage_checks.csv"
COLUMNS = ["submission", "question", "points", "max_points", "feedback"]
MARKS_COLUMNS = ["submission", "question", "criterion", "level", "comment"]
CAPTURE_MARK = "PAPER-AUDIT-ANSWER "
CELL_TIMEOUT = 60
KEPT_ENV = {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT"}
NOTEBOOK_TIMEOUT = 300


def _read_csv(path: Path) -> list[tuple[int, dict]]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return list(enumerate(csv.DictReader(handle), start=2))
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror})") from None


# --------------------------------------------------------------------------
# The key: expected answers, computed from the data
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _book_findings() -> dict[str, engine.Finding]:
    return {f.check: f for f in engine.run_all(claims=claims_mod.load_claims())}


def passage_key() -> list[dict]:
    """The invented passage's figures as the key reads them (id, quote, figure,
    unit, qualifier, and what claim_row makes of them)."""
    text = exercises.passage()[1]
    rows = []
    for line, row in _read_csv(PASSAGE_CLAIMS_CSV):
        if text.count(row["quote"]) != 1 or row["figure"] not in row["quote"]:
            raise DataError(f"{PASSAGE_CLAIMS_CSV.name}, line {line}, field 'quote': {row['quote']!r} must occur "
                            "once in the passage and hold the figure")
        made = exercises.claim_row(row["id"], row["figure"], row["unit"], qualifier=row["qualifier"], quote=row["quote"])
        rows.append(made)
    return rows


def _passage_findings() -> list[dict]:
    ctx = engine.Context(exercises.claims_frame(passage_key()))
    found = []
    for _, row in _read_csv(PASSAGE_CHECKS_CSV):
        finding = engine.run_check(ctx, exercises.check_row(row["id"], row["kind"], row["inputs"],
                                                            expected_low=row["expected_low"],
                                                            expected_high=row["expected_high"]))
        found.append({"id": row["id"], "kind": row["kind"], "inputs": row["inputs"].split(),
                      "verdict": finding.verdict})
    return found


def _pair_rate(kind: str, label: str) -> rounding.Interval:
    pair = exercises.pairs(kind)[label]
    return engine.Context(claims_mod.load_claims()).implied_rate(*pair)


def _expected_from(source: str, args: list[str]) -> Any:
    if source == "finding":
        check_id, field_name, *factor = args
        value = getattr(_book_findings()[check_id], field_name)
        return value * float(factor[0]) if factor else value
    if source == "rates":
        table = claims_mod.load_claims()
        return [claims_mod.absolute(table.loc[a]) / claims_mod.absolute(table.loc[b])
                for a, b in exercises.pairs(args[0]).values()]
    if source == "same_rate":
        inputs = [claim for pair in exercises.pairs(args[0]).values() for claim in pair]
        row = exercises.check_row("one_rate", "same_rate", inputs)
        return engine.run_check(engine.Context(claims_mod.load_claims()), row).verdict
    if source == "rate_interval":
        return _pair_rate(args[0], args[1])
    if source == "rates_overlap":
        return _pair_rate(args[0], args[1]).overlaps(_pair_rate(args[0], args[2]))
    if source == "passage_claims":
        return passage_key()
    if source == "passage_findings":
        return _passage_findings()
    raise KeyError(source)


@functools.lru_cache(maxsize=1)
def expected() -> dict[str, Any]:
    """Every question's expected answer, computed now from the data."""
    found = {}
    for line, row in _read_csv(ANSWERS_CSV):
        where = f"{ANSWERS_CSV.name}, line {line}"
        if row["question"] not in exercises.load_questions():
            raise DataError(f"{where}, field 'question': {row['question']!r} is not in {exercises.QUESTIONS_CSV.name}")
        args = [a for a in row["arguments"].split(";") if a]
        try:
            found[row["question"]] = _expected_from(row["source"], args)
        except (KeyError, ValueError, IndexError, TypeError) as error:
            raise DataError(f"{where}: cannot compute the expected answer from source {row['source']!r} "
                            f"and arguments {row['arguments']!r} ({type(error).__name__}: {error})") from None
    return found


# --------------------------------------------------------------------------
# The assignment: questions and points, from the instructor's notebook
# --------------------------------------------------------------------------


@dataclass
class Item:
    question: exercises.Question
    points: float


def assignment_items(assignment: str) -> list[Item]:
    """The graded questions of an assignment, in order, with their points."""
    import nbformat

    path = exercises.CLASSROOM_DIR / f"{assignment}.ipynb"
    if not path.exists():
        names = ", ".join(p.stem for p in sorted(exercises.CLASSROOM_DIR.glob("*.ipynb")))
        raise DataError(f"no assignment {assignment!r}: the assignments are {names}")
    questions = exercises.load_questions()
    items: list[Item] = []
    for number, cell in enumerate(nbformat.read(path, as_version=4).cells, start=1):
        meta = cell.get("metadata", {}).get("paper_audit")
        if not meta:
            continue
        where = f"{path.name}, cell {number}, metadata.paper_audit"
        qid = meta.get("question")
        if qid not in questions or questions[qid].assignment != assignment:
            raise DataError(f"{where}: question {qid!r} is not one of this assignment's in {exercises.QUESTIONS_CSV.name}")
        points = meta.get("points")
        if not isinstance(points, (int, float)) or points <= 0:
            raise DataError(f"{where}: 'points' should be a positive number, not {points!r}")
        q = questions[qid]
        if q.form == "written" and points != exercises.rubric_points(qid):
            raise DataError(f"{where}: {points} points, but the rubric of {qid!r} gives at most "
                            f"{exercises.rubric_points(qid):g}")
        if q.form != "written" and qid not in expected():
            raise DataError(f"{where}: question {qid!r} has no expected answer in {ANSWERS_CSV.name}")
        items.append(Item(q, float(points)))
    asked = {q.id for q in questions.values() if q.assignment == assignment}
    missing = sorted(asked - {i.question.id for i in items})
    if missing:
        raise DataError(f"{path.name}: no cell carries the points of {', '.join(missing)}")
    return items


# --------------------------------------------------------------------------
# Running one submission
# --------------------------------------------------------------------------

# Runs in the submission's kernel, after each cell that answers a question.
# It reads the value of `answer` and prints it as JSON, in one write.
CAPTURE_SOURCE = r'''
def _paper_audit_capture(question, value):
    import json, math, sys

    def plain(x, depth=0):
        if depth > 4:
            return {"__type__": "nested too deep"}
        if type(x).__module__ == "numpy" and getattr(x, "ndim", 1) == 0:
            x = x.item()
        if x is None or isinstance(x, (bool, int)):
            return x
        if isinstance(x, str):
            return x[:20000]
        if isinstance(x, float):
            return x if math.isfinite(x) else {"__float__": repr(x)}
        if hasattr(x, "to_dict") and hasattr(x, "columns"):
            head = x.head(200).astype(object)
            rows = head.where(head.notna(), None).to_dict("records")
            return {"__frame__": [{str(k): plain(v, depth + 1) for k, v in r.items()} for r in rows]}
        if all(hasattr(x, a) for a in ("kind", "inputs", "verdict")):
            return {"__finding__": {"kind": plain(x.kind, depth + 1), "verdict": plain(x.verdict, depth + 1),
                                    "inputs": plain(list(x.inputs), depth + 1)}}
        if hasattr(x, "low") and hasattr(x, "high"):
            return {"__interval__": [plain(x.low, depth + 1), plain(x.high, depth + 1)]}
        if isinstance(x, (list, tuple)) or hasattr(x, "tolist"):
            return [plain(v, depth + 1) for v in list(x)[:200]]
        return {"__type__": type(x).__name__}

    try:
        payload = {"question": question, "answer": plain(value)}
    except Exception as error:
        payload = {"question": question, "error": f"{type(error).__name__}: {error}"}
    sys.stdout.write(MARK + json.dumps(payload) + "\n")
'''


def _answers_question(cell, qid: str) -> bool:
    meta = cell.get("metadata", {}).get("paper_audit") or {}
    return meta.get("question") == qid or f'check("{qid}"' in cell.source or f"check('{qid}'" in cell.source


def prepare(notebook, items: list[Item]):
    """The notebook to execute: outputs cleared, a capture cell after every
    code cell that answers a question."""
    import nbformat

    graded = copy_notebook(notebook)
    cells = []
    auto = [i.question.id for i in items if i.question.form != "written"]
    for cell in graded.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        for qid in auto:
            if _answers_question(cell, qid):
                source = (CAPTURE_SOURCE.replace("MARK", repr(CAPTURE_MARK))
                          + f"\n_paper_audit_capture({qid!r}, globals().get('answer'))\ndel _paper_audit_capture\n")
                capture = nbformat.v4.new_code_cell(source)
                capture.metadata["paper_audit_capture"] = qid
                cells.append(capture)
    graded.cells = cells
    return graded


def copy_notebook(notebook):
    import copy

    return copy.deepcopy(notebook)


def _worker(argv: list[str]) -> int:
    """Execute one prepared notebook (``in out cell_timeout pidfile``); the
    kernel gets this process's environment and folder."""
    import nbformat
    from nbclient import NotebookClient

    from paper_audit import kernels

    source, target, cell_timeout, pidfile = argv
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(notebook, timeout=int(cell_timeout), kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, record_timing=False,
                            resources={"metadata": {"path": os.getcwd()}}, **kernels.client_options())
    env = dict(os.environ)
    env["PYTHONPATH"] = env.pop("PAPER_AUDIT_KERNEL_PYTHONPATH", "")
    try:
        with client.setup_kernel(env=env):
            Path(pidfile).write_text(str(client.km.provisioner.pid if client.km.provisioner else ""))
            for index, cell in enumerate(notebook.cells):
                try:
                    client.execute_cell(cell, index)
                except Exception as error:  # a timeout or a dead kernel: record it, go on if we can
                    cell.setdefault("outputs", []).append(nbformat.v4.new_output(
                        "error", ename=type(error).__name__, evalue=str(error)[:500], traceback=[]))
                    if not client.kc or not client.km.is_alive():
                        break
                # Written as it goes: a notebook killed at its time limit keeps what it answered.
                if cell.get("metadata", {}).get("paper_audit_capture"):
                    nbformat.write(notebook, target)
    finally:
        nbformat.write(notebook, target)
    return 0


@dataclass
class Run:
    captured: dict[str, dict] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)
    problem: str = ""
    seconds: float = 0.0


def _kernel_env(folder: Path, package_root: Path) -> dict[str, str]:
    # Only what a kernel needs: none of the instructor's other variables (tokens,
    # paths to the repository) reach the submission.
    env = {k: v for k, v in os.environ.items() if k in KEPT_ENV}
    env.update(PAPER_AUDIT_OFFLINE="1", PYTHONPATH=str(package_root / "src"), HOME=str(folder),
               PAPER_AUDIT_OUTPUT_DIR=str(folder / "generated"), MPLCONFIGDIR=str(folder / "mpl"),
               IPYTHONDIR=str(folder / "ipython"), PYDEVD_DISABLE_FILE_VALIDATION="1", MPLBACKEND="Agg")
    return env


def _kill(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def run_submission(path: Path, items: list[Item], stage: Path, *, cell_timeout: int = CELL_TIMEOUT,
                   notebook_timeout: int = NOTEBOOK_TIMEOUT) -> Run:
    """Execute one submission in its own folder and read back its answers."""
    import nbformat

    run = Run()
    start = time.monotonic()
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several types for a bad file
        run.problem = f"is not a readable notebook ({type(error).__name__})"
        return run
    for item in items:
        if item.question.form == "written":
            cells = [c for c in notebook.cells if c.cell_type == "markdown"
                     and (c.get("metadata", {}).get("paper_audit") or {}).get("question") == item.question.id]
            run.written[item.question.id] = cells[-1].source if cells else ""
    with tempfile.TemporaryDirectory(prefix="paper-audit-grade-") as tmp:
        folder = Path(tmp)
        package_root = folder / "package"
        shutil.copytree(stage, package_root)
        work = folder / "work"
        work.mkdir()
        nbformat.write(prepare(notebook, items), work / "submission.ipynb")
        executed, pidfile = folder / "executed.ipynb", folder / "kernel.pid"
        command = [sys.executable, "-c", "import sys; from paper_audit.instructor.grading import _worker; "
                   "sys.exit(_worker(sys.argv[1:]))", str(work / "submission.ipynb"), str(executed),
                   str(cell_timeout), str(pidfile)]
        # The worker imports the grader from the instructor's install; its kernel
        # gets the bundle's package first on its path (PYTHONPATH), never the key.
        env = _kernel_env(work, package_root)
        env["PAPER_AUDIT_KERNEL_PYTHONPATH"] = env.pop("PYTHONPATH")
        process = subprocess.Popen(command, cwd=work, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=notebook_timeout)
            if process.returncode:
                run.problem = "could not be executed: " + stderr.decode(errors="replace").strip()[-300:]
        except subprocess.TimeoutExpired:
            _kill(process.pid)
            process.communicate()
            # The worker could not shut its kernel down: stop it too (only here,
            # where it is surely still running, never a pid that may be reused).
            if pidfile.exists() and pidfile.read_text().strip().isdigit():
                _kill(int(pidfile.read_text()))
            run.problem = f"was stopped after {notebook_timeout} seconds, the time limit of a whole notebook"
        if executed.exists():
            try:
                _read_outputs(nbformat.read(executed, as_version=4), run)
            except Exception as error:  # a notebook cut off while written
                run.problem = run.problem or f"could not be read back after running ({type(error).__name__})"
    run.seconds = time.monotonic() - start
    return run


def _read_outputs(notebook, run: Run) -> None:
    previous_error = None
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        qid = cell.get("metadata", {}).get("paper_audit_capture")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if qid:
            text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            lines = [line for line in text.splitlines() if line.startswith(CAPTURE_MARK)]
            if previous_error:
                run.captured[qid] = {"error": f"its cell raised {previous_error}"}
            elif lines:
                try:
                    run.captured[qid] = json.loads(lines[-1][len(CAPTURE_MARK):])
                except json.JSONDecodeError:
                    run.captured[qid] = {"error": "its value could not be read"}
            elif errors:
                run.captured[qid] = {"error": "its value could not be read (the grader's cell raised)"}
            continue
        previous_error = None
        if errors:
            name = errors[0].get("ename", "an error")
            previous_error = name
            run.errors.append(f"a cell raised {name}: {str(errors[0].get('evalue', ''))[:200]}")


# --------------------------------------------------------------------------
# Judging a value against the key
# --------------------------------------------------------------------------


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "__frame__" in value:
            return pd.DataFrame(value["__frame__"])
        if "__interval__" in value:
            return tuple(value["__interval__"])
        if "__finding__" in value:
            return value["__finding__"]
        return value
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _figure_of(row: dict) -> tuple[str, Any]:
    date = row.get("date")
    if isinstance(date, str) and date:
        return "date", date
    return "value", float(row["value"]) * float(row["factor"])


def _same_figure(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] != b[0]:
        return False
    return a[1] == b[1] if a[0] == "date" else math.isclose(a[1], b[1], rel_tol=1e-9)


def _match_claims(frame: pd.DataFrame, key: list[dict]) -> dict[str, dict]:
    """key id -> the student's row that gives the same figure (first match)."""
    rows = frame.to_dict("records")
    matched: dict[str, dict] = {}
    used: set[int] = set()
    for k in key:
        for i, row in enumerate(rows):
            try:
                same = i not in used and _same_figure(_figure_of(row), _figure_of(k))
            except (TypeError, ValueError, KeyError):
                same = False
            if same:
                matched[k["id"]] = row
                used.add(i)
                break
    return matched


def _judge_claims(frame: pd.DataFrame, key: list[dict]) -> tuple[float, str]:
    text = exercises.passage()[1]
    matched = _match_claims(frame, key)
    complete, notes = 0, []
    for k in key:
        row = matched.get(k["id"])
        if row is None:
            continue
        quote = str(row.get("quote", ""))
        if quote not in text or str(row.get("figure", "")) not in quote:
            notes.append(f"{row.get('id')}: the quote is not the passage's words around the figure")
        elif str(row.get("qualifier", "none")) != k["qualifier"]:
            notes.append(f"{row.get('id')}: the qualifier is not the one the passage gives")
        else:
            complete += 1
    missing = len(key) - len(matched)
    extra = len(frame) - len(matched)
    if missing:
        notes.append(f"{missing} figure{'s' if missing > 1 else ''} of the passage missing or read wrongly")
    if extra:
        notes.append(f"{extra} row{'s' if extra > 1 else ''} match{'' if extra > 1 else 'es'} no figure of the passage")
    fraction = max(0, complete - extra) / len(key)
    return fraction, f"{complete} of {len(key)} figures read right, with their quote and qualifier" + (
        ": " + "; ".join(notes) if notes else "")


def _judge_findings(findings: list, key: list[dict], claims_answer: Any) -> tuple[float, str]:
    frame = _decode(claims_answer.get("answer")) if isinstance(claims_answer, dict) else None
    if not isinstance(frame, pd.DataFrame) or "id" not in frame:
        return 0.0, "Your claims frame (the previous question) could not be read, so your checks cannot be matched."
    to_key = {str(row["id"]): kid for kid, row in _match_claims(frame, passage_key()).items()}
    score, notes = 0.0, []
    used = set()
    for k in key:
        hit = None
        for i, f in enumerate(findings):
            if i in used or not isinstance(f, dict) or f.get("kind") != k["kind"]:
                continue
            if sorted(to_key.get(str(x), "?") for x in f.get("inputs") or []) == sorted(k["inputs"]):
                hit = i
                break
        if hit is None:
            notes.append(f"no check of kind {k['kind']} relates the figures it needs")
            continue
        used.add(hit)
        if exercises.verdict_name(str(findings[hit].get("verdict", ""))) == k["verdict"]:
            score += 1
        else:
            score += 0.5
            notes.append(f"your {k['kind']} check has another verdict than the package gives")
    others = len([f for i, f in enumerate(findings) if i not in used])
    if others:
        notes.append(f"{others} further check{'s' if others > 1 else ''} (not graded)")
    found = sum(1 for n in notes if n.startswith("no check"))
    return score / len(key), (f"{len(key) - found} of {len(key)} relations of the passage checked"
                              + (": " + "; ".join(notes) if notes else ""))


def judge(item: Item, captured: dict | None, answers: dict[str, dict]) -> tuple[float, str]:
    """(points, feedback) for one auto-graded question."""
    q, key = item.question, expected()[item.question.id]
    if captured is None:
        return 0.0, "Not answered: no cell answering this question ran."
    if "error" in captured:
        return 0.0, f"No answer could be read: {captured['error']}."
    answer = _decode(captured.get("answer"))
    if answer is None:
        return 0.0, "Not answered (the answer is still None)."
    if q.form == "findings":
        if not isinstance(answer, list) or not answer or not all(isinstance(f, dict) and "kind" in f for f in answer):
            return 0.0, "The answer should be a list of findings, each from engine.run_check."
        fraction, note = _judge_findings(answer, key, answers.get("passage_claims"))
        return round(item.points * fraction, 2), note + "."
    if q.form == "interval":
        ends = answer if isinstance(answer, tuple) else exercises.interval_ends(answer)
        answer = ends if ends is not None else answer
    if q.form != "claims":
        problem = exercises.form_problem(q, list(answer) if isinstance(answer, tuple) else answer)
        if problem:
            return 0.0, f"Not in the form asked: {problem}"
    else:
        if not isinstance(answer, pd.DataFrame) or not {"value", "factor", "date"} <= set(answer.columns):
            return 0.0, "Not in the form asked: the answer should be a claims frame built with claim_row."
        fraction, note = _judge_claims(answer, key)
        return round(item.points * fraction, 2), note + "."
    right = False
    if q.form == "number":
        right = math.isclose(float(answer), key, rel_tol=q.rel_tol, abs_tol=q.abs_tol)
    elif q.form == "numbers":
        off = [label for label, x, e in zip(q.labels, answer, key) if not math.isclose(float(x), e, rel_tol=q.rel_tol)]
        right = not off
        if off and len(off) < len(key):
            return 0.0, f"Not right for: {'; '.join(off)} ({q.tolerance()})."
    elif q.form == "interval":
        right = all(math.isclose(float(x), e, rel_tol=q.rel_tol) for x, e in zip(answer, (key.low, key.high)))
    elif q.form == "verdict":
        right = exercises.verdict_name(answer) == key
    elif q.form in ("boolean", "count"):
        right = answer == key
    if right:
        return item.points, f"Right ({q.tolerance()})."
    return 0.0, f"Not right ({q.tolerance()}). {q.hint}"


# --------------------------------------------------------------------------
# Rubric marks
# --------------------------------------------------------------------------


def read_marks(path: Path, items: list[Item], submissions: list[str]) -> dict[tuple[str, str], tuple[float, str]]:
    """(submission, question) -> (points, feedback) from the instructor's marks CSV."""
    rubrics = exercises.load_rubrics()
    written = {i.question.id for i in items if i.question.form == "written"}
    given: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    rows = _read_csv(path)
    if rows and set(MARKS_COLUMNS[:4]) - set(rows[0][1]):
        raise DataError(f"{path}: needs the columns {', '.join(MARKS_COLUMNS)}")
    for line, row in rows:
        where = f"{path.name}, line {line}"
        if not (row.get("level") or "").strip():
            continue  # a row of the template not marked yet
        if row["submission"] not in submissions:
            raise DataError(f"{where}, field 'submission': {row['submission']!r} is not a submission in this folder")
        if row["question"] not in written:
            raise DataError(f"{where}, field 'question': {row['question']!r} is not a written question "
                            f"of this assignment ({', '.join(sorted(written))})")
        levels = rubrics[row["question"]].get(row["criterion"])
        if levels is None:
            raise DataError(f"{where}, field 'criterion': {row['criterion']!r} is not one of "
                            f"{', '.join(rubrics[row['question']])}")
        if row["level"].strip() not in levels:
            raise DataError(f"{where}, field 'level': {row['level']!r} is not one of {', '.join(levels)}")
        given.setdefault((row["submission"], row["question"]), {})[row["criterion"]] = (
            row["level"].strip(), (row.get("comment") or "").strip())
    marks = {}
    for (submission, question), criteria in given.items():
        missing = [c for c in rubrics[question] if c not in criteria]
        if missing:
            raise DataError(f"{path.name}: {submission}, {question}: no level for the criterion(s) {', '.join(missing)}")
        points, notes = 0.0, []
        for criterion, (level, comment) in criteria.items():
            level_points, description = rubrics[question][criterion][level]
            points += level_points
            notes.append(f"{criterion}: {description}" + (f" ({comment})" if comment else ""))
        marks[(submission, question)] = (points, " ".join(notes))
    return marks


# --------------------------------------------------------------------------
# A class
# --------------------------------------------------------------------------


def _placeholder(assignment: str) -> dict[str, str]:
    """The written cells as the hand-out has them: unchanged means unanswered."""
    import nbformat

    notebook = nbformat.read(exercises.CLASSROOM_DIR / f"{assignment}.ipynb", as_version=4)
    return {c.metadata["paper_audit"]["question"]: c.source for c in notebook.cells
            if c.cell_type == "markdown" and c.get("metadata", {}).get("paper_audit")}


def score_rows(name: str, run: Run, items: list[Item], placeholders: dict[str, str],
               marks: dict[tuple[str, str], tuple[float, str]]) -> list[dict]:
    rows = []
    for item in items:
        qid = item.question.id
        if run.problem and not run.captured and item.question.form != "written":
            points, feedback = 0.0, f"Not graded: the notebook {run.problem}."
        elif item.question.form == "written":
            text = run.written.get(qid, "")
            if (name, qid) in marks:
                points, feedback = marks[(name, qid)]
            elif not text.strip() or text.strip() == placeholders.get(qid, "").strip():
                points, feedback = 0.0, "Not answered."
            else:
                points, feedback = None, "To be marked with the rubric (give the marks with --marks)."
        else:
            points, feedback = judge(item, run.captured.get(qid), run.captured)
        rows.append({"submission": name, "question": qid, "points": points, "max_points": item.points,
                     "feedback": feedback})
    return rows


def _fmt(points: float | None) -> str:
    return "" if points is None else f"{points:g}"


def feedback_text(name: str, assignment: str, rows: list[dict], run: Run) -> str:
    total = sum(r["points"] or 0 for r in rows)
    most = sum(r["max_points"] for r in rows)
    pending = [r["question"] for r in rows if r["points"] is None]
    lines = [f"# {assignment}: feedback for {name}", "",
             f"Total: {total:g} of {most:g} points" + (f" (to be marked: {', '.join(pending)})" if pending else ""), ""]
    if run.problem:
        lines += [f"Note: the notebook {run.problem}.", ""]
    for r in rows:
        lines += [f"## {r['question']}: {_fmt(r['points']) or '–'} of {r['max_points']:g}", "", r["feedback"], ""]
    if run.errors:
        lines += ["## Errors while running your notebook", ""] + [f"- {e}" for e in run.errors[:20]] + [""]
    return "\n".join(lines)


def grade(assignment: str, submissions_dir: Path, out: Path, *, marks_path: Path | None = None,
          feedback_dir: Path | None = None, workers: int = 2, cell_timeout: int = CELL_TIMEOUT,
          notebook_timeout: int = NOTEBOOK_TIMEOUT, progress=print) -> list[dict]:
    """Grade every notebook in ``submissions_dir``; write scores and feedback."""
    items = assignment_items(assignment)
    expected()  # computed before any submission runs: a broken key stops here
    submissions_dir = Path(submissions_dir)
    if not submissions_dir.is_dir():
        raise DataError(f"{submissions_dir}: not a folder of submissions")
    paths_ = sorted(p for p in submissions_dir.glob("*.ipynb") if p.is_file())
    if not paths_:
        raise DataError(f"{submissions_dir}: holds no .ipynb file to grade")
    names = [p.stem for p in paths_]
    marks = read_marks(Path(marks_path), items, names) if marks_path else {}
    placeholders = _placeholder(assignment)
    out = Path(out)
    feedback_dir = Path(feedback_dir) if feedback_dir else out.parent / "feedback"
    runs: dict[str, Run] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="paper-audit-stage-") as stage_tmp:
        stage = Path(stage_tmp) / "bundle"
        bundle.write_package(stage)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(run_submission, p, items, stage, cell_timeout=cell_timeout,
                                   notebook_timeout=notebook_timeout): p.stem for p in paths_}
            for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
                name = futures[future]
                try:
                    runs[name] = future.result()
                except Exception as error:  # never let one submission stop the batch
                    runs[name] = Run(problem=f"could not be graded ({type(error).__name__}: {error})")
                run = runs[name]
                got = sum(r["points"] or 0 for r in score_rows(name, run, items, placeholders, marks))
                progress(f"[{done}/{len(paths_)}] {name}: {got:g} of {sum(i.points for i in items):g} points "
                         f"({run.seconds:.1f} s{'; ' + run.problem if run.problem else ''})")
    rows = []
    feedback_dir.mkdir(parents=True, exist_ok=True)
    written_lines = [f"# Written answers to {assignment}", ""]
    template = []
    for name in names:
        mine = score_rows(name, runs[name], items, placeholders, marks)
        rows += mine
        (feedback_dir / f"{name}.md").write_text(feedback_text(name, assignment, mine, runs[name]), encoding="utf-8")
        for item in items:
            if item.question.form == "written":
                written_lines += [f"## {name}: {item.question.id}", "", runs[name].written.get(item.question.id, "")
                                  or "(no answer)", ""]
                for criterion in exercises.load_rubrics()[item.question.id]:
                    template.append({"submission": name, "question": item.question.id, "criterion": criterion,
                                     "level": "", "comment": ""})
    (feedback_dir / "written-answers.md").write_text("\n".join(written_lines), encoding="utf-8")
    with open(feedback_dir / "marks-template.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MARKS_COLUMNS)
        writer.writeheader()
        writer.writerows(template)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "points": _fmt(row["points"]), "max_points": _fmt(row["max_points"])})
    tmp.replace(out)
    progress(f"Graded {len(paths_)} submission(s) of {assignment} in {time.monotonic() - started:.1f} s: "
             f"{out} and {feedback_dir}/")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paper-audit grade",
                                     description="Grade every .ipynb in a folder as a submission of one assignment.")
    parser.add_argument("assignment", help="the assignment notebook's name without .ipynb, e.g. 02_implied_rates")
    parser.add_argument("submissions", type=Path, help="the folder of submitted notebooks")
    parser.add_argument("--out", type=Path, default=Path("scores.csv"), help="the scores table (default: scores.csv)")
    parser.add_argument("--feedback", type=Path, default=None, help="feedback folder (default: feedback/ beside --out)")
    parser.add_argument("--marks", type=Path, default=None,
                        help="your rubric marks for the written answers (fill in feedback/marks-template.csv)")
    parser.add_argument("--workers", type=int, default=2, help="submissions run at a time (default: 2)")
    parser.add_argument("--cell-timeout", type=int, default=CELL_TIMEOUT,
                        help=f"seconds a cell may run before it is interrupted (default: {CELL_TIMEOUT})")
    parser.add_argument("--timeout", type=int, default=NOTEBOOK_TIMEOUT,
                        help=f"seconds a whole notebook may run (default: {NOTEBOOK_TIMEOUT})")
    args = parser.parse_args(argv)
    for name, value in (("--workers", args.workers), ("--cell-timeout", args.cell_timeout), ("--timeout", args.timeout)):
        if value < 1:
            raise DataError(f"{name} should be 1 or more, not {value}")
    grade(args.assignment, args.submissions, args.out, marks_path=args.marks, feedback_dir=args.feedback,
          workers=args.workers, cell_timeout=args.cell_timeout, notebook_timeout=args.timeout,
          progress=lambda line: print(line, file=sys.stderr, flush=True))
    return 0
