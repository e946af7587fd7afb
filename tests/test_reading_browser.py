"""The book as a historian reads it, in Chromium at a phone's width (390 px)
and a laptop's (1280 px): the paper comes before the code, badges sit after
a whole figure with its unit, prose carries no ids, ISO dates or ranges from
a value to itself, and charts' alt texts have no scientific notation.

Screenshots of the front page, one chapter and the source page at both
widths go to test-artifacts/screenshots/reading/: the first screen
(``<page>-<width>-fold.png``, what a reader sees before scrolling), the
whole page (``<page>-<width>-full.png``) and, for the chapter and the source
page, the part that is their point (``<page>-<width>-detail.png``: the
chapter's first flag with its working open; the first page of the paper with
its figures marked)."""

from __future__ import annotations

import csv
import re

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import SCREENSHOTS, chapter_pages, new_watched_page, open_page, toc_pages  # noqa: E402
from paper_audit import paths  # noqa: E402
from paper_audit.present import marks  # noqa: E402
from paper_audit.tables import reference  # noqa: E402

pytest_plugins = ["browser_support"]
pytestmark = [pytest.mark.browser, pytest.mark.build]

PAGES = toc_pages()
CHAPTERS = chapter_pages()
WIDTHS = {"phone": (390, 844), "laptop": (1280, 800)}
SHOWN = ["book/intro", "notebooks/chinese_aid", "book/source_text"]
READING = SCREENSHOTS / "reading"
# {page: (the element a detail screenshot shows, script run before)}.
DETAIL = {
    "book/source_text": ("section.audit-page", ""),
    "notebooks/chinese_aid": (
        ".audit-flag",
        "document.querySelectorAll('details.audit-flag-details').forEach(d => { d.open = true; })",
    ),
}

# The text a reader reads: the article without code, its outputs' scripts and
# styles, and the figure notes, which repeat what the figures say. Folded
# details count: a reader opens them.
PROSE_JS = """() => {
  const article = document.querySelector("article.bd-article") || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll("pre, code, script, style, .cell_input, .highlight, .audit-note, .headerlink")
      .forEach(e => e.remove());
  return copy.textContent.replace(/\\s+/g, " ");
}"""

# For every verdict badge in the paper's text: the text just before and just
# after it (notes left out), so that a badge between a figure and its unit,
# or inside a word, shows.
BADGE_NEIGHBOURS_JS = """() => {
  const scopes = document.querySelectorAll("blockquote.audit-quote, section.audit-page");
  const found = [];
  scopes.forEach(scope => {
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT, {
      acceptNode: n => n.parentElement.closest(".audit-note") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT
    });
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    scope.querySelectorAll(".audit-badge").forEach(badge => {
      if (badge.closest(".audit-note")) return;
      let before = "", after = "";
      for (const t of texts) {
        if (badge.contains(t)) continue;
        const position = badge.compareDocumentPosition(t);
        if (position & Node.DOCUMENT_POSITION_PRECEDING) before = (before + t.textContent).slice(-30);
        else if ((position & Node.DOCUMENT_POSITION_FOLLOWING) && after.length < 30) after += t.textContent;
      }
      found.push({badge: badge.textContent.trim(), before: before, after: after.slice(0, 30)});
    });
  });
  return found;
}"""

# Where the first quotation of the paper and the first code cell stand.
ORDER_JS = """() => {
  const quote = document.querySelector("blockquote.audit-quote");
  const code = document.querySelector(".cell_input");
  if (!quote) return "no quotation";
  if (!code) return "ok";
  return (quote.compareDocumentPosition(code) & Node.DOCUMENT_POSITION_FOLLOWING) ? "ok" : "code first";
}"""

UNIT_WORDS = ("percent", "per cent", "million", "billion", "trillion", "won", "rubles", "yuan", "dollars", "divisions")
ISO_DATE = re.compile(r"\b1[89]\d\d-[01]\d(-[0-3]\d)?\b")
# "x to x" or "x…x" where both ends are the same number or date.
SELF_RANGE = re.compile(r"(?<![\w.,])(\d[\d,.]*(?: (?:million|billion|trillion))?)(?: to |…|–)\1(?![\w,]|\.\d)")
SCIENTIFIC = re.compile(r"\d(\.\d+)?e[+-]?\d", re.IGNORECASE)


def identifiers() -> set[str]:
    """Every id a reader must never meet in prose: claims, checks, reference facts."""
    ids = set()
    for name in ("claims.csv", "checks.csv"):
        with open(paths.DATA_DIR / name, encoding="utf-8", newline="") as handle:
            ids |= {row["id"] for row in csv.DictReader(handle)}
    for table in reference.load().values():
        ids |= set(table.index)
    # An id that is also a plain word ("armistice") is not a leak.
    return {i for i in ids if "_" in i}


def prose_problems(text: str, ids: set[str]) -> list[str]:
    problems = [f"id {i!r}" for i in sorted(ids) if re.search(rf"\b{re.escape(i)}\b", text)]
    problems += [f"ISO date {m.group(0)!r}" for m in ISO_DATE.finditer(text)]
    problems += [f"range from a value to itself {m.group(0)!r}" for m in SELF_RANGE.finditer(text)]
    return problems


def badge_problems(neighbours: list[dict]) -> list[str]:
    problems = []
    for seen in neighbours:
        after = seen["after"]
        where = f"{seen['before'][-20:]!r} [{seen['badge']}] {after[:20]!r}"
        # (An empty string is "in" every string: test the character, not the slice.)
        if after[:1].isalnum() or (after and after[0] in "-‑") or (seen["before"] and seen["before"][-1] in "-‑"):
            problems.append(f"a badge inside a word: {where}")
        elif any(re.match(rf"\s+{word}\b", after, re.IGNORECASE) for word in UNIT_WORDS):
            problems.append(f"a badge between a figure and its unit: {where}")
    return problems


def test_the_checks_can_fail():
    """Each detector finds what it is meant to, on hand-made text."""
    ids = {"damage_estimate_usd_dprk"}
    found = prose_problems("see damage_estimate_usd_dprk from 1953-09-20 to 1953-09-20; 4.00 to 4.00 days", ids)
    assert any("id" in p for p in found) and any("ISO date" in p for p in found)
    assert any("'4.00 to 4.00'" in p for p in found)
    assert not prose_problems("from 4 to 40 days, 250 million to 2,500 million, 20 September 1953", ids)
    assert badge_problems([{"badge": "⚠ inconsistent", "before": "was 33.3", "after": " percent of"}])
    assert badge_problems([{"badge": "= holds", "before": "a Three", "after": "-Year Plan"}])
    assert not badge_problems([{"badge": "⚠ inconsistent", "before": "33.3 percent", "after": " of the aid"}])
    assert not badge_problems([{"badge": "✓ consistent", "before": "until 1958", "after": ""}])


@pytest.fixture(scope="module")
def reader_pages(browser, book_url):
    """``(page, watch)`` for each width, reused page by page."""
    opened = {}
    for width, (w, h) in WIDTHS.items():
        context, page, watch = new_watched_page(browser)
        page.set_viewport_size({"width": w, "height": h})
        opened[width] = (context, page, watch)
    yield {width: (page, watch) for width, (_, page, watch) in opened.items()}
    for context, _, _ in opened.values():
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", SHOWN)
def test_screenshots_at_both_widths(reader_pages, book_url, name, width):
    page, watch = reader_pages[width]
    open_page(page, book_url, f"{name}.html")
    READING.mkdir(parents=True, exist_ok=True)
    stem = f"{name.split('/')[-1]}-{WIDTHS[width][0]}"
    for suffix, full in (("fold", False), ("full", True)):
        shot = READING / f"{stem}-{suffix}.png"
        page.screenshot(path=str(shot), full_page=full)
        assert shot.stat().st_size > 0, shot
    # And the part of the page that is its point: the first page of the paper
    # with its figures marked; the chapter's gravest flag with its working open.
    if name in DETAIL:
        selector, prepare = DETAIL[name]
        if prepare:
            page.evaluate(prepare)
        # The sticky header and the skip link would lie across a tall element's shot.
        page.add_style_tag(content=".bd-header, .bd-header-article, .skip-link { display: none !important; }")
        shot = READING / f"{stem}-detail.png"
        page.locator(selector).first.screenshot(path=str(shot))
        assert shot.stat().st_size > 0, shot
    # Nothing wider than the screen: no sideways scrolling.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name}.html at {WIDTHS[width][0]} px scrolls sideways by {overflow} px"


@pytest.mark.parametrize("name", PAGES)
def test_prose_has_no_ids_iso_dates_or_self_ranges(reader_pages, book_url, name):
    page, _ = reader_pages["laptop"]
    open_page(page, book_url, f"{name}.html")
    problems = prose_problems(page.evaluate(PROSE_JS), identifiers())
    assert not problems, f"{name}.html:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_badges_follow_the_whole_figure(reader_pages, book_url, name):
    page, _ = reader_pages["laptop"]
    open_page(page, book_url, f"{name}.html")
    problems = badge_problems(page.evaluate(BADGE_NEIGHBOURS_JS))
    assert not problems, f"{name}.html:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", CHAPTERS)
def test_the_paper_comes_before_the_code(reader_pages, book_url, name):
    """Counting folded code: a reader sees its button before the quotation otherwise."""
    page, _ = reader_pages["laptop"]
    open_page(page, book_url, f"{name}.html")
    assert page.evaluate(ORDER_JS) == "ok", f"{name}.html: a code cell comes before the paper's first quotation"


@pytest.mark.parametrize("name", PAGES)
def test_alt_texts_have_plain_numbers(reader_pages, book_url, name):
    page, _ = reader_pages["laptop"]
    open_page(page, book_url, f"{name}.html")
    alts = page.eval_on_selector_all("img[alt]", "images => images.map(i => i.alt)")
    bad = [alt for alt in alts if SCIENTIFIC.search(alt)]
    assert not bad, f"{name}.html: scientific notation in alt text: {bad}"


# Words of the register's visible cells that the browser breaks across lines
# ("The war damag e"): a word whose range has more than one line box. A line
# may end after a hyphen or dash ("1954-/1955"), so those end a word here.
BROKEN_WORDS_JS = """() => {
  const broken = [];
  document.querySelectorAll("table.audit-register td").forEach(cell => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.parentElement.checkVisibility()) continue;
      const pattern = /[^\\s\\-\u2013]+/g;
      let match;
      while ((match = pattern.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  });
  return broken;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_register_keeps_its_words_whole(reader_pages, book_url, width):
    page, _ = reader_pages[width]
    open_page(page, book_url, "book/findings.html")
    broken = page.evaluate(BROKEN_WORDS_JS)
    assert not broken, f"book/findings.html at {WIDTHS[width][0]} px breaks words across lines: {broken}"


def test_the_paper_comes_before_its_ocr_variants_on_a_phone(reader_pages, book_url):
    """On the source page at 390 px the paper's first sentence is read before
    any variant reading of the OCR layers (which once came first, 4,300 px of
    them), and the paper's section titles are headings."""
    page, _ = reader_pages["phone"]
    open_page(page, book_url, "book/source_text.html")
    tops = page.evaluate(
        """() => {
          const top = e => e ? e.getBoundingClientRect().top + window.scrollY : null;
          return {paper: top(document.querySelector(".audit-page-body")),
                  variant: Math.min(...Array.from(document.querySelectorAll(
                    ".audit-variants li, .audit-variant-clean, .audit-variant-raw")).map(top)),
                  headings: Array.from(document.querySelectorAll("h4.audit-paper-section"), h => h.textContent)};
        }"""
    )
    assert tops["paper"] is not None, "the source page shows no page of the paper"
    assert tops["variant"] is not None and tops["variant"] < 1e9, "the source page lists no variant reading"
    assert tops["paper"] < tops["variant"], (
        f"the paper starts {tops['paper']:.0f} px down, below the first OCR variant at {tops['variant']:.0f} px"
    )
    assert tops["headings"] == list(marks.SECTION_TITLES), tops["headings"]


# The search controls a reader sees on the first screen (the outermost of each
# nested pair; the search dialog, closed, is not shown).
SEARCH_CONTROLS_JS = """() => {
  const control = ".search-button-field, .search-button, .bd-search, #searchbox, form[role=search]";
  const onScreen = r => r.width > 4 && r.height > 4 && r.bottom > 0 && r.top < innerHeight &&
                        r.right > 0 && r.left < innerWidth;
  return Array.from(document.querySelectorAll(control + ", input[type=search]"))
    .filter(e => !e.parentElement.closest(control))
    .filter(e => e.checkVisibility() && !e.closest("dialog:not([open])"))
    .filter(e => onScreen(e.getBoundingClientRect()))
    .map(e => e.className || e.id || e.tagName);
}"""


@pytest.mark.parametrize("name", ["book/intro", "notebooks/chinese_aid"])
def test_one_search_box_on_the_first_screen(reader_pages, book_url, name):
    page, _ = reader_pages["laptop"]
    open_page(page, book_url, f"{name}.html")
    shown = page.evaluate(SEARCH_CONTROLS_JS)
    assert len(shown) == 1, f"{name} at 1280 px shows {len(shown)} search controls on its first screen: {shown}"


# The theme's icons as a reader sees them: each shown icon element draws a
# glyph of Font Awesome's web font (the 1.45 MB script that redrew them as SVG
# is left out, paper_audit.present.sphinx_fixes).
ICONS_JS = """async () => {
  await document.fonts.ready;
  const icons = Array.from(document.querySelectorAll("i[class*='fa-']")).filter(i => i.checkVisibility());
  const bad = icons.filter(i => {
    const before = getComputedStyle(i, "::before");
    const box = i.getBoundingClientRect();
    // Its width only: Font Awesome's fa-lg sets a line height of .05em, by design.
    return !/Font Awesome/.test(before.fontFamily) || ["none", "normal", '""'].includes(before.content) ||
           box.width < 4;
  }).map(i => i.className);
  return {shown: icons.length, bad, font: document.fonts.check('900 16px "Font Awesome 6 Free"')};
}"""


def test_the_theme_s_icons_are_drawn_without_the_icon_script(reader_pages, book_url, built_html):
    from paper_audit.present import sphinx_fixes

    script = built_html / sphinx_fixes.ICON_SCRIPT
    assert script.stat().st_size < 2_000, f"{script.name} weighs {script.stat().st_size:,} bytes"
    page, _ = reader_pages["laptop"]
    open_page(page, book_url, "notebooks/chinese_aid.html")
    icons = page.evaluate(ICONS_JS)
    assert icons["shown"] >= 3, f"only {icons['shown']} icons shown"
    assert not icons["bad"], f"icons without their glyph: {icons['bad']}"
    assert icons["font"], "Font Awesome's web font did not load"


def _page_weight_bench():
    """bench/page_weight.py, the benchmark that prints what a cold load transfers."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("page_weight", paths.REPO_ROOT / "bench" / "page_weight.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_front_page_and_a_chapter_weigh_at_most_1_mb(browser, book_url):
    """A cold load (cache off, no compression, the plain static server of the
    tests) of the front page and of a chapter transfers at most 1 MB (issue 26;
    they weighed 2.5 MB, 1.45 MB of it Font Awesome's script)."""
    bench = _page_weight_bench()
    for name in bench.PAGES:
        files = bench.weigh(browser, book_url + name)
        total = sum(size for _, size in files)
        heaviest = ", ".join(f"{address.removeprefix(book_url)} {size:,}" for address, size in files[:5])
        assert total <= bench.LIMIT, f"{name}: {total:,} bytes in {len(files)} requests; heaviest: {heaviest}"


BACK_TO_TOP_JS = """async () => {
  const button = document.getElementById("pst-back-to-top");
  if (!button) return {found: false};
  const frame = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  window.scrollTo(0, 3000); await frame();
  window.scrollTo(0, 2500); await frame();  // scrolling up: the theme shows its button
  return {found: true, asked: button.style.display, shown: button.checkVisibility()};
}"""


def test_no_floating_button_covers_the_text_on_a_phone(reader_pages, book_url):
    page, _ = reader_pages["phone"]
    open_page(page, book_url, "notebooks/chinese_aid.html")
    state = page.evaluate(BACK_TO_TOP_JS)
    assert state["found"], "the theme's back-to-top button is gone: this test no longer tests it"
    assert state["asked"] == "block", f"the theme did not ask for its button ({state})"
    assert not state["shown"], "the floating back-to-top button is shown over the text on a phone"
