"""Launch buttons that work, or none: Binder, Colab, live code and the
repository button follow from the one repository address of ``_config.yml``.

``repository.url`` is the one place the book's public address is stated, and
``sphinx.config.audit_repository_confirmed`` says whether it is confirmed.
While it is not (or the address is empty), this extension turns off every
button that would lead to it: the repository, issues and edit buttons,
Binder, Colab, JupyterHub, Deepnote, JupyterLite and live code (Thebe); and it
drops the Thebe configuration sphinx-thebe writes into every page, which
would otherwise point at its default example repository. Once the address is
confirmed, the buttons ``_config.yml`` asks for are shown, with two rules:

* Colab starts from the notebook alone (nothing of the repository is
  installed), so a page offers Colab on its own notebook only when that
  notebook has an install cell: a code cell tagged ``install``. A Colab
  button that another extension pointed at another branch (the classroom's
  hand-outs, which the student bundle starts with an install cell) is left
  as it is;
* an install cell never runs during the offline build: it must also be
  tagged ``skip-execution`` (nbclient's tag for cells it does not run,
  whichever way the book executes its notebooks), or the strict build fails.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

INSTALL_TAG = "install"
SKIP_TAG = "skip-execution"  # nbclient's NotebookClient.skip_cells_with_tag
# The launch providers sphinx-book-theme offers, by their key under launch_buttons.
PROVIDERS = ("binderhub_url", "colab_url", "jupyterhub_url", "deepnote_url", "jupyterlite_url")
# The header buttons that link to the repository itself.
REPOSITORY_BUTTONS = ("use_repository_button", "use_issues_button", "use_edit_page_button")
THEBE_FILES = ("sphinx-thebe.js", "sphinx-thebe.css")
# The Sphinx setting (sphinx.config in _config.yml) that confirms repository.url.
CONFIRMED = "audit_repository_confirmed"


def derive_buttons(options: dict, confirmed: bool) -> dict:
    """The theme options with the buttons the repository address allows: as
    asked once the address is confirmed, else none that leads to it."""
    derived = dict(options)
    if confirmed and str(derived.get("repository_url") or "").strip():
        return derived
    derived["repository_url"] = ""
    for key in REPOSITORY_BUTTONS:
        derived[key] = False
    launch = dict(derived.get("launch_buttons") or {})
    for key in PROVIDERS:
        if key in launch:
            launch[key] = ""
    launch["thebe"] = False
    derived["launch_buttons"] = launch
    return derived


def live_code(options: dict) -> bool:
    """Whether the pages offer live code (after ``derive_buttons``)."""
    return bool(options.get("repository_url")) and (options.get("launch_buttons") or {}).get("thebe") is True


def install_cells(path: Path) -> list[tuple[int, list[str]]]:
    """(number, tags) of the notebook's install cells, numbered from 1; none
    when ``path`` is not a notebook."""
    if path.suffix != ".ipynb" or not path.is_file():
        return []
    notebook = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        tags = list(cell.get("metadata", {}).get("tags", []))
        if cell.get("cell_type") == "code" and INSTALL_TAG in tags:
            found.append((number, tags))
    return found


def _configure(app, config) -> None:
    config.html_theme_options = derive_buttons(config.html_theme_options or {}, config[CONFIRMED] is True)


def _check_install_cells(app, doctree) -> None:
    docname = app.env.docname
    path = Path(app.env.doc2path(docname))
    for number, tags in install_cells(path):
        if SKIP_TAG not in tags:
            LOGGER.warning(
                f"{path}: cell {number} is an install cell (tagged {INSTALL_TAG!r}) but not tagged {SKIP_TAG!r}: "
                "the offline build would run it",
                location=docname,
            )


def _is_thebe_config(node) -> bool:
    text = node.astext()
    return "text/x-thebe-config" in text or text.startswith("<script>kernelName =")


def _drop_thebe_config(app, doctree, docname) -> None:
    # After sphinx-thebe has appended its configuration (default priority 500).
    if not live_code(app.config.html_theme_options):
        for node in list(doctree.findall(nodes.raw)):
            if _is_thebe_config(node):
                node.parent.remove(node)


def _thebe_file(asset) -> bool:
    return str(asset.filename or "").rsplit("/", 1)[-1] in THEBE_FILES


def _without(buttons: list, unwanted) -> list:
    kept = []
    for button in buttons:
        if isinstance(button, dict) and button.get("type") == "group":
            button["buttons"] = _without(button.get("buttons") or [], unwanted)
            if not button["buttons"]:
                continue
        elif unwanted(button):
            continue
        kept.append(button)
    return kept


def _page_buttons(app, pagename, templatename, context, doctree) -> None:
    options = app.config.html_theme_options
    if not live_code(options):
        context["script_files"] = [
            js
            for js in context.get("script_files", [])
            if not _thebe_file(js) and "THEBE_JS_URL" not in (js.attributes.get("body") or "")
        ]
        context["css_files"] = [css for css in context.get("css_files", []) if not _thebe_file(css)]
    colab = str((options.get("launch_buttons") or {}).get("colab_url") or "").rstrip("/")
    if not colab or pagename not in app.env.all_docs or "header_buttons" not in context:
        return
    # The branch sphinx-book-theme opens the page's own notebook on.
    own = f"/blob/{options.get('repository_branch') or 'master'}/"

    def opens_a_notebook_that_installs_nothing(button) -> bool:
        url = str(button.get("url", "")) if isinstance(button, dict) else ""
        return url.startswith(colab) and own in url

    if not install_cells(Path(app.env.doc2path(pagename))):
        context["header_buttons"] = _without(context["header_buttons"], opens_a_notebook_that_installs_nothing)


def setup(app):
    app.add_config_value(CONFIRMED, False, "html", types=[bool])
    # Before the themes read their options (config-inited, builder-inited).
    app.connect("config-inited", _configure, priority=100)
    app.connect("doctree-read", _check_install_cells)
    app.connect("doctree-resolved", _drop_thebe_config, priority=600)
    # After sphinx-book-theme adds the launch buttons (priority 501) and the
    # classroom points its pages' buttons at the hand-outs (600).
    app.connect("html-page-context", _page_buttons, priority=650)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
