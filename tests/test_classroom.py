"""The classroom section: ``check`` grades every question against an answer
computed from the data and never shows it; the student copies hold no
solution material but every exercise and answer cell, and they run; a
notebook with an unclosed solution-start is refused; the assignments keep the
chapters' skeleton and type no figure in prose."""

import json
import math
import re
import subprocess

import nbformat
import pandas as pd
import pytest

from paper_audit import classroom, cli, claims, paths, rounding
from paper_audit.classroom import QUESTIONS, check
from paper_audit.errors import DataError

ASSIGNMENTS = sorted(classroom.CLASSROOM_DIR.glob("*.ipynb"))
NAMES = ["01_recompute_a_conversion", "02_implied_rates", "03_audit_a_passage"]
GATE = re.compile(r"^[ \t]*(`{3,}|:{3,})\{solution-(start|end)\}", re.M)

pytest_plugins = ["browser_support"]  # the one shared build of the book


def test_the_three_assignments_are_there():
    assert [p.stem for p in ASSIGNMENTS] == NAMES


# ---------------------------------------------------------------- check


def right_answer(question):
    if question == "passage_claims":
        return classroom._passage_claims()
    return QUESTIONS[question].compute()


def wrong_answer(question):
    rule, expected = QUESTIONS[question].rule, right_answer(question)
    if isinstance(rule, classroom.Verdict):
        return next(v for v in rounding.VERDICTS if v != expected)
    if isinstance(rule, classroom.Boolean):
        return not expected
    if isinstance(rule, classroom.Count):
        return int(expected) + 1
    if isinstance(rule, classroom.Numbers):
        return list(expected[:-1]) + [expected[-1] * 1.5]
    if isinstance(rule, classroom.IntervalRule):
        return (expected.low * 0.9, expected.high * 1.1)
    if isinstance(rule, classroom.SameFigures):
        return expected.drop(index=expected.index[0])
    return expected * 1.5 if expected else 1.0


def spellings(value):
    """Ways the expected value could be printed, for the no-reveal test."""
    if isinstance(value, pd.DataFrame):
        out = set()
        for kind, v in classroom._figures_of(value):
            out |= {v} if kind == "date" else spellings(v)
        return out
    if isinstance(value, rounding.Interval):
        return spellings(value.low) | spellings(value.high)
    if isinstance(value, (list, tuple)):
        return set().union(*(spellings(v) for v in value))
    x = float(value)
    forms = {repr(x), f"{x:g}", f"{x:.3g}", f"{x:.4g}", f"{x:.2f}", f"{x:,.0f}", f"{x:,.2f}"}
    if abs(x) >= 1e6:
        forms |= {f"{x / 1e6:g}", f"{x / 1e6:.4g}", f"{x / 1e6:,.2f}"}
    # A single digit cannot be told from a count or an ordinal in the message.
    return {f for f in forms if len(re.sub(r"\D", "", f)) >= 2}


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_check_accepts_the_computed_answer(question, capsys):
    assert check(question, right_answer(question)) is True
    out = capsys.readouterr().out
    assert "correct" in out and question in out
    assert QUESTIONS[question].rule.tolerance() in out, "the tolerance is stated"


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_check_refuses_a_wrong_answer_with_a_hint_and_never_the_answer(question, capsys):
    assert check(question, wrong_answer(question)) is False
    out = capsys.readouterr().out
    assert "not right yet" in out and "Hint:" in out and QUESTIONS[question].hint in out
    expected = right_answer(question)
    if isinstance(QUESTIONS[question].rule, classroom.Verdict):
        # "consistent" is in every verdict's name: no verdict is named at all.
        assert "consistent" not in out.lower(), out
    elif isinstance(expected, bool):
        assert str(expected) not in out, out
    else:
        for form in spellings(expected):
            assert not re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d])", out), f"{form!r} printed: {out}"


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_an_unanswered_question_does_not_raise(question, capsys):
    assert check(question, None) is False
    assert "not answered yet" in capsys.readouterr().out


def test_verdicts_are_accepted_whatever_the_case():
    expected = QUESTIONS["gift_verdict"].compute()
    assert check("gift_verdict", f"  {expected.upper()} ")
    assert check("passage_conversion", QUESTIONS["passage_conversion"].compute().title())
    assert not check("gift_verdict", "no such verdict")


def test_expected_answers_come_from_the_data():
    table = claims.load_claims()
    rubles = claims.absolute(table.loc["soviet_aid_rubles"])
    rate = claims.absolute(table.loc["fn21_rate_rubles"]) / claims.absolute(table.loc["fn21_rate_usd"])
    assert math.isclose(QUESTIONS["soviet_usd"].compute(), rubles / rate)
    assert QUESTIONS["yuan_one_rate"].compute() in rounding.VERDICTS
    source = (paths.REPO_ROOT / "src" / "paper_audit" / "classroom.py").read_text(encoding="utf-8")
    registry = source[source.index("_A1, _A2, _A3 ="):source.index("def check(")]
    for verdict in rounding.VERDICTS:
        assert f'"{verdict}"' not in registry and f"'{verdict}'" not in registry


def test_wrong_types_get_a_message_not_an_exception(capsys):
    assert not check("soviet_usd", "a lot")
    assert not check("ruble_rates", [1.0])
    assert not check("debt_rate_interval", "wide")
    assert not check("debt_gift_agree", "yes")
    assert not check("passage_flagged", 2.5)
    assert not check("passage_claims", [1, 2])
    assert capsys.readouterr().out.count("Hint:") == 6


def test_an_unknown_question_is_an_error():
    with pytest.raises(KeyError, match="no question"):
        check("no_such_question", 1)


def test_every_question_is_asked_and_solved_in_its_assignment():
    for question in QUESTIONS.values():
        notebook = nbformat.read(classroom.CLASSROOM_DIR / f"{question.assignment}.ipynb", as_version=4)
        calls = [c for c in notebook.cells if c.cell_type == "code" and f'check("{question.id}"' in c.source]
        answer_cells = [c for c in calls if "solution" not in c.metadata.get("tags", [])]
        solutions = [c for c in calls if "solution" in c.metadata.get("tags", [])]
        assert len(answer_cells) == 1 and "None" in answer_cells[0].source, question.id
        assert len(solutions) == 1, question.id


# ---------------------------------------------------------------- student copies


def solution_cells(notebook):
    """The code of the original's solution cells: inside gated markers or tagged."""
    inside, found = False, []
    for cell in notebook.cells:
        gates = [m.group(2) for m in GATE.finditer(cell.source)] if cell.cell_type == "markdown" else []
        if gates:
            inside = gates[-1] == "start"
            continue
        if inside or {"solution", "hidden-tests"} & set(cell.metadata.get("tags", [])):
            found.append(cell.source)
    return found


def exercises(notebook):
    return [line for c in notebook.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if re.match(r"^[`:]{3,}\{exercise\}", line)]


def answer_cells(notebook):
    solutions = set(solution_cells(notebook))
    return [c.source for c in notebook.cells
            if c.cell_type == "code" and "check(" in c.source and c.source not in solutions]


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("hand-out") / "student"
    written = classroom.write_student_versions(classroom.CLASSROOM_DIR, out)
    assert [p.name for p in written] == [f"{n}.ipynb" for n in NAMES]
    assert all(p.parent == out.resolve() and p.exists() for p in written)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_the_student_copy_holds_no_solution(student_dir, name):
    original = nbformat.read(classroom.CLASSROOM_DIR / f"{name}.ipynb", as_version=4)
    student = nbformat.read(student_dir / f"{name}.ipynb", as_version=4)
    nbformat.validate(student)
    text = json.dumps(student)
    assert "solution-start" not in text and "solution-end" not in text and "{solution}" not in text
    assert solution_cells(original), "the assignment has solutions to strip"
    sources = [c.source for c in student.cells]
    for code in solution_cells(original):
        assert code not in sources, f"solution code kept: {code[:60]!r}"
    for cell in student.cells:
        assert not {"solution", "hidden-tests"} & set(cell.metadata.get("tags", []))
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    # Every exercise and every answer cell is kept, in order.
    assert exercises(student) == exercises(original) and exercises(original)
    assert answer_cells(student) == answer_cells(original) and answer_cells(original)
    assert all("None" in source for source in answer_cells(student))


@pytest.mark.parametrize("name", NAMES)
def test_the_student_copy_runs(student_dir, name, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path / "generated"))
    notebook = nbformat.read(student_dir / f"{name}.ipynb", as_version=4)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(run_dir)}}).execute()
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert printed.count("not answered yet") == len(answer_cells(notebook))
    assert "✓" not in printed and "✗" not in printed


def markdown_notebook(cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(s) if kind == "md" else nbformat.v4.new_code_cell(s)
                      for kind, s in cells]
    return notebook


def test_strip_solutions_handles_every_form():
    notebook = markdown_notebook([
        ("md", "Text before.\n\n````{solution} ex-a\n:class: dropdown\n\n```python\nsecret_a = 1\n```\n````\n\nText after."),
        ("md", ":::{solution} ex-b\nsecret_b\n:::"),
        ("md", ":::{solution-start} ex-c\n:class: dropdown\n:::"),
        ("code", "secret_c = 3"),
        ("md", ":::{solution-end}\n:::"),
        ("code", "answer = None"),
        ("code", "secret_d = 4"),
        ("code", "secret_e = 5"),
    ])
    notebook.cells[6].metadata["tags"] = ["solution"]
    notebook.cells[7].metadata["tags"] = ["hidden-tests"]
    notebook.cells[5].outputs = [nbformat.v4.new_output("stream", text="old output")]
    notebook.cells[5].execution_count = 7
    stripped = classroom.strip_solutions(notebook, name="case.ipynb")
    text = json.dumps(stripped)
    assert "secret" not in text and "solution" not in text
    assert [c.source for c in stripped.cells] == ["Text before.\n\nText after.", "answer = None"]
    assert stripped.cells[1].outputs == [] and stripped.cells[1].execution_count is None
    assert notebook.cells[5].outputs, "the original is left alone"


def broken_notebook(folder, name):
    folder.mkdir(parents=True, exist_ok=True)
    notebook = markdown_notebook([("md", "# Broken"), ("md", "```{solution-start} ex\n:class: dropdown\n```"),
                                  ("code", "answer = 42")])
    nbformat.write(notebook, folder / name)


def test_an_unclosed_solution_start_is_refused_naming_the_notebook(tmp_path):
    source = tmp_path / "assignments"
    source.mkdir()
    for path in ASSIGNMENTS:
        (source / path.name).write_bytes(path.read_bytes())
    broken_notebook(source, "zz_broken.ipynb")
    out = tmp_path / "student"
    with pytest.raises(DataError) as error:
        classroom.write_student_versions(source, out)
    message = str(error.value)
    assert "zz_broken.ipynb" in message and "solution-start" in message and "\n" not in message
    assert not out.exists(), "a half-written student folder was left"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assignments"], "a temporary folder was left"


def test_a_refused_run_keeps_the_previous_hand_out(tmp_path):
    out = tmp_path / "student"
    classroom.write_student_versions(classroom.CLASSROOM_DIR, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    source = tmp_path / "assignments"
    broken_notebook(source, "broken.ipynb")
    with pytest.raises(DataError, match="broken.ipynb"):
        classroom.write_student_versions(source, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_command_writes_the_copies_and_refuses_a_foreign_folder(tmp_path, capsys):
    out = tmp_path / "hand-out"
    assert cli.main(["student", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert all(str(out.resolve() / f"{n}.ipynb") in printed for n in NAMES)
    assert cli.main(["student", "--out", str(out)]) == 0, "its own folder is replaced"
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me")
    assert cli.main(["student", "--out", str(foreign)]) == 2
    assert "was not written by" in capsys.readouterr().err
    assert (foreign / "mine.txt").read_text() == "keep me"


def test_the_default_folder_is_git_ignored():
    assert classroom.STUDENT_DIR == paths.REPO_ROOT / "student"
    ignored = subprocess.run(["git", "check-ignore", "-q", "student/x.ipynb"], cwd=paths.REPO_ROOT)
    assert ignored.returncode == 0


# ---------------------------------------------------------------- the assignments as book pages


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def unmarked(text):
    """The prose without glue roles, code, quotations, link targets, citations and years
    (the same rules as tests/test_prose.py applies to the chapters)."""
    text = re.sub(r"\{glue[:a-z]*\}`[^`]*`", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"“[^”]*”|\"[^\"]*\"", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"\b(?:[Ff]ootnotes?|[Nn]otes?|pp?\.|[Pp]ages?) \d+(?:[-–]\d+)?", " ", text)
    text = re.sub(rf"\b\d{{1,2}} (?:{MONTHS})\b", " ", text)
    text = re.sub(r"\b1[89]\d\d(?:s|-\d{2,4})?\b", " ", text)
    return text


@pytest.mark.parametrize("path", ASSIGNMENTS, ids=lambda p: p.stem)
def test_no_figure_is_typed_in_the_assignments_prose(path):
    words = {f.lower() for f in claims.load_claims()["figure"]
             if re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z]+)?", f) and (len(f) >= 5 or "-" in f)}
    notebook = nbformat.read(path, as_version=4)
    problems = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        prose = unmarked(cell.source)
        problems += [f"digits {m.group()!r}" for m in re.finditer(r"\d+(?:[.,]\d+)*", prose)]
        problems += [f"figure word {w!r}" for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)?", prose) if w.lower() in words]
    assert not problems, f"{path.name}: {problems}"
    assert classroom.PASSAGE not in json.dumps(notebook), "the invented passage is shown from the package"


@pytest.mark.parametrize("path", ASSIGNMENTS, ids=lambda p: p.stem)
def test_every_assignment_has_the_skeleton_and_no_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    headings = [line for c in notebook.cells if c.cell_type == "markdown" for line in c.source.splitlines()
                if line.startswith("#")]
    assert headings[0].startswith("# ")
    assert headings[1:3] == ["## Overview", "## Prerequisites"], headings
    assert headings[-2:] == ["## Summary", "## What's next"], headings
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code[0].source.startswith(("from ", "import ")) and "check" in code[0].source
    assert all(not c.outputs and c.execution_count is None for c in code), "committed with outputs"
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and re.search(r"\{solution-start\}", cell.source):
            assert ":class: dropdown" in cell.source, "a solution is not folded"


def test_the_passage_says_it_is_invented():
    assert "invented" in classroom.PASSAGE_TITLE and "not from Shen and Xia" in classroom.PASSAGE_TITLE
    html = classroom.show_passage().data
    assert classroom.PASSAGE_TITLE in html


def test_toc_lists_the_classroom_part_last():
    toc = (paths.REPO_ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert toc.rstrip().endswith(
        "  - caption: Classroom\n    chapters:\n      - file: book/instructor\n"
        "      - file: notebooks/classroom/01_recompute_a_conversion\n"
        "      - file: notebooks/classroom/02_implied_rates\n"
        "      - file: notebooks/classroom/03_audit_a_passage")


@pytest.mark.build
def test_the_book_shows_solutions_folded_and_correct(built_html):
    """Read the classroom pages of the built book: each solution is a
    dropdown holding its code, and each solution's check printed a tick."""
    from bs4 import BeautifulSoup

    assert (built_html / "book" / "instructor.html").exists()
    for name in NAMES:
        page = BeautifulSoup((built_html / "notebooks" / "classroom" / f"{name}.html").read_text(encoding="utf-8"),
                             "html.parser")
        asked = sum(q.assignment == name for q in QUESTIONS.values())
        folded = page.select("div.solution.dropdown.admonition")
        assert len(folded) == len(page.select("div.exercise.admonition")) == asked
        assert all(d.select("div.tag_solution") for d in folded), "a solution's code is outside its dropdown"
        assert not [c for c in page.select("div.tag_solution") if not c.find_parent("div", class_="solution")]
        text = page.get_text()
        assert text.count("✓") == asked and "✗" not in text, name
