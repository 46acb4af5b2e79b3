"""Lifecycle stage of every client: onboarding, steady, at risk, lost (or prospect).

A client goes through an *onboarding* stage while it learns the firm's service
and raises objections, then a steady stage of "small changes" in which the
manager follows the client's business; it may then drift to *at risk* and
*lost*. The rules, applied in this order at the observation end:

1. ``prospect``: in the clients table but no order yet (only with ``clients``);
2. ``lost``: no order for more than ``lost_days``;
3. ``onboarding``: first order less than ``onboarding_days`` ago;
4. ``at_risk``: the time since the last order exceeds ``at_risk_factor`` times
   the client's usual gap between orders (its mean inter-order gap; for a client
   with a single order, ``single_order_gap_days`` stands in for it);
5. ``steady``: every other client.

The stages refine the library's one status of a client
(:mod:`clientalytics.status`) and, with the default ``lost_days``, agree with it:
``lost`` is exactly the status ``lost`` (no order in the
:data:`~clientalytics.status.ACTIVE_DAYS` days up to the observation end) and
``prospect`` the status ``prospect``; onboarding, steady and at-risk clients are
the new and active ones. The output carries that ``status`` and the
``retainable`` flag of :func:`clientalytics.status.client_states` alongside the
stage. ``at_risk`` is a per-client warning (the usual gap overrun), not a status;
an at-risk client is still retainable while its silence is at most
:data:`~clientalytics.status.RETAINABLE_DAYS` days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from clientalytics.engine import collect, to_lazy
from clientalytics.exceptions import ValidationError
from clientalytics.status import ACTIVE_DAYS, client_states
from clientalytics.summary import summarize

#: Stage names, in lifecycle order.
STAGES: tuple[str, ...] = ("prospect", "onboarding", "steady", "at_risk", "lost")


def lifecycle_stages(
    transactions: Any,
    *,
    observation_end: pd.Timestamp | str | dt.date | None = None,
    clients: pd.DataFrame | None = None,
    onboarding_days: int = 90,
    at_risk_factor: float = 2.0,
    single_order_gap_days: float = 90.0,
    lost_days: int = ACTIVE_DAYS - 1,
) -> pd.DataFrame:
    """Assign each client a lifecycle stage by the documented rules.

    Parameters
    ----------
    transactions : DataFrame-like
        Orders (``client_id``, ``date``, ``revenue``, ``variable_cost``).
    observation_end : timestamp, optional
        Date the stages describe; defaults to the latest order.
    clients : pandas.DataFrame, optional
        Clients table; its clients without orders become ``prospect``.
    onboarding_days : int
        Length of the onboarding stage after the first order.
    at_risk_factor : float
        Multiple of the usual gap between orders after which a client is at risk.
    single_order_gap_days : float
        Usual gap assumed for clients with one order.
    lost_days : int, default ``ACTIVE_DAYS - 1`` (364)
        Days without an order after which a client is lost (more than
        ``lost_days``). The default is the library's one definition: lost once the
        last order is :data:`~clientalytics.status.ACTIVE_DAYS` days old.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id``: ``stage`` (one of :data:`STAGES`),
        ``first_purchase``, ``last_purchase``, ``n_orders``, ``usual_gap_days``
        ``days_since_last_purchase`` (missing dates / gap for prospects), and
        ``status`` and ``retainable`` from
        :func:`clientalytics.status.client_states` (the library's one status,
        independent of ``lost_days`` and the other parameters).

    Raises
    ------
    ValidationError
        Parameters out of range (``onboarding_days`` and ``lost_days`` must be
        positive, ``at_risk_factor`` at least 1).
    """
    if onboarding_days <= 0 or lost_days <= 0 or at_risk_factor < 1 or single_order_gap_days <= 0:
        raise ValidationError(
            "onboarding_days, lost_days and single_order_gap_days must be positive and "
            f"at_risk_factor >= 1; got {onboarding_days}, {lost_days}, "
            f"{single_order_gap_days}, {at_risk_factor}"
        )
    summary = summarize(transactions, observation_end=observation_end, time_unit="D")
    end = (
        pd.Timestamp(observation_end)
        if observation_end is not None
        else summary["last_purchase"].max()
    )
    span = (summary["last_purchase"] - summary["first_purchase"]).dt.total_seconds() / 86400
    n_periods = summary["frequency"] + 1
    gap = np.where(n_periods > 1, span / (n_periods - 1).clip(lower=1), single_order_gap_days)
    since = summary["days_since_last_purchase"].astype(float)
    age = (end.normalize() - summary["first_purchase"].dt.normalize()).dt.days
    stage = np.select(
        [since > lost_days, age < onboarding_days, since > at_risk_factor * gap],
        ["lost", "onboarding", "at_risk"],
        default="steady",
    )
    out = pd.DataFrame(
        {
            "stage": stage,
            "first_purchase": summary["first_purchase"],
            "last_purchase": summary["last_purchase"],
            "n_orders": summary["n_orders"],
            "usual_gap_days": gap,
            "days_since_last_purchase": since,
        },
        index=summary.index,
    )
    if clients is not None:
        ids = pd.Index(clients["client_id"].astype(str), name="client_id")
        out = out.reindex(ids.union(out.index))
        out["stage"] = out["stage"].fillna("prospect")
        out["n_orders"] = out["n_orders"].fillna(0).astype("int64")
    frame = collect(to_lazy(transactions).select("client_id", "date", "revenue"))
    states = client_states(frame, observation_end=end, clients=clients)
    keys = out.index.astype(str)
    out["status"] = states["status"].reindex(keys).fillna("prospect").to_numpy()
    out["retainable"] = states["retainable"].reindex(keys).fillna(False).astype(bool).to_numpy()
    return out


def stage_counts(stages: pd.DataFrame) -> pd.DataFrame:
    """Count the clients in each lifecycle stage, in lifecycle order.

    Parameters
    ----------
    stages : pandas.DataFrame
        Output of :func:`lifecycle_stages`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``stage`` (all of :data:`STAGES`): ``n_clients``, ``share``.
    """
    counts = stages["stage"].value_counts().reindex(list(STAGES), fill_value=0)
    out = pd.DataFrame({"n_clients": counts, "share": counts / max(len(stages), 1)})
    out.index.name = "stage"
    return out
