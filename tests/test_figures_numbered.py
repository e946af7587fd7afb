"""Charts are figures Sphinx numbers: a tiny book whose notebook glues a chart
of ``paper_audit.present.plots`` and pastes it with ``audit-figure`` builds
without a warning, with the alt text and caption from the data, the image a
link to itself (a tap opens it full size), and a reference to a figure that
does not exist is a warning (an error in the strict build, ``-W``).

Built in this process by Sphinx's own test application, with myst-nb reading
stored outputs: the chart is glued here, in an IPython shell of this process,
as a kernel would glue it, so no kernel and no jupyter-book subprocess run.
The figure's HTML is held to a snapshot (tests/snapshots/)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import snapshots
import tiny_book
from paper_audit.present import plots
from paper_audit.present.glue import Publisher


@pytest.fixture(scope="module")
def glued_outputs(tmp_path_factory):
    """The outputs of a cell that glues a chart, as a kernel records them."""
    InteractiveShell.instance()  # what myst_nb.glue displays through
    try:
        with capture_output() as captured:
            chart = plots.bars(
                ["a", "b"],
                [1, 2],
                "tiny_bars",
                xlabel="count",
                title="",
                alt="Two bars <from data>",
                caption="A caption from data",
            )
            Publisher("tiny", output_dir=tmp_path_factory.mktemp("out")).figure("fig_tiny_bars", chart)
    finally:
        InteractiveShell.clear_instance()  # no shell left behind for the other tests
    return [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata) for o in captured.outputs]


def make_book(root: Path, reference: str, outputs: list) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text("", encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    notebook.cells = [
        nbformat.v4.new_markdown_cell(f"# Chapter\n\nAs {{numref}}`{reference}` shows."),
        nbformat.v4.new_code_cell("# the chart glued", metadata={"tags": ["remove-cell"]}, outputs=outputs),
        nbformat.v4.new_markdown_cell("```{audit-figure} tiny_bars\n```"),
    ]
    nbformat.write(notebook, root / "index.ipynb")
    return root


def build_in_process(root: Path) -> tuple[Path, str]:
    """The HTML folder and the warnings of a build with the extension under test
    (numbered figures, as Jupyter Book numbers them)."""
    return tiny_book.build_in_process(root, "paper_audit.present.sphinx_figures", numfig=True)


def test_a_chart_is_a_numbered_figure_and_a_broken_reference_fails(tmp_path, glued_outputs):
    html, warnings = build_in_process(make_book(tmp_path / "good", "fig-tiny-bars", glued_outputs))
    assert not warnings, warnings
    page = (html / "index.html").read_text(encoding="utf-8")
    assert 'id="fig-tiny-bars"' in page
    assert 'alt="Two bars &lt;from data&gt;"' in page
    assert "A caption from data" in page and "Fig. 1" in page
    # A tap on the chart opens its image full size: the image is wrapped in a
    # link to the very file it shows, and keeps its alt text.
    link = re.search(
        r'<a class="audit-chart-zoom" href="([^"]+)" title="[^"]+">\s*<img alt="([^"]*)" src="([^"]+)"', page
    )
    assert link, "the chart is not a link to its image"
    assert link.group(1) == link.group(3) and link.group(1).endswith(".svg"), link.groups()
    assert link.group(2) == "Two bars &lt;from data&gt;"
    assert (html / link.group(1)).exists()
    figure = page[page.index("<figure") : page.index("</figure>") + len("</figure>")]
    # The image's file is named by a hash of its content: the snapshot holds the markup, not the drawing.
    snapshots.match(re.sub(r"_images/[0-9a-f]+\.svg", "_images/CHART.svg", figure) + "\n", "audit_figure.html")

    _, warnings = build_in_process(make_book(tmp_path / "bad", "fig-no-such-chart", glued_outputs))
    assert "undefined label: 'fig-no-such-chart'" in warnings, "a reference to a missing figure was not a warning"
