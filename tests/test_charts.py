"""Charts a reader can read, on a phone too: numbers written as people write
them on every axis (linear, log, counts, dates), tick labels that do not
overlap when drawn, text that stays legible shrunk to a phone's column, and
no scientific notation or names from the code in alt text, captions or labels.

Each rule is shown to bite: a planted bad chart or text is refused."""

from __future__ import annotations

import datetime as dt
import json
import math
import re

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pytest
from matplotlib import ticker

from paper_audit import paths
from paper_audit.audit.verdicts import CONSISTENT, GROSS
from paper_audit.errors import DataError
from paper_audit.present import chart_rules, plots
from paper_audit.run import rate_sweeps
from paper_audit.tables import claims

PLAIN_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?( (million|billion|trillion))?$")
MONTH_YEAR = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")
YEAR = re.compile(r"^\d{4}$")


@pytest.fixture
def drawn(tmp_path, monkeypatch):
    """Charts published into ``tmp_path``; ``drawn[name]`` is the figure each was drawn on."""
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path))
    figures = {}
    real = plots.publish

    def keep(fig, name, *args, **kwargs):
        figures[name] = fig
        return real(fig, name, *args, **kwargs)

    monkeypatch.setattr(plots, "publish", keep)
    return figures


def tick_texts(axis) -> list[str]:
    """The tick labels an axis shows (within its limits), as drawn."""
    low, high = sorted(axis.get_view_interval())
    return [t.label1.get_text() for t in axis.get_major_ticks() if low <= t.get_loc() <= high and t.label1.get_text()]


EVENTS = [
    (dt.date(1953, 7, 27), "reference: armistice signed", "#b35c00"),
    (dt.date(1953, 8, 5), "paper: sixth plenum of the Korean Workers' Party", plots.ACCENT),
    (dt.date(1953, 9, 19), "reference: Soviet aid agreement", "#b35c00"),
    (dt.date(1953, 9, 20), "reference: Soviet aid communique", "#b35c00"),
    (dt.date(1953, 11, 13), "paper: Zhou and Kim first meeting", plots.ACCENT),
    (dt.date(1953, 11, 23), "paper: Sino-Korean agreement", plots.ACCENT),
]
WITHDRAWALS = [dt.date(1953, 7, 27), dt.date(1954, 9, 30), dt.date(1955, 4, 30), dt.date(1958, 10, 26)]


@pytest.fixture(scope="module")
def every_chart(tmp_path_factory):
    """``all_charts`` drawn once for the module (drawing and checking them is
    most of these tests' time): (the charts by name, the figures they were
    drawn on by name, the folder they were published into)."""
    folder = tmp_path_factory.mktemp("charts")
    figures = {}
    real = plots.publish

    def keep(fig, name, *args, **kwargs):
        figures[name] = fig
        return real(fig, name, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(folder))
        patch.setattr(plots, "publish", keep)
        charts = all_charts()
    return charts, figures, folder


def all_charts():
    """One chart of each kind, on data like the book's (dollar sums in the billions, won rates in the thousands)."""
    values = [1.5 + i * 0.005 for i in range(301)]
    rows = [("The gift against the official yuan rate from 1955", [CONSISTENT if v > 2.4 else GROSS for v in values])]
    grid = [[CONSISTENT if abs(x * y - 4) < 0.4 else GROSS for x in values[::30]] for y in (1.1, 2.0, 3.0)]
    return {
        "bars": plots.bars(
            ["Electricity", "All industry (against 1949)"],
            [2471, 60],
            "bars",
            xlabel="won",
            title="",
            alt="Bars",
            caption="Bars",
        ),
        "shares": plots.stacked_share(["Soviet", "China"], [40, 61], "shares", total_label="101", alt="a", caption="c"),
        "won_rates": plots.rates(
            ["North Korean estimate", "Soviet estimate"],
            [2470.6, 123.4],
            "won_rates",
            unit="won per US dollar (log scale)",
            references={},
            alt="Dots",
            caption="Dots",
            log=True,
        ),
        "divisions": plots.steps(WITHDRAWALS, [19, 13, 7, 0], "divisions", ylabel="divisions", alt="a", caption="c"),
        "timeline": plots.timeline(EVENTS, "timeline", alt="Timeline", caption="Timeline"),
        "dollars": plots.dumbbell(
            ["Soviet grant (p. 2)", "Gift (p. 6)", "Debt (p. 6)"],
            [1.7e8, 3.2e9, 9.0e9],
            {"at the official rate": [2.5e8, math.nan, 8.0e9]},
            "dollars",
            xlabel="US dollars (log scale)",
            alt="Dots",
            caption="Dots",
        ),
        "bands": plots.bands(
            values, rows, "bands", xlabel="yuan per US dollar", marks=[(2.4618, "official rate")], alt="a", caption="c"
        ),
        "map": plots.verdict_map(
            values[::30],
            [1.1, 2.0, 3.0],
            grid,
            "map",
            xlabel="yuan",
            ylabel="threshold",
            marks=[],
            alt="a",
            caption="c",
        ),
    }


def test_numbers_are_written_as_people_write_them():
    assert [plots.number(v) for v in (2471, 1.7e8, 3.5e9, 0.25, 4.2e11)] == [
        "2,471",
        "170 million",
        "3.5 billion",
        "0.25",
        "420 billion",
    ]


def test_every_axis_shows_plain_numbers(every_chart):
    _, drawn, _ = every_chart
    for name, fig in drawn.items():
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                if isinstance(axis.get_major_locator(), ticker.FixedLocator):
                    continue  # rows named by their labels, not numbers
                for text in tick_texts(axis):
                    assert PLAIN_NUMBER.match(text) or MONTH_YEAR.match(text) or YEAR.match(text), (
                        f"{name}: tick label {text!r} is not a number as people write it"
                    )


def test_log_axes_tick_at_round_values_without_minor_ticks(every_chart):
    _, drawn, _ = every_chart
    dollars = drawn["dollars"].axes[0].xaxis
    assert tick_texts(dollars) and set(tick_texts(dollars)) <= {
        f"{m} {w}" for m in (100, 200, 300, 500) for w in ("million",)
    } | {f"{m} billion" for m in (1, 2, 3, 5, 10)}, tick_texts(dollars)
    assert not len(dollars.get_minorticklocs())
    won = drawn["won_rates"].axes[0].xaxis
    assert "1,000" in tick_texts(won) and not len(won.get_minorticklocs()), tick_texts(won)


def test_count_axes_tick_at_whole_numbers(drawn, every_chart):
    plots.bars(["a", "b", "c"], [1, 3, 2], "counts", xlabel="problems", title="", alt="a", caption="c")
    divisions = every_chart[1]["divisions"]
    for name, axis in (("counts", drawn["counts"].axes[0].xaxis), ("divisions", divisions.axes[0].yaxis)):
        shown = tick_texts(axis)
        assert shown and all(re.fullmatch(r"\d+", t) for t in shown), f"{name}: {shown}"


def test_dates_read_as_months_or_years_and_do_not_overlap(every_chart):
    _, drawn, _ = every_chart
    months = tick_texts(drawn["timeline"].axes[0].xaxis)
    years = tick_texts(drawn["divisions"].axes[0].xaxis)
    assert months and all(MONTH_YEAR.match(t) for t in months), months
    assert years and all(YEAR.match(t) for t in years), years
    for name in ("timeline", "divisions"):
        assert chart_rules.overlapping_ticks(drawn[name], drawn[name].axes[0].xaxis) == [], name


def test_overlapping_tick_labels_are_found_and_refused(tmp_path, monkeypatch):
    """A planted crowded date axis (a label every week, written in full) is found
    overlapping by drawing it; ``publish`` refuses it."""
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path))
    fig, ax = plt.subplots(figsize=(plots.WIDTH, 2))
    ax.plot([dt.date(1953, 7, 1), dt.date(1953, 12, 31)], [0, 1])
    ax.xaxis.set_major_locator(mdates.WeekdayLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %B %Y"))
    assert chart_rules.overlapping_ticks(fig, ax.xaxis)
    with pytest.raises(DataError, match="'crowded': tick labels of its x axis overlap"):
        plots.publish(fig, "crowded", "a chart", "a chart")


# Issue 26: chart text at least 11 px tall when the page is 390 px wide.
PHONE_MIN_PX = 11


def test_text_stays_legible_on_a_phone(every_chart):
    charts, _, _ = every_chart
    for name, chart in charts.items():
        assert chart.phone_text_px >= PHONE_MIN_PX, (name, chart.width_px, chart.phone_text_px)
        assert chart.width_px <= 600, f"{name} is {chart.width_px:.0f} px wide: a phone shrinks it too far"


def test_text_size_on_a_phone_is_computed_from_inches_dpi_and_the_column():
    """Worked by hand: 10-point text is 10/72 inch, 13.33 CSS px at natural
    size; a 5-inch SVG is 480 px wide, shrunk to the 342 px column (x 0.7125);
    a 4-inch one is 384 px (x 0.8906); a raster image of 100 dpi is 100 px
    to the inch; a chart narrower than the column is not enlarged."""
    assert chart_rules.text_px(10, 5.0, 342) == pytest.approx(9.5)
    assert chart_rules.text_px(10, 4.0, 342) == pytest.approx(11.875)
    assert chart_rules.text_px(10, 5.0, 342, dpi=100) == pytest.approx(9.5)  # 13.89 px x 342/500
    assert chart_rules.text_px(12, 5.0, 342, dpi=200) == pytest.approx(12 * 200 / 72 * 342 / 1000)
    assert chart_rules.text_px(10, 3.0, 342) == pytest.approx(13.333, abs=0.001)
    assert chart_rules.PHONE_COLUMN_PX == 342, "measured in Chromium at 390 px (test_browser checks it)"


def test_the_natural_width_is_the_saved_file_s(every_chart):
    """The width the legibility rule assumes is the one the SVG file states
    (in points, drawn at 96 CSS px to 72 points)."""
    charts, _, folder = every_chart
    for name, chart in charts.items():
        width = re.search(rb'<svg[^>]*\swidth="([\d.]+)pt"', chart.svg)
        assert width, name
        assert float(width.group(1)) * 96 / 72 == pytest.approx(chart.width_px, abs=2), name
        assert (folder / "figures" / f"{name}.svg").read_bytes() == chart.svg


def test_a_chart_as_wide_as_before_is_now_refused(tmp_path, monkeypatch):
    """The old charts (5 inches, 10-point text) came to 9.3 px on a phone: refused."""
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path))
    with plt.rc_context(plots.STYLE):
        fig, ax = plt.subplots(figsize=(5.0, 2), layout="constrained")
        ax.plot([0, 1], [0, 1])
        ax.set_xlabel("a label")
    with pytest.raises(DataError, match="on a phone"):
        plots.publish(fig, "old_width", "a chart", "a chart")


def _shown(fig):
    """(point labels, legend texts) of a drawn chart."""
    ax = fig.axes[0]
    legend = fig.legends[0] if fig.legends else ax.get_legend()
    points = [t.get_text().strip() for t in ax.texts]
    return points, [t.get_text().replace("\n", " ") for t in (legend.get_texts() if legend else [])]


def test_rates_are_written_at_one_precision_and_legends_in_words(drawn):
    references = {
        "Official rate from March 1955, " + plots.attested("high"): 2.4618,
        "Rate before the reform of 1955, " + plots.attested("low"): 2.617,
    }
    plots.rates(
        ["debt", "gift", "tranche"],
        [2.011, 2.0, 2.4],
        "yuan",
        unit="yuan per US dollar",
        references=references,
        alt="a",
        caption="c",
    )
    points, legend = _shown(drawn["yuan"])
    assert points == ["2.01", "2.00", "2.40"]
    assert legend == [
        "Official rate from March 1955, well attested: 2.46",
        "Rate before the reform of 1955, uncertain: 2.62",
    ]
    for text in legend:
        assert "confidence)" not in text and not re.search(r"\d\.\d{3}", text), text


def test_one_precision_is_chosen_for_a_quantity():
    assert chart_rules.decimals_for([2.011, 2.0, 2.4]) == 2
    assert chart_rules.decimals_for([2470.6, 123.4]) == 0
    assert chart_rules.decimals_for([0.052, 0.3]) == 4  # 0.0520, three significant digits
    assert [chart_rules.fixed(v, 2) for v in (2.011, 2.0, 2.4)] == ["2.01", "2.00", "2.40"]


def test_confidence_reads_as_words():
    for level in ("high", "medium-high", "medium", "medium-low", "low", "none"):
        assert "confidence" not in plots.attested(level) and level not in plots.attested(level), level


def test_no_two_legend_lines_fall_on_one_rate(drawn):
    values = [1.5 + i * 0.05 for i in range(31)]
    marks = [(2.4618, "official rate from 1955"), (2.4618, "a reading of 1953-1955"), (2.617, "rate before 1955")]
    plots.bands(
        values, [("gift", [CONSISTENT] * 31)], "bands2", xlabel="yuan per US dollar", marks=marks, alt="a", caption="c"
    )
    grid = [[CONSISTENT if v < 2.2 else GROSS for v in values[::5]] for _ in range(3)]
    plots.verdict_map(
        values[::5], [1.1, 2.0, 3.0], grid, "map2", xlabel="yuan", ylabel="threshold", marks=marks, alt="a", caption="c"
    )
    for name in ("bands2", "map2"):
        fig = drawn[name]
        lines = [line for line in fig.axes[0].get_lines() if line.get_linestyle() != "None"]
        rates = sorted(round(line.get_xdata()[0], 6) for line in lines)
        assert rates == [2.4618, 2.617], (name, rates)
        legend_lines = fig.legends[0].get_lines()
        assert len(legend_lines) == 2, name
        _, texts = _shown(fig)
        assert any("official rate from 1955" in t and "a reading of 1953-1955" in t for t in texts), texts
        # The lines drawn and the legend's lines are the same colour, and not white on the map.
        for drawn_line, shown in zip(lines, legend_lines, strict=True):
            assert drawn_line.get_color() == shown.get_color() != "white", name


def test_the_volunteers_chart_shows_the_finding(drawn):
    """The gap between the paper's divisions and the official history's range:
    a dot at the paper's figure, a bar over the range, both ends written."""
    plots.spans(
        [("The paper (p. 3)", 34, 34), ("The official history", 41, 52)],
        "strength",
        xlabel="divisions",
        alt="a",
        caption="c",
    )
    points, _ = _shown(drawn["strength"])
    assert points == ["34", "41", "52"]
    notebook = json.loads((paths.NOTEBOOKS_DIR / "volunteers.ipynb").read_text(encoding="utf-8"))
    charts = ["".join(c["source"]) for c in notebook["cells"] if "chapter.chart(" in "".join(c["source"])]
    assert charts and all("plots.spans(" in c for c in charts), "the chapter charts the strength finding"
    assert any("chapter.findings[" in c and '"cpv_strength_official"' in c for c in charts), "drawn from the finding"
    assert not any("plots.steps(" in c for c in charts), "the subtraction that agrees is not the chapter's chart"


def test_text_too_small_for_a_phone_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path))
    fig, ax = plt.subplots(figsize=(plots.WIDTH, 2))
    ax.text(0.5, 0.5, "a footnote in tiny print", fontsize=5)
    with pytest.raises(DataError, match="'tiny'.*'a footnote in tiny print'.*on a phone"):
        plots.publish(fig, "tiny", "a chart", "a chart")
    wide, ax = plt.subplots(figsize=(14, 2))  # 10-point text, but the chart is shrunk to a quarter
    ax.set_xlabel("a label")
    with pytest.raises(DataError, match="on a phone"):
        plots.publish(wide, "wide", "a chart", "a chart")


@pytest.mark.parametrize(
    "field, text, culprit",
    [
        ("alt", "Dot chart: stated 1.7e+08 dollars", "1.7e+0"),
        ("alt", "a rate of 2.47E3", "2.47E3"),
        ("caption", "over yuan_per_usd and gross_factor", "yuan_per_usd"),
        ("caption", "if nearly_below were larger", "nearly_below"),
    ],
)
def test_alt_text_and_captions_refuse_scientific_notation_and_code_names(tmp_path, monkeypatch, field, text, culprit):
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path))
    texts = {"alt": "Bars", "caption": "Bars", field: text}
    with pytest.raises(DataError) as refused:
        plots.bars(["a"], [1], "planted", xlabel="count", title="", **texts)
    message = str(refused.value)
    assert "'planted'" in message and culprit in message and ("alt text" if field == "alt" else "caption") in message
    assert not (tmp_path / "figures" / "planted.svg").exists()


@pytest.mark.parametrize(
    "option, text",
    [("xlabel", "rubles_per_usd"), ("title", "Rates near 1e+05")],
)
def test_labels_and_titles_refuse_them_too(tmp_path, monkeypatch, option, text):
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path))
    options = {"xlabel": "count", "title": "", option: text}
    with pytest.raises(DataError, match="'planted'"):
        plots.bars(["a"], [1], "planted", alt="Bars", caption="Bars", **options)


def test_plain_prose_passes_the_check():
    chart_rules.check_text(
        "fine", "caption", "Output at 26 percent of 1949 (p. 2, note 7); 170 million rubles, 2,471 won."
    )


def test_the_gift_map_speaks_in_words(tmp_path, monkeypatch):
    """The scenarios chapter's map (and the summary glued into its prose) name
    the assumptions in words, never as parameters (Fig. 12 once said
    ``yuan_per_usd``); checked on a small grid."""
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path))
    table = claims.load_claims()
    yuan = rate_sweeps.rate_sweep("yuan", "1.5:3.0:7", table)
    gift = next(c for c in yuan.titles if "chinese_gift_yuan" in c or "gift" in yuan.titles[c].lower())
    result = rate_sweeps.two_way(gift, [("yuan_per_usd", "1.5:3.0:7"), ("gross_factor", "1.1:3.0:3")], table)
    rates = rate_sweeps.official_rates("yuan")
    summary = rate_sweeps.map_summary(result, rates, table)
    chart = rate_sweeps.map_chart(result, rates, "gift_map", summary)
    for text in (summary, chart.alt, chart.caption):
        assert not chart_rules.IDENTIFIER.search(text), text
        assert not chart_rules.SCIENTIFIC.search(text), text
    assert "the yuan rate (yuan per US dollar)" in summary + chart.alt


@pytest.mark.parametrize("chart", ["dumbbell", "rates", "bars"])
def test_rows_make_room_for_long_wrapped_labels(tmp_path, monkeypatch, chart):
    """A page added with long row labels (four wrapped lines each, as a drafted
    conversion has) grows the chart instead of overlapping its labels."""
    monkeypatch.setenv("PAPER_AUDIT_OUTPUT_DIR", str(tmp_path))
    labels = [f"drafted, to review: rubles in “paid them {n}00 rubles monthly” (high end) (p. 7)" for n in range(6)]
    assert all(plots._wrap(label).count("\n") >= 3 for label in labels)
    values = [1e6 * (n + 1) for n in range(6)]
    common = dict(alt="Rows with long labels.", caption="Rows with long labels.")
    if chart == "dumbbell":
        plots.dumbbell(labels, values, {"at a rate": values}, "long_rows", xlabel="US dollars", **common)
    elif chart == "rates":
        plots.rates(labels, [n + 1.0 for n in range(6)], "long_rows", unit="rubles per USD", references={}, **common)
    else:
        plots.bars(labels, values, "long_rows", xlabel="US dollars", title="Long rows", **common)
    assert (tmp_path / "figures" / "long_rows.svg").exists()


def test_the_sweep_notes_write_every_rate_at_one_precision(drawn):
    """The bands' notes once read "consistent at 2.01 to 2.0125"."""
    table = claims.load_claims()
    yuan = rate_sweeps.rate_sweep("yuan", "1.5:3.0:241", table)
    rates = rate_sweeps.official_rates("yuan")
    agree = rate_sweeps.agreement(yuan, rates)
    rate_sweeps.band_chart(yuan, rates, agree, "bands_notes")
    notes = [t.get_text() for t in drawn["bands_notes"].axes[0].texts if "consistent at" in t.get_text()]
    numbers = [n for note in notes for n in re.findall(r"\d+\.\d+|\d+", note)]
    assert notes and numbers, notes
    assert len({len(n.partition(".")[2]) for n in numbers}) == 1, f"rates at several precisions: {notes}"
