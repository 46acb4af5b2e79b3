"""Kinds of the report's table columns: every column is formatted by what it means.

A column's kind (:data:`Kind`) says how a value is written: a ``count`` as a whole
number with the locale's separators, ``money`` with the currency symbol, a ``share``
or ``rate`` (a fraction 0..1) as a percentage, ``days`` / ``hours`` / ``months`` as a
number with one decimal at most, a ``date`` in the locale's date format, a
``score`` with two decimals, ``text`` as is. :data:`COLUMN_KINDS` gives the kind of
every column the report shows; its heading is the catalogue entry ``col.<name>``.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from clientalytics.report.i18n import DASH, Translator, is_undefined

Kind = Literal[
    "count", "money", "money_short", "share", "rate", "days", "hours", "months", "date", "score",
    "number", "ratio", "text", "id",
]  # fmt: skip

#: Kind of each column name the report shows. Columns not listed here are
#: ``number`` (float) or ``text``; a section may pass ``kinds=`` for its own.
COLUMN_KINDS: dict[str, Kind] = {
    # counts
    **dict.fromkeys(
        [
            "n_clients", "clients", "n_orders", "frequency", "rows_in", "kept", "rejected",
            "rows", "clients_start", "clients_end", "new", "lost", "retained", "moves",
            "portfolio_size", "active_clients", "clients_won", "n_nps", "n_csat", "n_requests",
            "n_contracts", "n_responses", "contacts", "n_touchpoints", "n_events", "at_risk",
            "n_at_risk", "size", "n", "count", "clients_acquired", "clients_retained",
            "n_respondents", "respondents", "n_answers", "renewal_started", "orders",
            "recency_score", "R", "F", "M", "rank", "n_moves", "clients_after", "clients_before",
            "events", "observed", "censored", "degrees_of_freedom", "n_clients_before",
            "n_clients_after", "n_contacts", "dimension_count", "golden", "expiring",
            "n_decided", "n_points", "n_quoted", "n_responded", "n_scores", "n_signed", "n_won",
            "loss_making", "risk_rank", "value_rank",
        ],
        "count",
    ),
    # money
    **dict.fromkeys(
        [
            "revenue", "total_revenue", "total_margin", "margin", "monetary_value", "clv",
            "customer_equity", "equity", "sales", "gross_margin", "marketing_expenses", "nmc",
            "profit", "cost_to_serve", "allocated_marketing", "annual_value", "portfolio_value",
            "value", "value_at_risk", "expected_value_per_purchase", "mean_clv", "mean_revenue",
            "mean_order_value", "budget_per_period", "threshold", "revenue_share_value",
            "value_before", "value_after", "spend", "acquisition_spend", "retention_spend",
            "revenue_prev", "revenue_now", "margin_total", "avg_order_value", "mean_margin",
            "total_value", "portfolio_value_before", "portfolio_value_after", "loss",
        ],
        "money",
    ),
    # shares and rates (fractions shown as percentages)
    **dict.fromkeys(
        [
            "share", "client_share", "revenue_share", "margin_share", "clv_share",
            "equity_share", "cumulative_share", "share_of_clients", "share_of_revenue",
            "customer_share", "value_share",
        ],
        "share",
    ),
    **dict.fromkeys(
        [
            "retention_rate", "churn_rate", "nrr", "grr", "repeat_purchase_rate",
            "renewal_rate", "marketing_ros", "marketing_roi", "gross_margin_pct", "margin_rate",
            "probability_alive", "churn_probability", "retained_share", "on_time_rate",
            "resolution_rate", "sla_rate", "answered_rate", "retention", "survival",
            "precision_at_10", "lift_at_10", "capture_at_10", "roc_auc", "brier",
            "average_precision", "rate", "repeat_rate", "ordered_again", "sla_met",
            "share_ordering_again", "promoters", "detractors", "passives", "expected_churn",
            "wilson_low", "wilson_high", "ci_low", "ci_high", "p_value", "within_sla",
            "reorder_rate", "csat_satisfied_share", "detractors_share", "promoters_share",
            "passives_share", "share_below_expectation", "share_pending", "top_decile_capture",
            "win_rate", "floor", "ceiling", "lower", "upper", "churned",
        ],
        "rate",
    ),
    # durations
    **dict.fromkeys(
        [
            "days_since_last_purchase", "days_since_first_purchase", "recency", "T",
            "mean_gap_days", "usual_gap_days", "days_to_expiry", "median_days",
            "days_overdue", "mean_days", "tenure_days", "mean_sales_cycle_days",
            "median_sales_cycle_days", "mean_turnaround_days", "median_turnaround_days",
        ],
        "days",
    ),
    **dict.fromkeys(
        [
            "median_response_hours", "mean_response_hours", "median_resolution_hours",
            "mean_resolution_hours", "response_hours", "resolution_hours",
            "median_first_response_hours", "p90_response_hours", "median_quote_hours",
            "p90_first_response_hours",
        ],
        "hours",
    ),
    **dict.fromkeys(["median", "median_months", "lifetime_months"], "months"),
    # dates
    **dict.fromkeys(
        [
            "first_purchase", "last_purchase", "period", "start_date", "end_date",
            "expiry_date", "date", "cutoff", "period_start", "signed_date",
        ],
        "date",
    ),
    # scores and plain numbers
    **dict.fromkeys(
        [
            "score", "golden_score", "csat_mean", "nps", "mean_score", "gap", "expectation",
            "perception", "importance", "expected_purchases", "test_statistic", "workload",
            "workload_before", "workload_after", "mean_contacts", "net_reach", "contribution",
            "contrib_clv", "contrib_contract", "contrib_growth", "contrib_margin",
            "contrib_outlook", "contrib_tenure", "pr_auc", "mean_expected", "mean_perceived",
            "r2", "rmse", "std_error", "outlook", "growth",
        ],
        "score",
    ),
    **dict.fromkeys(["capacity", "load", "top_decile_lift", "value_ratio", "k"], "ratio"),
    **dict.fromkeys(["median_clv", "median_value", "min_value", "max_value"], "money"),
    **dict.fromkeys(["workload_share_target", "share_of_equity", "share_of_value"], "share"),
    **dict.fromkeys(
        ["client_id", "manager_id", "contract_id", "transaction_id", "from_manager",
         "to_manager", "client_name", "name"],
        "id",
    ),
}  # fmt: skip


def kind_of(column: str, values: pd.Series, overrides: dict[str, Kind] | None = None) -> Kind:
    """Return the kind of ``column``: ``overrides``, then :data:`COLUMN_KINDS`, then the dtype."""
    if overrides and column in overrides:
        return overrides[column]
    if column in COLUMN_KINDS:
        return COLUMN_KINDS[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if pd.api.types.is_bool_dtype(values):
        return "text"
    if pd.api.types.is_integer_dtype(values):
        return "count"
    if pd.api.types.is_float_dtype(values):
        return "number"
    return "text"


def format_value(value: object, kind: Kind, tr: Translator) -> str:
    """Write ``value`` as its ``kind`` says, in the language of ``tr``.

    Returns
    -------
    str
        The formatted value, or :data:`~clientalytics.report.i18n.DASH` when it
        is missing or not finite.
    """
    if is_undefined(value):
        return DASH
    if isinstance(value, bool):
        return tr("common.yes") if value else tr("common.no")
    if kind in ("text", "id"):
        return str(value)
    if kind == "date":
        return tr.date(value)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if kind == "count":
        return tr.count(number)
    if kind == "money":
        return tr.money(number)
    if kind == "money_short":
        return tr.money_short(number)
    if kind in ("share", "rate"):
        return tr.percent(number, 1)
    if kind in ("days", "hours", "months"):
        return tr.number(number, 0 if abs(number) >= 100 or number == round(number) else 1)
    if kind == "ratio":
        return tr.number(number, 2)
    if kind == "score":
        return tr.number(number, 2)
    return tr.number(number, 2 if abs(number) < 1000 else 0)


def sort_key(value: object) -> str:
    """Return a value the page's table sorter compares (numbers numerically, text as text)."""
    if is_undefined(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return str(value.value)
    if isinstance(value, bool):
        return str(int(value))
    try:
        return repr(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
