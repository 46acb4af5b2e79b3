"""Report section: requests, contracts, lifecycle, satisfaction and engagement."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from clientalytics.calendar import BusinessCalendar
from clientalytics.clientbase import ClientBase
from clientalytics.engagement.contact_frequency import (
    ContactSaturation,
    adjusted_contact_association,
    contact_covariates,
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
from clientalytics.engagement.word_of_mouth import referrals_by_nps
from clientalytics.exceptions import ValidationError
from clientalytics.plotting.engagement import (
    plot_contact_loyalty,
    plot_expectation_gaps,
    plot_renewal_pipeline,
    plot_request_times,
)
from clientalytics.report.columns import Kind
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
from clientalytics.status import ACTIVE_DAYS

#: Days without an order after which the lifecycle calls a client lost: the
#: report's one definition (lost once the last order is ACTIVE_DAYS days old; the
#: lifecycle's rule is "more than lost_days").
LOST_DAYS = ACTIVE_DAYS - 1


#: Columns of the request tables the report shows, in order.
REQUEST_TABLE_COLUMNS = [
    "n_requests",
    "median_first_response_hours",
    "median_first_response_working_hours",
    "p90_first_response_working_hours",
    "median_quote_working_hours",
    "n_decided",
    "win_rate",
    "win_rate_low",
    "win_rate_high",
]

#: Kinds of the columns the engagement tables add to the report's registry.
ENGAGEMENT_KINDS: dict[str, Kind] = {
    "median_first_response_working_hours": "hours",
    "p90_first_response_working_hours": "hours",
    "median_quote_working_hours": "hours",
    "n_commercial": "count",
    "win_rate_low": "rate",
    "win_rate_high": "rate",
    "slope": "share",
    "ci_low": "share",
    "ci_high": "share",
    "n_referrals": "count",
    "n_referring": "count",
    "referrals_per_client": "ratio",
    "share_referring": "share",
    "share_referring_low": "share",
    "share_referring_high": "share",
}


def _cell(frame: pd.DataFrame, row: str, column: str) -> float:
    """One numeric cell of a frame indexed by labels, as a float."""
    return float(np.asarray(frame.loc[[row], column], dtype=float)[0])


def _rate_text(tr: Translator, value: float) -> str:
    """Format a per-client rate with two decimals, or a dash when the group is empty."""
    return number_text(value, tr.number(value, 2), tr("svc.no_nps"))


def _requests(
    base: ClientBase, tr: Translator, section: ReportSection, calendar: BusinessCalendar
) -> None:
    section.blocks.append(heading(tr("svc.requests")))
    if base.requests.empty:
        section.blocks.append(paragraph(tr("unlock.requests")))
        return
    by_channel = request_kpis(base.requests, by="channel", calendar=calendar)
    rated = by_channel[by_channel["n_decided"] > 0].sort_values("win_rate")
    if len(rated):
        low, high = rated.iloc[0], rated.iloc[-1]
        section.blocks.append(
            paragraph(
                tr(
                    "svc.requests_lead",
                    n=tr.count(int(by_channel["n_decided"].sum())),
                    low_channel=tr.term("channel", low["channel"]),
                    low_rate=tr.percent(float(low["win_rate"]), 0),
                    low_low=tr.percent(float(low["win_rate_low"]), 0),
                    low_high=tr.percent(float(low["win_rate_high"]), 0),
                    low_n=tr.count(int(low["n_decided"])),
                    high_channel=tr.term("channel", high["channel"]),
                    high_rate=tr.percent(float(high["win_rate"]), 0),
                    high_low=tr.percent(float(high["win_rate_low"]), 0),
                    high_high=tr.percent(float(high["win_rate_high"]), 0),
                    high_n=tr.count(int(high["n_decided"])),
                )
            )
        )
    for by, table, size in (
        ("channel", by_channel, "n_decided"),
        ("request_type", request_kpis(base.requests, by="request_type", calendar=calendar),
         "n_requests"),
    ):  # fmt: skip
        section.blocks.append(
            table_to_html(table[[by, *REQUEST_TABLE_COLUMNS]], tr, name=f"requests-by-{by}",
                          index=False, terms={by: by}, size=size, kinds=ENGAGEMENT_KINDS,
                          undefined={"win_rate": tr("svc.win_rate_undefined"),
                                     "win_rate_low": tr("svc.win_rate_undefined"),
                                     "win_rate_high": tr("svc.win_rate_undefined")})
        )  # fmt: skip
    section.blocks.append(
        how_computed(
            tr,
            tr(
                "svc.requests_how",
                start=calendar.workday_start.strftime("%H:%M"),
                end=calendar.workday_end.strftime("%H:%M"),
            ),
        )
    )
    fig, ax = plt.subplots(figsize=(9, 3.6))
    times = request_times(base.requests, calendar=calendar)
    times = times.assign(channel=[tr.term("channel", c) for c in times["channel"]])
    plot_request_times(times, column="first_response_working_hours", by="channel", ax=ax)
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
    if "referred_by" in base.clients.columns and len(base.clients):
        referrals = referrals_by_nps(base.clients, base.surveys)
        groups = referrals.set_index("nps_group")
        section.blocks.append(heading(tr("svc.referrals")))
        section.blocks.append(
            paragraph(
                tr(
                    "svc.referrals_lead",
                    n=tr.count(int(_cell(groups, "all", "n_referrals"))),
                    clients=tr.count(int(_cell(groups, "all", "n_clients"))),
                    per=tr.number(float(_cell(groups, "all", "referrals_per_client")), 2),
                    promoters=_rate_text(tr, _cell(groups, "promoter", "referrals_per_client")),
                    detractors=_rate_text(tr, _cell(groups, "detractor", "referrals_per_client")),
                )
            )
        )
        section.blocks.append(
            table_to_html(referrals.drop(columns="small_group"), tr, name="referrals-by-nps",
                          index=False, terms={"nps_group": "nps_group"}, size="n_clients",
                          kinds=ENGAGEMENT_KINDS)
        )  # fmt: skip
        section.blocks.append(how_computed(tr, tr("svc.referrals_how")))


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
    section.blocks.append(
        paragraph(
            tr(
                "svc.contacts_lead",
                before=tr.points(float(model.slope_before_)),
                breakpoint=tr.number(float(model.breakpoint_), 1),
                low=tr.number(float(lo), 1),
                high=tr.number(float(hi), 1),
                after=tr.points(float(model.slope_after_)),
                n=tr.count(len(panel)),
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
    covariates = contact_covariates(
        panel, base.transactions, observation_end=base.observation_end,
        touchpoints=base.touchpoints, clients=base.clients if len(base.clients) else None,
    )  # fmt: skip
    adjusted = adjusted_contact_association(covariates, breakpoint=model.breakpoint_)
    slopes = adjusted.set_index(["adjusted_for", "term"])["slope"]
    full = (
        "all" if ("all", "before_breakpoint") in slopes.index else adjusted["adjusted_for"].iloc[-1]
    )
    section.blocks.append(
        paragraph(
            tr(
                "svc.contacts_adjusted",
                raw_before=tr.points(float(slopes["none", "before_breakpoint"])),
                adj_before=tr.points(float(slopes[full, "before_breakpoint"])),
                raw_after=tr.points(float(slopes["none", "after_breakpoint"])),
                adj_after=tr.points(float(slopes[full, "after_breakpoint"])),
            )
        )
    )
    section.blocks.append(
        table_to_html(adjusted[["adjusted_for", "term", "slope", "ci_low", "ci_high", "n"]], tr,
                      name="contact-association-adjusted", index=False, kinds=ENGAGEMENT_KINDS,
                      terms={"adjusted_for": "adjusted_for", "term": "contact_term"})
    )  # fmt: skip
    section.blocks.append(paragraph(tr("svc.contacts_test")))
    tx = base.transactions
    margin = (tx["revenue"] - tx["variable_cost"]).groupby(tx["client_id"]).sum()
    try:
        seekers = relationship_seekers(base.clients, margin, touchpoints=base.touchpoints)
    except ValidationError:
        return
    section.blocks.append(heading(tr("svc.seekers")))
    flagged = seekers.set_index("group")
    ratio = _cell(flagged, "seekers", "value_ratio")
    section.blocks.append(
        paragraph(
            tr(
                "svc.seekers_input",
                share=tr.percent(float(_cell(flagged, "seekers", "share_of_clients")), 0),
                n=tr.count(int(_cell(flagged, "seekers", "n_clients"))),
                ratio=number_text(ratio, tr.number(float(ratio), 2), tr("table.undefined_default")),
            )
        )
    )
    section.blocks.append(
        table_to_html(seekers, tr, name="relationship-seekers", index=False,
                      terms={c: "seeker_group" for c in seekers.columns
                             if seekers[c].dtype == object})
    )  # fmt: skip


def build_section(
    base: ClientBase, inputs: ReportInputs, *, calendar: BusinessCalendar | None = None
) -> ReportSection:
    """Report request KPIs, the contract registry, lifecycle, satisfaction and engagement.

    Parameters
    ----------
    base : ClientBase
        The company.
    inputs : ReportInputs
        Shared inputs: the RFM segments (``inputs.segments``) group satisfaction
        by segment (by manager without them).
    calendar : BusinessCalendar, optional
        Working days and hours of the response times; the Russian calendar
        (09:00-18:00) by default.

    Returns
    -------
    ReportSection
    """
    tr = inputs.tr
    section = ReportSection(title=tr("section.service"), key="service")
    _requests(base, tr, section, BusinessCalendar() if calendar is None else calendar)
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
