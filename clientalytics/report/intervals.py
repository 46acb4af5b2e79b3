"""Confidence intervals of the rates the report shows on small groups."""

from __future__ import annotations

import math

#: Normal quantile of a two-sided 95 % interval.
Z95 = 1.959963984540054


def wilson_interval(successes: float, n: float, *, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``successes / n``.

    Parameters
    ----------
    successes : float
        Number of successes (e.g. clients retained), ``0 <= successes <= n``.
    n : float
        Number of trials (e.g. clients active at the start).
    z : float
        Normal quantile; the default gives a 95 % interval.

    Returns
    -------
    (low, high) : tuple of float
        Bounds within [0, 1]; ``(nan, nan)`` when ``n`` is 0.

    Notes
    -----
    Wilson (1927): centre ``(p + z²/2n) / (1 + z²/n)``, half-width
    ``z sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n)``. Unlike the normal interval it
    stays within [0, 1] and is not empty at ``p = 0`` or ``p = 1``.
    """
    if n <= 0:
        return math.nan, math.nan
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
