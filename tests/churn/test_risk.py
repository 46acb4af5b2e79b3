import numpy as np
import pandas as pd
import pytest

from clientalytics.churn import (
    ChurnModel,
    churn_feature_importance,
    churn_features,
    churn_risk_list,
    retainable_mask,
    win_back_list,
)
from clientalytics.churn import risk as risk_module
from clientalytics.exceptions import ValidationError
from clientalytics.status import client_states
from tests.churn._helpers import TEST


def _hand_built(seed: int = 0, n: int = 240) -> tuple[pd.DataFrame, np.ndarray]:
    """Features of ``n`` clients (numbers and one text column) and a churn label."""
    rng = np.random.default_rng(seed)
    silent = rng.uniform(0, 360, n).round()
    features = pd.DataFrame(
        {
            "days_since_last_purchase": silent,
            "frequency": rng.integers(0, 30, n).astype(float),
            "total_margin": rng.uniform(-1e4, 1e5, n),
            "tenure_days": rng.uniform(10, 1000, n).round(),
            "complaints_recent": rng.poisson(0.5, n).astype(float),
            "behaviour": rng.choice(["loyal", "switcher", "unknown"], n),
        },
        index=pd.Index([f"C{i:03d}" for i in range(n)], name="client_id"),
    )
    logit = silent / 60 - 3 + features["complaints_recent"] - features["frequency"] / 15
    churned = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return features, churned


@pytest.fixture(scope="module")
def fitted():
    features, churned = _hand_built()
    model = ChurnModel(max_iter=40, cv=3, random_state=0).fit(features, churned)
    return model, features


def _old_reasons(model, features, base, top):
    """The explanation before batching: one predict_proba call per feature, row loop."""
    reference = model.reference_
    drops = {}
    for col in features.columns:
        if col not in reference.index:
            continue
        changed = features.copy()
        changed[col] = reference[col]
        if pd.api.types.is_numeric_dtype(features[col]):
            changed[col] = changed[col].astype(features[col].dtype)
        drops[col] = base - model.predict_proba(changed)[:, 1]
    table = pd.DataFrame(drops, index=features.index)
    reasons = []
    for i, (_, row) in enumerate(table.iterrows()):
        best = row[row > 0.005].sort_values(ascending=False).head(top)
        texts = []
        for name, drop in best.items():
            raw = features.iloc[i][str(name)]
            shown = f"{raw:,.1f}" if isinstance(raw, (float, np.floating)) else str(raw)
            texts.append(f"{name!s}={shown} (+{drop:.2f})")
        reasons.append(texts + [""] * (top - len(texts)))
    return reasons


def test_a_client_silent_200_days_never_appears_on_the_risk_list(fitted):
    model, features = fitted
    features = features.copy()
    # the most valuable client, silent 200 days: the riskiest by far, and not retainable
    features.loc["C000", ["days_since_last_purchase", "complaints_recent"]] = [200.0, 5.0]
    value = pd.Series(1000.0, index=features.index).where(features.index != "C000", 1e9)
    risk = churn_risk_list(model, features, value=value)
    assert "C000" not in risk.index
    assert (features.loc[risk.index, "days_since_last_purchase"] <= 90).all()
    kept = int((features["days_since_last_purchase"] <= 90).sum())
    assert len(risk) == kept and risk["value_rank"].tolist() == list(range(1, kept + 1))
    back = win_back_list(features, value=value)
    assert back.index[0] == "C000" and back.loc["C000", "value"] == 1e9
    assert len(back) + len(risk) == len(features)
    assert (back["days_since_last_purchase"] > 90).all()


def test_an_explicit_retainable_series_decides_the_population(fitted):
    model, features = fitted
    retainable = pd.Series(False, index=features.index)
    retainable[["C001", "C002", "C003"]] = True
    value = pd.Series(np.arange(len(features), dtype=float), index=features.index)
    risk = churn_risk_list(model, features, value=value, retainable=retainable, top_reasons=0)
    assert sorted(risk.index) == ["C001", "C002", "C003"]
    np.testing.assert_allclose(
        risk["value_at_risk"], risk["churn_probability"] * value.reindex(risk.index)
    )
    with pytest.raises(ValidationError, match="no retainable client"):
        churn_risk_list(model, features, value=value, retainable=retainable & False)


def test_past_margin_is_the_explicit_alternative(fitted):
    model, features = fitted
    risk = churn_risk_list(model, features, value="margin", top_reasons=0)
    kept = features.loc[risk.index]
    by_hand = np.maximum(kept["total_margin"] / np.maximum(kept["tenure_days"], 30.0) * 365.25, 0.0)
    np.testing.assert_allclose(risk["value"], by_hand)
    with pytest.raises(ValidationError, match="'margin'"):
        churn_risk_list(model, features, value="revenue")
    with pytest.raises(ValidationError, match="have no value"):
        churn_risk_list(model, features, value=pd.Series(1.0, index=features.index[:10]))


def test_batched_reasons_equal_the_per_feature_loop(fitted, monkeypatch):
    model, features = fitted
    base = model.predict_proba(features)[:, 1]
    expected = _old_reasons(model, features, base, 3)
    calls = []
    original = type(model).predict_proba

    def counted(self, X):
        calls.append(len(X))
        return original(self, X)

    monkeypatch.setattr(type(model), "predict_proba", counted)
    got = risk_module._reasons(model, features, base, 3)
    assert got == expected
    assert any(r[0] for r in got)
    # one call scores every changed copy: 6 features x 240 clients
    assert calls == [6 * len(features)]


def test_explaining_the_top_of_the_list_only_gives_the_same_reasons(fitted, monkeypatch):
    model, features = fitted
    value = pd.Series(np.linspace(1, 2, len(features)), index=features.index)
    full = churn_risk_list(model, features, value=value)
    calls = []
    original = type(model).predict_proba

    def counted(self, X):
        calls.append(len(X))
        return original(self, X)

    monkeypatch.setattr(type(model), "predict_proba", counted)
    top = churn_risk_list(model, features, value=value, explain=10)
    reasons = ["reason_1", "reason_2", "reason_3"]
    pd.testing.assert_frame_equal(top.drop(columns=reasons), full.drop(columns=reasons))
    pd.testing.assert_frame_equal(top[reasons].head(10), full[reasons].head(10))
    assert (top[reasons].iloc[10:] == "").all().all()
    # one call to score the list, one to explain its first 10 clients on 6 features
    assert calls == [len(full), 6 * 10]


def test_retainable_mask_follows_client_states():
    tx = pd.DataFrame(
        {
            "client_id": ["A", "A", "B", "C", "C"],
            "date": pd.to_datetime(
                ["2024-01-10", "2024-05-20", "2024-02-01", "2023-01-01", "2024-06-25"]
            ),
            "revenue": [100.0, 50.0, 80.0, 70.0, -70.0],
        }
    )
    cutoffs = pd.to_datetime(["2024-06-30", "2024-03-01"])
    index = pd.MultiIndex.from_tuples(
        [(cutoffs[0], "A"), (cutoffs[0], "B"), (cutoffs[0], "C"), (cutoffs[1], "B")],
        names=["cutoff", "client_id"],
    )
    features = pd.DataFrame({"days_since_last_purchase": [41.0, 150.0, 5.0, 29.0]}, index=index)
    mask = retainable_mask(features, tx)
    # A: 41 days; B: 150 days at the first cutoff, 29 at the second; C: its last order is
    # 18 months old (the credit note does not count): lost, not retainable
    assert mask.tolist() == [True, False, False, True]
    states = client_states(tx, observation_end=cutoffs[0])
    assert states.loc[["A", "B", "C"], "retainable"].tolist() == mask.iloc[:3].tolist()
    # without transactions the feature rule: silence at most 90 days
    assert retainable_mask(features).tolist() == [True, False, True, True]
    with pytest.raises(ValidationError, match="cutoff"):
        retainable_mask(features.droplevel("cutoff"), tx)


def test_importance_and_risk_list_on_the_sample(sample):
    base, (X_tr, y_tr, X_te, y_te) = sample
    model = ChurnModel(max_iter=60).fit(X_tr, y_tr)
    imp = churn_feature_importance(model, X_te, y_te, n_repeats=2)
    assert imp["importance"].is_monotonic_decreasing
    assert imp.index[0] in {"overdue_ratio", "days_since_last_purchase", "mean_gap_days"}
    features = churn_features(base, cutoff=TEST).head(60)
    clv = pd.Series(np.linspace(100, 700, 60), index=features.index)
    risk = churn_risk_list(model, features, value=clv, top_reasons=2)
    assert (features.loc[risk.index, "days_since_last_purchase"] <= 90).all()
    assert risk["value_rank"].tolist() == list(range(1, len(risk) + 1))
    riskiest = risk.sort_values("risk_rank").iloc[0]
    assert riskiest["reason_1"] != ""
