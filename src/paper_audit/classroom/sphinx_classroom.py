"""The classroom pages of the book: no solution in the public edition, and
launch buttons that open the hand-outs.

* Solutions. The public book (``make book``) shows each assignment without
  its solutions: every ``{solution}`` (gated or not) and every cell tagged
  ``solution`` is taken out of the page when it is read, so neither the page,
  nor the search index, nor the page's downloadable source (rewritten with
  ``solutions.strip_solutions`` when the build finishes) holds one. The
  instructor's edition (``make instructor-book``, into
  ``_build/instructor/html``) keeps them, folded under their exercises:
  ``classroom_solutions`` is true there, which the environment variable
  ``PAPER_AUDIT_EDITION=instructor`` sets.
* Launch buttons. Jupyter Book's Binder and Colab buttons open the page's own
  notebook on the repository's branch: for an assignment, the instructor's
  copy with every solution. The student bundle (``paper-audit student``)
  keeps the same path, ``notebooks/classroom/<name>.ipynb``; published as the
  branch named by ``classroom_handout_branch`` (default ``student``), it is
  what the buttons of the classroom pages open instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from docutils import nodes

from paper_audit.classroom.solutions import strip_solutions

CLASSROOM_PREFIX = "notebooks/classroom/"
EDITION_ENV = "PAPER_AUDIT_EDITION"
SOLUTION_NODE = "solution_node"  # sphinx-exercise's node class, gated solutions merged into it
SOLUTION_CLASS = "tag_solution"  # myst-nb's class for a cell tagged "solution"


def _retarget(buttons, branch: str, main: str) -> None:
    for button in buttons or []:
        if isinstance(button, dict):
            url = button.get("url")
            if isinstance(url, str):
                button["url"] = url.replace(f"/{main}?urlpath=", f"/{branch}?urlpath=").replace(
                    f"/blob/{main}/", f"/blob/{branch}/"
                )
            _retarget(button.get("buttons"), branch, main)


def _handout_buttons(app, pagename, templatename, context, doctree):
    if pagename.startswith(CLASSROOM_PREFIX):
        main = app.config.html_theme_options.get("repository_branch") or "main"
        _retarget(context.get("header_buttons"), app.config.classroom_handout_branch, main)


def _is_solution(node) -> bool:
    return type(node).__name__ == SOLUTION_NODE or (
        isinstance(node, nodes.Element) and SOLUTION_CLASS in node.get("classes", [])
    )


def remove_solutions(doctree) -> int:
    """Take every solution out of ``doctree``; return how many were taken."""
    found = [node for node in doctree.findall(_is_solution)]
    outermost = [node for node in found if not any(_is_solution(parent) for parent in _ancestors(node))]
    for node in outermost:
        node.parent.remove(node)
    return len(outermost)


def _ancestors(node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _hide_solutions(app, doctree):
    # After sphinx-exercise's own doctree-read (priority 500), which records its nodes.
    if not app.config.classroom_solutions and app.env.docname.startswith(CLASSROOM_PREFIX):
        remove_solutions(doctree)


def _strip_sources(app, exception):
    """Rewrite the classroom pages' downloadable sources without their solutions."""
    if exception is not None or app.config.classroom_solutions or app.builder.format != "html":
        return
    sources = Path(app.outdir) / "_sources" / CLASSROOM_PREFIX
    for path in sorted(sources.glob("*.ipynb*")) if sources.is_dir() else []:
        notebook = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        path.write_text(nbformat.writes(strip_solutions(notebook, name=path.name)), encoding="utf-8")


def setup(app):
    app.add_config_value("classroom_handout_branch", "student", "html")
    app.add_config_value("classroom_solutions", os.environ.get(EDITION_ENV) == "instructor", "env")
    app.connect("doctree-read", _hide_solutions, priority=900)
    # After sphinx-book-theme adds the launch buttons (priority 501).
    app.connect("html-page-context", _handout_buttons, priority=600)
    app.connect("build-finished", _strip_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
