"""Report section: retention coefficients, cohorts, survival and the churn forecast."""

from __future__ import annotations

import matplotlib.pyplot as plt
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
    temporal_cutoffs,
    temporal_split,
)
from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import ClientalyticsError, ValidationError
from clientalytics.plotting.churn import plot_calibration, plot_gains
from clientalytics.plotting.retention import (
    plot_cohort_heatmap,
    plot_retention_over_time,
    plot_survival_curves,
)
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.model import (
    ReportSection,
    figure_to_html,
    heading,
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
    retention_coefficients,
    survival_curve,
)

#: Months an order keeps a client active in this section.
ACTIVITY_WINDOW = 3
#: Label window of the churn forecast, in months.
HORIZON = 6
#: Why a ratio of the retention tables can be undefined.
NRR_UNDEFINED = "no revenue in the base period"
UNDEFINED = {
    "nrr": NRR_UNDEFINED,
    "grr": NRR_UNDEFINED,
    "renewal_rate": "no contract expired in the period",
    "retention_rate": "no client active at the start",
    "churn_rate": "no client active at the start",
}


def _coefficients(base: ClientBase, section: ReportSection) -> pd.DataFrame:
    coefs = retention_coefficients(
        base.transactions,
        time_unit="Q",
        activity_window=ACTIVITY_WINDOW,
        observation_end=base.observation_end,
    )
    renewal = contract_renewal_rate(
        base.contracts, time_unit="Q", observation_end=base.observation_end
    )
    shown = coefs.merge(renewal[["period", "renewal_rate"]], on="period", how="left").set_index(
        "period"
    )
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
        "renewal_rate",
    ]
    section.blocks.append(heading("Retention and churn by quarter"))
    section.blocks.append(
        paragraph(
            f"A client is active while it ordered in the last {ACTIVITY_WINDOW} months. "
            "Retention rate CRR = (E - N) / S; NRR and GRR compare the revenue of the clients "
            "active at the start with their revenue in the previous quarter; the renewal rate "
            "is the share of contracts expiring in the quarter that were renewed (blank when "
            "none expired)."
        )
    )
    if coefs.empty:
        section.blocks.append(
            paragraph(
                "No complete quarter with clients active at its start yet: retention and "
                "churn rates are not defined."
            )
        )
        return coefs
    section.blocks.append(table_to_html(shown[columns], max_rows=24, undefined=UNDEFINED))
    fig, ax = plt.subplots(figsize=(8, 3.5))
    plot_retention_over_time(coefs, ax=ax)
    section.blocks.append(figure_to_html(fig, alt="Retention and churn by quarter"))
    return coefs


def _segments(base: ClientBase, segments: pd.Series | None, section: ReportSection) -> None:
    if segments is None:
        return
    by_segment = retention_coefficients(
        base.transactions,
        time_unit="Y",
        activity_window=ACTIVITY_WINDOW,
        clients=segments,
        observation_end=base.observation_end,
    )
    if by_segment.empty:
        section.blocks.append(
            paragraph("Retention by segment needs at least one complete year of history.")
        )
        return
    last = by_segment[by_segment["period"] == by_segment["period"].max()].set_index("group")
    section.blocks.append(heading(f"Retention by segment, {last['period'].iloc[0].year}"))
    section.blocks.append(
        table_to_html(
            last[["clients_start", "lost", "retention_rate", "nrr"]],
            max_rows=20,
            undefined=UNDEFINED,
        )
    )


def _cohorts_and_survival(base: ClientBase, section: ReportSection) -> list[str]:
    cohorts = cohort_table(base.transactions, time_unit="Q", observation_end=base.observation_end)
    fig, ax = plt.subplots(figsize=(8, 4))
    plot_cohort_heatmap(
        cohort_matrix(cohorts), ax=ax, title="Share of each quarterly cohort buying"
    )
    section.blocks.append(heading("Cohorts by quarter of first purchase"))
    section.blocks.append(figure_to_html(fig, alt="Cohort heatmap"))
    lifetimes = client_lifetimes(
        base.transactions,
        observation_end=base.observation_end,
        activity_window=ACTIVITY_WINDOW,
        clients=base.clients,
        by="legal_status",
    )
    overall = lifetimes.assign(group="all clients")
    medians = median_lifetime(pd.concat([overall, lifetimes]))
    fig, ax = plt.subplots(figsize=(8, 4))
    plot_survival_curves(survival_curve(pd.concat([overall, lifetimes])), ax=ax)
    section.blocks.append(heading("Client lifetime (Kaplan-Meier)"))
    section.blocks.append(figure_to_html(fig, alt="Survival curves"))
    section.blocks.append(table_to_html(medians))
    lines = []
    if lifetimes["group"].nunique() > 1:
        test = compare_survival(lifetimes).iloc[0]
        section.blocks.append(
            paragraph(
                "Log-rank test across legal statuses: chi-squared "
                f"{number_text(test['test_statistic'], '.2f', 'no event to compare')} on "
                f"{int(test['degrees_of_freedom'])} degrees of freedom, p = "
                f"{number_text(test['p_value'], '.3f', 'no event to compare')}."
            )
        )
    median = medians.loc["all clients"]
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


def _churn(base: ClientBase, clv: pd.DataFrame | None, section: ReportSection) -> list[str]:
    section.blocks.append(heading(f"Churn forecast: no order in the next {HORIZON} months"))
    try:
        train, test = temporal_cutoffs(
            base.observation_end, first_date=base.transactions["date"].min(), horizon=HORIZON
        )
        X, y = churn_dataset(base, cutoffs=[*train, test], horizon=HORIZON)
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
        section.blocks.append(paragraph(f"The churn forecast could not be built: {exc}"))
        return []
    section.blocks.append(
        paragraph(
            f"Trained on {len(train)} cutoffs from {train[0].date()} to {train[-1].date()} and "
            f"tested on the later cutoff {test.date()} ({len(y_te):,} clients who ordered in the "
            f"12 months before it, {y_te.mean():.0%} churned)."
        )
    )
    section.blocks.append(table_to_html(metrics))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    plot_gains({name: gains_table(y_te, s) for name, s in scores.items()}, ax=axes[0])
    plot_calibration(calibration_table(y_te, scores["churn model"]), ax=axes[1])
    section.blocks.append(figure_to_html(fig, alt="Gains and calibration"))

    final = ChurnModel(random_state=0).fit(X, y)
    current = churn_features(base, cutoff=base.observation_end)
    value = _clv(clv, current.index)
    risk = churn_risk_list(final, current, value=value, top_reasons=3)
    what = "CLV" if value is not None else "margin per year so far"
    section.blocks.append(heading("Churn-risk list: most value at risk"))
    section.blocks.append(
        paragraph(
            f"Clients ranked by churn probability x {what}; the reasons are the features "
            "that raise each client's risk the most compared with a typical client."
        )
    )
    section.blocks.append(table_to_html(risk, max_rows=15))
    row = metrics.loc["churn model"]
    return [
        f"churn model ROC AUC {row['roc_auc']:.3f} vs recency {metrics.iloc[1]['roc_auc']:.3f} "
        f"and BG/NBD {metrics.iloc[2]['roc_auc']:.3f} at {test.date()}",
        f"value at risk (top 20 clients): {risk['value_at_risk'].head(20).sum():,.0f}",
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
    """
    section = ReportSection(title="Retention and churn", key="retention")
    coefs = _coefficients(base, section)
    _segments(base, inputs.segments, section)
    summary = _cohorts_and_survival(base, section)
    summary += _churn(base, inputs.clv, section)
    if coefs.empty:
        section.summary = ["retention: no complete quarter with active clients yet", *summary]
        return section
    latest = coefs.iloc[-1]
    section.summary = [
        f"retention {latest['retention_rate']:.0%}, churn {latest['churn_rate']:.0%}, "
        f"NRR {number_text(latest['nrr'], '.0%', NRR_UNDEFINED)} in the quarter from "
        f"{latest['period'].date()}",
        *summary,
    ]
    return section
