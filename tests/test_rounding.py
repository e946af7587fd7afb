"""The rounding-aware comparison: intervals at their boundaries, each
qualifier rule, and properties that must hold for any input."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paper_audit.audit.rounding import Interval, propagate, stated_interval, verdict
from paper_audit.audit.verdicts import CONSISTENT, GROSS, INCONSISTENT, SEVERITY, WITHIN_ROUNDING


def exact(x):
    return Interval(x, x, x)


def test_printed_decimal_stands_for_its_rounding_interval():
    iv = stated_interval(362.5e6, "362.5 million", 1e6)
    assert (iv.low, iv.high) == pytest.approx((362.45e6, 362.55e6))


@pytest.mark.parametrize(
    "value, expected",
    [
        (362.4501e6, WITHIN_ROUNDING),
        (362.5499e6, WITHIN_ROUNDING),  # just inside
        (362.4499e6, INCONSISTENT),
        (362.5501e6, INCONSISTENT),  # just outside
        (362.5e6, CONSISTENT),
        (800e6, GROSS),
        (100e6, GROSS),
    ],
)
def test_boundaries_of_the_interval(value, expected):
    assert verdict(exact(value), stated_interval(362.5e6, "362.5 million", 1e6)) == expected


def test_integer_and_word_figures_round_to_whole_units():
    assert (stated_interval(170, "170").low, stated_interval(170, "170").high) == (169.5, 170.5)
    assert (stated_interval(34, "thirty-four").low, stated_interval(34, "thirty-four").high) == (33.5, 34.5)


@pytest.mark.parametrize(
    "qualifier, inside, outside",
    [
        ("nearly", [36.1, 40.4], [35.9, 40.6]),  # up to 10 % below, never above beyond rounding
        ("about", [36.1, 43.9], [35.9, 44.1]),  # 10 % either way
        ("some", [36.1, 43.9], [35.9, 44.1]),
        ("over", [39.6, 49.9], [39.4, 50.1]),  # up to 25 % above
        ("exactly", [39.6, 40.4], [39.4, 40.6]),
        ("full", [40.0, 1e9], [39.9]),  # at least the figure
    ],
)
def test_each_qualifier_rule(qualifier, inside, outside):
    iv = stated_interval(40, "40", 1.0, qualifier)
    for value in inside:
        assert iv.contains(value), (qualifier, value)
    for value in outside:
        assert not iv.contains(value), (qualifier, value)


def test_fraction_words_stand_for_half_a_percentage_point():
    third = stated_interval(1 / 3, "one-third", 1.0, "exactly", "fraction")
    assert third.contains(0.333) and not third.contains(0.34)


amounts = st.floats(min_value=1e3, max_value=1e12, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)


@given(amounts, rates)
def test_converting_at_a_rate_and_back_is_consistent(amount, rate):
    back = (amount / rate) * rate
    assert verdict(exact(back), exact(amount)) == CONSISTENT


@given(st.floats(min_value=1, max_value=1e9), st.lists(st.floats(min_value=0, max_value=10), min_size=2, max_size=8))
def test_the_verdict_never_improves_as_the_gap_grows(stated, gaps):
    target = stated_interval(stated, f"{stated:.1f}")
    ranks = [SEVERITY[verdict(exact(stated * (1 + g)), target)] for g in sorted(gaps)]
    assert ranks == sorted(ranks)


@given(st.floats(min_value=1, max_value=1e6), st.floats(min_value=1, max_value=1e6))
def test_propagation_brackets_the_point(a, b):
    iv = propagate(lambda x, y: x / y, [stated_interval(a, f"{a:.0f}"), stated_interval(b, f"{b:.0f}")])
    assert iv.low <= iv.point <= iv.high


def test_more_than_a_factor_of_two_is_gross():
    assert verdict(exact(3.5e9), stated_interval(170e6, "170 million", 1e6, "nearly")) == GROSS
    assert verdict(exact(1.9), exact(1.0)) == INCONSISTENT
    assert math.isclose(stated_interval(2, "two", 1.0, "full").low, 2.0)
