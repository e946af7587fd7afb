"""The claims table: real data loads and matches the text; each kind of bad
input is refused with one message naming the file, line and field."""

import re

import pytest

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.tables import claims, schema
from paper_audit.text import figures

HEADER = schema.field_names("claims")


def test_real_claims_load_and_each_quote_is_on_its_page(pages):
    table = claims.load_claims()
    assert len(table) >= 60 and table["id"].is_unique
    for claim in table.itertuples():
        text = pages[claim.page].clean
        assert text.count(claim.quote) == 1, claim.id
        assert text[claim.figure_start : claim.figure_end] == claim.figure


def test_every_parsed_value_matches_its_row():
    # Independent of load_claims: read the figure again and compare with the typed value.
    for claim in claims.load_claims().itertuples():
        figure = figures.parse(claim.figure)
        if figure.value is not None:
            assert figure.value == pytest.approx(claim.value * claim.factor, rel=1e-5), claim.id
        elif figure.low is not None:
            expected = (claim.low * claim.factor, claim.high * claim.factor)
            assert (figure.low, figure.high) == pytest.approx(expected), claim.id
        else:
            assert claim.date.endswith(figure.date.lstrip("-")), claim.id


def test_named_figures_are_present():
    table = claims.load_claims()
    figures_by_text = set(table["figure"])
    for text in [
        "thirty-four",
        "Nineteen",
        "one-third",
        "three-quarters",
        "half",
        "two",
        "ten",
        "six months to a year",
        "420 billion",
        "170 million",
        "14 billion",
        "3.5 billion",
        "729 million",
        "362.5 million",
        "22,735",
    ]:
        assert text in figures_by_text, text


def test_quote_lookup_returns_page_footnote_and_offsets(pages):
    where = claims.locate("Nineteen divisions left in 1954-1955", 3)
    assert (where.page, where.footnote) == (3, 13)
    assert pages[3].clean[where.start : where.end] == "Nineteen divisions left in 1954-1955"
    assert claims.locate("22,735 Korean child refugees", 6).footnote is None
    with pytest.raises(DataError, match="occurs 0 times on page 2"):
        claims.locate("22,735 Korean child refugees", 2)


def edit(lines, claim_id, field, value):
    """Return the lines with one field of one row replaced (CSV-aware)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO("".join(lines))))
    index = rows[0].index(field)
    for row in rows[1:]:
        if row[0] == claim_id:
            row[index] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().splitlines(keepends=True)


def line_of(lines, claim_id):
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(claim_id + ","))


BAD_CASES = [
    ("non-numeric value", "damage_agriculture_pct", "value", "about 24", r"field 'value': 'about 24' is not a number"),
    ("unknown unit", "damage_agriculture_pct", "unit", "furlongs", r"field 'unit': 'furlongs' is not one of"),
    (
        "quote not on its page",
        "damage_agriculture_pct",
        "quote",
        "dropped by some 25 percent",
        r"field 'quote': the quote occurs 0 times",
    ),
    (
        "page not in the source",
        "damage_agriculture_pct",
        "page",
        "7",
        r"field 'page': page 7 is not in the source .* add it with `paper-audit add-page 7",
    ),
    (
        "value differs from quote",
        "damage_agriculture_pct",
        "value",
        "25",
        r"field 'value': 25 differs from the figure '24'",
    ),
    (
        "wrong footnote",
        "cpv_divisions_left_1954_55",
        "footnote",
        "12",
        r"field 'footnote': says 12, but the quote stands in footnote 13",
    ),
    ("stray whitespace", "damage_agriculture_pct", "measure", " drop in output", r"field 'measure': stray whitespace"),
]


@pytest.mark.parametrize("label, claim_id, field, value, message", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_row_is_refused_naming_file_line_and_field(
    claims_rows, write_claims, label, claim_id, field, value, message
):
    lines = edit(claims_rows, claim_id, field, value)
    path = write_claims(lines)
    with pytest.raises(DataError) as caught:
        claims.load_claims(path)
    text = str(caught.value)
    assert text.startswith(f"{path}, line {line_of(lines, claim_id)} (id {claim_id}), "), text
    assert re.search(message, text), text


def test_missing_column_is_named(claims_rows, write_claims):
    import csv
    import io

    rows = list(csv.reader(io.StringIO("".join(claims_rows))))
    index = rows[0].index("unit")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:index] + r[index + 1 :] for r in rows])
    path = write_claims(out.getvalue().splitlines(keepends=True))
    with pytest.raises(DataError, match=rf"{re.escape(str(path))}, line 1 \(header\): missing column\(s\) unit"):
        claims.load_claims(path)


def test_duplicate_id_is_refused(claims_rows, write_claims):
    lines = claims_rows + [claims_rows[5]]
    path = write_claims(lines)
    claim_id = claims_rows[5].split(",")[0]
    with pytest.raises(DataError, match=rf"line {len(lines)} \(id {claim_id}\), field 'id': duplicate of line 6"):
        claims.load_claims(path)


def test_bom_is_refused(claims_rows, write_claims):
    path = write_claims(claims_rows, prefix=b"\xef\xbb\xbf")
    with pytest.raises(DataError, match=r"line 1: the file starts with a byte-order mark"):
        claims.load_claims(path)


def test_stray_whitespace_in_quote_is_refused(claims_rows, write_claims):
    lines = edit(claims_rows, "damage_trains_pct", "quote", "70 percent of trains ")
    with pytest.raises(DataError, match=r"\(id damage_trains_pct\), field 'quote': stray whitespace"):
        claims.load_claims(write_claims(lines))


def test_datapackage_validates_every_resource():
    from frictionless import Package

    report = Package(str(paths.DATAPACKAGE_JSON)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_catches_what_the_schema_forbids(tmp_path):
    bad = tmp_path / "exchange_rates.csv"
    text = (paths.REFERENCE_DIR / "exchange_rates.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(",high,", ",certain,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"exchange_rates\.csv, line 2, field 'confidence': constraint-error"):
        schema.validate("exchange-rates", bad)


# What a figure counts, as its measure names it, and the word its quote must hold
# so that the quote reads right alone.
SUBJECTS = {
    "fuel": "fuel",
    "metallurgical": "metallurgical",
    "chemical": "chemical",
    "electricity": "Electricity",
    "agricultural": "agriculture",
    "trains": "trains",
    "ships": "ships",
    "homes": "homes",
    "farmland": "farmland",
    "USSR": "USSR",
    "Chinese share": "China",
    "Eastern European": "Eastern European",
    "Mongolia": "Mongolia",
    "Soviet aid": "Soviet aid",
    "debt": "debt",
    "gift": "gift",
}
CURRENCIES = {"won": "won", "rubles": "rubles", "yuan": "yuan", "USD": "USD"}
# Where the page break forbids it: the sentence names the donors at the foot of
# page 5 and gives the figures on page 6, and a quote stands on one page.
ACROSS_PAGE_BREAK = {"ee_commitment_period_years", "ee_commitment_rubles", "ee_commitment_usd"}
NAMED_OTHERWISE = {"ee_commitment_gdr_share": "East Germany"}  # the donor it counts, by name


def test_quotes_name_what_the_figure_counts():
    table = claims.load_claims()
    problems = []
    checked = 0
    for claim_id, row in table.iterrows():
        if claim_id in NAMED_OTHERWISE:
            checked += 1
            assert NAMED_OTHERWISE[claim_id] in row["quote"], claim_id
            continue
        for subject, word in SUBJECTS.items():
            if (
                subject.lower() in row["measure"].lower()
                and "part of" not in row["measure"]
                and claim_id not in ACROSS_PAGE_BREAK
            ):
                checked += 1
                if word.lower() not in row["quote"].lower():
                    problems.append(f"{claim_id}: the measure names {subject!r}, the quote {row['quote']!r} does not")
        if row["unit"] in CURRENCIES and CURRENCIES[row["unit"]] not in row["quote"]:
            problems.append(
                f"{claim_id}: a sum in {row['unit']} whose quote {row['quote']!r} does not name the currency"
            )
    assert checked >= 15, "the rule must apply to the sector, donor and aid figures"
    assert not problems, "; ".join(problems)


def test_the_fuel_quote_reads_right_alone():
    quote = claims.load_claims().loc["damage_fuel_pct", "quote"]
    assert "fuel" in quote and quote != "metallurgical production 11 percent and"
