"""Bootstrap prediction intervals of CLV: time for a large base, against refitting lifetimes.

Data: ``--clients`` histories drawn from BG/NBD with the CDNOW estimates (Fader,
Hardie & Lee 2005: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 per week), first
purchases spread over 12 weeks, observation 78 weeks, recency at day resolution (in
weeks), and Gamma-Gamma spend with the CDNOW estimates (p = 6.25, q = 3.74,
gamma = 15.44). The timed call is

    customer_lifetime_value(bgnbd, gamma_gamma, summary, value="revenue",
                            interval=0.9, n_bootstrap=REPLICATES, random_state=1)

which refits both models on every resample and scores every client. The parametric
option (``method="parametric"``) is timed too.

lifetimes has no bootstrap; its cost is that of refitting ``BetaGeoFitter`` and
``GammaGammaFitter`` once per replicate. That is timed on a ``--subsample`` of the
same data (``--lifetimes-fits`` fits) and extrapolated linearly in the number of
clients (lifetimes evaluates every client at each likelihood call), then multiplied
by the number of replicates. The extrapolation is labelled as such.

Run: ``python benchmarks/bench_clv_uncertainty.py [--clients 1000000] [--replicates 200]``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from clientalytics.clv import BetaGeoModel, GammaGammaModel, customer_lifetime_value

CDNOW_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
CDNOW_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def simulated_base(n: int, seed: int = 0) -> pd.DataFrame:
    """Return ``n`` BG/NBD + Gamma-Gamma client histories (weeks, day resolution)."""
    rng = np.random.default_rng(seed)
    truth = BetaGeoModel()
    truth.params_ = pd.Series(CDNOW_BGNBD, name="value")
    T = (546 - rng.integers(0, 84, n)) / 7.0
    summary = truth.sample(T, random_state=seed + 1)
    rec = np.floor(summary["recency"].to_numpy() * 7) / 7
    rec = np.where(summary["frequency"] > 0, np.maximum(rec, 1 / 7), 0.0)
    summary["recency"] = rec
    p, q, g = CDNOW_GAMMA_GAMMA.values()
    nu = rng.gamma(q, 1 / g, n)
    x = summary["frequency"].to_numpy()
    mean_value = rng.gamma(p * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1)))
    summary["monetary_value"] = np.where(x > 0, mean_value, 0.0)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--subsample", type=int, default=20_000)
    parser.add_argument("--lifetimes-fits", type=int, default=3)
    args = parser.parse_args()

    summary = simulated_base(args.clients)
    t0 = time.perf_counter()
    bgnbd = BetaGeoModel().fit(summary, time_unit="W")
    spend = GammaGammaModel().fit(summary)
    fit_time = time.perf_counter() - t0
    distinct = bgnbd.n_distinct_histories_
    print(f"clients: {args.clients:,}  distinct histories: {distinct:,}")
    print(f"clientalytics: fit BG/NBD + Gamma-Gamma once: {fit_time:.1f} s")

    t0 = time.perf_counter()
    customer_lifetime_value(bgnbd, spend, summary, value="revenue")
    point = time.perf_counter() - t0
    print(f"clientalytics: CLV point estimates: {point:.1f} s")

    for method in ("parametric", "bootstrap"):
        t0 = time.perf_counter()
        customer_lifetime_value(
            bgnbd,
            spend,
            summary,
            value="revenue",
            interval=0.9,
            n_bootstrap=args.replicates,
            method=method,
            random_state=1,
        )
        elapsed = time.perf_counter() - t0
        print(
            f"clientalytics: CLV with 90% intervals, {args.replicates} {method} "
            f"replicates: {elapsed:.1f} s"
        )

    from lifetimes import BetaGeoFitter, GammaGammaFitter

    sub = summary.sample(args.subsample, random_state=2)
    repeat = sub[sub["frequency"] > 0]
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(args.lifetimes_fits):
            BetaGeoFitter().fit(sub["frequency"], sub["recency"], sub["T"])
            GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    per_fit = (time.perf_counter() - t0) / args.lifetimes_fits
    extrapolated = per_fit * args.clients / args.subsample * args.replicates
    print(
        f"lifetimes: one BG/NBD + Gamma-Gamma refit on {args.subsample:,} clients: "
        f"{per_fit:.2f} s (measured)"
    )
    print(
        f"lifetimes: {args.replicates} refits on {args.clients:,} clients: "
        f"{extrapolated:,.0f} s (EXTRAPOLATED linearly from the subsample)"
    )


if __name__ == "__main__":
    main()
