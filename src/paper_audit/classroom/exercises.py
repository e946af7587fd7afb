"""The classroom section, as students see it: helpers and public checks.

* ``check(question, answer)`` is the public check a student runs: it tests the
  answer's form and units (a number of dollars, a list of three rates, a
  verdict's name, quotes found in the passage) and says what tolerance the
  grader allows, but holds no expected value: the values are graded on the
  instructor's side (``paper_audit.instructor.grading``, which never ships to students).
* ``show_passage``, ``passage_table``, ``claim_row``, ``claims_frame`` and
  ``check_row`` are the helpers the assignments call. Every assignment
  works on an invented passage: the first two give students its claims
  (``passage_table``), the third asks them to find them.
* ``page_values(assignment)`` are the texts the assignment's prose shows
  (tolerances, reference rates): glued in the book, written into the text of
  the hand-outs.

The content lives beside the assignments, in ``notebooks/classroom/``:
``questions.csv`` (form, unit, tolerance and hint of every question, and of
each variant of it a class may be asked instead of the book's: its title and
wording; ``load_questions`` gives the ones the content asks),
``assignments.yml`` (the invented passages, the claims given with them, the
pairs of claims, the reference rates quoted: the book's own variant, which a
class's bundle replaces with that class's, adding which variant of each
question it is asked, ``asked``) and ``rubrics.csv`` (criteria and levels of the written
answers). Points are in the assignment notebooks' answer cells
(``metadata.paper_audit``). The content read is ``project``'s (the current one by default).
"""

from __future__ import annotations

import csv
import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd
import yaml

from paper_audit import paths
from paper_audit.audit import engine, phrasing, rounding
from paper_audit.classroom import answer_forms
from paper_audit.classroom.answer_forms import (  # noqa: F401 (public here)
    FORMS,
    NO_LABEL,
    interval_ends,
    label_name,
    quote_problems,
    verdict_name,
)
from paper_audit.classroom.rubrics import RUBRICS_CSV, load_rubrics, rubric_points, rubric_text  # noqa: F401 (public here)
from paper_audit.errors import DataError
from paper_audit.present import render
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import reference
from paper_audit.text import figures

CLASSROOM_DIR = paths.NOTEBOOKS_DIR / "classroom"
QUESTIONS_CSV = CLASSROOM_DIR / "questions.csv"
ASSIGNMENTS_YML = CLASSROOM_DIR / "assignments.yml"

BOOK = "book"  # the variant of every question the book asks, and a class without a seed


def say(text: str) -> None:
    """Print ``text`` in one write: a ``print`` of several parts can reach the
    notebook as several stream messages, depending on timing."""
    sys.stdout.write(text + "\n")


# --------------------------------------------------------------------------
# The content, read from notebooks/classroom/
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    assignment: str
    id: str
    form: str
    unit: str = ""
    minimum: float | None = None
    rel_tol: float = 0.0
    abs_tol: float = 0.0
    hint: str = ""
    labels: tuple[str, ...] = ()
    variant: str = BOOK
    title: str = ""  # a class variant's exercise title and wording (the book's are in its notebook)
    ask: str = ""

    def tolerance(self) -> str:
        """What the grader accepts, in words (also stated in the exercise)."""
        if self.form == "number":
            if self.rel_tol:
                return f"accepted within {self.rel_tol * 100:g} percent of the expected value"
            if self.abs_tol:
                return f"accepted within {self.abs_tol:g} {self.unit} of the expected value".replace("  ", " ")
            return "exact match"
        if self.form == "numbers":
            return f"each rate accepted within {self.rel_tol * 100:g} percent of its expected value"
        if self.form == "interval":
            return f"both ends accepted within {self.rel_tol * 100:g} percent"
        if self.form == "verdict":
            return "the exact name of the verdict, in any case"
        if self.form == "boolean":
            return "True or False"
        if self.form == "count":
            return "the exact count"
        if self.form == "label":
            return f"the exact label of a pair, or {NO_LABEL}, in any case"
        if self.form == "finding":
            return "a finding of the kind asked, over the claims asked, with the verdict the package gives"
        if self.form == "claims":
            return (
                "each figure read to its exact value or date, with a quote found word for word in the "
                "passage and the qualifier the passage gives it"
            )
        if self.form == "findings":
            return "each relation of the passage found, with the verdict the package gives it"
        return "marked by your instructor with the rubric"


def _float(value: str, where: str) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise DataError(f"{where}: {value!r} is not a number") from None


def _yml(project: paths.Project | None) -> Path:
    return paths.resolve(project).classroom_dir / ASSIGNMENTS_YML.name


def assignments(project: paths.Project | None = None) -> dict:
    """``project``'s assignments.yml (the current project's by default)."""
    return _assignments(paths.resolve(project))


@functools.lru_cache(maxsize=4)
def _assignments(project: paths.Project) -> dict:
    path = _yml(project)
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DataError(f"{path}: cannot be read ({error})") from None
    if not isinstance(content, dict):
        raise DataError(f"{path}: should map each assignment's name to its content")
    return content


# A class variant of a question answered by a name or a truth value asks for
# another form: the same form could be right by chance for a copied answer.
CHANCE_FORMS = ("verdict", "boolean", "label")


def _question(row: dict, where: str, project: paths.Project) -> Question:
    if row["form"] not in FORMS:
        raise DataError(f"{where}, field 'form': {row['form']!r} is not one of: {', '.join(FORMS)}")
    if row["assignment"] not in assignments(project):
        raise DataError(f"{where}, field 'assignment': {row['assignment']!r} is not in {ASSIGNMENTS_YML.name}")
    labels: tuple[str, ...] = ()
    if row["form"] in ("numbers", "label"):
        if not row["pairs"]:
            raise DataError(f"{where}, field 'pairs': a {row['form']} answer names the pairs it is about")
        labels = tuple(pairs(row["pairs"], project))
    return Question(
        assignment=row["assignment"],
        id=row["question"],
        form=row["form"],
        unit=row["unit"],
        minimum=_float(row["minimum"], f"{where}, field 'minimum'"),
        rel_tol=_float(row["rel_tol"], f"{where}, field 'rel_tol'") or 0.0,
        abs_tol=_float(row["abs_tol"], f"{where}, field 'abs_tol'") or 0.0,
        hint=row["hint"],
        labels=labels,
        variant=row["variant"] or BOOK,
        title=row["title"],
        ask=row["ask"],
    )


def question_variants(project: paths.Project | None = None) -> dict[str, dict[str, Question]]:
    """Every question, by id, and each of its variants by name, the book's
    first, from ``project``'s questions.csv (validated)."""
    return _question_variants(paths.resolve(project))


@functools.lru_cache(maxsize=4)
def _question_variants(project: paths.Project) -> dict[str, dict[str, Question]]:
    found: dict[str, dict[str, Question]] = {}
    with open(project.classroom_dir / QUESTIONS_CSV.name, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{QUESTIONS_CSV.name}, line {line}"
            q = _question(row, where, project)
            family = found.get(q.id)
            if (family is None) != (q.variant == BOOK):
                raise DataError(
                    f"{where}, field 'variant': {q.variant!r} "
                    + (f"comes before the {BOOK!r} variant of {q.id!r}" if family is None else "is used twice")
                )
            if family is None:
                found[q.id] = {BOOK: q}
                continue
            book = family[BOOK]
            if q.variant in family or q.assignment != book.assignment or book.form == "written":
                raise DataError(f"{where}: {q.variant!r} is not a new variant of {q.id!r} (or the question has none)")
            if book.form in CHANCE_FORMS and q.form == book.form:
                raise DataError(
                    f"{where}, field 'form': a variant of {q.id!r} asks for another form than a name or a truth "
                    "value, or an answer copied from the book's variant could be right by chance"
                )
            if not (q.title and q.ask and q.hint):
                raise DataError(f"{where}: a variant needs its title, its wording (ask) and a hint")
            family[q.variant] = q
    return found


def asked(project: paths.Project | None = None) -> dict[str, str]:
    """question -> the variant the content asks (``asked`` in assignments.yml:
    a class's bundle; the book's variant wherever it says nothing)."""
    found = {qid: BOOK for qid in question_variants(project)}
    for name, content in assignments(project).items():
        chosen = content.get("asked", {}) if isinstance(content, dict) else {}
        for qid, variant in (chosen or {}).items():
            if variant not in question_variants(project).get(qid, {}):
                raise DataError(f"{_yml(project)}: {name}, asked: {qid!r} has no variant {variant!r}")
            found[qid] = variant
    return found


def questions_as_asked(chosen: dict[str, str], project: paths.Project | None = None) -> dict[str, Question]:
    """Every question, by id, in the variant ``chosen`` names (the book's where it names none)."""
    return {qid: family[chosen.get(qid, BOOK)] for qid, family in question_variants(project).items()}


def load_questions(project: paths.Project | None = None) -> dict[str, Question]:
    """Every question of the assignments, by id, as the content asks it."""
    return _load_questions(paths.resolve(project))


@functools.lru_cache(maxsize=4)
def _load_questions(project: paths.Project) -> dict[str, Question]:
    return questions_as_asked(asked(project), project)


def clear_caches() -> None:
    """Forget the questions and assignments read, of every project (a test that edits them)."""
    for cached in (_assignments, _question_variants, _load_questions):
        cached.cache_clear()


def declared(field: str, project: paths.Project | None = None) -> tuple[str, Any]:
    """(assignment, content) of the one assignment in assignments.yml that
    declares ``field`` (such as ``pairs``): no code names an assignment."""
    found = [
        (name, content[field])
        for name, content in assignments(project).items()
        if isinstance(content, dict) and field in content
    ]
    if len(found) != 1:
        names = ", ".join(name for name, _ in found)
        raise DataError(
            f"{_yml(project)}: exactly one assignment should declare {field!r}, "
            + (f"but {names} do" if found else "but none does")
        )
    return found[0]


def pairs(kind: str, project: paths.Project | None = None) -> dict[str, tuple[str, str]]:
    """The (amount in the currency, amount in dollars) pairs of ``kind``
    (rubles, yuan), from the assignment that declares ``pairs``."""
    name, declared_pairs = declared("pairs", project)
    found = declared_pairs.get(kind) if isinstance(declared_pairs, dict) else None
    if not found:
        raise DataError(f"{_yml(project)}: {name} has no pairs for {kind!r}")
    return {label: tuple(ids) for label, ids in found.items()}


def __getattr__(name: str):
    # RUBLE_PAIRS and YUAN_PAIRS are read from assignments.yml when first used.
    if name == "RUBLE_PAIRS":
        return pairs("rubles")
    if name == "YUAN_PAIRS":
        return pairs("yuan")
    raise AttributeError(name)


def page_values(
    assignment: str, questions: dict[str, Question] | None = None, project: paths.Project | None = None
) -> dict[str, str]:
    """The texts an assignment's prose shows, by glue name: each question's
    tolerance (``tolerance_<question>``), or its rubric if it is written
    (``rubric_<question>``), and each field of the reference rates it quotes
    (``ref_<id>_<field>``); ``questions``: as a class is asked them (default:
    as the content asks them)."""
    values = {
        f"rubric_{q.id}" if q.form == "written" else f"tolerance_{q.id}": (
            rubric_text(q.id, project) if q.form == "written" else q.tolerance()
        )
        for q in (questions or load_questions(project)).values()
        if q.assignment == assignment
    }
    for fact_id in assignments(project).get(assignment, {}).get("references", []):
        _, row = reference.lookup(fact_id, project)
        for field in ("units_per_usd", "valid_from", "confidence"):
            if field in row:
                values[f"ref_{fact_id}_{field}"] = _reference_text(field, row[field])
    return values


def _reference_text(field: str, value) -> str:
    """A reference field as prose shows it: a rate as a plain number, a date in words."""
    if field == "units_per_usd":
        return f"{float(value):g}"
    if field == "valid_from":
        return phrasing.date_text(pd.Timestamp(value).date())
    return str(value)


# --------------------------------------------------------------------------
# Helpers the assignments call
# --------------------------------------------------------------------------


def claim_row(
    claim_id: str, figure: str, unit: str, *, qualifier: str = "none", quote: str = "", page: int = 1
) -> dict:
    """One row of a hand-made claims frame, read from the figure as printed.

    The value (or date) and the scale come from ``figures.parse``, so a figure
    is typed once: ``claim_row("cost", "36 million", "crowns")`` has value 36,
    scale million, factor one million. Dates need ``unit="date"``.
    """
    if qualifier not in rounding.QUALIFIER_WIDENING:
        raise DataError(
            f"claim {claim_id}: qualifier {qualifier!r} is not one of: {', '.join(rounding.QUALIFIER_WIDENING)}"
        )
    try:
        parsed = figures.parse(figure)
    except figures.FigureError as error:
        raise DataError(f"claim {claim_id}: {error}") from None
    words = figure.split()
    scale = words[-1] if words and words[-1] in claims_mod.SCALE_FACTORS and len(words) > 1 else ""
    factor = claims_mod.SCALE_FACTORS[scale]
    if (unit == "date") != (parsed.date is not None):
        raise DataError(
            f"claim {claim_id}: the figure {figure!r} is {'a date' if parsed.date else 'not a date'}, "
            f"but the unit is {unit!r}"
        )
    return {
        "id": claim_id,
        "figure": figure,
        "unit": unit,
        "scale": scale,
        "factor": factor,
        "qualifier": qualifier,
        "value": None if parsed.value is None else parsed.value / factor,
        "low": parsed.low,
        "high": parsed.high,
        "date": parsed.date or "",
        "quote": quote or figure,
        "page": page,
        "footnote": None,
        "chapter": "classroom",
    }


def claims_frame(rows: Sequence[dict]) -> pd.DataFrame:
    """A claims frame, indexed by id like ``claims.load_claims()``, from ``claim_row`` rows."""
    frame = pd.DataFrame(list(rows))
    if frame.empty or "id" not in frame:
        raise DataError("a claims frame needs at least one row made with claim_row")
    duplicated = frame["id"][frame["id"].duplicated()].tolist()
    if duplicated:
        raise DataError(f"claim id(s) used twice: {', '.join(duplicated)}")
    return frame.set_index("id", drop=False)


def check_row(
    check_id: str,
    kind: str,
    inputs: str | Sequence[str],
    *,
    title: str = "",
    expected_low: str = "",
    expected_high: str = "",
    expected_unit: str = "",
    explanation: str = "",
) -> dict:
    """One check, as a row of data/checks.csv would give it, for ``engine.run_check``."""
    if kind not in engine.KINDS:
        raise DataError(f"check {check_id}: kind {kind!r} is not one of: {', '.join(sorted(engine.KINDS))}")
    return {
        "id": check_id,
        "kind": kind,
        "inputs": inputs if isinstance(inputs, str) else " ".join(inputs),
        "title": title or check_id,
        "chapter": "classroom",
        "explanation": explanation,
        "_line": 0,
        "expected_low": str(expected_low),
        "expected_high": str(expected_high),
        "expected_unit": expected_unit,
    }


def passage_names(project: paths.Project | None = None) -> list[str]:
    """The assignments that declare an invented passage, in the order of assignments.yml."""
    return [name for name, found in assignments(project).items() if isinstance(found, dict) and "passage" in found]


def _declared_passage(assignment: str, project: paths.Project | None) -> dict:
    found = assignments(project).get(assignment)
    found = found.get("passage") if isinstance(found, dict) else None
    if not isinstance(found, dict) or not found.get("title") or not found.get("text"):
        raise DataError(f"{_yml(project)}: {assignment} needs passage: title and text")
    return found


def passage(assignment: str, project: paths.Project | None = None) -> tuple[str, str]:
    """(title, text) of the invented passage of ``assignment``."""
    found = _declared_passage(assignment, project)
    return found["title"], " ".join(found["text"].split())


PERIOD_FIELDS = ("period_start", "period_end")  # when a figure was made: what a yardstick rate needs


def passage_claims(assignment: str, project: paths.Project | None = None) -> list[dict]:
    """The claims given with the passage of ``assignment`` (its ``claims`` in
    assignments.yml), quotes checked; [] where finding them is the exercise."""
    text = passage(assignment, project)[1]
    rows = _declared_passage(assignment, project).get("claims") or []
    for number, row in enumerate(rows, start=1):
        where = f"{_yml(project)}: {assignment}, passage claim {number}"
        if not isinstance(row, dict) or not all(isinstance(row.get(k), str) for k in ("id", "quote", "figure", "unit")):
            raise DataError(f"{where}: give id, quote, figure and unit, each as text")
        if text.count(row["quote"]) != 1 or row["figure"] not in row["quote"]:
            raise DataError(f"{where} ({row['id']}): the quote must occur once in the passage and hold the figure")
    return [dict(row) for row in rows]


def passage_table(assignment: str, project: paths.Project | None = None) -> pd.DataFrame:
    """The claims given with the passage of ``assignment``, as a claims frame indexed by id."""
    rows = passage_claims(assignment, project)
    if not rows:
        raise DataError(f"{_yml(project)}: the passage of {assignment} gives no claims")
    return claims_frame(
        [
            claim_row(r["id"], r["figure"], r["unit"], qualifier=r.get("qualifier", "none"), quote=r["quote"])
            | {field: r[field] for field in PERIOD_FIELDS if field in r}
            for r in rows
        ]
    )


def show_passage(assignment: str, project: paths.Project | None = None):
    """The invented passage of ``assignment``, as a marked quotation that says it is invented."""
    from IPython.display import HTML  # deferred: IPython is heavy and only a notebook shows the passage

    title, text = passage(assignment, project)
    return HTML(
        f'<blockquote class="audit-quote classroom-passage"><p><strong>{render.esc(title)}</strong></p>'
        f"<p>“{render.esc(text)}”</p></blockquote>"
    )


# --------------------------------------------------------------------------
# Public checks: form and units, never values
# --------------------------------------------------------------------------


def form_problem(question: Question, answer: Any, project: paths.Project | None = None) -> str:
    """What is wrong with the answer's form or units ('' if nothing)."""
    text = passage(question.assignment, project)[1] if question.form == "claims" else ""
    return answer_forms.form_problem(question, answer, text)


def check(question: str, answer: Any, *, project: paths.Project | None = None) -> bool:
    """Check the form and units of ``answer`` to ``question`` (printed, and returned).

    ``None`` means not answered yet. The value is not checked here: the
    grader does it on the instructor's side, within the tolerance printed.
    """
    questions = load_questions(project)
    if question not in questions:
        raise KeyError(f"no question {question!r}; the questions are: {', '.join(questions)}")
    q = questions[question]
    if answer is None or answer is Ellipsis:
        say(f"… {question}: not answered yet. Replace None with your answer and run the cell again.")
        return False
    problem = form_problem(q, answer, project)
    if problem:
        say(f"✗ {question}: not in the form asked.\n  {problem}\n  Hint: {q.hint}")
        return False
    say(f"✓ {question}: in the form asked. Its value is graded by your instructor ({q.tolerance()}).")
    return True
