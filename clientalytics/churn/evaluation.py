"""How good is a churn score: discrimination, calibration, lift and importance.

:func:`evaluate_churn` puts a model and its baselines side by side (ROC AUC, PR
AUC, Brier score, lift and capture in the top decile); :func:`gains_table` and
:func:`calibration_table` hold the data of the gains chart and the calibration
curve; :func:`temporal_split` trains on earlier cutoffs and tests on a later one;
:func:`churn_feature_importance` measures permutation importance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from clientalytics.exceptions import ValidationError

#: Columns of the frame returned by :func:`evaluate_churn`, in order.
METRIC_COLUMNS = [
    "roc_auc",
    "pr_auc",
    "brier",
    "top_decile_lift",
    "top_decile_capture",
    "churn_rate",
    "clients",
]
#: Columns of the frame returned by :func:`gains_table`, in order.
GAINS_COLUMNS = [
    "bin",
    "clients",
    "churners",
    "churn_rate",
    "lift",
    "cumulative_share",
    "cumulative_capture",
    "cumulative_lift",
]


def _labels(y_true: Any) -> np.ndarray:
    y = np.asarray(y_true).astype(int).ravel()
    values = set(np.unique(y).tolist())
    if not values <= {0, 1} or len(values) < 2:
        raise ValidationError(f"y_true must contain both classes 0 and 1, got {sorted(values)}")
    return y


def _scores(score: Any, n: int, name: str) -> np.ndarray:
    s = np.asarray(score, dtype=float).ravel()
    if s.shape != (n,):
        raise ValidationError(f"score {name!r} has {s.size} values for {n} clients")
    if not np.isfinite(s).all():
        raise ValidationError(
            f"score {name!r} has {int((~np.isfinite(s)).sum())} non-finite values"
        )
    return s


def _order(score: np.ndarray) -> np.ndarray:
    """Return indices from the highest to the lowest score, ties in input order."""
    return np.argsort(-score, kind="stable")


def top_share_capture(y_true: Any, score: Any, *, share: float = 0.1) -> tuple[float, float]:
    """Lift and capture rate among the ``share`` of clients with the highest scores.

    Returns
    -------
    tuple of float
        ``(lift, capture)``: churn rate in the top share over the overall churn
        rate, and the share of all churners found there.
    """
    y = _labels(y_true)
    s = _scores(score, len(y), "score")
    if not 0 < share <= 1:
        raise ValidationError(f"share must be in (0, 1], got {share!r}")
    k = max(1, round(share * len(y)))
    top = y[_order(s)[:k]]
    capture = float(top.sum() / y.sum())
    lift = float(top.mean() / y.mean())
    return lift, capture


def evaluate_churn(
    y_true: Any, scores: Mapping[str, Any], *, top_share: float = 0.1
) -> pd.DataFrame:
    """Compare churn scores on one test set.

    Parameters
    ----------
    y_true : array-like of 0/1
        Observed churn.
    scores : mapping of name to array-like
        Churn probabilities (or scores) per client, in the order of ``y_true``,
        e.g. ``{"model": ..., "recency rule": ..., "BG/NBD 1 - P(alive)": ...}``.
    top_share : float
        Share of clients in the "top decile" (0.1).

    Returns
    -------
    pandas.DataFrame
        Indexed by score name, columns ``roc_auc``, ``pr_auc`` (average
        precision), ``brier`` (mean squared error of the probability; lower is
        better), ``top_decile_lift`` (churn rate among the top ``top_share`` over
        the overall rate), ``top_decile_capture`` (share of churners found there),
        ``churn_rate`` and ``clients``.
    """
    y = _labels(y_true)
    rows = {}
    for name, score in scores.items():
        s = _scores(score, len(y), name)
        lift, capture = top_share_capture(y, s, share=top_share)
        rows[name] = {
            "roc_auc": float(roc_auc_score(y, s)),
            "pr_auc": float(average_precision_score(y, s)),
            "brier": float(brier_score_loss(y, np.clip(s, 0.0, 1.0))),
            "top_decile_lift": lift,
            "top_decile_capture": capture,
            "churn_rate": float(y.mean()),
            "clients": len(y),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")[METRIC_COLUMNS]
    out.index.name = "score"
    return out


def gains_table(y_true: Any, score: Any, *, bins: int = 10) -> pd.DataFrame:
    """Cumulative gains and lift by score bins (deciles by default).

    Parameters
    ----------
    y_true : array-like of 0/1
        Observed churn.
    score : array-like
        Churn score; clients are sorted from the highest score.
    bins : int
        Number of equal-size bins.

    Returns
    -------
    pandas.DataFrame
        One row per bin (1 = highest scores), columns ``bin``, ``clients``,
        ``churners``, ``churn_rate``, ``lift`` (bin churn rate over the overall
        rate), ``cumulative_share`` (share of clients up to this bin),
        ``cumulative_capture`` (share of churners found up to this bin) and
        ``cumulative_lift``.
    """
    y = _labels(y_true)
    s = _scores(score, len(y), "score")
    if bins < 1 or bins > len(y):
        raise ValidationError(f"bins must be between 1 and {len(y)}, got {bins}")
    ordered = y[_order(s)]
    parts = np.array_split(ordered, bins)
    clients = np.array([len(p) for p in parts])
    churners = np.array([int(p.sum()) for p in parts])
    rate = y.mean()
    cum_clients = np.cumsum(clients)
    cum_churners = np.cumsum(churners)
    return pd.DataFrame(
        {
            "bin": np.arange(1, bins + 1),
            "clients": clients,
            "churners": churners,
            "churn_rate": churners / clients,
            "lift": churners / clients / rate,
            "cumulative_share": cum_clients / len(y),
            "cumulative_capture": cum_churners / y.sum(),
            "cumulative_lift": cum_churners / cum_clients / rate,
        }
    )[GAINS_COLUMNS]


def calibration_table(y_true: Any, probability: Any, *, bins: int = 10) -> pd.DataFrame:
    """Observed churn rate against the mean predicted probability, by probability bin.

    Parameters
    ----------
    y_true : array-like of 0/1
        Observed churn.
    probability : array-like in [0, 1]
        Predicted churn probabilities.
    bins : int
        Number of equal-width probability bins on [0, 1]; empty bins are left out.

    Returns
    -------
    pandas.DataFrame
        One row per non-empty bin, columns ``bin_low``, ``bin_high``,
        ``clients``, ``mean_predicted`` and ``observed_rate``. A calibrated model
        has ``observed_rate`` close to ``mean_predicted``.
    """
    y = _labels(y_true)
    p = _scores(probability, len(y), "probability")
    if (p < 0).any() or (p > 1).any():
        raise ValidationError("probability: values must lie in [0, 1]")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    frame = pd.DataFrame({"bin": which, "p": p, "y": y})
    grouped = frame.groupby("bin").agg(
        clients=("y", "size"), mean_predicted=("p", "mean"), observed_rate=("y", "mean")
    )
    grouped.insert(0, "bin_high", edges[grouped.index + 1])
    grouped.insert(0, "bin_low", edges[grouped.index])
    return grouped.reset_index(drop=True)


def temporal_split(
    X: pd.DataFrame, y: pd.Series, *, test_cutoff: pd.Timestamp | str
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.Series]:
    """Split a :func:`~clientalytics.churn.churn_dataset` into earlier and later cutoffs.

    Parameters
    ----------
    X, y : DataFrame and Series indexed by (``cutoff``, ``client_id``)
        Stacked features and labels.
    test_cutoff : timestamp
        The test cutoff; training uses only cutoffs before it.

    Returns
    -------
    X_train, y_train, X_test, y_test
        Training rows (cutoffs before ``test_cutoff``) and test rows (the
        ``test_cutoff`` only).

    Notes
    -----
    The training labels of a cutoff look ``horizon`` months ahead; keep the last
    training cutoff at least ``horizon`` months before the test cutoff so that
    no training label peeks into the test window.
    """
    moment = pd.Timestamp(test_cutoff)
    cutoffs = X.index.get_level_values("cutoff")
    train, test = cutoffs < moment, cutoffs == moment
    if not test.any():
        raise ValidationError(f"no rows at the test cutoff {moment.date()}")
    if not train.any():
        raise ValidationError(f"no training cutoff before {moment.date()}")
    return X[train], y[train], X[test], y[test]


def churn_feature_importance(
    model: Any,
    X: pd.DataFrame,
    y: Any,
    *,
    n_repeats: int = 5,
    scoring: str = "roc_auc",
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Permutation importance of each feature for a fitted churn model.

    Parameters
    ----------
    model : fitted estimator
        A fitted :class:`~clientalytics.churn.ChurnModel` (or any classifier).
    X, y : test features and labels
        Preferably held-out data (a later cutoff).
    n_repeats : int
        Shuffles per feature.
    scoring : str
        scikit-learn scorer; the importance is the drop of this score.
    random_state : int or None
        Seed of the shuffles.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``feature``, sorted by decreasing importance, columns
        ``importance`` (mean drop of the score when the feature is shuffled) and
        ``importance_std``.
    """
    result = permutation_importance(
        model, X, np.asarray(y), n_repeats=n_repeats, scoring=scoring, random_state=random_state
    )
    out = pd.DataFrame(
        {"importance": result.importances_mean, "importance_std": result.importances_std},
        index=pd.Index([str(c) for c in X.columns], name="feature"),
    )
    return out.sort_values("importance", ascending=False)


def temporal_cutoffs(
    observation_end: pd.Timestamp | str,
    *,
    first_date: pd.Timestamp | str,
    horizon: int = 6,
    n_train: int = 6,
    step: int = 3,
    warm_up: int = 6,
) -> tuple[list[pd.Timestamp], pd.Timestamp]:
    """Choose training cutoffs and a later test cutoff without label overlap.

    The test cutoff is the latest one whose label window fits before the
    observation end (``observation_end - horizon`` months). Training cutoffs go
    back every ``step`` months from ``horizon`` months before the test cutoff, so
    the last training label window ends where the test one starts.

    Parameters
    ----------
    observation_end : timestamp
        Last observed day.
    first_date : timestamp
        First order date; cutoffs leave ``warm_up`` months of history after it.
    horizon : int
        Label window in months.
    n_train : int
        Largest number of training cutoffs.
    step : int
        Months between training cutoffs.
    warm_up : int
        Months of history required before the first cutoff.

    Returns
    -------
    train_cutoffs : list of Timestamp
        In increasing order.
    test_cutoff : Timestamp

    Raises
    ------
    ValidationError
        When the window is too short for one training and one test cutoff.
    """
    end = pd.Timestamp(observation_end).normalize()
    earliest = pd.Timestamp(first_date).normalize() + pd.DateOffset(months=warm_up)
    test = end - pd.DateOffset(months=horizon)
    train: list[pd.Timestamp] = []
    moment = test - pd.DateOffset(months=horizon)
    while moment >= earliest and len(train) < n_train:
        train.append(pd.Timestamp(moment))
        moment = moment - pd.DateOffset(months=step)
    if not train:
        raise ValidationError(
            f"the data from {pd.Timestamp(first_date).date()} to {end.date()} is too short for "
            f"a {horizon}-month label window with {warm_up} months of history: need about "
            f"{2 * horizon + warm_up} months"
        )
    return sorted(train), pd.Timestamp(test)
