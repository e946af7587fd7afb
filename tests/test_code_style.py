"""The notebooks' code a reader sees fits the text column: every notebook is
formatted by ruff (through nbQA) at the line length of notebooks/ruff.toml,
and no line of a visible code cell is longer than that, strings included
(ruff does not break them)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest

from paper_audit import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.rglob("*.ipynb"))
CONFIG = paths.NOTEBOOKS_DIR / "ruff.toml"
HIDDEN = {"remove-input", "remove-cell"}  # hide-input code is still shown on request


def line_length() -> int:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))["line-length"]


def test_the_line_length_fits_the_column():
    # About 70 characters of the theme's code font fit the column at 1280 px.
    assert line_length() <= 70


def test_notebooks_are_formatted_by_ruff():
    result = subprocess.run(
        [sys.executable, "-m", "nbqa", "ruff format", str(paths.NOTEBOOKS_DIR), "--check"],
        capture_output=True,
        text=True,
        cwd=paths.REPO_ROOT,
        timeout=300,
    )
    assert result.returncode == 0, (
        'notebooks not formatted; run: .venv/bin/nbqa "ruff format" notebooks\n'
        + result.stdout[-3000:]
        + result.stderr[-2000:]
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(paths.NOTEBOOKS_DIR)))
def test_visible_code_fits_the_column(notebook):
    limit = line_length()
    long = []
    for number, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8"))["cells"], start=1):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "code" or tags & HIDDEN:
            continue
        for line in "".join(cell["source"]).splitlines():
            if len(line) > limit:
                long.append(f"cell {number}: {len(line)} characters: {line[:60]}…")
    assert not long, f"{notebook.name}: visible code wider than {limit} characters:\n  " + "\n  ".join(long)
