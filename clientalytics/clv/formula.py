"""Formula-based lifetime value for analysts without transaction histories.

Two textbook calculations: the constant-margin, constant-retention perpetuity
``CLV = m * r / (1 + d - r)`` with expected lifetime ``1 / (1 - r)`` periods, and
the net present value of a table of expected margins per year net of the cost of
acquiring the client.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from clientalytics.exceptions import ValidationError

FloatArray = NDArray[np.float64]


def _as_array(name: str, value: ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if np.any(~np.isfinite(arr)):
        raise ValidationError(f"{name} must be finite, got {value!r}")
    return arr


def simple_clv(
    margin: ArrayLike, *, retention_rate: ArrayLike, discount_rate: ArrayLike
) -> FloatArray | float:
    """Lifetime value with constant margin and retention: ``m * r / (1 + d - r)``.

    The client brings margin ``m`` at the end of every period it stays; it stays
    each period with probability ``r``; money is discounted at ``d`` per period.
    The first margin is counted after the first retention decision (the client is
    already acquired and the current period's margin is excluded).

    Parameters
    ----------
    margin : float or array-like
        Margin per period.
    retention_rate : float or array-like
        Probability of staying each period, in [0, 1).
    discount_rate : float or array-like
        Discount rate per period, >= 0 (same period as the retention rate).

    Returns
    -------
    float or numpy.ndarray
        Lifetime value in the units of ``margin``.

    Examples
    --------
    >>> round(simple_clv(100.0, retention_rate=0.8, discount_rate=0.1), 2)
    266.67
    """
    m = _as_array("margin", margin)
    r = _as_array("retention_rate", retention_rate)
    d = _as_array("discount_rate", discount_rate)
    if np.any((r < 0) | (r >= 1)):
        raise ValidationError(f"retention_rate must be in [0, 1), got {retention_rate!r}")
    if np.any(d < 0):
        raise ValidationError(f"discount_rate must be >= 0, got {discount_rate!r}")
    out = m * r / (1 + d - r)
    return float(out) if out.ndim == 0 else out


def expected_lifetime(retention_rate: ArrayLike) -> FloatArray | float:
    """Return the expected number of periods a client stays: ``1 / (1 - r)``.

    Examples
    --------
    >>> round(expected_lifetime(0.8), 6)
    5.0
    """
    r = _as_array("retention_rate", retention_rate)
    if np.any((r < 0) | (r >= 1)):
        raise ValidationError(f"retention_rate must be in [0, 1), got {retention_rate!r}")
    out = 1.0 / (1.0 - r)
    return float(out) if out.ndim == 0 else out


def year_table_npv(
    margins: Sequence[float] | ArrayLike,
    *,
    acquisition_cost: float = 0.0,
    discount_rate: float,
) -> pd.DataFrame:
    """Net present value of a client from expected margins per year.

    Year 0 carries the acquisition cost (undiscounted); the margin of year ``t``
    (``t = 1, 2, ...``) is received at the end of the year and discounted by
    ``(1 + d) ** t``.

    Parameters
    ----------
    margins : sequence of float
        Expected margin in years 1, 2, ... (already weighted by the probability of
        the client still being there, if the analyst wants expected values).
    acquisition_cost : float, default 0.0
        Cost of winning the client, paid at year 0.
    discount_rate : float
        Annual discount rate (0.1 for 10 %).

    Returns
    -------
    pandas.DataFrame
        One row per year (0 .. n) with columns ``year``, ``cash_flow`` (the margin,
        or minus the acquisition cost at year 0), ``discount_factor``,
        ``present_value`` and ``cumulative_npv``. The last ``cumulative_npv`` is the
        client's NPV.

    Examples
    --------
    >>> table = year_table_npv([100, 100], acquisition_cost=50, discount_rate=0.1)
    >>> round(table["cumulative_npv"].iloc[-1], 2)
    123.55
    """
    flows = _as_array("margins", margins).reshape(-1)
    if flows.shape[0] == 0:
        raise ValidationError("margins must list at least one year")
    if not np.isfinite(acquisition_cost) or acquisition_cost < 0:
        raise ValidationError(f"acquisition_cost must be >= 0, got {acquisition_cost}")
    if not np.isfinite(discount_rate) or discount_rate <= -1:
        raise ValidationError(f"discount_rate must be > -1, got {discount_rate}")
    cash = np.concatenate([[-float(acquisition_cost)], flows])
    years = np.arange(cash.shape[0])
    factor = (1.0 + discount_rate) ** (-years.astype(np.float64))
    present = cash * factor
    return pd.DataFrame(
        {
            "year": years,
            "cash_flow": cash,
            "discount_factor": factor,
            "present_value": present,
            "cumulative_npv": np.cumsum(present),
        }
    )
