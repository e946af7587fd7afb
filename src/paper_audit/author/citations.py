"""Whether a number of a page reads as part of a citation, and which part.

A cited work's year or pages, an archive reference, a number in a title: the
drafter writes such numbers as rows of not-figures, with the reason returned
here, instead of drafting them as claims. Page references are recognised
anywhere; everything else only inside a footnote, where citations live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from paper_audit.text import figures, source

YEAR = r"(?:1[89]|20)\d\d"


@dataclass(frozen=True)
class Place:
    """A number in a footnote and the few characters either side that say what it is."""

    text: str
    start: int
    end: int
    figure: str

    @property
    def before(self) -> str:
        return self.text[max(0, self.start - 20) : self.start]

    @property
    def after(self) -> str:
        return self.text[self.end : self.end + 3]


def citation_reason(page: source.Page, start: int, end: int, figure: str) -> str | None:
    """Why a number reads as part of a citation (mostly in footnotes), or None."""
    if _cited_pages(page.clean, start, figure):
        return "citation_pages"
    if page.footnote_at(start) is None:
        return None
    place = Place(page.clean, start, end, figure)
    for rule in FOOTNOTE_RULES:
        reason = rule(place)
        if reason:
            return reason
    return None


def _cited_pages(text: str, start: int, figure: str) -> bool:
    """'pages 163-64', and page ranges abbreviated so that the end looks smaller than the start."""
    if re.search(r"\b(?:[Pp]ages?|pp?\.)\s$", text[max(0, start - 8) : start]):
        return True
    pages_range = re.fullmatch(r"(\d+)\s?[-–]\s?(\d+)", figure)
    return bool(
        pages_range
        and int(pages_range.group(2)) < int(pages_range.group(1))
        and not re.fullmatch(rf"{YEAR}\s?[-–]\s?\d\d", figure)
    )


# Each rule reads one form of citation; the first that answers gives the reason.


def _date_of_source(place: Place) -> str | None:
    """The date of a cited document, in its citation: '…,” 16 November 1953.'"""
    month = figures.MONTH
    if (
        re.fullmatch(rf"(?:\d{{1,2}} )?(?:{month})(?: \d{{1,2}})?,? \d{{4}}|\d{{1,2}} (?:{month})", place.figure)
        and re.search(r"(?:,”?|”|\() ?$", place.before)
        and re.match(r"[,).;]|$", place.after)
    ):
        return "date_of_source"
    return None


def _number_in_a_title(place: Place) -> str | None:
    """A number just before a closing quote or bracket, or beside a slash."""
    if re.match(r"\s?[\[\]]|,?”", place.after) or re.search(r"/$", place.before) or place.after.startswith("/"):
        return "publication_title"
    return None


def _year_of_publication(place: Place) -> str | None:
    """'(1995', 'Winter 1995'."""
    if re.search(r"\($|(?:Winter|Spring|Summer|Fall|Autumn) $", place.before) and re.match(YEAR, place.figure):
        return "citation_year"
    return None


def _archive_reference(place: Place) -> str | None:
    """'f. 5, op. 1, d. 12', 'folio 12'."""
    if re.search(r"\b(?:f|op|Op|p|pp|d|l|vol|no|No|fol|fo)\.\s?$", place.before) or re.search(
        r"\b(?:fond|folio|folios|box|file)\s$", place.before
    ):
        return "archive_reference"
    return None


def _series_number(place: Place) -> str | None:
    """'Working Paper 4', 'Bulletin 14', 'Vol. 3'."""
    if re.search(r"(?:Working Paper|Bulletin|[Vv]ol\.?|No\.) $", place.before):
        return "publication_title"
    return None


def _year_after_publisher(place: Place) -> str | None:
    """'(Stanford: Stanford University Press, 1993)'."""
    opened = place.text.rfind("(", 0, place.start)
    closed = place.text.rfind(")", 0, place.start)
    if opened > closed and ":" in place.text[opened : place.start]:
        return "citation_year"
    return None


def _inside_a_quoted_title(place: Place) -> str | None:
    opened = place.text.rfind("“", 0, place.start)
    closed = place.text.rfind("”", 0, place.start)
    if opened > closed and place.text.find("”", place.end) != -1:
        return "publication_title"
    return None


def _page_range(place: Place) -> str | None:
    """'163-64' in a note, unless it spans years ('1954-1956')."""
    if re.match(r"\d{1,4}-\d{1,3}\b", place.text[place.start : place.start + 12]) and not re.fullmatch(
        r"\d{4}\s?[-–]\s?\d{4}", place.figure
    ):
        return "citation_pages"
    return None


def _page_or_year_after_title(place: Place) -> str | None:
    """'…,” 45.' is a page; '…, 1995.' a year, unless it closes a bracket."""
    if (
        re.search(r"(?:[,”’]|,”) ?$", place.before)
        and re.match(r"[.;,)]|$", place.after)
        and re.fullmatch(r"\d{1,4}", place.figure)
    ):
        if not re.fullmatch(YEAR, place.figure) or place.after.startswith(")"):
            return "citation_pages"
        return "citation_year"
    return None


def _year_closing_a_bracket(place: Place) -> str | None:
    if re.fullmatch(YEAR, place.figure) and place.after.startswith(")"):
        return "citation_year"
    return None


FOOTNOTE_RULES: list[Callable[[Place], str | None]] = [
    _date_of_source,
    _number_in_a_title,
    _year_of_publication,
    _archive_reference,
    _series_number,
    _year_after_publisher,
    _inside_a_quoted_title,
    _page_range,
    _page_or_year_after_title,
    _year_closing_a_bracket,
]
