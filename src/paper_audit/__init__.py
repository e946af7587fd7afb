"""paper_audit: recompute and cross-check the figures of Shen and Xia (2012).

One small package that every notebook, test and command imports, so the book,
Binder, pytest and papermill run the same code. One module per idea:

- ``paths``: where the project's files are.
- ``source``: the paper's text, derived from the shared file and hash-checked.
- ``figures``: reading a printed figure ("thirty-four", "1.147 billion").
- ``claims``: the table of every figure, validated, with quote lookup.
- ``rounding``: what interval a printed figure stands for, and verdicts.
- ``checks``: the relations between figures, run from data/checks.csv.
- ``render``: badges, flags and tables as escaped HTML.
- ``publish``: the glue wrapper that records every number put in prose.
"""

import os as _os

__version__ = "0.1.0"

if _os.environ.get("PAPER_AUDIT_OFFLINE") == "1":
    # Set by the build for every notebook kernel: a network request fails loudly.
    from paper_audit import offline as _offline

    _offline.install()


def __getattr__(name):
    # ``paper_audit.findings_summary``: distinct problems by evidence kind, for the
    # front page and the register; imported lazily so ``import paper_audit`` stays light.
    if name == "findings_summary":
        from paper_audit.audit.engine import findings_summary

        return findings_summary
    raise AttributeError(f"module 'paper_audit' has no attribute {name!r}")
