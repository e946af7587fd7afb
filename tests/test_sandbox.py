"""The sandbox every submission runs in (bubblewrap): what a submission can
see, reach and use, and what is left of it afterwards.

Each probe is a small notebook whose one cell does something a hostile
student would, and gives what it found as its answer to ``soviet_verdict``
(a string the grader captures as given). Without bwrap these tests are
skipped, except under CI (``CI`` set), where that is a failure: ``.ci/run``
installs it.
"""

import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time

import nbformat
import pytest

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.instructor import assignment, bundle, grading, sandbox, submissions, watch
from sandbox_support import require_sandbox

# Real notebooks in real sandboxes: a probe may run to its 120 s limit, the hostile class
# fixture grades seven notebooks with limits of 150 s each, two at a time.
pytestmark = pytest.mark.timeout(900)

A1 = "01_recompute_a_conversion"
# The processes and files it names are looked for machine-wide: with the pid of
# this test process in it, another run of the suite on the machine is not taken for this one.
TOKEN = f"PAPER-AUDIT-SANDBOX-TEST-{os.getpid()}"


@pytest.fixture(scope="module")
def items():
    require_sandbox()
    return assignment.assignment_items(A1)


def probe_notebook(path, code):
    """A notebook of one cell that answers soviet_verdict with what ``code`` puts in ``answer``."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code + '\n# check("soviet_verdict", answer)')]
    nbformat.write(notebook, path)
    return path


def run_probe(tmp_path, items, code, **settings):
    settings = {"stage": bundle.stage(), "cell_timeout": 60, "notebook_timeout": 120, **settings}
    path = probe_notebook(tmp_path / "probe.ipynb", code)
    return submissions.run_submission(path, items, submissions.Settings(**settings))


def found(run):
    captured = run.captured.get("soviet_verdict", {})
    assert "answer" in captured, (run.problem, run.errors, captured)
    return json.loads(captured["answer"])


def token_processes():
    """Processes anywhere on this machine whose command line holds TOKEN."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if TOKEN.encode() in handle.read():
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


# ---------------------------------------------------------------- what a submission sees


SEES = """
import json, os, pathlib, socket, sys
seen = {"uid": os.getuid(), "cwd": os.getcwd()}
seen["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
seen["root"] = sorted(os.listdir("/"))
def readable(path):
    try:
        return pathlib.Path(path).read_text()[:200]
    except OSError as error:
        return type(error).__name__
seen["secret"] = readable(SECRET)
seen["key"] = readable(KEY)
seen["bundle"] = sorted(os.listdir("/bundle"))
seen["content"] = sorted(os.listdir("/bundle/notebooks/classroom"))
try:
    import paper_audit.instructor
    seen["grader"] = "imported"
except ImportError as error:
    seen["grader"] = type(error).__name__
try:
    socket.create_connection(("127.0.0.1", PORT), timeout=3).sendall(b"hello")
    seen["network"] = "open"
except OSError as error:
    seen["network"] = type(error).__name__
try:
    with open("/bundle/data/claims.csv", "a") as handle:
        handle.write("poison")
    seen["bundle_write"] = "written"
except OSError as error:
    seen["bundle_write"] = type(error).__name__
try:
    bytearray(3 * 2**30)
    seen["memory"] = "allocated"
except MemoryError:
    seen["memory"] = "MemoryError"
try:
    pathlib.Path("big").write_bytes(b"x" * (FILE_SIZE + 1))
    seen["file_size"] = "written"
except OSError as error:
    seen["file_size"] = type(error).__name__
import paper_audit.paths
seen["repo"] = str(paper_audit.paths.REPO_ROOT)
import subprocess
subprocess.Popen(["setsid", "sh", "-c", "sleep 300 # " + TOKEN])
answer = json.dumps(seen)
"""


@pytest.fixture(scope="module")
def seen(items, tmp_path_factory):
    """Facts a submission gathers from inside its sandbox, while a server listens
    on this machine's loopback and a secret file lies in the instructor's folders."""
    folder = tmp_path_factory.mktemp("sees")
    secret = folder / "secret.txt"
    secret.write_text("the instructor's secret", encoding="utf-8")
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(1)
    reached = []

    def listen():
        end = time.monotonic() + 120
        while time.monotonic() < end and not reached:
            try:
                connection, _ = server.accept()
                reached.append(connection.recv(100))
            except OSError:
                pass

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    key = paths.REPO_ROOT / "notebooks" / "classroom" / "key" / "answers.csv"
    code = (
        f"SECRET, KEY, PORT, FILE_SIZE, TOKEN = {str(secret)!r}, {str(key)!r}, "
        f"{server.getsockname()[1]}, {sandbox.DEFAULT_LIMITS.file_size}, {TOKEN!r}\n" + SEES
    )
    run = run_probe(folder, items, code)
    server.close()
    listener.join(timeout=5)
    return {**found(run), "reached": reached, "problem": run.problem}


def test_a_submission_runs_as_nobody_in_its_own_home(seen):
    assert seen["uid"] == sandbox.SANDBOX_UID and seen["cwd"] == sandbox.HOME, seen
    assert not seen["problem"], seen["problem"]


def test_a_submission_sees_only_its_own_processes(seen):
    assert max(seen["pids"]) < 20, f"the grader's processes are visible: {seen['pids']}"


def test_a_submission_cannot_read_the_instructors_files_or_the_key(seen):
    assert seen["secret"] == "FileNotFoundError", seen["secret"]
    assert seen["key"] == "FileNotFoundError", seen["key"]
    assert seen["grader"] in ("ModuleNotFoundError", "ImportError")
    assert seen["content"] == ["assignments.yml", "questions.csv", "rubrics.csv"], "the key is in the bundle"
    assert seen["repo"] == sandbox.BUNDLE


def test_a_submission_has_no_network(seen):
    assert seen["network"] in ("ConnectionRefusedError", "OSError"), seen["network"]
    assert not seen["reached"], "the loopback server of this machine was reached from the sandbox"


def test_the_bundle_is_read_only_and_memory_and_files_are_limited(seen):
    assert seen["bundle_write"] in ("PermissionError", "OSError"), "the shared package could be poisoned"
    assert seen["memory"] == "MemoryError", "a 3 GiB allocation went through"
    assert seen["file_size"] == "OSError", seen["file_size"]


def test_no_process_of_a_submission_outlives_it(seen):
    assert not token_processes(), "the process it detached is still running"


# ---------------------------------------------------------------- limits that stop a submission


def test_memory_in_all_is_watched(items, tmp_path):
    """Each process stays under its own limit; together they are over it."""
    code = (
        "import subprocess, sys, time\n"
        "hog = 'b = bytearray(1100 * 2**20)\\nimport time\\ntime.sleep(120)'\n"
        "kids = [subprocess.Popen([sys.executable, '-c', hog]) for _ in range(3)]\n"
        "time.sleep(60)\n"
        "answer = 'survived'\n"
    )
    start = time.monotonic()
    run = run_probe(tmp_path, items, code)
    assert "used more than 2 GiB of memory in all" in run.problem, run.problem
    assert "soviet_verdict" not in run.captured and time.monotonic() - start < 50


def test_processes_are_capped(items, tmp_path):
    code = "import subprocess\nkids = [subprocess.Popen(['sleep', '120']) for _ in range(400)]\nanswer = 'survived'\n"
    run = run_probe(tmp_path, items, code)
    assert f"ran more than {sandbox.DEFAULT_LIMITS.processes} processes" in run.problem, run.problem
    assert not token_processes()


def test_output_is_capped(items, tmp_path):
    code = "for _ in range(20000):\n    print('x' * 1000)\nanswer = 'survived'\n"
    limits = sandbox.Limits(output=4 * sandbox.MiB)
    run = run_probe(tmp_path, items, code, limits=limits)
    assert "printed more than 4 MiB" in run.problem, run.problem


@pytest.mark.sandbox
def test_a_notebook_that_ignores_interrupts_is_stopped_at_its_time_limit(items, tmp_path):
    # Asleep, not busy: what is tested is an interrupt ignored, and a busy loop would take a core for 20 s.
    code = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(1)\n"
    start = time.monotonic()
    run = run_probe(tmp_path, items, code, cell_timeout=5, notebook_timeout=20)
    assert "stopped after 20 seconds" in run.problem and time.monotonic() - start < 20 + submissions.GRACE


def test_scratch_space_is_limited(items, tmp_path):
    code = (
        "import pathlib\nwritten = 0\ntry:\n"
        "    for n in range(100):\n"
        "        pathlib.Path(f'f{n}').write_bytes(b'x' * 2**20 * 8)\n        written += 8\n"
        "except OSError as error:\n    pass\n"
        "answer = str(written)\n"
    )
    run = run_probe(tmp_path, items, code, limits=sandbox.Limits(scratch=32 * sandbox.MiB))
    assert int(run.captured["soviet_verdict"]["answer"]) <= 32, "more was written than the home folder holds"


# ---------------------------------------------------------------- the grader's own parts


def test_the_sandbox_is_refused_without_bwrap_unless_told(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "unavailable", lambda: "bubblewrap (bwrap) is not installed")
    (tmp_path / "a.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(DataError, match="refusing to grade without a sandbox: bubblewrap .* --no-sandbox"):
        grading.grade(A1, tmp_path, tmp_path / "scores.csv")
    message = grading.UNPROTECTED
    assert "answer key" in message and "network" in message and "processes running" in message


def test_the_probe_finds_bwrap_missing(monkeypatch):
    sandbox.unavailable.cache_clear()
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    try:
        assert "not installed" in sandbox.unavailable()
    finally:
        sandbox.unavailable.cache_clear()


def test_the_kernel_gets_none_of_the_instructors_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTRUCTOR_TOKEN", "secret")
    argv, env = sandbox.kernel_command(
        python=sys.executable,
        bundle=tmp_path / "bundle",
        connection_dir=tmp_path / "conn",
        etc=tmp_path,
        limits=sandbox.DEFAULT_LIMITS,
    )
    assert "INSTRUCTOR_TOKEN" not in env and "secret" not in " ".join(argv)
    assert "--clearenv" in argv and "--unshare-all" in argv and "--die-with-parent" in argv
    assert env["PYTHONPATH"] == f"{sandbox.BUNDLE}/src" and env["HOME"] == sandbox.HOME
    assert str(paths.REPO_ROOT) not in argv, "the repository is bound into the sandbox"


def test_the_worker_scratch_is_private():
    """The worker's temporary folder is a tmpfs of its own mount namespace: it
    vanishes with the worker, even a killed one, and no one else sees it."""
    argv = sandbox.worker_command(sys.executable, [])
    assert argv[argv.index("--tmpfs") + 1] == "/tmp" and "--die-with-parent" in argv
    assert argv[argv.index("--setenv") + 1 : argv.index("--setenv") + 3] == ["TMPDIR", "/tmp"]


def test_kill_tree_ends_a_detached_process(tmp_path):
    script = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(300)\nelse:\n    time.sleep(300)\n"
    process = subprocess.Popen([sys.executable, "-c", script, TOKEN])
    try:
        time.sleep(1)
        assert len(watch.descendants(process.pid, os.getpid())) == 2
        assert watch.kill_tree(process.pid, os.getpid())
        assert not token_processes()
    finally:
        process.kill()
        process.wait(timeout=10)


# ---------------------------------------------------------------- one hostile class, beside the instructor


def instructor_notebook():
    return nbformat.read(paths.NOTEBOOKS_DIR / "classroom" / f"{A1}.ipynb", as_version=4)


def with_first_answer(code):
    """The instructor's notebook, with ``code`` run first in the cells of its first
    answer (the answer cell and the solution that computes it)."""
    notebook = instructor_notebook()
    first = next(c for c in notebook.cells if c.cell_type == "code" and c.metadata.get("paper_audit"))
    question = first.metadata["paper_audit"]["question"]
    for cell in notebook.cells:
        if cell.cell_type == "code" and f'check("{question}"' in cell.source:
            cell.source = code + "\n" + cell.source
    return notebook


def hand_out_with(code):
    """The hand-out (every answer None) with ``code`` as its first answer cell: what it
    finds decides its answers, so it scores only if the attack works."""
    notebook = bundle.handout(instructor_notebook(), A1, base_url="https://example.org/")
    first = next(c for c in notebook.cells if c.cell_type == "code" and c.metadata.get("paper_audit"))
    first.source = code + "\n" + first.source.replace("answer = None", "answer = ANSWERS.get('soviet_usd')")
    for cell in notebook.cells:
        question = (cell.metadata.get("paper_audit") or {}).get("question")
        if cell.cell_type == "code" and question and cell is not first:
            cell.source = cell.source.replace("answer = None", f"answer = ANSWERS.get({question!r})")
    return notebook


# Looks for the key everywhere it might be, and answers from it if found.
KEY_SEEKER = """
import glob, importlib, os, sys
ANSWERS = {}
places = [REPO, "/"] + (glob.glob("/proc/*/cwd") + glob.glob("/proc/*/root") if EVERYWHERE else [])
for place in places:
    for found in glob.glob(os.path.join(place, "**", "instructor", "key.py"), recursive=False) + [
        os.path.join(place, "src", "paper_audit", "instructor", "key.py")
    ]:
        if os.path.exists(found):
            sys.path.insert(0, found.split("/paper_audit/")[0])
try:
    for name in [m for m in sys.modules if m.startswith("paper_audit")]:
        del sys.modules[name]
    key = importlib.import_module("paper_audit.instructor.key")
    ANSWERS = key.expected()
except Exception:
    pass
"""

# Writes wherever it can outside its folder; answers only if something was written.
WRITER = """
import os, pathlib
ANSWERS = {}
targets = [SUBMISSIONS + "/classmate.ipynb", OUT + "/scores.csv", REPO + "/" + TOKEN,
           KEY + "/" + TOKEN, "/tmp/../" + TOKEN, "/bundle/" + TOKEN, "/dev/shm/" + TOKEN]
for target in targets:
    try:
        pathlib.Path(target).write_text(TOKEN)
        if not target.startswith(("/tmp", "/dev/shm")):
            ANSWERS = {"soviet_usd": 1.0}
    except OSError:
        pass
"""

# Leaves a process that outlives its notebook, and kills every process it can see.
DETACHER = """
import os, subprocess, sys
ANSWERS = {}
later = f"import time, pathlib\\ntime.sleep(20)\\npathlib.Path({OUT!r} + '/scores.csv').write_text('13 of 13')"
subprocess.Popen(["setsid", sys.executable, "-c", later, TOKEN], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    os.execvp("sleep", ["sleep", "600", TOKEN])
for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
    if pid not in (1, os.getpid()):
        try:
            os.kill(pid, 9)
        except OSError:
            pass
"""

# Holds every file descriptor it has, in a child that never ends.
PIPE_HOLDER = """
import os, subprocess, sys
ANSWERS = {}
fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
subprocess.Popen(["sleep", "600", TOKEN], pass_fds=[fd for fd in fds if fd > 2], close_fds=False)
"""

MEMORY_HOG = "_hog = bytearray(6 * 2**30)"


@pytest.fixture(scope="module")
def hostile_class(items, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    submissions_dir, out = folder / "submissions", folder / "out"
    submissions_dir.mkdir()
    key = paths.NOTEBOOKS_DIR / "classroom" / "key"
    names = {"REPO": str(paths.REPO_ROOT), "SUBMISSIONS": str(submissions_dir), "OUT": str(out), "KEY": str(key)}
    header = "".join(f"{name} = {value!r}\n" for name, value in {**names, "TOKEN": TOKEN, "EVERYWHERE": True}.items())
    nbformat.write(instructor_notebook(), submissions_dir / "instructor.ipynb")
    nbformat.write(instructor_notebook(), submissions_dir / "classmate.ipynb")
    for name, code in (("key_seeker", KEY_SEEKER), ("writer", WRITER), ("detacher", DETACHER), ("holder", PIPE_HOLDER)):
        nbformat.write(hand_out_with(header + code), submissions_dir / f"{name}.ipynb")
    nbformat.write(with_first_answer(MEMORY_HOG), submissions_dir / "memory_hog.ipynb")
    before = {p: p.read_bytes() for p in submissions_dir.iterdir()}
    start = time.monotonic()
    grading.grade(A1, submissions_dir, out / "scores.csv", cell_timeout=60, notebook_timeout=150, progress=print)
    seconds = time.monotonic() - start
    left = token_processes()
    table = {}
    with open(out / "scores.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["submission"], {})[row["question"]] = row
    return {
        "table": table,
        "seconds": seconds,
        "left": left,
        "before": before,
        "submissions": submissions_dir,
        "out": out,
        "key": key,
    }


def auto_points(table, name):
    return sum(float(r["points"] or 0) for q, r in table[name].items() if q != "gift_explanation")


def auto_most():
    return sum(i.points for i in assignment.assignment_items(A1) if i.question.form != "written")


def test_the_instructors_notebook_gets_every_automatic_point_beside_hostile_ones(hostile_class):
    assert auto_points(hostile_class["table"], "instructor") == auto_most()
    assert auto_points(hostile_class["table"], "classmate") == auto_most(), "a classmate was harmed"


@pytest.mark.parametrize("name", ["key_seeker", "writer", "detacher", "holder"])
def test_submissions_that_attack_score_nothing(hostile_class, name):
    assert auto_points(hostile_class["table"], name) == 0, hostile_class["table"][name]


def test_six_gib_before_the_first_answer_loses_that_answer(hostile_class):
    rows = hostile_class["table"]["memory_hog"]
    assert float(rows["soviet_usd"]["points"]) == 0 and "MemoryError" in rows["soviet_usd"]["feedback"]
    assert auto_points(hostile_class["table"], "memory_hog") < auto_most()


def test_no_file_appears_outside_the_submissions_folders(hostile_class):
    submissions_dir = hostile_class["submissions"]
    assert {p: p.read_bytes() for p in submissions_dir.iterdir()} == hostile_class["before"]
    found = [p for p in (paths.REPO_ROOT / TOKEN, hostile_class["key"] / TOKEN, "/tmp/" + TOKEN) if os.path.exists(p)]
    for path in found:
        os.unlink(path)
    assert not found, f"written by a submission: {found}"
    # Nothing named by a submission in the machine's /tmp (a listing of all of /tmp would also
    # catch strangers' files: other graders and builds share it); the worker's own scratch is in
    # a tmpfs of its namespace, which cannot outlive it (test_the_worker_scratch_is_private).
    assert not [n for n in os.listdir("/tmp") if TOKEN in n]
    written = ["canvas-gradebook.csv", "class-report.html", "feedback", "scores.csv", "totals.csv"]
    assert sorted(p.name for p in hostile_class["out"].iterdir()) == written


def test_no_process_outlives_the_grader_and_the_batch_ends_in_time(hostile_class):
    assert not hostile_class["left"], f"still running: {hostile_class['left']}"
    # 7 notebooks, 2 at a time, each under its 150 s limit plus the grace period: far less in practice.
    assert hostile_class["seconds"] < 4 * (150 + submissions.GRACE), hostile_class["seconds"]
    time.sleep(1)
    assert "13 of 13" not in (hostile_class["out"] / "scores.csv").read_text(encoding="utf-8")


def test_without_the_sandbox_the_key_seeker_finds_the_key(items, tmp_path):
    """The attack above is real: run as the instructor, it reads the key and
    scores (only the key seeker runs here: it reads, and changes nothing)."""
    # Only in the repository: other processes' folders (/proc/*/cwd) may hold other
    # checkouts of the package, whose key would not fit this one's data.
    header = f"REPO = {str(paths.REPO_ROOT)!r}\nEVERYWHERE = False\n"
    path = tmp_path / "key_seeker.ipynb"
    nbformat.write(hand_out_with(header + KEY_SEEKER), path)
    settings = submissions.Settings(stage=bundle.stage(), sandboxed=False, notebook_timeout=120)
    run = submissions.run_submission(path, items, settings)
    assert run.captured["soviet_usd"]["answer"] == pytest.approx(grading.expected()["soviet_usd"]), run.captured
