"""Build the book strictly and atomically: ``python -m paper_audit.run.build``.

The book is built into a temporary folder with ``jupyter-book build -n -W
--keep-going`` and moved to ``_build/html`` only when the build succeeded, so a
failed build leaves the last good book in place.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution

from paper_audit import kernels, offline, paths
from paper_audit.errors import DataError
from paper_audit.run import preflight
from paper_audit.run.links import broken_links
from paper_audit.tables import fingerprints
from paper_audit.tables.toc import toc_notebooks

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def execution_failure(path: Path, root: Path, executed, error) -> str:
    """One line for a notebook whose execution failed: its path, the number and
    first line of the cell that raised (the cell with an error output), and the
    exception, as nbclient reported it."""
    line = f"notebook {path.relative_to(root)} failed while executing"
    for number, cell in enumerate(executed.cells, start=1):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if cell.cell_type == "code" and errors:
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            return line + f": cell {number} ({first[:60]!r}) raised {errors[0]['ename']}: {errors[0]['evalue']}"
    # A cell that timed out leaves no error output: say what nbclient said.
    return line + f": {type(error).__name__}: {str(error).strip().splitlines()[-1] if str(error).strip() else ''}"


def executed_notebooks(log: str, root: Path) -> list[str]:
    """The notebooks a build executed (ahead of Sphinx, or by Sphinx), read from its output."""
    names = set(re.findall(r"^  (\S+\.ipynb): [\d.]+ s$", log, flags=re.M))
    for path in re.findall(r"(\S+\.ipynb): Executing notebook", ANSI.sub("", log)):
        names.add(str(Path(path).relative_to(root)) if Path(path).is_absolute() else path)
    return sorted(names)


def read_config(root: Path) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


def cached_config(root: Path, work: Path, cache: Path) -> tuple[Path, dict]:
    """_config.yml as the maintainer wrote it, plus where the execution cache
    lives (kept beside the outputs the notebooks write).

    The mode stays the one _config.yml states (``cache``); the cache is reused
    only for notebooks whose recorded inputs are unchanged: ``invalidate``
    drops the others first, so no stale output reaches the book.
    """
    config = read_config(root)
    mode = config.get("execute", {}).get("execute_notebooks")
    if mode != "cache":
        raise DataError(
            f"{root / '_config.yml'}, execute.execute_notebooks: {mode!r}; the build keeps an "
            "execution cache and drops stale entries itself, so this must be 'cache'"
        )
    config["execute"]["cache"] = str(cache)
    target = work / "_config.yml"
    target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target, config


def in_project(uri: Path, root: Path, notebooks: list[Path]) -> Path | None:
    """The notebook of the project at ``root`` that a cache record stands for:
    its own path, or, for a cache copied or moved with its project, the
    notebook at the same place in this project (``notebooks``: its toc's)."""
    if root in uri.parents:
        return uri
    return next((n for n in notebooks if uri.as_posix().endswith("/" + n.relative_to(root).as_posix())), None)


def invalidate(cache: Path, root: Path) -> list[str]:
    """Drop every cached execution that could serve a stale output, and return
    the notebooks whose inputs changed (to re-execute).

    A record is kept only while it is the execution of a notebook of the book
    as it is now, and what that notebook read is unchanged. jupyter-cache
    keys a record on the code cells alone, so it would serve the record of an
    earlier version again if the code went back to it, with outputs of the
    data of that time: such records go too (silently: nothing re-executes for
    them). A cache copied or moved with its project keeps serving it.
    """
    if not cache.exists():
        return []
    fingerprints.reread()  # the data may have changed since this process last looked
    store = get_cache(str(cache))
    notebooks = toc_notebooks(root)
    current = {}  # each notebook's record for its code as it is now, if any
    for notebook in notebooks:
        try:
            current[notebook] = store.match_cache_notebook(nbformat.read(notebook, as_version=4)).pk
        except KeyError:
            pass
    dropped = []
    for record in store.list_cache_records():
        notebook = in_project(Path(record.uri), root, notebooks)
        try:
            earlier = notebook is None or current.get(notebook) != record.pk
            stale = earlier or fingerprints.is_stale(notebook)
        except (OSError, ValueError, KeyError):
            earlier = stale = True
        if stale:
            store.remove_cache(record.pk)
        if stale and not earlier:
            dropped.append(str(notebook.relative_to(root)))
    return dropped


def preexecute(root: Path, cache: Path | None, jobs: int, timeout: int) -> list[str]:
    """Execute, side by side, the notebooks the cache cannot serve, and cache them.

    Sphinx executes notebooks one at a time; doing it first, in parallel, lets
    Sphinx find every result in the cache. Returns one line per notebook that
    failed (``execution_failure``): such a notebook is not cached, and the
    build stops before Sphinx. Without a cache (another book, as the tests
    make, which Sphinx then executes as its _config.yml says), every notebook
    runs here once only to find a failing cell before Sphinx does.
    """
    store = get_cache(str(cache)) if cache is not None else None
    todo = []
    for path in toc_notebooks(root):
        notebook = nbformat.read(path, as_version=4)
        try:
            if store is None:
                raise KeyError(path)
            store.match_cache_notebook(notebook)
        except KeyError:
            todo.append((path, notebook))
    if not todo:
        return []
    print(f"Executing {len(todo)} notebook(s), {jobs} at a time: " + ", ".join(p.stem for p, _ in todo), flush=True)

    def run(item):
        path, notebook = item
        return (
            path,
            notebook,
            single_nb_execution(
                notebook,
                cwd=str(path.parent),
                timeout=timeout,
                allow_errors=False,
                meta_override=True,
                **kernels.client_options(),
            ),
        )

    failures = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for path, notebook, result in pool.map(run, todo):
            if result.err is None and store is not None:
                store.cache_notebook_bundle(
                    CacheBundleIn(notebook, str(path), data={"execution_seconds": result.time}),
                    check_validity=False,
                    overwrite=True,
                )
                print(f"  {path.relative_to(root)}: {result.time:.1f} s", flush=True)
            elif result.err is not None:
                print(f"  {path.relative_to(root)}: failed ({type(result.err).__name__})", flush=True)
                failures.append(execution_failure(path, root, result.nb, result.err))
    return failures


def build(
    root: Path, html_dir: Path, downloads: list[Path] = (), cache: Path | None = None, fresh: bool = False
) -> int:
    """Build the book at ``root`` into ``html_dir``; return the exit status.

    With ``cache``, notebooks execute here (``preexecute``) into that cache,
    reused while their inputs are unchanged; ``fresh`` uses an empty cache of
    this build's own instead, so every notebook executes the same way.
    Without either (another book, as the tests make), Sphinx executes as its
    _config.yml says, after a first run here that stops the build at a failing
    cell with nbclient's own report.
    """
    html_dir.parent.mkdir(parents=True, exist_ok=True)
    # Every kernel, started here or by Sphinx, inherits this: offline, and quiet.
    os.environ.update(PAPER_AUDIT_OFFLINE="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=html_dir.parent))
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(root),
        "--path-output",
        str(work),
        "-n",
        "-W",
        "--keep-going",
    ]
    if fresh:
        cache = work / "jupyter_cache"
    try:
        if cache is not None:
            config_path, config = cached_config(root, work, cache)
            dropped = invalidate(cache, root)
            if dropped:
                print("Inputs changed, re-executing: " + ", ".join(sorted(dropped)), flush=True)
            failures = preexecute(root, cache, os.cpu_count() or 1, int(config["execute"].get("timeout", 180)))
            command += ["--config", str(config_path)]
        else:
            execute = read_config(root).get("execute", {})
            failures = (
                []
                if execute.get("execute_notebooks") == "off"
                else preexecute(root, None, os.cpu_count() or 1, int(execute.get("timeout", 180)))
            )
        if failures:
            print("\nBUILD FAILED: the last good book (if any) is left in place at", html_dir, file=sys.stderr)
            for line in failures:
                print(f"  {line}", file=sys.stderr)
            shutil.rmtree(work, ignore_errors=True)
            return 1
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    print("Building the book (every notebook is executed):", " ".join(command[1:]), flush=True)
    proc = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log_lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        log_lines.append(line)
        sys.stdout.write(line)
        sys.stdout.flush()
    status = proc.wait()
    built = work / "_build" / "html"
    if status != 0 or not (built / "index.html").exists():
        print("\nBUILD FAILED: the last good book (if any) is left in place at", html_dir, file=sys.stderr)
        warnings = [ANSI.sub("", line).strip() for line in log_lines if "WARNING:" in line or "ERROR:" in line]
        for line in warnings:
            print(f"  {line}", file=sys.stderr)
        if not warnings:
            print("  see the output above", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
        return status or 1
    for download in downloads:
        shutil.copy2(download, built / download.name)
    broken = broken_links(built)  # e.g. a register row linking to a chapter not in the book
    if broken:
        print(
            "\nBUILD FAILED: links to pages that do not exist; the last good book (if any) is left in place at",
            html_dir,
            file=sys.stderr,
        )
        for line in broken[:20]:
            print(f"  {line}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
        return 1
    # Swap in the new book: two renames in one folder, the old copy removed last.
    old = html_dir.with_name(html_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if html_dir.exists():
        html_dir.rename(old)
    built.rename(html_dir)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    print(f"\nThe book is built: open {html_dir / 'index.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=paths.REPO_ROOT, help="the book's folder (with _config.yml)")
    parser.add_argument("--html", type=Path, default=None, help="where the built HTML goes (default: ROOT/_build/html)")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="execute every notebook, neither reading nor updating the execution cache",
    )
    args = parser.parse_args(argv)
    offline.install()  # nothing is fetched while building
    root = args.root.resolve()
    html_dir = (args.html or root / "_build" / "html").resolve()
    own_project = root == paths.REPO_ROOT
    # The execution cache lives with the outputs the notebooks write (provenance,
    # figures, dependency records), so the two can never disagree.
    cache = paths.output_dir() / "jupyter_cache" if own_project and not args.no_cache else None
    fresh = own_project and args.no_cache
    try:
        # Bad data stops here, before any notebook runs; findings.csv goes to the book's root.
        downloads = [preflight.validate_and_write_findings(paths.output_dir())] if own_project else []
        return build(root, html_dir, downloads, cache, fresh)
    except DataError as error:  # one clear line, no traceback, and the old book stays
        print(f"BUILD STOPPED before Sphinx ran: {error}", file=sys.stderr)
        print(f"The last good book (if any) is left in place at {html_dir}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
