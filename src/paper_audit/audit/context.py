"""What a check can see (``Context``): the claims, the reference facts and
the reader's assumptions, with the intervals and dates they stand for."""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from paper_audit import paths
from paper_audit.audit.params import Assumptions
from paper_audit.audit.rounding import Interval, propagate, stated_interval, verdict
from paper_audit.errors import DataError
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import reference
from paper_audit.text.figures import range_ends


class Context:
    """What a check can see: the claims and the reference facts (of
    ``project``, the current project by default: a check reads every fact
    through its context, never the current project's directly)."""

    def __init__(
        self, claims: pd.DataFrame, assumptions: Assumptions | None = None, project: paths.Project | None = None
    ):
        self.claims = claims
        self.assumptions = assumptions or Assumptions()
        self.project = paths.resolve(project)
        self._rows: dict[str, pd.Series] = {}

    def fact(self, fact_id: str) -> tuple[str, pd.Series]:
        """(resource name, row) of one of the project's reference facts (``reference.lookup``)."""
        return reference.lookup(fact_id, self.project)

    def verdict(self, computed: Interval, stated: Interval) -> str:
        return verdict(computed, stated, self.assumptions.gross_factor)

    def rate_override(self, currency: str) -> float | None:
        """The reader's own rate for a currency, if they gave one."""
        return {"rubles": self.assumptions.rubles_per_usd, "yuan": self.assumptions.yuan_per_usd}.get(currency)

    def claim(self, claim_id: str) -> pd.Series:
        # One row lookup per claim and run: .loc is the costliest step of a run,
        # and a sweep calls run_all many times.
        row = self._rows.get(claim_id)
        if row is None:
            found = self.claims.loc[claim_id]
            if not isinstance(found, pd.Series):  # a duplicated id would give a frame; claims.csv refuses those
                raise DataError(f"claim {claim_id} occurs more than once in {self.project.claims_csv}")
            row = self._rows[claim_id] = found
        return row

    def period(self, claim_id: str) -> tuple[dt.date, dt.date]:
        """When a figure was made or what time it counts (period_start, period_end)."""
        c = self.claim(claim_id)
        start, end = c.get("period_start"), c.get("period_end")
        if not isinstance(start, str) or not start or not isinstance(end, str) or not end:
            raise DataError(
                f"claim {claim_id} has no period_start/period_end in {self.project.claims_csv}: "
                "a yardstick can only be chosen for a figure whose time is known"
            )
        return dt.date.fromisoformat(start), dt.date.fromisoformat(end)

    def is_range(self, item: str) -> bool:
        """Whether an input is a claim printed as a range of amounts (not of years)."""
        if item not in self.claims.index:
            return False
        c = self.claim(item)
        return c["unit"] not in ("year", "date") and c.get("low") is not None and not pd.isna(c.get("low"))

    def at_end(self, end: str) -> "Context":
        """The same context with every range claim read as its low or high end, as printed."""
        table = self.claims.copy()
        for item in [i for i in table.index if self.is_range(i)]:
            ends = range_ends(str(table.at[item, "figure"]))
            if ends is None:
                continue
            table.at[item, "value"] = self.claim(item)[end]
            table.at[item, "figure"] = ends[0 if end == "low" else 1]
        return Context(table, self.assumptions, self.project)

    def interval(self, claim_id: str, as_percent: bool = False) -> Interval:
        c = self.claim(claim_id)
        value = claims_mod.absolute(c)
        iv = stated_interval(
            value,
            c["figure"],
            c["factor"],
            c["qualifier"],
            c["unit"],
            self.assumptions.nearly_below,
            self.assumptions.vagueness,
        )
        if as_percent and c["unit"] == "fraction":
            iv = Interval(iv.low * 100, iv.high * 100, iv.point * 100)
        return iv

    def implied_rate(self, amount: str, converted: str) -> Interval:
        """The rate a pair of claims implies (units of the first per unit of the second), with rounding."""
        return propagate(lambda x, y: x / y, [self.interval(amount), self.interval(converted)])

    def dates(self, item: str) -> tuple[dt.date, dt.date]:
        """Earliest and latest day an input (claim or reference fact) can mean."""
        if item in self.claims.index:
            c = self.claim(item)
            if c["unit"] == "date":
                parts = [int(p) for p in c["date"].split("-")]
                if len(parts) == 3:
                    day = dt.date(*parts)
                    return day, day
                year, month = parts
                return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
            if c["unit"] == "year":
                low = c["low"] if c["value"] is None or pd.isna(c["value"]) else c["value"]
                high = c["high"] if c["value"] is None or pd.isna(c["value"]) else c["value"]
                return dt.date(int(low), 1, 1), dt.date(int(high), 12, 31)
            raise DataError(f"claim {item} is not a date or a year")
        _, row = self.fact(item)
        return reference.date_span(row)
