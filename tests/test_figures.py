import math

import pytest

from paper_audit.text.figures import FigureError, parse


@pytest.mark.parametrize(
    "text, value",
    [
        ("40", 40),
        ("22,735", 22735),
        ("33.3", 33.3),
        ("1.147 billion", 1.147e9),
        ("420 billion", 420e9),
        ("286.75 million", 286.75e6),
        ("thirty-four", 34),
        ("Nineteen", 19),
        ("one billion", 1e9),
        ("one-third", 1 / 3),
        ("three-quarters", 0.75),
        ("half", 0.5),
        ("Three", 3),
        ("ten", 10),
    ],
)
def test_single_values(text, value):
    assert math.isclose(parse(text).value, value)


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("1954-1956", 1954, 1956),
        ("1954 to 1956", 1954, 1956),
        ("1954 and 1957", 1954, 1957),
        ("1950s", 1950, 1959),
        ("six months to a year", 6, 12),
        ("Hundreds of thousands", 200_000, 999_999),
    ],
)
def test_ranges(text, low, high):
    figure = parse(text)
    assert (figure.low, figure.high, figure.value) == (low, high, None)


@pytest.mark.parametrize(
    "text, date",
    [("31 July 1953", "1953-07-31"), ("5 August", "--08-05"), ("July 1953", "1953-07"), ("September 1953", "1953-09")],
)
def test_dates(text, date):
    assert parse(text).date == date


@pytest.mark.parametrize("text", ["many", "thirty-zero", "1.2.3 million", ""])
def test_unreadable_figures_are_refused(text):
    with pytest.raises(FigureError):
        parse(text)
