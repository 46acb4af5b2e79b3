"""Performance by each of the five client-typology criteria.

Clients are typed by five criteria: relation to the firm (potential, new,
permanent, occasional, lost), legal / socio-economic status, behaviour in the
relationship, reaction to price and attitude to novelty. For each criterion and
value the table shows how many clients there are and what they bring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.summary import summarize

#: The five typology criteria (columns of the clients table).
TYPOLOGY_CRITERIA: tuple[str, ...] = (
    "relation_to_firm",
    "legal_status",
    "behaviour",
    "price_reaction",
    "novelty_attitude",
)


def typology_performance(
    clients: pd.DataFrame,
    transactions: Any,
    *,
    observation_end: pd.Timestamp | str | dt.date | None = None,
    criteria: Sequence[str] = TYPOLOGY_CRITERIA,
    active_days: int = 365,
) -> pd.DataFrame:
    """Clients, revenue, margin and activity by value of each typology criterion.

    Parameters
    ----------
    clients : pandas.DataFrame
        Clients table with the criteria columns.
    transactions : DataFrame-like
        Orders.
    observation_end : timestamp, optional
        End of the window; defaults to the latest order.
    criteria : sequence of str
        Criteria columns to report (default: all five present in ``clients``).
    active_days : int
        A client with an order in the last ``active_days`` counts as active.

    Returns
    -------
    pandas.DataFrame
        One row per criterion and value (missing values form ``"(missing)"``):
        ``criterion``, ``value``, ``n_clients``, ``share_of_clients``,
        ``n_buyers`` (with at least one order), ``revenue``, ``margin``,
        ``share_of_margin`` (within the criterion), ``margin_per_client`` and
        ``active_share`` (share of the value's clients active at the end).

    Raises
    ------
    ValidationError
        When none of the criteria is a clients column.
    """
    present = [c for c in criteria if c in clients.columns]
    if not present:
        raise ValidationError(f"clients: none of the typology columns {list(criteria)} is present")
    summary = summarize(transactions, observation_end=observation_end, time_unit="D")
    ids = clients["client_id"].astype(str)
    stats = summary.reindex(ids)
    revenue = stats["total_revenue"].fillna(0.0).to_numpy()
    margin = stats["total_margin"].fillna(0.0).to_numpy()
    buyer = stats["n_orders"].notna().to_numpy()
    active = (stats["days_since_last_purchase"] <= active_days).fillna(False).to_numpy()
    parts = []
    for crit in present:
        frame = pd.DataFrame(
            {
                "value": clients[crit].astype("string").fillna("(missing)").astype(str).to_numpy(),
                "revenue": revenue,
                "margin": margin,
                "buyer": buyer,
                "active": active,
            }
        )
        grouped = frame.groupby("value")
        part = pd.DataFrame(
            {
                "n_clients": grouped.size(),
                "n_buyers": grouped["buyer"].sum(),
                "revenue": grouped["revenue"].sum(),
                "margin": grouped["margin"].sum(),
                "active_share": grouped["active"].mean(),
            }
        ).reset_index()
        part.insert(0, "criterion", crit)
        part["share_of_clients"] = part["n_clients"] / len(frame)
        total = part["margin"].sum()
        part["share_of_margin"] = part["margin"] / total if total else 0.0
        part["margin_per_client"] = part["margin"] / part["n_clients"]
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    cols = ["criterion", "value", "n_clients", "share_of_clients", "n_buyers", "revenue"]
    cols += ["margin", "share_of_margin", "margin_per_client", "active_share"]
    return out[cols]
