"""Renewal histories: the contract registry turned into one lifetime per client spell.

The contractual models (:class:`~clientalytics.clv.BetaDiscreteWeibullModel`,
:class:`~clientalytics.clv.IndividualShiftedBetaGeometricModel`) see a client as a
sequence of contract periods: after each period the client renews or leaves for good.
:func:`renewal_histories` reads the registry into that form, one row per spell of
continuous coverage, right-censored at the observation end.
:func:`cohort_histories` does the same for the survivor counts of one cohort, so
that published cohort data and a company's registry go through the same fit.

How the registry is read
------------------------
- **Which contracts count.** Contracts with status ``signed``, ``active``,
  ``expired`` or ``terminated`` and a ``start_date``: each is a decision the client
  made. ``draft``, ``sent`` and ``rejected`` contracts are negotiations, not
  decisions; a client with a renewal under negotiation is still undecided (censored).
  A renewal signed before the observation end counts even if it starts after it.
- **Dates decide, not statuses**, except that ``terminated`` means the client left
  during that contract: the spell ends in churn even when the scheduled expiry lies
  after the observation end.
- **Renewals.** Within a client the contracts are taken in order of ``start_date``.
  A contract that starts between ``max_overlap_days`` before and ``max_gap_days``
  after the latest expiry so far, and runs past it, is a renewal (early renewals
  overlap the old contract by a few days; late ones leave a short gap). A contract
  whose ``renewal_of`` names a contract of the same spell is a renewal whatever
  the gap.
- **Gaps.** A contract starting more than ``max_gap_days`` after the latest expiry
  (and not linked by ``renewal_of``) starts a new spell: the client lapsed, which
  ends the earlier spell in churn, and came back as a new client. Each spell is one
  lifetime of the model.
- **Overlaps.** A contract that ends no later than the coverage so far, or starts
  more than ``max_overlap_days`` before its end, runs in parallel (a second
  framework contract, an add-on): it is not a renewal decision. It extends the
  coverage if it ends later, and its value adds to the client's current value
  while it runs at the observation end.
- **Open-ended contracts** (no ``expiry_date``) run until the observation end. They
  are treated as renewing silently every ``open_ended_term_days``: each full term
  the client let pass without cancelling counts as a renewal, and the spell is
  censored. An open-ended contract that is ``expired`` or ``terminated`` has no
  known end and is rejected with an error.
- **Right-censoring.** A spell whose coverage runs past the observation end is
  ``active``. One whose coverage ended at most ``max_gap_days`` before it is
  ``pending``: a late renewal may still come. Both are censored: the client has
  survived ``renewals`` renewal decisions and the next is not yet known. Otherwise
  the spell ``churned`` after ``renewals`` renewals.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require

if TYPE_CHECKING:
    from clientalytics.clientbase import ClientBase

#: Contract statuses that record a decision of the client.
DECIDED_STATUSES: tuple[str, ...] = ("signed", "active", "expired", "terminated")

#: Columns of :func:`renewal_histories`, with their meaning.
RENEWAL_HISTORY_COLUMNS: dict[str, str] = {
    "client_id": "Client of the spell.",
    "spell": "Number of the spell of continuous coverage of the client (1 = first).",
    "start_date": "Start of the spell's first contract.",
    "renewals": "Renewal decisions the client made in the spell (0 = first term only).",
    "status": "'active' (covered at the observation end), 'pending' (coverage ended "
    "less than max_gap_days before it, a late renewal may come) or 'churned'.",
    "churned": "True when the spell ended in churn, False when it is censored.",
    "current_contract_id": "Contract that defines the latest expiry of the spell.",
    "expiry_date": "Latest scheduled expiry of the spell (NaT for open-ended contracts).",
    "days_to_expiry": "Days from the observation end to the next renewal decision "
    "(negative for a pending or churned spell; for an open-ended contract, to its next "
    "silent renewal).",
    "annual_value": "Annual value of the spell's contracts running at the observation "
    "end (of its last contract for a pending or churned spell).",
    "term_years": "Length of the current contract in years, rounded to whole months "
    "(the period of the renewal model; open_ended_term_days for open-ended contracts).",
    "n_contracts": "Contracts of the spell, parallel ones included.",
    "n_parallel": "Contracts of the spell that ran in parallel (not renewals).",
    "open_ended": "True when the spell ends with an open-ended contract.",
}

_NEEDED = ("contract_id", "client_id", "status", "start_date", "expiry_date")


def _as_days(values: pd.Series) -> NDArray[np.float64]:
    """Datetimes as float days since the epoch (NaN for missing)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values.dt.tz_localize(None) if values.dt.tz is not None else values
    else:
        stamps = pd.to_datetime(values, format="ISO8601")
    out = np.full(len(stamps), np.nan)
    ok = stamps.notna().to_numpy()
    out[ok] = (stamps[ok] - pd.Timestamp("1970-01-01")).dt.total_seconds().to_numpy() / 86400.0
    return out


def _from_days(days: list[float]) -> pd.Series:
    arr = np.asarray(days, dtype=np.float64)
    out = pd.Series(pd.NaT, index=range(len(arr)), dtype="datetime64[ns]")
    ok = np.isfinite(arr)
    out[ok] = pd.Timestamp("1970-01-01") + pd.to_timedelta(np.round(arr[ok] * 86400), unit="s")
    return out


def renewal_histories(
    contracts: pd.DataFrame | ClientBase,
    *,
    observation_end: pd.Timestamp | str | None = None,
    max_gap_days: float = 30.0,
    max_overlap_days: float = 90.0,
    open_ended_term_days: float = 365.0,
) -> pd.DataFrame:
    """Turn a contract registry into one renewal history per client spell.

    Parameters
    ----------
    contracts : pandas.DataFrame or ClientBase
        The contract registry (columns of :data:`clientalytics.schema.CONTRACTS`;
        ``contract_id``, ``client_id``, ``status``, ``start_date`` and
        ``expiry_date`` are needed, ``annual_value`` and ``renewal_of`` are used when
        present), or a :class:`~clientalytics.clientbase.ClientBase`, whose
        ``contracts`` and ``observation_end`` are then used.
    observation_end : timestamp or str, optional
        End of observation; required with a DataFrame.
    max_gap_days : float, default 30
        Longest gap between an expiry and the next contract's start that still
        counts as a (late) renewal rather than a lapse and a return.
    max_overlap_days : float, default 90
        Longest overlap of a new contract with the running one that still counts as
        an (early) renewal rather than a parallel contract.
    open_ended_term_days : float, default 365
        Period of the silent renewals of an open-ended contract.

    Returns
    -------
    pandas.DataFrame
        One row per client spell, ordered by client and spell, with the columns of
        :data:`RENEWAL_HISTORY_COLUMNS`. The module docstring states every rule.

    Raises
    ------
    ValidationError
        When a needed column is missing, the observation end is not given, or an
        expired or terminated contract has no expiry date.

    Examples
    --------
    >>> registry = pd.DataFrame({
    ...     "contract_id": ["A1", "A2", "B1"], "client_id": ["A", "A", "B"],
    ...     "status": ["expired", "active", "expired"],
    ...     "start_date": pd.to_datetime(["2023-01-01", "2024-01-01", "2023-03-01"]),
    ...     "expiry_date": pd.to_datetime(["2024-01-01", "2025-01-01", "2024-03-01"]),
    ... })
    >>> h = renewal_histories(registry, observation_end="2024-06-01")
    >>> h[["client_id", "renewals", "status"]].to_dict("list")
    {'client_id': ['A', 'B'], 'renewals': [1, 0], 'status': ['active', 'churned']}
    """
    frame: Any = contracts
    if not isinstance(contracts, pd.DataFrame):
        frame = contracts.contracts
        if observation_end is None:
            observation_end = contracts.observation_end
    if observation_end is None:
        raise ValidationError(
            "renewal_histories: pass observation_end (the registry alone does not say "
            "until when it was observed)"
        )
    require(frame, "contracts", _NEEDED, hint="pass the contract registry")
    for name, days in (("max_gap_days", max_gap_days), ("max_overlap_days", max_overlap_days)):
        if not np.isfinite(days) or days < 0:
            raise ValidationError(f"{name} must be a finite number >= 0, got {days}")
    if not np.isfinite(open_ended_term_days) or open_ended_term_days <= 0:
        raise ValidationError(f"open_ended_term_days must be > 0, got {open_ended_term_days}")
    end = float(_as_days(pd.Series([pd.Timestamp(observation_end)]))[0])

    status = frame["status"].astype("string").str.lower()
    start_all = _as_days(frame["start_date"])
    keep = (status.isin(DECIDED_STATUSES).fillna(False).to_numpy()) & np.isfinite(start_all)
    data = frame.loc[keep]
    expiry = _as_days(data["expiry_date"])
    stat = status[keep].to_numpy().astype(str)
    bad = ~np.isfinite(expiry) & np.isin(stat, ["expired", "terminated"])
    if bad.any():
        examples = data["contract_id"].astype(str).to_numpy()[bad][:3].tolist()
        raise ValidationError(
            f"contracts: {int(bad.sum())} expired or terminated contract(s) have no "
            f"expiry_date, so their end is unknown, e.g. {examples}; fill expiry_date with the "
            f"date the contract ended",
            table="contracts",
            column="expiry_date",
        )
    order = np.lexsort(
        (np.nan_to_num(expiry, nan=np.inf), start_all[keep], data["client_id"].astype(str))
    )
    client = data["client_id"].astype(str).to_numpy()[order]
    cid = data["contract_id"].astype(str).to_numpy()[order]
    start = start_all[keep][order]
    expiry = expiry[order]
    stat = stat[order]
    value = (
        data["annual_value"].to_numpy(dtype=np.float64, na_value=np.nan)[order]
        if "annual_value" in data.columns
        else np.full(len(order), np.nan)
    )
    link = (
        data["renewal_of"].astype("string").fillna("").to_numpy().astype(str)[order]
        if "renewal_of" in data.columns
        else np.full(len(order), "", dtype=object)
    )
    open_ = ~np.isfinite(expiry)
    expiry = np.where(open_, np.inf, expiry)

    # plain Python lists: the loop below touches every contract once, and scalar
    # arithmetic on Python floats is much faster than on numpy scalars
    starts: list[float] = start.tolist()
    ends: list[float] = expiry.tolist()
    values: list[float] = value.tolist()
    clients: list[str] = client.tolist()
    ids: list[str] = cid.tolist()
    links: list[str] = link.tolist()
    ended: list[bool] = (stat == "terminated").tolist()
    inf = math.inf

    rows: dict[str, list[Any]] = {k: [] for k in RENEWAL_HISTORY_COLUMNS}
    spell_ids: set[str] = set()
    state: dict[str, Any] = {}

    def close(next_starts: bool) -> None:
        e = state["end"]
        cur = state["current"]
        renewals = state["renewals"]
        open_end = e == inf
        if state["terminated"] or next_starts:
            label = "churned"
        elif open_end:
            label = "active"
            renewals += int((end - starts[cur]) // open_ended_term_days)
        elif e > end:
            label = "active"
        elif end - e <= max_gap_days:
            label = "pending"
        else:
            label = "churned"
        annual = values[cur]
        if label == "active":
            running = [values[i] for i in state["members"] if starts[i] <= end < ends[i]]
            known = [v for v in running if not math.isnan(v)]
            if running:
                annual = math.fsum(known) if known else math.nan
        term_days = open_ended_term_days if ends[cur] == inf else ends[cur] - starts[cur]
        rows["client_id"].append(clients[cur])
        rows["spell"].append(state["spell"])
        rows["start_date"].append(state["start"])
        rows["renewals"].append(renewals)
        rows["status"].append(label)
        rows["churned"].append(label == "churned")
        rows["current_contract_id"].append(ids[cur])
        rows["expiry_date"].append(math.nan if open_end else e)
        if open_end:
            since = (end - starts[cur]) % open_ended_term_days
            rows["days_to_expiry"].append(open_ended_term_days - since)
        else:
            rows["days_to_expiry"].append(e - end)
        rows["annual_value"].append(annual)
        rows["term_years"].append(max(round(term_days / 365.25 * 12) / 12, 1 / 12))
        rows["n_contracts"].append(len(state["members"]))
        rows["n_parallel"].append(state["parallel"])
        rows["open_ended"].append(open_end)

    def open_spell(i: int, number: int) -> None:
        spell_ids.clear()
        spell_ids.add(ids[i])
        state.update(
            spell=number,
            start=starts[i],
            end=ends[i],
            current=i,
            renewals=0,
            parallel=0,
            members=[i],
            terminated=ended[i],
        )

    for i in range(len(ids)):
        if i == 0 or clients[i] != clients[i - 1]:
            if i > 0:
                close(next_starts=False)
            open_spell(i, 1)
            continue
        e = state["end"]
        linked = links[i] != "" and links[i] in spell_ids
        if not linked and starts[i] > e + max_gap_days:
            close(next_starts=True)
            open_spell(i, state["spell"] + 1)
            continue
        spell_ids.add(ids[i])
        state["members"].append(i)
        if ends[i] > e and (linked or starts[i] >= e - max_overlap_days):
            state["renewals"] += 1
            state["end"] = ends[i]
            state["current"] = i
            state["terminated"] = ended[i]
        else:
            state["parallel"] += 1
            if ends[i] > e:
                state["end"] = ends[i]
                state["current"] = i
                state["terminated"] = ended[i]
    if ids:
        close(next_starts=False)

    out = pd.DataFrame(
        {
            "client_id": pd.Series(rows["client_id"], dtype=object),
            "spell": np.asarray(rows["spell"], dtype=np.int64),
            "start_date": _from_days(rows["start_date"]),
            "renewals": np.asarray(rows["renewals"], dtype=np.int64),
            "status": pd.Series(rows["status"], dtype=object),
            "churned": np.asarray(rows["churned"], dtype=bool),
            "current_contract_id": pd.Series(rows["current_contract_id"], dtype=object),
            "expiry_date": _from_days(rows["expiry_date"]),
            "days_to_expiry": np.asarray(rows["days_to_expiry"], dtype=np.float64),
            "annual_value": np.asarray(rows["annual_value"], dtype=np.float64),
            "term_years": np.asarray(rows["term_years"], dtype=np.float64),
            "n_contracts": np.asarray(rows["n_contracts"], dtype=np.int64),
            "n_parallel": np.asarray(rows["n_parallel"], dtype=np.int64),
            "open_ended": np.asarray(rows["open_ended"], dtype=bool),
        }
    )
    return out


def cohort_histories(active_counts: ArrayLike) -> pd.DataFrame:
    """Expand the survivor counts of one cohort into weighted renewal histories.

    Parameters
    ----------
    active_counts : array-like
        ``active_counts[0]`` is the cohort size and ``active_counts[t]`` the number
        of clients who made ``t`` renewals (as in
        :meth:`ShiftedBetaGeometricModel.fit`). Must be non-increasing.

    Returns
    -------
    pandas.DataFrame
        Columns ``renewals``, ``churned`` and ``n_clients`` (the weight to pass as
        ``sample_weight``): the clients lost after each number of renewals, and the
        survivors of the last period, censored.
    """
    counts = np.asarray(active_counts, dtype=np.float64).reshape(-1)
    if counts.shape[0] < 2 or not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise ValidationError(
            "active counts: need the cohort size and at least one later period, all finite and >= 0"
        )
    lost = counts[:-1] - counts[1:]
    if np.any(lost < 0):
        raise ValidationError("active counts: a cohort can only shrink")
    n = counts.shape[0] - 1
    return pd.DataFrame(
        {
            "renewals": np.arange(n + 1, dtype=np.int64),
            "churned": np.r_[np.ones(n, dtype=bool), False],
            "n_clients": np.r_[lost, counts[-1]],
        }
    )
