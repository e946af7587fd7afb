"""Grading on the instructor's side: the expected answers come from the data;
each value is judged within its stated tolerance; a folder of submissions
gives one row per submission and question and a feedback file each; a
submission runs in isolation, and one that loops, raises, deletes files,
reaches for the network or the key, or redefines ``check`` gets its score and
does not stop the batch; rubric marks merge into the scores."""

import csv
import math
import time

import nbformat
import pandas as pd
import pytest

from paper_audit import cli
from paper_audit.audit import engine, verdicts
from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor import assignment, bundle, grading, judging, marks, reports, submissions
from paper_audit.instructor import key as answer_key
from paper_audit.tables import claims

A1 = "01_recompute_a_conversion"
# Long enough for an ordinary answer cell (imports, loading the data) on a busy
# 2-core machine, where a few seconds would cut legitimate cells and fail the
# instructor's notebook; the endless loop pays it once.
CELL_TIMEOUT = 45


# ---------------------------------------------------------------- the key


def test_expected_answers_are_computed_from_the_data():
    table = claims.load_claims()
    rubles = claims.absolute(table.loc["soviet_aid_rubles"])
    rate = claims.absolute(table.loc["fn21_rate_rubles"]) / claims.absolute(table.loc["fn21_rate_usd"])
    key = grading.expected()
    assert math.isclose(key["soviet_usd"], rubles / rate)
    gift = claims.absolute(table.loc["chinese_gift_yuan"])
    assert math.isclose(
        key["debt_rate_interval"].low * 0 + key["yuan_rates"][1], gift / claims.absolute(table.loc["chinese_gift_usd"])
    )
    assert key["yuan_one_rate"] in verdicts.GRADES
    assert {f["id"] for f in key["passage_checks"]} == {"passage_conversion", "passage_shares", "passage_duration"}


def test_a_broken_key_row_names_file_line_and_field(tmp_path, monkeypatch):
    bad = tmp_path / "answers.csv"
    bad.write_text("question,source,arguments\nsoviet_usd,finding,no_such_check;computed_value\n", encoding="utf-8")
    monkeypatch.setattr(answer_key, "ANSWERS_CSV", bad)
    answer_key.expected.cache_clear()
    try:
        with pytest.raises(DataError, match=r"answers.csv, line 2: cannot compute .*no_such_check"):
            answer_key.expected()
    finally:
        answer_key.expected.cache_clear()


@pytest.mark.parametrize(
    "declaring, message",
    [
        (["renamed"], None),
        ([], "exactly one assignment should declare 'pairs', but none does"),
        (["a", "b"], "exactly one assignment should declare 'pairs', but a, b do"),
    ],
)
def test_the_pairs_come_from_the_one_assignment_that_declares_them(monkeypatch, declaring, message):
    pairs = exercises.assignments()[exercises.declared("pairs")[0]]["pairs"]
    content = {name: {"pairs": pairs} for name in declaring} | {"other": {"references": []}}
    monkeypatch.setattr(exercises, "assignments", lambda: content)
    if message is None:
        assert "gift" in exercises.pairs("yuan"), "found whatever the assignment is called"
        return
    with pytest.raises(DataError, match=f"assignments.yml: {message}"):
        exercises.pairs("yuan")


def test_points_come_from_the_assignment_and_match_the_rubrics():
    items = assignment.assignment_items(A1)
    assert [i.question.id for i in items][-1] == "gift_explanation"
    assert all(i.points > 0 for i in items)
    written = [i for i in items if i.question.form == "written"]
    assert all(i.points == exercises.rubric_points(i.question.id) for i in written)


def test_an_unknown_assignment_is_refused_with_the_names():
    with pytest.raises(DataError, match="no assignment 'nope': the assignments are 01_recompute"):
        assignment.assignment_items("nope")


# ---------------------------------------------------------------- judging values


def item(question):
    return next(
        i
        for name in ("01_recompute_a_conversion", "02_implied_rates", "03_audit_a_passage")
        for i in assignment.assignment_items(name)
        if i.question.id == question
    )


def captured(value):
    return {"answer": value}


def test_a_number_is_judged_within_its_stated_tolerance():
    key = grading.expected()["gift_gap"]
    points, feedback = judging.judge(item("gift_gap"), captured(key + 0.09), {})
    assert points == item("gift_gap").points and "Right" in feedback
    points, feedback = judging.judge(item("gift_gap"), captured(round(key)), {})
    assert points == 0 and exercises.load_questions()["gift_gap"].tolerance() in feedback


def test_intervals_lists_verdicts_and_booleans_are_judged():
    key = grading.expected()
    interval = key["debt_rate_interval"]
    ends = {"__interval__": [interval.low, interval.high]}
    assert judging.judge(item("debt_rate_interval"), captured(ends), {})[0] > 0
    assert judging.judge(item("debt_rate_interval"), captured([interval.low, interval.high * 1.01]), {})[0] == 0
    assert judging.judge(item("yuan_rates"), captured(list(key["yuan_rates"])), {})[0] > 0
    wrong = list(key["yuan_rates"])
    wrong[-1] *= 1.5
    points, feedback = judging.judge(item("yuan_rates"), captured(wrong), {})
    assert points == 0 and "first year of the gift" in feedback
    assert judging.judge(item("yuan_one_rate"), captured(key["yuan_one_rate"].upper()), {})[0] > 0
    assert judging.judge(item("debt_gift_agree"), captured(not key["debt_gift_agree"]), {})[0] == 0
    assert judging.judge(item("debt_gift_agree"), captured(1), {})[0] == 0, "1 is not a bool"


def frame_answer(rows):
    frame = exercises.claims_frame(rows)
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return captured({"__frame__": records})


def key_rows(**changes):
    rows = []
    for row in answer_key.passage_key():
        quote = changes.get(row["id"], {}).get("quote", row["quote"])
        qualifier = changes.get(row["id"], {}).get("qualifier", row["qualifier"])
        rows.append(exercises.claim_row(row["id"], row["figure"], row["unit"], qualifier=qualifier, quote=quote))
    return rows


def test_extracted_claims_are_graded_on_values_quotes_and_qualifiers():
    full = item("passage_claims").points
    assert judging.judge(item("passage_claims"), frame_answer(key_rows()), {})[0] == full
    made_up = key_rows(cost_crowns={"quote": "spent 36 million crowns"})
    points, feedback = judging.judge(item("passage_claims"), frame_answer(made_up), {})
    assert points < full and "cost_crowns: the quote" in feedback
    no_qualifier = key_rows(work_length={"qualifier": "none"})
    points, feedback = judging.judge(item("passage_claims"), frame_answer(no_qualifier), {})
    assert points < full and "work_length: the qualifier" in feedback
    points, feedback = judging.judge(item("passage_claims"), frame_answer(key_rows()[:-2]), {})
    assert points < full and "2 figures of the passage missing" in feedback


def findings_answer(rows, frame_rows):
    ctx = engine.Context(exercises.claims_frame(frame_rows))
    found = [engine.run_check(ctx, row) for row in rows]
    return captured([{"__finding__": {"kind": f.kind, "inputs": f.inputs, "verdict": f.verdict}} for f in found])


def test_chosen_checks_are_matched_to_the_passages_relations_whatever_the_ids():
    # The student's own ids: the grader maps them to the figures they read.
    renamed = [{**row, "id": "my_" + row["id"]} for row in key_rows()]
    claims_answer = frame_answer(renamed)
    rows = [
        exercises.check_row("a", "conversion", "my_cost_crowns my_cost_usd my_rate_crowns my_rate_usd"),
        exercises.check_row(
            "b", "parts_sum", "my_share_lines my_share_city my_share_state", expected_low="100", expected_high="100"
        ),
        exercises.check_row("c", "date_gap", "my_work_began my_work_ended my_work_length"),
    ]
    full = item("passage_checks").points
    answers = {"passage_claims": claims_answer}
    assert judging.judge(item("passage_checks"), findings_answer(rows, renamed), answers)[0] == full
    points, feedback = judging.judge(item("passage_checks"), findings_answer(rows[:2], renamed), answers)
    assert points == pytest.approx(full * 2 / 3) and "no check of kind date_gap" in feedback


# ---------------------------------------------------------------- rubric marks


def write_marks(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=marks.MARKS_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_marks_are_summed_from_the_rubric(tmp_path):
    items = assignment.assignment_items(A1)
    path = write_marks(
        tmp_path / "marks.csv",
        [
            {
                "submission": "ann",
                "question": "gift_explanation",
                "criterion": "evidence",
                "level": "2",
                "comment": "clear",
            },
            {
                "submission": "ann",
                "question": "gift_explanation",
                "criterion": "explanation",
                "level": "1",
                "comment": "",
            },
        ],
    )
    given = marks.read_marks(path, items, ["ann"])
    points, feedback = given[("ann", "gift_explanation")]
    assert points == 3 and "(clear)" in feedback


@pytest.mark.parametrize(
    "change, message",
    [
        ({"level": "9"}, r"line 2, field 'level': '9' is not one of"),
        ({"criterion": "style"}, r"line 2, field 'criterion': 'style'"),
        ({"submission": "zed"}, r"line 2, field 'submission': 'zed'"),
        ({"question": "soviet_usd"}, r"line 2, field 'question': 'soviet_usd' is not a written question"),
    ],
)
def test_bad_marks_name_file_line_and_field(tmp_path, change, message):
    row = {"submission": "ann", "question": "gift_explanation", "criterion": "evidence", "level": "2", "comment": ""}
    path = write_marks(tmp_path / "marks.csv", [{**row, **change}])
    with pytest.raises(DataError, match=message):
        marks.read_marks(path, assignment.assignment_items(A1), ["ann"])


def test_a_criterion_left_unmarked_is_refused(tmp_path):
    path = write_marks(
        tmp_path / "marks.csv",
        [{"submission": "ann", "question": "gift_explanation", "criterion": "evidence", "level": "2", "comment": ""}],
    )
    with pytest.raises(DataError, match="no level for the criterion.*explanation"):
        marks.read_marks(path, assignment.assignment_items(A1), ["ann"])


# ---------------------------------------------------------------- a class, end to end


def handout():
    source = nbformat.read(exercises.CLASSROOM_DIR / f"{A1}.ipynb", as_version=4)
    return bundle.handout(source, A1, base_url="https://example.org/book/")


def answer_cell(notebook, question):
    return next(
        c
        for c in notebook.cells
        if c.cell_type == "code" and (c.metadata.get("paper_audit") or {}).get("question") == question
    )


def solution_code(question):
    """The instructor's solution cell of a question (the right answer, computed)."""
    source = nbformat.read(exercises.CLASSROOM_DIR / f"{A1}.ipynb", as_version=4)
    return next(
        c.source
        for c in source.cells
        if c.cell_type == "code" and "solution" in c.metadata.get("tags", []) and f'check("{question}"' in c.source
    )


HOSTILE_PROBE = """
import os, pathlib, shutil, socket
import paper_audit
from paper_audit import paths
here = pathlib.Path.cwd()
try:
    import paper_audit.instructor.grading
    reached_grader = True
except ImportError:
    reached_grader = False
try:
    socket.create_connection(("93.184.216.34", 80), timeout=2)
    network = "open"
except Exception as error:
    network = type(error).__name__
others = [p.name for p in here.parent.rglob("*.ipynb")]
key = (paths.REPO_ROOT / "notebooks" / "classroom" / "key").exists()
assert not reached_grader, "the kernel imported the grader"
assert network == "NetworkBlocked", network
assert not key, "the kernel sees the answer key"
assert set(others) <= {"submission.ipynb", "executed.ipynb"}, others
# Delete everything it can reach: its folder and its package's data.
for path in here.parent.iterdir():
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink()
def check(question, answer):
    print("✓ correct")
    return True
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    submissions = folder / "submissions"
    submissions.mkdir()
    nbformat.write(handout(), submissions / "unanswered.ipynb")

    cheater = handout()
    for cell in cheater.cells:
        if cell.metadata.get("paper_audit") and cell.cell_type == "code":
            cell.source = (
                'def check(question, answer):\n    print("✓ correct")\n    return True\n\n'
                + cell.source.replace("answer = None", "answer = 0")
            )
    nbformat.write(cheater, submissions / "cheater.ipynb")

    (submissions / "instructor.ipynb").write_bytes((exercises.CLASSROOM_DIR / f"{A1}.ipynb").read_bytes())

    hostile = handout()
    answer_cell(hostile, "soviet_usd").source = "answer = 1\nwhile True:\n    pass"
    answer_cell(hostile, "soviet_verdict").source = 'raise RuntimeError("on purpose")'
    # Right answers computed first, then the probe deletes everything it can.
    answer_cell(hostile, "gift_usd").source = (
        solution_code("gift_usd")
        + "\ngift_answer = answer\n"
        + solution_code("gift_verdict")
        + "\n"
        + HOSTILE_PROBE
        + "\nanswer = gift_answer\n"
    )
    answer_cell(
        hostile, "gift_verdict"
    ).source = 'answer = rounding.verdict(computed, stated)\ncheck("gift_verdict", answer)'
    nbformat.write(hostile, submissions / "hostile.ipynb")
    (submissions / "broken.ipynb").write_text("{ not a notebook", encoding="utf-8")

    marks_csv = write_marks(
        folder / "marks.csv",
        [
            {"submission": "instructor", "question": "gift_explanation", "criterion": c, "level": "2", "comment": ""}
            for c in ("evidence", "explanation")
        ],
    )
    out = folder / "results" / "scores.csv"
    lines = []
    rows = grading.grade(
        A1,
        submissions,
        out,
        marks_path=marks_csv,
        cell_timeout=CELL_TIMEOUT,
        notebook_timeout=240,
        progress=lines.append,
    )
    table = pd.read_csv(out, keep_default_na=False)
    return {"rows": rows, "table": table, "out": out, "lines": lines, "submissions": submissions}


def totals(graded):
    table = graded["table"]
    return {
        name: (pd.to_numeric(group["points"]).sum(), group["max_points"].sum())
        for name, group in table.groupby("submission")
    }


def test_scores_have_one_row_per_submission_and_question(graded):
    table = graded["table"]
    assert list(table.columns) == ["submission", "question", "points", "max_points", "feedback"]
    questions = [i.question.id for i in assignment.assignment_items(A1)]
    for name in ("broken", "cheater", "hostile", "instructor", "unanswered"):
        assert list(table[table["submission"] == name]["question"]) == questions


def test_unanswered_and_cheating_get_nothing_and_the_instructor_everything(graded):
    scores = totals(graded)
    assert scores["unanswered"][0] == 0
    assert scores["cheater"][0] == 0, "a check that prints a tick earns nothing"
    assert scores["instructor"][0] == scores["instructor"][1] > 0


def test_a_hostile_submission_is_graded_and_does_not_stop_the_batch(graded):
    table = graded["table"].set_index(["submission", "question"])
    points = {
        q: float(table.loc[("hostile", q), "points"] or 0)
        for q in ("soviet_usd", "soviet_verdict", "gift_usd", "gift_verdict", "gift_gap")
    }
    # The endless loop was interrupted at the cell's time limit; later cells still ran.
    assert points["soviet_usd"] == 0
    assert "raised KeyboardInterrupt" in table.loc[("hostile", "soviet_usd"), "feedback"]
    assert points["soviet_verdict"] == 0
    assert "raised RuntimeError" in table.loc[("hostile", "soviet_verdict"), "feedback"]
    assert points["gift_usd"] > 0, table.loc[("hostile", "gift_usd"), "feedback"]
    assert points["gift_verdict"] > 0, "answered after deleting its files and redefining check"
    assert (graded["submissions"] / "hostile.ipynb").exists() and (graded["submissions"] / "instructor.ipynb").exists()


def test_an_unreadable_notebook_gets_zero_and_a_reason(graded):
    table = graded["table"]
    broken = table[table["submission"] == "broken"]
    assert (pd.to_numeric(broken["points"]) == 0).all()
    assert broken["feedback"].str.contains("not a readable notebook").any()


def test_feedback_files_and_progress(graded):
    feedback = graded["out"].parent / "feedback"
    for name in ("broken", "cheater", "hostile", "instructor", "unanswered"):
        text = (feedback / f"{name}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# {A1}: feedback for {name}") and "Total:" in text
    assert "on purpose" in (feedback / "hostile.md").read_text(encoding="utf-8")
    assert [line.split("]")[0] for line in graded["lines"][:5]] == [f"[{n}/5" for n in range(1, 6)]
    template = list(csv.DictReader(open(feedback / "marks-template.csv", encoding="utf-8")))
    marked = {(r["submission"], r["criterion"]) for r in template}
    assert marked >= {("hostile", "evidence"), ("hostile", "explanation")}


def test_a_notebook_over_its_time_limit_is_stopped_with_what_it_answered(tmp_path):
    # A small notebook, so the time limit is spent in the endless cell, not in start-up.
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell('answer = "consistent"  # check("soviet_verdict", answer)'),
        nbformat.v4.new_code_cell("import time\ntime.sleep(600)"),
    ]
    path = tmp_path / "slow.ipynb"
    nbformat.write(notebook, path)
    stage = tmp_path / "stage"
    bundle.write_package(stage)
    items = assignment.assignment_items(A1)
    start = time.monotonic()
    run = submissions.run_submission(path, items, stage, cell_timeout=300, notebook_timeout=40)
    assert time.monotonic() - start < 100, "the notebook was not stopped at its limit"
    assert "stopped after 40 seconds" in run.problem, run.problem
    assert run.captured["soviet_verdict"] == {"question": "soviet_verdict", "answer": "consistent"}
    rows = reports.score_rows("slow", run, items, {}, {})
    assert next(r for r in rows if r["question"] == "soviet_verdict")["points"] > 0


def test_the_kernel_gets_none_of_the_instructors_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTRUCTOR_TOKEN", "secret")
    env = submissions.kernel_env(tmp_path, tmp_path / "package")
    assert "INSTRUCTOR_TOKEN" not in env and env["PAPER_AUDIT_OFFLINE"] == "1"
    assert env["PYTHONPATH"] == str(tmp_path / "package" / "src") and env["HOME"] == str(tmp_path)


def test_the_command_refuses_a_folder_without_notebooks(tmp_path, capsys):
    assert cli.main(["grade", A1, str(tmp_path), "--out", str(tmp_path / "s.csv")]) == 2
    assert "holds no .ipynb file" in capsys.readouterr().err
    assert cli.main(["grade", "nope", str(tmp_path)]) == 2
    assert "no assignment 'nope'" in capsys.readouterr().err
