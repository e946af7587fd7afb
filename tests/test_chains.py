"""How a printed figure was probably made (issue 25, ``audit.chains``): the
search is tested on small hand-made tables (planted rates, sums and slips),
apart from the real data, and then on the paper's conversions, whose
expected chains are worked out by hand in each test."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from paper_audit import paths
from paper_audit.audit import chain_data, chains
from paper_audit.audit.check_kinds import ContractError
from paper_audit.audit.finding import Finding
from paper_audit.audit.rounding import Interval
from paper_audit.errors import DataError
from paper_audit.present import flags
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import schema

MONEY = ("marks", "crowns", "yuan", "rubles", "USD")


def claim(cid: str, figure: str, value: float, unit: str, scale: str = "million", **more) -> dict:
    factor = claims_mod.SCALE_FACTORS[scale]
    row = dict(id=cid, figure=figure, value=value, factor=factor, scale=scale, unit=unit, qualifier="none")
    row.update(period_start="1954-01-01", period_end="1954-12-31")
    row.update(more)
    return row


def claims_frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows)).set_index("id", drop=False)


def frame(header: str, *lines: str) -> pd.DataFrame:
    """A table as read from a CSV file: strings, empty for missing."""
    names = header.split(",")
    return pd.DataFrame([dict(zip(names, line.split(","), strict=True)) for line in lines], columns=names)


RATES_HEADER = "id,currency,units_per_usd,valid_from,valid_to,basis,source,confidence"
CROSS_HEADER = "id,currency,per_currency,units,valid_from,valid_to,basis,source,confidence"
SUMS_HEADER = "id,fact,value,unit,scale,date,of,source,confidence"
SLIPS_HEADER = ",".join(chain_data.SLIP_FIELDS)


def tables(rates=(), cross=(), sums=(), slips=(), claim_ids=("amount", "printed")) -> chain_data.Tables:
    frames = {
        chain_data.RATES: frame(RATES_HEADER, *rates),
        chain_data.CROSS: frame(CROSS_HEADER, *cross),
        chain_data.SUMS: frame(SUMS_HEADER, *sums),
    }
    return chain_data.tables_from(
        frames, frame(SLIPS_HEADER, *slips), claim_ids, known_ids={"doc"}, known_currencies=MONEY
    )


MARKS_4 = "marks_4,marks,4,1950-01-01,1960-12-31,an official rate,doc,high"
SCALE = "thousandfold,scale,1000,,,a slip of scale by a thousand,a planted slip,doc,medium"
SWAP = "swapped,transposition,,,,a transposition of two digits in print,a planted slip,,medium"
CUT = "cut,rounded_rate,,2,,cut to two significant figures,a planted slip,,low"


# --- the mechanism, on planted tables -------------------------------------------------


def test_one_rate_reproduces_a_plain_conversion():
    # 600 million marks / 4 marks per dollar = USD 150 million, exactly.
    table = claims_frame(claim("amount", "600 million", 600, "marks"), claim("printed", "150 million", 150, "USD"))
    found = chains.search("amount", "printed", table, tables(rates=[MARKS_4]))
    assert found.tried == 1  # one path (marks to dollars), no slips, no sums
    assert found.best is not None and found.best.reproduces and found.best.valid_at_date
    assert [s.ref for s in found.best.steps] == ["marks_4"]
    assert found.best.value == Interval(599.5e6 / 4, 600.5e6 / 4, 150e6)
    assert chains.sentence(found) == (
        "How the printed figure, USD 150 million, was probably made: the paper's 600 million marks, "
        "at 4 marks to the dollar, a rate of high confidence that held from 1 January 1950 to 31 December 1960 "
        "and so at the figure's date, which gives USD 150 million."
    )


def test_nothing_reproduces_and_the_sentence_says_how_many_were_tried():
    # 420 billion crowns / 30 = USD 14 billion. The slips: a thousandfold either way
    # (USD 14 trillion, USD 14 million) and the printed 170 read as 710 or 107
    # (no reading may start with a nought): 1 + 2 + 2 = 5 chains, none near USD 170 million.
    table = claims_frame(
        claim("amount", "420 billion", 420, "crowns", "billion"), claim("printed", "170 million", 170, "USD")
    )
    planted = tables(rates=["crowns_30,crowns,30,1950-01-01,,a rate,doc,high"], slips=[SCALE, SWAP])
    found = chains.search("amount", "printed", table, planted)
    assert (found.best, found.reproducing, found.tried) == (None, (), 5)
    assert chains.sentence(found) == "None of the 5 chains tried reproduces USD 170 million."
    # No rate for the currency at all: nothing could be tried, and the sentence says why.
    bare = chains.search("amount", "printed", table, tables(rates=[MARKS_4], slips=[SCALE]))
    assert bare.tried == 0
    assert chains.sentence(bare) == (
        "No chain reproduces USD 170 million: the reference data hold no rate that converts crowns, "
        "so none could be tried."
    )


@pytest.mark.parametrize(
    "amount, printed, slip, expected",
    [
        # 680 billion marks / 4 = USD 170 billion; read as 680 million: USD 170 million.
        (("680 billion", 680, "billion"), ("170 million", 170), SCALE, "680 billion marks read as 680 million marks"),
        # 600 million / 4 = 150 million; printed as 105 million, its last two digits swapped.
        (("600 million", 600, "million"), ("105 million", 105), SWAP, "the printed 105 million read as 150"),
        # 300 million / 2.4 = 125 million exactly; at 2.4618 it would be 121.9 million.
        (("300 million", 300, "million"), ("125 million", 125), CUT, "cut to two significant figures from 2.4618"),
    ],
)
def test_one_documented_slip_reproduces_a_figure(amount, printed, slip, expected):
    rate = MARKS_4 if slip != CUT else "marks_24618,marks,2.4618,1950-01-01,,a rate,doc,high"
    table = claims_frame(
        claim("amount", amount[0], amount[1], "marks", amount[2]), claim("printed", printed[0], printed[1], "USD")
    )
    found = chains.search("amount", "printed", table, tables(rates=[rate], slips=[slip]))
    assert found.best is not None and found.best.size == 2
    assert expected in found.best.words()
    assert [s.kind for s in found.best.steps] == ["rate", "slip"]
    # Without the slip, nothing reproduces the figure.
    assert chains.search("amount", "printed", table, tables(rates=[rate])).best is None


def test_two_rates_through_a_third_currency():
    # 800 million yuan x 2 marks per yuan / 4 marks per dollar = USD 400 million.
    table = claims_frame(claim("amount", "800 million", 800, "yuan"), claim("printed", "400 million", 400, "USD"))
    cross = ["marks_per_yuan,marks,yuan,2,1950-01-01,,a cross rate,doc,medium-high"]
    found = chains.search("amount", "printed", table, tables(rates=[MARKS_4], cross=cross))
    assert found.tried == 1  # yuan -> marks -> dollars is the only path
    assert found.best is not None and [s.ref for s in found.best.steps] == ["marks_per_yuan", "marks_4"]
    assert found.best.value.point == pytest.approx(400e6)
    assert found.best.confidence == "medium-high"  # the weakest of high and medium-high


def test_the_ranking_rule_on_planted_ties():
    table = claims_frame(claim("amount", "800 million", 800, "yuan"), claim("printed", "400 million", 400, "USD"))
    # Two chains of two steps each reproduce USD 400 million: an outside sum of
    # 1.6 billion marks / 4 (its rate held in 1954), and 800 million yuan x 2 / 4,
    # whose cross rate held only from 1959: the one whose rates held comes first,
    # though its source has the lower confidence.
    cross = ["late_cross,marks,yuan,2,1959-07-01,1960-12-31,a cross rate,doc,high"]
    sums = ["outside,an outside sum,1.6,marks,billion,,amount,doc,medium"]
    found = chains.search("amount", "printed", table, tables(rates=[MARKS_4], cross=cross, sums=sums))
    assert [c.start for c in found.reproducing] == ["outside", "amount"]
    assert [c.valid_at_date for c in found.reproducing] == [True, False]
    assert found.best is found.reproducing[0]
    # Fewer steps come first whatever the rest: one rate of low confidence that did not hold
    # beats two steps that held.
    direct = "yuan_2,yuan,2,1990-01-01,,a late rate,doc,low"
    found = chains.search("amount", "printed", table, tables(rates=[MARKS_4, direct], sums=sums))
    assert [(c.start, c.size, c.valid_at_date) for c in found.reproducing] == [
        ("amount", 1, False),
        ("outside", 2, True),
    ]
    # As many steps, all valid: the higher confidence of the weakest source comes first,
    # whatever the order of the rows.
    rates = ["yuan_low,yuan,2,1950-01-01,,a rate,doc,low", "yuan_high,yuan,2,1950-01-01,,a rate,doc,high"]
    for order in (rates, rates[::-1]):
        found = chains.search("amount", "printed", table, tables(rates=order))
        assert [c.steps[0].ref for c in found.reproducing] == ["yuan_high", "yuan_low"]
    assert "fewest steps" in chains.RANKING_RULE and "held at the figure's date" in chains.RANKING_RULE


def test_an_outside_sum_is_converted_by_one_rate_and_no_slip():
    table = claims_frame(claim("amount", "729 million", 729, "yuan"), claim("printed", "362.5 million", 362.5, "USD"))
    sums = ["outside,an outside sum,1.45,marks,billion,,amount,doc,medium"]
    found = chains.search("amount", "printed", table, tables(rates=[MARKS_4], sums=sums, slips=[SCALE]))
    # 1.45 billion marks / 4 = USD 362.5 million; the sum alone is tried once
    # (no slip on it); the paper's yuan have no rate here.
    assert found.tried == 1
    assert found.best is not None and found.best.start == "outside"
    assert found.best.value.point == pytest.approx(362.5e6)
    assert found.best.value.low == pytest.approx(1.445e9 / 4)  # the sum's own rounding: 1.45 stands for 1.445 to 1.455


def test_a_sum_the_same_source_gives_beside_an_outside_account():
    # The paper's 430 billion crowns have an outside account in crowns (no rate), and the
    # same document of the same date gives 14 billion marks beside it: 14 billion / 4 = USD 3.5 billion.
    table = claims_frame(
        claim("amount", "430 billion", 430, "crowns", "billion"),
        claim("printed", "3.5 billion", 3.5, "USD", "billion"),
    )
    sums = [
        "in_crowns,the damage in crowns,430,crowns,billion,1955-04,amount,doc,high",
        "in_marks,the same damage in marks,14,marks,billion,1955-04,,doc,high",
        "other_date,another sum,14,marks,billion,1956-01,,doc,high",
    ]
    found = chains.search("amount", "printed", table, tables(rates=[MARKS_4], sums=sums))
    assert [c.start for c in found.reproducing] == ["in_marks"]
    assert (
        found.reproducing[0]
        .words()
        .startswith(
            # a planted source the project's sources.csv does not hold: said so, not invented
            "14 billion marks, which a source not recorded gives beside its account of this sum, of unknown class, "
            "held with high"
        )
    )


# --- the typed contract ------------------------------------------------------------------


def test_a_chain_that_claims_too_much_is_refused():
    table = claims_frame(claim("amount", "600 million", 600, "marks"), claim("printed", "150 million", 150, "USD"))
    good = chains.search("amount", "printed", table, tables(rates=[MARKS_4])).best
    assert good is not None
    far = Interval(1e9, 1e9, 1e9)
    with pytest.raises(ContractError, match="reproduces"):
        dataclasses.replace(good, value=far)
    with pytest.raises(ContractError, match="valid_at_date"):
        dataclasses.replace(good, valid_at_date=False)
    with pytest.raises(ContractError, match="confidence"):
        dataclasses.replace(good, confidence="low")
    with pytest.raises(ContractError, match="another figure"):
        dataclasses.replace(good, target=Interval(1.4e8, 1.6e8, 1.5e8))
    with pytest.raises(ContractError, match="sources"):
        dataclasses.replace(good, sources=("elsewhere",))
    with pytest.raises(ContractError, match="rules"):
        dataclasses.replace(good, steps=good.steps * 3)
    found = chains.search("amount", "printed", table, tables(rates=[MARKS_4]))
    with pytest.raises(ContractError, match="best chain"):
        dataclasses.replace(found, best=None)
    with pytest.raises(ContractError, match="fewer chains"):
        dataclasses.replace(found, tried=0)


# --- bad data: one DataError naming the file, line and field ------------------------------


@pytest.mark.parametrize(
    "kwargs, where",
    [
        (
            {"slips": [SCALE, "odd,misprint,,,,a slip,a planted slip,,low"]},
            r"slips\.csv, line 3 \(id odd\), field 'type'",
        ),
        ({"sums": ["s,a sum,1,marks,million,,nobody,doc,high"]}, r"sums\.csv, line 2 \(id s\), field 'of'"),
        (
            {"rates": [MARKS_4, "r,florins,2,1950-01-01,,a rate,doc,high"]},
            r"exchange_rates\.csv, line 3 \(id r\), field 'currency'",
        ),
        (
            {"cross": ["c,marks,florins,2,1950-01-01,,a rate,doc,high"]},
            r"cross_rates\.csv, line 2 \(id c\), field 'per_currency'",
        ),
        (
            {"slips": ["cut,rounded_rate,,two,,cut,a planted slip,,low"]},
            r"slips\.csv, line 2 \(id cut\), field 'digits'",
        ),
        (
            {"slips": ["s,scale,1000,,,a slip,a planted slip,nowhere,low"]},
            r"slips\.csv, line 2 \(id s\), field 'evidence'",
        ),
    ],
)
def test_bad_data_is_refused_with_file_line_and_field(kwargs, where):
    with pytest.raises(DataError, match=where):
        tables(**kwargs)


def test_the_project_s_slips_load_and_each_says_what_documents_it():
    table = claims_mod.load_claims()
    loaded = chain_data.load(set(table.index))
    assert {s.type for s in loaded.slips} == set(chain_data.SLIP_TYPES)
    assert all(s.what and s.documented_by for s in loaded.slips)
    redenominations = {s.currency: s.factor for s in loaded.slips if s.type == "redenomination"}
    assert redenominations == {"yuan": 10_000, "won": 100}


# --- the paper's conversions, on the project's data ---------------------------------------


@pytest.fixture(scope="module")
def real():
    table = claims_mod.load_claims()
    return table, chain_data.load(set(table.index))


def best(real, amount: str, printed: str) -> tuple[chains.ChainSearch, chains.Chain]:
    found = chains.search(amount, printed, *real)
    assert found.best is not None, chains.sentence(found)
    return found, found.best


def test_the_cancelled_debt_is_an_outside_ruble_sum_at_four_rubles(real):
    # 1.45 billion rubles / 4 = USD 362.5 million; the ruble rate of 1950-60 held in November 1953.
    found, chain = best(real, "chinese_debt_cancelled_yuan", "chinese_debt_cancelled_usd")
    assert (chain.start, [s.ref for s in chain.steps]) == (
        "china_wartime_supplies_rubles",
        ["china_wartime_supplies_rubles", "rub_official_1950"],
    )
    assert chain.value.point == pytest.approx(1.45e9 / 4) == 362.5e6
    assert chain.valid_at_date and chain.size == 2
    # What it rests on: the sum's two Korean-language summaries, then the rate's source.
    assert chain.sources == ("dailynk-chinese-aid", "razuvaev-summary-blog", "frus-1950-v04-d611")
    assert chain.confidence == "medium"
    # The paper's 729 million yuan at 2 rubles to the yuan and 4 to the dollar give 364.5
    # million (364.25 to 364.75 with rounding): not USD 362.5 million.
    assert all(c.start != "chinese_debt_cancelled_yuan" for c in found.reproducing)


def test_the_gift_is_an_outside_ruble_sum_before_the_later_cross_rate(real):
    # 1.6 billion rubles / 4 = USD 400 million (two steps, the rate held in 1954-57) beats
    # 800 million yuan x 2 / 4 = USD 400 million (two steps, but the cross rate held only from July 1959).
    found, chain = best(real, "chinese_gift_yuan", "chinese_gift_usd")
    assert [s.ref for s in chain.steps] == ["china_gift_1954_57_rubles", "rub_official_1950"]
    assert chain.value.point == pytest.approx(1.6e9 / 4) == 400e6 and chain.valid_at_date
    cross = [c for c in found.reproducing if c.start == "chinese_gift_yuan"]
    assert [[s.ref for s in c.steps] for c in cross] == [["rub_per_yuan_1959", "rub_official_1950"]]
    assert cross[0].value.point == pytest.approx(800e6 * 2 / 4) and not cross[0].valid_at_date
    assert found.reproducing.index(cross[0]) > 0


def test_the_first_year_is_a_rate_cut_to_two_figures(real):
    # 300 million yuan / 2.4 = USD 125 million exactly, 2.4 being 2.4618 cut to two figures.
    # The data hold 2.4618 twice: the official rate from March 1955 (high confidence, not yet
    # in force in 1954) and the claim of unnamed sources that it held from 1953 (low
    # confidence, in force in 1954). The one that held in 1954 comes first.
    found, chain = best(real, "chinese_gift_first_year_yuan", "chinese_gift_first_year_usd")
    assert chain.value.point == pytest.approx(300e6 / 2.4) and chain.size == 2
    assert [(s.kind, s.ref) for s in chain.steps] == [("rate", "cny_before_reform_alt"), ("slip", "rate_two_figures")]
    assert chain.valid_at_date and chain.confidence == "low"
    official = [c for c in found.reproducing if c.steps[0].ref == "cny_official_1955"]
    assert len(official) == 1 and not official[0].valid_at_date
    # At the full 2.4618 the tranche is USD 121.9 million: no chain without the slip reproduces it.
    assert all(any(s.kind == "slip" for s in c.steps) for c in found.reproducing)


def test_the_soviet_damage_is_fourteen_billion_rubles_at_four(real):
    # 14 billion rubles / 4 = USD 3.5 billion, the ruble rate of 1950-60 held during the war.
    _, chain = best(real, "damage_estimate_rubles_soviet", "damage_estimate_usd_soviet")
    assert [s.ref for s in chain.steps] == ["rub_official_1950"] and chain.valid_at_date
    assert chain.value.point == pytest.approx(14e9 / 4)
    # From the 430 billion won (no won rate): the 14 billion rubles the same Soviet report gives.
    _, chain = best(real, "damage_estimate_won_soviet", "damage_estimate_usd_soviet")
    assert [s.ref for s in chain.steps] == ["soviet_memo_damage_rubles_1955_04", "rub_official_1950"]


def test_nothing_in_the_data_reproduces_the_170_million_from_won(real):
    found = chains.search("damage_estimate_won_dprk", "damage_estimate_usd_dprk", *real)
    assert found.best is None and found.reproducing == ()
    # The reference data hold no won rate, and no outside sum of the 420 billion won in another currency.
    assert found.tried == 0
    assert "USD 170 million" in chains.sentence(found)


@pytest.mark.parametrize(
    "amount, printed, expected",
    [
        ("soviet_aid_rubles", "soviet_aid_usd", 1e9 / 4),
        ("ee_commitment_rubles", "ee_commitment_usd", 1.147e9 / 4),
        ("ee_aid_by_end_1954_rubles", "ee_aid_by_end_1954_usd", 202e6 / 4),
    ],
)
def test_the_ruble_sums_are_one_rate_of_four(real, amount, printed, expected):
    _, chain = best(real, amount, printed)
    assert [s.ref for s in chain.steps] == ["rub_official_1950"] and chain.valid_at_date
    assert chain.value.point == pytest.approx(expected)


def planted_finding(kind: str, inputs: list[str], counted: bool = True, check: str = "planted") -> Finding:
    return Finding(
        check=check,
        kind=kind,
        title="A planted question?",
        chapter="chinese_aid",
        inputs=inputs,
        verdict="inconsistent",
        label="inconsistent",
        stated="",
        computed="",
        explanation="The explanation.",
        counted=counted,
    )


def test_the_conversions_of_a_finding_are_its_sums_and_their_converted_values(real):
    rates = ["chinese_debt_cancelled_yuan", "chinese_debt_cancelled_usd", "chinese_gift_yuan", "chinese_gift_usd"]
    assert [(s.amount, s.printed) for s in chains.for_finding(planted_finding("same_rate", rates), *real)] == [
        ("chinese_debt_cancelled_yuan", "chinese_debt_cancelled_usd"),
        ("chinese_gift_yuan", "chinese_gift_usd"),
    ]
    # A conversion at a stated rate: the sum and its converted value, not the rate's two claims.
    stated = ["soviet_aid_rubles", "soviet_aid_usd", "fn21_rate_rubles", "fn21_rate_usd"]
    assert chains.conversion_pairs("conversion", stated, real[0]) == [("soviet_aid_rubles", "soviet_aid_usd")]
    # Not a conversion: a footnote's rate beside a sum in yuan.
    assert chains.conversion_pairs("footnote_rate", ["chinese_gift_yuan", "fn21_rate_rubles"], real[0]) == []


def test_a_counted_conversion_s_flag_says_how_its_figure_was_made(real):
    inputs = ["chinese_gift_yuan", "chinese_gift_usd", "cny_official_1955"]
    counted = planted_finding("reference_rate", inputs, check="chinese_gift_official")
    shown = flags.paragraphs(counted)
    sentence = chains.sentence(chains.search("chinese_gift_yuan", "chinese_gift_usd", *real))
    assert sentence.startswith("How the printed figure, USD 400 million, was probably made: 1.6 billion rubles")
    # the explanation continues the verdict's clause, its first word in lower case
    assert "the explanation. " + sentence in shown.replace("&#x27;", "'")
    # Not counted: no sentence; the engine's own searches, where it gives them, are used.
    assert "probably made" not in flags.paragraphs(dataclasses.replace(counted, counted=False))
    # Another check that holds the same conversion leaves it to the one that tells it.
    assert "probably made" not in flags.paragraphs(dataclasses.replace(counted, check="chinese_yuan_usd_rates"))
    given = dataclasses.replace(counted)
    given.made_by = []  # the engine found no conversion to search
    assert "probably made" not in flags.paragraphs(given)


def test_the_sentences_are_whole_sentences_without_ids_or_nested_brackets(real):
    ids = set(real[0].index) | {r.id for r in real[1].rates} | {s.id for s in real[1].sums}
    ids |= {s.id for s in real[1].slips}
    pairs = [
        ("chinese_debt_cancelled_yuan", "chinese_debt_cancelled_usd"),
        ("chinese_gift_yuan", "chinese_gift_usd"),
        ("chinese_gift_first_year_yuan", "chinese_gift_first_year_usd"),
        ("damage_estimate_won_dprk", "damage_estimate_usd_dprk"),
        ("damage_estimate_won_soviet", "damage_estimate_usd_soviet"),
    ]
    for amount, printed in pairs:
        said = chains.sentence(chains.search(amount, printed, *real))
        assert said[0].isupper() and said.endswith(".") and said.count(". ") == 0, said
        assert not re.search(r"\([^()]*\(", said), said
        assert not [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", said) and "_" in i], said
        assert not re.search(r"\b1[89]\d\d-\d\d-\d\d\b", said), said


def test_each_conversion_is_told_by_one_check(real):
    rows = [
        {"id": "all_three", "kind": "same_rate", "inputs": "a1 p1 a2 p2 a3 p3", "judges": "p1 p2 p3"},
        {"id": "first_only", "kind": "reference_rate", "inputs": "a1 p1", "judges": "p1"},
        {"id": "second_unjudged", "kind": "reference_rate", "inputs": "a2 p2", "judges": ""},
        {"id": "third_later", "kind": "reference_rate", "inputs": "a3 p3", "judges": "p3"},
        {"id": "third_again", "kind": "reference_rate", "inputs": "a3 p3", "judges": "p3"},
    ]
    rows_claims = claims_frame(
        *(claim(f"a{i}", "1 million", 1, "yuan") for i in (1, 2, 3)),
        *(claim(f"p{i}", "1 million", 1, "USD") for i in (1, 2, 3)),
    )
    # The check that judges the printed figure first, then the most specific, then the first in the file.
    assert chains.owners(rows, rows_claims) == {
        ("a1", "p1"): "first_only",
        ("a2", "p2"): "all_three",
        ("a3", "p3"): "third_later",
    }
    # The book's: each printed figure of China's aid in its own check against the official rates.
    book = claims_mod.read_csv_strict(paths.CHECKS_CSV, schema.field_names("checks"))
    told = chains.owners(book, real[0])
    assert told[("chinese_gift_yuan", "chinese_gift_usd")] == "chinese_gift_official"
    assert told[("chinese_gift_first_year_yuan", "chinese_gift_first_year_usd")] == "chinese_first_year_official"
    assert told[("damage_estimate_won_soviet", "damage_estimate_usd_soviet")] == "damage_won_usd_rates"


def test_an_outside_sum_is_named_with_its_sources_and_their_class(real):
    """362.5 = 1.45 billion rubles / 4: the sum comes from two Korean-language
    summaries, and the sentence says who gives it and of what class they are."""
    sentence = chains.sentence(chains.search("chinese_debt_cancelled_yuan", "chinese_debt_cancelled_usd", *real))
    assert "1.45 billion rubles" in sentence
    assert "DailyNK" in sentence and "sources of the class summary" in sentence


def test_a_printed_range_is_not_searched():
    """A sum printed as a range is checked by the engine at each end; a search
    starts from one figure, so a range's conversion is left out (an invented
    page with "170 to 180 million" once stopped the scenarios chapter)."""
    import pandas as pd

    from paper_audit.audit import chain_data

    claims = pd.DataFrame(
        [
            {"id": "won", "unit": "won", "value": 420.0},
            {"id": "usd", "unit": "USD", "value": 170.0},
            {"id": "usd_range", "unit": "USD", "value": float("nan")},
        ]
    ).set_index("id", drop=False)
    assert chain_data.conversion_pairs("same_rate", ["won", "usd", "won", "usd"], claims) == [("won", "usd")] * 2
    assert chain_data.conversion_pairs("same_rate", ["won", "usd_range", "won", "usd"], claims) == [("won", "usd")]
