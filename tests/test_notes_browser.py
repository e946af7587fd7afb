"""Notes of marked figures and charts, as a reader's fingers and mouse use
them (Chromium, the built book served on 127.0.0.1; fixtures from
browser_support.py):

* on a phone, a tap on a figure opens its note and a second tap closes it;
* with a mouse, the note stays open while the pointer travels from the figure
  down into the note, across the gap between them; a second click closes it;
* Enter opens and closes it from the keyboard, Escape closes it;
* a chart is a link to its own image, opened full size by a tap."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import TIMEOUT_MS, open_page  # noqa: E402

pytest_plugins = ["browser_support"]
pytestmark = [pytest.mark.browser, pytest.mark.build]

SOURCE_PAGE = "book/source_text.html"
CHART_PAGE = "notebooks/war_damage.html"
# A marked figure with a verdict badge: its note has lines and links.
CLAIM = ".audit-claim:has(a.audit-badge)"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def laptop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_second_tap_closes_the_note(phone, book_url):
    open_page(phone, book_url, SOURCE_PAGE)
    claim = phone.locator(CLAIM).nth(2)
    figure, note = claim.locator(".audit-claim-figure"), claim.locator(".audit-note")
    claim.scroll_into_view_if_needed()
    figure.tap()
    note.wait_for(state="visible")
    assert figure.get_attribute("aria-expanded") == "true"
    figure.tap()
    note.wait_for(state="hidden")
    assert figure.get_attribute("aria-expanded") == "false"
    figure.tap()  # and a third opens it again
    note.wait_for(state="visible")


def test_the_note_stays_open_on_the_way_from_the_figure_to_it(laptop, book_url):
    """The pointer goes straight down from the figure into the note in small
    steps; at every step the note is still shown."""
    open_page(laptop, book_url, SOURCE_PAGE)
    claim = laptop.locator(CLAIM).first
    figure, note = claim.locator(".audit-claim-figure"), claim.locator(".audit-note")
    claim.scroll_into_view_if_needed()
    start = figure.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    laptop.mouse.move(x, y)
    note.wait_for(state="visible")
    end = note.bounding_box()
    target = end["y"] + min(20, end["height"] / 2)
    assert target > start["y"] + start["height"], "the note does not open below its figure"
    steps = max(4, int((target - y) / 2))
    for step in range(1, steps + 1):
        laptop.mouse.move(x, y + (target - y) * step / steps)
        assert note.is_visible(), (
            f"the note closed with the pointer {step * (target - y) / steps:.0f} px below the figure"
        )
    # Inside the note the pointer can reach its links.
    link = note.locator("a").first
    link.hover()
    assert note.is_visible()


def test_a_click_opens_and_a_second_click_closes_the_note(laptop, book_url):
    open_page(laptop, book_url, SOURCE_PAGE)
    claim = laptop.locator(CLAIM).first
    figure, note = claim.locator(".audit-claim-figure"), claim.locator(".audit-note")
    figure.click()
    note.wait_for(state="visible")
    figure.click()  # the pointer is still on the figure, which still has the focus
    note.wait_for(state="hidden")
    laptop.mouse.move(0, 0)  # away and back: hovering shows it again
    laptop.locator("article.bd-article h1").first.click()
    figure.hover()
    note.wait_for(state="visible")


def test_enter_toggles_the_note_and_escape_closes_it(laptop, book_url):
    open_page(laptop, book_url, SOURCE_PAGE)
    claim = laptop.locator(CLAIM).first
    figure, note = claim.locator(".audit-claim-figure"), claim.locator(".audit-note")
    figure.focus()
    note.wait_for(state="visible")
    laptop.keyboard.press("Enter")
    assert figure.get_attribute("aria-expanded") == "true" and note.is_visible()
    laptop.keyboard.press("Enter")
    note.wait_for(state="hidden")
    laptop.keyboard.press("Enter")
    note.wait_for(state="visible")
    laptop.keyboard.press("Escape")
    note.wait_for(state="hidden")


def test_a_tap_on_a_chart_opens_it_full_size(phone, book_url):
    open_page(phone, book_url, CHART_PAGE)
    links = phone.locator("figure.audit-chart a.audit-chart-zoom")
    assert links.count() >= 1, f"{CHART_PAGE}: no chart is a link to its image"
    for index in range(links.count()):
        link = links.nth(index)
        image = link.locator("img")
        assert (image.get_attribute("alt") or "").strip(), "a linked chart lost its alt text"
        assert link.get_attribute("href") == image.get_attribute("src"), "the link does not lead to the chart's image"
        assert link.get_attribute("title"), "the link does not say what it does"
    link = links.first
    link.scroll_into_view_if_needed()
    with phone.expect_navigation():
        link.tap()
    assert phone.url.endswith(".svg"), phone.url
    assert phone.evaluate("document.documentElement.tagName.toLowerCase()") == "svg"
