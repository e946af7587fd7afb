"""Running one submission and reading its answers back.

Every submission is run by a ``worker`` process of its own, which drives a
kernel in a sandbox (``sandbox``): the submission sees a read-only copy of
the bundle's package and data, a writable home of its own in memory, its own
processes only, and no network; nothing of the instructor's. The worker
gets its job on stdin and answers on stdout, one JSON document: the answers
it captured, the errors the cells raised, and why it stopped, if it did.
Nothing is read back from disk, and nothing from a worker that did not
finish: a worker that is killed, or does not answer by the notebook's time
limit and a grace period, gives its submission no point and a one-line
reason.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from paper_audit import paths
from paper_audit.instructor import safe, sandbox
from paper_audit.instructor.assignment import Item

CELL_TIMEOUT = 60
NOTEBOOK_TIMEOUT = 300
# Beyond the notebook's own time limit: starting the kernel, stopping the sandbox.
GRACE = 60
LARGEST_NOTEBOOK = 20 * sandbox.MiB
LARGEST_RESULT = 64 * sandbox.MiB
WORKER = "paper_audit.instructor.worker"


@dataclass
class Run:
    """What one submission gave: the captured answers by question, the errors
    its cells raised, its written answers, and why it stopped, if it did."""

    captured: dict[str, dict] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)
    problem: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class Settings:
    """How every submission of a batch is run."""

    stage: dict  # the bundle's files: {"files": [[relative, source]], "texts": [[relative, text]]}
    limits: sandbox.Limits = sandbox.DEFAULT_LIMITS
    cell_timeout: int = CELL_TIMEOUT
    notebook_timeout: int = NOTEBOOK_TIMEOUT
    sandboxed: bool = True
    python: str = sys.executable


# --------------------------------------------------------------------------
# The job: which cells to run, and after which to read which answer
# --------------------------------------------------------------------------


def _answers_question(cell, qid: str) -> bool:
    meta = cell.get("metadata", {}).get("paper_audit") or {}
    return (
        (isinstance(meta, dict) and meta.get("question") == qid)
        or f'check("{qid}"' in cell.source
        or f"check('{qid}'" in cell.source
    )


def code_cells(notebook, items: list[Item]) -> list[dict]:
    """The submission's code cells, each with the questions whose answer is read after it."""
    auto = [i.question.id for i in items if i.question.form != "written"]
    cells = []
    for cell in notebook.cells:
        if cell.get("cell_type") == "code" and isinstance(cell.get("source"), str):
            cells.append({"source": cell.source, "captures": [q for q in auto if _answers_question(cell, q)]})
    return cells


def written_answers(notebook, items: list[Item]) -> dict[str, str]:
    """The last markdown cell answering each written question, as submitted."""
    written = {}
    for item in items:
        if item.question.form == "written":
            cells = [
                c
                for c in notebook.cells
                if c.get("cell_type") == "markdown"
                and isinstance(c.get("metadata", {}).get("paper_audit"), dict)
                and c.metadata["paper_audit"].get("question") == item.question.id
            ]
            written[item.question.id] = str(cells[-1].source) if cells else ""
    return written


def job(notebook, items: list[Item], settings: Settings) -> dict:
    """What the worker is given for one submission."""
    return {
        "cells": code_cells(notebook, items),
        "stage": settings.stage,
        "limits": settings.limits.as_dict(),
        "cell_timeout": settings.cell_timeout,
        "notebook_timeout": settings.notebook_timeout,
        "sandboxed": settings.sandboxed,
        "python": settings.python,
    }


# --------------------------------------------------------------------------
# Running it
# --------------------------------------------------------------------------


# The folder holding paper_audit/: the worker imports the grader's own package from it.
PACKAGE_FOLDER = Path(__file__).resolve().parents[2]


def worker_command(settings: Settings) -> list[str]:
    """The worker's command: in its own mount namespace when sandboxed."""
    if not settings.sandboxed:
        return [settings.python, "-m", WORKER]
    package = PACKAGE_FOLDER
    keep = [package, Path(sys.prefix), Path(sys.base_prefix), Path(settings.python).parent.parent, paths.REPO_ROOT]
    keep += [Path(source).parent for _, source in settings.stage["files"]]
    return sandbox.worker_command(settings.python, keep)


def _kill(process: subprocess.Popen) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def read_result(text: str, run: Run) -> None:
    """Fill ``run`` from the worker's answer (checked: it is only the grader's
    own, but what it relays was made by a submission: no answer nested deeper
    than a true one, no lone surrogate, no control character in a message)."""
    result = json.loads(text)
    captured = result.get("captured", {})
    run.captured = {}
    for question, answer in captured.items():
        if isinstance(answer, dict):
            try:
                run.captured[safe.printable(question)] = safe.json_answer(answer)
            except (ValueError, RecursionError):
                run.captured[safe.printable(question)] = {"error": "its value could not be read"}
    run.errors = [safe.printable(e) for e in result.get("errors", [])][:50]
    run.problem = safe.printable(result.get("problem", ""))


class Refused(Exception):
    """A submitted file that is not read at all; its message says why ("is ...")."""


def read_notebook(path: Path):
    """The notebook at ``path``, read only if it is a regular file (opened
    without following a link and without blocking, so a FIFO or a device put in
    its place is refused, not waited on) of at most ``LARGEST_NOTEBOOK`` bytes;
    else ``Refused`` says why."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as handle:
        found = os.fstat(handle.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise Refused("is not a regular file")
        if found.st_size > LARGEST_NOTEBOOK:
            raise Refused(f"is larger than {LARGEST_NOTEBOOK // sandbox.MiB} MiB")
        data = handle.read(LARGEST_NOTEBOOK + 1)
    if len(data) > LARGEST_NOTEBOOK:
        raise Refused(f"is larger than {LARGEST_NOTEBOOK // sandbox.MiB} MiB")
    return nbformat.reads(data.decode("utf-8"), as_version=4)


def run_submission(path: Path, items: list[Item], settings: Settings) -> Run:
    """Run one submission in its sandbox and read back its answers."""
    run = Run()
    start = time.monotonic()
    try:
        notebook = read_notebook(path)
    except Refused as error:
        run.problem = str(error)
        return run
    except Exception as error:  # nbformat raises several types for a bad file; a link fails to open (ELOOP)
        run.problem = f"is not a readable notebook ({type(error).__name__})"
        return run
    try:
        cells = job(notebook, items, settings)
    except Exception as error:
        run.problem = f"is not a readable notebook ({type(error).__name__})"
        return run
    run.written = {q: safe.printable(text) for q, text in written_answers(notebook, items).items()}
    # Nothing of the grader's environment (tokens, keys) reaches the worker, let alone the sandbox.
    env = {**sandbox.worker_env(), "PYTHONPATH": str(PACKAGE_FOLDER)}
    process = subprocess.Popen(
        worker_command(settings),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd="/",  # the grader's own folder may be hidden in the worker's namespace (/tmp)
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(json.dumps(cells).encode(), timeout=settings.notebook_timeout + GRACE)
        if process.returncode == 0 and 0 < len(out) <= LARGEST_RESULT:
            read_result(out.decode("utf-8", errors="replace"), run)
        else:
            run.problem = "could not be graded (the grader's worker failed; grade it again, or alone)"
    except subprocess.TimeoutExpired:
        _kill(process)
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        run.problem = (
            f"could not be graded (the grader's worker did not finish within {settings.notebook_timeout + GRACE} s)"
        )
    except (json.JSONDecodeError, ValueError, TypeError):
        run.problem = "could not be graded (the grader's worker gave no readable result)"
    finally:
        if process.poll() is None:
            _kill(process)
            process.wait(timeout=10)
    run.seconds = time.monotonic() - start
    return run
