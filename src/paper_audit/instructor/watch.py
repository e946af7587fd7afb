"""Watching a sandbox from outside, through the machine's ``/proc``: its
processes (every descendant of the ``bwrap`` that started it, detached ones
included: they stay in its PID namespace, whose first process is bwrap's),
the threads and memory they use together, and killing all of them.

``Watch`` is a thread of the worker: every ``INTERVAL`` seconds it counts
the sandbox's threads and adds up its processes' resident memory, and kills
the whole sandbox when either is over its limit, saying which.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from pathlib import Path
from typing import Callable

PROC = Path("/proc")
INTERVAL = 0.1
PAGE = os.sysconf("SC_PAGE_SIZE")
PR_SET_CHILD_SUBREAPER = 36


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, threads) of ``pid``, or None if it is gone (threads are 0
    for a zombie: dead, waiting for its parent to read its status)."""
    try:
        text = (PROC / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # The command name is in parentheses and may hold anything: split after the last ')'.
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), 0 if fields[0] in "ZX" else int(fields[17])


def descendants(root: int, parent: int | None = None) -> dict[int, int]:
    """pid -> threads of ``root`` and every process below it; none if ``root``
    is not a child of ``parent`` (when given: a pid reused since is not ours).
    Zombies have 0 threads."""
    children: dict[int, list[int]] = {}
    threads: dict[int, int] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found:
                children.setdefault(found[0], []).append(int(entry.name))
                threads[int(entry.name)] = found[1]
    if parent is not None and root not in children.get(parent, []):
        return {}
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in threads and pid not in found:
            found[pid] = threads[pid]
            todo += children.get(pid, [])
    return found


def resident(pid: int) -> int:
    """Bytes of ``pid`` in memory (0 if it is gone)."""
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def kill_tree(root: int, parent: int | None = None, timeout: float = 10.0) -> bool:
    """SIGKILL ``root`` (if still a child of ``parent``) and everything below
    it, until none is left or ``timeout`` seconds have passed; True if none is
    left."""
    return _kill_until_gone(lambda: [pid for pid, threads in descendants(root, parent).items() if threads], timeout)


def kill_children(timeout: float = 10.0) -> bool:
    """SIGKILL every process below this one (the worker's last act: with the
    sandbox off, processes a submission detached were made its children,
    ``adopt_orphans``); True if none is left."""
    me = os.getpid()
    return _kill_until_gone(lambda: [pid for pid, threads in descendants(me).items() if pid != me and threads], timeout)


def _kill_until_gone(alive: Callable[[], list[int]], timeout: float) -> bool:
    """SIGKILL every pid ``alive()`` names, again and again, until it names
    none (True) or ``timeout`` seconds have passed (whether none is left then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = alive()
        if not pids:
            return True
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.02)
    return not alive()


def adopt_orphans() -> None:
    """Make this process the Linux "child subreaper" of what it starts: a
    process detached below it becomes its child, not init's."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: nothing to adopt with
        pass


class Watch(threading.Thread):
    """Kills the sandbox under ``root`` when its processes and threads number
    more than ``processes``, or hold more than ``memory`` bytes together;
    ``problem`` then says why. ``stop()`` ends the watch."""

    def __init__(self, root: int, *, memory: int, processes: int, interval: float = INTERVAL):
        super().__init__(daemon=True, name="sandbox-watch")
        self.root, self.memory, self.processes, self.interval = root, memory, processes, interval
        self.parent = os.getpid()  # the sandbox's bwrap is a child of this process
        self.problem = ""
        self.peak_memory = 0
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            tree = descendants(self.root, self.parent)
            if not tree:
                return
            threads = sum(tree.values())
            memory = sum(resident(pid) for pid in tree)
            self.peak_memory = max(self.peak_memory, memory)
            if threads > self.processes:
                self.problem = f"ran more than {self.processes} processes and threads at once"
            elif memory > self.memory:
                self.problem = f"used more than {self.memory / 2**30:g} GiB of memory in all"
            if self.problem:
                kill_tree(self.root, self.parent)
                return

    def stop(self) -> None:
        self._stop.set()
