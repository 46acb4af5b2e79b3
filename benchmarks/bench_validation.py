"""Validation speed: ``validate`` on transactions as read from a CSV (text) and typed.

``python benchmarks/bench_validation.py`` builds 2M transaction rows twice: as text,
the way ``pandas.read_csv(..., dtype=str)`` returns a 1C / CRM export (dates written
``dd.mm.yyyy``, money as text), and with typed columns (datetime64 dates, float
money). It times ``clientalytics.validate`` on each, one warm-up on 2,000 rows, then
one timed call, and prints seconds per million rows. ``--old FILE`` also times
another version of the validation module (for example the last committed one, from
``git show HEAD:clientalytics/validation.py > /tmp/old_validation.py``).
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

Validate = Callable[..., object]


def make_transactions(n_rows: int, *, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (text frame, typed frame) of ``n_rows`` transactions over three years."""
    rng = np.random.default_rng(seed)
    n_clients = max(n_rows // 20, 1)
    days = rng.integers(0, 3 * 365, n_rows)
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D")
    revenue = np.round(rng.gamma(2.0, 400.0, n_rows), 2)
    cost = np.round(revenue * rng.uniform(0.6, 0.9, n_rows), 2)
    typed = pd.DataFrame(
        {
            "transaction_id": pd.Series(np.char.add("T", np.arange(n_rows).astype(str))).astype(
                object
            ),
            "client_id": pd.Series(
                np.char.add("C", rng.integers(0, n_clients, n_rows).astype(str))
            ).astype(object),
            "date": pd.Series(dates),
            "revenue": revenue,
            "variable_cost": cost,
            "manager_id": pd.Series(
                np.char.add("M", rng.integers(0, 40, n_rows).astype(str))
            ).astype(object),
            "service": pd.Series(rng.choice(["FTL", "LTL", "warehousing"], n_rows)).astype(object),
        }
    )
    text = typed.copy()
    text["date"] = pd.Series(dates.strftime("%d.%m.%Y"), dtype=object)
    text["revenue"] = revenue.astype(str).astype(object)
    text["variable_cost"] = cost.astype(str).astype(object)
    return text, typed


def _load(path: Path) -> Validate:
    spec = importlib.util.spec_from_file_location("validation_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.validate  # type: ignore[no-any-return]


def _time(validate: Validate, frame: pd.DataFrame, **options: object) -> float:
    validate(frame.iloc[:2000].reset_index(drop=True), "transactions", **options)
    start = time.perf_counter()
    validate(frame, "transactions", **options)
    return time.perf_counter() - start


def main(n_rows: int = 2_000_000, old: Path | None = None) -> list[dict[str, object]]:
    """Time the validators; return one row per (version, input)."""
    from clientalytics.validation import validate

    text, typed = make_transactions(n_rows)
    versions: list[tuple[str, Validate]] = [("current", validate)]
    if old is not None:
        versions.insert(0, (f"old ({old.name})", _load(old)))
    rows = []
    for label, fn in versions:
        for kind, frame in (("text, dd.mm.yyyy dates", text), ("typed columns", typed)):
            seconds = _time(fn, frame)
            rows.append(
                {
                    "version": label,
                    "input": kind,
                    "rows": n_rows,
                    "seconds": round(seconds, 2),
                    "s per 1M rows": round(seconds / n_rows * 1e6, 2),
                }
            )
            print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=2e6)
    parser.add_argument("--old", type=Path, default=None)
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}, "
        f"{platform.machine()}"
    )
    table = pd.DataFrame(main(int(args.rows), args.old))
    print(table.to_string(index=False))
