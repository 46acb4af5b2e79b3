"""Does more contact make clients more loyal? Retention by contact frequency.

The belief that more contact means more loyalty is tested here on the firm's own
data. For every client who bought in a period, the number of contacts the firm
had with it in that period is set against whether it bought again in the next
period. Retention by contact-frequency band shows the shape; a hinge model

    retention(x) = a + b * min(x, k) + c * max(x - k, 0)

fitted by weighted least squares over every candidate breakpoint ``k`` gives the
*saturation point* ``k``: the contact count after which the slope changes from
``b`` to ``c`` (``c`` near 0: more contact stops helping; ``c < 0``: it starts to
hurt). A cluster bootstrap over clients (seeded) gives its uncertainty.

All of this is observational: the firm chose whom to contact, and large,
long-standing or complaining clients are contacted more for reasons of their
own. The curve is an *association*, not the effect of contacting more.
:func:`contact_covariates` attaches the usual confounders (client size,
tenure, complaints, manager) to the panel and
:func:`adjusted_contact_association` shows how the slopes change once they are
held fixed (a linear probability model with stratum dummies, cluster-robust
standard errors by client). Only a randomised contact-cadence pilot (clients
drawn at random into a lighter and a usual cadence, with a holdout) measures
the effect itself.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from clientalytics.exceptions import NotFittedError, ValidationError
from clientalytics.managers.activity import client_period_activity
from clientalytics.periods import MONTHS_PER_PERIOD, TimeUnit, period_floor
from clientalytics.report.intervals import Z95

#: Default lower edges of the contact-frequency bands.
DEFAULT_BAND_EDGES: tuple[int, ...] = (0, 1, 2, 3, 5, 8, 13)

#: Confounders that :func:`contact_covariates` builds, in the order they are adjusted for.
DEFAULT_CONFOUNDERS: tuple[str, ...] = ("size_band", "tenure_band", "complaints", "manager_id")

#: Columns of :func:`adjusted_contact_association`.
ASSOCIATION_COLUMNS = ["adjusted_for", "term", "slope", "std_error", "ci_low", "ci_high", "n"]

#: Lower edges of the tenure bands (periods since the client's first order in the data).
TENURE_EDGES: tuple[int, ...] = (0, 1, 4, 8)


def _per_period(touchpoints: pd.DataFrame, time_unit: TimeUnit, name: str) -> pd.Series:
    """Count of ``touchpoints`` per (client, period), named ``name``."""
    return (
        pd.DataFrame(
            {
                "client_id": touchpoints["client_id"].astype(str),
                "period": period_floor(touchpoints["timestamp"], time_unit),
            }
        )
        .groupby(["client_id", "period"])
        .size()
        .rename(name)
    )


def contact_loyalty_panel(
    touchpoints: pd.DataFrame,
    transactions: Any,
    *,
    observation_end: pd.Timestamp | str | dt.date,
    time_unit: TimeUnit = "Q",
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per client and period it bought in: contacts then, repurchase next period.

    Parameters
    ----------
    touchpoints : pandas.DataFrame
        Contacts (``client_id``, ``timestamp``, ``kind``).
    transactions : DataFrame-like
        Orders.
    observation_end : timestamp
        End of the observation window; the last period used is the last one whose
        *next* period ends by this date.
    time_unit : {"M", "Q", "Y"}
        Period length.
    kinds : list of str, optional
        Touchpoint kinds counted (e.g. leave out ``"complaint"``, which the client
        starts); all kinds when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns ``client_id``, ``period``, ``contacts`` (int) and ``retained``
        (bool: the client bought in the next period).

    Raises
    ------
    ValidationError
        When no period has a fully observed next period.
    """
    end = pd.Timestamp(observation_end)
    act = client_period_activity(transactions, time_unit=time_unit, observation_end=end)
    act = act[act["active"]][["client_id", "period"]]
    offset = pd.DateOffset(months=int(MONTHS_PER_PERIOD[time_unit]))
    next_start = act["period"] + offset
    complete = next_start + offset - pd.Timedelta(days=1) <= end.normalize()
    if not complete.any():
        raise ValidationError(
            f"no {time_unit} period before observation_end {end.date()} has a fully observed "
            "next period"
        )
    bought = set(zip(act["client_id"], act["period"], strict=True))
    panel = act[complete].copy()
    panel["retained"] = [
        (c, p) in bought for c, p in zip(panel["client_id"], next_start[complete], strict=True)
    ]
    tp = touchpoints
    if kinds is not None:
        tp = tp[tp["kind"].astype(str).isin(list(kinds))]
    panel = panel.join(_per_period(tp, time_unit, "contacts"), on=["client_id", "period"])
    panel["contacts"] = panel["contacts"].fillna(0).astype("int64")
    return panel[["client_id", "period", "contacts", "retained"]].reset_index(drop=True)


def _band_labels(edges: Sequence[int]) -> list[str]:
    labels = []
    for lo, hi in zip(edges, [*edges[1:], None], strict=True):
        if hi is None:
            labels.append(f"{lo}+")
        elif hi - lo == 1:
            labels.append(str(lo))
        else:
            labels.append(f"{lo}-{hi - 1}")
    return labels


def contact_frequency_bands(
    panel: pd.DataFrame, *, edges: Sequence[int] = DEFAULT_BAND_EDGES
) -> pd.DataFrame:
    """Retention rate by band of contacts per period.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`contact_loyalty_panel` (``contacts``, ``retained``).
    edges : sequence of int
        Increasing lower edges of the bands, starting at 0; the last band is open.

    Returns
    -------
    pandas.DataFrame
        One row per band (empty bands included, with ``n`` = 0): ``band``,
        ``n`` (client-periods), ``mean_contacts``, ``retention_rate`` and
        ``std_error`` (binomial, sqrt(p(1 - p) / n)); rate and error are missing
        for an empty band.

    Raises
    ------
    ValidationError
        Edges not increasing from 0.
    """
    e = list(edges)
    if not e or e[0] != 0 or any(b <= a for a, b in itertools.pairwise(e)):
        raise ValidationError(f"edges must increase strictly from 0, got {e}")
    labels = _band_labels(e)
    idx = np.searchsorted(np.asarray(e), panel["contacts"].to_numpy(), side="right") - 1
    band = pd.Categorical.from_codes(idx, categories=pd.Index(labels), ordered=True)
    grouped = panel.assign(band=band).groupby("band", observed=False)
    n = grouped.size()
    rate = grouped["retained"].mean()
    out = pd.DataFrame(
        {
            "n": n,
            "mean_contacts": grouped["contacts"].mean(),
            "retention_rate": rate.astype(float),
            "std_error": np.sqrt(rate.astype(float) * (1 - rate.astype(float)) / n.where(n > 0)),
        }
    )
    return out.reset_index().assign(band=lambda f: f["band"].astype(str))


def _hinge_fit(
    x: np.ndarray, n: np.ndarray, s: np.ndarray, candidates: np.ndarray
) -> tuple[float, np.ndarray, float]:
    """Best breakpoint among ``candidates`` for rates ``s / n`` at contact counts ``x``."""
    keep = n > 0
    x, n, y = x[keep], n[keep], s[keep] / n[keep]
    best = (np.inf, np.zeros(3), float(candidates[0]))
    sw = np.sqrt(n)
    for k in candidates:
        design = np.column_stack([np.ones_like(x), np.minimum(x, k), np.maximum(x - k, 0.0)])
        coef, *_ = np.linalg.lstsq(design * sw[:, None], y * sw, rcond=None)
        sse = float(np.sum(n * (y - design @ coef) ** 2))
        if sse < best[0] - 1e-12:
            best = (sse, coef, float(k))
    return best[2], best[1], best[0]


class ContactSaturation:
    """Hinge model of retention against contacts per period, with a bootstrap interval.

    Parameters
    ----------
    n_bootstrap : int
        Cluster-bootstrap resamples (clients drawn with replacement); 0 skips
        the interval.
    max_contacts : int, optional
        Counts above this are set to it (a sparse tail otherwise drives the fit).
    confidence : float
        Coverage of the percentile interval of the breakpoint.
    random_state : int, optional
        Seed of the bootstrap.

    Attributes
    ----------
    breakpoint_ : float
        Estimated saturation point ``k`` (contacts per period).
    intercept_, slope_before_, slope_after_ : float
        ``a``, ``b`` and ``c`` of the hinge model.
    breakpoint_ci_ : tuple of float
        Percentile bootstrap interval of ``k`` (equal to ``(k, k)`` without bootstrap).
    breakpoint_bootstrap_ : numpy.ndarray
        Bootstrap estimates of ``k``.
    rates_ : pandas.DataFrame
        Observed ``n`` and ``retention_rate`` per contact count.
    """

    def __init__(
        self,
        n_bootstrap: int = 200,
        *,
        max_contacts: int | None = None,
        confidence: float = 0.9,
        random_state: int | None = 0,
    ) -> None:
        self.n_bootstrap = n_bootstrap
        self.max_contacts = max_contacts
        self.confidence = confidence
        self.random_state = random_state

    def fit(
        self,
        contacts: Sequence[float] | np.ndarray | pd.Series,
        retained: Sequence[bool] | np.ndarray | pd.Series,
        *,
        groups: Sequence[object] | np.ndarray | pd.Series | None = None,
    ) -> ContactSaturation:
        """Fit the hinge model.

        Parameters
        ----------
        contacts : array-like of int
            Contacts of each client-period (non-negative).
        retained : array-like of bool
            Whether the client bought in the next period.
        groups : array-like, optional
            Client of each row; the bootstrap resamples clients (rows when omitted).

        Returns
        -------
        ContactSaturation
            The fitted model.

        Raises
        ------
        ValidationError
            Lengths differ, negative counts, or fewer than 3 distinct counts.
        """
        x = np.asarray(contacts, dtype=float)
        y = np.asarray(retained, dtype=float)
        if x.shape != y.shape or x.ndim != 1:
            raise ValidationError(
                f"contacts and retained must be 1-d of equal length; got {x.shape}, {y.shape}"
            )
        if (x < 0).any() or not np.isfinite(x).all():
            raise ValidationError(f"contacts: {int((x < 0).sum())} negative or non-finite value(s)")
        if self.max_contacts is not None:
            x = np.minimum(x, self.max_contacts)
        x = np.round(x).astype(int)
        values = np.unique(x)
        if len(values) < 3:
            raise ValidationError(
                "contacts: need at least 3 distinct contact counts to place a breakpoint, "
                f"got {values.tolist()}"
            )
        candidates = values[1:-1].astype(float)
        grid = np.arange(values.max() + 1, dtype=float)
        g = np.arange(len(x)) if groups is None else pd.factorize(np.asarray(groups))[0]
        n_groups = int(g.max()) + 1
        # per-group counts and successes at every contact count
        n_mat = np.zeros((n_groups, len(grid)))
        s_mat = np.zeros((n_groups, len(grid)))
        np.add.at(n_mat, (g, x), 1.0)
        np.add.at(s_mat, (g, x), y)
        n_all, s_all = n_mat.sum(axis=0), s_mat.sum(axis=0)
        k, coef, _ = _hinge_fit(grid, n_all, s_all, candidates)
        self.breakpoint_ = k
        self.intercept_, self.slope_before_, self.slope_after_ = (float(c) for c in coef)
        rng = np.random.default_rng(self.random_state)
        boot = []
        for _ in range(self.n_bootstrap):
            weight = np.bincount(rng.integers(0, n_groups, n_groups), minlength=n_groups)
            nb, sb = weight @ n_mat, weight @ s_mat
            present = grid[nb > 0]
            cand = candidates[(candidates > present.min()) & (candidates < present.max())]
            if len(cand) == 0:
                continue
            boot.append(_hinge_fit(grid, nb, sb, cand)[0])
        self.breakpoint_bootstrap_ = np.asarray(boot)
        if len(boot):
            tail = (1 - self.confidence) / 2 * 100
            lo, hi = np.percentile(self.breakpoint_bootstrap_, [tail, 100 - tail])
            self.breakpoint_ci_ = (float(lo), float(hi))
        else:
            self.breakpoint_ci_ = (k, k)
        keep = n_all > 0
        self.rates_ = pd.DataFrame(
            {
                "contacts": grid[keep].astype(int),
                "n": n_all[keep].astype(int),
                "retention_rate": s_all[keep] / n_all[keep],
            }
        )
        return self

    def predict(self, contacts: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
        """Fitted retention rate at the given contact counts."""
        if not hasattr(self, "breakpoint_"):
            raise NotFittedError("ContactSaturation is not fitted; call fit first")
        x = np.asarray(contacts, dtype=float)
        k = self.breakpoint_
        return (
            self.intercept_
            + self.slope_before_ * np.minimum(x, k)
            + self.slope_after_ * np.maximum(x - k, 0.0)
        )


def contact_covariates(
    panel: pd.DataFrame,
    transactions: Any,
    *,
    observation_end: pd.Timestamp | str | dt.date,
    touchpoints: pd.DataFrame | None = None,
    clients: pd.DataFrame | None = None,
    time_unit: TimeUnit = "Q",
    complaint_kind: str = "complaint",
) -> pd.DataFrame:
    """Attach the usual confounders of contact and loyalty to a contact panel.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`contact_loyalty_panel` (``client_id``, ``period``, ...).
    transactions : DataFrame-like
        Orders, for the client's size and tenure.
    observation_end : timestamp
        End of the observation window.
    touchpoints : pandas.DataFrame, optional
        Contacts; gives ``complaints`` (contacts of kind ``complaint_kind``).
    clients : pandas.DataFrame, optional
        Clients table; gives ``manager_id``.
    time_unit : {"M", "Q", "Y"}
        Period length of the panel.
    complaint_kind : str
        Touchpoint kind counted as a complaint.

    Returns
    -------
    pandas.DataFrame
        The panel plus ``revenue`` (the client's revenue in the period),
        ``size_band`` (quartile of that revenue over the panel, ``"Q1"`` smallest
        to ``"Q4"``), ``tenure_periods`` (periods since the client's first order
        in the data), ``tenure_band`` (bands from :data:`TENURE_EDGES`), and when
        the tables are given ``complaints`` (int) and ``manager_id``
        (``"(missing)"`` when unknown).
    """
    end = pd.Timestamp(observation_end)
    act = client_period_activity(transactions, time_unit=time_unit, observation_end=end)
    act = act.assign(client_id=act["client_id"].astype(str))
    out = panel.assign(client_id=panel["client_id"].astype(str))
    revenue = act.set_index(["client_id", "period"])["revenue"]
    out = out.join(revenue, on=["client_id", "period"])
    out["revenue"] = out["revenue"].fillna(0.0).astype(float)
    ranks = out["revenue"].rank(method="first")
    out["size_band"] = pd.qcut(ranks, 4, labels=["Q1", "Q2", "Q3", "Q4"]).astype(str)
    first = act[act["active"]].groupby("client_id")["period"].min()
    start = pd.to_datetime(out["client_id"].map(first))
    months = (out["period"].dt.year - start.dt.year) * 12 + (
        out["period"].dt.month - start.dt.month
    )
    out["tenure_periods"] = (months // int(MONTHS_PER_PERIOD[time_unit])).astype("int64")
    labels = _band_labels(TENURE_EDGES)
    idx = np.searchsorted(np.asarray(TENURE_EDGES), out["tenure_periods"].to_numpy(), side="right")
    out["tenure_band"] = np.asarray(labels, dtype=object)[idx - 1]
    if touchpoints is not None:
        tp = touchpoints[touchpoints["kind"].astype(str) == complaint_kind]
        out = out.join(_per_period(tp, time_unit, "complaints"), on=["client_id", "period"])
        out["complaints"] = out["complaints"].fillna(0).astype("int64")
    if clients is not None and "manager_id" in clients.columns:
        manager = clients.set_index(clients["client_id"].astype(str))["manager_id"]
        out["manager_id"] = (
            pd.Series(manager.reindex(out["client_id"]).to_numpy(), index=out.index)
            .astype("string")
            .fillna("(missing)")
            .astype(str)
        )
    return out


def _design(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Design columns of confounders: numbers as is, labels as dummies (first level dropped)."""
    parts = []
    for col in columns:
        values = frame[col]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            parts.append(values.to_numpy(dtype=float)[:, None])
        else:
            codes, levels = pd.factorize(values.astype(str), sort=True)
            if len(levels) > 1:
                parts.append((codes[:, None] == np.arange(1, len(levels))[None, :]).astype(float))
    return np.hstack(parts) if parts else np.zeros((len(frame), 0))


def _cluster_ols(y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS coefficients and cluster-robust (CR1) standard errors."""
    xtx_inv = np.linalg.pinv(x.T @ x)
    coef = xtx_inv @ (x.T @ y)
    resid = y - x @ coef
    g, _ = pd.factorize(groups)
    n_groups = int(g.max()) + 1
    scores = np.zeros((n_groups, x.shape[1]))
    np.add.at(scores, g, x * resid[:, None])
    meat = scores.T @ scores
    n, k = x.shape
    rank = int(np.linalg.matrix_rank(x))
    factor = (n_groups / max(n_groups - 1, 1)) * ((n - 1) / max(n - rank, 1)) if k else 1.0
    cov = factor * xtx_inv @ meat @ xtx_inv
    return coef, np.sqrt(np.clip(np.diag(cov), 0.0, None))


def adjusted_contact_association(
    panel: pd.DataFrame,
    *,
    confounders: Sequence[str] = DEFAULT_CONFOUNDERS,
    breakpoint: float | None = None,
    groups: str = "client_id",
) -> pd.DataFrame:
    """How the contact-retention slopes change once confounders are held fixed.

    A linear probability model ``retained ~ contact terms + confounders`` is
    fitted without adjustment, with each confounder alone and with all of them.
    A label confounder enters as stratum dummies, so its row is the slope
    *within* strata (a stratified estimate); a numeric one enters linearly.

    Parameters
    ----------
    panel : pandas.DataFrame
        ``contacts``, ``retained``, the ``groups`` column and the confounder
        columns, e.g. the output of :func:`contact_covariates`.
    confounders : sequence of str
        Columns to adjust for; those missing from ``panel`` are skipped.
    breakpoint : float, optional
        With a breakpoint ``k`` (e.g. ``ContactSaturation.breakpoint_``) the
        contact terms are ``min(contacts, k)`` (term ``"before_breakpoint"``) and
        ``max(contacts - k, 0)`` (``"after_breakpoint"``); without it one linear
        term ``"contacts"``.
    groups : str
        Column of the clusters for the standard errors (clients).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ASSOCIATION_COLUMNS`, one row per model and contact term:
        ``adjusted_for`` (``"none"``, a confounder's name or ``"all"``),
        ``term``, ``slope`` (change in the retention rate per contact, a
        fraction), its cluster-robust ``std_error``, the 95 % interval
        ``ci_low`` / ``ci_high`` and ``n`` (rows used).

    Raises
    ------
    ValidationError
        ``contacts`` or ``retained`` is missing, or the panel is empty.
    """
    for col in ("contacts", "retained", groups):
        if col not in panel.columns:
            raise ValidationError(f"adjusted_contact_association: panel has no column {col!r}")
    if panel.empty:
        raise ValidationError("adjusted_contact_association: the panel is empty")
    used = [c for c in confounders if c in panel.columns]
    x = panel["contacts"].to_numpy(dtype=float)
    y = panel["retained"].to_numpy(dtype=float)
    if breakpoint is None:
        terms = {"contacts": x}
    else:
        k = float(breakpoint)
        terms = {
            "before_breakpoint": np.minimum(x, k),
            "after_breakpoint": np.maximum(x - k, 0.0),
        }
    contact = np.column_stack(list(terms.values()))
    base = np.column_stack([np.ones(len(x)), contact])
    models: list[tuple[str, list[str]]] = [("none", [])]
    models += [(c, [c]) for c in used]
    if len(used) > 1:
        models.append(("all", used))
    rows = []
    clusters = panel[groups].astype(str).to_numpy()
    for label, cols in models:
        design = np.hstack([base, _design(panel, cols)])
        coef, se = _cluster_ols(y, design, clusters)
        for j, term in enumerate(terms, start=1):
            rows.append(
                {
                    "adjusted_for": label,
                    "term": term,
                    "slope": float(coef[j]),
                    "std_error": float(se[j]),
                    "ci_low": float(coef[j] - Z95 * se[j]),
                    "ci_high": float(coef[j] + Z95 * se[j]),
                    "n": len(y),
                }
            )
    return pd.DataFrame(rows, columns=ASSOCIATION_COLUMNS)
