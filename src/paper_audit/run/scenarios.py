"""The paper's currency conversions under other rates: the paper's own stated
rate, the rate each conversion implies, and the independent official rates,
chosen as the engine chooses its yardsticks (only rates valid in the figure's
period; any other rate only in a column marked counterfactual).

The conversions are read from data/checks.csv (every amount-and-dollar pair a
check relates), so adding a check adds its conversion here too.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from paper_audit.audit import engine
from paper_audit.errors import DataError
from paper_audit.present import plots, render
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import reference


def conversion_kinds() -> tuple[str, ...]:
    """The kinds of check that hold an amount and its value in another currency to
    a rate: those that declare which of their inputs do (``@kind(converts=...)``),
    but not at a rate their own inputs imply (``own_rate``), which no other rate replaces."""
    return engine.kinds_where(lambda spec: bool(spec.converts) and not spec.own_rate)


# The chapter gathers every check of these kinds in the book (``Chapter(gathers=...)``).
CONVERSION_KINDS = conversion_kinds()
# The column of each row's label, what it converts, and its heading in the book: the
# English word, which a kind also bears as its name (tests/test_checks.py ``HOMONYMS``).
LABEL = "conversion"


def conversion_pairs(table: pd.DataFrame) -> list[tuple[str, str]]:
    """Every (amount in a currency, amount in dollars) pair that a check relates, once each."""
    pairs: list[tuple[str, str]] = []
    kinds = conversion_kinds()
    rows = [row for row in engine.load_checks(claims=table) if row["kind"] in kinds]
    specs = [(engine.KIND_SPECS[row["kind"]], row["inputs"].split()) for row in rows]
    # A rate the text states ("4 rubles equaled to USD 1") is not a conversion of an amount.
    rate_claims = {i for spec, ids in specs for role in spec.stated_rate for i in spec.at(role, ids)}
    for spec, ids in specs:
        for amount, usd in spec.conversions(ids):
            if amount in rate_claims or (amount, usd) in pairs:
                continue
            if table.loc[usd, "unit"] == "USD" and table.loc[amount, "unit"] != "USD":
                pairs.append((amount, usd))
    return pairs


def _ends(ctx: engine.Context, pairs: list[tuple[str, str]]):
    """Each pair once, or a range's pair twice: at its low and at its high end."""
    for amount, usd in pairs:
        if ctx.is_range(amount) or ctx.is_range(usd):
            yield amount, usd, " (low end)", ctx.at_end("low")
            yield amount, usd, " (high end)", ctx.at_end("high")
        else:
            yield amount, usd, "", ctx


# {currency: (day its new units began, old units in one new unit)} for a currency whose reference
# rates are in the units of their own time. data/reference/ states the 1961 ruble reform only in
# rub_new_1961's basis (tests/test_scenarios.py holds the two together). Yuan rates are all in new
# yuan, as the engine reads the paper's yuan sums (data/reference/README.md): no yuan is rescaled.
REFORMS = {"rubles": (dt.date(1961, 1, 1), 10)}


def _units(currency: str, day: dt.date) -> int:
    """Old units in one unit of ``currency`` as counted on ``day`` (1 before any reform)."""
    reform = REFORMS.get(currency)
    return reform[1] if reform and day >= reform[0] else 1


def dollars(value: float, currency: str, start: dt.date, rate: pd.Series) -> float:
    """A sum of ``currency`` counted from ``start``, in US dollars at a reference
    ``rate``, each read in the units of its own time."""
    old_units = value * _units(currency, start)
    return old_units / _units(currency, reference.window(rate)[0]) / float(rate["units_per_usd"])


def validity(rate: pd.Series) -> str:
    """When a reference rate held, in words ("Mar 1950 to Dec 1960", "from Jan 1961")."""
    start, end = reference.window(rate)
    return f"{start:%b %Y} to {end:%b %Y}" if rate["valid_to"] else f"from {start:%b %Y}"


def currency_rates(currency: str) -> list[pd.Series]:
    """Every reference rate of ``currency``, oldest first."""
    rates = reference.load()["exchange-rates"]
    rows = [row for _, row in rates[rates["currency"] == currency].iterrows()]
    return sorted(rows, key=lambda r: (r["valid_from"], r["id"]))


def table(claims: pd.DataFrame | None = None, stated_rates: dict | None = None, counterfactual=True) -> pd.DataFrame:
    """One row per conversion: amount, stated dollars, implied rate, and dollars at the
    engine's yardsticks, every rate that held in the amount's period (``reference.rates_for``):
    each in ``usd_at_<id>``, all in ``usd_then_low`` to ``usd_then_high``. Any other rate is used
    only in ``counterfactual_<id>`` (none if ``counterfactual`` is false). ``stated_rates``:
    {currency: the rate the paper states (footnote 21: rubles only) or the reader sets}."""
    claims = claims if claims is not None else claims_mod.load_claims()
    ctx = engine.Context(claims)
    rows = []
    for amount, usd, end, at in _ends(ctx, conversion_pairs(claims)):
        currency = claims.loc[amount, "unit"]
        value, dollars_stated = claims_mod.absolute(at.claim(amount)), claims_mod.absolute(at.claim(usd))
        implied = at.implied_rate(amount, usd)
        try:
            start, stop = at.period(amount)
        except DataError:  # a figure whose time is not given (a page being added): no yardstick can be chosen
            start = stop = None
        valid = reference.rates_for(currency, start, stop) if start is not None else ()
        then = [dollars(value, currency, start, r) for r in valid]
        row = {
            LABEL: claims.loc[amount, "measure"] + end,
            "amount_claim": amount,
            "usd_claim": usd,
            "currency": currency,
            "amount": value,
            "stated_usd": dollars_stated,
            "page": int(claims.loc[amount, "page"]),
            "period_start": start,
            "period_end": stop,
            "period": "not given"
            if start is None
            else f"{start.day} {start:%b %Y}" + (f" to {stop.day} {stop:%b %Y}" if stop != start else ""),
            "implied_rate": implied.point,
            "implied_low": implied.low,
            "implied_high": implied.high,
            "yardsticks": tuple(r["id"] for r in valid),
            "yardsticks_text": "; ".join(
                f"{float(r['units_per_usd']):g} ({r['confidence']} confidence, {validity(r)})" for r in valid
            )
            or "none known",
            "usd_then_low": min(then, default=math.nan),
            "usd_then_high": max(then, default=math.nan),
            "usd_then": _range_text(min(then), max(then)) if then else math.nan,
        }
        if stated_rates and currency in stated_rates:
            row["usd_at_stated_rate"] = value / stated_rates[currency]
        for rate in currency_rates(currency):
            if rate["id"] in row["yardsticks"]:
                row[f"usd_at_{rate['id']}"] = dollars(value, currency, start, rate)
            elif counterfactual and start is not None:
                row[f"counterfactual_{rate['id']}"] = dollars(value, currency, start, rate)
        rows.append(row)
    return pd.DataFrame(rows)


def _range_text(low: float, high: float) -> str:
    return render.amount(low) if low == high else f"{render.amount(low)} to {render.amount(high)}"


def counterfactual_heading(rate: pd.Series, rows: pd.DataFrame) -> str:
    """The heading of a column at a rate that did not hold during its figures' periods."""
    currency = rate["currency"]
    starts = rows.loc[rows[f"counterfactual_{rate['id']}"].notna(), "period_start"]
    day, ratio = REFORMS.get(currency, (None, 1))
    redenominated = any(_units(currency, s) != _units(currency, reference.window(rate)[0]) for s in starts)
    return (
        f"US dollars at {float(rate['units_per_usd']):g} {currency} per dollar (valid {validity(rate)}), "
        "had it applied: counterfactual, as it was not valid in the figure's period"
        + (f"; after the {ratio}:1 redenomination of {day:%b %Y}" if redenominated else "")
    )


def currency_table(rows: pd.DataFrame, currency: str) -> str:
    """The conversions from one currency as an HTML table: the rates valid in
    each figure's period and the dollars they give (a range where they
    disagree), then any rate of another time in a column marked counterfactual."""
    headings = {
        LABEL: LABEL,
        "page": "page",
        "period": "period of the figure",
        "amount": f"amount ({currency})",
        "stated_usd": "stated (US dollars)",
        "implied_rate": "implied rate (per US dollar)",
        "usd_at_stated_rate": "US dollars at the stated rate (the paper's, or the reader's)",
        "yardsticks_text": f"official rates valid in the figure's period ({currency} per US dollar)",
        "usd_then": "US dollars at the official rates valid in the figure's period",
    }
    for rate in currency_rates(currency):
        column = f"counterfactual_{rate['id']}"
        if column in rows and rows[column].notna().any():
            headings[column] = counterfactual_heading(rate, rows)
    shown = {c: h for c, h in headings.items() if c in rows and rows[c].notna().any()}
    numbers = {c: render.amount for c in shown if c not in (LABEL, "page", "period", "yardsticks_text")}
    numbers["usd_then"] = str  # a range of amounts, already written out
    caption = f"Conversions from {currency}, at the official rates valid in each figure's period"
    if any(c.startswith("counterfactual_") for c in shown):
        caption += "; a rate of another time only in a column marked counterfactual"
    return render.table(rows, shown, numbers, caption=caption)


def dollar_chart(frame: pd.DataFrame, name: str) -> plots.Chart:
    """Each conversion's dollars as stated and at each official rate valid in
    its figure's period (never a counterfactual one)."""
    alternatives = {}
    for currency in frame["currency"].unique():
        for rate in currency_rates(currency):
            column = f"usd_at_{rate['id']}"
            if column in frame and frame[column].notna().any():
                label = f"at {float(rate['units_per_usd']):g} {currency}/USD, {validity(rate)} ({rate['confidence']})"
                alternatives[label] = list(frame[column])
    labels = [f"{c} (p. {p})" for c, p in zip(frame[LABEL], frame["page"], strict=True)]
    described = [
        f"{label}: stated {render.amount(usd)}, "
        + (f"at the official rates valid then {then}" if then == then else "no rate known")
        for label, usd, then in zip(labels, frame["stated_usd"], frame["usd_then"], strict=True)
    ]
    return plots.dumbbell(
        labels,
        list(frame["stated_usd"]),
        alternatives,
        name,
        xlabel="US dollars (log scale)",
        alt="Dot chart comparing, for each conversion, the dollar value the paper states with the dollar value "
        "at each official rate valid in the figure's period: " + "; ".join(described) + ".",
        caption="Each conversion's dollar value as stated (filled) and at each official rate valid in the "
        "figure's period (hollow); no rate of another time is drawn. Rows without hollow markers have no "
        "independent rate (won).",
    )


def reconcile(frame: pd.DataFrame) -> pd.DataFrame:
    """For each currency: can one rate reproduce every conversion within rounding, and which?"""
    out = []
    for currency, group in frame.groupby("currency", sort=False):
        low, high = group["implied_low"].max(), group["implied_high"].min()
        out.append(
            {
                "currency": currency,
                "conversions": len(group),
                "lowest_implied": group["implied_rate"].min(),
                "highest_implied": group["implied_rate"].max(),
                "one_rate_fits": bool(low <= high),
                "fitting_rates": f"{low:.4g} to {high:.4g}" if low <= high else "none",
            }
        )
    return pd.DataFrame(out)
