"""Files the book needs before Sphinx runs: the data validated (bad data stops
the build here, with one message) and findings.csv for readers to download."""

from __future__ import annotations

from pathlib import Path

from paper_audit.audit import engine
from paper_audit.tables import claims, coverage
from paper_audit.text import source


def write_generated(output_dir: Path) -> Path:
    pages = source.load_pages()
    table = claims.load_claims(pages=pages)
    unexplained = coverage.check_coverage(table, coverage.load_not_figures(pages=pages), pages)
    if unexplained:
        from paper_audit.errors import DataError

        first = unexplained[0]
        raise DataError(f"page {first.page}: the number {first.text!r} (…{first.context}…) is neither a claim nor in not-figures.csv")
    findings = engine.run_all(claims=table)
    downloads = output_dir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    target = downloads / "findings.csv"
    tmp = target.with_suffix(".tmp")
    engine.findings_frame(findings).to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(target)
    print(f"Data validated: {len(table)} claims, {len(findings)} findings written to {target}", flush=True)
    return target
