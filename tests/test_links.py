"""Every internal link of the built book resolves, without a browser: each
``href``/``src`` that is not an external URL names an existing file, and each
``#fragment`` names an ``id`` (or ``<a name>``) in its target page. External
links are not fetched. The next/previous links follow the table of contents."""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

pytest.register_assert_rewrite("browser_support")
from browser_support import toc_pages  # noqa: E402

pytest_plugins = ["browser_support"]
pytestmark = pytest.mark.build

# element: attributes that hold a URL
URL_ATTRIBUTES = {
    "a": ["href"], "area": ["href"], "link": ["href"],
    "img": ["src", "srcset"], "source": ["src", "srcset"], "script": ["src"], "iframe": ["src"],
    "embed": ["src"], "object": ["data"], "video": ["src", "poster"], "audio": ["src"], "track": ["src"],
}
PAGES = toc_pages()


@functools.lru_cache(maxsize=None)
def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@functools.lru_cache(maxsize=None)
def anchors_of(path: Path) -> frozenset[str]:
    soup = soup_of(path)
    return frozenset([t["id"] for t in soup.find_all(id=True)] + [t["name"] for t in soup.find_all("a", attrs={"name": True})])


def book_pages(html: Path) -> list[Path]:
    """Every HTML page of the book; _static/ holds only the theme's templates."""
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.relative_to(html).parts)


def urls_in(soup: BeautifulSoup):
    for tag, attributes in URL_ATTRIBUTES.items():
        for element in soup.find_all(tag):
            for attribute in attributes:
                value = element.get(attribute)
                if not value:
                    continue
                if attribute == "srcset":
                    for candidate in value.split(","):
                        if candidate.strip():
                            yield f"<{tag} {attribute}>", candidate.split()[0]
                else:
                    yield f"<{tag} {attribute}>", value.strip()


def broken_links(html: Path) -> list[str]:
    """One line per internal link of the book at ``html`` that does not resolve."""
    broken = []
    for page in book_pages(html):
        where = page.relative_to(html).as_posix()
        for element, url in urls_in(soup_of(page)):
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
                broken.append(f"{where}: {element} {url!r}: no id {fragment!r} in {target.relative_to(html).as_posix()}")
    return broken


def test_every_internal_link_resolves(built_html):
    assert book_pages(built_html), "no page found"
    broken = broken_links(built_html)
    assert not broken, f"{len(broken)} broken internal links:\n  " + "\n  ".join(broken[:100])


def test_every_toc_page_is_built(built_html):
    missing = [f"{name}.html" for name in PAGES if not (built_html / f"{name}.html").is_file()]
    assert not missing, missing


def test_the_checker_catches_a_broken_link_and_a_missing_fragment(built_html, tmp_path):
    """The check above can fail: a copy of one page with a broken link and a
    missing fragment added is reported for both."""
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    page = built_html / "book" / "findings.html"
    text = page.read_text(encoding="utf-8").replace(
        "</article>", '<a href="../notebooks/no_such_chapter.html">x</a><a href="#no-such-row">y</a></article>', 1)
    (html / "book" / "findings.html").write_text(text, encoding="utf-8")
    broken = broken_links(html)
    assert any("no_such_chapter.html" in line and "no file" in line for line in broken), broken
    assert any("'no-such-row'" in line for line in broken), broken


def _resolved(page: Path, href: str | None, html: Path) -> str | None:
    if href is None:
        return None
    return (page.parent / unquote(urlsplit(href).path)).resolve().relative_to(html).as_posix()


def test_next_and_previous_links_follow_the_table_of_contents(built_html):
    wrong = []
    for index, name in enumerate(PAGES):
        page = built_html / f"{name}.html"
        if not page.is_file():
            wrong.append(f"{name}.html was not built")
            continue
        soup = soup_of(page)
        nxt, prev = soup.select_one("a.right-next"), soup.select_one("a.left-prev")
        expected_next = f"{PAGES[index + 1]}.html" if index + 1 < len(PAGES) else None
        expected_prev = f"{PAGES[index - 1]}.html" if index > 0 else None
        got_next = _resolved(page, nxt and nxt.get("href"), built_html)
        got_prev = _resolved(page, prev and prev.get("href"), built_html)
        if got_next != expected_next:
            wrong.append(f"{name}.html: next is {got_next}, expected {expected_next}")
        if got_prev != expected_prev:
            wrong.append(f"{name}.html: previous is {got_prev}, expected {expected_prev}")
    assert not wrong, "\n".join(wrong)
