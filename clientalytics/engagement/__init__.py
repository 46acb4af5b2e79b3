"""Touchpoints, requests, contracts, lifecycle, satisfaction and engagement.

Request-handling KPIs, the contract registry, lifecycle stages, NPS / CSAT and
expectation gaps, contact frequency against loyalty, relationship seekers, word
of mouth and performance by client typology.
"""

from clientalytics.engagement.contact_frequency import (
    ContactSaturation,
    adjusted_contact_association,
    contact_covariates,
    contact_frequency_bands,
    contact_loyalty_panel,
)
from clientalytics.engagement.contracts_registry import (
    contract_anomalies,
    contract_durations,
    pending_legal_approval,
    registry_kpis,
    renewal_pipeline,
)
from clientalytics.engagement.lifecycle import lifecycle_stages, stage_counts
from clientalytics.engagement.performance import typology_performance
from clientalytics.engagement.requests import request_kpis, request_times
from clientalytics.engagement.satisfaction import (
    expectation_gaps,
    net_promoter_score,
    nps_category,
    satisfaction_retention,
    satisfaction_summary,
)
from clientalytics.engagement.seekers import relationship_seekers
from clientalytics.engagement.word_of_mouth import referrals_by_nps, word_of_mouth_reach

__all__ = [
    "ContactSaturation",
    "adjusted_contact_association",
    "contact_covariates",
    "contact_frequency_bands",
    "contact_loyalty_panel",
    "contract_anomalies",
    "contract_durations",
    "expectation_gaps",
    "lifecycle_stages",
    "net_promoter_score",
    "nps_category",
    "pending_legal_approval",
    "referrals_by_nps",
    "registry_kpis",
    "relationship_seekers",
    "renewal_pipeline",
    "request_kpis",
    "request_times",
    "satisfaction_retention",
    "satisfaction_summary",
    "stage_counts",
    "typology_performance",
    "word_of_mouth_reach",
]
