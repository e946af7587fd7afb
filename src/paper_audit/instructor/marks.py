"""The instructor's rubric marks for the written answers (``--marks marks.csv``,
filled in from ``feedback/marks-template.csv``): one row per submission,
question and criterion, with the level given and an optional comment. Every
row needs a level: an answer not marked yet has no rows (a blank level is
refused, naming its line, rather than read as nothing)."""

from __future__ import annotations

from pathlib import Path

from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor.assignment import Item
from paper_audit.instructor.csvfile import read_rows

MARKS_COLUMNS = ["submission", "question", "criterion", "level", "comment"]


def read_marks(path: Path, items: list[Item], submissions: list[str]) -> dict[tuple[str, str], tuple[float, str]]:
    """(submission, question) -> (points, feedback) from the instructor's marks CSV."""
    rubrics = exercises.load_rubrics()
    written = {i.question.id for i in items if i.question.form == "written"}
    given: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    rows = read_rows(path)
    if rows and set(MARKS_COLUMNS[:4]) - set(rows[0][1]):
        raise DataError(f"{path}: needs the columns {', '.join(MARKS_COLUMNS)}")
    if not rows:
        raise DataError(f"{path}: holds no marks (one row per submission, question and criterion)")
    for line, row in rows:
        where = f"{path.name}, line {line}"
        if not (row.get("level") or "").strip():
            raise DataError(
                f"{where}, field 'level': blank; give a level, or delete the row to leave "
                f"{row.get('submission')!r}'s {row.get('question')!r} awaiting marks"
            )
        if row["submission"] not in submissions:
            raise DataError(f"{where}, field 'submission': {row['submission']!r} is not a submission in this folder")
        if row["question"] not in written:
            raise DataError(
                f"{where}, field 'question': {row['question']!r} is not a written question "
                f"of this assignment ({', '.join(sorted(written))})"
            )
        levels = rubrics[row["question"]].get(row["criterion"])
        if levels is None:
            raise DataError(
                f"{where}, field 'criterion': {row['criterion']!r} is not one of {', '.join(rubrics[row['question']])}"
            )
        if row["level"].strip() not in levels:
            raise DataError(f"{where}, field 'level': {row['level']!r} is not one of {', '.join(levels)}")
        given.setdefault((row["submission"], row["question"]), {})[row["criterion"]] = (
            row["level"].strip(),
            (row.get("comment") or "").strip(),
        )
    marks = {}
    for (submission, question), criteria in given.items():
        missing = [c for c in rubrics[question] if c not in criteria]
        if missing:
            raise DataError(
                f"{path.name}: {submission}, {question}: no level for the criterion(s) {', '.join(missing)}"
            )
        points, notes = 0.0, []
        for criterion, (level, comment) in criteria.items():
            level_points, description = rubrics[question][criterion][level]
            points += level_points
            notes.append(f"{criterion}: {description}" + (f" ({comment})" if comment else ""))
        marks[(submission, question)] = (points, " ".join(notes))
    return marks
