"""Calibration of the strategy simulator from a company's spend and outcome history.

:func:`response_history` turns the tables into (spend per head, rate) points,
one per period and client group: acquisition spend per prospect against the
share of prospects who became clients, retention spend per client against the
share of last period's active clients who bought again. :class:`ResponseCurveFitter`
fits ``rate = floor + (ceiling − floor) · (1 − e^(−k · spend))`` to such points by
least squares and reports the fit (R², RMSE, number of points); it refuses to
fit on fewer points than it has parameters plus two. :func:`value_groups` splits
the clients into valuable and low-value by their share of margin, and
:func:`market_model_from_history` builds the simulator's
:class:`~clientalytics.marketing.simulator.MarketModel` and baseline plan from
the fitted curves and the company's recent group sizes and margins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize

from clientalytics._shares import top_share_members
from clientalytics.exceptions import ConvergenceError, NotFittedError, ValidationError
from clientalytics.marketing._checks import client_ids, require_dates
from clientalytics.marketing.allocation import allocate_marketing_spend, client_segments
from clientalytics.marketing.identification import (
    MIN_R2,
    MIN_SPEND_LEVELS,
    curve_identification,
)
from clientalytics.marketing.response import ResponseCurve
from clientalytics.marketing.simulator import ClientGroup, MarketModel, make_plan
from clientalytics.periods import TIME_UNITS, TimeUnit, check_time_unit
from clientalytics.schema import require

__all__ = [
    "CalibratedMarket",
    "ResponseCurveFitter",
    "market_model_from_history",
    "response_history",
    "value_groups",
]

PROSPECTS = "prospects"


class ResponseCurveFitter:
    """Least-squares fit of a saturating response curve to (spend, rate) points.

    Parameters
    ----------
    fit_floor : bool, default False
        Also fit the rate reached without spending; otherwise the floor is 0 and
        the curve is Blattberg & Deighton's ``ceiling · (1 − e^(−k · spend))``.
    min_points : int, optional
        Fewest points accepted (default: number of parameters + 2).
    level_tolerance : float, default 0.05
        Relative gap (to the median spend) below which two spends count as one
        spend level in ``n_levels_``.

    Attributes
    ----------
    ceiling_, k_, floor_ : float
        Fitted parameters.
    curve_ : ResponseCurve
        The fitted curve.
    r2_ : float
        Coefficient of determination of the fit on the points.
    rmse_ : float
        Root mean squared error of the fitted rates.
    n_points_ : int
        Number of points used.
    n_levels_ : int
        Distinct spend levels among the points: spends that differ by more than
        ``level_tolerance`` × their median count as different levels.
    spend_min_, spend_max_ : float
        Lowest and highest spend per head observed (the curve's ``spend_range``).
    mean_rate_ : float
        Mean observed rate.
    at_bound_ : tuple of str
        Fitted parameters that ended on a bound of the fit (ceiling at 0 or 1,
        k at its lower limit, floor at 0 or 1): the data did not pin them down.
    """

    def __init__(
        self,
        *,
        fit_floor: bool = False,
        min_points: int | None = None,
        level_tolerance: float = 0.05,
    ) -> None:
        self.fit_floor = fit_floor
        self.min_points = min_points
        self.level_tolerance = level_tolerance

    def fit(self, spend: npt.ArrayLike, rate: npt.ArrayLike) -> ResponseCurveFitter:
        """Fit the curve to spend per head and the rate observed with it.

        Parameters
        ----------
        spend : array-like
            Spend per head (per prospect or per client) in each period, >= 0.
        rate : array-like
            Rate observed in the same period, in [0, 1].

        Returns
        -------
        ResponseCurveFitter
            self.

        Raises
        ------
        ValidationError
            Too few points, or values out of range.
        ConvergenceError
            The least-squares fit did not converge.
        """
        x = np.asarray(spend, dtype="float64").ravel()
        y = np.asarray(rate, dtype="float64").ravel()
        if x.shape != y.shape:
            raise ValidationError(f"spend and rate differ in length: {x.size} vs {y.size}")
        n_params = 3 if self.fit_floor else 2
        needed = self.min_points if self.min_points is not None else n_params + 2
        if x.size < needed:
            raise ValidationError(
                f"too few (spend, rate) points to calibrate a response curve: {x.size}, need at "
                f"least {needed}; give the curve parameters yourself (ResponseCurve(ceiling, k))"
            )
        bad = ~(np.isfinite(x) & np.isfinite(y)) | (x < 0) | (y < 0) | (y > 1)
        if bad.any():
            raise ValidationError(
                f"{int(bad.sum())} point(s) have spend < 0, a rate outside [0, 1] or a missing "
                f"value, e.g. spend={x[bad][:3].tolist()}, rate={y[bad][:3].tolist()}"
            )
        scale = float(np.median(x[x > 0])) if (x > 0).any() else 1.0
        top = float(min(max(y.max(), 1e-6), 1.0))

        def residuals(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            ceiling, k = p[0], p[1] / scale
            floor = p[2] if self.fit_floor else 0.0
            return floor + (ceiling - floor) * (1 - np.exp(-k * x)) - y

        p0 = [top, 1.0] + ([float(y.min())] if self.fit_floor else [])
        lower = [0.0, 1e-9] + ([0.0] if self.fit_floor else [])
        upper = [1.0, np.inf] + ([1.0] if self.fit_floor else [])
        res = optimize.least_squares(residuals, p0, bounds=(lower, upper))
        if not res.success:
            raise ConvergenceError(
                f"response curve fit did not converge ({res.message}); check that the rate "
                "rises with spend or give the parameters yourself"
            )
        ceiling, k = float(res.x[0]), float(res.x[1] / scale)
        floor = min(float(res.x[2]), ceiling) if self.fit_floor else 0.0
        fitted = residuals(res.x) + y
        ss_res = float(np.sum((y - fitted) ** 2))
        ss_tot = float(np.sum((y - y.mean()) ** 2))
        self.ceiling_, self.k_, self.floor_ = ceiling, k, floor
        self.spend_min_, self.spend_max_ = float(x.min()), float(x.max())
        self.curve_ = ResponseCurve(
            ceiling=ceiling, k=k, floor=floor, spend_range=(self.spend_min_, self.spend_max_)
        )
        names = ["ceiling", "k"] + (["floor"] if self.fit_floor else [])
        self.at_bound_ = tuple(
            name for name, active in zip(names, res.active_mask, strict=True) if active != 0
        )
        step = self.level_tolerance * (scale if scale > 0 else 1.0)
        self.n_levels_ = (
            int(np.unique(np.round(x / step)).size) if step > 0 else int(np.unique(x).size)
        )
        self.mean_rate_ = float(y.mean())
        self.r2_ = 1.0 - ss_res / ss_tot if ss_tot > 0 else 0.0
        self.rmse_ = float(np.sqrt(ss_res / x.size))
        self.n_points_ = int(x.size)
        return self

    def predict(self, spend: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Return the fitted rate at each spend per head."""
        if not hasattr(self, "curve_"):
            raise NotFittedError("call fit() before predict()")
        return np.asarray(self.curve_.rate(np.asarray(spend, dtype="float64")), dtype="float64")

    @property
    def fit_report(self) -> pd.Series:
        """The fitted parameters and fit quality as a Series."""
        if not hasattr(self, "curve_"):
            raise NotFittedError("call fit() before reading fit_report")
        return pd.Series(
            {
                "ceiling": self.ceiling_,
                "k": self.k_,
                "floor": self.floor_,
                "r2": self.r2_,
                "rmse": self.rmse_,
                "n_points": self.n_points_,
                "n_levels": self.n_levels_,
                "spend_min": self.spend_min_,
                "spend_max": self.spend_max_,
                "mean_rate": self.mean_rate_,
                "at_bound": ", ".join(self.at_bound_),
            }
        )


def response_history(
    transactions: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    clients: pd.DataFrame,
    *,
    groups: pd.Series | str | None = None,
    time_unit: TimeUnit = "Q",
    acquired_on: Literal["first_contact_date", "first_purchase"] = "first_contact_date",
) -> pd.DataFrame:
    """Per period, spend per head and the acquisition / retention rate it went with.

    Parameters
    ----------
    transactions : DataFrame
        Columns ``client_id`` and ``date``.
    marketing_spend : DataFrame
        The spend table (see :func:`allocate_marketing_spend`).
    clients : DataFrame
        Columns ``client_id``, ``acquisition_channel``, ``first_contact_date``.
    groups : Series or str, optional
        Client group of each client (client_id -> label, or a clients column) for
        the retention points; without it all clients form one group ``"all"``.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "Q"
        Period of the points.
    acquired_on : {"first_contact_date", "first_purchase"}
        Passed to the spend allocation.

    Returns
    -------
    DataFrame
        One row per period and (group, purpose), columns ``period`` (str),
        ``group`` (``"prospects"`` for acquisition), ``purpose``
        (``"acquisition"`` or ``"retention"``), ``base`` (prospects at the
        period start: first contact before it and no purchase yet; or clients
        active in the previous period), ``outcome`` (prospects who made a first
        purchase in the period; or those active clients who bought again),
        ``spend`` (acquisition spend of the period; or retention and development
        spend allocated to the group's clients), ``spend_per_head`` and ``rate``
        (``outcome / base``). Periods with an empty base are left out (no rate is
        defined there); the first period has no retention point.
    """
    time_unit = check_time_unit(time_unit, TIME_UNITS)
    require(transactions, "transactions", ["client_id", "date"])
    require(clients, "clients", ["client_id", "first_contact_date"])
    txn = require_dates(transactions, "transactions", ["date"])
    txn = txn.assign(client_id=client_ids(txn["client_id"]))
    clients = require_dates(clients, "clients", ["first_contact_date"])
    spend = require_dates(marketing_spend, "marketing_spend", ["period"])
    labels = client_segments(groups, clients)
    ids = client_ids(clients["client_id"])
    if labels is None:
        labels = pd.Series("all", index=ids.to_numpy(), dtype=object)
    first_buy = txn.groupby("client_id")["date"].min().reindex(ids.to_numpy())
    contact = pd.Series(clients["first_contact_date"].to_numpy(), index=ids.to_numpy())
    contact = contact.where(contact.notna(), first_buy)
    txn["period"] = txn["date"].dt.to_period(time_unit)
    active: dict[str, set[str]] = {
        str(period): set(frame["client_id"]) for period, frame in txn.groupby("period")
    }
    periods = pd.period_range(txn["period"].min(), txn["period"].max(), freq=time_unit)
    spend_period = spend["period"].dt.to_period(time_unit)
    acq_spend = (
        spend.loc[spend["purpose"].astype(str) == "acquisition"]
        .groupby(spend_period)["amount"]
        .sum()
    )
    alloc = allocate_marketing_spend(
        marketing_spend,
        clients,
        txn,
        segments=None,
        time_unit=time_unit,
        acquired_on=acquired_on,
    )
    shares = alloc.shares.loc[alloc.shares["purpose"] != "acquisition"].copy()
    shares["group"] = labels.reindex(shares["client_id"].to_numpy()).fillna("unassigned").to_numpy()
    ret_spend = shares.groupby(["period", "group"])["amount"].sum()

    label_of = labels.to_dict()
    rows: list[dict[str, object]] = []
    for i, p in enumerate(periods):
        start, end = p.start_time, p.end_time
        prospects = (contact < start) & ~(first_buy < start)
        base = int(prospects.sum())
        if base > 0:
            won = int((prospects & (first_buy >= start) & (first_buy <= end)).sum())
            amount = float(acq_spend.get(p, 0.0))
            rows.append(_point(p, PROSPECTS, "acquisition", base, won, amount))
        if i == 0:
            continue
        before = active.get(str(periods[i - 1]), set())
        now = active.get(str(p), set())
        by_group: dict[str, set[str]] = {}
        for c in before:
            by_group.setdefault(str(label_of.get(c, "unassigned")), set()).add(c)
        for group, members in sorted(by_group.items()):
            kept = len(members & now)
            amount = float(ret_spend.get((p, group), 0.0))
            rows.append(_point(p, str(group), "retention", len(members), kept, amount))
    columns = ["period", "group", "purpose", "base", "outcome", "spend", "spend_per_head", "rate"]
    return pd.DataFrame(rows, columns=columns)


def _point(
    period: pd.Period, group: str, purpose: str, base: int, outcome: int, spend: float
) -> dict[str, object]:
    return {
        "period": str(period),
        "group": group,
        "purpose": purpose,
        "base": base,
        "outcome": outcome,
        "spend": spend,
        "spend_per_head": spend / base,
        "rate": outcome / base,
    }


def value_groups(
    transactions: pd.DataFrame,
    *,
    margin_share: float = 0.8,
    labels: tuple[str, str] = ("valuable", "low_value"),
) -> pd.Series:
    """Split buying clients into valuable and low-value by their share of total margin.

    Clients are ranked by margin (revenue − variable cost); the smallest set of
    top clients that together earn ``margin_share`` of the positive margin is
    "valuable" (the A of an ABC analysis), the rest "low_value".

    Parameters
    ----------
    transactions : DataFrame
        Columns ``client_id``, ``revenue``, ``variable_cost``.
    margin_share : float, default 0.8
        Share of the total margin the valuable clients earn, in (0, 1].
    labels : tuple of str
        Names of the two groups.

    Returns
    -------
    Series
        client_id -> group label, named ``"value_group"``.
    """
    if not 0 < margin_share <= 1:
        raise ValidationError(f"margin_share must lie in (0, 1], got {margin_share}")
    margin = (
        (
            transactions["revenue"].astype("float64")
            - transactions["variable_cost"].astype("float64")
        )
        .groupby(client_ids(transactions["client_id"]).to_numpy())
        .sum()
        .sort_values(ascending=False, kind="stable")
    )
    valuable = top_share_members(margin.to_numpy(), margin_share)
    out = pd.Series(
        np.where(valuable, labels[0], labels[1]), index=margin.index, name="value_group"
    )
    out.index.name = "client_id"
    return out


@dataclass(frozen=True)
class CalibratedMarket:
    """Result of :func:`market_model_from_history`.

    Attributes
    ----------
    model : MarketModel
        Client groups (``"prospects"`` plus the client groups given) with their
        curves, sizes and per-period margins.
    baseline : DataFrame
        The company's average per-period budgets over the last periods (a plan).
    calibration : DataFrame
        One row per (group, purpose): ``ceiling``, ``k``, ``floor``, ``r2``,
        ``rmse``, ``n_points``, ``n_levels``, ``spend_min``, ``spend_max``,
        ``mean_rate``, ``at_bound`` (NaN / empty for curves given by the
        analyst), ``source`` (``"fitted"``, ``"pooled"`` for the retention of new
        clients, fitted on every group's points, or ``"given"``), ``identified``
        and ``not_identified_because`` (see
        :func:`~clientalytics.marketing.identification.curve_identification`).
    history : DataFrame
        The (spend per head, rate) points used (see :func:`response_history`).
    """

    model: MarketModel
    baseline: pd.DataFrame
    calibration: pd.DataFrame
    history: pd.DataFrame

    @property
    def identified(self) -> bool:
        """Whether every curve of the model is identified by the history."""
        return bool(self.calibration["identified"].all())

    @property
    def unidentified(self) -> pd.DataFrame:
        """Rows of the calibration report for the curves that are not identified."""
        return self.calibration.loc[~self.calibration["identified"]]


def market_model_from_history(
    transactions: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    clients: pd.DataFrame,
    *,
    groups: pd.Series | str,
    time_unit: TimeUnit = "Q",
    horizon: int = 8,
    discount_rate: float = 0.02,
    curves: Mapping[tuple[str, str], ResponseCurve] | None = None,
    fit_floor: bool = True,
    recent_periods: int = 4,
    acquired_on: Literal["first_contact_date", "first_purchase"] = "first_contact_date",
    min_r2: float = MIN_R2,
    min_spend_levels: int = MIN_SPEND_LEVELS,
) -> CalibratedMarket:
    """Build the strategy simulator's model and baseline plan from the company's history.

    Parameters
    ----------
    transactions, marketing_spend, clients : DataFrame
        The company's tables.
    groups : Series or str
        Client group of each client (e.g. "valuable" / "low_value"), as a
        client_id -> label Series or a clients column.
    time_unit : {"D", "W", "M", "Q", "Y"}, default "Q"
        Period of the model (one simulated period = one such period).
    horizon : int, default 8
        Periods to simulate.
    discount_rate : float, default 0.02
        Discount rate per period.
    curves : mapping, optional
        Curves the analyst gives, keyed ``(group, "acquisition"|"retention")``;
        they replace the fit for that key. Use them where history is too short.
    fit_floor : bool, default True
        Fit a retention floor (the rate reached without spending); acquisition
        curves never have one.
    recent_periods : int, default 4
        Periods at the end of the history used for sizes, margins and the baseline.
    acquired_on : {"first_contact_date", "first_purchase"}
        When a client counts as acquired.
    min_r2, min_spend_levels
        Thresholds below which a fitted curve is not identified (see
        :func:`~clientalytics.marketing.identification.curve_identification`).

    Returns
    -------
    CalibratedMarket
        Model, baseline plan, calibration report and history points.

    Raises
    ------
    ValidationError
        When a curve has too few points and no curve is given for it.
    """
    time_unit = check_time_unit(time_unit, TIME_UNITS)
    given = dict(curves or {})
    labels = client_segments(groups, clients)
    assert labels is not None
    history = response_history(
        transactions,
        marketing_spend,
        clients,
        groups=labels,
        time_unit=time_unit,
        acquired_on=acquired_on,
    )
    report: list[dict[str, object]] = []

    def curve_for(group: str, purpose: str, floor: bool) -> ResponseCurve:
        if (group, purpose) in given:
            c = given[(group, purpose)]
            report.append(
                {"group": group, "purpose": purpose, "ceiling": c.ceiling, "k": c.k,
                 "floor": c.floor, "r2": np.nan, "rmse": np.nan, "n_points": np.nan,
                 "source": "given"}
            )  # fmt: skip
            return c
        pts = history.loc[(history["group"] == group) & (history["purpose"] == purpose)]
        try:
            fitter = ResponseCurveFitter(fit_floor=floor).fit(pts["spend_per_head"], pts["rate"])
        except ValidationError as err:
            raise ValidationError(
                f"cannot calibrate the {purpose} curve of group {group!r}: {err}; pass "
                f"curves={{({group!r}, {purpose!r}): ResponseCurve(...)}}"
            ) from err
        report.append({"group": group, "purpose": purpose, **fitter.fit_report, "source": "fitted"})
        return fitter.curve_

    txn = require_dates(transactions, "transactions", ["date"])
    txn = txn.assign(
        client_id=client_ids(txn["client_id"]),
        period=txn["date"].dt.to_period(time_unit),
        margin=txn["revenue"].astype("float64") - txn["variable_cost"].astype("float64"),
    )
    last = txn["period"].max()
    recent = txn.loc[txn["period"] > last - recent_periods]
    recent = recent.assign(
        group=labels.reindex(recent["client_id"]).fillna("unassigned").to_numpy()
    )
    hist_recent = history.loc[history["period"].isin({str(p) for p in recent["period"].unique()})]

    def per_client(frame: pd.DataFrame) -> tuple[float, float, float]:
        client_periods = frame.groupby("period")["client_id"].nunique()
        n = float(client_periods.sum())
        if n == 0:
            return 0.0, 0.0, 0.0
        return (
            float(frame.loc[frame["period"] == last, "client_id"].nunique()),
            float(frame["margin"].sum()) / n,
            float(frame["revenue"].astype("float64").sum()) / n,
        )

    out_groups: list[ClientGroup] = []
    budgets: dict[str, dict[str, float]] = {}
    # new clients: those whose first purchase falls in the recent periods
    first = txn.groupby("client_id")["period"].min()
    new_ids = set(first.index[first > last - recent_periods])
    _, new_margin, new_revenue = per_client(recent.loc[recent["client_id"].isin(new_ids)])
    acq_points = history.loc[history["purpose"] == "acquisition"]
    if acq_points.empty and (PROSPECTS, "acquisition") not in given:
        raise ValidationError(
            "no acquisition history (no prospects with a first contact before a period "
            "start); pass curves={('prospects', 'acquisition'): ResponseCurve(...)}"
        )
    pool = float(acq_points["base"].iloc[-1]) if not acq_points.empty else 0.0
    group_names = sorted(str(g) for g in set(labels.dropna()))
    pooled_ret = ResponseCurveFitter(fit_floor=fit_floor)
    ret_all = history.loc[history["purpose"] == "retention"]
    new_retention = given.get((PROSPECTS, "retention"))
    if new_retention is None and len(ret_all) >= (5 if fit_floor else 4):
        new_retention = pooled_ret.fit(ret_all["spend_per_head"], ret_all["rate"]).curve_
        report.append(
            {"group": PROSPECTS, "purpose": "retention", **pooled_ret.fit_report,
             "source": "pooled"}
        )  # fmt: skip
    out_groups.append(
        ClientGroup(
            PROSPECTS,
            clients=0.0,
            margin=new_margin,
            revenue=new_revenue,
            prospects=pool,
            acquisition=curve_for(PROSPECTS, "acquisition", False),
            retention=new_retention,
        )
    )
    acq_recent = hist_recent.loc[hist_recent["purpose"] == "acquisition", "spend"]
    budgets[PROSPECTS] = {
        "acquisition_budget": float(acq_recent.mean()) if len(acq_recent) else 0.0
    }
    for g in group_names:
        n_clients, margin, revenue = per_client(recent.loc[recent["group"] == g])
        out_groups.append(
            ClientGroup(
                g,
                clients=n_clients,
                margin=margin,
                revenue=revenue,
                retention=curve_for(g, "retention", fit_floor),
            )
        )
        spent = hist_recent.loc[
            (hist_recent["purpose"] == "retention") & (hist_recent["group"] == g), "spend"
        ]
        budgets[g] = {"retention_budget": float(spent.mean()) if len(spent) else 0.0}
    model = MarketModel(out_groups, horizon=horizon, discount_rate=discount_rate)
    calibration = curve_identification(
        pd.DataFrame(report).set_index(["group", "purpose"]),
        min_r2=min_r2,
        min_spend_levels=min_spend_levels,
    )
    return CalibratedMarket(
        model=model, baseline=make_plan(model, budgets), calibration=calibration, history=history
    )
