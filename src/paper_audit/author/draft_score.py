"""``paper-audit draft --score``: the drafter measured on the curated pages.

The curated pages are drafted blind (without claims.csv) and the drafts
compared with the data. A curated claim is found when a drafted claim's
figure overlaps its figure and the value (or range or date), unit, scale and
qualifier all agree. A curated check is found when a drafted check has its
kind and, read through the claims the drafts overlap, the same inputs (as a
set for kinds whose inputs repeat).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from paper_audit.audit import engine
from paper_audit.author.drafted_claims import Draft
from paper_audit.author.drafted_pages import draft_pages
from paper_audit.tables import claims as claims_mod
from paper_audit.text import source


@dataclass
class ClaimsMatch:
    """Drafted claims against curated ones."""

    matched: dict[str, str] = field(default_factory=dict)  # draft id -> the curated claim it reads right
    located: dict[str, str] = field(default_factory=dict)  # draft id -> the curated claim its figure overlaps
    misses: list[dict] = field(default_factory=list)  # curated claims no draft overlaps
    wrong: list[dict] = field(default_factory=list)  # curated claims overlapped but read otherwise


def score(pages: dict[int, source.Page] | None = None) -> dict:
    """Draft the curated pages blind and compare with the data: recall, precision and what differs."""
    pages = pages or source.load_pages()
    table = claims_mod.load_claims(pages=pages)
    curated_checks = engine.load_checks(claims=table)
    numbers = sorted(set(int(p) for p in table["page"]))
    drafted = draft_pages(numbers, pages, set())
    all_drafts = [d for page_draft in drafted for d in page_draft.claims]
    claims = match_claims(table, all_drafts)
    drafted_checks = [row for page_draft in drafted for row in page_draft.checks]
    found, found_drafts = match_checks(drafted_checks, claims.located, curated_checks)
    extra = [d for d in all_drafts if d.id not in claims.located]
    return {
        "claims_recall": len(claims.matched) / len(table),
        "claims_precision": len(claims.matched) / len(all_drafts) if all_drafts else 0.0,
        "checks_recall": len(found) / len(curated_checks) if curated_checks else 0.0,
        "checks_precision": found_drafts / len(drafted_checks) if drafted_checks else 0.0,
        "n_claims": len(table),
        "n_drafted": len(all_drafts),
        "n_matched": len(claims.matched),
        "misses": claims.misses,
        "wrong": claims.wrong,
        "extra": [{"page": d.page, "figure": d.figure, "unit": d.unit, "quote": d.quote} for d in extra],
        "n_checks": len(curated_checks),
        "n_drafted_checks": len(drafted_checks),
        "checks_found": sorted(found),
        "checks_missed": [c["id"] for c in curated_checks if c["id"] not in found],
        "checks_never_kinds": sorted(
            {c["kind"] for c in curated_checks} - {c["kind"] for c in curated_checks if c["id"] in found}
        ),
        "checks_extra": [r for r in drafted_checks if not r["matches"]],
    }


def match_claims(table, all_drafts: list[Draft]) -> ClaimsMatch:
    """Each curated claim against the drafts whose figure overlaps its figure."""
    result = ClaimsMatch()
    for c in table.itertuples():
        overlapping = [d for d in all_drafts if d.page == c.page and d.start < c.figure_end and c.figure_start < d.end]
        expected = (
            _number_or_none(c.value),
            _number_or_none(c.low),
            _number_or_none(c.high),
            c.date or "",
            c.unit,
            c.scale or "",
            c.qualifier,
        )
        for d in overlapping:
            result.located[d.id] = c.id
        hit = next((d for d in overlapping if _agree(d.key(), expected)), None)
        if hit:
            result.matched[hit.id] = c.id
        elif overlapping:
            d = overlapping[0]
            result.wrong.append(
                {
                    "claim": c.id,
                    "figure": c.figure,
                    "expected": expected,
                    "drafted": d.key(),
                    "drafted_figure": d.figure,
                }
            )
        else:
            result.misses.append({"claim": c.id, "figure": c.figure})
    return result


def match_checks(drafted_checks: list[dict], located: dict[str, str], curated_checks: list[dict]) -> tuple[set, int]:
    """(the curated checks some draft finds, how many drafts find one); marks each draft's ``matches``."""
    found, found_drafts = set(), 0
    for row in drafted_checks:
        mapped = [located.get(i) for i in row["inputs"]]
        row["matches"] = next(
            (check["id"] for check in curated_checks if _same_check(check, row["kind"], mapped)), None
        )
        if row["matches"]:
            found.add(row["matches"])
            found_drafts += 1
    return found, found_drafts


def score_line(result: dict) -> str:
    return (
        f"claims recall {result['claims_recall']:.2f}, precision {result['claims_precision']:.2f}; "
        f"checks recall {result['checks_recall']:.2f}, precision {result['checks_precision']:.2f}"
    )


def report(result: dict, verbose: bool = False) -> list[str]:
    """The lines ``--score`` prints: counts, with ``verbose`` what the drafter missed, then the score line."""
    lines = [
        f"{result['n_claims']} curated claims, {result['n_drafted']} drafted, {result['n_matched']} right; "
        f"{result['n_checks']} curated checks, {result['n_drafted_checks']} drafted, "
        f"{len(result['checks_found'])} right"
    ]
    if verbose:
        lines += [f"  missed claim {miss['claim']}: {miss['figure']!r}" for miss in result["misses"]]
        lines += [
            f"  wrong claim {w['claim']}: {w['figure']!r} expected {w['expected']}, drafted {w['drafted']}"
            for w in result["wrong"]
        ]
        lines += [
            f"  extra claim p. {e['page']}: {e['figure']!r} ({e['unit']}) in “{e['quote']}”" for e in result["extra"]
        ]
        lines.append("  checks missed: " + ", ".join(result["checks_missed"]))
        lines += [f"  extra check {row['kind']}: {' '.join(row['inputs'])}" for row in result["checks_extra"]]
    lines.append(score_line(result))
    return lines


def _same_check(curated: dict, kind: str, mapped_inputs: list[str | None]) -> bool:
    """Whether a drafted check (its inputs mapped to curated claims) is the curated check."""
    inputs = curated["inputs"].split()
    spec = engine.KIND_SPECS.get(curated["kind"])
    same_inputs = set(mapped_inputs) == set(inputs) if spec and spec.repeat else mapped_inputs == inputs
    return curated["kind"] == kind and same_inputs


def _number_or_none(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _agree(drafted: tuple, expected: tuple) -> bool:
    """Field by field equal, numbers to a relative 1e-5."""
    for a, b in zip(drafted, expected, strict=True):
        if isinstance(a, float) or isinstance(b, float):
            if a is None or b is None or not math.isclose(a, b, rel_tol=1e-5):
                return False
        elif a != b:
            return False
    return True
