"""The red team's attacks on the grader, each a notebook, graded beside honest
ones, as root and as an unprivileged user (``hostile_support``: the grader
runs as a uid of no account there). Each of these tests failed on the grader
before these attacks were answered (bbc2eea):

* the instructor's environment reached the student through ``/proc/1/environ``
  (bwrap, the sandbox's first process, kept it);
* the worker's clean-up followed links a kernel left in its connection folder
  and changed the modes of folders outside the sandbox;
* an answer nested 600 deep, or holding a lone surrogate, stopped the grading
  of the whole class;
* ``/dev`` took gigabytes that no limit counted, and so did the tmpfs folders;
* one message of eight 192 MiB buffers took the worker to 1.77 GiB;
* terminal escapes reached ``scores.csv``;
* 200 busy processes in 200 sessions took 200 shares of the CPU;
* as root, a fork bomb went far past the process limit (root's processes are
  not counted).

What a submission can do outside is checked on canary folders the test owns
(under /var/tmp: the worker hides /tmp), never on a listing of shared folders.
"""

import csv
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pytest

import hostile_support as hostile
from paper_audit.instructor import assignment, sandbox
from sandbox_support import require_sandbox

pytestmark = [pytest.mark.timeout(1500), pytest.mark.sandbox]

# What a terminal or an editor acts on: C0 but newline and tab, DEL, C1, bidi controls.
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Honest notebooks, named to sort right after the CPU hog: the grader takes a
# class in name order, two at a time, so the first starts with the hog and the
# second is graded while the hog's children are busy (for hostile.CPU_HOG's
# SECONDS), however long the other attacks take.
HONEST = ("cpu_hog_neighbour_a", "cpu_hog_neighbour_b")


def _worker_rss() -> int:
    """The largest resident size of any grader worker running now."""
    largest = 0
    for entry in Path("/proc").iterdir():
        try:
            if b"paper_audit.instructor.worker" in (entry / "cmdline").read_bytes():
                largest = max(largest, int((entry / "statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
        except (OSError, ValueError, IndexError):
            continue
    return largest


class _PeakWorker(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.done = 0, threading.Event()

    def run(self):
        while not self.done.wait(0.05):
            self.peak = max(self.peak, _worker_rss())


def graded_as(mode: str):
    """The hostile class and the probes, graded as ``mode`` (root or an
    unprivileged user): what the driver reported, the files the grader wrote,
    and the canaries' modes. A generator, for a module's ``graded`` fixture:
    this module's as root, tests/test_hostile_as_user.py's as a user (two
    modules, so that the two gradings, minutes each, run on two workers)."""
    require_sandbox()
    if os.geteuid() != 0:
        pytest.skip("the test drops to an unprivileged user with setpriv, which needs root")
    with pytest.raises(KeyError):
        pwd.getpwuid(hostile.USER_UID)
    as_user = mode == "user"
    base = Path(tempfile.mkdtemp(prefix="paper-audit-hostile-", dir="/var/tmp"))
    try:
        base.chmod(0o755)
        own = lambda path, mode=0o700: hostile.owned_folder(path, as_user=as_user, mode=mode)  # noqa: E731
        canaries = [own(base / "canary-private"), own(base / "canary-sticky", 0o1777)]
        (canaries[0] / "private.txt").write_text("only the owner reads this", encoding="utf-8")
        modes = {str(c): c.stat().st_mode for c in canaries}
        home, submissions_dir, probes_dir = own(base / "home"), own(base / "submissions"), own(base / "probes")
        out = own(base / "out")
        for name in HONEST:
            nbformat.write(hostile.instructor_notebook(), submissions_dir / f"{name}.ipynb")
        header = f"CANARIES = {[str(c) for c in canaries]!r}\n"
        for name, code in hostile.CLASS.items():
            nbformat.write(hostile.hand_out_with(header + code), submissions_dir / f"{name}.ipynb")
        probes = {}
        for name, code in hostile.PROBES.items():
            probes[name] = str(probes_dir / f"{name}.ipynb")
            nbformat.write(hostile.probe(code), probes[name])
        spec = base / "spec.json"
        spec.write_text(
            json.dumps(
                {
                    "assignment": hostile.A1,
                    "grade": {"assignment": hostile.A1, "submissions": str(submissions_dir), "out": str(out / "s.csv")},
                    "probes": probes,
                }
            ),
            encoding="utf-8",
        )
        result = base / "out" / "result.json"
        argv, env = hostile.command([str(spec), str(result)], as_user=as_user, home=home)
        for path in [*submissions_dir.iterdir(), *probes_dir.iterdir(), spec]:
            if as_user:
                os.chown(path, hostile.USER_UID, hostile.USER_UID)
        watcher = _PeakWorker()
        watcher.start()
        started = time.monotonic()
        ran = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1200)
        watcher.done.set()
        assert ran.returncode == 0 and result.exists(), ran.stderr[-3000:]
        files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p != result}
        table = {}  # stays empty if the grader wrote no scores: each test then fails on its own
        if (out / "s.csv").exists():
            with open(out / "s.csv", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    table.setdefault(row["submission"], {})[row["question"]] = row
        yield {
            "mode": mode,
            "result": json.loads(result.read_text(encoding="utf-8")),
            "files": files,
            "table": table,
            "canaries": canaries,
            "modes_before": modes,
            "modes_after": {str(c): c.stat().st_mode for c in canaries},
            "worker_peak": watcher.peak,
            "seconds": time.monotonic() - started,
            "log": ran.stderr,
        }
    finally:
        for path in base.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def graded():
    yield from graded_as("root")


def auto_points(table, name):
    assert name in table, f"{name} has no row in the scores"
    return sum(float(r["points"] or 0) for q, r in table[name].items() if q != "gift_explanation")


def auto_most():
    return sum(i.points for i in assignment.assignment_items(hostile.A1) if i.question.form != "written")


def probe(graded, name):
    found = graded["result"][name]
    return found, (found["captured"].get("soviet_verdict") or {}).get("answer")


# ---------------------------------------------------------------- the class


def test_the_class_is_graded_to_the_end_with_every_notebook_named(graded):
    assert graded["result"]["grade"] == "finished", graded["log"][-2000:]
    assert set(graded["table"]) == {*HONEST, *hostile.CLASS}, sorted(graded["table"])


def test_honest_notebooks_graded_beside_the_attacks_lose_no_point(graded):
    for name in HONEST:
        assert auto_points(graded["table"], name) == auto_most(), (name, graded["table"][name])


def test_a_recursion_bomb_and_a_lone_surrogate_score_nothing_and_are_said_so(graded):
    for name in ("recursion_bomb", "surrogate"):
        rows = graded["table"][name]
        assert auto_points(graded["table"], name) == 0, rows
    assert "could not be read" in graded["table"]["recursion_bomb"]["soviet_verdict"]["feedback"]


def test_no_secret_of_the_instructors_environment_reaches_any_file(graded):
    leaked = [str(path) for path, data in graded["files"].items() if hostile.TOKEN.encode() in data]
    assert not leaked, f"the planted token is in {leaked}"
    assert auto_points(graded["table"], "environ_thief") == 0


def test_the_sandbox_first_process_has_an_empty_environment(graded):
    found, answer = probe(graded, "environment")
    assert answer is not None, found
    seen = json.loads(answer)
    assert seen["1"] == "", f"/proc/1/environ holds {seen['1'][:300]!r}"
    assert not [pid for pid, text in seen.items() if hostile.TOKEN in text]


def test_no_mode_outside_the_scratch_changes(graded):
    assert graded["modes_after"] == graded["modes_before"]


def test_what_the_instructor_reads_holds_no_control_character(graded):
    assert Path("s.csv") in graded["files"], "the grader wrote no scores"
    assert any(path.suffix == ".md" for path in graded["files"]), "the grader wrote no feedback"
    for path, data in graded["files"].items():
        text = data.decode("utf-8")  # a lone surrogate would not have been written
        found = UNPRINTABLE.search(text)
        assert not found, f"{path} holds {found.group()!r}"


# ---------------------------------------------------------------- the probes


def test_nothing_is_stored_in_dev_beyond_its_small_shm(graded):
    found, answer = probe(graded, "dev_store")
    assert answer is not None, found
    stored = json.loads(answer)
    assert stored["/dev"] == 0, stored
    assert stored["/dev/shm"] <= 16 * 2**20, stored  # the instructor page's 16 MiB


def test_what_the_tmpfs_folders_hold_counts_as_memory(graded):
    found, answer = probe(graded, "tmpfs_hoard")
    assert answer is None and "memory in all" in found["problem"], found


def test_a_huge_message_is_refused_and_the_worker_stays_small(graded):
    assert graded["worker_peak"] < 2**30, f"a worker held {graded['worker_peak'] / 2**30:.2f} GiB"


def test_a_fork_bomb_is_held_within_ten_percent_of_the_limit(graded):
    found, answer = probe(graded, "fork_bomb")
    assert answer is not None, found
    limit = sandbox.DEFAULT_LIMITS.processes
    assert 0.5 * limit < int(answer) <= 1.1 * limit, answer


def test_a_sandbox_keeps_all_its_processes_in_one_session(graded):
    found, answer = probe(graded, "sessions")
    assert answer is not None, found
    assert json.loads(answer) == {"children": 200, "sessions": 1}
