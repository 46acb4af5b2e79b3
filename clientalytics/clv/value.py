"""Customer lifetime value from a transaction model and a value-per-purchase model.

CLV of a client = sum over future months ``k = 1..H`` of
``E[purchases in month k] * E[value per purchase] * margin rate / (1 + annual rate)**(k/12)``.
Both the horizon and the discount rate are stated in calendar terms (months, an
annual rate) and converted to the time unit of the summary, so the result does not
depend on whether the summary counts days, weeks or months.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from clientalytics.clv.base import TransactionModel
from clientalytics.clv.gamma_gamma import GammaGammaModel
from clientalytics.clv.intervals import ValueDraws, check_interval, value_draws
from clientalytics.clv.uncertainty import DrawMethod
from clientalytics.exceptions import ValidationError
from clientalytics.periods import MONTHS_PER_PERIOD, SUMMARY_TIME_UNITS, TimeUnit, check_time_unit


def resolve_time_unit(time_unit: TimeUnit | None, transaction_model: TransactionModel) -> TimeUnit:
    """Return the unit of ``recency`` and ``T``: the argument, else the model's ``time_unit_``.

    Raises
    ------
    ValidationError
        When neither is given, when both are given and differ, or when the unit is
        not one of ``"D"``, ``"W"``, ``"M"``.
    """
    fitted = getattr(transaction_model, "time_unit_", None)
    if time_unit is None and fitted is None:
        raise ValidationError(
            "time_unit is required: pass time_unit='D', 'W' or 'M' (the unit of recency and T "
            "in the summary) to the transaction model's fit or to this call, so "
            "that the horizon and the annual discount rate can be converted"
        )
    unit = check_time_unit(time_unit if time_unit is not None else fitted, SUMMARY_TIME_UNITS)
    if fitted is not None and unit != fitted:
        raise ValidationError(
            f"time_unit={unit!r} differs from the unit the transaction model was fitted in "
            f"(time_unit_={fitted!r}); recency and T of one summary have one unit"
        )
    return unit


def period_discount_rate(annual_discount_rate: float, *, time_unit: TimeUnit) -> float:
    """Convert an annual discount rate to the rate per summary time unit.

    ``(1 + annual) ** (unit length in years) - 1``; e.g. 10 % a year is about 0.797 %
    a month and 0.183 % a week.
    """
    unit = check_time_unit(time_unit, SUMMARY_TIME_UNITS)
    _check_rate(annual_discount_rate)
    years = MONTHS_PER_PERIOD[unit] / 12.0
    return float((1.0 + annual_discount_rate) ** years - 1.0)


def _check_rate(rate: float) -> None:
    if not np.isfinite(rate) or rate <= -1 or rate > 10:
        raise ValidationError(
            f"annual_discount_rate must be a yearly fraction such as 0.1 (10 %), got {rate}"
        )


def _margin_rate(
    summary: pd.DataFrame,
    margin_rate: float | pd.Series | None,
    value: str,
) -> pd.Series:
    if value == "revenue":
        if margin_rate is not None:
            raise ValidationError("margin_rate applies to value='margin' only")
        return pd.Series(1.0, index=summary.index)
    if value != "margin":
        raise ValidationError(f"value must be 'margin' or 'revenue', got {value!r}")
    if isinstance(margin_rate, pd.Series):
        rate = margin_rate.reindex(summary.index)
        missing = rate.isna()
        if missing.any():
            raise ValidationError(
                f"margin_rate has no value for {int(missing.sum())} client(s), e.g. "
                f"{list(summary.index[missing.to_numpy()][:3])}"
            )
        return rate.astype(np.float64)
    if margin_rate is not None:
        if not np.isfinite(margin_rate) or margin_rate > 1:
            raise ValidationError(f"margin_rate must be a share of revenue <= 1, got {margin_rate}")
        return pd.Series(float(margin_rate), index=summary.index)
    needed = ["total_margin", "total_revenue"]
    missing_cols = [c for c in needed if c not in summary.columns]
    if missing_cols:
        raise ValidationError(
            f"value='margin' needs a margin rate: the summary lacks {missing_cols}; pass "
            f"margin_rate=0.25 (share of revenue kept as margin), margin_rate=1.0 if the "
            f"spend model was fitted on margins, or value='revenue' to value revenue"
        )
    revenue = summary["total_revenue"].astype(np.float64)
    margin = summary["total_margin"].astype(np.float64)
    total_rev = float(revenue.sum())
    base_rate = float(margin.sum()) / total_rev if total_rev > 0 else 0.0
    with np.errstate(all="ignore"):
        per_client = margin / revenue
    return per_client.where(revenue > 0, base_rate).astype(np.float64)


def customer_lifetime_value(
    transaction_model: TransactionModel,
    spend_model: GammaGammaModel | pd.Series,
    summary: pd.DataFrame,
    *,
    time_unit: TimeUnit | None = None,
    horizon_months: int = 12,
    annual_discount_rate: float = 0.10,
    value: Literal["margin", "revenue"] = "margin",
    margin_rate: float | pd.Series | None = None,
    interval: float | None = None,
    n_bootstrap: int = 200,
    method: DrawMethod = "bootstrap",
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Discounted expected margin of each client over a horizon in months.

    Parameters
    ----------
    transaction_model : TransactionModel
        A fitted BG/NBD, modified BG/NBD, Pareto/NBD or BG/BB model, fitted on a
        summary in the same time unit as ``summary``; its ``time_unit_`` (set by
        ``fit(summary, time_unit=...)``) gives the unit when ``time_unit`` is omitted.
    spend_model : GammaGammaModel or pandas.Series
        Fitted Gamma-Gamma model giving the expected revenue per purchase, or a
        Series of expected value per purchase indexed like ``summary``.
    summary : pandas.DataFrame
        Client summary (``frequency``, ``recency``, ``T``, ``monetary_value``; plus
        ``total_margin`` and ``total_revenue`` when the margin rate is derived).
    time_unit : {"D", "W", "M"}, optional
        Unit of ``recency`` and ``T``; defaults to ``transaction_model.time_unit_``.
        One of the two is required, and when both are given they must agree.
    horizon_months : int, default 12
        Number of future months valued.
    annual_discount_rate : float, default 0.10
        Yearly discount rate; month ``k`` is discounted by ``(1 + rate) ** (k / 12)``.
    value : {"margin", "revenue"}, default "margin"
        Value margin (the default) or revenue.
    margin_rate : float or pandas.Series, optional
        Share of revenue that is margin. When omitted with ``value="margin"`` it is
        each client's ``total_margin / total_revenue`` (the base-wide rate for clients
        without revenue). Use 1.0 if the spend model was fitted on margins.
    interval : float, optional
        Coverage of prediction intervals to add (e.g. 0.9), from ``n_bootstrap``
        replicate fits of both models (see :func:`value_draws`). The intervals
        reflect the uncertainty of the fitted parameters, not the randomness of a
        client's future purchases.
    n_bootstrap : int, default 200
        Number of replicates when ``interval`` is given.
    method : {"bootstrap", "parametric"}, default "bootstrap"
        Refit on resampled clients, or draw parameters from their estimated
        normal distribution on the log scale (fast, no refit); see
        :func:`~clientalytics.clv.uncertainty.parameter_draws`.
    random_state : int or numpy.random.Generator, optional
        Seed of the replicates.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``, columns:

        - ``expected_purchases``: expected purchases over the horizon (undiscounted);
        - ``probability_alive``: probability the client is still active now;
        - ``expected_value_per_purchase``: expected revenue per purchase;
        - ``margin_rate``: share of that revenue counted as value (1 for revenue);
        - ``clv``: discounted expected margin (or revenue) over the horizon;
        - with ``interval``: ``expected_purchases_lower``, ``expected_purchases_upper``,
          ``probability_alive_lower``, ``probability_alive_upper``,
          ``expected_value_per_purchase_lower``, ``expected_value_per_purchase_upper``,
          ``clv_lower``, ``clv_upper``: equal-tailed percentile bounds of the
          replicates.
    """
    unit = resolve_time_unit(time_unit, transaction_model)
    _check_rate(annual_discount_rate)
    months = int(horizon_months)
    if months < 1 or months != horizon_months:
        raise ValidationError(f"horizon_months must be a whole number >= 1, got {horizon_months}")
    if transaction_model.discrete_time and unit != "M" and MONTHS_PER_PERIOD[unit] < 1:
        raise ValidationError("BG/BB needs whole periods; summarise by month ('M') for CLV")
    rate = _margin_rate(summary, margin_rate, value)
    if isinstance(spend_model, pd.Series):
        per_purchase = spend_model.reindex(summary.index).astype(np.float64)
        if per_purchase.isna().any():
            raise ValidationError(
                f"spend_model Series has no value for {int(per_purchase.isna().sum())} client(s)"
            )
    else:
        per_purchase = spend_model.expected_value(summary)
    step = 1.0 / MONTHS_PER_PERIOD[unit]  # one month in summary time units
    k = np.arange(1, months + 1, dtype=np.float64)
    times = k * step
    if transaction_model.discrete_time:
        times = np.round(times)
    cumulative = transaction_model.expected_purchases_path(summary, times=times)
    monthly = np.diff(cumulative, axis=1, prepend=0.0)
    discount = (1.0 + annual_discount_rate) ** (-k / 12.0)
    discounted_purchases = np.einsum("ij,j->i", monthly, discount)
    alive = transaction_model.probability_alive(summary)
    per_unit = per_purchase.to_numpy() * rate.to_numpy()
    table = pd.DataFrame(
        {
            "expected_purchases": cumulative[:, -1],
            "probability_alive": alive.to_numpy(),
            "expected_value_per_purchase": per_purchase.to_numpy(),
            "margin_rate": rate.to_numpy(),
            "clv": discounted_purchases * per_unit,
        },
        index=summary.index,
    )
    if interval is None:
        return table
    level = check_interval(interval)
    draws = value_draws(
        transaction_model,
        spend_model,
        summary,
        times=times,
        discount=discount,
        margin_rate=rate.to_numpy(),
        n_bootstrap=n_bootstrap,
        method=method,
        random_state=random_state,
    )
    return pd.concat([table, draws.interval_table(level)], axis=1)


def customer_value_draws(
    transaction_model: TransactionModel,
    spend_model: GammaGammaModel | pd.Series,
    summary: pd.DataFrame,
    *,
    time_unit: TimeUnit | None = None,
    horizon_months: int = 12,
    annual_discount_rate: float = 0.10,
    value: Literal["margin", "revenue"] = "margin",
    margin_rate: float | pd.Series | None = None,
    n_bootstrap: int = 200,
    method: DrawMethod = "bootstrap",
    random_state: int | np.random.Generator | None = None,
) -> ValueDraws:
    """Replicates of every client's CLV quantities, for intervals of sums such as equity.

    Takes the arguments of :func:`customer_lifetime_value`; pass the result to
    :func:`customer_equity` as ``draws=`` to get equity intervals. With the same
    ``random_state`` the replicates are those behind ``customer_lifetime_value``'s
    intervals.

    Returns
    -------
    ValueDraws
        See :class:`~clientalytics.clv.intervals.ValueDraws`.
    """
    unit = resolve_time_unit(time_unit, transaction_model)
    _check_rate(annual_discount_rate)
    months = int(horizon_months)
    if months < 1 or months != horizon_months:
        raise ValidationError(f"horizon_months must be a whole number >= 1, got {horizon_months}")
    rate = _margin_rate(summary, margin_rate, value)
    k = np.arange(1, months + 1, dtype=np.float64)
    times = k / MONTHS_PER_PERIOD[unit]
    if transaction_model.discrete_time:
        times = np.round(times)
    discount = (1.0 + annual_discount_rate) ** (-k / 12.0)
    return value_draws(
        transaction_model,
        spend_model,
        summary,
        times=times,
        discount=discount,
        margin_rate=rate.to_numpy(),
        n_bootstrap=n_bootstrap,
        method=method,
        random_state=random_state,
    )


def customer_equity(
    clv: pd.DataFrame | pd.Series,
    *,
    segments: pd.Series | None = None,
    clv_col: str = "clv",
    interval: float | None = None,
    draws: ValueDraws | None = None,
) -> pd.DataFrame:
    """Sum CLV over the client base, by segment.

    Parameters
    ----------
    clv : pandas.DataFrame or pandas.Series
        Output of :func:`customer_lifetime_value` or a Series of CLV per client.
    segments : pandas.Series, optional
        Segment label per client (aligned on the index). Without it the whole base
        is one segment named ``"all clients"``.
    clv_col : str, default "clv"
        Column holding CLV when ``clv`` is a DataFrame.
    interval : float, optional
        Coverage of an interval for each segment's equity (e.g. 0.9); needs
        ``draws``.
    draws : ValueDraws, optional
        Output of :func:`customer_value_draws` for the same clients.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``segment`` (sorted by equity, largest first), columns:

        - ``n_clients``: clients in the segment;
        - ``customer_equity``: sum of CLV;
        - ``mean_clv`` and ``median_clv``;
        - ``share_of_equity``: segment equity over total equity (0 when total is 0);
        - with ``interval``: ``customer_equity_lower`` and ``customer_equity_upper``,
          equal-tailed percentile bounds of the segment's summed CLV replicates.
    """
    values = clv[clv_col] if isinstance(clv, pd.DataFrame) else clv
    values = values.astype(np.float64)
    if not np.all(np.isfinite(values.to_numpy())):
        raise ValidationError("clv has missing or infinite values")
    if segments is None:
        labels = pd.Series("all clients", index=values.index)
    else:
        labels = segments.reindex(values.index)
        missing = labels.isna()
        if missing.any():
            raise ValidationError(
                f"segments has no label for {int(missing.sum())} client(s), e.g. "
                f"{list(values.index[missing.to_numpy()][:3])}"
            )
    grouped = values.groupby(labels.astype(str).to_numpy())
    table = pd.DataFrame(
        {
            "n_clients": grouped.size(),
            "customer_equity": grouped.sum(),
            "mean_clv": grouped.mean(),
            "median_clv": grouped.median(),
        }
    )
    total = float(values.sum())
    table["share_of_equity"] = table["customer_equity"] / total if total != 0 else 0.0
    table.index.name = "segment"
    if interval is not None:
        level = check_interval(interval)
        if draws is None:
            raise ValidationError(
                "customer_equity(interval=...) needs draws=customer_value_draws(...) "
                "computed for the same clients"
            )
        if not draws.index.equals(values.index):
            raise ValidationError("draws were computed for other clients than clv")
        replicates = draws.equity(labels.astype(str).to_numpy())
        lo, hi = np.quantile(replicates.to_numpy(), [(1 - level) / 2, (1 + level) / 2], axis=1)
        bounds = pd.DataFrame(
            {"customer_equity_lower": lo, "customer_equity_upper": hi}, index=replicates.index
        )
        table = table.join(bounds)
    return table.sort_values("customer_equity", ascending=False)


def residual_lifetime_value(
    transaction_model: TransactionModel,
    spend_model: GammaGammaModel | pd.Series,
    summary: pd.DataFrame,
    *,
    time_unit: TimeUnit | None = None,
    annual_discount_rate: float = 0.10,
    value: Literal["margin", "revenue"] = "margin",
    margin_rate: float | pd.Series | None = None,
) -> pd.DataFrame:
    """Infinite-horizon value of each client: DERT times the value per purchase.

    ``clv = DERT * expected value per purchase * margin rate``, where DERT
    (:meth:`~clientalytics.clv.base.TransactionModel.discounted_expected_purchases`)
    discounts every future purchase at its time by the annual rate converted to the
    summary's unit (Fader, Hardie & Lee 2005, "RFM and CLV").

    Parameters
    ----------
    transaction_model, spend_model, summary, time_unit, value, margin_rate
        As in :func:`customer_lifetime_value`.
    annual_discount_rate : float, default 0.10
        Yearly discount rate, > 0.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``, columns ``dert``, ``probability_alive``,
        ``expected_value_per_purchase``, ``margin_rate`` and ``clv``.
    """
    unit = resolve_time_unit(time_unit, transaction_model)
    _check_rate(annual_discount_rate)
    if annual_discount_rate <= 0:
        raise ValidationError("an infinite horizon needs annual_discount_rate > 0")
    rate = _margin_rate(summary, margin_rate, value)
    if isinstance(spend_model, pd.Series):
        per_purchase = spend_model.reindex(summary.index).astype(np.float64)
        if per_purchase.isna().any():
            raise ValidationError(
                f"spend_model Series has no value for {int(per_purchase.isna().sum())} client(s)"
            )
    else:
        per_purchase = spend_model.expected_value(summary)
    per_period = period_discount_rate(annual_discount_rate, time_unit=unit)
    dert = transaction_model.discounted_expected_purchases(summary, discount_rate=per_period)
    return pd.DataFrame(
        {
            "dert": dert.to_numpy(),
            "probability_alive": transaction_model.probability_alive(summary).to_numpy(),
            "expected_value_per_purchase": per_purchase.to_numpy(),
            "margin_rate": rate.to_numpy(),
            "clv": dert.to_numpy() * per_purchase.to_numpy() * rate.to_numpy(),
        },
        index=summary.index,
    )
