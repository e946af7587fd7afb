"""The bundle's ``requirements.txt``: what the hand-outs need at run time,
derived from the code, never listed by hand.

Starting from the modules the hand-outs import, it follows the package's own
imports (at the top of each module and inside its functions) through every
module they reach, and collects the outside modules those import. Each is
mapped to the distribution that installs it (``importlib.metadata``); with
``ipykernel`` (the kernel that runs a notebook) and everything they require,
each is pinned as in the project's ``requirements.txt``. A module no
distribution provides is refused, naming the module that imports it: a
bundle that would fail on a student's machine is never written. The package's
source and the pins are a project's (``project=``, the current one by default).
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement

from paper_audit import paths
from paper_audit.errors import DataError

PACKAGE = "paper_audit"
# What runs the notebooks, imported by no module of the package.
KERNEL = ("ipykernel",)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imports_of(source: str, where: str) -> set[str]:
    """Every module ``source`` imports, at any depth of it: for ``from a import b``,
    both ``a`` and ``a.b`` (``b`` may be a module)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise DataError(f"{where}: cannot be read as Python ({error.msg}, line {error.lineno})") from None
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def notebook_imports(notebook, where: str) -> set[str]:
    """The modules a notebook's code cells import (IPython's ``%`` and ``!`` lines left out)."""
    found: set[str] = set()
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
            found |= imports_of(code, f"{where}, cell {number}")
    return found


def module_file(name: str, root: Path) -> Path | None:
    """The file of package module ``name`` under ``root`` (the folder holding the package)."""
    base = root.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def reached(start: set[str], root: Path) -> tuple[set[str], dict[str, str]]:
    """(the package's modules reached from ``start``, outside top-level module ->
    a package module that imports it)."""
    modules: set[str] = set()
    outside: dict[str, str] = {}
    todo = sorted(start)
    while todo:
        name = todo.pop()
        top = name.split(".")[0]
        if top != PACKAGE:
            outside.setdefault(top, "a hand-out")
            continue
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):  # importing a.b.c runs a and a.b first
            module = ".".join(parts[:depth])
            path = module_file(module, root)
            if path is None or module in modules:
                continue
            modules.add(module)
            for imported in imports_of(path.read_text(encoding="utf-8"), str(path)):
                if imported.split(".")[0] == PACKAGE:
                    todo.append(imported)
                else:
                    outside.setdefault(imported.split(".")[0], module)
    return modules, outside


def distributions(outside: dict[str, str]) -> set[str]:
    """The distributions that install the outside modules (the standard library needs none)."""
    providers = importlib.metadata.packages_distributions()
    found = set()
    for module, importer in sorted(outside.items()):
        if module in sys.stdlib_module_names or module == "__future__":
            continue
        if module not in providers:
            raise DataError(f"{importer} imports {module!r}, which no installed distribution provides")
        found |= {canonical(name) for name in providers[module]}
    return found


def project_pins(project: paths.Project | None = None) -> dict[str, str]:
    """Distribution -> its line of ``project``'s requirements.txt (the current project's by default)."""
    pins = {}
    for line in (paths.resolve(project).root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            pins[canonical(line.split("==")[0].strip())] = line.strip()
    return pins


def closure(names: set[str], pins: dict[str, str]) -> list[str]:
    """The pins of ``names`` and of everything they require (from the installed metadata)."""
    needed: set[str] = set()
    todo = sorted(names)
    while todo:
        name = canonical(todo.pop())
        if name in needed:
            continue
        if name not in pins:
            raise DataError(f"requirements.txt: {name!r}, which the hand-outs need, is not pinned there")
        needed.add(name)
        for text in importlib.metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return [pins[name] for name in sorted(needed)]


@functools.lru_cache(maxsize=8)
def _pins(start: frozenset[str], project: paths.Project) -> tuple[str, ...]:
    """Keyed on the project too: its source (src/) and its requirements.txt are read."""
    _, outside = reached(set(start), project.root / "src")
    return tuple(closure(distributions(outside) | set(KERNEL), project_pins(project)))


def runtime_pins(notebooks: dict[str, object], project: paths.Project | None = None) -> list[str]:
    """The lines of the bundle's requirements.txt for these hand-outs (name -> notebook),
    from ``project``'s source and pins (the current project's by default)."""
    start: set[str] = set()
    for name, notebook in notebooks.items():
        start |= notebook_imports(notebook, name)
    return list(_pins(frozenset(start), paths.resolve(project)))
