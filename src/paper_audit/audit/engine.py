"""The engine: data/checks.csv run into findings.

Each row of checks.csv names a kind of relation (``check_kinds``; the kinds
themselves are in ``kinds``) and, in order, the claims and reference facts it
relates, and declares what kind of evidence the result is (``evidence``), the
problem it belongs to (``problem``) and whether it can fail at all
(``definitional``). ``run_all`` returns one ``Finding`` per check: what was
computed, from which quotes, how far from the stated figure, the implied rate
where there is one, the grade from ``rounding`` and the verdict in the words
of its evidence kind (``evidence.fit``).

Explanations are templates: their ``{fields}`` are filled from the finding
and from the values its kind declares it ``provides``, so no number in them
is typed by hand. Bad data stops with one ``DataError`` naming the file, line
and field; an error in a kind's own code is a bug and keeps its traceback.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from paper_audit import paths
from paper_audit.audit import chain_data, chains, evidence, gaps, kinds, stakes  # noqa: F401 (kinds: importing it registers every kind)
from paper_audit.audit.check_kinds import (
    KIND_SPECS,
    KINDS,
    CheckRow,
    ContractError,
    ExtraValue,
    Result,
    check_against_spec,
    kinds_where,
)
from paper_audit.audit.context import Context
from paper_audit.audit.finding import Finding, findings_frame
from paper_audit.audit.params import Assumptions
from paper_audit.audit.verdicts import EVIDENCE_KINDS, SEVERITY
from paper_audit.errors import DataError
from paper_audit.tables import argument, reference, schema, toc
from paper_audit.tables import claims as claims_mod
from paper_audit.text import source

# The engine's public face: what notebooks, commands and the classroom call.
__all__ = [
    "KINDS",
    "KIND_SPECS",
    "Context",
    "Finding",
    "explain",
    "findings_frame",
    "findings_summary",
    "kinds_where",
    "load_checks",
    "run_all",
    "run_check",
]

# What every finding offers an explanation, whatever its kind (a kind adds
# the values it declares in ``@kind(provides=...)``): its numbers, the
# currency of its first input and the size of its gap in its kind's wording.
TEMPLATE_FIELDS = frozenset(
    {
        "stated",
        "computed",
        "stated_value",
        "computed_value",
        "computed_low",
        "computed_high",
        "gap_abs",
        "gap_rel",
        "implied_rate",
        "spread",
        "label",
        "currency",
        "size",
    }
)
FINDING_FIELDS = TEMPLATE_FIELDS - {"currency", "size"}  # the ones read off the Finding itself


def _find_phrase(phrase: str, pages: dict[int, source.Page]) -> dict[str, Any] | None:
    hits = [(n, p.clean.index(phrase)) for n, p in pages.items() if phrase in p.clean]
    if len(hits) != 1 or sum(p.clean.count(phrase) for p in pages.values()) != 1:
        return None
    page, start = hits[0]
    return {"page": page, "footnote": pages[page].footnote_at(start), "text": phrase}


def _both_ends(low: Result, high: Result) -> Result:
    """A range checked at each end: the worse verdict, both computations shown."""
    worse = high if SEVERITY[high.grade] > SEVERITY[low.grade] else low
    texts: dict[str, Any] = {
        key: f"low end: {getattr(low, key)}; high end: {getattr(high, key)}"
        for key in ("stated", "computed", "computation", "implied_rate")
        if getattr(low, key) or getattr(high, key)
    }
    return dataclasses.replace(worse, **texts)


def load_checks(
    path: Path | None = None, claims: pd.DataFrame | None = None, *, project: paths.Project | None = None
) -> list[CheckRow]:
    """The checks, validated: known kinds and evidence, every input a claim or a
    reference fact, every judged figure (``judges``) a claim among the inputs,
    a phrase (wording checks) found once in the excerpt, and an explanation
    whose ``{fields}`` are names a finding can fill. Those of ``project`` (the
    current one by default), or of the file at ``path``, held against that
    project's claims, reference facts, chapters, pages and argument."""
    project = paths.resolve(project)
    path = path if path is not None else project.checks_csv
    claims = claims if claims is not None else claims_mod.load_claims(project=project)
    rows: list[CheckRow] = list(claims_mod.read_csv_strict(path, schema.field_names("checks", project)))
    known_refs = {i for table in reference.load(project).values() for i in table.index}
    chapters = toc.known_chapters(project.root)
    pages = source.load_pages(project.source_dir)
    statements = argument.load(project)
    seen = set()
    for row in rows:
        where = f"{path}, line {row['_line']} (check {row['id']})"
        if row["id"] in seen:
            raise DataError(f"{where}, field 'id': duplicate check id")
        seen.add(row["id"])
        if row["kind"] not in KINDS:
            raise DataError(f"{where}, field 'kind': {row['kind']!r} is not one of: {', '.join(sorted(KINDS))}")
        if row["chapter"] not in chapters:
            raise DataError(f"{where}, field 'chapter': " + toc.unknown_chapter(row["chapter"], project.root))
        if row["evidence"] not in EVIDENCE_KINDS:
            raise DataError(
                f"{where}, field 'evidence': {row['evidence']!r} is not one of: {', '.join(EVIDENCE_KINDS)}"
            )
        if not re.fullmatch(r"[a-z][a-z0-9_]*", row["problem"]):
            raise DataError(f"{where}, field 'problem': {row['problem']!r} is not a snake_case problem id")
        if row["definitional"] not in ("", "true", "false"):
            raise DataError(f"{where}, field 'definitional': {row['definitional']!r} is not true, false or empty")
        row["definitional"] = row["definitional"] == "true"
        if row.get("routine", "") not in ("", "true", "false"):
            raise DataError(f"{where}, field 'routine': {row['routine']!r} is not true, false or empty")
        row["routine"] = row.get("routine") == "true"
        _check_argument(where, row, statements, project)
        if row["evidence"] == "wording" and not row["phrase"]:
            raise DataError(
                f"{where}, field 'phrase': a wording check must quote the phrase it holds against the numbers"
            )
        if row["phrase"]:
            found = _find_phrase(row["phrase"], pages)
            if found is None:
                raise DataError(
                    f"{where}, field 'phrase': {row['phrase']!r} does not occur exactly once in the excerpt's clean "
                    "text"
                )
            row["phrase_at"] = found
        check_against_spec(where, row, claims, known_refs)
        inputs = row["inputs"].split()
        for item in row.get("judges", "").split():
            if item not in inputs:
                raise DataError(
                    f"{where}, field 'judges': {item!r} is not among the check's inputs ({row['inputs']}); a check "
                    "judges only figures it reads: add it to 'inputs' or remove it from 'judges'"
                )
            if item not in claims.index:
                raise DataError(
                    f"{where}, field 'judges': {item!r} is a reference fact, not a figure of the paper; a check "
                    "judges the paper's figures only: remove it from 'judges'"
                )
        offered = TEMPLATE_FIELDS | KIND_SPECS[row["kind"]].provides
        for name in re.findall(r"\{([a-z_]+)[^}]*\}", row["explanation"]):
            if name not in offered:
                raise DataError(
                    f"{where}, field 'explanation': {{{name}}} is not a value a {row['kind']} finding "
                    f"provides (use one of: {', '.join(sorted(offered))})"
                )
    schema.validate("checks", path, project)
    return rows


def _check_argument(
    where: str, row: CheckRow, statements: Mapping[str, argument.Statement], project: paths.Project
) -> None:
    """A check names a statement of the argument and a direction together, or neither."""
    statement, direction = row.get("argument", ""), row.get("direction", "")
    if statement and statement not in statements:
        raise DataError(
            f"{where}, field 'argument': {statement!r} is not a statement in {project.argument_csv.name} "
            f"(one of: {', '.join(statements)}; empty for none)"
        )
    if bool(statement) != bool(direction):
        field_name = "direction" if statement else "argument"
        raise DataError(
            f"{where}, field '{field_name}': a check names a statement it bears on and the direction "
            "its error leans (favours or weakens) together, or neither"
        )


class _Missing(dict[str, Any]):
    def __init__(self, check: str, values: dict[str, Any], checks_csv: Path):
        super().__init__(values)
        self.check = check
        self.checks_csv = checks_csv

    def __missing__(self, key: str) -> Any:
        raise DataError(
            f"{self.checks_csv} (check {self.check}), field 'explanation': "
            f"{{{key}}} has no value for this kind of check"
        )


def explain(template: str, finding: Finding, extras: Mapping[str, Any], project: paths.Project | None = None) -> str:
    """Fill an explanation's ``{fields}`` from the finding (its numbers are never typed)."""
    values = {name: getattr(finding, name) for name in FINDING_FIELDS}
    values.update(extras)
    return template.format_map(_Missing(finding.check, values, paths.resolve(project).checks_csv))


def _run_kind(ctx: Context, row: CheckRow, inputs: list[str]) -> Result:
    """The kind's result for a check: at each end of a printed range where the kind says so."""
    function, spec = KINDS[row["kind"]], KIND_SPECS[row["kind"]]
    if spec.ends and any(ctx.is_range(i) for i in inputs):
        results = [function(ctx.at_end("low"), row, inputs), function(ctx.at_end("high"), row, inputs)]
    else:
        results = [function(ctx, row, inputs)]
    for result in results:
        if not isinstance(result, Result) or result.kind != spec.name:
            raise ContractError(
                f"check kind {spec.name} returned {type(result).__name__}"
                + (f" of kind {result.kind}" if isinstance(result, Result) else "")
                + f", not a check_kinds.Result(kind={spec.name!r}, ...)"
            )
    return _both_ends(*results) if len(results) == 2 else results[0]


def run_check(ctx: Context, row: CheckRow) -> Finding:
    inputs = row["inputs"].split()
    try:
        result = _run_kind(ctx, row, inputs)
    except DataError as error:
        message = str(error)
        raise DataError(
            message
            if f"check {row['id']}" in message
            else f"{ctx.project.checks_csv}, line {row['_line']} (check {row['id']}): {message}"
        ) from None
    except Exception as error:
        # Not bad data but a bug in the kind's code: keep the traceback, say where it ran.
        error.add_note(
            f"while running check {row['id']} (kind {row['kind']}, {ctx.project.checks_csv} line {row['_line']})"
        )
        raise
    claim_ids = [i for i in inputs if i in ctx.claims.index]
    quotes = []
    for i in claim_ids:
        c = ctx.claim(i)
        quotes.append(
            {
                "claim": i,
                "page": int(c["page"]),
                "footnote": None if pd.isna(c["footnote"]) else int(c["footnote"]),
                "quote": c["quote"],
                "reported_by": c.get("reported_by", ""),
                "reported_when": c.get("reported_when", ""),
                "reported_why": c.get("reported_why", ""),
            }
        )
    kind_of_evidence = row.get("evidence") or "arithmetic"
    definitional = bool(row.get("definitional"))
    numbers = result.numbers
    finding = Finding(
        check=row["id"],
        kind=row["kind"],
        title=row["title"],
        chapter=row["chapter"],
        inputs=inputs,
        verdict=evidence.fit(
            kind_of_evidence,
            result.grade,
            wording=result.wording,
            uncertain=result.uncertain,
            definitional=definitional,
            spread=numbers.spread,
            sources_tolerance=ctx.assumptions.sources_tolerance,
        ),
        grade=result.grade,
        evidence=kind_of_evidence,
        problem=row.get("problem") or row["id"],
        definitional=definitional,
        bearing=row.get("bearing", ""),
        phrase=row.get("phrase_at"),
        judges=(row.get("judges") or "").split(),
        headline=row.get("headline") or row["title"],
        argument=row.get("argument", ""),
        stakes=argument.load(ctx.project)[row["argument"]].stakes if row.get("argument") else "",
        direction=row.get("direction", ""),
        routine=bool(row.get("routine")),
        pages=sorted({q["page"] for q in quotes}),
        quotes=quotes,
        stated=result.stated,
        computed=result.computed,
        computation=result.computation,
        implied_rate=result.implied_rate,
        uncertainty=result.uncertainty,
        adverse_everywhere=result.adverse_everywhere,
        **dataclasses.asdict(numbers),
    )
    finding.counted = evidence.counted(finding)
    finding.beyond = (
        None if finding.separation is None else stakes.beyond_margins(finding, ctx.assumptions.sources_tolerance)
    )
    finding.severity = evidence.severity(finding, ctx.assumptions.sources_tolerance)
    finding.label = evidence.label(finding)
    currency = ctx.claim(inputs[0])["unit"] if inputs and inputs[0] in ctx.claims.index else ""
    extras: dict[str, ExtraValue] = {
        "currency": currency,
        **result.extras,
        # Read off the finding, whose gap beyond every margin is known by now: the
        # size an explanation gives is the one the label and the headline give.
        "size": gaps.worded(KIND_SPECS[row["kind"]].gap, finding, definitional),
    }
    finding.explanation = explain(result.explanation or row["explanation"], finding, extras, ctx.project)
    return finding


def run_all(
    checks_path: Path | None = None,
    claims: pd.DataFrame | None = None,
    assumptions: Assumptions | None = None,
    *,
    rows: list[CheckRow] | None = None,
    context: Context | None = None,
    project: paths.Project | None = None,
    how_made: bool = True,
) -> list[Finding]:
    """Every check of the excerpt, run: the findings, in the order of checks.csv.

    The data are ``project``'s (the current project by default; a given
    ``context`` brings its own): ``run_all(project=Project(folder))`` runs the
    engine on a copy of the project in ``folder``, in process.

    A caller that runs the checks many times (``paper_audit.run.sweep``) passes the
    ``rows`` of ``load_checks`` and its own ``context`` (whose assumptions
    apply), so that nothing is read again for each run, and ``how_made=False``:
    a sweep reads verdicts only, and the search of how each printed figure was
    made (``made_by``) is most of a run's time and moves with no assumption.
    """
    if context is None:
        project = paths.resolve(project)
        table = claims if claims is not None else claims_mod.load_claims(project=project)
        context = Context(table, assumptions, project)
    elif project is not None and project != context.project:
        raise ValueError(f"run_all: the context is of {context.project.root}, not of {project.root}")
    rows = rows if rows is not None else load_checks(checks_path, context.claims, project=context.project)
    findings = [run_check(context, row) for row in rows]
    if how_made:
        made_by(findings, context.claims, context.project)
    return findings


def made_by(findings: list[Finding], claims: pd.DataFrame, project: paths.Project | None = None) -> None:
    """The engine's last step: for each counted finding that holds printed
    conversions, how each printed figure was probably made (``chains``: rows of
    rates, slips and outside sums, searched by one rule, in ``project``'s data)."""
    tables = None
    for finding in findings:
        if not finding.counted or not chains.conversion_pairs(finding.kind, finding.inputs, claims):
            continue
        if tables is None:
            tables = chain_data.load(tuple(claims.index), project)
        finding.made_by = chains.for_finding(finding, claims, tables)


def findings_summary(findings: list[Finding] | None = None) -> dict[str, Any]:
    """Distinct problems by evidence kind (see ``evidence.findings_summary``); the
    book's own findings when none are given."""
    return evidence.findings_summary(findings if findings is not None else run_all())
