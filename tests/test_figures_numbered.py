"""Charts are figures Sphinx numbers: a tiny book whose notebook glues a chart
of ``paper_audit.present.plots`` and pastes it with ``audit-figure`` builds strictly,
with the alt text and caption from the data, the image a link to itself (a
tap opens it full size), and a reference to a figure that does not exist
fails the strict build (``-n -W``)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import nbformat
import pytest

from tiny_book import build

pytestmark = pytest.mark.build


def make_book(root: Path, reference: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(
        textwrap.dedent("""\
        title: tiny
        only_build_toc_files: true
        execute:
          execute_notebooks: force
          timeout: 120
        sphinx:
          recursive_update: true
          extra_extensions: [paper_audit.present.sphinx_figures]
          config:
            nb_execution_raise_on_error: true
        """)
    )
    (root / "_toc.yml").write_text("format: jb-book\nroot: chapter\n")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    code = textwrap.dedent("""\
        from paper_audit.present import plots
        from paper_audit.present.glue import Publisher

        chart = plots.bars(["a", "b"], [1, 2], "tiny_bars", xlabel="count", title="",
                           alt="Two bars <from data>", caption="A caption from data")
        Publisher("tiny", output_dir=__import__("pathlib").Path("out")).figure("fig_tiny_bars", chart)
        """)
    notebook.cells = [
        nbformat.v4.new_markdown_cell(f"# Chapter\n\nAs {{numref}}`{reference}` shows."),
        nbformat.v4.new_code_cell(code, metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_markdown_cell("```{audit-figure} tiny_bars\n```"),
    ]
    nbformat.write(notebook, root / "chapter.ipynb")
    return root


def test_a_chart_is_a_numbered_figure_and_a_broken_reference_fails(tmp_path):
    good = build(make_book(tmp_path / "good", "fig-tiny-bars"))
    assert good.returncode == 0, good.stdout[-3000:] + good.stderr[-3000:]
    page = (tmp_path / "good" / "_build" / "html" / "chapter.html").read_text(encoding="utf-8")
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
    assert (tmp_path / "good" / "_build" / "html" / link.group(1)).exists()
    bad = build(make_book(tmp_path / "bad", "fig-no-such-chart"))
    assert bad.returncode != 0, "a reference to a missing figure did not fail the strict build"
    assert "fig-no-such-chart" in bad.stdout + bad.stderr
