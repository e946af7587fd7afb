"""No test waits on a fixed clock: a wait polls with a deadline. Read from the
tests' syntax trees (a sleep inside a string, such as a submission's code run
by the grader, is not the test's own wait):

* the fixed sleeps of one function (outside any loop) add up to at most 1 s;
* a sleep inside a loop (a poll) lasts at most 0.5 s at a time;
* a fixed sleep's duration is a number written in the code, so that it can be
  added up (a poll's step may be a named constant)."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FIXED_BUDGET = 1.0
POLL_STEP = 0.5


def is_sleep(call: ast.Call) -> bool:
    f = call.func
    return (isinstance(f, ast.Attribute) and f.attr == "sleep" and getattr(f.value, "id", "") == "time") or (
        isinstance(f, ast.Name) and f.id == "sleep"
    )


def problems(source: str, where: str) -> list[str]:
    found = []

    def visit(node, function, in_loop, fixed):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                inner = [0.0]
                visit(child, getattr(child, "name", "lambda"), False, inner)
                if inner[0] > FIXED_BUDGET:
                    found.append(
                        f"{where}: {getattr(child, 'name', 'lambda')} sleeps {inner[0]:g} s in all outside a poll"
                    )
                continue
            if isinstance(child, ast.Call) and is_sleep(child):
                arg = child.args[0] if child.args else None
                if not isinstance(arg, ast.Constant) or not isinstance(arg.value, (int, float)):
                    if not in_loop:
                        found.append(f"{where}:{child.lineno}: a fixed sleep of a duration not written as a number")
                elif in_loop and arg.value > POLL_STEP:
                    found.append(f"{where}:{child.lineno}: a poll that sleeps {arg.value:g} s at a time")
                elif not in_loop:
                    fixed[0] += arg.value
            visit(child, function, in_loop or isinstance(child, (ast.For, ast.While, ast.AsyncFor)), fixed)

    module = [0.0]
    visit(ast.parse(source), "<module>", False, module)
    if module[0] > FIXED_BUDGET:
        found.append(f"{where}: sleeps {module[0]:g} s at import")
    return found


def test_no_test_waits_on_a_fixed_clock():
    found = [p for path in sorted(TESTS.glob("*.py")) for p in problems(path.read_text(encoding="utf-8"), path.name)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "source, caught",
    [
        ("import time\ndef test_x():\n    time.sleep(1)\n    time.sleep(0.5)\n", "sleeps 1.5 s in all"),
        ("import time\ndef test_x():\n    for _ in range(3):\n        time.sleep(1)\n", "sleeps 1 s at a time"),
        ("from time import sleep\ndef test_x(n):\n    sleep(n)\n", "not written as a number"),
        ("import time\ndef test_x():\n    time.sleep(1)\n", None),
        ("import time\nSTEP = 0.1\ndef test_x(done):\n    while not done():\n        time.sleep(STEP)\n", None),
        (
            "import time\ndef test_x(done):\n    deadline = time.monotonic() + 30\n"
            "    while not done() and time.monotonic() < deadline:\n        time.sleep(0.1)\n",
            None,
        ),
        ("def test_x(run):\n    run('import time; time.sleep(600)')\n", None),
    ],
    ids=[
        "fixed waits add up",
        "a slow poll",
        "an unreadable wait",
        "one second",
        "a named step",
        "a poll",
        "in a string",
    ],
)
def test_a_planted_wait_is_caught(source, caught):
    found = problems(source, "planted.py")
    assert (caught is None and not found) or (caught is not None and any(caught in p for p in found)), found
