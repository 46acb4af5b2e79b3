"""Churn prediction: forecast which clients leave, and act on the forecast.

- :mod:`~clientalytics.churn.features`: features known at a cutoff date and the
  churn label of the following window;
- :mod:`~clientalytics.churn.model`: :class:`ChurnModel`, a calibrated
  scikit-learn classifier;
- :mod:`~clientalytics.churn.baselines`: the recency rule and buy-till-you-die
  P(alive) it must beat;
- :mod:`~clientalytics.churn.evaluation`: ROC/PR AUC, Brier score, lift, gains,
  calibration, temporal split and permutation importance;
- :mod:`~clientalytics.churn.risk`: the ranked churn-risk list of the retainable
  clients, with reasons, and the win-back list of the clients silent longer.
"""

from clientalytics.churn.baselines import RecencyBaseline, btyd_churn_probability
from clientalytics.churn.evaluation import (
    GAINS_COLUMNS,
    METRIC_COLUMNS,
    calibration_table,
    churn_feature_importance,
    evaluate_churn,
    gains_table,
    temporal_cutoffs,
    temporal_split,
    top_share_capture,
)
from clientalytics.churn.features import churn_dataset, churn_features, churn_labels
from clientalytics.churn.model import ChurnModel
from clientalytics.churn.risk import churn_risk_list, retainable_mask, win_back_list

__all__ = [
    "GAINS_COLUMNS",
    "METRIC_COLUMNS",
    "ChurnModel",
    "RecencyBaseline",
    "btyd_churn_probability",
    "calibration_table",
    "churn_dataset",
    "churn_feature_importance",
    "churn_features",
    "churn_labels",
    "churn_risk_list",
    "evaluate_churn",
    "gains_table",
    "retainable_mask",
    "temporal_cutoffs",
    "temporal_split",
    "top_share_capture",
    "win_back_list",
]
