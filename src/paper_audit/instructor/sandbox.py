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
(address space, CPU time, file size, open files and, when the grader does not
run as root, processes: Linux does not count processes of root's user, even
in a user namespace). The worker also watches the sandbox as a whole
(``watch``): it is killed when its processes together hold more memory than
``memory`` or number more than ``processes``, or when the notebook prints more
than ``output`` bytes.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

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
) -> tuple[list[str], dict[str, str]]:
    """(argv, env) of a submission's kernel, with ``{connection_file}`` left for
    jupyter_client to fill in.

    ``bundle`` is the read-only copy of the bundle (seen at ``BUNDLE``),
    ``connection_dir`` the folder of the kernel's connection file and sockets
    (seen at the same path), ``etc`` a folder holding ``passwd`` and ``group``.
    Unsandboxed (the instructor's explicit choice), the same limits apply but
    the kernel runs on the machine as it is, in the bundle's own folder.
    """
    limits_json = json.dumps(limits.as_dict(), sort_keys=True)
    program = [python, "-c", LIMITS_PROGRAM, limits_json, "{connection_file}"]
    if not sandboxed:
        home = connection_dir.parent / "home"
        return program, kernel_env(sandboxed=False, home=str(home), bundle=str(bundle))
    env = kernel_env(sandboxed=True, home=HOME, bundle=BUNDLE)
    args = [
        BWRAP,
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
        str(limits.scratch),
        "--tmpfs",
        "/tmp",
        "--size",
        str(limits.scratch),
        "--tmpfs",
        HOME,
    ]
    for root in python_roots(python):
        args += ["--ro-bind", root, root]
    # After the tmpfs on /tmp: a bind made before it would be hidden under it.
    args += ["--ro-bind", str(bundle), BUNDLE, "--bind", str(connection_dir), str(connection_dir)]
    for name, value in env.items():
        args += ["--setenv", name, value]
    args += ["--chdir", HOME, "--", *program]
    return args, env


def write_etc(folder: Path) -> Path:
    """The sandbox's /etc/passwd and /etc/group (its one user, ``student``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "passwd").write_text(PASSWD, encoding="utf-8")
    (folder / "group").write_text(GROUP, encoding="utf-8")
    return folder


def worker_command(python: str, keep: list[Path]) -> list[str]:
    """The command that runs the grader's worker in its own mount namespace,
    with a private tmpfs on /tmp (``keep``: host folders under /tmp it still
    needs, such as the package's checkout, bound read-only)."""
    args = [
        BWRAP,
        "--dev-bind",
        "/",
        "/",
        "--size",
        str(WORKER_SCRATCH),
        "--tmpfs",
        "/tmp",
        "--die-with-parent",
    ]
    for path in sorted({str(p) for p in keep}):
        if path == "/tmp" or path.startswith("/tmp/"):
            args += ["--ro-bind-try", path, path]
    return [*args, "--setenv", "TMPDIR", "/tmp", "--", python, "-m", "paper_audit.instructor.worker"]


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
    return ""
