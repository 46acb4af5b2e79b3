"""Relationship seekers: clients the firm has marked as wanting a relationship.

A client counts here as a *relationship seeker* when the firm's CRM has it in a
relationship programme (``relationship_programme`` in the clients table) or
records a loyalty-programme contact with it. The share of seekers is therefore an
input, the share of clients the firm itself enrolled or flagged; it does not
measure how many clients want a relationship (no survey question asks that).
What the comparison does measure is how the flagged clients' value differs from
everyone else's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError


def relationship_seekers(
    clients: pd.DataFrame,
    value: pd.Series,
    *,
    touchpoints: pd.DataFrame | None = None,
    programme_kind: str = "loyalty_programme",
) -> pd.DataFrame:
    """Compare clients flagged as relationship seekers with the others on a value measure.

    ``share_of_clients`` of the seekers is read from the firm's own flags (an
    input), not found in the data; the value columns are the measurement.

    Parameters
    ----------
    clients : pandas.DataFrame
        Clients table (``client_id``, optional ``relationship_programme``).
    value : pandas.Series
        Value per client (CLV, margin, revenue), indexed by client id; clients
        missing from it count as 0.
    touchpoints : pandas.DataFrame, optional
        Contacts; a contact of kind ``programme_kind`` marks a seeker.
    programme_kind : str
        Touchpoint kind that signals programme engagement.

    Returns
    -------
    pandas.DataFrame
        Two rows, ``group`` = ``"seekers"`` and ``"others"``: ``n_clients``,
        ``share_of_clients``, ``total_value``, ``share_of_value``,
        ``mean_value``, ``median_value`` and ``value_ratio`` (mean value over the
        other group's mean value; missing when that mean is 0).

    Raises
    ------
    ValidationError
        Neither a programme column nor touchpoints to identify seekers.
    """
    ids = clients["client_id"].astype(str)
    seeker = pd.Series(False, index=pd.Index(ids.to_numpy(), name="client_id"))
    found = False
    if "relationship_programme" in clients.columns:
        flag = clients["relationship_programme"].astype("boolean").fillna(False).astype(bool)
        seeker |= pd.Series(flag.to_numpy(), index=seeker.index)
        found = True
    if touchpoints is not None:
        engaged = set(
            touchpoints.loc[touchpoints["kind"].astype(str) == programme_kind, "client_id"].astype(
                str
            )
        )
        seeker |= seeker.index.isin(list(engaged))
        found = True
    if not found:
        raise ValidationError(
            "relationship_seekers: clients has no 'relationship_programme' column and no "
            "touchpoints were given"
        )
    val = value.copy()
    val.index = val.index.astype(str)
    v = val.reindex(seeker.index).fillna(0.0).astype(float)
    if not np.isfinite(v.to_numpy()).all():
        raise ValidationError("value: infinite values")
    rows = []
    total = float(v.sum())
    for name, mask in (("seekers", seeker), ("others", ~seeker)):
        part = v[mask.to_numpy()]
        rows.append(
            {
                "group": name,
                "n_clients": len(part),
                "share_of_clients": len(part) / len(v),
                "total_value": float(part.sum()),
                "share_of_value": float(part.sum()) / total if total else np.nan,
                "mean_value": float(part.mean()) if len(part) else np.nan,
                "median_value": float(part.median()) if len(part) else np.nan,
            }
        )
    out = pd.DataFrame(rows)
    means = out["mean_value"].to_numpy()
    other = means[::-1]
    out["value_ratio"] = np.where(other != 0, means / np.where(other != 0, other, 1.0), np.nan)
    return out
