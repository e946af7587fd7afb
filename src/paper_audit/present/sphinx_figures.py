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

The chart is a link to its own image: a tap (or click) opens it full size,
where a phone can zoom into it. The link's name is the image's alt text (so a
screen reader still reads the chart's description); its title says what it does.
"""

from __future__ import annotations

import posixpath
import urllib.parse

from docutils import nodes
from myst_nb.ext.glue.directives import PasteFigureDirective
from myst_nb.ext.glue.utils import RetrievalError, retrieve_glue_data

from paper_audit.present.plots import FIGURE_METADATA


def figure_name(name: str) -> str:
    """The label a chart is referred to by: ``yuan_rates`` -> ``fig-yuan-rates``."""
    return "fig-" + name.replace("_", "-")


ZOOM_TITLE = "Open the chart full size"


class chart_link(nodes.General, nodes.Element):  # noqa: N801 - docutils names its node classes in lower case
    """A link from a chart to its own image file (the image is its one child)."""


def visit_chart_link_html(self, node):
    uri = node[0]["uri"]
    # The image's file as the builder copies it (``_images/...``), relative to this page.
    copied = self.builder.images.get(uri)
    target = posixpath.join(self.builder.imgpath, urllib.parse.quote(copied)) if copied else uri
    self.body.append(f'<a class="audit-chart-zoom" href="{self.encode(target)}" title="{self.encode(ZOOM_TITLE)}">')


def depart_chart_link_html(self, node):
    self.body.append("</a>")


def pass_through(self, node):
    """Other writers (LaTeX, text, ...) show the image alone."""


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
        for image in list(figure.findall(nodes.image)):
            link = chart_link()
            image.replace_self(link)
            link += image
        figure += nodes.caption(meta["caption"], meta["caption"])
        return [figure]


def setup(app):
    others = {writer: (pass_through, pass_through) for writer in ("latex", "text", "man", "texinfo", "epub")}
    app.add_node(chart_link, html=(visit_chart_link_html, depart_chart_link_html), **others)
    app.add_directive("audit-figure", AuditFigure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
