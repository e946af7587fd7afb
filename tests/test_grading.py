"""Grading on the instructor's side: the expected answers come from the data;
each value is judged within its stated tolerance, and the feedback says what
the student gave and what was expected in form and tolerance, never the
value; a folder of submissions gives one row per submission and question and
a feedback file each; a submission that loops, raises, deletes files, forges
the grader's output or redefines ``check`` gets its score and does not stop
the batch; names, CSV cells and written answers cannot inject anything; rubric
marks merge into the scores. What the sandbox keeps a submission from is in
tests/test_sandbox.py."""

import csv
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import pandas as pd
import pytest
import yaml

from paper_audit import cli, paths
from paper_audit.audit import engine, verdicts
from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor import (
    assignment,
    bundle,
    grading,
    judging,
    marks,
    reports,
    safe,
    submissions,
    variants,
)
from paper_audit.instructor import key as answer_key
from paper_audit.tables import claims
from sandbox_support import require_sandbox

A1 = "01_recompute_a_conversion"
A3 = "03_audit_a_passage"
# Long enough for an ordinary answer cell (imports, loading the data) on a busy
# 2-core machine, where a few seconds would cut legitimate cells and fail the
# instructor's notebook; the endless loop pays it once.
CELL_TIMEOUT = 45
# The class fixture and the variant test run real notebooks, each allowed 240 s (notebook_timeout), on a
# 2-core machine shared with other tests: the default of 120 s per test (set-up included) is too short.
pytestmark = pytest.mark.timeout(600)


# ---------------------------------------------------------------- the key


def test_expected_answers_are_computed_from_the_passages():
    conversion = exercises.passage_table(A1)
    rubles = claims.absolute(conversion.loc["soviet_credit_rubles"])
    rate = claims.absolute(conversion.loc["note_rate_rubles"]) / claims.absolute(conversion.loc["note_rate_usd"])
    key = grading.expected()
    assert math.isclose(key["soviet_usd"], rubles / rate)
    official = float(exercises.page_values(A1)["ref_cny_official_1955_units_per_usd"])
    gift_usd = claims.absolute(conversion.loc["gift_yuan"]) / official
    assert math.isclose(key["gift_usd"], gift_usd, rel_tol=1e-9)
    printed = claims.absolute(conversion.loc["gift_usd"])
    assert math.isclose(key["gift_gap"], (gift_usd - printed) / printed * 100, rel_tol=1e-9)
    pairs = exercises.passage_table("02_implied_rates")
    gift = claims.absolute(pairs.loc["gift_yuan"]) / claims.absolute(pairs.loc["gift_usd"])
    assert math.isclose(key["yuan_rates"][1], gift)
    assert key["debt_rate_interval"].low < key["yuan_rates"][0] < key["debt_rate_interval"].high
    assert key["yuan_one_rate"] in verdicts.GRADES
    assert {f["id"] for f in key["passage_checks"]} == {"passage_conversion", "passage_shares", "passage_duration"}


def test_a_broken_key_row_names_file_line_and_field(tmp_path):
    project = paths.Project(tmp_path)  # a copy of the data and the content, read as its own project's
    shutil.copytree(paths.DATA_DIR, project.data_dir)
    shutil.copytree(exercises.CLASSROOM_DIR, project.classroom_dir, ignore=shutil.ignore_patterns("*.ipynb"))
    bad = project.classroom_dir / "key" / "answers.csv"
    bad.write_text(
        "question,source,arguments\nsoviet_usd,passage_finding,no_such_check;computed_value\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"answers.csv, line 2: cannot compute .*no_such_check"):
        answer_key.expected(project=project)


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
    monkeypatch.setattr(exercises, "assignments", lambda project=None: content)
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


def spellings(value):
    x = float(value)
    return {f for f in (repr(x), f"{x:.6g}", f"{x:,.6g}", f"{x:.2f}", f"{x:,.0f}") if len(f.strip("-0.,")) >= 3}


@pytest.mark.parametrize("question", ["soviet_usd", "gift_usd", "gift_gap", "yuan_rates"])
def test_feedback_gives_the_value_given_and_the_form_asked_never_the_expected_value(question):
    key = grading.expected()[question]
    wrong = [x * 1.7 for x in key] if isinstance(key, list) else key * 1.7
    points, feedback = judging.judge(item(question), captured(wrong), {})
    assert points == 0
    q = exercises.load_questions()[question]
    assert "You gave " in feedback and "Expected: " in feedback and q.tolerance() in feedback, feedback
    assert q.unit in feedback, feedback
    for value in key if isinstance(key, list) else [key]:
        for form in spellings(value):
            assert form not in feedback, f"the expected value {form} is in the feedback: {feedback}"
    gave = wrong[0] if isinstance(wrong, list) else wrong
    # The value given, as people write it (no "1.2e+07"), and close to what was given.
    shown = re.search(r"You gave \[?([-\d,.]+)", feedback).group(1).rstrip(".,")
    assert "e" not in shown and math.isclose(float(shown.replace(",", "")), gave, rel_tol=1e-5), feedback


def test_an_answer_of_an_unreadable_shape_gets_a_reason_not_a_crash():
    for odd in ({"__frame__": "not rows"}, {"__type__": "Widget"}, [[1, 2]], "text", {"__interval__": ["a", None]}):
        for question in ("soviet_usd", "yuan_rates", "debt_rate_interval", "passage_claims", "passage_checks"):
            points, feedback = judging.judge(item(question), captured(odd), {})
            assert points == 0 and feedback, (question, odd)


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
    for row in answer_key.passage_key(A3):
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


def mark(submission="ann", criterion="evidence", level="2", comment=""):
    return {
        "submission": submission,
        "question": "gift_explanation",
        "criterion": criterion,
        "level": level,
        "comment": comment,
    }


def test_marks_are_summed_from_the_rubric(tmp_path):
    items = assignment.assignment_items(A1)
    path = write_marks(tmp_path / "marks.csv", [mark(comment="clear"), mark(criterion="explanation", level="1")])
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
        ({"level": " "}, r"line 2, field 'level': blank; give a level, or delete the row"),
    ],
)
def test_bad_marks_name_file_line_and_field(tmp_path, change, message):
    path = write_marks(tmp_path / "marks.csv", [{**mark(), **change}])
    with pytest.raises(DataError, match=message):
        marks.read_marks(path, assignment.assignment_items(A1), ["ann"])


def test_a_template_with_every_level_blank_is_refused_at_its_first_row(tmp_path):
    path = write_marks(tmp_path / "marks.csv", [mark(level=""), mark(criterion="explanation", level="")])
    with pytest.raises(DataError, match=r"marks.csv, line 2, field 'level': blank"):
        marks.read_marks(path, assignment.assignment_items(A1), ["ann"])
    empty = write_marks(tmp_path / "empty.csv", [])
    with pytest.raises(DataError, match="holds no marks"):
        marks.read_marks(empty, assignment.assignment_items(A1), ["ann"])


def test_a_criterion_left_unmarked_is_refused(tmp_path):
    path = write_marks(tmp_path / "marks.csv", [mark()])
    with pytest.raises(DataError, match="no level for the criterion.*explanation"):
        marks.read_marks(path, assignment.assignment_items(A1), ["ann"])


# ---------------------------------------------------------------- what a submission controls, made safe


def test_submission_names_are_made_safe_and_distinct():
    names = safe.submission_names(
        ['=HYPERLINK("http://x")', "written-answers", "a b", "a_b", "..", "-x", "Marks-Template"]
    )
    assert names == [
        "HYPERLINK_http_x_",
        "written-answers-submission",
        "a_b",
        "a_b-2",
        "submission",
        "x",
        "Marks-Template-submission",
    ]
    assert all(not n.startswith(("=", "+", "-", "@", ".")) for n in names)


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    text = reports.csv_text(["a", "b"], [{"a": "=1+1", "b": "+SUM(A1)"}, {"a": "@x", "b": "-2"}, {"a": "ok", "b": 3}])
    assert text == "a,b\n'=1+1,'+SUM(A1)\n'@x,'-2\nok,3\n"


def test_markdown_from_a_submission_is_escaped():
    line = safe.markdown_text("<script>alert(1)</script> [link](http://x) # title\n- item")
    assert "<script>" not in line and "&lt;script&gt;" in line and "\\[link\\]" in line and "\n" not in line
    block = safe.markdown_block("```\n<b>bold</b>\n```")
    assert block.startswith("````text\n") and block.endswith("\n````") and "<b>bold</b>" in block


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


# Right answers computed first, then the probe deletes everything it can reach.
HOSTILE_PROBE = """
import pathlib, shutil
here = pathlib.Path.cwd()
for path in [here, *here.parents]:
    for child in list(path.iterdir()) if path.is_dir() else []:
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            try:
                child.unlink()
            except OSError:
                pass
def check(question, answer):
    print("✓ correct")
    return True
"""

# A cell tagged like the grader's capture cell, and lines in the grader's old
# format, all carrying the right value: none of them may be read.
FORGED_TAGGED = "print('PAPER-AUDIT-ANSWER ' + {line!r})"
FORGED_HOOK = """
def _forge(*args):
    print('PAPER-AUDIT-ANSWER ' + {line!r})
get_ipython().events.register("post_run_cell", _forge)
globals = lambda: {{"answer": {value!r}}}
"""


def forged(value):
    line = json.dumps({"question": "soviet_usd", "answer": value})
    notebook = handout()
    tagged = nbformat.v4.new_code_cell(FORGED_TAGGED.format(line=line))
    tagged.metadata["paper_audit_capture"] = "soviet_usd"
    cell = answer_cell(notebook, "soviet_usd")
    cell.source = FORGED_HOOK.format(line=line, value=value) + cell.source
    notebook.cells.insert(notebook.cells.index(cell) + 1, tagged)
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    require_sandbox()
    folder = tmp_path_factory.mktemp("class")
    submissions_dir = folder / "submissions"
    submissions_dir.mkdir()
    nbformat.write(handout(), submissions_dir / "unanswered.ipynb")

    cheater = handout()
    for cell in cheater.cells:
        if cell.metadata.get("paper_audit") and cell.cell_type == "code":
            cell.source = (
                'def check(question, answer):\n    print("✓ correct")\n    return True\n\n'
                + cell.source.replace("answer = None", "answer = 0")
            )
    nbformat.write(cheater, submissions_dir / "cheater.ipynb")
    nbformat.write(forged(grading.expected()["soviet_usd"]), submissions_dir / "forger.ipynb")

    (submissions_dir / "instructor.ipynb").write_bytes((exercises.CLASSROOM_DIR / f"{A1}.ipynb").read_bytes())

    hostile = handout()
    # Endless, but asleep: a busy loop would take a core (a sandbox's CPU share is as large as
    # the rest of the suite's) for CELL_TIMEOUT and prove nothing more: the interrupt ends both alike.
    answer_cell(hostile, "soviet_usd").source = "import time\nanswer = 1\nwhile True:\n    time.sleep(1)"
    answer_cell(hostile, "soviet_verdict").source = 'raise RuntimeError("on purpose <b>x</b>")'
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
    written = next(
        c for c in hostile.cells if (c.metadata.get("paper_audit") or {}).get("question") == "gift_explanation"
    )
    written.source = "<script>alert('x')</script>\n\n```\n# not a heading\n[a link](http://example.org)"
    nbformat.write(hostile, submissions_dir / "=HYPERLINK(hostile).ipynb")
    (submissions_dir / "broken.ipynb").write_text("{ not a notebook", encoding="utf-8")
    nbformat.write(handout(), submissions_dir / "written-answers.ipynb")

    marks_csv = write_marks(
        folder / "marks.csv",
        [mark("instructor", criterion, "2") for criterion in ("evidence", "explanation")],
    )
    out = folder / "results" / "scores.csv"
    lines = []
    rows = grading.grade(
        A1,
        submissions_dir,
        out,
        marks_path=marks_csv,
        cell_timeout=CELL_TIMEOUT,
        notebook_timeout=240,
        progress=lines.append,
    )
    table = pd.read_csv(out, keep_default_na=False)
    return {"rows": rows, "table": table, "out": out, "lines": lines, "submissions": submissions_dir}


NAMES = ("HYPERLINK_hostile_", "broken", "cheater", "forger", "instructor", "unanswered", "written-answers-submission")


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
    assert sorted(set(table["submission"])) == sorted(NAMES)
    for name in NAMES:
        assert list(table[table["submission"] == name]["question"]) == questions


def test_unanswered_cheating_and_forging_get_nothing_and_the_instructor_everything(graded):
    scores = totals(graded)
    assert scores["unanswered"][0] == 0
    assert scores["cheater"][0] == 0, "a check that prints a tick earns nothing"
    assert scores["forger"][0] == 0, "a forged capture line, a tagged cell or a redefined globals() was read"
    auto = sum(i.points for i in assignment.assignment_items(A1) if i.question.form != "written")
    assert scores["instructor"][0] == scores["instructor"][1] > auto, "marked, the instructor gets every point"


def test_a_hostile_submission_is_graded_and_does_not_stop_the_batch(graded):
    table = graded["table"].set_index(["submission", "question"])
    name = "HYPERLINK_hostile_"
    points = {
        q: float(table.loc[(name, q), "points"] or 0)
        for q in ("soviet_usd", "soviet_verdict", "gift_usd", "gift_verdict", "gift_gap")
    }
    # The endless loop was interrupted at the cell's time limit; later cells still ran.
    assert points["soviet_usd"] == 0
    assert "raised KeyboardInterrupt" in table.loc[(name, "soviet_usd"), "feedback"]
    assert points["soviet_verdict"] == 0
    assert "raised RuntimeError" in table.loc[(name, "soviet_verdict"), "feedback"]
    assert points["gift_usd"] > 0, table.loc[(name, "gift_usd"), "feedback"]
    assert points["gift_verdict"] > 0, "answered after deleting its files and redefining check"
    assert sorted(p.name for p in graded["submissions"].iterdir()) == sorted(
        [
            "unanswered.ipynb",
            "cheater.ipynb",
            "forger.ipynb",
            "instructor.ipynb",
            "=HYPERLINK(hostile).ipynb",
            "broken.ipynb",
            "written-answers.ipynb",
        ]
    )


def test_an_unreadable_notebook_gets_zero_and_a_reason(graded):
    table = graded["table"]
    broken = table[table["submission"] == "broken"]
    auto = broken[broken["question"] != "gift_explanation"]
    assert (pd.to_numeric(auto["points"]) == 0).all()
    assert auto["feedback"].str.contains("not a readable notebook").all()


def test_written_answers_await_marks_and_the_instructors_own_is_marked(graded):
    table = graded["table"].set_index(["submission", "question"])
    for name in ("unanswered", "cheater", "HYPERLINK_hostile_"):
        assert table.loc[(name, "gift_explanation"), "points"] == "", name
        assert "Awaiting your instructor's marks" in table.loc[(name, "gift_explanation"), "feedback"]
    assert "still as it was handed out" in table.loc[("unanswered", "gift_explanation"), "feedback"]
    assert float(table.loc[("instructor", "gift_explanation"), "points"]) == 4


def test_outputs_are_safe_to_open(graded):
    out = graded["out"]
    feedback = out.parent / "feedback"
    scores = out.read_bytes()
    assert b"\r" not in scores and b",=" not in scores and b"\n=" not in scores
    template = (feedback / "marks-template.csv").read_bytes()
    assert b"\r" not in template and template.startswith(b"submission,question,criterion,level,comment\n")
    summary = (feedback / "written-answers.md").read_text(encoding="utf-8")
    assert summary.startswith(f"# Written answers to {A1}\n")
    assert "<script>" not in summary.split("```text")[0], "a written answer escaped its block"
    assert "\n# not a heading" in summary and "````text\n<script>" in summary, "the answer is shown as typed"
    hostile = (feedback / "HYPERLINK_hostile_.md").read_text(encoding="utf-8")
    errors = hostile.split("## Errors while running your notebook")[1]
    assert "on purpose <b>x</b>" in errors.split("```text\n")[1].split("\n```")[0], "the error, as raised, in a block"
    page = (feedback / "HYPERLINK_hostile_.html").read_text(encoding="utf-8")
    assert "<b>" not in page and "on purpose &lt;b&gt;x&lt;/b&gt;" in page
    assert sorted(p.name for p in feedback.iterdir()) == sorted(
        [f"{n}.{kind}" for n in NAMES for kind in ("md", "html")]
        + ["written-answers.md", "written-answers.html", "marks-template.csv"]
    )
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "canvas-gradebook.csv",
        "class-report.html",
        "feedback",
        "scores.csv",
        "totals.csv",
    ], "a scratch file was left"


def test_feedback_files_and_progress(graded):
    feedback = graded["out"].parent / "feedback"
    for name in NAMES:
        text = (feedback / f"{name}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# {A1}: feedback for `{name}`") and "Total:" in text
    instructor = (feedback / "instructor.md").read_text(encoding="utf-8")
    assert "soviet_usd" in instructor and "\\" not in instructor, "our own words read as typed, unescaped"
    progress = [line for line in graded["lines"] if line.startswith("[")]
    assert [line.split("]")[0] for line in progress] == [f"[{n}/7" for n in range(1, 8)]
    template = list(csv.DictReader(open(feedback / "marks-template.csv", encoding="utf-8")))
    marked = {(r["submission"], r["criterion"]) for r in template}
    assert marked >= {("HYPERLINK_hostile_", "evidence"), ("HYPERLINK_hostile_", "explanation")}


@pytest.mark.sandbox
def test_a_notebook_over_its_time_limit_is_stopped_with_what_it_answered(tmp_path):
    require_sandbox()
    # A small notebook, so the time limit is spent in the endless cell, not in start-up.
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell('answer = "consistent"  # check("soviet_verdict", answer)'),
        nbformat.v4.new_code_cell("import time\ntime.sleep(600)"),
    ]
    path = tmp_path / "slow.ipynb"
    nbformat.write(notebook, path)
    items = assignment.assignment_items(A1)
    start = time.monotonic()
    settings = submissions.Settings(stage=bundle.stage(), cell_timeout=300, notebook_timeout=40)
    run = submissions.run_submission(path, items, settings)
    # The notebook sleeps 600 s: stopped at its 40 s limit it ends far sooner, even on a machine under load.
    assert time.monotonic() - start < 300, "the notebook was not stopped at its limit"
    assert "stopped after 40 seconds" in run.problem, run.problem
    assert run.captured["soviet_verdict"] == {"question": "soviet_verdict", "answer": "consistent"}
    rows = reports.score_rows("slow", run, items, {}, {})
    assert next(r for r in rows if r["question"] == "soviet_verdict")["points"] > 0
    assert "before this answer was read" in next(r for r in rows if r["question"] == "gift_usd")["feedback"]


KILLED_GRADER = """
import sys
from paper_audit.instructor import grading
grading.grade(
    sys.argv[1], sys.argv[2], sys.argv[3], workers=1,
    progress=lambda line: line.startswith("[") and print(line, flush=True),
)
"""


def test_a_killed_grader_leaves_the_last_scores_and_no_temporary_folder(tmp_path):
    require_sandbox()
    submissions_dir = tmp_path / "submissions"
    submissions_dir.mkdir()
    for n in range(3):
        nbformat.write(handout(), submissions_dir / f"student_{n}.ipynb")
    out = tmp_path / "out" / "scores.csv"
    out.parent.mkdir()
    out.write_text("the last good scores\n", encoding="utf-8")
    # The grader's temporary area is a folder this test owns (a canary): what other
    # processes put in the shared /tmp meanwhile cannot make the test fail.
    canary = tmp_path / "tmp"
    canary.mkdir()
    grader = subprocess.Popen(
        [sys.executable, "-c", KILLED_GRADER, A1, str(submissions_dir), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TMPDIR": str(canary)},
    )
    try:
        assert grader.stdout.readline().startswith("[1/3]"), "the first submission was not graded"
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait(timeout=30)
    # The killed grader's workers and sandboxes go with it, in their own time on a
    # busy machine: poll until the temporary area is empty, up to a deadline.
    deadline = time.monotonic() + 30
    while (left := sorted(p.name for p in canary.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"temporary files left behind: {left}"
    assert out.read_text(encoding="utf-8") == "the last good scores\n"
    assert sorted(p.name for p in out.parent.iterdir()) in (["scores.csv"], ["feedback", "scores.csv"])


def test_the_command_refuses_a_folder_without_notebooks(tmp_path, capsys):
    assert cli.main(["grade", A1, str(tmp_path), "--out", str(tmp_path / "s.csv"), "--no-sandbox"]) == 2
    assert "holds no .ipynb file" in capsys.readouterr().err
    assert cli.main(["grade", "nope", str(tmp_path), "--no-sandbox"]) == 2
    assert "no assignment 'nope'" in capsys.readouterr().err
    assert cli.main(["grade", A1, str(tmp_path), "--memory", "0.1"]) == 2
    assert "--memory should be 0.5 or more, not 0.1" in capsys.readouterr().err


# ---------------------------------------------------------------- a class's own variant of the passage

SEEDS = [f"class-seed-{n:02d}-0123456789" for n in range(20)]


def test_a_class_seed_gives_its_own_passage_and_the_book_keeps_its_own():
    book_text = exercises.passage(A3)[1]
    assert answer_key.class_passage(A3, None)[0] == book_text
    first, again = answer_key.class_passage(A3, SEEDS[0]), answer_key.class_passage(A3, SEEDS[0])
    assert first == again, "the same seed gives the same variant"
    texts = {answer_key.class_passage(A3, seed)[0] for seed in SEEDS}
    assert len(texts) == len(SEEDS) and book_text not in texts
    title = exercises.passage(A3)[0]
    assert "invented" in title, "a variant is still fiction, and says so"


def test_every_variant_is_well_formed_and_its_answers_differ_from_class_to_class():
    verdicts_by_check = {}
    for seed in SEEDS:
        text, rows = answer_key.class_passage(A3, seed)
        assert all(text.count(row["quote"]) == 1 and row["figure"] in row["quote"] for row in rows)
        key = answer_key.expected(seed)
        for finding in key["passage_checks"]:
            assert finding["verdict"] in verdicts.GRADES, finding
            verdicts_by_check.setdefault(finding["id"], set()).add(finding["verdict"])
        assert [r["figure"] for r in key["passage_claims"]] != [r["figure"] for r in answer_key.passage_key(A3)]
    assert all(len(found) >= 2 for found in verdicts_by_check.values()), verdicts_by_check


def test_a_seed_is_made_once_and_kept_private(tmp_path):
    path = tmp_path / "seeds" / "class-a"
    seed = variants.class_seed(path, create=True)
    assert len(seed) >= 16 and (path.stat().st_mode & 0o077) == 0
    assert variants.class_seed(path, create=True) == seed, "an existing seed is never replaced"
    (tmp_path / "short").write_text("abc")
    with pytest.raises(DataError, match="short: a class seed should hold at least 16 characters"):
        variants.class_seed(tmp_path / "short")
    with pytest.raises(DataError, match="missing: the class seed cannot be read"):
        variants.class_seed(tmp_path / "missing")


def test_the_bundle_of_a_class_holds_its_variant_and_not_its_answers(tmp_path):
    seed = SEEDS[3]
    out = tmp_path / "student"
    bundle.write_student_bundle(exercises.CLASSROOM_DIR, out, seed=seed)
    shipped = (out / "notebooks" / "classroom" / "assignments.yml").read_text(encoding="utf-8")
    text = answer_key.class_passage(A3, seed)[0]
    assert " ".join(yaml.safe_load(shipped)[A3]["passage"]["text"].split()) == text
    book_figures = [row["quote"] for row in answer_key.class_passage(A3, None)[1] if row["id"] != "rate_usd"]
    assert not [quote for quote in book_figures if quote in " ".join(shipped.split())], "the book's figures are shipped"
    everything = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file())
    for finding in answer_key.expected(seed)["passage_checks"]:
        assert f"{finding['id']}," not in everything
    handout = nbformat.read(out / "notebooks" / "classroom" / f"{A3}.ipynb", as_version=4)
    assert handout.metadata["paper_audit"]["variant"] == variants.label(seed) != "book"
    assert seed not in everything and variants.label(seed) not in seed


def variant_solution(seed):
    """The third hand-out of the class with ``seed`` (recording its variant), answered right."""
    notebook = bundle.handout(
        nbformat.read(exercises.CLASSROOM_DIR / f"{A3}.ipynb", as_version=4),
        A3,
        base_url="https://example.org/",
        seed=seed,
    )
    rows = ", ".join(
        f"claim_row({r['id']!r}, {r['figure']!r}, {r['unit']!r}, qualifier={r['qualifier']!r}, quote={r['quote']!r})"
        for r in answer_key.class_passage(A3, seed)[1]
    )
    checks = ", ".join(
        f"check_row({row['id']!r}, {row['kind']!r}, {row['inputs']!r}, expected_low={row['expected_low']!r}, "
        f"expected_high={row['expected_high']!r})"
        for row in answer_key.passage_checks(A3)
    )
    for cell in notebook.cells:
        question = (cell.metadata.get("paper_audit") or {}).get("question")
        if cell.cell_type == "code" and question == "passage_claims":
            # Answered only if the sandbox shows the class's passage, as the student's bundle does.
            cell.source = (
                f"from paper_audit.classroom import exercises\n"
                f"shown = exercises.passage({A3!r})[1] == {answer_key.class_passage(A3, seed)[0]!r}\n"
                f"passage = claims_frame([{rows}]) if shown else None\n"
                "answer = passage\ncheck('passage_claims', answer)"
            )
        elif cell.cell_type == "code" and question == "passage_checks":
            cell.source = (
                f"ctx = engine.Context(passage)\nanswer = [engine.run_check(ctx, row) for row in [{checks}]]\n"
                "check('passage_checks', answer)"
            )
    return notebook


def test_a_class_is_graded_against_its_own_variant(tmp_path):
    require_sandbox()
    seed = SEEDS[5]
    folder = tmp_path / "handed-in"
    folder.mkdir()
    nbformat.write(variant_solution(seed), folder / "right.ipynb")
    (folder / "book.ipynb").write_bytes((exercises.CLASSROOM_DIR / f"{A3}.ipynb").read_bytes())
    rows = grading.grade(A3, folder, tmp_path / "scores.csv", seed=seed, notebook_timeout=240, progress=lambda _: None)
    points = {(r["submission"], r["question"]): r["points"] for r in rows}
    assert points[("right", "passage_claims")] == item("passage_claims").points, rows
    assert points[("right", "passage_checks")] == item("passage_checks").points, rows
    assert points[("book", "passage_claims")] < item("passage_claims").points, "the book's answers fit another class"


def test_nothing_is_read_back_from_a_worker_that_died(tmp_path):
    """A worker that printed a result and was then killed gives no point: only
    the answer of a worker that finished counts."""
    fake = tmp_path / "python"
    forged = json.dumps({"captured": {"soviet_usd": {"answer": grading.expected()["soviet_usd"]}}})
    fake.write_text(f"#!/bin/sh\necho '{forged}'\nkill -9 $$\n", encoding="utf-8")
    fake.chmod(0o755)
    notebook = tmp_path / "submission.ipynb"
    nbformat.write(handout(), notebook)
    settings = submissions.Settings(stage=bundle.stage(), sandboxed=False, python=str(fake), notebook_timeout=30)
    run = submissions.run_submission(notebook, assignment.assignment_items(A1), settings)
    assert run.captured == {} and "the grader's worker failed" in run.problem, (run.captured, run.problem)


def test_feedback_gives_the_students_number_as_people_write_it():
    assert judging.gave(12000000.0) == "12,000,000"
    assert judging.gave(158421052.63) == "158,421,053"
    assert judging.gave(5.613784) == "5.61378"
    assert judging.gave(0.5) == "0.5" and judging.gave(float("nan")) == "nan"
    assert "e+" not in judging.gave((3.45e9, 3.55e9))
