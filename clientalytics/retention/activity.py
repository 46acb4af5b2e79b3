"""Who is an active client at the end of each month, in both worlds.

A company must say when a client counts as *active* before it can count retained
and lost clients. Three definitions are supported:

- **purchases** (non-contractual world): a client is active at the end of month
  ``m`` when it placed an order in one of the ``activity_window`` months ending
  with ``m`` (``activity_window=3``: an order in ``m``, ``m - 1`` or ``m - 2``).
  The default window is :data:`clientalytics.status.ACTIVE_MONTHS` (twelve
  months), the library's one definition of an active client
  (:mod:`clientalytics.status`) read on calendar months: at a month end, a
  client is active by this rule exactly when :func:`clientalytics.status.client_status`
  calls it new or active at that day, up to the calendar (twelve calendar months
  ending with ``m`` against the 365 days up to its last day). A shorter window is
  a parameter for firms whose clients order more often, not another definition;
- **contracts** (contractual world): a client is active at the end of month ``m``
  while one of its contracts runs on that day (``start_date <= month end <
  expiry_date``);
- **alive** (non-contractual world, model-based): a client is active at the end of
  month ``m`` when a fitted buy-till-you-die model (e.g.
  :class:`clientalytics.clv.BetaGeoModel`) gives it a probability of being alive of
  at least a threshold, computed from its history up to that day (:class:`AliveRule`).
  This is a model-based alternative the caller chooses explicitly; it is never
  a default.

The monthly state is computed inside the engine of the transactions frame (pandas,
Polars, DuckDB, ... through narwhals); coefficients and cohorts built on it run
there too and only per-period results come back to pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import narwhals.stable.v2 as nw
import pandas as pd

from clientalytics.engine import check_complete, collect, to_lazy
from clientalytics.exceptions import ValidationError
from clientalytics.periods import (
    TimeUnit,
    per_client_period,
    period_index,
    period_index_expr,
    period_start,
)
from clientalytics.schema import require
from clientalytics.status import ACTIVE_MONTHS
from clientalytics.summary import summarize

Activity = Literal["purchases", "contracts", "alive"]


@dataclass(frozen=True)
class AliveRule:
    """Model-based activity: alive with probability at least ``threshold`` at month end.

    Parameters
    ----------
    model : fitted transaction model
        Any fitted model with ``probability_alive(summary)``, e.g.
        :class:`clientalytics.clv.BetaGeoModel`, fitted on a summary in ``time_unit``.
    threshold : float
        Smallest probability alive that counts as active (default 0.5).
    time_unit : {"D", "W", "M"}
        Time unit of the summaries the model reads (the one it was fitted in).
    """

    model: Any
    threshold: float = 0.5
    time_unit: TimeUnit = "W"


#: Name of the group column when a grouping value is missing for a client.
MISSING_GROUP = "(missing)"


def like_engine(frame: pd.DataFrame, lazy: Any) -> Any:
    """Move a small pandas ``frame`` into the engine of the narwhals frame ``lazy``.

    The result can be joined with ``lazy``: a Spark frame is created in the session
    of ``lazy``, a DuckDB relation on the connection of ``lazy`` (a relation of
    another connection could not be joined with it).
    """
    impl = lazy.implementation
    wrapped = nw.from_native(frame.reset_index(drop=True))
    if impl.is_pandas():
        return wrapped.lazy()
    try:
        if impl.is_spark_like():
            session = nw.to_native(lazy).sparkSession
            return wrapped.lazy(backend=impl, session=session)
        if impl.is_duckdb():
            return nw.from_native(_duckdb_on_connection_of(nw.to_native(lazy), frame))
        return wrapped.lazy(backend=impl)
    except (ValueError, TypeError, NotImplementedError) as exc:  # pragma: no cover
        raise ValidationError(
            f"cannot join client attributes into a {impl} frame; pass a pandas, Polars "
            "or DuckDB transactions frame"
        ) from exc


def _duckdb_on_connection_of(relation: Any, frame: pd.DataFrame) -> Any:
    """Put ``frame`` into DuckDB on the connection that ``relation`` belongs to.

    DuckDB relations do not expose their connection; a query run on ``relation``
    does run on it, and DuckDB reads the pandas frame named in the query from the
    calling Python scope.
    """
    clientalytics_small_table = frame.reset_index(drop=True)  # noqa: F841 (read by DuckDB)
    return relation.query("clientalytics_base", "SELECT * FROM clientalytics_small_table")


def client_periods(
    lazy: Any, *, time_unit: TimeUnit, client_col: str, date_col: str, revenue_col: str
) -> Any:
    """Lazy frame of revenue and orders per client and period of ``time_unit``, in the engine.

    Columns: ``client_id`` (string), ``period`` (index of
    :func:`~clientalytics.periods.period_index`), ``revenue`` (float, credit notes
    netted), ``n_orders`` (orders with non-negative revenue). Periods with only
    credit notes have ``n_orders == 0``. The input must be checked already.
    """
    per_period = per_client_period(
        lazy,
        client_col=client_col,
        date_col=date_col,
        time_unit=time_unit,
        revenue_col=revenue_col,
    )
    return per_period.with_columns(nw.col("client_id").cast(nw.String()))


def client_months(
    lazy: Any, *, client_col: str, date_col: str, revenue_col: str, table: str = "transactions"
) -> Any:
    """Check the transactions and return :func:`client_periods` of calendar months.

    The period column is named ``month`` (``year * 12 + month - 1``).
    """
    check_complete(lazy, [client_col, date_col, revenue_col], table=table)
    monthly = client_periods(
        lazy, time_unit="M", client_col=client_col, date_col=date_col, revenue_col=revenue_col
    )
    return monthly.rename({"period": "month"})


def _contract_months(contracts: Any, end_month: int, lazy: Any) -> Any:
    """Lazy frame (client_id, month) of months at whose end a contract runs."""
    frame = collect(to_lazy(contracts, table="contracts"))
    require(frame, "contracts", ["client_id", "start_date", "expiry_date"])
    dated = frame.dropna(subset=["start_date", "expiry_date"])
    rows: list[tuple[str, int]] = []
    for client, start, expiry in zip(
        dated["client_id"].astype(str),
        pd.to_datetime(dated["start_date"]),
        pd.to_datetime(dated["expiry_date"]),
        strict=True,
    ):
        first = period_index(start, "M")
        last = min(period_index(expiry, "M"), end_month)
        for month in range(first, last + 1):
            month_end = period_start(month + 1, "M") - pd.Timedelta(days=1)
            if start <= month_end < expiry:
                rows.append((client, month))
    pairs = pd.DataFrame(rows, columns=["client_id", "month"]).drop_duplicates()
    pairs = pairs.astype({"client_id": "str", "month": "int64"})
    return like_engine(pairs, lazy)


def active_months(
    monthly: Any,
    *,
    activity: str,
    activity_window: int,
    end_month: int,
    contracts: Any = None,
) -> Any:
    """Lazy frame (client_id, month) of the months at whose end each client is active.

    Parameters
    ----------
    monthly : narwhals LazyFrame
        Output of :func:`client_months`.
    activity : {"purchases", "contracts"}
        Definition of an active client (see the module docstring).
    activity_window : int
        Months an order keeps a client active (purchases world).
    end_month : int
        Month index of the observation end; later months are not returned.
    contracts : DataFrame-like, optional
        Contracts table, required for ``activity="contracts"``.
    """
    if activity == "contracts":
        if contracts is None:
            raise ValidationError("activity='contracts' needs the contracts table (contracts=...)")
        return _contract_months(contracts, end_month, monthly)
    if activity != "purchases":
        raise ValidationError(
            f"activity must be 'purchases', 'contracts' or 'alive', got {activity!r}"
        )
    if int(activity_window) < 1:
        raise ValidationError(f"activity_window must be at least 1 month, got {activity_window!r}")
    bought = monthly.filter(nw.col("n_orders") > 0).select("client_id", "month")
    shifted = [
        bought.select("client_id", (nw.col("month") + lag).alias("month"))
        for lag in range(int(activity_window))
    ]
    return nw.concat(shifted, how="vertical").unique().filter(nw.col("month") <= nw.lit(end_month))


def _alive_months(
    lazy: Any,
    rule: AliveRule,
    *,
    end_month: int,
    client_col: str,
    date_col: str,
    revenue_col: str,
) -> Any:
    """Lazy frame (client_id, month) of months at whose end the model deems a client alive.

    Each month's summary (history up to that month's end) is computed in the engine;
    only per-client rows come back to score them.
    """
    if not 0.0 < float(rule.threshold) <= 1.0:
        raise ValidationError(f"AliveRule threshold must be in (0, 1], got {rule.threshold!r}")
    if not hasattr(rule.model, "probability_alive"):
        raise ValidationError("AliveRule model must be fitted and have probability_alive()")
    first_row = collect(lazy.select(period_index_expr(date_col, "M").min().alias("m")))
    first = int(first_row["m"].iloc[0])
    parts: list[pd.DataFrame] = []
    for month in range(first, end_month + 1):
        next_start = period_start(month + 1, "M")
        window = lazy.filter(nw.col(date_col) < nw.lit(next_start.to_pydatetime()))
        summary = summarize(
            window,
            client_col=client_col,
            date_col=date_col,
            revenue_col=revenue_col,
            cost_col=None,
            observation_end=next_start - pd.Timedelta(microseconds=1),
            time_unit=rule.time_unit,
        )
        alive = rule.model.probability_alive(summary)
        chosen = alive.index[alive.to_numpy() >= rule.threshold]
        parts.append(pd.DataFrame({"client_id": chosen.astype(str), "month": month}))
    pairs = pd.concat(parts, ignore_index=True).astype({"client_id": "str", "month": "int64"})
    return like_engine(pairs, lazy)


def active_state(
    lazy: Any,
    monthly: Any,
    *,
    activity: str,
    activity_window: int,
    end_month: int,
    contracts: Any = None,
    alive: AliveRule | None = None,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
) -> Any:
    """Lazy frame (client_id, month) of active months under any of the three definitions.

    ``lazy`` is the transactions frame, ``monthly`` its :func:`client_months`;
    ``alive`` is required for ``activity="alive"``. See :func:`active_months` for
    the other arguments.
    """
    if activity == "alive":
        if alive is None:
            raise ValidationError("activity='alive' needs a fitted model: alive=AliveRule(model)")
        return _alive_months(
            lazy,
            alive,
            end_month=end_month,
            client_col=client_col,
            date_col=date_col,
            revenue_col=revenue_col,
        )
    return active_months(
        monthly,
        activity=activity,
        activity_window=activity_window,
        end_month=end_month,
        contracts=contracts,
    )


def group_map(
    clients: pd.DataFrame | pd.Series | None, by: str | None, *, table: str = "clients"
) -> pd.DataFrame | None:
    """Two-column frame ``client_id``, ``group`` from a clients table or a mapping.

    ``clients`` is either a frame with ``client_id`` (column or index) and the
    column ``by``, or a Series indexed by client id. Missing values are labelled
    :data:`MISSING_GROUP`.
    """
    if by is None and not isinstance(clients, pd.Series):
        return None
    if clients is None:
        raise ValidationError(f"grouping by {by!r} needs the clients table (clients=...)")
    if isinstance(clients, pd.Series):
        mapping = clients.rename("group")
        mapping.index = mapping.index.astype(str)
        frame = mapping.rename_axis("client_id").reset_index()
    else:
        data = clients if "client_id" in clients.columns else clients.reset_index()
        if "client_id" not in data.columns:
            raise ValidationError(f"{table}: needs a 'client_id' column or index")
        if by not in data.columns:
            raise ValidationError(
                f"{table}: cannot group by {by!r}; available columns: "
                f"{sorted(map(str, data.columns))}"
            )
        frame = pd.DataFrame({"client_id": data["client_id"].astype(str), "group": data[by]})
    dupes = frame["client_id"].duplicated()
    if dupes.any():
        raise ValidationError(
            f"{table}: {int(dupes.sum())} duplicated client_id value(s), e.g. "
            f"{frame.loc[dupes, 'client_id'].head(3).tolist()}"
        )
    group = frame["group"].astype(object)
    frame["group"] = group.where(group.notna(), MISSING_GROUP).astype(str)
    return frame.astype({"client_id": "str", "group": "str"})


def attach_group(lazy: Any, groups: pd.DataFrame | None) -> Any:
    """Add a ``group`` column to a lazy frame with ``client_id`` (one group when None)."""
    if groups is None:
        return lazy.with_columns(nw.lit("all").alias("group"))
    joined = lazy.join(like_engine(groups, lazy), on="client_id", how="left")
    return joined.with_columns(nw.col("group").fill_null(MISSING_GROUP))


def client_activity(
    transactions: Any,
    *,
    activity: Activity = "purchases",
    activity_window: int = ACTIVE_MONTHS,
    contracts: Any = None,
    alive: AliveRule | None = None,
    observation_end: pd.Timestamp | str | None = None,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
) -> pd.DataFrame:
    """Monthly activity of each client: revenue, orders and whether it is active.

    Parameters
    ----------
    transactions : DataFrame-like
        Orders (pandas, Polars, DuckDB or another narwhals-supported frame).
    activity : {"purchases", "contracts", "alive"}
        Definition of an active client: an order within ``activity_window``
        months, a running contract, or a model's probability alive at least a
        threshold (see :mod:`clientalytics.retention.activity`).
    activity_window : int, default :data:`clientalytics.status.ACTIVE_MONTHS`
        Months an order keeps a client active (purchases world only); the default
        is the library's one definition of an active client.
    contracts : DataFrame-like, optional
        Contracts table (needed for ``activity="contracts"``).
    alive : AliveRule, optional
        Fitted model and threshold (needed for ``activity="alive"``).
    observation_end : timestamp, optional
        Last day observed; defaults to the latest order date.
    client_col, date_col, revenue_col : str
        Column names in ``transactions``.

    Returns
    -------
    pandas.DataFrame
        One row per client and month in which the client ordered or was active,
        sorted by ``client_id`` and ``month``, columns ``client_id``, ``month``
        (first day of the month), ``revenue`` (0 when no order), ``n_orders`` and
        ``active`` (active at the end of the month).
    """
    lazy = to_lazy(transactions)
    monthly = client_months(lazy, client_col=client_col, date_col=date_col, revenue_col=revenue_col)
    end_month = resolve_end_month(lazy, date_col, observation_end)
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
    ).with_columns(nw.lit(1).alias("active"))
    keys = nw.concat(
        [monthly.select("client_id", "month"), active.select("client_id", "month")],
        how="vertical",
    ).unique()
    joined = keys.join(monthly, on=["client_id", "month"], how="left").join(
        active, on=["client_id", "month"], how="left"
    )
    out = collect(joined.filter(nw.col("month") <= nw.lit(end_month)))
    out = out.sort_values(["client_id", "month"]).reset_index(drop=True)
    return pd.DataFrame(
        {
            "client_id": out["client_id"].astype(str),
            "month": period_start(out["month"].astype("int64"), "M"),
            "revenue": out["revenue"].astype(float).fillna(0.0),
            "n_orders": out["n_orders"].fillna(0).astype("int64"),
            "active": out["active"].fillna(0).astype(bool),
        }
    )


def resolve_end_month(lazy: Any, date_col: str, observation_end: Any) -> int:
    """Index of the last whole month observed.

    The month containing ``observation_end`` (default: the latest order date)
    counts only when ``observation_end`` is its last day; otherwise the month
    before is the last complete one.
    """
    if observation_end is None:
        latest = collect(lazy.select(nw.col(date_col).max().alias("latest")))["latest"].iloc[0]
        end = pd.Timestamp(latest)
    else:
        end = pd.Timestamp(observation_end)
    return period_index(end.normalize() + pd.Timedelta(days=1), "M") - 1
