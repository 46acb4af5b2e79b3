"""Benchmark: RFM scores and named segments for a million clients.

The input is a per-client summary (``clientalytics.summarize`` output) of one
million generated clients. ``rfm_scores`` + ``rfm_segments`` are compared with the
usual hand-written pandas recipe: quintiles of the ranks with ``pd.qcut``, the
three digits joined into a string, and segments looked up from the R and F digits.
The recipe breaks ties by row order (``rank(method="first")``), which
clientalytics does not, so the two differ on tied clients; it is the speed
reference, not a reference for the numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from bench_measure import measure

#: Segment names by (R, F) score pair in the common hand-written recipe.
_RECIPE_SEGMENTS = {
    r"[1-2][1-2]": "hibernating",
    r"[1-2][3-4]": "at risk",
    r"[1-2]5": "cannot lose them",
    r"3[1-2]": "about to sleep",
    r"33": "need attention",
    r"[3-4][4-5]": "loyal customers",
    r"41": "promising",
    r"51": "new customers",
    r"[4-5][2-3]": "potential loyalists",
    r"5[4-5]": "champions",
}


def available() -> bool:
    """Whether clientalytics.segmentation (rfm_scores, rfm_segments) is installed."""
    try:
        from clientalytics.segmentation import rfm_scores, rfm_segments  # noqa: F401
    except ImportError:
        return False
    return True


def run_clientalytics(summary: pd.DataFrame) -> Any:
    from clientalytics.segmentation import rfm_scores, rfm_segments

    scores = rfm_scores(summary)
    return scores.assign(segment=rfm_segments(scores, bins=5))


def run_pandas_recipe(summary: pd.DataFrame) -> Any:
    labels = [1, 2, 3, 4, 5]
    out = pd.DataFrame(index=summary.index)
    recency = -summary["days_since_last_purchase"]
    out["R"] = pd.qcut(recency.rank(method="first"), 5, labels=labels).astype(int)
    out["F"] = pd.qcut(summary["n_orders"].rank(method="first"), 5, labels=labels).astype(int)
    out["M"] = pd.qcut(summary["total_revenue"].rank(method="first"), 5, labels=labels)
    out["M"] = out["M"].astype(int)
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    rf = out["R"].astype(str) + out["F"].astype(str)
    out["segment"] = rf.replace(_RECIPE_SEGMENTS, regex=True)
    return out


def make_summary(n_clients: int, path: Path) -> tuple[int, float]:
    """Summarise generated transactions of ``n_clients`` clients (one year) into ``path``."""
    import polars as pl

    from clientalytics import summarize
    from clientalytics.datasets import generate_transactions

    tx = generate_transactions(n_clients, 1, seed=1)
    n_tx = len(tx)
    frame = pl.from_pandas(tx[["client_id", "date", "revenue", "variable_cost"]])
    del tx
    summary = summarize(frame, observation_end="2023-12-31")
    summary.to_parquet(path)
    return n_tx, float(summary.memory_usage(deep=True).sum()) / 2**20


def bench(path: Path, *, n_clients: int, input_mb: float) -> list[dict[str, Any]]:
    """Time both paths on the saved summary; one row per path."""
    base = measure("bench_rfm:run_pandas_recipe", path, "summary")
    got = measure("bench_rfm:run_clientalytics", path, "summary")
    rows = []
    for name, result, ref in (
        ("pandas qcut recipe", base, None),
        ("rfm_scores + rfm_segments", got, base),
    ):
        rows.append(
            {
                "benchmark": "RFM scores + segments",
                "rows": n_clients,
                "path": name,
                "seconds": result["seconds"],
                "speedup": ref["seconds"] / result["seconds"] if ref else None,
                "speedup_target": None,
                "peak_rss_mb": result["peak_rss_mb"],
                "peak_python_mb": result["peak_python_mb"],
                "input_mb": input_mb,
            }
        )
    return rows


if __name__ == "__main__":  # quick self-check of the recipe on random data
    rng = np.random.default_rng(0)
    demo = pd.DataFrame(
        {
            "days_since_last_purchase": rng.integers(0, 365, 1000),
            "n_orders": rng.integers(1, 30, 1000),
            "total_revenue": rng.gamma(2.0, 100.0, 1000),
        }
    )
    print(run_pandas_recipe(demo)["segment"].value_counts())
