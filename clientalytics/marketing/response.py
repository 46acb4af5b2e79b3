"""Response of acquisition and retention rates to spending (Blattberg & Deighton).

Blattberg and Deighton (1996, "Manage marketing by the customer equity test")
let the share of prospects acquired, and the share of clients retained, rise
toward a ceiling as spending per head grows, with diminishing returns:
rate = ceiling · (1 − e^(−k · spend)). An optional floor (the rate reached
without any spending) gives rate = floor + (ceiling − floor) · (1 − e^(−k · spend)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clientalytics.exceptions import ValidationError

__all__ = ["ResponseCurve"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ResponseCurve:
    """A rate that rises toward ``ceiling`` with spending per head.

    Parameters
    ----------
    ceiling : float
        Highest reachable rate, in [0, 1].
    k : float
        Steepness (> 0): the first unit of spend raises the rate by about
        ``(ceiling − floor) · k``.
    floor : float, default 0
        Rate with no spending, in [0, ceiling].
    spend_range : tuple of float, optional
        ``(lowest, highest)`` spend per head the curve was fitted on; outside it
        the curve is an extrapolation (None: unknown, e.g. a curve given by hand).

    Examples
    --------
    >>> round(float(ResponseCurve(ceiling=0.8, k=0.1).rate(10.0)), 4)
    0.5057
    """

    ceiling: float
    k: float
    floor: float = 0.0
    spend_range: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.spend_range is not None:
            lo, hi = self.spend_range
            if not (np.isfinite(lo) and np.isfinite(hi) and 0 <= lo <= hi):
                raise ValidationError(
                    f"spend_range must be (low, high) with 0 <= low <= high, got {self.spend_range}"
                )
        values = (self.ceiling, self.k, self.floor)
        if not all(np.isfinite(v) for v in values):
            raise ValidationError(f"response curve parameters must be finite, got {values}")
        if not 0.0 <= self.floor <= self.ceiling <= 1.0:
            raise ValidationError(
                f"response curve needs 0 <= floor <= ceiling <= 1, got floor={self.floor}, "
                f"ceiling={self.ceiling}"
            )
        if self.k <= 0:
            raise ValidationError(f"response curve needs k > 0, got k={self.k}")

    def rate(self, spend: float | FloatArray) -> float | FloatArray:
        """Return the rate reached with ``spend`` per head (negative spend counts as none)."""
        s = np.maximum(spend, 0.0)
        return self.floor + (self.ceiling - self.floor) * (1.0 - np.exp(-self.k * s))

    def marginal_rate(self, spend: float | FloatArray) -> float | FloatArray:
        """Return the derivative of the rate with respect to spend per head."""
        s = np.maximum(spend, 0.0)
        return (self.ceiling - self.floor) * self.k * np.exp(-self.k * s)

    def spend_for_rate(self, rate: float) -> float:
        """Return the spend per head needed to reach ``rate`` (in [floor, ceiling))."""
        if not self.floor <= rate < self.ceiling:
            raise ValidationError(
                f"rate {rate} is not reachable: it must lie in [{self.floor}, {self.ceiling})"
            )
        return float(-np.log(1.0 - (rate - self.floor) / (self.ceiling - self.floor)) / self.k)

    def scaled(self, *, ceiling: float = 1.0, k: float = 1.0) -> ResponseCurve:
        """Copy with ceiling and k multiplied (ceiling capped at 1, floor at the ceiling)."""
        new_ceiling = min(self.ceiling * ceiling, 1.0)
        return ResponseCurve(
            ceiling=new_ceiling,
            k=self.k * k,
            floor=min(self.floor, new_ceiling),
            spend_range=self.spend_range,
        )
