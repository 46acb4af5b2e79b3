"""Sampling distributions of fitted CLV parameters: bootstrap and parametric draws.

:func:`parameter_draws` returns replicate parameter vectors of a fitted transaction
model or Gamma-Gamma model, from which prediction intervals are read (see
:func:`clientalytics.clv.value_draws`):

- ``method="bootstrap"`` resamples clients with replacement and refits. Clients
  with the same ``(frequency, recency, T)`` are interchangeable, so a resample is a
  multinomial draw of new counts for the distinct histories (the compressed
  histories), and each refit starts at the full-data estimate with the full-data
  Hessian, which re-locates the resample's optimum in a few Newton steps. The
  Gamma-Gamma model resamples its repeat buyers the same way, independently of the
  transaction model (the two likelihoods are separate).
- ``method="parametric"`` draws log-parameters from the normal distribution with the
  estimated mean and the inverse observed information as covariance
  (``log_params_covariance_``): no refit, so it is the fast option; it relies on
  the large-sample normality of the estimates.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from clientalytics.clv._data import FitData, check_sample_weight, compress
from clientalytics.clv._optimize import chord_newton, minimize_log_params
from clientalytics.clv.base import TransactionModel
from clientalytics.clv.gamma_gamma import GammaGammaModel, _objectives
from clientalytics.clv.gamma_gamma import _log_likelihood as _gg_log_likelihood
from clientalytics.exceptions import ConvergenceError, DataQualityWarning, ValidationError

FloatArray = NDArray[np.float64]

#: How replicate parameters are drawn.
DrawMethod = Literal["bootstrap", "parametric"]
DRAW_METHODS: tuple[DrawMethod, ...] = ("bootstrap", "parametric")

#: a bootstrap whose share of failed refits exceeds this warns
_FAILED_SHARE_WARNING = 0.05

#: refits stop when the Newton step is below this share of each log-parameter's
#: standard error (the point reached is then about 1e-5 standard errors away from the
#: resample's optimum: each step shrinks the distance by a factor of ~1/sqrt(n))
_REFIT_TOL_SE = 0.01


def _check_draw_args(n_draws: int, method: str) -> int:
    if method not in DRAW_METHODS:
        raise ValidationError(f"method must be one of {list(DRAW_METHODS)}, got {method!r}")
    n = int(n_draws)
    if n != n_draws or n < 2:
        raise ValidationError(f"n_bootstrap must be a whole number >= 2, got {n_draws}")
    return n


def parameter_draws(
    model: TransactionModel | GammaGammaModel,
    summary: pd.DataFrame,
    *,
    n_draws: int = 200,
    method: DrawMethod = "bootstrap",
    sample_weight: ArrayLike | None = None,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Replicate parameter vectors of a fitted model, by bootstrap or parametric draws.

    Parameters
    ----------
    model : TransactionModel or GammaGammaModel
        A fitted model (its ``params_`` and ``log_params_covariance_`` are used).
    summary : pandas.DataFrame
        The summary the model was fitted on (ignored by ``method="parametric"``).
    n_draws : int, default 200
        Number of replicates.
    method : {"bootstrap", "parametric"}, default "bootstrap"
        Resample clients and refit, or draw from the estimates' normal approximation
        on the log scale.
    sample_weight : array-like, optional
        The weights the model was fitted with. Weighted totals are rounded to whole
        clients for the multinomial resampling.
    random_state : int or numpy.random.Generator, optional
        Seed for reproducible draws.

    Returns
    -------
    pandas.DataFrame
        One row per successful replicate, one column per parameter (natural scale).
        A resample on which the refit fails (degenerate data) is dropped; more than
        5 % failures warn with a :class:`~clientalytics.exceptions.DataQualityWarning`.
    """
    n = _check_draw_args(n_draws, method)
    if not hasattr(model, "log_params_covariance_"):
        raise ValidationError(
            f"{type(model).__name__} must be fitted (with standard errors) before drawing"
        )
    rng = np.random.default_rng(random_state)
    names = list(model.params_.index)
    theta = model.params_.to_numpy()
    cov = model.log_params_covariance_.to_numpy()
    if method == "parametric":
        logs = rng.multivariate_normal(np.log(theta), cov, size=n, method="cholesky")
        return pd.DataFrame(np.exp(logs), columns=names)
    if isinstance(model, GammaGammaModel):
        rows = _gamma_gamma_bootstrap(model, summary, sample_weight, n, rng)
    else:
        rows = _transaction_bootstrap(model, summary, sample_weight, n, rng)
    draws = np.array([r for r in rows if r is not None]).reshape(-1, len(names))
    failed = n - draws.shape[0]
    if failed > _FAILED_SHARE_WARNING * n:
        warnings.warn(
            f"{failed} of {n} bootstrap refits failed (degenerate resamples) and were "
            "dropped; the intervals may be too narrow. Refit with penalizer_coef > 0.",
            DataQualityWarning,
            stacklevel=2,
        )
    if draws.shape[0] < 2:
        raise ConvergenceError(
            "fewer than 2 bootstrap refits succeeded; refit with penalizer_coef > 0"
        )
    return pd.DataFrame(draws, columns=names)


def _resampler(
    w: FloatArray, inverse: NDArray[np.intp], rng: np.random.Generator
) -> Callable[[], FloatArray]:
    """Draw new counts of the distinct rows: ``sum(w)`` clients drawn with replacement.

    With one client per row (unit weights) clients are drawn uniformly and counted by
    their distinct history (``inverse``); otherwise a multinomial draw with
    probabilities ``w / sum(w)`` over ``round(sum(w))`` clients.
    """
    n_rows = w.shape[0]
    if inverse.shape[0] == round(float(w.sum())) and np.all(inverse >= 0):
        n_clients = inverse.shape[0]

        def clients() -> FloatArray:
            picks = inverse[rng.integers(0, n_clients, size=n_clients)]
            return np.bincount(picks, minlength=n_rows).astype(np.float64)

        return clients
    total = max(round(float(w.sum())), 1)
    probs = w / w.sum()

    def weighted() -> FloatArray:
        return rng.multinomial(total, probs).astype(np.float64)

    return weighted


def _scores(
    loglik: Callable[[FloatArray], FloatArray], log_params: FloatArray, step: float = 1e-5
) -> FloatArray:
    """Per-row gradients of the log-likelihood over log-parameters (central differences).

    The gradient of a weighted mean log-likelihood is linear in the weights, so with
    these scores ``S`` the gradient for resampled weights ``w_b`` is
    ``w_b @ S / sum(w_b)``: the first Newton step of every refit costs one product.
    """
    cols = []
    for i in range(log_params.shape[0]):
        e = np.zeros_like(log_params)
        e[i] = step
        with np.errstate(all="ignore"):
            cols.append((loglik(log_params + e) - loglik(log_params - e)) / (2 * step))
    return np.column_stack(cols)


def _transaction_bootstrap(
    model: TransactionModel,
    summary: pd.DataFrame,
    sample_weight: ArrayLike | None,
    n: int,
    rng: np.random.Generator,
) -> list[FloatArray | None]:
    data = model._prepared(summary)
    weight = check_sample_weight(sample_weight, len(data))
    T_all = data["T"].to_numpy()
    packed = compress(
        data["frequency"].to_numpy(), data["recency"].to_numpy(), T_all, weight=weight
    )
    cx, ctx, cT = packed.columns
    scale = 1.0 if model.discrete_time else 1.0 / float(T_all.max())
    total = float(packed.weight.sum())
    x0 = np.log(model._scaled(model.params_.to_numpy(), scale))
    cov = model.log_params_covariance_.to_numpy()
    hess_inv = cov * total
    hess = np.asarray(np.linalg.inv(hess_inv), dtype=np.float64)
    theta = model.params_.to_numpy()
    has_gradient = model._objectives(FitData(cx, ctx * scale, cT * scale, packed.weight), x0)[1]
    scores = _scores(lambda lp: model._log_likelihood(theta * np.exp(lp - x0), cx, ctx, cT), x0)
    pen = float(model.penalizer_coef)
    tol = _REFIT_TOL_SE * np.sqrt(np.diag(cov))
    out: list[FloatArray | None] = []
    resample = _resampler(packed.weight, packed.inverse, rng)
    for _ in range(n):
        wb = resample()
        keep = wb > 0
        fit_data = FitData(cx[keep], ctx[keep] * scale, cT[keep] * scale, wb[keep])
        objective, value_and_grad = model._objectives(
            fit_data, None if has_gradient is not None else x0
        )
        params0 = np.exp(x0)
        grad0 = -(wb @ scores) / wb.sum() + 2 * pen * params0**2
        start = x0 - hess_inv @ grad0
        found = chord_newton(objective, value_and_grad, start, hess_inv, tol=tol)
        if found is None:
            try:
                found, _ = minimize_log_params(
                    objective,
                    x0,
                    model=model.model_name,
                    names=model.param_names,
                    value_and_grad=value_and_grad,
                    hess0=hess,
                )
            except ConvergenceError:
                out.append(None)
                continue
        out.append(model._scaled(np.exp(found), 1.0 / scale))
    return out


def _gamma_gamma_bootstrap(
    model: GammaGammaModel,
    summary: pd.DataFrame,
    sample_weight: ArrayLike | None,
    n: int,
    rng: np.random.Generator,
) -> list[FloatArray | None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        excluded = model.excluded_
        x, m, w = model._repeat_buyers(summary, sample_weight)
        model.excluded_ = excluded
    scale = float(np.average(m, weights=w))
    packed = compress(x, m / scale, weight=w)
    cx, cm = packed.columns
    total = float(packed.weight.sum())
    p, q, v = model.params_.to_numpy()
    x0 = np.log([p, q, v / scale])
    hess_inv = model.log_params_covariance_.to_numpy() * total
    hess = np.asarray(np.linalg.inv(hess_inv), dtype=np.float64)
    tol = _REFIT_TOL_SE * np.sqrt(np.diag(model.log_params_covariance_.to_numpy()))
    pen = float(model.penalizer_coef)
    scores = _scores(lambda lp: _gg_log_likelihood(np.exp(lp), cx, cm), x0)
    out: list[FloatArray | None] = []
    resample = _resampler(packed.weight, packed.inverse, rng)
    for _ in range(n):
        wb = resample()
        keep = wb > 0
        objective, value_and_grad = _objectives(cx[keep], cm[keep], wb[keep], pen)
        grad0 = -(wb @ scores) / wb.sum() + 2 * pen * np.exp(2 * x0)
        start = x0 - hess_inv @ grad0
        found = chord_newton(objective, value_and_grad, start, hess_inv, tol=tol)
        if found is None:
            try:
                found, _ = minimize_log_params(
                    objective,
                    x0,
                    model="Gamma-Gamma",
                    names=("p", "q", "gamma"),
                    value_and_grad=value_and_grad,
                    hess0=hess,
                )
            except ConvergenceError:
                out.append(None)
                continue
        pb, qb, vb = np.exp(found)
        out.append(None if qb <= 1 else np.array([pb, qb, vb * scale]))
    return out
