"""The rubrics of the written answers, from ``notebooks/classroom/rubrics.csv``:
a few criteria per question, each with levels, their points and what earns
them. Students read them in their hand-outs (``rubric_text``, written into
the exercise) and in the bundle's copy of the file; the instructor marks
with them (``paper_audit.instructor.marks``). They are ``project``'s (the
current project's by default), read once per project."""

from __future__ import annotations

import csv
import functools

from paper_audit import paths
from paper_audit.errors import DataError

RUBRICS_CSV = paths.NOTEBOOKS_DIR / "classroom" / "rubrics.csv"


def _points(value: str, where: str) -> float:
    try:
        points = float(value)
    except ValueError:
        points = -1.0
    if points < 0:
        raise DataError(f"{where}, field 'points': give the level's points (0 or more), not {value!r}")
    return points


def load_rubrics(project: paths.Project | None = None) -> dict[str, dict[str, dict[str, tuple[float, str]]]]:
    """question -> criterion -> level -> (points, description), from ``project``'s rubrics.csv."""
    return _rubrics(paths.resolve(project))


@functools.lru_cache(maxsize=4)
def _rubrics(project: paths.Project) -> dict[str, dict[str, dict[str, tuple[float, str]]]]:
    rubrics: dict = {}
    with open(project.classroom_dir / RUBRICS_CSV.name, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{RUBRICS_CSV.name}, line {line}"
            points = _points(row["points"], where)
            levels = rubrics.setdefault(row["question"], {}).setdefault(row["criterion"], {})
            if row["level"] in levels:
                raise DataError(f"{where}, field 'level': level {row['level']!r} of {row['criterion']!r} is used twice")
            levels[row["level"]] = (points, row["description"])
    return rubrics


def rubric_points(question: str, project: paths.Project | None = None) -> float:
    """The most a rubric gives: the best level of every criterion."""
    return sum(max(points for points, _ in levels.values()) for levels in load_rubrics(project)[question].values())


def rubric_text(question: str, project: paths.Project | None = None) -> str:
    """The rubric of ``question`` in one paragraph, as the hand-out states it:
    each criterion, then each level's points and what earns them."""
    return " ".join(
        f"{criterion.capitalize()}: "
        + "; ".join(
            f"{points:g} point{'' if points == 1 else 's'}, {description[:1].lower()}{description[1:].rstrip('.')}"
            for points, description in levels.values()
        )
        + "."
        for criterion, levels in load_rubrics(project)[question].items()
    )
