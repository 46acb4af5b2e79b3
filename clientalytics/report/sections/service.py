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
from clientalytics.report.activity import ACTIVE_DAYS
from clientalytics.report.i18n import Translator
from clientalytics.report.inputs import ReportInputs
from clientalytics.report.model import (
    ReportSection,
    figure_to_html,
    heading,
    how_computed,
    number_text,
    paragraph,
    table_to_html,
)

#: Days without an order after which the lifecycle calls a client lost: the
#: report's one definition (lost once the last order is ACTIVE_DAYS days old; the
#: lifecycle's rule is "more than lost_days").
LOST_DAYS = ACTIVE_DAYS - 1


def _requests(base: ClientBase, tr: Translator, section: ReportSection) -> None:
    section.blocks.append(heading(tr("svc.requests")))
    if base.requests.empty:
        section.blocks.append(paragraph(tr("unlock.requests")))
        return
    for by in ("channel", "request_type"):
        table = request_kpis(base.requests, by=by)
        section.blocks.append(
            table_to_html(table, tr, name=f"requests-by-{by}", index=False,
                          terms={by: by}, size="n_requests")
        )  # fmt: skip
    fig, ax = plt.subplots(figsize=(9, 3.6))
    times = request_times(base.requests)
    times = times.assign(channel=[tr.term("channel", c) for c in times["channel"]])
    plot_request_times(times, by="channel", ax=ax)
    section.blocks.append(figure_to_html(fig, tr, alt=tr("svc.chart_requests")))


def _contracts(base: ClientBase, tr: Translator, section: ReportSection) -> None:
    section.blocks.append(heading(tr("svc.contracts")))
    if base.contracts.empty:
        section.blocks.append(paragraph(tr("unlock.contracts")))
        return
    end = base.observation_end
    section.blocks.append(
        table_to_html(registry_kpis(base.contracts, by="terms"), tr, name="contract-registry",
                      index=False, terms={"terms": "terms"})
    )  # fmt: skip
    pipeline = renewal_pipeline(base.contracts, observation_end=end, horizon_days=90)
    waiting = pending_legal_approval(base.contracts)
    anomalies = contract_anomalies(base.contracts, observation_end=end)
    section.blocks.append(
        paragraph(
            tr(
                "svc.contracts_lead",
                expiring=tr.count(len(pipeline)),
                value=tr.money(float(pipeline["annual_value"].sum())),
                started=tr.count(int(pipeline["renewal_started"].sum())),
                waiting=tr.count(len(waiting)),
                issues=tr.count(len(anomalies)),
            )
        )
    )
    if len(pipeline):
        fig, ax = plt.subplots(figsize=(9, 3.6))
        plot_renewal_pipeline(pipeline, ax=ax)
        section.blocks.append(
            figure_to_html(fig, tr, alt=tr("svc.chart_pipeline"), axes={0: {"y": "money"}})
        )
        section.blocks.append(
            table_to_html(pipeline, tr, name="renewal-pipeline", index=False,
                          terms={c: c for c in ("terms", "status") if c in pipeline.columns})
        )  # fmt: skip
    if len(anomalies):
        section.blocks.append(
            table_to_html(anomalies, tr, name="contract-issues", index=False,
                          terms={c: c for c in ("issue",) if c in anomalies.columns})
        )  # fmt: skip


def _satisfaction(
    base: ClientBase, tr: Translator, segments: pd.Series | None, section: ReportSection
) -> None:
    section.blocks.append(heading(tr("svc.satisfaction")))
    if base.surveys.empty:
        section.blocks.append(paragraph(tr("unlock.surveys")))
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
    nps, csat = overall["nps"].iloc[0], overall["csat_mean"].iloc[0]
    section.blocks.append(
        paragraph(
            tr(
                "svc.satisfaction_lead",
                nps=number_text(nps, tr.number(float(nps), 1), tr("svc.no_nps")),
                n=tr.count(int(overall["n_nps"].iloc[0])),
                csat=number_text(csat, tr.number(float(csat), 2), tr("svc.no_csat")),
            )
        )
    )
    section.blocks.append(
        table_to_html(
            satisfaction_summary(base.surveys, by=by, clients=clients), tr,
            name=f"satisfaction-by-{by}", index=False, terms={"segment": "segment"},
            size="n_nps",
        )
    )  # fmt: skip
    if not base.survey_dimensions.empty:
        gaps = expectation_gaps(base.surveys, base.survey_dimensions)
        fig, ax = plt.subplots(figsize=(8, 3.6))
        plot_expectation_gaps(
            gaps.assign(dimension=[tr.term("dimension", d) for d in gaps["dimension"]])
            if "dimension" in gaps.columns else gaps,
            ax=ax,
        )  # fmt: skip
        section.blocks.append(figure_to_html(fig, tr, alt=tr("svc.chart_gaps")))
        section.blocks.append(
            table_to_html(gaps, tr, name="expectation-gaps", index=False,
                          terms={"dimension": "dimension"})
        )  # fmt: skip
    try:
        link = satisfaction_retention(
            base.surveys, base.transactions, observation_end=base.observation_end
        )
    except ValidationError as exc:
        section.blocks.append(paragraph(tr("svc.link_failed", reason=str(exc))))
    else:
        section.blocks.append(paragraph(tr("svc.link_lead")))
        section.blocks.append(
            table_to_html(link, tr, name="satisfaction-retention", index=False,
                          terms={c: "nps_group" for c in link.columns if link[c].dtype == object})
        )  # fmt: skip
        section.blocks.append(paragraph(tr("svc.link_honesty")))
    reach = word_of_mouth_reach(base.surveys, time_unit="Q")
    section.blocks.append(
        paragraph(tr("svc.word_of_mouth", reach=tr.count(float(reach["net_reach"].sum()))))
    )


def _engagement(base: ClientBase, tr: Translator, section: ReportSection) -> None:
    section.blocks.append(heading(tr("svc.contacts")))
    if base.touchpoints.empty:
        section.blocks.append(paragraph(tr("unlock.touchpoints")))
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
        section.blocks.append(paragraph(tr("common.not_shown", reason=str(exc))))
        return
    lo, hi = model.breakpoint_ci_
    sign = "+" if model.slope_after_ > 0 else ""
    section.blocks.append(
        paragraph(
            tr(
                "svc.contacts_lead",
                before=tr.percent(float(model.slope_before_), 1),
                breakpoint=tr.number(float(model.breakpoint_), 1),
                low=tr.number(float(lo), 1),
                high=tr.number(float(hi), 1),
                after=sign + tr.percent(float(model.slope_after_), 1),
            )
        )
    )
    fig, ax = plt.subplots(figsize=(9, 3.6))
    plot_contact_loyalty(bands, model, ax=ax)
    section.blocks.append(
        figure_to_html(fig, tr, alt=tr("svc.chart_contacts"), axes={0: {"y": "share"}})
    )
    section.blocks.append(
        table_to_html(bands, tr, name="contact-bands", index=False, size="n_clients")
    )
    tx = base.transactions
    margin = (tx["revenue"] - tx["variable_cost"]).groupby(tx["client_id"]).sum()
    try:
        seekers = relationship_seekers(base.clients, margin, touchpoints=base.touchpoints)
    except ValidationError:
        return
    section.blocks.append(heading(tr("svc.seekers")))
    section.blocks.append(
        table_to_html(seekers, tr, name="relationship-seekers", index=False,
                      terms={c: "seeker_group" for c in seekers.columns
                             if seekers[c].dtype == object})
    )  # fmt: skip


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
    tr = inputs.tr
    section = ReportSection(title=tr("section.service"), key="service")
    _requests(base, tr, section)
    _contracts(base, tr, section)
    section.blocks.append(heading(tr("svc.lifecycle")))
    stages = lifecycle_stages(
        inputs.transactions if inputs.transactions is not None else base.transactions,
        observation_end=base.observation_end,
        clients=base.clients if len(base.clients) else None,
        lost_days=LOST_DAYS,
    )
    counts = stage_counts(stages)
    counts.index.name = "stage"
    section.blocks.append(
        table_to_html(counts, tr, name="lifecycle-stages", terms={"stage": "stage"})
    )
    section.blocks.append(how_computed(tr, tr("svc.lifecycle_how", days=ACTIVE_DAYS)))
    _satisfaction(base, tr, inputs.segments, section)
    if inputs.has_costs:
        _engagement(base, tr, section)
    section.summary = [
        "lifecycle: " + ", ".join(f"{k} {v}" for k, v in counts["n_clients"].items()),
    ]
    return section
