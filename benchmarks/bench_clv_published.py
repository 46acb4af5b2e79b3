"""Published-data fits of the wider model family: grocery (BTYDplus) and apparel (CLVTools).

Fits NBD, Pareto/NBD, BG/NBD, MBG/NBD, BG/CNBD-k and MBG/CNBD-k on BTYDplus' grocery
calibration year (``T.cal = "2006-12-31"``, weeks of 7 days, purchase days) and
Pareto/NBD, BG/NBD and GGompertz/NBD on CLVTools' apparel data (104 weeks of estimation),
printing estimates, log-likelihoods and wall times.

Run: ``python benchmarks/bench_clv_published.py``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from clientalytics.clv import (
    BetaGeoCNBDModel,
    BetaGeoModel,
    GGompertzNBDModel,
    ModifiedBetaGeoCNBDModel,
    ModifiedBetaGeoModel,
    NBDModel,
    ParetoNBDModel,
    TransactionModel,
)
from clientalytics.clv.regularity import LOG_INTERPURCHASE_COLUMN, log_interpurchase_sum
from clientalytics.datasets import load_apparel, load_grocery
from clientalytics.exceptions import ConvergenceError
from clientalytics.summary import summarize


def weekly_summary(tx: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Summary of purchase days up to ``end`` in weeks of 7 days, with the regularity column."""
    cal = tx[tx["date"] <= end]
    revenue = cal["revenue"] if "revenue" in cal else 1.0
    daily = summarize(
        cal.assign(revenue=revenue), cost_col=None, time_unit="D", observation_end=end
    )
    litt = log_interpurchase_sum(cal, time_unit="D")
    return pd.DataFrame(
        {
            "frequency": daily["frequency"],
            "recency": daily["recency"] / 7,
            "T": daily["T"] / 7,
            LOG_INTERPURCHASE_COLUMN: litt - daily["frequency"] * np.log(7),
        }
    )


def fit_all(summary: pd.DataFrame, models: dict[str, TransactionModel]) -> pd.DataFrame:
    rows = {}
    for name, model in models.items():
        start = time.perf_counter()
        try:
            model.fit(summary, time_unit="W")
        except ConvergenceError as error:
            rows[name] = {"note": str(error)[:90], "seconds": time.perf_counter() - start}
            continue
        row: dict[str, object] = {f"{k}": round(float(v), 4) for k, v in model.params_.items()}
        row["k"] = getattr(model, "k_", None)
        row["log_likelihood"] = round(float(model.log_likelihood_), 2)
        row["seconds"] = round(time.perf_counter() - start, 2)
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def main() -> None:
    grocery = weekly_summary(load_grocery(), pd.Timestamp("2006-12-31"))
    print(f"grocery calibration 2006: {len(grocery)} clients")
    print(
        fit_all(
            grocery,
            {
                "NBD": NBDModel(),
                "Pareto/NBD": ParetoNBDModel(),
                "BG/NBD": BetaGeoModel(),
                "MBG/NBD": ModifiedBetaGeoModel(),
                "BG/CNBD-k": BetaGeoCNBDModel(),
                "MBG/CNBD-k": ModifiedBetaGeoCNBDModel(),
            },
        ).to_string()
    )
    tx = load_apparel()
    apparel = weekly_summary(tx, tx["date"].min() + pd.Timedelta(weeks=104))
    print(f"\napparel, 104 weeks of estimation: {len(apparel)} clients")
    print(
        fit_all(
            apparel,
            {
                "Pareto/NBD": ParetoNBDModel(),
                "BG/NBD": BetaGeoModel(),
                "GGom/NBD": GGompertzNBDModel(),
            },
        ).to_string()
    )


if __name__ == "__main__":
    main()
