"""The program the grader runs in a submission's kernel, after each cell that
answers a question: it prints the value of ``answer`` as JSON, in one write,
on a line that starts with ``MARK`` and a nonce, a random word made for that
one cell.

This module is never imported by the kernel (the instructor package does not
ship with the student bundle, and the sandbox cannot reach the grader): its
source is sent in a cell the worker adds (``cell_source``) and executed there
in a namespace of its own, so it neither reads nor changes the submission's
names. It may import nothing but the standard library. The worker reads the
one line with the cell's nonce, from that cell's output only: a line a
submission prints cannot carry a nonce it has not seen, and a cell a
submission tags like the grader's is just one of its cells.
"""

import inspect
import json
import math
import sys

MARK = "PAPER-AUDIT-ANSWER "


def plain(x, depth=0):
    """``x`` as plain JSON values; frames, findings and intervals tagged."""
    if depth > 4:
        return {"__type__": "nested too deep"}
    if type(x).__module__ == "numpy" and getattr(x, "ndim", 1) == 0:
        x = x.item()
    if x is None or isinstance(x, (bool, int)):
        return x
    if isinstance(x, str):
        return x[:20000]
    if isinstance(x, float):
        return x if math.isfinite(x) else {"__float__": repr(x)}
    if hasattr(x, "to_dict") and hasattr(x, "columns"):
        head = x.head(200).astype(object)
        rows = head.where(head.notna(), None).to_dict("records")
        return {"__frame__": [{str(k): plain(v, depth + 1) for k, v in r.items()} for r in rows]}
    if all(hasattr(x, a) for a in ("kind", "inputs", "verdict")):
        return {
            "__finding__": {
                "kind": plain(x.kind, depth + 1),
                "verdict": plain(x.verdict, depth + 1),
                "inputs": plain(list(x.inputs), depth + 1),
            }
        }
    if hasattr(x, "low") and hasattr(x, "high"):
        return {"__interval__": [plain(x.low, depth + 1), plain(x.high, depth + 1)]}
    if isinstance(x, (list, tuple)) or hasattr(x, "tolist"):
        return [plain(v, depth + 1) for v in list(x)[:200]]
    return {"__type__": type(x).__name__}


def capture(question, nonce, value):
    """Print ``value``, the answer to ``question``, as one JSON line marked with ``nonce``."""
    try:
        payload = {"question": question, "answer": plain(value)}
    except Exception as error:
        payload = {"question": question, "error": f"its value could not be read ({type(error).__name__})"}
    sys.stdout.write(MARK + nonce + " " + json.dumps(payload) + "\n")
    sys.stdout.flush()


def cell_source(question, nonce):
    """The code of the cell that captures ``answer`` after a cell answering
    ``question``: it reads the name ``answer`` itself (never through
    ``globals()``, which a submission may redefine), runs this module's
    source in a fresh namespace, and forgets everything it made."""
    source = inspect.getsource(sys.modules[__name__])
    names = f"_paper_audit_{nonce}"
    return (
        f"try:\n    {names} = [answer]\nexcept NameError:\n    {names} = [None]\n"
        f"{names}.append({{'__name__': 'paper_audit_capture'}})\n"
        f"exec({source!r}, {names}[1])\n"
        f"{names}[1]['capture']({question!r}, {nonce!r}, {names}[0])\n"
        f"del {names}\n"
    )
