"""Report section: retention coefficients, cohorts, survival and the churn forecast."""

from __future__ import annotations

import copy
import re
from typing import Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from clientalytics.churn import (
    ChurnModel,
    RecencyBaseline,
    btyd_churn_probability,
    calibration_table,
    churn_dataset,
    churn_features,
    churn_risk_list,
    evaluate_churn,
    gains_table,
    retainable_mask,
    temporal_cutoffs,
    temporal_split,
    win_back_list,
)
from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import ClientalyticsError, ValidationError
from clientalytics.plotting.churn import plot_calibration, plot_gains
from clientalytics.plotting.retention import (
    plot_cohort_heatmap,
    plot_retention_over_time,
    plot_survival_curves,
)
from clientalytics.report.i18n import Translator
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.intervals import wilson_interval
from clientalytics.report.model import (
    MIN_GROUP,
    ReportSection,
    figure_to_html,
    heading,
    how_computed,
    number_text,
    paragraph,
    table_to_html,
)
from clientalytics.retention import (
    client_lifetimes,
    cohort_matrix,
    cohort_table,
    compare_survival,
    contract_renewal_rate,
    median_lifetime,
    retention_by_start_segment,
    retention_coefficients,
    survival_curve,
)
from clientalytics.status import ACTIVE_MONTHS, RETAINABLE_DAYS, client_states

#: Months an order keeps a client active: the report's one definition
#: (:data:`clientalytics.status.ACTIVE_MONTHS`).
ACTIVITY_WINDOW = ACTIVE_MONTHS
#: Label window of the churn forecast, in months.
HORIZON = 6
#: Rows of the churn-risk list shown (and explained in words) in the report.
RISK_ROWS = 100
#: Rows of the win-back list shown.
WIN_BACK_ROWS = 20
_REASON = re.compile(r"^(?P<name>[^=]+)=(?P<value>.*) \(\+(?P<drop>[0-9.]+)\)$")


def _undefined(tr: Translator) -> dict[str, str]:
    no_start = tr("ret.undefined.no_start")
    return {
        "nrr": tr("ret.undefined.no_revenue"),
        "grr": tr("ret.undefined.no_revenue"),
        "renewal_rate": tr("ret.undefined.no_expiry"),
        "retention_rate": no_start,
        "churn_rate": no_start,
        "ci_low": no_start,
        "ci_high": no_start,
    }


def _with_interval(table: pd.DataFrame) -> pd.DataFrame:
    """Add the Wilson 95 % interval of ``retention_rate`` (``ci_low``, ``ci_high``)."""
    start = table["clients_start"].astype(float)
    retained = (table["retention_rate"] * start).round()
    bounds = [
        wilson_interval(float(k), float(n)) if n > 0 and np.isfinite(k) else (np.nan, np.nan)
        for k, n in zip(retained, start, strict=True)
    ]
    out = table.copy()
    position = list(out.columns).index("retention_rate") + 1
    out.insert(position, "ci_low", [b[0] for b in bounds])
    out.insert(position + 1, "ci_high", [b[1] for b in bounds])
    return out


def _coefficients(base: ClientBase, inputs: ReportInputs, section: ReportSection) -> pd.DataFrame:
    tr = inputs.tr
    tx = inputs.transactions if inputs.transactions is not None else base.transactions
    coefs = retention_coefficients(
        tx,
        time_unit="Q",
        activity_window=ACTIVITY_WINDOW,
        observation_end=base.observation_end,
    )
    # A quarter that starts less than a full activity window after the first order
    # cannot know who was active at its start: it is left out.
    observed_from = tx["date"].min() + pd.Timedelta(days=365 * ACTIVITY_WINDOW // 12)
    early = coefs["period"] < observed_from
    coefs = coefs[~early].reset_index(drop=True)
    renewal = contract_renewal_rate(
        base.contracts, time_unit="Q", observation_end=base.observation_end
    )
    shown = coefs.merge(renewal[["period", "renewal_rate"]], on="period", how="left")
    shown["period"] = [tr.quarter(p) for p in shown["period"]]
    shown = shown.set_index("period")
    columns = [
        "clients_start",
        "new",
        "lost",
        "clients_end",
        "retention_rate",
        "churn_rate",
        "nrr",
        "grr",
        "repeat_purchase_rate",
    ]
    if len(base.contracts):
        columns.append("renewal_rate")
    section.blocks.append(heading(tr("ret.by_quarter")))
    section.blocks.append(paragraph(tr("ret.by_quarter_lead", months=ACTIVITY_WINDOW)))
    section.blocks.append(how_computed(tr, tr("ret.by_quarter_how", months=ACTIVITY_WINDOW)))
    if early.any():
        section.blocks.append(
            paragraph(tr("ret.early_quarters", n=int(early.sum()), months=ACTIVITY_WINDOW))
        )
    if coefs.empty:
        section.blocks.append(paragraph(tr("ret.no_quarter")))
        return coefs
    section.blocks.append(
        table_to_html(
            _with_interval(shown[columns]), tr, name="retention-by-quarter", max_rows=12,
            undefined=_undefined(tr), kinds={"period": "text"}, size="clients_start",
        )
    )  # fmt: skip
    fig, ax = plt.subplots(figsize=(9, 3.6))
    plot_retention_over_time(coefs, ax=ax)
    section.blocks.append(
        figure_to_html(
            fig, tr, alt=tr("ret.chart"), axes={0: {"y": "share"}},
            labels={0: {"title": tr("ret.chart"), "x": tr("axis.quarter"), "y": tr("axis.rate")}},
        )
    )  # fmt: skip
    return coefs


def _segments(base: ClientBase, inputs: ReportInputs, section: ReportSection) -> None:
    segments = inputs.segments
    tr = inputs.tr
    if segments is None:
        return
    tx = inputs.transactions if inputs.transactions is not None else base.transactions
    # Each client's segment as of the start of the year judged (from the orders
    # before it): the end-of-year segment already knows who stopped ordering.
    by_segment = retention_by_start_segment(
        tx,
        time_unit="Y",
        activity_window=ACTIVITY_WINDOW,
        observation_end=base.observation_end,
        last_periods=1,
    )
    if by_segment.empty:
        section.blocks.append(paragraph(tr("ret.segment_needs_year")))
        return
    last = by_segment[by_segment["period"] == by_segment["period"].max()].set_index("group")
    last.index.name = "segment"
    section.blocks.append(heading(tr("ret.by_segment", year=last["period"].iloc[0].year)))
    section.blocks.append(paragraph(tr("ret.by_segment_lead")))
    section.blocks.append(paragraph(tr("ret.small_groups", n=MIN_GROUP)))
    section.blocks.append(
        table_to_html(
            _with_interval(last[["clients_start", "lost", "retention_rate", "nrr"]]),
            tr, name="retention-by-segment", max_rows=20, undefined=_undefined(tr),
            terms={"segment": "segment"}, size="clients_start",
        )
    )  # fmt: skip


def _cohorts_and_survival(
    base: ClientBase, inputs: ReportInputs, section: ReportSection
) -> list[str]:
    tr = inputs.tr
    tx = inputs.transactions if inputs.transactions is not None else base.transactions
    cohorts = cohort_table(tx, time_unit="Q", observation_end=base.observation_end)
    matrix = cohort_matrix(cohorts)
    matrix.index = pd.Index([tr.quarter(p) for p in matrix.index], name=matrix.index.name)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    plot_cohort_heatmap(matrix, ax=ax, title=tr("ret.cohort_chart"))
    section.blocks.append(heading(tr("ret.cohorts")))
    section.blocks.append(
        figure_to_html(
            fig, tr, alt=tr("ret.cohort_chart"),
            labels={0: {"title": tr("ret.cohort_chart"), "x": tr("axis.quarters_since"),
                        "y": tr("axis.cohort")}},
        )
    )  # fmt: skip
    section.blocks.append(how_computed(tr, tr("ret.cohorts_how")))
    by = "legal_status" if len(base.clients) else None
    lifetimes = client_lifetimes(
        tx,
        observation_end=base.observation_end,
        activity_window=ACTIVITY_WINDOW,
        clients=base.clients if by else None,
        by=by,
    )
    everyone = tr("ret.all_clients")
    overall = lifetimes.assign(group=everyone)
    if "group" in lifetimes.columns:
        lifetimes = lifetimes.assign(group=[tr.term("legal_status", g) for g in lifetimes["group"]])
    both = pd.concat([overall, lifetimes]) if by else overall
    medians = median_lifetime(both)
    medians.index.name = "group"
    fig, ax = plt.subplots(figsize=(9, 4))
    plot_survival_curves(survival_curve(both), ax=ax)
    section.blocks.append(heading(tr("ret.survival")))
    section.blocks.append(
        figure_to_html(
            fig, tr, alt=tr("ret.survival"), axes={0: {"y": "share"}},
            labels={0: {"title": tr("ret.survival"), "x": tr("axis.months_since_first"),
                        "y": tr("axis.survival")}},
        )
    )  # fmt: skip
    section.blocks.append(
        table_to_html(medians, tr, name="median-lifetime", kinds={"group": "text"})
    )
    section.blocks.append(how_computed(tr, tr("ret.survival_how", months=ACTIVITY_WINDOW)))
    lines = []
    if by and lifetimes["group"].nunique() > 1:
        test = compare_survival(lifetimes).iloc[0]
        undefined = tr("ret.no_event")
        section.blocks.append(
            paragraph(
                tr(
                    "ret.logrank",
                    chi2=number_text(test["test_statistic"],
                                     tr.number(float(test["test_statistic"]), 2), undefined),
                    dof=int(test["degrees_of_freedom"]),
                    p=number_text(test["p_value"], tr.number(float(test["p_value"]), 3),
                                  undefined),
                )
            )
        )  # fmt: skip
    median = medians.loc[everyone]
    if bool(median["median_reached"]):
        lines.append(f"median client lifetime: {median['median']:.1f} months")
    return lines


def _clv(clv: pd.DataFrame | None, index: pd.Index) -> pd.Series | None:
    if clv is None:
        return None
    values = clv["clv"].copy()
    values.index = values.index.astype(str)
    if index.difference(values.index).size:
        return None
    return values.reindex(index).astype(float)


def _check_classes(y: pd.Series, folds: int, what: str) -> None:
    """Raise unless ``y`` holds ``folds`` churned and ``folds`` retained examples."""
    counts = pd.Series(y).astype(int).value_counts()
    churned, retained = int(counts.get(1, 0)), int(counts.get(0, 0))
    if min(churned, retained) < folds:
        raise ValidationError(
            f"too few examples over the {what}: {churned} churned and {retained} retained "
            f"client-cutoffs, at least {folds} of each are needed"
        )


def _reason_text(tr: Translator, text: object) -> str:
    """``days_since_complaint=26.6 (+0.39)`` as a sentence fragment in the language."""
    if not isinstance(text, str) or not text:
        return ""
    match = _REASON.match(text)
    if match is None:
        return text
    name, value = match["name"], match["value"]
    try:
        shown = tr.number(float(value.replace(",", "")), 1)
    except ValueError:
        shown = tr.term("feature_value", value)
    return tr(
        "ret.reason",
        feature=tr.term("feature", name),
        value=shown,
        drop=tr.number(float(match["drop"]) * 100, 0),
    )


def _churn(base: ClientBase, inputs: ReportInputs, section: ReportSection) -> list[str]:
    tr = inputs.tr
    clv = inputs.clv
    section.blocks.append(heading(tr("ret.churn", months=HORIZON)))
    try:
        train, test = temporal_cutoffs(
            base.observation_end, first_date=base.transactions["date"].min(), horizon=HORIZON
        )
        churn_base = base
        if not inputs.has_costs and inputs.transactions is not None:
            churn_base = copy.copy(base)
            churn_base.transactions = inputs.transactions
        X, y = churn_dataset(churn_base, cutoffs=[*train, test], horizon=HORIZON)
        # the forecast is trained and scored on the clients still retainable at each cutoff
        keep = retainable_mask(X, churn_base.transactions).to_numpy(dtype=bool)
        X, y = X[keep], y[keep]
        X_tr, y_tr, X_te, y_te = temporal_split(X, y, test_cutoff=test)
        folds = ChurnModel().cv
        _check_classes(y_tr, folds, "training cutoffs")
        _check_classes(y, folds, "cutoffs")
        model = ChurnModel(random_state=0).fit(X_tr, y_tr)
        recency = RecencyBaseline().fit(X_tr, y_tr)
        scores = {
            "churn model": model.predict_proba(X_te)[:, 1],
            "recency rule": recency.predict_proba(X_te)[:, 1],
            "BG/NBD 1 - P(alive)": btyd_churn_probability(X_te.droplevel("cutoff")).to_numpy(),
        }
        metrics = evaluate_churn(y_te, scores)
    except ClientalyticsError as exc:
        section.blocks.append(paragraph(tr("ret.churn_failed", reason=str(exc))))
        return []
    section.blocks.append(
        paragraph(
            tr(
                "ret.churn_lead",
                cutoffs=len(train),
                first=tr.date(train[0]),
                last=tr.date(train[-1]),
                test=tr.date(test),
                days=RETAINABLE_DAYS,
                clients=tr.count(len(y_te)),
                churned=tr.percent(float(y_te.mean()), 0),
            )
        )
    )
    metrics.index = pd.Index([tr.term("churn_method", m) for m in metrics.index], name="method")
    section.blocks.append(table_to_html(metrics, tr, name="churn-evaluation"))
    section.blocks.append(how_computed(tr, tr("ret.churn_how")))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    plot_gains(
        {tr.term("churn_method", name): gains_table(y_te, s) for name, s in scores.items()},
        ax=axes[0],
    )
    plot_calibration(calibration_table(y_te, scores["churn model"]), ax=axes[1])
    fig.tight_layout()
    section.blocks.append(figure_to_html(fig, tr, alt=tr("ret.chart_gains")))

    final = ChurnModel(random_state=0).fit(X, y)
    current = churn_features(churn_base, cutoff=base.observation_end)
    value = _clv(clv, current.index)
    retainable = client_states(
        churn_base.transactions, observation_end=base.observation_end, clients=base.clients
    )["retainable"]
    worth: pd.Series | Literal["margin"] = value if value is not None else "margin"
    try:
        risk = churn_risk_list(
            final, current, value=worth, retainable=retainable, top_reasons=3, explain=RISK_ROWS
        )
    except ClientalyticsError as exc:  # e.g. no client is retainable today
        section.blocks.append(paragraph(tr("ret.churn_failed", reason=str(exc))))
        return []
    win_back = win_back_list(current, value=worth, retainable=retainable)
    section.facts["value_at_risk"] = float(risk["value_at_risk"].sum())
    section.facts["value_at_risk_top20"] = float(risk["value_at_risk"].head(20).sum())
    section.facts["win_back_clients"] = float(len(win_back))
    section.facts["retainable_clients"] = float(len(risk))
    shown = risk.head(RISK_ROWS)
    reason_cols = [c for c in shown.columns if c.startswith("reason_")]
    shown = shown.assign(
        reasons=[
            "; ".join(t for t in (_reason_text(tr, r) for r in row) if t)
            for row in shown[reason_cols].itertuples(index=False)
        ]
    ).drop(columns=reason_cols)
    names = base.clients.set_index("client_id")["name"] if len(base.clients) else None
    if names is not None:
        shown.insert(0, "client_name", names.reindex(shown.index.astype(str)).to_numpy())
    valuation = inputs.valuation
    if value is not None and valuation is not None:
        what = tr("ret.value_clv", months=inputs.horizon_months, model=valuation.model_name)
    else:
        what = tr("ret.value_margin")
    section.blocks.append(heading(tr("ret.risk")))
    section.blocks.append(paragraph(tr("ret.risk_lead", what=what)))
    section.blocks.append(table_to_html(shown, tr, name="churn-risk", max_rows=15))
    if len(win_back):
        lapsed = win_back.head(WIN_BACK_ROWS)
        if names is not None:
            lapsed.insert(0, "client_name", names.reindex(lapsed.index.astype(str)).to_numpy())
        section.blocks.append(
            paragraph(
                tr(
                    "ret.win_back",
                    n=tr.count(len(win_back)),
                    days=RETAINABLE_DAYS,
                    shown=tr.count(len(lapsed)),
                    what=what,
                )
            )
        )
        section.blocks.append(table_to_html(lapsed, tr, name="win-back", max_rows=10))
    else:
        section.blocks.append(paragraph(tr("ret.win_back_none", days=RETAINABLE_DAYS)))
    row = metrics.iloc[0]
    return [
        f"churn model ROC AUC {row['roc_auc']:.3f} vs recency {metrics.iloc[1]['roc_auc']:.3f} "
        f"and BG/NBD {metrics.iloc[2]['roc_auc']:.3f} at {test.date()}, on {len(y_te):,} "
        f"retainable clients (silent <= {RETAINABLE_DAYS} days; base churn rate "
        f"{float(y_te.mean()):.0%})",
        f"value at risk (top 20 retainable clients): "
        f"{tr.money(risk['value_at_risk'].head(20).sum())}",
        f"{len(win_back):,} clients silent > {RETAINABLE_DAYS} days on the win-back list, "
        "not scored",
    ]


def build_section(base: ClientBase, inputs: ReportInputs) -> ReportSection:
    """Retention coefficients, cohorts, lifetime survival and the churn-risk list.

    Parameters
    ----------
    base : ClientBase
        The company.
    inputs : ReportInputs
        Shared inputs: the RFM segments (``inputs.segments``) give a retention
        table by segment, and the lifetime values (``inputs.clv``) the value of
        each client in the risk list (margin per year so far without them).

    Returns
    -------
    ReportSection
        ``facts["value_at_risk"]`` (whole risk list of the retainable clients),
        ``facts["value_at_risk_top20"]``, ``facts["retainable_clients"]`` (clients on
        the risk list) and ``facts["win_back_clients"]`` (clients
        active but silent longer than the retainable limit, not scored).
    """
    tr = inputs.tr
    section = ReportSection(title=tr("section.retention"), key="retention")
    coefs = _coefficients(base, inputs, section)
    _segments(base, inputs, section)
    summary = _cohorts_and_survival(base, inputs, section)
    summary += _churn(base, inputs, section)
    if coefs.empty:
        section.summary = ["retention: no complete quarter with active clients yet", *summary]
        return section
    latest = coefs.iloc[-1]
    nrr = number_text(latest["nrr"], tr.percent(float(latest["nrr"]), 0), "undefined")
    section.summary = [
        f"retention {tr.percent(float(latest['retention_rate']), 0)}, churn "
        f"{tr.percent(float(latest['churn_rate']), 0)}, NRR {nrr} in the quarter from "
        f"{latest['period'].date()}",
        *summary,
    ]
    return section
