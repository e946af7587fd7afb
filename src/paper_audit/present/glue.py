"""The one wrapper around myst-nb's ``glue``: every number put into prose is
also written, with the claims it comes from and the code that computed it, to
``<output>/provenance/<chapter>.json``, so each figure in the book can be traced.
"""

from __future__ import annotations

import datetime as dt
import json
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Iterable

from paper_audit import paths
from paper_audit.files import write_atomically


def plain(value: Any) -> Any:
    """Return ``value`` as a plain Python scalar.

    Under NumPy 2 a glued ``np.float64`` prints as ``np.float64(...)`` and
    breaks format specs, so NumPy scalars are unwrapped here, once.
    """
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot publish a value of type {type(value).__name__}: {value!r}")


class Text(str):
    """A glued string shown as it is: myst-nb renders a ``str``'s repr, quotes included."""

    def __repr__(self) -> str:
        return str(self)


class Publisher:
    """Glue values and HTML for one chapter and keep a record of each."""

    def __init__(self, chapter: str, output_dir: Path | None = None):
        self.chapter = chapter
        self.record_path = (output_dir or paths.output_dir()) / "provenance" / f"{chapter}.json"
        self.records: dict[str, dict[str, Any]] = {}

    def _glue(self, name: str, obj: Any) -> None:
        # Deferred (imported here) so that the package works (tests, CLI) without a kernel.
        from myst_nb import glue

        glue(name, obj, display=False)

    def _record(self, name: str, entry: dict[str, Any]) -> None:
        if name in self.records:
            raise ValueError(f"chapter {self.chapter!r}: glue name {name!r} is published twice")
        self.records[name] = entry
        write_atomically(self.record_path, json.dumps(self.records, indent=1, sort_keys=True, ensure_ascii=False))

    def value(
        self,
        name: str,
        value: Any,
        fmt: str = "{}",
        *,
        claims: Iterable[str] = (),
        computed_by: str = "",
    ) -> None:
        """Glue ``value`` formatted with ``fmt`` as text (returns nothing, so a
        chapter's code cell shows no stray output)."""
        value = plain(value)
        text = fmt.format(value)
        self._glue(name, Text(text))
        self._record(
            name,
            {"kind": "value", "value": value, "text": text, "claims": list(claims), "computed_by": computed_by},
        )

    def html(self, name: str, html: str, *, claims: Iterable[str] = (), computed_by: str = "") -> None:
        """Glue a piece of (already escaped) HTML, e.g. a badge or a flag."""
        from IPython.display import HTML  # deferred: IPython takes 0.07 s to import outside a kernel

        self._glue(name, HTML(html))
        self._record(name, {"kind": "html", "claims": list(claims), "computed_by": computed_by})

    def figure(self, name: str, chart: Any, *, claims: Iterable[str] = (), computed_by: str = "") -> None:
        """Glue a chart (``plots.Chart``) for the ``audit-figure`` directive."""
        self._glue(name, chart)
        self._record(name, {"kind": "figure", "claims": list(claims), "computed_by": computed_by})
