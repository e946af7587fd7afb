"""Every internal link of the built book resolves, without a browser
(``paper_audit.run.links``, which the build also runs). The next/previous links
follow the table of contents."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from paper_audit.run.links import book_pages, broken_links

pytest.register_assert_rewrite("browser_support")
from browser_support import toc_pages  # noqa: E402

pytest_plugins = ["browser_support"]
pytestmark = pytest.mark.build

PAGES = toc_pages()


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


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
        "</article>", '<a href="../notebooks/no_such_chapter.html">x</a><a href="#no-such-row">y</a></article>', 1
    )
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
