"""The front page and the register as a reader's browser shows them: at a
laptop's 1280x800 the ranked findings begin above the fold with their first
two entries in view; the register shows at most four columns there and, on a
phone, the name of its column before each value."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import TIMEOUT_MS, open_page  # noqa: E402

pytest_plugins = ["browser_support"]
pytestmark = [pytest.mark.browser, pytest.mark.build]

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 800}


@pytest.fixture
def page_at(browser):
    """``page_at(viewport)``: a fresh page of that size, closed after the test."""
    contexts = []

    def make(viewport, **options):
        context = browser.new_context(viewport=viewport, service_workers="block", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


BOXES_JS = """sel => Array.from(document.querySelectorAll(sel)).map(e => {
  const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, text: e.textContent.trim()};
})"""


def test_the_ranked_findings_begin_above_the_fold(page_at, book_url):
    page = page_at(LAPTOP)
    open_page(page, book_url, "book/intro.html")
    assert page.evaluate("scrollY") == 0
    entries = page.evaluate(BOXES_JS, "article ol.audit-ranked > li")
    assert len(entries) >= 2, f"the front page lists {len(entries)} findings"
    for entry in entries[:2]:
        assert 0 <= entry["top"] and entry["bottom"] <= LAPTOP["height"], (
            f"below the fold at 1280x800 (bottom at {entry['bottom']:.0f} px): {entry['text'][:80]}"
        )
    abstract = page.evaluate(BOXES_JS, "article .audit-abstract")
    assert abstract and abstract[0]["bottom"] <= entries[0]["top"], "the abstract does not come before the list"


def test_the_register_shows_four_columns_on_a_laptop(page_at, book_url):
    page = page_at(LAPTOP)
    open_page(page, book_url, "book/findings.html")
    table = page.locator("table.audit-register").first
    headings = table.locator("thead th").all()
    assert 1 <= len(headings) <= 4, f"{len(headings)} columns"
    width = page.evaluate(
        """() => [document.querySelector("table.audit-register").getBoundingClientRect().width,
                  document.querySelector("article.bd-article").getBoundingClientRect().width]"""
    )
    assert width[0] <= width[1] + 1, f"the register ({width[0]:.0f} px) is wider than the text column ({width[1]:.0f})"
    # The details are folded until asked for, then open in the row.
    details = table.locator("details.audit-register-details").first
    folded = details.locator("dl")
    assert not folded.is_visible()
    details.locator("summary").click()
    folded.wait_for(state="visible")


def test_each_value_of_the_register_is_labelled_on_a_phone(page_at, book_url):
    page = page_at(PHONE, is_mobile=True, has_touch=True)
    open_page(page, book_url, "book/findings.html")
    cells = page.evaluate(
        """() => Array.from(document.querySelectorAll("table.audit-register tbody tr:first-child td")).map(td => ({
             label: td.dataset.label, before: getComputedStyle(td, "::before").content,
             display: getComputedStyle(td).display}))"""
    )
    assert cells, "the register has no cells"
    for cell in cells:
        assert cell["label"], "a cell without a data-label"
        assert cell["label"] in cell["before"], f"the cell {cell['label']!r} shows {cell['before']!r} before its value"
        assert cell["display"] == "block", f"the cell {cell['label']!r} is not stacked on a phone"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the register makes the phone page scroll sideways ({width} px)"


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280", "390"])
def test_the_front_page_names_the_paper_and_links_its_pdf(page_at, book_url, viewport):
    """Under the title, before the abstract: the paper's title and authors,
    the title a link to the paper's PDF."""
    page = page_at(viewport)
    open_page(page, book_url, "book/intro.html")
    link = page.locator("article p.audit-paper a.audit-paper-link")
    assert link.is_visible(), "no link to the audited paper under the title"
    assert link.get_attribute("href").endswith(".pdf")
    line = page.locator("article p.audit-paper").text_content()
    assert "Zhihua Shen" in line and "Yafeng Xia" in line and "Post-War Reconstruction of North Korea" in line
    boxes = page.evaluate(BOXES_JS, "article h1, article p.audit-paper, article .audit-abstract")
    assert [b["top"] for b in boxes] == sorted(b["top"] for b in boxes), "title, paper, abstract: not in that order"
