"""Watching a sandbox from outside, through the machine's ``/proc``: its
processes (every descendant of the ``bwrap`` that started it, detached ones
included: they stay in its PID namespace, whose first process is bwrap's),
the threads and memory they use together, and killing all of them.

``Watch`` is a thread of the worker: every ``INTERVAL`` seconds it counts
the sandbox's threads and adds up its processes' resident memory and what
its tmpfs folders hold (files there are memory too, held by no process),
and kills the whole sandbox when either is over its limit, saying which
(memory over the limit is weighed again with shared pages shared out,
``proportional``, before it counts).
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


def proportional(pid: int) -> int:
    """Bytes of ``pid`` in memory, the pages it shares with other processes
    counted in proportion (PSS): a notebook's forks share its pages until they
    write them, and resident sizes would count them once per fork. Costlier to
    read than ``resident``; its resident size if it cannot be read."""
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return resident(pid)


def stored(tree: dict[int, int], folders: tuple[str, ...]) -> int:
    """Bytes stored in the tmpfs ``folders`` (paths inside the sandbox) of the
    sandbox whose processes are ``tree``: read through ``/proc/PID/root`` of a
    process in the sandbox's own mount namespace (bwrap's first process is
    still in ours). 0 if none can be read (the sandbox is ending)."""
    if not folders:
        return 0
    try:
        ours = os.readlink(PROC / "self" / "ns" / "mnt")
    except OSError:
        return 0
    for pid in sorted(tree):
        try:
            if os.readlink(PROC / str(pid) / "ns" / "mnt") == ours:
                continue
            total = 0
            for folder in folders:
                found = os.statvfs(f"{PROC}/{pid}/root{folder}")
                total += (found.f_blocks - found.f_bfree) * found.f_frsize
            return total
        except OSError:
            continue
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
    more than ``processes``, or hold more than ``memory`` bytes together with
    what is stored in its ``tmpfs`` folders; ``problem`` then says why.
    ``stop()`` ends the watch."""

    def __init__(
        self, root: int, *, memory: int, processes: int, tmpfs: tuple[str, ...] = (), interval: float = INTERVAL
    ):
        super().__init__(daemon=True, name="sandbox-watch")
        self.root, self.memory, self.processes, self.interval = root, memory, processes, interval
        self.tmpfs = tuple(tmpfs)
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
            held = stored(tree, self.tmpfs)
            memory = sum(resident(pid) for pid in tree) + held
            if memory > self.memory:  # resident sizes count shared pages again in every fork: weigh them
                memory = sum(proportional(pid) for pid in tree) + held
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
