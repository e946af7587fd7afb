"""The class's totals as a file a course gradebook imports: Canvas's
gradebook CSV (``canvas_csv``), written to ``canvas-gradebook.csv``.

The format, as Canvas documents it ("How do I import grades in the
Gradebook?", https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807)
and as its importer reads it (instructure/canvas-lms,
app/models/gradebook_importer.rb: ``header?``, ``update_column_count``,
``check_for_non_student_row``, ``process_pp``, ``process_student``):

* a header row ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``,
  ``Section``, then one column per assignment, named ``Title (ID)`` for an
  assignment Canvas has (its id in parentheses), or by its title alone,
  which matches an assignment of that title or makes a new one;
* then a row whose first cell is ``Points Possible``: the points of each
  assignment column (those of a new assignment);
* then one row per student, who is found by ``ID`` (Canvas's user id), else
  ``SIS User ID`` or ``SIS Login ID``, else by the name in ``Student``. A
  blank score changes nothing.

Submissions are named after their files, so who each student is comes from
a roster (``--roster roster.csv``, ``read_roster``): one row per student,
with the column ``submission`` (the submission's name as in scores.csv, or
its file's name without .ipynb) and Canvas's own columns ``Student``,
``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section`` (copy them from a
gradebook export; at least one of the first four in every row). Without a
roster, or for a submission the roster lacks, ``Student`` holds the
submission's name, which Canvas matches only if it is the student's name.
A submission awaiting marks, or not graded, gets a blank score: nothing is
changed in the gradebook until its total is complete.
"""

from __future__ import annotations

from pathlib import Path

from paper_audit.errors import DataError
from paper_audit.instructor.clean_text import one_line
from paper_audit.instructor.csvfile import read_rows
from paper_audit.instructor.reports import GRADED, csv_text

IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "Points Possible"
ROSTER_COLUMNS = ["submission", *IDENTITY]


def read_roster(path: Path, names: list[str], stems: dict[str, str]) -> dict[str, dict[str, str]]:
    """submission name -> its student's Canvas columns, from the roster CSV at
    ``path``; ``names``: the submissions' names, ``stems``: file stem -> name."""
    rows = read_rows(Path(path))
    if not rows:
        raise DataError(f"{path}: holds no student (columns: {', '.join(ROSTER_COLUMNS)})")
    missing = [c for c in ("submission",) if c not in rows[0][1]]
    if missing or not set(IDENTITY[:4]) & set(rows[0][1]):
        raise DataError(
            f"{path}: needs the column 'submission' and at least one of {', '.join(IDENTITY[:4])} "
            f"(as in a Canvas gradebook export)"
        )
    roster: dict[str, dict[str, str]] = {}
    for line, row in rows:
        given = (row.get("submission") or "").strip()
        name = given if given in names else stems.get(given)
        where = f"{Path(path).name}, line {line}"
        if not given:
            raise DataError(f"{where}, field 'submission': blank")
        if name is None:
            continue  # a student who handed nothing in: nothing to export
        if name in roster:
            raise DataError(f"{where}, field 'submission': {given!r} is listed twice")
        identity = {c: one_line(row.get(c) or "") for c in IDENTITY}
        if not any(identity[c] for c in IDENTITY[:4]):
            raise DataError(f"{where}: gives none of {', '.join(IDENTITY[:4])} for {given!r}")
        roster[name] = identity
    return roster


def canvas_csv(column: str, totals: list[dict], roster: dict[str, dict[str, str]] | None) -> tuple[str, list[str]]:
    """The Canvas import file for the assignment column ``column`` (``Title``
    or ``Title (ID)``) from the totals' rows, and the notes to tell the instructor."""
    most = totals[0]["max_points"] if totals else ""
    rows = [{**dict.fromkeys(IDENTITY, ""), "Student": POINTS_POSSIBLE, column: most}]
    unknown, blank = [], []
    for row in totals:
        identity = (roster or {}).get(row["submission"])
        if identity is None:
            unknown.append(row["submission"])
            identity = {**dict.fromkeys(IDENTITY, ""), "Student": row["submission"]}
        complete = row["status"] == GRADED and row["total"] != ""
        if not complete:
            blank.append(row["submission"])
        rows.append({**identity, column: row["total"] if complete else ""})
    notes = []
    if roster is None:
        notes.append(
            "the gradebook export names each student by their submission's name (no --roster): Canvas finds "
            "a student by that name only if it is the student's name in Canvas"
        )
    elif unknown:
        notes.append(f"not in the roster, exported under their submission's name: {', '.join(unknown)}")
    if blank:
        notes.append(f"left blank in the gradebook export (awaiting marks or not graded): {', '.join(blank)}")
    return csv_text([*IDENTITY, column], rows), notes
