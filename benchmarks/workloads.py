"""Fixed workloads for comparing two checkouts of the library, one process per run.

Usage (from the repository root, after ``python benchmarks/workloads.py make``)::

    PYTHONPATH=. python benchmarks/workloads.py summary-pandas

Each workload reads the same one million generated transactions (three years,
seed 0) from ``/tmp/clientalytics-workloads.parquet`` and runs the calls named
in :data:`WORKLOADS`. Timing is left to the caller: run the two checkouts in
turn (A B A B ...) as whole processes, e.g. under ``/usr/bin/time -v``, and
compare medians, so a drift of the machine's speed hits both alike. The
workloads work with the current parameter names only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

DATA = Path("/tmp/clientalytics-workloads.parquet")


def _make() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from run import make_transactions

    rows, mib = make_transactions(1_000_000, DATA)
    print(f"{rows:,} transactions, {mib:.0f} MiB in pandas -> {DATA}")


def _summary_pandas(tx: pd.DataFrame) -> None:
    """summarize three times daily, once weekly; BG/NBD and 12-month CLV on the weekly one."""
    from clientalytics import summarize
    from clientalytics.clv import BetaGeoModel, customer_lifetime_value

    for _ in range(3):
        summarize(tx, time_unit="D")
    weekly = summarize(tx, time_unit="W")
    model = BetaGeoModel().fit(weekly, time_unit="W")
    spend = weekly["total_revenue"] / (weekly["frequency"] + 1)
    customer_lifetime_value(model, spend, weekly)


def _summary_engines(tx: pd.DataFrame) -> None:
    """summarize on a Polars frame and a DuckDB relation, daily and weekly."""
    import duckdb
    import polars as pl

    from clientalytics import summarize

    frame, connection = pl.from_pandas(tx), duckdb.connect()
    relation = connection.from_df(tx)
    for unit in ("D", "W"):
        summarize(frame, time_unit=unit)
        summarize(relation, time_unit=unit)


def _retention(tx: pd.DataFrame) -> None:
    """Quarterly and monthly retention coefficients and quarterly cohorts on pandas."""
    from clientalytics.retention import cohort_table, retention_coefficients

    retention_coefficients(tx, time_unit="Q")
    retention_coefficients(tx, time_unit="M")
    cohort_table(tx, time_unit="Q")


WORKLOADS: dict[str, Callable[[pd.DataFrame], None]] = {
    "summary-pandas": _summary_pandas,
    "summary-engines": _summary_engines,
    "retention": _retention,
}


def main(argv: list[str]) -> None:
    if argv == ["make"]:
        _make()
        return
    if len(argv) != 1 or argv[0] not in WORKLOADS:
        raise SystemExit(f"usage: workloads.py make | {' | '.join(WORKLOADS)}")
    WORKLOADS[argv[0]](pd.read_parquet(DATA))


if __name__ == "__main__":
    main(sys.argv[1:])
