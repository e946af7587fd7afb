"""Search that finds the paper's figures.

Sphinx's search cannot: it splits a query at every dot ("362.5" becomes "362"
and "5") and then drops the terms made of digits only. This extension writes
``_static/figure-index.js``, an index of every figure of the claims
(``data/claims.csv``) and of every value of the reference facts
(``data/reference/``), loaded by the search page only; ``audit.js`` consults
it for each query that holds a number or a number word ("362.5",
"thirty-four", "2.4618", "22,735") and puts the figures it matches at the top
of the search results.

A figure of the paper leads to the chapter that discusses it (at the quoted
sentence it stands in, when the chapter quotes it) and to the source text
(at its page or footnote); a reference value leads to the flags of the checks
that use it, or, when no check names it, to the references. The index is the
same for the same data and pages: two builds write the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pandas as pd

from paper_audit import paths
from paper_audit.tables import claims as claims_table
from paper_audit.tables import reference, schema

FILENAME = "figure-index.js"
VARIABLE = "AUDIT_FIGURE_INDEX"
SOURCE_DOC = "book/source_text"
REFERENCES_DOC = "book/references"
CHAPTER_PREFIX = "notebooks/"
CHAPTER_DOC = CHAPTER_PREFIX + "{chapter}"
# Where, in a page the build wrote, a figure can be linked to: a quoted sentence
# (a chapter), a footnote or a page of the source text, a flag.
ANCHOR = re.compile(
    r'id="(?P<anchor>passage-\d+-\d+|p\d+-fn-\d+|page-\d+-title|flag-[A-Za-z0-9_-]+)"'
    r'|data-claim="(?P<claim>[^"]+)"|(?P<close></blockquote>|</section>)'
)
FLAG_ID = re.compile(r'id="(flag-[A-Za-z0-9_-]+)"')


def number(value: float) -> str:
    """A value as the reader would type it: 34, 2.4618, 0.75 (never 34.0)."""
    return f"{value:.6g}" if value != int(value) else str(int(value))


def _clean(value) -> float | None:
    """A value with at most four decimals (0.75, 33.3), None for others (a third)."""
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return value if math.isclose(value, round(value, 4), rel_tol=0, abs_tol=1e-9) else None


def spoken_date(text: str) -> str:
    """An ISO date or month as the paper writes it: 1953-07-27 -> 27 July 1953."""
    parts = text.split("-")
    if len(parts) == 3:
        day = dt.date.fromisoformat(text)
        return f"{day.day} {day:%B %Y}"
    if len(parts) == 2:
        return f"{dt.date(int(parts[0]), int(parts[1]), 1):%B %Y}"
    return text


def claim_keys(claim) -> list[str]:
    """What a reader may type to find a claim: its figure as printed, its value
    in digits (34 for "thirty-four"), with its scale (1 billion), its date."""
    keys = [claim["figure"]]
    value = _clean(claim.get("value"))
    if value is not None:
        keys.append(number(value))
        if claim.get("scale"):
            keys.append(f"{number(value)} {claim['scale']}")
    low, high = _clean(claim.get("low")), _clean(claim.get("high"))
    if low is not None and high is not None:
        keys.append(f"{number(low)} to {number(high)}")
    if claim.get("date"):
        keys += [claim["date"], spoken_date(claim["date"])]
    return list(dict.fromkeys(keys))


def link_anchors(html: str) -> tuple[dict[str, str], set[str]]:
    """In a page the build wrote: for each claim marked in it (``data-claim``),
    the anchor of the first quoted sentence, footnote or page it stands in; and
    every flag's id."""
    found: dict[str, str] = {}
    current = ""
    for match in ANCHOR.finditer(html):
        if match["anchor"]:
            current = match["anchor"]
        elif match["close"]:
            current = ""
        elif current and match["claim"] not in found:
            found[match["claim"]] = current
    return found, set(FLAG_ID.findall(html))


def _link(doc: str, titles: dict[str, str], anchor: str = "", title: str = "") -> list[str]:
    return [doc, f"#{anchor}" if anchor else "", title or titles[doc]]


def _claim_entry(claim, titles, anchors) -> dict | None:
    chapter = CHAPTER_DOC.format(chapter=claim["chapter"])
    footnote = claim["footnote"]
    where = f"p. {claim['page']}" + ("" if pd.isna(footnote) else f", note {int(footnote)}")
    links = []
    if chapter in titles:
        links.append(_link(chapter, titles, anchors.get(chapter, {}).get(claim["id"], "")))
    if SOURCE_DOC in titles:
        at = anchors.get(SOURCE_DOC, {}).get(claim["id"], "")
        links.append(_link(SOURCE_DOC, titles, at, f"{titles[SOURCE_DOC]}, {where}"))
    if not links:
        return None
    return {
        "id": claim["id"],
        "figure": claim["figure"],
        "keys": claim_keys(claim),
        "context": claim["quote"],
        "description": f"{where}: “{claim['quote']}”",
        "links": links,
    }


def _fact_display(kind: str, row) -> tuple[str, list[str], str]:
    """(figure, keys, description) of a reference fact."""
    if kind == "exchange-rates":
        rate = float(row["units_per_usd"])
        end = row["valid_to"] or "open"
        figure = f"{number(rate)} {row['currency']} per US dollar"
        return (
            figure,
            [row["units_per_usd"], number(rate), figure],
            f"reference rate, valid {row['valid_from']} to {end}: {row['basis']}",
        )
    if kind == "reference-dates":
        figure = spoken_date(row["date"]) + (f" to {spoken_date(row['date_end'])}" if row["date_end"] else "")
        keys = [row["date"], spoken_date(row["date"])]
        if row["date_end"]:
            keys += [row["date_end"], spoken_date(row["date_end"])]
        return figure, keys, f"reference date: {row['event']}"
    if kind == "cross-rates":
        rate = float(row["units"])
        end = row["valid_to"] or "open"
        figure = f"{number(rate)} {row['currency']} per {row['per_currency']}"
        return (
            figure,
            [row["units"], number(rate), figure],
            f"reference rate, valid {row['valid_from']} to {end}: {row['basis']}",
        )
    if kind == "reference-sums":
        scaled = f"{row['value']} {row['scale']}".strip()
        figure = f"{scaled} {row['unit']}"
        return figure, [row["value"], number(float(row["value"])), scaled, figure], f"reference sum: {row['fact']}"
    figure = row["value"] if row["unit"] == "fraction" else f"{row['value']} {row['unit']}"
    return figure, [row["value"], number(float(row["value"])), figure], f"reference count: {row['fact']}"


def _fact_entry(kind, row, checks, titles, flags) -> dict | None:
    links = []
    for check in checks:
        chapter = CHAPTER_DOC.format(chapter=check["chapter"])
        if row["id"] in check["inputs"].split() and chapter in titles:
            anchor = f"flag-{check['id']}"
            link = _link(chapter, titles, anchor if anchor in flags.get(chapter, set()) else "")
            if link not in links:
                links.append(link)
    if not links and REFERENCES_DOC in titles:
        links.append(_link(REFERENCES_DOC, titles))
    if not links:
        return None
    figure, keys, description = _fact_display(kind, row)
    return {
        "id": row["id"],
        "figure": figure,
        "keys": list(dict.fromkeys(keys)),
        "description": description,
        "links": links,
    }


def figure_index(
    claims: pd.DataFrame,
    facts: dict[str, pd.DataFrame],
    checks: list[dict],
    titles: dict[str, str],
    anchors: dict[str, dict[str, str]] | None = None,
    flags: dict[str, set[str]] | None = None,
) -> dict:
    """The index: one entry per claim, then per reference fact, in the data's
    order, each with the keys a query is matched against and its links
    ``[docname, "#anchor" or "", title]`` to the pages of ``titles`` (docname:
    title) that discuss it. ``anchors`` and ``flags`` (from ``link_anchors``)
    point the links at the very place."""
    anchors, flags = anchors or {}, flags or {}
    entries = [_claim_entry(claim, titles, anchors) for _, claim in claims.iterrows()]
    for kind, table in facts.items():
        entries += [_fact_entry(kind, row, checks, titles, flags) for _, row in table.iterrows()]
    return {"entries": [e for e in entries if e is not None]}


def script(index: dict) -> str:
    """The index as the script the search page loads."""
    data = json.dumps(index, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"var {VARIABLE} = {data};\n"


def _titles(app) -> dict[str, str]:
    return {doc: app.env.titles[doc].astext() for doc in sorted(app.env.found_docs) if doc in app.env.titles}


def _read_built(app, docs) -> tuple[dict, dict]:
    anchors, flags = {}, {}
    for doc in docs:
        page = Path(app.outdir) / app.builder.get_outfilename(doc)
        if page.is_file():
            anchors[doc], flags[doc] = link_anchors(page.read_text(encoding="utf-8"))
    return anchors, flags


def _write(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    titles = _titles(app)
    anchors, flags = _read_built(app, [d for d in titles if d.startswith(CHAPTER_PREFIX) or d == SOURCE_DOC])
    checks = claims_table.read_csv_strict(paths.CHECKS_CSV, schema.field_names("checks"))
    index = figure_index(claims_table.load_claims(), reference.load(), checks, titles, anchors, flags)
    target = Path(app.outdir) / "_static" / FILENAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(script(index), encoding="utf-8")


def _search_page(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        app.add_js_file(FILENAME)


def setup(app):
    app.connect("html-page-context", _search_page)
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
