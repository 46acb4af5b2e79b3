"""Receivables: what clients owe on a date, how overdue it is, and how they pay.

The director's word in a Russian firm is *дебиторская задолженность* (1C's
receivables report), and a payment after its due date is *просрочка*. Every
function here reads the ``invoices`` table (see ``docs/data-model.md``) as of a
date ``at`` and returns a table with documented columns:

- :func:`receivables_aging`: the open amount in buckets of days overdue (not yet
  due, 1-30, 31-60, 61-90, over 90), per client or in total;
- :func:`days_sales_outstanding`: open receivables over the credit sales of the
  last ``days`` days, times ``days`` (DSO);
- :func:`payment_discipline`: per client, how many invoices were paid late and by
  how many days, the DSO and the overdue amount.

**What is open at ``at``.** An invoice counts once it is issued (``issued_date`` on
or before ``at``). It is closed from its ``paid_date`` on: an invoice paid after
``at`` is open at ``at`` for its whole amount. An invoice without a ``paid_date`` is
open for ``amount - paid_amount``; ``paid_amount`` carries no date, so a part
payment is taken as made by ``at``. A set ``paid_date`` means paid in full, whatever
``paid_amount`` says. An invoice is overdue on the days after its ``due_date``: one
due on ``at``'s day is not yet due. Amounts are as billed, VAT included.

Every function first checks the table with :func:`clientalytics.validation.validate`
in strict mode, so a paid amount above the billed amount, a due date before the
issue date or a missing amount raises :class:`~clientalytics.exceptions.ValidationError`
naming the column, the number of rows and examples. The clients table is not
consulted: an invoice dated before the client's first recorded contact is fine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.periods import naive_utc
from clientalytics.validation import validate

__all__ = [
    "AGING_BUCKETS",
    "DSO_DAYS",
    "days_sales_outstanding",
    "payment_discipline",
    "receivables_aging",
]

#: Columns of the aging buckets, in order: not yet due, then days overdue.
AGING_BUCKETS: tuple[str, ...] = (
    "not_due",
    "overdue_1_30",
    "overdue_31_60",
    "overdue_61_90",
    "overdue_over_90",
)

#: Default window of the days sales outstanding, in days.
DSO_DAYS = 90

_EDGES = (0, 30, 60, 90)


def _moment(at: pd.Timestamp | str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(at)
    except (TypeError, ValueError):
        raise ValidationError(f"at must be a date such as '2025-12-31', got {at!r}") from None
    if pd.isna(stamp):
        raise ValidationError(f"at must be a date such as '2025-12-31', got {at!r}")
    return naive_utc(stamp)


def _checked(invoices: pd.DataFrame) -> pd.DataFrame:
    """Return the invoices as the validator types them; raise on any bad row."""
    if not isinstance(invoices, pd.DataFrame):
        raise ValidationError(
            f"invoices: expected a pandas DataFrame, got {type(invoices).__name__}"
        )
    frame = validate(invoices, "invoices", mode="strict", allow_empty=True).frame
    out = frame.copy()
    out["client_id"] = out["client_id"].astype(str)
    return out


def _state(invoices: pd.DataFrame, at: pd.Timestamp) -> pd.DataFrame:
    """Invoices issued by ``at`` with their open amount and days overdue at ``at``."""
    issued = invoices[invoices["issued_date"] <= at].copy()
    paid = issued["paid_date"].notna().to_numpy() & (issued["paid_date"] <= at).to_numpy()
    amount = issued["amount"].to_numpy(dtype=float)
    part = issued["paid_amount"].fillna(0.0).to_numpy(dtype=float)
    unpaid = issued["paid_date"].isna().to_numpy()
    # Paid by at: nothing open. Paid after at: the whole amount was open at at (the
    # part payments carry no date). Never fully paid: what is left after part payments.
    issued["open_amount"] = np.where(paid, 0.0, np.where(unpaid, amount - part, amount))
    due = issued["due_date"].dt.normalize()
    issued["days_overdue"] = (at.normalize() - due).dt.days.astype("int64")
    issued["is_paid"] = paid
    return issued


def _totals(rows: pd.DataFrame, by_client: bool) -> pd.DataFrame:
    """Sum ``rows`` per client (sorted, indexed by ``client_id``) or into one ``total`` row."""
    if by_client:
        out = rows.groupby("client_id", sort=True).sum()
        out.index.name = "client_id"
        return out
    return rows.drop(columns="client_id").sum().to_frame("total").T


def _check_days(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int | np.integer) or days < 1:
        raise ValidationError(f"days must be a positive whole number of days, got {days!r}")
    return int(days)


def _dso(state: pd.DataFrame, moment: pd.Timestamp, days: int, by_client: bool) -> pd.DataFrame:
    """Receivables, credit sales of the last ``days`` days and DSO, from :func:`_state`."""
    recent = state["issued_date"] > moment - pd.Timedelta(days=days)
    rows = pd.DataFrame(
        {
            "client_id": state["client_id"],
            "receivables": state["open_amount"],
            "credit_sales": state["amount"].astype(float).where(recent, 0.0),
        },
        index=state.index,
    )
    out = _totals(rows, by_client).astype(float)
    out["dso"] = out["receivables"] / out["credit_sales"].where(out["credit_sales"] > 0) * days
    return out


def _bucket_amounts(state: pd.DataFrame) -> pd.DataFrame:
    days = state["days_overdue"].to_numpy()
    open_ = state["open_amount"].to_numpy()
    masks = [
        days <= _EDGES[0],
        (days > _EDGES[0]) & (days <= _EDGES[1]),
        (days > _EDGES[1]) & (days <= _EDGES[2]),
        (days > _EDGES[2]) & (days <= _EDGES[3]),
        days > _EDGES[3],
    ]
    return pd.DataFrame(
        {name: np.where(m, open_, 0.0) for name, m in zip(AGING_BUCKETS, masks, strict=True)},
        index=state.index,
    )


_AGING_COLUMNS = [
    "n_invoices",
    "n_open",
    "billed",
    "open_amount",
    *AGING_BUCKETS,
    "overdue_amount",
    "overdue_share",
]


def receivables_aging(
    invoices: pd.DataFrame,
    *,
    at: pd.Timestamp | str,
    by_client: bool = True,
) -> pd.DataFrame:
    """Open receivables at ``at`` in buckets of days overdue.

    Parameters
    ----------
    invoices : pandas.DataFrame
        The ``invoices`` table (raw or validated; it is checked first).
    at : timestamp or str
        The date the receivables are taken at.
    by_client : bool
        One row per client (default) or one row for the whole firm.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id`` (clients with an invoice issued by ``at``, the
        largest open amount first, then by id), or by the single label ``"total"``.
        Columns:

        - ``n_invoices``: invoices issued by ``at``;
        - ``n_open``: of them, invoices with an open amount above zero at ``at``;
        - ``billed``: their total amount;
        - ``open_amount``: the amount open at ``at`` (at most ``billed``);
        - ``not_due``, ``overdue_1_30``, ``overdue_31_60``, ``overdue_61_90``,
          ``overdue_over_90``: the open amount by days past the due date (not yet
          due, 1-30, ...); they add up to ``open_amount``;
        - ``overdue_amount``: the open amount past its due date (the four overdue
          buckets);
        - ``overdue_share``: ``overdue_amount / open_amount`` (NaN when nothing is
          open).

        The total row also has ``n_clients`` (clients billed by ``at``) and
        ``n_debtors`` (clients with an open amount).

    Raises
    ------
    ValidationError
        When the table breaks its contract (the message names the column, the row
        count and examples) or ``at`` is not a date.

    Examples
    --------
    >>> import pandas as pd
    >>> invoices = pd.DataFrame({
    ...     "invoice_id": ["1", "2"], "client_id": ["C1", "C1"],
    ...     "issued_date": ["2025-01-10", "2025-03-01"],
    ...     "due_date": ["2025-02-09", "2025-03-31"], "amount": [1000.0, 500.0]})
    >>> aging = receivables_aging(invoices, at="2025-03-15")
    >>> aging.loc["C1", ["open_amount", "not_due", "overdue_31_60"]].tolist()
    [1500.0, 500.0, 1000.0]
    """
    moment = _moment(at)
    state = _state(_checked(invoices), moment)
    buckets = _bucket_amounts(state)
    rows = pd.DataFrame(
        {
            "client_id": state["client_id"],
            "n_invoices": 1,
            "n_open": (state["open_amount"] > 0).astype("int64"),
            "billed": state["amount"].astype(float),
            "open_amount": state["open_amount"],
        },
        index=state.index,
    ).join(buckets)
    rows["overdue_amount"] = buckets[list(AGING_BUCKETS[1:])].sum(axis=1)
    out = _totals(rows, by_client)
    out["overdue_share"] = out["overdue_amount"] / out["open_amount"].where(out["open_amount"] > 0)
    out = out[_AGING_COLUMNS]
    out[["n_invoices", "n_open"]] = out[["n_invoices", "n_open"]].astype("int64")
    if by_client:
        order = np.lexsort((out.index.to_numpy(dtype=str), -out["open_amount"].to_numpy()))
        return out.iloc[order]
    per_client = rows.groupby("client_id")["open_amount"].sum()
    out.insert(0, "n_debtors", int((per_client > 0).sum()))
    out.insert(0, "n_clients", int(rows["client_id"].nunique()))
    return out


def days_sales_outstanding(
    invoices: pd.DataFrame,
    *,
    at: pd.Timestamp | str,
    days: int = DSO_DAYS,
    by_client: bool = True,
) -> pd.DataFrame:
    """Days sales outstanding (DSO) at ``at``: receivables / credit sales x days.

    Parameters
    ----------
    invoices : pandas.DataFrame
        The ``invoices`` table (raw or validated; it is checked first).
    at : timestamp or str
        The date the receivables are taken at.
    days : int
        Length of the window of credit sales: invoices issued after ``at - days``
        and on or before ``at`` (90 by default).
    by_client : bool
        One row per client (default) or one row for the whole firm.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id`` (clients with an invoice issued by ``at``, sorted by
        id) or by ``"total"``. Columns:

        - ``receivables``: the amount open at ``at`` (all invoices, however old);
        - ``credit_sales``: the amount billed in the window;
        - ``dso``: ``receivables / credit_sales * days``, in days; NaN when nothing
          was billed in the window (undefined, not zero: old debt may still be open).

    Raises
    ------
    ValidationError
        When the table breaks its contract, ``at`` is not a date or ``days`` is not
        a positive whole number.

    Examples
    --------
    >>> import pandas as pd
    >>> invoices = pd.DataFrame({
    ...     "invoice_id": ["1", "2"], "client_id": ["C1", "C1"],
    ...     "issued_date": ["2025-01-10", "2025-03-01"],
    ...     "due_date": ["2025-02-09", "2025-03-31"], "amount": [1000.0, 500.0],
    ...     "paid_date": ["2025-02-20", None]})
    >>> days_sales_outstanding(invoices, at="2025-03-31", days=90).loc["C1"].tolist()
    [500.0, 1500.0, 30.0]
    """
    window = _check_days(days)
    moment = _moment(at)
    return _dso(_state(_checked(invoices), moment), moment, window, by_client)


_DISCIPLINE_COLUMNS = [
    "n_invoices",
    "n_paid",
    "n_paid_late",
    "late_share",
    "mean_days_late",
    "open_amount",
    "overdue_amount",
    "max_days_overdue",
    "dso",
]


def payment_discipline(
    invoices: pd.DataFrame,
    *,
    at: pd.Timestamp | str,
    days: int = DSO_DAYS,
) -> pd.DataFrame:
    """How each client pays: late payments, days late, DSO and overdue debt at ``at``.

    Parameters
    ----------
    invoices : pandas.DataFrame
        The ``invoices`` table (raw or validated; it is checked first).
    at : timestamp or str
        The date the payments are looked at: invoices issued and paid by then.
    days : int
        Window of the DSO (see :func:`days_sales_outstanding`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``client_id`` (clients with an invoice issued by ``at``), the
        largest overdue amount first, then by id. Columns:

        - ``n_invoices``: invoices issued by ``at``;
        - ``n_paid``: of them, paid in full by ``at``;
        - ``n_paid_late``: of the paid ones, paid after their due date (on a later day);
        - ``late_share``: ``n_paid_late / n_paid`` (NaN without paid invoices);
          open invoices are not in it, see ``overdue_amount``;
        - ``mean_days_late``: mean days from due date to payment over the paid
          invoices, an invoice paid on time counting 0 (NaN without paid invoices);
        - ``open_amount``: the amount open at ``at``;
        - ``overdue_amount``: the part of it past its due date;
        - ``max_days_overdue``: days past the due date of the oldest overdue open
          invoice (0 when none is overdue);
        - ``dso``: the client's days sales outstanding over the last ``days`` days.

    Raises
    ------
    ValidationError
        When the table breaks its contract, ``at`` is not a date or ``days`` is not
        a positive whole number.
    """
    window = _check_days(days)
    moment = _moment(at)
    # the table is validated once; the DSO comes from the same state
    state = _state(_checked(invoices), moment)
    dso = _dso(state, moment, window, by_client=True)
    late = state["paid_date"].dt.normalize() - state["due_date"].dt.normalize()
    late_days = late.dt.days.clip(lower=0)
    paid = state["is_paid"]
    open_ = state["open_amount"] > 0
    overdue = open_ & (state["days_overdue"] > 0)
    rows = pd.DataFrame(
        {
            "client_id": state["client_id"],
            "n_invoices": 1,
            "n_paid": paid.astype("int64"),
            "n_paid_late": (paid & (late_days > 0)).astype("int64"),
            "days_late": late_days.where(paid),
            "open_amount": state["open_amount"],
            "overdue_amount": state["open_amount"].where(overdue, 0.0),
            "max_days_overdue": state["days_overdue"].where(overdue, 0),
        },
        index=state.index,
    )
    grouped = rows.groupby("client_id", sort=True)
    out = grouped[["n_invoices", "n_paid", "n_paid_late", "open_amount", "overdue_amount"]].sum()
    out["mean_days_late"] = grouped["days_late"].mean()
    out["max_days_overdue"] = grouped["max_days_overdue"].max().astype("int64")
    out["late_share"] = out["n_paid_late"] / out["n_paid"].where(out["n_paid"] > 0)
    out["dso"] = dso["dso"].reindex(out.index)
    out = out[_DISCIPLINE_COLUMNS]
    out.index.name = "client_id"
    order = np.lexsort((out.index.to_numpy(dtype=str), -out["overdue_amount"].to_numpy()))
    return out.iloc[order]
