"""What a chapter notebook calls: its claims, its findings, and the glued
badges, flags and quotes, so that notebooks narrate and call and never
re-implement."""

from __future__ import annotations

import datetime as dt
import json

from IPython.display import HTML

from paper_audit import paths
from paper_audit.audit import engine, evidence, params
from paper_audit.errors import DataError
from paper_audit.present import flags, front, marks, render
from paper_audit.present.glue import Publisher
from paper_audit.present.plots import Chart
from paper_audit.tables import claims, fingerprints, reference, toc
from paper_audit.text import passages


def __getattr__(name: str):
    # CHAPTER_TITLES is read from the table of contents and the notebooks'
    # headings (paper_audit.tables.toc), never typed here.
    if name == "CHAPTER_TITLES":
        return toc.chapters()
    raise AttributeError(name)


def parameters(namespace: dict) -> dict:
    """The papermill parameters as a chapter's parameters cell set them (every
    name of ``params.SPECS``), to pass to ``Chapter``: a new parameter needs
    no edit of the chapters' code."""
    return {name: namespace[name] for name in params.SPECS if name in namespace}


class Chapter:
    """A chapter's view of the audit, under the reader's assumptions.

    ``parameters`` are the notebook's papermill parameters; they are validated
    here, so a bad value stops the chapter with one line naming it.
    """

    def __init__(self, name: str, gathers: tuple[str, ...] = (), **parameters):
        if name not in toc.chapters():
            raise DataError(toc.unknown_chapter(name))
        self.name = name
        self.gathers = tuple(gathers)
        self.assumptions = params.validate(parameters)
        self.claims = claims.load_claims()
        self.findings = {f.check: f for f in engine.run_all(claims=self.claims, assumptions=self.assumptions)}
        self.publish = Publisher(name)
        self._read: set[str] = set()
        self._shown: set[str] = set()  # checks of other chapters whose badge or flag it shows
        self._quoted: set[tuple[int, int]] = set()
        self._write_findings()
        self._record_inputs()

    def _record_inputs(self) -> None:
        """Fingerprint what this chapter reads, so the build re-executes it when that changes.

        The claims it shows: its own, the inputs of its own checks, of the
        checks of the kinds it ``gathers`` and of those it shows, and every
        claim it asks for by id. The checks that name any of them (their
        verdicts mark those figures where quoted), their rows and inputs, and
        which checks there are of its own and of the kinds it gathers (a row
        added counts). All the other data files whole (``other_data``): the
        source text it quotes, the argument and slips its flags word, and the
        reference facts and sources (small and rarely edited).
        """
        own = self.own_findings
        gathered = [f for f in self.findings.values() if f.kind in self.gathers]
        shown_checks = [self.findings[c] for c in sorted(self._shown)]
        shown = set(self.own_claims.index) | self._read
        shown |= {i for f in (*own, *gathered, *shown_checks) for i in f.inputs} & set(self.claims.index)
        marking = [f for f in self.findings.values() if shown & set(f.inputs)]
        notebook = paths.NOTEBOOKS_DIR / f"{self.name}.ipynb"
        fingerprints.record(
            notebook,
            fingerprints.fingerprint(
                claims=shown | ({i for f in marking for i in f.inputs} & set(self.claims.index)),
                checks=[f.check for f in (*own, *gathered, *shown_checks, *marking)],
                groups=["other_data"],  # the reference facts and their sources among them
                notebook=notebook,
                selections=[("claims", "chapter", self.name), ("checks", "chapter", self.name)]
                + [("checks", "kind", kind) for kind in self.gathers]
                + [("checks", "inputs", claim) for claim in shown],
            ),
        )

    def _write_findings(self) -> None:
        """Record this chapter's verdicts, so a rerun can be compared with the book."""
        target = paths.output_dir() / "findings" / f"{self.name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        rows = [{"check": f.check, "verdict": f.verdict, "title": f.title} for f in self.own_findings]
        target.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")

    @property
    def own_claims(self):
        return self.claims[self.claims["chapter"] == self.name]

    @property
    def own_findings(self):
        return [f for f in self.findings.values() if f.chapter == self.name]

    def claim(self, claim_id: str):
        if claim_id not in self._read:
            self._read.add(claim_id)
            if claim_id not in self.own_claims.index:
                self._record_inputs()
        return self.claims.loc[claim_id]

    def figure(self, claim_id: str) -> float:
        """A figure of the paper as a plain number in its unit, scale applied:
        "420 billion won" is 420,000,000,000."""
        return claims.absolute(self.claim(claim_id))

    def date(self, item: str) -> dt.date:
        """The day a claim of the paper names, or the day of a dated event of
        the reference data (``data/reference``), read as the engine reads it
        (``Context.dates``)."""
        if item in self.claims.index:
            self.claim(item)  # what is read: its changes re-execute the chapter
            where = f"{paths.CLAIMS_CSV} (claim {item})"
        else:
            table, _ = reference.lookup(item)
            where = f"{paths.REFERENCE_DIR / reference.FILES[table]} (fact {item})"
        first, last = engine.Context(self.claims, self.assumptions).dates(item)
        if first != last:
            raise DataError(
                f"{where}, field 'date': it names {first} to {last}, not one day; a month or a year has no single "
                "day, so the chapter cannot count days from it: give the day there, or recompute with another date"
            )
        return first

    def quotes(self, *claim_ids: str) -> HTML:
        """Show the sentences of the paper these claims stand in, each once,
        with page and footnote, every figure in them marked with its verdict."""
        return HTML(self._quotes_html(claim_ids))

    def recall(self, *claim_ids: str) -> HTML:
        """Quote sentences another chapter discusses (their claims stay that
        chapter's), with a link to it: for a chapter that gathers the others'
        figures, such as the scenarios."""
        owners = dict.fromkeys(self.claims.loc[list(claim_ids), "chapter"])
        titles = toc.chapters()
        links = ", ".join(f'<a href="{render.esc(n)}.html">{render.esc(titles[n])}</a>' for n in owners)
        return HTML(self._quotes_html(claim_ids) + f'<p class="audit-quote-again">Discussed in {links}.</p>')

    def _quotes_html(self, claim_ids) -> str:
        found = passages.passages(self.claims, claim_ids)
        # A sentence already quoted in this chapter is pointed to, not repeated.
        shown = [p for p in found if (p.span.page, p.span.start) not in self._quoted]
        again = [p for p in found if (p.span.page, p.span.start) in self._quoted]
        self._quoted |= {(p.span.page, p.span.start) for p in shown}
        for claim_id in passages.claims_within(self.claims, found):
            self.claim(claim_id)  # what is shown is read: its changes re-execute the chapter
        findings = marks.findings_by_claim(self.findings.values())
        html = marks.passages(self.claims, shown, findings, id_prefix=f"note-{self.name}")
        figures = [str(self.claims.loc[c, "figure"]) for c in claim_ids if c in self.claims.index]
        return html + "".join(marks.passage_again(p, figures) for p in again)

    def _show(self, check_id: str):
        """A check whose badge or flag this chapter shows: what is shown is read."""
        finding = self.findings[check_id]
        if finding.chapter != self.name and check_id not in self._shown:
            self._shown.add(check_id)
            self._record_inputs()
        return finding

    def badge(self, check_id: str) -> None:
        """Glue the badge of a check as ``badge_<check>`` for use in prose."""
        finding = self._show(check_id)
        self.publish.html(
            f"badge_{check_id}",
            render.badge(finding),
            claims=finding.inputs,
            computed_by=f"paper_audit.audit.engine:{finding.kind}",
        )

    def flag(self, check_id: str) -> HTML:
        """Show the flag of a check where it is discussed."""
        return HTML(flags.flag(self._show(check_id)))

    def reporters(self) -> HTML:
        """Who reported the figures this chapter checks, once for the chapter
        (the flags do not repeat it)."""
        listed = flags.reporters(self.own_findings)
        return HTML(listed or "<p>The paper names no reporter for the figures this chapter checks.</p>")

    def summary(self) -> None:
        """Glue ``summary_findings``: the chapter's findings, each problem once, in
        words generated from the findings (never typed, so never stale); and
        ``summary_argument``, for the closing summary: which way they lean on
        the paper's argument."""
        own = self.own_findings
        self.publish.value(
            "summary_findings",
            evidence.summary_sentence(own),
            claims=[i for f in own for i in f.inputs],
            computed_by="paper_audit.audit.evidence:summary_sentence",
        )
        # The closing summary says what the findings stated at the top bear on in
        # the paper's argument, and which way they lean: not the same sentence again.
        self.publish.value(
            "summary_argument",
            front.leaning_sentence(own)
            or "No check of this chapter finds a problem, so none changes the paper’s argument.",
            claims=[i for f in own for i in f.inputs],
            computed_by="paper_audit.present.front:leaning_sentence",
        )

    def chart(self, chart: Chart, claims=()) -> Chart:
        """Glue a chart of ``paper_audit.present.plots`` as ``fig_<name>``, for the
        ``audit-figure`` directive that shows it as a numbered figure; returned,
        so that a notebook interface shows it too (the book hides the cell)."""
        self.publish.figure(
            f"fig_{chart.name}", chart, claims=claims, computed_by=f"paper_audit.present.plots:{chart.name}"
        )
        return chart

    def value(self, name: str, value, fmt: str = "{}", claims=(), computed_by: str = "") -> None:
        self.publish.value(name, value, fmt, claims=claims, computed_by=computed_by)

    def walkthrough(self) -> HTML:
        """A chapter made from data alone: each check with its badge, quotes
        and flag, in the order of checks.csv, then the chapter's other figures.

        What ``paper-audit add-chapter`` writes calls this, so a new chapter
        needs rows and a title, not code.
        """
        parts, shown = [], set()
        for finding in self.own_findings:
            self.badge(finding.check)
            claim_ids = [i for i in finding.inputs if i in self.claims.index]
            shown.update(claim_ids)
            parts.append(
                f'<section class="audit-walkthrough"><p>{render.badge(finding)} '
                f"<strong>{render.esc(finding.title)}</strong></p>"
                + self.quotes(*claim_ids).data
                + flags.flag(finding)
                + "</section>"
            )
        rest = [i for i in self.own_claims.index if i not in shown]
        if rest:
            parts.append("<p>Figures of this chapter that no check relates yet:</p>" + self.quotes(*rest).data)
        return HTML("".join(parts))
