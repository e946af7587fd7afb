"""What a reader meets in the text: sentences cut at the right places, the
figures of one sentence quoted once, every figure marked, and amounts written
for people."""

from __future__ import annotations

import re

import pytest

from paper_audit.audit import engine, verdicts
from paper_audit.present import marks, render
from paper_audit.tables import claims
from paper_audit.text import passages, source


@pytest.fixture(scope="module")
def table():
    return claims.load_claims()


def sentence_texts(page):
    return [page.clean[s.start : s.end] for s in passages.sentences(page)]


def test_abbreviations_and_initials_do_not_end_a_sentence(pages):
    texts = [t for page in pages.values() for t in sentence_texts(page)]
    for text in texts:
        assert not re.search(r"\b(?:p|pp|vol|op|f|d)\.$", text), f"cut after an abbreviation: …{text[-40:]}"
        assert not re.search(r"\b[A-Z]\.$", text), f"cut after an initial: …{text[-40:]}"
    # The citation of note 9 and the name in note 5 stay whole.
    assert any("f. 0102, op. 10, p. 53, d., 8." in t for t in texts)
    assert any(t.startswith("James F. Person") for t in texts)


def test_a_sentence_keeps_its_footnote_marker_and_the_next_one_starts_clean(pages):
    texts = sentence_texts(pages[2])
    assert any(t.endswith("compared to that of 1949.7") for t in texts)
    assert any(t.startswith("The production of consumer goods") for t in texts)
    assert any(t.endswith("some 24 percent. 8") for t in texts)


def test_sentences_cover_the_body_and_notes_without_overlap(pages):
    for page in pages.values():
        spans = passages.sentences(page)
        for before, after in zip(spans, spans[1:], strict=False):
            assert before.end <= after.start
        for region in passages.regions(page):
            inside = [s for s in spans if region.start <= s.start < region.end]
            assert inside and inside[-1].end == region.end


def test_claims_of_one_sentence_are_quoted_once(table, pages):
    ids = ["damage_trains_pct", "damage_ships_pct", "damage_homes_fraction"]
    shown = passages.passages(table, ids, pages)
    assert len(shown) == 2  # trains and ships share a sentence, the homes have their own
    trains = next(p for p in shown if "damage_trains_pct" in p.claims)
    assert trains.claims == ["damage_trains_pct", "damage_ships_pct"]


def test_every_claim_is_marked_once_on_its_page(table, pages):
    by_claim = marks.findings_by_claim(engine.run_all(claims=table))
    for number, page in pages.items():
        html = marks.annotated_page(page, table, by_claim)
        marked = re.findall(r'data-claim="([a-z0-9_]+)"', html)
        expected = sorted(table[table["page"] == number].index)
        assert sorted(marked) == expected, f"page {number}"


def test_a_figure_wears_the_gravest_verdict_of_the_checks_that_judge_it(table):
    by_claim = marks.findings_by_claim(engine.run_all(claims=table))
    several = {c: fs for c, fs in by_claim.items() if len({f.verdict for f in fs if c in f.judges}) > 1}
    assert several, "no figure is judged by checks of different verdicts: nothing to test"
    for claim_id, found in several.items():
        judging = [f for f in found if claim_id in f.judges and not f.definitional]
        gravest = max(judging, key=lambda f: verdicts.SEVERITY[f.verdict])
        mark = marks.claim_mark(table.loc[claim_id], found, "n")
        badges = re.findall(r'<a class="audit-badge ([a-z-]+)" href="[^"]*#flag-([a-z0-9_]+)"', mark)
        assert badges == [(verdicts.VERDICTS[gravest.verdict].css_class, gravest.check)], claim_id
        for finding in found:  # and the note links every check's flag, judging or not
            assert f"#flag-{finding.check}" in mark


@pytest.mark.parametrize(
    "value, shown",
    [
        (4.2e11, "420 billion"),
        (1.7e8, "170 million"),
        (286_750_000, "286.75 million"),
        (22_735, "22,735"),
        (4.0, "4"),
        (2.4618, "2.4618"),
        (3.5e9, "3.5 billion"),
        (0.25, "0.25"),
    ],
)
def test_amounts_are_written_for_people(value, shown):
    assert render.amount(value) == shown


def test_tables_never_print_scientific_notation():
    import pandas as pd

    html = render.table(pd.DataFrame({"usd": [4.2e11, 1.7e8]}), {"usd": "US dollars"}, {"usd": render.amount})
    assert not re.search(r"\de[+-]\d", html)
    assert "420 billion" in html and 'class="audit-number"' in html


def test_the_paper_s_section_titles_are_headings(table):
    """Each section title of the excerpt stands once in the pages' bodies and is
    set as a heading, out of the paragraph it ran into."""
    pages = source.load_pages()
    html = "".join(marks.annotated_page(page, table, {}) for page in pages.values())
    for title in marks.SECTION_TITLES:
        found = [n for n, page in pages.items() if title in page.clean]
        assert found, f"section title {title!r} is in no page's body"
        assert f'<h4 class="audit-paper-section">{title}</h4>' in html
        assert not re.search(rf"{re.escape(title)} [A-Z]", html), f"{title!r} still runs into the body"
