"""The top-level namespace: light to import, every advertised name resolves."""

import importlib
import inspect
import subprocess
import sys

import pytest

import clientalytics as ca

#: The public surface of ``import clientalytics``, one name a line.
PUBLIC_NAMES = [
    # tables and their checks
    "ClientBase",
    "SCHEMAS",
    "get_schema",
    "ValidationResult",
    "validate",
    "inspect_folder",
    "calibration_holdout_split",
    "summarize",
    "engine_scores",
    "BusinessCalendar",
    "client_states",
    # errors and warnings
    "ClientalyticsError",
    "ClientalyticsWarning",
    "ConvergenceError",
    "DataQualityWarning",
    "ModelAssumptionWarning",
    "NotFittedError",
    "ValidationError",
    # records
    "Client",
    "ClientRequest",
    "Contract",
    "DimensionScore",
    "FreightRequirements",
    "Invoice",
    "Manager",
    "MarketingSpend",
    "SurveyResponse",
    "Touchpoint",
    "Transaction",
    "frame_to_records",
    "records_to_frame",
    "survey_frames_to_records",
    "survey_records_to_frames",
    # segmentation and ranking
    "SegmentMap",
    "abc_classes",
    "abc_xyz_matrix",
    "client_matrix",
    "customer_pyramid",
    "relation_to_firm",
    "rfm_scores",
    "rfm_segments",
    "segment_summary",
    "xyz_classes",
    "rank_golden_clients",
    # lifetime value
    "BetaGeoBetaBinomModel",
    "BetaGeoModel",
    "GammaGammaModel",
    "ModifiedBetaGeoModel",
    "ParetoNBDModel",
    "ShiftedBetaGeometricModel",
    "compare_models",
    "customer_equity",
    "customer_lifetime_value",
    "simple_clv",
    "year_table_npv",
    "NBDModel",
    "GGompertzNBDModel",
    "BetaGeoCNBDModel",
    "ModifiedBetaGeoCNBDModel",
    "parameter_draws",
    "customer_value_draws",
    "residual_lifetime_value",
    "select_transaction_model",
    "from_lifetimes",
    "to_lifetimes",
    # contracts
    "renewal_histories",
    "IndividualShiftedBetaGeometricModel",
    "BetaDiscreteWeibullModel",
    "contract_lifetime_value",
    "renewal_risk",
    # retention and churn
    "cohort_matrix",
    "cohort_table",
    "compare_survival",
    "contract_renewal_rate",
    "median_lifetime",
    "retention_coefficients",
    "survival_curve",
    "ChurnModel",
    "churn_features",
    "churn_risk_list",
    "evaluate_churn",
    "win_back_list",
    # marketing
    "client_investment_return",
    "client_profitability",
    "compare_strategies",
    "loss_making_clients",
    "marketing_metrics_table",
    "marketing_roi",
    "marketing_ros",
    "net_marketing_contribution",
    "optimal_plan",
    # receivables
    "receivables_aging",
    "payment_discipline",
    "days_sales_outstanding",
    # managers and engagement
    "manager_scorecard",
    "redistribute_portfolio",
    "rank_managers",
    "contact_frequency_bands",
    "expectation_gaps",
    "lifecycle_stages",
    "net_promoter_score",
    "referrals_by_nps",
    "relationship_seekers",
    "renewal_pipeline",
    "request_kpis",
    "typology_performance",
    "word_of_mouth_reach",
    # data sets and report
    "generate_company",
    "load_sample",
    "write_report",
]


@pytest.mark.parametrize("name", ca.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(ca, name) is not None


def test_import_does_not_load_the_models():
    code = (
        "import sys, clientalytics; "
        "heavy = [m for m in ('sklearn', 'lifelines', 'lifetimes', 'matplotlib.pyplot') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'not_a_metric'"):
        ca.not_a_metric  # noqa: B018


def test_the_public_surface_is_the_listed_one_without_duplicates():
    assert len(ca.__all__) == len(set(ca.__all__))
    assert len(PUBLIC_NAMES) == len(set(PUBLIC_NAMES))
    assert set(ca.__all__) == set(PUBLIC_NAMES)


def test_lazy_names_are_the_analysis_functions_and_dir_lists_every_name():
    assert ca._LAZY_EXPORTS["BetaGeoModel"] == "clientalytics.clv"
    assert ca._LAZY_EXPORTS["ChurnModel"] == "clientalytics.churn"
    assert "summarize" not in ca._LAZY_EXPORTS
    assert set(PUBLIC_NAMES) <= set(dir(ca))


def test_a_lazy_name_is_the_object_of_its_package():
    from clientalytics.clv import BetaGeoModel

    assert ca.BetaGeoModel is BetaGeoModel


@pytest.mark.parametrize(
    "area", ["churn", "clv", "engagement", "managers", "marketing", "retention", "segmentation"]
)
def test_every_public_plot_function_takes_a_keyword_only_axes(area):
    module = importlib.import_module(f"clientalytics.plotting.{area}")
    functions = [
        (name, obj)
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__ and name[0] != "_"
    ]
    assert functions
    for name, function in functions:
        assert name.startswith("plot_"), name
        ax = inspect.signature(function).parameters["ax"]
        assert ax.kind is inspect.Parameter.KEYWORD_ONLY and ax.default is None, name
