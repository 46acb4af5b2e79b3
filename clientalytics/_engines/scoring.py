"""Scoring a per-client summary inside its engine: CLV without collecting clients.

A transaction model's scores depend on a client's history only through
``(frequency, recency, T)``, and a client base has far fewer distinct histories
than clients (weekly histories over three years are bounded by 157 ** 3, and
in practice number a few tens of thousands). :func:`engine_scores` therefore

1. collects the distinct histories of a native summary (DuckDB relation, Polars
   LazyFrame, Spark DataFrame), never the per-client rows;
2. scores them once in Python with the fitted models' own methods
   (:func:`clientalytics.clv.customer_lifetime_value` with a value of 1 per
   purchase gives the expected purchases, the probability of being alive and
   the discounted expected purchases over the horizon);
3. reads the Gamma-Gamma expected value per purchase, which is linear in the
   client's ``monetary_value`` for a given ``frequency``, as an intercept and a
   slope per distinct frequency, evaluated by the spend model itself;
4. moves these few scored rows into the engine and joins them back to every
   client there, where the per-client CLV is computed.
"""

from __future__ import annotations

from typing import Any, Literal

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from clientalytics.clv.base import TransactionModel
from clientalytics.clv.gamma_gamma import GammaGammaModel
from clientalytics.clv.value import customer_lifetime_value, resolve_time_unit
from clientalytics.engine import collect as _collect
from clientalytics.exceptions import ValidationError
from clientalytics.periods import TimeUnit
from clientalytics.schema import require

#: The history columns a transaction model scores.
HISTORY = ["frequency", "recency", "T"]
#: Second probe of the spend model's slope: far from 1, so the slope is read precisely.
_PROBE = 1.0e6


def _scored_histories(
    histories: pd.DataFrame,
    transaction_model: TransactionModel,
    spend_model: GammaGammaModel | None,
    *,
    time_unit: TimeUnit,
    horizon_months: int,
    annual_discount_rate: float,
) -> pd.DataFrame:
    """Scores of each distinct history, plus the spend model's line per frequency."""
    histories = histories.reset_index(drop=True)
    unit_value = pd.Series(1.0, index=histories.index)
    scored = customer_lifetime_value(
        transaction_model,
        unit_value,
        histories,
        time_unit=time_unit,
        horizon_months=horizon_months,
        annual_discount_rate=annual_discount_rate,
        value="revenue",
    )
    out = histories.assign(
        expected_purchases=scored["expected_purchases"].to_numpy(),
        probability_alive=scored["probability_alive"].to_numpy(),
        discounted_purchases=scored["clv"].to_numpy(),
    )
    if spend_model is not None:
        frequency = out["frequency"].to_numpy()
        one = spend_model.expected_value(
            pd.DataFrame({"frequency": frequency, "monetary_value": 1.0})
        )
        far = spend_model.expected_value(
            pd.DataFrame({"frequency": frequency, "monetary_value": _PROBE})
        )
        slope = (far.to_numpy() - one.to_numpy()) / (_PROBE - 1.0)
        out["value_slope"] = slope
        out["value_intercept"] = one.to_numpy() - slope
    return out


def _into_engine(frame: pd.DataFrame, like: Any) -> Any:
    """Put a small pandas frame into the engine (and session, connection) of ``like``."""
    implementation = like.implementation
    native = nw.to_native(like)
    if implementation.is_duckdb():
        clientalytics_scored = frame  # noqa: F841 (read by DuckDB from this scope)
        return nw.from_native(
            native.query("clientalytics_rows", "SELECT * FROM clientalytics_scored")
        )
    if implementation.is_spark_like():
        return nw.from_native(native.sparkSession.createDataFrame(frame))
    if implementation.is_pandas():
        return nw.from_native(frame).lazy()
    return nw.from_native(frame).lazy(backend=implementation)


def engine_scores(
    transaction_model: TransactionModel,
    spend_model: GammaGammaModel | None,
    summary: Any,
    *,
    time_unit: TimeUnit | None = None,
    horizon_months: int = 12,
    annual_discount_rate: float = 0.10,
    value: Literal["margin", "revenue"] = "margin",
    margin_rate: float | None = None,
) -> Any:
    """Score expected purchases, P(alive) and CLV of every client in the summary's engine.

    Parameters
    ----------
    transaction_model : TransactionModel
        A fitted BG/NBD, modified BG/NBD, Pareto/NBD or BG/BB model (fitted, for
        example, on a sample of the summary collected to pandas).
    spend_model : GammaGammaModel or None
        Fitted Gamma-Gamma model of the value per purchase; ``None`` scores the
        expected purchases and P(alive) only.
    summary : native frame
        Per-client summary in its engine, as returned by
        ``summarize(..., output="native")``: a DuckDB relation, a Polars
        (Lazy)Frame or a Spark DataFrame with ``client_id``, ``frequency``,
        ``recency``, ``T`` (and ``monetary_value``, ``total_revenue``,
        ``total_margin`` for CLV). A pandas frame is accepted too.
    time_unit : {"D", "W", "M"}, optional
        Unit of ``recency`` and ``T``; defaults to ``transaction_model.time_unit_``.
    horizon_months, annual_discount_rate, value, margin_rate
        As for :func:`clientalytics.clv.customer_lifetime_value`; ``margin_rate``
        is one share for every client, or ``None`` for each client's
        ``total_margin / total_revenue`` (the base-wide rate for clients without
        revenue).

    Returns
    -------
    native frame
        In the engine of ``summary``, not yet run, one row per client in no
        particular order: ``client_id``, ``expected_purchases`` (over the horizon,
        undiscounted), ``probability_alive`` and, with a spend model,
        ``expected_value_per_purchase``, ``margin_rate`` and ``clv``: the columns
        and numbers of :func:`~clientalytics.clv.customer_lifetime_value`.

    Raises
    ------
    ValidationError
        A missing column, an unknown ``value``, a ``margin_rate`` above 1, or the
        reasons of :func:`~clientalytics.clv.customer_lifetime_value`.
    """
    unit = resolve_time_unit(time_unit, transaction_model)
    if value not in ("margin", "revenue"):
        raise ValidationError(f"value must be 'margin' or 'revenue', got {value!r}")
    if margin_rate is not None and (
        value != "margin" or not np.isfinite(margin_rate) or margin_rate > 1
    ):
        raise ValidationError(
            f"margin_rate must be a share of revenue <= 1 with value='margin', got {margin_rate}"
        )
    if isinstance(summary, pd.DataFrame) and "client_id" not in summary.columns:
        summary = summary.reset_index()
    lazy = nw.from_native(summary)
    lazy = lazy.lazy() if isinstance(lazy, nw.DataFrame) else lazy
    needed = ["client_id", *HISTORY]
    if spend_model is not None:
        needed.append("monetary_value")
        if value == "margin" and margin_rate is None:
            needed += ["total_revenue", "total_margin"]
    require(lazy, "summary", needed)
    histories = _collect(lazy.select(*HISTORY).unique())
    scored = _scored_histories(
        histories.astype({"frequency": "int64", "recency": float, "T": float}),
        transaction_model,
        spend_model,
        time_unit=unit,
        horizon_months=horizon_months,
        annual_discount_rate=annual_discount_rate,
    )
    joined = lazy.join(
        _into_engine(scored, lazy).with_columns(
            nw.col("frequency").cast(nw.Int64()),
            nw.col("recency", "T").cast(nw.Float64()),
        ),
        on=HISTORY,
        how="inner",
    )
    scores = [nw.col("client_id"), nw.col("expected_purchases"), nw.col("probability_alive")]
    if spend_model is None:
        return nw.to_native(joined.select(*scores))
    monetary = nw.col("monetary_value").cast(nw.Float64())
    per_purchase = (
        nw.when((nw.col("frequency") > 0) & (monetary <= 0))
        .then(nw.lit(0.0))
        .otherwise(nw.col("value_intercept") + nw.col("value_slope") * monetary)
    )
    if value == "revenue":
        rate: Any = nw.lit(1.0)
    elif margin_rate is not None:
        rate = nw.lit(float(margin_rate))
    else:
        revenue = nw.col("total_revenue").cast(nw.Float64())
        totals = _collect(
            lazy.select(
                revenue.sum().alias("revenue"),
                nw.col("total_margin").cast(nw.Float64()).sum().alias("margin"),
            )
        ).iloc[0]
        base = float(totals["margin"]) / float(totals["revenue"]) if totals["revenue"] > 0 else 0.0
        rate = (
            nw.when(revenue > 0)
            .then(nw.col("total_margin").cast(nw.Float64()) / revenue)
            .otherwise(nw.lit(base))
        )
    valued = joined.with_columns(
        per_purchase.alias("expected_value_per_purchase"), rate.alias("margin_rate")
    )
    clv = (
        nw.col("discounted_purchases")
        * nw.col("expected_value_per_purchase")
        * nw.col("margin_rate")
    )
    return nw.to_native(
        valued.select(
            *scores, nw.col("expected_value_per_purchase"), nw.col("margin_rate"), clv.alias("clv")
        )
    )
