"""The rules every chart of ``plots`` follows, checked on the drawn figure:
numbers written as people write them ("2,471", "170 million", never
"2.47e+03" or a power of ten), tick labels that do not overlap, no names from
the code in what a reader sees, and text still legible when the chart is
shrunk to a phone's text column."""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("svg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import ticker  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from paper_audit.errors import DataError  # noqa: E402
from paper_audit.present import render  # noqa: E402

# A chart is drawn at its natural size on a laptop and shrunk to the text
# column on a phone: 342 px wide on a 390 px screen (Chromium, the book's
# theme; a browser test measures it). Its smallest text must stay at least
# 11 px tall there (issue 26), so charts are narrow (4 inches, 384 px) and
# their smallest text is 10 points.
PHONE_COLUMN_PX = 342
MIN_TEXT_PX = 11.0
CSS_PX_PER_INCH = 96  # CSS fixes 96 px to the inch
POINTS_PER_INCH = 72


def natural_width_px(width_in: float, dpi: float | None = None) -> float:
    """How wide a browser draws a chart ``width_in`` inches wide at its natural
    size, in CSS px. An SVG states its size in points (72 to the inch), which
    CSS draws at 96 px to the inch whatever the figure's dpi; a raster image
    (``dpi`` given) is drawn one CSS px per pixel: ``width_in * dpi``."""
    return width_in * (dpi or CSS_PX_PER_INCH)


def text_px(font_pt: float, width_in: float, column_px: float = PHONE_COLUMN_PX, dpi: float | None = None) -> float:
    """How tall text of ``font_pt`` points is on screen, in CSS px, in a chart
    ``width_in`` inches wide shown in a column ``column_px`` wide (``max-width:
    100%``: shrunk when wider than the column, never enlarged)."""
    natural = natural_width_px(width_in, dpi)
    return font_pt / POINTS_PER_INCH * (dpi or CSS_PX_PER_INCH) * min(1.0, column_px / natural)


def decimals_for(values, significant: int = 3) -> int:
    """One precision for a quantity: the decimals that give the smallest of
    ``values`` ``significant`` digits, used for all of them (2.01, 2.00, 2.40;
    never 2.01, 2, 2.4)."""
    sizes = [abs(float(v)) for v in values if v == v and v]
    if not sizes:
        return 0
    return max(0, significant - 1 - math.floor(math.log10(min(sizes))))


def fixed(value, decimals: int) -> str:
    """``value`` with thousands separators and exactly ``decimals`` decimals."""
    return f"{float(value):,.{decimals}f}"


# A reference fact's confidence (data/reference) in a legend's words.
CONFIDENCE_WORDS = {
    "high": "well attested",
    "medium-high": "fairly well attested",
    "medium": "less certain",
    "medium-low": "doubtful",
    "low": "uncertain",
    "none": "unsupported",
}


def attested(confidence: str) -> str:
    """The words a legend uses for a reference fact's confidence."""
    return CONFIDENCE_WORDS.get(str(confidence).strip().lower(), f"{confidence} confidence")


def merged_marks(marks) -> list[tuple[float, str]]:
    """Vertical lines ``[(value, label)]``, one per value: labels of lines that
    fall on one rate are joined, so that no two legend lines name one rate."""
    merged: dict[float, list[str]] = {}
    for value, label in marks:
        key = next((k for k in merged if math.isclose(k, float(value), rel_tol=1e-9)), float(value))
        merged.setdefault(key, [])
        if label not in merged[key]:
            merged[key].append(label)
    return [(value, "; ".join(labels)) for value, labels in merged.items()]


# Text a reader should never see in a chart, its alt text or caption:
# scientific notation ("2.47e+03"), powers of ten drawn as mathtext, and
# identifiers from the code ("rubles_per_usd").
SCIENTIFIC = re.compile(r"\d(\.\d+)?e[+-]?\d", re.IGNORECASE)
POWER = re.compile(r"\\mathdefault|\^\{|\\times")
IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")


def number(value, digits: int = 5) -> str:
    """A number for alt text, captions and labels, written as the charts write
    it: "2,471", "170 million", "3.5 billion" (``render.amount``)."""
    return render.amount(value, digits)


def check_text(chart: str, field: str, text: str) -> None:
    """Refuse text a reader should not see, naming the chart, the field and the culprit."""
    for pattern, what, fix in (
        (SCIENTIFIC, "scientific notation", "write the number with plots.number(value)"),
        (POWER, "a power of ten", "write the number with plots.number(value)"),
        (IDENTIFIER, "a name from the code", "say in words what it is"),
    ):
        found = pattern.search(text or "")
        if found:
            raise DataError(f"chart {chart!r}: its {field} shows {what} ({found.group(0)!r} in {text!r}); {fix}")


def _plain(value, _position=None) -> str:
    return render.amount(value)


class DateLabels(ticker.Formatter):
    """Dates as people write them, as finely as the ticks need: "1954" for
    ticks on the first of January, "Sep 1953" on the first of a month,
    "20 Sep 1953" otherwise."""

    def format_ticks(self, values):
        days = [mdates.num2date(v).date() for v in values]
        if all(d.month == 1 and d.day == 1 for d in days):
            return [f"{d:%Y}" for d in days]
        if all(d.day == 1 for d in days):
            return [f"{d:%b %Y}" for d in days]
        return [f"{d.day} {d:%b %Y}" for d in days]

    def __call__(self, value, position=None):
        return self.format_ticks([value])[0]


def overlapping_ticks(fig, axis, gap_px: float = 4.0) -> list[tuple[str, str]]:
    """The pairs of neighbouring tick labels of ``axis`` that overlap (or come
    closer than ``gap_px``) when ``fig`` is drawn: what a reader could not read."""
    renderer = _draw(fig)
    low, high = sorted(axis.get_view_interval())
    ticks = [
        t
        for t in axis.get_major_ticks()
        if t.label1.get_visible() and t.label1.get_text() and low <= t.get_loc() <= high
    ]
    across = axis.axis_name == "x"
    placed = sorted(
        ((t.label1.get_window_extent(renderer), t.label1.get_text()) for t in ticks),
        key=lambda p: p[0].x0 if across else p[0].y0,
    )
    clashes = []
    for (a, text_a), (b, text_b) in zip(placed, placed[1:], strict=False):
        if (b.x0 < a.x1 + gap_px) if across else (b.y0 < a.y1 + gap_px / 2):
            clashes.append((text_a, text_b))
    return clashes


def _draw(fig):
    """Draw ``fig`` (for text extents) and return the renderer."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _fit(fig, axis, choices) -> None:
    """Set the first (densest) of ``choices`` — (locator, formatter) pairs —
    whose tick labels do not overlap; the last one if none fits."""
    for locator, formatter in choices:
        axis.set_major_locator(locator)
        axis.set_major_formatter(formatter)
        if not overlapping_ticks(fig, axis):
            return


def plain_log(fig, axis) -> None:
    """A log axis with ticks at round values (1, 2, 5 times a power of ten, or
    fewer), labelled as plain numbers, without minor ticks."""
    axis.set_minor_locator(ticker.NullLocator())
    formatter = ticker.FuncFormatter(_plain)
    _fit(
        fig,
        axis,
        [
            (ticker.LogLocator(10, subs=subs, numticks=n), formatter)
            for subs, n in (((1, 2, 5), 30), ((1, 3), 30), ((1,), 12), ((1,), 6), ((1,), 3))
        ],
    )


def plain_dates(fig, axis) -> None:
    """A date axis with as many ticks as fit without overlap, labelled "Sep 1953" or "1954"."""
    _fit(fig, axis, [(mdates.AutoDateLocator(minticks=2, maxticks=n), DateLabels()) for n in (10, 8, 6, 5, 4, 3, 2)])


def plain_linear(fig, axis, *, integer: bool = False) -> None:
    """A linear axis of plain numbers, with fewer ticks if they would overlap."""
    formatter = ticker.FuncFormatter(_plain)
    steps = [1, 2, 2.5, 5, 10]
    _fit(
        fig,
        axis,
        [(ticker.MaxNLocator(nbins=n, integer=integer, steps=steps), formatter) for n in ("auto", 6, 4, 3, 2)],
    )


def _drawn_texts(fig):
    """Every text the chart shows, with what it is: (kind, ``Text``); tick
    labels outside the axes' limits are not drawn and not listed."""
    kinds, hidden = {}, set()
    for ax in fig.axes:
        for title in (ax.title, getattr(ax, "_left_title", None), getattr(ax, "_right_title", None)):
            kinds[id(title)] = "title"
        legend = ax.get_legend()
        for text in legend.get_texts() if legend else ():
            kinds[id(text)] = "legend"
        for axis in (ax.xaxis, ax.yaxis):
            kinds[id(axis.label)] = "axis label"
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                for label in (tick.label1, tick.label2):
                    kinds[id(label)] = "tick label"
                    if not low <= tick.get_loc() <= high:
                        hidden.add(id(label))
    for legend in fig.legends:
        for text in legend.get_texts():
            kinds[id(text)] = "legend"
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and id(text) not in hidden:
            yield kinds.get(id(text), "label"), text


def legibility(fig) -> tuple[float, float, str]:
    """The chart's natural width (CSS px) and its smallest text, in px, once
    shrunk to a phone's text column, with that text."""
    renderer = _draw(fig)
    # The saved SVG is the tight box and its padding (bbox_inches="tight"), in inches.
    width_in = fig.get_tightbbox(renderer).width + 2 * plt.rcParams["savefig.pad_inches"]
    smallest = min((t for _, t in _drawn_texts(fig)), key=lambda t: t.get_fontsize())
    return natural_width_px(width_in), text_px(smallest.get_fontsize(), width_in), smallest.get_text()


def check_figure(fig, name: str) -> tuple[float, float]:
    """Refuse a chart a reader could not read: text with scientific notation or
    code names, tick labels that overlap, text under ``MIN_TEXT_PX`` on a phone.
    Returns its natural width and smallest text on a phone (px)."""
    _draw(fig)
    for kind, text in _drawn_texts(fig):
        check_text(name, kind, text.get_text())
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            clashes = overlapping_ticks(fig, axis)
            if clashes:
                raise DataError(f"chart {name!r}: tick labels of its {axis.axis_name} axis overlap: {clashes}")
    width_px, smallest_px, text = legibility(fig)
    if smallest_px < MIN_TEXT_PX:
        raise DataError(
            f"chart {name!r}: its text {text!r} would be {smallest_px:.1f} px tall on a phone "
            f"(the chart is {width_px:.0f} px wide, shrunk to {PHONE_COLUMN_PX} px); at least {MIN_TEXT_PX:g} px "
            "is legible: use larger text or a narrower chart"
        )
    return width_px, smallest_px
