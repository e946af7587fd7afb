"""The answer key: every question's expected answer, computed now from the data.

``notebooks/classroom/key/answers.csv`` says how each variant of each
question is derived (its ``source`` and ``arguments``), always from the
invented passage of the question's assignment: a finding of one of the
passage's checks (``key/passage_checks.csv``) or of a check the row names,
the rates its pairs of claims imply, a small formula over its claims and the
reference rates, its claims themselves (given in ``assignments.yml``, or,
where finding them is the exercise, in ``key/passage_claims.csv``). Without a
seed, the passage and every question are the book's own variant; with a
class seed (``variants``), the class is asked its own variant of each
question that has some, of its own passage. A draw of the passage is kept
only if every answer can be computed and the book's question, asked of it,
would give no answer the class's question accepts (``_fits``): the book's
solution cells then score nothing on a class's variant. The key never goes
into the student bundle (``bundle.INSTRUCTOR_PACKAGE``); nor do the class
variants' solutions (``key/solutions.yml``, ``solution``).

Everything is read from a project's files (``project=``, the current project
by default: the constants below are its paths), and each cache is keyed on the
project, so that two projects in one process never share a key (issue 27).
"""

from __future__ import annotations

import ast
import functools
import math
import operator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from paper_audit import paths
from paper_audit.audit import check_kinds, engine, rounding
from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor import variants
from paper_audit.instructor.csvfile import read_rows
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import reference

KEY_DIR = exercises.CLASSROOM_DIR / "key"
ANSWERS_CSV = KEY_DIR / "answers.csv"
PASSAGE_CLAIMS_CSV = KEY_DIR / "passage_claims.csv"
PASSAGE_CHECKS_CSV = KEY_DIR / "passage_checks.csv"
SOLUTIONS_YML = KEY_DIR / "solutions.yml"
BOOK = exercises.BOOK


def _file(path: Path, project: paths.Project | None) -> Path:
    """``project``'s key file named like ``path`` (one of the constants above)."""
    return paths.resolve(project).classroom_dir / KEY_DIR.name / path.name


def _rows_of(path: Path, assignment: str, project: paths.Project | None) -> list[dict]:
    """The rows of a key file of ``project`` that belong to ``assignment`` (its column ``assignment``)."""
    found = []
    for line, row in read_rows(_file(path, project)):
        if row.get("assignment") not in exercises.passage_names(project):
            raise DataError(
                f"{path.name}, line {line}, field 'assignment': {row.get('assignment')!r} is not an assignment "
                f"with a passage in {exercises.ASSIGNMENTS_YML.name}"
            )
        if row["assignment"] == assignment:
            found.append({k: v for k, v in row.items() if k != "assignment"})
    return found


def one_rate_kind() -> str:
    """The kind that checks that pairs of amounts imply one rate, as the kinds
    declare it: exactly one, since the key adds one such check per currency."""
    (kind,) = engine.kinds_where(relation=check_kinds.ONE_RATE)
    return kind


def passage_checks(assignment: str, project: paths.Project | None = None) -> list[dict]:
    """The relations of the passage of ``assignment`` that the key computes and
    a class's variant draws anew: its rows of passage_checks.csv, and for the
    assignment that declares pairs, one check per currency that its pairs imply
    one rate (``one_rate_kind``)."""
    checks = _rows_of(PASSAGE_CHECKS_CSV, assignment, project)
    if exercises.declared("pairs", project)[0] == assignment:
        for kind, found in exercises.assignments(project)[assignment]["pairs"].items():
            inputs = " ".join(claim for pair in found.values() for claim in pair)
            checks.append({"id": f"{kind}_pairs", "kind": one_rate_kind(), "inputs": inputs})
    return checks


def _book_claims(assignment: str, project: paths.Project) -> list[dict]:
    given, secret = exercises.passage_claims(assignment, project), _rows_of(PASSAGE_CLAIMS_CSV, assignment, project)
    if given and secret:
        raise DataError(
            f"{PASSAGE_CLAIMS_CSV.name}: the claims of {assignment} are given in "
            f"{exercises.ASSIGNMENTS_YML.name}; list them in one place"
        )
    return given or secret


@functools.lru_cache(maxsize=4)
def _answer_rows(project: paths.Project) -> dict[tuple[str, str], tuple[str, list[str], str]]:
    """(question, variant) -> (source, arguments, where) of every row of ``project``'s answers.csv (validated)."""
    families = exercises.question_variants(project)
    path = _file(ANSWERS_CSV, project)
    found: dict[tuple[str, str], tuple[str, list[str], str]] = {}
    for line, row in read_rows(path):
        where = f"{path.name}, line {line}"
        qid, variant = row["question"], row.get("variant") or BOOK
        if qid not in families:
            raise DataError(f"{where}, field 'question': {qid!r} is not in {exercises.QUESTIONS_CSV.name}")
        if variant not in families[qid]:
            raise DataError(f"{where}, field 'variant': {qid!r} has no variant {variant!r}")
        if (qid, variant) in found:
            raise DataError(f"{where}: a second row for {qid!r}, variant {variant!r}")
        found[(qid, variant)] = (row["source"], [a for a in row["arguments"].split(";") if a], where)
    return found


@dataclass(frozen=True)
class Passage:
    """One variant of an assignment's passage of a project: its text and the
    rows of its claims. Its cached properties are its own (an instance is
    drawn for one project, ``_draw``): the claims read no file, the context
    reads the reference facts of the passage's project."""

    assignment: str
    text: str
    rows: tuple[dict, ...]
    project: paths.Project | None = None

    @functools.cached_property
    def claims(self) -> list[dict]:
        """The passage's figures as the key reads them (id, quote, figure, unit,
        qualifier, and what claim_row makes of them)."""
        found = []
        for line, row in enumerate(self.rows, start=2):
            if self.text.count(row["quote"]) != 1 or row["figure"] not in row["quote"]:
                raise DataError(
                    f"{PASSAGE_CLAIMS_CSV.name}, line {line}, field 'quote': {row['quote']!r} must occur "
                    "once in the passage and hold the figure"
                )
            claim = exercises.claim_row(
                row["id"], row["figure"], row["unit"], qualifier=row.get("qualifier", "none"), quote=row["quote"]
            )
            found.append(claim | {field: row[field] for field in exercises.PERIOD_FIELDS if field in row})
        return found

    @functools.cached_property
    def context(self) -> engine.Context:
        return engine.Context(exercises.claims_frame(self.claims), project=self.project)


def _families(assignment: str, project: paths.Project) -> dict[str, list[str]]:
    """question -> its variants other than the book's, for the questions of ``assignment`` that have some."""
    return {
        qid: [v for v in family if v != BOOK]
        for qid, family in exercises.question_variants(project).items()
        if family[BOOK].assignment == assignment and len(family) > 1
    }


@functools.lru_cache(maxsize=32)
def _draw(assignment: str, seed: str | None, project: paths.Project) -> tuple[Passage, tuple[tuple[str, str], ...]]:
    """The passage of ``assignment`` in ``project`` a class is given, and the variants it is asked."""
    text = exercises.passage(assignment, project)[1]
    rows = _book_claims(assignment, project)
    if seed is None:
        return Passage(assignment, text, tuple(rows), project), ()
    chosen = variants.asked(seed, assignment, _families(assignment, project))
    checks = passage_checks(assignment, project)
    for attempt in range(variants.TRIES):
        drawn_text, drawn_rows = variants.make(seed, assignment, text, rows, checks, attempt)
        drawn = Passage(assignment, drawn_text, tuple(drawn_rows), project)
        if _fits(drawn, chosen):
            return drawn, tuple(chosen.items())
    raise DataError(
        f"{assignment}: no passage that fits what the class is asked could be drawn from this seed "
        f"in {variants.TRIES} tries"
    )


def class_passage(
    assignment: str, seed: str | None = None, project: paths.Project | None = None
) -> tuple[str, tuple[dict, ...]]:
    """(text, rows of its claims) of the passage of ``assignment``: the book's,
    or the variant of the class with ``seed``."""
    drawn = _draw(assignment, seed, paths.resolve(project))[0]
    return drawn.text, drawn.rows


def asked(seed: str | None = None, project: paths.Project | None = None) -> dict[str, str]:
    """question -> the variant the class with ``seed`` is asked (the book's, without a seed)."""
    project = paths.resolve(project)
    chosen = {qid: BOOK for qid in exercises.question_variants(project)}
    if seed is not None:
        for assignment in exercises.passage_names(project):
            chosen.update(_draw(assignment, seed, project)[1])
    return chosen


def questions(seed: str | None = None, project: paths.Project | None = None) -> dict[str, exercises.Question]:
    """Every question, by id, as the class with ``seed`` is asked it."""
    return exercises.questions_as_asked(asked(seed, project), project)


def passage_key(assignment: str, seed: str | None = None, project: paths.Project | None = None) -> list[dict]:
    """The passage's figures as the key reads them (id, quote, figure, unit,
    qualifier, and what claim_row makes of them)."""
    return _draw(assignment, seed, paths.resolve(project))[0].claims


def passage_context(assignment: str, seed: str | None = None, project: paths.Project | None = None) -> engine.Context:
    """A context on the claims of the passage of ``assignment``, as the class has it."""
    return _draw(assignment, seed, paths.resolve(project))[0].context


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


def _passage_findings(passage: Passage) -> list[dict]:
    return [
        {
            "id": row["id"],
            "kind": row["kind"],
            "inputs": row["inputs"].split(),
            "verdict": _run(passage.context, row).verdict,
        }
        for row in _rows_of(PASSAGE_CHECKS_CSV, passage.assignment, passage.project)
    ]


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _formula(expression: str, value_of) -> float:
    """The value of ``expression`` (+, -, *, /, brackets, numbers and names),
    each name's value from ``value_of``."""

    def walk(node) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            return value_of(node.id)
        raise ValueError(f"a formula may hold only + - * /, brackets, numbers and names, not {ast.dump(node)[:40]}")

    return walk(ast.parse(expression, mode="eval"))


def _name_value(passage: Passage, name: str) -> float:
    """A name of a formula: a claim of the passage (its plain value) or a reference rate (units per dollar)."""
    table = passage.context.claims
    if name in table.index:
        return claims_mod.absolute(table.loc[name])
    return float(reference.lookup(name, passage.project)[1]["units_per_usd"])


def _finding(passage: Passage, kind: str, inputs: list[str]) -> dict:
    verdict = engine.run_check(passage.context, exercises.check_row("asked", kind, inputs)).verdict
    return {"kind": kind, "inputs": list(inputs), "verdict": verdict}


def _pair_rate(ctx: engine.Context, kind: str, label: str, power: int = 1) -> rounding.Interval:
    amount, usd = exercises.pairs(kind, ctx.project)[label]
    if power == 1:
        return ctx.implied_rate(amount, usd)
    return rounding.propagate(lambda a, d: d / a, [ctx.interval(amount), ctx.interval(usd)])


def _odd_pair(ctx: engine.Context, kind: str) -> str:
    """The label of the one pair without which the others share a rate ('none' if all do)."""
    rates = {label: _pair_rate(ctx, kind, label) for label in exercises.pairs(kind, ctx.project)}

    def share(labels) -> bool:
        return max(rates[x].low for x in labels) <= min(rates[x].high for x in labels)

    if share(list(rates)):
        return exercises.NO_LABEL
    odd = [label for label in rates if share([x for x in rates if x != label])]
    if len(odd) != 1:
        raise ValueError(f"no single odd pair among the {kind} pairs")
    return odd[0]


def _expected_from(source: str, args: list[str], passage: Passage) -> Any:
    ctx, project = passage.context, passage.project
    if source == "passage_finding":
        check_id, field_name, *factor = args
        row = next(r for r in passage_checks(passage.assignment, project) if r["id"] == check_id)
        value = getattr(_run(ctx, row), field_name)
        return value * float(factor[0]) if factor else value
    if source == "formula":
        return _formula(args[0], lambda name: _name_value(passage, name))
    if source == "interval":
        expression, varying = args[0], args[1].split()

        def at(*values: float) -> float:
            given = dict(zip(varying, values, strict=True))
            return _formula(expression, lambda name: given[name] if name in given else _name_value(passage, name))

        return rounding.propagate(at, [ctx.interval(claim) for claim in varying])
    if source == "rates":
        kind, power, factor = args[0], int(args[1]) if len(args) > 1 else 1, float(args[2]) if len(args) > 2 else 1
        table = ctx.claims
        return [
            (claims_mod.absolute(table.loc[a]) / claims_mod.absolute(table.loc[b])) ** power * factor
            for a, b in exercises.pairs(kind, project).values()
        ]
    if source == "one_rate":
        inputs = [claim for pair in exercises.pairs(args[0], project).values() for claim in pair]
        return engine.run_check(ctx, exercises.check_row("one_rate", one_rate_kind(), inputs)).verdict
    if source == "one_rate_of":
        pairs = exercises.pairs(args[0], project)
        return _finding(passage, one_rate_kind(), [c for label in args[1:] for c in pairs[label]])
    if source == "finding":
        return _finding(passage, args[0], args[1].split())
    if source == "odd_pair":
        return _odd_pair(ctx, args[0])
    if source == "rate_interval":
        return _pair_rate(ctx, args[0], args[1], int(args[2]) if len(args) > 2 else 1)
    if source == "rates_overlap":
        return _pair_rate(ctx, args[0], args[1]).overlaps(_pair_rate(ctx, args[0], args[2]))
    if source == "passage_claims":
        return passage.claims
    if source == "passage_findings":
        return _passage_findings(passage)
    raise KeyError(source)


def _rule(qid: str, variant: str, project: paths.Project | None) -> tuple[str, list[str], str]:
    """(source, arguments, where) of the row of ``project``'s answers.csv for ``qid`` asked in ``variant``."""
    found = _answer_rows(paths.resolve(project)).get((qid, variant))
    if found is None:
        raise DataError(f"{ANSWERS_CSV.name}: no row says how to compute {qid!r}, variant {variant!r}")
    return found


def _answer(qid: str, variant: str, passage: Passage) -> Any:
    source, args, where = _rule(qid, variant, passage.project)
    try:
        return _expected_from(source, args, passage)
    except (KeyError, ValueError, IndexError, TypeError, StopIteration, ZeroDivisionError) as error:
        raise DataError(
            f"{where}: cannot compute the expected answer from source {source!r} "
            f"and arguments {';'.join(args)!r} ({type(error).__name__}: {error})"
        ) from None


def _close(a: Any, b: Any, q: exercises.Question, margin: float) -> bool:
    """Whether ``a`` could be taken for ``b`` within ``margin`` times the tolerance of ``q``."""
    rel, absolute = q.rel_tol * margin, q.abs_tol * margin
    if isinstance(a, rounding.Interval):
        a = [a.low, a.high]
    if isinstance(b, rounding.Interval):
        b = [b.low, b.high]
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            math.isclose(x, y, rel_tol=rel, abs_tol=absolute) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=rel, abs_tol=absolute)
    return a == b


MARGIN = 10  # the book's answer lies at least this many tolerances from the class's


def _fits(passage: Passage, chosen: dict[str, str]) -> bool:
    """Whether every answer a class is asked can be computed on ``passage``,
    and no answer the book's question gives there is one the class's accepts."""
    families = exercises.question_variants(passage.project)
    for qid, variant in chosen.items():
        book, mine = families[qid][BOOK], families[qid][variant]
        rules = (
            _rule(qid, variant, passage.project)[:2],
            _rule(qid, BOOK, passage.project)[:2],
        )  # a missing rule is the data's fault, not the draw's
        try:
            wanted, given = (_expected_from(*rule, passage) for rule in rules)
        except DataError:
            raise
        except (ValueError, ZeroDivisionError):
            return False  # this draw leaves the question without one answer (no single odd pair, say)
        if book.form == mine.form and _close(given, wanted, mine, MARGIN):
            return False
    return True


def expected(seed: str | None = None, project: paths.Project | None = None) -> dict[str, Any]:
    """Every question's expected answer, computed now from ``project``'s data
    (the current project's by default; for the class with ``seed``, to the
    variant it is asked, of its passage)."""
    return _expected(seed, paths.resolve(project))


@functools.lru_cache(maxsize=8)
def _expected(seed: str | None, project: paths.Project) -> dict[str, Any]:
    chosen = asked(seed, project)
    families = exercises.question_variants(project)
    found = {}
    for qid, q in families.items():
        book = q[BOOK]
        if book.form == "written":
            continue
        found[qid] = _answer(qid, chosen[qid], _draw(book.assignment, seed, project)[0])
    for (qid, _), (_, _, where) in _answer_rows(project).items():
        if families[qid][BOOK].form == "written":
            raise DataError(f"{where}, field 'question': {qid!r} is a written question, marked with its rubric")
    return found


@functools.lru_cache(maxsize=4)
def _solutions(project: paths.Project) -> dict:
    path = _file(SOLUTIONS_YML, project)
    try:
        found = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise DataError(f"{path}: cannot be read ({error})") from None
    if not isinstance(found, dict):
        raise DataError(f"{path}: should map each question to its variants' solutions")
    return found


def clear_caches() -> None:
    """Forget every draw and answer computed, of every project (a test that edits the data, or draws again)."""
    for cached in (_draw, _expected, _answer_rows, _solutions):
        cached.cache_clear()


def solution(qid: str, variant: str, project: paths.Project | None = None) -> str:
    """The code of the solution cell of ``qid`` asked in a class ``variant`` (not the book's)."""
    code = (_solutions(paths.resolve(project)).get(qid) or {}).get(variant)
    if not isinstance(code, str) or f"check({qid!r}".replace("'", '"') not in code:
        raise DataError(
            f"{SOLUTIONS_YML.name}: {qid!r}, variant {variant!r} needs its solution's code, "
            f'ending with check("{qid}", answer)'
        )
    return code
