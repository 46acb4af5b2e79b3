"""Request-handling KPIs: how fast the firm answers, quotes and wins requests.

For every incoming request the time to the first response and the time to the
price quote are measured in hours; win rate is the share of won requests among
decided ones (won, lost or declined; pending requests are left out). The KPIs can
be grouped by channel, manager, request type or any client attribute.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require

#: Columns of :func:`request_kpis` after the grouping columns.
REQUEST_KPI_COLUMNS = [
    "n_requests",
    "n_responded",
    "median_first_response_hours",
    "p90_first_response_hours",
    "n_quoted",
    "median_quote_hours",
    "n_decided",
    "n_won",
    "win_rate",
    "share_pending",
]


def request_times(requests: pd.DataFrame) -> pd.DataFrame:
    """Per-request response and quote times in hours.

    Parameters
    ----------
    requests : pandas.DataFrame
        Requests table (``request_id``, ``received_at``, ``first_response_at``,
        ``quoted_at``, ``outcome`` and any grouping columns).

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``first_response_hours`` and ``quote_hours``
        (missing when the request has not been answered / quoted).

    Raises
    ------
    ValidationError
        A required column is missing, or a response precedes its request.
    """
    need = ["received_at", "first_response_at", "outcome"]
    require(requests, "requests", need)
    out = requests.copy()
    out["first_response_hours"] = (
        out["first_response_at"] - out["received_at"]
    ).dt.total_seconds() / 3600.0
    if "quoted_at" in out.columns:
        out["quote_hours"] = (out["quoted_at"] - out["received_at"]).dt.total_seconds() / 3600.0
    else:
        out["quote_hours"] = np.nan
    for col in ("first_response_hours", "quote_hours"):
        bad = out[out[col] < 0]
        if len(bad):
            raise ValidationError(
                f"requests: {len(bad)} row(s) with {col} < 0 (answer before the request), e.g. "
                f"{_ids(bad)}"
            )
    return out


def _ids(rows: pd.DataFrame) -> list[str]:
    ids = rows["request_id"] if "request_id" in rows.columns else rows.index.to_series()
    return ids.astype(str).head(3).tolist()


def request_kpis(
    requests: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "channel",
    clients: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Response time, quote time and win rate, overall or by group.

    Parameters
    ----------
    requests : pandas.DataFrame
        Requests table.
    by : str or list of str, optional
        Grouping columns of the requests (``"channel"``, ``"manager_id"``,
        ``"request_type"``) or of ``clients`` (e.g. ``"legal_status"`` as the
        client type); ``None`` for one overall row.
    clients : pandas.DataFrame, optional
        Clients table, joined on ``client_id`` when ``by`` names a client column.

    Returns
    -------
    pandas.DataFrame
        One row per group, the grouping columns then :data:`REQUEST_KPI_COLUMNS`:
        counts of requests, answered requests, quoted requests, decided
        (won + lost + declined) and won requests; median and 90th percentile of the
        hours to first response, median hours to quote (missing when no request of
        the group was answered / quoted); ``win_rate`` = won / decided (missing
        when nothing was decided); ``share_pending``. Missing group values form
        the group ``"(missing)"``.

    Raises
    ------
    ValidationError
        A grouping column exists in neither table.
    """
    frame = request_times(requests)
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    for key in keys:
        if key in frame.columns:
            continue
        if clients is not None and key in clients.columns:
            attr = clients.set_index(clients["client_id"].astype(str))[key]
            frame[key] = attr.reindex(frame["client_id"].astype(str)).to_numpy()
            continue
        raise ValidationError(
            f"request_kpis: grouping column {key!r} is in neither requests nor clients"
        )
    for key in keys:
        frame[key] = frame[key].astype("string").fillna("(missing)").astype(str)
    outcome = frame["outcome"].astype(str)
    frame["_decided"] = outcome.isin(["won", "lost", "declined"])
    frame["_won"] = outcome == "won"
    frame["_pending"] = outcome == "pending"
    groups = frame.groupby(keys) if keys else frame.groupby(np.zeros(len(frame)))
    out = pd.DataFrame(
        {
            "n_requests": groups.size(),
            "n_responded": groups["first_response_hours"].count(),
            "median_first_response_hours": groups["first_response_hours"].median(),
            "p90_first_response_hours": groups["first_response_hours"].quantile(0.9),
            "n_quoted": groups["quote_hours"].count(),
            "median_quote_hours": groups["quote_hours"].median(),
            "n_decided": groups["_decided"].sum(),
            "n_won": groups["_won"].sum(),
            "share_pending": groups["_pending"].mean(),
        }
    )
    out["win_rate"] = out["n_won"] / out["n_decided"].where(out["n_decided"] > 0)
    out = out[REQUEST_KPI_COLUMNS]
    return out.reset_index() if keys else out.reset_index(drop=True)
