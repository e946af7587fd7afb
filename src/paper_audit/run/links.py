"""Every internal link of a built book resolves: each ``href``/``src`` that is
not an external URL names an existing file, and each ``#fragment`` names an
``id`` (or ``<a name>``) in its target page. External links are not fetched.

The build runs this on the new book before it replaces the last good one, so
a link to a page that does not exist (a chapter named in the data but not in
the book) fails the build; ``tests/test_links.py`` runs it too.
"""

from __future__ import annotations

import functools
import html as html_mod
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The attributes that hold a URL, in any element; <a name> anchors too. Read with
# regular expressions, not a DOM: Sphinx writes double-quoted attributes, text is
# escaped (so "href=" in prose or code never looks like an attribute), and the
# build runs this on every page, where a parser would cost seconds.
URL_ATTRIBUTE = re.compile(r"<(?P<tag>[a-z]+)\b[^>]*?\s(?P<attr>href|src|srcset|poster|data)=\"(?P<url>[^\"]*)\"")
ANCHOR = re.compile(r"<[a-z]+\b[^>]*?\s(?:id|name)=\"([^\"]*)\"")


@functools.lru_cache(maxsize=None)
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def anchors_of(path: Path) -> frozenset[str]:
    return frozenset(html_mod.unescape(a) for a in ANCHOR.findall(_text(path)))


def book_pages(html: Path) -> list[Path]:
    """Every HTML page of the book; _static/ holds only the theme's templates."""
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.relative_to(html).parts)


def urls_in(text: str):
    for match in URL_ATTRIBUTE.finditer(text):
        tag, attribute, value = match.group("tag"), match.group("attr"), html_mod.unescape(match.group("url")).strip()
        if attribute == "data" and tag != "object" or not value:
            continue
        if attribute == "srcset":
            for candidate in value.split(","):
                if candidate.strip():
                    yield f"<{tag} {attribute}>", candidate.split()[0]
        else:
            yield f"<{tag} {attribute}>", value


def broken_links(html: Path) -> list[str]:
    """One line per internal link of the book at ``html`` that does not resolve."""
    broken = []
    for page in book_pages(html):
        where = page.relative_to(html).as_posix()
        for element, url in urls_in(_text(page)):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:  # http(s), mailto, javascript, data, //host: not checked here
                continue
            if parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if not target.is_relative_to(html):
                    broken.append(f"{where}: {element} {url!r} points outside the book")
                    continue
                if not target.is_file():
                    broken.append(f"{where}: {element} {url!r}: no file {target.relative_to(html).as_posix()}")
                    continue
            else:
                target = page
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in anchors_of(target):
                inside = target.relative_to(html).as_posix()
                broken.append(f"{where}: {element} {url!r}: no id {fragment!r} in {inside}")
    return broken
