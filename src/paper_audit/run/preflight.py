"""What the build does before any notebook runs: validate the data (bad data
stops the build here, with one message naming the file, line and field) and
write findings.csv, which the book offers for download."""

from __future__ import annotations

from pathlib import Path

from paper_audit.audit import engine
from paper_audit.errors import DataError
from paper_audit.files import write_atomically
from paper_audit.tables import claims, coverage
from paper_audit.text import source


def validate_and_write_findings(output_dir: Path) -> Path:
    """Validate claims, checks, coverage and reference facts; write
    ``<output_dir>/downloads/findings.csv``; return its path."""
    pages = source.load_pages()
    table = claims.load_claims(pages=pages)
    unexplained = coverage.check_coverage(table, coverage.load_not_figures(pages=pages), pages)
    if unexplained:
        first = unexplained[0]
        raise DataError(
            f"page {first.page}: the number {first.text!r} (…{first.context}…)"
            " is neither a claim nor in not-figures.csv"
        )
    findings = engine.run_all(claims=table)
    target = write_atomically(
        output_dir / "downloads" / "findings.csv",
        engine.findings_frame(findings).to_csv(index=False, lineterminator="\n"),
    )
    print(f"Data validated: {len(table)} claims, {len(findings)} findings written to {target}", flush=True)
    return target
