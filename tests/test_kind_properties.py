"""What a kind declares for the modules above the audit, so that none of them
names a kind (issue 27): each property shown on a kind declared by the test
itself. A module that asks for kinds by what they declare picks the new kind
up without being edited, and treats it otherwise when it declares otherwise
(which is how each test would fail if the module named kinds again, or if the
property were ignored)."""

import dataclasses

import pandas as pd
import pytest

from invented_page import CLEAN as INVENTED
from paper_audit.audit import chain_data, check_kinds, engine
from paper_audit.audit.check_kinds import kind
from paper_audit.author.drafted_checks import draft_checks, find_rates
from paper_audit.author.drafted_claims import assign_ids, draft_claims
from paper_audit.errors import DataError
from paper_audit.instructor import judging, variants
from paper_audit.run import scenarios
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import reference
from paper_audit.text import source


def _never_run(ctx, row, inputs):
    raise AssertionError("these tests ask what a kind declares; they never run one")


@pytest.fixture
def declare():
    """``declare(name, roles, **declared)`` registers a kind for one test and
    gives its spec; every kind so registered is forgotten after the test."""
    names = []

    def register(name, roles, **declared):
        names.append(name)
        kind(name, roles=roles, does="a kind declared by a test", **declared)(_never_run)
        return engine.KIND_SPECS[name]

    yield register
    for name in names:
        check_kinds.unregister(name)
        assert name not in engine.KINDS and name not in engine.KIND_SPECS


def test_kinds_where_finds_the_kinds_that_declare_a_value(declare):
    assert engine.kinds_where(relation=check_kinds.ONE_RATE) == ("same_rate",)
    declare("one_rate_for_test", ("amount", "converted"), repeat=2, relation=check_kinds.ONE_RATE)
    assert engine.kinds_where(relation=check_kinds.ONE_RATE) == ("same_rate", "one_rate_for_test")
    assert engine.kinds_where(lambda spec: spec.any_order, relation=check_kinds.ONE_RATE) == ("same_rate",)
    with pytest.raises(TypeError, match="a kind declares no relaton"):
        engine.kinds_where(relaton=check_kinds.ONE_RATE)


def test_unregister_forgets_all_a_kind_declared(declare):
    declare("forgotten_for_test", ("amount", "converted"), converts=(("amount", "converted"),), quotes_yardsticks=True)
    assert "forgotten_for_test" in reference.QUOTED_YARDSTICKS
    check_kinds.unregister("forgotten_for_test")
    assert "forgotten_for_test" not in reference.QUOTED_YARDSTICKS
    assert "forgotten_for_test" not in scenarios.conversion_kinds()


@pytest.mark.parametrize(
    "declared, refused",
    [
        ({"relation": "a relation nobody reads"}, "relation 'a relation nobody reads' is not one of"),
        ({"converts": (("amount", "dollars"),)}, "dollars is not one of its roles"),
        ({"converts": ("amount", "converted")}, "converts is pairs of roles"),
        ({"own_rate": True}, "own_rate is for a kind that converts"),
        ({"stated_rate": ("rate",)}, "rate is not one of its roles"),
        ({"any_order": True}, "any_order is for roles that repeat"),
    ],
)
def test_a_declaration_that_does_not_fit_the_kind_is_refused(declared, refused):
    with pytest.raises(ValueError, match=refused):
        kind("refused_for_test", roles=("amount", "converted:either?"), **declared)
    assert "refused_for_test" not in engine.KINDS


def test_the_groups_of_a_kinds_inputs_follow_its_roles():
    same_rate, conversion = engine.KIND_SPECS["same_rate"], engine.KIND_SPECS["conversion"]
    assert same_rate.groups(["a", "b", "c", "d", "e"]) == [("a", "b"), ("c", "d")]
    assert same_rate.conversions(["a", "b", "c", "d"]) == [("a", "b"), ("c", "d")]
    assert conversion.conversions(["a", "b", "f", "t"]) == [("a", "b")]
    assert conversion.at("rate_to", ["a", "b", "f", "t"]) == ["t"]
    assert engine.KIND_SPECS["reference_rate"].at("rate", ["a", "b"]) == [], "an optional role not given"


# converts, stated_rate: the scenarios chapter's conversions (run/scenarios.py)

UNITS = pd.DataFrame({"unit": {"r4": "rubles", "r1": "USD", "amt": "rubles", "usd": "USD", "x": "won", "y": "USD"}})
# The first row states a rate (r4 to r1) and converts amt; the second converts r4 (the rate itself) at x to y.
ROWS = ["r4 r1 amt usd", "x y r4 r1"]


def _pairs(monkeypatch, name):
    rows = [{"kind": name, "inputs": inputs} for inputs in ROWS]
    monkeypatch.setattr(engine, "load_checks", lambda claims=None: rows)
    return scenarios.conversion_pairs(UNITS)


def test_the_scenarios_gather_a_new_kind_by_the_conversions_it_declares(declare, monkeypatch):
    assert scenarios.conversion_kinds() == scenarios.CONVERSION_KINDS == ("conversion", "reference_rate", "same_rate")
    roles = ("rate", "rate_usd", "sum", "sum_usd")
    declare("at_rate_for_test", roles, converts=(("sum", "sum_usd"),), stated_rate=("rate", "rate_usd"))
    assert "at_rate_for_test" in scenarios.conversion_kinds()
    assert _pairs(monkeypatch, "at_rate_for_test") == [("amt", "usd")]
    # Without stated_rate the rate counts as an amount converted; without converts nothing is gathered.
    declare("no_stated_rate_for_test", roles, converts=(("sum", "sum_usd"),))
    assert _pairs(monkeypatch, "no_stated_rate_for_test") == [("amt", "usd"), ("r4", "r1")]
    declare("no_conversion_for_test", roles)
    assert "no_conversion_for_test" not in scenarios.conversion_kinds()
    assert _pairs(monkeypatch, "no_conversion_for_test") == []


def test_the_conversions_a_search_is_asked_about_are_the_ones_a_kind_declares(declare):
    """What the chains read (``chain_data.conversion_pairs``) comes from
    ``converts`` alone, whatever the roles are called: a pair of roles named
    like a conversion but not declared is none, and one declared under other
    names is one (with its own rate too: a part at its whole's rate)."""
    units = pd.DataFrame(
        {"unit": {"a": "yuan", "b": "USD", "c": "yuan", "d": "USD"}, "value": {k: "1" for k in "abcd"}}
    )
    declare("named_like_for_test", ("amount", "converted"))
    assert chain_data.conversion_pairs("named_like_for_test", ["a", "b"], units) == []
    declare(
        "own_names_for_test",
        ("sum", "dollars", "total", "total_dollars"),
        converts=(("sum", "dollars"), ("total", "total_dollars")),
        own_rate=True,
    )
    assert chain_data.conversion_pairs("own_names_for_test", ["a", "b", "c", "d"], units) == [("a", "b"), ("c", "d")]
    assert "own_names_for_test" not in scenarios.conversion_kinds(), "a rate of its own is not the reader's"


def test_the_rate_footnote_21_states_is_gathered_as_no_conversion():
    book = claims_mod.load_claims()
    rate = ("fn21_rate_rubles", "fn21_rate_usd")  # footnote 21: "4 rubles equaled to USD 1"
    held = [row["kind"] for row in engine.load_checks() if row["inputs"].split()[:2] == list(rate)]
    assert held and all(engine.KIND_SPECS[k].conversions(list(rate)) == [rate] for k in held)
    assert rate not in scenarios.conversion_pairs(book)


# quotes_yardsticks: the yardsticks a flag lists (tables/reference.py, below the audit)


def test_a_new_kind_that_quotes_its_yardsticks_lists_the_rates_it_quotes(declare):
    row = next(r for r in engine.load_checks() if r["id"] == "chinese_debt_official")
    finding = engine.run_check(engine.Context(claims_mod.load_claims()), row)
    quoted = ["cny_before_reform", "cny_before_reform_alt", "renminbi_redenomination"]
    assert reference.facts_used(finding) == quoted
    declare("quoting_for_test", ("amount", "converted", "rate:fact"), quotes_yardsticks=True)
    assert reference.facts_used(dataclasses.replace(finding, kind="quoting_for_test")) == quoted
    # A kind that does not declare it: its yardsticks are the facts among its inputs.
    declare("not_quoting_for_test", ("amount", "converted", "rate:fact"))
    assert reference.facts_used(dataclasses.replace(finding, kind="not_quoting_for_test")) == ["cny_before_reform"]


# relation: the drafter (author/drafted_checks.py)

# Between them, the invented page and this text word every relation the drafter reads: the page a
# conversion at a stated rate, shares of a whole, a duration between dated events and one holding
# them; this text what remains, a quantity stated twice (twice), a plan's length and conversions
# with no stated rate.
WORDED = (
    "Of the 34 divisions, 15 divisions went home in 1954 and the rest stayed. One-third (33.3 percent) "
    "of the 600 people were women, and 600 people signed. The army stayed for two weeks, from "
    "16 November 1955 to 23 November 1955. The Three-Year Plan (1954-1956) cost 800 yuan (USD 200) "
    "and 300 yuan (USD 75)."
)
# A conversion at an official rate needs reference data: the drafter never drafts one.
DRAFTED = [r for r in check_kinds.RELATIONS if r != check_kinds.AT_OFFICIAL_RATE]


def _drafts() -> list[dict]:
    rows = []
    for number, text in ((7, INVENTED), (9, WORDED)):
        page = source.Page(number, text, text, source.segment_added_page(number, text, text))
        drafted, _ = draft_claims(page)
        assign_ids(drafted, set())
        rows += draft_checks(drafted, page.clean, find_rates(drafted, {number: page.clean}))
    return rows


@pytest.mark.parametrize("relation", DRAFTED)
def test_the_drafter_drafts_a_new_kind_of_a_relation_it_reads(declare, relation):
    before = _drafts()
    expected = [
        row | {"kind": "drafted_for_test"} for row in before if row["kind"] in engine.kinds_where(relation=relation)
    ]
    assert expected, f"the texts word no {relation!r}"
    declare("drafted_for_test", ("first", "second"), relation=relation)
    after = _drafts()
    assert [row for row in after if row["kind"] == "drafted_for_test"] == expected
    assert [row for row in after if row["kind"] != "drafted_for_test"] == before


# relation: a class's variant of a passage (instructor/variants.py)

SHARES_TEXT = "The shares were 45 percent, 35 percent and 20 percent of the whole."
SHARES = [
    {"id": "a", "figure": "45", "quote": "were 45 percent"},
    {"id": "b", "figure": "35", "quote": ", 35 percent"},
    {"id": "c", "figure": "20", "quote": "and 20 percent"},
]


def _variant(kind_name: str):
    check = {"id": "shares", "kind": kind_name, "inputs": "a b c", "expected_low": "100"}
    return variants.make("a-seed-for-the-kind-property-tests", "shares", SHARES_TEXT, SHARES, [check])


def test_a_variant_draws_a_new_kind_by_the_relation_it_declares(declare):
    book = _variant("parts_sum")
    assert book[0] != SHARES_TEXT, "the figures are drawn anew"
    declare("shares_for_test", ("part",), repeat=2, relation=check_kinds.SHARES_OF_A_WHOLE)
    assert _variant("shares_for_test") == book
    declare("no_relation_for_test", ("part",), repeat=2)
    with pytest.raises(DataError, match="no variant can be drawn for a 'no_relation_for_test' check"):
        _variant("no_relation_for_test")


# any_order: a finding a student gives, held to the check asked (instructor/judging.py)


def test_a_finding_of_a_new_kind_whose_groups_come_in_any_order_is_judged_so(declare):
    given, wanted = ["c", "d", "a", "b"], ["a", "b", "c", "d"]
    assert judging._same_inputs("same_rate", given, wanted)
    declare("any_order_for_test", ("amount", "converted"), repeat=2, any_order=True)
    assert judging._same_inputs("any_order_for_test", given, wanted)
    assert not judging._same_inputs("any_order_for_test", ["b", "a", "c", "d"], wanted), "within a pair, in order"
    declare("in_order_for_test", ("amount", "converted"), repeat=2)
    assert not judging._same_inputs("in_order_for_test", given, wanted)
    assert judging._same_inputs("in_order_for_test", wanted, wanted)
