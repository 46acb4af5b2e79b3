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

#: Default lower edges of the contact-frequency bands.
DEFAULT_BAND_EDGES: tuple[int, ...] = (0, 1, 2, 3, 5, 8, 13)


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
    counts = (
        pd.DataFrame(
            {
                "client_id": tp["client_id"].astype(str),
                "period": period_floor(tp["timestamp"], time_unit),
            }
        )
        .groupby(["client_id", "period"])
        .size()
        .rename("contacts")
    )
    panel = panel.join(counts, on=["client_id", "period"])
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
