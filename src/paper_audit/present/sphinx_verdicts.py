"""The verdicts' stylesheet, generated from the table of how each verdict is
drawn (``paper_audit.present.styles``) and written into the built book as
``_static/audit-verdicts.css``, so a colour is changed in that table alone."""

from __future__ import annotations

from pathlib import Path

from paper_audit.present import styles

FILENAME = "audit-verdicts.css"


def _write(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / FILENAME
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(styles.stylesheet(), encoding="utf-8")


def setup(app):
    app.add_css_file(FILENAME)
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
