"""Transaction models: estimator contract, input validation, weight compression, robustness."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from clientalytics.clv import BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel
from clientalytics.exceptions import ConvergenceError, NotFittedError, ValidationError

CONTINUOUS = [BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel]


@pytest.mark.parametrize("cls", CONTINUOUS)
def test_estimator_contract(cls, cdnow):
    model = cls(penalizer_coef=0.0)
    assert clone(model).get_params() == {"penalizer_coef": 0.0}
    with pytest.raises(NotFittedError, match="call fit"):
        model.probability_alive(cdnow)
    assert model.fit(cdnow) is model
    k = len(model.params_)
    assert model.aic_ == pytest.approx(2 * k - 2 * model.log_likelihood_)
    assert model.bic_ == pytest.approx(k * np.log(2357) - 2 * model.log_likelihood_)
    assert model.score(cdnow) == pytest.approx(model.log_likelihood_ / 2357)
    assert model.n_distinct_histories_ == len(
        cdnow[["frequency", "recency", "T"]].drop_duplicates()
    )


@pytest.mark.parametrize("cls", CONTINUOUS)
def test_compressed_fit_equals_weighted_fit(cls, cdnow):
    """Identical rows are merged into weights; fitting pre-aggregated rows with their counts,
    or every row twice, gives the same parameters to 1e-6."""
    plain = cls().fit(cdnow)
    grouped = cdnow.groupby(["frequency", "recency", "T"]).size().rename("n").reset_index()
    weighted = cls().fit(grouped, sample_weight=grouped["n"])
    doubled = cls().fit(pd.concat([cdnow, cdnow]))
    np.testing.assert_allclose(weighted.params_, plain.params_, rtol=1e-6)
    np.testing.assert_allclose(doubled.params_, plain.params_, rtol=1e-6)
    assert weighted.log_likelihood_ == pytest.approx(plain.log_likelihood_, rel=1e-9)


@pytest.mark.parametrize("cls", CONTINUOUS)
def test_compressed_fit_equals_row_by_row_fit(cls, cdnow):
    """The same optimiser run on every row separately (no merging of identical histories)
    lands on the same parameters to 1e-6."""
    from clientalytics.clv._data import FitData
    from clientalytics.clv._optimize import minimize_log_params

    model = cls().fit(cdnow)
    scale = 1.0 / cdnow["T"].max()
    rows = FitData(
        cdnow["frequency"].to_numpy(float),
        cdnow["recency"].to_numpy() * scale,
        cdnow["T"].to_numpy() * scale,
        np.ones(len(cdnow)),
    )
    assert rows.x.shape[0] == 2357 > model.n_distinct_histories_

    def objective(log_params):
        return -model._mean_log_likelihood(np.exp(log_params), rows, gradient=False)[0]

    log_params, _ = minimize_log_params(
        objective, np.zeros(4), model=model.model_name, names=model.param_names
    )
    row_by_row = model._scaled(np.exp(log_params), 1.0 / scale)
    np.testing.assert_allclose(model.params_.to_numpy(), row_by_row, rtol=1e-6)


def test_parameters_are_recovered_from_simulated_data():
    truth = BetaGeoModel().fit(
        pd.DataFrame({"frequency": [0, 1, 2, 5], "recency": [0, 5, 20, 30.0], "T": [40.0] * 4}),
        sample_weight=[50, 20, 10, 5],
    )
    truth.params_[:] = [0.5, 6.0, 0.7, 2.5]
    sample = truth.sample(np.full(40_000, 52.0), random_state=7)
    refit = BetaGeoModel().fit(sample)
    np.testing.assert_allclose(refit.params_, [0.5, 6.0, 0.7, 2.5], rtol=0.1)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            pd.DataFrame({"frequency": [1], "recency": [2.0]}),
            r"missing required column\(s\) \['T'\]",
        ),
        (
            pd.DataFrame({"frequency": [1, 2], "recency": [5.0, 9.0], "T": [4.0, 10.0]}),
            "'recency' exceeds 'T' for 1 client",
        ),
        (
            pd.DataFrame({"frequency": [1.5], "recency": [2.0], "T": [3.0]}),
            "'frequency' must count whole repeat purchases; 1 value",
        ),
        (
            pd.DataFrame({"frequency": [1], "recency": [-2.0], "T": [3.0]}),
            "'recency' has 1 negative value",
        ),
        (
            pd.DataFrame({"frequency": [1], "recency": [np.nan], "T": [3.0]}),
            "'recency' has 1 missing",
        ),
        (
            pd.DataFrame({"frequency": [2], "recency": [0.0], "T": [3.0]}),
            "repeat purchases but recency 0",
        ),
        (pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0]}), "every client has T = 0"),
        (pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [-1.0]}), "'T' has 1 negative"),
    ],
)
def test_invalid_summaries_are_rejected(frame, message):
    with pytest.raises(ValidationError, match=message):
        BetaGeoModel().fit(frame)


def test_bad_sample_weight():
    frame = pd.DataFrame({"frequency": [0, 1], "recency": [0.0, 2.0], "T": [3.0, 3.0]})
    with pytest.raises(ValidationError, match="sample_weight has 1 values for 2 rows"):
        BetaGeoModel().fit(frame, sample_weight=[1.0])
    with pytest.raises(ValidationError, match="negative or non-finite"):
        BetaGeoModel().fit(frame, sample_weight=[1.0, -1.0])


def test_horizon_must_be_valid(cdnow):
    model = BetaGeoModel().fit(cdnow)
    with pytest.raises(ValidationError, match="horizon t must be a finite number >= 0"):
        model.expected_purchases(cdnow, t=-1)


def test_clients_first_seen_at_the_end_add_nothing_and_are_alive(cdnow):
    """T = 0 without repeat purchases: no information for the fit, P(alive) = 1 (BG/NBD)."""
    extra = pd.DataFrame(
        {"frequency": [0, 0], "recency": [0.0, 0.0], "T": [0.0, 0.0]}, index=["new1", "new2"]
    )
    plain = BetaGeoModel().fit(cdnow)
    with_new = BetaGeoModel().fit(pd.concat([cdnow, extra]))
    for name, value in plain.params_.items():
        assert with_new.params_[name] == pytest.approx(value, rel=1e-6)
    np.testing.assert_allclose(with_new.probability_alive(extra), 1.0)
    assert np.isfinite(with_new.expected_purchases(extra, t=10)).all()


def test_forecasts_at_the_edge_of_the_parameter_space_raise_instead_of_nan():
    """Nineteen buyers (daily summary of a small company) drive BG/NBD's a and b to millions."""
    from clientalytics.exceptions import ConvergenceError

    summary = pd.DataFrame(
        {
            "frequency": [0, 4, 0, 0, 1, 15, 1, 10, 4, 1, 6, 6, 7, 0, 1, 17, 6, 14, 2],
            "recency": [
                0,
                210,
                0,
                0,
                47,
                268,
                54,
                81,
                81,
                239,
                22,
                253,
                27,
                0,
                220,
                48,
                119,
                138,
                9,
            ],
            "T": [
                331,
                252,
                19,
                73,
                75,
                308,
                215,
                336,
                350,
                343,
                322,
                278,
                315,
                348,
                245,
                321,
                173,
                354,
                21,
            ],
        },
        dtype=float,
    )
    # Depending on where the optimiser stops on the flat ridge, the fit itself reports the
    # unidentified parameters, or it returns them and the forecast refuses to give NaN;
    # either way the caller gets a ConvergenceError with the penalizer hint, never NaN.
    with pytest.raises(ConvergenceError, match=r"penalizer_coef=0\.001"):
        model = BetaGeoModel().fit(summary)
        assert model.params_["a"] > 1e5
        model.expected_purchases(summary, t=365)
    penalized = BetaGeoModel(penalizer_coef=0.001).fit(summary)
    assert np.isfinite(penalized.expected_purchases(summary, t=365)).all()


@pytest.fixture(scope="module")
def fitted(cdnow):
    return {cls: cls().fit(cdnow) for cls in CONTINUOUS}


EXTREMES = pd.DataFrame(
    {
        "frequency": [0, 500, 300, 1, 1, 200, 0, 50, 1000],
        "recency": [0.0, 38.85, 1e4, 1e-3, 38.86, 0.5, 0.0, 1e4, 1e5],
        "T": [1e-4, 38.86, 1e4, 1e-3, 38.86, 1e5, 1e6, 1e4, 1e5],
    }
)


@pytest.mark.parametrize("cls", CONTINUOUS)
def test_extreme_histories_are_finite(fitted, cls):
    model = fitted[cls]
    alive = model.probability_alive(EXTREMES).to_numpy()
    assert np.all(np.isfinite(alive))
    assert np.all((alive >= 0) & (alive <= 1))
    for t in (1e-3, 1.0, 52.0, 1e4):
        purchases = model.expected_purchases(EXTREMES, t=t).to_numpy()
        assert np.all(np.isfinite(purchases)), (t, purchases)
        assert np.all(purchases >= 0)
    ll = model.client_log_likelihood(EXTREMES).to_numpy()
    assert np.all(np.isfinite(ll))
    # 500 purchases in 38.86 weeks, the last one an hour ago: a very active client
    assert alive[1] > 0.99
    assert model.expected_purchases(EXTREMES, t=1.0).iloc[1] > 5


def test_recency_equal_to_T(fitted):
    """A purchase at the very end: Pareto/NBD clients are surely alive; BG/NBD clients may have
    dropped out at that purchase with probability E[p | x], so P(alive) = 1/(1 + a/(b+x-1))."""
    frame = pd.DataFrame({"frequency": [3, 30], "recency": [20.0, 20.0], "T": [20.0, 20.0]})
    np.testing.assert_allclose(fitted[ParetoNBDModel].probability_alive(frame), 1.0)
    a, b = fitted[BetaGeoModel].params_[["a", "b"]]
    x = frame["frequency"].to_numpy()
    np.testing.assert_allclose(
        fitted[BetaGeoModel].probability_alive(frame), 1 / (1 + a / (b + x - 1)), rtol=1e-12
    )
    a, b = fitted[ModifiedBetaGeoModel].params_[["a", "b"]]
    np.testing.assert_allclose(
        fitted[ModifiedBetaGeoModel].probability_alive(frame), 1 / (1 + a / (b + x)), rtol=1e-12
    )


histories = st.tuples(
    st.integers(min_value=0, max_value=400),
    st.floats(min_value=1e-3, max_value=1e4),
    st.floats(min_value=0.0, max_value=1.0),
)


@settings(max_examples=60, deadline=None)
@given(history=histories, t=st.floats(min_value=1e-3, max_value=1e3))
def test_predictions_finite_and_monotone(cdnow, history, t):
    x, T, share = history
    rec = 0.0 if x == 0 else max(share * T, 1e-6)
    frame = pd.DataFrame({"frequency": [x], "recency": [rec], "T": [T]})
    for cls in CONTINUOUS:
        if cls not in _FITTED:
            _FITTED[cls] = cls().fit(cdnow)
        model = _FITTED[cls]
        alive = float(model.probability_alive(frame).iloc[0])
        near = float(model.expected_purchases(frame, t=t).iloc[0])
        far = float(model.expected_purchases(frame, t=2 * t).iloc[0])
        assert 0.0 <= alive <= 1.0
        assert np.isfinite(near) and np.isfinite(far)
        assert 0.0 <= near <= far * (1 + 1e-9) + 1e-12


_FITTED: dict = {}


@pytest.mark.parametrize("cls", [*CONTINUOUS])
@pytest.mark.parametrize("penalizer", [0.0, 0.01])
def test_no_repeat_purchase_raises_convergence_error_with_hint(cls, penalizer):
    """Nobody ever came back: the dropout process is not identified."""
    frame = pd.DataFrame(
        {"frequency": [0] * 50, "recency": [0.0] * 50, "T": np.linspace(5, 40, 50)}
    )
    with pytest.raises(ConvergenceError, match=r"penalizer_coef.*time unit"):
        cls(penalizer_coef=penalizer).fit(frame)


def test_small_sample_still_fits(cdnow):
    model = ParetoNBDModel().fit(cdnow.sample(30, random_state=1))
    assert np.all(np.isfinite(model.params_.to_numpy()))
