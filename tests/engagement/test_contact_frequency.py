import numpy as np
import pandas as pd
import pytest

from clientalytics.engagement import (
    ContactSaturation,
    adjusted_contact_association,
    contact_covariates,
    contact_frequency_bands,
    contact_loyalty_panel,
)
from clientalytics.exceptions import NotFittedError, ValidationError
from tests._helpers import tx_frame


def test_contact_panel_and_bands():
    tx = tx_frame(
        [
            ("a", "2024-01-05", 1, 0),
            ("a", "2024-04-05", 1, 0),
            ("b", "2024-01-05", 1, 0),
            ("b", "2024-07-05", 1, 0),
        ]
    )
    tp = pd.DataFrame(
        {
            "client_id": ["a", "a", "b", "a"],
            "timestamp": pd.to_datetime(["2024-01-10", "2024-02-10", "2024-03-01", "2024-05-01"]),
            "kind": ["sales", "service", "complaint", "sales"],
        }
    )
    panel = contact_loyalty_panel(tp, tx, observation_end="2024-09-30", time_unit="Q")
    got = {(r.client_id, r.period.month): (r.contacts, r.retained) for r in panel.itertuples()}
    # Q3 of b has no complete next quarter by 2024-09-30
    assert got == {("a", 1): (2, True), ("a", 4): (1, False), ("b", 1): (1, False)}
    kinds = contact_loyalty_panel(tp, tx, observation_end="2024-09-30", kinds=["sales"])
    assert kinds.set_index(["client_id", "period"])["contacts"].tolist() == [1, 1, 0]
    bands = contact_frequency_bands(panel, edges=(0, 1, 2)).set_index("band")
    assert bands.index.tolist() == ["0", "1", "2+"]
    assert bands.loc["0", "n"] == 0 and np.isnan(bands.loc["0", "retention_rate"])
    assert bands.loc["1", "retention_rate"] == 0.0 and bands.loc["2+", "retention_rate"] == 1.0
    with pytest.raises(ValidationError, match="increase strictly from 0"):
        contact_frequency_bands(panel, edges=(1, 2))


def _hinge_sample(k, n_per=400, seed=0):
    rng = np.random.default_rng(seed)
    x = np.repeat(np.arange(0, 12), n_per)
    p = 0.2 + 0.08 * np.minimum(x, k) - 0.01 * np.maximum(x - k, 0)
    return x, rng.random(len(x)) < p


def test_saturation_exact_on_noise_free_rates():
    x = np.repeat(np.arange(0, 10), 10)
    # retention rate per count: 0.1 * min(x, 4) exactly (one success per 10 at each step)
    y = np.concatenate([np.arange(10) < min(v, 4) for v in range(10)])
    model = ContactSaturation(n_bootstrap=0).fit(x, y)
    assert model.breakpoint_ == 4.0
    assert model.slope_before_ == pytest.approx(0.1)
    assert model.slope_after_ == pytest.approx(0.0, abs=1e-12)
    assert model.predict([0, 2, 9]) == pytest.approx([0.0, 0.2, 0.4])


def test_saturation_bootstrap_recovers_breakpoint():
    x, y = _hinge_sample(5)
    groups = np.arange(len(x)) // 3
    model = ContactSaturation(n_bootstrap=60, random_state=1).fit(x, y, groups=groups)
    assert model.breakpoint_ in (4.0, 5.0, 6.0)
    lo, hi = model.breakpoint_ci_
    assert lo <= 5 <= hi
    again = ContactSaturation(n_bootstrap=60, random_state=1).fit(x, y, groups=groups)
    assert np.array_equal(model.breakpoint_bootstrap_, again.breakpoint_bootstrap_)
    assert model.slope_before_ > 0.05 and model.slope_after_ < 0.01


def test_saturation_errors():
    with pytest.raises(ValidationError, match="3 distinct contact counts"):
        ContactSaturation().fit([0, 1, 1], [True, False, True])
    with pytest.raises(NotFittedError):
        ContactSaturation().predict([1])


def _confounded_panel():
    """Pure confounding: large clients get more contacts *and* stay more, for their own reasons.

    Within each size stratum the retention rate is the same at every contact count
    (small: 2 in 10, large: 8 in 10), so the within-stratum slope is exactly 0,
    while the raw slope is clearly positive.
    """
    rows = []
    for size, counts, kept in (("small", (0, 1, 2), 2), ("large", (4, 5, 6), 8)):
        for c in counts:
            for i in range(10):
                rows.append(
                    {
                        "client_id": f"{size}-{c}-{i}",
                        "contacts": c,
                        "retained": i < kept,
                        "size_band": size,
                        "noise": float(i % 2),
                    }
                )
    return pd.DataFrame(rows)


def test_adjusted_association_removes_pure_confounding():
    panel = _confounded_panel()
    out = adjusted_contact_association(panel, confounders=["size_band", "noise"])
    slope = out.set_index("adjusted_for")["slope"]
    # raw OLS slope by hand: cov(x, y) / var(x); x mean 3, y mean 0.5
    x = panel["contacts"].to_numpy(float)
    y = panel["retained"].to_numpy(float)
    raw = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
    # sum (x - 3)^2 = 10 * (9 + 4 + 1 + 1 + 4 + 9) = 280; sum (x - 3)(y - 0.5) =
    # 10 * (-0.3) * (-3 - 2 - 1) + 10 * 0.3 * (1 + 2 + 3) = 36, so the slope is 36 / 280
    assert raw == pytest.approx(36 / 280)
    assert slope["none"] == pytest.approx(raw)
    assert slope["none"] > 0.1
    assert slope["size_band"] == pytest.approx(0.0, abs=1e-12)
    assert slope["all"] == pytest.approx(0.0, abs=1e-12)
    assert out.columns.tolist() == [
        "adjusted_for", "term", "slope", "std_error", "ci_low", "ci_high", "n"
    ]  # fmt: skip
    assert (out["n"] == 60).all()
    row = out.set_index("adjusted_for").loc["none"]
    assert row["ci_low"] < row["slope"] < row["ci_high"]


def test_adjusted_association_with_breakpoint_terms():
    panel = _confounded_panel()
    out = adjusted_contact_association(panel, confounders=["size_band"], breakpoint=3)
    assert out["term"].tolist() == ["before_breakpoint", "after_breakpoint"] * 2
    adjusted = out[out["adjusted_for"] == "size_band"]
    assert adjusted["slope"].abs().max() == pytest.approx(0.0, abs=1e-9)
    assert out[out["adjusted_for"] == "none"]["slope"].iloc[0] > 0.1
    with pytest.raises(ValidationError, match="no column 'retained'"):
        adjusted_contact_association(panel.drop(columns="retained"))


def test_contact_covariates_size_tenure_complaints_manager():
    tx = tx_frame(
        [
            ("a", "2024-01-05", 100, 0),
            ("a", "2024-04-05", 300, 0),
            ("b", "2024-04-05", 10, 0),
            ("b", "2024-07-05", 20, 0),
        ]
    )
    tp = pd.DataFrame(
        {
            "client_id": ["a", "a", "b"],
            "timestamp": pd.to_datetime(["2024-04-10", "2024-04-20", "2024-04-11"]),
            "kind": ["complaint", "complaint", "sales"],
        }
    )
    clients = pd.DataFrame({"client_id": ["a", "b"], "manager_id": ["m1", None]})
    panel = contact_loyalty_panel(tp, tx, observation_end="2024-12-31")
    cov = contact_covariates(
        panel, tx, observation_end="2024-12-31", touchpoints=tp, clients=clients
    ).set_index(["client_id", "period"])
    a2 = cov.loc[("a", pd.Timestamp("2024-04-01"))]
    assert a2["revenue"] == 300 and a2["size_band"] == "Q4"
    assert a2["tenure_periods"] == 1 and a2["tenure_band"] == "1-3"
    assert a2["complaints"] == 2 and a2["manager_id"] == "m1"
    b1 = cov.loc[("b", pd.Timestamp("2024-04-01"))]
    assert b1["tenure_periods"] == 0 and b1["tenure_band"] == "0"
    assert b1["complaints"] == 0 and b1["manager_id"] == "(missing)"
