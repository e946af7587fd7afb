"""The book's chapters, read from where they are declared, once.

The list of chapters is the table of contents (``_toc.yml``): every entry
``notebooks/<name>`` outside ``notebooks/classroom/``. A chapter's title is
the first heading of its notebook, the title the reader sees. Everything else
(the Data Package's enums of chapters, the Chapter class, the rerun's list of
notebooks, the register's links) is derived from here, and a claim or check
naming a chapter that is not in the book stops the build.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from paper_audit import paths
from paper_audit.errors import DataError

WHERE = "_toc.yml (the list) and each notebook's first heading (the title)"


def _toc_files(root: Path) -> list[str]:
    from paper_audit.run.build import toc_pages

    return toc_pages(root)


def notebook_title(path: Path) -> str:
    """The first ``# `` heading of a notebook's first markdown cell."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            break
    raise DataError(f"{path}: the first markdown cell has no '# Title' heading, which names the chapter")


@lru_cache(maxsize=4)
def _chapters(root: Path) -> tuple[tuple[str, str], ...]:
    found = []
    for page in _toc_files(root):
        match = re.fullmatch(r"notebooks/([a-z][a-z0-9_]*)", page)
        if not match:
            continue
        notebook = root / f"{page}.ipynb"
        if not notebook.exists():
            raise DataError(f"{root / '_toc.yml'}: lists {page}, but {notebook} does not exist "
                            "(write it with `paper-audit add-chapter`)")
        found.append((match.group(1), notebook_title(notebook)))
    return tuple(found)


def chapters(root: Path | None = None) -> dict[str, str]:
    """{chapter name: title}, in the order of the table of contents."""
    return dict(_chapters((root or paths.REPO_ROOT).resolve()))


def chapter_notebook(name: str, root: Path | None = None) -> Path:
    return (root or paths.REPO_ROOT) / "notebooks" / f"{name}.ipynb"


def unknown_chapter(name: str, root: Path | None = None) -> str:
    """The message for a chapter that is not in the book: which are, where they are declared, how to add one."""
    known = chapters(root)
    return (f"{name!r} is not a chapter of the book; its chapters are {', '.join(known)} "
            f"(declared in {WHERE}); add one with `paper-audit add-chapter {name} --title TITLE`")


def reread() -> None:
    _chapters.cache_clear()
