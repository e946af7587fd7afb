"""Running one submission and reading its answers back.

Every submission is executed on its own: in its own temporary folder, with a
copy of the student bundle's package (no key, no grader: the ``stage`` that
``bundle.write_package`` wrote), with ``PAPER_AUDIT_OFFLINE=1`` (no network)
and none of the instructor's environment, a time limit per cell (enforced by
the ``worker`` process) and one for the whole notebook (enforced here). After
every cell that answers a question, a cell added here runs the ``capture``
program, which prints the value of ``answer`` as JSON; the answers are read
from those lines, never from what the submission's ``check`` printed.

The isolation is that of processes, not of an operating-system sandbox: a
determined student who knows the instructor's folders could still read them
from the kernel. Run the grader in a container or as a user without access to
anything else if that matters.
"""

from __future__ import annotations

import copy
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from paper_audit.instructor import capture
from paper_audit.instructor.assignment import Item

CELL_TIMEOUT = 60
NOTEBOOK_TIMEOUT = 300
KEPT_ENV = {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT"}
CAPTURE_SOURCE = inspect.getsource(capture)
# Run as `python -m`, never imported here: it needs nbclient, which the grader itself does not.
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


# --------------------------------------------------------------------------
# The notebook to execute
# --------------------------------------------------------------------------


def capture_cell(qid: str):
    """The cell that prints the answer to ``qid``: the ``capture`` program,
    executed in a namespace of its own, then forgotten."""
    source = (
        "_paper_audit_capture = {'__name__': 'paper_audit_capture'}\n"
        f"exec({CAPTURE_SOURCE!r}, _paper_audit_capture)\n"
        f"_paper_audit_capture['capture']({qid!r}, globals().get('answer'))\n"
        "del _paper_audit_capture\n"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["paper_audit_capture"] = qid
    return cell


def _answers_question(cell, qid: str) -> bool:
    meta = cell.get("metadata", {}).get("paper_audit") or {}
    return meta.get("question") == qid or f'check("{qid}"' in cell.source or f"check('{qid}'" in cell.source


def prepare(notebook, items: list[Item]):
    """The notebook to execute: outputs cleared, a capture cell after every
    code cell that answers a question."""
    graded = copy.deepcopy(notebook)
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
                cells.append(capture_cell(qid))
    graded.cells = cells
    return graded


# --------------------------------------------------------------------------
# Running it
# --------------------------------------------------------------------------


def kernel_env(folder: Path, package_root: Path) -> dict[str, str]:
    """The environment of a submission's kernel, working in ``folder``."""
    # Only what a kernel needs: none of the instructor's other variables (tokens,
    # paths to the repository) reach the submission.
    env = {k: v for k, v in os.environ.items() if k in KEPT_ENV}
    env.update(
        PAPER_AUDIT_OFFLINE="1",
        PYTHONPATH=str(package_root / "src"),
        HOME=str(folder),
        PAPER_AUDIT_OUTPUT_DIR=str(folder / "generated"),
        MPLCONFIGDIR=str(folder / "mpl"),
        IPYTHONDIR=str(folder / "ipython"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        MPLBACKEND="Agg",
    )
    return env


def _kill(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _written_answers(notebook, items: list[Item]) -> dict[str, str]:
    """The last markdown cell answering each written question, as submitted."""
    written = {}
    for item in items:
        if item.question.form == "written":
            cells = [
                c
                for c in notebook.cells
                if c.cell_type == "markdown"
                and (c.get("metadata", {}).get("paper_audit") or {}).get("question") == item.question.id
            ]
            written[item.question.id] = cells[-1].source if cells else ""
    return written


def run_submission(
    path: Path,
    items: list[Item],
    stage: Path,
    *,
    cell_timeout: int = CELL_TIMEOUT,
    notebook_timeout: int = NOTEBOOK_TIMEOUT,
) -> Run:
    """Execute one submission in its own folder and read back its answers."""
    run = Run()
    start = time.monotonic()
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several types for a bad file
        run.problem = f"is not a readable notebook ({type(error).__name__})"
        return run
    run.written = _written_answers(notebook, items)
    with tempfile.TemporaryDirectory(prefix="paper-audit-grade-") as tmp:
        folder = Path(tmp)
        package_root = folder / "package"
        shutil.copytree(stage, package_root)
        work = folder / "work"
        work.mkdir()
        nbformat.write(prepare(notebook, items), work / "submission.ipynb")
        executed, pidfile = folder / "executed.ipynb", folder / "kernel.pid"
        command = [
            sys.executable,
            "-m",
            WORKER,
            str(work / "submission.ipynb"),
            str(executed),
            str(cell_timeout),
            str(pidfile),
        ]
        # The worker imports the grader from the instructor's install; its kernel
        # gets the bundle's package first on its path (PYTHONPATH), never the key.
        env = kernel_env(work, package_root)
        env["PAPER_AUDIT_KERNEL_PYTHONPATH"] = env.pop("PYTHONPATH")
        process = subprocess.Popen(
            command, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
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
                read_outputs(nbformat.read(executed, as_version=4), run)
            except Exception as error:  # a notebook cut off while written
                run.problem = run.problem or f"could not be read back after running ({type(error).__name__})"
    run.seconds = time.monotonic() - start
    return run


# --------------------------------------------------------------------------
# Reading it back
# --------------------------------------------------------------------------


def read_outputs(notebook, run: Run) -> None:
    """Fill ``run`` from an executed notebook: each capture cell's answer (or
    why it could not be read) and the errors the submission's cells raised."""
    previous_error = None
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        qid = cell.get("metadata", {}).get("paper_audit_capture")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if qid:
            text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            lines = [line for line in text.splitlines() if line.startswith(capture.MARK)]
            if previous_error:
                run.captured[qid] = {"error": f"its cell raised {previous_error}"}
            elif lines:
                try:
                    run.captured[qid] = json.loads(lines[-1][len(capture.MARK) :])
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
