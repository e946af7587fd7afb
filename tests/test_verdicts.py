"""The vocabulary is declared once (paper_audit.audit.verdicts) and read from
there; a check kind declares the values it provides; a bug in a kind's code
keeps its traceback instead of passing for bad data."""

import ast
import csv
import html
import itertools
import re
from pathlib import Path

import pandas as pd
import pytest

from check_cases import claim, context, run
from paper_audit import paths
from paper_audit.audit import check_kinds, engine, evidence, gaps, verdicts
from paper_audit.errors import DataError
from paper_audit.present import marks, plots, render, styles

SRC = paths.REPO_ROOT / "src" / "paper_audit"


VOCABULARY = Path(verdicts.__file__).resolve()
TINY = context(claim("a", 5, figure="5 million", factor=1e6))  # one claim: 5 million USD


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings (prose, not code)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def spelled_out(words: list[str], root: Path = SRC) -> list[str]:
    """Where a verdict word is written as a string in code: a one-word verdict
    as a whole string, a longer one anywhere inside a string (docstrings and
    comments are prose and do not count)."""
    hits = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                text = node.value.strip().lower()
                for word in words:
                    if (" " in word and word in text) or text == word:
                        hits.append(f"{path.relative_to(root)}:{node.lineno}: {word!r}")
    return hits


def test_every_verdict_word_is_spelled_out_in_one_module_only():
    words = list(verdicts.VERDICTS)
    found = spelled_out(words)  # the source is read once: each word's own scan would take seconds
    hits = [h for h in found if not h.startswith(str(VOCABULARY.relative_to(SRC)))]
    assert not hits, "verdict words typed outside paper_audit/audit/verdicts.py:\n" + "\n".join(hits)
    # and the module does spell each one out
    missing = unspelled(words, found)
    assert not missing, f"verdict words not spelled out in audit/verdicts.py: {missing}"


def unspelled(words: list[str], hits: list[str], module: str = "audit/verdicts.py") -> list[str]:
    """The words that ``module`` does not spell out as a string in code, given ``spelled_out``'s hits."""
    return [w for w in words if not any(h.startswith(module + ":") and h.endswith(f": {w!r}") for h in hits)]


def test_the_check_that_the_vocabulary_spells_every_word_can_fail(tmp_path):
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / "verdicts.py").write_text(
        '"""A docstring: gross inconsistency."""\nCONSISTENT = "consistent"\n'
    )
    words = ["consistent", "gross inconsistency"]
    assert unspelled(words, spelled_out(words, tmp_path)) == ["gross inconsistency"]


def test_the_word_check_can_fail(tmp_path):
    (tmp_path / "stray.py").write_text(
        '"""A docstring may say partly supported."""\nLABEL = "partly supported"\n'
        'KEY = "consistent"\nPHRASE = "consistent with the rest"\n'
    )
    assert spelled_out(list(verdicts.VERDICTS), tmp_path) == [
        "stray.py:2: 'partly supported'",
        "stray.py:3: 'consistent'",
    ]


def test_every_verdict_has_its_own_style_row_and_the_stylesheet_draws_every_word():
    sheet = styles.stylesheet()
    assert set(styles.STYLES) == set(verdicts.VERDICTS), "one style row per verdict word, and no row for no word"
    for word in verdicts.VERDICTS:
        palette = styles.style(word).palette
        css = verdicts.VERDICTS[word].css_class
        assert f".audit-badge.{css} {{ color: {palette.ink}; background: {palette.tint}; }}" in sheet
        if palette.line:
            assert f".audit-claim.{css} .audit-claim-figure {{ text-decoration-color: {palette.line};" in sheet
    assert len({verdicts.VERDICTS[w].css_class for w in verdicts.VERDICTS}) == len(verdicts.VERDICTS)
    # The hand-written stylesheet holds no verdict colour any more: one place.
    css = (paths.BOOK_DIR / "_static" / "audit.css").read_text(encoding="utf-8")
    assert not re.findall(r"\.verdict-(?!none)[a-z]+[^{]*\{[^}]*colou?r", css)


def colours_in(root: Path) -> list[str]:
    """Where a colour is written in code under ``root`` (a hex colour or an rgb()/rgba())."""
    colour = re.compile(r"#[0-9a-fA-F]{6}\b|rgba?\(")
    return [
        f"{path.name}:{node.lineno}"
        for path in sorted(root.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and colour.search(node.value)
    ]


def test_no_colour_in_the_audit_layer(tmp_path):
    """The audit layer keeps what the words mean; how they are drawn is present/'s."""
    assert not colours_in(SRC / "audit")
    (tmp_path / "stray.py").write_text('INK = "#1b5e20"\nTINT = "rgba(1, 2, 3, .5)"\n')
    assert colours_in(tmp_path) == ["stray.py:1", "stray.py:2"]


@pytest.fixture
def new_word(monkeypatch):
    """A verdict word added to the table for one test, with its own style row."""
    word = "disputed by the archives"
    row = verdicts.Verdict(word, 3, "☍", "warning", "disputed", (verdicts.YARDSTICK,), "a planted word")
    monkeypatch.setitem(verdicts.VERDICTS, word, row)
    monkeypatch.setitem(verdicts.SEVERITY, word, 3)
    palette = styles.Palette("#123456", "#fedcba", line="#654321")
    monkeypatch.setitem(styles.STYLES, word, styles.Style(palette, "#abcdef", "++"))
    return word


def test_a_new_verdict_words_chart_style_css_and_front_page_row_follow_its_rows(new_word):
    # Its own colour and hatch, not those of another word of its severity ("inconsistent": "..").
    assert styles.chart_style(new_word) == ("#abcdef", "++") != styles.chart_style(verdicts.INCONSISTENT)
    css = verdicts.VERDICTS[new_word].css_class
    assert css == "verdict-disputed-by-the-archives"
    sheet = styles.stylesheet()
    assert f".audit-badge.{css} {{ color: #123456; background: #fedcba; }}" in sheet
    assert f".audit-claim.{css} .audit-claim-figure {{ text-decoration-color: #654321;" in sheet
    table = styles.verdict_table()
    yardstick_row = next(r for r in table.split("<tr>") if r.startswith("<td>yardstick</td>"))
    assert f'class="audit-badge {css}"' in yardstick_row and "☍" in yardstick_row
    assert f"{new_word}</span> (a planted word)" in yardstick_row
    assert new_word not in table.replace(yardstick_row, "")  # only under the evidence that can give it


def test_a_verdict_word_without_a_style_row_is_refused(new_word, monkeypatch):
    monkeypatch.delitem(styles.STYLES, new_word)
    with pytest.raises(KeyError, match="has no row in paper_audit.present.styles.STYLES"):
        styles.chart_style(new_word)
    with pytest.raises(KeyError, match="has no row"):
        styles.stylesheet()


def test_the_front_page_table_lists_every_word_under_the_evidence_that_gives_it():
    """What each verdict declares of its evidence is what ``evidence.fit`` does."""
    given: dict[str, set[str]] = {name: set() for name in verdicts.EVIDENCE}
    for name in verdicts.EVIDENCE:
        for grade in verdicts.GRADES:
            for wording in ("", *check_kinds.WORDING_VERDICTS):
                for uncertain, definitional, spread in itertools.product((False, True), (False, True), (None, 0.0)):
                    given[name].add(
                        evidence.fit(
                            name,
                            grade,
                            wording=wording,
                            uncertain=uncertain,
                            definitional=definitional,
                            spread=spread,
                            sources_tolerance=0.1,
                        )
                    )
    declared = {name: {w for w, v in verdicts.VERDICTS.items() if name in v.evidence} for name in verdicts.EVIDENCE}
    assert given == declared
    table = styles.verdict_table()
    for word in verdicts.VERDICTS:
        assert f"{html.escape(word)}</span>" in table, word


def test_badges_charts_and_counts_read_the_table(monkeypatch):
    """Change a row of the table and everything that shows it follows."""
    pair = context(claim("a", 5, figure="5 million", factor=1e6), claim("b", 5, figure="5 million", factor=1e6))
    finding = run(pair, "same_quantity", ["a", "b"], judges="a")
    renamed = verdicts.Verdict(finding.verdict, 4, "★", "danger", "a new short label", (finding.evidence,))
    monkeypatch.setitem(verdicts.VERDICTS, finding.verdict, renamed)
    monkeypatch.setitem(verdicts.SEVERITY, finding.verdict, 4)
    shown = pd.Series({**pair.claim("a"), "measure": "a sum", "period": "", "reported_by": ""})
    badge = marks.claim_mark(shown, [finding], "n")
    css = renamed.css_class
    assert "★" in badge and css in badge and "a new short label" in badge
    assert "★" in render.badge_span(finding) and css in render.badge_span(finding)
    monkeypatch.setitem(styles.STYLES, finding.verdict, styles.STYLES[verdicts.GROSS])
    assert plots.chart_style(finding.verdict) == styles.chart_style(verdicts.GROSS)
    assert marks.worst([finding]) is finding


def test_severity_orders_the_grades_and_problems_start_where_the_table_says():
    ranks = [verdicts.SEVERITY[g] for g in verdicts.GRADES]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert set(verdicts.AGREEING) == {w for w, v in verdicts.VERDICTS.items() if v.severity < verdicts.PROBLEM_FROM}
    assert verdicts.CONSISTENT in verdicts.AGREEING and verdicts.SOURCES_DIFFER not in verdicts.AGREEING


def test_every_kind_declares_what_its_findings_provide():
    """A result refuses a value its kind does not declare (below); here, no kind
    declares a value every finding already has."""
    for name, spec in check_kinds.KIND_SPECS.items():
        assert not spec.provides & engine.TEMPLATE_FIELDS, f"{name} redeclares a field every finding has"


@pytest.fixture
def scratch_kind():
    """A kind registered for one test, removed after it."""
    names = []

    def register(name, function, provides=(), agreement=check_kinds.EQUAL):
        check_kinds.kind(name, roles=("first",), provides=provides, does="a test kind", agreement=agreement)(function)
        names.append(name)

    yield register
    for name in names:
        check_kinds.KINDS.pop(name, None)
        check_kinds.KIND_SPECS.pop(name, None)
        gaps.WORDINGS.pop(name, None)


def test_a_bug_in_a_kind_keeps_its_traceback(scratch_kind):
    def broken(ctx, row, inputs):
        return 1 / 0

    scratch_kind("broken_for_test", broken)
    with pytest.raises(ZeroDivisionError) as caught:
        run(TINY, "broken_for_test", ["a"])
    assert not isinstance(caught.value, DataError)
    assert any("while running check case (kind broken_for_test" in note for note in caught.value.__notes__)
    assert caught.traceback[-1].name == "broken"  # the traceback reaches into the kind's code


def test_a_kind_that_returns_an_undeclared_value_is_a_bug(scratch_kind):
    def chatty(ctx, row, inputs):
        interval = ctx.interval(inputs[0])
        grade, numbers = check_kinds.compare(ctx, interval, interval)
        return check_kinds.Result(
            "chatty_for_test", grade, numbers, stated="", computed="", extras={"declared": 1, "undeclared": 2}
        )

    scratch_kind("chatty_for_test", chatty, provides=("declared",))
    with pytest.raises(check_kinds.ContractError, match="returned undeclared without declaring") as caught:
        run(TINY, "chatty_for_test", ["a"])
    assert caught.traceback[-1].name == "__post_init__"  # refused where the result is built, in the kind's call
    assert any(entry.name == "chatty" for entry in caught.traceback)


def test_a_kind_written_outside_the_contract_is_refused(scratch_kind):
    """A kind that returns a dict of magic keys, as kinds once did, or another kind's result."""

    def untyped(ctx, row, inputs):
        return {"grade": verdicts.CONSISTENT, "stated": "", "computed": ""}

    def impostor(ctx, row, inputs):
        return check_kinds.Result("untyped_for_test", verdicts.CONSISTENT, check_kinds.Comparison(), "", "")

    scratch_kind("untyped_for_test", untyped)
    scratch_kind("impostor_for_test", impostor)
    with pytest.raises(check_kinds.ContractError, match=r"returned dict, not a check_kinds\.Result"):
        run(TINY, "untyped_for_test", ["a"])
    with pytest.raises(check_kinds.ContractError, match="returned Result of kind untyped_for_test"):
        run(TINY, "impostor_for_test", ["a"])


def _numbers(stated, computed, stated_ends=None, computed_ends=None, separation=None):
    s_low, s_high = stated_ends or (None, None)
    c_low, c_high = computed_ends or (None, None)
    return check_kinds.Comparison(
        stated_value=stated,
        computed_value=computed,
        stated_low=s_low,
        stated_high=s_high,
        computed_low=c_low,
        computed_high=c_high,
        separation=separation,
    )


# Results that break a verdict's definition, each refused when it is built. The
# agreement is the kind's declared meaning of "consistent" (check_kinds.AGREEMENTS).
BROKEN = {
    "consistent with unequal figures": (
        check_kinds.EQUAL,
        dict(grade=verdicts.CONSISTENT, numbers=_numbers(100, 101)),
        "'consistent' needs equal figures",
    ),
    "consistent span not inside the words": (
        check_kinds.INSIDE,
        dict(grade=verdicts.CONSISTENT, numbers=_numbers(60, 50, (55, 65), (45, 58))),
        "recomputed span inside the stated one",
    ),
    "consistent events that do not fit": (
        check_kinds.MEETS,
        dict(grade=verdicts.CONSISTENT, numbers=_numbers(None, None, separation=1.3)),
        "needs the two sides to meet",
    ),
    "consistent phrase that does not hold": (
        check_kinds.PHRASE,
        dict(grade=verdicts.CONSISTENT, wording=verdicts.PARTLY, numbers=_numbers(1, 0.9, separation=1.1)),
        "needs the phrase to hold",
    ),
    "within rounding without overlap": (
        check_kinds.EQUAL,
        dict(grade=verdicts.WITHIN_ROUNDING, numbers=_numbers(100, 110, (99.5, 100.5), (109.5, 110.5))),
        "'consistent within rounding' needs the stated and recomputed intervals to overlap",
    ),
    "within rounding with equal figures": (
        check_kinds.EQUAL,
        dict(grade=verdicts.WITHIN_ROUNDING, numbers=_numbers(100, 100, (99.5, 100.5), (99.5, 100.5))),
        "needs figures that differ",
    ),
    "inconsistent with equal figures": (
        check_kinds.EQUAL,
        dict(grade=verdicts.INCONSISTENT, numbers=_numbers(100, 100)),
        "'inconsistent' needs figures that differ",
    ),
    "gross where the sides meet": (
        check_kinds.EQUAL,
        dict(grade=verdicts.GROSS, numbers=_numbers(100, 300, separation=1.0)),
        "'gross inconsistency' needs two sides that do not meet",
    ),
    "supported where the phrase is not met": (
        check_kinds.PHRASE,
        dict(grade=verdicts.INCONSISTENT, wording=verdicts.SUPPORTED, numbers=_numbers(1, 0.5, separation=1.6)),
        "'supported' needs the phrase met",
    ),
    "not supported where the phrase is met": (
        check_kinds.PHRASE,
        dict(grade=verdicts.INCONSISTENT, wording=verdicts.NOT_SUPPORTED, numbers=_numbers(1, 1.2, separation=1.0)),
        "needs a phrase the numbers fall short of",
    ),
    "a verdict word as a grade": (
        check_kinds.EQUAL,
        dict(grade=verdicts.SOURCES_DIFFER, numbers=_numbers(1, 2)),
        "is not a rounding grade",
    ),
    "a wording that is no wording verdict": (
        check_kinds.EQUAL,
        dict(grade=verdicts.INCONSISTENT, wording=verdicts.UNCERTAIN, numbers=_numbers(1, 2)),
        "is not one of",
    ),
    "adverse everywhere without an uncertainty": (
        check_kinds.EQUAL,
        dict(grade=verdicts.INCONSISTENT, adverse_everywhere=True, numbers=_numbers(1, 1.5)),
        "adverse_everywhere is set on a result with no uncertainty",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_result_that_breaks_a_verdicts_definition_is_refused_when_built(scratch_kind, case):
    agreement, fields, message = BROKEN[case]
    scratch_kind("rules_for_test", lambda ctx, row, inputs: None, agreement=agreement)
    with pytest.raises(check_kinds.ContractError, match=re.escape(message)):
        check_kinds.Result("rules_for_test", stated="s", computed="c", **fields)


@pytest.mark.parametrize("case", list(BROKEN))
def test_the_same_results_within_the_rules_are_built(scratch_kind, case):
    """Each planted case, mended, is accepted: the rules refuse the break, not the shape."""
    agreement, fields, _ = BROKEN[case]
    scratch_kind("rules_for_test", lambda ctx, row, inputs: None, agreement=agreement)
    grade, numbers = fields["grade"], fields["numbers"]
    mended = {
        verdicts.CONSISTENT: dict(grade=verdicts.INCONSISTENT, wording="", numbers=numbers),
        verdicts.WITHIN_ROUNDING: dict(grade=verdicts.GROSS, numbers=_numbers(100, 300)),
        verdicts.INCONSISTENT: dict(grade=verdicts.CONSISTENT, numbers=_numbers(100, 100)),
        verdicts.GROSS: dict(grade=verdicts.GROSS, numbers=_numbers(100, 300, separation=3.0)),
        verdicts.SOURCES_DIFFER: dict(grade=verdicts.INCONSISTENT, numbers=numbers),
    }[grade]
    if agreement == check_kinds.PHRASE:
        mended = dict(grade=verdicts.INCONSISTENT, wording=verdicts.PARTLY, numbers=_numbers(1, 0.9, separation=1.1))
    if agreement == check_kinds.MEETS:
        mended = dict(grade=verdicts.INCONSISTENT, numbers=numbers)
    result = check_kinds.Result("rules_for_test", stated="s", computed="c", **mended)
    assert result.kind == "rules_for_test"


@pytest.mark.parametrize(
    "fields, message",
    [
        (dict(stated_low=2.0, stated_high=1.0), "the stated interval runs backwards"),
        (dict(computed_low=5.0, computed_high=4.0), "the computed interval runs backwards"),
        (dict(separation=0.5), "separation 0.5 is below 1"),
        (dict(spread=-0.1), "spread -0.1 is negative"),
    ],
)
def test_a_comparison_that_cannot_be_is_refused_when_built(fields, message):
    with pytest.raises(check_kinds.ContractError, match=re.escape(message)):
        check_kinds.Comparison(**fields)
    assert check_kinds.Comparison(stated_low=1.0, stated_high=2.0, separation=1.0, spread=0.0).separation == 1.0


def test_a_result_of_an_unregistered_kind_is_refused():
    with pytest.raises(check_kinds.ContractError, match="not registered with @kind"):
        check_kinds.Result("no_such_kind_for_test", verdicts.CONSISTENT, check_kinds.Comparison(), "", "")


def test_an_explanation_may_name_only_what_its_kind_provides(tmp_path):
    with open(paths.CHECKS_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["kind"] == "same_quantity")
    row["explanation"] += " ({days_low})"  # a value only date_gap findings provide
    bad = tmp_path / "checks.csv"
    with open(bad, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError, match=r"field 'explanation': \{days_low\} is not a value a same_quantity finding"):
        engine.load_checks(bad)
