"""Drafting pages in order: each page's claims and their ids, then its checks.

Pages are drafted together because they refer to each other: a day and month
take the year of a date on an earlier page, a duration may reach back to an
earlier page's events, and a rate stated on one page converts the amounts of
every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paper_audit.author.drafted_checks import draft_checks, find_rates
from paper_audit.author.drafted_claims import Draft, assign_ids, draft_claims
from paper_audit.text import source


@dataclass
class PageDraft:
    """What the drafter proposes for one page: claims, numbers skipped as not-figures, checks."""

    page: int
    claims: list[Draft]
    skipped: list[dict]
    checks: list[dict] = field(default_factory=list)


def draft_pages(
    numbers: list[int], pages: dict[int, source.Page], taken: set[str], known: list[Draft] | None = None
) -> list[PageDraft]:
    """Draft pages in order; dates and stated rates of earlier pages (and of ``known``) carry forward.

    Claim ids are drawn so as not to be in ``taken``, which grows with them.
    """
    out, earlier = [], list(known or [])
    for number in numbers:
        drafted, skipped = draft_claims(pages[number], [d for d in earlier if d.unit == "date"])
        assign_ids(drafted, taken)
        out.append(PageDraft(number, drafted, skipped))
        earlier += drafted
    text_of = {n: p.clean for n, p in pages.items()}
    rates = find_rates(sorted(earlier, key=lambda d: (d.page, d.start)), text_of)
    for page_draft in out:
        before = [d for d in earlier if d.page < page_draft.page]
        page_draft.checks = draft_checks(page_draft.claims, pages[page_draft.page].clean, rates, before)
    return out
