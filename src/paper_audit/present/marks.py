"""The paper's text with its figures marked: each figure focusable, with its
note and the badge of the check that judges it. The one place behind the
source-text page and every quoted sentence. Text from data is escaped."""

from __future__ import annotations

from paper_audit.audit.verdicts import NO_VERDICT, SEVERITY, VERDICTS
from paper_audit.present.render import CHAPTER_PAGES, REGISTER_PAGE, badge_span, esc, finding_anchor
from paper_audit.text import passages as sentences
from paper_audit.text import source


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
