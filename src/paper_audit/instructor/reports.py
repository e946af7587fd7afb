"""One submission's part of a graded class, made once (``report``): its rows
of ``scores.csv`` (submission, question, points, max_points, feedback), its
feedback in Markdown (``feedback``), its written answers for
``feedback/written-answers.md`` and its rows of the marks sheet
``feedback/marks-template.csv``.

A submission never stops the class: whatever the grader's own code raises
on what one submission answered (an answer nested 600 deep, a character no
file can hold) gives that submission rows that name it and say it could not
be graded, with the kind of error and no traceback (``not_graded``), and
the class goes on. The class's files are written by ``results``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from paper_audit.classroom import exercises
from paper_audit.instructor import feedback, safe
from paper_audit.instructor.assignment import Item
from paper_audit.instructor.clean_text import one_line
from paper_audit.instructor.judging import judge
from paper_audit.instructor.submissions import Run

COLUMNS = ["submission", "question", "points", "max_points", "feedback"]
Marks = dict[tuple[str, str], tuple[float, str]]
AWAITING = "Awaiting your instructor's marks (rubric: {criteria})."
GRADED, AWAITING_MARKS, NOT_GRADED = "graded", "awaiting marks", "not graded"


@dataclass
class Graded:
    """One submission's part of the class's results."""

    name: str
    rows: list[dict]  # one per question; points None for a written answer not marked yet
    status: str = GRADED  # GRADED, AWAITING_MARKS or NOT_GRADED
    problem: str = ""  # one line: why its notebook stopped, or why it was not graded
    feedback: str = ""  # its feedback file, in Markdown
    written: list[str] = field(default_factory=list)  # its sections of written-answers.md
    template: list[dict] = field(default_factory=list)  # its rows of marks-template.csv

    @property
    def points(self) -> float:
        return sum(r["points"] or 0 for r in self.rows)


def _written_row(name: str, item: Item, run: Run, placeholders: dict[str, str], marks: Marks):
    qid = item.question.id
    if (name, qid) in marks:
        return marks[(name, qid)]
    criteria = ", ".join(exercises.load_rubrics()[qid])
    text = run.written.get(qid, "").strip()
    note = ""
    if not text or text == placeholders.get(qid, "").strip():
        note = " The answer cell is still as it was handed out."
    return None, AWAITING.format(criteria=criteria) + note


def score_rows(
    name: str, run: Run, items: list[Item], placeholders: dict[str, str], marks: Marks, seed: str | None = None
) -> list[dict]:
    """One row per question for submission ``name``; ``points`` is None for a
    written answer not marked yet; ``seed``: the class's (``variants``)."""
    rows = []
    for item in items:
        qid = item.question.id
        if item.question.form == "written":
            points, text = _written_row(name, item, run, placeholders, marks)
        elif run.problem and qid not in run.captured:
            points, text = 0.0, f"Not graded: the notebook {run.problem}, before this answer was read."
        else:
            points, text = judge(item, run.captured.get(qid), run.captured, seed)
        rows.append(
            {"submission": name, "question": qid, "points": points, "max_points": item.points, "feedback": text}
        )
    return rows


def written_section(name: str, question: str, answer: str) -> str:
    """One written answer as a section of written-answers.md (the answer in a fenced block)."""
    shown = feedback.block(answer) if answer.strip() else "(no answer)"
    return f"## {feedback.code_span(name)}: {question}\n\n{shown}\n"


def _template_rows(name: str, items: list[Item]) -> list[dict]:
    return [
        {"submission": name, "question": item.question.id, "criterion": criterion, "level": "", "comment": ""}
        for item in items
        if item.question.form == "written"
        for criterion in exercises.load_rubrics()[item.question.id]
    ]


def report(
    name: str,
    run: Run,
    items: list[Item],
    placeholders: dict[str, str],
    marks: Marks,
    assignment: str,
    seed: str | None = None,
) -> Graded:
    """Submission ``name``'s part of the results, made once; never raises for
    what the submission gave: a failure gives its ``not_graded`` rows instead."""
    try:
        rows = score_rows(name, run, items, placeholders, marks, seed)
        problem = one_line(run.problem)
        written = [
            written_section(name, item.question.id, run.written.get(item.question.id, ""))
            for item in items
            if item.question.form == "written"
        ]
        return Graded(
            name=name,
            rows=rows,
            status=AWAITING_MARKS if any(r["points"] is None for r in rows) else GRADED,
            problem=problem,
            feedback=feedback.feedback_markdown(name, assignment, rows, problem, run.errors),
            written=written,
            template=_template_rows(name, items),
        )
    except Exception as error:  # the grader's own code failed on this submission: never stop the class
        return not_graded(
            name,
            items,
            assignment,
            f"the grader failed on what it answered ({type(error).__name__}); grade it again alone "
            f"(--only {name}), and by hand if it fails again",
        )


def not_graded(name: str, items: list[Item], assignment: str, reason: str) -> Graded:
    """Rows for a submission that could not be graded: every question 0 points,
    its feedback naming the submission and saying why (``reason``, one line of ours)."""
    text = f"Not graded: {name} could not be graded: {reason}."
    rows = [
        {"submission": name, "question": i.question.id, "points": 0.0, "max_points": i.points, "feedback": text}
        for i in items
    ]
    return Graded(
        name=name,
        rows=rows,
        status=NOT_GRADED,
        problem=f"could not be graded: {reason}",
        feedback=feedback.feedback_markdown(name, assignment, rows, "", []),
        written=[written_section(name, i.question.id, "") for i in items if i.question.form == "written"],
        template=_template_rows(name, items),
    )


def fmt(points: float | None) -> str:
    """Points as ``scores.csv`` writes them: blank when not marked yet."""
    return "" if points is None else f"{points:g}"


def csv_rows(graded: Graded) -> list[dict]:
    """A submission's rows as ``scores.csv`` holds them (text, points formatted)."""
    return [{**r, "points": fmt(r["points"]), "max_points": fmt(r["max_points"])} for r in graded.rows]


def csv_text(columns: list[str], rows: list[dict]) -> str:
    """A CSV table with plain line endings, every cell printable and safe to open in a spreadsheet."""
    table = io.StringIO(newline="")
    writer = csv.DictWriter(table, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe.csv_cell(v) for k, v in row.items()} for row in rows)
    return table.getvalue()
