"""How the project executes notebooks: the build, reruns and grading all pass
``client_options()`` to nbclient's ``NotebookClient`` (directly, through
jupyter-cache, or through papermill), so every notebook runs the same way.

* Streams are merged exactly. A kernel sends what a cell prints in as many
  stream messages as its flush timer happens to cut, which depends on how busy
  the machine is. nbclient's ``coalesce_streams`` joins a cell's messages into
  one output by plain concatenation, so the same cell gives the same output on
  every run. (myst-nb's own ``nb_merge_streams`` is no substitute: it strips
  each piece before joining, so a cut just before a newline changes the text.)
* The kernel's transport is encrypted. ipykernel 7 warns on stderr, once per
  kernel, that its messages travel over TCP in plain text; the kernel manager
  provisions CurveZMQ keys instead, which the pinned ipykernel's kernelspec
  declares it supports, so the warning has no cause. ("auto", not "required":
  a kernel that cannot encrypt still starts, and its warning still shows.)
"""

from __future__ import annotations

from typing import Any

from traitlets.config import Config


def client_options() -> dict[str, Any]:
    """Keyword arguments for ``nbclient.NotebookClient``."""
    return {
        "coalesce_streams": True,
        "config": Config({"KernelManager": {"transport_encryption": "auto"}}),
    }
