"""Cost to serve a client: its contacts and requests priced at unit costs the analyst sets.

A freight client who phones every day, asks for many quotes and complains often
costs more to keep than one who orders online; this module prices that load.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.marketing._checks import client_ids
from clientalytics.schema import require

__all__ = ["cost_to_serve"]

UnitCosts = float | Mapping[str, float]


def _price(values: pd.Series, costs: UnitCosts, table: str, column: str) -> np.ndarray:
    if isinstance(costs, Mapping):
        keys = values.astype(str)
        missing = sorted(set(keys.unique()) - set(costs))
        if missing:
            raise ValidationError(
                f"{table}: no unit cost given for {len(missing)} value(s) of column {column!r}, "
                f"e.g. {missing[:3]}; pass a cost for each value or a single number"
            )
        priced = keys.map({k: float(v) for k, v in costs.items()}).to_numpy(dtype="float64")
    else:
        priced = np.full(len(values), float(costs))
    if not np.isfinite(priced).all() or (priced < 0).any():
        raise ValidationError(f"{table}: unit costs must be finite and non-negative")
    return priced


def cost_to_serve(
    touchpoints: pd.DataFrame | None = None,
    requests: pd.DataFrame | None = None,
    *,
    touchpoint_costs: UnitCosts = 0.0,
    cost_per_minute: float = 0.0,
    request_costs: UnitCosts = 0.0,
    clients: pd.Series | None = None,
) -> pd.DataFrame:
    """Price every client's touchpoints and requests.

    Parameters
    ----------
    touchpoints : DataFrame, optional
        Columns ``client_id``, ``channel`` and, when ``cost_per_minute`` is set,
        ``duration_minutes`` (missing durations cost nothing per minute).
    requests : DataFrame, optional
        Columns ``client_id`` and ``request_type``.
    touchpoint_costs : float or mapping, default 0
        Cost of one contact, or a cost per contact channel
        (e.g. ``{"meeting": 120, "phone": 8, "email": 2}``); every channel present
        must be priced.
    cost_per_minute : float, default 0
        Staff cost of one minute of contact, added per touchpoint.
    request_costs : float or mapping, default 0
        Cost of handling one request, or a cost per request type
        (commercial / service / complaint).
    clients : Series, optional
        Client ids to report on (clients without contacts get zeros).

    Returns
    -------
    DataFrame
        Indexed by ``client_id``, columns:

        - ``n_touchpoints``: number of contacts;
        - ``touchpoint_cost``: their cost (unit cost + minutes × cost per minute);
        - ``n_requests``: number of requests;
        - ``request_cost``: their cost;
        - ``cost_to_serve``: ``touchpoint_cost + request_cost``.

    Examples
    --------
    >>> tp = pd.DataFrame({"client_id": ["a", "a", "b"], "channel": ["phone", "meeting", "email"]})
    >>> cost_to_serve(tp, touchpoint_costs={"phone": 5, "meeting": 100, "email": 1})[
    ...     "cost_to_serve"
    ... ].to_dict()
    {'a': 105.0, 'b': 1.0}
    """
    if touchpoints is not None:
        require(touchpoints, "touchpoints", ["client_id", "channel"])
        if cost_per_minute:
            require(touchpoints, "touchpoints", ["duration_minutes"])
    if requests is not None:
        require(requests, "requests", ["client_id", "request_type"])
    return _cost_to_serve(
        touchpoints,
        requests,
        touchpoint_costs=touchpoint_costs,
        cost_per_minute=cost_per_minute,
        request_costs=request_costs,
        clients=clients,
    )


def _cost_to_serve(
    touchpoints: pd.DataFrame | None,
    requests: pd.DataFrame | None,
    *,
    touchpoint_costs: UnitCosts,
    cost_per_minute: float,
    request_costs: UnitCosts,
    clients: pd.Series | None,
) -> pd.DataFrame:
    """Price tables that hold the columns :func:`cost_to_serve` needs."""
    if cost_per_minute < 0 or not np.isfinite(cost_per_minute):
        raise ValidationError(
            f"cost_per_minute must be a finite non-negative number, got {cost_per_minute}"
        )
    parts: list[pd.DataFrame] = []
    if touchpoints is not None:
        cost = _price(touchpoints["channel"], touchpoint_costs, "touchpoints", "channel")
        if cost_per_minute:
            minutes = pd.to_numeric(touchpoints["duration_minutes"], errors="coerce")
            cost = cost + minutes.fillna(0.0).to_numpy(dtype="float64") * cost_per_minute
        parts.append(
            pd.DataFrame(
                {
                    "client_id": client_ids(touchpoints["client_id"]).to_numpy(),
                    "n_touchpoints": 1,
                    "touchpoint_cost": cost,
                    "n_requests": 0,
                    "request_cost": 0.0,
                }
            )
        )
    if requests is not None:
        cost = _price(requests["request_type"], request_costs, "requests", "request_type")
        parts.append(
            pd.DataFrame(
                {
                    "client_id": client_ids(requests["client_id"]).to_numpy(),
                    "n_touchpoints": 0,
                    "touchpoint_cost": 0.0,
                    "n_requests": 1,
                    "request_cost": cost,
                }
            )
        )
    columns = ["n_touchpoints", "touchpoint_cost", "n_requests", "request_cost"]
    if parts:
        out = pd.concat(parts, ignore_index=True).groupby("client_id")[columns].sum()
    else:
        out = pd.DataFrame(columns=columns, index=pd.Index([], name="client_id"))
    if clients is not None:
        out = out.reindex(client_ids(clients).to_numpy(), fill_value=0)
    out = out.astype(
        {
            "n_touchpoints": "int64",
            "touchpoint_cost": "float64",
            "n_requests": "int64",
            "request_cost": "float64",
        }
    )
    out.index.name = "client_id"
    out["cost_to_serve"] = out["touchpoint_cost"] + out["request_cost"]
    return out
