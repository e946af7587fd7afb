"""A flag: the admonition a chapter shows where the paper states a figure a
check judges, with the computation written out. Text from data is escaped."""

from __future__ import annotations

from paper_audit.audit.verdicts import EVIDENCE, VERDICTS
from paper_audit.present.render import REGISTER_PAGE, esc, finding_anchor, reporter, source_line
from paper_audit.present.yardsticks import yardstick_lines


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
