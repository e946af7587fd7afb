"""Notes of marked figures and charts, as a reader's fingers and mouse use
them (Chromium, the built book served on 127.0.0.1; fixtures from
browser_support.py):

* on a phone, a tap on a figure opens its note and a second tap closes it;
* with a mouse, the note stays open while the pointer travels from the figure
  down into the note, across the gap between them; a second click closes it;
* Enter opens and closes it from the keyboard, Escape closes it;
* a chart is a link to its own image, opened full size by a tap;
* every figure's note, on a chapter and on the source page, at 1280 and 390
  px wide, opens where it is seen whole (inside the viewport, clipped by no
  ancestor, covered by nothing), and the note left open never catches the tap
  meant for the next figure."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import TIMEOUT_MS, chapter_pages, open_page  # noqa: E402

pytest_plugins = ["browser_support"]
pytestmark = [pytest.mark.browser, pytest.mark.build]

SOURCE_PAGE = "book/source_text.html"
CHART_PAGE = "notebooks/war_damage.html"
# A marked figure with a verdict badge: its note has lines and links.
CLAIM = ".audit-claim:has(a.audit-badge)"
# Every page with marked figures: the chapters (the "362.5 million" note of the
# Chinese aid chapter was clipped, issue 26) and the source page.
NOTE_PAGES = [f"{name}.html" for name in chapter_pages()] + [SOURCE_PAGE]

# What hides part of an open note: the viewport's edges, an ancestor whose
# overflow is not visible (unless the note, or an element between them, is
# positioned against a containing block outside that ancestor), and anything
# drawn over it (sampled at its corners and centre).
NOTE_CLIPS_JS = """(note) => {
  const box = note.getBoundingClientRect();
  const problems = [];
  const fmt = r => `${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)}`;
  const width = document.documentElement.clientWidth, height = window.innerHeight;
  if (box.width < 1 || box.height < 1) return ["the note has no size"];
  if (box.left < -0.5 || box.top < -0.5 || box.right > width + 0.5 || box.bottom > height + 0.5)
    problems.push(`outside the ${width}x${height} viewport: ${fmt(box)}`);
  const makesBlock = s => s.transform !== "none" || s.filter !== "none" || s.perspective !== "none" ||
    /paint|layout|strict|content/.test(s.contain) || /transform|filter|perspective/.test(s.willChange);
  // The containing block of an out-of-flow element, null for the viewport.
  const containing = el => {
    const position = getComputedStyle(el).position;
    if (position !== "fixed" && position !== "absolute") return el.parentElement;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (makesBlock(s) || (position === "absolute" && s.position !== "static")) return a;
    }
    return null;
  };
  const path = [];
  for (let a = note; a && a !== document.body; a = a.parentElement) {
    if (a !== note) {
      const s = getComputedStyle(a);
      const escapes = path.some(e => {
        const block = containing(e);
        return block === null || (block !== a && block.contains(a));
      });
      if (!escapes && (s.overflowX !== "visible" || s.overflowY !== "visible")) {
        const r = a.getBoundingClientRect();
        const left = r.left + a.clientLeft, top = r.top + a.clientTop;
        const clip = {left, top, right: left + a.clientWidth, bottom: top + a.clientHeight};
        const cutX = s.overflowX !== "visible" && (box.left < clip.left - 0.5 || box.right > clip.right + 0.5);
        const cutY = s.overflowY !== "visible" && (box.top < clip.top - 0.5 || box.bottom > clip.bottom + 0.5);
        if (cutX || cutY) problems.push(`clipped by <${a.tagName.toLowerCase()} class="${a.className}"> ` +
          `(overflow ${s.overflowX}/${s.overflowY}, box ${fmt(clip)}; note ${fmt(box)})`);
      }
    }
    path.push(a);
  }
  const inset = 3;
  for (const [x, y] of [[box.left + inset, box.top + inset], [box.right - inset, box.top + inset],
                        [box.left + inset, box.bottom - inset], [box.right - inset, box.bottom - inset],
                        [(box.left + box.right) / 2, (box.top + box.bottom) / 2]]) {
    const hit = document.elementFromPoint(x, y);
    if (hit && !note.contains(hit))
      problems.push(`covered at ${Math.round(x)},${Math.round(y)} by <${hit.tagName.toLowerCase()} ` +
                    `class="${hit.className}">`);
  }
  return problems;
}"""
# Scroll a figure to the middle of the screen (as a reader does before tapping
# it) and say what a tap at its centre would reach.
FIGURE_REACHED_JS = """async (figure) => {
  figure.scrollIntoView({block: "center", inline: "nearest"});
  // Two frames: what follows the scroll (an open note moving with its figure) has run.
  for (let frame = 0; frame < 2; frame++) await new Promise(done => requestAnimationFrame(done));
  const r = figure.getClientRects()[0];
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return figure.contains(hit) ? "" : `<${hit.tagName.toLowerCase()} class="${hit.className}">`;
}"""


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
    # The note opens above the figure (below it when there is no room above).
    if end["y"] > start["y"]:
        target = end["y"] + min(20, end["height"] / 2)
    else:
        target = end["y"] + end["height"] - min(20, end["height"] / 2)
    assert not (start["y"] < target < start["y"] + start["height"]), "the note opens over its figure"
    steps = max(4, int(abs(target - y) / 2))
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


@pytest.mark.parametrize("page_path", NOTE_PAGES)
@pytest.mark.parametrize("width", [1280, 390])
def test_every_note_opens_whole_and_the_next_figure_stays_tappable(browser, book_url, page_path, width):
    """Each figure in turn: scrolled to mid-screen, it is not under the note of
    the figure before (still pinned open); a tap (a click at 1280) opens its
    note, which the viewport shows whole, no ancestor clips and nothing covers;
    the note before has closed."""
    phone = width < 640
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 800}, has_touch=phone, is_mobile=phone
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        open_page(page, book_url, page_path)
        claims = page.locator(".audit-claim")
        assert claims.count() >= 1, f"{page_path}: no marked figure to test"
        problems, before = [], None
        for index in range(claims.count()):
            claim = claims.nth(index)
            figure, note = claim.locator(".audit-claim-figure"), claim.locator(".audit-note")
            name = f"figure {index} ({figure.inner_text()!r}, {claim.get_attribute('data-claim')})"
            blocker = figure.evaluate(FIGURE_REACHED_JS)
            if blocker:
                problems.append(f"{name}: a tap at its centre reaches {blocker}, not the figure")
                page.keyboard.press("Escape")
                figure.evaluate(FIGURE_REACHED_JS)
            if phone:
                figure.tap()
            else:
                figure.click()
            note.wait_for(state="visible")
            problems += [f"{name}: its note is {p}" for p in note.evaluate(NOTE_CLIPS_JS)]
            if before is not None and before.is_visible():
                problems.append(f"{name}: the note of the figure before is still open")
            before = note
        assert not problems, f"{page_path} at {width} px:\n" + "\n".join(problems[:25])
    finally:
        context.close()
