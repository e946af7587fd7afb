"""Charts for the chapters: one style, captions, axis labels with units, alt
text, and SVG files that are byte-for-byte the same on every build.

Each chart function takes data and returns a ``Chart`` (SVG, alt text,
caption), which a chapter glues and its markdown pastes as a numbered figure
(``audit-figure``); the SVG is also written to ``<output>/figures/<name>.svg``.

Every chart is read on a phone too: its numbers are written as people write
them (``number``: "2,471", "170 million", never "2.47e+03" or 10^8), its tick
labels never overlap, and its smallest text stays legible when the chart is
shrunk to a phone's text column. ``publish`` refuses a chart that breaks one of
these rules, naming the chart and the text at fault.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from paper_audit import paths  # noqa: E402
from paper_audit.audit.verdicts import PROBLEM_FROM, SEVERITY  # noqa: E402
from paper_audit.errors import DataError  # noqa: E402
from paper_audit.present.chart_rules import (  # noqa: E402, F401 - number, check_text, attested for the notebooks
    attested,
    check_figure,
    check_text,
    decimals_for,
    fixed,
    merged_marks,
    number,
    plain_dates,
    plain_linear,
    plain_log,
)
from paper_audit.present.styles import chart_style  # noqa: E402

# Where a glued chart keeps its name, alt text and caption: the output's
# metadata, read by the ``audit-figure`` directive (``sphinx_figures``).
FIGURE_METADATA = "paper_audit_figure"

# Narrow charts (4 inches, 384 px) with 10-point text at the smallest: shrunk
# to a phone's text column, their text stays at least 11 px tall
# (chart_rules.MIN_TEXT_PX, chart_rules.text_px).
WIDTH = 4.0
SMALL = 10  # annotations, legends, tick labels
STYLE = {
    "svg.hashsalt": "paper-audit",  # fixed ids: the same SVG on every build
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": SMALL,
    "ytick.labelsize": SMALL,
    "legend.fontsize": SMALL,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.figsize": (WIDTH, 3.2),
    "figure.dpi": 100,
}
INK = "#333333"
ACCENT = "#0d47a1"
# Row labels wrap at this many characters, so that they do not widen the chart.
LABEL_CHARS = 24


def _wrap(label: str) -> str:
    return textwrap.fill(str(label), LABEL_CHARS)


def _rows_height(labels, per_row: float) -> float:
    """Inches for a column of equally spaced rows whose labels wrap: ``per_row``
    each, or more where the longest wrapped label needs it (a page added with
    long labels would otherwise overlap its neighbours)."""
    lines = max((_wrap(label).count("\n") + 1 for label in labels), default=1)
    line_inches = SMALL * 1.3 / 72  # the tick labels' size, with their line spacing
    return len(labels) * max(per_row, lines * line_inches + 0.12)


# --- publishing: every rule of chart_rules checked on the drawn chart -----


def svg_bytes(fig) -> bytes:
    buffer = io.BytesIO()
    # No date in the metadata and a fixed hash salt (read at save time, so the
    # style applies here too): two builds give the same file.
    with plt.rc_context(STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "paper_audit"}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


class Chart:
    """A chart: its SVG, name, alt text and caption. In the book a chapter
    glues it (``Chapter.chart``) and the ``audit-figure`` directive pastes it as
    a numbered figure; in a notebook interface it shows as the image.
    ``width_px`` is its natural width, ``phone_text_px`` its smallest text
    on a phone."""

    def __init__(self, name: str, svg: bytes, alt: str, caption: str, width_px=None, phone_text_px=None):
        self.name, self.svg, self.alt, self.caption = name, svg, alt, caption
        self.width_px, self.phone_text_px = width_px, phone_text_px

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"image/svg+xml": self.svg.decode("utf-8"), "text/plain": f"Figure {self.name}: {self.caption}"}
        return data, {FIGURE_METADATA: {"name": self.name, "alt": self.alt, "caption": self.caption}}


def publish(fig, name: str, alt: str, caption: str, output_dir: Path | None = None) -> Chart:
    """Check ``fig`` (``check_text``, ``check_figure``), save it as SVG
    (``<output>/figures/<name>.svg``) and return the ``Chart``."""
    try:
        check_text(name, "alt text", alt)
        check_text(name, "caption", caption)
        with plt.rc_context(STYLE):
            width_px, phone_px = check_figure(fig, name)
    except DataError:
        plt.close(fig)
        raise
    data = svg_bytes(fig)
    target = (output_dir or paths.output_dir()) / "figures" / f"{name}.svg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return Chart(name, data, alt, caption, width_px, phone_px)


def _legend_below(fig, handles=None, labels=None, **options):
    """A legend under the chart, labels wrapped to the chart's width."""
    if handles is None:
        handles, labels = fig.axes[0].get_legend_handles_labels()
    # Wrapped to share the chart's width between the legend's columns.
    width = 40 // options.get("ncol", 1)
    labels = [textwrap.fill(str(label), width) for label in (labels or [h.get_label() for h in handles])]
    fig.legend(handles, labels, loc="outside lower left", frameon=False, **options)


# --- the charts -------------------------------------------------------------


def bars(
    labels,
    values,
    name,
    *,
    xlabel,
    title,
    alt,
    caption,
    reference_line=None,
    reference_label="",
    colours=None,
    value_format=None,
):
    """Horizontal bars, one per label, with an optional vertical reference line;
    each bar's value is written at its end (``value_format``, or as ``number``)."""
    write = value_format.format if value_format else number
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, _rows_height(labels, 0.45) + 1.4), layout="constrained")
        positions = range(len(labels))
        ax.barh(list(positions), values, color=colours or ACCENT)
        ax.set_yticks(list(positions), [_wrap(label) for label in labels])
        for y, v in zip(positions, values, strict=True):
            ax.text(v, y, " " + write(v), va="center", color=INK, fontsize=SMALL)
        top = max([*values, reference_line or 0])
        ax.set_xlim(0, top * 1.18)
        # Room above the first bar for the reference line's label, inside the axes (clear of the title).
        ax.set_ylim(len(labels) - 0.5, -1.1 if reference_line is not None else -0.6)
        if reference_line is not None:
            ax.axvline(reference_line, color=INK, linestyle="--", linewidth=1)
            ax.text(reference_line, -0.75, reference_label + " ", ha="right", va="center", fontsize=SMALL, color=INK)
        # Wrapped to the axes, which the row labels narrow; the title starts at the
        # chart's left edge, not the axes', so that neither runs past the chart.
        ax.set_xlabel(textwrap.fill(xlabel, 36))
        if title:
            fig.suptitle(title, x=0.02, ha="left", fontsize=plt.rcParams["axes.titlesize"])
        ax.grid(axis="y", visible=False)
        integer = all(float(v).is_integer() for v in values)
        plain_linear(fig, ax.xaxis, integer=integer)
    return publish(fig, name, alt, caption)


def spans(rows, name, *, xlabel, alt, caption, stated_rows=1, value_format="{:,.0f}"):
    """A figure against ranges: one row per ``(label, low, high)``. The first
    ``stated_rows`` are the paper's figures (blue dots); the others are
    references read under an assumption (orange: a bar from low to high, a
    diamond where the two meet). Every end is written at one precision, so the
    gap between the paper and its references, the finding, is seen at a glance."""
    reference_colour = "#b35c00"
    with plt.rc_context(STYLE):
        labels = [label for label, _, _ in rows]
        fig, ax = plt.subplots(figsize=(WIDTH, _rows_height(labels, 0.55) + 1.3), layout="constrained")
        for y, (_label, low, high) in enumerate(rows):
            if low == high:
                stated = y < stated_rows
                marker, colour = ("o", ACCENT) if stated else ("D", reference_colour)
                ax.plot([low], [y], marker, color=colour, markersize=9, zorder=3)
                ax.text(low, y - 0.22, value_format.format(low), ha="center", va="bottom", fontsize=SMALL)
            else:
                ax.plot([low, high], [y, y], color=reference_colour, linewidth=9, solid_capstyle="butt", zorder=3)
                ax.text(low, y, value_format.format(low) + " ", ha="right", va="center", fontsize=SMALL, color=INK)
                ax.text(high, y, " " + value_format.format(high), ha="left", va="center", fontsize=SMALL, color=INK)
        ax.set_yticks(range(len(rows)), [_wrap(label) for label in labels])
        ax.set_ylim(len(rows) - 0.5, -0.7)
        ax.set_xlim(0, max(high for _, _, high in rows) * 1.2)
        # Centred under an axes that the row labels narrow: wrapped to stay within the chart.
        ax.set_xlabel(textwrap.fill(xlabel, 32))
        ax.grid(axis="y", visible=False)
        plain_linear(fig, ax.xaxis, integer=True)
    return publish(fig, name, alt, caption)


def stacked_share(labels, values, name, *, total_label, alt, caption):
    """One bar of shares stacked left to right, with the 100 percent line; each
    share named under the bar."""
    palette = ["#0d47a1", "#b71c1c", "#1b5e20", "#6a1b9a", "#5d4037"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, 2.4), layout="constrained")
        left, handles = 0.0, []
        for i, (label, value) in enumerate(zip(labels, values, strict=True)):
            colour = palette[i % len(palette)]
            ax.barh([0], [value], left=left, color=colour, edgecolor="white")
            handles.append(Patch(facecolor=colour, label=f"{label}: {number(value)} percent"))
            left += value
        ax.axvline(100, color=INK, linestyle="--", linewidth=1)
        ax.text(100, 0.45, "100 %", ha="center", va="bottom", fontsize=SMALL)
        ax.text(left, -0.45, total_label, ha="right", va="top", fontsize=SMALL)
        ax.set_xlim(0, max(left, 100) * 1.04)
        ax.set_ylim(-0.7, 0.7)
        ax.set_yticks([])
        ax.set_xlabel("share of all reconstruction aid (percent)")
        plain_linear(fig, ax.xaxis)
        _legend_below(fig, handles, ncol=2)
    return publish(fig, name, alt, caption)


def rates(labels, implied, name, *, unit, references, alt, caption, colours=None, log=False):
    """Dot plot of implied exchange rates against reference lines {label in
    words: value}. Every rate, point or line, is written at one precision
    (``decimals_for``: 2.01, 2.00, 2.40), the lines' in the legend ("Official
    rate from March 1955, well attested: 2.46")."""
    decimals = decimals_for([*implied, *references.values()])
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, _rows_height(labels, 0.5) + 1.6), layout="constrained")
        positions = list(range(len(labels)))
        ax.scatter(implied, positions, s=60, color=colours or ACCENT, zorder=3)
        for y, v in zip(positions, implied, strict=True):
            ax.text(v, y - 0.25, fixed(v, decimals), ha="center", va="bottom", fontsize=SMALL)
        styles = ["--", ":", "-."]
        for i, (value, label) in enumerate(merged_marks((v, k) for k, v in references.items())):
            line_label = f"{label}: {fixed(value, decimals)}"
            ax.axvline(value, color=INK, linestyle=styles[i % 3], linewidth=1, label=line_label)
        ax.set_yticks(positions, [_wrap(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlabel(unit)
        ax.margins(x=0.12, y=0.3)
        if log:
            ax.set_xscale("log")
            plain_log(fig, ax.xaxis)
        else:
            plain_linear(fig, ax.xaxis)
        if references:
            _legend_below(fig)
    return publish(fig, name, alt, caption)


def steps(dates, values, name, *, ylabel, alt, caption, annotations=()):
    """A step line over time (e.g. divisions present), with labelled points."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(layout="constrained")
        ax.step(dates, values, where="post", color=ACCENT, linewidth=2)
        for when, text in annotations:
            ax.annotate(
                text, (when, values[dates.index(when)]), textcoords="offset points", xytext=(4, 6), fontsize=SMALL
            )
        ax.set_ylabel(textwrap.fill(ylabel, 28))
        ax.set_ylim(0, max(values) * 1.2)
        plain_linear(fig, ax.yaxis, integer=all(float(v).is_integer() for v in values))
        plain_dates(fig, ax.xaxis)
    return publish(fig, name, alt, caption)


def timeline(events, name, *, alt, caption):
    """Dated events on one time axis: [(date, label, colour)]; a label stands
    right of its point in the first half of the axis, left of it in the second."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, 0.55 * len(events) + 1.2), layout="constrained")
        first, last = min(e[0] for e in events), max(e[0] for e in events)
        middle = first + (last - first) / 2
        for i, (when, label, colour) in enumerate(events):
            ax.plot([when], [i], "o", color=colour, markersize=7)
            right = when <= middle
            shift = dt.timedelta(days=3 if right else -3)
            ax.text(
                when + shift, i, textwrap.fill(label, 30), va="center", ha="left" if right else "right", fontsize=SMALL
            )
        ax.set_yticks([])
        ax.set_ylim(len(events) - 0.4, -0.6)
        ax.set_xlim(first - dt.timedelta(days=10), last + dt.timedelta(days=10))
        ax.set_xlabel("date")
        ax.grid(axis="y", visible=False)
        plain_dates(fig, ax.xaxis)
    return publish(fig, name, alt, caption)


def dumbbell(labels, stated, alternatives: dict[str, list[float]], name, *, xlabel, alt, caption):
    """Per row, the stated value (filled) and the value under each alternative (hollow markers)."""
    markers = ["o", "s", "D", "^"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, _rows_height(labels, 0.5) + 1.8), layout="constrained")
        positions = list(range(len(labels)))
        ax.scatter(stated, positions, s=55, color=ACCENT, zorder=3, label="as the paper states")
        for i, (label, values) in enumerate(alternatives.items()):
            points = [(v, y) for v, y in zip(values, positions, strict=True) if v == v]
            ax.scatter(
                [p[0] for p in points],
                [p[1] for p in points],
                s=50,
                facecolors="none",
                edgecolors=["#b35c00", "#1b5e20", "#6a1b9a", INK][i % 4],
                marker=markers[i % 4],
                zorder=3,
                label=label,
            )
        ax.set_yticks(positions, [_wrap(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        plain_log(fig, ax.xaxis)
        _legend_below(fig)
    return publish(fig, name, alt, caption)


def _rank(verdict: str) -> int:
    """A verdict's severity (``verdicts.SEVERITY``); a word the table does not
    know (from a newer branch's data) ranks between agreement and a flag."""
    return SEVERITY.get(verdict, PROBLEM_FROM)


def verdict_order(present) -> list[str]:
    """The verdicts present, best to worst."""
    return sorted(set(present), key=lambda v: (_rank(v), v))


def _edges(values):
    """Cell edges halfway between grid values, so that bands touch."""
    values = list(values)
    mids = [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    return [values[0] - (mids[0] - values[0])] + mids + [values[-1] + (values[-1] - mids[-1])]


def bands(values, rows, name, *, xlabel, marks, alt, caption, notes=None):
    """The verdict of each finding across one parameter, as coloured bands.

    ``rows`` is [(label, [verdict per value])]; ``marks`` is [(value, label)]
    for vertical lines (e.g. official rates and their validity); ``notes``
    is [(row index, value, text)]: a triangle above the row at that value,
    with the text (e.g. a consistent stretch too narrow to see).
    """

    edges = _edges(values)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, (1.0 if notes else 0.75) * len(rows) + 2.8), layout="constrained")
        present = []
        for y, (_label, verdicts) in enumerate(rows):
            start = 0
            for i in range(1, len(verdicts) + 1):
                if i == len(verdicts) or verdicts[i] != verdicts[start]:
                    verdict = verdicts[start]
                    colour, hatch = chart_style(verdict)
                    ax.broken_barh(
                        [(edges[start], edges[i] - edges[start])],
                        (y - 0.25, 0.5),
                        facecolors=colour,
                        hatch=hatch,
                        edgecolor="white",
                        linewidth=0,
                    )
                    present.append(verdict)
                    start = i
        for y, x, text in notes or ():
            ax.plot([x], [y - 0.3], marker="v", color=INK, markersize=6)
            left = x < (edges[0] + edges[-1]) / 2
            # On the side with more room, wrapped to fit half the axes' width.
            text = textwrap.fill(text, 18)
            ax.text(
                x,
                y - 0.36,
                f"  {text}" if left else f"{text}  ",
                ha="left" if left else "right",
                va="bottom",
                fontsize=SMALL,
                color=INK,
            )
        styles = ["--", ":", "-."]
        handles = [
            Patch(facecolor=chart_style(v)[0], hatch=chart_style(v)[1], edgecolor="white", label=v)
            for v in verdict_order(present)
        ]
        for i, (value, label) in enumerate(merged_marks(marks)):
            handles.append(ax.axvline(value, color=INK, linestyle=styles[i % 3], linewidth=1.2, label=label))
        ax.set_yticks(range(len(rows)), [_wrap(label) for label, _ in rows])
        ax.set_ylim(len(rows) - 0.5, -0.7)
        ax.set_xlim(edges[0], edges[-1])
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        plain_linear(fig, ax.xaxis)
        _legend_below(fig, handles)
    return publish(fig, name, alt, caption)


def verdict_map(x_values, y_values, grid, name, *, xlabel, ylabel, marks, alt, caption):
    """One finding's verdict over two parameters: ``grid[i][j]`` at
    (``x_values[j]``, ``y_values[i]``), both evenly spaced; ``marks`` are
    vertical lines [(x, label)]."""

    order = verdict_order(v for row in grid for v in row)
    codes = [[order.index(v) for v in row] for row in grid]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, 3.0 + 0.35 * (len(order) + len(marks) * 2)), layout="constrained")
        x_edges, y_edges = _edges(x_values), _edges(y_values)
        # One image, not a mesh of cells: browsers draw seams between SVG cells.
        ax.imshow(
            codes,
            cmap=ListedColormap([chart_style(v)[0] for v in order]),
            vmin=-0.5,
            vmax=len(order) - 0.5,
            extent=(x_edges[0], x_edges[-1], y_edges[0], y_edges[-1]),
            origin="lower",
            aspect="auto",
            interpolation="nearest",
        )
        styles = ["--", ":", "-."]
        handles = [Patch(facecolor=chart_style(v)[0], label=v) for v in order]
        # One line per rate, drawn in the ink its legend shows (not white on the map, black in the legend).
        for i, (value, label) in enumerate(merged_marks(marks)):
            handles.append(ax.axvline(value, color=INK, linestyle=styles[i % 3], linewidth=1.4, label=label))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(textwrap.fill(ylabel, 28))
        ax.grid(visible=False)
        plain_linear(fig, ax.xaxis)
        plain_linear(fig, ax.yaxis)
        _legend_below(fig, handles)
    return publish(fig, name, alt, caption)
