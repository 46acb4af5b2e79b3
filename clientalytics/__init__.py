"""clientalytics: customer analytics for client-oriented companies.

Validated client tables (:class:`ClientBase`, :func:`validate`), per-client
transaction summaries (:func:`summarize`), and the analyses built on them:
segmentation, lifetime value, retention and churn, marketing economics and
relationship management.
"""

from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import (
    ClientalyticsError,
    ClientalyticsWarning,
    ConvergenceError,
    DataQualityWarning,
    ModelAssumptionWarning,
    NotFittedError,
    ValidationError,
)
from clientalytics.schema import SCHEMAS, get_schema
from clientalytics.summary import calibration_holdout_split, summarize
from clientalytics.validation import ValidationResult, validate

__version__ = "0.1.0"

__all__ = [
    "SCHEMAS",
    "ClientBase",
    "ClientalyticsError",
    "ClientalyticsWarning",
    "ConvergenceError",
    "DataQualityWarning",
    "ModelAssumptionWarning",
    "NotFittedError",
    "ValidationError",
    "ValidationResult",
    "calibration_holdout_split",
    "get_schema",
    "summarize",
    "validate",
]
