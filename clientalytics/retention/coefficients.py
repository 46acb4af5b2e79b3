"""Retention and churn coefficients per period, for the whole base or per group.

For each reporting period (month, quarter or year) :func:`retention_coefficients`
counts the clients active at the start (S), at the end (E), the new ones (N:
active at the end but not at the start) and the lost ones (active at the start,
not at the end), so that ``S - lost + N = E``. From them:

- customer retention rate ``CRR = (E - N) / S`` and churn rate ``1 - CRR``;
- revenue retention on the clients active at the start that bought in the
  previous period: net (NRR, expansion counts) and gross (GRR, capped at the
  previous revenue of each client);
- the repeat purchase rate: share of the period's buyers who had bought before.

:func:`contract_renewal_rate` gives the share of expiring contracts that were
renewed. Everything can be split by any client column (segment, manager,
typology, region, ...). The aggregation runs in the engine of the transactions
frame; only one row per period and group comes back to pandas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from clientalytics.engine import collect, to_lazy
from clientalytics.periods import (
    CALENDAR_TIME_UNITS,
    MONTHS_PER_PERIOD,
    TimeUnit,
    check_time_unit,
    period_index,
    period_start,
)
from clientalytics.retention.activity import (
    Activity,
    AliveRule,
    active_state,
    attach_group,
    client_months,
    group_map,
    resolve_end_month,
)
from clientalytics.schema import require
from clientalytics.status import ACTIVE_MONTHS

#: Columns of the frame returned by :func:`retention_coefficients`, in order.
COEFFICIENT_COLUMNS = [
    "period",
    "group",
    "clients_start",
    "new",
    "acquired",
    "reactivated",
    "lost",
    "clients_end",
    "retention_rate",
    "churn_rate",
    "revenue_base",
    "revenue_retained",
    "nrr",
    "grr",
    "buyers",
    "repeat_buyers",
    "repeat_purchase_rate",
]


def _count(frame: Any, name: str) -> Any:
    return frame.group_by("group", "period").agg(nw.len().alias(name))


def retention_coefficients(
    transactions: Any,
    *,
    time_unit: TimeUnit = "M",
    activity: Activity = "purchases",
    activity_window: int = ACTIVE_MONTHS,
    contracts: Any = None,
    alive: AliveRule | None = None,
    clients: pd.DataFrame | pd.Series | None = None,
    by: str | None = None,
    observation_end: pd.Timestamp | str | None = None,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
) -> pd.DataFrame:
    """Retention, churn, revenue retention and repeat purchases per period.

    Parameters
    ----------
    transactions : DataFrame-like
        Orders as a pandas, Polars or DuckDB frame (or another frame narwhals
        supports). Negative revenue (credit notes) nets into revenue but is not
        an order.
    time_unit : {"M", "Q", "Y"}
        Reporting period: calendar month, quarter or year.
    activity : {"purchases", "contracts", "alive"}
        Definition of an active client: an order in the last ``activity_window``
        months, a running contract, or a buy-till-you-die model's probability alive
        at least a threshold (see :mod:`clientalytics.retention.activity`).
    activity_window : int, default :data:`clientalytics.status.ACTIVE_MONTHS`
        Months an order keeps a client active (purchases world); the default is
        the library's one definition of an active client.
    contracts : DataFrame-like, optional
        Contracts table; required for ``activity="contracts"``.
    alive : AliveRule, optional
        Fitted model, threshold and time unit; required for ``activity="alive"``.
    clients : DataFrame or Series, optional
        Client attributes (a clients table with ``client_id``, or a Series of
        group labels indexed by client id) used for ``by``.
    by : str, optional
        Column of ``clients`` to split by (segment, manager_id, region,
        behaviour, ...). Clients without a value form the group ``"(missing)"``.
    observation_end : timestamp, optional
        Last observed day; periods are reported up to the last complete one.
    client_col, date_col, revenue_col : str
        Column names in ``transactions``.

    Returns
    -------
    pandas.DataFrame
        One row per period and group (periods where no client was active at the
        start are left out: their rates are undefined), columns:

        - ``period``: first day of the period; ``group``: group label (``"all"``
          without ``by``);
        - ``clients_start`` (S), ``clients_end`` (E): active clients at the start
          and at the end of the period;
        - ``new`` (N): active at the end, not at the start; of them ``acquired``
          made their first ever purchase in the period and ``reactivated`` came back;
        - ``lost``: active at the start, not at the end (``S - lost + N = E``);
        - ``retention_rate``: ``(E - N) / S``; ``churn_rate``: ``lost / S``;
        - ``revenue_base``: previous-period revenue of the clients active at the
          start that bought in the previous period; ``revenue_retained``: their
          revenue in this period;
        - ``nrr``: ``revenue_retained / revenue_base``; ``grr``: the same with each
          client's revenue capped at its previous-period revenue (in [0, 1]). Both
          are NaN only when ``revenue_base`` is zero or negative (nobody active at
          the start bought in the previous period, or credit notes outweigh the
          orders): the ratio is undefined there;
        - ``buyers``: clients with an order in the period; ``repeat_buyers``: those
          who had ordered in an earlier period; ``repeat_purchase_rate``: their share
          (0 when nobody bought).

    Raises
    ------
    ValidationError
        Missing columns or values, unknown ``time_unit`` / ``activity``, a ``by``
        column that is not in ``clients``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"client_id": ["a", "a", "b"],
    ...     "date": pd.to_datetime(["2024-01-05", "2024-02-03", "2024-01-10"]),
    ...     "revenue": [10.0, 12.0, 5.0]})
    >>> r = retention_coefficients(tx, activity_window=1, observation_end="2024-02-29")
    >>> r[["clients_start", "lost", "clients_end", "retention_rate"]].to_numpy().tolist()
    [[2.0, 1.0, 1.0, 0.5]]
    """
    k = int(MONTHS_PER_PERIOD[check_time_unit(time_unit, CALENDAR_TIME_UNITS)])
    lazy = to_lazy(transactions)
    monthly = client_months(lazy, client_col=client_col, date_col=date_col, revenue_col=revenue_col)
    end_month = resolve_end_month(lazy, date_col, observation_end)
    last_period = (end_month + 1) // k - 1
    groups = group_map(clients, by)
    active = active_state(
        lazy,
        monthly,
        activity=activity,
        activity_window=activity_window,
        end_month=end_month,
        contracts=contracts,
        alive=alive,
        client_col=client_col,
        date_col=date_col,
        revenue_col=revenue_col,
    )
    # State at the end of each period: the state at the end of its last month.
    at_end = active.filter((nw.col("month") + 1) % k == 0).select(
        "client_id", ((nw.col("month") + 1) // k - 1).alias("period")
    )
    at_end = attach_group(at_end, groups)
    at_start = at_end.with_columns((nw.col("period") + 1).alias("period"))
    retained = at_end.join(at_start.select("client_id", "period"), on=["client_id", "period"])

    # The monthly table is needed for the activity states anyway: rolling it up to
    # periods is cheaper than a second pass over the transactions.
    per_period = attach_group(
        monthly.with_columns((nw.col("month") // k).alias("period"))
        .group_by("client_id", "period")
        .agg(nw.col("revenue").sum(), nw.col("n_orders").sum()),
        groups,
    )
    first = (
        monthly.filter(nw.col("n_orders") > 0)
        .group_by("client_id")
        .agg(nw.col("month").min().alias("first_month"))
        .select("client_id", (nw.col("first_month") // k).alias("first_period"))
    )
    acquired = at_end.join(first, on="client_id").filter(nw.col("period") == nw.col("first_period"))
    buyers = per_period.filter(nw.col("n_orders") > 0).join(first, on="client_id")
    repeat = buyers.filter(nw.col("period") > nw.col("first_period"))

    previous = per_period.select(
        "client_id",
        (nw.col("period") + 1).alias("period"),
        nw.col("revenue").alias("revenue_prev"),
    ).filter(nw.col("revenue_prev") > 0)
    base = (
        at_start.join(previous, on=["client_id", "period"])
        .join(
            per_period.select("client_id", "period", "revenue"),
            on=["client_id", "period"],
            how="left",
        )
        .with_columns(nw.col("revenue").fill_null(0.0))
        .with_columns(
            nw.min_horizontal(
                nw.max_horizontal(nw.col("revenue"), nw.lit(0.0)), nw.col("revenue_prev")
            ).alias("kept")
        )
        .group_by("group", "period")
        .agg(
            nw.col("revenue_prev").sum().alias("revenue_base"),
            nw.col("revenue").sum().alias("revenue_retained"),
            nw.col("kept").sum().alias("revenue_kept"),
        )
    )
    parts = {
        "clients_start": _count(at_start, "clients_start"),
        "clients_end": _count(at_end, "clients_end"),
        "retained": _count(retained, "retained"),
        "acquired": _count(acquired, "acquired"),
        "buyers": _count(buyers, "buyers"),
        "repeat_buyers": _count(repeat, "repeat_buyers"),
        "revenue": base,
    }
    # one query: the parts are joined in the engine, one row per group and period
    joined = parts["clients_start"].filter(nw.col("period") <= nw.lit(last_period))
    for name, frame in parts.items():
        if name != "clients_start":
            joined = joined.join(frame, on=["group", "period"], how="left")
    out = collect(joined)
    out = out[out["clients_start"] > 0]
    return _finish(out, time_unit)


def _finish(raw: pd.DataFrame, time_unit: TimeUnit) -> pd.DataFrame:
    raw = raw.sort_values(["period", "group"]).reset_index(drop=True)
    counts = ["clients_start", "clients_end", "retained", "acquired", "buyers", "repeat_buyers"]
    for col in counts:
        raw[col] = raw[col].fillna(0).astype("int64")
    for col in ("revenue_base", "revenue_retained", "revenue_kept"):
        raw[col] = raw[col].astype(float).fillna(0.0)
    start = raw["clients_start"]
    new = raw["clients_end"] - raw["retained"]
    base = raw["revenue_base"].where(raw["revenue_base"] > 0)
    buyers = raw["buyers"]
    out = pd.DataFrame(
        {
            "period": period_start(raw["period"].astype("int64"), time_unit),
            "group": raw["group"].astype(str),
            "clients_start": start,
            "new": new,
            "acquired": raw["acquired"],
            "reactivated": new - raw["acquired"],
            "lost": start - raw["retained"],
            "clients_end": raw["clients_end"],
            "retention_rate": raw["retained"] / start,
            "churn_rate": (start - raw["retained"]) / start,
            "revenue_base": raw["revenue_base"],
            "revenue_retained": raw["revenue_retained"],
            "nrr": raw["revenue_retained"] / base,
            "grr": raw["revenue_kept"] / base,
            "buyers": buyers,
            "repeat_buyers": raw["repeat_buyers"],
            "repeat_purchase_rate": (raw["repeat_buyers"] / buyers.where(buyers > 0)).fillna(0.0),
        }
    )
    return out[COEFFICIENT_COLUMNS]


#: Columns of the frame returned by :func:`contract_renewal_rate`, in order.
RENEWAL_COLUMNS = ["period", "group", "expiring", "renewed", "renewal_rate"]


def contract_renewal_rate(
    contracts: Any,
    *,
    time_unit: TimeUnit = "Y",
    clients: pd.DataFrame | pd.Series | None = None,
    by: str | None = None,
    observation_end: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Share of the contracts expiring in each period that were renewed.

    A contract counts as *expiring* in the period of its ``expiry_date`` when that
    date is on or before ``observation_end`` (terminated contracts count at their
    recorded expiry date); it is *renewed* when another contract names it in
    ``renewal_of``.

    Parameters
    ----------
    contracts : DataFrame-like
        Contracts table with ``contract_id``, ``client_id``, ``expiry_date`` and
        ``renewal_of``.
    time_unit : {"M", "Q", "Y"}
        Reporting period.
    clients : DataFrame or Series, optional
        Client attributes for ``by`` (as in :func:`retention_coefficients`).
    by : str, optional
        Client column to split by.
    observation_end : timestamp, optional
        Last observed day; defaults to the latest expiry date.

    Returns
    -------
    pandas.DataFrame
        One row per period and group with at least one expiring contract, columns
        ``period`` (first day), ``group``, ``expiring``, ``renewed`` and
        ``renewal_rate = renewed / expiring``.

    Raises
    ------
    ValidationError
        A required column is missing, or ``time_unit`` is not a calendar unit.
    """
    check_time_unit(time_unit, CALENDAR_TIME_UNITS)
    frame = collect(to_lazy(contracts, table="contracts"))
    require(frame, "contracts", ["contract_id", "client_id", "expiry_date", "renewal_of"])
    dated = frame[frame["expiry_date"].notna()].copy()
    end = (
        pd.Timestamp(observation_end)
        if observation_end is not None
        else pd.Timestamp(dated["expiry_date"].max())
    )
    dated = dated[pd.to_datetime(dated["expiry_date"]) <= end]
    renewed_ids = set(frame["renewal_of"].dropna().astype(str))
    groups = group_map(clients, by)
    dated["group"] = "all"
    if groups is not None:
        mapped = dated["client_id"].astype(str).map(groups.set_index("client_id")["group"])
        dated["group"] = mapped.fillna("(missing)")
    dated["period"] = [period_index(pd.Timestamp(d), time_unit) for d in dated["expiry_date"]]
    dated["renewed"] = dated["contract_id"].astype(str).isin(renewed_ids).astype("int64")
    out = (
        dated.groupby(["period", "group"], as_index=False)
        .agg(expiring=("contract_id", "size"), renewed=("renewed", "sum"))
        .sort_values(["period", "group"])
        .reset_index(drop=True)
    )
    out["period"] = period_start(out["period"].astype("int64"), time_unit)
    out["expiring"] = out["expiring"].astype("int64")
    out["renewed"] = out["renewed"].astype("int64")
    out["renewal_rate"] = out["renewed"] / out["expiring"]
    return out[RENEWAL_COLUMNS]


#: Labels a client by its history before a date: ``segmenter(history, as_of)``
#: returns a Series of group labels indexed by client id, computed only from
#: ``history`` (the orders before the period start) as of ``as_of``.
Segmenter = Callable[[pd.DataFrame, pd.Timestamp], pd.Series]


def rfm_segments_as_of(history: pd.DataFrame, as_of: pd.Timestamp, *, bins: int = 5) -> pd.Series:
    """RFM segments (default 1-5 segment map) from ``history`` alone, as of ``as_of``.

    The default :data:`Segmenter` of :func:`retention_by_start_segment`.
    """
    from clientalytics.segmentation import rfm_scores, rfm_segments

    cost = "variable_cost" if "variable_cost" in history.columns else None
    scores = rfm_scores(history, bins=bins, observation_end=as_of, cost_col=cost)
    return rfm_segments(scores, bins=bins)


def retention_by_start_segment(
    transactions: Any,
    *,
    segmenter: Segmenter | None = None,
    time_unit: TimeUnit = "Y",
    activity_window: int = ACTIVE_MONTHS,
    observation_end: pd.Timestamp | str | None = None,
    last_periods: int | None = None,
) -> pd.DataFrame:
    """Retention per period by the segment each client had at the period's START.

    A segment computed at the end of a period already knows how the period went:
    RFM calls a client who stopped ordering "Hibernating" or "At Risk" and one who
    kept ordering "Champions", so retention judged over that same period by such a
    label is close to 0 % or 100 % by construction. Here each period's clients are
    labelled by ``segmenter`` from the orders *before* the period starts only, and
    that period alone is judged with those labels.

    Parameters
    ----------
    transactions : DataFrame-like
        Orders (``client_id``, ``date``, ``revenue``; ``variable_cost`` optional).
    segmenter : callable, optional
        ``segmenter(history, as_of) -> Series`` of labels by client id, from the
        orders before the period start (``history``), as of the instant just before
        it (``as_of``). Default :func:`rfm_segments_as_of` (RFM segments, 1-5
        scores).
    time_unit : {"M", "Q", "Y"}
        Period judged (default calendar years).
    activity_window : int, default :data:`clientalytics.status.ACTIVE_MONTHS`
        As in :func:`retention_coefficients`.
    observation_end : timestamp, optional
        Last observed day; periods are reported up to the last complete one.
    last_periods : int, optional
        Judge only this many latest periods (default: every period with clients
        active at its start and orders before it).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`retention_coefficients` (:data:`COEFFICIENT_COLUMNS`);
        ``group`` is the segment at the period start. Clients without an order
        before the start (the period's newly acquired) have no segment and are in
        no group's ``clients_start``.
    """
    frame = collect(to_lazy(transactions))
    require(frame, "transactions", ["client_id", "date", "revenue"])
    label = segmenter or rfm_segments_as_of
    dates = pd.to_datetime(frame["date"])
    overall = retention_coefficients(
        frame,
        time_unit=time_unit,
        activity_window=activity_window,
        observation_end=observation_end,
    )
    starts = sorted(overall["period"].unique())
    if last_periods is not None:
        starts = starts[-int(last_periods) :] if last_periods > 0 else []
    parts = []
    for start in starts:
        start = pd.Timestamp(start)
        history = frame[dates < start]
        if history.empty:
            continue
        groups = label(history, start - pd.Timedelta(microseconds=1))
        judged = retention_coefficients(
            frame,
            time_unit=time_unit,
            activity_window=activity_window,
            clients=groups.rename("segment"),
            observation_end=observation_end,
        )
        parts.append(judged[judged["period"] == start])
    if not parts:
        return pd.DataFrame(columns=COEFFICIENT_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return out[COEFFICIENT_COLUMNS].reset_index(drop=True)
