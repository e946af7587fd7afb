"""The two ways the tests build a tiny book of their own: ``build``, strictly
as the project's build does (``-n -W --keep-going``, jupyter-book in a
subprocess, with a time limit), and ``build_in_process``, with Sphinx's own
test application in this process (myst-nb, no execution), for the tests of
one extension."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from sphinx.testing.util import SphinxTestApp


def build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "-n", "-W", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=root,
    )


def build_in_process(root: Path, extension: str, **settings) -> tuple[Path, str]:
    """The HTML folder and the warnings of a build of ``root`` with myst-nb
    (stored outputs, no kernel) and the extension under test; ``settings``
    are further configuration values."""
    warnings = io.StringIO()
    app = SphinxTestApp(
        "html",
        srcdir=root,
        confoverrides={"extensions": ["myst_nb", extension], "nb_execution_mode": "off", **settings},
        status=io.StringIO(),
        warning=warnings,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir), warnings.getvalue()
