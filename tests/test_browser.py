"""The built book as a reader's browser shows it, served on 127.0.0.1 and with
every other host cut off: each page of the table of contents loads without a
console error or failed request, images load and have alt text, badges lead to
the findings register, search, next/previous, launch and download buttons work,
and the register sorts. Full-page screenshots go to test-artifacts/screenshots/.

Each page is loaded once (``visit`` in browser_support.py) for the tests that
only read it; the tests that click use a page of their own."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import chapter_pages, notebook_pages, open_page, toc_pages  # noqa: E402

pytest_plugins = ["browser_support"]
pytestmark = [pytest.mark.browser, pytest.mark.build]

PAGES = toc_pages()
CHAPTERS = chapter_pages()
NOTEBOOKS = notebook_pages()
SEARCH_WORD, SEARCH_PAGE = "Volunteers", "notebooks/volunteers.html"  # a word of that chapter's quotes


def page_path(url: str, book_url: str) -> str:
    """The page's path inside the book, without query or fragment."""
    return urlsplit(url).path[len(urlsplit(book_url).path) :]


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_errors(visit, name):
    """No console error, failed request, HTTP error or request to another host;
    the page's full-page screenshot is saved to test-artifacts/screenshots/."""
    seen = visit(name)
    assert seen.title_visible, f"{name}.html: no visible title"
    assert seen.screenshot.stat().st_size > 0
    seen.watch.assert_clean(f"{name}.html")


@pytest.mark.parametrize("name", PAGES)
def test_page_declares_a_favicon_that_loads(visit, book_url, name):
    """Without one, every browser asks for /favicon.ico, and its 404 is a
    console error on the first page a reader opens."""
    icon = visit(name).icon
    assert icon, f"{name}.html declares no icon (link rel=icon)"
    assert icon.startswith(book_url), f"{name}.html: the icon {icon} is not served by the book"
    with urllib.request.urlopen(icon, timeout=10) as response:  # the local server
        assert response.status == 200 and response.read()[:4] == b"\x00\x00\x01\x00", icon


def test_the_book_serves_favicon_ico_at_its_root(book_url):
    """index.html, where a reader starts, is a bare redirect that declares no
    icon, so browsers ask for /favicon.ico there."""
    with urllib.request.urlopen(book_url + "favicon.ico", timeout=10) as response:  # the local server
        assert response.status == 200 and response.read()[:4] == b"\x00\x00\x01\x00"


@pytest.mark.parametrize("name", PAGES)
def test_images_load_and_have_alt_text(visit, name):
    found = visit(name).media
    problems = []
    for image in found["images"]:
        if not (image["width"] > 0 and image["height"] > 0):
            problems.append(
                f"<img src={image['src']!r}> did not load (natural size {image['width']}x{image['height']})"
            )
        if not (image["alt"] or "").strip():
            problems.append(f"<img src={image['src']!r}> has no alt text")
    for svg in found["linked"]:
        if not (svg["width"] > 0 and svg["height"] > 0):
            problems.append(f"linked SVG {svg['src']!r} did not render ({svg['width']}x{svg['height']})")
    for svg in found["inline"]:
        if not (svg["width"] > 0 and svg["height"] > 0):
            problems.append(f"inline <svg> in {svg['where']} has no size ({svg['width']}x{svg['height']})")
    assert not problems, f"{name}.html:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chapter_shows_a_chart(visit, name):
    """So that the image checks above check something: each chapter has a chart."""
    logos = ("logo_binder.svg", "logo_colab.png")
    charts = [i for i in visit(name).media["images"] if not i["src"].split("?")[0].endswith(logos)]
    assert charts, f"{name}.html shows no chart"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_prose_leads_to_the_flag_and_the_flag_to_the_register(watched_page, book_url, name):
    page, watch = watched_page
    open_page(page, book_url, f"{name}.html")
    # Our prose points quietly to the flag of what it discusses; the flag leads on to the register.
    pointers = page.locator("article a.audit-see-finding")
    assert pointers.count() >= 1, f"{name}.html: no link from its prose to a flag"
    assert page.locator("article .audit-flag").count() >= 1, f"{name}.html shows no flag"
    pointer = pointers.first
    pointer.wait_for(state="visible")
    flag_id = urlsplit(pointer.get_attribute("href")).fragment
    assert flag_id.startswith("flag-"), pointer.get_attribute("href")
    pointer.click()
    page.wait_for_url(lambda url: urlsplit(url).fragment == flag_id)
    flag = page.locator(f"[id='{flag_id}']")
    assert flag.count() == 1, f"{name}.html has no flag #{flag_id}"
    to_register = flag.locator("a[href*='findings.html#finding-']").first
    fragment = urlsplit(to_register.get_attribute("href")).fragment
    to_register.click()
    page.wait_for_url(lambda url: urlsplit(url).fragment == fragment)
    page.wait_for_load_state("load")
    assert page_path(page.url, book_url) == "book/findings.html", page.url
    row = page.locator(f"[id='{fragment}']")
    assert row.count() == 1, f"book/findings.html has no row #{fragment}"
    assert row.evaluate("e => e.tagName") == "TR", f"#{fragment} is not a row of the register"
    row.wait_for(state="visible")
    assert row.evaluate("e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }"), (
        f"#{fragment} is not scrolled into view"
    )
    # Console errors are the page-load test's; network problems are checked here too.
    watch.assert_clean(f"{name}.html and the register", console=False)


def test_search_finds_a_word_of_the_quotes(watched_page, book_url):
    page, watch = watched_page
    open_page(page, book_url, f"search.html?q={SEARCH_WORD}")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(state="visible")
    hrefs = [a.get_attribute("href") for a in results.all()]
    assert hrefs, f"no result for {SEARCH_WORD!r}"
    assert any(SEARCH_PAGE in h for h in hrefs), f"{SEARCH_PAGE} is not among the results: {hrefs}"
    watch.assert_clean("search.html", console=False)


def test_next_and_previous_follow_the_table_of_contents(watched_page, book_url):
    page, watch = watched_page
    first = CHAPTERS[0]
    second = PAGES[PAGES.index(first) + 1]
    open_page(page, book_url, f"{first}.html")
    page.locator("a.right-next").click()
    page.wait_for_load_state("load")
    assert page_path(page.url, book_url) == f"{second}.html", "next does not lead to the next chapter"
    page.locator("a.left-prev").click()
    page.wait_for_load_state("load")
    assert page_path(page.url, book_url) == f"{first}.html", "previous does not lead back"
    watch.assert_clean(f"{first}.html and {second}.html", console=False)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_launch_and_download_buttons(visit, book_url, name):
    """The .ipynb download link is in the page (in a dropdown, so present rather
    than visible) and serves the notebook; no Binder or Colab button leads to a
    repository address nobody has confirmed (tests/test_launch.py: they appear
    once one is)."""
    hrefs = visit(name).hrefs
    binder = [
        h for h in hrefs if h.startswith("https://mybinder.org/v2/gh/") and h.endswith(f"urlpath=tree/{name}.ipynb")
    ]
    colab = [
        h for h in hrefs if h.startswith("https://colab.research.google.com/github/") and h.endswith(f"/{name}.ipynb")
    ]
    download = [h for h in hrefs if h.startswith(book_url) and h.endswith(f"_sources/{name}.ipynb")]
    assert not binder and not colab, f"{name}.html offers a launch button to an unconfirmed address"
    assert download, f"{name}.html has no .ipynb download button"
    with urllib.request.urlopen(download[0], timeout=10) as response:  # the local server
        notebook = json.loads(response.read())
    assert notebook.get("nbformat") == 4 and notebook.get("cells"), f"{download[0]} is not a notebook"


def test_findings_register_sorts_by_verdict(watched_page, book_url):
    page, watch = watched_page
    open_page(page, book_url, "book/findings.html")
    table = page.locator("table.audit-register").first  # the routine confirmations have a table of their own

    def rows():
        return table.evaluate("t => Array.from(t.tBodies[0].rows).map(r => [r.id, Number(r.cells[0].dataset.sort)])")

    before = rows()
    ranks = [rank for _, rank in before]
    assert len(set(ranks)) >= 2, "the register needs two verdicts for this test to mean anything"
    button = table.get_by_role("button", name="Verdict")
    button.click()
    ascending = rows()
    button.click()
    descending = rows()
    assert sorted(before) == sorted(ascending) == sorted(descending), "sorting lost or added rows"
    assert [r for _, r in ascending] == sorted(ranks), "first click: not sorted by verdict"
    assert [r for _, r in descending] == sorted(ranks, reverse=True), "second click: not in reverse"
    assert ascending[0][0] != descending[0][0], "the first row did not change between the two clicks"
    assert button.locator("xpath=..").get_attribute("aria-sort") == "descending", "the header does not say how it sorts"
    watch.assert_clean("book/findings.html", console=False)


ROWS_SHOWN_JS = """() => Array.from(document.querySelectorAll("table.audit-register tbody tr")).map(r => ({
  problem: r.dataset.problem === "true", shown: r.getBoundingClientRect().height > 0}))"""


@pytest.mark.parametrize("width", (390, 1280))
def test_the_register_filters_problems_only(browser, book_url, width):
    """'Problems only' is a toggle button: pressed, only the rows that are a
    problem take space on the page (on a phone too, where rows are blocks) and
    a status line says how many; pressed again, every row is back."""
    from browser_support import new_watched_page

    context, page, watch = new_watched_page(browser)
    try:
        page.set_viewport_size({"width": width, "height": 844})
        open_page(page, book_url, "book/findings.html")
        button = page.get_by_role("button", name="Problems only")
        assert button.is_visible() and button.get_attribute("aria-pressed") == "false"
        before = page.evaluate(ROWS_SHOWN_JS)
        problems = sum(r["problem"] for r in before)
        assert 0 < problems < len(before) and all(r["shown"] for r in before)
        button.click()
        after = page.evaluate(ROWS_SHOWN_JS)
        assert [r["shown"] for r in after] == [r["problem"] for r in after], "a row that is not a problem still shows"
        assert button.get_attribute("aria-pressed") == "true"
        status = page.locator(".audit-register-status").text_content()
        assert f"{problems} of {len(before)}" in status, status
        button.click()
        assert all(r["shown"] for r in page.evaluate(ROWS_SHOWN_JS)), "the rows did not come back"
        watch.assert_clean(f"book/findings.html at {width} px", console=False)
    finally:
        context.close()


def test_the_register_s_titles_are_headings_and_its_sort_controls_look_like_buttons(watched_page, book_url):
    page, _ = watched_page
    open_page(page, book_url, "book/findings.html")
    rows = page.locator("table.audit-register tbody tr").count()
    titles = page.locator("table.audit-register h3.audit-register-title")
    assert titles.count() == rows > 0, "a finding's title is not a heading a screen reader can jump to"
    assert page.get_by_role("heading", level=3).count() >= rows
    look = page.locator("button.audit-sort").first.evaluate(
        "b => { const s = getComputedStyle(b); return [s.borderTopWidth, s.borderTopStyle, s.cursor]; }"
    )
    assert look[0] != "0px" and look[1] == "solid" and look[2] == "pointer", f"the sort control is drawn as {look}"


CHART_WIDTHS_JS = """async () => {
  const images = Array.from(document.querySelectorAll("figure.audit-chart img"));
  images.forEach(i => { i.loading = "eager"; });
  await Promise.all(images.map(i => i.complete ? null : new Promise(done => {
    i.addEventListener("load", done, {once: true}); i.addEventListener("error", done, {once: true}); })));
  return images.map(i => ({src: i.getAttribute("src"), shown: i.getBoundingClientRect().width,
                           natural: i.naturalWidth}));
}"""


def test_chart_text_is_at_least_11_px_on_a_390_px_page(browser, book_url):
    """Measured, not assumed: at 390 px each chart is shown in the column
    chart_rules assumes, so its smallest text (plots.SMALL points at natural
    size) is drawn at least 11 px tall."""
    from browser_support import new_watched_page
    from paper_audit.present import chart_rules, plots

    context, page, _ = new_watched_page(browser)
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        seen = []
        for name in CHAPTERS:
            open_page(page, book_url, f"{name}.html")
            for chart in page.evaluate(CHART_WIDTHS_JS):
                assert chart["natural"] > 0, f"{name}: {chart['src']} did not load"
                assert chart["shown"] >= min(chart["natural"], chart_rules.PHONE_COLUMN_PX) - 1, (name, chart)
                # 10 points at natural size is 13.3 px; shrunk by shown/natural.
                text_px = plots.SMALL * 96 / 72 * min(1.0, chart["shown"] / chart["natural"])
                assert text_px >= 11, f"{name}: {chart['src']} draws its text {text_px:.1f} px tall at 390 px"
                seen.append(chart)
        assert len(seen) >= 5, f"only {len(seen)} charts seen"
    finally:
        context.close()


# --- reading at a phone's and a laptop's width ---------------------------

WIDTHS = (390, 1280)
HEIGHTS = {390: 844, 1280: 800}  # a phone (390x844) and a laptop (1280x800), as issue 26 reads them
SCREENSHOT_PAGES = ("book/intro", "notebooks/chinese_aid", "book/source_text")
SCIENTIFIC = r"\b\d+(?:\.\d+)?[eE][+-]?\d+\b"

LAYOUT_JS = """() => {
  const article = document.querySelector("article.bd-article");
  const column = article.getBoundingClientRect();
  const wide = [];
  for (const el of article.querySelectorAll("table, pre, figure, img")) {
    if (!el.checkVisibility()) continue;
    const box = el.getBoundingClientRect();
    const scrolls = el.tagName === "PRE" && el.scrollWidth > el.clientWidth + 1;
    if (box.left < column.left - 1 || box.right > column.right + 1 || scrolls) {
      wide.push(`${el.tagName.toLowerCase()}.${el.className || "-"}: ${Math.round(box.width)} px`
                + (scrolls ? ` (its code scrolls: ${el.scrollWidth} px)` : ""));
    }
  }
  const text = article.cloneNode(true);
  text.querySelectorAll("pre, code, script, style, .audit-note").forEach(e => e.remove());
  return {
    pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
    column: Math.round(column.width), wide, text: text.textContent,
    claims: Array.from(new Set(Array.from(document.querySelectorAll("[data-claim]"),
                                          e => e.dataset.claim))),
  };
}"""


@pytest.fixture(scope="module")
def layouts(browser, book_url):
    """``layouts(name, width)``: what the page showed at that width (loaded once)."""
    from browser_support import SCREENSHOTS, new_watched_page

    seen = {}

    def layout(name, width):
        if (name, width) not in seen:
            context, page, watch = new_watched_page(browser)
            try:
                page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
                open_page(page, book_url, f"{name}.html")
                found = page.evaluate(LAYOUT_JS)
                found["watch"] = watch
                if name in SCREENSHOT_PAGES:
                    target = SCREENSHOTS / f"{name.replace('/', '__')}@{width}.png"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(target), full_page=True)
                    found["screenshot"] = target
                seen[name, width] = found
            finally:
                context.close()
        return seen[name, width]

    return layout


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_reads_at_phone_and_laptop_width(layouts, name, width):
    """No sideways scrolling; at 1280 px no table, code block or figure is
    wider than the text column; no number in scientific notation; no error."""
    import re

    seen = layouts(name, width)
    assert seen["pageWidth"] <= seen["viewport"], (
        f"{name}.html at {width} px scrolls sideways: the page is {seen['pageWidth']} px wide"
    )
    if width == 1280:
        assert not seen["wide"], (
            f"{name}.html at 1280 px, wider than the {seen['column']} px column:\n  " + "\n  ".join(seen["wide"])
        )
    scientific = re.findall(rf".{{0,30}}{SCIENTIFIC}.{{0,10}}", seen["text"])
    assert not scientific, f"{name}.html prints scientific notation: {scientific[:5]}"
    seen["watch"].assert_clean(f"{name}.html at {width} px")


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_are_kept(layouts, width):
    for name in SCREENSHOT_PAGES:
        shot = layouts(name, width)["screenshot"]
        assert shot.stat().st_size > 10_000, f"{shot} is empty"


def test_every_claim_is_marked_on_the_source_page_and_in_its_chapter(layouts):
    from paper_audit.tables import claims

    table = claims.load_claims()
    on_source = set(layouts("book/source_text", 1280)["claims"])
    missing = sorted(set(table.index) - on_source)
    assert not missing, f"not marked with data-claim on the source-text page: {missing}"
    for chapter, ids in table.groupby("chapter")["id"]:
        shown = set(layouts(f"notebooks/{chapter}", 1280)["claims"])
        missing = sorted(set(ids) - shown)
        assert not missing, f"notebooks/{chapter}.html does not mark: {missing}"


def test_a_figure_s_note_opens_with_the_keyboard_and_a_tap(browser, book_url):
    from browser_support import new_watched_page

    context, page, watch = new_watched_page(browser)
    try:
        open_page(page, book_url, "book/source_text.html")
        claim = page.locator(".audit-claim:has(a.audit-badge)").first
        figure, note = claim.locator(".audit-claim-figure"), claim.locator(".audit-note")
        assert not note.is_visible()
        figure.focus()
        note.wait_for(state="visible")
        links = note.locator("a[href*='#flag-']")
        assert links.count() >= 1, "the note links to no flag"
        page.keyboard.press("Tab")  # onto the badge, the note stays open
        assert note.is_visible()
        page.keyboard.press("Escape")
        note.wait_for(state="hidden")
        watch.assert_clean("book/source_text.html, keyboard")
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        open_page(page, book_url, "book/source_text.html")
        claim = page.locator(".audit-claim").nth(3)
        claim.scroll_into_view_if_needed()
        claim.locator(".audit-claim-figure").tap()
        claim.locator(".audit-note").wait_for(state="visible")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"an open note makes the phone page scroll sideways ({width} px)"
    finally:
        context.close()


def test_front_page_states_what_was_found_and_links_flags(built_html):
    import re

    page = (built_html / "book" / "intro.html").read_text(encoding="utf-8")
    found = page[page.index('class="audit-ranked"') :]
    flags = set(re.findall(r'href="\.\./notebooks/([a-z_]+\.html#flag-[a-z0-9_]+)"', found))
    assert len(flags) >= 3, f"the front page links to {len(flags)} flags: {sorted(flags)}"
    abstract = page[page.index("audit-abstract") : page.index('class="audit-ranked"')]
    assert re.search(r"in \d+\s+checks", re.sub(r"<[^>]+>", "", abstract)), "the count of checks is not stated"


def test_a_chapter_prints_without_sidebars_and_with_readable_badges(watched_page, book_url):
    from browser_support import ARTIFACTS

    page, watch = watched_page
    open_page(page, book_url, "notebooks/chinese_aid.html")
    page.emulate_media(media="print")
    for sidebar in (".bd-sidebar-primary", ".bd-sidebar-secondary", ".bd-header"):
        assert not page.locator(sidebar).first.is_visible(), f"{sidebar} is printed"
    badge = page.locator("article .audit-badge").first
    assert badge.is_visible()
    colour = badge.evaluate("b => getComputedStyle(b).color")
    assert colour not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), colour
    article = page.locator("article.bd-article").evaluate("a => a.getBoundingClientRect().width")
    assert article > 0.8 * page.viewport_size["width"] - 100, f"the printed text column is {article} px"
    target = ARTIFACTS / "print" / "chinese_aid.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(target), print_background=True)
    assert target.stat().st_size > 10_000
    watch.assert_clean("notebooks/chinese_aid.html, printed", console=False)
