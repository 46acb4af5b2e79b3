"""The report's one definition of an active, new and lost client, and its two windows.

Every section of the report counts clients with these rules:

- a client is **active** at a date when it ordered at least once in the
  :data:`ACTIVE_DAYS` days (twelve months) up to that date;
- **new** at a date: its first order lies in those months (a new client is active);
- **lost** at a date: it has ordered before but not in those months;
- **prospect**: on the clients table, no order yet.

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
    """Status of every client at ``observation_end`` by the report's definition.

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
