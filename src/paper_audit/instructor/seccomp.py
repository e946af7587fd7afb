"""A seccomp filter that keeps every process of a sandbox in the session bwrap
made for it: ``setsid`` fails with EPERM.

Why: Linux's scheduler gives each session its own share of the CPU
("autogroup", on by default on desktop and server kernels alike), so a
submission that starts 200 busy processes, each in a session of its own,
takes 200 shares, and the notebooks graded beside it slow from seconds to
minutes. Kept in one session, the whole sandbox has one share however many
processes it runs.

The filter is classic BPF, written here (eight instructions) rather than
built with libseccomp, so the grader needs no compiled package: it checks
the architecture (a 32-bit or x32 system call, which would dodge the
numbers below, is refused whole), then refuses ``setsid``. bwrap loads it
(``--seccomp FD``) after it has made its own new session and just before it
starts the kernel, so the kernel and all it starts are held.
"""

from __future__ import annotations

import platform
import struct

# struct seccomp_data: int nr at offset 0, u32 arch at offset 4.
_NR, _ARCH = 0, 4
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW = 0x7FFF0000
_EPERM = 0x00050000 | 1  # SECCOMP_RET_ERRNO with errno 1
_X32_BIT = 0x40000000
# machine -> (AUDIT_ARCH_*, the number of setsid, whether x32 numbers exist).
ARCHITECTURES = {
    "x86_64": (0xC000003E, 112, True),
    "aarch64": (0xC00000B7, 157, False),
}


def _instruction(code: int, jump_true: int, jump_false: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jump_true, jump_false, k)


def setsid_filter(machine: str | None = None) -> bytes | None:
    """The filter for ``machine`` (this one's by default), or None where its
    system call numbers are not known here (the sandbox then runs without it)."""
    known = ARCHITECTURES.get(machine or platform.machine())
    if known is None:
        return None
    arch, setsid, x32 = known
    program = [
        _instruction(_LD_W_ABS, 0, 0, _ARCH),
        _instruction(_JEQ_K, 1, 0, arch),  # our architecture: go on
        _instruction(_RET_K, 0, 0, _EPERM),  # any other: refused
        _instruction(_LD_W_ABS, 0, 0, _NR),
    ]
    if x32:
        program.append(_instruction(_JGE_K, 2, 0, _X32_BIT))  # x32 numbers: refused
    program += [
        _instruction(_JEQ_K, 1, 0, setsid),
        _instruction(_RET_K, 0, 0, _ALLOW),
        _instruction(_RET_K, 0, 0, _EPERM),
    ]
    return b"".join(program)
