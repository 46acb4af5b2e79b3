"""Estimated workload of serving each client, from its contacts and requests.

Sellers spend only part of their time selling; the rest goes to contacts and
paperwork. To balance portfolios the redistribution needs a workload per client:
here, hours per year spent on it over a recent window, from the touchpoints'
durations (a default when a duration is missing) plus a fixed time per request.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from clientalytics.exceptions import ValidationError


def client_workload(
    clients: pd.DataFrame,
    touchpoints: pd.DataFrame,
    *,
    observation_end: pd.Timestamp | str | dt.date,
    requests: pd.DataFrame | None = None,
    window_days: int = 365,
    default_contact_minutes: float = 15.0,
    minutes_per_request: float = 30.0,
) -> pd.Series:
    """Hours per year spent serving each client over the last ``window_days``.

    Parameters
    ----------
    clients : pandas.DataFrame
        Clients table (``client_id``); every client gets a workload, 0 without
        contacts.
    touchpoints : pandas.DataFrame
        Contacts (``client_id``, ``timestamp``, optional ``duration_minutes``).
    observation_end : timestamp
        End of the window.
    requests : pandas.DataFrame, optional
        Requests (``client_id``, ``received_at``), each costing
        ``minutes_per_request``.
    window_days : int
        Length of the window, in days; the result is scaled to 365 days.
    default_contact_minutes : float
        Duration assumed for a contact without ``duration_minutes``.
    minutes_per_request : float
        Time assumed per request.

    Returns
    -------
    pandas.Series
        Named ``workload``, hours per year, indexed by ``client_id``.

    Raises
    ------
    ValidationError
        A non-positive window or negative minutes.
    """
    if window_days <= 0 or default_contact_minutes < 0 or minutes_per_request < 0:
        raise ValidationError(
            "window_days must be positive and the minutes non-negative; got "
            f"{window_days}, {default_contact_minutes}, {minutes_per_request}"
        )
    end = pd.Timestamp(observation_end)
    start = end - pd.Timedelta(days=window_days)
    ids = pd.Index(clients["client_id"].astype(str), name="client_id")
    tp = touchpoints[(touchpoints["timestamp"] > start) & (touchpoints["timestamp"] <= end)]
    if "duration_minutes" in tp.columns:
        minutes = tp["duration_minutes"].astype(float).fillna(default_contact_minutes)
    else:
        minutes = pd.Series(default_contact_minutes, index=tp.index)
    total = minutes.groupby(tp["client_id"].astype(str)).sum().reindex(ids, fill_value=0.0)
    if requests is not None and len(requests):
        rq = requests[(requests["received_at"] > start) & (requests["received_at"] <= end)]
        n_req = rq.groupby(rq["client_id"].astype(str)).size().reindex(ids, fill_value=0)
        total = total + n_req * minutes_per_request
    hours = total / 60.0 * (365.0 / window_days)
    return hours.astype(float).rename("workload")
