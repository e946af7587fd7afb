"""A class's assignment notebooks: the questions as the class is asked them,
and, for the instructor, the solutions of those questions.

A class's seed can ask a question in another variant than the book's
(``variants.asked``, ``key.questions``): another figure, direction, rate,
pair or form. The notebooks of ``notebooks/classroom/`` hold the book's
wording and the book's solutions; for a class,

* ``ask_as_class`` rewrites each exercise asked in another variant: its
  title and wording (``questions.csv``: ``title``, ``ask``) in place of the
  book's, and its answer cell's placeholder, which described the book's
  question. The hand-outs of a class's bundle are made with it.
* ``solved_for_class`` answers every answer cell of a class's hand-out with
  the solution of the variant the class is asked (``key.solution``, from
  ``key/solutions.yml``; the book's solution cell where the class is asked
  the book's): the instructor's edition of the class's variant, written by
  ``paper-audit student --seed-file FILE --solutions``, which runs in the
  bundle and scores full marks there.
"""

from __future__ import annotations

import copy
import re
import textwrap

from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor import key

_EXERCISE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{exercise\}(?P<title>.*)$")
_ENDS_BODY = ("**Tolerance:**", "**Rubric.**")
PLACEHOLDER = 'answer = None  # your answer, as the exercise above asks\ncheck("{question}", answer);'


def _question_of(cell) -> str | None:
    return (cell.get("metadata", {}).get("paper_audit") or {}).get("question")


def _reworded(source: str, q: exercises.Question, name: str) -> str:
    """An exercise cell's source with the title and wording of ``q``'s variant."""
    lines = source.splitlines()
    opened = _EXERCISE.match(lines[0]) if lines else None
    if opened is None:
        raise DataError(f"{name}: the exercise of {q.id!r} should open its cell with an {{exercise}} directive")
    start = 1
    while start < len(lines) and lines[start].startswith(":"):
        start += 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith(_ENDS_BODY)), None)
    if end is None:
        raise DataError(f"{name}: the exercise of {q.id!r} should end its wording with its **Tolerance:**")
    body = textwrap.fill(q.ask, width=74, break_on_hyphens=False, break_long_words=False)
    return "\n".join([f"{opened['fence']}{{exercise}} {q.title}", *lines[1:start], "", body, "", *lines[end:]])


def ask_as_class(notebook, assignment: str, questions: dict[str, exercises.Question], name: str = "notebook"):
    """A copy of ``notebook`` whose exercises ask ``questions`` (the class's
    variants): the book's wording stays where the class is asked the book's."""
    result = copy.deepcopy(notebook)
    cells = result.cells
    for index, cell in enumerate(cells):
        qid = _question_of(cell)
        q = questions.get(qid) if qid else None
        if q is None or q.variant == exercises.BOOK or cell.cell_type != "code":
            continue
        exercise = next(
            (
                i
                for i in range(index - 1, -1, -1)
                if cells[i].cell_type == "markdown" and "{exercise}" in cells[i].source
            ),
            None,
        )
        if exercise is None:
            raise DataError(f"{name}: no exercise comes before the answer cell of {qid!r}")
        cells[exercise].source = _reworded(cells[exercise].source, q, name)
        cell.source = PLACEHOLDER.format(question=qid)
    return result


def solved_for_class(handout, original, assignment: str, seed: str | None, name: str = "notebook"):
    """The instructor's notebook of ``assignment`` for the class with ``seed``:
    its hand-out (made with ``ask_as_class``) with every answer cell answered
    by the solution of the variant the class is asked (the book's own
    solution cell from ``original`` where it is asked the book's)."""
    questions = key.questions(seed)
    book = {}
    for cell in original.cells:
        if cell.cell_type == "code" and "solution" in cell.get("metadata", {}).get("tags", []):
            book.update({qid: cell.source for qid in re.findall(r'check\("([a-z_]+)"', cell.source)})
    result = copy.deepcopy(handout)
    for cell in result.cells:
        qid = _question_of(cell)
        if cell.cell_type != "code" or not qid:
            continue
        q = questions[qid]
        if q.variant != exercises.BOOK:
            cell.source = key.solution(qid, q.variant)
        elif qid in book:
            cell.source = book[qid]
        else:
            raise DataError(f"{name}: no solution cell of {qid!r} to answer it with")
    result.metadata.setdefault("paper_audit", {})["solutions"] = True
    return result
