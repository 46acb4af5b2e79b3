"""Calibration/holdout evaluation and model comparison on the CDNOW transactions."""

from dataclasses import FrozenInstanceError

import numpy as np
import pandas as pd
import pytest

from clientalytics.clv import (
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    compare_models,
    holdout_metrics,
    holdout_predictions,
)
from clientalytics.exceptions import ValidationError
from clientalytics.summary import calibration_holdout_split


@pytest.fixture(scope="module")
def cal_holdout(cdnow_transactions):
    """39 weeks of calibration, 39 of holdout, counted in weeks (Fader, Hardie & Lee 2005)."""
    return calibration_holdout_split(
        cdnow_transactions,
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        cost_col=None,
        time_unit="W",
    )


def test_holdout_predictions_and_metrics(cal_holdout):
    holdout = holdout_predictions(BetaGeoModel(), cal_holdout, time_unit="W")
    predictions, model = holdout.predictions, holdout.model
    assert list(predictions.columns) == ["actual_purchases", "predicted_purchases", "error"]
    assert predictions.attrs == {}
    np.testing.assert_allclose(
        predictions["error"], predictions["predicted_purchases"] - predictions["actual_purchases"]
    )
    # the fitted copy predicts the table and knows its time unit
    duration = float(cal_holdout["duration_holdout"].iloc[0])
    calibration = cal_holdout[["frequency_cal", "recency_cal", "T_cal"]].set_axis(
        ["frequency", "recency", "T"], axis=1
    )
    np.testing.assert_allclose(
        predictions["predicted_purchases"], model.expected_purchases(calibration, t=duration)
    )
    assert model.time_unit_ == "W"
    with pytest.raises(FrozenInstanceError):
        holdout.model = BetaGeoModel()  # type: ignore[misc]
    metrics = holdout_metrics(holdout)
    assert metrics["aic"] == pytest.approx(model.aic_)
    assert metrics["mae"] == pytest.approx(predictions["error"].abs().mean())
    assert metrics["actual_total"] == cal_holdout["frequency_holdout"].sum()
    # BG/NBD forecasts the CDNOW holdout total within 15 %
    assert abs(metrics["aggregate_error"]) < 0.15


def test_compare_models_table(cal_holdout):
    table = compare_models(
        {
            "BG/NBD": BetaGeoModel(),
            "MBG/NBD": ModifiedBetaGeoModel(),
            "Pareto/NBD": ParetoNBDModel(),
        },
        cal_holdout,
    )
    assert list(table.index) == ["BG/NBD", "MBG/NBD", "Pareto/NBD"]
    assert list(table.columns) == [
        "n_params",
        "log_likelihood",
        "aic",
        "bic",
        "mae",
        "rmse",
        "actual_total",
        "predicted_total",
        "aggregate_error",
    ]
    assert (table["n_params"] == 4).all()
    assert np.all(np.isfinite(table.to_numpy(dtype=float)))
    # the per-client errors of the three models are close on CDNOW
    assert table["mae"].max() / table["mae"].min() < 1.1


def test_compare_models_needs_constant_duration(cal_holdout):
    broken = cal_holdout.copy()
    broken.iloc[0, broken.columns.get_loc("duration_holdout")] = 3.0
    with pytest.raises(ValidationError, match="'duration_holdout' must be the same"):
        compare_models({"BG/NBD": BetaGeoModel()}, broken)


def test_models_fit_the_calibration_table_directly(cal_holdout):
    """The ``_cal`` columns are used without renaming by hand; the holdout is ignored."""
    by_hand = cal_holdout.rename(
        columns={c: c.removesuffix("_cal") for c in cal_holdout.columns if c.endswith("_cal")}
    )
    direct = BetaGeoModel().fit(cal_holdout, time_unit="W")
    manual = BetaGeoModel().fit(by_hand, time_unit="W")
    pd.testing.assert_series_equal(direct.params_, manual.params_)
    pd.testing.assert_series_equal(
        direct.expected_purchases(cal_holdout, t=39.0), manual.expected_purchases(by_hand, t=39.0)
    )
    spend = GammaGammaModel().fit(cal_holdout)
    pd.testing.assert_series_equal(spend.params_, GammaGammaModel().fit(by_hand).params_)
    assert spend.expected_value(cal_holdout).index.equals(cal_holdout.index)
