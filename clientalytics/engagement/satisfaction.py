"""Satisfaction: NPS, CSAT, expected-vs-perceived gaps, and their link to retention.

Satisfaction is subjective: a client judges the service against what it expected.
Besides the two headline scores (Net Promoter Score: % promoters scoring 9-10
minus % detractors scoring 0-6; CSAT: mean of a 1-5 satisfaction score and the
share scoring 4-5), the gap ``perceived - expected`` per service dimension shows
where the firm falls short of expectations. :func:`satisfaction_retention` checks
whether satisfied clients do in fact keep buying.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError


def nps_category(scores: pd.Series) -> pd.Series:
    """Classify 0-10 scores: promoter (9-10), passive (7-8), detractor (0-6); missing stays."""
    values = scores.astype(float)
    out = pd.Series(
        np.select(
            [values >= 9, values >= 7, values >= 0], ["promoter", "passive", "detractor"], ""
        ),
        index=scores.index,
        dtype=object,
    )
    return out.where(values.notna(), None)


def net_promoter_score(scores: pd.Series) -> float:
    """Net Promoter Score, -100..100, of a series of 0-10 scores (missing ignored).

    Raises
    ------
    ValidationError
        When no score is present or a score lies outside 0-10.
    """
    values = scores.dropna().astype(float)
    if values.empty:
        raise ValidationError("nps: no score to compute the Net Promoter Score from")
    bad = values[(values < 0) | (values > 10)]
    if len(bad):
        raise ValidationError(f"nps: {len(bad)} score(s) outside 0-10, e.g. {bad.head(3).tolist()}")
    return float(100.0 * ((values >= 9).mean() - (values <= 6).mean()))


def _attach(
    frame: pd.DataFrame, by: str | None, clients: pd.DataFrame | None, table: str
) -> tuple[pd.DataFrame, list[str]]:
    if by is None:
        return frame, []
    if by not in frame.columns:
        if clients is None or by not in clients.columns:
            raise ValidationError(
                f"{table}: grouping column {by!r} is in neither {table} nor clients"
            )
        attr = clients.set_index(clients["client_id"].astype(str))[by]
        frame = frame.assign(**{by: attr.reindex(frame["client_id"].astype(str)).to_numpy()})
    frame = frame.assign(**{by: frame[by].astype("string").fillna("(missing)").astype(str)})
    return frame, [by]


def satisfaction_summary(
    surveys: pd.DataFrame, *, by: str | None = None, clients: pd.DataFrame | None = None
) -> pd.DataFrame:
    """NPS and CSAT, overall or by a survey or client column (segment, manager...).

    Parameters
    ----------
    surveys : pandas.DataFrame
        Survey responses (``client_id``, ``nps_score``, ``csat_score``).
    by : str, optional
        Grouping column of ``surveys`` or ``clients`` (e.g. ``"manager_id"``, a
        segment column).
    clients : pandas.DataFrame, optional
        Clients table for client-level grouping columns.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``n_responses``, ``n_nps`` (responses with an NPS
        score), ``promoters_share``, ``passives_share``, ``detractors_share``,
        ``nps`` (-100..100), ``n_csat``, ``csat_mean`` (1-5) and
        ``csat_satisfied_share`` (share of 4-5). Shares and means are missing when
        the group has no score of that kind.
    """
    frame, keys = _attach(surveys, by, clients, "surveys")
    nps = (
        frame["nps_score"].astype(float)
        if "nps_score" in frame
        else pd.Series(np.nan, index=frame.index)
    )
    csat = (
        frame["csat_score"].astype(float)
        if "csat_score" in frame
        else pd.Series(np.nan, index=frame.index)
    )
    frame = frame.assign(
        _prom=(nps >= 9).astype(float).where(nps.notna()),
        _pass=((nps >= 7) & (nps <= 8)).astype(float).where(nps.notna()),
        _det=(nps <= 6).astype(float).where(nps.notna()),
        _csat=csat,
        _sat=(csat >= 4).astype(float).where(csat.notna()),
        _nps=nps,
    )
    groups = frame.groupby(keys) if keys else frame.groupby(np.zeros(len(frame)))
    out = pd.DataFrame(
        {
            "n_responses": groups.size(),
            "n_nps": groups["_nps"].count(),
            "promoters_share": groups["_prom"].mean(),
            "passives_share": groups["_pass"].mean(),
            "detractors_share": groups["_det"].mean(),
            "n_csat": groups["_csat"].count(),
            "csat_mean": groups["_csat"].mean(),
            "csat_satisfied_share": groups["_sat"].mean(),
        }
    )
    out.insert(4, "nps", 100.0 * (out["promoters_share"] - out["detractors_share"]))
    return out.reset_index() if keys else out.reset_index(drop=True)


def expectation_gaps(
    surveys: pd.DataFrame,
    survey_dimensions: pd.DataFrame,
    *,
    by: str | None = None,
    clients: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mean expected and perceived score per service dimension, and their gap.

    Parameters
    ----------
    surveys : pandas.DataFrame
        Survey responses (``response_id``, ``client_id``).
    survey_dimensions : pandas.DataFrame
        Scores per response and dimension (``response_id``, ``dimension``,
        ``expected_score``, ``perceived_score``, each 0-10).
    by : str, optional
        Grouping column of ``surveys`` or ``clients``.
    clients : pandas.DataFrame, optional
        Clients table for client-level grouping columns.

    Returns
    -------
    pandas.DataFrame
        One row per (group and) dimension, sorted by gap (worst first):
        ``n_scores``, ``mean_expected``, ``mean_perceived``, ``gap`` (mean of
        perceived - expected; negative = the service falls short) and
        ``share_below_expectation``.

    Raises
    ------
    ValidationError
        Dimension rows whose response is not in ``surveys``.
    """
    dims = survey_dimensions.copy()
    known = surveys.set_index(surveys["response_id"].astype(str))
    ids = dims["response_id"].astype(str)
    orphan = ids[~ids.isin(known.index)]
    if len(orphan):
        raise ValidationError(
            f"survey_dimensions: {len(orphan)} row(s) name responses missing from surveys, e.g. "
            f"{orphan.unique()[:3].tolist()}"
        )
    dims["client_id"] = known["client_id"].astype(str).reindex(ids).to_numpy()
    if by is not None and by in surveys.columns:
        dims[by] = known[by].reindex(ids).to_numpy()
    dims, keys = _attach(dims, by, clients, "surveys")
    diff = dims["perceived_score"].astype(float) - dims["expected_score"].astype(float)
    dims = dims.assign(_gap=diff, _below=(diff < 0).astype(float))
    groups = dims.groupby([*keys, "dimension"])
    out = pd.DataFrame(
        {
            "n_scores": groups.size(),
            "mean_expected": groups["expected_score"].mean(),
            "mean_perceived": groups["perceived_score"].mean(),
            "gap": groups["_gap"].mean(),
            "share_below_expectation": groups["_below"].mean(),
        }
    ).reset_index()
    return out.sort_values([*keys, "gap"]).reset_index(drop=True)


def satisfaction_retention(
    surveys: pd.DataFrame,
    transactions: Any,
    *,
    observation_end: pd.Timestamp | str | dt.date,
    horizon_days: int = 365,
    by: str = "nps_category",
) -> pd.DataFrame:
    """Share of surveyed clients who ordered again within ``horizon_days`` of answering.

    Only responses with a full horizon before the observation end are used, so
    every response had the same time to show a repeat order.

    Parameters
    ----------
    surveys : pandas.DataFrame
        Survey responses (``client_id``, ``surveyed_at``, ``nps_score``, ``csat_score``).
    transactions : pandas.DataFrame
        Orders (``client_id``, ``date``, ``revenue``).
    observation_end : timestamp
        End of the observation window.
    horizon_days : int
        Days after the survey in which an order counts as retention.
    by : {"nps_category", "nps_score", "csat_score"}
        How to group the responses.

    Returns
    -------
    pandas.DataFrame
        One row per group value: ``n_responses`` and ``retention_rate`` (share
        with an order in the horizon), in score order.

    Raises
    ------
    ValidationError
        Unknown ``by`` or no response with a full horizon.
    """
    if by not in ("nps_category", "nps_score", "csat_score"):
        raise ValidationError(f"by must be 'nps_category', 'nps_score' or 'csat_score', got {by!r}")
    end = pd.Timestamp(observation_end)
    horizon = pd.Timedelta(days=horizon_days)
    sv = surveys[surveys["surveyed_at"] + horizon <= end].copy()
    score_col = "csat_score" if by == "csat_score" else "nps_score"
    sv = sv[sv[score_col].notna()]
    if sv.empty:
        raise ValidationError(
            f"surveys: no response with a {score_col} answered at least {horizon_days} days "
            f"before observation_end {end.date()}"
        )
    orders = pd.DataFrame(transactions)[["client_id", "date", "revenue"]]
    orders = orders[orders["revenue"] >= 0].assign(client_id=lambda f: f["client_id"].astype(str))
    pairs = (
        sv[["response_id", "client_id", "surveyed_at"]]
        .assign(client_id=lambda f: f["client_id"].astype(str))
        .merge(orders, on="client_id", how="left")
    )
    hit = (pairs["date"] > pairs["surveyed_at"]) & (pairs["date"] <= pairs["surveyed_at"] + horizon)
    retained = hit.groupby(pairs["response_id"]).any()
    sv["retained"] = retained.reindex(sv["response_id"]).to_numpy().astype(float)
    key = nps_category(sv["nps_score"]) if by == "nps_category" else sv[score_col].astype(int)
    grouped = sv.groupby(key.rename(by))
    out = pd.DataFrame(
        {"n_responses": grouped.size(), "retention_rate": grouped["retained"].mean()}
    )
    if by == "nps_category":
        order = [c for c in ("detractor", "passive", "promoter") if c in out.index]
        out = out.loc[order]
    return out.reset_index()
