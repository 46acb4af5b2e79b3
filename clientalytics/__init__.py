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
from clientalytics.records import (
    Client,
    ClientRequest,
    Contract,
    DimensionScore,
    FreightRequirements,
    Manager,
    MarketingSpend,
    SurveyResponse,
    Touchpoint,
    Transaction,
    frame_to_records,
    records_to_frame,
    survey_frames_to_records,
    survey_records_to_frames,
)
from clientalytics.schema import SCHEMAS, get_schema
from clientalytics.summary import calibration_holdout_split, summarize
from clientalytics.validation import ValidationResult, validate

__version__ = "0.1.0"

__all__ = [
    "SCHEMAS",
    "Client",
    "ClientBase",
    "ClientRequest",
    "ClientalyticsError",
    "ClientalyticsWarning",
    "Contract",
    "ConvergenceError",
    "DataQualityWarning",
    "DimensionScore",
    "FreightRequirements",
    "Manager",
    "MarketingSpend",
    "ModelAssumptionWarning",
    "NotFittedError",
    "SurveyResponse",
    "Touchpoint",
    "Transaction",
    "ValidationError",
    "ValidationResult",
    "calibration_holdout_split",
    "frame_to_records",
    "get_schema",
    "records_to_frame",
    "summarize",
    "survey_frames_to_records",
    "survey_records_to_frames",
    "validate",
]
