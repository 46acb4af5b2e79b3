import numpy as np
import pandas as pd
import pytest

from clientalytics.engagement import (
    ContactSaturation,
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
