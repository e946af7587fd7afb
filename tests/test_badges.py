"""A badge sits on the figure its check judges, after the figure's word and
unit, and nowhere else: not on a figure that only feeds the check, not
between "33.3" and "percent", not inside "Three-Year Plan", not in our own
prose. Read off the real claims and findings, as every chapter quotes them
and as the source-text page shows them (no build needed)."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

from check_cases import checks_copy
from paper_audit import paths
from paper_audit.audit import engine, verdicts
from paper_audit.errors import DataError
from paper_audit.present import marks, render
from paper_audit.tables import claims as claims_table
from paper_audit.text import passages

# Words that belong to the figure before them, written out here (not read
# from ``marks``) so that the test does not share the code's blind spots.
UNIT_WORDS = (
    "percent",
    "per cent",
    "million",
    "billion",
    "trillion",
    "won",
    "rubles",
    "yuan",
    "Chinese yuan",
    "dollars",
    "US dollars",
    "divisions",
    "Chinese divisions",
    "armies",
    "years",
    "months",
    "weeks",
    "days",
    "stages",
    "Plan",
)


class _Badges(HTMLParser):
    """The text of a piece of HTML, notes left out, and every verdict badge in
    it: the claim it sits in, the check its link names, and where it stands."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, set[str], str | None]] = []
        self.text = ""
        self.badges: list[dict] = []
        self._badge: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        self.stack.append((tag, classes, attrs.get("data-claim")))
        if tag == "a" and "audit-badge" in classes and not self._in_note():
            claim = next((c for _, _, c in reversed(self.stack) if c), None)
            check = re.search(r"#flag-([a-z0-9_]+)$", attrs.get("href") or "")
            self._badge = {"claim": claim, "check": check and check.group(1), "at": len(self.text), "css": classes}

    def handle_endtag(self, tag):
        closed = self.stack.pop()
        assert closed[0] == tag, f"</{tag}> closes <{closed[0]}>"
        if self._badge is not None and tag == "a":
            self._badge["end"] = len(self.text)
            self.badges.append(self._badge)
            self._badge = None

    def handle_data(self, data):
        if self._badge is None and not self._in_note():
            self.text += data

    def _in_note(self) -> bool:
        return any("audit-note" in classes for _, classes, _ in self.stack)


def read_badges(html: str) -> list[dict]:
    """Each badge with ``before`` and ``after``: the text just before and after it."""
    parser = _Badges()
    parser.feed(html)
    parser.close()
    assert not parser.stack, "unclosed elements"
    for badge in parser.badges:
        badge["before"], badge["after"] = parser.text[: badge["at"]], parser.text[badge["at"] :]
    return parser.badges


@pytest.fixture(scope="module")
def table():
    return claims_table.load_claims()


@pytest.fixture(scope="module")
def findings(table):
    return {f.check: f for f in engine.run_all(claims=table)}


def quoted_html(table, findings, pages) -> dict[str, str]:
    """{where: HTML}: each chapter's quoted sentences (the sentences of its
    claims, as ``chapter.quotes`` shows them) and each page of the source text."""
    by_claim = marks.findings_by_claim(findings.values())
    shown = {}
    for chapter, ids in table.groupby("chapter").groups.items():
        found = passages.passages(table, list(ids), pages)
        shown[f"chapter {chapter}"] = marks.passages(table, found, by_claim, pages, id_prefix=f"note-{chapter}")
    for number, page in pages.items():
        shown[f"page {number}"] = marks.annotated_page(page, table, by_claim)
    return shown


def misplaced(findings, shown: dict[str, str]) -> list[str]:
    """Badges on a figure their check does not judge, or from a check that cannot fail."""
    problems = []
    for where, html in shown.items():
        for badge in read_badges(html):
            finding = findings.get(badge["check"])
            if finding is None or badge["claim"] not in finding.judges or finding.definitional:
                problems.append(f"{where}: {badge['claim']} wears the badge of {badge['check']}")
    return problems


def splits(shown: dict[str, str]) -> list[str]:
    """Badges inside a word or between a figure and its unit."""
    problems = []
    for where, html in shown.items():
        for badge in read_badges(html):
            before, after = badge["before"], badge["after"]
            seen = f"{where}: {before[-25:]!r} [badge] {after[:25]!r}"
            if re.match(r"[^\W_]|[-‐‑]", after) or re.search(r"[-‐‑]$", before):
                problems.append(f"a badge inside a word: {seen}")
            elif any(re.match(rf"\s+{re.escape(word)}\b", after) for word in UNIT_WORDS):
                problems.append(f"a badge between a figure and its unit: {seen}")
    return problems


def badges_on(claim_id: str, shown: dict[str, str]) -> list[dict]:
    return [b for html in shown.values() for b in read_badges(html) if b["claim"] == claim_id]


def test_each_badge_sits_on_a_figure_its_check_judges(table, findings, pages):
    shown = quoted_html(table, findings, pages)
    assert sum(len(read_badges(html)) for html in shown.values()) >= 10, "too few badges to test"
    assert not misplaced(findings, shown), "\n".join(misplaced(findings, shown))


def test_no_badge_splits_a_figure_from_its_unit_or_a_word(table, findings, pages):
    shown = quoted_html(table, findings, pages)
    assert not splits(shown), "\n".join(splits(shown))


def adverse_on(claim_id: str, findings, shown: dict[str, str]) -> list[str]:
    """The adverse verdicts among the badges a figure wears."""
    worn = [findings[b["check"]].verdict for b in badges_on(claim_id, shown)]
    return [v for v in worn if verdicts.SEVERITY[v] >= verdicts.PROBLEM_FROM]


@pytest.mark.parametrize("claim_id", ["cpv_divisions_left_1954_55", "zhou_kim_first_meeting_date"])
def test_a_confirmed_figure_wears_no_adverse_badge(table, findings, pages, claim_id):
    """Nineteen divisions (confirmed by the official history) and the 16 November
    meeting (right; a phrase about the delay before it is what is weighed): not
    even if every check that only reads them were gross."""
    shown = quoted_html(table, findings, pages)
    assert any(f'data-claim="{claim_id}"' in html for html in shown.values()), f"{claim_id} is not quoted"
    assert not adverse_on(claim_id, findings, shown)
    reading = {
        check: dataclasses.replace(f, verdict=verdicts.GROSS) if claim_id not in f.judges else f
        for check, f in findings.items()
    }
    assert any(claim_id in f.inputs and f.verdict == verdicts.GROSS for f in reading.values()), "nothing to test"
    assert not adverse_on(claim_id, reading, quoted_html(table, reading, pages))


def test_each_counted_problem_shows_on_the_figures_it_judges(table, findings, pages):
    shown = quoted_html(table, findings, pages)
    counted = [f for f in findings.values() if f.counted and f.judges]
    assert len({f.problem for f in counted}) >= 3, "too few counted problems judge a figure: nothing to test"
    for finding in counted:
        for claim_id in finding.judges:
            worn = badges_on(claim_id, shown)
            assert worn, f"{claim_id} wears no badge, though {finding.check} judges it and counts"
            # The gravest judging check's badge: at least as grave as this one.
            for badge in worn:
                assert verdicts.SEVERITY[findings[badge["check"]].verdict] >= verdicts.SEVERITY[finding.verdict]


def test_a_definitional_check_puts_a_badge_on_nothing(table, findings, pages):
    definitional = [f for f in findings.values() if f.definitional and f.judges]
    assert definitional, "no definitional check judges a figure: nothing to test"
    shown = quoted_html(table, findings, pages)
    for finding in definitional:
        for claim_id in finding.judges:
            assert all(b["check"] != finding.check for b in badges_on(claim_id, shown)), claim_id


def test_the_figure_opens_its_note_and_other_checks_are_listed_quietly(table, findings):
    """The figure stays the focusable element; a check that only reads the
    figure is linked in its note, without a coloured badge."""
    by_claim = marks.findings_by_claim(findings.values())
    # read by the rates the conversions imply and by the official-rate check, judged by neither
    claim_id = "chinese_debt_cancelled_yuan"
    mark = marks.claim_mark(table.loc[claim_id], by_claim[claim_id], "n")
    assert re.search(r'<span class="audit-claim-figure" tabindex="0"[^>]*>729 million</span>', mark), mark
    assert "#flag-chinese_yuan_usd_rates" in mark
    assert "audit-badge" not in mark and "verdict-none" in mark


def test_prose_gets_a_quiet_link_not_a_coloured_badge(findings):
    finding = findings["damage_won_usd_rates"]
    link = render.badge(finding)
    assert "audit-badge" not in link and "verdict-" not in link
    assert f'href="../notebooks/{finding.chapter}.html#flag-{finding.check}"' in link
    # The verdict in words, in brackets, so the sentence says what was found.
    assert f">({finding.label})</a>" in link


def test_the_detectors_find_what_they_look_for(table, findings, pages, monkeypatch):
    """Planted bad cases: the badge of every check a figure feeds (the old
    rule), and the badge glued right after the figure's digits."""
    monkeypatch.setattr(marks, "judging", lambda claim_id, found: list(found))
    monkeypatch.setattr(marks, "figure_end", lambda text, claim, limit: int(claim["figure_end"]))
    shown = quoted_html(table, findings, pages)
    wrong = misplaced(findings, shown)
    assert any("chinese_debt_cancelled_usd wears the badge of chinese_yuan_usd_rates" in p for p in wrong), wrong
    assert any("definitional" in p or "three_year_plan_length" in p for p in misplaced(findings, shown))
    gross = {check: dataclasses.replace(f, verdict=verdicts.GROSS) for check, f in findings.items()}
    assert adverse_on("cpv_divisions_left_1954_55", gross, quoted_html(table, gross, pages))
    found = splits(shown)
    assert any("between a figure and its unit" in p and "33.3" in p for p in found), found
    assert any("inside a word" in p and "Three" in p for p in found), found


def _checks_with(tmp_path, check_id: str, judges: str):
    """A copy of checks.csv whose row ``check_id`` judges ``judges``."""
    return checks_copy(tmp_path, check_id, judges=judges)


@pytest.mark.parametrize(
    "judges, says",
    [("damage_estimate_won_dprk", "not among the check's inputs"), ("soviet_aid_usd chinese_gift_usd", "not among")],
)
def test_a_judged_figure_must_be_an_input(tmp_path, table, judges, says):
    target, line = _checks_with(tmp_path, "soviet_aid_fn21", judges)
    with pytest.raises(DataError) as error:
        engine.load_checks(target, table)
    message = str(error.value)
    assert "checks.csv" in message and f"line {line}" in message and "field 'judges'" in message, message
    assert says in message and repr(judges.split()[-1]) in message


def test_a_reference_fact_cannot_be_judged(tmp_path, table):
    target, _ = _checks_with(tmp_path, "soviet_aid_official", "rub_official_1950")
    with pytest.raises(DataError, match=r"field 'judges'.*reference fact"):
        engine.load_checks(target, table)


def test_the_real_judges_load(table, findings):
    checks = {row["id"]: row for row in engine.load_checks(paths.CHECKS_CSV, table)}
    for check_id, finding in findings.items():
        assert finding.judges == checks[check_id]["judges"].split()
        assert set(finding.judges) <= set(finding.inputs), check_id


def test_no_figure_whose_checks_all_agree_wears_a_warning(table, findings, pages):
    """Every quoted figure: where every check that judges it agrees (each
    verdict below the first that can make a problem), it wears no adverse
    badge, in any chapter or on the annotated source."""
    shown = quoted_html(table, findings, pages)
    judged_by: dict[str, list] = {}
    for f in findings.values():
        for claim_id in f.judges:
            judged_by.setdefault(claim_id, []).append(f)
    agreeing = [
        c for c, fs in judged_by.items() if all(verdicts.SEVERITY[f.verdict] < verdicts.PROBLEM_FROM for f in fs)
    ]
    assert len(agreeing) >= 10, "too few figures whose checks all agree: nothing to test"
    wrong = {c: adverse_on(c, findings, shown) for c in agreeing if adverse_on(c, findings, shown)}
    assert not wrong, wrong
    # It can fail: a judging check made gross puts its warning on the figure.
    some = agreeing[0]
    check = next(f.check for f in judged_by[some])
    worse = {**findings, check: dataclasses.replace(findings[check], verdict=verdicts.GROSS)}
    assert adverse_on(some, worse, quoted_html(table, worse, pages))
