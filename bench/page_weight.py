"""Page weight benchmark: prints what a reader's browser transfers on a cold
load of the front page and of one chapter of the built book.

The built HTML (``_build/html``, or ``--html``) is served by Python's plain
static HTTP server on 127.0.0.1 (no compression), and each page is loaded in
Chromium (Debian's, or ``PAPER_AUDIT_CHROMIUM``) in a fresh browser context
with the cache disabled; every response's body is counted as it arrives. It
prints, per page, the bytes and requests in all and the five heaviest files.
Issue 26 asks for at most 1 MB per page; nothing here passes or fails.

    .venv/bin/python bench/page_weight.py [--html _build/html] [PAGE ...]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
PAGES = ("book/intro.html", "notebooks/chinese_aid.html")
CHROMIUM = os.environ.get("PAPER_AUDIT_CHROMIUM", "/usr/bin/chromium")
LIMIT = 1_000_000  # bytes: issue 26's budget for a page's first load


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def serve(html: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``html`` on a free port of 127.0.0.1; the server and its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="page-weight-server", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def weigh(browser, url: str) -> list[tuple[str, int]]:
    """(address, bytes received) of every response a cold load of ``url`` gets."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    try:
        page = context.new_page()
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        addresses: dict[str, str] = {}
        received: dict[str, int] = {}
        session.on("Network.responseReceived", lambda e: addresses.__setitem__(e["requestId"], e["response"]["url"]))
        session.on(
            "Network.loadingFinished",
            lambda e: received.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        return sorted(((addresses.get(i, i), n) for i, n in received.items()), key=lambda item: -item[1])
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=REPO / "_build" / "html", help="the built book")
    parser.add_argument("pages", nargs="*", default=list(PAGES), help="pages, relative to the built book")
    args = parser.parse_args(argv)
    missing = [p for p in args.pages if not (args.html / p).is_file()]
    if missing:
        print(f"{args.html}: no such page {', '.join(missing)} (build the book: make book)", file=sys.stderr)
        return 2
    server, base = serve(args.html)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            try:
                for name in args.pages:
                    files = weigh(browser, base + name)
                    total = sum(n for _, n in files)
                    verdict = "within" if total <= LIMIT else "over"
                    print(f"{name}: {total:,} bytes in {len(files)} requests ({verdict} the {LIMIT:,}-byte budget)")
                    for address, size in files[:5]:
                        print(f"  {size:>10,}  {address.removeprefix(base)}")
            finally:
                browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
