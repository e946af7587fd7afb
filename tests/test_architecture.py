"""The code's shape, checked by maintained tools: ruff finds nothing in the
package, tests, benchmarks and scripts (ruff.toml); import-linter's contracts
hold (.importlinter: the subpackages' layers, the base modules below them all);
and scripts/check_imports.py finds no import cycle, no module over 500 lines,
and no import inside a function without a comment saying it is deferred.

The tools are the pinned ones in the virtualenv running the tests (the folder of
``sys.executable``), run from the repository root."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from paper_audit import paths

REPO_ROOT = paths.REPO_ROOT
BIN = Path(sys.executable).parent
LINTED = ["src", "tests", "bench", "scripts"]
CHECKER = REPO_ROOT / "scripts" / "check_imports.py"


def load_checker():
    spec = importlib.util.spec_from_file_location("check_imports", CHECKER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


checker = load_checker()


def run_tool(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)


def test_ruff_finds_nothing():
    result = run_tool(str(BIN / "ruff"), "check", "--no-cache", "--output-format", "concise", *LINTED)
    assert result.returncode == 0, (
        f"ruff check {' '.join(LINTED)} (ruff.toml) found problems:\n" + result.stdout + result.stderr
    )


def test_the_code_is_formatted_by_ruff():
    """One layout for every file (``.venv/bin/ruff format src tests bench scripts`` fixes it)."""
    result = run_tool(str(BIN / "ruff"), "format", "--check", "--no-cache", *LINTED)
    assert result.returncode == 0, "ruff format would change:\n" + result.stdout + result.stderr


def test_the_layers_hold():
    result = run_tool(str(BIN / "lint-imports"), "--no-cache", "--no-logo")
    assert result.returncode == 0, (
        "lint-imports (.importlinter) found broken contracts:\n" + result.stdout + result.stderr
    )


# --- scripts/check_imports.py over the package -------------------------------


@pytest.fixture(scope="module")
def graph():
    return checker.build_graph()


@pytest.fixture(scope="module")
def module_files(graph):
    return checker.module_paths(graph=graph)


def test_no_import_cycle(graph):
    found = checker.cycles(graph)
    described = [
        "cycle: " + ", ".join(component) + "\n  " + "\n  ".join(checker.describe_cycle(graph, component))
        for component in found
    ]
    assert not found, "modules that import each other (imports inside functions count):\n" + "\n".join(described)


def test_no_module_over_500_lines(module_files):
    too_long = checker.long_modules(module_files, 500)
    assert not too_long, "modules over 500 lines:\n" + "\n".join(f"  {m}: {n} lines" for m, n in too_long)


def test_every_import_inside_a_function_says_it_is_deferred(module_files):
    undeclared = checker.undeclared_function_imports(module_files)
    assert not undeclared, (
        "imports inside a function need a comment containing 'deferred' (why not at the top?) on their line "
        "or the line above:\n" + "\n".join(f"  {found}" for found in undeclared)
    )


# --- the checker itself, on a throwaway package ------------------------------


def write_package(root: Path, files: dict[str, str]) -> str:
    name = f"demo_{uuid.uuid4().hex[:8]}"
    for relative, text in {"__init__.py": "", **files}.items():
        target = root / name / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).replace("PKG", name), encoding="utf-8")
    return name


def run_checker(root: Path, name: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECKER), "--package", name, "--path", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_checker_finds_a_cycle_a_long_module_and_an_undeclared_import(tmp_path):
    name = write_package(
        tmp_path,
        {
            "a.py": "from PKG import b\n",
            # The cycle closes through an import inside a function: it still counts.
            "b.py": "def f():\n    from PKG import a  # deferred: would be a cycle at import time\n    return a\n",
            "long.py": "X = 1\n" * 501,
            "sub/__init__.py": "",
            "sub/late.py": "def f():\n    import json\n\n    return json\n",
            "noted.py": "def f():\n    # deferred: slow to import\n    import json\n\n    return json\n",
            "noted_inline.py": "class K:\n    def m(self):\n        import json  # Deferred: slow\n\n        return "
            "json\n",
        },
    )
    result = run_checker(tmp_path, name)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert f"cycle 1: {name}.a, {name}.b\n" in out and "import cycles: 1\n" in out, out
    assert f"long.py: 501 lines ({name}.long)" in out and "modules over 500 lines: 1\n" in out, out
    assert "without a '# deferred' comment: 1\n" in out and "late.py:2: import json" in out, out


def test_the_checker_passes_a_clean_package(tmp_path):
    name = write_package(
        tmp_path,
        {
            "a.py": "from PKG import b\n",
            "b.py": "X = 1\n" * 500,
            "c.py": "def f():\n    # deferred: slow to import\n    from PKG import a\n\n    return a\n",
        },
    )
    result = run_checker(tmp_path, name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "import cycles: 0" in result.stdout and "modules over 500 lines: 0" in result.stdout, result.stdout


def test_tarjan_finds_every_component():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": {"f"}, "g": set()}
    components = sorted(checker.strongly_connected(edges))
    assert components == [["a", "b", "c"], ["d", "e"], ["f"], ["g"]]
    # Deep chains do not hit the recursion limit.
    chain = {str(i): {str(i + 1)} for i in range(5000)} | {"5000": {"0"}}
    assert [len(c) for c in checker.strongly_connected(chain)] == [5001]
