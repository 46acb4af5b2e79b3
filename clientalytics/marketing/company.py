"""Convenience layer: marketing economics of one company held in a ClientBase.

:func:`analyse_marketing` runs the metrics table, client profitability and
client investment return on a :class:`~clientalytics.clientbase.ClientBase`;
:func:`market_model_from_history` builds the strategy simulator's model and
baseline plan from the company's spend and outcome history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.marketing._checks import client_ids, require_dates
from clientalytics.marketing.allocation import client_segments
from clientalytics.marketing.calibration import PROSPECTS, ResponseCurveFitter, response_history
from clientalytics.marketing.company_metrics import marketing_metrics
from clientalytics.marketing.investment import client_investment_return
from clientalytics.marketing.profitability import (
    ClientProfitability,
    client_profitability,
    loss_making_clients,
)
from clientalytics.marketing.response import ResponseCurve
from clientalytics.marketing.simulator import ClientGroup, MarketModel, make_plan

if TYPE_CHECKING:
    from clientalytics.clientbase import ClientBase

__all__ = [
    "DEFAULT_REQUEST_COSTS",
    "DEFAULT_TOUCHPOINT_COSTS",
    "CalibratedMarket",
    "MarketingAnalysis",
    "analyse_marketing",
    "market_model_from_history",
    "value_groups",
]

#: Illustrative cost of one contact per channel; set your own from staff time and rates.
DEFAULT_TOUCHPOINT_COSTS: dict[str, float] = {
    "phone": 6.0,
    "email": 1.5,
    "meeting": 80.0,
    "messenger": 1.0,
    "web": 0.5,
    "event": 40.0,
}
#: Illustrative cost of handling one request per type; set your own.
DEFAULT_REQUEST_COSTS: dict[str, float] = {"commercial": 25.0, "service": 12.0, "complaint": 45.0}


def value_groups(
    transactions: pd.DataFrame,
    *,
    margin_share: float = 0.8,
    labels: tuple[str, str] = ("valuable", "low_value"),
) -> pd.Series:
    """Split buying clients into valuable and low-value by their share of total margin.

    Clients are ranked by margin (revenue − variable cost); the smallest set of
    top clients that together earn ``margin_share`` of the positive margin is
    "valuable" (the A of an ABC analysis), the rest "low_value".

    Parameters
    ----------
    transactions : DataFrame
        Columns ``client_id``, ``revenue``, ``variable_cost``.
    margin_share : float, default 0.8
        Share of the total margin the valuable clients earn, in (0, 1].
    labels : tuple of str
        Names of the two groups.

    Returns
    -------
    Series
        client_id -> group label, named ``"value_group"``.
    """
    if not 0 < margin_share <= 1:
        raise ValidationError(f"margin_share must lie in (0, 1], got {margin_share}")
    margin = (
        (
            transactions["revenue"].astype("float64")
            - transactions["variable_cost"].astype("float64")
        )
        .groupby(client_ids(transactions["client_id"]).to_numpy())
        .sum()
        .sort_values(ascending=False, kind="stable")
    )
    positive = margin.clip(lower=0.0)
    total = float(positive.sum())
    before = positive.cumsum() - positive
    valuable = (before < margin_share * total) & (positive > 0) if total > 0 else positive > 0
    out = pd.Series(
        np.where(valuable, labels[0], labels[1]), index=margin.index, name="value_group"
    )
    out.index.name = "client_id"
    return out


@dataclass(frozen=True)
class MarketingAnalysis:
    """Result of :func:`analyse_marketing`.

    Attributes
    ----------
    metrics : DataFrame
        Company totals (see :func:`marketing_metrics`).
    by_channel, by_period : DataFrame
        Breakdowns by acquisition channel and by period.
    by_segment : DataFrame or None
        Breakdown by the client segments given (None without segments).
    profitability : ClientProfitability
        Per-client profitability and the spend allocation.
    loss_making : DataFrame
        Loss-making clients, largest loss first.
    investment : DataFrame
        Per-client investment and return (see :func:`client_investment_return`).
    """

    metrics: pd.DataFrame
    by_channel: pd.DataFrame
    by_period: pd.DataFrame
    by_segment: pd.DataFrame | None
    profitability: ClientProfitability
    loss_making: pd.DataFrame
    investment: pd.DataFrame


def analyse_marketing(
    base: ClientBase,
    *,
    segments: pd.Series | str | None = None,
    clv: pd.Series | None = None,
    touchpoint_costs: float | Mapping[str, float] = DEFAULT_TOUCHPOINT_COSTS,
    cost_per_minute: float = 0.0,
    request_costs: float | Mapping[str, float] = DEFAULT_REQUEST_COSTS,
    period_freq: str = "Q",
    acquired_on: Literal["first_contact_date", "first_purchase"] = "first_contact_date",
) -> MarketingAnalysis:
    """Run the marketing metrics and client economics on a ClientBase.

    Parameters
    ----------
    base : ClientBase
        The company's validated tables.
    segments : Series or str, optional
        Client segment (client_id -> label or a clients column), e.g. RFM segments.
    clv : Series, optional
        Expected future margin per client, for the investment table.
    touchpoint_costs, cost_per_minute, request_costs
        Unit costs of serving clients (see :func:`cost_to_serve`); the defaults
        are illustrative.
    period_freq : str, default "Q"
        Period of the ``by_period`` breakdown (allocation uses monthly periods).
    acquired_on : {"first_contact_date", "first_purchase"}
        When a client counts as acquired.

    Returns
    -------
    MarketingAnalysis
        Tables of metrics, profitability, loss-making clients and investment return.
    """
    txn, spend, clients = base.transactions, base.marketing_spend, base.clients
    profit = client_profitability(
        txn,
        clients=clients,
        marketing_spend=spend,
        touchpoints=base.touchpoints,
        requests=base.requests,
        touchpoint_costs=touchpoint_costs,
        cost_per_minute=cost_per_minute,
        request_costs=request_costs,
        segments=segments,
        period_freq="M",
        acquired_on=acquired_on,
    )
    return MarketingAnalysis(
        metrics=marketing_metrics(txn, spend),
        by_channel=marketing_metrics(txn, spend, by="channel", clients=clients),
        by_period=marketing_metrics(txn, spend, by="period", period_freq=period_freq),
        by_segment=(
            None
            if segments is None
            else marketing_metrics(
                txn,
                spend,
                by="segment",
                clients=clients,
                segments=segments,
                acquired_on=acquired_on,
            )
        ),
        profitability=profit,
        loss_making=loss_making_clients(profit),
        investment=client_investment_return(
            profit, txn, clients, clv=clv, period_freq="M", acquired_on=acquired_on
        ),
    )


@dataclass(frozen=True)
class CalibratedMarket:
    """Result of :func:`market_model_from_history`.

    Attributes
    ----------
    model : MarketModel
        Client groups (``"prospects"`` plus the client groups given) with their
        curves, sizes and per-period margins.
    baseline : DataFrame
        The company's average per-period budgets over the last periods (a plan).
    calibration : DataFrame
        One row per (group, purpose): ``ceiling``, ``k``, ``floor``, ``r2``,
        ``rmse``, ``n_points`` (NaN for curves given by the analyst) and
        ``source`` (``"fitted"`` or ``"given"``).
    history : DataFrame
        The (spend per head, rate) points used (see :func:`response_history`).
    """

    model: MarketModel
    baseline: pd.DataFrame
    calibration: pd.DataFrame
    history: pd.DataFrame


def market_model_from_history(
    transactions: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    clients: pd.DataFrame,
    *,
    groups: pd.Series | str,
    period_freq: str = "Q",
    horizon: int = 8,
    discount_rate: float = 0.02,
    curves: Mapping[tuple[str, str], ResponseCurve] | None = None,
    fit_floor: bool = True,
    recent_periods: int = 4,
    acquired_on: Literal["first_contact_date", "first_purchase"] = "first_contact_date",
) -> CalibratedMarket:
    """Build the strategy simulator's model and baseline plan from the company's history.

    Parameters
    ----------
    transactions, marketing_spend, clients : DataFrame
        The company's tables.
    groups : Series or str
        Client group of each client (e.g. "valuable" / "low_value"), as a
        client_id -> label Series or a clients column.
    period_freq : str, default "Q"
        Period of the model (one simulated period = one such period).
    horizon : int, default 8
        Periods to simulate.
    discount_rate : float, default 0.02
        Discount rate per period.
    curves : mapping, optional
        Curves the analyst gives, keyed ``(group, "acquisition"|"retention")``;
        they replace the fit for that key. Use them where history is too short.
    fit_floor : bool, default True
        Fit a retention floor (the rate reached without spending); acquisition
        curves never have one.
    recent_periods : int, default 4
        Periods at the end of the history used for sizes, margins and the baseline.
    acquired_on : {"first_contact_date", "first_purchase"}
        When a client counts as acquired.

    Returns
    -------
    CalibratedMarket
        Model, baseline plan, calibration report and history points.

    Raises
    ------
    ValidationError
        When a curve has too few points and no curve is given for it.
    """
    given = dict(curves or {})
    labels = client_segments(groups, clients)
    assert labels is not None
    history = response_history(
        transactions,
        marketing_spend,
        clients,
        groups=labels,
        period_freq=period_freq,
        acquired_on=acquired_on,
    )
    report: list[dict[str, object]] = []

    def curve_for(group: str, purpose: str, floor: bool) -> ResponseCurve:
        if (group, purpose) in given:
            c = given[(group, purpose)]
            report.append(
                {"group": group, "purpose": purpose, "ceiling": c.ceiling, "k": c.k,
                 "floor": c.floor, "r2": np.nan, "rmse": np.nan, "n_points": np.nan,
                 "source": "given"}
            )  # fmt: skip
            return c
        pts = history.loc[(history["group"] == group) & (history["purpose"] == purpose)]
        try:
            fitter = ResponseCurveFitter(fit_floor=floor).fit(pts["spend_per_head"], pts["rate"])
        except ValidationError as err:
            raise ValidationError(
                f"cannot calibrate the {purpose} curve of group {group!r}: {err}; pass "
                f"curves={{({group!r}, {purpose!r}): ResponseCurve(...)}}"
            ) from err
        report.append({"group": group, "purpose": purpose, **fitter.fit_report, "source": "fitted"})
        return fitter.curve_

    txn = require_dates(transactions, "transactions", ["date"])
    txn = txn.assign(
        client_id=client_ids(txn["client_id"]),
        period=txn["date"].dt.to_period(period_freq),
        margin=txn["revenue"].astype("float64") - txn["variable_cost"].astype("float64"),
    )
    last = txn["period"].max()
    recent = txn.loc[txn["period"] > last - recent_periods]
    recent = recent.assign(
        group=labels.reindex(recent["client_id"]).fillna("unassigned").to_numpy()
    )
    hist_recent = history.loc[history["period"].isin({str(p) for p in recent["period"].unique()})]

    def per_client(frame: pd.DataFrame) -> tuple[float, float, float]:
        client_periods = frame.groupby("period")["client_id"].nunique()
        n = float(client_periods.sum())
        if n == 0:
            return 0.0, 0.0, 0.0
        return (
            float(frame.loc[frame["period"] == last, "client_id"].nunique()),
            float(frame["margin"].sum()) / n,
            float(frame["revenue"].astype("float64").sum()) / n,
        )

    out_groups: list[ClientGroup] = []
    budgets: dict[str, dict[str, float]] = {}
    # new clients: those whose first purchase falls in the recent periods
    first = txn.groupby("client_id")["period"].min()
    new_ids = set(first.index[first > last - recent_periods])
    _, new_margin, new_revenue = per_client(recent.loc[recent["client_id"].isin(new_ids)])
    acq_points = history.loc[history["purpose"] == "acquisition"]
    if acq_points.empty and (PROSPECTS, "acquisition") not in given:
        raise ValidationError(
            "no acquisition history (no prospects with a first contact before a period "
            "start); pass curves={('prospects', 'acquisition'): ResponseCurve(...)}"
        )
    pool = float(acq_points["base"].iloc[-1]) if not acq_points.empty else 0.0
    group_names = sorted(str(g) for g in set(labels.dropna()))
    pooled_ret = ResponseCurveFitter(fit_floor=fit_floor)
    ret_all = history.loc[history["purpose"] == "retention"]
    new_retention = given.get((PROSPECTS, "retention"))
    if new_retention is None and len(ret_all) >= (5 if fit_floor else 4):
        new_retention = pooled_ret.fit(ret_all["spend_per_head"], ret_all["rate"]).curve_
    out_groups.append(
        ClientGroup(
            PROSPECTS,
            clients=0.0,
            margin=new_margin,
            revenue=new_revenue,
            prospects=pool,
            acquisition=curve_for(PROSPECTS, "acquisition", False),
            retention=new_retention,
        )
    )
    acq_recent = hist_recent.loc[hist_recent["purpose"] == "acquisition", "spend"]
    budgets[PROSPECTS] = {
        "acquisition_budget": float(acq_recent.mean()) if len(acq_recent) else 0.0
    }
    for g in group_names:
        n_clients, margin, revenue = per_client(recent.loc[recent["group"] == g])
        out_groups.append(
            ClientGroup(
                g,
                clients=n_clients,
                margin=margin,
                revenue=revenue,
                retention=curve_for(g, "retention", fit_floor),
            )
        )
        spent = hist_recent.loc[
            (hist_recent["purpose"] == "retention") & (hist_recent["group"] == g), "spend"
        ]
        budgets[g] = {"retention_budget": float(spent.mean()) if len(spent) else 0.0}
    model = MarketModel(out_groups, horizon=horizon, discount_rate=discount_rate)
    calibration = pd.DataFrame(report).set_index(["group", "purpose"])
    return CalibratedMarket(
        model=model, baseline=make_plan(model, budgets), calibration=calibration, history=history
    )
