"""The findings register a reader can navigate (issue 26): each finding's
title is a heading, so that a screen reader jumps from one to the next; the
sort controls are real buttons in headers that say how they sort; a
"Problems only" filter knows which rows are problems; routine confirmations
stand in a table of their own. Each rule is shown to catch a planted fault."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser

import pytest

from paper_audit import paths
from paper_audit.audit import engine
from paper_audit.present import register
from paper_audit.present.chapter import CHAPTER_TITLES


@pytest.fixture(scope="module")
def findings():
    return engine.run_all()


class Outline(HTMLParser):
    """The headings, buttons, header cells and rows of a piece of HTML."""

    def __init__(self):
        super().__init__()
        self.headings, self.buttons, self.headers, self.rows = [], [], [], []
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag, ""]
        elif tag == "button":
            self.buttons.append(attrs)
        elif tag == "th":
            self.headers.append(attrs)
        elif tag == "tr" and "id" in attrs:
            self.rows.append(attrs)

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data

    def handle_endtag(self, tag):
        if self._heading and tag == self._heading[0]:
            self.headings.append(tuple(self._heading))
            self._heading = None


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def heading_problems(html: str, findings) -> list[str]:
    """Every finding's title is a heading of the register's level."""
    shown = {text.replace("’", "'") for tag, text in outline(html).headings if tag == f"h{register.TITLE_LEVEL}"}
    return [f"{f.check}: its title is not a heading" for f in findings if f.title.replace("’", "'") not in shown]


def test_every_finding_title_is_a_heading(findings):
    main, _ = register.split(findings)
    assert not heading_problems(register.register(main, CHAPTER_TITLES), main)
    assert register.TITLE_LEVEL == 3, "under the page's title (h1) and a section (h2): no level skipped"


def test_a_title_that_is_not_a_heading_is_caught(findings):
    html = register.register(findings[:3], CHAPTER_TITLES)
    planted = re.sub(r"<h3 ([^>]*)>(.*?)</h3>", r"<strong \1>\2</strong>", html, count=1)
    assert heading_problems(planted, findings[:3]), "a title set in bold, not as a heading, passed"


def test_the_sort_controls_are_real_buttons_in_headers_that_say_how_they_sort(findings):
    seen = outline(register.register(findings, CHAPTER_TITLES))
    sorts = [b for b in seen.buttons if "audit-sort" in b.get("class", "")]
    assert len(sorts) == len(register.COLUMNS) and all(b.get("type") == "button" for b in sorts)
    assert all(h.get("aria-sort") == "none" and h.get("scope") == "col" for h in seen.headers)


def test_each_row_says_whether_it_is_a_problem(findings):
    rows = outline(register.register(findings, CHAPTER_TITLES)).rows
    flagged = {r["id"].removeprefix("finding-") for r in rows if r.get("data-problem") == "true"}
    assert flagged == {f.check for f in findings if f.counted}
    assert all(r.get("data-problem") in ("true", "false") for r in rows)
    assert flagged, "the book's register has problems for the filter to show"


def test_routine_confirmations_stand_apart(findings):
    """A routine check that agrees goes to the routine table; one that is a
    problem stays among the problems, whatever the flag says."""
    agreeing = copy.copy(next(f for f in findings if not f.counted and not f.definitional))
    counted = copy.copy(next(f for f in findings if f.counted))
    agreeing.routine = counted.routine = True
    others = [f for f in findings if f.check not in (agreeing.check, counted.check)]
    main, routine = register.split([*others, agreeing, counted])
    assert [f.check for f in routine] == [f.check for f in others if register.is_routine(f)] + [agreeing.check]
    assert counted.check in {f.check for f in main} and agreeing.check not in {f.check for f in main}
    assert len(main) + len(routine) == len(findings)


def test_an_empty_group_says_so():
    assert register.register([], CHAPTER_TITLES) == f'<p class="audit-register-none">{register.NONE}</p>'


def test_the_filter_is_a_toggle_button_with_a_status_line():
    tools = register.toolbar()
    button = outline(tools).buttons
    assert button == [{"type": "button", "class": "audit-filter", "aria-pressed": "false"}]
    assert 'role="status"' in tools and "hidden" in tools.split(">")[0], "shown only once the script works"
    script = (paths.BOOK_DIR / "_static" / "audit.js").read_text(encoding="utf-8")
    for needed in (".audit-register-tools", "aria-pressed", "dataset.problem", "aria-sort", "tools.hidden = false"):
        assert needed in script, f"audit.js does not handle {needed}"


def test_hidden_rows_stay_hidden_where_a_phone_stacks_them():
    """On a phone every row is a block (display: block), which would undo the
    browser's [hidden]: the register's stylesheet hides them again."""
    css = (paths.BOOK_DIR / "_static" / "register.css").read_text(encoding="utf-8")
    rule = re.search(r"table\.audit-register tr\[hidden\][^{]*\{([^}]*)\}", css)
    assert rule and "display: none !important" in rule.group(1)
    button = re.search(r"button\.audit-sort \{([^}]*)\}", css)
    assert button and re.search(r"border: 1px solid", button.group(1)), "the sort buttons do not look like buttons"


def test_the_register_page_has_the_sections_its_headings_need():
    import json

    cells = json.loads((paths.BOOK_DIR / "findings.ipynb").read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells)
    order = [
        text.index(s)
        for s in (
            "register.toolbar()",
            "## Problems and agreements",
            "register.register(main",
            "## Routine confirmations",
            "register.register(routine",
        )
    ]
    assert order == sorted(order), "filter, then problems and agreements, then the routine confirmations"
