"""Coverage of the CLV intervals in a simulation with known parameters.

Each of ``--datasets`` data sets holds ``--clients`` clients drawn from BG/NBD and
Gamma-Gamma with the CDNOW estimates (Fader, Hardie & Lee 2005), first purchases
spread over 12 weeks and 39 weeks of observation (the CDNOW calibration design).
On each, both models are fitted and 90 % intervals are computed:

- parameters: the log-scale Wald intervals of ``confidence_intervals(0.9)``;
- per client: expected purchases over the 12 valued months, P(alive), expected value per
  purchase and 12-month CLV, by ``customer_lifetime_value(..., interval=0.9)`` with
  the bootstrap and with parametric draws;
- customer equity (sum of CLV) by ``customer_equity(..., interval=0.9, draws=...)``.

The truth of a per-client quantity is its value under the true parameters (the
intervals describe parameter uncertainty, not the randomness of a client's future).
Coverage is the share of intervals containing the truth: per client and data set for
the per-client quantities, per data set for parameters and equity.

Run: ``python benchmarks/coverage_clv_intervals.py [--datasets 200] [--clients 1000]
[--replicates 100]``; prints one table (quantity x method).
"""

from __future__ import annotations

import argparse
import copy
import time
import warnings
from collections import defaultdict

import numpy as np
import pandas as pd

from clientalytics.clv import (
    BetaGeoModel,
    GammaGammaModel,
    customer_equity,
    customer_lifetime_value,
)
from clientalytics.clv.value import customer_value_draws

TRUE_BGNBD = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, name="value")
TRUE_GG = pd.Series({"p": 6.25, "q": 3.74, "gamma": 15.44}, name="value")
LEVEL = 0.9
QUANTITIES = ("expected_purchases", "probability_alive", "expected_value_per_purchase", "clv")


def simulate(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """One data set: BG/NBD histories (weeks, day resolution) and Gamma-Gamma spend."""
    truth = BetaGeoModel()
    truth.params_ = TRUE_BGNBD.copy()
    T = (273 - rng.integers(0, 84, n)) / 7.0
    summary = truth.sample(T, random_state=rng)
    rec = np.floor(summary["recency"].to_numpy() * 7) / 7
    summary["recency"] = np.where(summary["frequency"] > 0, np.maximum(rec, 1 / 7), 0.0)
    p, q, g = TRUE_GG
    nu = rng.gamma(q, 1 / g, n)
    x = np.maximum(summary["frequency"].to_numpy(), 1)
    summary["monetary_value"] = np.where(
        summary["frequency"] > 0, rng.gamma(p * x, 1 / (nu * x)), 0.0
    )
    return summary


def one_dataset(
    summary: pd.DataFrame, replicates: int, seed: int, hits: dict[tuple[str, str], list[float]]
) -> None:
    """Fit, compute intervals and record the coverage indicators of one data set."""
    model = BetaGeoModel().fit(summary, time_unit="W")
    spend = GammaGammaModel().fit(summary)
    for fitted, truth in ((model, TRUE_BGNBD), (spend, TRUE_GG)):
        ci = fitted.confidence_intervals(LEVEL)
        for name, value in truth.items():
            inside = ci.loc[name, "lower"] <= value <= ci.loc[name, "upper"]
            hits[(f"parameter {name}", "Wald, log scale")].append(float(inside))
    true_model = copy.deepcopy(model)
    true_model.params_ = TRUE_BGNBD.copy()
    true_spend = copy.deepcopy(spend)
    true_spend.params_ = TRUE_GG.copy()
    truth = customer_lifetime_value(true_model, true_spend, summary, value="revenue")
    for method in ("bootstrap", "parametric"):
        table = customer_lifetime_value(
            model,
            spend,
            summary,
            value="revenue",
            interval=LEVEL,
            n_bootstrap=replicates,
            method=method,
            random_state=seed,
        )
        for name in QUANTITIES:
            target = truth[name]
            inside = (table[f"{name}_lower"] <= target + 1e-12) & (
                target - 1e-12 <= table[f"{name}_upper"]
            )
            hits[(name, method)].append(float(inside.mean()))
        draws = customer_value_draws(
            model,
            spend,
            summary,
            value="revenue",
            n_bootstrap=replicates,
            method=method,
            random_state=seed,
        )
        equity = customer_equity(table, interval=LEVEL, draws=draws).iloc[0]
        total = float(truth["clv"].sum())
        inside = equity["customer_equity_lower"] <= total <= equity["customer_equity_upper"]
        hits[("customer equity", method)].append(float(inside))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=200)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    hits: dict[tuple[str, str], list[float]] = defaultdict(list)
    failed = 0
    t0 = time.perf_counter()
    for i in range(args.datasets):
        summary = simulate(args.clients, rng)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                one_dataset(summary, args.replicates, args.seed + i, hits)
        except Exception as error:
            failed += 1
            print(f"data set {i}: {type(error).__name__}: {str(error)[:120]}")
        if (i + 1) % 25 == 0 and i + 1 < args.datasets:
            print(f"-- after {i + 1} data sets", flush=True)
            _print_table(hits)
    _print_table(
        hits,
        header=(
            f"{args.datasets} data sets x {args.clients} clients, {args.replicates} replicates, "
            f"nominal {LEVEL:.0%}; {failed} data set(s) failed; "
            f"{time.perf_counter() - t0:.0f} s"
        ),
    )


def _print_table(hits: dict[tuple[str, str], list[float]], header: str = "") -> None:
    rows = [
        {"quantity": q, "method": m, "coverage": float(np.mean(v)), "data sets": len(v)}
        for (q, m), v in hits.items()
    ]
    table = pd.DataFrame(rows).sort_values(["quantity", "method"])
    if header:
        print(header)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"), flush=True)


if __name__ == "__main__":
    main()
