"""The program the grader runs in a submission's kernel, after each cell that
answers a question: it prints the value of ``answer`` as JSON, in one write,
on a line that starts with ``MARK``.

This module is never imported by the kernel (the instructor package does not
ship with the student bundle, and the kernel cannot reach the grader): its
source is sent in a cell the grader adds (``submissions.capture_cell``) and
executed there in a namespace of its own, so it neither reads nor changes the
submission's names. It may import nothing but the standard library.
"""

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


def capture(question, value):
    """Print ``value``, the answer to ``question``, as one marked JSON line."""
    try:
        payload = {"question": question, "answer": plain(value)}
    except Exception as error:
        payload = {"question": question, "error": f"{type(error).__name__}: {error}"}
    sys.stdout.write(MARK + json.dumps(payload) + "\n")
