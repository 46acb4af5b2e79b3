"""Golden clients: an explainable ranking of clients by value, outlook and relationship.

Each criterion (predicted lifetime value, current margin, outlook, growth trend,
tenure, contract state) is turned into a 0..1 grade, weighted and summed. The
score's parts are kept as columns, so every rank can be explained. The golden
clients are the smallest set of top-ranked clients holding a given share of value,
or the top k.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from clientalytics._shares import top_share_members
from clientalytics.engine import check_complete, collect, to_lazy
from clientalytics.exceptions import ValidationError
from clientalytics.segmentation._inputs import as_value_series
from clientalytics.segmentation.typology import contract_state

#: Criteria in the order their columns appear, with their default weights.
DEFAULT_WEIGHTS: dict[str, float] = {
    "clv": 0.30,
    "margin": 0.25,
    "outlook": 0.15,
    "growth": 0.10,
    "tenure": 0.10,
    "contract": 0.10,
}

#: Tiers of :func:`rank_golden_clients`.
GOLDEN_TIERS = ("golden", "regular", "loss-making")


@dataclass(frozen=True)
class GoldenRanking:
    """Result of :func:`rank_golden_clients`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per client, sorted by rank (see :func:`rank_golden_clients`).
    criteria : list of str
        Criteria that entered the score.
    missing : list of str
        Criteria left out because their data were not supplied.
    weights : dict
        Weights actually used (renormalised to sum to 1 over ``criteria``).
    value_column : str
        Column whose share defines the golden set (``clv`` or ``margin``).
    """

    table: pd.DataFrame
    criteria: list[str]
    missing: list[str]
    weights: dict[str, float] = field(default_factory=dict)
    value_column: str = "margin"

    @property
    def golden(self) -> pd.DataFrame:
        """Rows of the golden clients, in rank order."""
        return self.table[self.table["tier"] == "golden"]

    def describe(self) -> str:
        """One-paragraph account of what the ranking used and found."""
        used = ", ".join(f"{c} ({self.weights[c]:.0%})" for c in self.criteria)
        text = f"Score built from {used}."
        if self.missing:
            text += f" Not used (no data supplied): {', '.join(self.missing)}."
        n_golden = len(self.golden)
        share = self.golden[self.value_column].clip(lower=0).sum() / max(
            self.table[self.value_column].clip(lower=0).sum(), 1e-300
        )
        return (
            text + f" {n_golden} golden client(s) of {len(self.table)} hold {share:.1%} of "
            f"the positive {self.value_column}."
        )


def value_trend(
    transactions: Any,
    *,
    observation_end: pd.Timestamp | str | dt.date | None = None,
    window_days: int = 365,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
    cost_col: str | None = "variable_cost",
) -> pd.DataFrame:
    """Compute current margin, revenue trend and tenure per client, in the input's engine.

    Parameters
    ----------
    transactions : DataFrame-like
        Transactions in any engine (pandas, Polars, DuckDB, ...).
    observation_end : timestamp, optional
        End of the current window (default: latest transaction).
    window_days : int
        Length of the current window and of the previous one it is compared with.
    client_col, date_col, revenue_col, cost_col : str
        Column names; ``cost_col=None`` means margin = revenue.

    Returns
    -------
    pandas.DataFrame
        Indexed by client id, columns ``margin`` (margin in the last
        ``window_days``), ``revenue_current``, ``revenue_previous`` (the window
        before), ``growth`` and ``tenure_days`` (days since the first transaction).
        ``growth`` is ``(current - previous) / (|current| + |previous|)`` in
        ``[-1, 1]``; it is 0 for clients whose first transaction is inside the
        previous window or later (no full comparison) and when both are zero.
    """
    if window_days <= 0:
        raise ValidationError(f"window_days must be positive, got {window_days}")
    lazy = to_lazy(transactions)
    needed = [client_col, date_col, revenue_col] + ([cost_col] if cost_col else [])
    stats = check_complete(lazy, needed, extra=[nw.col(date_col).max().alias("latest")])
    end = (
        pd.Timestamp(observation_end)
        if observation_end is not None
        else pd.Timestamp(stats["latest"])
    )
    current_start = (end - pd.Timedelta(days=window_days)).to_pydatetime()
    previous_start = (end - pd.Timedelta(days=2 * window_days)).to_pydatetime()
    date = nw.col(date_col)
    revenue = nw.col(revenue_col).cast(nw.Float64())
    cost = nw.col(cost_col).cast(nw.Float64()) if cost_col else nw.lit(0.0)
    in_current = (date > nw.lit(current_start)) & (date <= nw.lit(end.to_pydatetime()))
    in_previous = (date > nw.lit(previous_start)) & (date <= nw.lit(current_start))
    per_client = (
        lazy.select(
            nw.col(client_col).alias("client_id"),
            date.alias("date"),
            nw.when(in_current).then(revenue - cost).otherwise(0.0).alias("margin"),
            nw.when(in_current).then(revenue).otherwise(0.0).alias("revenue_current"),
            nw.when(in_previous).then(revenue).otherwise(0.0).alias("revenue_previous"),
        )
        .group_by("client_id")
        .agg(
            nw.col("margin").sum(),
            nw.col("revenue_current").sum(),
            nw.col("revenue_previous").sum(),
            nw.col("date").min().alias("first_date"),
        )
    )
    raw = collect(per_client)
    raw["client_id"] = raw["client_id"].astype(str)
    raw = raw.set_index("client_id").sort_index()
    first = pd.to_datetime(raw["first_date"]).astype("datetime64[ns]")
    cur = raw["revenue_current"].astype(float)
    prev = raw["revenue_previous"].astype(float)
    denom = cur.abs() + prev.abs()
    full = first <= pd.Timestamp(previous_start)
    growth = np.where(full & (denom > 0), (cur - prev) / denom.where(denom > 0, 1.0), 0.0)
    out = pd.DataFrame(
        {
            "margin": raw["margin"].astype(float),
            "revenue_current": cur,
            "revenue_previous": prev,
            "growth": growth,
            "tenure_days": (end.normalize() - first.dt.normalize()).dt.days.astype("int64"),
        },
        index=raw.index,
    )
    out.index.name = "client_id"
    return out


def _grade(values: pd.Series) -> pd.Series:
    """Percentile grade in [0, 1]: 0 for the smallest, 1 for the largest, ties averaged."""
    if len(values) == 1:
        return pd.Series(1.0, index=values.index)
    return (values.rank(method="average") - 1.0) / (len(values) - 1.0)


def _probability(data: Any, column: str, index: pd.Index) -> pd.Series:
    series = as_value_series(data, column=column, table="outlook")
    bad = (series < 0) | (series > 1)
    if bad.any():
        raise ValidationError(
            f"outlook: column {column!r} has {int(bad.sum())} value(s) outside [0, 1], "
            f"e.g. {series[bad].head(3).tolist()}"
        )
    return _aligned(series, index, "outlook")


def _aligned(series: pd.Series, index: pd.Index, name: str) -> pd.Series:
    series.index = series.index.astype(str)
    missing = index.difference(series.index)
    if len(missing):
        raise ValidationError(
            f"{name}: {len(missing)} ranked client(s) have no value, e.g. {missing[:3].tolist()}"
        )
    return series.reindex(index)


def rank_golden_clients(
    transactions: Any,
    *,
    clv: pd.DataFrame | pd.Series | None = None,
    clv_col: str = "clv",
    outlook: pd.DataFrame | pd.Series | None = None,
    outlook_col: str = "p_alive",
    contracts: pd.DataFrame | None = None,
    weights: Mapping[str, float] | None = None,
    value_share: float = 0.5,
    top_k: int | None = None,
    observation_end: pd.Timestamp | str | dt.date | None = None,
    window_days: int = 365,
    client_col: str = "client_id",
    date_col: str = "date",
    revenue_col: str = "revenue",
    cost_col: str | None = "variable_cost",
) -> GoldenRanking:
    """Rank clients and name the golden ones, with each criterion's contribution.

    Parameters
    ----------
    transactions : DataFrame-like
        Transactions in any engine; current margin, growth and tenure come from
        :func:`value_trend`.
    clv : DataFrame or Series, optional
        Predicted lifetime value per client id (column ``clv_col``).
    outlook : DataFrame or Series, optional
        Probability the client stays (P(alive) or retention) per client id, in
        ``[0, 1]`` (column ``outlook_col``).
    contracts : pandas.DataFrame, optional
        Contract registry; an active contract (:func:`contract_state`) scores 1.
    weights : mapping, optional
        Weight per criterion (keys of :data:`DEFAULT_WEIGHTS`); missing keys take
        the default. Criteria without data are dropped and the rest renormalised.
    value_share : float
        Golden = the smallest set of top-ranked, not loss-making clients holding at
        least this share of the positive value (CLV when supplied, else current
        margin). Default 0.5.
    top_k : int, optional
        Golden = the top ``top_k`` not loss-making clients instead.
    observation_end, window_days, client_col, date_col, revenue_col, cost_col
        As for :func:`value_trend`.

    Returns
    -------
    GoldenRanking
        ``table`` indexed by client id and sorted by rank, with columns ``rank``
        (1 = best, a permutation of 1..n), ``score`` (0..1, the sum of the
        contributions), ``tier`` (``golden``, ``regular`` or ``loss-making``: negative
        current margin, never golden), then per used criterion ``c`` its raw value
        (``clv``, ``margin``, ``outlook``, ``growth``, ``tenure_days``, ``contract``)
        and ``contrib_<c>`` = weight x grade. ``criteria``, ``missing`` and
        ``weights`` say what was used.

    Notes
    -----
    Grades: CLV, margin, growth and tenure are graded by percentile rank (0 for the
    lowest client, 1 for the highest, ties averaged), so scale and outliers do not
    matter; outlook is used as the probability itself; contract is 1 for an active
    contract, else 0. Ties in score are broken by value (CLV or margin), then by
    client id, so the ranking is deterministic.

    The report passes ``clv`` and ``outlook`` (P(alive)) from its one valuation
    (:func:`clientalytics.report.inputs.report_inputs`), so the ranking uses the
    purchase model chosen on the holdout period, the one the CLV section names.
    """
    if top_k is not None and top_k < 1:
        raise ValidationError(f"top_k must be >= 1, got {top_k}")
    if not 0 < value_share <= 1:
        raise ValidationError(f"value_share must be in (0, 1], got {value_share}")
    chosen = dict(DEFAULT_WEIGHTS)
    if weights is not None:
        unknown = set(weights) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ValidationError(
                f"weights: unknown criteria {sorted(unknown)}; known: {list(DEFAULT_WEIGHTS)}"
            )
        if any(not np.isfinite(w) or w < 0 for w in weights.values()):
            raise ValidationError(f"weights must be finite and >= 0, got {dict(weights)}")
        chosen.update(weights)
    activity = value_trend(
        transactions,
        observation_end=observation_end,
        window_days=window_days,
        client_col=client_col,
        date_col=date_col,
        revenue_col=revenue_col,
        cost_col=cost_col,
    )
    index = activity.index
    raw: dict[str, pd.Series] = {
        "margin": activity["margin"],
        "growth": activity["growth"],
        "tenure": activity["tenure_days"].astype(float),
    }
    grades: dict[str, pd.Series] = {k: _grade(v) for k, v in raw.items()}
    if clv is not None:
        raw["clv"] = _aligned(as_value_series(clv, column=clv_col, table="clv"), index, "clv")
        grades["clv"] = _grade(raw["clv"])
    if outlook is not None:
        raw["outlook"] = _probability(outlook, outlook_col, index)
        grades["outlook"] = raw["outlook"]
    if contracts is not None:
        end = observation_end if observation_end is not None else None
        state = contract_state(
            contracts, observation_end=end if end is not None else _latest(transactions, date_col)
        )
        state.index = state.index.astype(str)
        raw["contract"] = (state.reindex(index) == "active").astype(float)
        grades["contract"] = raw["contract"]
    criteria = [c for c in DEFAULT_WEIGHTS if c in raw and chosen[c] > 0]
    missing = [c for c in DEFAULT_WEIGHTS if c not in raw]
    total_weight = sum(chosen[c] for c in criteria)
    if total_weight <= 0:
        raise ValidationError("weights: every criterion with data has weight 0")
    used = {c: chosen[c] / total_weight for c in criteria}
    table = pd.DataFrame(index=index)
    for c in criteria:
        table[c if c != "tenure" else "tenure_days"] = raw[c]
    contrib = pd.DataFrame({f"contrib_{c}": used[c] * grades[c] for c in criteria}, index=index)
    table = table.join(contrib)
    table["score"] = contrib.sum(axis=1)
    value_column = "clv" if "clv" in raw else "margin"
    table["margin"] = raw["margin"]
    table[value_column] = raw[value_column]
    table["_id"] = table.index.astype(str)
    table = table.sort_values(
        ["score", value_column, "_id"], ascending=[False, False, True], kind="mergesort"
    ).drop(columns="_id")
    table["rank"] = np.arange(1, len(table) + 1, dtype="int64")
    loss = (table["margin"] < 0).to_numpy()
    eligible = ~loss
    golden = np.zeros(len(table), dtype=bool)
    if top_k is not None:
        golden = eligible & (np.cumsum(eligible) <= top_k)
    else:
        positive = np.where(eligible, table[value_column].clip(lower=0).to_numpy(), 0.0)
        total = float(table[value_column].clip(lower=0).sum())
        golden = eligible & top_share_members(positive, value_share, total=total)
    table["tier"] = np.where(golden, "golden", np.where(loss, "loss-making", "regular"))
    front = ["rank", "score", "tier"]
    value_cols = [c if c != "tenure" else "tenure_days" for c in criteria]
    if "margin" not in value_cols:
        value_cols.append("margin")
    ordered = front + value_cols + [f"contrib_{c}" for c in criteria]
    table.index.name = "client_id"
    return GoldenRanking(
        table=table[ordered],
        criteria=criteria,
        missing=missing,
        weights=used,
        value_column=value_column,
    )


def _latest(transactions: Any, date_col: str) -> pd.Timestamp:
    latest = collect(to_lazy(transactions).select(nw.col(date_col).max().alias("latest")))
    return pd.Timestamp(latest.iloc[0]["latest"])
