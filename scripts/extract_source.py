"""Derive data/source/ from the paper's excerpt (read-only, hash-checked).

    python scripts/extract_source.py [--paper PATH] [--check]

The excerpt is data/source/excerpt/000_791191a67cd1a826.txt, in the
repository (its README.md says where it came from); --paper reads another copy
of it, which must have the same SHA-256. --check compares what would be
written with what is committed and fails on any difference, without writing.
Pages added with ``paper-audit add-page`` are kept: they are read back from
data/source/ and re-segmented, never dropped.
"""

import argparse
import sys
from pathlib import Path

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.text import source


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--paper", type=Path, default=paths.PAPER_EXCERPT, help="the paper's excerpt (default: %(default)s)"
    )
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    try:
        files = source.derive(args.paper)
    except (DataError, OSError) as error:
        print(f"extract_source: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = [
            n
            for n, t in files.items()
            if not (paths.SOURCE_DIR / n).exists() or (paths.SOURCE_DIR / n).read_bytes() != t.encode("utf-8")
        ]
        if stale:
            print(
                "extract_source: data/source/ differs from what the paper's excerpt derives in: " + ", ".join(stale),
                file=sys.stderr,
            )
            return 1
        print("data/source/ is what the paper's excerpt derives")
        return 0
    source.write(files, paths.SOURCE_DIR, source.added_pages(paths.SOURCE_DIR))
    print(f"wrote {len(files) + 1} files to {paths.SOURCE_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
