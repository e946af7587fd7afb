"""Solutions in the assignment notebooks, and how to take them out.

An assignment notebook holds its solutions in three forms: cells tagged
``solution`` (or ``hidden-tests``), the cells between a ``{solution-start}``
and its ``{solution-end}`` (sphinx-exercise's gated solutions, folded in
the instructor's edition of the book), and ``{solution}`` blocks inside a
markdown cell. ``strip_solutions`` removes all three: the student bundle's
hand-outs are made with it, and so are the public book's classroom pages
(``sphinx_classroom``). Nothing here is secret: it ships with the bundle.
"""

from __future__ import annotations

import copy
import re

from paper_audit.errors import DataError

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
                raise DataError(
                    f"{name}: the solution-start in cell {number} comes before the solution-end "
                    f"of the one in cell {open_at}"
                )
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
