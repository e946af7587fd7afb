"""No figure of the text is left out of data/claims.csv."""

import pytest

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.tables import claims, coverage


def explain(tokens):
    return "\n".join(f"page {t.page}: {t.text!r} in …{t.context}…" for t in tokens)


def test_every_number_in_the_text_is_a_claim_or_explained(pages):
    unexplained = coverage.check_coverage(claims.load_claims(), coverage.load_not_figures(), pages)
    assert unexplained == [], "numbers neither claimed nor explained:\n" + explain(unexplained)


def test_the_walk_sees_numerals_and_number_words(pages):
    texts = {t.text for p in pages.values() for t in coverage.tokens(p)}
    assert {"thirty", "four", "Nineteen", "one", "third", "three", "quarters", "22,735", "1.147", "1949"} <= texts
    # '1949.7' is the year 1949 and the marker of note 7.
    assert "1949.7" not in texts


def test_a_dropped_claim_is_reported_with_page_and_context(pages):
    table = claims.load_claims().drop(index="cpv_divisions_left_1954_55")
    unexplained = coverage.check_coverage(table, coverage.load_not_figures(), pages)
    assert [(t.page, t.text) for t in unexplained] == [(3, "Nineteen")]
    assert "divisions left in 1954" in unexplained[0].context


def test_an_excuse_may_not_hide_a_figure(tmp_path, pages):
    path = tmp_path / "not-figures.csv"
    original = paths.NOT_FIGURES_CSV.read_text(encoding="utf-8")
    path.write_text(
        original + '6,"22,735 Korean child refugees",other,a figure hidden as an excuse\n', encoding="utf-8"
    )
    rows = coverage.load_not_figures(path)
    with pytest.raises(DataError, match="overlaps the figure of claim child_refugees_count"):
        coverage.check_coverage(claims.load_claims(), rows, pages)
