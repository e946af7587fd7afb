"""Pages, chapters, kinds and defaults are declared once, as data, and a new
page needs rows and commands, not code: the page list, the chapter registry,
the derived Data Package, add-page, ranges, the kinds' declarations and the
parameters cells (the drafter's tests are in test_draft.py)."""

import ast
import json
import re

import pandas as pd
import pytest

from invented_page import CLEAN as INVENTED
from paper_audit import paths
from paper_audit.audit import check_kinds, engine, params
from paper_audit.audit.verdicts import CONSISTENT, INCONSISTENT
from paper_audit.author import schema_sync
from paper_audit.errors import DataError
from paper_audit.tables import claims, schema, toc
from paper_audit.text import figures, source


def test_the_pages_are_the_manifests():
    manifest = json.loads((paths.SOURCE_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert source.page_numbers() == sorted(int(n) for n in manifest["pages"]) == [2, 3, 4, 5, 6]
    assert sorted(source.load_pages()) == source.page_numbers()
    assert source.describe_pages([2, 3, 4, 5, 6, 9]) == "pages 2-6, 9"


def test_an_unknown_page_names_add_page(claims_rows, write_claims):
    row = next(i for i, line in enumerate(claims_rows) if line.startswith("damage_agriculture_pct,"))
    claims_rows[row] = claims_rows[row].replace("damage_agriculture_pct,2,", "damage_agriculture_pct,9,", 1)
    with pytest.raises(DataError) as caught:
        claims.load_claims(write_claims(claims_rows))
    message = str(caught.value)
    assert "field 'page': page 9 is not in the source (pages 2-6 in data/source/manifest.json)" in message
    assert "paper-audit add-page 9 --clean CLEAN.txt" in message


def test_the_layout_is_inferred_as_stated_for_the_regular_pages(pages):
    # Pages 3 to 6 are regular: inferring their layout gives the stated one exactly.
    # Page 2 is the exception FOOTNOTES_START exists for (its notes begin inside note 4).
    for number in (3, 4, 5, 6):
        inferred = source.segment_added_page(number, pages[number].clean, pages[number].raw)
        assert inferred == pages[number].segments, number
    assert source.segment_added_page(2, pages[2].clean, pages[2].raw) != pages[2].segments


def test_add_page_keeps_every_page_and_rederiving_keeps_it(source_copy):
    before = {p: page.clean for p, page in source.load_pages(source_copy).items()}
    source.add_page(7, INVENTED, None, source_dir=source_copy)
    pages = source.load_pages(source_copy)
    assert sorted(pages) == [2, 3, 4, 5, 6, 7]
    assert all(pages[p].clean == text for p, text in before.items())
    page = pages[7]
    assert page.body().endswith("nearly six months later.24")
    assert [s.footnote for s in page.segments_of("clean", "footnote")] == [22, 23, 24]
    assert page.footnote_at(page.clean.index("folio 12")) == 23
    assert [page.clean[s.start : s.end] for s in page.segments_of("clean", "marker")] == ["22", "23", "24"]
    source.verify(source_copy)
    derived = source.derive(paths.PAPER_EXCERPT, source_copy)
    assert derived["page-7.clean.txt"] == page.clean
    assert derived["segments.csv"] == (source_copy / "segments.csv").read_text(encoding="utf-8")


def test_add_page_refuses_a_page_of_the_shared_paper(source_copy):
    with pytest.raises(DataError, match="page 3 comes from the shared paper"):
        source.add_page(3, INVENTED, source_dir=source_copy)


def test_chapters_are_the_table_of_contents():
    toc_text = (paths.REPO_ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = re.findall(r"- file: notebooks/([a-z_]+)\s*$", toc_text, flags=re.M)
    assert list(toc.chapters()) == listed
    assert toc.chapters()["volunteers"] == "The Chinese People's Volunteers"


def test_an_unknown_chapter_lists_the_chapters_and_where_they_are_declared(claims_rows, write_claims):
    row = next(i for i, line in enumerate(claims_rows) if line.startswith("damage_agriculture_pct,"))
    claims_rows[row] = claims_rows[row].replace(",war_damage\n", ",aid_1954_1957\n")
    with pytest.raises(DataError) as caught:
        claims.load_claims(write_claims(claims_rows))
    message = str(caught.value)
    assert "field 'chapter': 'aid_1954_1957' is not a chapter of the book" in message
    assert "war_damage, aid_overview" in message and "_toc.yml" in message and "add-chapter" in message


def test_the_committed_data_package_is_what_it_derives():
    assert paths.DATAPACKAGE_JSON.read_text(encoding="utf-8") == schema_sync.dumps(schema_sync.derived()), (
        "data/datapackage.json is stale: run python -c 'from paper_audit.author import schema_sync; "
        "schema_sync.write()'"
    )
    assert schema.enum("checks", "kind") == list(engine.KIND_SPECS)
    assert schema.enum("checks", "chapter") == list(toc.chapters())


def _checks_with(tmp_path, old, new):
    text = paths.CHECKS_CSV.read_text(encoding="utf-8")
    assert text.count(old) == 1
    target = tmp_path / "checks.csv"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "soviet_aid_fn21,conversion,soviet_aid_rubles soviet_aid_usd fn21_rate_rubles fn21_rate_usd,",
            "soviet_aid_fn21,conversion,soviet_aid_rubles soviet_aid_usd fn21_rate_rubles,",
            r"\(check soviet_aid_fn21\), field 'inputs': kind conversion takes amount converted rate_from rate_to; "
            r"got 3 input\(s\): missing role rate_to",
        ),
        (
            "soviet_aid_official,reference_rate,soviet_aid_rubles soviet_aid_usd rub_official_1950,",
            "soviet_aid_official,reference_rate,soviet_aid_rubles rub_official_1950 soviet_aid_usd,",
            r"\(check soviet_aid_official\), field 'inputs': input 2 \(role converted\) 'rub_official_1950' is a "
            r"reference fact, but kind reference_rate needs a claim there",
        ),
        (
            "soviet_aid_fn21,conversion,soviet_aid_rubles soviet_aid_usd fn21_rate_rubles fn21_rate_usd,,",
            "soviet_aid_fn21,conversion,soviet_aid_rubles soviet_aid_usd fn21_rate_rubles fn21_rate_usd,4,",
            r"\(check soviet_aid_fn21\), field 'expected_low': kind conversion does not read expected_low",
        ),
        (
            "aid_shares_sum,parts_sum,aid_share_ussr_pct aid_share_china_pct aid_share_eastern_europe_pct "
            "aid_share_mongolia_vietnam_pct,100,",
            "aid_shares_sum,parts_sum,aid_share_ussr_pct aid_share_china_pct aid_share_eastern_europe_pct "
            "aid_share_mongolia_vietnam_pct,,",
            r"\(check aid_shares_sum\), field 'expected_low': kind parts_sum reads it as the whole the parts add up to",
        ),
    ],
)
def test_checks_are_held_to_their_kinds_declarations(tmp_path, old, new, message):
    with pytest.raises(DataError, match=message):
        engine.load_checks(_checks_with(tmp_path, old, new))


def test_every_kind_declares_its_roles():
    rows = check_kinds.describe_kinds()
    assert [r["kind"] for r in rows] == list(engine.KINDS)
    assert all(engine.KIND_SPECS[k].roles is not None and engine.KIND_SPECS[k].does for k in engine.KINDS)


def test_a_range_is_one_figure_with_two_ends():
    assert figures.parse("100-150") == figures.Figure(low=100.0, high=150.0)
    assert figures.parse("25-USD 37.50") == figures.Figure(low=25.0, high=37.5)
    assert figures.parse("2 to 3 million") == figures.Figure(low=2e6, high=3e6)
    assert figures.range_ends("25-USD 37.50") == ("25", "37.50")
    with pytest.raises(figures.FigureError) as caught:
        figures.parse("a dozen")
    assert "the forms that can be read are:" in str(caught.value) and "a range (100-150" in str(caught.value)


def _claim(claim_id, value=None, figure=None, unit="USD", low=None, high=None):
    return {
        "id": claim_id,
        "value": value,
        "figure": figure or f"{value:g}",
        "unit": unit,
        "factor": 1.0,
        "qualifier": "none",
        "date": "",
        "low": low,
        "high": high,
        "page": 7,
        "footnote": None,
        "quote": f"quote of {claim_id}",
        "chapter": "war_damage",
    }


@pytest.mark.parametrize(
    "usd_figure, low, high, expected",
    [("25-USD 37.50", 25.0, 37.5, CONSISTENT), ("25-USD 40", 25.0, 40.0, INCONSISTENT)],
)
def test_a_range_converts_at_both_ends(usd_figure, low, high, expected):
    ctx = engine.Context(
        pd.DataFrame(
            [
                _claim("pay", figure="100-150", unit="rubles", low=100.0, high=150.0),
                _claim("pay_usd", figure=usd_figure, low=low, high=high),
                _claim("rate_from", 4, unit="rubles"),
                _claim("rate_to", 1),
            ]
        ).set_index("id", drop=False)
    )
    row = {
        "id": "case",
        "kind": "conversion",
        "inputs": "pay pay_usd rate_from rate_to",
        "title": "t",
        "chapter": "war_damage",
        "explanation": "e",
        "_line": 2,
    }
    finding = engine.run_check(ctx, row)
    assert finding.verdict == expected
    assert finding.computed.startswith("low end: 25 USD; high end: 37.5 USD")


def parameters_cells():
    for notebook in sorted(paths.REPO_ROOT.glob("notebooks/**/*.ipynb")) + sorted(paths.BOOK_DIR.glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                yield notebook, "".join(cell["source"])


@pytest.mark.parametrize("notebook, cell", list(parameters_cells()), ids=lambda x: getattr(x, "stem", ""))
def test_every_parameters_cell_has_the_defaults_of_params(notebook, cell):
    assigned = {}
    for node in ast.parse(cell).body:
        assert isinstance(node, ast.Assign), f"{notebook.name}: the parameters cell only assigns"
        assigned[node.targets[0].id] = ast.literal_eval(node.value)
    assert assigned == params.DEFAULTS, f"{notebook.name}: {assigned} differs from paper_audit.audit.params"
    for name, spec in params.SPECS.items():
        assert f"allowed {spec.low:g} to {spec.high:g}" in cell, f"{notebook.name}: {name}'s range differs"


def test_the_generated_parameters_cell_has_the_defaults():
    namespace = {}
    exec(params.parameters_cell(), namespace)
    assert {k: namespace[k] for k in params.SPECS} == params.DEFAULTS
