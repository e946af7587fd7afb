"""The grader's worker: one process per submission, started by
``submissions.run_submission`` as
``python -m paper_audit.instructor.worker IN OUT CELL_TIMEOUT PIDFILE``.

It executes the prepared notebook ``IN`` cell by cell with nbclient, in a
kernel that gets this process's folder and environment (with
``PAPER_AUDIT_KERNEL_PYTHONPATH`` as its ``PYTHONPATH``: the bundle's package,
never the key). A cell that runs longer than ``CELL_TIMEOUT`` seconds is
interrupted and the next one runs; an error is recorded as the cell's output.
The executed notebook is written to ``OUT`` after every capture cell, so a
worker killed at the notebook's time limit keeps what it answered, and the
kernel's pid to ``PIDFILE``, so the grader can stop a kernel left running.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from paper_audit import kernels


def main(argv: list[str]) -> int:
    """Execute one prepared notebook (``in out cell_timeout pidfile``)."""
    source, target, cell_timeout, pidfile = argv
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=int(cell_timeout),
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        record_timing=False,
        resources={"metadata": {"path": os.getcwd()}},
        **kernels.client_options(),
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = env.pop("PAPER_AUDIT_KERNEL_PYTHONPATH", "")
    try:
        with client.setup_kernel(env=env):
            Path(pidfile).write_text(str(client.km.provisioner.pid if client.km.provisioner else ""))
            for index, cell in enumerate(notebook.cells):
                try:
                    client.execute_cell(cell, index)
                except Exception as error:  # a timeout or a dead kernel: record it, go on if we can
                    cell.setdefault("outputs", []).append(
                        nbformat.v4.new_output(
                            "error", ename=type(error).__name__, evalue=str(error)[:500], traceback=[]
                        )
                    )
                    if not client.kc or not client.km.is_alive():
                        break
                # Written as it goes: a notebook killed at its time limit keeps what it answered.
                if cell.get("metadata", {}).get("paper_audit_capture"):
                    nbformat.write(notebook, target)
    finally:
        nbformat.write(notebook, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
