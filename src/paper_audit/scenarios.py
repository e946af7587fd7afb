"""The paper's currency conversions under other rates: the paper's own stated
rate, the rate each conversion implies, and the independent official rates.

The conversions are read from data/checks.csv (every amount-and-dollar pair a
check relates), so adding a check adds its conversion here too.
"""

from __future__ import annotations

import pandas as pd

from . import checks, claims as claims_mod, reference

def conversion_pairs(table: pd.DataFrame) -> list[tuple[str, str]]:
    """Every (amount in a currency, amount in dollars) pair that a check relates, once each."""
    pairs: list[tuple[str, str]] = []
    rows = checks.load_checks(claims=table)
    # "4 rubles equaled to USD 1" is the rate itself, not a conversion of an amount.
    rate_claims = {i for row in rows if row["kind"] == "conversion" for i in row["inputs"].split()[2:]}
    for row in rows:
        ids = row["inputs"].split()
        if row["kind"] in ("conversion", "reference_rate"):
            candidates = [(ids[0], ids[1])]
        elif row["kind"] == "same_rate":
            candidates = list(zip(ids[::2], ids[1::2]))
        else:
            continue
        for amount, usd in candidates:
            if amount in rate_claims or (amount, usd) in pairs:
                continue
            if table.loc[usd, "unit"] == "USD" and table.loc[amount, "unit"] != "USD":
                pairs.append((amount, usd))
    return pairs


def _ends(ctx: checks.Context, pairs: list[tuple[str, str]]):
    """Each pair once, or a range's pair twice: at its low and at its high end."""
    for amount, usd in pairs:
        if ctx.is_range(amount) or ctx.is_range(usd):
            yield amount, usd, " (low end)", ctx.at_end("low")
            yield amount, usd, " (high end)", ctx.at_end("high")
        else:
            yield amount, usd, "", ctx


def table(claims: pd.DataFrame | None = None, stated_rates: dict[str, float] | None = None) -> pd.DataFrame:
    """One row per conversion: amount, stated dollars, implied rate, and dollars at each rate.

    ``stated_rates`` maps a currency to the rate the paper states for it
    (footnote 21 gives only rubles).
    """
    claims = claims if claims is not None else claims_mod.load_claims()
    ctx = checks.Context(claims)
    rates = reference.load()["exchange-rates"]
    rows = []
    for amount, usd, end, at in _ends(ctx, conversion_pairs(claims)):
        currency = claims.loc[amount, "unit"]
        value, dollars = claims_mod.absolute(at.claim(amount)), claims_mod.absolute(at.claim(usd))
        implied = at.implied_rate(amount, usd)
        row = {
            "conversion": claims.loc[amount, "measure"] + end, "amount_claim": amount, "usd_claim": usd,
            "currency": currency, "amount": value, "stated_usd": dollars, "page": int(claims.loc[amount, "page"]),
            "implied_rate": implied.point, "implied_low": implied.low, "implied_high": implied.high,
        }
        if stated_rates and currency in stated_rates:
            row["usd_at_stated_rate"] = value / stated_rates[currency]
        for rate in rates[rates["currency"] == currency].itertuples():
            row[f"usd_at_{rate.id}"] = value / float(rate.units_per_usd)
        rows.append(row)
    return pd.DataFrame(rows)


def reconcile(frame: pd.DataFrame) -> pd.DataFrame:
    """For each currency: can one rate reproduce every conversion within rounding, and which?"""
    out = []
    for currency, group in frame.groupby("currency", sort=False):
        low, high = group["implied_low"].max(), group["implied_high"].min()
        out.append({
            "currency": currency, "conversions": len(group),
            "lowest_implied": group["implied_rate"].min(), "highest_implied": group["implied_rate"].max(),
            "one_rate_fits": bool(low <= high),
            "fitting_rates": f"{low:.4g} to {high:.4g}" if low <= high else "none",
        })
    return pd.DataFrame(out)
