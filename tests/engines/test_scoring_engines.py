"""engine_scores gives customer_lifetime_value's numbers in every engine, per client.

The distinct (frequency, recency, T) histories are scored in Python and joined back
in the engine: the spy checks that no frame with one row per client reaches pandas.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import clientalytics._engines.scoring as scoring_module
import clientalytics.engine as engine_module
from clientalytics import ValidationError, summarize
from clientalytics._engines.scoring import engine_scores
from clientalytics.clv import BetaGeoModel, GammaGammaModel, customer_lifetime_value
from clientalytics.exceptions import ModelAssumptionWarning

END = "2025-03-02"


@pytest.fixture(scope="module")
def short_history() -> pd.DataFrame:
    """2,000 clients over eight weeks: many clients, few distinct weekly histories.

    Each client buys at a Gamma-distributed weekly rate from a random first week
    until a geometric dropout, so purchase counts and recencies vary as the models expect.
    """
    rng = np.random.default_rng(11)
    n_clients, n_days = 2000, 56
    rate = rng.gamma(0.8, 0.25, n_clients)  # purchases per day
    start = rng.integers(0, 21, n_clients)
    stop = np.minimum(start + 1 + rng.geometric(0.04, n_clients), n_days)
    counts = rng.poisson(rate[:, None] * np.ones(n_days))
    days = np.arange(n_days)
    counts[(days < start[:, None]) | (days >= stop[:, None])] = 0
    counts[np.arange(n_clients), start] += 1  # the first purchase
    client, day = np.nonzero(counts)
    client, day = np.repeat(client, counts[client, day]), np.repeat(day, counts[client, day])
    revenue = rng.gamma(3.0, 40.0, len(client)).round(2)
    revenue[rng.random(len(client)) < 0.03] *= -0.5
    return pd.DataFrame(
        {
            "client_id": np.char.add("S", client.astype(str)),
            "date": pd.Timestamp("2025-01-06") + pd.to_timedelta(day, unit="D"),
            "revenue": revenue,
            "variable_cost": np.abs(revenue) * 0.6,
        }
    )


@pytest.fixture(scope="module")
def models(short_history):
    summary = summarize(short_history, observation_end=END, time_unit="W")
    bg = BetaGeoModel().fit(summary, time_unit="W")
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    with warnings.catch_warnings():
        # Weekly sums of daily orders grow with frequency; the engines are compared here.
        warnings.simplefilter("ignore", ModelAssumptionWarning)
        gg = GammaGammaModel().fit(repeat)
    return summary, bg, gg


def _run(native):
    if isinstance(native, pd.DataFrame):
        frame = native
    elif hasattr(native, "toPandas"):
        frame = native.toPandas()
    elif hasattr(native, "df"):
        frame = native.df()
    else:
        frame = native.collect().to_pandas()
    return frame.set_index("client_id").sort_index()


def test_scores_equal_customer_lifetime_value(short_history, models, frame_on, monkeypatch):
    summary, bg, gg = models
    expected = customer_lifetime_value(bg, gg, summary, horizon_months=6)
    n_distinct = len(summary[["frequency", "recency", "T"]].drop_duplicates())
    assert n_distinct < len(summary) / 10
    sizes: list[int] = []
    real_collect = engine_module.collect

    def spy(frame):
        out = real_collect(frame)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(engine_module, "collect", spy)
    monkeypatch.setattr(scoring_module, "_collect", spy)
    native = summarize(frame_on(short_history), observation_end=END, time_unit="W", output="native")
    scores = engine_scores(bg, gg, native, horizon_months=6)
    # Distinct histories and one row of base totals come back; never a row per client.
    assert sizes and max(sizes) == n_distinct
    got = _run(scores)
    assert got.index.is_unique and len(got) == len(summary)
    pd.testing.assert_frame_equal(
        got[expected.columns], expected, check_exact=False, rtol=1e-9, check_names=False
    )


def test_purchases_and_alive_without_a_spend_model(short_history, models, frame_on):
    summary, bg, _ = models
    native = summarize(frame_on(short_history), observation_end=END, time_unit="W", output="native")
    got = _run(engine_scores(bg, None, native, horizon_months=3))
    assert list(got.columns) == ["expected_purchases", "probability_alive"]
    unit_value = pd.Series(1.0, index=summary.index)
    expected = customer_lifetime_value(bg, unit_value, summary, horizon_months=3, value="revenue")
    np.testing.assert_allclose(got["expected_purchases"], expected["expected_purchases"], rtol=1e-9)
    np.testing.assert_allclose(got["probability_alive"], bg.probability_alive(summary), rtol=1e-9)


def test_bad_options_raise(models):
    summary, bg, gg = models
    with pytest.raises(ValidationError, match="margin_rate must be a share of revenue <= 1"):
        engine_scores(bg, gg, summary, margin_rate=1.5)
    with pytest.raises(ValidationError, match=r"missing required column\(s\) \['monetary_value'\]"):
        engine_scores(bg, gg, summary.drop(columns="monetary_value"))
