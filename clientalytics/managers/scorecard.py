"""Manager scorecards: portfolio, retention, value, speed and satisfaction per period.

A scorecard row describes one manager in one calendar period, in the terms the
correction phase of client management asks for: how many clients the manager
holds and keeps (retention and churn coefficients), what the portfolio is worth
(lifetime value when known, margin otherwise), what it earned, how many clients
were won, how fast requests were answered and how satisfied the clients are.
Clients belong to the manager named in the clients table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.managers.activity import client_period_activity
from clientalytics.managers.small_groups import (
    MIN_CLIENTS,
    MIN_RESPONSES,
    nps_bounds,
    wilson_bounds,
)
from clientalytics.periods import MONTHS_PER_PERIOD, TimeUnit, period_floor, period_range
from clientalytics.retention import retention_coefficients
from clientalytics.retention.activity import MISSING_GROUP
from clientalytics.schema import require

#: Columns of :func:`manager_scorecard`, in order.
SCORECARD_COLUMNS = [
    "manager_id",
    "period",
    "portfolio_size",
    "active_clients",
    "clients_won",
    "retention_rate",
    "churn_rate",
    "retention_base",
    "retention_ci_low",
    "retention_ci_high",
    "retention_enough_data",
    "revenue",
    "margin",
    "portfolio_value",
    "value_basis",
    "n_requests",
    "median_response_hours",
    "n_survey_responses",
    "csat_mean",
    "csat_enough_data",
    "n_nps_answers",
    "nps",
    "nps_ci_low",
    "nps_ci_high",
    "nps_enough_data",
]


def client_managers(clients: pd.DataFrame, *, manager_col: str = "manager_id") -> pd.Series:
    """Map ``client_id`` to its manager; clients without one map to ``"(missing)"``.

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
    require(clients, "clients", ["client_id", manager_col])
    ids = clients["client_id"].astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        raise ValidationError(
            f"clients: column 'client_id' has {len(dup)} repeated value(s), e.g. "
            f"{dup.unique()[:3].tolist()}"
        )
    managers = clients[manager_col].astype("string").fillna(MISSING_GROUP).astype(str)
    return pd.Series(managers.to_numpy(), index=pd.Index(ids.to_numpy(), name="client_id"))


def _clv_series(clv: pd.Series | pd.DataFrame) -> pd.Series:
    if isinstance(clv, pd.DataFrame):
        require(clv, "clv", ["clv"], hint="pass a Series or a frame with a 'clv' column")
        clv = clv["clv"]
    values = clv.astype(float)
    bad = values[~np.isfinite(values.to_numpy())]
    if len(bad):
        raise ValidationError(
            f"clv: {len(bad)} missing or infinite value(s), e.g. clients {bad.index[:3].tolist()}"
        )
    values.index = values.index.astype(str)
    return values


def _check_retention(retention: pd.DataFrame) -> pd.DataFrame:
    need = ["manager_id", "period", "retention_rate"]
    require(retention, "retention", need)
    out = retention[need + (["clients_start"] if "clients_start" in retention else [])].copy()
    out["manager_id"] = out["manager_id"].astype(str)
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[ns]")
    rate = out["retention_rate"].astype(float)
    bad = rate[(rate < 0) | (rate > 1) | rate.isna()]
    if len(bad):
        raise ValidationError(
            f"retention: column 'retention_rate' has {len(bad)} value(s) outside [0, 1], "
            f"e.g. {bad.head(3).tolist()}"
        )
    out["churn_rate"] = 1.0 - rate
    return out


def _request_stats(
    requests: pd.DataFrame, owner: pd.Series, time_unit: TimeUnit, manager_col: str
) -> pd.DataFrame:
    req = requests.copy()
    handler = req[manager_col].astype("string") if manager_col in req else None
    fallback = owner.reindex(req["client_id"].astype(str)).to_numpy()
    req["manager_id"] = (
        handler.fillna(pd.Series(fallback, index=req.index)).astype(str)
        if (handler is not None)
        else fallback
    )
    req["period"] = period_floor(req["received_at"], time_unit)
    hours = (req["first_response_at"] - req["received_at"]).dt.total_seconds() / 3600.0
    req["hours"] = hours
    grouped = req.groupby(["manager_id", "period"])
    return pd.DataFrame(
        {"n_requests": grouped.size(), "median_response_hours": grouped["hours"].median()}
    )


def _survey_stats(surveys: pd.DataFrame, owner: pd.Series, time_unit: TimeUnit) -> pd.DataFrame:
    sv = surveys.copy()
    sv["manager_id"] = owner.reindex(sv["client_id"].astype(str)).to_numpy()
    sv["period"] = period_floor(sv["surveyed_at"], time_unit)
    nps = sv["nps_score"].astype(float) if "nps_score" in sv else pd.Series(np.nan, index=sv.index)
    sv["promoter"] = np.where(nps.isna(), np.nan, (nps >= 9).astype(float))
    sv["detractor"] = np.where(nps.isna(), np.nan, (nps <= 6).astype(float))
    sv["csat"] = sv["csat_score"].astype(float) if "csat_score" in sv else np.nan
    grouped = sv.groupby(["manager_id", "period"])
    return pd.DataFrame(
        {
            "n_survey_responses": grouped.size(),
            "n_csat_answers": grouped["csat"].count(),
            "csat_mean": grouped["csat"].mean(),
            "n_nps_answers": grouped["promoter"].count(),
            "n_promoters": grouped["promoter"].sum(),
            "n_detractors": grouped["detractor"].sum(),
            "nps": 100.0 * (grouped["promoter"].mean() - grouped["detractor"].mean()),
        }
    )


def _small_groups(card: pd.DataFrame, min_clients: int, min_responses: int) -> pd.DataFrame:
    """Intervals, enough-data flags and missing values for groups below the minimum."""
    base = card["retention_base"].astype(float)
    rate = card["retention_rate"].astype(float)
    retained = (rate * base).round()
    low, high = wilson_bounds(retained.where(rate.notna()), base.where(rate.notna()))
    card["retention_ci_low"], card["retention_ci_high"] = low, high
    enough = (base >= min_clients) & rate.notna()
    card["retention_enough_data"] = enough.to_numpy(dtype=bool)
    card.loc[~enough, ["retention_rate", "churn_rate"]] = np.nan
    answers = card["n_nps_answers"].astype(float)
    low, high = nps_bounds(card["n_promoters"], card["n_detractors"], answers)
    card["nps_ci_low"], card["nps_ci_high"] = low, high
    enough_nps = (answers >= min_responses) & card["nps"].notna()
    card["nps_enough_data"] = enough_nps.to_numpy(dtype=bool)
    card.loc[~enough_nps, "nps"] = np.nan
    enough_csat = (card["n_csat_answers"] >= min_responses) & card["csat_mean"].notna()
    card["csat_enough_data"] = enough_csat.to_numpy(dtype=bool)
    card.loc[~enough_csat, "csat_mean"] = np.nan
    return card


def manager_scorecard(
    transactions: Any,
    clients: pd.DataFrame,
    *,
    time_unit: TimeUnit = "Q",
    observation_end: pd.Timestamp | str | dt.date | None = None,
    requests: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    clv: pd.Series | pd.DataFrame | None = None,
    retention: pd.DataFrame | None = None,
    manager_col: str = "manager_id",
    include_partial: bool = False,
    min_clients: int = MIN_CLIENTS,
    min_responses: int = MIN_RESPONSES,
) -> pd.DataFrame:
    """Build one scorecard row per manager and calendar period.

    Parameters
    ----------
    transactions : DataFrame-like
        Orders (``client_id``, ``date``, ``revenue``, ``variable_cost``).
    clients : pandas.DataFrame
        Clients table; ``manager_col`` names each client's manager (the portfolio
        owner). Clients without one are grouped under ``"(unassigned)"``.
    time_unit : {"M", "Q", "Y"}
        Calendar month, quarter or year.
    observation_end : timestamp, optional
        End of the observation window; defaults to the latest order date.
    requests : pandas.DataFrame, optional
        Requests table (``received_at``, ``first_response_at``); a request counts
        for its ``manager_id``, or the client's manager when that is empty.
    surveys : pandas.DataFrame, optional
        Survey responses (``surveyed_at``, ``nps_score``, ``csat_score``).
    clv : pandas.Series or DataFrame, optional
        Lifetime value per client (a Series indexed by client id, or a frame with a
        ``clv`` column). When given, ``portfolio_value`` is the sum of the CLV of
        the manager's clients acquired by the period's end; otherwise it is the
        period's margin.
    retention : pandas.DataFrame, optional
        Retention coefficients computed elsewhere, with columns ``manager_id``,
        ``period`` (first day of the period), ``retention_rate`` and optionally
        ``clients_start`` (the rate's base; without it, the manager's active
        clients in the previous period). When omitted,
        :func:`clientalytics.retention.retention_coefficients` computes them per
        manager, a client counting as active in a period when it ordered in it
        (``activity_window`` = the period's length in months).
    manager_col : str
        Column of ``clients`` naming the manager.
    include_partial : bool
        Keep the last period when ``observation_end`` falls before its last day
        (its counts then cover only part of the period and are not comparable).
        Without ``observation_end`` the last period is always kept.
    min_clients : int
        Smallest number of clients active at the period's start behind a
        retention (and churn) rate; below it the rate is missing and
        ``retention_enough_data`` is false (default :data:`MIN_CLIENTS` = 20).
    min_responses : int
        Smallest number of survey answers behind an NPS (answers with an NPS
        score) or a CSAT mean (answers with a CSAT score); below it the value is
        missing and ``nps_enough_data`` (``csat_enough_data``) is false (default
        :data:`MIN_RESPONSES` = 10).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCORECARD_COLUMNS`, one row per portfolio owner (every
        manager named in the clients table; requests handled by a manager who owns
        no client are not shown) and period from the
        first order to the observation end (the last period only when complete,
        unless ``include_partial``):

        - ``portfolio_size``: the manager's clients whose first order came by the
          period's end;
        - ``active_clients``: clients with an order in the period;
        - ``clients_won``: clients whose first order fell in the period;
        - ``retention_rate``, ``churn_rate``: CRR = (E - N) / S and 1 - CRR;
          missing where no client was active at the period's start, for a
          last period that is not complete, and where S < ``min_clients``
          (not enough data);
        - ``retention_base``: S, the clients active at the period's start;
        - ``retention_ci_low``, ``retention_ci_high``: Wilson 95 % interval of
          the retention rate, given whenever S > 0 (also below the minimum, where
          its width shows how little the group says);
        - ``retention_enough_data``: S >= ``min_clients`` and the rate defined;
        - ``revenue``, ``margin``: the portfolio's revenue and margin in the period;
        - ``portfolio_value`` and ``value_basis`` (``"clv"`` or ``"margin"``);
        - ``n_requests``, ``median_response_hours``: requests received in the
          period and the median hours to the first response (missing when none was
          answered);
        - ``n_survey_responses``, ``csat_mean`` (1-5), ``nps`` (-100..100): missing
          when the period has no response or fewer than ``min_responses``;
          ``csat_enough_data``, ``nps_enough_data`` say which; ``n_nps_answers``
          counts the answers with an NPS score; ``nps_ci_low``, ``nps_ci_high``
          are its 95 % interval from the NPS variance (see
          :func:`clientalytics.managers.nps_bounds`), given whenever there is an
          answer.

    Raises
    ------
    ValidationError
        Missing columns, unknown clients, an invalid retention or CLV input, or a
        minimum group size that is not a positive whole number.
    """
    for name, minimum in (("min_clients", min_clients), ("min_responses", min_responses)):
        if int(minimum) != minimum or minimum < 1:
            raise ValidationError(f"{name} must be a positive whole number, got {minimum}")
    activity = client_period_activity(
        transactions, time_unit=time_unit, observation_end=observation_end
    )
    owner = client_managers(clients, manager_col=manager_col)
    end = pd.Timestamp(observation_end) if observation_end is not None else activity["period"].max()
    if retention is None:
        coefficients = retention_coefficients(
            transactions,
            time_unit=time_unit,
            activity_window=int(MONTHS_PER_PERIOD[time_unit]),
            clients=clients.assign(
                **{manager_col: owner.reindex(clients["client_id"].astype(str)).to_numpy()}
            ),
            by=manager_col,
            observation_end=None if observation_end is None else pd.Timestamp(observation_end),
        )
        ret = coefficients.rename(columns={"group": "manager_id"})[
            ["manager_id", "period", "retention_rate", "churn_rate", "clients_start"]
        ]
    else:
        ret = _check_retention(retention)
    periods = period_range(activity["period"].min(), end, time_unit)
    if observation_end is not None and not include_partial and len(periods) > 1:
        last_day = (periods[-1].to_period(time_unit).end_time).normalize()
        if end.normalize() < last_day:
            periods = periods[:-1]
    managers = sorted(set(owner))
    grid = pd.MultiIndex.from_product([managers, periods], names=["manager_id", "period"])
    act = activity.assign(manager_id=owner.reindex(activity["client_id"]).to_numpy())
    if act["manager_id"].isna().any():
        unknown = act.loc[act["manager_id"].isna(), "client_id"].unique()
        raise ValidationError(
            f"transactions: {len(unknown)} client(s) missing from the clients table, "
            f"e.g. {unknown[:3].tolist()}"
        )
    buying = act[act["active"]]
    first = buying.groupby("client_id")["period"].min()
    won = (
        pd.DataFrame({"manager_id": owner.reindex(first.index).to_numpy(), "period": first})
        .groupby(["manager_id", "period"])
        .size()
        .reindex(grid, fill_value=0)
    )
    grouped = act.groupby(["manager_id", "period"])
    card = pd.DataFrame(
        {
            "portfolio_size": won.groupby(level="manager_id").cumsum(),
            "active_clients": grouped["active"].sum().reindex(grid, fill_value=0),
            "clients_won": won,
            "revenue": grouped["revenue"].sum().reindex(grid, fill_value=0.0),
            "margin": grouped["margin"].sum().reindex(grid, fill_value=0.0),
        }
    )
    if clv is not None:
        values = _clv_series(clv)
        acquired = pd.DataFrame(
            {
                "manager_id": owner.reindex(first.index).to_numpy(),
                "period": first.to_numpy(),
                "value": values.reindex(first.index).fillna(0.0).to_numpy(),
            }
        )
        per = acquired.groupby(["manager_id", "period"])["value"].sum().reindex(grid, fill_value=0)
        card["portfolio_value"] = per.groupby(level="manager_id").cumsum()
        card["value_basis"] = "clv"
    else:
        card["portfolio_value"] = card["margin"]
        card["value_basis"] = "margin"
    card = card.join(ret.set_index(["manager_id", "period"]), how="left")
    previous = card["active_clients"].groupby(level="manager_id").shift(1)
    start = card["clients_start"] if "clients_start" in card else previous
    card["retention_base"] = start.fillna(previous).fillna(0).astype("int64")
    if requests is not None and len(requests):
        card = card.join(_request_stats(requests, owner, time_unit, manager_col), how="left")
        card["n_requests"] = card["n_requests"].fillna(0).astype("int64")
    else:
        card["n_requests"] = 0
        card["median_response_hours"] = np.nan
    if surveys is not None and len(surveys):
        card = card.join(_survey_stats(surveys, owner, time_unit), how="left")
        for col in ("n_survey_responses", "n_csat_answers", "n_nps_answers"):
            card[col] = card[col].fillna(0).astype("int64")
    else:
        for col in ("n_survey_responses", "n_csat_answers", "n_nps_answers"):
            card[col] = 0
        card["n_promoters"] = card["n_detractors"] = 0.0
        card["csat_mean"] = np.nan
        card["nps"] = np.nan
    card = _small_groups(card, int(min_clients), int(min_responses))
    return card.reset_index()[SCORECARD_COLUMNS]
