"""The files of a graded class, and a regrade of one student into them.

``write_results`` writes, every file whole or not at all
(``clean_text.write_text``), and ``scores.csv`` last, so that a grader
stopped half-way leaves the last complete ``scores.csv``:

* ``feedback/<submission>.md`` and ``.html`` for each submission graded now;
* ``feedback/written-answers.md`` (and ``.html``) and ``feedback/marks-template.csv``;
* beside ``scores.csv``: ``totals.csv``, ``class-report.html`` and
  ``canvas-gradebook.csv`` (``class_report``, ``gradebook``);
* ``scores.csv``: one row per submission and question.

``previous`` reads what an earlier run wrote, one ``Entry`` per submission,
so that ``--only NAME`` replaces that student's part and writes the others'
back as they were: their rows of ``scores.csv`` byte for byte, their
feedback files untouched.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from paper_audit.errors import DataError
from paper_audit.instructor import class_report, feedback, gradebook
from paper_audit.instructor.clean_text import write_text
from paper_audit.instructor.marks import MARKS_COLUMNS
from paper_audit.instructor.reports import COLUMNS, Graded, csv_rows, csv_text

TOTALS, REPORT, CANVAS = "totals.csv", "class-report.html", "canvas-gradebook.csv"
WRITTEN, WRITTEN_PAGE, TEMPLATE = "written-answers.md", "written-answers.html", "marks-template.csv"
# A section's heading: the name in a code span, or escaped with backslashes (as graders before this one wrote it).
_SECTION = re.compile(r"^## (?:`+ ?([A-Za-z0-9._-]+) ?`+|((?:\\?[A-Za-z0-9._-])+)): \S+$")
_FENCE = re.compile(r"^(`{3,})text$")


@dataclass
class Entry:
    """One submission's part of the class's files, as they hold it."""

    name: str
    rows: list[dict]  # as scores.csv holds them: every value text
    status: tuple[str, str] | None = None  # (status, problem) of totals.csv, if known
    written: list[str] = field(default_factory=list)  # its sections of written-answers.md
    template: list[dict] = field(default_factory=list)  # its rows of marks-template.csv


def entry(graded: Graded) -> Entry:
    return Entry(graded.name, csv_rows(graded), (graded.status, graded.problem), graded.written, graded.template)


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _written_sections(path: Path) -> dict[str, list[str]]:
    """name -> its sections of an earlier written-answers.md (fences followed, so an answer cannot fake a heading)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    fence = ""
    for line in path.read_text(encoding="utf-8").split("\n"):
        if fence:
            fence = "" if line == fence else fence
        elif _FENCE.match(line):
            fence = _FENCE.match(line).group(1)
        elif heading := _SECTION.match(line):
            name = heading.group(1) or heading.group(2).replace("\\", "")
            current = sections.setdefault(name, [])
            current.append("")
        if current is not None:
            current[-1] += line + "\n"
    return {name: [s.rstrip("\n") + "\n" for s in parts] for name, parts in sections.items()}


def previous(out: Path, feedback_dir: Path) -> list[Entry]:
    """The entries of an earlier run's results, in the order of its scores.csv."""
    if not out.is_file():
        raise DataError(f"{out}: no earlier results to regrade into (grade the whole class first, without --only)")
    rows = _read_csv(out)
    if rows and list(rows[0]) != COLUMNS:
        raise DataError(f"{out}: not a scores table written by paper-audit grade (columns {', '.join(COLUMNS)})")
    entries: dict[str, Entry] = {}
    for row in rows:
        entries.setdefault(row["submission"], Entry(row["submission"], [])).rows.append(row)
    totals = out.parent / TOTALS
    for row in _read_csv(totals) if totals.is_file() else []:
        if row.get("submission") in entries:
            entries[row["submission"]].status = (row.get("status", ""), row.get("problem", ""))
    written = feedback_dir / WRITTEN
    for name, sections in (_written_sections(written) if written.is_file() else {}).items():
        if name in entries:
            entries[name].written = sections
    template = feedback_dir / TEMPLATE
    for row in _read_csv(template) if template.is_file() else []:
        if row.get("submission") in entries:
            entries[row["submission"]].template.append(row)
    return list(entries.values())


def merge(earlier: list[Entry], new: Entry) -> list[Entry]:
    """``earlier`` with ``new`` in place of its submission's entry (or after them all, if it had none)."""
    replaced = [new if e.name == new.name else e for e in earlier]
    return replaced if any(e.name == new.name for e in earlier) else [*earlier, new]


def write_results(
    assignment: str,
    entries: list[Entry],
    graded_now: list[Graded],
    written_questions: set[str],
    out: Path,
    feedback_dir: Path,
    *,
    gradebook_column: str,
    roster: dict[str, dict[str, str]] | None = None,
) -> list[str]:
    """Write every file of the class (see the module's docstring); return the notes for the instructor."""
    for graded in graded_now:
        write_text(feedback_dir / f"{graded.name}.md", graded.feedback)
        title = f"{assignment}: feedback for {graded.name}"
        write_text(feedback_dir / f"{graded.name}.html", feedback.html_page(title, graded.feedback))
    sections = [section for e in entries for section in e.written]
    answers = "\n".join([f"# Written answers to {assignment}\n", *sections])
    write_text(feedback_dir / WRITTEN, answers)
    write_text(feedback_dir / WRITTEN_PAGE, feedback.html_page(f"Written answers to {assignment}", answers))
    write_text(feedback_dir / TEMPLATE, csv_text(MARKS_COLUMNS, [row for e in entries for row in e.template]))
    rows = [row for e in entries for row in e.rows]
    statuses = {e.name: e.status for e in entries if e.status}
    totals = class_report.totals(rows, written_questions, statuses)
    write_text(out.parent / TOTALS, csv_text(class_report.TOTALS_COLUMNS, totals))
    write_text(out.parent / REPORT, class_report.report_html(assignment, rows, totals))
    canvas, notes = gradebook.canvas_csv(gradebook_column, totals, roster)
    write_text(out.parent / CANVAS, canvas)
    write_text(out, csv_text(COLUMNS, rows))
    return notes
