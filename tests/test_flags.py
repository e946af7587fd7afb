"""A flag reads like a short paragraph a colleague wrote: the question as its
title, a paragraph that opens with the verdict in words and gives each gap
once, what the finding changes in the argument, and the working (quotes,
computation, yardsticks) folded beneath. Each rule is a function that
returns what is wrong, run on the book's flags and on a planted bad one."""

from __future__ import annotations

import html
import re

import pytest

from paper_audit.audit import engine
from paper_audit.audit.finding import Finding
from paper_audit.present import flags
from paper_audit.tables import claims, reference

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def findings() -> dict[str, Finding]:
    return {f.check: f for f in engine.run_all()}


def finding(**fields) -> Finding:
    """A hand-made finding: a gross gap in the paper's own arithmetic, unless told otherwise."""
    base = dict(
        check="planted_check",
        kind="conversion",
        title="Do the two sums imply one rate?",
        chapter="war_damage",
        inputs=[],
        verdict="gross inconsistency",
        label="gross inconsistency",
        stated="170 million USD",
        computed="3.5 billion USD",
        computation="420 billion / 170 million = 2,471",
        explanation="The two sums imply rates a factor of 20 apart.",
        evidence="arithmetic",
        gap_rel=19.6,
        quotes=[
            {"claim": "c", "page": 2, "footnote": 10, "quote": "430 billion won", "reported_by": "a Soviet report"}
        ],
    )
    base.update(fields)
    return Finding(**base)


def parts(flag_html: str) -> tuple[str, str]:
    """A flag's text as a reader sees it before opening anything, and the text of its fold."""
    shown, _, rest = flag_html.partition("<details")
    folded, _, after = rest.partition("</details>")
    return text(shown + after), text("<details" + folded)


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def lead(flag_html: str) -> str:
    """The verdict's sentence in bold, without its symbol."""
    found = re.search(
        r'<p class="audit-flag-text"><strong>(?:<span aria-hidden="true">[^<]+</span> )?(.*?)</strong>', flag_html
    )
    return html.unescape(found.group(1)) if found else ""


def symbol(flag_html: str) -> str:
    return re.search(r'<span aria-hidden="true">([^<]+)</span>', flag_html).group(1)


def shape_problems(flag_html: str) -> list[str]:
    """What makes a flag read as program output: a table of fields, the working
    in view, the kind of evidence as a bare word in the title, a verdict
    symbol read aloud, a gap in percent of the stated value."""
    problems = []
    if "<table" in flag_html:
        problems.append("a table of fields")
    if flag_html.count("<details") != 1:
        problems.append(f"{flag_html.count('<details')} folds, not one")
    if flag_html.count('class="audit-flag-text"') != 1:
        problems.append("no single paragraph")
    heading = re.search(r'<h3 class="admonition-title" id="flag-title-[a-z0-9_]+">(.*?)</h3>', flag_html)
    if heading is None:
        problems.append("no heading for its title")
        heading = re.search(r'class="admonition-title">(.*?)</', flag_html)
    title = heading.group(1) if heading else ""
    if re.search(r"\((arithmetic|sources|yardstick|wording)\)", title):
        problems.append(f"the kind of evidence as a bare word in the title: {text(title)!r}")
    if not re.search(r'<p class="audit-flag-text"><strong><span aria-hidden="true">[^<]+</span> [A-Z]', flag_html):
        problems.append("no verdict symbol beside the verdict's words, hidden from screen readers")
    shown, _ = parts(flag_html)
    if "of the stated value" in shown:
        problems.append("a gap in percent of the stated value")
    # A clause in words that the explanation completes after its colon (one sentence with it).
    if re.search(r"\d", lead(flag_html)) or not lead(flag_html).endswith(":"):
        problems.append(f"the verdict's sentence is not a sentence in words: {lead(flag_html)!r}")
    return problems


def shown_ids(flag_html: str, ids: set[str]) -> list[str]:
    """Ids of claims, checks, reference facts or sources that a reader sees
    without opening the fold (ids are for the data, not for the prose)."""
    shown, _ = parts(flag_html)
    # An id that is a plain word ("armistice") is prose where it shows; the others are not.
    coded = (i for i in ids if re.search(r"[_\d-]", i))
    return sorted(i for i in coded if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", shown))


def iso_dates(flag_html: str) -> list[str]:
    """Dates written as 1953-07-27 in what a reader sees first (dates are written in words)."""
    return re.findall(r"\b1[89]\d\d-\d\d-\d\d\b", parts(flag_html)[0])


def times_shown(flag_html: str, number: str) -> int:
    return len(re.findall(rf"(?<![\d.]){re.escape(number)}(?![\d])", parts(flag_html)[0]))


def all_ids(findings: dict[str, Finding]) -> set[str]:
    facts = {i for table in reference.load().values() for i in table.index}
    return set(claims.load_claims().index) | set(findings) | facts | set(reference.sources().index)


def test_every_flag_of_the_book_reads_as_a_paragraph(findings):
    problems = [f"{check}: {p}" for check, f in findings.items() for p in shape_problems(flags.flag(f))]
    assert not problems, "\n".join(problems)


def test_a_flag_laid_out_as_fields_is_caught():
    old_style = (
        '<div class="admonition danger audit-flag" id="flag-x" role="note"><p class="admonition-title">'
        "✖ Gross inconsistency (arithmetic): Do the two sums imply one rate?</p>"
        '<table class="audit-computation"><tr><th>Gap</th><td>+1960.0% of the stated value</td></tr></table></div>'
    )
    assert shape_problems(old_style) == [
        "a table of fields",
        "0 folds, not one",
        "no single paragraph",
        "no heading for its title",
        "the kind of evidence as a bare word in the title: '✖ Gross inconsistency (arithmetic): Do the two sums "
        "imply one rate?'",
        "no verdict symbol beside the verdict's words, hidden from screen readers",
        "a gap in percent of the stated value",
        "the verdict's sentence is not a sentence in words: ''",
    ]


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({}, "Gross inconsistency, by the paper's own arithmetic:"),
        (
            {"verdict": "consistent", "label": "consistent", "evidence": "yardstick"},
            "Consistent, by an outside yardstick:",
        ),
        # The label carries the size, which the explanation gives: the bare verdict opens.
        (
            {"verdict": "sources differ grossly", "label": "sources differ by a factor of 21", "evidence": "sources"},
            "Sources differ grossly:",
        ),
        (
            {
                "verdict": "sources differ slightly",
                "label": "sources differ slightly (2.4% apart)",
                "evidence": "sources",
            },
            "Sources differ slightly:",
        ),
        (
            {
                "verdict": "partly supported",
                "label": "partly supported by the paper's numbers",
                "evidence": "wording",
            },
            "Partly supported by the paper's numbers:",
        ),
        (
            {
                "verdict": "uncertain yardstick",
                "label": "off at every candidate rate (USD 278.6 million to 296.1 million)",
                "evidence": "yardstick",
            },
            "Uncertain yardstick, off at every candidate rate:",
        ),
        (
            {
                "verdict": "uncertain yardstick",
                "label": "depends on the yardstick: inconsistent at 2.617; consistent at 2.4618",
                "evidence": "yardstick",
            },
            "Uncertain yardstick:",
        ),
        (
            {"verdict": "holds by definition", "label": "holds by definition", "definitional": True},
            "Holds by definition:",
        ),
    ],
)
def test_the_paragraph_opens_with_the_verdict_in_words(fields, expected):
    shown = flags.flag(finding(**fields))
    assert lead(shown) == expected
    # The paragraph follows the title at once, the verdict's symbol before its words.
    assert parts(shown)[0].startswith(f"Do the two sums imply one rate? {symbol(shown)} {expected}")


def test_each_gap_is_given_once_in_what_shows(findings):
    """The size of a gap shows once: in the explanation, not again in the verdict or a gap row."""
    gaps = {"damage_won_twice": "2.4", "damage_usd_twice": "20", "chinese_debt_official": "296.1"}
    for check, number in gaps.items():
        assert times_shown(flags.flag(findings[check]), number) == 1, check
    # The check can fail: a verdict that repeats the size the explanation gives.
    slight = {
        "verdict": "sources differ slightly",
        "label": "sources differ slightly (2.4% apart)",
        "evidence": "sources",
    }
    once = flags.flag(finding(**slight, explanation="They are 2.4% apart."))
    doubled = once.replace("Sources differ slightly:</strong>", "Sources differ slightly (2.4% apart):</strong>")
    assert (times_shown(once, "2.4"), times_shown(doubled, "2.4")) == (1, 2)


def test_the_working_is_folded_beneath_the_paragraph():
    planted = finding(
        bearing="Nothing in the argument.",
        phrase={"page": 3, "footnote": None, "text": "much more generous"},
        implied_rate="2,471 won per USD",
    )
    shown, folded = parts(flags.flag(planted))
    assert shown == (
        # the verdict's clause and the explanation's first sentence are one sentence
        "Do the two sums imply one rate? ✖ Gross inconsistency, by the paper's own arithmetic: "
        "the two sums imply rates a factor of 20 apart. What it changes. Nothing in the argument. "
        "In the findings register"
    )
    assert folded == (
        "The quotes and the computation The phrase: much more generous (p. 3) 430 billion won (p. 2, note 10) "
        "Stated: 170 million USD Recomputed: 3.5 billion USD "
        "Computation: 420 billion / 170 million = 2,471 Implied rate: 2,471 won per USD "
        "Evidence: the paper's own arithmetic"
    )


def test_a_definition_says_in_the_fold_why_it_is_not_counted():
    _, folded = parts(
        flags.flag(finding(verdict="holds by definition", label="holds by definition", definitional=True))
    )
    assert "Not counted: it restates a definition" in folded
    assert "Not counted" not in parts(flags.flag(finding()))[1]


def test_a_flag_escapes_what_the_data_say():
    planted = finding(
        title=EVIL,
        explanation=EVIL,
        bearing=EVIL,
        computation=EVIL,
        phrase={"page": 3, "footnote": None, "text": EVIL},
        quotes=[{"claim": "c", "page": 2, "footnote": None, "quote": EVIL, "reported_by": EVIL}],
    )
    shown = flags.flag(planted)
    assert "<script>" not in shown
    assert shown.count("&lt;script&gt;") == 6  # title, explanation, bearing, computation, phrase, quote
    listed = flags.reporters([planted])
    assert "<script>" not in listed and "&lt;script&gt;" in listed


def quote(page: int, who: str, when: str = "", why: str = "") -> dict:
    return {
        "claim": "c",
        "page": page,
        "footnote": None,
        "quote": "q",
        "reported_by": who,
        "reported_when": when,
        "reported_why": why,
    }


def reporters_listed(listed_html: str) -> list[str]:
    return [text(item) for item in re.findall(r"<li>(.*?)</li>", listed_html)]


def test_a_chapter_names_each_reporter_once_with_when_why_and_where(findings):
    checks = [
        finding(quotes=[quote(6, "the authors, fn 21", "2012", "the authors' own statement"), quote(2, "DPRK (1957)")]),
        finding(quotes=[quote(5, "the authors, fn 21", "2012", "the authors' own statement"), quote(3, "")]),
    ]
    assert reporters_listed(flags.reporters(checks)) == [
        "DPRK (1957). Quoted on p. 2.",
        "The authors, fn 21, 2012: the authors' own statement. Quoted on pp. 5 and 6.",
    ]
    assert flags.reporters([finding(quotes=[quote(2, "")])]) == ""
    # The book's chapters: every reporter of a quote a check reads is listed, none twice.
    for chapter in ("war_damage", "volunteers"):
        own = [f for f in findings.values() if f.chapter == chapter]
        listed = reporters_listed(flags.reporters(own))
        assert len(listed) == len(set(listed)) > 0, chapter
        for f in own:
            for q in f.quotes:
                who = q["reported_by"][:1].upper() + q["reported_by"][1:]
                assert not who or any(item.startswith(who) for item in listed), (chapter, who)


def test_no_flag_shows_an_id_or_an_iso_date(findings):
    ids = all_ids(findings)
    problems = []
    for check, f in findings.items():
        shown = flags.flag(f)
        problems += [f"{check}: id {i!r}" for i in shown_ids(shown, ids)]
        problems += [f"{check}: date {d!r}" for d in iso_dates(shown)]
    assert not problems, "\n".join(problems)


def test_an_id_or_an_iso_date_in_a_flag_is_caught(findings):
    planted = flags.flag(finding(explanation="The rate (rub_official_1950) held from 1950-03-01."))
    assert shown_ids(planted, all_ids(findings)) == ["rub_official_1950"]
    assert iso_dates(planted) == ["1950-03-01"]
    # The anchor and the link carry the check's id; the reader does not see them.
    assert shown_ids(flags.flag(findings["armistice_month"]), {"armistice_month"}) == []
