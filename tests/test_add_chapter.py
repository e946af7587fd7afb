"""``paper-audit add-chapter`` edits, not rewrites: on a scratch copy of the
table of contents and the notebooks, it adds one entry to ``_toc.yml`` (every
other line and comment kept), and the chapter before the new one now leads to
it in its "What's next", while the new one leads to the chapter that followed."""

import difflib
import json
import os
import shutil
import subprocess
import sys

import pytest

from paper_audit import paths
from paper_audit.author import add_chapter

COMMENT = "# the chapters, in reading order (a maintainer's note the command must keep)\n"


@pytest.fixture
def scratch(tmp_path):
    """What the command reads and writes: the table of contents, the notebooks, the data."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(paths.REPO_ROOT / "data", root / "data")
    shutil.copytree(paths.REPO_ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_*"))
    toc = (paths.REPO_ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "  - caption: The audit\n" in toc
    (root / "_toc.yml").write_text(toc.replace("  - caption: The audit\n", COMMENT + "  - caption: The audit\n", 1))
    return root


def run(root, *args):
    env = dict(os.environ, PAPER_AUDIT_ROOT=str(root), PAPER_AUDIT_OUTPUT_DIR=str(root / "_build" / "generated"))
    result = subprocess.run(
        [sys.executable, "-m", "paper_audit.cli", "add-chapter", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def whats_next(notebook) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    sections = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    found = [s.split(add_chapter.WHATS_NEXT, 1)[1] for s in sections if add_chapter.WHATS_NEXT in s]
    assert len(found) == 1, f"{notebook.name}: {len(found)} What's next sections"
    return found[0]


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize(
    "after, previous, following",
    [(None, "chronology", "scenarios"), ("war_damage", "war_damage", "aid_overview")],
    ids=["default place", "after war_damage"],
)
def test_add_chapter_adds_one_entry_and_relinks_whats_next(scratch, after, previous, following):
    toc_before = (scratch / "_toc.yml").read_text(encoding="utf-8")
    notebooks = {p.name: p.read_bytes() for p in (scratch / "notebooks").glob("*.ipynb")}
    run(scratch, "aid_1954_1957", "--title", "Aid from 1954 to 1957", *(["--after", after] if after else []))

    toc_after = (scratch / "_toc.yml").read_text(encoding="utf-8")
    assert changed_lines(toc_before, toc_after) == ["+      - file: notebooks/aid_1954_1957"]
    assert COMMENT in toc_after
    lines = toc_after.splitlines()
    at = lines.index("      - file: notebooks/aid_1954_1957")
    assert (
        lines[at - 1] == f"      - file: notebooks/{previous}"
        and lines[at + 1] == f"      - file: notebooks/{following}"
    )

    assert "[Aid from 1954 to 1957](aid_1954_1957.ipynb)" in whats_next(scratch / "notebooks" / f"{previous}.ipynb")
    assert f"]({following}.ipynb)" in whats_next(scratch / "notebooks" / "aid_1954_1957.ipynb")
    # Of the book's notebooks, only the previous chapter changed, and in its What's next only.
    changed = {name for name, data in notebooks.items() if (scratch / "notebooks" / name).read_bytes() != data}
    assert changed == {f"{previous}.ipynb"}
    old_cells = json.loads(notebooks[f"{previous}.ipynb"])["cells"]
    new_cells = json.loads((scratch / "notebooks" / f"{previous}.ipynb").read_text(encoding="utf-8"))["cells"]
    assert len(old_cells) == len(new_cells)
    edited = [(o, n) for o, n in zip(old_cells, new_cells, strict=True) if o != n]
    assert len(edited) == 1, f"{len(edited)} cells of {previous} changed"
    (old_cell, new_cell) = edited[0]
    head = "".join(old_cell["source"]).split(add_chapter.WHATS_NEXT)[0]
    assert "".join(new_cell["source"]).split(add_chapter.WHATS_NEXT)[0] == head


def test_add_chapter_help_is_whole_sentences(capsys):
    with pytest.raises(SystemExit) as done:
        add_chapter.main(["--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "a new chapter from the chapter skeleton, with no Python to write." in text
    assert "its own at the chapter that now follows it" in text
