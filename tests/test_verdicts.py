"""The vocabulary is declared once (paper_audit.audit.verdicts) and read from
there; a check kind declares the values it provides; a bug in a kind's code
keeps its traceback instead of passing for bad data."""

import ast
import csv
import re
from pathlib import Path

import pytest

from check_cases import claim, context, run
from paper_audit import paths
from paper_audit.audit import check_kinds, engine, verdicts
from paper_audit.errors import DataError
from paper_audit.present import marks, plots, render
from paper_audit.tables import claims as claims_table

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
    hits = [h for h in spelled_out(words) if not h.startswith(str(VOCABULARY.relative_to(SRC)))]
    assert not hits, "verdict words typed outside paper_audit/audit/verdicts.py:\n" + "\n".join(hits)
    # and the module does spell each one out
    assert all(h for w in words for h in spelled_out([w]) if h.startswith("audit/verdicts.py"))


def test_the_word_check_can_fail(tmp_path):
    (tmp_path / "stray.py").write_text(
        '"""A docstring may say partly supported."""\nLABEL = "partly supported"\n'
        'KEY = "consistent"\nPHRASE = "consistent with the rest"\n'
    )
    assert spelled_out(list(verdicts.VERDICTS), tmp_path) == [
        "stray.py:2: 'partly supported'",
        "stray.py:3: 'consistent'",
    ]


def test_every_verdict_has_a_style_and_the_stylesheet_draws_every_style():
    sheet = verdicts.stylesheet()
    for word, verdict in verdicts.VERDICTS.items():
        assert verdict.style in verdicts.STYLES, word
    for style in verdicts.STYLES.values():
        assert f".audit-badge.{style.css_class} {{ color: {style.ink}; background: {style.tint}; }}" in sheet
        if style.line:
            assert (
                f".audit-claim.{style.css_class} .audit-claim-figure {{ text-decoration-color: {style.line};" in sheet
            )
    # The hand-written stylesheet holds no verdict colour any more: one place.
    css = (paths.BOOK_DIR / "_static" / "audit.css").read_text(encoding="utf-8")
    assert not re.findall(r"\.verdict-(?!none)[a-z]+[^{]*\{[^}]*colou?r", css)


def test_badges_charts_and_counts_read_the_table(monkeypatch):
    """Change a row of the table and everything that shows it follows."""
    finding = engine.run_all()[0]
    renamed = verdicts.Verdict(finding.verdict, 4, "★", "gross", "danger", "a new short label")
    monkeypatch.setitem(verdicts.VERDICTS, finding.verdict, renamed)
    monkeypatch.setitem(verdicts.SEVERITY, finding.verdict, 4)
    assert finding.judges, "the first check judges no figure: nothing to show a badge on"
    claim = claims_table.load_claims().loc[finding.judges[0]]
    badge = marks.claim_mark(claim, [finding], "n")
    assert "★" in badge and "verdict-gross" in badge and "a new short label" in badge
    assert "★" in render.badge_span(finding) and "verdict-gross" in render.badge_span(finding)
    assert plots.chart_style(finding.verdict) == verdicts.chart_style(verdicts.GROSS)
    assert marks.worst([finding]) is finding


def test_severity_orders_the_grades_and_problems_start_where_the_table_says():
    ranks = [verdicts.SEVERITY[g] for g in verdicts.GRADES]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert set(verdicts.AGREEING) == {w for w, v in verdicts.VERDICTS.items() if v.severity < verdicts.PROBLEM_FROM}
    assert verdicts.CONSISTENT in verdicts.AGREEING and verdicts.SOURCES_DIFFER not in verdicts.AGREEING


def test_every_kind_declares_what_its_findings_provide():
    """Running the book's checks would raise if a kind returned a value it does
    not declare; here, every declared value is also one an explanation may use."""
    for name, spec in check_kinds.KIND_SPECS.items():
        assert not spec.provides & engine.TEMPLATE_FIELDS, f"{name} redeclares a field every finding has"
    assert len(engine.run_all()) > 0


@pytest.fixture
def scratch_kind():
    """A kind registered for one test, removed after it."""
    names = []

    def register(name, function, provides=()):
        check_kinds.kind(name, roles=("first",), provides=provides, does="a test kind")(function)
        names.append(name)

    yield register
    for name in names:
        check_kinds.KINDS.pop(name, None)
        check_kinds.KIND_SPECS.pop(name, None)


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
        return {
            **check_kinds.compare(ctx, interval, interval),
            "stated": "",
            "computed": "",
            "extras": {"declared": 1, "undeclared": 2},
        }

    scratch_kind("chatty_for_test", chatty, provides=("declared",))
    with pytest.raises(TypeError, match="returned undeclared without declaring"):
        run(TINY, "chatty_for_test", ["a"])


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
