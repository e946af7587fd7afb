"""What kind of source a reference fact rests on, and how sure that lets it be.

Declared once here; the Data Package's enums (``provenance`` of
reference/sources.csv, ``confidence`` of every fact table) repeat these names,
and a test holds them equal.

A source's class (``provenance``) caps the confidence it can give alone
(``CEILING``). A fact's derived confidence is the highest ceiling among its
sources, one step higher (never above the top) when two or more named sources
of different ids support it. A fact may state a lower confidence than that,
with its reason in ``lowered_because``; never a higher one."""

from __future__ import annotations

from collections.abc import Iterable

# Confidence levels, surest first ("none": nothing to go on).
CONFIDENCE = ("high", "medium-high", "medium", "medium-low", "low", "none")

# Provenance class: the highest confidence a source of that class gives alone.
CEILING = {
    "primary document": "high",  # a document of the time, or its official translation (NKIDP, CWIHP, FRUS)
    "official history": "high",  # a history by the state's own historians, from its archives
    "scholarly study": "medium-high",  # a study by a named scholar, with references
    "summary": "medium",  # a secondary account written later: press, handbook, blog, encyclopaedia
    "translation": "medium-low",  # a machine or unofficial translation of any of the above
    "unnamed": "low",  # no identifiable author or publisher
}
CLASSES = tuple(CEILING)


def rank(level: str) -> int:
    """0 for the surest level, larger for less sure ones."""
    return CONFIDENCE.index(level)


def step_up(level: str) -> str:
    """One level surer, never above the top."""
    return CONFIDENCE[max(rank(level) - 1, 0)]


def derived(sources: Iterable[tuple[str, str, bool]]) -> str:
    """A fact's confidence from its sources, each given as (id, provenance
    class, named): the highest ceiling among them, one step higher when two or
    more named sources of different ids support it."""
    found = list(sources)
    if not found:
        return "none"
    best = min((CEILING[cls] for _, cls, _ in found), key=rank)
    named = {source_id for source_id, _, is_named in found if is_named}
    return step_up(best) if len(named) >= 2 else best
