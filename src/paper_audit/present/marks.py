"""The paper's text with its figures marked: each figure focusable, with its
note and the badge of the checks that judge it. The one place behind the
source-text page and every quoted sentence. Text from data is escaped.

A figure wears the badge of a check only if the check judges it (checks.csv
``judges``: the figures that would be wrong if the finding is right); the
other checks it feeds are listed quietly in its note. A check that cannot
fail (``definitional``) puts a badge on nothing. The badge follows the whole
figure: the word it stands in and its unit ("33.3 percent", "Three-Year Plan").
"""

from __future__ import annotations

import re

from paper_audit.audit.phrasing import listed
from paper_audit.audit.verdicts import SEVERITY, VERDICTS
from paper_audit.present.render import REGISTER_PAGE, badge_span, esc, finding_anchor, flag_href
from paper_audit.present.styles import NO_VERDICT
from paper_audit.text import passages as sentences
from paper_audit.text import source

# The words that complete a figure, by the claim's ``unit`` (the unit itself,
# when it is a word, is added): "170 million US dollars", "729 million Chinese
# yuan", "three stages". A figure's ``scale`` word ("million") completes it too.
UNIT_WORDS = {
    "percent": ("percent", "per cent"),
    "USD": ("US dollars", "dollars"),
    "yuan": ("Chinese yuan",),
    "rubles": ("roubles",),
    "divisions": ("Chinese divisions",),
    "armies": ("armies",),
    "years": ("year",),
    "months": ("month",),
    "weeks": ("week",),
    "days": ("day",),
    "acres": ("of acres",),
    "count": ("stages",),  # what the count counts, as the text names it
}
# Units that name a kind of value, not a word the text prints after the figure.
VALUE_KINDS = ("date", "year", "fraction", "count")
# Nouns that make a figure's word part of a name: a badge after "Three-Year"
# would split "Three-Year Plan".
NAME_NOUNS = ("Plan",)
# The characters that join a word: "Three-Year", "pre-1950", "Moscow’s".
WORD_JOINERS = "-‐‑'’"
# The paper's section titles within the excerpt, as printed: both text layers
# run them into the body ("... to its need.” The Preparatory Period China’s
# influence ..."), so the source page sets them as headings from this list. A
# title that is no longer in a page's body is an error (``section_titles``).
SECTION_TITLES = ("The Preparatory Period",)


def _footnote_of(claim) -> int | None:
    note = claim["footnote"]
    return None if note is None or str(note) in ("<NA>", "nan", "None") else int(note)


def worst(findings) -> object | None:
    """The finding with the gravest verdict (the badge of a figure that several
    checks judge), by the severity ``verdicts.SEVERITY`` gives every verdict word."""
    return max(findings, key=lambda f: SEVERITY[f.verdict], default=None)


def findings_by_claim(findings) -> dict[str, list]:
    """{claim id: the findings it feeds}, gravest first (reference facts among a
    check's inputs are not figures of the text, and are left out)."""
    found: dict[str, list] = {}
    for finding in findings:
        for quote in finding.quotes:
            found.setdefault(quote["claim"], []).append(finding)
    return {c: sorted(fs, key=lambda f: -SEVERITY[f.verdict]) for c, fs in found.items()}


def judging(claim_id: str, findings) -> list:
    """The findings whose badge the figure wears: those whose check judges it
    (``Finding.judges``) and can fail, gravest first."""
    return [f for f in findings if claim_id in getattr(f, "judges", ()) and not getattr(f, "definitional", False)]


def claim_note(claim, findings, note_id: str) -> str:
    """What a marked figure's note says: what it measures, who reported it,
    and a link to each check it feeds (its flag in the chapter and its row in
    the register): with its verdict badge for the checks that judge the figure,
    quietly ("Used in") for the others. ``findings`` None: verdicts are not
    shown (classroom)."""
    note = _footnote_of(claim)
    where = f"p. {claim['page']}" + (f", note {note}" if note else "")
    lines = [
        f'<span class="audit-note-figure">{esc(claim["figure"])}</span> ({esc(where)}): '
        f"{esc(claim['measure'])}; {esc(str(claim['period']).rstrip('.'))}.",
        f"Reported by {esc(str(claim['reported_by']).rstrip('.'))}.",
    ]
    judged = judging(claim["id"], findings or ())
    for finding in judged + [f for f in findings or () if all(f is not j for j in judged)]:
        evidence = getattr(finding, "evidence", None)
        judges_it = any(finding is j for j in judged)
        lead = badge_span(finding) if judges_it else '<span class="audit-note-uses">Used in</span>'
        lines.append(
            f'{lead} <a href="{esc(flag_href(finding))}">{esc(finding.title)}</a>'
            + (f" ({esc(evidence)})" if evidence else "")
            + f' · <a href="{esc(REGISTER_PAGE)}#{esc(finding_anchor(finding.check))}">register</a>'
        )
    if findings is not None and not findings:
        lines.append("No other figure of the excerpt bears on it: not checked.")
    body = "".join(f'<span class="audit-note-line">{line}</span>' for line in lines)
    return f'<span class="audit-note" id="{esc(note_id)}">{body}</span>'


def claim_mark(claim, findings, note_id: str, tail: str = "") -> str:
    """A figure where it stands: the figure (focusable, it opens its note on
    hover, focus or tap), ``tail`` (the rest of its word and its unit, as the
    text has them: " percent", "-Year Plan"), the badge of the gravest check
    that judges it, and the note. The element carries ``data-claim``."""
    judged = judging(claim["id"], findings or ())
    gravest = worst(judged)
    badge_html = ""
    css = NO_VERDICT
    if gravest is not None:
        verdict = VERDICTS[gravest.verdict]
        css, symbol, label = verdict.css_class, verdict.symbol, verdict.short
        more = f" (gravest of {len(judged)} checks that judge this figure)" if len(judged) > 1 else ""
        badge_html = (
            # A no-break space: the badge never starts a line away from its figure.
            f'\u00a0<a class="audit-badge {css}" href="{esc(flag_href(gravest))}" '
            f'title="{esc(gravest.title)}{esc(more)}">'
            f'<span aria-hidden="true">{symbol}</span> {esc(label)}</a>'
        )
    return (
        f'<span class="audit-claim {css}" data-claim="{esc(claim["id"])}">'
        f'<span class="audit-claim-figure" tabindex="0" role="button" aria-expanded="false" '
        f'aria-controls="{esc(note_id)}">{esc(claim["figure"])}</span>'
        f"{esc(tail)}{badge_html}{claim_note(claim, findings, note_id)}</span>"
    )


def _word(value) -> str:
    """A unit or scale cell as a word, "" when empty or not a word."""
    text = "" if value is None or value != value else str(value)
    return text if text.isalpha() else ""


def _completing_words(claim) -> list[str]:
    """The words that may follow a figure as part of it, longest first."""
    unit, scale = _word(claim.get("unit")), _word(claim.get("scale"))
    words = [*UNIT_WORDS.get(unit, ()), *NAME_NOUNS]
    if unit.islower() and unit not in VALUE_KINDS:  # "percent", "won", "divisions"; not "USD"
        words.append(unit)
    if scale and not str(claim["figure"]).endswith(scale):
        words.append(scale)
    return sorted(set(words), key=len, reverse=True)


def figure_end(text: str, claim, limit: int) -> int:
    """Where a figure's badge goes: after the end of the word the figure stands
    in ("Three" in "Three-Year") and of the unit words that follow it ("33.3
    percent", "420 billion won"), but never at or past ``limit`` (the end of the
    region, or the next marked figure or footnote marker)."""
    end = int(claim["figure_end"])
    while end < limit and (
        text[end].isalnum() or (text[end] in WORD_JOINERS and end + 1 < limit and text[end + 1].isalnum())
    ):
        end += 1
    words = _completing_words(claim)
    extended = True
    while extended:
        extended = False
        for word in words:
            found = re.match(rf"[ \u00a0]+{re.escape(word)}(?![\w{re.escape(WORD_JOINERS)}])", text[end:limit])
            if found:
                end += found.end()
                extended = True
                break
    return end


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
    pieces.sort(key=lambda p: p[0])
    out, cursor = [], start
    for n, (piece_start, piece_end, kind, what) in enumerate(pieces):
        if piece_start < cursor:
            raise ValueError(f"page {page.number}: figures overlap at offset {piece_start}")
        out.append(esc(text[cursor:piece_start]))
        if kind == "claim":
            note_id = f"{id_prefix}-{what['id']}"
            # The badge follows the figure's word and unit, up to the next figure or marker.
            limit = pieces[n + 1][0] if n + 1 < len(pieces) else end
            piece_end = figure_end(text, what, limit)
            tail = text[int(what["figure_end"]) : piece_end]
            out.append(claim_mark(what, None if findings is None else findings.get(what["id"], []), note_id, tail))
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


def passage_again(passage, figures: list[str] | None = None) -> str:
    """A pointer to a sentence the chapter has already quoted, naming the
    figures it is pointed to for, so that two pointers to one sentence do not
    read alike."""
    span = passage.span
    where = f"p. {span.page}" + (f", note {span.footnote}" if span.footnote else "")
    for_what = f"For {listed([f'“{f}”' for f in figures])}, see" if figures else "See"
    return (
        f'<p class="audit-quote-again">{esc(for_what)} <a href="#passage-{span.page}-{span.start}">the sentence '
        f"quoted above</a> ({esc(where)}).</p>"
    )


def section_titles(page, start: int, end: int) -> list[tuple[int, int]]:
    """Where the paper's section titles (``SECTION_TITLES``) stand in the clean
    text of ``page`` between ``start`` and ``end``: (start, end) pairs, in order.
    A title stands between a sentence's end and a capital letter."""
    found = []
    for title in SECTION_TITLES:
        for hit in re.finditer(rf"(?<=[.?!”] ){re.escape(title)}(?= [A-Z])", page.clean[start:end]):
            found.append((start + hit.start(), start + hit.end()))
    return sorted(found)


def _body_html(page, start: int, end: int, claims, findings, marker_href: str) -> str:
    """A page's body: paragraphs marked by ``marked_text``, each section title
    of the paper set as a heading between them."""
    out, cursor = [], start
    titles = section_titles(page, start, end)
    for title_start, title_end in [*titles, (end, end)]:
        stop = title_start - 1 if title_start < end else end  # the space before the title
        text = marked_text(page, cursor, stop, claims, findings, f"note-p{page.number}", marker_href=marker_href)
        # The body runs on from the page before and onto the next.
        cut_before = cursor == start and page.clean[start : start + 1].islower()
        cut_after = stop == end and page.clean[end - 1 : end] not in ".?!”"
        out.append(f'<p class="audit-page-body">{"… " if cut_before else ""}{text}{" …" if cut_after else ""}</p>')
        if title_start < end:
            out.append(f'<h4 class="audit-paper-section">{esc(page.clean[title_start:title_end])}</h4>')
            cursor = title_end + 1  # the space after it
    return "".join(out)


def annotated_page(page, claims, findings: dict) -> str:
    """One page of the excerpt as readable text: its body (the paper's section
    titles as headings), then its footnotes, every figure marked and every
    footnote marker linked to its note."""
    anchor = f"p{page.number}-fn-{{n}}"
    parts = []
    for region in sentences.regions(page):
        if region.footnote is None:
            parts.append(_body_html(page, region.start, region.end, claims, findings, "#" + anchor))
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
