"""Retention and churn coefficients of each manager's portfolio, period by period.

This is the small built-in estimate the manager scorecard uses when the analyst
has no retention table of their own. A client counts as *active* in a period when
it placed at least one order in it. For manager ``m`` and period ``t``:

- ``S`` = clients of ``m`` active in period ``t - 1`` (the start of the period);
- ``E`` = clients of ``m`` active in period ``t`` (the end);
- ``N`` = clients of ``m`` active in ``t`` but not in ``t - 1`` (new or won back);
- customer retention rate ``CRR = (E - N) / S`` and churn rate ``1 - CRR``.

With this definition of ``N``, ``E - N`` is the number of clients active in both
periods, so ``CRR`` lies in [0, 1]. A client belongs to the manager named in the
clients table (the current portfolio owner) for every period.
"""

from __future__ import annotations

import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.managers.activity import Frequency, check_frequency, period_range

#: Label given to clients that have no manager in the clients table.
UNASSIGNED = "(unassigned)"


def client_managers(clients: pd.DataFrame, *, manager_col: str = "manager_id") -> pd.Series:
    """Map ``client_id`` to its manager; clients without one map to :data:`UNASSIGNED`.

    Parameters
    ----------
    clients : pandas.DataFrame
        Clients table with ``client_id`` and ``manager_col``.
    manager_col : str
        Column naming each client's manager.

    Returns
    -------
    pandas.Series
        Manager id (str) indexed by client id (str).

    Raises
    ------
    ValidationError
        When a column is missing or a client id is repeated.
    """
    for col in ("client_id", manager_col):
        if col not in clients.columns:
            raise ValidationError(f"clients: missing column {col!r}")
    ids = clients["client_id"].astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        raise ValidationError(
            f"clients: column 'client_id' has {len(dup)} repeated value(s), e.g. "
            f"{dup.unique()[:3].tolist()}"
        )
    managers = clients[manager_col].astype("string").fillna(UNASSIGNED).astype(str)
    return pd.Series(managers.to_numpy(), index=pd.Index(ids.to_numpy(), name="client_id"))


def portfolio_retention(
    activity: pd.DataFrame,
    clients: pd.DataFrame,
    *,
    freq: Frequency = "Q",
    observation_end: pd.Timestamp | str | None = None,
    manager_col: str = "manager_id",
) -> pd.DataFrame:
    """Retention coefficient ``CRR = (E - N) / S`` of each manager's portfolio per period.

    Parameters
    ----------
    activity : pandas.DataFrame
        Output of :func:`clientalytics.managers.client_period_activity` computed
        with the same ``freq`` (columns ``client_id``, ``period`` and, optionally,
        ``active``; rows with ``active`` false are ignored).
    clients : pandas.DataFrame
        Clients table assigning each client to a manager.
    freq : {"M", "Q", "Y"}
        Period length of ``activity``.
    observation_end : timestamp, optional
        Last period is the one holding this date; defaults to the latest period
        in ``activity``.
    manager_col : str
        Column of ``clients`` naming the manager.

    Returns
    -------
    pandas.DataFrame
        One row per (manager, period) with ``S > 0`` (the ratio is undefined
        otherwise), columns ``manager_id``, ``period``, ``clients_start`` (S),
        ``clients_end`` (E), ``clients_new`` (N), ``clients_retained`` (E - N),
        ``retention_rate`` (CRR) and ``churn_rate`` (1 - CRR).

    Raises
    ------
    ValidationError
        When ``activity`` names clients absent from ``clients``.
    """
    check_frequency(freq)
    owner = client_managers(clients, manager_col=manager_col)
    unknown = sorted(set(activity["client_id"].astype(str)) - set(owner.index))
    if unknown:
        raise ValidationError(
            f"activity: column 'client_id' has {len(unknown)} client(s) missing from the "
            f"clients table, e.g. {unknown[:3]}"
        )
    if "active" in activity.columns:
        activity = activity[activity["active"].astype(bool)]
    end = pd.Timestamp(observation_end) if observation_end is not None else activity["period"].max()
    periods = period_range(activity["period"].min(), end, freq)
    position = pd.Series(range(len(periods)), index=periods)
    act = pd.DataFrame(
        {
            "client_id": activity["client_id"].astype(str).to_numpy(),
            "pos": position.reindex(pd.DatetimeIndex(activity["period"])).to_numpy(),
        }
    ).drop_duplicates()
    act["manager_id"] = owner.reindex(act["client_id"]).to_numpy()
    previous = act.assign(pos=act["pos"] + 1)
    both = act.merge(previous, on=["client_id", "pos", "manager_id"], how="inner")
    grid = pd.MultiIndex.from_product(
        [sorted(set(owner)), range(len(periods))], names=["manager_id", "pos"]
    )
    end_count = act.groupby(["manager_id", "pos"]).size().reindex(grid, fill_value=0)
    start_count = previous.groupby(["manager_id", "pos"]).size().reindex(grid, fill_value=0)
    retained = both.groupby(["manager_id", "pos"]).size().reindex(grid, fill_value=0)
    out = pd.DataFrame(
        {
            "clients_start": start_count,
            "clients_end": end_count,
            "clients_new": end_count - retained,
            "clients_retained": retained,
        }
    ).reset_index()
    out = out[out["clients_start"] > 0].copy()
    out["retention_rate"] = out["clients_retained"] / out["clients_start"]
    out["churn_rate"] = 1.0 - out["retention_rate"]
    out.insert(1, "period", periods[out["pos"].to_numpy()])
    cols = ["manager_id", "period", "clients_start", "clients_end", "clients_new"]
    cols += ["clients_retained", "retention_rate", "churn_rate"]
    return out[cols].sort_values(["manager_id", "period"]).reset_index(drop=True)
