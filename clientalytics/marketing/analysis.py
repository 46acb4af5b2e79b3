"""Marketing economics of one company held in a validated ClientBase.

:func:`analyse_marketing` runs the metrics table (in total and by channel,
period and segment), client profitability, loss-making clients and client
investment return on a :class:`~clientalytics.clientbase.ClientBase`. The base
is validated when it is built, so its tables are not checked again here, and
the marketing spend is allocated to clients once and shared by every table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pandas as pd

from clientalytics.marketing._checks import client_ids
from clientalytics.marketing.allocation import Attribution, _allocate, client_segments
from clientalytics.marketing.cost_to_serve import _cost_to_serve
from clientalytics.marketing.investment import _investment_return
from clientalytics.marketing.metrics import _company_metrics
from clientalytics.marketing.profitability import (
    ClientProfitability,
    _client_profitability,
    loss_making_clients,
)
from clientalytics.periods import TIME_UNITS, TimeUnit, check_time_unit

if TYPE_CHECKING:
    from clientalytics.clientbase import ClientBase

__all__ = [
    "DEFAULT_REQUEST_COSTS",
    "DEFAULT_TOUCHPOINT_COSTS",
    "MarketingAnalysis",
    "analyse_marketing",
]

#: Illustrative cost of one contact per channel, in roubles, from a manager's time at
#: about 1,100 RUB an hour (a meeting: one to two hours plus travel; an event: per client
#: attending); set your own from staff time and rates.
DEFAULT_TOUCHPOINT_COSTS: dict[str, float] = {
    "phone": 150.0,
    "email": 100.0,
    "meeting": 6000.0,
    "messenger": 50.0,
    "web": 30.0,
    "event": 15000.0,
}
#: Illustrative cost of handling one request per type, in roubles; set your own.
DEFAULT_REQUEST_COSTS: dict[str, float] = {
    "commercial": 1500.0,
    "service": 500.0,
    "complaint": 3000.0,
}


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
    time_unit: TimeUnit = "Q",
    acquired_on: Literal["first_contact_date", "first_purchase"] = "first_contact_date",
    acquisition_lifetime: float | None = None,
    attribution: Attribution = "until_next_spend",
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
    time_unit : {"D", "W", "M", "Q", "Y"}, default "Q"
        Period of the ``by_period`` breakdown (allocation, profitability and
        payback use monthly periods).
    acquired_on : {"first_contact_date", "first_purchase"}
        When a client counts as acquired.
    acquisition_lifetime : float, optional
        Months over which acquisition spend is amortised (default: the median
        observed lifetime; see :func:`client_profitability`).
    attribution : {"until_next_spend", "period"}, default "until_next_spend"
        Which clients share a channel's acquisition spend (see
        :func:`allocate_marketing_spend`).

    Returns
    -------
    MarketingAnalysis
        Tables of metrics, profitability, loss-making clients and investment return,
        equal to those of :func:`marketing_metrics`, :func:`client_profitability`,
        :func:`loss_making_clients` and :func:`client_investment_return` run on the
        base's tables.
    """
    time_unit = check_time_unit(time_unit, TIME_UNITS)
    spend, clients = base.marketing_spend, base.clients
    txn = base.transactions.assign(client_id=client_ids(base.transactions["client_id"]))
    ids = client_ids(clients["client_id"])
    labels = client_segments(segments, clients)
    allocation = _allocate(
        spend,
        clients,
        txn,
        labels=labels,
        time_unit="M",
        acquired_on=acquired_on,
        attribution=attribution,
    )
    service = _cost_to_serve(
        base.touchpoints,
        base.requests,
        touchpoint_costs=touchpoint_costs,
        cost_per_minute=cost_per_minute,
        request_costs=request_costs,
        clients=ids,
    )
    profit = _client_profitability(
        txn,
        ids,
        service,
        allocation,
        labels=labels,
        time_unit="M",
        acquisition_lifetime=acquisition_lifetime,
    )
    return MarketingAnalysis(
        metrics=_company_metrics(txn, spend, by=None),
        by_channel=_company_metrics(txn, spend, by="channel", clients=clients),
        by_period=_company_metrics(txn, spend, by="period", time_unit=time_unit),
        by_segment=(
            None
            if labels is None
            else _company_metrics(txn, spend, by=labels, name="segment", allocation=allocation)
        ),
        profitability=profit,
        loss_making=loss_making_clients(profit),
        investment=_investment_return(
            profit, txn, clients, clv=clv, time_unit="M", acquired_on=acquired_on
        ),
    )
