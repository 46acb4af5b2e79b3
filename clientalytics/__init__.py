"""clientalytics: customer analytics for client-oriented companies.

Validated client tables (:class:`ClientBase`, :func:`validate`), per-client
transaction summaries (:func:`summarize`), and the analyses built on them:
segmentation, lifetime value, retention and churn, marketing economics and
relationship management.

Each public name is imported once below: light modules eagerly, the analysis
packages (which load scikit-learn, lifelines and the models) in the
``if TYPE_CHECKING:`` block, which type checkers read and :func:`_lazy_exports`
reads back to serve those names on first use; ``__all__`` is every name imported
``as`` itself.
"""

from __future__ import annotations

import ast
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientalytics.calendar import BusinessCalendar as BusinessCalendar
from clientalytics.clientbase import ClientBase as ClientBase
from clientalytics.exceptions import ClientalyticsError as ClientalyticsError
from clientalytics.exceptions import ClientalyticsWarning as ClientalyticsWarning
from clientalytics.exceptions import ConvergenceError as ConvergenceError
from clientalytics.exceptions import DataQualityWarning as DataQualityWarning
from clientalytics.exceptions import ModelAssumptionWarning as ModelAssumptionWarning
from clientalytics.exceptions import NotFittedError as NotFittedError
from clientalytics.exceptions import ValidationError as ValidationError
from clientalytics.intake import inspect_folder as inspect_folder
from clientalytics.receivables import days_sales_outstanding as days_sales_outstanding
from clientalytics.receivables import payment_discipline as payment_discipline
from clientalytics.receivables import receivables_aging as receivables_aging
from clientalytics.records import Client as Client
from clientalytics.records import ClientRequest as ClientRequest
from clientalytics.records import Contract as Contract
from clientalytics.records import DimensionScore as DimensionScore
from clientalytics.records import FreightRequirements as FreightRequirements
from clientalytics.records import Invoice as Invoice
from clientalytics.records import Manager as Manager
from clientalytics.records import MarketingSpend as MarketingSpend
from clientalytics.records import SurveyResponse as SurveyResponse
from clientalytics.records import Touchpoint as Touchpoint
from clientalytics.records import Transaction as Transaction
from clientalytics.records import frame_to_records as frame_to_records
from clientalytics.records import records_to_frame as records_to_frame
from clientalytics.records import survey_frames_to_records as survey_frames_to_records
from clientalytics.records import survey_records_to_frames as survey_records_to_frames
from clientalytics.schema import SCHEMAS as SCHEMAS
from clientalytics.schema import get_schema as get_schema
from clientalytics.status import client_states as client_states
from clientalytics.summary import calibration_holdout_split as calibration_holdout_split
from clientalytics.summary import summarize as summarize
from clientalytics.validation import ValidationResult as ValidationResult
from clientalytics.validation import validate as validate

if TYPE_CHECKING:
    from clientalytics._engines.scoring import engine_scores as engine_scores
    from clientalytics.churn import ChurnModel as ChurnModel
    from clientalytics.churn import churn_features as churn_features
    from clientalytics.churn import churn_risk_list as churn_risk_list
    from clientalytics.churn import evaluate_churn as evaluate_churn
    from clientalytics.churn import win_back_list as win_back_list
    from clientalytics.clv import BetaDiscreteWeibullModel as BetaDiscreteWeibullModel
    from clientalytics.clv import BetaGeoBetaBinomModel as BetaGeoBetaBinomModel
    from clientalytics.clv import BetaGeoCNBDModel as BetaGeoCNBDModel
    from clientalytics.clv import BetaGeoModel as BetaGeoModel
    from clientalytics.clv import GammaGammaModel as GammaGammaModel
    from clientalytics.clv import GGompertzNBDModel as GGompertzNBDModel
    from clientalytics.clv import (
        IndividualShiftedBetaGeometricModel as IndividualShiftedBetaGeometricModel,
    )
    from clientalytics.clv import ModifiedBetaGeoCNBDModel as ModifiedBetaGeoCNBDModel
    from clientalytics.clv import ModifiedBetaGeoModel as ModifiedBetaGeoModel
    from clientalytics.clv import NBDModel as NBDModel
    from clientalytics.clv import ParetoNBDModel as ParetoNBDModel
    from clientalytics.clv import ShiftedBetaGeometricModel as ShiftedBetaGeometricModel
    from clientalytics.clv import compare_models as compare_models
    from clientalytics.clv import contract_lifetime_value as contract_lifetime_value
    from clientalytics.clv import customer_equity as customer_equity
    from clientalytics.clv import customer_lifetime_value as customer_lifetime_value
    from clientalytics.clv import customer_value_draws as customer_value_draws
    from clientalytics.clv import from_lifetimes as from_lifetimes
    from clientalytics.clv import parameter_draws as parameter_draws
    from clientalytics.clv import renewal_histories as renewal_histories
    from clientalytics.clv import renewal_risk as renewal_risk
    from clientalytics.clv import residual_lifetime_value as residual_lifetime_value
    from clientalytics.clv import select_transaction_model as select_transaction_model
    from clientalytics.clv import simple_clv as simple_clv
    from clientalytics.clv import to_lifetimes as to_lifetimes
    from clientalytics.clv import year_table_npv as year_table_npv
    from clientalytics.datasets import generate_company as generate_company
    from clientalytics.datasets import load_sample as load_sample
    from clientalytics.engagement import contact_frequency_bands as contact_frequency_bands
    from clientalytics.engagement import expectation_gaps as expectation_gaps
    from clientalytics.engagement import lifecycle_stages as lifecycle_stages
    from clientalytics.engagement import net_promoter_score as net_promoter_score
    from clientalytics.engagement import referrals_by_nps as referrals_by_nps
    from clientalytics.engagement import relationship_seekers as relationship_seekers
    from clientalytics.engagement import renewal_pipeline as renewal_pipeline
    from clientalytics.engagement import request_kpis as request_kpis
    from clientalytics.engagement import typology_performance as typology_performance
    from clientalytics.engagement import word_of_mouth_reach as word_of_mouth_reach
    from clientalytics.managers import manager_scorecard as manager_scorecard
    from clientalytics.managers import rank_managers as rank_managers
    from clientalytics.managers import redistribute_portfolio as redistribute_portfolio
    from clientalytics.marketing import client_investment_return as client_investment_return
    from clientalytics.marketing import client_profitability as client_profitability
    from clientalytics.marketing import compare_strategies as compare_strategies
    from clientalytics.marketing import loss_making_clients as loss_making_clients
    from clientalytics.marketing import marketing_metrics_table as marketing_metrics_table
    from clientalytics.marketing import marketing_roi as marketing_roi
    from clientalytics.marketing import marketing_ros as marketing_ros
    from clientalytics.marketing import net_marketing_contribution as net_marketing_contribution
    from clientalytics.marketing import optimal_plan as optimal_plan
    from clientalytics.ranking import rank_golden_clients as rank_golden_clients
    from clientalytics.report import write_report as write_report
    from clientalytics.retention import cohort_matrix as cohort_matrix
    from clientalytics.retention import cohort_table as cohort_table
    from clientalytics.retention import compare_survival as compare_survival
    from clientalytics.retention import contract_renewal_rate as contract_renewal_rate
    from clientalytics.retention import median_lifetime as median_lifetime
    from clientalytics.retention import retention_coefficients as retention_coefficients
    from clientalytics.retention import survival_curve as survival_curve
    from clientalytics.segmentation import SegmentMap as SegmentMap
    from clientalytics.segmentation import abc_classes as abc_classes
    from clientalytics.segmentation import abc_xyz_matrix as abc_xyz_matrix
    from clientalytics.segmentation import client_matrix as client_matrix
    from clientalytics.segmentation import customer_pyramid as customer_pyramid
    from clientalytics.segmentation import relation_to_firm as relation_to_firm
    from clientalytics.segmentation import rfm_scores as rfm_scores
    from clientalytics.segmentation import rfm_segments as rfm_segments
    from clientalytics.segmentation import segment_summary as segment_summary
    from clientalytics.segmentation import xyz_classes as xyz_classes

__version__ = "0.1.0"


def _lazy_exports() -> tuple[list[str], dict[str, str]]:
    """Read this file's re-exports: ``(eager names, {lazy name: module})``.

    A name is re-exported when it is imported ``as`` itself; the imports inside
    ``if TYPE_CHECKING:`` are the lazy ones.
    """
    eager: list[str] = []
    lazy: dict[str, str] = {}
    for node in ast.parse(Path(__file__).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            lazy.update(
                (alias.name, stmt.module or "")
                for stmt in node.body
                if isinstance(stmt, ast.ImportFrom)
                for alias in stmt.names
                if alias.asname == alias.name
            )
        elif isinstance(node, ast.ImportFrom):
            eager.extend(alias.name for alias in node.names if alias.asname == alias.name)
    return eager, lazy


_EAGER_EXPORTS, _LAZY_EXPORTS = _lazy_exports()

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


__all__ = sorted([*_EAGER_EXPORTS, *_LAZY_EXPORTS])
