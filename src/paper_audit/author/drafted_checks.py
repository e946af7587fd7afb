"""The checks a page's wording implies, drafted from its claims' places in the text.

One function per family of relation (``check_kinds.RELATIONS``), each reading
one way the paper words it:

* conversions at a stated rate: an amount with its dollar equivalent in
  brackets ("X rubles (USD Y)") and a rate the text states for that currency
  ("4 rubles equaled to USD 1"): ``AT_STATED_RATE``; several such pairs of one
  currency and no stated rate: ``ONE_RATE``;
* parts of a whole: percentages in one sentence that add up to about a
  whole: ``SHARES_OF_A_WHOLE``;
* one quantity stated twice: a fraction with its percentage in brackets, or
  one count stated twice: ``STATED_TWICE``;
* a plan's length: "N-Year Plan (1954-1956)": ``RANGE_AND_LENGTH``;
* what remains: "N left ... the rest": ``WHAT_REMAINS``;
* dates and durations: a duration after which a dated event follows another
  ("a full two months after ..."): ``DURATION_BETWEEN``; a duration that holds
  two dated events ("for two weeks ... on 16 November ... on the 23
  November"): ``DURATION_HOLDING``.

Where the text words a relation, a check is drafted of every kind that
declares it checks it (``@kind(relation=...)``), so a new kind of a relation
is drafted without editing this module. Each drafted check is a row of kind,
inputs (claim ids, in the order the relation gives them), title and, for
shares of a whole, the expected whole.
"""

from __future__ import annotations

import re
from itertools import pairwise

from paper_audit.audit import check_kinds, engine
from paper_audit.author.drafted_claims import Draft

CURRENCIES = ("won", "rubles", "yuan")
DURATIONS = ("years", "months", "weeks")
COUNTED = ("divisions", "people", "acres", "won", "rubles", "yuan", "USD")  # units a count stated twice can have

_BRACKETED = re.compile(
    r"^\s*(?:\w+ ){0,2}?(?:won|rubles?|yuan)?\s*(?:monthly|a month|per month|a year|annually)?"
    r",?\s*(?:\(|or )\s*(?:nearly |about |some |over )?(?:USD|US\$|\$)?\s?$"
)
_RATE = re.compile(
    r"^\s*(?:won|rubles?|yuan)\s+(?:equaled|equalled|equals|equal|were worth|was worth|to)\s+(?:to\s+)?"
    r"(?:USD|US\$|\$)\s?$"
)

Rates = dict[str, tuple[Draft, Draft]]  # currency -> (its amount, the dollars it equals)


def find_rates(drafts: list[Draft], text_of: dict[int, str]) -> Rates:
    """Rates the text states: '4 rubles equaled to USD 1' -> {'rubles': (the 4, the 1)}."""
    rates = {}
    for a, b in pairwise(drafts):
        if a.page == b.page and a.unit in CURRENCIES and b.unit == "USD":
            if _RATE.match(text_of[a.page][a.end : b.start]):
                rates[a.unit] = (a, b)
    return rates


def draft_checks(
    drafts: list[Draft], page_text: str, rates: Rates, dates_before: list[Draft] | None = None
) -> list[dict]:
    """The checks the text implies, as rows of (kind, inputs, expected_low, expected_high, title).

    ``rates`` are the rates stated anywhere in the paper (``find_rates``);
    ``dates_before`` the dated claims of earlier pages, which a duration may
    reach back to.
    """
    with_dollars = amounts_with_dollars(drafts, page_text, rates)
    return (
        conversions(with_dollars, rates)
        + same_rates(with_dollars, rates)
        + shares_of_a_whole(drafts, page_text)
        + fractions_with_percentages(drafts, page_text)
        + counts_stated_twice(drafts)
        + plan_lengths(drafts, page_text)
        + remainders(drafts, page_text)
        + durations_between_dates(drafts, page_text, dates_before or [])
    )


def _drafted(relation: str, inputs: list[str], title: str, **expected: float) -> list[dict]:
    """A check of ``relation`` drafted: one row for each kind that declares it checks it."""
    return [
        {"kind": kind, "inputs": list(inputs), **expected, "title": title}
        for kind in engine.kinds_where(relation=relation)
    ]


def amounts_with_dollars(drafts: list[Draft], page_text: str, rates: Rates) -> list[tuple[Draft, Draft]]:
    """Amounts in a currency with their dollars in brackets ('100 rubles (USD 25)'), the stated rates aside."""
    rate_ids = {d.id for pair in rates.values() for d in pair}
    return [
        (a, b)
        for a, b in pairwise(drafts)
        if a.unit in CURRENCIES
        and b.unit == "USD"
        and a.id not in rate_ids
        and _BRACKETED.match(page_text[a.end : b.start])
    ]


def conversions(with_dollars: list[tuple[Draft, Draft]], rates: Rates) -> list[dict]:
    """Each amount against its dollars at the rate the text states for its currency."""
    rows = []
    for a, b in with_dollars:
        if a.unit in rates:
            rate_from, rate_to = rates[a.unit]
            rows += _drafted(
                check_kinds.AT_STATED_RATE,
                [a.id, b.id, rate_from.id, rate_to.id],
                f"{a.figure} {a.unit} to dollars at the rate the text states",
            )
    return rows


def same_rates(with_dollars: list[tuple[Draft, Draft]], rates: Rates) -> list[dict]:
    """Without a stated rate, two or more conversions of one currency should imply one rate."""
    by_currency: dict[str, list[tuple[Draft, Draft]]] = {}
    for a, b in with_dollars:
        by_currency.setdefault(a.unit, []).append((a, b))
    return [
        row
        for currency, pairs in by_currency.items()
        if currency not in rates and len(pairs) >= 2
        for row in _drafted(
            check_kinds.ONE_RATE,
            [i for a, b in pairs for i in (a.id, b.id)],
            f"Do the {currency}-dollar conversions imply one rate?",
        )
    ]


def shares_of_a_whole(drafts: list[Draft], page_text: str) -> list[dict]:
    """Percentages in one sentence adding up to about a hundred: shares of one whole."""
    by_sentence: dict[tuple[int, int], list[Draft]] = {}
    for d in drafts:
        if d.unit == "percent" and d.value is not None:
            by_sentence.setdefault(_sentence_of(page_text, d.start), []).append(d)
    return [
        row
        for shares in by_sentence.values()
        if len(shares) >= 2 and 90 <= sum(d.value for d in shares) <= 110
        for row in _drafted(
            check_kinds.SHARES_OF_A_WHOLE,
            [d.id for d in shares],
            "Do the shares add up to the whole?",
            expected_low=100,
            expected_high=100,
        )
    ]


def fractions_with_percentages(drafts: list[Draft], page_text: str) -> list[dict]:
    """'one-third (33.3 percent)': the same quantity as a fraction and a percentage."""
    return [
        row
        for a, b in pairwise(drafts)
        if a.unit == "fraction" and b.unit == "percent" and re.fullmatch(r"\s*\(\s*", page_text[a.end : b.start])
        for row in _drafted(check_kinds.STATED_TWICE, [a.id, b.id], f"{a.figure} against {b.figure} percent")
    ]


def counts_stated_twice(drafts: list[Draft]) -> list[dict]:
    """One count (or sum of money) stated twice, counting the same thing: it should not differ.

    Divisions are the same divisions however the words after them run.
    """
    rows = []
    first: dict[tuple, Draft] = {}
    for d in drafts:
        if d.unit in COUNTED and d.value is not None:
            key = (d.value, d.unit, d.scale)
            if key in first and (first[key].after == d.after or d.unit == "divisions"):
                rows += _drafted(check_kinds.STATED_TWICE, [first[key].id, d.id], f"{d.figure} {d.unit}, stated twice")
            first.setdefault(key, d)
    return rows


def plan_lengths(drafts: list[Draft], page_text: str) -> list[dict]:
    """'N-Year Plan (1954-1956)': the range of years against the plan's length."""
    return [
        row
        for a, b in pairwise(drafts)
        if a.unit == "years"
        and b.unit == "year"
        and b.low is not None
        and re.match(r"-Year[^()]{0,40}\($", page_text[a.end : b.start])
        for row in _drafted(check_kinds.RANGE_AND_LENGTH, [b.id, a.id], f"{a.figure} years, {b.figure}")
    ]


def remainders(drafts: list[Draft], page_text: str) -> list[dict]:
    """'N left ... the rest': what remains of the last larger total of the same unit before it."""
    rows = []
    for i, d in enumerate(drafts):
        if d.value is None or d.unit not in ("divisions", "people", "count"):
            continue
        _, sentence_end = _sentence_of(page_text, d.start)
        if re.search(r"\bthe (?:rest|remaining|remainder)\b", page_text[d.end : sentence_end]):
            totals = [t for t in drafts[:i] if t.unit == d.unit and t.value is not None and t.value > d.value]
            if totals:
                rows += _drafted(check_kinds.WHAT_REMAINS, [totals[-1].id, d.id], f"What remains after {d.figure}")
    return rows


def durations_between_dates(drafts: list[Draft], page_text: str, dates_before: list[Draft]) -> list[dict]:
    """Each duration against the dated events around it (on this page or, before it, on earlier pages)."""
    dated = [d for d in dates_before + drafts if d.unit == "date" and d.date]
    rows = []
    for d in drafts:
        if d.unit in DURATIONS and d.value is not None:
            earlier = [x for x in dated if (x.page, x.start) < (d.page, d.start)]
            later = [x for x in dated if (x.page, x.start) > (d.page, d.start)]
            rows += _duration_checks(d, page_text, earlier, later)
    return rows


def _duration_checks(duration: Draft, page_text: str, earlier: list[Draft], later: list[Draft]) -> list[dict]:
    """'N months after' spans the last date before and the first after; 'N months later' the last two
    before; 'for N weeks' holds the next two."""
    following = page_text[duration.end : duration.end + 40]
    between = f"{duration.figure} {duration.unit} between the dated events"
    if re.match(r"\s\w+\s+after\b|\s+after\b", following) and earlier and later:
        return _drafted(check_kinds.DURATION_BETWEEN, [earlier[-1].id, later[0].id, duration.id], between)
    if re.match(r"\s\w+\s+later\b|\s+later\b", following) and len(earlier) >= 2:
        return _drafted(check_kinds.DURATION_BETWEEN, [earlier[-2].id, earlier[-1].id, duration.id], between)
    if re.search(r"\bfor $", page_text[max(0, duration.start - 4) : duration.start]) and len(later) >= 2:
        return _drafted(
            check_kinds.DURATION_HOLDING,
            [later[0].id, later[1].id, duration.id],
            f"The dated events fit in {duration.figure} {duration.unit}",
        )
    return []


def _sentence_of(text: str, offset: int) -> tuple[int, int]:
    """The start and end of the sentence holding ``offset`` (a footnote number after the stop is no sentence)."""
    starts = [m.end() for m in re.finditer(r"[.!?][”’\"]?\s+(?=[A-Z“])", text[:offset])]
    begin = starts[-1] if starts else 0
    stop = re.search(r"[.!?][”’\"]?(?:\s+\d{0,3}\s*[A-Z“]|\s*$)", text[offset:])
    return begin, offset + (stop.start() + 1 if stop else len(text) - offset)
