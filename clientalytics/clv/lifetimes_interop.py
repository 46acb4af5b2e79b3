"""Conversion of fitted models between ``lifetimes`` and clientalytics.

:func:`from_lifetimes` turns a fitted ``lifetimes`` fitter into the clientalytics
model of the same family, and :func:`to_lifetimes` does the reverse, so code and
saved models written for ``lifetimes`` keep working during a migration. The five
families both libraries share, and their parameters:

- ``BetaGeoFitter`` and :class:`BetaGeoModel`: ``r, alpha, a, b``;
- ``ModifiedBetaGeoFitter`` and :class:`ModifiedBetaGeoModel`: ``r, alpha, a, b``;
- ``ParetoNBDFitter`` and :class:`ParetoNBDModel`: ``r, alpha, s, beta``;
- ``BetaGeoBetaBinomFitter`` and :class:`BetaGeoBetaBinomModel`:
  ``alpha, beta, gamma, delta``;
- ``GammaGammaFitter`` and :class:`GammaGammaModel`: ``p, q, v`` in ``lifetimes``,
  ``p, q, gamma`` here (``v`` is the scale ``gamma`` of the papers).

Both libraries state the time parameters (``alpha``, and ``beta`` of Pareto/NBD) in
the time unit of the summary the model was fitted on, so the values are copied
unchanged and both sides give the same predictions for the same histories.
``lifetimes`` is imported only when one of these functions is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from clientalytics.clv._data import FitData, check_sample_weight, compress
from clientalytics.clv._optimize import numerical_hessian
from clientalytics.clv.base import TransactionModel
from clientalytics.clv.beta_geo import BetaGeoModel
from clientalytics.clv.beta_geo_beta_binom import BetaGeoBetaBinomModel
from clientalytics.clv.gamma_gamma import (
    EXCLUDED_COLUMNS,
    NON_POSITIVE_REASON,
    GammaGammaModel,
)
from clientalytics.clv.gamma_gamma import _log_likelihood as _gamma_gamma_log_likelihood
from clientalytics.clv.modified_beta_geo import ModifiedBetaGeoModel
from clientalytics.clv.pareto_nbd import ParetoNBDModel
from clientalytics.exceptions import ConvergenceError, NotFittedError, ValidationError
from clientalytics.periods import SUMMARY_TIME_UNITS, TimeUnit, check_time_unit

#: The models :func:`from_lifetimes` returns and :func:`to_lifetimes` accepts.
_Convertible = TransactionModel | GammaGammaModel


@dataclass(frozen=True)
class _Pair:
    """One family: the ``lifetimes`` fitter, our model and how their names map."""

    fitter: str
    model: type[TransactionModel] | type[GammaGammaModel]
    #: ``lifetimes`` parameter names, in the order of ``model``'s parameters
    their_params: tuple[str, ...]
    #: column of ``fitter.data`` holding the client age (``None`` for Gamma-Gamma)
    age_column: str | None
    #: ``lifetimes.generate_data`` function simulating histories (``None``: no simulator)
    generator: str | None


_PAIRS: tuple[_Pair, ...] = (
    _Pair("BetaGeoFitter", BetaGeoModel, ("r", "alpha", "a", "b"), "T", "beta_geometric_nbd_model"),
    _Pair(
        "ModifiedBetaGeoFitter",
        ModifiedBetaGeoModel,
        ("r", "alpha", "a", "b"),
        "T",
        "modified_beta_geometric_nbd_model",
    ),
    _Pair("ParetoNBDFitter", ParetoNBDModel, ("r", "alpha", "s", "beta"), "T", "pareto_nbd_model"),
    _Pair(
        "BetaGeoBetaBinomFitter",
        BetaGeoBetaBinomModel,
        ("alpha", "beta", "gamma", "delta"),
        "n_periods",
        "beta_geometric_beta_binom_model",
    ),
    _Pair("GammaGammaFitter", GammaGammaModel, ("p", "q", "v"), None, None),
)

_SUPPORTED = ", ".join(pair.fitter for pair in _PAIRS)
_OURS = ", ".join(pair.model.__name__ for pair in _PAIRS)


def _lifetimes() -> Any:
    try:
        import lifetimes
    except ImportError as exc:  # pragma: no cover - lifetimes is a core dependency
        raise ModuleNotFoundError(
            "converting models from and to lifetimes needs the 'lifetimes' package: "
            "pip install lifetimes"
        ) from exc
    return lifetimes


def _our_names(pair: _Pair) -> list[str]:
    if pair.model is GammaGammaModel:
        return ["p", "q", "gamma"]
    return list(pair.model.param_names)


def _pair_of_fitter(fitter: object) -> _Pair:
    lifetimes = _lifetimes()
    # most specific class first: ModifiedBetaGeoFitter is a subclass of BetaGeoFitter
    for cls in type(fitter).__mro__:
        for pair in _PAIRS:
            if cls is getattr(lifetimes, pair.fitter):
                return pair
    if isinstance(fitter, lifetimes.fitters.BaseFitter):
        raise ValidationError(
            f"lifetimes.{type(fitter).__name__} has no clientalytics counterpart; "
            f"from_lifetimes converts {_SUPPORTED}"
        )
    raise ValidationError(
        f"from_lifetimes expects a fitted lifetimes fitter ({_SUPPORTED}), "
        f"got {type(fitter).__module__}.{type(fitter).__name__}"
    )


def _pair_of_model(model: object) -> _Pair:
    for cls in type(model).__mro__:
        for pair in _PAIRS:
            if cls is pair.model:
                return pair
    if type(model).__module__.split(".")[0] == "lifetimes":
        raise ValidationError(
            f"to_lifetimes converts {_OURS}; {type(model).__name__} is a lifetimes object "
            "already (from_lifetimes converts a lifetimes fitter into a clientalytics model)"
        )
    raise ValidationError(
        f"to_lifetimes converts {_OURS}; {type(model).__name__} has no lifetimes counterpart"
    )


def _their_params(fitter: Any, pair: _Pair) -> np.ndarray:
    name = type(fitter).__name__
    params = getattr(fitter, "params_", None)
    if params is None:
        raise NotFittedError(
            f"This lifetimes {name} is not fitted (it has no params_); call its fit method "
            "first, or fit the clientalytics model instead"
        )
    try:
        values = np.array([float(params[p]) for p in pair.their_params], dtype=np.float64)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(
            f"lifetimes {name}.params_ must hold {list(pair.their_params)}, got {params!r}"
        ) from exc
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValidationError(
            f"lifetimes {name}.params_ must be positive and finite, got "
            f"{dict(zip(pair.their_params, values.tolist(), strict=True))}"
        )
    return values


def _training_data(fitter: Any, pair: _Pair) -> pd.DataFrame | None:
    """``fitter.data`` in our column names with a ``weights`` column, or ``None``."""
    data = getattr(fitter, "data", None)
    if not isinstance(data, pd.DataFrame) or len(data) == 0:
        return None
    if pair.age_column is None:
        columns = ["frequency", "monetary_value"]
    else:
        columns = ["frequency", "recency", pair.age_column]
    if any(col not in data.columns for col in columns):
        return None
    out = data[columns].rename(columns={pair.age_column: "T"} if pair.age_column else {})
    weights = data["weights"] if "weights" in data.columns else 1.0
    return out.assign(weights=np.asarray(weights, dtype=np.float64) * np.ones(len(out)))


def _their_hessian(fitter: Any, k: int) -> np.ndarray | None:
    """``lifetimes``' Hessian of its mean objective over the log-parameters, if it kept one.

    It is taken on ``lifetimes``' rescaled time axis, which shifts the log of a time
    parameter by a constant and so leaves the Hessian unchanged.
    """
    hess = getattr(fitter, "_hessian_", None)
    if hess is None:
        return None
    hess = np.asarray(hess, dtype=np.float64)
    if hess.shape != (k, k) or not np.all(np.isfinite(hess)):
        return None
    return hess


def _our_hessian(model: TransactionModel, data: pd.DataFrame) -> np.ndarray:
    """Hessian of the model's fitting objective at its parameters (as ``fit`` computes it)."""
    x, tx, T = (data[c].to_numpy(np.float64) for c in ("frequency", "recency", "T"))
    packed = compress(x, tx, T, weight=data["weights"].to_numpy())
    cx, ctx, cT = packed.columns
    scale = 1.0 if model.discrete_time else 1.0 / float(T.max())
    fit_data = FitData(cx, ctx * scale, cT * scale, packed.weight)
    pen = float(model.penalizer_coef)

    def objective(log_params: np.ndarray) -> float:
        params = np.exp(log_params)
        ll, _ = model._mean_log_likelihood(params, fit_data, gradient=False)
        return float(-ll + pen * np.sum(params**2))

    scaled = model._scaled(model.params_.to_numpy(np.float64), scale)
    with np.errstate(all="ignore"):
        return numerical_hessian(objective, np.log(scaled))


def _set_covariance(model: _Convertible, fitter: Any, data: pd.DataFrame, name: str) -> None:
    """Give ``model`` the covariance of its log-parameters, when the data identify them."""
    values = model.params_.to_numpy(np.float64)
    hess = _their_hessian(fitter, values.shape[0])
    if hess is None and isinstance(model, TransactionModel):
        hess = _our_hessian(model, data)
    if hess is None:
        return
    try:
        model._set_uncertainty(
            hess, float(data["weights"].sum()), model=name, log_params=np.log(values)
        )
    except ConvergenceError:
        return


def _set_transaction_training(model: TransactionModel, data: pd.DataFrame) -> None:
    weights = data["weights"].to_numpy()
    summary = data[["frequency", "recency", "T"]]
    ll = model.client_log_likelihood(summary).to_numpy()
    model.log_likelihood_ = float(np.sum(weights * ll))
    model.n_clients_ = float(weights.sum())
    packed = compress(*(summary[c].to_numpy(np.float64) for c in summary.columns), weight=weights)
    model.n_distinct_histories_ = packed.n_distinct
    model.T_max_ = float(summary["T"].max())
    k = len(model.param_names)
    model.aic_ = 2 * k - 2 * model.log_likelihood_
    model.bic_ = k * np.log(model.n_clients_) - 2 * model.log_likelihood_


def _set_gamma_gamma_training(model: GammaGammaModel, data: pd.DataFrame) -> None:
    x = data["frequency"].to_numpy(np.float64)
    m = data["monetary_value"].to_numpy(np.float64)
    w = data["weights"].to_numpy()
    fitted = (x > 0) & np.isfinite(m) & (m > 0)
    non_positive = (x > 0) & np.isfinite(m) & (m <= 0)
    model.excluded_ = pd.DataFrame(
        {"frequency": x[non_positive], "monetary_value": m[non_positive]},
        index=data.index[non_positive],
    ).assign(reason=NON_POSITIVE_REASON)[EXCLUDED_COLUMNS]
    xf, mf, wf = x[fitted], m[fitted], w[fitted]
    if wf.sum() <= 0:  # no repeat buyer with a positive value: nothing was fitted on
        return
    if np.std(xf) > 0 and np.std(mf) > 0:
        model.frequency_spend_correlation_ = float(np.corrcoef(xf, mf)[0, 1])
    else:
        model.frequency_spend_correlation_ = 0.0
    params = model.params_.to_numpy()
    model.log_likelihood_ = float(np.sum(wf * _gamma_gamma_log_likelihood(params, xf, mf)))
    model.n_clients_ = float(wf.sum())
    model.aic_ = 6 - 2 * model.log_likelihood_
    model.bic_ = 3 * np.log(model.n_clients_) - 2 * model.log_likelihood_


def from_lifetimes(fitter: Any, *, time_unit: TimeUnit | None = None) -> _Convertible:
    """Convert a fitted ``lifetimes`` fitter into the matching clientalytics model.

    Parameters
    ----------
    fitter : lifetimes fitter
        A fitted ``BetaGeoFitter``, ``ModifiedBetaGeoFitter``, ``ParetoNBDFitter``,
        ``BetaGeoBetaBinomFitter`` or ``GammaGammaFitter`` (one whose ``params_``
        is set, by its ``fit`` or by hand).
    time_unit : {"D", "W", "M"}, optional
        Unit of ``recency`` and ``T`` in the data the fitter was fitted on (the
        ``freq`` given to ``lifetimes.utils.summary_data_from_transaction_data``).
        Stored as ``time_unit_`` so that
        :func:`~clientalytics.clv.customer_lifetime_value` converts months without
        being told the unit again; ignored by Gamma-Gamma, which has no time axis.

    Returns
    -------
    TransactionModel or GammaGammaModel
        The :class:`BetaGeoModel`, :class:`ModifiedBetaGeoModel`,
        :class:`ParetoNBDModel`, :class:`BetaGeoBetaBinomModel` or
        :class:`GammaGammaModel` of the fitter's family, which predicts without
        a call to ``fit``: ``params_`` holds the fitter's parameters
        (Gamma-Gamma's ``v`` is named ``gamma``), ``penalizer_coef`` its penalty,
        and ``converted_from_`` names the ``lifetimes`` class (e.g.
        ``"lifetimes.BetaGeoFitter"``), which marks the model as converted. A
        Gamma-Gamma fitter with ``q <= 1`` is refused (see Raises).

    Raises
    ------
    ValidationError
        When ``fitter`` is not one of the five ``lifetimes`` fitters, when its
        ``params_`` lack a parameter or hold a non-positive value, when a
        Gamma-Gamma fitter has ``q <= 1`` (mean value per purchase undefined), or
        when ``time_unit`` is not one of ``"D"``, ``"W"``, ``"M"``.
    NotFittedError
        When the fitter has no ``params_`` (it was never fitted).

    Notes
    -----
    The training statistics are filled from ``fitter.data``, the table
    ``lifetimes`` keeps from its ``fit``: ``log_likelihood_`` (under the converted
    parameters), ``aic_``, ``bic_``, ``n_clients_`` and, for the transaction models,
    ``n_distinct_histories_`` and ``T_max_``; for Gamma-Gamma
    ``frequency_spend_correlation_`` and ``excluded_``. When the fitter kept no data
    (``save_model(..., save_data=False)``, or ``params_`` set by hand) these
    attributes are absent, and what needs them says so: the diagnostic matrices
    then need their age ``T``, and ``standard_errors_``, ``confidence_intervals``
    and ``summary`` are unavailable. With the data, the covariance of the
    log-parameters comes from the fitter's Hessian (``lifetimes`` keeps one for
    every fitter but Pareto/NBD, whose Hessian is computed here from the data as
    ``fit`` would), so those work too.

    ``penalizer_coef`` is copied unchanged. It means the same in both libraries for
    BG/NBD, MBG/NBD and BG/BB; ``lifetimes`` adds its Pareto/NBD penalty to the
    total rather than the mean negative log-likelihood, and penalises Gamma-Gamma's
    ``v`` in money units, so refitting those two with a non-zero penalty gives
    somewhat different parameters.

    Examples
    --------
    >>> from lifetimes import BetaGeoFitter  # doctest: +SKIP
    >>> fitter = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])  # doctest: +SKIP
    >>> model = from_lifetimes(fitter, time_unit="W")  # doctest: +SKIP
    >>> model.probability_alive(s)  # doctest: +SKIP
    """
    pair = _pair_of_fitter(fitter)
    values = _their_params(fitter, pair)
    unit = None if time_unit is None else check_time_unit(time_unit, SUMMARY_TIME_UNITS)
    names = _our_names(pair)
    model = pair.model(penalizer_coef=float(getattr(fitter, "penalizer_coef", 0.0)))
    model.params_ = pd.Series(values, index=names, name="value")
    # a fitted attribute of converted models only (fit never sets it)
    setattr(model, "converted_from_", f"lifetimes.{pair.fitter}")  # noqa: B010
    data = _training_data(fitter, pair)
    if isinstance(model, GammaGammaModel):
        p, q, v = values
        if q <= 1:
            raise ValidationError(
                f"lifetimes GammaGammaFitter has q = {q:.4g} <= 1: the mean value per purchase "
                "is undefined, which GammaGammaModel does not accept; refit the fitter with "
                "q_constraint=True or a penalizer_coef"
            )
        model.population_mean_value_ = float(p * v / (q - 1))
        if data is not None:
            _set_gamma_gamma_training(model, data)
    else:
        model.time_unit_ = unit
        if data is not None:
            _set_transaction_training(model, data)
    if data is not None:
        _set_covariance(model, fitter, data, pair.fitter)
    return model


def _lifetimes_data(
    model: Any, pair: _Pair, summary: pd.DataFrame, sample_weight: ArrayLike | None
) -> pd.DataFrame:
    """``summary`` in the layout of ``fitter.data``, with its ``weights`` column."""
    if not isinstance(summary, pd.DataFrame):
        raise ValidationError(f"summary: expected a pandas DataFrame, got {type(summary).__name__}")
    weights = check_sample_weight(sample_weight, len(summary))
    if pair.age_column is None:
        x, m = model._values(summary)
        return pd.DataFrame(
            {"monetary_value": m, "frequency": x, "weights": weights}, index=summary.index
        )
    checked = model._prepared(summary)
    frame = pd.DataFrame(
        {
            "frequency": checked["frequency"].to_numpy(),
            "recency": checked["recency"].to_numpy(),
            pair.age_column: checked["T"].to_numpy(),
            "weights": weights,
        },
        index=summary.index,
    )
    if pair.age_column == "n_periods":
        frame = frame.astype({"frequency": int, "recency": int, "n_periods": int})
    return frame


def to_lifetimes(
    model: _Convertible,
    *,
    summary: pd.DataFrame | None = None,
    sample_weight: ArrayLike | None = None,
) -> Any:
    """Build the ``lifetimes`` fitter that predicts like a fitted clientalytics model.

    Parameters
    ----------
    model : TransactionModel or GammaGammaModel
        A fitted :class:`BetaGeoModel`, :class:`ModifiedBetaGeoModel`,
        :class:`ParetoNBDModel`, :class:`BetaGeoBetaBinomModel` or
        :class:`GammaGammaModel` (or one made by :func:`from_lifetimes`).
    summary : pandas.DataFrame, optional
        Client summary to attach as the fitter's ``data`` (columns ``frequency``,
        ``recency``, ``T``; ``frequency`` and ``monetary_value`` for Gamma-Gamma).
        ``lifetimes`` reads it where its methods default to the training data:
        ``plot_period_transactions`` (with ``generate_new_data``, set from the ages
        ``T``), the default grid of the matrix plots, BG/BB's
        ``expected_number_of_transactions_in_first_n_periods`` and Gamma-Gamma's
        ``conditional_expected_average_profit()`` without arguments.
    sample_weight : array-like, optional
        Number of clients each row of ``summary`` stands for (the ``weights`` column
        of ``data``; ones by default).

    Returns
    -------
    lifetimes fitter
        ``BetaGeoFitter``, ``ModifiedBetaGeoFitter``, ``ParetoNBDFitter``,
        ``BetaGeoBetaBinomFitter`` or ``GammaGammaFitter`` with ``params_`` set
        (``gamma`` renamed ``v`` for Gamma-Gamma), the same ``penalizer_coef``,
        ``predict`` as after its ``fit``, and, when the model has a covariance,
        ``variance_matrix_``, ``standard_errors_`` and ``confidence_intervals_`` (so
        its ``summary`` works).

    Raises
    ------
    ValidationError
        When ``model`` is not one of the five convertible models, or ``summary``
        breaks the model's column contract.
    NotFittedError
        When ``model`` is not fitted.
    """
    pair = _pair_of_model(model)
    if not hasattr(model, "params_"):
        raise NotFittedError(
            f"This {type(model).__name__} is not fitted yet; call fit(summary) before to_lifetimes"
        )
    lifetimes = _lifetimes()
    fitter = getattr(lifetimes, pair.fitter)(penalizer_coef=float(model.penalizer_coef))
    values = np.asarray(model.params_.to_numpy(), dtype=np.float64)
    fitter.params_ = pd.Series(values, index=list(pair.their_params))
    if pair.age_column is not None:
        fitter.predict = fitter.conditional_expected_number_of_purchases_up_to_time
    if summary is None and sample_weight is not None:
        raise ValidationError("sample_weight weighs the rows of summary: pass summary too")
    if summary is not None:
        data = _lifetimes_data(model, pair, summary, sample_weight)
        fitter.data = data
        if pair.generator is not None:
            simulate = getattr(lifetimes.generate_data, pair.generator)
            ages = data[pair.age_column].to_numpy()

            def generate_new_data(size: int = 1) -> pd.DataFrame:
                return simulate(ages, *values, size=size)

            fitter.generate_new_data = generate_new_data
    covariance = getattr(model, "covariance_", None)
    if isinstance(covariance, pd.DataFrame):
        their = list(pair.their_params)
        fitter.variance_matrix_ = pd.DataFrame(covariance.to_numpy(), index=their, columns=their)
        se = pd.Series(np.sqrt(np.diag(covariance.to_numpy())), index=their)
        fitter.standard_errors_ = se
        fitter.confidence_intervals_ = pd.DataFrame(
            {
                "lower 95% bound": fitter.params_ - 1.96 * se,
                "upper 95% bound": fitter.params_ + 1.96 * se,
            },
            index=their,
        )
    return fitter
