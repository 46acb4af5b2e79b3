"""The customer pyramid: platinum, gold, iron and lead tiers by profitability.

After Zeithaml, Rust and Lemon (2001), "The customer pyramid": rank clients by
profitability, put the most profitable few in platinum, the next in gold, the
bulk in iron, and the least profitable in lead, where lead clients may cost more
than they bring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require
from clientalytics.segmentation._inputs import as_value_series

#: Tier names from the top of the pyramid down.
PYRAMID_TIERS = ("platinum", "gold", "iron", "lead")


def customer_pyramid(
    data: pd.DataFrame | pd.Series,
    *,
    by: str = "total_margin",
    shares: tuple[float, float, float] = (0.05, 0.15, 0.60),
    negative_is_lead: bool = True,
) -> pd.DataFrame:
    """Place every client in a tier of the customer pyramid.

    Parameters
    ----------
    data : DataFrame or Series
        Per-client profitability indexed by client id: a summary
        (:func:`clientalytics.summarize`) or a Series (e.g. margin after cost to serve).
    by : str
        Column of ``data`` to use (default ``"total_margin"``).
    shares : (float, float, float)
        Shares of clients in platinum, gold and iron, from the top; lead gets the
        rest. Default 5 %, 15 %, 60 % (lead 20 %).
    negative_is_lead : bool
        Put every client with negative profitability in lead whatever its rank.

    Returns
    -------
    pandas.DataFrame
        Indexed by client id, sorted by value (descending), columns:

        - ``value``: the profitability used;
        - ``position``: share of clients strictly more profitable (0 at the top);
        - ``tier``: ordered categorical ``platinum`` < ... read top-down
          (categories in :data:`PYRAMID_TIERS` order).

    Raises
    ------
    ValidationError
        Empty input, NaN, duplicate ids, or shares that are not positive or add up
        to more than 1.

    Notes
    -----
    A client is platinum if the share of clients strictly more profitable is
    below ``shares[0]``, gold if below ``shares[0] + shares[1]``, iron if below the
    sum of all three, else lead. Clients with equal value share the higher tier, so
    a tier may hold slightly more than its share; the result does not depend on row
    order.
    """
    if len(shares) != 3 or any(s <= 0 for s in shares) or sum(shares) > 1 + 1e-12:
        raise ValidationError(
            f"shares must be three positive numbers adding up to at most 1, got {shares}"
        )
    values = as_value_series(data, column=by, table="pyramid")
    higher = (values.rank(method="min", ascending=False) - 1.0) / float(len(values))
    cuts = np.cumsum(shares)
    position = higher.to_numpy()
    tier_index = np.searchsorted(cuts - 1e-12, position, side="right")
    tier_index = np.minimum(tier_index, 3)
    if negative_is_lead:
        tier_index = np.where(values.to_numpy() < 0, 3, tier_index)
    tiers = np.asarray(PYRAMID_TIERS, dtype=object)[tier_index]
    out = pd.DataFrame(
        {
            "value": values.to_numpy(),
            "position": position,
            "tier": pd.Categorical(tiers, categories=list(PYRAMID_TIERS), ordered=True),
        },
        index=values.index,
    )
    out["_id"] = out.index.astype(str)
    out = out.sort_values(["value", "_id"], ascending=[False, True], kind="mergesort").drop(
        columns="_id"
    )
    out.index.name = "client_id"
    return out


def pyramid_summary(pyramid: pd.DataFrame) -> pd.DataFrame:
    """Size and value of each pyramid tier.

    Parameters
    ----------
    pyramid : pandas.DataFrame
        Output of :func:`customer_pyramid`.

    Returns
    -------
    pandas.DataFrame
        Indexed by tier (top-down, all four kept), columns ``clients``,
        ``client_share``, ``value`` (sum), ``value_share`` (share of the net total),
        ``mean_value``, ``min_value`` and ``max_value`` (0 for an empty tier), and
        ``loss_making`` (clients with negative value).
    """
    require(pyramid, "pyramid", ["tier", "value"], hint="pass the customer_pyramid output")
    grouped = pyramid.groupby("tier", observed=False)["value"]
    out = pd.DataFrame(
        {
            "clients": grouped.size().astype("int64"),
            "value": grouped.sum().astype(float),
            "mean_value": grouped.mean().fillna(0.0),
            "min_value": grouped.min().fillna(0.0),
            "max_value": grouped.max().fillna(0.0),
            "loss_making": grouped.apply(lambda v: int((v < 0).sum())).astype("int64"),
        }
    )
    out["client_share"] = out["clients"] / float(len(pyramid))
    total = float(pyramid["value"].sum())
    out["value_share"] = out["value"] / total if total != 0 else 0.0
    out.index = pd.Index([str(t) for t in out.index], name="tier")
    return out[
        [
            "clients",
            "client_share",
            "value",
            "value_share",
            "mean_value",
            "min_value",
            "max_value",
            "loss_making",
        ]
    ]
