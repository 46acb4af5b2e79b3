"""Allocation of marketing and sales spend to the clients it was spent on.

Acquisition spend of a channel in a period goes, in equal shares, to the clients
that channel acquired from that period until its next acquisition spend;
retention and development spend of a period goes, in equal shares, to the
clients it targeted (the clients on the books in that period, within the target
segment when the line names one).
Money is conserved: every spend line is either allocated in full or reported as
unallocated with the reason, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.marketing._checks import (
    client_ids,
    require_dates,
    require_finite,
    require_no_missing,
    require_non_negative,
)
from clientalytics.periods import TIME_UNITS, TimeUnit, check_time_unit
from clientalytics.schema import require

__all__ = ["SpendAllocation", "allocate_marketing_spend"]

PURPOSES = ("acquisition", "retention", "development")
#: How acquisition spend finds its clients (see :func:`allocate_marketing_spend`).
Attribution = Literal["until_next_spend", "period"]
ATTRIBUTIONS: tuple[str, ...] = ("until_next_spend", "period")


def _until_next_spend(acq_lines: pd.DataFrame, acquired: pd.DataFrame) -> pd.DataFrame:
    """Pair each acquisition line with the clients its channel won from its period on.

    A client acquired by channel c in period q goes with the lines of c in the
    latest period p <= q that has a line of c (all lines of that period).
    """
    if acq_lines.empty or acquired.empty:
        return acq_lines.merge(acquired, on=["period", "channel"])[["line", "client_id"]]
    slots = acq_lines[["channel", "period"]].drop_duplicates()
    slots = slots.assign(ordinal=[p.ordinal for p in slots["period"]]).sort_values("ordinal")
    won = acquired.assign(ordinal=[p.ordinal for p in acquired["period"]]).sort_values("ordinal")
    paired = pd.merge_asof(
        won[["client_id", "channel", "ordinal"]],
        slots[["channel", "ordinal"]].assign(slot=slots["ordinal"]),
        on="ordinal",
        by="channel",
        direction="backward",
    ).dropna(subset=["slot"])
    lines = acq_lines.assign(slot=[p.ordinal for p in acq_lines["period"]])
    paired = paired.assign(slot=paired["slot"].astype("int64"))
    return lines.merge(paired[["client_id", "channel", "slot"]], on=["channel", "slot"])[
        ["line", "client_id"]
    ]


@dataclass(frozen=True)
class SpendAllocation:
    """Result of :func:`allocate_marketing_spend`.

    Attributes
    ----------
    lines : DataFrame
        One row per spend line: ``spend_id``, ``period`` (pandas Period),
        ``channel``, ``purpose``, ``target_segment``, ``targeting`` (``"applied"``
        when the line went only to its target segment, ``"not_matched"`` when its
        target is not one of the segment labels given, so it went to all eligible
        clients, ``"none"`` without a target), ``amount``, ``n_clients``
        (clients that received a share), ``allocated``, ``unallocated`` (the two
        add up to ``amount``) and ``reason`` (why money stayed unallocated; empty
        when none did).
    shares : DataFrame
        One row per client and spend line it received money from: ``client_id``,
        ``spend_id``, ``period``, ``purpose``, ``channel``, ``amount``.
    by_client : DataFrame
        Indexed by ``client_id`` (every client of the clients table): columns
        ``acquisition_spend``, ``retention_spend``, ``development_spend`` and
        ``allocated_marketing`` (their sum).
    """

    lines: pd.DataFrame
    shares: pd.DataFrame
    by_client: pd.DataFrame

    @property
    def total_spend(self) -> float:
        """All money in the spend table (within the window)."""
        return float(self.lines["amount"].sum())

    @property
    def allocated_total(self) -> float:
        """Money allocated to clients."""
        return float(self.lines["allocated"].sum())

    @property
    def unallocated_total(self) -> float:
        """Money that could not be allocated to any client."""
        return float(self.lines["unallocated"].sum())

    @property
    def unallocated(self) -> pd.DataFrame:
        """The spend lines (or parts) left unallocated, with the reason."""
        return self.lines.loc[self.lines["unallocated"] > 0].copy()


def client_segments(segments: pd.Series | str | None, clients: pd.DataFrame) -> pd.Series | None:
    """Return a client_id -> segment label Series from a Series or a clients column.

    Parameters
    ----------
    segments : Series, str or None
        A Series indexed by client_id, or the name of a column of ``clients``.
    clients : DataFrame
        The clients table.

    Returns
    -------
    Series or None
        Labels as strings, indexed by client_id (as strings).
    """
    if segments is None:
        return None
    if isinstance(segments, str):
        require(clients, "clients", ["client_id", segments])
        out = pd.Series(clients[segments].to_numpy(), index=client_ids(clients["client_id"]))
    else:
        out = segments.copy()
        out.index = client_ids(pd.Series(out.index)).to_numpy()
    if out.index.duplicated().any():
        dup = out.index[out.index.duplicated()]
        raise ValidationError(f"segments: {len(dup)} duplicated client_id(s), e.g. {list(dup[:3])}")
    labels = out.astype("string").astype(object)
    labels.index.name = "client_id"
    return labels


def _acquisition_dates(
    clients: pd.DataFrame, first_purchase: pd.Series, acquired_on: str
) -> pd.Series:
    ids = client_ids(clients["client_id"])
    purchase = first_purchase.reindex(ids.to_numpy())
    if acquired_on == "first_purchase":
        dates = purchase
    else:
        contact = pd.Series(clients["first_contact_date"].to_numpy(), index=ids.to_numpy())
        dates = contact.where(contact.notna(), purchase)
    return pd.Series(pd.to_datetime(dates.to_numpy()), index=ids.to_numpy())


def allocate_marketing_spend(
    marketing_spend: pd.DataFrame,
    clients: pd.DataFrame,
    transactions: pd.DataFrame,
    *,
    segments: pd.Series | str | None = None,
    time_unit: TimeUnit = "M",
    acquired_on: Literal["first_contact_date", "first_purchase"] = "first_contact_date",
    attribution: Attribution = "until_next_spend",
) -> SpendAllocation:
    """Allocate each marketing spend line to the clients it was spent on.

    Parameters
    ----------
    marketing_spend : DataFrame
        Columns ``spend_id``, ``period`` (first day of the period), ``channel``,
        ``purpose`` (acquisition / retention / development), ``amount`` and
        optionally ``target_segment``.
    clients : DataFrame
        Columns ``client_id``, ``acquisition_channel`` and ``first_contact_date``.
    transactions : DataFrame
        Columns ``client_id`` and ``date``; they tell when a client was on the books.
    segments : Series or str, optional
        Segment of each client (client_id -> label, or a column of ``clients``).
        Spend lines whose ``target_segment`` is one of these labels then go only
        to clients of that segment. Other targets (e.g. "all clients", or any
        target when no segments are given) are not applied: the line goes to all
        eligible clients and ``lines.targeting`` says ``"not_matched"``.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "M"
        Length of a spend period (see :mod:`clientalytics.periods`).
    acquired_on : {"first_contact_date", "first_purchase"}
        Date at which a client counts as acquired by its channel:
        ``first_contact_date`` (falling back on the first purchase when missing)
        or the first purchase.
    attribution : {"until_next_spend", "period"}, default "until_next_spend"
        Which clients share an acquisition line of channel c in period p: those c
        acquired from p until c's next acquisition spend (``"until_next_spend"``;
        a channel that spends every period, e.g. search ads, then shares a month's
        spend among that month's clients, and an exhibition held twice a year
        among the clients it brings in until the next one), or only those
        acquired in p (``"period"``).

    Returns
    -------
    SpendAllocation
        Lines with allocated and unallocated money, per-client shares, per-client
        totals. ``allocated_total + unallocated_total == total_spend``.

    Notes
    -----
    * Acquisition line (period p, channel c): equal shares to the clients whose
      ``acquisition_channel`` is c and whose acquisition date falls in p (or, with
      ``"until_next_spend"``, from p up to the next period with a line of c).
    * Retention and development lines (period p): equal shares to the clients on
      the books in p, i.e. whose first purchase is on or before the end of p and
      whose last purchase is on or after its start (the channel is not used).
    * A line with no such client stays unallocated, with the reason.
    """
    time_unit = check_time_unit(time_unit, TIME_UNITS)
    spend_cols = ["spend_id", "period", "channel", "purpose", "amount"]
    require(marketing_spend, "marketing_spend", spend_cols)
    require(clients, "clients", ["client_id", "acquisition_channel", "first_contact_date"])
    require(transactions, "transactions", ["client_id", "date"])
    require_no_missing(marketing_spend, "marketing_spend", ["period", "purpose", "channel"])
    require_finite(marketing_spend, "marketing_spend", ["amount"])
    require_non_negative(marketing_spend, "marketing_spend", ["amount"])
    spend = require_dates(marketing_spend, "marketing_spend", ["period"])
    bad_purpose = ~spend["purpose"].astype(str).isin(PURPOSES)
    if bad_purpose.any():
        raise ValidationError(
            f"marketing_spend: column 'purpose' has {int(bad_purpose.sum())} value(s) outside "
            f"{list(PURPOSES)}, e.g. {list(spend.loc[bad_purpose, 'purpose'].unique()[:3])}"
        )
    clients = require_dates(clients, "clients", ["first_contact_date"])
    txn = require_dates(transactions, "transactions", ["date"])
    require_no_missing(txn, "transactions", ["client_id", "date"])
    txn = txn.assign(client_id=client_ids(txn["client_id"]))
    return _allocate(
        spend,
        clients,
        txn,
        labels=client_segments(segments, clients),
        time_unit=time_unit,
        acquired_on=acquired_on,
        attribution=attribution,
    )


def _allocate(
    spend: pd.DataFrame,
    clients: pd.DataFrame,
    txn: pd.DataFrame,
    *,
    labels: pd.Series | None,
    time_unit: TimeUnit,
    acquired_on: str,
    attribution: str = "until_next_spend",
) -> SpendAllocation:
    """Allocate checked tables (dates parsed, client ids as strings); see the public function."""
    if attribution not in ATTRIBUTIONS:
        raise ValidationError(
            f"attribution must be one of {list(ATTRIBUTIONS)}, got {attribution!r}"
        )
    if acquired_on not in ("first_contact_date", "first_purchase"):
        raise ValidationError(
            f"acquired_on must be 'first_contact_date' or 'first_purchase', got {acquired_on!r}"
        )
    ids = client_ids(clients["client_id"])
    first_purchase = txn.groupby("client_id")["date"].min()
    last_purchase = txn.groupby("client_id")["date"].max()

    lines = pd.DataFrame(
        {
            "spend_id": client_ids(spend["spend_id"]).to_numpy(),
            # Kept as a Series so an empty table still has a period dtype to merge on.
            "period": spend["period"].dt.to_period(time_unit).reset_index(drop=True),
            "channel": spend["channel"].astype(str).to_numpy(),
            "purpose": spend["purpose"].astype(str).to_numpy(),
            "target_segment": (
                spend["target_segment"].astype("string").astype(object).to_numpy()
                if "target_segment" in spend.columns
                else np.full(len(spend), None, dtype=object)
            ),
            "amount": spend["amount"].astype("float64").to_numpy(),
        }
    )
    lines["target_segment"] = lines["target_segment"].where(lines["target_segment"].notna(), None)
    known = set(labels.dropna()) if labels is not None else set()
    targeted = lines["target_segment"].isin(known) & lines["target_segment"].notna()
    lines["targeting"] = np.where(
        targeted, "applied", np.where(lines["target_segment"].notna(), "not_matched", "none")
    )

    # Candidates for acquisition lines: (client, period, channel).
    acq_dates = _acquisition_dates(clients, first_purchase, acquired_on)
    acq = pd.DataFrame(
        {
            "client_id": ids.to_numpy(),
            "channel": clients["acquisition_channel"].astype("string").astype(object).to_numpy(),
            "date": acq_dates.to_numpy(),
        }
    )
    acq = acq.loc[acq["date"].notna() & acq["channel"].notna()]
    acq["period"] = acq["date"].dt.to_period(time_unit)

    # Candidates for retention/development lines: clients on the books per period.
    books = pd.DataFrame(
        {
            "client_id": first_purchase.index.to_numpy(),
            "first": first_purchase.dt.to_period(time_unit).to_numpy(),
            "last": last_purchase.reindex(first_purchase.index).dt.to_period(time_unit).to_numpy(),
        }
    )
    books = books.loc[books["client_id"].isin(set(ids))]
    first_ord = np.array([p.ordinal for p in books["first"]], dtype="int64")
    last_ord = np.array([p.ordinal for p in books["last"]], dtype="int64")
    n_periods = last_ord - first_ord + 1
    rep = np.repeat(np.arange(len(books)), n_periods)
    offsets = np.arange(rep.size) - np.repeat(np.cumsum(n_periods) - n_periods, n_periods)
    on_books = pd.DataFrame(
        {
            "client_id": books["client_id"].to_numpy()[rep],
            "period": pd.PeriodIndex.from_ordinals(  # type: ignore[attr-defined]
                first_ord[rep] + offsets, freq=time_unit
            ),
        }
    )

    lines = lines.reset_index(drop=True)
    lines["line"] = np.arange(len(lines))
    acq_lines = lines.loc[lines["purpose"] == "acquisition", ["line", "period", "channel"]]
    ret_lines = lines.loc[lines["purpose"] != "acquisition", ["line", "period"]]
    if attribution == "until_next_spend":
        acq_cand = _until_next_spend(acq_lines, acq[["client_id", "period", "channel"]])
    else:
        acq_cand = acq_lines.merge(
            acq[["client_id", "period", "channel"]], on=["period", "channel"]
        )
    parts = [acq_cand, ret_lines.merge(on_books, on="period")]
    cand = pd.concat(parts, ignore_index=True)[["line", "client_id"]]
    if labels is not None:
        cand["segment"] = labels.reindex(cand["client_id"].to_numpy()).to_numpy()
        applied = targeted.to_numpy()[cand["line"].to_numpy()]
        target = lines["target_segment"].to_numpy()[cand["line"].to_numpy()]
        keep = ~applied | (cand["segment"].to_numpy() == target)
        cand = cand.loc[keep]
    counts = cand.groupby("line").size().reindex(lines["line"], fill_value=0).to_numpy()
    lines["n_clients"] = counts.astype("int64")
    lines["allocated"] = np.where(counts > 0, lines["amount"], 0.0)
    lines["unallocated"] = lines["amount"] - lines["allocated"]
    reasons = np.where(
        lines["purpose"] == "acquisition",
        "no client acquired by this channel in this period"
        + (" or before its next spend" if attribution == "until_next_spend" else ""),
        "no client on the books in this period",
    )
    reasons = np.where(
        targeted, np.char.add(reasons.astype(str), " within the target segment"), reasons
    )
    lines["reason"] = np.where((counts == 0) & (lines["amount"] > 0), reasons, "")

    share = lines["amount"].to_numpy()[cand["line"].to_numpy()] / counts[cand["line"].to_numpy()]
    shares = pd.DataFrame(
        {
            "client_id": cand["client_id"].to_numpy(),
            "spend_id": lines["spend_id"].to_numpy()[cand["line"].to_numpy()],
            "period": lines["period"].to_numpy()[cand["line"].to_numpy()],
            "purpose": lines["purpose"].to_numpy()[cand["line"].to_numpy()],
            "channel": lines["channel"].to_numpy()[cand["line"].to_numpy()],
            "amount": share,
        }
    )
    by_client = (
        shares.pivot_table(
            index="client_id", columns="purpose", values="amount", aggfunc="sum", fill_value=0.0
        )
        .reindex(index=ids.to_numpy(), columns=list(PURPOSES), fill_value=0.0)
        .astype("float64")
    )
    by_client.columns = [f"{p}_spend" for p in PURPOSES]
    by_client.columns.name = None
    by_client.index.name = "client_id"
    by_client["allocated_marketing"] = by_client.sum(axis=1)
    return SpendAllocation(
        lines=lines.drop(columns="line"),
        shares=shares,
        by_client=by_client,
    )
