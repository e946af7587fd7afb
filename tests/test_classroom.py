"""The classroom section as students get it: the public ``check`` tests form
and units and never holds an expected value; the content is data beside the
assignments; the assignments keep the chapters' skeleton, state every
tolerance, carry their points and type no figure in prose; the student
bundle runs on its own and holds no solution and no key."""

import io
import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
import yaml

from paper_audit import cli, paths
from paper_audit.audit import rounding, verdicts
from paper_audit.classroom import exercises
from paper_audit.classroom.exercises import check
from paper_audit.errors import DataError
from paper_audit.instructor import bundle, grading
from paper_audit.tables import claims

ASSIGNMENTS = sorted(exercises.CLASSROOM_DIR.glob("*.ipynb"))
NAMES = ["01_recompute_a_conversion", "02_implied_rates", "03_audit_a_passage"]
GATE = re.compile(r"^[ \t]*(`{3,}|:{3,})\{solution-(start|end)\}", re.M)
QUESTIONS = exercises.load_questions()
AUTO = [q for q in QUESTIONS if QUESTIONS[q].form != "written"]

pytest_plugins = ["browser_support"]  # the one shared build of the book


def test_the_three_assignments_are_there():
    assert [p.stem for p in ASSIGNMENTS] == NAMES


# ---------------------------------------------------------------- the public check


def well_formed(question):
    """An answer of the right form, made without the key (and mostly wrong)."""
    q = QUESTIONS[question]
    if q.form == "number":
        return 3.0e9 if q.minimum else -5.0
    if q.form == "numbers":
        return [1.5] * len(q.labels)
    if q.form == "interval":
        return rounding.Interval(1.0, 2.0, 1.5)
    if q.form == "verdict":
        return verdicts.INCONSISTENT
    if q.form == "boolean":
        return True
    if q.form == "claims":
        return exercises.claims_frame(
            [exercises.claim_row("x", "36 million", "crowns", quote="had cost 36 million crowns")]
        )
    if q.form == "findings":
        frame = well_formed("passage_claims")
        from paper_audit.audit import engine

        row = exercises.check_row("c", "parts_sum", "x", expected_low="100", expected_high="100")
        return [engine.run_check(engine.Context(frame), row)]
    raise AssertionError(q.form)


def badly_formed(question):
    q = QUESTIONS[question]
    return {
        "number": "a lot",
        "numbers": [1.0],
        "interval": "wide",
        "verdict": "no such verdict",
        "boolean": "yes",
        "claims": [1, 2],
        "findings": ["finding"],
    }[q.form]


@pytest.mark.parametrize("question", AUTO)
def test_check_accepts_a_well_formed_answer_and_states_the_tolerance(question, capsys):
    assert check(question, well_formed(question)) is True
    out = capsys.readouterr().out
    assert out.startswith(f"✓ {question}: in the form asked") and QUESTIONS[question].tolerance() in out
    assert "correct" not in out, "the public check cannot know whether a value is right"


@pytest.mark.parametrize("question", AUTO)
def test_check_refuses_a_badly_formed_answer_with_a_hint(question, capsys):
    assert check(question, badly_formed(question)) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {question}: not in the form asked") and QUESTIONS[question].hint in out


@pytest.mark.parametrize("question", AUTO)
def test_an_unanswered_question_does_not_raise(question, capsys):
    assert check(question, None) is False
    assert "not answered yet" in capsys.readouterr().out


def test_check_prints_in_one_write(monkeypatch):
    """Several writes can reach the notebook as several stream messages."""
    writes = []

    class Recorder(io.StringIO):
        def write(self, text):
            writes.append(text)
            return len(text)

    monkeypatch.setattr(sys, "stdout", Recorder())
    check("soviet_usd", "a lot")
    check("soviet_usd", 3.0e9)
    check("soviet_usd", None)
    assert len(writes) == 3 and all(w.endswith("\n") and w.count("\n") >= 1 for w in writes)


def test_units_are_checked_without_the_value(capsys):
    assert not check("soviet_usd", 1147.0), "an answer in millions is refused"
    assert "did you give it in millions" in capsys.readouterr().out
    assert check("soviet_usd", -4.0e9) is True, "a wrong value of the right form passes the public check"


def test_verdicts_are_accepted_whatever_the_case_or_label():
    assert check("gift_verdict", "  INCONSISTENT ")
    assert check("gift_verdict", "within rounding")
    assert not check("gift_verdict", "wrong")


def test_quotes_must_come_from_the_passage(capsys):
    made_up = exercises.claims_frame([exercises.claim_row("x", "36 million", "crowns", quote="cost 36 million")])
    assert check("passage_claims", made_up) is True, "a quote found in the passage"
    invented = exercises.claims_frame(
        [exercises.claim_row("x", "36 million", "crowns", quote="paid 36 million crowns")]
    )
    assert check("passage_claims", invented) is False
    assert "not in the passage word for word" in capsys.readouterr().out


def test_an_unknown_question_is_an_error():
    with pytest.raises(KeyError, match="no question"):
        check("no_such_question", 1)


def test_the_student_side_module_holds_no_key():
    import ast

    source = (paths.REPO_ROOT / "src" / "paper_audit" / "classroom" / "exercises.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            imported |= {node.module or ""} | {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    assert not {name for name in imported if "grading" in name or "bundle" in name}, imported
    assert '"key"' not in source and "answers.csv" not in source
    for verdict in verdicts.GRADES:
        assert f'"{verdict}"' not in source and f"'{verdict}'" not in source


# ---------------------------------------------------------------- content as data


def test_every_question_has_a_tolerance_a_hint_and_an_assignment():
    for q in QUESTIONS.values():
        assert q.assignment in NAMES
        assert q.tolerance()
        if q.form != "written":
            assert q.hint, q.id
        else:
            assert exercises.rubric_points(q.id) > 0, f"{q.id} has no rubric"


def test_a_bad_question_row_names_file_line_and_field(tmp_path):
    project = paths.Project(tmp_path)  # a copy of the content, read as its own project's
    shutil.copytree(exercises.CLASSROOM_DIR, project.classroom_dir, ignore=shutil.ignore_patterns("*.ipynb"))
    bad = project.classroom_dir / "questions.csv"
    rows = exercises.QUESTIONS_CSV.read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2].replace(",verdict,", ",verdic,", 1)
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"questions.csv, line 3, field 'form': 'verdic'"):
        exercises.load_questions(project)


def test_every_assignment_works_on_an_invented_passage_that_says_so():
    assert exercises.passage_names() == NAMES
    code = (paths.REPO_ROOT / "src" / "paper_audit" / "classroom" / "exercises.py").read_text(encoding="utf-8")
    for name in NAMES:
        title, text = exercises.passage(name)
        assert "invented" in title and "not from Shen and Xia" in title
        assert title in exercises.show_passage(name).data
        assert text[:40] not in code, "the passage is typed in the package"


def test_the_first_two_passages_give_their_claims_and_the_third_does_not():
    for name in NAMES[:2]:
        table = exercises.passage_table(name)
        text = exercises.passage(name)[1]
        assert all(text.count(quote) == 1 for quote in table["quote"]), name
    assert exercises.passage_claims(NAMES[2]) == [], "finding the claims is the third assignment's exercise"
    with pytest.raises(DataError, match="gives no claims"):
        exercises.passage_table(NAMES[2])


def test_a_given_claim_whose_quote_is_not_in_the_passage_is_refused(monkeypatch):
    import copy

    content = copy.deepcopy(exercises.assignments())
    content[NAMES[0]]["passage"]["claims"][0]["quote"] = "no such words"
    monkeypatch.setattr(exercises, "assignments", lambda project=None: content)
    with pytest.raises(DataError, match=r"01_recompute_a_conversion, passage claim 1 \(soviet_credit_rubles\)"):
        exercises.passage_table(NAMES[0])


def test_pairs_are_read_from_the_assignments_content():
    assert list(exercises.RUBLE_PAIRS) == list(exercises.assignments()["02_implied_rates"]["pairs"]["rubles"])
    table = exercises.passage_table("02_implied_rates")
    for pair in list(exercises.RUBLE_PAIRS.values()) + list(exercises.YUAN_PAIRS.values()):
        assert all(claim in table.index for claim in pair)


def test_every_written_question_states_its_rubric_in_its_exercise():
    for q in QUESTIONS.values():
        if q.form != "written":
            continue
        notebook = nbformat.read(exercises.CLASSROOM_DIR / f"{q.assignment}.ipynb", as_version=4)
        text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        assert f"{{glue:}}`rubric_{q.id}`" in text, f"{q.id}: the exercise does not state its rubric"
        rubric = exercises.page_values(q.assignment)[f"rubric_{q.id}"]
        for criterion, levels in exercises.load_rubrics()[q.id].items():
            assert criterion.capitalize() in rubric
            assert all(description.rstrip(".")[1:] in rubric for _, description in levels.values())


# ---------------------------------------------------------------- the assignments


def code_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", ASSIGNMENTS, ids=lambda p: p.stem)
def test_every_question_is_asked_with_its_points_tolerance_and_solution(path):
    notebook = nbformat.read(path, as_version=4)
    asked = [q for q in QUESTIONS.values() if q.assignment == path.stem]
    items = grading.assignment_items(path.stem)  # validates the points against the rubric
    assert [i.question.id for i in items] == [q.id for q in asked]
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for q in asked:
        if q.form == "written":
            continue
        assert f"{{glue:}}`tolerance_{q.id}`" in text, f"{q.id}: the exercise does not state its tolerance"
        calls = [c for c in code_cells(notebook) if f'check("{q.id}"' in c.source]
        answer_cells = [c for c in calls if "solution" not in c.metadata.get("tags", [])]
        assert len(answer_cells) == 1 and "None" in answer_cells[0].source, q.id
        assert answer_cells[0].metadata["paper_audit"]["question"] == q.id
        assert len([c for c in calls if "solution" in c.metadata.get("tags", [])]) == 1, q.id


@pytest.mark.parametrize("name", NAMES[:2])
def test_assignments_one_and_two_end_with_a_written_question(name):
    notebook = nbformat.read(exercises.CLASSROOM_DIR / f"{name}.ipynb", as_version=4)
    graded = [c for c in notebook.cells if c.metadata.get("paper_audit")]
    assert QUESTIONS[graded[-1].metadata["paper_audit"]["question"]].form == "written"


def test_the_third_assignment_leaves_the_checks_to_the_student():
    notebook = nbformat.read(exercises.CLASSROOM_DIR / "03_audit_a_passage.ipynb", as_version=4)
    handout = bundle.strip_solutions(notebook)
    code = "\n".join(c.source for c in code_cells(handout))
    for kind in ("conversion", "parts_sum", "date_gap"):
        assert f'"{kind}"' not in code, f"the hand-out dictates a {kind} check"
    assert [q.form for q in QUESTIONS.values() if q.assignment == "03_audit_a_passage"] == [
        "claims",
        "findings",
        "written",
    ]


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
    words = {
        f.lower()
        for f in claims.load_claims()["figure"]
        if re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z]+)?", f) and (len(f) >= 5 or "-" in f)
    }
    notebook = nbformat.read(path, as_version=4)
    problems = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        prose = unmarked(cell.source)
        problems += [f"digits {m.group()!r}" for m in re.finditer(r"\d+(?:[.,]\d+)*", prose)]
        problems += [f"figure word {w!r}" for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)?", prose) if w.lower() in words]
    assert not problems, f"{path.name}: {problems}"
    for name in exercises.passage_names():
        shown = exercises.passage(name)[1][:40]
        assert shown not in json.dumps(notebook), "the invented passage is shown from the data"


@pytest.mark.parametrize("path", ASSIGNMENTS, ids=lambda p: p.stem)
def test_every_assignment_has_the_skeleton_and_no_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    headings = [
        line
        for c in notebook.cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("#")
    ]
    assert headings[0].startswith("# ")
    assert headings[1:3] == ["## Overview", "## Prerequisites"], headings
    assert headings[-2:] == ["## Summary", "## What's next"], headings
    code = code_cells(notebook)
    assert code[0].source.startswith(("from ", "import ")) and "check" in code[0].source
    assert "deps" not in code[0].source and "Publisher" not in code[0].source, "build plumbing in the imports"
    plumbing = [c for c in code if "fingerprints." in c.source or "Publisher(" in c.source]
    assert plumbing and all({"remove-cell", "build"} <= set(c.metadata.get("tags", [])) for c in plumbing)
    assert all(not c.outputs and c.execution_count is None for c in code), "committed with outputs"
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and re.search(r"\{solution-start\}", cell.source):
            assert ":class: dropdown" in cell.source, "a solution is not folded"


def test_toc_lists_the_classroom_part_last():
    """Read as YAML, not as text: a comment, a quote or another indentation
    leaves the table of contents the same."""
    toc = yaml.safe_load((paths.REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    last = toc["parts"][-1]
    assert last["caption"] == "Classroom"
    assert [chapter["file"] for chapter in last["chapters"]] == ["book/instructor"] + [
        f"notebooks/classroom/{name}" for name in NAMES
    ]


# ---------------------------------------------------------------- stripping solutions


def solution_cells(notebook):
    """The sources of the original's solution cells: inside gated markers or tagged."""
    inside, found = False, []
    for cell in notebook.cells:
        gates = [m.group(2) for m in GATE.finditer(cell.source)] if cell.cell_type == "markdown" else []
        if gates:
            inside = gates[-1] == "start"
            continue
        if inside or {"solution", "hidden-tests"} & set(cell.metadata.get("tags", [])):
            found.append(cell.source)
    return found


def exercise_cells(notebook):
    return [
        line
        for c in notebook.cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if re.match(r"^[`:]{3,}\{exercise\}", line)
    ]


def markdown_notebook(cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(s) if kind == "md" else nbformat.v4.new_code_cell(s) for kind, s in cells
    ]
    return notebook


def test_strip_solutions_handles_every_form():
    notebook = markdown_notebook(
        [
            (
                "md",
                "Text before.\n\n````{solution} ex-a\n:class: dropdown\n\n```python\nsecret_a = 1\n```\n````\n\nText "
                "after.",
            ),
            ("md", ":::{solution} ex-b\nsecret_b\n:::"),
            ("md", ":::{solution-start} ex-c\n:class: dropdown\n:::"),
            ("code", "secret_c = 3"),
            ("md", ":::{solution-end}\n:::"),
            ("code", "answer = None"),
            ("code", "secret_d = 4"),
            ("code", "secret_e = 5"),
        ]
    )
    notebook.cells[6].metadata["tags"] = ["solution"]
    notebook.cells[7].metadata["tags"] = ["hidden-tests"]
    notebook.cells[5].outputs = [nbformat.v4.new_output("stream", text="old output")]
    notebook.cells[5].execution_count = 7
    stripped = bundle.strip_solutions(notebook, name="case.ipynb")
    text = json.dumps(stripped)
    assert "secret" not in text and "solution" not in text
    assert [c.source for c in stripped.cells] == ["Text before.\n\nText after.", "answer = None"]
    assert stripped.cells[1].outputs == [] and stripped.cells[1].execution_count is None
    assert notebook.cells[5].outputs, "the original is left alone"


def broken_notebook(folder, name):
    folder.mkdir(parents=True, exist_ok=True)
    notebook = markdown_notebook(
        [("md", "# Broken"), ("md", "```{solution-start} ex\n:class: dropdown\n```"), ("code", "answer = 42")]
    )
    nbformat.write(notebook, folder / name)


def test_an_unclosed_solution_start_is_refused_naming_the_notebook(tmp_path):
    source = tmp_path / "assignments"
    source.mkdir()
    for path in ASSIGNMENTS:
        (source / path.name).write_bytes(path.read_bytes())
    broken_notebook(source, "zz_broken.ipynb")
    out = tmp_path / "student"
    with pytest.raises(DataError) as error:
        bundle.write_student_bundle(source, out)
    message = str(error.value)
    assert "zz_broken.ipynb" in message and "solution-start" in message and "\n" not in message
    assert not out.exists(), "a half-written student folder was left"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assignments"], "a temporary folder was left"


def test_a_glued_value_the_hand_out_cannot_resolve_is_refused(tmp_path):
    source = tmp_path / "assignments"
    broken = markdown_notebook([("md", "# A\n\nThe rate is {glue:}`no_such_value`.")])
    source.mkdir()
    nbformat.write(broken, source / "01_recompute_a_conversion.ipynb")
    with pytest.raises(DataError, match="no_such_value"):
        bundle.write_student_bundle(source, tmp_path / "student")


# ---------------------------------------------------------------- the bundle


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("hand-out") / "student"
    written = bundle.write_student_bundle(exercises.CLASSROOM_DIR, out)
    assert [p.name for p in written] == [f"{n}.ipynb" for n in NAMES]
    assert all(p.exists() for p in written)
    return out


def handout_path(student_dir, name):
    return student_dir / "notebooks" / "classroom" / f"{name}.ipynb"


def bundle_text(student_dir):
    return {p: p.read_text(encoding="utf-8", errors="replace") for p in student_dir.rglob("*") if p.is_file()}


def spellings(value):
    if isinstance(value, rounding.Interval):
        return spellings(value.low) | spellings(value.high)
    if isinstance(value, (list, tuple)):
        return set().union(*(spellings(v) for v in value))
    x = float(value)
    forms = {repr(x), f"{x:.6g}", f"{x:.2f}", f"{x:,.0f}", f"{x:,.2f}"}
    # Short spellings cannot be told from other numbers in the text.
    return {f for f in forms if len(re.sub(r"\D", "", f)) >= 5}


def test_the_bundle_holds_no_key(student_dir):
    files = bundle_text(student_dir)
    names = {str(p.relative_to(student_dir)) for p in files}
    assert not [n for n in names if "key" in n.split("/") or n.endswith(("grading.py", "bundle.py"))], names
    key_lines = [
        line
        for path in grading.KEY_DIR.glob("*.csv")
        for line in path.read_text(encoding="utf-8").splitlines()[1:]
        if line.strip()
    ]
    assert key_lines
    for path, text in files.items():
        for line in key_lines:
            assert line not in text, f"{path}: holds a line of the key: {line!r}"
    handouts = "\n".join(files[handout_path(student_dir, n)] for n in NAMES)
    for question, value in grading.expected().items():
        numeric = value if not isinstance(value, list) else [v for v in value if not isinstance(v, dict)]
        if isinstance(numeric, (int, float, list, rounding.Interval)) and not isinstance(value, bool):
            value = numeric
            for form in spellings(value):
                assert form not in handouts, f"{question}: the expected value {form} is in a hand-out"


def test_the_bundle_package_cannot_reach_the_grader(student_dir):
    code = (
        "import paper_audit, paper_audit.classroom.exercises as c; print(paper_audit.__file__); "
        "print(c.CLASSROOM_DIR / 'key'); import paper_audit.instructor.grading"
    )
    env = {**os.environ, "PYTHONPATH": str(student_dir / "src")}
    env.pop("PAPER_AUDIT_ROOT", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=student_dir)
    assert result.stdout.startswith(str(student_dir.resolve() / "src" / "paper_audit")), result.stdout + result.stderr
    assert not os.path.exists(result.stdout.splitlines()[1])
    assert "ModuleNotFoundError: No module named 'paper_audit.instructor'" in result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_the_hand_out_holds_no_solution_and_no_plumbing(student_dir, name):
    original = nbformat.read(exercises.CLASSROOM_DIR / f"{name}.ipynb", as_version=4)
    student = nbformat.read(handout_path(student_dir, name), as_version=4)
    nbformat.validate(student)
    text = json.dumps(student)
    assert "solution-start" not in text and "solution-end" not in text and "{solution}" not in text
    assert solution_cells(original), "the assignment has solutions to strip"
    everything = "\n".join(bundle_text(student_dir).values())
    for source in solution_cells(original):
        assert source not in everything, f"solution kept: {source[:60]!r}"
    for cell in student.cells:
        assert not {"solution", "hidden-tests", "build"} & set(cell.metadata.get("tags", []))
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert "fingerprints." not in cell.source and "Publisher" not in cell.source
    assert "{glue" not in text, "a glue role the plain notebook cannot show"
    # Every exercise, answer cell and written answer is kept, in order.
    assert exercise_cells(student) == exercise_cells(original) and exercise_cells(original)
    graded = [c.metadata["paper_audit"] for c in original.cells if c.metadata.get("paper_audit")]
    assert [c.metadata["paper_audit"] for c in student.cells if c.metadata.get("paper_audit")] == graded


@pytest.mark.parametrize("name", NAMES)
def test_the_hand_outs_links_work_and_its_code_fits(student_dir, name):
    student = nbformat.read(handout_path(student_dir, name), as_version=4)
    base = bundle.book_url()
    for cell in student.cells:
        if cell.cell_type == "markdown":
            for target in re.findall(r"\]\(([^)\s]+)\)", cell.source):
                if target.startswith("https://"):
                    assert target.startswith(base) and target.endswith(".html") or "#" in target, target
                    page = target[len(base) :].split("#")[0].replace(".html", "")
                    assert (paths.REPO_ROOT / f"{page}.ipynb").exists() or (paths.REPO_ROOT / f"{page}.md").exists(), (
                        target
                    )
                else:
                    assert (handout_path(student_dir, name).parent / target.split("#")[0]).exists(), target
    install = student.cells[[c.cell_type for c in student.cells].index("code")]
    assert install.metadata["tags"] == ["install"] and "find_spec" in install.source
    assert max(len(line) for line in install.source.splitlines()) <= 70


@pytest.mark.parametrize("name", NAMES)
def test_the_hand_out_runs_on_the_bundle_alone(student_dir, name, tmp_path):
    from nbclient import NotebookClient

    notebook = nbformat.read(handout_path(student_dir, name), as_version=4)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPER_AUDIT_")}
    env.update(
        PYTHONPATH=str(student_dir / "src"), PAPER_AUDIT_OUTPUT_DIR=str(tmp_path / "generated"), PAPER_AUDIT_OFFLINE="1"
    )
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(handout_path(student_dir, name).parent)}},
    ).execute(env=env)
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    asked = [q for q in AUTO if QUESTIONS[q].assignment == name]
    assert printed.count("not answered yet") == len(asked)
    assert "✓" not in printed and "✗" not in printed


def test_a_refused_run_keeps_the_previous_bundle(tmp_path):
    out = tmp_path / "student"
    bundle.write_student_bundle(exercises.CLASSROOM_DIR, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    source = tmp_path / "assignments"
    broken_notebook(source, "broken.ipynb")
    with pytest.raises(DataError, match="broken.ipynb"):
        bundle.write_student_bundle(source, out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_the_command_writes_the_bundle_and_refuses_a_foreign_folder(tmp_path, capsys):
    out = tmp_path / "hand-out"
    assert cli.main(["student", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert all(str(out.resolve() / "notebooks" / "classroom" / f"{n}.ipynb") in printed for n in NAMES)
    assert cli.main(["student", "--out", str(out)]) == 0, "its own folder is replaced"
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me")
    assert cli.main(["student", "--out", str(foreign)]) == 2
    assert "was not written by" in capsys.readouterr().err
    assert (foreign / "mine.txt").read_text() == "keep me"


def test_the_default_folder_is_git_ignored():
    assert bundle.STUDENT_DIR == paths.REPO_ROOT / "student"
    ignored = subprocess.run(["git", "check-ignore", "-q", "student/x.ipynb"], cwd=paths.REPO_ROOT)
    assert ignored.returncode == 0


# ---------------------------------------------------------------- the assignments as book pages


@pytest.mark.build
def test_the_public_book_shows_no_solution(built_html):
    """Read the classroom pages of the built (public) book: every exercise is
    there with its answer cell and tolerance, and no solution is, in the page,
    its downloadable source (the search index: in the fast test above); launch
    buttons, if any, open the hand-outs on the student branch."""
    from bs4 import BeautifulSoup

    assert (built_html / "book" / "instructor.html").exists()
    for name in NAMES:
        original = nbformat.read(exercises.CLASSROOM_DIR / f"{name}.ipynb", as_version=4)
        html = (built_html / "notebooks" / "classroom" / f"{name}.html").read_text(encoding="utf-8")
        page = BeautifulSoup(html, "html.parser")
        questions = [q for q in QUESTIONS.values() if q.assignment == name]
        assert len(page.select("div.exercise.admonition")) == len(questions)
        assert not page.select("div.solution") and not page.select("div.tag_solution"), f"{name}: a solution shows"
        text = page.get_text()
        assert "✓" not in text and "✗" not in text, f"{name}: a solution's check was run on the page"
        assert text.count("not answered yet") == len([q for q in questions if q.form != "written"]), name
        for q in questions:
            if q.form != "written":
                assert q.tolerance() in text, f"{name}: the tolerance of {q.id} is not shown"
        sources = "".join(p.read_text(encoding="utf-8") for p in (built_html / "_sources").rglob(f"{name}.ipynb*"))
        for source in solution_cells(original):
            words = " ".join(source.split()[:8])
            assert words not in " ".join(text.split()), f"{name}: solution shown: {words!r}"
            assert source not in sources, f"{name}: solution in the downloadable source: {source[:60]!r}"
        assert "fingerprints.record_everything" not in text and "Publisher(" not in text
        # Launch buttons, where the book shows them (present.sphinx_launch decides), open the hand-outs.
        launch = [a["href"] for a in page.select("a[href]") if "mybinder.org" in a["href"] or "colab." in a["href"]]
        assert all("/student" in url and "/main" not in url for url in launch), launch
        assert all(f"notebooks/classroom/{name}.ipynb" in url for url in launch), launch


# ---------------------------------------------------------------- the notebook interface


def pins(path):
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
            assert match, f"{path.name}: {line!r} is not pinned with =="
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def test_the_lab_group_is_pinned_apart_from_the_books_environment():
    lab, book = pins(paths.REPO_ROOT / "requirements-lab.txt"), pins(paths.REPO_ROOT / "requirements.txt")
    assert {"jupyterlab", "jupyterlab-myst"} <= set(lab)
    assert "jupyterlab" not in book and "jupyterlab-myst" not in book, "JupyterLab would slow the book's build"
    assert not set(lab) & set(book), "a package pinned twice can disagree"
    makefile = (paths.REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    lab_rules = makefile[makefile.index("LAB      :=") : makefile.index("# make grade")]
    assert "-r requirements-lab.txt" in lab_rules and "-c student/constraints.txt" in lab_rules
    assert "requirements-lab" not in makefile[: makefile.index("LAB      :=")], "installed by another target"
    assert "\nlab:" in makefile and "\ngrade:" in makefile and "\nstudent:" in makefile


def test_the_lab_runs_on_the_bundles_package_never_the_instructors():
    makefile = (paths.REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    lab_rules = makefile[makefile.index("LAB      :=") : makefile.index("# make grade")]
    assert "-r student/requirements.txt" in lab_rules and "-e student" in lab_rules
    assert ".pth" not in lab_rules and "addsitedir" not in lab_rules and "$(VENV)/lib" not in lab_rules, (
        "the lab sees the instructor's environment"
    )
    assert "find_spec('paper_audit.instructor') is None" in lab_rules
    # The bundle is written only when missing: `paper-audit student` is the rule for its requirements file.
    recipe = lab_rules[lab_rules.index("student/requirements.txt:") :].split("\n\n")[0]
    assert "paper-audit student" in recipe and "--force" not in lab_rules


def test_the_bundle_ships_its_requirements_pyproject_and_constraints(student_dir):
    shipped = pins(student_dir / "requirements.txt")
    project = pins(paths.REPO_ROOT / "requirements.txt")
    assert shipped.items() <= project.items(), "the bundle pins what the project does not"
    assert {"pandas", "numpy", "number-parser", "pyyaml", "ipykernel", "ipython"} <= set(shipped)
    assert not {"jupyter-book", "playwright", "pytest", "hypothesis", "papermill"} & set(shipped), "tools shipped"
    assert pins(student_dir / "requirements-lab.txt") == pins(paths.REPO_ROOT / "requirements-lab.txt")
    assert pins(student_dir / "constraints.txt") == project
    pyproject = (student_dir / "pyproject.toml").read_text(encoding="utf-8")
    assert '"number-parser"' in pyproject and '"jupyter-book"' not in pyproject and "[project.scripts]" not in pyproject


def test_a_bundle_someone_worked_in_is_never_replaced(tmp_path, capsys):
    out = tmp_path / "student"
    bundle.write_student_bundle(exercises.CLASSROOM_DIR, out)
    (out / "src" / "paper_audit" / "__pycache__").mkdir(exist_ok=True)
    (out / "notebooks" / "classroom" / ".ipynb_checkpoints").mkdir()
    bundle.write_student_bundle(exercises.CLASSROOM_DIR, out)  # what Python and Jupyter make does not count
    handout = out / "notebooks" / "classroom" / f"{NAMES[0]}.ipynb"
    handout.write_text(handout.read_text(encoding="utf-8").replace("answer = None", "answer = 42", 1), encoding="utf-8")
    (out / "notebooks" / "classroom" / "my notes.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(DataError, match=rf"{NAMES[0]}.ipynb.*my notes.ipynb changed since .* --force"):
        bundle.write_student_bundle(exercises.CLASSROOM_DIR, out)
    assert "answer = 42" in handout.read_text(encoding="utf-8"), "the work was replaced"
    assert cli.main(["student", "--out", str(out)]) == 2 and "--force" in capsys.readouterr().err
    assert cli.main(["student", "--out", str(out), "--force"]) == 0
    assert "answer = 42" not in handout.read_text(encoding="utf-8")


def test_the_command_prints_the_requirements_and_writes_nothing(tmp_path, capsys):
    assert cli.main(["student", "--requirements", "--out", str(tmp_path / "x")]) == 0
    printed = capsys.readouterr().out.split()
    assert any(line.startswith("number-parser==") for line in printed) and not (tmp_path / "x").exists()


def test_an_edit_to_the_classroom_content_re_executes_the_classroom(tmp_path, monkeypatch):
    """jupyter-cache keys on code cells: without this, an edited tolerance
    would leave the old text in the book."""
    import shutil

    from paper_audit.tables import fingerprints

    notebooks = tmp_path / "notebooks"
    shutil.copytree(exercises.CLASSROOM_DIR, notebooks / "classroom", ignore=shutil.ignore_patterns("*.ipynb"))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", notebooks)
    fingerprints.reread()
    before = fingerprints.data_fingerprint()
    questions = notebooks / "classroom" / "questions.csv"
    questions.write_text(questions.read_text(encoding="utf-8").replace(",0.001,", ",0.002,", 1), encoding="utf-8")
    fingerprints.reread()
    assert fingerprints.data_fingerprint() != before
    monkeypatch.undo()
    fingerprints.reread()


# ---------------------------------------------------------------- the public book and the instructor's edition


SECRET = "secret-solution-text"


def classroom_project(root):
    """A one-page book: an exercise with a gated solution, a solution block and a tagged cell."""
    folder = root / "notebooks" / "classroom"
    folder.mkdir(parents=True)
    notebook = markdown_notebook(
        [
            ("md", "# A page\n\n```{exercise} Do it\n:label: ex-a\n\nThe exercise text.\n```"),
            ("code", "answer = None"),
            ("md", "```{solution-start} ex-a\n:class: dropdown\n```"),
            ("code", f"print('{SECRET} one')"),
            ("md", f"A model answer: {SECRET} two."),
            ("md", "```{solution-end}\n```"),
            ("code", f"x = '{SECRET} three'"),
            ("md", f"```{{solution}} ex-a\n{SECRET} four\n```\n\nThe page goes on."),
        ]
    )
    notebook.cells[6].metadata["tags"] = ["solution"]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.write(notebook, folder / "a.ipynb")
    (root / "index.md").write_text("# Book\n\n```{toctree}\nnotebooks/classroom/a\n```\n", encoding="utf-8")
    (root / "conf.py").write_text(
        "extensions = ['myst_nb', 'sphinx_exercise', 'paper_audit.classroom.sphinx_classroom']\n"
        "nb_execution_mode = 'off'\nexclude_patterns = ['_build']\n",
        encoding="utf-8",
    )


def build_classroom(root, *options):
    out = root / "_build" / ("instructor" if options else "public")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(root), str(out), *options],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "PAPER_AUDIT_EDITION"},
    )
    assert result.returncode == 0, result.stderr
    page = re.sub(r"<[^>]+>", "", (out / "notebooks" / "classroom" / "a.html").read_text(encoding="utf-8"))
    sources = "".join(p.read_text(encoding="utf-8") for p in (out / "_sources").rglob("a.ipynb*"))
    index = (out / "searchindex.js").read_text(encoding="utf-8")
    return page, sources, index


def test_the_public_book_shows_no_solution_and_the_instructors_edition_does(tmp_path):
    classroom_project(tmp_path)
    page, sources, index = build_classroom(tmp_path)
    assert "The exercise text." in page and "The page goes on." in page and "answer = None" in page
    assert SECRET not in page, "a solution is in the public page"
    assert sources and SECRET not in sources, "a solution is in the page's downloadable source"
    assert SECRET.split("-")[0] not in index.lower(), "a solution is in the search index"
    page, sources, _ = build_classroom(tmp_path, "-D", "classroom_solutions=1")
    assert all(f"{SECRET} {n}" in page for n in ("one", "two", "three", "four")), "the instructor's edition lacks one"
    assert SECRET in sources


def test_the_edition_is_chosen_by_the_environment(monkeypatch):
    from paper_audit.classroom import sphinx_classroom

    values = {}

    class App:
        def add_config_value(self, name, default, rebuild):
            values[name] = default

        def connect(self, *args, **kwargs):
            pass

    monkeypatch.setenv("PAPER_AUDIT_EDITION", "instructor")
    sphinx_classroom.setup(App())
    assert values["classroom_solutions"] is True
    monkeypatch.delenv("PAPER_AUDIT_EDITION")
    sphinx_classroom.setup(App())
    assert values["classroom_solutions"] is False
