"""The contract registry: turnaround, sales cycle, renewals, legal approvals, anomalies.

The registry numbers every contract and records when it was sent, when it came
back signed, when it starts and expires. From it: the turnaround from sending to
return, the sales cycle from the first contact to signing, the renewal pipeline
(active contracts expiring in the next N days), non-standard contracts waiting
for legal approval, and contracts whose state is impossible given the dates (the
schema validator already rejects rows that break date order or miss dates their
status requires; the checks here need the observation end or other rows).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require

#: Columns of :func:`contract_anomalies`.
ANOMALY_COLUMNS = ["contract_id", "client_id", "issue", "detail"]


def _days(delta: pd.Series) -> pd.Series:
    """Length of each timedelta in days (float)."""
    out: pd.Series = delta.dt.total_seconds() / 86400.0
    return out


def _need(contracts: pd.DataFrame, columns: list[str]) -> None:
    require(contracts, "contracts", columns)


def contract_durations(contracts: pd.DataFrame) -> pd.DataFrame:
    """Turnaround and sales-cycle length of every contract, in days.

    Parameters
    ----------
    contracts : pandas.DataFrame
        Contracts table.

    Returns
    -------
    pandas.DataFrame
        ``contract_id``, ``client_id``, ``manager_id`` (when present), ``status``,
        ``terms`` (when present), ``turnaround_days`` (signed - sent) and
        ``sales_cycle_days`` (signed - first contact); missing when a date is
        missing (e.g. not signed yet).
    """
    _need(contracts, ["contract_id", "client_id", "status", "sent_date", "signed_date"])
    keep = [
        c for c in ("contract_id", "client_id", "manager_id", "status", "terms") if c in contracts
    ]
    out = contracts[keep].copy()
    out["turnaround_days"] = _days(contracts["signed_date"] - contracts["sent_date"])
    if "first_contact_date" in contracts.columns:
        out["sales_cycle_days"] = _days(contracts["signed_date"] - contracts["first_contact_date"])
    else:
        out["sales_cycle_days"] = np.nan
    return out


def registry_kpis(contracts: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Summary of turnaround and sales-cycle lengths, overall or by a column.

    Parameters
    ----------
    contracts : pandas.DataFrame
        Contracts table.
    by : str, optional
        Grouping column (``"terms"``, ``"manager_id"``, ``"status"``).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``n_contracts``, ``n_signed``, ``median_turnaround_days``,
        ``mean_turnaround_days``, ``median_sales_cycle_days``,
        ``mean_sales_cycle_days`` (missing when the group has no signed contract).
    """
    frame = contract_durations(contracts)
    if by is not None:
        require(frame, "contracts", [by], hint="by names the grouping column")
        frame[by] = frame[by].astype("string").fillna("(missing)").astype(str)
    groups = frame.groupby(by if by is not None else np.zeros(len(frame)))
    out = pd.DataFrame(
        {
            "n_contracts": groups.size(),
            "n_signed": groups["turnaround_days"].count(),
            "median_turnaround_days": groups["turnaround_days"].median(),
            "mean_turnaround_days": groups["turnaround_days"].mean(),
            "median_sales_cycle_days": groups["sales_cycle_days"].median(),
            "mean_sales_cycle_days": groups["sales_cycle_days"].mean(),
        }
    )
    return out.reset_index() if by is not None else out.reset_index(drop=True)


def renewal_pipeline(
    contracts: pd.DataFrame,
    *,
    observation_end: pd.Timestamp | str | dt.date,
    horizon_days: int = 90,
) -> pd.DataFrame:
    """Active contracts expiring within ``horizon_days`` after the observation end.

    Parameters
    ----------
    contracts : pandas.DataFrame
        Contracts table (``status``, ``expiry_date``, ``renewal_of``).
    observation_end : timestamp
        The day the pipeline is looked at.
    horizon_days : int
        How far ahead to look.

    Returns
    -------
    pandas.DataFrame
        One row per active contract with ``observation_end < expiry_date <=
        observation_end + horizon_days``, sorted by expiry: ``contract_id``,
        ``client_id``, ``manager_id``, ``expiry_date``, ``days_to_expiry``,
        ``annual_value`` (0 when missing) and ``renewal_started`` (a later contract
        already names it in ``renewal_of``).
    """
    if horizon_days <= 0:
        raise ValidationError(f"horizon_days must be positive, got {horizon_days}")
    _need(contracts, ["contract_id", "client_id", "status", "expiry_date"])
    end = pd.Timestamp(observation_end)
    limit = end + pd.Timedelta(days=horizon_days)
    active = contracts[
        (contracts["status"].astype(str) == "active")
        & (contracts["expiry_date"] > end)
        & (contracts["expiry_date"] <= limit)
    ]
    renewed = (
        set(contracts["renewal_of"].dropna().astype(str)) if "renewal_of" in contracts else set()
    )
    out = pd.DataFrame(
        {
            "contract_id": active["contract_id"].astype(str).to_numpy(),
            "client_id": active["client_id"].astype(str).to_numpy(),
            "manager_id": (active["manager_id"].to_numpy() if "manager_id" in active else None),
            "expiry_date": active["expiry_date"].to_numpy(),
            "days_to_expiry": _days(active["expiry_date"] - end).to_numpy(),
            "annual_value": (
                active["annual_value"].astype(float).fillna(0.0).to_numpy()
                if "annual_value" in active
                else 0.0
            ),
        }
    )
    out["renewal_started"] = out["contract_id"].isin(renewed)
    return out.sort_values(["expiry_date", "contract_id"]).reset_index(drop=True)


def pending_legal_approval(contracts: pd.DataFrame) -> pd.DataFrame:
    """Non-standard contracts still in progress without legal approval.

    Parameters
    ----------
    contracts : pandas.DataFrame
        Contracts table (``terms``, ``legal_approved``, ``status``).

    Returns
    -------
    pandas.DataFrame
        Rows of ``contracts`` with non-standard terms, ``legal_approved`` not true
        and status ``draft``, ``sent`` or ``signed`` (not yet in force).
    """
    _need(contracts, ["contract_id", "status", "terms"])
    approved = _approved(contracts)
    mask = (
        (contracts["terms"].astype(str) == "non_standard")
        & ~approved
        & contracts["status"].astype(str).isin(["draft", "sent", "signed"])
    )
    return contracts[mask].reset_index(drop=True)


def _approved(contracts: pd.DataFrame) -> pd.Series:
    if "legal_approved" not in contracts.columns:
        return pd.Series(False, index=contracts.index)
    return contracts["legal_approved"].astype("boolean").fillna(False).astype(bool)


def contract_anomalies(
    contracts: pd.DataFrame,
    *,
    observation_end: pd.Timestamp | str | dt.date,
    max_days_sent: int = 30,
) -> pd.DataFrame:
    """Flag contracts whose state is impossible or stale at the observation end.

    Checks, each an ``issue`` value:

    - ``active_past_expiry``: status ``active`` but expired before the observation end;
    - ``sent_not_returned``: status ``sent`` for more than ``max_days_sent`` days;
    - ``non_standard_unapproved``: non-standard terms in force (``active``) without
      legal approval;
    - ``overlapping_active``: two active contracts of one client whose periods
      overlap (both rows are flagged).

    Parameters
    ----------
    contracts : pandas.DataFrame
        Contracts table that passed schema validation.
    observation_end : timestamp
        Moment the registry describes.
    max_days_sent : int
        Days after which a sent, unreturned contract is stale.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ANOMALY_COLUMNS`, one row per contract and issue;
        ``detail`` says what is wrong in words and numbers.
    """
    _need(contracts, ["contract_id", "client_id", "status", "sent_date", "expiry_date"])
    end = pd.Timestamp(observation_end)
    status = contracts["status"].astype(str)
    rows: list[dict[str, str]] = []

    def flag(mask: pd.Series, issue: str, detail: pd.Series) -> None:
        for cid, client, text in zip(
            contracts.loc[mask, "contract_id"].astype(str),
            contracts.loc[mask, "client_id"].astype(str),
            detail[mask],
            strict=True,
        ):
            rows.append({"contract_id": cid, "client_id": client, "issue": issue, "detail": text})

    expired = (status == "active") & (contracts["expiry_date"] < end)
    flag(
        expired,
        "active_past_expiry",
        "expired on "
        + contracts["expiry_date"].dt.strftime("%Y-%m-%d").fillna("")
        + " but still active",
    )
    waited = _days(end - contracts["sent_date"])
    stale = (status == "sent") & (waited > max_days_sent)
    flag(
        stale,
        "sent_not_returned",
        "sent " + waited.round(0).astype("Int64").astype(str) + " days ago",
    )
    if "terms" in contracts.columns:
        unapproved = (
            (status == "active")
            & (contracts["terms"].astype(str) == "non_standard")
            & ~_approved(contracts)
        )
        flag(
            unapproved,
            "non_standard_unapproved",
            pd.Series("non-standard terms in force without legal approval", index=contracts.index),
        )
    if "start_date" in contracts.columns:
        active = contracts[status == "active"].sort_values(["client_id", "start_date"])
        overlap_detail: dict[object, str] = {}
        for _, group in active.groupby("client_id"):
            if len(group) < 2:
                continue
            starts = group["start_date"].to_numpy()
            ends = group["expiry_date"].to_numpy()
            ids = group["contract_id"].astype(str).to_numpy()
            for a in range(len(group)):
                for b in range(a + 1, len(group)):
                    if starts[b] < ends[a] and starts[a] < ends[b]:
                        overlap_detail.setdefault(group.index[a], f"overlaps {ids[b]}")
                        overlap_detail.setdefault(group.index[b], f"overlaps {ids[a]}")
        mask = contracts.index.isin(list(overlap_detail))
        detail = pd.Series(overlap_detail, dtype=object).reindex(contracts.index).fillna("")
        flag(pd.Series(mask, index=contracts.index), "overlapping_active", detail)
    out = pd.DataFrame(rows, columns=ANOMALY_COLUMNS)
    return out.sort_values(["issue", "contract_id"]).reset_index(drop=True)
