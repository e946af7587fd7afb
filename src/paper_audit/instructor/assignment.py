"""What an assignment grades: its questions, in order, with their points, read
from the instructor's assignment notebook.

Each answer cell carries ``metadata.paper_audit = {"question": ..., "points":
...}``; so does each written answer (a markdown cell), whose points are its
rubric's. Every question of the assignment in ``questions.csv`` needs such a
cell, and every auto-graded one an expected answer in the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor import key


@dataclass
class Item:
    question: exercises.Question
    points: float


def notebook_path(assignment: str) -> Path:
    """The instructor's notebook of ``assignment`` (the name without .ipynb)."""
    return exercises.CLASSROOM_DIR / f"{assignment}.ipynb"


def assignment_items(assignment: str) -> list[Item]:
    """The graded questions of an assignment, in order, with their points."""
    path = notebook_path(assignment)
    if not path.exists():
        names = ", ".join(p.stem for p in sorted(exercises.CLASSROOM_DIR.glob("*.ipynb")))
        raise DataError(f"no assignment {assignment!r}: the assignments are {names}")
    questions = exercises.load_questions()
    items: list[Item] = []
    for number, cell in enumerate(nbformat.read(path, as_version=4).cells, start=1):
        meta = cell.get("metadata", {}).get("paper_audit")
        if not meta:
            continue
        where = f"{path.name}, cell {number}, metadata.paper_audit"
        qid = meta.get("question")
        if qid not in questions or questions[qid].assignment != assignment:
            raise DataError(
                f"{where}: question {qid!r} is not one of this assignment's in {exercises.QUESTIONS_CSV.name}"
            )
        points = meta.get("points")
        if not isinstance(points, (int, float)) or points <= 0:
            raise DataError(f"{where}: 'points' should be a positive number, not {points!r}")
        q = questions[qid]
        if q.form == "written" and points != exercises.rubric_points(qid):
            raise DataError(
                f"{where}: {points} points, but the rubric of {qid!r} gives at most {exercises.rubric_points(qid):g}"
            )
        if q.form != "written" and qid not in key.expected():
            raise DataError(f"{where}: question {qid!r} has no expected answer in {key.ANSWERS_CSV.name}")
        items.append(Item(q, float(points)))
    asked = {q.id for q in questions.values() if q.assignment == assignment}
    missing = sorted(asked - {i.question.id for i in items})
    if missing:
        raise DataError(f"{path.name}: no cell carries the points of {', '.join(missing)}")
    return items


def placeholders(assignment: str) -> dict[str, str]:
    """The written cells as the hand-out has them: unchanged means unanswered."""
    notebook = nbformat.read(notebook_path(assignment), as_version=4)
    return {
        c.metadata["paper_audit"]["question"]: c.source
        for c in notebook.cells
        if c.cell_type == "markdown" and c.get("metadata", {}).get("paper_audit")
    }
