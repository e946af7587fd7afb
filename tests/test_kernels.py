"""How the project executes notebooks (``kernels.client_options``): what a cell
prints becomes one output however the kernel cut it into messages, and kernels
start without ipykernel's warning about unencrypted TCP (run in a subprocess
to read the kernel's stderr)."""

from __future__ import annotations

import subprocess
import sys
import tempfile

import pytest

WARNING = "Kernel is running over TCP without encryption"
SCRIPT = """
import sys, nbformat
from nbclient import NotebookClient
from paper_audit import kernels
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
options = kernels.client_options() if sys.argv[1] == "project" else {}
NotebookClient(nb, timeout=120, kernel_name="python3", **options).execute()
print(nb.cells[0].outputs[0]["text"], end="")
"""


def start(how: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT, how], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("how, warned", [("project", False), ("default", True)])
def test_kernels_start_without_the_transport_warning(how, warned):
    result = start(how)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "42\n"
    # The default start shows the warning, so this test can see it.
    assert (WARNING in result.stderr) is warned, result.stderr


# Flushing between the pieces makes the kernel send them as separate messages,
# as a busy machine's flush timer may; a cut just before a newline is the case
# that myst-nb's own merging gets wrong.
PIECES = "import sys\nfor piece in ('A', '\\nB', '\\n'):\n    sys.stdout.write(piece)\n    sys.stdout.flush()"


@pytest.mark.parametrize("options", ["project", "default"])
def test_a_cells_output_is_one_stream_however_it_was_cut(options):
    import nbformat
    from nbclient import NotebookClient

    from paper_audit import kernels

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PIECES)])
    extra = kernels.client_options() if options == "project" else {}
    NotebookClient(nb, timeout=120, kernel_name="python3", **extra).execute()
    outputs = nb.cells[0].outputs
    if options == "project":
        assert [(o["name"], o["text"]) for o in outputs] == [("stdout", "A\nB\n")]
    else:  # what the kernel sends, uncoalesced: several pieces, so the test above can fail
        assert len(outputs) > 1 and "".join(o["text"] for o in outputs) == "A\nB\n"


@pytest.fixture
def own_tempdir(monkeypatch):
    """A temporary folder of the test's own, short (in /tmp: a socket path in
    pytest's per-test folder would be too long), made the process's default:
    the shared one also holds other workers' kernels, which come and go."""
    import shutil

    folder = tempfile.mkdtemp(prefix="pa-test-")
    monkeypatch.setattr(tempfile, "tempdir", folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_kernels_listen_on_unix_sockets_in_a_folder_removed_at_shutdown(own_tempdir):
    """No TCP port is chosen, so none can be taken before the kernel binds it
    (jupyter/jupyter_client#487); the sockets' folder goes with the kernel."""
    import os

    import nbformat
    from nbclient import NotebookClient

    from paper_audit import kernels

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    client = NotebookClient(nb, timeout=120, kernel_name="python3", **kernels.client_options())
    seen = {}
    with client.setup_kernel():
        seen["transport"], seen["folder"] = client.km.transport, client.km.socket_folder
        seen["sockets"] = os.listdir(seen["folder"])
        client.execute_cell(nb.cells[0], 0)
    assert nb.cells[0].outputs[0]["text"] == "42\n"
    assert seen["transport"] == "ipc" and seen["sockets"], seen
    assert os.path.dirname(seen["folder"]) == own_tempdir
    assert not os.path.exists(seen["folder"])
    assert os.listdir(own_tempdir) == []


def test_a_temporary_folder_too_long_for_a_socket_address_gives_way_to_tmp(monkeypatch, tmp_path):
    """With TMPDIR so long that a socket path in it would not fit a Unix socket
    address, the kernel's folder is made in /tmp instead (the kernel would die
    at start with "File name too long"); a short TMPDIR is kept."""
    import os

    import nbformat
    from nbclient import NotebookClient

    from paper_audit import kernels

    long = tmp_path / ("x" * max(1, 100 - len(str(tmp_path))))
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    assert kernels.socket_parent() == "/tmp"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    NotebookClient(nb, timeout=120, kernel_name="python3", **kernels.client_options()).execute()
    assert nb.cells[0].outputs[0]["text"] == "42\n"
    short = tempfile.mkdtemp(prefix="s", dir="/tmp")
    try:
        monkeypatch.setattr(tempfile, "tempdir", short)
        assert kernels.socket_parent() == short
    finally:
        os.rmdir(short)


def test_a_kernel_whose_exit_would_hang_is_stopped_and_reaped():
    """A kernel whose exit would hang (here a 60 s exit handler) is stopped,
    not waited for, and no process is left behind."""
    import os
    import time

    import nbformat
    from nbclient import NotebookClient

    from paper_audit import kernels

    code = "import atexit, os, time\natexit.register(time.sleep, 60)\nprint(os.getpid())"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    started = time.monotonic()
    NotebookClient(nb, timeout=120, kernel_name="python3", **kernels.client_options()).execute()
    pid = int(nb.cells[0].outputs[0]["text"])
    assert time.monotonic() - started < 60, "the client waited for the kernel's exit handler"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_the_package_registers_no_exit_handler():
    """Kernels are stopped at once after their last cell (``client_options``):
    an exit handler of the package's would never run in one."""
    import ast

    from paper_audit import paths

    def names(node):
        if isinstance(node, ast.Import):
            return {a.name for a in node.names}
        if isinstance(node, ast.ImportFrom):
            return {node.module or ""} | {a.name for a in node.names}
        return {node.attr} if isinstance(node, ast.Attribute) else set()

    found = []
    for path in sorted((paths.REPO_ROOT / "src" / "paper_audit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if {"atexit", "finalize"} & names(node):
                found.append(f"{path.relative_to(paths.REPO_ROOT)}:{node.lineno}")
    assert not found, f"exit handlers, which a kernel stopped at once never runs: {found}"
