"""How the project executes notebooks: the build, reruns and grading all pass
``client_options()`` to nbclient's ``NotebookClient`` (directly, through
jupyter-cache, or through papermill), so every notebook runs the same way.

* Streams are merged exactly. A kernel sends what a cell prints in as many
  stream messages as its flush timer happens to cut, which depends on how busy
  the machine is. nbclient's ``coalesce_streams`` joins a cell's messages into
  one output by plain concatenation, so the same cell gives the same output on
  every run. (myst-nb's own ``nb_merge_streams`` is no substitute: it strips
  each piece before joining, so a cut just before a newline changes the text.)
* Kernels are reached over Unix sockets, each kernel's in a folder of its own,
  never over TCP. With TCP, jupyter_client chooses a kernel's five ports by
  binding and releasing them, and the kernel binds them later: another socket
  can take a port in between (jupyter/jupyter_client#487), and the kernel dies
  before it answers ("Kernel died before replying to kernel_info"). The build
  starts two kernels side by side, and on a busy machine the window is wide
  enough to hit. A socket file in a fresh folder cannot be taken. (With no TCP,
  ipykernel's warning about unencrypted TCP has no cause either.)
* A kernel is stopped at once when its last cell has run (nbclient's
  ``shutdown_kernel="immediate"``), not asked to shut down and waited for:
  every output has arrived by then, whatever the notebook writes it writes in
  its cells, and the package registers no exit handler (tested). Asked,
  ipykernel sometimes replies and stays, and jupyter_client then waits half
  of its ``shutdown_wait_time`` (2.5 s) before SIGTERM
  (jupyter/jupyter_client#756): here, 6 of 38 empty notebooks took 4.0 s
  instead of 0.8 s; and even a prompt exit cost 0.1 to 0.2 s a notebook, in
  which a build's job slot waited instead of starting the next kernel.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

import zmq
from jupyter_client.manager import AsyncKernelManager

FOLDER_PREFIX = "paper-audit-kernel-"
# The longest socket path the folder must hold: mkdtemp's 8 random characters,
# then jupyter_client's "/socket-N" (N up to 5).
_SUFFIX_LENGTH = len(FOLDER_PREFIX) + 8 + len("/socket-5")


def socket_parent() -> str:
    """The temporary folder, unless a socket path in it would be longer than a
    Unix socket address holds (107 bytes on Linux, 103 on macOS; a long TMPDIR,
    such as pytest's per-test folders, reaches that): then /tmp, which is short."""
    parent = tempfile.gettempdir()
    if len(os.fsencode(parent)) + 1 + _SUFFIX_LENGTH > _socket_path_limit():
        return "/tmp"
    return parent


def _socket_path_limit() -> int:
    return int(getattr(zmq, "IPC_PATH_MAX_LEN", 103))


class SocketFolderKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel listens on Unix sockets in a temporary
    folder of its own, removed when the kernel is shut down. The folder's path
    is absolute: a relative one (jupyter_client's default, "kernel-ipc") would
    be read from the notebook's folder by the kernel and from elsewhere by the
    client."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.socket_folder = tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=socket_parent())
        self.transport = "ipc"
        self.ip = os.path.join(self.socket_folder, "socket")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self.socket_folder, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


def client_options() -> dict[str, Any]:
    """Keyword arguments for ``nbclient.NotebookClient``."""
    return {
        "coalesce_streams": True,
        "kernel_manager_class": SocketFolderKernelManager,
        "shutdown_kernel": "immediate",
    }
