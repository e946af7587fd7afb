"""The browser tests' shared visits (``browser_support.BookVisits``), on a
stand-in for the browser: a page is visited once for all the workers of a
run, and a failed visit is reported to each of them."""

from pathlib import Path

import pytest

from browser_support import BookVisits, PageWatch, Visit


class CountedVisits(BookVisits):
    """Visits without a browser, counting them in ``log`` (shared by instances, as a folder is)."""

    def __init__(self, shared: Path, log: list[str], failing: frozenset = frozenset(), port: int = 8001):
        super().__init__(browser=None, book_url=f"http://127.0.0.1:{port}/", shared=shared)
        self.log, self.failing = log, failing

    def _visit(self, name: str) -> Visit:
        self.log.append(name)
        if name in self.failing:
            raise RuntimeError("the page did not load")
        here = self.book_url
        watch = PageWatch(console_errors=[f"boom ({here}x.js)"])
        media = {"images": [{"src": f"{here}a.svg", "alt": "a chart", "width": 10, "height": 5}]}
        hrefs = [f"{here}a.html", "https://example.org/"]
        return Visit(name, watch, True, media, hrefs, f"{here}favicon.ico", Path("/s") / f"{name}.png")


def test_a_page_is_visited_once_for_every_worker_and_read_back_whole(tmp_path):
    log: list[str] = []
    first, second = CountedVisits(tmp_path, log), CountedVisits(tmp_path, log)
    seen = first("book/intro")
    read = second("book/intro")
    assert log == ["book/intro"]
    assert read == seen
    assert isinstance(read.watch, PageWatch) and isinstance(read.screenshot, Path)
    second("notebooks/war_damage")
    assert log == ["book/intro", "notebooks/war_damage"]


def test_a_kept_visit_reads_back_at_the_readers_own_book_address(tmp_path):
    log: list[str] = []
    seen = CountedVisits(tmp_path, log, port=8001)("book/intro")
    read = CountedVisits(tmp_path, log, port=8002)("book/intro")
    assert log == ["book/intro"]
    assert seen.hrefs == ["http://127.0.0.1:8001/a.html", "https://example.org/"]
    assert read.hrefs == ["http://127.0.0.1:8002/a.html", "https://example.org/"]
    assert read.icon == "http://127.0.0.1:8002/favicon.ico"
    assert read.media["images"][0]["src"] == "http://127.0.0.1:8002/a.svg"
    assert read.watch.console_errors == ["boom (http://127.0.0.1:8002/x.js)"]


def test_a_failed_visit_is_reported_to_every_worker_without_visiting_again(tmp_path):
    log: list[str] = []
    failing = frozenset({"book/method"})
    for visits in (CountedVisits(tmp_path, log, failing), CountedVisits(tmp_path, log, failing)):
        with pytest.raises(AssertionError, match=r"book/method\.html could not be visited: RuntimeError: the page"):
            visits("book/method")
    assert log == ["book/method"]


def test_without_a_shared_folder_each_run_visits_on_its_own(tmp_path):
    log: list[str] = []
    alone = CountedVisits(tmp_path, log)
    alone.shared = None
    alone("book/intro")
    alone("book/intro")
    assert log == ["book/intro"]
    assert not list(tmp_path.iterdir())
