"""Money value of contract clients and the renewal risk of each expiring contract.

Both functions read renewal histories (:func:`~clientalytics.clv.renewal.renewal_histories`)
and a fitted renewal model (:class:`~clientalytics.clv.BetaDiscreteWeibullModel` or
:class:`~clientalytics.clv.IndividualShiftedBetaGeometricModel`), and score each
client by its own tenure: a client who has renewed many times is, under both
models, more likely to renew again than a new one.

- :func:`contract_lifetime_value`: expected residual lifetime value per client, the
  discounted expected residual lifetime (DERL, Fader & Hardie 2010) times the
  value of a contract period, discounted from the next renewal date to the
  observation end, plus what the running contract still brings in.
- :func:`renewal_risk`: per running contract, the probability that it is not
  renewed at its expiry, and the value lost if it is not.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require

FloatArray = NDArray[np.float64]

_DAYS_PER_YEAR = 365.25
_NEEDED = (
    "client_id",
    "current_contract_id",
    "renewals",
    "status",
    "expiry_date",
    "days_to_expiry",
    "annual_value",
    "term_years",
)

#: Columns of :func:`contract_lifetime_value`, with their meaning.
CONTRACT_VALUE_COLUMNS: dict[str, str] = {
    "current_contract_id": "Contract that is up for renewal next.",
    "status": "'active' or 'pending' (see renewal_histories).",
    "renewals": "Renewals the client has made (its tenure in contract periods, minus one).",
    "annual_value": "Annual value of the client's running contracts.",
    "days_to_expiry": "Days to the next renewal decision (0 when it is pending).",
    "renewal_probability": "Probability that the client renews at the next decision.",
    "derl": "Discounted expected residual lifetime: expected further contract periods, "
    "discounted to the next renewal date (Fader & Hardie 2010, equation 6).",
    "remaining_term_value": "Value of the rest of the running contract (contracted, undiscounted).",
    "residual_value": "Expected value of the future renewals, discounted to the "
    "observation end: value per period * derl / (1 + d) ** (years to expiry).",
    "lifetime_value": "remaining_term_value + residual_value.",
}

#: Columns of :func:`renewal_risk`, with their meaning.
RENEWAL_RISK_COLUMNS: dict[str, str] = {
    "client_id": "Client of the contract.",
    "expiry_date": "Date the contract is up for renewal (NaT for open-ended contracts).",
    "days_to_expiry": "Days from the observation end to the expiry (<= 0: pending).",
    "renewals": "Renewals the client made before this contract.",
    "annual_value": "Annual value of the client's running contracts.",
    "renewal_probability": "Probability that the contract is renewed at its expiry.",
    "renewal_risk": "1 - renewal_probability: probability that the client leaves then.",
    "value_at_risk": "Expected value lost by a non-renewal: renewal_risk times the "
    "residual value the client is worth if it renews.",
}


class RenewalModel(Protocol):
    """What the value functions need from a fitted renewal model."""

    def renewal_probability(self, renewals: ArrayLike) -> FloatArray: ...  # noqa: D102

    def expected_residual_lifetime(  # noqa: D102
        self, renewals: ArrayLike, *, discount_rate: float
    ) -> FloatArray: ...


def _running(histories: pd.DataFrame) -> pd.DataFrame:
    require(
        histories,
        "renewal histories",
        _NEEDED,
        hint="pass the output of renewal_histories()",
    )
    running = histories.loc[histories["status"].isin(["active", "pending"])]
    if running["client_id"].duplicated().any():
        dup = running.loc[running["client_id"].duplicated(), "client_id"].head(3).tolist()
        raise ValidationError(
            f"renewal histories: clients with more than one running spell, e.g. {dup}; "
            "pass the output of renewal_histories()"
        )
    return running


def _check_rate(rate: float, name: str) -> float:
    value = float(rate)
    if not np.isfinite(value) or value <= 0:
        raise ValidationError(f"{name} must be > 0, got {rate}")
    return value


def contract_lifetime_value(
    histories: pd.DataFrame,
    model: RenewalModel,
    *,
    discount_rate: float,
    margin: float = 1.0,
) -> pd.DataFrame:
    """Return the expected residual lifetime value of every client under contract.

    Parameters
    ----------
    histories : pandas.DataFrame
        Output of :func:`~clientalytics.clv.renewal.renewal_histories`. Only
        ``active`` and ``pending`` spells are valued; churned clients are worth 0
        and are left out.
    model : BetaDiscreteWeibullModel or IndividualShiftedBetaGeometricModel
        Fitted renewal model (fitted on the same kind of contract periods).
    discount_rate : float
        Annual discount rate (e.g. 0.1); converted to each client's contract
        period as ``(1 + d) ** term_years - 1``.
    margin : float, default 1.0
        Share of contract value that is profit (1.0 values revenue).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id``, columns of :data:`CONTRACT_VALUE_COLUMNS`.

    Raises
    ------
    ValidationError
        When the histories lack a column, ``discount_rate`` is not positive or
        ``margin`` is negative.
    """
    d = _check_rate(discount_rate, "discount_rate")
    if not np.isfinite(margin) or margin < 0:
        raise ValidationError(f"margin must be >= 0, got {margin}")
    running = _running(histories)
    n = running["renewals"].to_numpy(dtype=np.float64)
    term = running["term_years"].to_numpy(dtype=np.float64)
    value = running["annual_value"].to_numpy(dtype=np.float64) * float(margin)
    days = np.clip(running["days_to_expiry"].to_numpy(dtype=np.float64), 0, None)
    derl = np.empty_like(n)
    # one DERL evaluation per distinct contract length (its period discount rate)
    for length in np.unique(term):
        rows = term == length
        period_rate = (1 + d) ** float(length) - 1
        derl[rows] = model.expected_residual_lifetime(n[rows], discount_rate=period_rate)
    to_expiry = (1 + d) ** (-days / _DAYS_PER_YEAR)
    residual = value * term * derl * to_expiry
    remaining = value * days / _DAYS_PER_YEAR
    out = pd.DataFrame(
        {
            "current_contract_id": running["current_contract_id"].to_numpy(),
            "status": running["status"].to_numpy(),
            "renewals": running["renewals"].to_numpy(),
            "annual_value": running["annual_value"].to_numpy(dtype=np.float64),
            "days_to_expiry": days,
            "renewal_probability": model.renewal_probability(n),
            "derl": derl,
            "remaining_term_value": remaining,
            "residual_value": residual,
            "lifetime_value": remaining + residual,
        },
        index=pd.Index(running["client_id"].to_numpy(), name="client_id"),
    )
    return out


def renewal_risk(
    histories: pd.DataFrame,
    model: RenewalModel,
    *,
    discount_rate: float = 0.1,
    horizon_days: float | None = None,
    margin: float = 1.0,
) -> pd.DataFrame:
    """Return the risk that each running contract is not renewed at its expiry.

    Parameters
    ----------
    histories : pandas.DataFrame
        Output of :func:`~clientalytics.clv.renewal.renewal_histories`.
    model : BetaDiscreteWeibullModel or IndividualShiftedBetaGeometricModel
        Fitted renewal model.
    discount_rate : float, default 0.1
        Annual discount rate used for ``value_at_risk``.
    horizon_days : float, optional
        Keep only contracts up for renewal within this many days of the
        observation end (pending ones included); all running contracts by default.
    margin : float, default 1.0
        Share of contract value that is profit.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``contract_id`` (the contract up for renewal), columns of
        :data:`RENEWAL_RISK_COLUMNS`, ordered by expiry.
    """
    value = contract_lifetime_value(histories, model, discount_rate=discount_rate, margin=margin)
    running = _running(histories).set_index("client_id")
    days = running.loc[value.index, "days_to_expiry"].to_numpy(dtype=np.float64)
    p = value["renewal_probability"].to_numpy()
    risk = 1 - p
    # residual value given a renewal: the DERL sum conditional on surviving the next decision
    with np.errstate(divide="ignore", invalid="ignore"):
        if_renewed = np.where(p > 0, value["residual_value"].to_numpy() / p, 0.0)
    out = pd.DataFrame(
        {
            "client_id": value.index.to_numpy(),
            "expiry_date": running.loc[value.index, "expiry_date"].to_numpy(),
            "days_to_expiry": days,
            "renewals": value["renewals"].to_numpy(),
            "annual_value": value["annual_value"].to_numpy(),
            "renewal_probability": p,
            "renewal_risk": risk,
            "value_at_risk": risk * if_renewed,
        },
        index=pd.Index(value["current_contract_id"].to_numpy(), name="contract_id"),
    )
    if horizon_days is not None:
        if not np.isfinite(horizon_days) or horizon_days < 0:
            raise ValidationError(f"horizon_days must be >= 0, got {horizon_days}")
        out = out.loc[out["days_to_expiry"] <= float(horizon_days)]
    return out.sort_values(["days_to_expiry", "client_id"], kind="stable")
