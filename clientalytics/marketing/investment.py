"""Investment in each client against the return on it: client ROI and payback period.

Client-oriented marketing treats the money spent to win and keep a client as an
investment in the firm's main asset. This module sets, for every client, the
acquisition and retention investment to date against the margin it has earned
to date and, when given, its expected future margin (CLV).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from clientalytics.marketing._checks import client_ids, require_dates
from clientalytics.marketing.allocation import _acquisition_dates
from clientalytics.marketing.metrics import ratio
from clientalytics.marketing.profitability import ClientProfitability
from clientalytics.periods import TIME_UNITS, TimeUnit, check_time_unit

__all__ = ["client_investment_return"]


def client_investment_return(
    profitability: ClientProfitability,
    transactions: pd.DataFrame,
    clients: pd.DataFrame,
    *,
    clv: pd.Series | None = None,
    time_unit: TimeUnit = "M",
    acquired_on: Literal["first_contact_date", "first_purchase"] = "first_contact_date",
) -> pd.DataFrame:
    """Investment in each client vs its margin to date and its CLV.

    Parameters
    ----------
    profitability : ClientProfitability
        Result of :func:`client_profitability` on the same tables.
    transactions : DataFrame
        Columns ``client_id``, ``date``, ``revenue``, ``variable_cost``.
    clients : DataFrame
        Columns ``client_id``, ``first_contact_date``.
    clv : Series, optional
        Expected future margin of each client (client_id -> value), e.g. from a
        CLV model; clients missing from it count 0.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "M"
        Period used to count the payback period.
    acquired_on : {"first_contact_date", "first_purchase"}
        When a client counts as acquired (start of the payback clock).

    Returns
    -------
    DataFrame
        Indexed by ``client_id``, columns:

        - ``acquisition_investment``: acquisition spend allocated to the client;
        - ``retention_investment``: retention + development spend + cost to serve;
        - ``investment``: their sum;
        - ``margin_to_date``: revenue − variable cost so far;
        - ``net_return``: margin to date − investment;
        - ``client_roi``: net return / investment (Best's ROI form, NMC / M&S);
          NaN when nothing was invested (undefined);
        - ``payback_periods``: periods (``time_unit``) from the acquisition period
          to the period in which cumulative margin first covers the acquisition
          investment; 0 when covered in the acquisition period or nothing was
          spent; <NA> while not yet covered (nullable integer);
        - ``paid_back``: whether the acquisition investment is covered;
        - ``clv``, ``lifetime_roi`` (``(margin to date + CLV − investment) /
          investment``): only when ``clv`` is given.
    """
    time_unit = check_time_unit(time_unit, TIME_UNITS)
    txn = require_dates(transactions, "transactions", ["date"])
    txn = txn.assign(client_id=client_ids(txn["client_id"]))
    clients = require_dates(clients, "clients", ["first_contact_date"])
    return _investment_return(
        profitability, txn, clients, clv=clv, time_unit=time_unit, acquired_on=acquired_on
    )


def _investment_return(
    profitability: ClientProfitability,
    txn: pd.DataFrame,
    clients: pd.DataFrame,
    *,
    clv: pd.Series | None,
    time_unit: TimeUnit,
    acquired_on: str,
) -> pd.DataFrame:
    """Investment table from checked tables (dates parsed, client ids as strings)."""
    table = profitability.table
    out = pd.DataFrame(index=table.index.copy())
    out["acquisition_investment"] = table["acquisition_allocated"]
    out["retention_investment"] = (
        table["retention_spend"] + table["development_spend"] + table["cost_to_serve"]
    )
    out["investment"] = out["acquisition_investment"] + out["retention_investment"]
    out["margin_to_date"] = table["gross_margin"]
    out["net_return"] = out["margin_to_date"] - out["investment"]
    inv = out["investment"]
    out["client_roi"] = ratio(out["net_return"], inv)

    first_purchase = txn.groupby("client_id")["date"].min()
    acq_period = _acquisition_dates(clients, first_purchase, acquired_on).dt.to_period(time_unit)
    txn = txn.assign(
        period=txn["date"].dt.to_period(time_unit),
        margin=txn["revenue"].astype("float64") - txn["variable_cost"].astype("float64"),
    )
    monthly = txn.groupby(["client_id", "period"])["margin"].sum().reset_index()
    monthly = monthly.sort_values(["client_id", "period"], kind="stable")
    monthly["cum_margin"] = monthly.groupby("client_id")["margin"].cumsum()
    monthly["acq_cost"] = out["acquisition_investment"].reindex(monthly["client_id"]).to_numpy()
    covered = monthly.loc[monthly["cum_margin"] >= monthly["acq_cost"] - 1e-9]
    first_cover = covered.groupby("client_id")["period"].min()
    payback = pd.Series(pd.NA, index=out.index, dtype="Int64")
    start = acq_period.reindex(first_cover.index)
    ok = start.notna()
    if ok.any():
        cover_ord = np.array([p.ordinal for p in first_cover[ok]], dtype="int64")
        start_ord = np.array([p.ordinal for p in start[ok]], dtype="int64")
        payback.loc[first_cover.index[ok]] = np.maximum(cover_ord - start_ord, 0)
    payback[out["acquisition_investment"] <= 0] = 0
    out["payback_periods"] = payback
    out["paid_back"] = payback.notna().to_numpy()
    if clv is not None:
        values = clv.copy()
        values.index = client_ids(pd.Series(values.index)).to_numpy()
        out["clv"] = values.reindex(out.index).fillna(0.0).astype("float64").to_numpy()
        out["lifetime_roi"] = ratio(out["margin_to_date"] + out["clv"] - inv, inv)
    return out
