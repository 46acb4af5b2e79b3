"""Time one benchmark task and its peak memory in a fresh Python process.

Every path runs in its own subprocess so that peaks do not mix: the process loads
its input (pandas, Polars, DuckDB or the plain-lifetimes pandas frame) from a
Parquet file, resets the kernel's peak-RSS counter, runs the task once timed, and
reads back

- ``seconds``: wall time of the task;
- ``peak_rss_mb``: peak resident memory during the task above the resident memory
  just before it (``VmHWM`` after ``/proc/self/clear_refs``), which counts Python,
  NumPy, Arrow, Polars and DuckDB allocations alike;
- ``peak_python_mb``: peak of Python-tracked allocations (``tracemalloc``) in a
  second, untimed run of the same task (NumPy and pandas buffers are tracked;
  Polars and DuckDB allocate outside Python and show little here).

Before measuring, the task runs once on the first rows of the input, so that
imports and first-call setup are not counted. A task is ``"module:function"``;
the function takes the loaded input and keyword options and returns anything
(the result is dropped after its length is noted).
"""

from __future__ import annotations

import gc
import importlib
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TX_COLUMNS = ["client_id", "date", "revenue", "variable_cost"]


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # older kernels: the peak then includes loading the input
        pass


def load_input(path: str, engine: str) -> Any:
    """Load the Parquet file at ``path`` as the input frame of ``engine``."""
    if engine in ("pandas", "lifetimes"):
        import pandas as pd

        return pd.read_parquet(path, columns=TX_COLUMNS)
    if engine == "polars":
        import polars as pl

        return pl.read_parquet(path, columns=TX_COLUMNS)
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        cols = ", ".join(TX_COLUMNS)
        con.execute(f"CREATE TABLE tx AS SELECT {cols} FROM read_parquet('{path}')")
        return con.table("tx")
    if engine == "summary":  # a per-client summary saved by the caller
        import pandas as pd

        return pd.read_parquet(path)
    raise ValueError(f"unknown engine {engine!r}")


def _head(data: Any, n: int = 2000) -> Any:
    return data.limit(n) if hasattr(data, "limit") else data.head(n)


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    sys.path[:0] = [str(HERE), str(HERE.parent)]
    module_name, func_name = spec["task"].split(":")
    func = getattr(importlib.import_module(module_name), func_name)
    data = load_input(spec["path"], spec["engine"])
    options = spec.get("options", {})
    func(_head(data), **options)  # warm-up: imports and first-call setup are not measured
    gc.collect()
    before_kb = _status_kb("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    result = func(data, **options)
    seconds = time.perf_counter() - start
    peak_kb = _status_kb("VmHWM")
    n_out = len(result) if hasattr(result, "__len__") else None
    del result
    gc.collect()
    peak_python = None
    if spec.get("tracemalloc", True):
        tracemalloc.start()
        func(data, **options)
        peak_python = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {
        "seconds": seconds,
        "peak_rss_mb": max(peak_kb - before_kb, 0) / 1024,
        "peak_python_mb": peak_python,
        "rows_out": n_out,
    }


def measure(
    task: str,
    path: str | Path,
    engine: str,
    *,
    options: dict[str, Any] | None = None,
    trace: bool = True,
    timeout: float = 1800,
) -> dict[str, Any]:
    """Run ``task`` on the input at ``path`` loaded as ``engine`` in a fresh process."""
    spec = {
        "task": task,
        "path": str(path),
        "engine": engine,
        "options": options or {},
        "tracemalloc": trace,
    }
    proc = subprocess.run(
        [sys.executable, __file__, json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{task} on {engine} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    print(json.dumps(_child(json.loads(sys.argv[1]))))
