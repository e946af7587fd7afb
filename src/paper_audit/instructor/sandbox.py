"""The sandbox a submission runs in: bubblewrap (``bwrap``), no container
engine needed, no privilege (it also runs as root).

Two layers, both made here as command lines:

* ``worker_command``: the grader's own worker (``worker``, trusted code that
  drives the kernel with nbclient) runs in a private mount namespace whose
  ``/tmp`` is a small tmpfs. Everything a submission needs on disk (the
  bundle's package and data, the kernel's connection file and sockets) is
  written there, so it vanishes with the worker, even when the grader is
  killed (``--die-with-parent``): no temporary folder is ever left behind.
* ``kernel_command``: the submission's kernel runs in a sandbox of its own,
  with every namespace unshared (network, PID, IPC, UTS, user: it is user
  65534 with no capabilities and cannot make user namespaces). It sees the
  system's ``/usr``, the Python it runs on and a read-only copy of the
  bundle, all read-only; a writable tmpfs for its home and one for ``/tmp``;
  its own ``/proc``, where only its own processes are. Nothing else of the
  instructor's machine: no repository, no key, no other submission, no
  network (its loopback is its own). The kernel talks to the worker over
  Unix sockets in one folder of the worker's tmpfs, the only one it can
  write outside its own.

Limits (``Limits``): each process of the sandbox gets resource limits
(address space, CPU time, file size, open files, processes). Linux does not
count the processes of root's user, even in a user namespace, so a grader
running as root starts each sandbox as a user of its own (``setpriv``, with
an unused uid made from the worker's pid, ``unused_uid``): the process limit
then holds for the sandbox alone. The worker also watches the sandbox as a
whole (``watch``): it is killed when its processes together hold more memory
than ``memory`` (what it stores in its tmpfs folders counted too) or number
more than ``processes``, or when the notebook prints more than ``output``
bytes.

What else holds a sandbox to its share: ``bwrap`` itself, the sandbox's first
process, starts with an empty environment (its ``/proc/1/environ`` is
readable from inside); ``/dev`` is read-only but for a small ``/dev/shm``,
so nothing can be stored there beyond the counted tmpfs folders; and a
seccomp filter (``seccomp``) keeps every process in bwrap's one session, so
the scheduler gives the sandbox one share of the CPU however many processes
it starts.
"""

from __future__ import annotations

import functools
import json
import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from paper_audit.errors import DataError

MiB = 2**20
GiB = 2**30
BWRAP = "bwrap"
# Paths inside the sandbox.
HOME = "/home/student"
BUNDLE = "/bundle"
SANDBOX_UID = 65534
# The parts of the root that a merged-/usr system makes symlinks into /usr.
ROOT_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Read-only system files a Python needs (the dynamic linker's cache) or likes.
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime")
PASSWD = f"student:x:{SANDBOX_UID}:{SANDBOX_UID}:student:{HOME}:/bin/sh\n"
GROUP = f"student:x:{SANDBOX_UID}:\n"
WORKER_SCRATCH = 64 * MiB
SHM = 16 * MiB  # /dev/shm (POSIX semaphores, multiprocessing): the one writable place in /dev
SECCOMP_FD = 3
# Where the uids a root grader gives its sandboxes start: far above any account's
# (a uid is the worker's pid plus this, so no two live sandboxes share one).
UID_BASE = 1_500_000_000
UID_STEP = 1 << 22  # above the largest pid Linux allows


@dataclass(frozen=True)
class Limits:
    """What one submission may use; see the module's docstring for how each holds."""

    memory: int = 2 * GiB  # bytes: each process's address space, and all of them together (watched)
    processes: int = 256  # processes and threads at once (a kernel alone uses about 10)
    cpu_seconds: int = 600  # CPU time of each process
    file_size: int = 64 * MiB  # the largest file it may write
    output: int = 8 * MiB  # bytes the notebook may print in all
    scratch: int = 256 * MiB  # the size of each of its two writable folders (home and /tmp)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


DEFAULT_LIMITS = Limits()


def kernel_env(*, sandboxed: bool, home: str, bundle: str) -> dict[str, str]:
    """The whole environment of a submission's kernel (nothing of the grader's)."""
    return {
        "HOME": home,
        "USER": "student",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONPATH": f"{bundle}/src",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PAPER_AUDIT_OFFLINE": "1",  # the package's own guard; the sandbox has no network anyway
        "PAPER_AUDIT_OUTPUT_DIR": f"{home}/generated",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{home}/.config/matplotlib",
        "IPYTHONDIR": f"{home}/.ipython",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        # Fewer threads and malloc arenas: a kernel stays well inside its address space.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "2",
        "PAPER_AUDIT_SANDBOX": "1" if sandboxed else "0",
    }


# Run first in the sandbox: set the limits, then become the kernel. Only the
# standard library; argv[1] is the limits, argv[2] the connection file.
LIMITS_PROGRAM = """\
import json, os, resource, sys
limits = json.loads(sys.argv[1])
pairs = [
    (resource.RLIMIT_AS, limits["memory"], limits["memory"]),
    (resource.RLIMIT_CPU, limits["cpu_seconds"], limits["cpu_seconds"] + 5),
    (resource.RLIMIT_FSIZE, limits["file_size"], limits["file_size"]),
    (resource.RLIMIT_NPROC, limits["processes"], limits["processes"]),
    (resource.RLIMIT_NOFILE, 1024, 1024),
    (resource.RLIMIT_CORE, 0, 0),
]
for which, soft, hard in pairs:
    resource.setrlimit(which, (soft, hard))
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", sys.argv[2]])
"""


def python_roots(python: str = sys.executable) -> list[str]:
    """The folders a Python needs, read-only: its environment and the
    installation it links to (a venv's ``python`` is a symlink into it)."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots.add(str(Path(python).resolve().parent.parent))
    return sorted(r for r in roots if r and Path(r).is_dir())


def _system_mounts() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for path in ROOT_LINKS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in SYSTEM_FILES:
        args += ["--ro-bind-try", path, path]
    return args


def kernel_command(
    *,
    python: str,
    bundle: Path,
    connection_dir: Path,
    etc: Path,
    limits: Limits,
    sandboxed: bool = True,
    uid: int | None = None,
    seccomp_filter: Path | None = None,
) -> tuple[list[str], dict[str, str]]:
    """(argv, env) of a submission's kernel, with ``{connection_file}`` left for
    jupyter_client to fill in. Start it with an empty environment: ``env`` is
    the kernel's own, set inside by bwrap.

    ``bundle`` is the read-only copy of the bundle (seen at ``BUNDLE``),
    ``connection_dir`` the folder of the kernel's connection file and sockets
    (seen at the same path), ``etc`` a folder holding ``passwd`` and ``group``;
    ``uid``, the user to run the sandbox as (a root grader's: ``unused_uid``);
    ``seccomp_filter``, a file holding the filter of ``seccomp``.
    Unsandboxed (the instructor's explicit choice), the same limits apply but
    the kernel runs on the machine as it is, in the bundle's own folder.
    """
    limits_json = json.dumps(limits.as_dict(), sort_keys=True)
    program = [python, "-c", LIMITS_PROGRAM, limits_json, "{connection_file}"]
    if not sandboxed:
        home = connection_dir.parent / "home"
        return program, kernel_env(sandboxed=False, home=str(home), bundle=str(bundle))
    env = kernel_env(sandboxed=True, home=HOME, bundle=BUNDLE)
    # The shell opens the filter as descriptor 3 for bwrap (--seccomp 3), then becomes the rest,
    # through env -i: the shell would otherwise hand bwrap its PWD.
    redirect = "" if seccomp_filter is None else f' {SECCOMP_FD}< "$0"'
    args = ["/bin/sh", "-c", f'exec {tool("env")} -i "$@"{redirect}', str(seccomp_filter or "-")]
    if uid is not None:
        args += [tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
    args += [
        tool(BWRAP),
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_UID),
        "--hostname",
        "sandbox",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        *_system_mounts(),
        "--ro-bind",
        str(etc / "passwd"),
        "/etc/passwd",
        "--ro-bind",
        str(etc / "group"),
        "/etc/group",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(SHM),
        "--tmpfs",
        "/dev/shm",
        # bwrap's /dev is a tmpfs of no set size that the watch would not count.
        "--remount-ro",
        "/dev",
        "--size",
        str(limits.scratch),
        "--tmpfs",
        "/tmp",
        "--size",
        str(limits.scratch),
        "--tmpfs",
        HOME,
    ]
    if seccomp_filter is not None:
        args += ["--seccomp", str(SECCOMP_FD)]
    for root in python_roots(python):
        args += ["--ro-bind", root, root]
    # After the tmpfs on /tmp: a bind made before it would be hidden under it.
    args += ["--ro-bind", str(bundle), BUNDLE, "--bind", str(connection_dir), str(connection_dir)]
    for name, value in env.items():
        args += ["--setenv", name, value]
    args += ["--chdir", HOME, "--", *program]
    return args, env


# The sandbox's writable folders in memory (inside paths): what they hold is counted as its memory.
TMPFS = ("/tmp", HOME, "/dev/shm")


def tool(name: str) -> str:
    """The absolute path of a program the grader runs (it starts with no PATH of its own)."""
    return shutil.which(name) or name  # if missing, running it fails and says which


def unused_uid(pid: int) -> int:
    """A uid that no account and no running process has, made from ``pid`` (the
    worker's: no other live worker has it, so neither has its sandbox's uid)."""
    for uid in range(UID_BASE + pid, 2**32 - 2, UID_STEP):
        try:
            pwd.getpwuid(uid)
            continue
        except KeyError:
            pass
        if not _running_as(uid):
            return uid
    raise DataError("no unused uid is left for the sandbox")


def _running_as(uid: int) -> bool:
    for entry in Path("/proc").iterdir():
        try:
            for line in (entry / "status").read_text(encoding="utf-8").splitlines():
                if line.startswith("Uid:"):
                    if str(uid) in line.split()[1:]:
                        return True
                    break
        except OSError:
            continue
    return False


def write_etc(folder: Path) -> Path:
    """The sandbox's /etc/passwd and /etc/group (its one user, ``student``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "passwd").write_text(PASSWD, encoding="utf-8")
    (folder / "group").write_text(GROUP, encoding="utf-8")
    return folder


def hidden_above(path: Path) -> Path | None:
    """The highest folder above ``path`` that a user of its own (the sandbox's,
    under a root grader) cannot pass through, such as root's home (0700), or None."""
    for folder in reversed(Path(path).parents):
        try:
            if not os.stat(folder).st_mode & 0o001:
                return folder
        except OSError:
            return None
    return None


def worker_command(python: str, keep: list[Path]) -> list[str]:
    """The command that runs the grader's worker in its own mount namespace,
    with a private tmpfs on /tmp. ``keep``: host folders it still needs (the
    package's checkout, the Python it runs on), bound read-only where /tmp
    hides them; under a root grader, also where a folder above them is closed
    to other users (root's home, where pyenv puts Python): that folder becomes
    an empty tmpfs and they are bound into it, so that the sandbox's own user
    can reach them."""
    args = [
        tool(BWRAP),
        "--dev-bind",
        "/",
        "/",
        "--size",
        str(WORKER_SCRATCH),
        "--tmpfs",
        "/tmp",
        "--die-with-parent",
    ]
    paths = sorted({str(p) for p in keep})
    hidden = sorted({str(h) for p in paths if (h := hidden_above(Path(p)))}) if os.geteuid() == 0 else []
    for folder in hidden:
        if folder != "/tmp" and not folder.startswith("/tmp/"):
            args += ["--tmpfs", folder]
    made: set[Path] = set()
    for path in paths:
        replaced = [h for h in ["/tmp", *hidden] if path == h or path.startswith(h.rstrip("/") + "/")]
        if not replaced:
            continue
        # The folders between the tmpfs and the bound path, open to all (bwrap would make them 0700).
        for folder in reversed(Path(path).parents):
            if folder not in made and len(folder.parts) > len(Path(max(replaced, key=len)).parts):
                made.add(folder)
                args += ["--perms", "0755", "--dir", str(folder)]
        args += ["--ro-bind-try", path, path]
    return [*args, "--setenv", "TMPDIR", "/tmp", "--", python, "-m", "paper_audit.instructor.worker"]


# What the worker keeps of the grader's environment: nothing secret, and nothing the
# sandbox needs (the kernel's own environment is made whole, ``kernel_env``).
WORKER_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def worker_env() -> dict[str, str]:
    """The worker's environment: a few harmless variables of the grader's."""
    env = {name: os.environ[name] for name in WORKER_ENV if name in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.update(PYDEVD_DISABLE_FILE_VALIDATION="1", MALLOC_ARENA_MAX="2", PYTHONDONTWRITEBYTECODE="1")
    return env


# Cached once per process, not per project (issue 27): a probe of this machine
# (bwrap, user namespaces, setpriv, the Python's folders), which reads no project file.
@functools.lru_cache(maxsize=1)
def unavailable() -> str:
    """Why the sandbox cannot be had on this machine ('' if it can): bwrap is
    missing, or cannot make the namespaces it needs here."""
    path = shutil.which(BWRAP)
    if path is None:
        return "bubblewrap (bwrap) is not installed (Debian and Ubuntu: apt-get install bubblewrap)"
    probe = [
        path,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        *_system_mounts(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/dev/shm",
        "--remount-ro",
        "/dev",
        "--tmpfs",
        "/tmp",
        "--",
        "/bin/true",
    ]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap could not be run ({error})"
    if result.returncode:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bwrap cannot make a sandbox here ({last})"
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            return "setpriv is not installed (Debian: util-linux), and a root grader runs each sandbox as its own user"
        for root in python_roots():
            if not os.stat(root).st_mode & 0o005 == 0o005:
                return f"{root} is not readable by other users, and the sandbox's user runs the Python in it"
    return ""
