"""The ``paper-audit`` command: ``rerun``, ``student`` and ``grade``.

Each subcommand lives in its own module; this file only dispatches, and turns
bad input (``DataError``) into one line on stderr and exit status 2.
"""

from __future__ import annotations

import importlib
import sys

from .errors import DataError

SUBCOMMANDS = {
    "rerun": ("paper_audit.rerun", "rerun every chapter with papermill under other parameters"),
    "student": ("paper_audit.bundle", "write the student bundle (hand-outs, package without the key, data)"),
    "grade": ("paper_audit.grading", "grade a folder of submitted notebooks of one assignment"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in SUBCOMMANDS:
        print("usage: paper-audit {" + ",".join(SUBCOMMANDS) + "} [options]", file=sys.stderr)
        for name, (_, help_text) in SUBCOMMANDS.items():
            print(f"  {name:8s} {help_text}", file=sys.stderr)
        return 2
    module = importlib.import_module(SUBCOMMANDS[argv[0]][0])
    try:
        return module.main(argv[1:])
    except DataError as error:
        print(f"paper-audit {argv[0]}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
