"""Shared fixtures for the tests that read or drive the built book.

Test modules load this file with ``pytest_plugins = ["browser_support"]``, so
pytest registers its fixtures once: the book is built once per session however
many modules use it (a fixture *imported* into two modules would be built twice).

* ``built_html``: the book built strictly into a temporary folder (as
  ``tests/test_build.py`` does), once per run: when the suite runs on several
  workers (pytest-xdist), the first to need it builds it under a lock in the
  run's shared temporary folder, and the others wait and read it. Set
  ``PAPER_AUDIT_BOOK_HTML`` to an already built ``html`` folder to skip the
  build while working on these tests.
* ``book_url``: that folder served over HTTP on 127.0.0.1 (a free port) from a
  background thread, stopped at the end of the session.
* ``browser``: Debian's Chromium driven by Playwright. Playwright cannot
  download its own browsers here; ``PAPER_AUDIT_CHROMIUM`` names another
  executable. A missing browser skips the browser tests, or fails them when
  ``CI`` is set.
* ``watched_page``: a page whose console errors, failed requests, HTTP errors
  and requests to any host but 127.0.0.1 (aborted) are recorded.
* ``visit``: ``visit(name)`` loads a toc page once per session and keeps what
  it showed (problems, images, links, axe-core results, a full-page screenshot
  in test-artifacts/screenshots/), for the tests that only read a page.
"""

from __future__ import annotations

import fcntl
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from paper_audit import paths
from paper_audit.tables import toc

REPO_ROOT = paths.REPO_ROOT
ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
LOCAL_HOST = "127.0.0.1"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium reaches for the network, which is closed here.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# An upper bound for each browser action, generous for a busy 2-core machine;
# no test waits for a fixed time.
TIMEOUT_MS = 60_000


# --- the table of contents -------------------------------------------------


def toc_pages(root: Path = REPO_ROOT) -> list[str]:
    """Every page of ``_toc.yml`` in reading order, without suffix."""
    return toc.toc_pages(root)


def notebook_pages(root: Path = REPO_ROOT) -> list[str]:
    """The toc pages whose source is a notebook (they carry launch and download buttons)."""
    return [p for p in toc_pages(root) if (root / f"{p}.ipynb").exists()]


def chapter_pages(root: Path = REPO_ROOT) -> list[str]:
    """The audit's chapters: the toc pages notebooks/*, not those in its subfolders."""
    return [p for p in toc_pages(root) if p.startswith("notebooks/") and p.count("/") == 1]


# --- the built book --------------------------------------------------------


def build_book(out: Path) -> Path:
    """Build the book strictly into ``out/html``, generated files into ``out/generated``."""
    env = dict(os.environ, PAPER_AUDIT_OUTPUT_DIR=str(out / "generated"))
    result = subprocess.run(
        [sys.executable, "-m", "paper_audit.run.build", "--root", str(REPO_ROOT), "--html", str(out / "html")],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    assert result.returncode == 0, "the book did not build:\n" + result.stdout[-4000:] + result.stderr[-4000:]
    # Kept for the tests that read what the build printed (tests/test_build.py).
    (out / "build.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    return out / "html"


def shared_build(folder: Path) -> Path:
    """The book built once into ``folder`` for every worker of the run: the
    first worker builds under the lock; a failed build is remembered, so the
    others fail at once with its message instead of building again."""
    folder.mkdir(parents=True, exist_ok=True)
    failed = folder / "build-failed.txt"
    with open(folder / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if failed.exists():
            pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
        if not (folder / "html" / "index.html").exists():
            try:
                build_book(folder)
            except AssertionError as error:
                failed.write_text(str(error), encoding="utf-8")
                raise
    return folder / "html"


@pytest.fixture(scope="session")
def built_html(tmp_path_factory) -> Path:
    prebuilt = os.environ.get("PAPER_AUDIT_BOOK_HTML")
    if prebuilt:
        html = Path(prebuilt).resolve()
        assert (html / "index.html").exists(), f"PAPER_AUDIT_BOOK_HTML={prebuilt} holds no built book"
        return html
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # The workers' temporary folders share their parent: this run's.
        return shared_build(tmp_path_factory.getbasetemp().parent / "browser-book")
    return build_book(tmp_path_factory.mktemp("browser-book"))


@pytest.fixture(scope="session")
def built_generated(built_html) -> Path | None:
    """The outputs of the session's one build of the book (its execution cache
    and what each notebook read), for copies of the project to start from;
    None when a book built elsewhere (PAPER_AUDIT_BOOK_HTML) has none beside it."""
    generated = built_html.parent / "generated"
    return generated if generated.is_dir() else None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def book_url(built_html):
    """The base URL (ending in /) of the built book, served on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(built_html))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="book-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- the browser -----------------------------------------------------------


def chromium_path() -> Path:
    return Path(os.environ.get("PAPER_AUDIT_CHROMIUM") or "/usr/bin/chromium")


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if not executable.exists():
        _unavailable(
            f"no Chromium at {executable}: install Debian's chromium (apt-get install chromium) "
            "or point PAPER_AUDIT_CHROMIUM at a Chromium executable"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"Playwright for Python is not installed ({error})")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        except Exception as error:  # a broken install: say so instead of erroring every test
            _unavailable(f"Chromium at {executable} did not start: {error}")
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageWatch:
    """What went wrong while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self, console: bool = True) -> list[str]:
        return (
            [f"request to another host (aborted): {u}" for u in self.external_requests]
            + ([f"console error: {m}" for m in self.console_errors] if console else [])
            + [f"failed request: {m}" for m in self.failed_requests]
            + [f"HTTP error: {m}" for m in self.http_errors]
        )

    def assert_clean(self, what: str = "the page", console: bool = True):
        """Fail listing every problem; ``console=False`` leaves console errors to
        the page-load test, so that one cause does not fail every test."""
        problems = self.problems(console)
        if problems:
            pytest.fail(f"{what}:\n  " + "\n  ".join(problems), pytrace=False)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "javascript"):
        return True
    return parts.hostname == LOCAL_HOST


def new_watched_page(browser, color_scheme: str = "light"):
    """A page in a fresh context (1280x900) and the ``PageWatch`` recording its
    problems; requests to any host but 127.0.0.1 are aborted and recorded."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme=color_scheme, service_workers="block"
    )
    context.set_default_timeout(TIMEOUT_MS)
    watch = PageWatch()

    def route(route):
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            watch.external_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console",
        lambda m: m.type == "error" and watch.console_errors.append(f"{m.text} ({m.location.get('url', '')})"),
    )
    page.on("pageerror", lambda e: watch.console_errors.append(f"uncaught exception: {e}"))
    page.on("requestfailed", lambda r: _is_local(r.url) and watch.failed_requests.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and watch.http_errors.append(f"{r.status} {r.url}"))
    return context, page, watch


@pytest.fixture
def watched_page(browser):
    """A fresh page and its ``PageWatch``, for tests that click through the book."""
    context, page, watch = new_watched_page(browser)
    try:
        yield page, watch
    finally:
        context.close()


def open_page(page, book_url: str, path: str):
    """Go to ``path`` (relative to the book) and wait for its load event and its fonts."""
    response = page.goto(book_url + path, wait_until="load")
    assert response is not None and response.ok, f"{path}: {response.status if response else 'no response'}"
    page.evaluate("document.fonts.ready.then(() => true)")
    return response


# --- one visit per page, shared by the tests that only read a page ---------

IMAGES_JS = """async () => {
  const images = Array.from(document.images);
  images.forEach(i => { if (i.loading === "lazy") i.loading = "eager"; });
  // Every image ends in "load" or "error"; no timer, which a busy machine
  // could outrun and report a slow image as a broken one.
  await Promise.all(images.map(i => i.complete ? null : new Promise(done => {
    i.addEventListener("load", done, {once: true});
    i.addEventListener("error", done, {once: true});
  })));
  const linked = Array.from(document.querySelectorAll(
    "object[data$='.svg'], object[type='image/svg+xml'], embed[src$='.svg']"));
  return {
    images: images.map(i => ({src: (i.currentSrc || i.src).slice(0, 100), alt: i.getAttribute("alt"),
                              width: i.naturalWidth, height: i.naturalHeight})),
    linked: linked.map(o => {
      const svg = o.getSVGDocument && o.getSVGDocument();
      const box = svg && svg.documentElement && svg.documentElement.getBoundingClientRect();
      return {src: o.getAttribute("data") || o.getAttribute("src"),
              width: box ? box.width : 0, height: box ? box.height : 0};
    }),
    // Inline SVG that is rendered (icons inside closed dropdowns are not).
    inline: Array.from(document.querySelectorAll("svg")).filter(s => s.checkVisibility()).map(s => {
      const box = s.getBoundingClientRect();
      return {where: s.id || s.getAttribute("class") || s.parentElement.tagName, width: box.width, height: box.height};
    }),
  };
}"""

AXE_ALL_RULES = {"resultTypes": ["violations"], "preload": False}
AXE_CONTRAST_ONLY = {
    "runOnly": {"type": "rule", "values": ["color-contrast"]},
    "resultTypes": ["violations"],
    "preload": False,
}


@dataclass
class Visit:
    """What one load of a page showed: its problems, images, links, axe results
    (all rules in the light theme; colour contrast again after the reader's
    system switches to dark) and where its screenshot is."""

    name: str
    watch: PageWatch
    title_visible: bool
    media: dict
    hrefs: list[str]
    icon: str | None  # the URL of the favicon the page declares
    screenshot: Path
    axe_light: dict | None = None
    axe_dark: dict | None = None
    axe_missing: str = ""  # axe-playwright-python is not installed
    axe_failure: str = ""  # axe raised
    dark_failure: str = ""  # the page did not follow the system to the dark theme


# Stands for the visiting worker's book address in a kept visit (see BookVisits).
BOOK_URL_KEPT = "paper-audit-book://"


class BookVisits:
    """Loads each page once per run, on first request, and keeps what it showed.

    With ``shared`` (a folder every worker of the run sees), a visit is kept
    there too, as JSON: the worker that first asks for a page visits it under
    that page's lock, and the others read what it saw. The browser tests and
    the accessibility tests run on different workers and read the same
    visits, each of which takes seconds (a full-page screenshot and two axe
    runs). Addresses in a kept visit are read back at the reader's own book
    address (each worker serves the book on a port of its own)."""

    def __init__(self, browser, book_url: str, shared: Path | None = None):
        self.browser, self.book_url, self.shared = browser, book_url, shared
        self._cache: dict[str, Visit | str] = {}

    def __call__(self, name: str) -> Visit:
        if name not in self._cache:
            self._cache[name] = self._shared_visit(name) if self.shared else self._visit_or_failure(name)
        found = self._cache[name]
        if isinstance(found, str):  # every test of this page reports it, none crashes the others
            raise AssertionError(f"{name}.html could not be visited: {found}")
        return found

    def _visit_or_failure(self, name: str) -> Visit | str:
        try:
            return self._visit(name)
        except Exception as error:
            return f"{type(error).__name__}: {error}"

    def _shared_visit(self, name: str) -> Visit | str:
        assert self.shared is not None
        self.shared.mkdir(parents=True, exist_ok=True)
        kept = self.shared / (name.replace("/", "__") + ".json")
        with open(kept.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not kept.exists():
                found = self._visit_or_failure(name)
                record = {"failure": found} if isinstance(found, str) else {"visit": asdict(found)}
                # Each worker serves the book at an address of its own: kept without it.
                text = json.dumps(record, default=str).replace(self.book_url, BOOK_URL_KEPT)
                kept.write_text(text, encoding="utf-8")
        record = json.loads(kept.read_text(encoding="utf-8").replace(BOOK_URL_KEPT, self.book_url))
        if "failure" in record:
            return record["failure"]
        fields = record["visit"]
        return Visit(**{**fields, "watch": PageWatch(**fields["watch"]), "screenshot": Path(fields["screenshot"])})

    def _visit(self, name: str) -> Visit:
        context, page, watch = new_watched_page(self.browser)
        try:
            open_page(page, self.book_url, f"{name}.html")
            title_visible = page.locator("article.bd-article h1").first.is_visible()
            media = page.evaluate(IMAGES_JS)
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            icon = page.evaluate(
                "() => { const l = document.querySelector(\"link[rel~='icon']\"); return l ? l.href : null; }"
            )
            screenshot = SCREENSHOTS / f"{name}.png"
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
            visit = Visit(name, watch, title_visible, media, hrefs, icon, screenshot)
            # Axe takes a few seconds: requests the page makes late still land in
            # ``watch`` (axe itself fetches nothing, its CSS preload is off).
            try:
                self._run_axe(page, visit)
            except Exception as error:
                visit.axe_failure = f"{type(error).__name__}: {error}"
            return visit
        finally:
            context.close()

    @staticmethod
    def _run_axe(page, visit: Visit):
        try:
            from axe_playwright_python.base import AXE_SCRIPT
        except ImportError as error:
            visit.axe_missing = f"axe-playwright-python is not installed ({error})"
            return
        page.evaluate(AXE_SCRIPT)
        run = "options => axe.run(document, options)"
        visit.axe_light = page.evaluate(run, AXE_ALL_RULES)
        # The theme follows the reader's system (mode "auto"): switch the system to dark.
        page.add_style_tag(
            content="*, *::before, *::after { transition: none !important; animation: none !important; }"
        )
        page.emulate_media(color_scheme="dark")
        # The book's theme follows the system (html_context default_mode: auto).
        # Waiting up to the action timeout, not a few seconds: on a busy machine
        # a short wait would silently skip the dark check.
        try:
            page.wait_for_function("document.documentElement.dataset.theme === 'dark'", timeout=TIMEOUT_MS)
        except Exception as error:
            visit.dark_failure = f"the page did not switch to the dark theme with the system: {error}"
            return
        visit.axe_dark = page.evaluate(run, AXE_CONTRAST_ONLY)


@pytest.fixture(scope="session")
def visit(browser, book_url, tmp_path_factory):
    """``visit(name)``: the ``Visit`` of page ``name`` (a toc entry, without .html),
    shared by the workers of the run (see ``BookVisits``)."""
    shared = None
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # In this run's folder, which all its workers share: no visit outlives the run.
        shared = tmp_path_factory.getbasetemp().parent / "browser-visits"
    return BookVisits(browser, book_url, shared)
