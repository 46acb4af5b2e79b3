"""Benchmark: summarize in each engine against a hand-written query in the same engine.

For every engine the same generated transactions are loaded once (a DuckDB
in-memory table, a Polars DataFrame, a cached Spark DataFrame, a pandas frame)
and two calls are timed in turn, several times, in one process:

- ``summarize`` (or ``calibration_holdout_split``) on the engine's frame;
- a hand-written query in that engine (DuckDB SQL, a Polars lazy query, Spark
  SQL) computing the same per-client columns and returning them as pandas.

The ratio is ours / hand-written per pair; the median over the pairs is
reported (below 1.25 meets the target). The hand-written queries are written
here, apart from the library, the way an analyst would write them: one group-by
per (client, period), one per client. Results are compared before timing.

Usage::

    python benchmarks/bench_engines.py --rows 1e7 --engines duckdb polars pandas --repeats 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

#: Observation end of the generated data (three years from 2023-01-01).
OBSERVATION_END = "2025-12-31"
CALIBRATION_END = "2025-06-30"
TARGET = 1.25

# --------------------------------------------------------------------------- DuckDB SQL

_DUCK_PERIOD = {
    "D": "CAST(date AS DATE)",
    "W": "CAST(date_trunc('week', date) AS DATE)",
    "M": "CAST(date_trunc('month', date) AS DATE)",
}
_DUCK_INDEX = {
    "D": "({p} - DATE '1970-01-01')",
    "W": "(({p} - DATE '1969-12-29') // 7)",
    "M": "(year({p}) * 12 + month({p}) - 1)",
}


def duckdb_sql(unit: str, end: str, table: str = "tx", where: str = "") -> str:
    """The hand-written DuckDB query of the summary columns."""
    first = _DUCK_INDEX[unit].format(p="first_p")
    last = _DUCK_INDEX[unit].format(p="last_p")
    end_index = _DUCK_INDEX[unit].format(p=f"DATE '{end}'")
    return f"""
    WITH p AS (
      SELECT client_id, {_DUCK_PERIOD[unit]} AS period, sum(revenue) AS revenue,
             count(*) FILTER (WHERE revenue >= 0) AS orders, sum(variable_cost) AS cost,
             min(date) AS first_date, max(date) AS last_date
      FROM {table} {where} GROUP BY ALL
    ), c AS (
      SELECT client_id,
             min(period) FILTER (WHERE orders > 0) AS first_p,
             max(period) FILTER (WHERE orders > 0) AS last_p,
             count(*) FILTER (WHERE orders > 0) AS n,
             sum(orders) AS n_orders,
             min(first_date) FILTER (WHERE orders > 0) AS first_purchase,
             max(last_date) FILTER (WHERE orders > 0) AS last_purchase,
             sum(revenue) AS total_revenue, sum(cost) AS total_cost,
             sum(revenue) FILTER (WHERE orders > 0)
               - arg_min(revenue, period) FILTER (WHERE orders > 0) AS repeat_revenue
      FROM p GROUP BY client_id HAVING n > 0
    )
    SELECT client_id, n - 1 AS frequency, {last} - {first} AS recency,
           {end_index} - {first} AS "T",
           CASE WHEN n > 1 THEN repeat_revenue / (n - 1) ELSE 0 END AS monetary_value,
           n_orders, total_revenue, total_revenue - total_cost AS total_margin,
           (total_revenue - total_cost) / n AS mean_margin, first_purchase, last_purchase,
           DATE '{end}' - CAST(last_purchase AS DATE) AS days_since_last_purchase
    FROM c ORDER BY client_id
    """


def duckdb_split_sql(unit: str) -> str:
    """The hand-written DuckDB query of the calibration summary joined with the holdout."""
    cal = duckdb_sql(unit, CALIBRATION_END, where=f"WHERE date <= TIMESTAMP '{CALIBRATION_END}'")
    return f"""
    WITH cal AS ({cal.replace("ORDER BY client_id", "")}),
    hold AS (
      SELECT client_id, count(DISTINCT {_DUCK_PERIOD[unit]}) AS frequency_holdout,
             avg(revenue) AS monetary_value_holdout
      FROM tx WHERE date > TIMESTAMP '{CALIBRATION_END}' AND revenue >= 0 GROUP BY client_id
    )
    SELECT cal.*, coalesce(frequency_holdout, 0) AS frequency_holdout,
           coalesce(monetary_value_holdout, 0) AS monetary_value_holdout
    FROM cal LEFT JOIN hold USING (client_id) ORDER BY client_id
    """


# --------------------------------------------------------------------------- Polars lazy


def polars_query(frame: Any, unit: str, end: str, until: str | None = None) -> Any:
    """The hand-written Polars lazy query of the summary columns (a LazyFrame)."""
    import polars as pl

    lazy = frame.lazy()
    if until is not None:
        lazy = lazy.filter(pl.col("date") <= pd.Timestamp(until).to_pydatetime())
    day = pl.col("date").cast(pl.Date).cast(pl.Int32)
    period = {
        "D": day,
        "W": (day + 3) // 7,
        "M": pl.col("date").dt.year() * 12 + pl.col("date").dt.month().cast(pl.Int32) - 1,
    }[unit]
    end_ts = pd.Timestamp(end)
    end_index = {
        "D": (end_ts - pd.Timestamp("1970-01-01")).days,
        "W": ((end_ts - pd.Timestamp("1970-01-01")).days + 3) // 7,
        "M": end_ts.year * 12 + end_ts.month - 1,
    }[unit]
    bought = pl.col("orders") > 0
    p = pl.col("period").filter(bought)
    return (
        lazy.group_by("client_id", period.alias("period"))
        .agg(
            pl.col("revenue").sum(),
            (pl.col("revenue") >= 0).sum().alias("orders"),
            pl.col("variable_cost").sum().alias("cost"),
            pl.col("date").min().alias("first_date"),
            pl.col("date").max().alias("last_date"),
        )
        .group_by("client_id")
        .agg(
            p.min().alias("first_p"),
            p.max().alias("last_p"),
            bought.sum().alias("n"),
            pl.col("orders").sum().alias("n_orders"),
            pl.col("first_date").filter(bought).min().alias("first_purchase"),
            pl.col("last_date").filter(bought).max().alias("last_purchase"),
            pl.col("revenue").sum().alias("total_revenue"),
            pl.col("cost").sum().alias("total_cost"),
            (
                pl.col("revenue").filter(bought).sum() - pl.col("revenue").filter(bought).min_by(p)
            ).alias("repeat_revenue"),
        )
        .filter(pl.col("n") > 0)
        .select(
            "client_id",
            (pl.col("n") - 1).alias("frequency"),
            (pl.col("last_p") - pl.col("first_p")).alias("recency"),
            (end_index - pl.col("first_p")).alias("T"),
            pl.when(pl.col("n") > 1)
            .then(pl.col("repeat_revenue") / (pl.col("n") - 1))
            .otherwise(0.0)
            .alias("monetary_value"),
            "n_orders",
            "total_revenue",
            (pl.col("total_revenue") - pl.col("total_cost")).alias("total_margin"),
            ((pl.col("total_revenue") - pl.col("total_cost")) / pl.col("n")).alias("mean_margin"),
            "first_purchase",
            "last_purchase",
            (pl.lit(end_ts.date()) - pl.col("last_purchase").cast(pl.Date))
            .dt.total_days()
            .alias("days_since_last_purchase"),
        )
        .sort("client_id")
    )


def polars_split(frame: Any, unit: str) -> Any:
    import polars as pl

    day = pl.col("date").cast(pl.Date).cast(pl.Int32)
    period = {"D": day, "W": (day + 3) // 7, "M": pl.col("date").dt.month_start()}[unit]
    hold = (
        frame.lazy()
        .filter(pl.col("date") > pd.Timestamp(CALIBRATION_END).to_pydatetime())
        .filter(pl.col("revenue") >= 0)
        .group_by("client_id")
        .agg(
            period.n_unique().alias("frequency_holdout"),
            pl.col("revenue").mean().alias("monetary_value_holdout"),
        )
    )
    cal = polars_query(frame, unit, CALIBRATION_END, until=CALIBRATION_END)
    return (
        cal.join(hold, on="client_id", how="left")
        .with_columns(pl.col("frequency_holdout", "monetary_value_holdout").fill_null(0))
        .collect()
        .to_pandas()
    )


# --------------------------------------------------------------------------- Spark SQL

_SPARK_PERIOD = {
    "D": "to_date(date)",
    "W": "to_date(date_trunc('week', date))",
    "M": "trunc(date, 'month')",
}
_SPARK_INDEX = {
    "D": "datediff({p}, DATE '1970-01-01')",
    "W": "CAST(datediff({p}, DATE '1969-12-29') / 7 AS BIGINT)",
    "M": "(year({p}) * 12 + month({p}) - 1)",
}


def spark_sql(unit: str, end: str, where: str = "") -> str:
    """The hand-written Spark SQL query of the summary columns (table ``tx``)."""
    first = _SPARK_INDEX[unit].format(p="first_p")
    last = _SPARK_INDEX[unit].format(p="last_p")
    end_index = _SPARK_INDEX[unit].format(p=f"DATE '{end}'")
    return f"""
    WITH p AS (
      SELECT client_id, {_SPARK_PERIOD[unit]} AS period, sum(revenue) AS revenue,
             count(*) FILTER (WHERE revenue >= 0) AS orders, sum(variable_cost) AS cost,
             min(date) AS first_date, max(date) AS last_date
      FROM tx {where} GROUP BY 1, 2
    ), c AS (
      SELECT client_id,
             min(period) FILTER (WHERE orders > 0) AS first_p,
             max(period) FILTER (WHERE orders > 0) AS last_p,
             count(*) FILTER (WHERE orders > 0) AS n,
             sum(orders) AS n_orders,
             min(first_date) FILTER (WHERE orders > 0) AS first_purchase,
             max(last_date) FILTER (WHERE orders > 0) AS last_purchase,
             sum(revenue) AS total_revenue, sum(cost) AS total_cost,
             sum(revenue) FILTER (WHERE orders > 0)
               - min_by(revenue, period) FILTER (WHERE orders > 0) AS repeat_revenue
      FROM p GROUP BY client_id HAVING n > 0
    )
    SELECT client_id, n - 1 AS frequency, {last} - {first} AS recency,
           {end_index} - {first} AS T,
           CASE WHEN n > 1 THEN repeat_revenue / (n - 1) ELSE 0 END AS monetary_value,
           n_orders, total_revenue, total_revenue - total_cost AS total_margin,
           (total_revenue - total_cost) / n AS mean_margin, first_purchase, last_purchase,
           datediff(DATE '{end}', to_date(last_purchase)) AS days_since_last_purchase
    FROM c
    """


def spark_split_sql(unit: str) -> str:
    cal = spark_sql(unit, CALIBRATION_END, where=f"WHERE date <= TIMESTAMP '{CALIBRATION_END}'")
    return f"""
    WITH cal AS ({cal}),
    hold AS (
      SELECT client_id, count(DISTINCT {_SPARK_PERIOD[unit]}) AS frequency_holdout,
             avg(revenue) AS monetary_value_holdout
      FROM tx WHERE date > TIMESTAMP '{CALIBRATION_END}' AND revenue >= 0 GROUP BY client_id
    )
    SELECT cal.*, coalesce(frequency_holdout, 0) AS frequency_holdout,
           coalesce(monetary_value_holdout, 0) AS monetary_value_holdout
    FROM cal LEFT JOIN hold USING (client_id)
    """


# --------------------------------------------------------------------------- loading


def spark_session() -> Any:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("clientalytics-bench")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "6g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def _microseconds(path: Path) -> Path:
    """A copy of the Parquet file with microsecond timestamps (Spark reads no nanoseconds)."""
    import pyarrow.parquet as pq

    copy = path.with_suffix(".us.parquet")
    if not copy.exists():
        pq.write_table(pq.read_table(path), copy, coerce_timestamps="us")
    return copy


def load(path: Path, engine: str) -> tuple[Any, dict[str, Callable[[str], Any]]]:
    """The engine's frame and its hand-written query per task (``task(unit)``)."""
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute(f"CREATE TABLE tx AS SELECT * FROM read_parquet('{path}')")
        return con.table("tx"), {
            "summarize": lambda unit: con.sql(duckdb_sql(unit, OBSERVATION_END)).df(),
            "split": lambda unit: con.sql(duckdb_split_sql(unit)).df(),
        }
    if engine == "polars":
        import polars as pl

        frame = pl.read_parquet(path)
        return frame, {
            "summarize": lambda unit: (
                polars_query(frame, unit, OBSERVATION_END).collect().to_pandas()
            ),
            "split": lambda unit: polars_split(frame, unit),
        }
    if engine == "pandas":
        import duckdb

        frame = pd.read_parquet(path)
        con = duckdb.connect()
        con.execute(f"CREATE TABLE tx AS SELECT * FROM read_parquet('{path}')")
        # pandas is compared with the DuckDB query on a DuckDB table of the same data.
        return frame, {
            "summarize": lambda unit: con.sql(duckdb_sql(unit, OBSERVATION_END)).df(),
            "split": lambda unit: con.sql(duckdb_split_sql(unit)).df(),
        }
    if engine == "spark":
        session = spark_session()
        frame = session.read.parquet(str(_microseconds(path))).cache()
        frame.count()
        frame.createOrReplaceTempView("tx")
        return frame, {
            "summarize": lambda unit: session.sql(spark_sql(unit, OBSERVATION_END)).toPandas(),
            "split": lambda unit: session.sql(spark_split_sql(unit)).toPandas(),
        }
    raise ValueError(f"unknown engine {engine!r}")


def run_duckdb_sql(data: Any, *, time_unit: str) -> Any:
    """Task for bench_measure: the hand-written DuckDB query on the loaded relation."""
    return data.query("tx", duckdb_sql(time_unit, OBSERVATION_END)).df()


def run_polars_lazy(data: Any, *, time_unit: str) -> Any:
    """Task for bench_measure: the hand-written Polars lazy query on the loaded frame."""
    return polars_query(data, time_unit, OBSERVATION_END).collect().to_pandas()


def fmt_pairs(rows: list[dict[str, Any]]) -> str:
    """Markdown table of paired ratios (ours / hand-written query, median of pairs)."""
    head = (
        "| engine | call | unit | rows | ours s | query s | ours / query | min - max | "
        "target 1.25x |\n|---|---|---|---:|---:|---:|---:|---|---|\n"
    )
    lines = [
        f"| {r['engine']} | {r['task']} | {r['unit']} | {r['rows']:,} | {r['ours_s']:.2f} | "
        f"{r['query_s']:.2f} | {r['ratio']:.2f} | {r['ratio_min']:.2f} - {r['ratio_max']:.2f} | "
        f"{'yes' if r['ratio'] <= (1.0 if r['engine'] == 'pandas' else TARGET) else '**no**'} |"
        for r in rows
    ]
    return head + "\n".join(lines) + "\n"


def ours(frame: Any, task: str, unit: str) -> pd.DataFrame:
    from clientalytics import calibration_holdout_split, summarize

    if task == "summarize":
        return summarize(frame, observation_end=OBSERVATION_END, time_unit=unit)
    return calibration_holdout_split(
        frame, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END, time_unit=unit
    )


def check_same(got: pd.DataFrame, baseline: pd.DataFrame) -> None:
    """The library's numbers equal the hand-written query's (same clients, same values)."""
    expected = baseline.assign(client_id=baseline["client_id"].astype(str))
    expected = expected.set_index("client_id").sort_index()
    if len(got) != len(expected):
        raise AssertionError(f"{len(got)} clients, hand-written query {len(expected)}")
    for name in ("frequency", "recency", "T", "monetary_value", "n_orders", "total_margin"):
        column = name if name in got else f"{name}_cal"
        left = got[column].to_numpy(dtype=float)
        right = expected[column if column in expected else name].to_numpy(dtype=float)
        if not (abs(left - right) <= 1e-9 * (1 + abs(right))).all():
            raise AssertionError(f"column {column} differs from the hand-written query")


def pairs(
    frame: Any, baseline: Callable[[str], Any], task: str, unit: str, repeats: int
) -> dict[str, Any]:
    """Alternate ours and the hand-written query ``repeats`` times; medians and ratios."""
    check_same(ours(frame, task, unit), baseline(unit))  # also a warm-up of both
    mine, theirs, ratios = [], [], []
    for i in range(repeats):
        order = [("ours", ours), ("base", None)] if i % 2 == 0 else [("base", None), ("ours", ours)]
        times = {}
        for name, _ in order:
            start = time.perf_counter()
            if name == "ours":
                ours(frame, task, unit)
            else:
                baseline(unit)
            times[name] = time.perf_counter() - start
        mine.append(times["ours"])
        theirs.append(times["base"])
        ratios.append(times["ours"] / times["base"])
    return {
        "ours_s": statistics.median(mine),
        "query_s": statistics.median(theirs),
        "ratio": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
    }


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Run the paired comparisons; return one row per (engine, call, unit)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e7)
    parser.add_argument("--engines", nargs="+", default=["duckdb", "polars", "pandas"])
    parser.add_argument("--tasks", nargs="+", default=["summarize", "split"])
    parser.add_argument("--units", nargs="+", default=["D", "W"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--data", type=Path, help="Parquet file of transactions to reuse")
    args = parser.parse_args(argv)
    path = args.data
    if path is None or not path.exists():
        from run import make_transactions

        path = path or Path(f"/tmp/clientalytics-bench-{int(args.rows)}.parquet")
        make_transactions(int(args.rows), path)
    n_rows = len(pd.read_parquet(path, columns=["revenue"]))
    rows = []
    for engine in args.engines:
        frame, queries = load(path, engine)
        for task in args.tasks:
            for unit in args.units:
                got = pairs(frame, queries[task], task, unit, args.repeats)
                row = {"engine": engine, "task": task, "unit": unit, "rows": n_rows, **got}
                rows.append(row)
                print(
                    f"{engine:7s} {task:9s} {unit}  ours {got['ours_s']:.2f} s  query "
                    f"{got['query_s']:.2f} s  ratio {got['ratio']:.2f} "
                    f"({got['ratio_min']:.2f}-{got['ratio_max']:.2f})",
                    flush=True,
                )
        del frame
    print(f"pandas {pd.__version__}; {n_rows:,} rows; {args.repeats} alternating pairs")
    print(fmt_pairs(rows))
    return rows


if __name__ == "__main__":
    main()
