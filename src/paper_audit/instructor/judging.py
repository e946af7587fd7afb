"""Judging one captured answer against the key: (points, feedback).

Numbers within the question's stated tolerance, lists of rates label by
label, intervals end by end, verdicts and pairs' labels by name, a finding by
its kind, its inputs and its verdict; a claims frame figure by figure (value
or date, quote, qualifier); chosen checks relation by relation, matched to the
passage's figures through the student's own claim ids. Each question is
judged as the class is asked it (``key.questions``): a class's variant can ask
for another quantity, or another form, than the book's.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from paper_audit.audit import engine
from paper_audit.classroom import exercises
from paper_audit.instructor import key
from paper_audit.instructor.assignment import Item


def decode(value: Any) -> Any:
    """A captured value with its tags (``capture.plain``) turned back into a
    frame, an interval's ends or a finding's fields."""
    if isinstance(value, dict):
        if "__frame__" in value:
            return pd.DataFrame(value["__frame__"])
        if "__interval__" in value:
            return tuple(value["__interval__"])
        if "__finding__" in value:
            return value["__finding__"]
        return value
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _figure_of(row: dict) -> tuple[str, Any]:
    date = row.get("date")
    if isinstance(date, str) and date:
        return "date", date
    return "value", float(row["value"]) * float(row["factor"])


def _same_figure(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] != b[0]:
        return False
    return a[1] == b[1] if a[0] == "date" else math.isclose(a[1], b[1], rel_tol=1e-9)


def _match_claims(frame: pd.DataFrame, key_rows: list[dict]) -> dict[str, dict]:
    """key id -> the student's row that gives the same figure (first match)."""
    rows = frame.to_dict("records")
    matched: dict[str, dict] = {}
    used: set[int] = set()
    for k in key_rows:
        for i, row in enumerate(rows):
            try:
                same = i not in used and _same_figure(_figure_of(row), _figure_of(k))
            except (TypeError, ValueError, KeyError):
                same = False
            if same:
                matched[k["id"]] = row
                used.add(i)
                break
    return matched


def _judge_claims(frame: pd.DataFrame, key_rows: list[dict], assignment: str, seed: str | None) -> tuple[float, str]:
    text = key.class_passage(assignment, seed)[0]
    matched = _match_claims(frame, key_rows)
    complete, notes = 0, []
    for k in key_rows:
        row = matched.get(k["id"])
        if row is None:
            continue
        quote = str(row.get("quote", ""))
        if quote not in text or str(row.get("figure", "")) not in quote:
            notes.append(f"{row.get('id')}: the quote is not the passage's words around the figure")
        elif str(row.get("qualifier", "none")) != k["qualifier"]:
            notes.append(f"{row.get('id')}: the qualifier is not the one the passage gives")
        else:
            complete += 1
    missing = len(key_rows) - len(matched)
    extra = len(frame) - len(matched)
    if missing:
        notes.append(f"{missing} figure{'s' if missing > 1 else ''} of the passage missing or read wrongly")
    if extra:
        notes.append(f"{extra} row{'s' if extra > 1 else ''} match{'' if extra > 1 else 'es'} no figure of the passage")
    fraction = max(0, complete - extra) / len(key_rows)
    return fraction, f"{complete} of {len(key_rows)} figures read right, with their quote and qualifier" + (
        ": " + "; ".join(notes) if notes else ""
    )


def _judge_findings(
    findings: list, key_rows: list[dict], claims_answer: Any, assignment: str, seed: str | None
) -> tuple[float, str]:
    frame = decode(claims_answer.get("answer")) if isinstance(claims_answer, dict) else None
    if not isinstance(frame, pd.DataFrame) or "id" not in frame:
        return 0.0, "Your claims frame (the previous question) could not be read, so your checks cannot be matched."
    to_key = {str(row["id"]): kid for kid, row in _match_claims(frame, key.passage_key(assignment, seed)).items()}
    score, notes = 0.0, []
    used = set()
    for k in key_rows:
        hit = None
        for i, f in enumerate(findings):
            if i in used or not isinstance(f, dict) or f.get("kind") != k["kind"]:
                continue
            if sorted(to_key.get(str(x), "?") for x in f.get("inputs") or []) == sorted(k["inputs"]):
                hit = i
                break
        if hit is None:
            notes.append(f"no check of kind {k['kind']} relates the figures it needs")
            continue
        used.add(hit)
        if exercises.verdict_name(str(findings[hit].get("verdict", ""))) == k["verdict"]:
            score += 1
        else:
            score += 0.5
            notes.append(f"your {k['kind']} check has another verdict than the package gives")
    others = len([f for i, f in enumerate(findings) if i not in used])
    if others:
        notes.append(f"{others} further check{'s' if others > 1 else ''} (not graded)")
    found = sum(1 for n in notes if n.startswith("no check"))
    return score / len(key_rows), (
        f"{len(key_rows) - found} of {len(key_rows)} relations of the passage checked"
        + (": " + "; ".join(notes) if notes else "")
    )


def form_words(q: exercises.Question) -> str:
    """What the grader reads, in words: the form and unit asked, never the value."""
    unit = f" of {q.unit}" if q.unit else ""
    return {
        "number": f"a single number{unit}",
        "numbers": f"a list of numbers{unit}, one each for: {'; '.join(q.labels)}",
        "interval": f"an interval (low, high){unit}",
        "verdict": "a verdict's name",
        "boolean": "True or False",
        "count": "a whole number",
        "label": f"the label of one pair ({'; '.join(q.labels)}) or {exercises.NO_LABEL!r}",
        "finding": "one finding, made with engine.run_check on the check asked",
        "claims": "a claims frame made with claim_row, one row per figure of the passage",
        "findings": "a list of findings made with engine.run_check",
    }.get(q.form, "a written answer")


def _number(x: Any) -> str:
    """A number as a student wrote it, without scientific notation ("12,000,000",
    not "1.2e+07"): whole units from a hundred thousand up, else six significant digits."""
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        return repr(x)[:80]
    if not math.isfinite(x):
        return repr(x)
    if abs(x) >= 1e5:
        return f"{x:,.0f}"
    return f"{x:,.6g}" if x == 0 or abs(x) >= 1e-4 else repr(x)


def gave(answer: Any) -> str:
    """The value a student gave, in a few words (a frame or findings summarised)."""
    if isinstance(answer, pd.DataFrame):
        return f"a frame of {len(answer)} row{'s' if len(answer) != 1 else ''}"
    if isinstance(answer, tuple):
        return "(" + ", ".join(_number(x) for x in answer[:2]) + ")"
    if isinstance(answer, list):
        if answer and all(isinstance(f, dict) and "kind" in f for f in answer):
            return f"{len(answer)} finding(s): " + "; ".join(
                f"{str(f.get('kind'))[:40]} ({str(f.get('verdict'))[:40]})" for f in answer[:10]
            )
        return "[" + ", ".join(_number(x) for x in answer[:10]) + (", ..." if len(answer) > 10 else "") + "]"
    if isinstance(answer, dict) and {"kind", "verdict"} <= set(answer):
        return f"a finding of kind {str(answer['kind'])[:40]} ({str(answer['verdict'])[:40]})"
    if isinstance(answer, dict):
        return f"an object the grader cannot read ({str(answer.get('__type__', 'a mapping'))[:40]})"
    return _number(answer)


def judge(item: Item, captured: dict | None, answers: dict[str, dict], seed: str | None = None) -> tuple[float, str]:
    """(points, feedback) for one auto-graded question; ``answers`` are all
    the submission's captured answers (the findings are matched through the
    claims frame it gave); ``seed``, the class's (its variant of the passage,
    ``variants``). The feedback says what the student gave and what
    form and tolerance were expected, never the expected value."""
    if captured is None:
        return 0.0, "Not answered: no cell answering this question ran."
    if "error" in captured:
        return 0.0, f"No answer could be read: {captured['error']}."
    try:
        answer = decode(captured.get("answer"))
        if answer is None:
            return 0.0, "Not answered (the answer is still None)."
        points, note = _judge(item, answer, answers, seed)
        return points, f"You gave {gave(answer)}. {note}"
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError, IndexError):
        return 0.0, f"Not in the form asked. Expected: {form_words(key.questions(seed)[item.question.id])}."


def _same_inputs(kind: str, given: list[str], wanted: list[str]) -> bool:
    """The same claims, in the order the kind's roles need; the groups of a kind
    whose groups may come in any order (``@kind(any_order=True)``: the pairs of
    conversions held to one rate) in any order."""
    spec = engine.KIND_SPECS.get(kind)
    if spec is not None and spec.any_order:
        return sorted(spec.groups(given)) == sorted(spec.groups(wanted))
    return given == wanted


def _judge_finding(answer: Any, expected: dict) -> tuple[bool, str]:
    if not isinstance(answer, dict) or not {"kind", "inputs", "verdict"} <= set(answer):
        return False, "Not in the form asked: the answer should be one finding, made with engine.run_check."
    if answer["kind"] != expected["kind"]:
        return False, f"Not the check asked: its kind should be {expected['kind']}."
    if not _same_inputs(expected["kind"], [str(x) for x in answer["inputs"] or []], expected["inputs"]):
        return False, "Not the check asked: its inputs are not the claims the exercise names."
    if exercises.verdict_name(str(answer["verdict"])) != expected["verdict"]:
        return False, "The check asked, but its verdict is not the one the package gives."
    return True, ""


def _judge(item: Item, answer: Any, answers: dict[str, dict], seed: str | None) -> tuple[float, str]:
    q, expected = key.questions(seed)[item.question.id], key.expected(seed)[item.question.id]
    if q.form == "finding":
        right, problem = _judge_finding(answer, expected)
        return (item.points, f"Right ({q.tolerance()}).") if right else (0.0, f"{problem} Hint: {q.hint}")
    if q.form == "findings":
        if not isinstance(answer, list) or not answer or not all(isinstance(f, dict) and "kind" in f for f in answer):
            return 0.0, "The answer should be a list of findings, each from engine.run_check."
        fraction, note = _judge_findings(answer, expected, answers.get("passage_claims"), q.assignment, seed)
        return round(item.points * fraction, 2), note + "."
    if q.form == "interval":
        ends = answer if isinstance(answer, tuple) else exercises.interval_ends(answer)
        answer = ends if ends is not None else answer
    if q.form != "claims":
        problem = exercises.form_problem(q, list(answer) if isinstance(answer, tuple) else answer)
        if problem:
            return 0.0, f"Not in the form asked: {problem}"
    else:
        if not isinstance(answer, pd.DataFrame) or not {"value", "factor", "date"} <= set(answer.columns):
            return 0.0, "Not in the form asked: the answer should be a claims frame built with claim_row."
        fraction, note = _judge_claims(answer, expected, q.assignment, seed)
        return round(item.points * fraction, 2), note + "."
    right = False
    if q.form == "number":
        right = math.isclose(float(answer), expected, rel_tol=q.rel_tol, abs_tol=q.abs_tol)
    elif q.form == "numbers":
        off = [
            label
            for label, x, e in zip(q.labels, answer, expected, strict=False)
            if not math.isclose(float(x), e, rel_tol=q.rel_tol)
        ]
        right = not off
        if off and len(off) < len(expected):
            return 0.0, f"Not right for: {'; '.join(off)} ({q.tolerance()})."
    elif q.form == "interval":
        ends = zip(answer, (expected.low, expected.high), strict=False)
        right = all(math.isclose(float(x), e, rel_tol=q.rel_tol) for x, e in ends)
    elif q.form == "verdict":
        right = exercises.verdict_name(answer) == expected
    elif q.form == "label":
        right = exercises.label_name(answer, q.labels) == expected
    elif q.form in ("boolean", "count"):
        right = answer == expected
    if right:
        return item.points, f"Right ({q.tolerance()})."
    return 0.0, f"Not right. Expected: {form_words(q)}, {q.tolerance()}. Hint: {q.hint}"
