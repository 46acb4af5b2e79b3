import numpy as np
import pandas as pd
import pytest

from clientalytics.churn import (
    ChurnModel,
    churn_feature_importance,
    churn_features,
    churn_risk_list,
)
from clientalytics.exceptions import ValidationError
from tests.churn._helpers import TEST


def test_importance_and_risk_list(sample):
    base, (X_tr, y_tr, X_te, y_te) = sample
    model = ChurnModel(max_iter=60).fit(X_tr, y_tr)
    imp = churn_feature_importance(model, X_te, y_te, n_repeats=2)
    assert imp["importance"].is_monotonic_decreasing
    assert imp.index[0] in {"overdue_ratio", "days_since_last_purchase", "mean_gap_days"}
    features = churn_features(base, cutoff=TEST).head(60)
    clv = pd.Series(np.linspace(100, 700, 60), index=features.index)
    risk = churn_risk_list(model, features, value=clv, top_reasons=2)
    assert risk["value_rank"].tolist() == list(range(1, 61))
    np.testing.assert_allclose(
        risk["value_at_risk"], risk["churn_probability"] * clv.reindex(risk.index)
    )
    riskiest = risk.sort_values("risk_rank").iloc[0]
    assert riskiest["reason_1"] != ""
    with pytest.raises(ValidationError, match="have no value"):
        churn_risk_list(model, features, value=clv.iloc[:10])
