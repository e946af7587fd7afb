"""What a graded class adds up to, for the instructor: one row per student
in ``totals.csv`` (``totals``), and ``class-report.html`` (``report_html``),
a page that stands alone (its chart is a PNG inside it) with the
distribution of the scores of every question, as a chart and as a table,
and every student's total. Both are made from the rows of ``scores.csv``
alone, so a regrade of one student (``--only``) makes them again for the
whole class. Every text on the page is escaped; the page runs no script and
loads nothing.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from paper_audit.instructor.clean_text import one_line
from paper_audit.instructor.feedback import PAGE

TOTALS_COLUMNS = ["submission", "automatic_points", "written_points", "total", "max_points", "status", "problem"]
# Colours told apart with any colour vision (Okabe-Ito), in the order of the legend.
BANDS = {"full points": "#009E73", "part": "#56B4E9", "none": "#D55E00", "awaiting marks": "#999999"}


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _fmt(points: float | None) -> str:
    return "" if points is None else f"{points:g}"


def totals(rows: list[dict], written: set[str], statuses: dict[str, tuple[str, str]]) -> list[dict]:
    """One row per submission (in the order of ``rows``, as ``scores.csv``
    holds them): automatic and written points, the total (blank, like the
    written points, while any written answer awaits marks), the most it could
    get, and its status and problem (``statuses``: name -> (status, problem))."""
    by_name: dict[str, list[dict]] = {}
    for row in rows:
        by_name.setdefault(row["submission"], []).append(row)
    table = []
    for name, mine in by_name.items():
        auto = sum(_number(r["points"]) or 0 for r in mine if r["question"] not in written)
        marks = [_number(r["points"]) for r in mine if r["question"] in written]
        written_points = None if any(m is None for m in marks) else sum(m or 0 for m in marks)
        status, problem = statuses.get(name, ("awaiting marks" if written_points is None else "graded", ""))
        table.append(
            {
                "submission": name,
                "automatic_points": _fmt(auto),
                "written_points": _fmt(written_points),
                "total": _fmt(None if written_points is None else auto + written_points),
                "max_points": _fmt(sum(_number(r["max_points"]) or 0 for r in mine)),
                "status": status,
                "problem": problem,
            }
        )
    return table


def distribution(rows: list[dict]) -> dict[str, dict[str, int]]:
    """question -> band of ``BANDS`` -> how many submissions scored in it, questions in their order."""
    bands: dict[str, Counter] = {}
    for row in rows:
        points, most = _number(row["points"]), _number(row["max_points"]) or 0
        if points is None:
            band = "awaiting marks"
        elif points >= most:
            band = "full points"
        else:
            band = "part" if points > 0 else "none"
        bands.setdefault(row["question"], Counter())[band] += 1
    return {question: {band: counts[band] for band in BANDS} for question, counts in bands.items()}


def _chart_png(counts: dict[str, dict[str, int]]) -> bytes:
    questions = list(counts)
    fig = Figure(figsize=(6.4, 1.0 + 0.45 * len(questions)), dpi=100)
    FigureCanvasAgg(fig)
    axis = fig.add_subplot()
    left = [0] * len(questions)
    for band, colour in BANDS.items():
        widths = [counts[q][band] for q in questions]
        axis.barh(questions, widths, left=left, color=colour, label=band)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axis.invert_yaxis()
    axis.set_xlabel("submissions")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.legend(ncols=len(BANDS), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=9)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _alt(counts: dict[str, dict[str, int]]) -> str:
    parts = [
        f"{question}: " + ", ".join(f"{n} {band}" for band, n in bands.items() if n)
        for question, bands in counts.items()
    ]
    return "For each question, how many submissions got full points, part of them, none, or await marks. " + (
        "; ".join(parts) + "."
    )


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(one_line(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(assignment: str, rows: list[dict], total_rows: list[dict]) -> str:
    """The class report page: the chart and table of every question's scores, and the totals."""
    counts = distribution(rows)
    points: dict[str, Counter] = {}
    for row in rows:
        points.setdefault(row["question"], Counter())[row["points"] or "awaiting marks"] += 1
    detail = [
        [question, "; ".join(f"{p}: {n}" for p, n in sorted(c.items(), key=lambda pn: _number(pn[0]) or -1))]
        for question, c in points.items()
    ]
    chart = base64.b64encode(_chart_png(counts)).decode("ascii") if counts else ""
    body = [
        f"<h1>{html.escape(assignment)}: class report</h1>",
        f"<p>{len(total_rows)} submission(s). Points per question (chart and table), then every student's total.</p>",
        "<h2>Scores per question</h2>",
        f'<img src="data:image/png;base64,{chart}" alt="{html.escape(_alt(counts))}">' if chart else "",
        _table(["question", "points given: number of submissions"], detail),
        "<h2>Totals</h2>",
        _table(
            ["submission", "automatic", "written", "total", "of", "status", "problem"],
            [[r[c] for c in TOTALS_COLUMNS] for r in total_rows],
        ),
    ]
    return PAGE.format(title=html.escape(f"{assignment}: class report"), body="\n".join(body))
