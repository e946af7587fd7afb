"""The ``paper-audit`` command. Each subcommand (``SUBCOMMANDS``) is the
``main(argv)`` of its own module; this file only dispatches, and turns bad
input (``DataError``) into one line on stderr and exit status 2.
"""

from __future__ import annotations

import importlib
import sys

from paper_audit.errors import DataError

SUBCOMMANDS = {
    "rerun": ("paper_audit.run.rerun", "rerun every chapter with papermill under other parameters"),
    "student": ("paper_audit.instructor.bundle", "write the student bundle (hand-outs, package without the key, data)"),
    "grade": ("paper_audit.instructor.grading", "grade a folder of submitted notebooks of one assignment"),
    "add-page": ("paper_audit.author.add_page", "add a printed page to the source (text, segments, hashes)"),
    "draft": ("paper_audit.author.draft", "draft a page's claims and checks for review; --score measures the drafter"),
    "add-chapter": ("paper_audit.author.add_chapter", "add a chapter from the skeleton (notebook, _toc.yml, enums)"),
    "sweep": ("paper_audit.run.sweep", "every check over a grid of parameter values, with breakpoints"),
    "sync-schema": (
        "paper_audit.author.schema_sync",
        "refresh data/datapackage.json's enums of chapters, kinds, pages",
    ),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in SUBCOMMANDS:
        print("usage: paper-audit {" + ",".join(SUBCOMMANDS) + "} [options]", file=sys.stderr)
        for name, (_, help_text) in SUBCOMMANDS.items():
            print(f"  {name:12s} {help_text}", file=sys.stderr)
        return 2
    module = importlib.import_module(SUBCOMMANDS[argv[0]][0])
    try:
        return module.main(argv[1:])
    except DataError as error:
        print(f"paper-audit {argv[0]}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
