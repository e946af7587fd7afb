"""The answer key: every question's expected answer, computed now from the data.

``notebooks/classroom/key/answers.csv`` says how each one is derived (its
``source`` and ``arguments``): a finding of the book's checks, the rates a set
of pairs implies, the invented passage's own claims and checks, read from
``key/passage_claims.csv`` and ``key/passage_checks.csv``. With a class seed
(``variants``), the passage is that class's variant, and so are its answers.
The key never goes into the student bundle (``bundle.INSTRUCTOR_PACKAGE``).
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


@functools.lru_cache(maxsize=1)
def _book_findings() -> dict[str, engine.Finding]:
    return {f.check: f for f in engine.run_all(claims=claims_mod.load_claims())}


@functools.lru_cache(maxsize=8)
def class_passage(seed: str | None = None) -> tuple[str, tuple[dict, ...]]:
    """(text, key rows of its claims) of the passage: the book's, or the variant of the class with ``seed``."""
    text = exercises.passage()[1]
    rows = [row for _, row in read_rows(PASSAGE_CLAIMS_CSV)]
    if seed is not None:
        checks = [row for _, row in read_rows(PASSAGE_CHECKS_CSV)]
        text, rows = variants.make(seed, exercises.declared("passage")[0], text, rows, checks)
    return text, tuple(rows)


def passage_key(seed: str | None = None) -> list[dict]:
    """The invented passage's figures as the key reads them (id, quote, figure,
    unit, qualifier, and what claim_row makes of them)."""
    text, rows = class_passage(seed)
    found = []
    for line, row in enumerate(rows, start=2):
        if text.count(row["quote"]) != 1 or row["figure"] not in row["quote"]:
            raise DataError(
                f"{PASSAGE_CLAIMS_CSV.name}, line {line}, field 'quote': {row['quote']!r} must occur "
                "once in the passage and hold the figure"
            )
        found.append(
            exercises.claim_row(row["id"], row["figure"], row["unit"], qualifier=row["qualifier"], quote=row["quote"])
        )
    return found


def _passage_findings(seed: str | None = None) -> list[dict]:
    ctx = engine.Context(exercises.claims_frame(passage_key(seed)))
    found = []
    for _, row in read_rows(PASSAGE_CHECKS_CSV):
        finding = engine.run_check(
            ctx,
            exercises.check_row(
                row["id"],
                row["kind"],
                row["inputs"],
                expected_low=row["expected_low"],
                expected_high=row["expected_high"],
            ),
        )
        found.append(
            {"id": row["id"], "kind": row["kind"], "inputs": row["inputs"].split(), "verdict": finding.verdict}
        )
    return found


def _pair_rate(kind: str, label: str) -> rounding.Interval:
    pair = exercises.pairs(kind)[label]
    return engine.Context(claims_mod.load_claims()).implied_rate(*pair)


def _expected_from(source: str, args: list[str], seed: str | None) -> Any:
    if source == "finding":
        check_id, field_name, *factor = args
        value = getattr(_book_findings()[check_id], field_name)
        return value * float(factor[0]) if factor else value
    if source == "rates":
        table = claims_mod.load_claims()
        return [
            claims_mod.absolute(table.loc[a]) / claims_mod.absolute(table.loc[b])
            for a, b in exercises.pairs(args[0]).values()
        ]
    if source == "same_rate":
        inputs = [claim for pair in exercises.pairs(args[0]).values() for claim in pair]
        row = exercises.check_row("one_rate", "same_rate", inputs)
        return engine.run_check(engine.Context(claims_mod.load_claims()), row).verdict
    if source == "rate_interval":
        return _pair_rate(args[0], args[1])
    if source == "rates_overlap":
        return _pair_rate(args[0], args[1]).overlaps(_pair_rate(args[0], args[2]))
    if source == "passage_claims":
        return passage_key(seed)
    if source == "passage_findings":
        return _passage_findings(seed)
    raise KeyError(source)


@functools.lru_cache(maxsize=8)
def expected(seed: str | None = None) -> dict[str, Any]:
    """Every question's expected answer, computed now from the data (for the
    class with ``seed``, from its variant of the passage)."""
    found = {}
    for line, row in read_rows(ANSWERS_CSV):
        where = f"{ANSWERS_CSV.name}, line {line}"
        if row["question"] not in exercises.load_questions():
            raise DataError(f"{where}, field 'question': {row['question']!r} is not in {exercises.QUESTIONS_CSV.name}")
        args = [a for a in row["arguments"].split(";") if a]
        try:
            found[row["question"]] = _expected_from(row["source"], args, seed)
        except (KeyError, ValueError, IndexError, TypeError) as error:
            raise DataError(
                f"{where}: cannot compute the expected answer from source {row['source']!r} "
                f"and arguments {row['arguments']!r} ({type(error).__name__}: {error})"
            ) from None
    return found
