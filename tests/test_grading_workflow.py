"""The instructor's side of grading a class, without running a notebook
(each submission's run is made up): one submission never stops the class,
nothing an instructor reads holds a control, escape or bidi character,
feedback reads as prose and stays inert as HTML, one student is regraded
into the earlier results, the totals, class report and Canvas export are
written, and the seed is checked against the variant each notebook was
handed out for. Running real notebooks is in tests/test_grading.py."""

from __future__ import annotations

import base64
import csv
import os
import re
import time

import nbformat
import pytest

from paper_audit import cli
from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor import bundle, clean_text, grading, reports, submissions, variant_check, variants
from paper_audit.instructor.assignment import assignment_items

A1 = "01_recompute_a_conversion"
# What the brief and the red team name: C0 but newline and tab, DEL, C1, and the bidi controls.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
HOSTILE_TEXT = "<script>alert(1)</script> [click](http://evil.example) \x1b[2J\x07\u202eevil"


def deep_list(depth=600):
    value = 1.0
    for _ in range(depth):
        value = [value]
    return value


def right(question):
    return {"question": question, "answer": grading.expected()[question]}


def honest_run(**extra):
    return submissions.Run(captured={"soviet_usd": right("soviet_usd"), "gift_usd": right("gift_usd")}, **extra)


@pytest.fixture(scope="module")
def handout():
    source = nbformat.read(exercises.CLASSROOM_DIR / f"{A1}.ipynb", as_version=4)
    return bundle.handout(source, A1, base_url="https://example.org/book/")


def make_class(folder, handout, stems, variant_of=None):
    folder.mkdir(parents=True, exist_ok=True)
    for stem in stems:
        notebook = nbformat.from_dict(handout)
        if variant_of and stem in variant_of:  # None: a hand-out from before variants were recorded
            notebook.metadata["paper_audit"].pop("variant", None)
            if variant_of[stem] is not None:
                notebook.metadata["paper_audit"]["variant"] = variant_of[stem]
        nbformat.write(notebook, folder / f"{stem}.ipynb")
    return folder


def fake_runs(monkeypatch, by_stem):
    """Make run_submission give ``by_stem[stem]`` (a Run, or a function of the path); return the stems it ran."""
    ran = []

    def run(path, items, settings):
        ran.append(path.stem)
        made = by_stem.get(path.stem, honest_run)
        return made() if callable(made) else made

    monkeypatch.setattr(submissions, "run_submission", run)
    return ran


def grade(tmp_path, **options):
    lines = []
    out = tmp_path / "results" / "scores.csv"
    rows = grading.grade(A1, tmp_path / "class", out, sandboxed=False, progress=lines.append, **options)
    return rows, out, lines


def scores(out):
    with open(out, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def item_points(question):
    return next(i.points for i in assignment_items(A1) if i.question.id == question)


def points_of(out, name):
    return sum(float(r["points"] or 0) for r in scores(out) if r["submission"] == name)


# ------------------------------------------------------------------ one submission never stops the class


def test_a_recursion_bomb_and_a_lone_surrogate_do_not_stop_the_class(tmp_path, monkeypatch, handout):
    make_class(tmp_path / "class", handout, ["bomb", "honest", "surrogate"])
    bomb = submissions.Run(captured={"soviet_usd": {"question": "soviet_usd", "answer": deep_list()}})
    surrogate = submissions.Run(
        captured={"soviet_verdict": {"question": "soviet_verdict", "answer": "\ud800"}, **honest_run().captured},
        written={"gift_explanation": "because \ud800 of the rate"},
        errors=["ValueError: \ud800"],
        problem="raised \ud800",
    )
    fake_runs(monkeypatch, {"bomb": bomb, "surrogate": surrogate})
    out = tmp_path / "results" / "scores.csv"
    out.parent.mkdir()
    out.write_text("an older scores table\n", encoding="utf-8")
    rows, out, lines = grade(tmp_path)
    table = scores(out)
    assert {r["submission"] for r in table} == {"bomb", "honest", "surrogate"}, "scores.csv was not replaced"
    bomb_rows = [r for r in table if r["submission"] == "bomb"]
    assert len(bomb_rows) == len(assignment_items(A1))
    for row in bomb_rows:
        assert "bomb could not be graded" in row["feedback"] and "RecursionError" in row["feedback"], row
        assert "Traceback" not in row["feedback"] and "\n" not in row["feedback"]
    auto = sum(i.points for i in assignment_items(A1) if i.question.id in ("soviet_usd", "gift_usd"))
    assert points_of(out, "honest") == auto and points_of(out, "surrogate") == auto
    for path in (tmp_path / "results").rglob("*"):
        if path.is_file():
            path.read_bytes().decode("utf-8")  # every file written, and valid UTF-8
    assert (tmp_path / "results" / "feedback" / "surrogate.md").is_file()
    assert any(line.startswith("[") and "bomb: not graded" in line for line in lines), lines


def test_the_report_of_a_submission_the_grader_fails_on_names_it(monkeypatch):
    items = assignment_items(A1)
    bomb = submissions.Run(captured={"gift_usd": {"question": "gift_usd", "answer": deep_list(5000)}})
    graded = reports.report("nested", bomb, items, {}, {}, A1)
    assert graded.status == reports.NOT_GRADED and "RecursionError" in graded.problem
    assert all("nested could not be graded" in r["feedback"] for r in graded.rows)
    assert "`nested`" in graded.feedback


# ------------------------------------------------------------------ no control character reaches the instructor


def test_no_control_escape_or_bidi_character_reaches_a_file_or_the_terminal(tmp_path, monkeypatch, handout):
    stem = "mallory\x1b[2J\x07\u202e"
    make_class(tmp_path / "class", handout, [stem, "honest"])
    hostile = submissions.Run(
        captured={
            "soviet_verdict": {"question": "soviet_verdict", "answer": HOSTILE_TEXT},
            "gift_verdict": {"question": "gift_verdict", "error": HOSTILE_TEXT},
        },
        written={"gift_explanation": HOSTILE_TEXT},
        errors=[HOSTILE_TEXT, "KeyError: " + HOSTILE_TEXT],
        problem="stopped: " + HOSTILE_TEXT,
    )
    fake_runs(monkeypatch, {stem: hostile})
    roster = tmp_path / "roster.csv"
    roster.write_text(f"submission,Student,ID\n{stem},Mallory \x1b]0;owned\x07\u202eX,7\nhonest,Ann,8\n", "utf-8")
    rows, out, lines = grade(tmp_path, roster_path=roster)
    written = [p for p in (tmp_path / "results").rglob("*") if p.is_file()]
    for path in written:
        found = FORBIDDEN.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name} holds {found}"
    for line in lines:
        assert not FORBIDDEN.findall(line), line
    names = {p.name for p in written}
    assert {"scores.csv", "totals.csv", "class-report.html", "canvas-gradebook.csv", "mallory_2J_.html"} <= names


# ------------------------------------------------------------------ feedback: prose to read, inert as HTML


def test_feedback_reads_as_prose_and_nothing_a_student_wrote_is_active_in_its_html(tmp_path, monkeypatch, handout):
    make_class(tmp_path / "class", handout, ["honest", "hostile"])
    hostile = submissions.Run(
        captured={"soviet_verdict": {"question": "soviet_verdict", "answer": HOSTILE_TEXT}},
        written={"gift_explanation": HOSTILE_TEXT + "\n\n```\n# not a heading\n<b>bold</b>"},
        errors=["RuntimeError: " + HOSTILE_TEXT, "<img src=x onerror=alert(1)> ![pixel](http://evil.example/p.png)"],
        problem="raised " + HOSTILE_TEXT,
    )
    fake_runs(monkeypatch, {"hostile": hostile})
    rows, out, lines = grade(tmp_path)
    feedback = out.parent / "feedback"
    honest = (feedback / "honest.md").read_text(encoding="utf-8")
    assert honest.startswith(f"# {A1}: feedback for `honest`"), honest[:80]
    assert "\\_" not in honest and "soviet_usd" in honest and "\\" not in honest
    for name in ("honest", "hostile", "written-answers"):
        page = (feedback / f"{name}.html").read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
        body = page.split("<main>")[1]
        for active in ("<script", "<a ", "href=", "<img", "onerror=alert"):
            assert active not in body.replace("&lt;img src=x onerror=alert(1)&gt;", ""), (name, active)
    for name in ("hostile", "written-answers"):
        page = (feedback / f"{name}.html").read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, "the answer is shown as typed"
        assert "[click](http://evil.example)" in page
    assert "# not a heading\n&lt;b&gt;bold&lt;/b&gt;" in (feedback / "written-answers.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ --only: one student regraded into the results


def test_one_student_is_regraded_and_the_others_stay_byte_identical(tmp_path, monkeypatch, handout):
    make_class(tmp_path / "class", handout, ["ann", "bob", "cy"])
    fake_runs(monkeypatch, {"bob": submissions.Run(problem="stopped after 300 seconds")})
    rows, out, lines = grade(tmp_path)
    feedback = out.parent / "feedback"
    before = out.read_text(encoding="utf-8").splitlines()
    kept = {name: (feedback / f"{name}.md").read_bytes() for name in ("ann", "cy")}
    kept_html = {name: (feedback / f"{name}.html").read_bytes() for name in ("ann", "cy")}
    assert points_of(out, "bob") == 0

    ran = fake_runs(monkeypatch, {})  # bob's notebook now runs: every run is honest
    rows, out, lines = grade(tmp_path, only="bob")
    assert ran == ["bob"] and {r["submission"] for r in rows} == {"bob"}
    after = out.read_text(encoding="utf-8").splitlines()
    assert after[0] == before[0]
    for name in ("ann", "cy"):
        assert [x for x in after if x.startswith(name + ",")] == [x for x in before if x.startswith(name + ",")]
        assert (feedback / f"{name}.md").read_bytes() == kept[name]
        assert (feedback / f"{name}.html").read_bytes() == kept_html[name]
    assert points_of(out, "bob") > 0, "bob's rows were not replaced"
    assert "stopped after 300 seconds" not in (feedback / "bob.md").read_text(encoding="utf-8")
    assert len(after) == len(before)
    written = (feedback / "written-answers.md").read_text(encoding="utf-8")
    assert [n for n in ("ann", "bob", "cy") if f"## `{n}`: gift_explanation" in written] == ["ann", "bob", "cy"]
    totals = {r["submission"]: r for r in csv.DictReader(open(out.parent / "totals.csv", encoding="utf-8"))}
    assert set(totals) == {"ann", "bob", "cy"} and totals["bob"]["problem"] == ""


def test_regrading_one_student_needs_earlier_results_and_a_known_name(tmp_path, monkeypatch, handout):
    make_class(tmp_path / "class", handout, ["ann", "bob"])
    fake_runs(monkeypatch, {})
    with pytest.raises(DataError, match="no earlier results to regrade into"):
        grade(tmp_path, only="ann")
    grade(tmp_path)
    with pytest.raises(DataError, match="--only 'zed': no submission of that name"):
        grade(tmp_path, only="zed")
    rows, out, lines = grade(tmp_path, only="bob")  # by the file's name as well as the submission's
    assert {r["submission"] for r in rows} == {"bob"}


# ------------------------------------------------------------------ totals, class report, gradebook export


def write_marks(path, names):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "question", "criterion", "level", "comment"])
        for name in names:
            for criterion in exercises.load_rubrics()["gift_explanation"]:
                writer.writerow([name, "gift_explanation", criterion, "1", ""])
    return path


def test_totals_class_report_and_canvas_export(tmp_path, monkeypatch, handout):
    make_class(tmp_path / "class", handout, ["Ann Lee", "bob", "cy"])
    fake_runs(monkeypatch, {"cy": submissions.Run(captured={"soviet_usd": right("soviet_usd")})})
    marks = write_marks(tmp_path / "marks.csv", ["Ann_Lee", "bob"])
    roster = tmp_path / "roster.csv"
    # The roster's columns as a Canvas gradebook export has them, plus the submission: by name or by file stem.
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,submission\n"
        '"Lee, Ann",101,s-101,alee,A,Ann Lee\n"Bo, Bob",102,s-102,bbo,A,bob\n',
        encoding="utf-8",
    )
    rows, out, lines = grade(tmp_path, marks_path=marks, roster_path=roster, gradebook_column="Audit 1 (555)")
    items = assignment_items(A1)
    most = sum(i.points for i in items)
    auto_right = sum(i.points for i in items if i.question.id in ("soviet_usd", "gift_usd"))
    rubric = exercises.load_rubrics()["gift_explanation"]
    written_marks = sum(levels["1"][0] for levels in rubric.values())  # every criterion at level 1
    assert 0 < written_marks < item_points("gift_explanation")

    totals = {r["submission"]: r for r in csv.DictReader(open(out.parent / "totals.csv", encoding="utf-8"))}
    assert list(next(iter(totals.values()))) == [
        "submission",
        "automatic_points",
        "written_points",
        "total",
        "max_points",
        "status",
        "problem",
    ]
    assert totals["bob"]["automatic_points"] == f"{auto_right:g}"
    assert totals["bob"]["written_points"] == f"{written_marks:g}"
    assert totals["bob"]["total"] == f"{auto_right + written_marks:g}" and totals["bob"]["max_points"] == f"{most:g}"
    assert totals["bob"]["status"] == "graded"
    assert totals["cy"]["written_points"] == "" and totals["cy"]["total"] == ""
    assert totals["cy"]["status"] == "awaiting marks"

    # Canvas's documented import format (community.canvaslms.com, "How do I import grades in the Gradebook?"):
    # Student, ID, SIS User ID, SIS Login ID, Section, then the assignment "Title (ID)"; a Points Possible row.
    with open(out.parent / "canvas-gradebook.csv", encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Audit 1 (555)"]
    assert table[1][0] == "Points Possible" and table[1][5] == f"{most:g}"
    assert ["Lee, Ann", "101", "s-101", "alee", "A", f"{auto_right + written_marks:g}"] in table
    assert ["Bo, Bob", "102", "s-102", "bbo", "A", f"{auto_right + written_marks:g}"] in table
    assert ["cy", "", "", "", "", ""] in table, "awaiting marks and not in the roster: a blank score, its name"
    assert any("not in the roster" in line and "cy" in line for line in lines), lines

    page = (out.parent / "class-report.html").read_text(encoding="utf-8")
    image = re.search(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"', page)
    assert image and base64.b64decode(image.group(1)).startswith(b"\x89PNG")
    assert "soviet_usd: 3 full points" in image.group(2) and "gift_explanation: 2 part, 1 awaiting marks" in (
        image.group(2)
    )
    assert "<script" not in page and "Ann_Lee" in page


def test_without_a_roster_the_export_names_students_by_submission_and_says_so(tmp_path, monkeypatch, handout):
    make_class(tmp_path / "class", handout, ["ann"])
    fake_runs(monkeypatch, {})
    rows, out, lines = grade(tmp_path)
    with open(out.parent / "canvas-gradebook.csv", encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A1]
    assert table[2][0] == "ann"
    assert any("no --roster" in line for line in lines), lines


@pytest.mark.parametrize(
    "text, message",
    [
        ("name,ID\nann,1\n", "needs the column 'submission'"),
        ("submission,Section\nann,A\n", "needs the column 'submission' and at least one of"),
        ("submission,ID\nann,1\nann,2\n", r"line 3, field 'submission': 'ann' is listed twice"),
        ("submission,ID,Student\nann,,\n", r"line 2: gives none of Student"),
    ],
)
def test_a_bad_roster_is_refused_naming_file_line_and_field(tmp_path, monkeypatch, handout, text, message):
    make_class(tmp_path / "class", handout, ["ann"])
    ran = fake_runs(monkeypatch, {})
    (tmp_path / "roster.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        grade(tmp_path, roster_path=tmp_path / "roster.csv")
    assert ran == [], "refused before any notebook ran"


# ------------------------------------------------------------------ the seed against each hand-out's variant

SEED = "class-seed-h1-0123456789"


def test_a_notebook_made_for_another_variant_gets_a_row_naming_it(tmp_path, monkeypatch, handout):
    other = variants.label(SEED)
    make_class(
        tmp_path / "class", handout, ["ann", "bob", "old"], variant_of={"ann": "book", "bob": other, "old": None}
    )
    ran = fake_runs(monkeypatch, {})
    rows, out, lines = grade(tmp_path)
    assert sorted(ran) == ["ann", "old"], "a notebook of another class was run"
    bob = [r for r in scores(out) if r["submission"] == "bob"]
    assert bob and all(
        f"handed out for variant {other}" in r["feedback"]
        and "graded without --seed-file (variant book)" in r["feedback"]
        for r in bob
    ), bob
    assert SEED not in out.read_text(encoding="utf-8")
    assert points_of(out, "ann") > 0 and points_of(out, "old") > 0
    assert any(line.startswith("Warning: 1 notebook(s) record no variant") and "old" in line for line in lines)


def test_grading_is_refused_when_no_notebook_matches_the_seed(tmp_path, monkeypatch, handout):
    label = variants.label(SEED)
    make_class(tmp_path / "class", handout, ["ann", "bob"], variant_of={"ann": label, "bob": label})
    ran = fake_runs(monkeypatch, {})
    with pytest.raises(
        DataError, match=f"graded without --seed-file.*every notebook was handed out for variant {label}"
    ):
        grade(tmp_path)
    assert ran == [] and not (tmp_path / "results").exists()
    with pytest.raises(DataError, match=f"graded for variant {variants.label('another-seed-0123456789')}"):
        grade(tmp_path, seed="another-seed-0123456789")
    rows, out, lines = grade(tmp_path, seed=SEED)
    assert sorted(ran) == ["ann", "bob"] and not any("variant" in line for line in lines)


def test_the_command_takes_the_new_options_and_refuses_an_unknown_name(tmp_path, capsys, handout):
    make_class(tmp_path / "class", handout, ["ann"])
    out = tmp_path / "results" / "scores.csv"
    argv = ["grade", A1, str(tmp_path / "class"), "--out", str(out), "--no-sandbox"]
    assert cli.main([*argv, "--only", "zed", "--roster", "r.csv", "--gradebook-column", "A (1)"]) == 2
    assert "--only 'zed': no submission of that name" in capsys.readouterr().err
    assert cli.main([*argv, "--only", "ann"]) == 2
    assert "no earlier results to regrade into" in capsys.readouterr().err


def test_reading_a_notebooks_variant_never_waits_on_a_fifo_nor_follows_a_link(tmp_path, handout):
    fifo = tmp_path / "queued.ipynb"
    os.mkfifo(fifo)
    start = time.monotonic()
    assert variant_check.recorded_variant(fifo) is variant_check.UNREADABLE
    assert time.monotonic() - start < 5, "waited on a FIFO"
    target = tmp_path / "real.ipynb"
    nbformat.write(handout, target)
    (tmp_path / "link.ipynb").symlink_to(target)
    assert variant_check.recorded_variant(tmp_path / "link.ipynb") is variant_check.UNREADABLE
    (tmp_path / "nested.ipynb").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert variant_check.recorded_variant(tmp_path / "nested.ipynb") is variant_check.UNREADABLE


def test_a_lone_surrogate_that_reaches_a_file_is_written_not_raised(tmp_path):
    path = clean_text.write_text(tmp_path / "f.md", "a\ud800b")
    assert path.read_bytes() == b"a?b"
    assert clean_text.clean("a\ud800\x1b[2J\u202eb") == "a\ufffd[2Jb"


def test_a_regrade_keeps_the_written_answers_of_results_written_by_the_earlier_grader(tmp_path, monkeypatch, handout):
    make_class(tmp_path / "class", handout, ["ann_lee", "bob"])
    fake_runs(monkeypatch, {"ann_lee": honest_run(written={"gift_explanation": "Ann's own reading."})})
    rows, out, lines = grade(tmp_path)
    # The earlier grader's format: names escaped with backslashes, no code span.
    (out.parent / "feedback" / "written-answers.md").write_text(
        f"# Written answers to {A1.replace('_', chr(92) + '_')}\n\n"
        "## ann\\_lee: gift\\_explanation\n\n```text\nAnn's own reading.\n```\n\n"
        "## bob: gift\\_explanation\n\n(no answer)\n",
        encoding="utf-8",
    )
    grade(tmp_path, only="bob")
    written = (out.parent / "feedback" / "written-answers.md").read_text(encoding="utf-8")
    assert "Ann's own reading." in written and "## `bob`: gift_explanation" in written


def test_only_takes_a_name_of_scores_csv_before_a_file_name(tmp_path, monkeypatch, handout):
    make_class(tmp_path / "class", handout, ["a b", "a_b"])  # named a_b and a_b-2
    ran = fake_runs(monkeypatch, {})
    grade(tmp_path)
    ran.clear()
    rows, out, lines = grade(tmp_path, only="a_b")
    assert ran == ["a b"] and {r["submission"] for r in rows} == {"a_b"}
