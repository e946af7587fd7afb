"""The two ways the tests build a tiny book of their own, both in this
process: ``build``, strictly as the project's build does (``jupyter-book
build -n -W --keep-going``: Jupyter Book's own translation of _config.yml and
_toc.yml, and its own call of Sphinx, with execution as _config.yml says), and
``build_in_process``, with Sphinx's own test application (myst-nb, no
execution), for the tests of one extension."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from jupyter_book.sphinx import build_sphinx
from sphinx.testing.util import SphinxTestApp


@dataclass
class Built:
    """What a build of a tiny book gave: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def build(root: Path) -> Built:
    """``jupyter-book build ROOT -n -W --keep-going``, as its command line calls
    Sphinx (jupyter_book.cli.main), into ROOT/_build/html."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        result = build_sphinx(
            root,
            root / "_build" / "html",
            use_external_toc=True,
            noconfig=True,
            path_config=str(root / "_config.yml"),
            confoverrides={
                "external_toc_path": (root / "_toc.yml").as_posix(),
                "latex_individualpages": False,
                "nitpicky": True,
            },
            builder="html",
            warningiserror=True,
            keep_going=True,
            freshenv=False,
            verbosity=0,
            quiet=True,
            really_quiet=False,
        )
    if isinstance(result, BaseException):  # what the command line would print before exiting with 1
        return Built(1, out.getvalue(), err.getvalue() + f"{type(result).__name__}: {result}")
    return Built(int(result), out.getvalue(), err.getvalue())


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
