"""The grader's worker: one process per submission, started by
``submissions.run_submission`` as ``python -m paper_audit.instructor.worker``
(in its own mount namespace, ``sandbox.worker_command``, unless the
instructor turned the sandbox off).

It reads a job on stdin (JSON: the submission's code cells, which questions
each answers, the files of the bundle, the limits and time limits), and
writes one result on stdout (JSON: the captured answers, the errors the
cells raised, and why it stopped, if it did). It is the grader's own code,
never the submission's: the submission runs in a kernel in its sandbox
(``sandbox.kernel_command``), which this process drives with nbclient over
Unix sockets. What the kernel prints is never written to disk, and the
values are read here, from the output of cells this process adds and tags
itself: a submission's own tags and files play no part.

Every cell has a time limit (``cell_timeout``: the kernel is interrupted and
the next cell runs), so has the notebook (``notebook_timeout``: the sandbox
is killed), and the sandbox is watched (``watch.Watch``) and killed when it
uses too much memory, too many processes, or prints too much. At the end the
whole sandbox is killed, whatever it started.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
import zmq
import zmq.asyncio
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from traitlets import Integer

from paper_audit import kernels
from paper_audit.instructor import capture, safe, sandbox, seccomp, watch

KERNEL_NAME = "submission"
STARTUP_TIMEOUT = 60
ERROR_TEXT = 200  # characters kept of an error's message
# The largest part of a message the worker reads (a kernel that sends a larger one is
# disconnected, its later answers lost): above the output limit, so that a notebook
# that prints too much in one burst is stopped for that, with its reason.
LARGEST_MESSAGE = 64 * sandbox.MiB
# The worker's own address space: it holds a few messages at a time, so a kernel
# that sends more is stopped by the message cap, and this is the last line should
# anything else go wrong.
WORKER_MEMORY = 3 * sandbox.GiB


class _Manager(AsyncKernelManager):
    """A kernel manager whose clients refuse any part of a message over
    ``max_message`` bytes (a kernel that sends eight buffers of 192 MiB, 1.5 GiB
    for the worker to hold, is disconnected, not read), and whose connection file the sandbox's user
    ``owner`` can read (the kernel runs as that user under a root grader)."""

    max_message = Integer(LARGEST_MESSAGE).tag(config=True)
    owner = Integer(-1).tag(config=True)

    def client(self, **kwargs: Any):
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.MAXMSGSIZE, self.max_message)
        return super().client(context=context, **kwargs)

    def write_connection_file(self, **kwargs: Any) -> None:
        super().write_connection_file(**kwargs)
        if self.owner >= 0:
            os.chown(self.connection_file, self.owner, self.owner)


class _Client(NotebookClient):
    """Keeps only what grading reads (the errors of the submission's cells, the
    output of the capture cells) and counts the bytes the notebook prints."""

    def __init__(self, *args: Any, captures: set[int], output_limit: int, on_over, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.captures, self.output_limit, self.on_over = captures, output_limit, on_over
        self.printed = 0

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        self.printed += len(str(content.get("text", ""))) + sum(len(str(v)) for v in content.get("data", {}).values())
        if self.printed > self.output_limit:
            self.on_over()
            return None
        if cell_index in self.captures and msg["msg_type"] == "stream":
            return super().output(outs, msg, None, cell_index)
        if msg["msg_type"] == "error" and not any(o.get("output_type") == "error" for o in outs):
            return super().output(outs, msg, None, cell_index)
        return None

    def clear_output(self, outs, msg, cell_index):
        return None

    def handle_comm_msg(self, outs, msg, cell_index):
        return None


def stage(job: dict, folder: Path) -> Path:
    """The bundle's files, copied into ``folder`` and made read-only."""
    for relative, source in job["stage"]["files"]:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for relative, text in job["stage"]["texts"]:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for path in sorted(folder.rglob("*"), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)
    folder.chmod(0o555)
    return folder


def unstage(folder: Path) -> None:
    """Make the staged bundle removable again: its folders writable, walked
    without following a link (``os.fwalk``, each folder changed through its own
    descriptor), so that nothing outside it is ever changed. Only the bundle is
    walked: the kernel cannot write there, unlike in its connection folder."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for _, _, _, descriptor in os.fwalk(folder, follow_symlinks=False):
        os.fchmod(descriptor, 0o755)


def notebook_of(job: dict) -> tuple[Any, dict[int, tuple[str, str]], dict[int, int]]:
    """(the notebook to run, capture cell -> (question, nonce), capture cell ->
    the submission's cell it reads after)."""
    notebook = nbformat.v4.new_notebook()
    captures: dict[int, tuple[str, str]] = {}
    after: dict[int, int] = {}
    for cell in job["cells"]:
        notebook.cells.append(nbformat.v4.new_code_cell(cell["source"]))
        answered_at = len(notebook.cells) - 1
        for question in cell["captures"]:
            nonce = secrets.token_hex(16)
            notebook.cells.append(nbformat.v4.new_code_cell(capture.cell_source(question, nonce)))
            captures[len(notebook.cells) - 1] = (question, nonce)
            after[len(notebook.cells) - 1] = answered_at
    return notebook, captures, after


def _first_line(text: Any) -> str:
    lines = str(text).strip().splitlines()
    return (lines[0] if lines else "")[:ERROR_TEXT]


def read_capture(outputs: list, nonce: str) -> dict:
    """The value a capture cell printed, from the one line marked with its nonce."""
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    mark = f"{capture.MARK}{nonce} "
    lines = [line[len(mark) :] for line in text.splitlines() if line.startswith(mark)]
    if len(lines) != 1:
        return {"error": "its value could not be read"}
    try:
        found = safe.json_answer(json.loads(lines[0]))
    except (ValueError, RecursionError):  # not JSON, or nested deeper than any true answer
        return {"error": "its value could not be read"}
    return found if isinstance(found, dict) else {"error": "its value could not be read"}


def _manager(scratch: Path, argv: list[str], limits: sandbox.Limits, owner: int | None) -> _Manager:
    """A kernel manager for the sandboxed kernel ``argv``, its kernelspec and
    sockets in ``scratch``; ``owner``, the sandbox's user, if not the grader's."""
    spec_dir = scratch / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    # Interrupted by a message: a signal would reach bwrap, not the kernel.
    spec = {"argv": argv, "display_name": "submission", "language": "python", "interrupt_mode": "message"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    connection_dir = scratch / "conn"
    return _Manager(
        kernel_name=KERNEL_NAME,
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(scratch / "kernels")]),
        transport="ipc",
        ip=str(connection_dir / "kernel"),
        connection_file=str(connection_dir / "kernel.json"),
        max_message=max(limits.output, LARGEST_MESSAGE),
        owner=-1 if owner is None else owner,
        transport_encryption="auto",
    )


class _Stop:
    """Why the notebook was stopped (the first reason given), and the sandbox
    to kill when it is."""

    def __init__(self):
        self.reasons: list[str] = []
        self.kernel_pid: int | None = None

    def __call__(self, reason: str) -> None:
        if not self.reasons:
            self.reasons.append(reason)
        if self.kernel_pid:
            watch.kill_tree(self.kernel_pid, parent=os.getpid())

    def __bool__(self) -> bool:
        return bool(self.reasons)


def run(job: dict, scratch: Path) -> dict:
    """Execute the job's notebook in a sandboxed kernel; return the result."""
    limits = sandbox.Limits(**job["limits"])
    sandboxed = job["sandboxed"]
    bundle = stage(job, scratch / "bundle")
    (scratch / "conn").mkdir()
    # Root's processes are not counted by the process limit: the sandbox gets a user of its own.
    owner = sandbox.unused_uid(os.getpid()) if sandboxed and os.geteuid() == 0 else None
    if owner is not None:
        scratch.chmod(0o711)
        os.chown(scratch / "conn", owner, owner)
    rules = seccomp.setsid_filter() if sandboxed else None
    if rules is not None:
        (scratch / "seccomp.bpf").write_bytes(rules)
    argv, env = sandbox.kernel_command(
        python=job["python"],
        bundle=bundle,
        connection_dir=scratch / "conn",
        etc=sandbox.write_etc(scratch / "etc"),
        limits=limits,
        sandboxed=sandboxed,
        uid=owner,
        seccomp_filter=None if rules is None else scratch / "seccomp.bpf",
    )
    launch: dict[str, Any] = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if sandboxed:
        # bwrap itself is the sandbox's first process, whose environment a submission can read.
        launch.update(env={})
    else:  # the kernel runs on the machine: its environment and folder are given here
        Path(env["HOME"]).mkdir()
        launch.update(env=env, cwd=env["HOME"])
    notebook, captures, after = notebook_of(job)
    result: dict[str, Any] = {"captured": {}, "errors": [], "problem": ""}
    stop = _Stop()
    client = _Client(
        notebook,
        km=_manager(scratch, argv, limits, owner),
        timeout=job["cell_timeout"],
        startup_timeout=STARTUP_TIMEOUT,
        allow_errors=True,
        interrupt_on_timeout=True,
        record_timing=False,
        captures=set(captures),
        output_limit=limits.output,
        on_over=lambda: stop(f"printed more than {limits.output / sandbox.MiB:g} MiB"),
        coalesce_streams=kernels.client_options()["coalesce_streams"],
    )
    client.log.setLevel("CRITICAL")
    seconds = job["notebook_timeout"]
    deadline = threading.Timer(seconds, lambda: stop(f"was stopped after {seconds} seconds, its time limit"))
    deadline.daemon = True
    deadline.start()
    try:
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(client.setup_kernel(**launch))
            except Exception as error:  # the kernel did not start: say so, in one line
                result["problem"] = stop.reasons[0] if stop else f"could not be started ({type(error).__name__})"
                return result
            stop.kernel_pid = client.km.provisioner.pid
            # Before the kernel is shut down (and bwrap reaped), whatever happened.
            stack.callback(watch.kill_tree, stop.kernel_pid, parent=os.getpid())
            observer = watch.Watch(
                stop.kernel_pid,
                memory=limits.memory,
                processes=limits.processes,
                tmpfs=sandbox.TMPFS if sandboxed else (),
            )
            observer.start()
            stack.callback(observer.stop)
            _execute(client, notebook, captures, after, result, stop, observer)
            if observer.problem:
                stop(observer.problem)
    finally:
        deadline.cancel()
    result["problem"] = stop.reasons[0] if stop else ""
    return result


def _execute(client, notebook, captures, after, result, stop: _Stop, observer: watch.Watch) -> None:
    """Run the cells in order until the end or until the sandbox is stopped."""
    for index, cell in enumerate(notebook.cells):
        if stop or observer.problem:
            return
        try:
            client.execute_cell(cell, index)
        except DeadKernelError:
            if not observer.problem:
                stop("stopped: its kernel died")
            return
        except Exception as error:  # nbclient's own failures: a cell the kernel never answered
            stop(f"stopped: a cell could not be run ({type(error).__name__})")
            return
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if index in captures:
            question, nonce = captures[index]
            raised = [o for o in notebook.cells[after[index]].outputs if o.get("output_type") == "error"]
            if raised:
                result["captured"][question] = {"error": f"its cell raised {_first_line(raised[0].get('ename'))}"}
            elif errors:
                result["captured"][question] = {"error": "its value could not be read (the grader's cell raised)"}
            else:
                result["captured"][question] = read_capture(cell.outputs, nonce)
        elif errors:
            name, message = _first_line(errors[0].get("ename")), _first_line(errors[0].get("evalue"))
            result["errors"].append(f"a cell raised {name}" + (f": {message}" if message else ""))


def main() -> int:
    # A soft limit only: the kernel's limits program raises its own to the sandbox's.
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, resource.getrlimit(resource.RLIMIT_AS)[1]))
    job = json.loads(sys.stdin.read())
    started = time.monotonic()
    watch.adopt_orphans()
    scratch = Path(tempfile.mkdtemp(prefix="paper-audit-grade-"))
    try:
        result = run(job, scratch)
    except Exception as error:  # the worker's own failure: one line, never a traceback
        result = {"captured": {}, "errors": [], "problem": f"could not be graded ({type(error).__name__})"}
    finally:
        watch.kill_children()
        unstage(scratch / "bundle")
        shutil.rmtree(scratch, ignore_errors=True)  # rmtree never follows a link
    result["seconds"] = time.monotonic() - started
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
