"""Report section: requests, contracts, lifecycle, satisfaction and engagement."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from clientalytics.clientbase import ClientBase
from clientalytics.engagement.contact_frequency import (
    ContactSaturation,
    contact_frequency_bands,
    contact_loyalty_panel,
)
from clientalytics.engagement.contracts_registry import (
    contract_anomalies,
    pending_legal_approval,
    registry_kpis,
    renewal_pipeline,
)
from clientalytics.engagement.lifecycle import lifecycle_stages, stage_counts
from clientalytics.engagement.requests import request_kpis, request_times
from clientalytics.engagement.satisfaction import (
    expectation_gaps,
    satisfaction_retention,
    satisfaction_summary,
)
from clientalytics.engagement.seekers import relationship_seekers
from clientalytics.engagement.word_of_mouth import word_of_mouth_reach
from clientalytics.exceptions import ValidationError
from clientalytics.plotting.engagement import (
    plot_contact_loyalty,
    plot_expectation_gaps,
    plot_renewal_pipeline,
    plot_request_times,
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


def _requests(base: ClientBase, section: ReportSection) -> None:
    section.blocks.append(heading("Requests"))
    if base.requests.empty:
        section.blocks.append(paragraph("No requests recorded."))
        return
    for by in ("channel", "request_type"):
        section.blocks.append(
            table_to_html(request_kpis(base.requests, by=by).round(2), index=False)
        )
    fig, ax = plt.subplots(figsize=(8, 3.5))
    plot_request_times(request_times(base.requests), by="channel", ax=ax)
    section.blocks.append(figure_to_html(fig, alt="Response times by channel"))


def _contracts(base: ClientBase, section: ReportSection) -> None:
    section.blocks.append(heading("Contract registry"))
    if base.contracts.empty:
        section.blocks.append(paragraph("No contracts recorded."))
        return
    end = base.observation_end
    section.blocks.append(
        table_to_html(registry_kpis(base.contracts, by="terms").round(1), index=False)
    )
    pipeline = renewal_pipeline(base.contracts, observation_end=end, horizon_days=90)
    waiting = pending_legal_approval(base.contracts)
    anomalies = contract_anomalies(base.contracts, observation_end=end)
    section.blocks.append(
        paragraph(
            f"{len(pipeline)} active contract(s) expire in the next 90 days (annual value "
            f"{pipeline['annual_value'].sum():,.0f}; renewal started for "
            f"{int(pipeline['renewal_started'].sum())}). {len(waiting)} non-standard "
            f"contract(s) wait for legal approval. {len(anomalies)} contract issue(s) flagged."
        )
    )
    if len(pipeline):
        fig, ax = plt.subplots(figsize=(8, 3.5))
        plot_renewal_pipeline(pipeline, ax=ax)
        section.blocks.append(figure_to_html(fig, alt="Renewal pipeline"))
        section.blocks.append(table_to_html(pipeline, max_rows=15, index=False))
    if len(anomalies):
        section.blocks.append(table_to_html(anomalies, max_rows=20, index=False))


def _satisfaction(base: ClientBase, segments: pd.Series | None, section: ReportSection) -> None:
    section.blocks.append(heading("Satisfaction"))
    if base.surveys.empty:
        section.blocks.append(paragraph("No survey responses recorded."))
        return
    clients = base.clients
    by = "manager_id"
    if segments is not None:
        labels = segments.copy()
        labels.index = labels.index.astype(str)
        clients = clients.assign(
            segment=labels.reindex(clients["client_id"].astype(str)).to_numpy()
        )
        by = "segment"
    overall = satisfaction_summary(base.surveys)
    section.blocks.append(
        paragraph(
            f"NPS {number_text(overall['nps'].iloc[0], '.1f', 'no NPS answer')} over "
            f"{int(overall['n_nps'].iloc[0])} answers; mean CSAT "
            f"{number_text(overall['csat_mean'].iloc[0], '.2f', 'no CSAT answer')} of 5."
        )
    )
    section.blocks.append(
        table_to_html(
            satisfaction_summary(base.surveys, by=by, clients=clients).round(2), index=False
        )
    )
    if not base.survey_dimensions.empty:
        gaps = expectation_gaps(base.surveys, base.survey_dimensions)
        fig, ax = plt.subplots(figsize=(7, 3.5))
        plot_expectation_gaps(gaps, ax=ax)
        section.blocks.append(figure_to_html(fig, alt="Expectation gaps"))
        section.blocks.append(table_to_html(gaps.round(2), index=False))
    try:
        link = satisfaction_retention(
            base.surveys, base.transactions, observation_end=base.observation_end
        )
    except ValidationError as exc:
        section.blocks.append(paragraph(f"Satisfaction vs retention not available: {exc}"))
    else:
        section.blocks.append(
            paragraph("Share of respondents ordering again within a year, by NPS group:")
        )
        section.blocks.append(table_to_html(link.round(3), index=False))
    reach = word_of_mouth_reach(base.surveys, time_unit="Q")
    section.blocks.append(
        paragraph(
            "Word of mouth (unhappy clients tell about 10 people, happy ones 2.5): net reach "
            f"{reach['net_reach'].sum():,.0f} people over the window."
        )
    )


def _engagement(base: ClientBase, section: ReportSection) -> None:
    section.blocks.append(heading("Contact frequency and loyalty"))
    if base.touchpoints.empty:
        section.blocks.append(paragraph("No touchpoints recorded."))
        return
    try:
        panel = contact_loyalty_panel(
            base.touchpoints, base.transactions, observation_end=base.observation_end
        )
        bands = contact_frequency_bands(panel)
        model = ContactSaturation(n_bootstrap=100, random_state=0).fit(
            panel["contacts"], panel["retained"], groups=panel["client_id"]
        )
    except ValidationError as exc:
        section.blocks.append(paragraph(f"Not available: {exc}"))
        return
    lo, hi = model.breakpoint_ci_
    section.blocks.append(
        paragraph(
            f"Retention rises by {model.slope_before_:.1%} per contact up to about "
            f"{model.breakpoint_:g} contacts a quarter (90% bootstrap interval {lo:g}-{hi:g}) "
            f"and changes by {model.slope_after_:+.1%} per contact beyond it."
        )
    )
    fig, ax = plt.subplots(figsize=(8, 3.5))
    plot_contact_loyalty(bands, model, ax=ax)
    section.blocks.append(figure_to_html(fig, alt="Contact frequency vs loyalty"))
    section.blocks.append(table_to_html(bands.round(3), index=False))
    tx = base.transactions
    margin = (tx["revenue"] - tx["variable_cost"]).groupby(tx["client_id"]).sum()
    try:
        seekers = relationship_seekers(base.clients, margin, touchpoints=base.touchpoints)
    except ValidationError:
        return
    section.blocks.append(heading("Relationship seekers"))
    section.blocks.append(table_to_html(seekers.round(2), index=False))


def build_section(base: ClientBase, inputs: ReportInputs) -> ReportSection:
    """Report request KPIs, the contract registry, lifecycle, satisfaction and engagement.

    Parameters
    ----------
    base : ClientBase
        The company.
    inputs : ReportInputs
        Shared inputs: the RFM segments (``inputs.segments``) group satisfaction
        by segment (by manager without them).

    Returns
    -------
    ReportSection
    """
    section = ReportSection(title="Service: requests, contracts, satisfaction", key="service")
    _requests(base, section)
    _contracts(base, section)
    section.blocks.append(heading("Lifecycle stages"))
    stages = lifecycle_stages(
        base.transactions, observation_end=base.observation_end, clients=base.clients
    )
    counts = stage_counts(stages)
    section.blocks.append(table_to_html(counts.round(3)))
    _satisfaction(base, inputs.segments, section)
    _engagement(base, section)
    section.summary = [
        "lifecycle: " + ", ".join(f"{k} {v}" for k, v in counts["n_clients"].items()),
    ]
    return section
