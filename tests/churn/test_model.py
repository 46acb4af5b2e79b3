import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from clientalytics.churn import (
    ChurnModel,
    RecencyBaseline,
    btyd_churn_probability,
    churn_dataset,
    churn_feature_importance,
    churn_features,
    churn_risk_list,
    evaluate_churn,
    temporal_split,
)
from clientalytics.datasets import load_sample
from clientalytics.exceptions import NotFittedError, ValidationError

TRAIN = ["2023-07-01", "2023-10-01", "2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01"]
TEST = "2025-04-01"


@pytest.fixture(scope="module")
def sample():
    base = load_sample()
    X, y = churn_dataset(base, cutoffs=[*TRAIN, TEST], horizon=6)
    return base, temporal_split(X, y, test_cutoff=TEST)


def test_model_beats_both_baselines_on_a_later_cutoff(sample):
    """Train on six quarterly cutoffs 2023-07..2024-10, test on 2025-04-01 (6-month window).

    The last training label window ends on the test cutoff, so no training label
    looks into the test window.
    """
    _, (X_tr, y_tr, X_te, y_te) = sample
    model = ChurnModel(random_state=0).fit(X_tr, y_tr)
    recency = RecencyBaseline().fit(X_tr, y_tr)
    metrics = evaluate_churn(
        y_te,
        {
            "model": model.predict_proba(X_te)[:, 1],
            "recency": recency.predict_proba(X_te)[:, 1],
            "btyd": btyd_churn_probability(X_te.droplevel("cutoff")),
        },
    )
    model_row = metrics.loc["model"]
    for baseline in ("recency", "btyd"):
        assert model_row["roc_auc"] > metrics.loc[baseline, "roc_auc"] + 0.03
        assert model_row["pr_auc"] > metrics.loc[baseline, "pr_auc"] + 0.03
        assert model_row["brier"] < metrics.loc[baseline, "brier"]
        assert model_row["top_decile_capture"] >= metrics.loc[baseline, "top_decile_capture"]
    assert model_row["roc_auc"] > 0.85


def test_sklearn_compatibility(sample):
    _, (X_tr, y_tr, X_te, _) = sample
    small_X, small_y = X_tr.iloc[::3], y_tr.iloc[::3]
    model = ChurnModel(max_iter=30)
    assert clone(model).get_params()["max_iter"] == 30
    pipe = Pipeline([("same", FunctionTransformer(validate=False)), ("churn", model)]).fit(
        small_X, small_y
    )
    p = pipe.predict_proba(X_te)[:, 1]
    assert ((p >= 0) & (p <= 1)).all()
    search = GridSearchCV(
        ChurnModel(max_iter=30), {"learning_rate": [0.05, 0.2]}, scoring="roc_auc", cv=2
    ).fit(small_X, small_y)
    assert search.best_params_["learning_rate"] in (0.05, 0.2)
    logistic = ChurnModel("logistic", calibration="isotonic").fit(small_X, small_y)
    assert logistic.predict(X_te).shape == (len(X_te),)
    with pytest.raises(NotFittedError, match="not fitted"):
        ChurnModel().predict_proba(X_te)
    with pytest.raises(ValidationError, match="both classes"):
        ChurnModel().fit(small_X, np.zeros(len(small_X)))


def test_same_seed_same_probabilities(sample):
    _, (X_tr, y_tr, X_te, _) = sample
    a = ChurnModel(max_iter=40, random_state=3).fit(X_tr, y_tr).predict_proba(X_te)
    b = ChurnModel(max_iter=40, random_state=3).fit(X_tr, y_tr).predict_proba(X_te)
    np.testing.assert_array_equal(a, b)


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


def test_btyd_baseline_is_pluggable(sample):
    _, (_, _, X_te, _) = sample
    X = X_te.droplevel("cutoff")
    fitted = btyd_churn_probability(X)
    assert fitted.between(0, 1).all()
    given = pd.Series(0.25, index=X.index)
    assert btyd_churn_probability(X, p_alive=given).eq(0.75).all()
    assert btyd_churn_probability(X, p_alive=lambda f: np.full(len(f), 0.4)).eq(0.6).all()

    class Model:
        def conditional_probability_alive(self, frequency, recency, T):
            return np.where(frequency > 0, 0.9, 0.5)

    scored = btyd_churn_probability(X, p_alive=Model())
    assert set(np.round(scored.unique(), 6)) <= {0.1, 0.5}
    with pytest.raises(ValidationError, match="missing"):
        btyd_churn_probability(X, p_alive=given.iloc[:5])


def test_too_few_examples_of_a_class_for_calibration_folds_raise_clearly():
    X = pd.DataFrame({"days_since_last_purchase": [1.0, 5.0, 9.0, 40.0, 60.0, 80.0]})
    y = [0, 0, 0, 0, 1, 1]  # two churners, three calibration folds
    with pytest.raises(ValidationError, match=r"smaller class has 2 example\(s\).*cv=3"):
        ChurnModel(cv=3).fit(X, y)
    fitted = ChurnModel(cv=2).fit(X, y)
    assert fitted.predict_proba(X).shape == (6, 2)
