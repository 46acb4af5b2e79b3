"""Cohort tables: what each acquisition cohort does in the periods after it was won.

Clients are grouped by the period of their first purchase (the cohort). For every
later period the table counts the clients of the cohort that bought and the revenue
they brought, as counts and as shares of the cohort size and of the revenue of
the first period. The aggregation runs in the engine of the transactions frame.
"""

from __future__ import annotations

from typing import Any, Literal

import narwhals.stable.v2 as nw
import pandas as pd

from clientalytics.engine import check_complete, collect, to_lazy
from clientalytics.exceptions import ValidationError
from clientalytics.periods import (
    CALENDAR_TIME_UNITS,
    MONTHS_PER_PERIOD,
    TimeUnit,
    check_time_unit,
    period_start,
)
from clientalytics.retention.activity import (
    attach_group,
    client_periods,
    group_map,
    resolve_end_month,
)

#: Columns of the frame returned by :func:`cohort_table`, in order.
COHORT_COLUMNS = [
    "group",
    "cohort",
    "age",
    "period",
    "cohort_size",
    "active_clients",
    "revenue",
    "active_share",
    "revenue_share",
]


def cohort_table(
    transactions: Any,
    *,
    time_unit: TimeUnit = "M",
    clients: pd.DataFrame | pd.Series | None = None,
    by: str | None = None,
    observation_end: pd.Timestamp | str | None = None,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
) -> pd.DataFrame:
    """Active clients and revenue per acquisition cohort and period since acquisition.

    Parameters
    ----------
    transactions : DataFrame-like
        Orders as a pandas, Polars or DuckDB frame (or another narwhals frame).
    time_unit : {"M", "Q", "Y"}
        Period of the cohorts and of the ages.
    clients : DataFrame or Series, optional
        Client attributes for ``by`` (see
        :func:`~clientalytics.retention.retention_coefficients`).
    by : str, optional
        Client column to split the cohorts by.
    observation_end : timestamp, optional
        Last observed day; periods up to the last complete one are kept.
    client_col, date_col, revenue_col : str
        Column names in ``transactions``.

    Returns
    -------
    pandas.DataFrame
        Long table, one row per group, cohort and age (every age from 0 to the last
        observed period, zero-filled), sorted, columns:

        - ``group``: group label (``"all"`` without ``by``);
        - ``cohort``: first day of the period of the first purchase;
        - ``age``: whole periods since the cohort period (0 = acquisition period);
        - ``period``: first day of the period described;
        - ``cohort_size``: clients acquired in the cohort period;
        - ``active_clients``: clients of the cohort with an order in the period;
        - ``revenue``: their revenue in the period (credit notes netted);
        - ``active_share``: ``active_clients / cohort_size``;
        - ``revenue_share``: revenue relative to the cohort's age-0 revenue (0 when
          the age-0 revenue is not positive).

    Raises
    ------
    ValidationError
        Missing columns or values, unknown ``time_unit``, a bad ``by``.
    """
    k = int(MONTHS_PER_PERIOD[check_time_unit(time_unit, CALENDAR_TIME_UNITS)])
    lazy = to_lazy(transactions)
    check_complete(lazy, [client_col, date_col, revenue_col])
    last_period = (resolve_end_month(lazy, date_col, observation_end) + 1) // k - 1
    per_period = client_periods(
        lazy, time_unit=time_unit, client_col=client_col, date_col=date_col, revenue_col=revenue_col
    )
    first = (
        per_period.filter(nw.col("n_orders") > 0)
        .group_by("client_id")
        .agg(nw.col("period").min().alias("cohort"))
    )
    first = attach_group(first, group_map(clients, by))
    sizes = collect(first.group_by("group", "cohort").agg(nw.len().alias("cohort_size")))
    cells = collect(
        per_period.join(first, on="client_id")
        .with_columns((nw.col("n_orders") > 0).cast(nw.Int64()).alias("bought"))
        .group_by("group", "cohort", "period")
        .agg(
            nw.col("bought").sum().alias("active_clients"),
            nw.col("revenue").sum(),
        )
    )
    sizes = sizes[sizes["cohort"] <= last_period]
    if sizes.empty:
        raise ValidationError("transactions: no complete period with a first purchase")
    grid = [
        (g, c, p)
        for g, c in zip(sizes["group"], sizes["cohort"].astype(int), strict=True)
        for p in range(c, last_period + 1)
    ]
    out = pd.DataFrame(grid, columns=["group", "cohort", "period"])
    out = out.merge(sizes, on=["group", "cohort"], how="left").merge(
        cells, on=["group", "cohort", "period"], how="left"
    )
    out["active_clients"] = out["active_clients"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].astype(float).fillna(0.0)
    out["cohort_size"] = out["cohort_size"].astype("int64")
    out = out.sort_values(["group", "cohort", "period"]).reset_index(drop=True)
    age0 = out.groupby(["group", "cohort"])["revenue"].transform("first")
    return pd.DataFrame(
        {
            "group": out["group"].astype(str),
            "cohort": period_start(out["cohort"].astype("int64"), time_unit),
            "age": (out["period"] - out["cohort"]).astype("int64"),
            "period": period_start(out["period"].astype("int64"), time_unit),
            "cohort_size": out["cohort_size"],
            "active_clients": out["active_clients"],
            "revenue": out["revenue"],
            "active_share": out["active_clients"] / out["cohort_size"],
            "revenue_share": (out["revenue"] / age0.where(age0 > 0)).fillna(0.0),
        }
    )[COHORT_COLUMNS]


def cohort_matrix(
    cohorts: pd.DataFrame,
    *,
    value: Literal["active_share", "active_clients", "revenue", "revenue_share"] = "active_share",
    group: str | None = None,
) -> pd.DataFrame:
    """Pivot a :func:`cohort_table` into a cohort x age matrix (for heatmaps).

    Parameters
    ----------
    cohorts : pandas.DataFrame
        Output of :func:`cohort_table`.
    value : str
        Column shown in the cells.
    group : str, optional
        Group to show; required when the table has several groups.

    Returns
    -------
    pandas.DataFrame
        Rows are cohorts (first day of the period), columns ages 0, 1, ...; cells
        of ages not yet observed for a cohort are NaN (the lower-right triangle).
    """
    if value not in cohorts.columns:
        raise ValidationError(f"cohort table has no column {value!r}")
    groups = cohorts["group"].unique()
    if group is None:
        if len(groups) > 1:
            raise ValidationError(
                f"the cohort table has {len(groups)} groups; pick one with group=..., e.g. "
                f"{list(groups[:3])}"
            )
        group = str(groups[0])
    rows = cohorts[cohorts["group"] == group]
    if rows.empty:
        raise ValidationError(f"no cohort rows for group {group!r}; groups: {list(groups[:5])}")
    return rows.pivot(index="cohort", columns="age", values=value)
