"""Vital statistics of a generated company: the numbers a logistics analyst checks first.

:func:`vital_statistics` summarises a :class:`~clientalytics.clientbase.ClientBase`
into one table (revenue scale, order values by line, frequency, empty run, churn of
contract and spot clients, lifetime, receivables, seasonality, working days), so
the synthetic sample can be compared with published ranges for Russian carriers
(``docs/datasets.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.datasets._calendar import working_day_mask

#: Lines whose empty run is measured per trip (LTL carries an allocated share).
TRIP_LINES = ("FTL", "reefer", "express")
#: Days without an order after which a client counts as churned for the lifetime.
CHURN_GAP_DAYS = 180


def _full_years(tx: pd.DataFrame, end: pd.Timestamp) -> list[int]:
    start = tx["date"].min()
    return [
        y
        for y in range(start.year, end.year)
        if pd.Timestamp(y, 1, 1) >= start.normalize().replace(day=1, month=1)
        and pd.Timestamp(y + 1, 1, 1) <= end
    ]


def annual_churn(base: ClientBase) -> pd.DataFrame:
    """Share of a year's buyers with no order in the next calendar year.

    A buyer counts as contracted when a contract of theirs is in force on the
    year's last day, else as spot. Returns one row per year with both rates and
    the group sizes (the last year of the window has no next year and is left out).
    """
    tx = base.transactions[base.transactions["revenue"] > 0]
    years = sorted(tx["date"].dt.year.unique())
    c = base.contracts.dropna(subset=["start_date"])
    rows = []
    for year in years[:-1]:
        last = pd.Timestamp(year, 12, 31)
        buyers = set(tx.loc[tx["date"].dt.year == year, "client_id"])
        again = set(tx.loc[tx["date"].dt.year == year + 1, "client_id"])
        in_force = set(c.loc[(c["start_date"] <= last) & (c["expiry_date"] > last), "client_id"])
        contracted = buyers & in_force
        spot = buyers - in_force
        rows.append(
            {
                "year": year,
                "contracted": len(contracted),
                "churn_contracted": 1 - len(contracted & again) / max(len(contracted), 1),
                "spot": len(spot),
                "churn_spot": 1 - len(spot & again) / max(len(spot), 1),
            }
        )
    return pd.DataFrame(rows)


def median_lifetime_months(base: ClientBase) -> float:
    """Kaplan-Meier median months from first to last order.

    A client whose last order is more than 180 days before the observation end
    has churned at its last order; the others are censored at the end.
    """
    tx = base.transactions[base.transactions["revenue"] > 0]
    end = base.observation_end
    span = tx.groupby("client_id")["date"].agg(["min", "max"])
    churned = (end - span["max"]).dt.days > CHURN_GAP_DAYS
    duration = np.where(churned, (span["max"] - span["min"]).dt.days, (end - span["min"]).dt.days)
    order = np.argsort(duration, kind="stable")
    d, e = duration[order], churned.to_numpy()[order]
    at_risk = len(d) - np.arange(len(d))
    surv = np.cumprod(np.where(e, 1 - 1 / at_risk, 1.0))
    below = np.flatnonzero(surv <= 0.5)
    return float(d[below[0]] / 30.44) if len(below) else float("inf")


def vital_statistics(base: ClientBase) -> pd.DataFrame:
    """Table of the company's vital statistics.

    Parameters
    ----------
    base : ClientBase
        A company with ``transactions``, ``contracts`` and ``invoices``.

    Returns
    -------
    pandas.DataFrame
        Columns ``statistic`` (name), ``value`` (float) and ``unit``. Yearly
        figures are means over the full calendar years of the window.
    """
    tx = base.transactions
    end = base.observation_end
    orders = tx[tx["revenue"] > 0]
    years = orders["date"].dt.year
    n_years = years.nunique()
    out: list[tuple[str, float, str]] = []
    out.append(("annual revenue (net of VAT)", tx["revenue"].sum() / n_years / 1e9, "bn RUB"))
    yearly = tx.groupby(tx["date"].dt.year)["revenue"].sum() / 1e9
    for year, value in yearly.items():
        out.append((f"revenue {year}", float(value), "bn RUB"))
    out.append(("clients", float(len(base.clients)), "count"))
    out.append(("buyers", float(orders["client_id"].nunique()), "count"))
    for line, value in orders.groupby("service")["revenue"].mean().items():
        out.append((f"mean order {line}", float(value), "RUB"))
    transport = orders[orders["distance_km"].notna()]
    active = orders.groupby(years)["client_id"].nunique()
    per_client = transport.groupby(transport["date"].dt.year).size() / active
    out.append(("shipments per active client per year", float(per_client.mean()), "count"))
    share = orders.groupby("service")["revenue"].sum() / orders["revenue"].sum()
    for line, value in share.items():
        out.append((f"revenue share {line}", float(value), "share"))
    trips = transport[transport["service"].isin(TRIP_LINES)]
    out.append(
        (
            "empty run / loaded km (trips)",
            trips["empty_run_km"].sum() / trips["distance_km"].sum(),
            "share",
        )
    )
    out.append(("mean trip distance", float(trips["distance_km"].mean()), "km"))
    churn = annual_churn(base)
    out.append(
        ("annual churn, contracted buyers", float(churn["churn_contracted"].mean()), "share")
    )
    out.append(("annual churn, spot buyers", float(churn["churn_spot"].mean()), "share"))
    buyers = set(orders["client_id"])
    signed = set(base.contracts.dropna(subset=["start_date"])["client_id"])
    out.append(("buyers with a framework contract", len(buyers & signed) / len(buyers), "share"))
    out.append(
        (
            "revenue under contract",
            orders.loc[orders["contract_id"].notna(), "revenue"].sum() / orders["revenue"].sum(),
            "share",
        )
    )
    out.append(("median client lifetime (Kaplan-Meier)", median_lifetime_months(base), "months"))
    inv = base.invoices
    paid = inv.dropna(subset=["paid_date"])
    open_ = inv[inv["paid_date"].isna()]
    receivable = (open_["amount"] - open_["paid_amount"].fillna(0.0)).sum()
    last_year = inv[inv["issued_date"] >= end - pd.Timedelta(days=365)]["amount"].sum()
    out.append(
        ("DSO at the end (receivables / billing x 365)", receivable / last_year * 365.0, "days")
    )
    overdue = open_[open_["due_date"] < end]
    out.append(
        (
            "overdue share of receivables",
            (overdue["amount"] - overdue["paid_amount"].fillna(0.0)).sum() / receivable,
            "share",
        )
    )
    out.append(
        ("invoices paid late", float((paid["paid_date"] > paid["due_date"]).mean()), "share")
    )
    # Seasonality over the years after the first (the first one holds the ramp-up).
    later = orders[years > years.min()]
    monthly = later.groupby(later["date"].dt.to_period("M")).size()
    ratio = monthly / monthly.groupby(monthly.index.year).transform("mean")
    by_month = ratio.groupby(ratio.index.month).mean()
    out.append(
        (
            "lowest month / mean month (orders)",
            float(by_month.min()),
            f"month {int(by_month.idxmin())}",
        )
    )
    out.append(
        (
            "highest month / mean month (orders)",
            float(by_month.max()),
            f"month {int(by_month.idxmax())}",
        )
    )
    start = pd.Timestamp(orders["date"].min().year, 1, 1)
    mask = working_day_mask(start, int((end - start).days))
    day = (orders["date"] - start).dt.days.to_numpy()
    out.append(("orders on working days", float(mask[day].mean()), "share"))
    out.append(
        ("orders on Mondays-Fridays", float((orders["date"].dt.day_of_week < 5).mean()), "share")
    )
    return pd.DataFrame(out, columns=["statistic", "value", "unit"])
