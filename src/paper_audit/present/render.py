"""HTML for badges, flags and tables. Every piece of text that comes from data
goes through ``html.escape`` here, so a quote containing ``<script>`` renders
as text. Chapters call these functions; they never build HTML themselves."""

from __future__ import annotations

import html
import math
from typing import Iterable

from paper_audit.audit import evidence
from paper_audit.audit.verdicts import EVIDENCE, EVIDENCE_KINDS, NO_VERDICT, SEVERITY, VERDICTS
from paper_audit.tables import reference
from paper_audit.text import passages as sentences
from paper_audit.text import source


def esc(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(text), quote=True)


def admonition(kind: str, title: str, paragraphs: Iterable[str], *, anchor: str = "", classes: str = "") -> str:
    """A Sphinx-styled admonition box; ``paragraphs`` are plain text, escaped here."""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    return (
        f'<div class="admonition {esc(kind)} {esc(classes)}"{ident} role="note">'
        f'<p class="admonition-title">{esc(title)}</p>{body}</div>'
    )


REGISTER_PAGE = "../book/findings.html"
REFERENCES_PAGE = "../book/references.html"
# Chapters and book pages sit one folder deep, so one relative prefix serves both.
CHAPTER_PAGES = "../notebooks/"


def finding_anchor(check_id: str) -> str:
    return f"finding-{check_id}"


def badge(finding, register: str = REGISTER_PAGE) -> str:
    """An inline badge: the verdict at a glance, linking to the finding in the register."""
    verdict = VERDICTS[finding.verdict]
    return (
        f'<a class="audit-badge {verdict.css_class}" href="{esc(register)}#{esc(finding_anchor(finding.check))}" '
        f'title="{esc(finding.title)}: {esc(finding.label)} ({esc(finding.evidence)})">'
        f'<span aria-hidden="true">{verdict.symbol}</span> {esc(badge_text(finding, verdict.short))}</a>'
    )


def badge_text(finding, label: str) -> str:
    """The badge's words: the verdict and its kind of evidence ("consistent ·
    arithmetic"); a difference between sources with its size."""
    if finding.evidence == "sources":
        return finding.label
    return f"{label} · {finding.evidence}"


def source_line(quote: dict) -> str:
    note = f", note {quote['footnote']}" if quote["footnote"] else ""
    return f"p. {quote['page']}{note}"


def reporter(quote: dict) -> str:
    """Who reported a figure, when and why, as the paper's footnotes give it."""
    parts = [quote.get("reported_by", ""), quote.get("reported_when", ""), quote.get("reported_why", "")]
    return "; ".join(p for p in parts if p)


def flag(finding) -> str:
    """An admonition at the point of discussion, with the computation written out."""
    verdict = VERDICTS[finding.verdict]
    quotes = "".join(f"<li><q>{esc(q['quote'])}</q> ({esc(source_line(q))})</li>" for q in finding.quotes)
    reporters = list(dict.fromkeys(reporter(q) for q in finding.quotes if reporter(q)))
    if finding.phrase:
        quotes = (
            f"<li>Phrase: <q>{esc(finding.phrase['text'])}</q> ({esc(source_line(finding.phrase))})</li>"
        ) + quotes
    rows = [
        ("Evidence", f"{finding.evidence}: {EVIDENCE[finding.evidence].meaning}"),
        ("Verdict", finding.label),
        ("Stated", finding.stated),
        ("Recomputed", finding.computed),
        ("Computation", finding.computation),
    ]
    if finding.implied_rate:
        rows.append(("Implied rate", finding.implied_rate))
    if finding.gap_rel is not None and finding.kind not in ("date_in_reference",):
        rows.append(("Gap", f"{finding.gap_rel:+.1%} of the stated value"))
    rows += [("Reported by", who) for who in reporters]
    if finding.definitional:
        rows.append(("Note", "restates a definition: it cannot fail and is not counted as agreement"))
    table = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in rows)
    return (
        f'<div class="admonition {verdict.admonition} audit-flag {verdict.css_class}" id="flag-{esc(finding.check)}" '
        f'role="note"><p class="admonition-title">{verdict.symbol} '
        f"{esc(finding.label[:1].upper() + finding.label[1:])} ({esc(finding.evidence)}): {esc(finding.title)}</p>"
        f'<ul class="audit-quotes">{quotes}</ul>'
        f'<table class="audit-computation">{table}</table>'
        f"<p>{esc(finding.explanation)}</p>"
        f"{yardstick_lines(finding)}"
        f'<p><a href="{esc(REGISTER_PAGE)}#{esc(finding_anchor(finding.check))}">In the findings register</a></p></div>'
    )


def source_anchor(source_id: str) -> str:
    return f"source-{source_id}"


def yardstick_lines(finding, references: str = REFERENCES_PAGE) -> str:
    """One line per reference fact a finding uses (``reference.facts_used``): the
    fact, its confidence, and a link to each of its sources on the references page."""
    lines = []
    for fact_id in reference.facts_used(finding):
        links = "; ".join(
            f'<a href="{esc(references)}#{esc(source_anchor(s))}">{esc(reference.cite(s))}</a>'
            for s in reference.source_ids(reference.lookup(fact_id)[1])
        )
        lines.append(f'<p class="audit-yardstick">Yardstick: {esc(reference.fact_line(fact_id))} — {links}</p>')
    return "".join(lines)


def reference_sources(group: str) -> str:
    """The references page's sources of one kind of fact (a resource of
    ``reference.FILES``), each once, with its anchor, what is known of it and
    the facts that rest on it. No link: a cell's HTML is a light box in the dark theme."""
    listed, earlier = reference.groups()[group]
    items = []
    for source_id in listed:
        lead, title, tail, supplied = reference.citation(source_id)
        note = reference.sources().loc[source_id, "note"]
        facts = "".join(f"<li>{esc(reference.fact_line(f))}</li>" for f in reference.facts_of(source_id))
        items.append(
            f'<li id="{esc(source_anchor(source_id))}" class="audit-source"><p>{esc(lead)}'
            + (esc(title) if supplied else f"<cite>{esc(title)}</cite>")
            + esc(tail).replace("/", "/<wbr>")  # an address may break at its slashes on a phone
            + "</p>"
            + (f"<p>{esc(note)}</p>" if note else "")
            + f"<p>The facts that rest on it:</p><ul>{facts}</ul></li>"
        )
    also = "; ".join(f"{esc(reference.cite(s))} (under {esc(reference.KINDS[reference.home(s)])})" for s in earlier)
    return f'<ol class="audit-sources">{"".join(items)}</ol>' + (
        f"<p>Also from sources listed under another heading: {also}.</p>" if also else ""
    )


def _footnote_of(claim) -> int | None:
    note = claim["footnote"]
    return None if note is None or str(note) in ("<NA>", "nan", "None") else int(note)


def worst(findings) -> object | None:
    """The finding with the gravest verdict (the badge beside a figure that feeds
    several checks), by the severity ``verdicts.SEVERITY`` gives every verdict word."""
    return max(findings, key=lambda f: SEVERITY[f.verdict], default=None)


def findings_by_claim(findings) -> dict[str, list]:
    """{claim id: the findings it feeds}, gravest first (reference facts among a
    check's inputs are not figures of the text, and are left out)."""
    found: dict[str, list] = {}
    for finding in findings:
        for quote in finding.quotes:
            found.setdefault(quote["claim"], []).append(finding)
    return {c: sorted(fs, key=lambda f: -SEVERITY[f.verdict]) for c, fs in found.items()}


def claim_note(claim, findings, note_id: str) -> str:
    """What a marked figure's note says: what it measures, who reported it,
    and a link to each check it feeds (its flag in the chapter and its row in
    the register). ``findings`` None: verdicts are not shown (classroom)."""
    note = _footnote_of(claim)
    where = f"p. {claim['page']}" + (f", note {note}" if note else "")
    lines = [
        f'<span class="audit-note-figure">{esc(claim["figure"])}</span> ({esc(where)}): '
        f"{esc(claim['measure'])}; {esc(str(claim['period']).rstrip('.'))}.",
        f"Reported by {esc(str(claim['reported_by']).rstrip('.'))}.",
    ]
    for finding in findings or ():
        flag_href = f"{CHAPTER_PAGES}{finding.chapter}.html#flag-{finding.check}"
        # Issue 11 adds the kind of evidence (arithmetic, sources, yardstick, wording).
        evidence = getattr(finding, "evidence", None)
        lines.append(
            f'{badge_span(finding)} <a href="{esc(flag_href)}">{esc(finding.title)}</a>'
            + (f" ({esc(evidence)})" if evidence else "")
            + f' · <a href="{esc(REGISTER_PAGE)}#{esc(finding_anchor(finding.check))}">register</a>'
        )
    if findings is not None and not findings:
        lines.append("No other figure of the excerpt bears on it: not checked.")
    body = "".join(f'<span class="audit-note-line">{line}</span>' for line in lines)
    return f'<span class="audit-note" id="{esc(note_id)}">{body}</span>'


def claim_mark(claim, findings, note_id: str) -> str:
    """A figure where it stands: the figure (focusable, it opens its note on
    hover, focus or tap), the badge of its gravest check beside it, and the note.
    The element carries ``data-claim``."""
    gravest = worst(findings or ())
    badge_html = ""
    css = NO_VERDICT
    if gravest is not None:
        verdict = VERDICTS[gravest.verdict]
        css, symbol, label = verdict.css_class, verdict.symbol, verdict.short
        more = f" (worst of {len(findings)} checks)" if len(findings) > 1 else ""
        href = f"{CHAPTER_PAGES}{gravest.chapter}.html#flag-{gravest.check}"
        badge_html = (
            f' <a class="audit-badge {css}" href="{esc(href)}" title="{esc(gravest.title)}{esc(more)}">'
            f'<span aria-hidden="true">{symbol}</span> {esc(label)}</a>'
        )
    return (
        f'<span class="audit-claim {css}" data-claim="{esc(claim["id"])}">'
        f'<span class="audit-claim-figure" tabindex="0" role="button" aria-expanded="false" '
        f'aria-controls="{esc(note_id)}">{esc(claim["figure"])}</span>'
        f"{badge_html}{claim_note(claim, findings, note_id)}</span>"
    )


def marked_text(
    page, start: int, end: int, claims, findings: dict | None, id_prefix: str, marker_href: str = ""
) -> str:
    """The clean text of ``page`` from ``start`` to ``end``, escaped, with every
    claim of ``claims`` (a frame) that stands in it marked by ``claim_mark``
    and each footnote marker set as a superscript (a link to the note when
    ``marker_href`` is given, e.g. ``"#p2-fn-{n}"``).

    ``findings`` is ``findings_by_claim(...)``, or None to show no verdicts.
    The one function behind the source-text page and every quoted sentence."""
    text = page.clean
    inside = claims[(claims["page"] == page.number) & (claims["figure_start"] >= start) & (claims["figure_end"] <= end)]
    pieces = [(int(c["figure_start"]), int(c["figure_end"]), "claim", c) for _, c in inside.iterrows()]
    for marker in page.segments_of("clean", "marker"):
        if start <= marker.start and marker.end <= end:
            pieces.append((marker.start, marker.end, "marker", marker.footnote))
    out, cursor = [], start
    for piece_start, piece_end, kind, what in sorted(pieces, key=lambda p: p[0]):
        if piece_start < cursor:
            raise ValueError(f"page {page.number}: figures overlap at offset {piece_start}")
        out.append(esc(text[cursor:piece_start]))
        if kind == "claim":
            note_id = f"{id_prefix}-{what['id']}"
            out.append(claim_mark(what, None if findings is None else findings.get(what["id"], []), note_id))
        else:
            number = esc(what)
            link = (
                f'<a href="{esc(marker_href.format(n=what))}" aria-label="note {number}">{number}</a>'
                if marker_href
                else number
            )
            out.append(f'<sup class="audit-marker">{link}</sup>')
        cursor = piece_end
    out.append(esc(text[cursor:end]))
    return "".join(out)


def passages(claims, shown, findings: dict | None, pages=None, id_prefix: str = "note") -> str:
    """Passages (``passages.passages(...)``: the sentences some claims stand
    in) as marked quotations with page and footnote; every figure in them is
    marked, with its verdict unless ``findings`` is None."""
    pages = pages or source.load_pages()
    blocks = []
    for passage in shown:
        span = passage.span
        page = pages[span.page]
        text = marked_text(page, span.start, span.end, claims, findings, id_prefix)
        text = ("… " if passage.cut_before else "") + text + (" …" if passage.cut_after else "")
        where = f"p. {span.page}" + (f", note {span.footnote}" if span.footnote else "")
        blocks.append(
            f'<blockquote class="audit-quote" id="passage-{span.page}-{span.start}">'
            f"<p>“{text}”</p><footer>Shen and Xia, {esc(where)}</footer></blockquote>"
        )
    return "".join(blocks)


def passage_again(passage) -> str:
    """A pointer to a sentence the chapter has already quoted."""
    span = passage.span
    where = f"p. {span.page}" + (f", note {span.footnote}" if span.footnote else "")
    return (
        f'<p class="audit-quote-again">See <a href="#passage-{span.page}-{span.start}">the sentence '
        f"quoted above</a> ({esc(where)}).</p>"
    )


def annotated_page(page, claims, findings: dict) -> str:
    """One page of the excerpt as readable text: its body, then its footnotes,
    every figure marked and every footnote marker linked to its note."""
    anchor = f"p{page.number}-fn-{{n}}"
    parts = []
    for region in sentences.regions(page):
        if region.footnote is None:
            text = marked_text(
                page, region.start, region.end, claims, findings, f"note-p{page.number}", marker_href="#" + anchor
            )
            # The body runs on from the page before and onto the next.
            cut_before = page.clean[region.start : region.start + 1].islower()
            cut_after = page.clean[region.end - 1 : region.end] not in ".?!”"
            parts.append(
                f'<p class="audit-page-body">{"… " if cut_before else ""}{text}{" …" if cut_after else ""}</p>'
            )
            continue
        number = f"{region.footnote} "
        start = region.start + len(number) if page.clean.startswith(number, region.start) else region.start
        label = str(region.footnote) if start != region.start else f"{region.footnote} (continued)"
        text = marked_text(page, start, region.end, claims, findings, f"note-p{page.number}")
        parts.append(
            f'<p class="audit-footnote" id="{esc(anchor.format(n=region.footnote))}">'
            f'<span class="audit-footnote-number">{esc(label)}</span> {text}</p>'
        )
    body, notes = parts[0], "".join(parts[1:])
    return (
        f'<section class="audit-page" aria-labelledby="page-{page.number}-title">'
        f'<h3 class="audit-page-title" id="page-{page.number}-title">Page {page.number}</h3>'
        f'{body}<div class="audit-footnotes" role="group" aria-label="Footnotes of page {page.number}">'
        f"{notes}</div></section>"
    )


def variants(found, pages, context: int = 30) -> str:
    """The readings where the raw layer differs from the clean one, page by
    page, each in its clean context: the clean reading, then the raw one."""
    blocks = []
    for number, rows in found.groupby("page", sort=True):
        clean = pages[number].clean
        items = []
        for row in rows.to_dict("records"):
            # The context stays inside the body or the notes the reading is in.
            region = pages[number].segments_of("clean", row["region"])[0]
            before = clean[max(region.start, row["clean_start"] - context) : row["clean_start"]]
            after = clean[row["clean_end"] : min(region.end, row["clean_end"] + context)]
            reading = clean[row["clean_start"] : row["clean_end"]]
            raw = row["raw"] or ""
            items.append(
                f'<li><span class="audit-variant-kind">{esc(row["kind"])}</span> '
                f'<span class="audit-variant-context">…{esc(before.split(" ", 1)[-1] if " " in before else before)}'
                f'<ins class="audit-variant-clean" title="clean transcription">{esc(reading) or "∅"}</ins>'
                f'<del class="audit-variant-raw" title="raw extraction">{esc(raw) or "∅"}</del>'
                f"{esc(after.rsplit(' ', 1)[0] if ' ' in after else after)}…</span></li>"
            )
        blocks.append(
            f'<li class="audit-variants-page"><strong>Page {number}</strong> ({len(items)})'
            f'<ul class="audit-variants">{"".join(items)}</ul></li>'
        )
    return f'<ul class="audit-variants-pages">{"".join(blocks)}</ul>'


# What the front page counts. Today: the findings that are not consistent,
# grouped by verdict, gravest first. When findings carry their problem and
# evidence kind, group distinct problems by evidence kind here instead; the
# front page, its sentence, its list and its chart follow.
def found_groups(findings) -> dict[str, list]:
    """{evidence kind: the most severe finding of each distinct problem of that
    kind}, for the front page: a problem shared by several findings is listed
    (and counted) once, gravest first; the kind with the gravest problem first."""
    worst = list(evidence.worst_by_problem(list(findings)).values())  # gravest first
    groups = {kind: [f for f in worst if f.evidence == kind] for kind in EVIDENCE_KINDS}
    ranked = sorted((k for k in groups if groups[k]), key=lambda k: (-groups[k][0].severity, EVIDENCE_KINDS.index(k)))
    return {kind: groups[kind] for kind in ranked}


def found_sentence(groups: dict[str, list]) -> str:
    """One sentence with the count of each group (plain text, glued)."""
    parts = [f"{len(found)} {EVIDENCE[kind].where}" for kind, found in groups.items()]
    if not parts:
        return "None of them finds a disagreement."
    total = sum(len(found) for found in groups.values())
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (
        f"Where they disagree, it comes down to {total} distinct {'problem' if total == 1 else 'problems'}: {listed}."
    ).replace("'", "’")


def found_list(groups: dict[str, list]) -> str:
    """Each group's findings, each linked to its flag in its chapter."""
    items = []
    for label, found in groups.items():
        links = "".join(
            f'<li>{badge_span(f)} <a href="{esc(CHAPTER_PAGES)}{esc(f.chapter)}.html#flag-{esc(f.check)}">'
            f"{esc(f.title)}</a></li>"
            for f in found
        )
        heading = EVIDENCE[label].heading if label in EVIDENCE else label
        items.append(f"<li><strong>{esc(heading)}</strong> ({len(found)})<ul>{links}</ul></li>")
    return f'<ul class="audit-found">{"".join(items)}</ul>'


def badge_span(finding) -> str:
    """A verdict badge that is not a link (inside notes and lists of links)."""
    verdict = VERDICTS[finding.verdict]
    return (
        f'<span class="audit-badge {verdict.css_class}"><span aria-hidden="true">{verdict.symbol}</span> '
        f"{esc(verdict.short)}</span>"
    )


def register(findings, chapter_titles: dict[str, str]) -> str:
    """The findings register: one sortable table row per finding, ranked: the
    counted findings by severity, then the rest by the gravity of their verdict."""
    findings = sorted(findings, key=lambda f: (-f.severity, -f.rank))
    head = "".join(
        f'<th scope="col"><button type="button" class="audit-sort" data-col="{i}">{esc(h)}</button></th>'
        for i, h in enumerate(["Verdict", "Check", "Evidence", "Pages", "Stated", "Recomputed", "Chapter"])
    )
    body = []
    for f in findings:
        verdict = VERDICTS[f.verdict]
        title = chapter_titles.get(f.chapter, f.chapter)
        chapter = f'<a href="../notebooks/{esc(f.chapter)}.html#flag-{esc(f.check)}">{esc(title)}</a>'
        rank = f"{f.severity:.3f}" if f.counted else f"{-1 + f.rank / 10:.3f}"  # counted ones sort first
        body.append(
            f'<tr id="{esc(finding_anchor(f.check))}">'
            f'<td data-sort="{rank}"><span class="audit-badge {verdict.css_class}"><span aria-hidden="true">'
            f"{verdict.symbol}</span> {esc(f.label)}</span></td>"
            f"<td><strong>{esc(f.title)}</strong><br><small>{esc(f.computation)}</small><br>"
            f"<small>Problem: {esc(f.problem.replace('_', ' '))}"
            f"{' (a definition, not counted)' if f.definitional else ''}</small></td>"
            f"<td>{esc(f.evidence)}</td>"
            f'<td data-sort="{min(f.pages) if f.pages else 0}">{esc(", ".join(map(str, f.pages)))}</td>'
            f"<td>{esc(f.stated)}</td><td>{esc(f.computed)}</td><td>{chapter}</td></tr>"
        )
    return f'<table class="audit-register"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


SCALE_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def amount(value, digits: int = 5) -> str:
    """A number as people write it: a scale word from a million up, thousands
    separators below, at most ``digits`` significant digits (trailing zeros
    dropped), never scientific notation: 4.2e11 is "420 billion"."""
    if value is None or value != value:
        return "–"
    value = float(value)
    for size, word in SCALE_WORDS:
        if abs(value) >= size:
            return f"{amount(value / size, digits)} {word}"
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def table(frame, columns: dict[str, str], formats: dict | None = None, caption: str = "") -> str:
    """An HTML table of ``frame``: {column: heading}, each cell formatted and
    escaped. A format is a format string or a function (e.g. ``amount``);
    columns so formatted are numbers, set right-aligned. The table sits in a
    box that scrolls sideways when a narrow screen cannot hold it."""
    formats = formats or {}
    numeric = {c for c, f in formats.items() if callable(f) or f[:3] in ("{:,", "{:.")}
    number_css = ' class="audit-number"'
    head = "".join(f'<th scope="col"{number_css if c in numeric else ""}>{esc(h)}</th>' for c, h in columns.items())
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column in columns:
            value = record.get(column)
            shape = formats.get(column, "{}")
            if value is None or (isinstance(value, float) and value != value):
                text = "–"
            else:
                text = shape(value) if callable(shape) else shape.format(value)
            css = number_css if column in numeric else ""
            cells.append(f"<td{css}>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    label = f' aria-label="{esc(caption)}"' if caption else ' aria-label="table"'
    return (
        f'<div class="audit-table-scroll" role="region" tabindex="0"{label}>'
        f'<table class="audit-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )
