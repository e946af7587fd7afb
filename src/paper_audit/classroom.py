"""The classroom section: assignments on the book's own data.

* ``check(question, answer)`` grades a student's answer to a named question.
  Every expected answer is computed, when asked for, from the claims, the
  reference rates and the package's checks; none is typed here. A wrong answer
  gets a hint, never the expected value.
* ``strip_solutions`` and ``write_student_versions`` make the hand-out copies
  of the assignment notebooks (``notebooks/classroom/``): solutions removed,
  outputs cleared, exercises and answer cells kept.
* ``main`` is ``paper-audit student [--out DIR]`` (default ``student/`` at the
  repository root, which git ignores).

The third assignment audits an invented passage (``PASSAGE``): a fictional
report written for the exercise, not a text by Shen and Xia.
"""

from __future__ import annotations

import argparse
import copy
import functools
import math
import re
import shutil
import tempfile
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from . import checks, claims as claims_mod, figures, paths, render, rounding
from .errors import DataError

CLASSROOM_DIR = paths.NOTEBOOKS_DIR / "classroom"
STUDENT_DIR = paths.REPO_ROOT / "student"
# Written into every student folder: a folder without it is never replaced.
MARKER = ".paper-audit-student"

# --------------------------------------------------------------------------
# Helpers the assignments call
# --------------------------------------------------------------------------


def quotes(*claim_ids: str):
    """Show claims of the paper as marked quotations, with page and footnote."""
    from IPython.display import HTML

    from . import passages

    table = _audit()[0]
    # No verdicts: they are what the student is asked to find.
    return HTML(render.passages(table, passages.passages(table, claim_ids), None))


def claim_row(claim_id: str, figure: str, unit: str, *, qualifier: str = "none", quote: str = "",
              page: int = 1) -> dict:
    """One row of a hand-made claims frame, read from the figure as printed.

    The value (or date) and the scale come from ``figures.parse``, so a figure
    is typed once: ``claim_row("cost", "36 million", "crowns")`` has value 36,
    scale million, factor one million. Dates need ``unit="date"``.
    """
    if qualifier not in rounding.QUALIFIER_WIDENING:
        raise DataError(f"claim {claim_id}: qualifier {qualifier!r} is not one of: {', '.join(rounding.QUALIFIER_WIDENING)}")
    try:
        parsed = figures.parse(figure)
    except figures.FigureError as error:
        raise DataError(f"claim {claim_id}: {error}") from None
    words = figure.split()
    scale = words[-1] if words and words[-1] in claims_mod.SCALE_FACTORS and len(words) > 1 else ""
    factor = claims_mod.SCALE_FACTORS[scale]
    if (unit == "date") != (parsed.date is not None):
        raise DataError(f"claim {claim_id}: the figure {figure!r} is {'a date' if parsed.date else 'not a date'}, "
                        f"but the unit is {unit!r}")
    return {
        "id": claim_id, "figure": figure, "unit": unit, "scale": scale, "factor": factor, "qualifier": qualifier,
        "value": None if parsed.value is None else parsed.value / factor,
        "low": parsed.low, "high": parsed.high, "date": parsed.date or "",
        "quote": quote or figure, "page": page, "footnote": None, "chapter": "classroom",
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


def check_row(check_id: str, kind: str, inputs: str | Sequence[str], *, title: str = "", expected_low: str = "",
              expected_high: str = "", expected_unit: str = "", explanation: str = "") -> dict:
    """One check, as a row of data/checks.csv would give it, for ``checks.run_check``."""
    if kind not in checks.KINDS:
        raise DataError(f"check {check_id}: kind {kind!r} is not one of: {', '.join(sorted(checks.KINDS))}")
    return {
        "id": check_id, "kind": kind, "inputs": inputs if isinstance(inputs, str) else " ".join(inputs),
        "title": title or check_id, "chapter": "classroom", "explanation": explanation, "_line": 0,
        "expected_low": str(expected_low), "expected_high": str(expected_high), "expected_unit": expected_unit,
    }


# --------------------------------------------------------------------------
# The invented passage of the third assignment
# --------------------------------------------------------------------------

PASSAGE_TITLE = "An invented passage (fiction written for this assignment, not from Shen and Xia)"
PASSAGE = (
    "The Eastport Harbour Board reported that rebuilding the docks had cost 36 million crowns "
    "(USD 75 million), at the Board's rate of 4.8 crowns to USD 1. The city paid 45.5 percent of the cost, "
    "the state 32.5 percent and the shipping lines 21.5 percent. Work began on 2 May 1955 and the last berth "
    "reopened on 20 November 1956, after a full eighteen months of work."
)
# id, quote (found once in the passage), figure (inside the quote), unit, qualifier
_PASSAGE_FIGURES = [
    ("cost_crowns", "had cost 36 million crowns", "36 million", "crowns", "none"),
    ("cost_usd", "(USD 75 million)", "75 million", "USD", "none"),
    ("rate_crowns", "rate of 4.8 crowns", "4.8", "crowns", "none"),
    ("rate_usd", "to USD 1.", "1", "USD", "none"),
    ("share_city", "The city paid 45.5 percent", "45.5", "percent", "none"),
    ("share_state", "the state 32.5 percent", "32.5", "percent", "none"),
    ("share_lines", "shipping lines 21.5 percent", "21.5", "percent", "none"),
    ("work_began", "began on 2 May 1955", "2 May 1955", "date", "none"),
    ("work_ended", "reopened on 20 November 1956", "20 November 1956", "date", "none"),
    ("work_length", "a full eighteen months", "eighteen", "months", "full"),
]
_PASSAGE_CHECKS = [
    ("passage_conversion", "conversion", "cost_crowns cost_usd rate_crowns rate_usd", {}),
    ("passage_shares", "parts_sum", "share_city share_state share_lines", {"expected_low": "100", "expected_high": "100"}),
    ("passage_duration", "date_gap", "work_began work_ended work_length", {}),
]


def show_passage():
    """The invented passage, as a marked quotation that says it is invented."""
    from IPython.display import HTML

    return HTML(f'<blockquote class="audit-quote classroom-passage"><p><strong>{render.esc(PASSAGE_TITLE)}</strong></p>'
                f"<p>“{render.esc(PASSAGE)}”</p></blockquote>")


def _passage_claims() -> pd.DataFrame:
    rows = []
    for claim_id, quote, figure, unit, qualifier in _PASSAGE_FIGURES:
        if PASSAGE.count(quote) != 1 or figure not in quote:
            raise DataError(f"invented passage, claim {claim_id}: the quote must occur once and hold its figure")
        rows.append(claim_row(claim_id, figure, unit, qualifier=qualifier, quote=quote))
    return claims_frame(rows)


def _passage_findings() -> dict[str, checks.Finding]:
    ctx = checks.Context(_passage_claims())
    return {check_id: checks.run_check(ctx, check_row(check_id, kind, inputs, **extra))
            for check_id, kind, inputs, extra in _PASSAGE_CHECKS}


# --------------------------------------------------------------------------
# Expected answers, computed from the data
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _audit() -> tuple[pd.DataFrame, dict[str, checks.Finding]]:
    table = claims_mod.load_claims()
    return table, {f.check: f for f in checks.run_all(claims=table)}


def _value(claim_id: str) -> float:
    return claims_mod.absolute(_audit()[0].loc[claim_id])


def _finding(check_id: str) -> checks.Finding:
    return _audit()[1][check_id]


RUBLE_PAIRS = {
    "Soviet aid": ("soviet_aid_rubles", "soviet_aid_usd"),
    "East European commitment": ("ee_commitment_rubles", "ee_commitment_usd"),
    "East European aid by the end of 1954": ("ee_aid_by_end_1954_rubles", "ee_aid_by_end_1954_usd"),
}
YUAN_PAIRS = {
    "cancelled debt": ("chinese_debt_cancelled_yuan", "chinese_debt_cancelled_usd"),
    "gift": ("chinese_gift_yuan", "chinese_gift_usd"),
    "first year of the gift": ("chinese_gift_first_year_yuan", "chinese_gift_first_year_usd"),
}


def _implied_rates(pairs: dict[str, tuple[str, str]]) -> list[float]:
    return [_value(a) / _value(b) for a, b in pairs.values()]


def _rate_interval(pair: tuple[str, str]) -> rounding.Interval:
    return checks.Context(_audit()[0]).implied_rate(*pair)


def _same_rate_verdict(pairs: dict[str, tuple[str, str]]) -> str:
    inputs = [claim for pair in pairs.values() for claim in pair]
    return checks.run_check(checks.Context(_audit()[0]), check_row("one_rate", "same_rate", inputs)).verdict


def _figures_of(frame: pd.DataFrame) -> list[tuple[str, Any]]:
    """What each row of a claims frame says: ("date", iso) or ("value", absolute value)."""
    found = []
    for _, row in frame.iterrows():
        date = row.get("date")
        if isinstance(date, str) and date:
            found.append(("date", date))
        else:
            found.append(("value", float(row["value"]) * float(row["factor"])))
    return found


# --------------------------------------------------------------------------
# Rules: how an answer is compared with the expected one
# --------------------------------------------------------------------------


def _is_number(x: Any) -> bool:
    return isinstance(x, Real) and not isinstance(x, (bool, np.bool_)) and math.isfinite(float(x))


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g} percent"


@dataclass(frozen=True)
class Number:
    """A single number, right within ``rel`` (relative) or ``abs_`` (absolute)."""

    rel: float = 0.0
    abs_: float = 0.0
    unit: str = ""

    def tolerance(self) -> str:
        if self.rel:
            return f"accepted within {_percent(self.rel)} of the expected value"
        if self.abs_:
            return f"accepted within {self.abs_:g} {self.unit}".rstrip()
        return "exact match"

    def judge(self, answer: Any, expected: float) -> tuple[bool, str]:
        if not _is_number(answer):
            return False, f"The answer should be a single finite number, not a {type(answer).__name__}."
        return math.isclose(float(answer), expected, rel_tol=self.rel, abs_tol=self.abs_), ""


@dataclass(frozen=True)
class Numbers:
    """Several numbers in a stated order, each right within ``rel``."""

    labels: tuple[str, ...]
    rel: float = 1e-3

    def tolerance(self) -> str:
        return f"each accepted within {_percent(self.rel)} of its expected value"

    def judge(self, answer: Any, expected: Sequence[float]) -> tuple[bool, str]:
        if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__len__"):
            return False, f"The answer should be a list of numbers, one each for: {'; '.join(self.labels)}."
        items = list(answer)
        if len(items) != len(self.labels):
            return False, f"The list should hold one number each for: {'; '.join(self.labels)}."
        if not all(_is_number(x) for x in items):
            return False, "Every item of the list should be a finite number."
        off = [label for label, x, e in zip(self.labels, items, expected)
               if not math.isclose(float(x), e, rel_tol=self.rel)]
        return not off, ("Not right yet for: " + "; ".join(off) + ".") if off else ""


@dataclass(frozen=True)
class IntervalRule:
    """A (low, high) pair or a ``rounding.Interval``, both ends within ``rel``."""

    rel: float = 1e-4

    def tolerance(self) -> str:
        return f"both ends accepted within {_percent(self.rel)}"

    def judge(self, answer: Any, expected: rounding.Interval) -> tuple[bool, str]:
        if isinstance(answer, rounding.Interval):
            low, high = answer.low, answer.high
        elif isinstance(answer, (tuple, list)) and len(answer) == 2 and all(_is_number(x) for x in answer):
            low, high = answer
        else:
            return False, "The answer should be a rounding.Interval or a pair (low, high) of numbers."
        if low > high:
            return False, "The low end is above the high end."
        ends = [name for name, x, e in (("low end", low, expected.low), ("high end", high, expected.high))
                if not math.isclose(float(x), e, rel_tol=self.rel)]
        return not ends, ("Not right yet: the " + " and the ".join(ends) + ".") if ends else ""


VERDICT_ALIASES = {label: verdict for verdict, (_, _, label, _) in render.VERDICT_STYLE.items()}


@dataclass(frozen=True)
class Verdict:
    """One of ``rounding.VERDICTS``, matched case-insensitively."""

    def tolerance(self) -> str:
        return "exact match of the verdict's name, case-insensitive"

    def judge(self, answer: Any, expected: str) -> tuple[bool, str]:
        if not isinstance(answer, str):
            return False, f"The answer should be a verdict's name (a string), not a {type(answer).__name__}."
        name = " ".join(answer.lower().split())
        name = VERDICT_ALIASES.get(name, name)
        if name not in rounding.VERDICTS:
            return False, "That is not a verdict's name: use one of the names in rounding.VERDICTS."
        return name == expected, ""


@dataclass(frozen=True)
class Boolean:
    def tolerance(self) -> str:
        return "a yes-or-no answer, as a bool"

    def judge(self, answer: Any, expected: bool) -> tuple[bool, str]:
        if not isinstance(answer, (bool, np.bool_)):
            return False, f"The answer should be a bool, not a {type(answer).__name__}."
        return bool(answer) == expected, ""


@dataclass(frozen=True)
class Count:
    def tolerance(self) -> str:
        return "exact match"

    def judge(self, answer: Any, expected: int) -> tuple[bool, str]:
        if not isinstance(answer, Integral) or isinstance(answer, (bool, np.bool_)):
            return False, f"The answer should be a whole number (an int), not a {type(answer).__name__}."
        return int(answer) == expected, ""


@dataclass(frozen=True)
class SameFigures:
    """A claims frame that holds every figure of a text, and nothing else."""

    rel: float = 1e-9

    def tolerance(self) -> str:
        return "every figure read to its exact value or date, one row each"

    def judge(self, answer: Any, expected: list[tuple[str, Any]]) -> tuple[bool, str]:
        if not isinstance(answer, pd.DataFrame):
            return False, f"The answer should be a pandas DataFrame (use claims_frame), not a {type(answer).__name__}."
        missing_columns = [c for c in ("value", "factor", "date") if c not in answer.columns]
        if missing_columns:
            return False, "The frame lacks the column(s) " + ", ".join(missing_columns) + ": build its rows with claim_row."
        try:
            given = _figures_of(answer)
        except (TypeError, ValueError):
            return False, "Some rows have no value and no date: build them with claim_row."
        unmatched = list(given)
        missing = 0
        for kind, value in expected:
            for i, (k, v) in enumerate(unmatched):
                if k == kind and (v == value if kind == "date" else math.isclose(v, value, rel_tol=self.rel)):
                    del unmatched[i]
                    break
            else:
                missing += 1
        if not missing and not unmatched:
            return True, ""
        problems = []
        if missing:
            problems.append(f"{missing} figure{'s' if missing > 1 else ''} of the passage "
                            f"{'are' if missing > 1 else 'is'} missing or read wrongly")
        if unmatched:
            problems.append(f"{len(unmatched)} row{'s' if len(unmatched) > 1 else ''} of your frame "
                            f"match{'' if len(unmatched) > 1 else 'es'} no figure of the passage")
        return False, "; ".join(problems) + "."


# --------------------------------------------------------------------------
# The questions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    id: str
    assignment: str
    compute: Callable[[], Any]
    rule: Any
    hint: str


QUESTIONS: dict[str, Question] = {}


def _question(qid: str, assignment: str, compute: Callable[[], Any], rule: Any, hint: str) -> None:
    QUESTIONS[qid] = Question(qid, assignment, compute, rule, hint)


_A1, _A2, _A3 = "01_recompute_a_conversion", "02_implied_rates", "03_audit_a_passage"

_question("soviet_usd", _A1, lambda: _finding("soviet_aid_fn21").computed_value, Number(rel=1e-3),
          "Take the amount in rubles with claims.absolute (it applies the scale word), and divide by footnote "
          "21's rubles per dollar (its rubles claim over its dollars claim). The answer is in dollars, not millions.")
_question("soviet_verdict", _A1, lambda: _finding("soviet_aid_fn21").verdict, Verdict(),
          "Make the stated interval with checks.Context(table).interval('soviet_aid_usd'), the recomputed one with "
          "rounding.propagate over the rubles' interval (the stated rate is exact), then call rounding.verdict(computed, stated).")
_question("gift_usd", _A1, lambda: _finding("chinese_gift_official").computed_value, Number(rel=1e-3),
          "Look the rate up with reference.lookup('cny_official_1955'); its units_per_usd is yuan per dollar and "
          "is a string, so convert it with float(). Divide the gift in yuan (claims.absolute) by it.")
_question("gift_gap", _A1, lambda: 100 * _finding("chinese_gift_official").gap_rel, Number(abs_=0.1, unit="percentage points"),
          "The gap is (recomputed - stated) / stated, times 100, with both in dollars. Its sign says which is larger.")
_question("gift_verdict", _A1, lambda: _finding("chinese_gift_official").verdict, Verdict(),
          "Compare the two intervals with rounding.verdict: do they overlap, and if not, is the ratio of the point "
          "values above rounding.GROSS_FACTOR?")
_question("ruble_rates", _A2, lambda: _implied_rates(RUBLE_PAIRS), Numbers(tuple(RUBLE_PAIRS)),
          "An implied rate is the amount in rubles divided by the amount in dollars, both with claims.absolute, "
          "in the order the exercise lists the pairs.")
_question("ruble_one_rate", _A2, lambda: _same_rate_verdict(RUBLE_PAIRS), Verdict(),
          "Build one check of kind 'same_rate' with check_row, its inputs the rubles and dollars claims of each pair "
          "in turn, and run it with checks.run_check(checks.Context(table), row); read the finding's verdict.")
_question("yuan_rates", _A2, lambda: _implied_rates(YUAN_PAIRS), Numbers(tuple(YUAN_PAIRS)),
          "Divide each amount in yuan by its amount in dollars (claims.absolute for both), in the order the exercise lists them.")
_question("debt_rate_interval", _A2, lambda: _rate_interval(YUAN_PAIRS["cancelled debt"]), IntervalRule(),
          "Get both stated intervals with checks.Context(table).interval(...) and divide them with "
          "rounding.propagate(lambda y, d: y / d, [yuan, dollars]): the lowest rate has the fewest yuan and the most dollars.")
_question("debt_gift_agree", _A2,
          lambda: _rate_interval(YUAN_PAIRS["cancelled debt"]).overlaps(_rate_interval(YUAN_PAIRS["gift"])), Boolean(),
          "Make the gift's rate interval the same way as the debt's and ask whether they overlap (Interval.overlaps).")
_question("yuan_one_rate", _A2, lambda: _finding("chinese_yuan_usd_rates").verdict, Verdict(),
          "Run a 'same_rate' check over the three yuan pairs, as you did for the rubles, or find the book's own "
          "check of these pairs among checks.run_all().")
_question("passage_claims", _A3, lambda: _figures_of(_passage_claims()), SameFigures(),
          "Every number and date in the passage is a figure, both sides of the exchange rate included (the dollar "
          "side too), and the length of the works in words. Give each figure exactly as printed to claim_row.")
_question("passage_usd", _A3, lambda: _passage_findings()["passage_conversion"].computed_value, Number(rel=1e-3),
          "Convert the cost in crowns at the Board's own rate: crowns times dollars over crowns of the rate. "
          "The answer is in dollars, not millions.")
_question("passage_conversion", _A3, lambda: _passage_findings()["passage_conversion"].verdict, Verdict(),
          "Compare the recomputed dollars with the interval the printed dollar figure stands for (rounding.verdict), "
          "or run a 'conversion' check; mind how far apart the two point values are.")
_question("passage_shares_sum", _A3, lambda: _passage_findings()["passage_shares"].computed_value, Number(abs_=0.01, unit="percentage points"),
          "Add the printed shares, in percent.")
_question("passage_shares", _A3, lambda: _passage_findings()["passage_shares"].verdict, Verdict(),
          "Each share printed to one decimal stands for an interval half a unit of its last digit wide either way: "
          "can the sum of the intervals reach the whole? A 'parts_sum' check with expected_low='100' does it for you.")
_question("passage_months", _A3, lambda: _passage_findings()["passage_duration"].computed_value, Number(abs_=0.05, unit="months"),
          "Subtract the dates (datetime.date) to get days, then divide by checks.DAYS_PER_MONTH.")
_question("passage_duration", _A3, lambda: _passage_findings()["passage_duration"].verdict, Verdict(),
          "Read the qualifier: 'a full N months' stands for at least N months, with no upper limit "
          "(rounding.QUALIFIER_WIDENING). A 'date_gap' check with the duration claim as third input applies it.")
_question("passage_flagged", _A3,
          lambda: sum(rounding.SEVERITY[f.verdict] > rounding.SEVERITY[rounding.WITHIN_ROUNDING]
                      for f in _passage_findings().values()), Count(),
          "Count the findings whose verdict is worse than the one rounding can explain (rounding.SEVERITY ranks them).")


def check(question: str, answer: Any) -> bool:
    """Say whether ``answer`` to ``question`` is right (printed, and returned).

    ``None`` means not answered yet. A wrong answer gets a hint; the expected
    value is never printed.
    """
    if question not in QUESTIONS:
        raise KeyError(f"no question {question!r}; the questions are: {', '.join(QUESTIONS)}")
    q = QUESTIONS[question]
    if answer is None or answer is Ellipsis:
        print(f"… {question}: not answered yet. Replace None with your answer and run the cell again.")
        return False
    ok, problem = q.rule.judge(answer, q.compute())
    if ok:
        print(f"✓ {question}: correct ({q.rule.tolerance()}).")
        return True
    lines = [f"✗ {question}: not right yet ({q.rule.tolerance()})."]
    if problem:
        lines.append(f"  {problem}")
    lines.append(f"  Hint: {q.hint}")
    print("\n".join(lines))
    return False


# --------------------------------------------------------------------------
# Student copies
# --------------------------------------------------------------------------

SOLUTION_TAGS = {"solution", "hidden-tests"}
_GATE = re.compile(r"^[ \t]*(`{3,}|:{3,})\{solution-(start|end)\}", re.M)
_SOLUTION_OPEN = re.compile(r"^[ \t]*(`{3,}|:{3,})\{solution\}")


def _remove_solution_blocks(text: str) -> str:
    """``text`` without its ```{solution} ... ``` (or :::{solution}) blocks.

    A block closes at a line of the same fence character, at least as long as
    the opening fence (CommonMark's rule); an unclosed one runs to the end.
    """
    if not any(_SOLUTION_OPEN.match(line) for line in text.splitlines()):
        return text
    kept, fence = [], None
    for line in text.splitlines(keepends=True):
        if fence is None:
            match = _SOLUTION_OPEN.match(line)
            if match:
                fence = match.group(1)
                continue
            kept.append(line)
        else:
            stripped = line.strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fence = None
    return re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip("\n")


def strip_solutions(notebook, name: str = "notebook"):
    """A copy of ``notebook`` without solution material, outputs or execution counts.

    Removed: cells tagged ``solution`` or ``hidden-tests``; every cell from a
    markdown cell opening a ``{solution-start}`` through the cell with its
    ``{solution-end}``, both included; ``{solution}`` blocks inside markdown
    cells. A ``solution-start`` without its ``solution-end`` (or an end without
    a start) is refused with a ``DataError`` naming ``name``.
    """
    result = copy.deepcopy(notebook)
    cells, open_at = [], None
    for number, cell in enumerate(result.cells, start=1):
        gates = [m.group(2) for m in _GATE.finditer(cell.source)] if cell.cell_type == "markdown" else []
        if open_at is not None:
            if "start" in gates:
                raise DataError(f"{name}: the solution-start in cell {number} comes before the solution-end "
                                f"of the one in cell {open_at}")
            if "end" in gates:
                open_at = None
            continue
        if gates:
            if gates[0] == "end":
                raise DataError(f"{name}: the solution-end in cell {number} has no solution-start before it")
            if "end" not in gates[1:]:
                open_at = number
            continue
        if SOLUTION_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            cell.source = _remove_solution_blocks(cell.source)
            if not cell.source.strip():
                continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
        cells.append(cell)
    if open_at is not None:
        raise DataError(f"{name}: the solution-start in cell {open_at} has no solution-end")
    result.cells = cells
    return result


def _replace_folder(out_dir: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Write into a temporary folder beside ``out_dir``, then swap it in."""
    out_dir = out_dir.resolve()
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise DataError(f"{out_dir}: exists and was not written by 'paper-audit student'; "
                        "choose an empty or new folder")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        work.chmod(0o755)  # mkdtemp makes it private; the hand-outs are ordinary files
        names = write(work)
        (work / MARKER).write_text("Written by paper-audit student; replaced on every run.\n", encoding="utf-8")
        old = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if out_dir.exists():
            out_dir.rename(old)
        work.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return [out_dir / name for name in names]


def write_student_versions(source_dir: Path = CLASSROOM_DIR, out_dir: Path = STUDENT_DIR) -> list[Path]:
    """Write the student copy of every notebook in ``source_dir`` to ``out_dir``.

    Every notebook is stripped before anything is written, and the folder is
    replaced in one rename, so a refused notebook leaves no half-written folder.
    """
    import nbformat

    source_dir = Path(source_dir)
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        raise DataError(f"{source_dir}: no notebooks to hand out")
    stripped = {}
    for path in notebooks:
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception as error:  # nbformat raises several types for a bad file
            raise DataError(f"{path}: not a readable notebook ({error})") from None
        stripped[path.name] = strip_solutions(notebook, name=str(path))
        nbformat.validate(stripped[path.name])

    def write(folder: Path) -> list[str]:
        for filename, notebook in stripped.items():
            nbformat.write(notebook, folder / filename)
        return list(stripped)

    return _replace_folder(Path(out_dir), write)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paper-audit student",
                                     description="Write the student copies of the classroom assignments "
                                                 "(solutions removed, outputs cleared).")
    parser.add_argument("--out", type=Path, default=STUDENT_DIR, help=f"where they go (default: {STUDENT_DIR})")
    parser.add_argument("--source", type=Path, default=CLASSROOM_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    written = write_student_versions(args.source, args.out)
    print(f"Wrote {len(written)} student notebook(s), without solutions or outputs:")
    for path in written:
        print(f"  {path}")
    return 0
