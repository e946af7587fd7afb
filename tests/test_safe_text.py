"""What the grader writes for the instructor to read holds nothing a terminal
or an editor would act on (``safe.printable``), whatever a submission put in it."""

import pytest

from paper_audit.instructor import safe

HOSTILE = {
    "escape sequence (clears the screen)": "\x1b[2J",
    "title change (OSC)": "\x1b]0;owned\x07",
    "bell": "\x07",
    "carriage return (overwrites the line)": "\r",
    "8-bit CSI": "\x9b",
    "right-to-left override": "\u202e",
    "first-strong isolate": "\u2068",
    "Arabic letter mark": "\u061c",
    "lone surrogate": "\ud800",
    "delete": "\x7f",
}


@pytest.mark.parametrize("what", sorted(HOSTILE))
def test_printable_removes(what):
    text = safe.printable(f"score{HOSTILE[what]}13")
    assert HOSTILE[what][0] not in text, what
    text.encode("utf-8")  # a lone surrogate would raise here


def test_printable_keeps_words_newlines_and_tabs():
    words = "Ĉu 12 345,6 rubles\tUSD – « ok »\nnext line"
    assert safe.printable(words) == words


def test_csv_cells_are_printable_before_the_formula_guard():
    # Stripping first: an escape in front of "=" must not hide the formula from the guard.
    assert safe.csv_cell("\x1b=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe.csv_cell(3.5) == 3.5
