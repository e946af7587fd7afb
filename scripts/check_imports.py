"""The package's import hygiene, beyond what import-linter's layers check:

* no import cycle between modules (a strongly connected component of the import
  graph with more than one module), imports inside functions included;
* no module longer than 500 lines;
* every import made inside a function says why it is there: a comment containing
  ``deferred`` on its line or the line above (e.g. ``# deferred: pandas is slow
  to import`` or ``# deferred: ...would be a cycle``).

The graph is grimp's, which counts the imports made inside functions as well as
those at the top of a module. Prints what it finds; exits 1 on any cycle or any
module over the limit (an undeclared function-level import is printed and
checked by tests/test_architecture.py, but does not change the exit status).

    .venv/bin/python scripts/check_imports.py
    .venv/bin/python scripts/check_imports.py --package other --path /tmp/where
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import io
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import grimp

PACKAGE = "paper_audit"
MAX_LINES = 500
MARK = "deferred"


@dataclass(frozen=True)
class FunctionImport:
    module: str
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text} (in {self.module}, inside a function, no '# {MARK}' comment)"


def build_graph(package: str = PACKAGE) -> grimp.ImportGraph:
    # cache_dir=None: grimp would otherwise write .grimp_cache into the working folder.
    return grimp.build_graph(package, include_external_packages=False, cache_dir=None)


def module_paths(package: str = PACKAGE, graph: grimp.ImportGraph | None = None) -> dict[str, Path]:
    """Every module of the package and its file, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{package}: not an importable package")
    root = Path(next(iter(spec.submodule_search_locations)))
    graph = graph or build_graph(package)
    paths = {}
    for module in graph.modules:
        relative = Path(*module.split(".")[1:])
        package_init = root / relative / "__init__.py"
        paths[module] = package_init if package_init.exists() else (root / relative).with_suffix(".py")
    return paths


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (no recursion limit), over ``edges[a] = {b, ...}``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(edges.get(succ, ())))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every group of modules that import each other, directly or through others."""
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    return sorted(c for c in strongly_connected(edges) if len(c) > 1)


def describe_cycle(graph: grimp.ImportGraph, component: list[str]) -> list[str]:
    """The imports inside one cycle, with the line of each."""
    members = set(component)
    lines = []
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(f"{importer} -> {imported} (l.{detail['line_number']}: {detail['line_contents']})")
    return lines


def long_modules(paths: dict[str, Path], limit: int = MAX_LINES) -> list[tuple[str, int]]:
    counts = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in paths.items()}
    return sorted((m, n) for m, n in counts.items() if n > limit)


def _comment_lines(text: str) -> set[int]:
    """The lines holding a comment that contains the mark (tokens, so never a string)."""
    found = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT and MARK in token.string.lower():
            found.add(token.start[0])
    return found


def function_imports(path: Path, module: str) -> list[FunctionImport]:
    """The imports inside a function body (at any depth) with no 'deferred' comment
    on any of their lines or on the line above."""
    text = path.read_text(encoding="utf-8")
    marked = _comment_lines(text)
    source_lines = text.splitlines()
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) and in_function:
                span = set(range(child.lineno - 1, (child.end_lineno or child.lineno) + 1))
                if not span & marked:
                    found.append(FunctionImport(module, path, child.lineno, source_lines[child.lineno - 1].strip()))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(ast.parse(text, filename=str(path)), False)
    return found


def undeclared_function_imports(paths: dict[str, Path]) -> list[FunctionImport]:
    return [found for module, path in sorted(paths.items()) for found in function_imports(path, module)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", default=PACKAGE, help=f"the package to check (default {PACKAGE})")
    parser.add_argument("--path", help="a folder to put first on sys.path (where that package lives)")
    parser.add_argument("--max-lines", type=int, default=MAX_LINES)
    args = parser.parse_args(argv)
    if args.path:
        sys.path.insert(0, args.path)

    graph = build_graph(args.package)
    paths = module_paths(args.package, graph)
    found_cycles = cycles(graph)
    too_long = long_modules(paths, args.max_lines)
    undeclared = undeclared_function_imports(paths)

    print(f"{args.package}: {len(paths)} modules")
    print(f"import cycles: {len(found_cycles)}")
    for number, component in enumerate(found_cycles, start=1):
        print(f"  cycle {number}: {', '.join(component)}")
        for line in describe_cycle(graph, component):
            print(f"    {line}")
    print(f"modules over {args.max_lines} lines: {len(too_long)}")
    for module, count in too_long:
        print(f"  {paths[module]}: {count} lines ({module})")
    print(f"imports inside a function without a '# {MARK}' comment: {len(undeclared)}")
    for found in undeclared:
        print(f"  {found}")
    return 1 if found_cycles or too_long else 0


if __name__ == "__main__":
    sys.exit(main())
