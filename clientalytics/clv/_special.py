"""Numerically careful special-function pieces shared by the CLV models."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, hyp2f1

FloatArray = NDArray[np.float64]


def away_from_one(value: float, eps: float = 1e-7) -> float:
    """Nudge a shape parameter off 1 where a formula has a removable 0/0 at 1."""
    if abs(value - 1.0) < eps:
        return 1.0 + (eps if value >= 1.0 else -eps)
    return value


def one_minus_power_over(log_ratio: FloatArray, exponent: float) -> FloatArray:
    """Return ``(1 - exp(exponent * log_ratio)) / exponent``, continuous at exponent 0."""
    if abs(exponent) < 1e-12:
        return np.asarray(-log_ratio, dtype=np.float64)
    return np.asarray(-np.expm1(exponent * log_ratio) / exponent, dtype=np.float64)


def bgnbd_bracket(
    a_shape: float, upper: FloatArray, lower: FloatArray, z: FloatArray, log_u: FloatArray
) -> FloatArray:
    """Return ``1 - u**(a-1) * 2F1(upper, a-1; lower; z)``.

    This is the Euler-transformed bracket of the BG/NBD family's conditional
    expectation: its hypergeometric parameters do not grow with the client's
    frequency, so it stays finite for clients with hundreds of purchases.
    """
    hyp = hyp2f1(upper, a_shape - 1.0, lower, z)
    return np.asarray(1.0 - np.exp((a_shape - 1.0) * log_u) * hyp, dtype=np.float64)


def sigmoid_of_minus(log_odds_dead: FloatArray) -> FloatArray:
    """Probability alive ``1 / (1 + exp(log_odds_dead))`` without overflow."""
    return np.asarray(expit(-log_odds_dead), dtype=np.float64)


#: below this, exp(-gap) < 2e-22 is dropped; clipping also keeps exp() away from the
#: subnormal range, where floating-point arithmetic is up to a hundred times slower
_GAP = 50.0


def _exp_neg_gap(gap: FloatArray) -> FloatArray:
    """Return ``exp(-gap)`` for ``gap >= 0``, exactly 0 beyond :data:`_GAP`."""
    far = gap > _GAP
    e = np.exp(-np.where(far, _GAP, gap))
    e[far] = 0.0
    return np.asarray(e, dtype=np.float64)


def logaddexp(a: FloatArray, b: FloatArray) -> FloatArray:
    """Elementwise ``log(exp(a) + exp(b))``, fast when the terms are far apart.

    Like :func:`numpy.logaddexp`; either term may be ``-inf``, not both.
    """
    high = np.maximum(a, b)
    gap = high - np.minimum(a, b)
    return np.asarray(high + np.log1p(_exp_neg_gap(gap)), dtype=np.float64)


def softplus_and_sigmoid(d: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return ``log(1 + exp(d))`` and ``1 / (1 + exp(-d))`` without overflow (d may be -inf)."""
    e = _exp_neg_gap(np.abs(d))
    soft = np.maximum(d, 0.0) + np.log1p(e)
    sig = np.where(d >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return np.asarray(soft, dtype=np.float64), np.asarray(sig, dtype=np.float64)


def wdot(weights: FloatArray, values: FloatArray) -> float:
    """Weighted sum ``sum(weights * values)`` in one pass.

    Uses :func:`numpy.einsum` rather than a BLAS dot product: multithreaded BLAS on
    vectors of this size costs more in thread start-up than it saves, badly so on a
    busy machine.
    """
    return float(np.einsum("i,i->", weights, values))
