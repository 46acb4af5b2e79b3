"""Request-handling KPIs: how fast the firm answers, quotes and wins requests.

For every incoming request the time to the first response and the time to the
price quote are measured twice: in calendar hours and in working hours (only the
working time of working days counts, by a :class:`~clientalytics.calendar.BusinessCalendar`,
Russian by default), so a request sent on Friday evening and answered on Monday
morning is not counted as a 63-hour wait.

Win rate is measured on commercial requests only (requests for a quote, by
default ``request_type == "commercial"``): service and complaint requests are
recorded as "won" when closed and would inflate it. It is the share of won
requests among decided ones (won, lost or declined; pending requests are left
out), with a Wilson 95 % interval, and groups with fewer than ``min_decided``
decided requests are flagged. The KPIs can be grouped by channel, manager,
request type or any client attribute.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clientalytics.calendar import BusinessCalendar
from clientalytics.exceptions import ValidationError
from clientalytics.report.intervals import wilson_interval
from clientalytics.schema import require

#: Request types whose outcome is a commercial win or loss (the win-rate population).
WIN_RATE_TYPES: tuple[str, ...] = ("commercial",)

#: Decided commercial requests below which a group's win rate is flagged as small.
MIN_DECIDED = 30

#: Columns of :func:`request_kpis` after the grouping columns.
REQUEST_KPI_COLUMNS = [
    "n_requests",
    "n_responded",
    "median_first_response_hours",
    "p90_first_response_hours",
    "median_first_response_working_hours",
    "p90_first_response_working_hours",
    "n_quoted",
    "median_quote_hours",
    "median_quote_working_hours",
    "n_commercial",
    "n_decided",
    "n_won",
    "win_rate",
    "win_rate_low",
    "win_rate_high",
    "small_group",
    "share_pending",
]


def request_times(
    requests: pd.DataFrame, *, calendar: BusinessCalendar | None = None
) -> pd.DataFrame:
    """Per-request response and quote times, in calendar and in working hours.

    Parameters
    ----------
    requests : pandas.DataFrame
        Requests table (``request_id``, ``received_at``, ``first_response_at``,
        ``quoted_at``, ``outcome`` and any grouping columns).
    calendar : BusinessCalendar, optional
        Working days and hours; the Russian calendar (09:00-18:00) by default.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``first_response_hours`` and ``quote_hours``
        (calendar hours) and ``first_response_working_hours`` and
        ``quote_working_hours`` (working hours of ``calendar``); missing when the
        request has not been answered / quoted.

    Raises
    ------
    ValidationError
        A required column is missing, or a response precedes its request.
    """
    need = ["received_at", "first_response_at", "outcome"]
    require(requests, "requests", need)
    cal = BusinessCalendar() if calendar is None else calendar
    out = requests.copy()
    received = pd.to_datetime(out["received_at"])
    pairs = {"first_response": out["first_response_at"]}
    pairs["quote"] = (
        out["quoted_at"] if "quoted_at" in out.columns else pd.Series(pd.NaT, index=out.index)
    )
    for name, moment in pairs.items():
        moment = pd.to_datetime(moment)
        col = f"{name}_hours"
        out[col] = (moment - received).dt.total_seconds() / 3600.0
        bad = out[out[col] < 0]
        if len(bad):
            raise ValidationError(
                f"requests: {len(bad)} row(s) with {col} < 0 (answer before the request), e.g. "
                f"{_ids(bad)}"
            )
        out[f"{name}_working_hours"] = cal.working_hours_between(received, moment).to_numpy()
    return out


def _ids(rows: pd.DataFrame) -> list[str]:
    ids = rows["request_id"] if "request_id" in rows.columns else rows.index.to_series()
    return ids.astype(str).head(3).tolist()


def request_kpis(
    requests: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "channel",
    clients: pd.DataFrame | None = None,
    win_types: Sequence[str] = WIN_RATE_TYPES,
    min_decided: int = MIN_DECIDED,
    calendar: BusinessCalendar | None = None,
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
    win_types : sequence of str
        Request types whose outcome is a commercial win or loss; only they enter
        the win rate. Without a ``request_type`` column, the requests that got a
        quote (``quoted_at`` set) are taken as commercial.
    min_decided : int
        Groups with fewer decided commercial requests get ``small_group = True``.
    calendar : BusinessCalendar, optional
        Calendar of the working-hour columns; Russian by default.

    Returns
    -------
    pandas.DataFrame
        One row per group, the grouping columns then :data:`REQUEST_KPI_COLUMNS`:

        - ``n_requests``, ``n_responded``, ``n_quoted``: requests of every type,
          answered, quoted;
        - ``median_first_response_hours``, ``p90_first_response_hours``,
          ``median_quote_hours``: calendar hours; the ``*_working_hours``
          columns: the same in working hours (missing when no request of the
          group was answered / quoted);
        - ``n_commercial``: commercial requests (``win_types``); ``n_decided``
          (won + lost + declined) and ``n_won`` among them;
        - ``win_rate`` = won / decided among commercial requests (missing when
          nothing was decided), ``win_rate_low`` / ``win_rate_high`` its Wilson
          95 % interval, ``small_group`` = ``n_decided < min_decided``;
        - ``share_pending``: share of all requests still open.

        Missing group values form the group ``"(missing)"``.

    Raises
    ------
    ValidationError
        A grouping column exists in neither table.
    """
    frame = request_times(requests, calendar=calendar)
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
    if "request_type" in frame.columns:
        commercial = frame["request_type"].astype("string").isin(list(win_types)).fillna(False)
    else:
        commercial = frame["quote_hours"].notna()
    commercial = commercial.astype(bool)
    frame["_commercial"] = commercial
    frame["_decided"] = commercial & outcome.isin(["won", "lost", "declined"])
    frame["_won"] = commercial & (outcome == "won")
    frame["_pending"] = outcome == "pending"
    groups = frame.groupby(keys) if keys else frame.groupby(np.zeros(len(frame)))
    out = pd.DataFrame(
        {
            "n_requests": groups.size(),
            "n_responded": groups["first_response_hours"].count(),
            "median_first_response_hours": groups["first_response_hours"].median(),
            "p90_first_response_hours": groups["first_response_hours"].quantile(0.9),
            "median_first_response_working_hours": groups["first_response_working_hours"].median(),
            "p90_first_response_working_hours": groups["first_response_working_hours"].quantile(
                0.9
            ),
            "n_quoted": groups["quote_hours"].count(),
            "median_quote_hours": groups["quote_hours"].median(),
            "median_quote_working_hours": groups["quote_working_hours"].median(),
            "n_commercial": groups["_commercial"].sum(),
            "n_decided": groups["_decided"].sum(),
            "n_won": groups["_won"].sum(),
            "share_pending": groups["_pending"].mean(),
        }
    )
    for col in ("n_commercial", "n_decided", "n_won"):
        out[col] = out[col].astype("int64")
    out["win_rate"] = out["n_won"] / out["n_decided"].where(out["n_decided"] > 0)
    bounds = [wilson_interval(w, d) for w, d in zip(out["n_won"], out["n_decided"], strict=True)]
    out["win_rate_low"] = [lo for lo, _ in bounds]
    out["win_rate_high"] = [hi for _, hi in bounds]
    out["small_group"] = out["n_decided"] < min_decided
    out = out[REQUEST_KPI_COLUMNS]
    return out.reset_index() if keys else out.reset_index(drop=True)
