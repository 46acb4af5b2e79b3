"""The smallest top group holding a share of a total.

Clients are ranked, largest value first. The top group for a share ``s`` is the
smallest set of top-ranked clients whose values together hold at least ``s`` of
the total: a client belongs to it while the clients ranked above it hold less
than ``s``. So the client whose value crosses the line is in, and when the
clients above a client already hold exactly ``s`` that client is out. Only
positive values hold a share; a client with zero or negative value is never in.

"Exactly ``s``" is judged with a relative tolerance of :data:`TOLERANCE` of the
total, so that a sum landing a hair below the line through floating-point
rounding (0.9 of a total of 0.9 + 0.2 + 0.1 computed as 1.2000000000000002)
still counts as reaching it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: Relative tolerance (of the total) within which a held share counts as reaching the line.
TOLERANCE = 1e-9


def top_share_members(
    values: npt.ArrayLike, share: float, *, total: float | None = None
) -> npt.NDArray[np.bool_]:
    """Flag the members of the smallest top group holding at least ``share`` of ``total``.

    Parameters
    ----------
    values : array-like
        Values in rank order, largest first; negative values count as zero.
    share : float
        The share the group must hold, in (0, 1].
    total : float, optional
        The total the share is of (default: the sum of the positive values); a
        caller whose ranking leaves some clients out may pass a larger total.

    Returns
    -------
    ndarray of bool
        True for the members, in the order of ``values``. All False when the
        total is not positive.
    """
    positive = np.clip(np.asarray(values, dtype="float64"), 0.0, None)
    whole = float(positive.sum()) if total is None else float(total)
    if positive.size == 0 or not whole > 0:
        return np.zeros(positive.shape, dtype=bool)
    held_above = np.concatenate(([0.0], np.cumsum(positive)[:-1]))
    return (positive > 0) & (held_above < (share - TOLERANCE) * whole)
