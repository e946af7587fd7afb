"""``paper-audit draft``: draft a page's claims and checks for a person to review.

    paper-audit draft --page N [--chapter NAME]   # writes drafts/page-N.{claims,checks,not-figures}.csv
    paper-audit draft --score                     # drafts the curated pages, compares with the data

The drafter reads the page's figures (``drafted_claims``, with ``citations``
for the numbers that are not figures), proposes the checks its wording
implies (``drafted_checks``), and writes them as rows of the Data Package's
tables (``drafted_rows``). The drafts go to ``drafts/`` at the top of the
project, which git ignores and which lies outside ``data/``: nothing reads
them, so writing one changes neither the repository nor the data
fingerprints that decide which notebooks the next build re-executes.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from paper_audit import paths
from paper_audit.author import draft_score
from paper_audit.author.drafted_claims import known_claims
from paper_audit.author.drafted_pages import draft_pages
from paper_audit.author.drafted_rows import check_rows, claim_rows, csv_text, not_figure_rows
from paper_audit.errors import DataError
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import schema
from paper_audit.text import source

DRAFTS_FOLDER = "drafts"  # at the top of the project, beside data/ (and in .gitignore)
PLACEHOLDER_CHAPTER = "choose_a_chapter"


def drafts_dir() -> Path:
    """Where ``paper-audit draft`` writes unless told otherwise."""
    return paths.REPO_ROOT / DRAFTS_FOLDER


def write_drafts(number: int, chapter: str, target: Path | None = None) -> dict[str, Path]:
    """Draft page ``number`` into ``target`` (default ``drafts/``): {table: the file written}.

    The page's dates and rates may refer to the accepted claims of the other
    pages; drafted ids avoid the ids the data already has.
    """
    pages = source.load_pages()
    if number not in pages:
        raise DataError(source.unknown_page(number, pages))
    try:
        table = claims_mod.load_claims(pages=pages)
    except DataError:
        table = None  # drafting needs no valid claims: ids and dates then just start afresh
    taken = set(table.index) if table is not None else set()
    known = [d for d in known_claims(table) if d.page != number] if table is not None else []
    (result,) = draft_pages([number], pages, taken, known)
    check_ids = set()
    if paths.CHECKS_CSV.exists():
        check_ids = {r["id"] for r in csv.DictReader(paths.CHECKS_CSV.open(encoding="utf-8"))}
    target = target or drafts_dir()
    target.mkdir(parents=True, exist_ok=True)
    files = {
        "claims": (
            target / f"page-{number}.claims.csv",
            csv_text(claim_rows(result.claims, chapter), schema.field_names("claims")),
        ),
        "checks": (
            target / f"page-{number}.checks.csv",
            csv_text(check_rows(result.checks, chapter, number, check_ids), schema.field_names("checks")),
        ),
        "not-figures": (
            target / f"page-{number}.not-figures.csv",
            csv_text(not_figure_rows(pages[number], result.claims, result.skipped), schema.field_names("not-figures")),
        ),
    }
    for path, text in files.values():
        path.write_text(text, encoding="utf-8")
    return {name: path for name, (path, _) in files.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paper-audit draft", description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--page", type=int, help="the page to draft (see paper-audit add-page)")
    group.add_argument("--score", action="store_true", help="draft the curated pages and compare with the data")
    parser.add_argument(
        "--chapter",
        default=PLACEHOLDER_CHAPTER,
        help="the chapter the drafted rows go to (default: a placeholder the loader refuses until reviewed)",
    )
    parser.add_argument("--out", type=Path, help=f"folder for the drafts (default: {DRAFTS_FOLDER}/, git-ignored)")
    parser.add_argument("-v", "--verbose", action="store_true", help="with --score: list what the drafter missed")
    args = parser.parse_args(argv)
    if args.score:
        print("\n".join(draft_score.report(draft_score.score(), args.verbose)))
        return 0
    written = write_drafts(args.page, args.chapter, args.out)
    for name, path in written.items():
        rows = max(0, len(path.read_text(encoding="utf-8").splitlines()) - 1)
        print(f"wrote {rows} drafted {name} row(s) to {path}")
    print(
        "review them, set the chapter, then move the rows into data/claims.csv, data/checks.csv "
        "and data/source/not-figures.csv"
    )
    return 0
