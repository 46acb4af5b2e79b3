"""Engine-specific plans of the per-client summary, behind one dispatch.

Each backend lives in its own private module and offers the same two functions:

- ``summary(native, *, client_col, date_col, revenue_col, cost_col, time_unit, end,
  until=None)``: the per-client summary as a native lazy frame of the engine
  (``client_id`` as text, then the columns of :data:`clientalytics.schema.SUMMARY`,
  rows in no particular order), over the rows dated on or before ``until``;
- ``holdout(native, *, client_col, date_col, revenue_col, time_unit, after)``:
  purchase periods (``frequency_holdout``) and mean order revenue
  (``monetary_value_holdout``) per client over the rows after ``after``.

:func:`backend` picks the module for a narwhals frame: :mod:`._duckdb` (one SQL
query), :mod:`._polars` (a lazy plan), :mod:`._spark` (DataFrame API), or ``None``
when the input needs the engine-generic narwhals plan (time-zone aware dates on
DuckDB or Polars, engines without a plan of their own). pandas frames with NumPy
datetimes take the array path of :mod:`._pandas`. ``tests/engines/`` runs every
path on the same data and asserts the same numbers.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import narwhals.stable.v2 as nw


def backend(lazy: Any, date_col: str) -> ModuleType | None:
    """Return the module holding the plan of ``lazy``'s engine, or ``None`` (generic plan).

    Parameters
    ----------
    lazy : narwhals.LazyFrame
        The input (see :func:`clientalytics.engine.to_lazy`), already checked.
    date_col : str
        Its date column (the plans read naive timestamps and dates).
    """
    implementation = lazy.implementation
    native = nw.to_native(lazy)
    module: ModuleType
    if implementation.is_duckdb():
        from clientalytics._engines import _duckdb as module
    elif implementation.is_polars():
        from clientalytics._engines import _polars as module
    elif implementation.is_pyspark() or implementation.is_pyspark_connect():
        from clientalytics._engines import _spark as module
    else:
        return None
    return module if module.supports(native, date_col) else None
