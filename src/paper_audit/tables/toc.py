"""The book's chapters, read from where they are declared, once.

The list of chapters is the table of contents (``_toc.yml``): every entry
``notebooks/<name>`` outside ``notebooks/classroom/``. A chapter's title is
the first heading of its notebook, the title the reader sees. Everything else
(the Data Package's enums of chapters, the Chapter class, the rerun's list of
notebooks, the register's links) is derived from here, and a claim or check
naming a chapter that is not in the book stops the build.
"""

from __future__ import annotations

import io
import json
import re
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from sphinx_external_toc.api import FileItem, SiteMap
from sphinx_external_toc.parsing import MalformedError, parse_toc_yaml

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.files import write_atomically
from paper_audit.tables import schema

WHERE = "_toc.yml (the list) and each notebook's first heading (the title)"


def _site_map(root: Path) -> SiteMap:
    path = root / "_toc.yml"
    try:
        return parse_toc_yaml(str(path))
    except (OSError, MalformedError) as error:
        raise DataError(f"{path}: cannot be read as a Jupyter Book table of contents: {error}") from None


def _reading_order(site_map: SiteMap, docname: str) -> list[str]:
    order = [docname]
    for subtree in site_map[docname].subtrees:
        for item in subtree.items:
            if isinstance(item, FileItem):
                order += _reading_order(site_map, str(item))
    return order


def toc_pages(root: Path | None = None) -> list[str]:
    """Every page of ``_toc.yml`` in reading order, without suffix: the root
    first, then each part's chapters (and their sections), as
    sphinx-external-toc (Jupyter Book's own reader of the file) reads them."""
    site_map = _site_map((root or paths.REPO_ROOT).resolve())
    return _reading_order(site_map, site_map.root.docname)


def toc_notebooks(root: Path | None = None) -> list[Path]:
    """The toc's pages whose source is a notebook."""
    root = root or paths.REPO_ROOT
    return [root / f"{page}.ipynb" for page in toc_pages(root) if (root / f"{page}.ipynb").exists()]


def _entry_lists(node) -> list:
    """Every list of entries in a table of contents read by ruamel.yaml (a
    part's or a file's ``chapters`` and ``sections``), outermost first."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("parts", "chapters", "sections") and isinstance(value, list):
                if key != "parts":
                    found.append(value)
                for item in value:
                    found += _entry_lists(item)
    return found


def insert_chapter(name: str, after: str | None = None, root: Path | None = None) -> tuple[str | None, str | None]:
    """List ``notebooks/<name>`` in _toc.yml: after chapter ``after``, else
    before the scenarios, else last of the part that holds the chapters.

    The file is edited, not rewritten: ruamel.yaml's round trip adds the one
    entry and keeps every other line, comments and order as they were.
    Returns the chapters just before and just after the new one in its part
    (None where there is none), whose "What's next" links change."""
    root = (root or paths.REPO_ROOT).resolve()
    path = root / "_toc.yml"
    _site_map(root)  # a file Jupyter Book cannot read stops here, with its own message
    known = {f"notebooks/{c}" for c in chapters(root)}
    if after is not None and after not in chapters(root):
        raise DataError(f"--after: {unknown_chapter(after, root)}")
    editor = YAML()  # round trip: comments, order and quoting kept
    editor.indent(mapping=2, sequence=4, offset=2)  # the book's layout: dashes two spaces in under their key
    editor.width = 4096  # never fold a long line that was one line
    document = editor.load(path.read_text(encoding="utf-8"))
    holders = [entries for entries in _entry_lists(document) if any(_file(e) in known for e in entries)]
    if not holders:
        raise DataError(f"{path}: no chapter entry 'notebooks/NAME' to place the new chapter beside")
    anchor = f"notebooks/{after}" if after is not None else None
    entries = next((h for h in holders if anchor in [_file(e) for e in h]), holders[0])
    files = [_file(e) for e in entries]
    if anchor in files:
        index = files.index(anchor) + 1
    else:
        index = files.index("notebooks/scenarios") if "notebooks/scenarios" in files else len(files)
    entries.insert(index, CommentedMap(file=f"notebooks/{name}"))
    text = io.StringIO()
    editor.dump(document, text)
    write_atomically(path, text.getvalue())
    reread()
    before = [f.removeprefix("notebooks/") for f in files[:index] if f in known]
    following = [f.removeprefix("notebooks/") for f in files[index:] if f in known]
    return (before[-1] if before else None), (following[0] if following else None)


def _file(entry) -> str | None:
    return str(entry.get("file")).removesuffix(".ipynb") if isinstance(entry, dict) and "file" in entry else None


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
    for page in toc_pages(root):
        match = re.fullmatch(r"notebooks/([a-z][a-z0-9_]*)", page)
        if not match:
            continue
        notebook = root / f"{page}.ipynb"
        if not notebook.exists():
            raise DataError(
                f"{root / '_toc.yml'}: lists {page}, but {notebook} does not exist "
                "(write it with `paper-audit add-chapter`)"
            )
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
    return (
        f"{name!r} is not a chapter of the book; its chapters are {', '.join(known)} "
        f"(declared in {WHERE}); add one with `paper-audit add-chapter {name} --title TITLE`"
    )


def reread() -> None:
    _chapters.cache_clear()


def known_chapters(root: Path | None = None) -> list[str]:
    """The chapters data may name: the table of contents' where the book is;
    in a copy without it (the student bundle has the data and the package,
    not the book), the committed Data Package's enum."""
    root = root or paths.REPO_ROOT
    if (root / "_toc.yml").exists():
        return list(chapters(root))
    return schema.enum("claims", "chapter", paths.Project(root))
