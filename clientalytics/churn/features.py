"""Churn features and labels known at a cutoff date.

:func:`churn_features` describes every client as the company saw it on the
cutoff date: purchase summary and RFM statistics, order-value and revenue
trends, contacts and requests (counts, complaints, response times), survey
scores, contract state and days to expiry, and the client's typology. Only
events on or before the cutoff enter the features, so changing anything after
the cutoff leaves them unchanged (no leakage). :func:`churn_labels` says which
of those clients churned in the window after the cutoff, and
:func:`churn_dataset` stacks several cutoffs for temporal training.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import ValidationError
from clientalytics.periods import naive_utc
from clientalytics.summary import summarize

LabelKind = Literal["purchase", "contract"]
#: Client columns used as categorical features (the typology, without the
#: relation to the firm, which the CRM derives from the whole history).
TYPOLOGY_COLUMNS = ["legal_status", "behaviour", "price_reaction", "novelty_attitude"]
#: Days of the recent window used by the trend and count features.
RECENT_DAYS = 90


def _cutoff(cutoff: pd.Timestamp | str) -> pd.Timestamp:
    return naive_utc(pd.Timestamp(cutoff))


def _purchase_features(tx: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Summary, RFM, trend and value features from the orders up to ``cutoff``."""
    summary = summarize(tx, observation_end=cutoff, time_unit="D")
    days_ago = (cutoff - tx["date"]).dt.total_seconds() / 86_400.0
    orders = tx[tx["revenue"] >= 0]
    order_age = days_ago.loc[orders.index]
    grouped = orders.groupby("client_id")
    recent = orders[order_age <= RECENT_DAYS].groupby("client_id")["revenue"]
    prior = orders[(order_age > RECENT_DAYS) & (order_age <= 2 * RECENT_DAYS)].groupby("client_id")[
        "revenue"
    ]
    mean_value = grouped["revenue"].mean()
    recent_value = orders[order_age <= 2 * RECENT_DAYS].groupby("client_id")["revenue"].mean()
    idx = summary.index
    n_recent = recent.size().reindex(idx, fill_value=0).astype(float)
    n_prior = prior.size().reindex(idx, fill_value=0).astype(float)
    rev_recent = recent.sum().reindex(idx, fill_value=0.0)
    rev_prior = prior.sum().reindex(idx, fill_value=0.0)
    gap = (summary["recency"] / summary["frequency"].where(summary["frequency"] > 0)).fillna(
        summary["T"]
    )
    trend = recent_value.reindex(idx) / mean_value.reindex(idx).where(lambda s: s > 0) - 1.0
    return pd.DataFrame(
        {
            "days_since_last_purchase": summary["days_since_last_purchase"].astype(float),
            "frequency": summary["frequency"].astype(float),
            "recency": summary["recency"],
            "tenure_days": summary["T"],
            "n_orders": summary["n_orders"].astype(float),
            "monetary_value": summary["monetary_value"],
            "total_revenue": summary["total_revenue"],
            "total_margin": summary["total_margin"],
            "margin_rate": (
                summary["total_margin"]
                / summary["total_revenue"].where(summary["total_revenue"] > 0)
            ).fillna(0.0),
            "orders_per_month": summary["n_orders"] / np.maximum(summary["T"], 30.0) * 30.0,
            "mean_gap_days": gap,
            "overdue_ratio": summary["days_since_last_purchase"] / np.maximum(gap, 1.0),
            "orders_recent": n_recent,
            "orders_prior": n_prior,
            "order_trend": (n_recent - n_prior) / np.maximum(n_recent + n_prior, 1.0),
            "revenue_trend": (rev_recent - rev_prior)
            / np.maximum(rev_recent.abs() + rev_prior.abs(), 1.0),
            "order_value_trend": trend.fillna(0.0),
        },
        index=idx,
    )


def _contact_features(base: ClientBase, cutoff: pd.Timestamp, idx: pd.Index) -> pd.DataFrame:
    """Touchpoint, request and complaint features up to ``cutoff``."""
    tp = base.touchpoints[base.touchpoints["timestamp"] <= cutoff]
    tp_age = (cutoff - tp["timestamp"]).dt.total_seconds() / 86_400.0
    rq = base.requests[base.requests["received_at"] <= cutoff]
    rq_age = (cutoff - rq["received_at"]).dt.total_seconds() / 86_400.0
    answered = rq[rq["first_response_at"].notna() & (rq["first_response_at"] <= cutoff)]
    hours = (answered["first_response_at"] - answered["received_at"]).dt.total_seconds() / 3600.0
    complaint_tp = tp["kind"] == "complaint"
    complaint_rq = rq["request_type"] == "complaint"
    last_tp = tp.groupby("client_id")["timestamp"].max()
    last_complaint = (
        pd.concat(
            [
                tp.loc[complaint_tp, ["client_id", "timestamp"]],
                rq.loc[complaint_rq, ["client_id", "received_at"]].rename(
                    columns={"received_at": "timestamp"}
                ),
            ]
        )
        .groupby("client_id")["timestamp"]
        .max()
    )

    def count(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
        return frame[mask].groupby("client_id").size().reindex(idx, fill_value=0).astype(float)

    median_hours = hours.groupby(answered["client_id"]).median().reindex(idx)
    fill_hours = float(hours.median()) if len(hours) else 0.0
    days_since_complaint = (cutoff - last_complaint).dt.total_seconds().reindex(idx) / 86_400.0
    days_since_contact = (cutoff - last_tp).dt.total_seconds().reindex(idx) / 86_400.0
    horizon = 10 * 365.0
    return pd.DataFrame(
        {
            "touchpoints_recent": count(tp, tp_age <= RECENT_DAYS),
            "touchpoints_total": count(tp, tp_age >= 0),
            "days_since_contact": days_since_contact.fillna(horizon),
            "complaints_recent": count(tp, complaint_tp & (tp_age <= RECENT_DAYS))
            + count(rq, complaint_rq & (rq_age <= RECENT_DAYS)),
            "complaints_total": count(tp, complaint_tp) + count(rq, complaint_rq),
            "days_since_complaint": days_since_complaint.fillna(horizon),
            "requests_recent": count(rq, rq_age <= RECENT_DAYS),
            "requests_total": count(rq, rq_age >= 0),
            "response_hours": median_hours.fillna(fill_hours),
        },
        index=idx,
    )


def _survey_features(base: ClientBase, cutoff: pd.Timestamp, idx: pd.Index) -> pd.DataFrame:
    """Last NPS and CSAT and the mean expectation gap of the surveys up to ``cutoff``."""
    sv = base.surveys[base.surveys["surveyed_at"] <= cutoff].sort_values("surveyed_at")
    last = sv.groupby("client_id").last()
    dims = base.survey_dimensions.merge(sv[["response_id", "client_id"]], on="response_id")
    gap = (dims["perceived_score"] - dims["expected_score"]).groupby(dims["client_id"]).mean()
    nps = last["nps_score"].astype(float).reindex(idx)
    csat = last["csat_score"].astype(float).reindex(idx)
    surveyed = pd.Series(idx.isin(last.index), index=idx).astype(float)
    nps_fill = float(sv["nps_score"].median()) if len(sv) and sv["nps_score"].notna().any() else 7.0
    csat_fill = (
        float(sv["csat_score"].median()) if len(sv) and sv["csat_score"].notna().any() else 4.0
    )
    return pd.DataFrame(
        {
            "surveyed": surveyed,
            "last_nps": nps.fillna(nps_fill),
            "last_csat": csat.fillna(csat_fill),
            "satisfaction_gap": gap.reindex(idx).fillna(0.0),
        },
        index=idx,
    )


def _contract_features(base: ClientBase, cutoff: pd.Timestamp, idx: pd.Index) -> pd.DataFrame:
    """Contract state at ``cutoff`` from dates only (statuses are those at the end)."""
    ct = base.contracts
    signed = ct[ct["signed_date"].notna() & (ct["signed_date"] <= cutoff)]
    running = signed[
        signed["start_date"].notna()
        & (signed["start_date"] <= cutoff)
        & (signed["expiry_date"] > cutoff)
    ]
    upcoming = signed[signed["start_date"].notna() & (signed["start_date"] > cutoff)]
    expiry = running.groupby("client_id")["expiry_date"].max()
    days_to_expiry = (expiry - cutoff).dt.total_seconds() / 86_400.0
    n_signed = signed.groupby("client_id").size()
    renewals = signed[signed["renewal_of"].notna()].groupby("client_id").size()
    return pd.DataFrame(
        {
            "has_contract": pd.Series(idx.isin(expiry.index), index=idx).astype(float),
            "days_to_expiry": days_to_expiry.reindex(idx).fillna(0.0),
            "next_contract_signed": pd.Series(
                idx.isin(upcoming["client_id"].unique()), index=idx
            ).astype(float),
            "contracts_signed": n_signed.reindex(idx, fill_value=0).astype(float),
            "renewals": renewals.reindex(idx, fill_value=0).astype(float),
        },
        index=idx,
    )


def _typology(base: ClientBase, idx: pd.Index) -> pd.DataFrame:
    """Typology columns of the clients (a ClientBase holds every declared client column)."""
    clients = base.clients.set_index("client_id")
    out = pd.DataFrame(index=idx)
    for col in TYPOLOGY_COLUMNS:
        values = clients[col].astype(object).reindex(idx)
        out[col] = values.where(values.notna(), "unknown").astype(str)
    programme = clients["relationship_programme"].astype("boolean").reindex(idx)
    out["relationship_programme"] = programme.fillna(False).astype(float)
    return out


def churn_features(
    base: ClientBase,
    *,
    cutoff: pd.Timestamp | str,
    active_within: int | None = 12,
) -> pd.DataFrame:
    """Describe each client as known on the cutoff date.

    Parameters
    ----------
    base : ClientBase
        The company's validated tables.
    cutoff : timestamp
        The moment the prediction is made. Only orders, contacts, requests,
        surveys and contracts dated on or before it are used; contracts enter by
        their signing, start and expiry dates (never their final status) and the
        relation to the firm (derived by the CRM from the whole history) is left out.
    active_within : int or None
        Keep clients whose last order is at most this many months before the
        cutoff (the clients whose churn is still a question); None keeps every
        client with an order before the cutoff.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id``, one row per client in the population, numeric
        columns (days and counts are floats):

        - purchases: ``days_since_last_purchase`` (RFM recency), ``frequency``
          (repeat purchase days), ``recency`` (first to last purchase, days),
          ``tenure_days``, ``n_orders``, ``monetary_value``, ``total_revenue``,
          ``total_margin``, ``margin_rate``, ``orders_per_month``, ``mean_gap_days``
          (mean days between purchase days), ``overdue_ratio`` (days since the last
          purchase over the mean gap), ``orders_recent`` / ``orders_prior`` (orders in
          the last 90 days / the 90 days before), ``order_trend`` and
          ``revenue_trend`` (recent minus prior over their sum, in [-1, 1]),
          ``order_value_trend`` (mean order value of the last 180 days over the
          client's mean, minus 1);
        - contacts: ``touchpoints_recent``, ``touchpoints_total``,
          ``days_since_contact``, ``complaints_recent``, ``complaints_total``
          (complaint contacts plus complaint requests), ``days_since_complaint``
          (3,650 when none), ``requests_recent``, ``requests_total``,
          ``response_hours`` (median first-response time; the overall median when
          the client has no answered request);
        - surveys: ``surveyed`` (1 if answered a survey), ``last_nps``,
          ``last_csat`` (last answer; the overall median when none),
          ``satisfaction_gap`` (mean perceived minus expected score, 0 when none);
        - contracts: ``has_contract`` (one running at the cutoff),
          ``days_to_expiry`` (of the running contract, 0 when none),
          ``next_contract_signed`` (a signed contract starting after the cutoff),
          ``contracts_signed``, ``renewals``;
        - typology: ``legal_status``, ``behaviour``, ``price_reaction``,
          ``novelty_attitude`` (strings, ``"unknown"`` when missing) and
          ``relationship_programme`` (0/1).

    Raises
    ------
    ValidationError
        When no client ordered on or before the cutoff.
    """
    moment = _cutoff(cutoff)
    tx = base.transactions[base.transactions["date"] <= moment]
    if tx.empty:
        raise ValidationError(f"transactions: no order on or before the cutoff {moment.date()}")
    purchases = _purchase_features(tx, moment)
    if active_within is not None:
        limit = (moment - (moment - pd.DateOffset(months=int(active_within)))).days
        purchases = purchases[purchases["days_since_last_purchase"] <= limit]
        if purchases.empty:
            raise ValidationError(
                f"no client ordered in the {active_within} months before {moment.date()}"
            )
    idx = purchases.index
    out = pd.concat(
        [
            purchases,
            _contact_features(base, moment, idx),
            _survey_features(base, moment, idx),
            _contract_features(base, moment, idx),
            _typology(base, idx),
        ],
        axis=1,
    )
    out.index.name = "client_id"
    return out


def churn_labels(
    base: ClientBase,
    *,
    cutoff: pd.Timestamp | str,
    horizon: int = 6,
    label: LabelKind = "purchase",
    clients: Sequence[str] | pd.Index | None = None,
) -> pd.Series:
    """Whether each client churned in the ``horizon`` months after the cutoff.

    Parameters
    ----------
    base : ClientBase
        The company.
    cutoff : timestamp
        Prediction moment (as in :func:`churn_features`).
    horizon : int
        Length of the label window in months: (cutoff, cutoff + horizon].
    label : {"purchase", "contract"}
        ``"purchase"``: churn = no order in the window. ``"contract"``: the clients
        with a contract expiring in the window; churn = that contract was not
        renewed (no contract names it in ``renewal_of``).
    clients : sequence of str, optional
        Clients to label (e.g. the index of :func:`churn_features`); defaults to
        every client with an order on or before the cutoff (``"purchase"``) or
        every client with an expiring contract (``"contract"``). With
        ``"contract"``, clients without an expiring contract are dropped.

    Returns
    -------
    pandas.Series
        ``churned`` (int 0/1) indexed by ``client_id``.

    Raises
    ------
    ValidationError
        When the window runs past the observation end, or for an unknown ``label``.
    """
    moment = _cutoff(cutoff)
    window_end = moment + pd.DateOffset(months=int(horizon))
    if window_end > base.observation_end:
        raise ValidationError(
            f"the label window {moment.date()} + {horizon} months ends {window_end.date()}, "
            f"after observation_end {base.observation_end.date()}; pick an earlier cutoff"
        )
    tx = base.transactions
    if label == "purchase":
        if clients is None:
            clients = pd.Index(tx.loc[tx["date"] <= moment, "client_id"].astype(str).unique())
        in_window = tx[(tx["date"] > moment) & (tx["date"] <= window_end) & (tx["revenue"] >= 0)]
        bought = set(in_window["client_id"].astype(str))
        idx = pd.Index([str(c) for c in clients], name="client_id")
        return pd.Series([int(c not in bought) for c in idx], index=idx, name="churned")
    if label == "contract":
        ct = base.contracts
        expiring = ct[
            ct["expiry_date"].notna()
            & (ct["expiry_date"] > moment)
            & (ct["expiry_date"] <= window_end)
            & ct["signed_date"].notna()
            & (ct["signed_date"] <= moment)
        ]
        renewed = set(ct["renewal_of"].dropna().astype(str))
        per_client = (
            expiring.assign(renewed=expiring["contract_id"].astype(str).isin(renewed))
            .groupby(expiring["client_id"].astype(str))["renewed"]
            .all()
        )
        if clients is not None:
            per_client = per_client[per_client.index.isin([str(c) for c in clients])]
        out = (~per_client).astype("int64").rename("churned")
        out.index.name = "client_id"
        return out
    raise ValidationError(f"label must be 'purchase' or 'contract', got {label!r}")


def churn_dataset(
    base: ClientBase,
    *,
    cutoffs: Sequence[pd.Timestamp | str],
    horizon: int = 6,
    label: LabelKind = "purchase",
    active_within: int | None = 12,
) -> tuple[pd.DataFrame, pd.Series]:
    """Stack features and labels of several cutoffs for temporal training.

    Parameters
    ----------
    base : ClientBase
        The company.
    cutoffs : sequence of timestamps
        Prediction moments; each must leave ``horizon`` months before the
        observation end.
    horizon, label : see :func:`churn_labels`.
    active_within : see :func:`churn_features`.

    Returns
    -------
    X : pandas.DataFrame
        Features (columns of :func:`churn_features`) indexed by
        (``cutoff``, ``client_id``).
    y : pandas.Series
        Labels ``churned`` (0/1) on the same index.
    """
    if len(cutoffs) == 0:
        raise ValidationError("cutoffs: give at least one cutoff date")
    xs, ys = [], []
    for cutoff in cutoffs:
        moment = _cutoff(cutoff)
        features = churn_features(base, cutoff=moment, active_within=active_within)
        labels = churn_labels(
            base, cutoff=moment, horizon=horizon, label=label, clients=features.index
        )
        features = features.loc[labels.index]
        key = pd.MultiIndex.from_product([[moment], labels.index], names=["cutoff", "client_id"])
        xs.append(features.set_axis(key))
        ys.append(labels.set_axis(key))
    return pd.concat(xs), pd.concat(ys)
