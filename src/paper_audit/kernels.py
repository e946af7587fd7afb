"""How the project starts notebook kernels: the build, reruns and grading all
pass ``client_options()`` to nbclient's ``NotebookClient`` (directly, through
jupyter-cache, or through papermill), so every kernel starts the same way.

ipykernel 7 warns on stderr, once per kernel, that its messages travel over TCP
in plain text. The kernel manager can instead provision CurveZMQ keys, which
the pinned ipykernel's kernelspec declares it supports: the transport is then
encrypted and the warning has no cause. ("auto", not "required": a kernel that
cannot encrypt still starts, and its warning still shows.)
"""

from __future__ import annotations

from typing import Any


def client_options() -> dict[str, Any]:
    """Keyword arguments for ``nbclient.NotebookClient``."""
    from traitlets.config import Config

    return {"config": Config({"KernelManager": {"transport_encryption": "auto"}})}
