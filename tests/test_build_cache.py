"""Which cached executions a build keeps (``run.build.invalidate``), on a tiny
book in process: only the record of each notebook as it is now, while what it
read is unchanged, and a cache copied with its project keeps serving it."""

from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

from paper_audit.run import build
from paper_audit.tables import fingerprints


def notebook(code: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nb.cells = [nbformat.v4.new_markdown_cell("# Chapter"), nbformat.v4.new_code_cell(code)]
    return nb


def tiny_book(root: Path, code: str) -> Path:
    root.mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapter\n", encoding="utf-8")
    (root / "intro.md").write_text("# Intro\n", encoding="utf-8")
    nbformat.write(notebook(code), root / "chapter.ipynb")
    return root


def cache_as(store, code: str, uri: Path) -> int:
    """A cached execution of the chapter with ``code``, recorded as made at ``uri``."""
    bundle = CacheBundleIn(notebook(code), str(uri), data={"execution_seconds": 0.1})
    return store.cache_notebook_bundle(bundle, check_validity=False, overwrite=True).pk


@pytest.fixture
def stale(monkeypatch):
    """The notebooks whose recorded inputs changed (none unless a test adds one)."""
    changed: set[Path] = set()
    monkeypatch.setattr(fingerprints, "is_stale", lambda nb, output_dir=None: nb in changed)
    return changed


def kept(cache: Path) -> list[str]:
    return sorted(record.uri for record in get_cache(str(cache)).list_cache_records())


def test_a_cache_copied_with_its_project_keeps_serving_it(tmp_path, stale):
    root = tiny_book(tmp_path / "copy", "x = 1")
    cache_as(get_cache(str(tmp_path / "cache")), "x = 1", tmp_path / "original" / "chapter.ipynb")
    assert build.invalidate(tmp_path / "cache", root) == []
    assert kept(tmp_path / "cache") == [str(tmp_path / "original" / "chapter.ipynb")]


def test_the_record_of_an_earlier_version_goes_without_re_executing(tmp_path, stale):
    """jupyter-cache would serve it again if the code went back to it, with the
    outputs of the data of that time."""
    root = tiny_book(tmp_path / "book", "x = 2")
    store = get_cache(str(tmp_path / "cache"))
    cache_as(store, "x = 1", root / "chapter.ipynb")
    cache_as(store, "x = 2", root / "chapter.ipynb")
    assert build.invalidate(tmp_path / "cache", root) == []  # nothing to re-execute: x = 2 is cached
    assert [r.pk for r in store.list_cache_records()] == [store.match_cache_notebook(notebook("x = 2")).pk]


def test_changed_inputs_re_execute_and_what_is_not_in_the_book_goes(tmp_path, stale):
    root = tiny_book(tmp_path / "book", "x = 1")
    store = get_cache(str(tmp_path / "cache"))
    cache_as(store, "x = 1", root / "chapter.ipynb")
    cache_as(store, "y = 1", root / "gone.ipynb")
    cache_as(store, "z = 1", tmp_path / "elsewhere" / "other.ipynb")
    stale.add(root / "chapter.ipynb")
    assert build.invalidate(tmp_path / "cache", root) == ["chapter.ipynb"]
    assert kept(tmp_path / "cache") == []
