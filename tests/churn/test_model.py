import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from clientalytics.churn import ChurnModel, RecencyBaseline, btyd_churn_probability, evaluate_churn
from clientalytics.exceptions import NotFittedError, ValidationError


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


def test_too_few_examples_of_a_class_for_calibration_folds_raise_clearly():
    X = pd.DataFrame({"days_since_last_purchase": [1.0, 5.0, 9.0, 40.0, 60.0, 80.0]})
    y = [0, 0, 0, 0, 1, 1]  # two churners, three calibration folds
    with pytest.raises(ValidationError, match=r"smaller class has 2 example\(s\).*cv=3"):
        ChurnModel(cv=3).fit(X, y)
    fitted = ChurnModel(cv=2).fit(X, y)
    assert fitted.predict_proba(X).shape == (6, 2)
