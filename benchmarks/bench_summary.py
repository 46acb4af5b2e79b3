"""Benchmark: clientalytics.summarize against lifetimes' summary_data_from_transaction_data.

Both produce the per-client frequency / recency / T / monetary value table from raw
transactions. ``summarize`` runs on a pandas frame, a Polars frame and a DuckDB
table; lifetimes runs on the pandas frame (the only input it takes); the
hand-written DuckDB and Polars queries of bench_engines.py run on the DuckDB table
and the Polars frame. Each path is timed in a fresh process (see bench_measure.py)
on the same generated data, which also gives its peak memory; the paired time
ratios against the hand-written queries come from bench_engines.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench_measure import measure

#: Observation end of the generated data (three years from 2023-01-01).
OBSERVATION_END = "2025-12-31"
#: Speed-up targets on 10M rows: pandas at least 2x, Polars and DuckDB at least 5x.
TARGETS = {"pandas": 2.0, "polars": 5.0, "duckdb": 5.0}


def run_summarize(data: Any, *, time_unit: str) -> Any:
    from clientalytics import summarize

    return summarize(data, observation_end=OBSERVATION_END, time_unit=time_unit)


def run_lifetimes(data: Any, *, time_unit: str) -> Any:
    from lifetimes.utils import summary_data_from_transaction_data

    return summary_data_from_transaction_data(
        data,
        "client_id",
        "date",
        monetary_value_col="revenue",
        observation_period_end=OBSERVATION_END,
        freq=time_unit,
    )


def bench(path: Path, *, n_rows: int, input_mb: float, units: list[str]) -> list[dict[str, Any]]:
    """Time every path for every time unit; one row per (unit, path)."""
    rows = []
    for unit in units:
        options = {"time_unit": unit}
        base = measure("bench_summary:run_lifetimes", path, "lifetimes", options=options)
        rows.append(_row("lifetimes (pandas)", unit, n_rows, input_mb, base, None))
        for engine in ("pandas", "polars", "duckdb"):
            got = measure("bench_summary:run_summarize", path, engine, options=options)
            if got["rows_out"] != base["rows_out"]:
                raise RuntimeError(
                    f"summarize on {engine} returned {got['rows_out']} clients, "
                    f"lifetimes {base['rows_out']}"
                )
            rows.append(_row(f"summarize ({engine})", unit, n_rows, input_mb, got, base))
        # The hand-written queries of bench_engines.py, in a fresh process each (memory).
        for task, engine, label in (
            ("bench_engines:run_duckdb_sql", "duckdb", "hand-written DuckDB SQL"),
            ("bench_engines:run_polars_lazy", "polars", "hand-written Polars lazy"),
        ):
            got = measure(task, path, engine, options=options)
            rows.append(_row(f"{label} ({engine})", unit, n_rows, input_mb, got, base))
            rows[-1]["speedup_target"] = None
    return rows


def _row(
    path: str,
    unit: str,
    n_rows: int,
    input_mb: float,
    got: dict[str, Any],
    base: dict[str, Any] | None,
) -> dict[str, Any]:
    engine = path.split("(")[1].rstrip(")")
    speedup = base["seconds"] / got["seconds"] if base else None
    # The targets are set for ten million rows; smaller runs report the ratio only.
    target = TARGETS.get(engine) if base and n_rows >= 9_500_000 else None
    return {
        "benchmark": f"summary, time_unit={unit}",
        "rows": n_rows,
        "path": path,
        "seconds": got["seconds"],
        "speedup": speedup,
        "speedup_target": target,
        "peak_rss_mb": got["peak_rss_mb"],
        "peak_python_mb": got["peak_python_mb"],
        "input_mb": input_mb,
    }
