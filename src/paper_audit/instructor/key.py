"""The answer key: every question's expected answer, computed now from the data.

``notebooks/classroom/key/answers.csv`` says how each one is derived (its
``source`` and ``arguments``), always from the invented passage of the
question's assignment: a finding of one of the passage's checks
(``key/passage_checks.csv``), the rates its pairs of claims imply, its
claims themselves (given in ``assignments.yml``, or, where finding them is
the exercise, in ``key/passage_claims.csv``). Without a seed, the passage is
the book's own variant; with a class seed (``variants``), every figure a
relation connects is that class's, and so is every answer. The key never
goes into the student bundle (``bundle.INSTRUCTOR_PACKAGE``).
"""

from __future__ import annotations

import functools
from typing import Any

from paper_audit.audit import engine, rounding
from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor import variants
from paper_audit.instructor.csvfile import read_rows
from paper_audit.tables import claims as claims_mod

KEY_DIR = exercises.CLASSROOM_DIR / "key"
ANSWERS_CSV = KEY_DIR / "answers.csv"
PASSAGE_CLAIMS_CSV = KEY_DIR / "passage_claims.csv"
PASSAGE_CHECKS_CSV = KEY_DIR / "passage_checks.csv"


def _rows_of(path, assignment: str) -> list[dict]:
    """The rows of a key file that belong to ``assignment`` (its column ``assignment``)."""
    found = []
    for line, row in read_rows(path):
        if row.get("assignment") not in exercises.passage_names():
            raise DataError(
                f"{path.name}, line {line}, field 'assignment': {row.get('assignment')!r} is not an assignment "
                f"with a passage in {exercises.ASSIGNMENTS_YML.name}"
            )
        if row["assignment"] == assignment:
            found.append({k: v for k, v in row.items() if k != "assignment"})
    return found


def passage_checks(assignment: str) -> list[dict]:
    """The relations of the passage of ``assignment`` that the key computes and
    a class's variant draws anew: its rows of passage_checks.csv, and for the
    assignment that declares pairs, one ``same_rate`` check per currency."""
    checks = _rows_of(PASSAGE_CHECKS_CSV, assignment)
    if exercises.declared("pairs")[0] == assignment:
        for kind, found in exercises.assignments()[assignment]["pairs"].items():
            inputs = " ".join(claim for pair in found.values() for claim in pair)
            checks.append({"id": f"{kind}_pairs", "kind": "same_rate", "inputs": inputs})
    return checks


def _book_claims(assignment: str) -> list[dict]:
    given, secret = exercises.passage_claims(assignment), _rows_of(PASSAGE_CLAIMS_CSV, assignment)
    if given and secret:
        raise DataError(
            f"{PASSAGE_CLAIMS_CSV.name}: the claims of {assignment} are given in "
            f"{exercises.ASSIGNMENTS_YML.name}; list them in one place"
        )
    return given or secret


@functools.lru_cache(maxsize=32)
def class_passage(assignment: str, seed: str | None = None) -> tuple[str, tuple[dict, ...]]:
    """(text, rows of its claims) of the passage of ``assignment``: the book's,
    or the variant of the class with ``seed``."""
    text = exercises.passage(assignment)[1]
    rows = _book_claims(assignment)
    if seed is not None:
        text, rows = variants.make(seed, assignment, text, rows, passage_checks(assignment))
    return text, tuple(rows)


def passage_key(assignment: str, seed: str | None = None) -> list[dict]:
    """The passage's figures as the key reads them (id, quote, figure, unit,
    qualifier, and what claim_row makes of them)."""
    text, rows = class_passage(assignment, seed)
    found = []
    for line, row in enumerate(rows, start=2):
        if text.count(row["quote"]) != 1 or row["figure"] not in row["quote"]:
            raise DataError(
                f"{PASSAGE_CLAIMS_CSV.name}, line {line}, field 'quote': {row['quote']!r} must occur "
                "once in the passage and hold the figure"
            )
        claim = exercises.claim_row(
            row["id"], row["figure"], row["unit"], qualifier=row.get("qualifier", "none"), quote=row["quote"]
        )
        found.append(claim | {field: row[field] for field in exercises.PERIOD_FIELDS if field in row})
    return found


def passage_context(assignment: str, seed: str | None = None) -> engine.Context:
    """A context on the claims of the passage of ``assignment``, as the class has it."""
    return engine.Context(exercises.claims_frame(passage_key(assignment, seed)))


def _run(ctx: engine.Context, row: dict) -> engine.Finding:
    return engine.run_check(
        ctx,
        exercises.check_row(
            row["id"],
            row["kind"],
            row["inputs"],
            expected_low=row.get("expected_low", ""),
            expected_high=row.get("expected_high", ""),
        ),
    )


def _passage_findings(assignment: str, seed: str | None) -> list[dict]:
    ctx = passage_context(assignment, seed)
    return [
        {"id": row["id"], "kind": row["kind"], "inputs": row["inputs"].split(), "verdict": _run(ctx, row).verdict}
        for row in _rows_of(PASSAGE_CHECKS_CSV, assignment)
    ]


def _pair_rate(ctx: engine.Context, kind: str, label: str) -> rounding.Interval:
    return ctx.implied_rate(*exercises.pairs(kind)[label])


def _expected_from(source: str, args: list[str], assignment: str, seed: str | None) -> Any:
    if source == "passage_finding":
        check_id, field_name, *factor = args
        row = next(r for r in passage_checks(assignment) if r["id"] == check_id)
        value = getattr(_run(passage_context(assignment, seed), row), field_name)
        return value * float(factor[0]) if factor else value
    if source == "rates":
        table = passage_context(assignment, seed).claims
        return [
            claims_mod.absolute(table.loc[a]) / claims_mod.absolute(table.loc[b])
            for a, b in exercises.pairs(args[0]).values()
        ]
    if source == "same_rate":
        inputs = [claim for pair in exercises.pairs(args[0]).values() for claim in pair]
        row = exercises.check_row("one_rate", "same_rate", inputs)
        return engine.run_check(passage_context(assignment, seed), row).verdict
    if source == "rate_interval":
        return _pair_rate(passage_context(assignment, seed), args[0], args[1])
    if source == "rates_overlap":
        ctx = passage_context(assignment, seed)
        return _pair_rate(ctx, args[0], args[1]).overlaps(_pair_rate(ctx, args[0], args[2]))
    if source == "passage_claims":
        return passage_key(assignment, seed)
    if source == "passage_findings":
        return _passage_findings(assignment, seed)
    raise KeyError(source)


@functools.lru_cache(maxsize=8)
def expected(seed: str | None = None) -> dict[str, Any]:
    """Every question's expected answer, computed now from the data (for the
    class with ``seed``, from its variants of the passages)."""
    found = {}
    questions = exercises.load_questions()
    for line, row in read_rows(ANSWERS_CSV):
        where = f"{ANSWERS_CSV.name}, line {line}"
        if row["question"] not in questions:
            raise DataError(f"{where}, field 'question': {row['question']!r} is not in {exercises.QUESTIONS_CSV.name}")
        args = [a for a in row["arguments"].split(";") if a]
        try:
            found[row["question"]] = _expected_from(row["source"], args, questions[row["question"]].assignment, seed)
        except (KeyError, ValueError, IndexError, TypeError, StopIteration) as error:
            raise DataError(
                f"{where}: cannot compute the expected answer from source {row['source']!r} "
                f"and arguments {row['arguments']!r} ({type(error).__name__}: {error})"
            ) from None
    return found
