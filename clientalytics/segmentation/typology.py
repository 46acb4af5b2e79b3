"""Client typology from data: relation to the firm, contract state and the value matrix.

The relation to the firm (potential, new, permanent, occasional, lost) is derived
from order history and contract state with explicit, parameterised rules. Crossed
with a valuable / low-value split by order value or margin it gives the
classification matrix that opens a client-oriented marketing plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientalytics.enums import ContractStatus, RelationToFirm
from clientalytics.exceptions import ValidationError
from clientalytics.schema import require
from clientalytics.segmentation._inputs import check_finite
from clientalytics.status import ACTIVE_DAYS

#: Contract states of :func:`contract_state`.
CONTRACT_STATES = ("active", "expired", "none")


def contract_state(
    contracts: pd.DataFrame,
    *,
    observation_end: pd.Timestamp | str | dt.date,
) -> pd.Series:
    """State of each client's contracts at ``observation_end``.

    Parameters
    ----------
    contracts : pandas.DataFrame
        Contract registry with ``client_id``, ``status`` and (optional)
        ``start_date`` and ``expiry_date``.
    observation_end : timestamp
        Moment at which the state is read.

    Returns
    -------
    pandas.Series
        Named ``contract_state``, indexed by client id (clients in ``contracts``):

        - ``"active"``: a contract with status ``active`` or ``signed`` whose expiry
          date is missing or not before ``observation_end``;
        - ``"expired"``: no such contract, but an ``active``, ``expired`` or
          ``terminated`` one in the past (expiry before ``observation_end`` counts
          as expired even if the status was not updated);
        - ``"none"``: only drafts, sent or rejected contracts.
    """
    require(contracts, "contracts", ["client_id", "status"])
    end = pd.Timestamp(observation_end)
    status = contracts["status"].astype(str)
    expiry = (
        pd.to_datetime(contracts["expiry_date"])
        if "expiry_date" in contracts.columns
        else pd.Series(pd.NaT, index=contracts.index, dtype="datetime64[ns]")
    )
    running = status.isin([ContractStatus.ACTIVE.value, ContractStatus.SIGNED.value])
    active = running & (expiry.isna() | (expiry >= end))
    ended = status.isin([ContractStatus.EXPIRED.value, ContractStatus.TERMINATED.value]) | (
        running & ~active
    )
    ids = contracts["client_id"].astype(str)
    frame = pd.DataFrame({"client_id": ids, "active": active, "ended": ended})
    per = frame.groupby("client_id").agg(active=("active", "any"), ended=("ended", "any"))
    state = np.where(per["active"], "active", np.where(per["ended"], "expired", "none"))
    return pd.Series(state, index=per.index, name="contract_state")


@dataclass(frozen=True)
class RelationRules:
    """Thresholds of :func:`relation_to_firm` (all in days unless said otherwise).

    The day thresholds default to the library's one definition of a client's
    status (:mod:`clientalytics.status`): ``ACTIVE_DAYS - 1`` (364) days, so with
    the defaults a client is ``new`` exactly when its status is ``new``, it has
    stopped ordering exactly when its status is ``lost``, and ``lost`` is exactly
    the status ``lost``. Shorter thresholds, or ``contract_keeps_client=True``, are
    a parameter of the typology, not another definition of new or lost.

    Attributes
    ----------
    new_days : int
        A client whose first order is at most this many days before the
        observation end is new (default 364: the status ``new``).
    inactive_days : int
        A client with no order for more than this many days has stopped ordering
        (default 364: the status ``lost``).
    lost_days : int
        A client without an active contract and with no order for more than this
        many days is lost even if no contract ever expired (default 364).
    permanent_min_orders : int
        Orders a regular client has placed at least (default 4).
    permanent_max_gap_days : float
        Largest mean gap between orders of a regular client (default 90).
    permanent_requires_contract : bool
        Require an active contract for permanent (default False: regular ordering
        suffices when no contract data is given or the client trades without one).
    contract_keeps_client : bool
        A client that stopped ordering is lost only when its contract expired or,
        with no active contract, after ``lost_days`` (True), or whenever it has
        stopped ordering (default False: the library's one definition of lost, which
        a running contract without orders does not change).
    """

    new_days: int = ACTIVE_DAYS - 1
    inactive_days: int = ACTIVE_DAYS - 1
    lost_days: int = ACTIVE_DAYS - 1
    permanent_min_orders: int = 4
    permanent_max_gap_days: float = 90.0
    permanent_requires_contract: bool = False
    contract_keeps_client: bool = False

    def __post_init__(self) -> None:
        """Check the thresholds are positive and ordered."""
        if min(self.new_days, self.inactive_days, self.lost_days) <= 0:
            raise ValidationError("relation rules: day thresholds must be positive")
        if self.lost_days < self.inactive_days:
            raise ValidationError(
                f"relation rules: lost_days ({self.lost_days}) must be >= inactive_days "
                f"({self.inactive_days})"
            )
        if self.permanent_min_orders < 2 or self.permanent_max_gap_days <= 0:
            raise ValidationError(
                "relation rules: permanent_min_orders must be >= 2 and permanent_max_gap_days > 0"
            )


def relation_to_firm(
    summary: pd.DataFrame,
    *,
    observation_end: pd.Timestamp | str | dt.date,
    clients: pd.DataFrame | None = None,
    contracts: pd.DataFrame | None = None,
    requests: pd.DataFrame | None = None,
    touchpoints: pd.DataFrame | None = None,
    rules: RelationRules | None = None,
) -> pd.DataFrame:
    """Derive each client's relation to the firm from orders and contracts.

    Parameters
    ----------
    summary : pandas.DataFrame
        Per-client summary from :func:`clientalytics.summarize` (needs
        ``n_orders``, ``first_purchase``, ``last_purchase``), covering the clients
        with at least one order.
    observation_end : timestamp
        Date the relation is read at (use the summary's observation end).
    clients, contracts, requests, touchpoints : pandas.DataFrame, optional
        Tables with a ``client_id`` column; any client id found there but not in
        ``summary`` is a potential client. ``contracts`` also gives the contract
        state (:func:`contract_state`).
    rules : RelationRules, optional
        Thresholds; defaults to :class:`RelationRules` ``()``.

    Returns
    -------
    pandas.DataFrame
        Indexed by client id (sorted), columns:

        - ``relation``: ordered categorical of :class:`clientalytics.enums.RelationToFirm`
          values;
        - ``contract_state``: ``active``, ``expired`` or ``none``;
        - ``n_orders``: orders placed (0 for potential clients);
        - ``days_since_first_purchase``, ``days_since_last_purchase``: -1 when no order;
        - ``mean_gap_days``: mean days between orders (0 with fewer than 2 orders).

    Notes
    -----
    Rules, first match wins:

    1. **potential**: no order (known only from the clients table, a request, a
       contact or a contract);
    2. **new**: first order at most ``new_days`` ago;
    3. **lost**: stopped ordering (no order for more than ``inactive_days``); with
       ``contract_keeps_client``, only when also the contract state is ``expired``
       or there is no active contract and no order for more than ``lost_days``;
    4. **permanent**: still ordering (last order within ``inactive_days``), at least
       ``permanent_min_orders`` orders with a mean gap of at most
       ``permanent_max_gap_days`` and, when ``permanent_requires_contract``, an
       active contract; an active contract with regular orders is always permanent;
    5. **occasional**: everyone else with orders (irregular buyers, and, with
       ``contract_keeps_client``, clients with an active contract who stopped ordering).
    """
    rules = rules or RelationRules()
    end = pd.Timestamp(observation_end).normalize()
    require(
        summary,
        "summary",
        ["n_orders", "first_purchase", "last_purchase"],
        hint="pass the output of clientalytics.summarize",
    )
    check_finite(summary, ["n_orders"], table="summary")
    for col in ("first_purchase", "last_purchase"):
        missing_dates = pd.to_datetime(summary[col]).isna()
        if missing_dates.any():
            raise ValidationError(
                f"summary: column {col!r} has {int(missing_dates.sum())} missing date(s) "
                f"(clients {summary.index[missing_dates][:3].tolist()})"
            )
    ordering = summary.index.astype(str)
    known: set[str] = set(ordering)
    for name, table in (
        ("clients", clients),
        ("contracts", contracts),
        ("requests", requests),
        ("touchpoints", touchpoints),
    ):
        if table is None:
            continue
        require(table, name, ["client_id"])
        known.update(table["client_id"].dropna().astype(str))
    index = pd.Index(sorted(known), name="client_id")
    first = pd.to_datetime(summary["first_purchase"]).dt.normalize()
    last = pd.to_datetime(summary["last_purchase"]).dt.normalize()
    first.index, last.index = ordering, ordering
    n_orders = pd.Series(summary["n_orders"].to_numpy(), index=ordering).reindex(index)
    has_orders = n_orders.notna().to_numpy()
    n = n_orders.fillna(0).astype("int64")
    since_first = (end - first.reindex(index)).dt.days
    since_last = (end - last.reindex(index)).dt.days
    span = (last - first).dt.days.reindex(index)
    gap = np.where(n > 1, span / (n - 1).where(n > 1, 1), 0.0)
    state = (
        contract_state(contracts, observation_end=end).reindex(index).fillna("none")
        if contracts is not None
        else pd.Series("none", index=index)
    )
    active = (state == "active").to_numpy()
    sf = since_first.fillna(-1).to_numpy()
    sl = since_last.fillna(-1).to_numpy()
    stopped = has_orders & (sl > rules.inactive_days)
    lost = stopped & (
        ((state == "expired").to_numpy())
        | (~active & (sl > rules.lost_days))
        | (not rules.contract_keeps_client)
    )
    regular = (n.to_numpy() >= rules.permanent_min_orders) & (gap <= rules.permanent_max_gap_days)
    permanent = has_orders & ~stopped & regular
    if rules.permanent_requires_contract:
        permanent &= active
    relation = np.select(
        [~has_orders, sf <= rules.new_days, lost, permanent],
        [
            RelationToFirm.POTENTIAL.value,
            RelationToFirm.NEW.value,
            RelationToFirm.LOST.value,
            RelationToFirm.PERMANENT.value,
        ],
        default=RelationToFirm.OCCASIONAL.value,
    )
    out = pd.DataFrame(
        {
            "relation": pd.Categorical(
                relation, categories=[r.value for r in RelationToFirm], ordered=True
            ),
            "contract_state": state.to_numpy(),
            "n_orders": n.to_numpy(),
            "days_since_first_purchase": sf.astype("int64"),
            "days_since_last_purchase": sl.astype("int64"),
            "mean_gap_days": np.asarray(gap, dtype=float),
        },
        index=index,
    )
    return out


def value_class(
    summary: pd.DataFrame,
    *,
    by: str = "order_value",
    threshold: float | None = None,
) -> pd.Series:
    """Split clients into valuable and low-value.

    Parameters
    ----------
    summary : pandas.DataFrame
        Per-client summary (:func:`clientalytics.summarize`).
    by : {"order_value", "margin"}
        ``"order_value"``: mean order value (``total_revenue / n_orders``);
        ``"margin"``: total margin.
    threshold : float, optional
        Clients with a value at or above it are valuable. Defaults to the median
        over the clients given.

    Returns
    -------
    pandas.Series
        Named ``value_class``, values ``"valuable"`` / ``"low-value"``.
    """
    measure = _value_measure(summary, by)
    cut = float(measure.median()) if threshold is None else float(threshold)
    return pd.Series(
        np.where(measure >= cut, "valuable", "low-value"), index=summary.index, name="value_class"
    )


def _value_measure(summary: pd.DataFrame, by: str) -> pd.Series:
    if by == "order_value":
        check_finite(summary, ["total_revenue", "n_orders"], table="summary")
        orders = summary["n_orders"].astype(float)
        return (summary["total_revenue"].astype(float) / orders.where(orders > 0, 1.0)).rename(by)
    if by == "margin":
        check_finite(summary, ["total_margin"], table="summary")
        return summary["total_margin"].astype(float).rename(by)
    raise ValidationError(f"by must be 'order_value' or 'margin', got {by!r}")


def client_matrix(
    summary: pd.DataFrame,
    relation: pd.DataFrame | pd.Series,
    *,
    by: str = "order_value",
    threshold: float | None = None,
    relations: tuple[str, ...] = ("new", "permanent"),
) -> pd.DataFrame:
    """Cross new vs permanent with valuable vs low-value: counts and shares per cell.

    Parameters
    ----------
    summary : pandas.DataFrame
        Per-client summary (:func:`clientalytics.summarize`).
    relation : DataFrame or Series
        :func:`relation_to_firm` output (or its ``relation`` column).
    by, threshold
        Value measure and cut, as for :func:`value_class`; the default threshold
        is the median over the clients in the matrix.
    relations : tuple of str
        Relations forming the rows (default new and permanent); pass all five to
        see the whole base.

    Returns
    -------
    pandas.DataFrame
        One row per (relation, value class) pair, all pairs kept, columns
        ``relation``, ``value_class``, ``clients``, ``client_share``, ``revenue``,
        ``revenue_share``, ``margin``, ``margin_share`` and ``threshold``. Shares
        are of the clients in the matrix, so each share column sums to 1.
    """
    rel = relation["relation"] if isinstance(relation, pd.DataFrame) else relation
    rel = rel.astype(str)
    unknown = set(relations) - {r.value for r in RelationToFirm}
    if unknown:
        raise ValidationError(f"relations: unknown value(s) {sorted(unknown)}")
    chosen = rel[rel.isin(relations)]
    members = chosen.index.intersection(summary.index.astype(str))
    if len(members) == 0:
        raise ValidationError(f"no client with orders has a relation in {list(relations)}")
    sub = summary.loc[members]
    measure = _value_measure(sub, by)
    cut = float(measure.median()) if threshold is None else float(threshold)
    frame = pd.DataFrame(
        {
            "relation": chosen.loc[members].to_numpy(),
            "value_class": np.where(measure >= cut, "valuable", "low-value"),
            "revenue": sub["total_revenue"].astype(float).to_numpy(),
            "margin": sub["total_margin"].astype(float).to_numpy(),
        }
    )
    grid = pd.MultiIndex.from_product(
        [list(relations), ["valuable", "low-value"]], names=["relation", "value_class"]
    )
    grouped = frame.groupby(["relation", "value_class"])
    out = pd.DataFrame(
        {
            "clients": grouped.size().reindex(grid, fill_value=0).astype("int64"),
            "revenue": grouped["revenue"].sum().reindex(grid, fill_value=0.0),
            "margin": grouped["margin"].sum().reindex(grid, fill_value=0.0),
        }
    )
    out["client_share"] = out["clients"] / float(len(frame))
    rev, mar = float(frame["revenue"].sum()), float(frame["margin"].sum())
    out["revenue_share"] = out["revenue"] / rev if rev != 0 else 0.0
    out["margin_share"] = out["margin"] / mar if mar != 0 else 0.0
    out["threshold"] = cut
    out = out.reset_index()
    return out[
        [
            "relation",
            "value_class",
            "clients",
            "client_share",
            "revenue",
            "revenue_share",
            "margin",
            "margin_share",
            "threshold",
        ]
    ]
