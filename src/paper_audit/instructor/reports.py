"""What grading a class writes: one row per submission and question to
``scores.csv`` (submission, question, points, max_points, feedback), one
feedback file per submission to ``feedback/``, the written answers to
``feedback/written-answers.md`` and a marks sheet to fill in to
``feedback/marks-template.csv``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from paper_audit.classroom import exercises
from paper_audit.files import write_atomically
from paper_audit.instructor.assignment import Item
from paper_audit.instructor.judging import judge
from paper_audit.instructor.marks import MARKS_COLUMNS
from paper_audit.instructor.submissions import Run

COLUMNS = ["submission", "question", "points", "max_points", "feedback"]
Marks = dict[tuple[str, str], tuple[float, str]]


def score_rows(name: str, run: Run, items: list[Item], placeholders: dict[str, str], marks: Marks) -> list[dict]:
    """One row per question for submission ``name``; ``points`` is None for a
    written answer still to be marked."""
    rows = []
    for item in items:
        qid = item.question.id
        if run.problem and not run.captured and item.question.form != "written":
            points, feedback = 0.0, f"Not graded: the notebook {run.problem}."
        elif item.question.form == "written":
            text = run.written.get(qid, "")
            if (name, qid) in marks:
                points, feedback = marks[(name, qid)]
            elif not text.strip() or text.strip() == placeholders.get(qid, "").strip():
                points, feedback = 0.0, "Not answered."
            else:
                points, feedback = None, "To be marked with the rubric (give the marks with --marks)."
        else:
            points, feedback = judge(item, run.captured.get(qid), run.captured)
        rows.append(
            {"submission": name, "question": qid, "points": points, "max_points": item.points, "feedback": feedback}
        )
    return rows


def _fmt(points: float | None) -> str:
    return "" if points is None else f"{points:g}"


def feedback_text(name: str, assignment: str, rows: list[dict], run: Run) -> str:
    """The feedback file of one submission, in Markdown."""
    total = sum(r["points"] or 0 for r in rows)
    most = sum(r["max_points"] for r in rows)
    pending = [r["question"] for r in rows if r["points"] is None]
    lines = [
        f"# {assignment}: feedback for {name}",
        "",
        f"Total: {total:g} of {most:g} points" + (f" (to be marked: {', '.join(pending)})" if pending else ""),
        "",
    ]
    if run.problem:
        lines += [f"Note: the notebook {run.problem}.", ""]
    for r in rows:
        lines += [f"## {r['question']}: {_fmt(r['points']) or '–'} of {r['max_points']:g}", "", r["feedback"], ""]
    if run.errors:
        lines += ["## Errors while running your notebook", ""] + [f"- {e}" for e in run.errors[:20]] + [""]
    return "\n".join(lines)


def write_reports(
    assignment: str,
    runs: dict[str, Run],
    items: list[Item],
    placeholders: dict[str, str],
    marks: Marks,
    out: Path,
    feedback_dir: Path,
) -> list[dict]:
    """Write every file of a graded class (submissions in the order of
    ``runs``); return the score rows."""
    rows = []
    feedback_dir.mkdir(parents=True, exist_ok=True)
    written_lines = [f"# Written answers to {assignment}", ""]
    template = []
    for name, run in runs.items():
        mine = score_rows(name, run, items, placeholders, marks)
        rows += mine
        (feedback_dir / f"{name}.md").write_text(feedback_text(name, assignment, mine, run), encoding="utf-8")
        for item in items:
            if item.question.form == "written":
                written_lines += [
                    f"## {name}: {item.question.id}",
                    "",
                    run.written.get(item.question.id, "") or "(no answer)",
                    "",
                ]
                for criterion in exercises.load_rubrics()[item.question.id]:
                    template.append(
                        {
                            "submission": name,
                            "question": item.question.id,
                            "criterion": criterion,
                            "level": "",
                            "comment": "",
                        }
                    )
    (feedback_dir / "written-answers.md").write_text("\n".join(written_lines), encoding="utf-8")
    with open(feedback_dir / "marks-template.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MARKS_COLUMNS)
        writer.writeheader()
        writer.writerows(template)
    table = io.StringIO(newline="")
    writer = csv.DictWriter(table, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "points": _fmt(row["points"]), "max_points": _fmt(row["max_points"])})
    write_atomically(out, table.getvalue())
    return rows
