"""Launch buttons that work or are not shown (paper_audit.present.sphinx_launch).

A tiny book built strictly (``-n -W``, Jupyter Book in this process) with the project's own repository and
launch settings shows no Binder, Colab, live-code or repository button, and
none of the Thebe configuration that points at sphinx-thebe's example
repository. The same book with the address confirmed shows them, Colab only
on the notebook that installs the package; an install cell the offline build
would run fails the build."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

from paper_audit import paths
from paper_audit.present import sphinx_launch
from tiny_book import build

# Jupyter Book's LaTeX extension, loaded in every build it makes, calls a docutils
# method that docutils marks for removal: its warning, not this project's.
pytestmark = pytest.mark.filterwarnings("ignore:nodes.Node.traverse:PendingDeprecationWarning")

PROJECT = yaml.safe_load((paths.REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
REPOSITORY = PROJECT["repository"]["url"]
# An install cell (harmless here: it only prints), to see whether the build ran it.
INSTALL = 'print("installing the package")'
# What the theme writes for each button, and what sphinx-thebe writes for live code.
BUTTONS = {
    "Binder": "https://mybinder.org/v2/",
    "Colab": "https://colab.research.google.com/github/",
    "repository": "btn-source-repository-button",
    "live code": "initThebeSBT()",
}
HANDOUT = "notebooks/classroom/handout"
THEBE = ("text/x-thebe-config", "binder-examples", "sphinx-thebe.js", "THEBE_JS_URL", "kernelName =")


def test_the_project_states_one_unconfirmed_address():
    """The address is stated once; until it is confirmed, the buttons it would
    drive are off. The buttons the book wants once it is are declared."""
    assert REPOSITORY.startswith("https://github.com/")
    assert PROJECT["sphinx"]["config"][sphinx_launch.CONFIRMED] is False
    assert "paper_audit.present.sphinx_launch" in PROJECT["sphinx"]["extra_extensions"]
    assert PROJECT["launch_buttons"]["binderhub_url"] and PROJECT["launch_buttons"]["colab_url"]


def test_unconfirmed_address_derives_no_button():
    options = {
        "repository_url": REPOSITORY,
        "use_repository_button": True,
        "launch_buttons": dict(PROJECT["launch_buttons"]),
    }
    hidden = sphinx_launch.derive_buttons(options, confirmed=False)
    assert hidden["repository_url"] == "" and not hidden["use_repository_button"]
    assert not any(hidden["launch_buttons"].get(key) for key in sphinx_launch.PROVIDERS + ("thebe",))
    assert not sphinx_launch.live_code(hidden)
    shown = sphinx_launch.derive_buttons(options, confirmed=True)
    assert shown == options and sphinx_launch.live_code(shown) is (PROJECT["launch_buttons"].get("thebe") is True)
    # Confirmed, but no address: still nothing.
    empty = sphinx_launch.derive_buttons({**options, "repository_url": ""}, confirmed=True)
    assert empty["launch_buttons"]["thebe"] is False and not empty["use_repository_button"]


def notebook(cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nb.cells = cells
    return nb


def make_book(root: Path, confirmed: bool, install_tags=("install", "skip-execution")) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    config = {
        "title": "tiny",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "force", "timeout": 120},
        "repository": PROJECT["repository"],
        "html": {k: v for k, v in PROJECT["html"].items() if k.startswith("use_")},
        "launch_buttons": PROJECT["launch_buttons"],
        "sphinx": {
            "recursive_update": True,
            "extra_extensions": ["paper_audit.present.sphinx_launch", "paper_audit.classroom.sphinx_classroom"],
            "config": {sphinx_launch.CONFIRMED: confirmed, "nb_execution_raise_on_error": True},
        },
    }
    (root / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    toc = {"format": "jb-book", "root": "chapter", "chapters": [{"file": "installing"}, {"file": HANDOUT}]}
    (root / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    plain = notebook([nbformat.v4.new_markdown_cell("# Chapter"), nbformat.v4.new_code_cell("print(1 + 1)")])
    nbformat.write(plain, root / "chapter.ipynb")
    # A classroom page: its buttons open the hand-out (with its install cell) on the student branch.
    (root / HANDOUT).parent.mkdir(parents=True)
    nbformat.write(notebook([nbformat.v4.new_markdown_cell("# Hand-out")]), root / f"{HANDOUT}.ipynb")
    installing = notebook(
        [
            nbformat.v4.new_markdown_cell("# Installing"),
            nbformat.v4.new_code_cell(INSTALL, metadata={"tags": list(install_tags)}),
            nbformat.v4.new_code_cell("print(2 + 2)"),
        ]
    )
    nbformat.write(installing, root / "installing.ipynb")
    return root


def pages(root: Path) -> dict[str, str]:
    html = root / "_build" / "html"
    return {name: (html / f"{name}.html").read_text(encoding="utf-8") for name in ("chapter", "installing", HANDOUT)}


@pytest.mark.build
def test_no_button_leads_to_an_unconfirmed_address(tmp_path):
    root = make_book(tmp_path / "book", confirmed=False)
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for name, page in pages(root).items():
        shown = [button for button, mark in BUTTONS.items() if mark in page]
        assert not shown, f"{name}.html offers {shown}"
        assert REPOSITORY not in page and "dropdown-launch-buttons" not in page, name
        assert not [mark for mark in THEBE if mark in page], f"{name}.html still configures live code"
        assert "_sources/" in page, f"{name}.html lost its download button"


@pytest.mark.build
def test_a_confirmed_address_shows_the_buttons(tmp_path):
    root = make_book(tmp_path / "book", confirmed=True)
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    found = pages(root)
    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    for name, page in found.items():
        for button in ("Binder", "repository", "live code"):
            assert BUTTONS[button] in page, f"{name}.html has no {button} button"
        assert f"https://mybinder.org/v2/gh/{owner_repo}/" in page and f'href="{REPOSITORY}"' in page
        assert f'repo: "{owner_repo}"' in page, "live code does not start from the book's repository"
    # Colab starts from the notebook alone: only the one that installs the package offers it,
    # and the classroom page, whose button opens the hand-out on the student branch.
    assert BUTTONS["Colab"] + f"{owner_repo}/blob/main/installing.ipynb" in found["installing"]
    assert BUTTONS["Colab"] not in found["chapter"]
    assert BUTTONS["Colab"] + f"{owner_repo}/blob/student/{HANDOUT}.ipynb" in found[HANDOUT]
    # The install cell did not run in the build.
    executed = json.loads((root / "_build" / "jupyter_execute" / "installing.ipynb").read_text(encoding="utf-8"))
    assert not executed["cells"][1].get("outputs"), "the build ran the install cell"


@pytest.mark.build
def test_an_install_cell_the_build_would_run_fails_the_build(tmp_path):
    root = make_book(tmp_path / "book", confirmed=False, install_tags=("install",))
    result = build(root)
    assert result.returncode != 0
    said = result.stdout + result.stderr
    assert "installing.ipynb: cell 2 is an install cell" in said and "skip-execution" in said, said[-3000:]


def test_install_cells_are_found_by_their_tag(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(
        notebook(
            [
                nbformat.v4.new_markdown_cell(textwrap.dedent("# Title")),
                nbformat.v4.new_code_cell(INSTALL, metadata={"tags": ["install", "skip-execution", "remove-input"]}),
                nbformat.v4.new_code_cell("1", metadata={"tags": ["remove-input"]}),
            ]
        ),
        path,
    )
    assert sphinx_launch.install_cells(path) == [(2, ["install", "skip-execution", "remove-input"])]
    assert sphinx_launch.install_cells(tmp_path / "page.md") == []
