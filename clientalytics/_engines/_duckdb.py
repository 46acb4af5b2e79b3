"""DuckDB plan of the per-client summary: one SQL query on the input relation.

The query groups the rows by (client, period), then the periods by client, and
computes every summary column in the second group-by with ``FILTER`` clauses
and ``arg_min`` (the revenue of the first purchase period), so DuckDB runs two
hash aggregations and nothing else: no window, no join. The period of a row is
its date truncated to the day, the Monday of its week or the first of its month;
period indexes are taken of the per-client first and last periods only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clientalytics.periods import TimeUnit

#: DuckDB date types the plan reads; other types (time-zone aware timestamps) take
#: the engine-generic plan.
_DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(moment: pd.Timestamp) -> str:
    return f"TIMESTAMP '{moment.isoformat(sep=' ')}'"


def _period(date: str, time_unit: TimeUnit) -> str:
    if time_unit == "D":
        return f"CAST({date} AS DATE)"
    unit = "week" if time_unit == "W" else "month"
    return f"CAST(date_trunc('{unit}', {date}) AS DATE)"


def _index(period: str, time_unit: TimeUnit) -> str:
    """Period index (as :func:`clientalytics.periods.period_index`) of a period's first day."""
    if time_unit == "D":
        return f"({period} - DATE '1970-01-01')"
    if time_unit == "W":
        # Mondays differ from Monday 1969-12-29 (the start of week 0) by whole weeks.
        return f"(({period} - DATE '1969-12-29') // 7)"
    return f"(year({period}) * 12 + month({period}) - 1)"


def _date_type(relation: Any, date_col: str) -> str | None:
    types = dict(zip(relation.columns, (str(t) for t in relation.types), strict=True))
    return types.get(date_col)


def supports(relation: Any, date_col: str) -> bool:
    """Whether the date column has a type the SQL plan reads."""
    return _date_type(relation, date_col) in _DATE_TYPES


def summary(
    relation: Any,
    *,
    client_col: str,
    date_col: str,
    revenue_col: str,
    cost_col: str | None,
    time_unit: TimeUnit,
    end: pd.Timestamp,
    until: pd.Timestamp | None = None,
) -> Any:
    """Relation of the per-client summary columns (``client_id`` first), not yet run."""
    client, date, revenue = _quote(client_col), _quote(date_col), _quote(revenue_col)
    cost = f"CAST({_quote(cost_col)} AS DOUBLE)" if cost_col is not None else "0.0"
    where = f"WHERE {date} <= {_literal(until)}" if until is not None else ""
    first, last = _index("first_period", time_unit), _index("last_period", time_unit)
    end_index = _index(f"DATE '{end.date().isoformat()}'", time_unit)
    # Dates come back as timestamps; timestamps keep their resolution.
    as_moment = "AS TIMESTAMP" if _date_type(relation, date_col) == "DATE" else ""
    first_purchase = f"CAST(first_purchase {as_moment})" if as_moment else "first_purchase"
    last_purchase = f"CAST(last_purchase {as_moment})" if as_moment else "last_purchase"
    sql = f"""
    WITH per_period AS (
        SELECT {client} AS client_id, {_period(date, time_unit)} AS period,
               sum(CAST({revenue} AS DOUBLE)) AS revenue,
               count(*) FILTER (WHERE {revenue} >= 0) AS n_orders,
               sum({cost}) AS cost,
               min({date}) AS first_date, max({date}) AS last_date
        FROM input_rows {where}
        GROUP BY ALL
    ), per_client AS (
        SELECT client_id,
               min(period) FILTER (WHERE n_orders > 0) AS first_period,
               max(period) FILTER (WHERE n_orders > 0) AS last_period,
               count(*) FILTER (WHERE n_orders > 0) AS n_periods,
               CAST(sum(n_orders) AS BIGINT) AS n_orders,
               min(first_date) FILTER (WHERE n_orders > 0) AS first_purchase,
               max(last_date) FILTER (WHERE n_orders > 0) AS last_purchase,
               sum(revenue) AS total_revenue,
               sum(cost) AS total_cost,
               sum(revenue) FILTER (WHERE n_orders > 0)
                 - arg_min(revenue, period) FILTER (WHERE n_orders > 0) AS repeat_revenue
        FROM per_period
        GROUP BY client_id
        HAVING count(*) FILTER (WHERE n_orders > 0) > 0
    )
    SELECT CAST(client_id AS VARCHAR) AS client_id,
           n_periods - 1 AS frequency,
           CAST({last} - {first} AS DOUBLE) AS recency,
           CAST({end_index} - {first} AS DOUBLE) AS "T",
           CASE WHEN n_periods > 1 THEN repeat_revenue / (n_periods - 1) ELSE 0.0 END
             AS monetary_value,
           n_orders,
           total_revenue,
           total_revenue - total_cost AS total_margin,
           (total_revenue - total_cost) / n_periods AS mean_margin,
           {first_purchase} AS first_purchase,
           {last_purchase} AS last_purchase,
           CAST(DATE '{end.date().isoformat()}' - CAST(last_purchase AS DATE) AS BIGINT)
             AS days_since_last_purchase
    FROM per_client
    """
    return relation.query("input_rows", sql)


def holdout(
    relation: Any,
    *,
    client_col: str,
    date_col: str,
    revenue_col: str,
    time_unit: TimeUnit,
    after: pd.Timestamp,
) -> Any:
    """Relation of purchase periods and mean revenue per purchase period after ``after``."""
    client, date, revenue = _quote(client_col), _quote(date_col), _quote(revenue_col)
    sql = f"""
    SELECT CAST(client_id AS VARCHAR) AS client_id, frequency_holdout, monetary_value_holdout
    FROM (
        SELECT {client} AS client_id,
               count(DISTINCT {_period(date, time_unit)}) AS frequency_holdout,
               sum(CAST({revenue} AS DOUBLE))
                   / count(DISTINCT {_period(date, time_unit)}) AS monetary_value_holdout
        FROM input_rows
        WHERE {date} > {_literal(after)} AND {revenue} >= 0
        GROUP BY {client}
    )
    """
    return relation.query("input_rows", sql)
