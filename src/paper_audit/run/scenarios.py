"""The paper's currency conversions under other rates: the paper's own stated
rate, the rate each conversion implies, and the independent official rates,
chosen as the engine chooses its yardsticks (only rates valid in the figure's
period; any other rate only in a column marked counterfactual).

The conversions are read from data/checks.csv (every amount-and-dollar pair a
check relates), so adding a check adds its conversion here too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import textwrap

import pandas as pd

from paper_audit.audit import engine, params, verdicts
from paper_audit.errors import DataError
from paper_audit.present import plots, render
from paper_audit.run import sweep
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import reference


def conversion_pairs(table: pd.DataFrame) -> list[tuple[str, str]]:
    """Every (amount in a currency, amount in dollars) pair that a check relates, once each."""
    pairs: list[tuple[str, str]] = []
    rows = engine.load_checks(claims=table)
    # "4 rubles equaled to USD 1" is the rate itself, not a conversion of an amount.
    rate_claims = {i for row in rows if row["kind"] == "conversion" for i in row["inputs"].split()[2:]}
    for row in rows:
        ids = row["inputs"].split()
        if row["kind"] in ("conversion", "reference_rate"):
            candidates = [(ids[0], ids[1])]
        elif row["kind"] == "same_rate":
            candidates = list(zip(ids[::2], ids[1::2], strict=True))
        else:
            continue
        for amount, usd in candidates:
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


def _currency_rates(currency: str) -> list[pd.Series]:
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
        start, stop = at.period(amount)
        valid = reference.rates_for(currency, start, stop)
        then = [dollars(value, currency, start, r) for r in valid]
        row = {
            "conversion": claims.loc[amount, "measure"] + end,
            "amount_claim": amount,
            "usd_claim": usd,
            "currency": currency,
            "amount": value,
            "stated_usd": dollars_stated,
            "page": int(claims.loc[amount, "page"]),
            "period_start": start,
            "period_end": stop,
            "period": f"{start.day} {start:%b %Y}" + (f" to {stop.day} {stop:%b %Y}" if stop != start else ""),
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
        for rate in _currency_rates(currency):
            if rate["id"] in row["yardsticks"]:
                row[f"usd_at_{rate['id']}"] = dollars(value, currency, start, rate)
            elif counterfactual:
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
        "conversion": "conversion",
        "page": "page",
        "period": "period of the figure",
        "amount": f"amount ({currency})",
        "stated_usd": "stated (US dollars)",
        "implied_rate": "implied rate (per US dollar)",
        "usd_at_stated_rate": "US dollars at the stated rate (the paper's, or the reader's)",
        "yardsticks_text": f"official rates valid in the figure's period ({currency} per US dollar)",
        "usd_then": "US dollars at the official rates valid in the figure's period",
    }
    for rate in _currency_rates(currency):
        column = f"counterfactual_{rate['id']}"
        if column in rows and rows[column].notna().any():
            headings[column] = counterfactual_heading(rate, rows)
    shown = {c: h for c, h in headings.items() if c in rows and rows[c].notna().any()}
    numbers = {c: render.amount for c in shown if c not in ("conversion", "page", "period", "yardsticks_text")}
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
        for rate in _currency_rates(currency):
            column = f"usd_at_{rate['id']}"
            if column in frame and frame[column].notna().any():
                label = f"at {float(rate['units_per_usd']):g} {currency}/USD, {validity(rate)} ({rate['confidence']})"
                alternatives[label] = list(frame[column])
    labels = [f"{c} (p. {p})" for c, p in zip(frame["conversion"], frame["page"], strict=True)]
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


def rate_parameter(currency: str) -> str:
    """The reader's parameter that sets the rate of ``currency`` (e.g. ``yuan_per_usd``)."""
    name = f"{currency}_per_usd"
    if name not in params.SPECS:
        raise DataError(f"no parameter sets the rate of {currency}; known parameters: {', '.join(params.SPECS)}")
    return name


def conversion_checks(currency: str, claims: pd.DataFrame | None = None) -> list[str]:
    """The checks that relate an amount in ``currency`` to its dollar value."""
    claims = claims if claims is not None else claims_mod.load_claims()
    pairs = [set(p) for p in conversion_pairs(claims) if claims.loc[p[0], "unit"] == currency]
    return [
        row["id"]
        for row in engine.load_checks(claims=claims)
        if any(pair <= set(row["inputs"].split()) for pair in pairs)
    ]


def rate_sweep(
    currency: str, grid: str, claims: pd.DataFrame | None = None, assumptions: params.Assumptions | None = None
) -> sweep.Sweep:
    """The conversion checks of ``currency`` swept over its rate (``START:STOP:POINTS``),
    under the reader's other assumptions; only the checks that move with the rate are kept."""
    claims = claims if claims is not None else claims_mod.load_claims()
    name = rate_parameter(currency)
    fixed = {k: v for k, v in dataclasses.asdict(assumptions or params.Assumptions()).items() if k != name}
    result = sweep.run(
        sweep.parse_grid([(name, grid)]), claims=claims, fixed=fixed, only=conversion_checks(currency, claims)
    )
    moving = result.depending()
    result.frame = result.frame[result.frame["check"].isin(moving)].reset_index(drop=True)
    result.titles = {c: t for c, t in result.titles.items() if c in moving}
    return result


def official_rates(currency: str) -> pd.DataFrame:
    """The independent rates of ``currency``, with their validity as words."""
    rows = [(r["id"], float(r["units_per_usd"]), validity(r), r["confidence"]) for r in _currency_rates(currency)]
    frame = pd.DataFrame(rows, columns=["id", "rate", "valid", "confidence"])
    frame["label"] = [f"{r.rate:g}: {r.valid} ({r.confidence} confidence)" for r in frame.itertuples()]
    return frame


def _within(rate: float, stretches) -> bool:
    return any(lo <= rate <= hi for lo, hi in stretches)


def _amount(check: str, currency: str, claims: pd.DataFrame) -> str:
    """The claim a conversion check converts: its amount in ``currency``."""
    row = next(r for r in engine.load_checks(claims=claims) if r["id"] == check)
    return next(i for i in row["inputs"].split() if i in claims.index and claims.loc[i, "unit"] == currency)


def valid_rates(check: str, currency: str, claims: pd.DataFrame) -> set[str]:
    """The ids of the rates of ``currency`` valid during the period of the amount
    a check converts: the engine's yardsticks for it (``reference.rates_for``)."""
    amount = _amount(check, currency, claims)
    return {r["id"] for r in reference.rates_for(currency, *engine.Context(claims).period(amount))}


def agreement(result: sweep.Sweep, rates: pd.DataFrame, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each finding of a rate sweep: the rates at which it is consistent
    (exactly or within rounding) and which official rates valid in its figure's
    period, if any, lie there (a rate of another time is never counted)."""
    claims = claims if claims is not None else claims_mod.load_claims()
    currency = result.axes[0].name.removesuffix("_per_usd")
    found = sweep.breakpoints(result).set_index("check")
    rows = []
    for check, title in result.titles.items():
        if check in found.index:
            stretches, text = found.loc[check, "agreeing"], found.loc[check, "agreeing_text"]
        else:  # one verdict over the whole grid
            verdict = result.frame.loc[result.frame["check"] == check, "verdict"].iloc[0]
            values = result.axes[0].values
            agrees = verdict in verdicts.AGREEING
            stretches = [(values[0], values[-1])] if agrees else []
            text = (
                f"{sweep.grid_value_text(values[0])} to {sweep.grid_value_text(values[-1])}"
                if agrees
                else sweep.NOT_IN_GRID
            )
        valid = valid_rates(check, currency, claims)
        inside = [r.label for r in rates.itertuples() if r.id in valid and _within(r.rate, stretches)]
        rows.append(
            {
                "check": check,
                "title": title,
                "agreeing": stretches,
                "agreeing_text": text,
                "valid_rates": valid,
                "official_inside": "; ".join(inside) or "none",
            }
        )
    return pd.DataFrame(rows)


def _measure(check: str, currency: str, claims: pd.DataFrame) -> str:
    """What a conversion check converts: the measure of its amount in ``currency``."""
    amount = _amount(check, currency, claims)
    return f"{claims.loc[amount, 'measure']} (p. {int(claims.loc[amount, 'page'])})"


def agreement_sentence(
    agree: pd.DataFrame, rates: pd.DataFrame, currency: str, claims: pd.DataFrame | None = None
) -> str:
    """Where the paper's figures in ``currency`` agree, and whether an official
    rate valid in each figure's period lies there, in words (each conversion
    named once)."""
    claims = claims if claims is not None else claims_mod.load_claims()
    parts = list(
        dict.fromkeys(f"{_measure(r.check, currency, claims)} at {r.agreeing_text}" for r in agree.itertuples())
    )
    holding = {
        r.label: [a for a in agree.itertuples() if r.id in a.valid_rates and _within(r.rate, a.agreeing)]
        for r in rates.itertuples()
    }
    said = []
    for label, within in holding.items():
        if within and len(within) == len(agree):
            said.append(f"the official rate {label} lies in every one of them")
        elif within:
            names = dict.fromkeys(_measure(r.check, currency, claims) for r in within)
            said.append(f"the official rate {label} lies in the stretch of {', '.join(names)} only")
    if not said:
        said.append(f"no official rate of a figure's time ({'; '.join(rates['label'])}) lies in any of them")
    return f"{'; '.join(parts)}; {'; '.join(said)}"


def band_chart(result: sweep.Sweep, rates: pd.DataFrame, agree: pd.DataFrame, name: str) -> str:
    """The verdict of each finding of a rate sweep as bands, official rates marked."""
    axis = result.axes[0]
    unit = axis.name.removesuffix("_per_usd")
    values = list(axis.values)
    rows, described = [], []
    for check, title in result.titles.items():
        verdicts = list(result.verdicts(check))
        rows.append((textwrap.fill(title, 32), verdicts))
        described.append(
            f"{title}: "
            + ", ".join(
                f"{v} {sweep.grid_value_text(lo)}" + (f" to {sweep.grid_value_text(hi)}" if hi != lo else "")
                for v, lo, hi in sweep.verdict_runs(values, verdicts)
            )
        )
    notes = [
        (i, (r.agreeing[0][0] + r.agreeing[0][1]) / 2, f"consistent at {r.agreeing_text}")
        for i, r in enumerate(agree.itertuples())
        if r.agreeing
    ]
    span = f"{sweep.grid_value_text(values[0])} to {sweep.grid_value_text(values[-1])} {unit} per US dollar"
    marks = [(r.rate, f"official rate {r.label}") for r in rates.itertuples()]
    alt = (
        f"Bands showing the verdict of {len(rows)} findings as the rate runs from {span}, "
        f"checked at {len(values):,} rates. "
        + ". ".join(described)
        + ". Vertical lines mark the official rates: "
        + "; ".join(rates["label"])
        + "."
    )
    caption = (
        f"The verdict of each finding that depends on the {unit} rate, from the book's checks run at "
        f"{len(values):,} rates from {span}. Lines: the official rates of the time, with the dates "
        "between which each was valid; a triangle marks each stretch where a finding is consistent."
    )
    return plots.bands(
        values, rows, name, xlabel=f"{unit} per US dollar", marks=marks, alt=alt, caption=caption, notes=notes
    )


def two_way(
    check: str,
    grids: list[tuple[str, str]],
    claims: pd.DataFrame | None = None,
    assumptions: params.Assumptions | None = None,
) -> sweep.Sweep:
    """One check swept over one or two parameters, the reader's other assumptions held."""
    axes = sweep.parse_grid(grids)
    swept = {a.name for a in axes}
    fixed = {k: v for k, v in dataclasses.asdict(assumptions or params.Assumptions()).items() if k not in swept}
    return sweep.run(axes, claims=claims, fixed=fixed, only=[check])


def map_summary(
    result: sweep.Sweep,
    rates: pd.DataFrame,
    claims: pd.DataFrame | None = None,
    assumptions: params.Assumptions | None = None,
) -> str:
    """What a two-parameter sweep of one check shows, in words: where it is
    consistent, and its verdicts along the second parameter at each official rate."""
    (check,) = result.titles
    x, y = result.axes
    grid = result.verdicts(check)
    agree = grid.isin(verdicts.AGREEING)
    columns = [float(v) for v in grid.columns[agree.all(axis=0)]]
    if not agree.to_numpy().any():
        where = "it is consistent nowhere in the grid"
    elif agree.to_numpy().sum() == len(columns) * len(y.values):
        where = (
            f"it is consistent (exactly or within rounding) only where {x.name} is "
            f"{', '.join(sweep.grid_value_text(v) for v in columns)}, whatever the {y.name}"
        )
    else:
        where = f"it is consistent (exactly or within rounding) at {agree.to_numpy().sum():,} of {grid.size:,} points"
    said = [where]
    claims = claims if claims is not None else claims_mod.load_claims()
    if x.name.endswith("_per_usd"):  # only the rates that held when the figure was made
        rates = rates[rates["id"].isin(valid_rates(check, x.name.removesuffix("_per_usd"), claims))]
    for rate in rates.drop_duplicates("rate").itertuples():  # a rate may be listed for two periods
        if not x.values[0] <= rate.rate <= x.values[-1]:
            continue
        at_rate = two_way(
            check,
            [(y.name, f"{y.values[0]!r}:{y.values[-1]!r}:{len(y.values)}")],
            claims,
            dataclasses.replace(assumptions or params.Assumptions(), **{x.name: rate.rate}),
        )
        stretches = sweep.verdict_runs(list(y.values), list(at_rate.verdicts(check)))
        said.append(
            f"at the official rate {rate.rate:g} the verdict is "
            + " and ".join(
                f"{v} for {y.name} {sweep.grid_value_text(lo)}"
                + (f" to {sweep.grid_value_text(hi)}" if hi != lo else "")
                for v, lo, hi in stretches
            )
        )
    return "; ".join(said)


def map_chart(result: sweep.Sweep, rates: pd.DataFrame, name: str, summary: str) -> str:
    """A heat map of one check's verdict over two parameters, official rates marked."""
    (check,) = result.titles
    x, y = result.axes
    grid = result.verdicts(check)
    counts = pd.Series(grid.to_numpy().ravel()).value_counts()
    alt = (
        f"Heat map of the verdict of the finding “{result.titles[check]}” over {x.describe()} (across) and "
        f"{y.describe()} (up): "
        + ", ".join(f"{v} in {counts[v]:,} cells" for v in plots.verdict_order(counts.index))
        + f"; {summary}. Vertical lines mark "
        "the official rates: " + "; ".join(rates["label"]) + "."
    )
    meaning = {a.name: params.SPECS[a.name].doc.split(" (")[0] for a in (x, y)}
    caption = (
        f"The verdict of “{result.titles[check]}” over two assumptions at once: {meaning[x.name]} "
        f"({x.name}, across) and {meaning[y.name]} ({y.name}, up); "
        f"{len(x.values) * len(y.values):,} grid points. Lines: the official rates of the time."
    )
    return plots.verdict_map(
        list(x.values),
        list(y.values),
        grid.to_numpy().tolist(),
        name,
        xlabel=x.name.replace("_", " ").replace("per usd", "per US dollar"),
        ylabel=y.name.replace("_", " "),
        marks=[(r.rate, f"official rate {r.label}") for r in rates.itertuples()],
        alt=alt,
        caption=caption,
    )
