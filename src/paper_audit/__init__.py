"""paper_audit: recompute and cross-check the figures of Shen and Xia (2012).

One package that every notebook, test and command imports, so the book,
Binder, pytest and papermill run the same code. Subpackages by concern, each
layer importing only those below it (``.importlinter`` holds the contract and
``tests/test_architecture.py`` enforces it):

    cli                                   the ``paper-audit`` command: dispatch only
    run | author | instructor             build, rerun, sweep, scenarios | add a page,
                                          a chapter, drafts, schema sync | the student
                                          bundle and the grader (never shipped)
    classroom                             what students run: questions, answer checks
    present                               HTML, charts, glue, a chapter's view, Sphinx
    audit                                 verdicts, rounding, params, kinds, engine
    tables                                the data files: schema, claims, reference
                                          facts, coverage, table of contents
    text                                  the paper's pages, figures and sentences

Beside them, imported by any layer and importing none: ``errors`` (the one
error for bad input), ``paths`` (where the project's files are), ``files``
(writing a file whole or not at all), ``offline`` (no network while building
or grading) and ``kernels`` (how every notebook kernel is started).
"""

import os as _os

__version__ = "0.1.0"

if _os.environ.get("PAPER_AUDIT_OFFLINE") == "1":
    # Set by the build for every notebook kernel: a network request fails loudly.
    from paper_audit import offline as _offline

    _offline.install()
