"""The ``audit-figure`` directive: a chart glued by a notebook, pasted as a
figure that Sphinx numbers and can cross-reference, with its name, alt text
and caption taken from the data the chart was drawn from.

A chapter glues a chart with ``Chapter.chart`` (key ``fig_<name>``); its
markdown then holds::

    ```{audit-figure} yuan_rates
    ```

which becomes figure ``fig-yuan-rates`` ({numref}`fig-yuan-rates` refers to
it). A name that was not glued stops the strict build, and so does a
reference to a figure that does not exist.
"""

from __future__ import annotations

from docutils import nodes
from myst_nb.ext.glue.directives import PasteFigureDirective
from myst_nb.ext.glue.utils import RetrievalError, retrieve_glue_data

from paper_audit.present.plots import FIGURE_METADATA


def figure_name(name: str) -> str:
    """The label a chart is referred to by: ``yuan_rates`` -> ``fig-yuan-rates``."""
    return "fig-" + name.replace("_", "-")


class AuditFigure(PasteFigureDirective):
    required_arguments = 1
    has_content = False
    option_spec = {}

    def run(self):
        name = self.arguments[0]
        key = f"fig_{name}"
        try:
            data = retrieve_glue_data(self.document, key)
        except RetrievalError as error:
            raise self.error(f"audit-figure {name!r}: {error} (glue it with Chapter.chart)") from None
        meta = data.metadata.get(FIGURE_METADATA)
        if meta is None:
            raise self.error(f"audit-figure {name!r}: the glued {key!r} is not a chart of paper_audit.present.plots")
        self.arguments = [key]
        self.options = {"alt": meta["alt"], "name": figure_name(name), "figclass": ["audit-chart"]}
        (figure,) = [n for n in super().run() if isinstance(n, nodes.figure)]
        figure += nodes.caption(meta["caption"], meta["caption"])
        return [figure]


def setup(app):
    app.add_directive("audit-figure", AuditFigure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
