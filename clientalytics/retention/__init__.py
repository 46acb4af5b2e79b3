"""Retention monitoring: who stays, who leaves, and for how long.

- :mod:`~clientalytics.retention.activity`: the definition of an active client in
  the contractual and non-contractual worlds;
- :mod:`~clientalytics.retention.coefficients`: retention, churn, revenue
  retention, repeat purchase and contract renewal rates per period and group;
- :mod:`~clientalytics.retention.cohorts`: acquisition-cohort tables;
- :mod:`~clientalytics.retention.survival`: Kaplan-Meier lifetime curves, median
  lifetime and the log-rank test.
"""

from clientalytics.retention.activity import AliveRule, client_activity
from clientalytics.retention.coefficients import (
    COEFFICIENT_COLUMNS,
    RENEWAL_COLUMNS,
    Segmenter,
    contract_renewal_rate,
    retention_by_start_segment,
    retention_coefficients,
    rfm_segments_as_of,
)
from clientalytics.retention.cohorts import COHORT_COLUMNS, cohort_matrix, cohort_table
from clientalytics.retention.survival import (
    CURVE_COLUMNS,
    LIFETIME_COLUMNS,
    client_lifetimes,
    compare_survival,
    median_lifetime,
    survival_curve,
)

__all__ = [
    "COEFFICIENT_COLUMNS",
    "COHORT_COLUMNS",
    "CURVE_COLUMNS",
    "LIFETIME_COLUMNS",
    "RENEWAL_COLUMNS",
    "AliveRule",
    "Segmenter",
    "client_activity",
    "client_lifetimes",
    "cohort_matrix",
    "cohort_table",
    "compare_survival",
    "contract_renewal_rate",
    "median_lifetime",
    "retention_by_start_segment",
    "retention_coefficients",
    "rfm_segments_as_of",
    "survival_curve",
]
