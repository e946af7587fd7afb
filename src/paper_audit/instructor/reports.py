"""What grading a class writes: one row per submission and question to
``scores.csv`` (submission, question, points, max_points, feedback), one
feedback file per submission to ``feedback/``, the written answers to
``feedback/written-answers.md`` and a marks sheet to fill in to
``feedback/marks-template.csv``.

Every file is written whole or not at all (``files.write_atomically``), with
plain line endings, and ``scores.csv`` last: a grader stopped half-way leaves
the last complete ``scores.csv`` in place. What a submission controls is made
safe first (``safe``): CSV cells a spreadsheet would run as formulas are
neutralised, and its words in the Markdown files are escaped.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from paper_audit.classroom import exercises
from paper_audit.files import write_atomically
from paper_audit.instructor import safe
from paper_audit.instructor.assignment import Item
from paper_audit.instructor.judging import judge
from paper_audit.instructor.marks import MARKS_COLUMNS
from paper_audit.instructor.submissions import Run

COLUMNS = ["submission", "question", "points", "max_points", "feedback"]
Marks = dict[tuple[str, str], tuple[float, str]]
AWAITING = "Awaiting your instructor's marks (rubric: {criteria})."


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
            points, feedback = _written_row(name, item, run, placeholders, marks)
        elif run.problem and qid not in run.captured:
            points, feedback = 0.0, f"Not graded: the notebook {run.problem}, before this answer was read."
        else:
            points, feedback = judge(item, run.captured.get(qid), run.captured, seed)
        rows.append(
            {"submission": name, "question": qid, "points": points, "max_points": item.points, "feedback": feedback}
        )
    return rows


def _fmt(points: float | None) -> str:
    return "" if points is None else f"{points:g}"


def feedback_text(name: str, assignment: str, rows: list[dict], run: Run) -> str:
    """The feedback file of one submission, in Markdown (its words escaped)."""
    total = sum(r["points"] or 0 for r in rows)
    most = sum(r["max_points"] for r in rows)
    pending = [r["question"] for r in rows if r["points"] is None]
    lines = [
        f"# {safe.markdown_text(assignment)}: feedback for {safe.markdown_text(name)}",
        "",
        f"Total: {total:g} of {most:g} points"
        + (f" (awaiting marks: {safe.markdown_text(', '.join(pending))})" if pending else ""),
        "",
    ]
    if run.problem:
        lines += [f"Note: the notebook {safe.markdown_text(run.problem)}.", ""]
    for r in rows:
        lines += [
            f"## {safe.markdown_text(r['question'])}: {_fmt(r['points']) or '–'} of {r['max_points']:g}",
            "",
            safe.markdown_text(r["feedback"]),
            "",
        ]
    if run.errors:
        lines += ["## Errors while running your notebook", ""]
        lines += [f"- {safe.markdown_text(e)}" for e in run.errors[:20]] + [""]
    return "\n".join(lines)


def csv_text(columns: list[str], rows: list[dict]) -> str:
    """A CSV table with plain line endings, every cell safe to open in a spreadsheet."""
    table = io.StringIO(newline="")
    writer = csv.DictWriter(table, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe.csv_cell(v) for k, v in row.items()} for row in rows)
    return table.getvalue()


def write_reports(
    assignment: str,
    runs: dict[str, Run],
    items: list[Item],
    placeholders: dict[str, str],
    marks: Marks,
    out: Path,
    feedback_dir: Path,
    seed: str | None = None,
) -> list[dict]:
    """Write every file of a graded class (submissions in the order of
    ``runs``, their names already safe); return the score rows."""
    rows, template = [], []
    written_lines = [f"# Written answers to {safe.markdown_text(assignment)}", ""]
    for name, run in runs.items():
        mine = score_rows(name, run, items, placeholders, marks, seed)
        rows += mine
        write_atomically(feedback_dir / f"{name}.md", feedback_text(name, assignment, mine, run))
        for item in (i for i in items if i.question.form == "written"):
            answer = run.written.get(item.question.id, "")
            written_lines += [
                f"## {safe.markdown_text(name)}: {safe.markdown_text(item.question.id)}",
                "",
                safe.markdown_block(answer) if answer.strip() else "(no answer)",
                "",
            ]
            for criterion in exercises.load_rubrics()[item.question.id]:
                row = {"submission": name, "question": item.question.id, "criterion": criterion}
                template.append({**row, "level": "", "comment": ""})
    write_atomically(feedback_dir / "written-answers.md", "\n".join(written_lines))
    write_atomically(feedback_dir / "marks-template.csv", csv_text(MARKS_COLUMNS, template))
    scores = [{**row, "points": _fmt(row["points"]), "max_points": _fmt(row["max_points"])} for row in rows]
    write_atomically(out, csv_text(COLUMNS, scores))
    return rows
