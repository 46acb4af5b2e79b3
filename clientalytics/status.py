"""The library's one definition of a client's status, and the report's two windows.

Every part of the library that calls a client active, new, lost or retainable
(retention, lifecycle, typology, segmentation, churn, managers and every section
of the report) uses these rules:

- a client is **active** at a date when it ordered at least once in the
  :data:`ACTIVE_DAYS` days (twelve months) up to that date;
- **new** at a date: its first order lies in those months (a new client is active);
- **lost** at a date: it has ordered before but not in those months;
- **prospect**: on the clients table, no order yet;
- **retainable** at a date: new or active, and its last order at most
  :data:`RETAINABLE_DAYS` days old. Such a client is still a *retention* case:
  a call or an offer keeps a relationship that is running. An active client silent
  for longer than that is a *win-back* case, not retention: it has stopped ordering
  without yet being lost. The default of 90 days is three missed monthly orders,
  for a carrier whose clients order about monthly; a firm whose clients order
  more or less often passes its own ``retainable_days`` to :func:`client_states`.

An order is a transaction with positive revenue: a credit note does not make a
client active (as in :func:`clientalytics.engagement.lifecycle.lifecycle_stages`).

The report's **window** is the :data:`ACTIVE_DAYS` days up to the observation
end; the **previous period** is the window of the same length just before it.
Retention over a window is the share of the clients active at its start (who
ordered in the previous period) who ordered again in the window; churn is one
minus retention, and the clients lost in the window are those active at its start
who did not order in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Months an order keeps a client active, in every section of the report.
ACTIVE_MONTHS = 12
#: The same in days: a client is active while its last order is less than this
#: many days old (the lifecycle's ``lost_days`` is ``ACTIVE_DAYS - 1``).
ACTIVE_DAYS = 365
#: Status names, in display order.
STATUSES = ("new", "active", "lost", "prospect")
#: Days since its last order up to which a new or active client is still a
#: retention case (three monthly orders missed); beyond it, a win-back case.
RETAINABLE_DAYS = 90


@dataclass(frozen=True)
class Window:
    """A half-open period ``(start, end]`` of the report."""

    start: pd.Timestamp
    end: pd.Timestamp

    def holds(self, dates: pd.Series) -> pd.Series:
        """Whether each date lies in the window."""
        return (dates > self.start) & (dates <= self.end)

    def before(self) -> Window:
        """Return the window of the same length just before this one."""
        return Window(self.start - pd.Timedelta(days=ACTIVE_DAYS), self.start)


def report_window(observation_end: pd.Timestamp) -> Window:
    """Return the :data:`ACTIVE_DAYS` days up to ``observation_end``."""
    end = pd.Timestamp(observation_end)
    return Window(end - pd.Timedelta(days=ACTIVE_DAYS), end)


def orders(transactions: pd.DataFrame) -> pd.DataFrame:
    """Return the transactions that are orders (positive revenue), not credit notes."""
    if "revenue" not in transactions.columns:
        return transactions
    return transactions[transactions["revenue"] > 0]


def client_status(
    transactions: pd.DataFrame,
    *,
    observation_end: pd.Timestamp,
    clients: pd.DataFrame | None = None,
) -> pd.Series:
    """Status of every client at ``observation_end`` by the library's definition.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Orders (``client_id``, ``date``).
    observation_end : timestamp
        Date the status describes.
    clients : pandas.DataFrame, optional
        Clients table; its clients without an order are ``prospect``.

    Returns
    -------
    pandas.Series
        Named ``status``, indexed by client id (text, sorted): one of
        :data:`STATUSES`; ``new`` clients are also active.
    """
    window = report_window(observation_end)
    transactions = orders(transactions)
    dates = transactions["date"]
    ids = transactions["client_id"].astype(str)
    upto = dates <= window.end
    first = dates[upto].groupby(ids[upto]).min()
    last = dates[upto].groupby(ids[upto]).max()
    status = pd.Series("lost", index=last.index, name="status", dtype=object)
    status[window.holds(last)] = "active"
    status[window.holds(first)] = "new"
    if clients is not None and len(clients):
        others = pd.Index(clients["client_id"].astype(str)).difference(status.index)
        status = pd.concat([status, pd.Series("prospect", index=others, name="status")])
    status.index.name = "client_id"
    return status.sort_index()


def retention_over(transactions: pd.DataFrame, window: Window) -> tuple[int, int]:
    """Clients active at the start of ``window`` and how many of them ordered in it.

    Returns
    -------
    (active_at_start, retained) : tuple of int
    """
    transactions = orders(transactions)
    dates = transactions["date"]
    ids = transactions["client_id"].astype(str)
    before = set(ids[window.before().holds(dates)])
    during = set(ids[window.holds(dates)])
    return len(before), len(before & during)


def client_states(
    transactions: pd.DataFrame,
    *,
    observation_end: pd.Timestamp,
    clients: pd.DataFrame | None = None,
    retainable_days: float = RETAINABLE_DAYS,
) -> pd.DataFrame:
    """Status, order dates and silence of every client at ``observation_end``.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Orders (``client_id``, ``date``; rows with ``revenue`` not above zero are
        credit notes and ignored). Orders after ``observation_end`` are ignored.
    observation_end : timestamp
        Date the states describe.
    clients : pandas.DataFrame, optional
        Clients table; its clients without an order are ``prospect``.
    retainable_days : float, default :data:`RETAINABLE_DAYS`
        Longest silence, in days, of a client that is still a retention case.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id`` (text, sorted), one row per client, columns:

        ``status``
            As :func:`client_status`: one of :data:`STATUSES`.
        ``first_order``, ``last_order``
            Dates of the first and the last order up to ``observation_end``
            (``NaT`` for prospects).
        ``days_silent``
            Days, as a float, from the last order to ``observation_end``
            (``NaN`` for prospects).
        ``retainable``
            Whether the client is ``new`` or ``active`` and ``days_silent`` is at
            most ``retainable_days``: a retention case. A new or active client
            silent for longer is a win-back case; lost clients and prospects are
            never retainable.
    """
    end = pd.Timestamp(observation_end)
    status = client_status(transactions, observation_end=end, clients=clients)
    placed = orders(transactions)
    dates = pd.to_datetime(placed["date"])
    ids = placed["client_id"].astype(str)
    upto = dates <= end
    first = dates[upto].groupby(ids[upto]).min().reindex(status.index)
    last = dates[upto].groupby(ids[upto]).max().reindex(status.index)
    days_silent = (end - last) / pd.Timedelta(days=1)
    states = pd.DataFrame(
        {
            "status": status,
            "first_order": first,
            "last_order": last,
            "days_silent": days_silent.astype(float),
        },
        index=status.index,
    )
    states["retainable"] = (
        states["status"].isin(["new", "active"]) & (states["days_silent"] <= retainable_days)
    ).astype(bool)
    states.index.name = "client_id"
    return states
