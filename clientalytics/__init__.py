"""clientalytics: customer analytics for client-oriented companies.

Validated client tables (:class:`ClientBase`, :func:`validate`), per-client
transaction summaries (:func:`summarize`), and the analyses built on them:
segmentation, lifetime value, retention and churn, marketing economics and
relationship management.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from clientalytics.churn import (
        ChurnModel,
        churn_features,
        churn_risk_list,
        evaluate_churn,
    )
    from clientalytics.clv import (
        BetaGeoBetaBinomModel,
        BetaGeoModel,
        GammaGammaModel,
        ModifiedBetaGeoModel,
        ParetoNBDModel,
        ShiftedBetaGeometricModel,
        compare_models,
        customer_equity,
        customer_lifetime_value,
        simple_clv,
        year_table_npv,
    )
    from clientalytics.datasets import (
        generate_company,
        load_sample,
    )
    from clientalytics.engagement import (
        contact_frequency_bands,
        expectation_gaps,
        lifecycle_stages,
        net_promoter_score,
        relationship_seekers,
        renewal_pipeline,
        request_kpis,
        typology_performance,
        word_of_mouth_reach,
    )
    from clientalytics.managers import (
        manager_scorecard,
        redistribute_portfolio,
    )
    from clientalytics.marketing import (
        client_investment_return,
        client_profitability,
        compare_strategies,
        loss_making_clients,
        marketing_metrics_table,
        marketing_roi,
        marketing_ros,
        net_marketing_contribution,
        nms,
        optimal_plan,
    )
    from clientalytics.ranking import (
        rank_golden_clients,
    )
    from clientalytics.report import (
        write_report,
    )
    from clientalytics.retention import (
        cohort_matrix,
        cohort_table,
        compare_survival,
        contract_renewal_rate,
        median_lifetime,
        retention_coefficients,
        survival_curve,
    )
    from clientalytics.segmentation import (
        SegmentMap,
        abc_classes,
        abc_xyz_matrix,
        client_matrix,
        customer_pyramid,
        relation_to_firm,
        rfm_scores,
        rfm_segments,
        segment_summary,
        xyz_classes,
    )

__version__ = "0.1.0"

#: Names served lazily from the analysis packages, so that ``import clientalytics``
#: stays light (the models, scikit-learn and lifelines load on first use).
_LAZY_EXPORTS: dict[str, str] = {
    "BetaGeoModel": "clientalytics.clv",
    "ModifiedBetaGeoModel": "clientalytics.clv",
    "ParetoNBDModel": "clientalytics.clv",
    "BetaGeoBetaBinomModel": "clientalytics.clv",
    "GammaGammaModel": "clientalytics.clv",
    "ShiftedBetaGeometricModel": "clientalytics.clv",
    "customer_lifetime_value": "clientalytics.clv",
    "customer_equity": "clientalytics.clv",
    "simple_clv": "clientalytics.clv",
    "year_table_npv": "clientalytics.clv",
    "compare_models": "clientalytics.clv",
    "rfm_scores": "clientalytics.segmentation",
    "rfm_segments": "clientalytics.segmentation",
    "SegmentMap": "clientalytics.segmentation",
    "segment_summary": "clientalytics.segmentation",
    "relation_to_firm": "clientalytics.segmentation",
    "client_matrix": "clientalytics.segmentation",
    "abc_classes": "clientalytics.segmentation",
    "xyz_classes": "clientalytics.segmentation",
    "abc_xyz_matrix": "clientalytics.segmentation",
    "customer_pyramid": "clientalytics.segmentation",
    "rank_golden_clients": "clientalytics.ranking",
    "retention_coefficients": "clientalytics.retention",
    "contract_renewal_rate": "clientalytics.retention",
    "cohort_table": "clientalytics.retention",
    "cohort_matrix": "clientalytics.retention",
    "survival_curve": "clientalytics.retention",
    "compare_survival": "clientalytics.retention",
    "median_lifetime": "clientalytics.retention",
    "ChurnModel": "clientalytics.churn",
    "churn_features": "clientalytics.churn",
    "evaluate_churn": "clientalytics.churn",
    "churn_risk_list": "clientalytics.churn",
    "net_marketing_contribution": "clientalytics.marketing",
    "nms": "clientalytics.marketing",
    "marketing_ros": "clientalytics.marketing",
    "marketing_roi": "clientalytics.marketing",
    "marketing_metrics_table": "clientalytics.marketing",
    "client_profitability": "clientalytics.marketing",
    "loss_making_clients": "clientalytics.marketing",
    "client_investment_return": "clientalytics.marketing",
    "compare_strategies": "clientalytics.marketing",
    "optimal_plan": "clientalytics.marketing",
    "manager_scorecard": "clientalytics.managers",
    "redistribute_portfolio": "clientalytics.managers",
    "request_kpis": "clientalytics.engagement",
    "renewal_pipeline": "clientalytics.engagement",
    "lifecycle_stages": "clientalytics.engagement",
    "net_promoter_score": "clientalytics.engagement",
    "expectation_gaps": "clientalytics.engagement",
    "contact_frequency_bands": "clientalytics.engagement",
    "relationship_seekers": "clientalytics.engagement",
    "word_of_mouth_reach": "clientalytics.engagement",
    "typology_performance": "clientalytics.engagement",
    "write_report": "clientalytics.report",
    "load_sample": "clientalytics.datasets",
    "generate_company": "clientalytics.datasets",
}

#: Analysis packages reachable as attributes (``clientalytics.clv``, ...).
_SUBPACKAGES = frozenset(
    {
        "churn",
        "clv",
        "datasets",
        "engagement",
        "managers",
        "marketing",
        "plotting",
        "ranking",
        "report",
        "retention",
        "segmentation",
    }
)


def __getattr__(name: str) -> Any:
    """Import an analysis function or package on first use."""
    if name in _SUBPACKAGES:
        return import_module(f"clientalytics.{name}")
    module = _LAZY_EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clientalytics' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_EXPORTS) | _SUBPACKAGES)


__all__ = [
    "SCHEMAS",
    "BetaGeoBetaBinomModel",
    "BetaGeoModel",
    "ChurnModel",
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
    "GammaGammaModel",
    "Manager",
    "MarketingSpend",
    "ModelAssumptionWarning",
    "ModifiedBetaGeoModel",
    "NotFittedError",
    "ParetoNBDModel",
    "SegmentMap",
    "ShiftedBetaGeometricModel",
    "SurveyResponse",
    "Touchpoint",
    "Transaction",
    "ValidationError",
    "ValidationResult",
    "abc_classes",
    "abc_xyz_matrix",
    "calibration_holdout_split",
    "churn_features",
    "churn_risk_list",
    "client_investment_return",
    "client_matrix",
    "client_profitability",
    "cohort_matrix",
    "cohort_table",
    "compare_models",
    "compare_strategies",
    "compare_survival",
    "contact_frequency_bands",
    "contract_renewal_rate",
    "customer_equity",
    "customer_lifetime_value",
    "customer_pyramid",
    "evaluate_churn",
    "expectation_gaps",
    "frame_to_records",
    "generate_company",
    "get_schema",
    "lifecycle_stages",
    "load_sample",
    "loss_making_clients",
    "manager_scorecard",
    "marketing_metrics_table",
    "marketing_roi",
    "marketing_ros",
    "median_lifetime",
    "net_marketing_contribution",
    "net_promoter_score",
    "nms",
    "optimal_plan",
    "rank_golden_clients",
    "records_to_frame",
    "redistribute_portfolio",
    "relation_to_firm",
    "relationship_seekers",
    "renewal_pipeline",
    "request_kpis",
    "retention_coefficients",
    "rfm_scores",
    "rfm_segments",
    "segment_summary",
    "simple_clv",
    "summarize",
    "survey_frames_to_records",
    "survey_records_to_frames",
    "survival_curve",
    "typology_performance",
    "validate",
    "word_of_mouth_reach",
    "write_report",
    "xyz_classes",
    "year_table_npv",
]
