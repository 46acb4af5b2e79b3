"""Inter-purchase times, the log inter-purchase sum and Wheat & Morrison's estimator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clientalytics.clv.regularity import (
    LOG_INTERPURCHASE_COLUMN,
    estimate_regularity,
    interpurchase_times,
    log_interpurchase_sum,
    wheat_morrison_statistics,
)
from clientalytics.datasets import load_grocery
from clientalytics.exceptions import ValidationError

TX = pd.DataFrame(
    {
        "client_id": ["a", "a", "a", "a", "b", "c", "c"],
        "date": pd.to_datetime(
            [
                "2024-01-01 09:00",
                "2024-01-01 17:00",  # same day: one purchase period
                "2024-01-04 00:00",
                "2024-01-14 00:00",
                "2024-01-02 00:00",
                "2024-01-03 00:00",
                "2024-02-20 00:00",
            ]
        ),
    }
)


def test_gaps_by_hand():
    gaps = interpurchase_times(TX)
    assert gaps["client_id"].tolist() == ["a", "a", "c"]
    assert gaps["order"].tolist() == [1, 2, 1]
    assert gaps["gap"].tolist() == [3.0, 10.0, 48.0]
    weekly = interpurchase_times(TX, time_unit="W")  # Monday-to-Sunday weeks
    assert weekly["gap"].tolist() == [1.0, 7.0]  # a: weeks of Jan 1, 1, Jan 1, Jan 8; c: 7 weeks
    assert interpurchase_times(TX, time_unit="M")["gap"].tolist() == [1.0]


def test_log_interpurchase_sum_by_hand():
    litt = log_interpurchase_sum(TX)
    assert litt.name == LOG_INTERPURCHASE_COLUMN
    assert litt.index.tolist() == ["a", "b", "c"]
    np.testing.assert_allclose(litt.to_numpy(), [np.log(3) + np.log(10), 0.0, np.log(48)])
    early = log_interpurchase_sum(TX, observation_end="2024-01-10")
    np.testing.assert_allclose(early.to_numpy(), [np.log(3), 0.0, 0.0])


def test_wheat_morrison_uses_the_last_two_gaps():
    stats = wheat_morrison_statistics(interpurchase_times(TX))
    assert stats.index.tolist() == ["a"]
    assert stats.iloc[0] == pytest.approx(3 / 13)


@pytest.mark.parametrize("k", [1, 3])
def test_estimate_regularity_recovers_the_erlang_shape(k):
    """Gamma(k) gaps with client-specific rates: M ~ Beta(k, k), so k is recovered."""
    rng = np.random.default_rng(k)
    n, m = 4000, 4
    rates = rng.gamma(2.0, 1.0, n)
    gaps = rng.gamma(k, 1.0, (n, m)) / rates[:, None]
    frame = pd.DataFrame(
        {
            "client_id": np.repeat(np.arange(n), m).astype(str),
            "order": np.tile(np.arange(1, m + 1), n),
            "gap": gaps.reshape(-1),
        }
    )
    from clientalytics.clv.regularity import regularity_from_statistics

    assert regularity_from_statistics(wheat_morrison_statistics(frame)) == pytest.approx(k, rel=0.1)


def test_grocery_regularity_is_about_two():
    """BTYDplus' vignette: the Wheat & Morrison estimate on the grocery log is "close to 2"."""
    assert 1.6 < estimate_regularity(load_grocery()) < 2.2


def test_input_errors():
    with pytest.raises(ValidationError, match="missing required column"):
        log_interpurchase_sum(TX.rename(columns={"date": "day"}))
    with pytest.raises(ValidationError, match="must hold dates"):
        interpurchase_times(TX.assign(date=TX["date"].astype(str)))
    with pytest.raises(ValidationError, match="at least two clients"):
        estimate_regularity(TX)
