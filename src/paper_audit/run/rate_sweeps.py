"""Sweeps of a currency's rate for the scenarios chapter: at which rates each
conversion check agrees, which official rates (valid in the figure's period)
lie there, and the bands and maps that show it. The conversions themselves
are in ``scenarios``.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from paper_audit.audit import engine, params, verdicts
from paper_audit.errors import DataError
from paper_audit.present import plots
from paper_audit.run import sweep
from paper_audit.run.scenarios import conversion_pairs, currency_rates, validity
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import reference


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
    rows = [(r["id"], float(r["units_per_usd"]), validity(r), r["confidence"]) for r in currency_rates(currency)]
    frame = pd.DataFrame(rows, columns=["id", "rate", "valid", "confidence"])
    frame["label"] = [f"{r.rate:g}: {r.valid}, of {r.confidence} confidence" for r in frame.itertuples()]
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
    try:
        period = engine.Context(claims).period(amount)
    except DataError:  # its time is not given: no rate can be said to be valid
        return set()
    return {r["id"] for r in reference.rates_for(currency, *period)}


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
        rows.append((title, verdicts))
        described.append(
            f"{title}: "
            + ", ".join(
                f"{v} {sweep.grid_value_text(lo)}" + (f" to {sweep.grid_value_text(hi)}" if hi != lo else "")
                for v, lo, hi in sweep.verdict_runs(values, verdicts)
            )
        )
    # The chart's notes write every rate at one precision ("2.0100 to 2.0125", not "2.01 to 2.0125").
    places = plots.decimals_for([v for r in agree.itertuples() for stretch in r.agreeing for v in stretch], 5)

    def stretches_text(stretches) -> str:
        return "; ".join(
            plots.fixed(lo, places) + ("" if hi == lo else f" to {plots.fixed(hi, places)}") for lo, hi in stretches
        )

    notes = [
        (i, (r.agreeing[0][0] + r.agreeing[0][1]) / 2, f"consistent at {stretches_text(r.agreeing)}")
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
        f"The verdict of each finding that depends on the {unit.removesuffix('s')} rate, from the book's checks run at "
        f"{len(values):,} rates from {span}. Lines: the official rates of the time, with the dates "
        "between which each was valid; a triangle marks each stretch where a finding is consistent."
    )
    return plots.bands(
        values, rows, name, xlabel=f"{unit} per US dollar", marks=marks, alt=alt, caption=caption, notes=notes
    )


def parameter_words(name: str) -> str:
    """A reader's parameter as a reader says it: "the yuan rate (yuan per US
    dollar)", "the ratio beyond which a gap is a gross inconsistency"; never
    its name in the code, which a chart or its caption must not show."""
    if name.endswith("_per_usd"):
        currency = name.removesuffix("_per_usd")
        return f"the {currency.removesuffix('s')} rate ({currency} per US dollar)"
    return "the " + params.SPECS[name].doc.split(" (")[0]


def axis_label(name: str) -> str:
    """A parameter's axis label: its unit for a rate ("yuan per US dollar"), else what it is."""
    if name.endswith("_per_usd"):
        return f"{name.removesuffix('_per_usd')} per US dollar"
    return params.SPECS[name].doc.split(" (")[0]


def axis_words(axis: sweep.Axis) -> str:
    """A swept parameter and its grid in words: "the yuan rate (yuan per US dollar) from 1.5 to 3 (61 points)"."""
    values = axis.values
    return (
        f"{parameter_words(axis.name)} from {sweep.grid_value_text(values[0])} to "
        f"{sweep.grid_value_text(values[-1])} ({len(values):,} points)"
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
            f"it is consistent (exactly or within rounding) only where {parameter_words(x.name)} is "
            f"{', '.join(sweep.grid_value_text(v) for v in columns)}, whatever {parameter_words(y.name)}"
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
                f"{v} for {parameter_words(y.name)} {sweep.grid_value_text(lo)}"
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
        f"Heat map of the verdict of the finding “{result.titles[check]}” over {axis_words(x)} (across) and "
        f"{axis_words(y)} (up): "
        + ", ".join(f"{v} in {counts[v]:,} cells" for v in plots.verdict_order(counts.index))
        + f"; {summary}. Vertical lines mark "
        "the official rates: " + "; ".join(rates["label"]) + "."
    )
    meaning = {a.name: params.SPECS[a.name].doc.split(" (")[0] for a in (x, y)}
    caption = (
        f"The verdict of “{result.titles[check]}” over two assumptions at once: {meaning[x.name]} "
        f"(across) and {meaning[y.name]} (up); "
        f"{len(x.values) * len(y.values):,} grid points. Lines: the official rates of the time."
    )
    return plots.verdict_map(
        list(x.values),
        list(y.values),
        grid.to_numpy().tolist(),
        name,
        xlabel=axis_label(x.name),
        ylabel=axis_label(y.name),
        marks=[(r.rate, f"official rate {r.label}") for r in rates.itertuples()],
        alt=alt,
        caption=caption,
    )
