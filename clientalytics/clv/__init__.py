"""Customer lifetime value: buy-till-you-die models, contract retention, CLV and equity.

Transaction models (fitted on the output of :func:`clientalytics.summary.summarize`):
:class:`BetaGeoModel` (BG/NBD), :class:`ModifiedBetaGeoModel`, :class:`ParetoNBDModel`
and the discrete-time :class:`BetaGeoBetaBinomModel`; value per purchase:
:class:`GammaGammaModel`; contract retention: :class:`ShiftedBetaGeometricModel`.
:func:`customer_lifetime_value` and :func:`customer_equity` turn them into money;
:func:`simple_clv` and :func:`year_table_npv` serve analysts without histories;
:func:`compare_models` picks a model on holdout evidence.
"""

from clientalytics.clv.base import TransactionModel
from clientalytics.clv.beta_geo import BetaGeoModel
from clientalytics.clv.beta_geo_beta_binom import BetaGeoBetaBinomModel
from clientalytics.clv.diagnostics import (
    cumulative_transactions,
    frequency_recency_matrix,
    period_transactions,
    probability_alive_matrix,
)
from clientalytics.clv.evaluation import (
    HoldoutPrediction,
    compare_models,
    holdout_metrics,
    holdout_predictions,
)
from clientalytics.clv.formula import expected_lifetime, simple_clv, year_table_npv
from clientalytics.clv.gamma_gamma import GammaGammaModel
from clientalytics.clv.modified_beta_geo import ModifiedBetaGeoModel
from clientalytics.clv.pareto_nbd import ParetoNBDModel
from clientalytics.clv.shifted_beta_geometric import ShiftedBetaGeometricModel
from clientalytics.clv.value import (
    customer_equity,
    customer_lifetime_value,
    period_discount_rate,
)

__all__ = [
    "BetaGeoBetaBinomModel",
    "BetaGeoModel",
    "GammaGammaModel",
    "HoldoutPrediction",
    "ModifiedBetaGeoModel",
    "ParetoNBDModel",
    "ShiftedBetaGeometricModel",
    "TransactionModel",
    "compare_models",
    "cumulative_transactions",
    "customer_equity",
    "customer_lifetime_value",
    "expected_lifetime",
    "frequency_recency_matrix",
    "holdout_metrics",
    "holdout_predictions",
    "period_discount_rate",
    "period_transactions",
    "probability_alive_matrix",
    "simple_clv",
    "year_table_npv",
]
