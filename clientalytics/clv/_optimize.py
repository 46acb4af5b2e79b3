"""Maximum-likelihood search shared by every CLV model.

Parameters are optimised on the log scale (all model parameters are positive)
with BFGS and central-difference gradients, then polished by a few Newton steps
on a finite-difference Hessian so that the optimum is located to about 1e-9 in
log-parameter space. Failures raise :class:`~clientalytics.exceptions.ConvergenceError`
with a hint instead of returning a silent, meaningless answer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy
from numpy.typing import NDArray
from scipy.optimize import minimize

from clientalytics.exceptions import ConvergenceError

FloatArray = NDArray[np.float64]
Objective = Callable[[FloatArray], float]
Gradient = Callable[[FloatArray], FloatArray]
ValueAndGradient = Callable[[FloatArray], tuple[float, FloatArray]]

#: log-parameters beyond this magnitude (about 1e-13 .. 3e13) mean the data pushed a
#: parameter to the edge of its space: the model is degenerate for these data.
_LOG_PARAM_LIMIT = 30.0

#: Whether scipy's BFGS accepts a starting inverse Hessian (scipy 1.12 and later); a
#: warm start without it takes more iterations to the same optimum.
_BFGS_TAKES_HESS_INV0 = tuple(int(p) for p in scipy.__version__.split(".")[:2]) >= (1, 12)

#: an optimum with a log-parameter beyond this magnitude (a parameter above 1e5 or below
#: 1e-5 on the fitting scale, where the oldest client has age 1) is a boundary solution:
#: a gamma or beta mixing distribution has collapsed to a point (e.g. BG/NBD with
#: a = 136,596 and b = 849,587), so that only a ratio of two parameters is identified
_BOUNDARY_LOG_PARAM = float(np.log(1e5))

_HINT = (
    "Try penalizer_coef=0.001 (or larger) to regularise the fit, check that the summary "
    "uses the intended time unit (days, weeks or months) and that enough clients made "
    "repeat purchases."
)


def numerical_gradient(
    fun: Objective, x: FloatArray, step: float = 1e-5, *, f0: float | None = None
) -> FloatArray:
    """Finite-difference gradient of ``fun`` at ``x``.

    Central differences by default; forward differences (half the evaluations,
    about 1e-8 relative accuracy) when the value ``f0 = fun(x)`` is supplied.
    """
    grad = np.empty_like(x)
    for i in range(x.shape[0]):
        e = np.zeros_like(x)
        if f0 is None:
            e[i] = step
            grad[i] = (fun(x + e) - fun(x - e)) / (2 * step)
        else:
            e[i] = 1e-7
            grad[i] = (fun(x + e) - f0) / 1e-7
    return grad


def numerical_hessian(fun: Objective, x: FloatArray, step: float = 1e-4) -> FloatArray:
    """Central-difference Hessian of ``fun`` at ``x``."""
    k = x.shape[0]
    hess = np.empty((k, k))
    f0 = fun(x)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = step
        hess[i, i] = (fun(x + ei) - 2 * f0 + fun(x - ei)) / step**2
        for j in range(i):
            ej = np.zeros(k)
            ej[j] = step
            val = (fun(x + ei + ej) - fun(x + ei - ej) - fun(x - ei + ej) + fun(x - ei - ej)) / (
                4 * step**2
            )
            hess[i, j] = hess[j, i] = val
    return hess


def jacobian_of_gradient(grad: Gradient, x: FloatArray, step: float = 1e-6) -> FloatArray:
    """Hessian as the symmetrised central-difference Jacobian of an exact gradient."""
    k = x.shape[0]
    hess = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = step
        hess[:, i] = (grad(x + e) - grad(x - e)) / (2 * step)
    return (hess + hess.T) / 2


def _shown(names: tuple[str, ...], log_params: FloatArray) -> str:
    return ", ".join(f"{n}={v:.4g}" for n, v in zip(names, np.exp(log_params), strict=True))


def _safe(fun: Objective) -> Objective:
    def wrapped(x: FloatArray) -> float:
        if np.any(np.abs(x) > _LOG_PARAM_LIMIT + 5):
            return np.inf
        with np.errstate(all="ignore"):
            value = float(fun(x))
        return value if np.isfinite(value) else np.inf

    return wrapped


def minimize_log_params(
    fun: Objective,
    x0: FloatArray,
    *,
    model: str,
    names: tuple[str, ...],
    value_and_grad: ValueAndGradient | None = None,
    hess0: FloatArray | None = None,
    max_iter: int = 2000,
) -> tuple[FloatArray, FloatArray]:
    """Minimise ``fun`` over log-parameters starting at ``x0``.

    Parameters
    ----------
    fun : callable
        Objective of the log-parameters (mean negative log-likelihood plus penalty).
    x0 : numpy.ndarray
        Starting log-parameters.
    model : str
        Model name used in error messages.
    names : tuple of str
        Parameter names used in error messages.
    value_and_grad : callable, optional
        Returns the objective and its exact gradient; finite differences of ``fun``
        are used when omitted.
    hess0 : numpy.ndarray, optional
        Approximate Hessian at ``x0`` (e.g. from a fit on a subsample), used to seed
        the quasi-Newton search.
    max_iter : int
        Iteration cap of the quasi-Newton search.

    Returns
    -------
    x : numpy.ndarray
        Log-parameters at the optimum.
    hessian : numpy.ndarray
        Hessian of the objective there (finite differences).

    Raises
    ------
    ConvergenceError
        When the objective is not finite at the start, the search fails, a
        parameter runs off to 0 or infinity, or the likelihood is flat at the optimum.
    """
    safe = _safe(fun)
    if not np.isfinite(safe(x0)):
        raise ConvergenceError(
            f"{model}: the log-likelihood is not finite at the starting values "
            f"{_shown(names, x0)}. {_HINT}"
        )
    if value_and_grad is not None:
        exact = value_and_grad

        def both(x: FloatArray) -> tuple[float, FloatArray]:
            if np.any(np.abs(x) > _LOG_PARAM_LIMIT + 5):
                return np.inf, np.zeros_like(x)
            with np.errstate(all="ignore"):
                value, grad = exact(x)
            if not np.isfinite(value) or not np.all(np.isfinite(grad)):
                return np.inf, np.zeros_like(x)
            return float(value), grad

        def jac(x: FloatArray) -> FloatArray:
            return both(x)[1]

        options: dict[str, object] = {"gtol": 1e-10, "maxiter": max_iter}
        if hess0 is not None and _BFGS_TAKES_HESS_INV0:
            options["hess_inv0"] = _inverse_or_none(hess0)
        result = minimize(both, x0, jac=True, method="BFGS", options=options)
    else:

        def jac(x: FloatArray) -> FloatArray:
            return numerical_gradient(safe, x)

        last: dict[bytes, float] = {}

        def remembered(x: FloatArray) -> float:
            value = safe(x)
            last.clear()
            last[x.tobytes()] = value
            return value

        def forward_jac(x: FloatArray) -> FloatArray:
            f0 = last.get(x.tobytes())
            return numerical_gradient(safe, x, f0=f0 if f0 is not None else safe(x))

        if hess0 is None:
            result = minimize(
                safe, x0, jac=jac, method="BFGS", options={"gtol": 1e-9, "maxiter": max_iter}
            )
        else:
            # warm start near the optimum: cheap forward differences suffice for BFGS,
            # the Newton polish below uses central ones
            options = {"gtol": 1e-7, "maxiter": max_iter}
            if _BFGS_TAKES_HESS_INV0:
                options["hess_inv0"] = _inverse_or_none(hess0)
            result = minimize(remembered, x0, jac=forward_jac, method="BFGS", options=options)
    x = np.asarray(result.x, dtype=np.float64)
    if not np.isfinite(result.fun):
        raise ConvergenceError(f"{model}: the search left the region of finite likelihood. {_HINT}")
    if np.max(np.abs(x)) > _LOG_PARAM_LIMIT:
        edge = [n for n, v in zip(names, x, strict=True) if abs(v) > _LOG_PARAM_LIMIT]
        raise ConvergenceError(
            f"{model}: parameter(s) {edge} ran off to 0 or infinity ({_shown(names, x)}); "
            f"the data do not identify the model. {_HINT}"
        )
    if value_and_grad is not None:
        hess = jacobian_of_gradient(jac, x)
    else:
        hess = numerical_hessian(safe, x)
    curvature = np.linalg.eigvalsh(hess)
    if not np.all(np.isfinite(curvature)) or curvature.min() < 1e-7 * max(1.0, curvature.max()):
        raise ConvergenceError(
            f"{model}: the likelihood is flat around {_shown(names, x)}, so the data do not "
            f"identify the parameters (for example nobody made a repeat purchase, or there "
            f"are too few periods). {_HINT}"
        )
    # Newton polish with the Hessian at the BFGS answer: BFGS stops on a loose curvature
    # model, a few exact-gradient steps pin the optimum to ~1e-10 in log-parameters.
    grad = jac(x)
    for _ in range(20):
        if np.max(np.abs(grad)) < 1e-11:
            break
        step = np.linalg.solve(hess, grad)
        f_old = safe(x)
        shrink = 1.0
        while shrink > 1e-4:
            candidate = x - shrink * step
            if safe(candidate) <= f_old:
                x = candidate
                break
            shrink /= 2
        else:
            break
        grad = jac(x)
    if np.max(np.abs(grad)) > 1e-4:
        raise ConvergenceError(
            f"{model}: the optimiser stopped before reaching a maximum of the likelihood "
            f"(largest gradient {np.max(np.abs(grad)):.2e}; scipy says: {result.message}). "
            f"{_HINT}"
        )
    if np.max(np.abs(x)) > _BOUNDARY_LOG_PARAM:
        edge = [n for n, v in zip(names, x, strict=True) if abs(v) > _BOUNDARY_LOG_PARAM]
        raise ConvergenceError(
            f"{model}: boundary solution, parameter(s) {edge} went beyond 1e5 or below 1e-5 "
            f"({_shown(names, x)} on the fitting time scale): a mixing distribution collapsed "
            f"to a point and only ratios of parameters are identified, so forecasts and "
            f"standard errors would be meaningless. {_HINT}"
        )
    return x, hess


def _inverse_or_none(hess: FloatArray) -> FloatArray | None:
    try:
        inv = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(inv)) or np.any(np.linalg.eigvalsh((inv + inv.T) / 2) <= 0):
        return None
    return (inv + inv.T) / 2


def log_params_covariance(
    hess: FloatArray,
    n_obs: float,
    *,
    model: str,
    names: tuple[str, ...],
    log_params: FloatArray,
) -> FloatArray:
    """Covariance of the log-parameters from the observed information matrix.

    Parameters
    ----------
    hess : numpy.ndarray
        Hessian, over log-parameters, of the objective minimised by
        :func:`minimize_log_params` (a mean negative log-likelihood per client, so
        the observed information is ``n_obs * hess``).
    n_obs : float
        Number of clients (sum of weights) the mean was taken over.
    model : str
        Model name used in error messages.
    names : tuple of str
        Parameter names used in error messages.
    log_params : numpy.ndarray
        Log-parameters at the optimum, shown in error messages.

    Returns
    -------
    numpy.ndarray
        Inverse of the observed information: the asymptotic covariance matrix of the
        maximum-likelihood log-parameters. Rescaling the time axis shifts
        log-parameters by a constant, so this covariance holds in any time unit.

    Raises
    ------
    ConvergenceError
        When the information matrix is singular or not positive definite.
    """
    info = n_obs * (hess + hess.T) / 2
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov = np.full_like(info, np.nan)
    cov = (cov + cov.T) / 2
    variances = np.diag(cov)
    if not np.all(np.isfinite(cov)) or np.any(variances <= 0):
        raise ConvergenceError(
            f"{model}: the information matrix at {_shown(names, log_params)} is singular, so "
            f"the parameters have no standard errors and the data do not identify them. {_HINT}"
        )
    return np.asarray(cov, dtype=np.float64)


def chord_newton(
    fun: Objective,
    value_and_grad: ValueAndGradient | None,
    x0: FloatArray,
    hess_inv: FloatArray,
    *,
    tol: float | FloatArray = 1e-6,
    max_iter: int = 30,
) -> FloatArray | None:
    """Re-locate an optimum after a small change of the data, or return ``None``.

    Newton iterations with a fixed inverse Hessian ``hess_inv`` (from the fit on the
    original data) and the exact gradient (central differences of ``fun`` without
    one). A bootstrap resample moves the optimum by about one standard error, where
    the Hessian barely changes, so each step shrinks the distance to the new optimum
    by a factor of order ``1/sqrt(n)``. ``tol`` (a number or one per parameter, in
    log-parameters) bounds the last step; the point returned is then closer still,
    since that step has been applied. ``None`` when the steps do not shrink below
    ``tol`` within ``max_iter`` iterations; the caller then runs a full search.
    """
    safe = _safe(fun)
    x = x0.copy()
    for _ in range(max_iter):
        if value_and_grad is not None:
            with np.errstate(all="ignore"):
                grad = value_and_grad(x)[1]
        else:
            grad = numerical_gradient(safe, x)
        if not np.all(np.isfinite(grad)):
            return None
        step = hess_inv @ grad
        x = x - step
        if np.max(np.abs(x)) > _BOUNDARY_LOG_PARAM + 5:
            return None
        if np.all(np.abs(step) < tol):
            return x
    return None
