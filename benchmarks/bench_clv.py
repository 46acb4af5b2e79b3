"""Speed of the CLV models against plain ``lifetimes`` on the same data.

Benchmark data are resampled from the CDNOW summary (Fader, Hardie & Lee 2005): each
synthetic client copies a random CDNOW client and shifts its first purchase by up to
30 days and its last purchase by up to 3 days, so histories stay realistic (integer
days expressed in weeks) while most of them become distinct.

Run: ``python benchmarks/bench_clv.py [--quick]``. Prints one table with the wall
times and the speed-up ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

from clientalytics.clv import (
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    customer_lifetime_value,
)


def resampled_cdnow(n: int, seed: int = 0) -> pd.DataFrame:
    """Return ``n`` client histories resampled from CDNOW with day-level noise (weeks)."""
    base = load_cdnow_summary_data_with_monetary_value()
    rng = np.random.default_rng(seed)
    rows = base.iloc[rng.integers(0, len(base), n)]
    x = rows["frequency"].to_numpy()
    t_days = np.maximum(np.round(rows["T"].to_numpy() * 7) + rng.integers(-30, 31, n), 1)
    r_days = np.round(rows["recency"].to_numpy() * 7) + rng.integers(-3, 4, n)
    r_days = np.where(x > 0, np.clip(r_days, 1, t_days), 0)
    spend = rows["monetary_value"].to_numpy() * rng.uniform(0.9, 1.1, n)
    return pd.DataFrame(
        {"frequency": x, "recency": r_days / 7, "T": t_days / 7, "monetary_value": spend},
        index=pd.RangeIndex(n, name="client_id"),
    )


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best = np.inf
    out: Any = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def lifetimes_scoring(bg: BetaGeoModel, gg: GammaGammaModel, data: pd.DataFrame) -> None:
    """Same three outputs with lifetimes, given the same parameters."""
    lbg = BetaGeoFitter()
    lbg.params_ = bg.params_.copy()
    lbg.predict = lbg.conditional_expected_number_of_purchases_up_to_time
    lgg = GammaGammaFitter()
    lgg.params_ = pd.Series(gg.params_.to_numpy(), index=["p", "q", "v"])
    x, tx, t = data["frequency"], data["recency"], data["T"]
    lbg.conditional_expected_number_of_purchases_up_to_time(52, x, tx, t)
    lbg.conditional_probability_alive(x, tx, t)
    lgg.customer_lifetime_value(
        lbg, x, tx, t, data["monetary_value"], time=12, discount_rate=0.00797, freq="W"
    )


def measure(*, quick: bool = False, lifetimes_bgnbd_n: int | None = None) -> pd.DataFrame:
    """Time the three tasks; one row per task with both timings and the ratio."""
    scale = 10 if quick else 1
    n_bg, n_pareto, n_score = 1_000_000 // scale, 100_000 // scale, 1_000_000 // scale
    warnings.simplefilter("ignore")
    rows: list[dict[str, object]] = []

    big = resampled_cdnow(n_bg, seed=1)
    ours_t, fitted = timed(lambda: BetaGeoModel().fit(big))
    bg: BetaGeoModel = fitted
    n_lt = lifetimes_bgnbd_n or n_bg
    sub = big.iloc[:n_lt]
    theirs_t, ref = timed(lambda: BetaGeoFitter().fit(sub["frequency"], sub["recency"], sub["T"]))
    theirs_full = theirs_t * n_bg / n_lt
    ours_sub = BetaGeoModel().fit(sub).params_.to_numpy()
    rel = float(np.max(np.abs(ours_sub / ref.params_.to_numpy() - 1)))
    rows.append(
        {
            "task": f"BG/NBD fit ({bg.n_distinct_histories_:,} distinct histories)",
            "clients": n_bg,
            "target": 20.0,
            "clientalytics_s": ours_t,
            "lifetimes_s": theirs_full,
            "speedup": theirs_full / ours_t,
            "note": ("" if n_lt == n_bg else f"lifetimes timed on {n_lt:,}, scaled linearly; ")
            + f"max rel. param diff {rel:.1e}",
        }
    )

    mid = resampled_cdnow(n_pareto, seed=2)
    ours_t, pareto = timed(lambda: ParetoNBDModel().fit(mid))
    theirs_t, ref_p = timed(
        lambda: ParetoNBDFitter().fit(mid["frequency"], mid["recency"], mid["T"])
    )
    rel = float(np.max(np.abs(pareto.params_.to_numpy() / ref_p.params_.to_numpy() - 1)))
    rows.append(
        {
            "task": "Pareto/NBD fit",
            "clients": n_pareto,
            "target": 20.0,
            "clientalytics_s": ours_t,
            "lifetimes_s": theirs_t,
            "speedup": theirs_t / ours_t,
            "note": f"max rel. param diff {rel:.1e} (lifetimes: Nelder-Mead, tol 1e-4)",
        }
    )

    score = resampled_cdnow(n_score, seed=3)
    gg = GammaGammaModel().fit(load_cdnow_summary_data_with_monetary_value())

    def ours_scoring() -> None:
        bg.expected_purchases(score, t=52)
        bg.probability_alive(score)
        customer_lifetime_value(
            bg,
            gg,
            score,
            time_unit="W",
            horizon_months=12,
            annual_discount_rate=0.1,
            value="revenue",
        )

    ours_t, _ = timed(ours_scoring, repeat=3)
    theirs_t, _ = timed(lambda: lifetimes_scoring(bg, gg, score))
    rows.append(
        {
            "task": "scoring: purchases, P(alive), 12-month CLV (target < 2 s)",
            "clients": n_score,
            "target": None,
            "clientalytics_s": ours_t,
            "lifetimes_s": theirs_t,
            "speedup": theirs_t / ours_t,
            "note": "best of 3 for clientalytics",
        }
    )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Run the benchmark, print the table and return rows in ``run.py``'s format.

    Parameters
    ----------
    argv : list of str, optional
        Command-line options (``--quick``, ``--lifetimes-bgnbd-n N``); defaults to
        none, so that ``run.py`` can call ``main()`` directly.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10x smaller data")
    parser.add_argument(
        "--lifetimes-bgnbd-n",
        type=int,
        default=None,
        help="fit lifetimes' BG/NBD on this many clients (default: same as ours)",
    )
    args = parser.parse_args(argv or [])
    table = measure(quick=args.quick, lifetimes_bgnbd_n=args.lifetimes_bgnbd_n)
    with pd.option_context("display.max_colwidth", 80, "display.width", 220):
        print(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    report: list[dict[str, Any]] = []
    for row in table.to_dict("records"):
        name = f"CLV: {row['task']}"
        report.append(
            {
                "benchmark": name,
                "rows": int(row["clients"]),
                "path": "lifetimes",
                "seconds": float(row["lifetimes_s"]),
            }
        )
        target = row["target"]
        report.append(
            {
                "benchmark": name,
                "rows": int(row["clients"]),
                "path": "clientalytics",
                "seconds": float(row["clientalytics_s"]),
                "speedup": float(row["speedup"]),
                "speedup_target": None if target is None or pd.isna(target) else float(target),
            }
        )
    return report


if __name__ == "__main__":
    main(sys.argv[1:])
