"""The forms an answer can take, and what is wrong with one (never its value).

A question asks for one form (``FORMS``): a number, a list of numbers (one
per labelled pair), an interval, a verdict's name, True or False, a count, a
pair's label (or ``none``), a finding of a check, a claims frame, a list of
findings, or a written answer. ``form_problem`` says what is wrong with an
answer's form or units; it holds no expected value, and ships to students
with ``exercises.check``, which calls it.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from paper_audit.audit import engine, verdicts

FORMS = (
    "number",
    "numbers",
    "interval",
    "verdict",
    "boolean",
    "count",
    "label",
    "finding",
    "claims",
    "findings",
    "written",
)
NO_LABEL = "none"  # the label answer that names no pair


def _a(value: Any) -> str:
    """'an int', 'a str': the type of a wrong answer, with its article."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _is_number(x: Any) -> bool:
    return isinstance(x, Real) and not isinstance(x, (bool, np.bool_)) and math.isfinite(float(x))


VERDICT_ALIASES = {v.short: word for word, v in verdicts.VERDICTS.items()}


def verdict_name(answer: str) -> str:
    """A verdict's name as the package spells it (case, spaces and short labels forgiven)."""
    name = " ".join(answer.lower().split())
    return VERDICT_ALIASES.get(name, name)


def label_name(answer: str, labels: tuple[str, ...]) -> str | None:
    """The label (or ``none``) that ``answer`` names, case and spaces forgiven; None if it names none of them."""
    wanted = " ".join(answer.lower().split())
    return next((label for label in (*labels, NO_LABEL) if " ".join(label.lower().split()) == wanted), None)


def interval_ends(answer: Any) -> tuple[float, float] | None:
    """(low, high) of an Interval or of a pair of numbers, else None."""
    if hasattr(answer, "low") and hasattr(answer, "high") and _is_number(answer.low) and _is_number(answer.high):
        return float(answer.low), float(answer.high)
    if isinstance(answer, (tuple, list)) and len(answer) == 2 and all(_is_number(x) for x in answer):
        return float(answer[0]), float(answer[1])
    return None


def quote_problems(frame: pd.DataFrame, text: str) -> list[str]:
    """Rows of a claims frame whose quote is not in ``text`` word for word, or
    does not hold its figure as printed."""
    problems = []
    for _, row in frame.iterrows():
        quote, figure = str(row.get("quote", "")), str(row.get("figure", ""))
        if quote not in text:
            problems.append(f"{row.get('id', '?')}: the quote is not in the passage word for word")
        elif figure not in quote:
            problems.append(f"{row.get('id', '?')}: the quote does not hold the figure as printed")
    return problems


def _number_problem(question, answer: Any) -> str:
    if not _is_number(answer):
        return f"The answer should be a single finite number, not {_a(answer)}."
    if question.minimum is not None and abs(float(answer)) < question.minimum:
        return f"A value this small is not a plain number of {question.unit}: did you give it in millions?"
    return ""


def _numbers_problem(question, answer: Any) -> str:
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__len__"):
        return f"The answer should be a list of numbers, one each for: {'; '.join(question.labels)}."
    if len(answer) != len(question.labels):
        return f"The list should hold one number each for: {'; '.join(question.labels)}."
    if not all(_is_number(x) and float(x) > 0 for x in answer):
        return f"Every item of the list should be a positive number of {question.unit}."
    return ""


def _named_problem(question, answer: Any) -> str:
    """A verdict's name, or a pair's label."""
    if not isinstance(answer, str):
        what = "label" if question.form == "label" else "verdict's name"
        return f"The answer should be a {what} (a string), not {_a(answer)}."
    if question.form == "label":
        if label_name(answer, question.labels) is None:
            return f"That is not one of the labels: use one of {'; '.join(question.labels)}, or {NO_LABEL!r}."
        return ""
    if verdict_name(answer) not in verdicts.GRADES:
        return "That is not a verdict's name: use one of the names in verdicts.GRADES."
    return ""


def _claims_problem(answer: Any, passage_text: str) -> str:
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be a pandas DataFrame (use claims_frame), not {_a(answer)}."
    needed = ("id", "figure", "value", "factor", "date", "quote", "qualifier")
    missing = [c for c in needed if c not in answer.columns]
    if missing:
        return "The frame lacks the column(s) " + ", ".join(missing) + ": build its rows with claim_row."
    problems = quote_problems(answer, passage_text)
    return ("Some quotes do not come from the passage: " + "; ".join(problems) + ".") if problems else ""


def _findings_problem(answer: Any) -> str:
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__len__") or not len(answer):
        return "The answer should be a list of findings, each from engine.run_check."
    if not all(isinstance(f, engine.Finding) for f in answer):
        return "Every item of the list should be a finding made by engine.run_check."
    return ""


def form_problem(question, answer: Any, passage_text: str = "") -> str:
    """What is wrong with the answer's form or units ('' if nothing); a
    claims frame's quotes are looked for in ``passage_text``."""
    form = question.form
    if form == "number":
        return _number_problem(question, answer)
    if form == "numbers":
        return _numbers_problem(question, answer)
    if form == "interval":
        ends = interval_ends(answer)
        if ends is None:
            return "The answer should be a rounding.Interval or a pair (low, high) of numbers."
        return "The low end is above the high end." if ends[0] > ends[1] else ""
    if form in ("verdict", "label"):
        return _named_problem(question, answer)
    if form == "boolean":
        return "" if isinstance(answer, (bool, np.bool_)) else f"The answer should be a bool, not {_a(answer)}."
    if form == "count":
        if not isinstance(answer, Integral) or isinstance(answer, (bool, np.bool_)):
            return f"The answer should be a whole number (an int), not {_a(answer)}."
        return ""
    if form == "finding":
        if not isinstance(answer, engine.Finding):
            return f"The answer should be one finding, made by engine.run_check, not {_a(answer)}."
        return ""
    if form == "claims":
        return _claims_problem(answer, passage_text)
    if form == "findings":
        return _findings_problem(answer)
    return ""
