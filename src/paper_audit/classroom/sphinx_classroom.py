"""Launch buttons of the classroom pages open the hand-outs, not the solutions.

Jupyter Book's Binder and Colab buttons open the page's own notebook on the
repository's branch: for an assignment, the instructor's copy with every
solution. The student bundle (``paper-audit student``) keeps the same path,
``notebooks/classroom/<name>.ipynb``; published as the branch named by
``classroom_handout_branch`` (default ``student``), it is what the buttons of
the classroom pages open instead.
"""

from __future__ import annotations

CLASSROOM_PREFIX = "notebooks/classroom/"


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


def setup(app):
    app.add_config_value("classroom_handout_branch", "student", "html")
    # After sphinx-book-theme adds the launch buttons (priority 501).
    app.connect("html-page-context", _handout_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
