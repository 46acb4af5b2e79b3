"""Customer lifetime value: buy-till-you-die models, contract retention, CLV and equity.

Transaction models (fitted on the output of :func:`clientalytics.summary.summarize`):
:class:`BetaGeoModel` (BG/NBD), :class:`ModifiedBetaGeoModel`, :class:`ParetoNBDModel`
and the discrete-time :class:`BetaGeoBetaBinomModel`; value per purchase:
:class:`GammaGammaModel`; contract retention: :class:`ShiftedBetaGeometricModel`.
:func:`customer_lifetime_value` and :func:`customer_equity` turn them into money;
:func:`simple_clv` and :func:`year_table_npv` serve analysts without histories;
:func:`compare_models` picks a model on holdout evidence; :func:`from_lifetimes` and
:func:`to_lifetimes` convert fitted models from and to ``lifetimes``.
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
from clientalytics.clv.lifetimes_interop import from_lifetimes, to_lifetimes
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
    "from_lifetimes",
    "holdout_metrics",
    "holdout_predictions",
    "period_discount_rate",
    "period_transactions",
    "probability_alive_matrix",
    "simple_clv",
    "to_lifetimes",
    "year_table_npv",
]

# contractual value: renewal histories, BdW / individual sBG, contract CLV and renewal risk
from clientalytics.clv.contract_value import contract_lifetime_value, renewal_risk
from clientalytics.clv.discrete_weibull import (
    BetaDiscreteWeibullModel,
    IndividualShiftedBetaGeometricModel,
)
from clientalytics.clv.renewal import cohort_histories, renewal_histories

__all__ = [
    *__all__,
    "BetaDiscreteWeibullModel",
    "IndividualShiftedBetaGeometricModel",
    "cohort_histories",
    "contract_lifetime_value",
    "renewal_histories",
    "renewal_risk",
]

# wider transaction-model family: no-dropout benchmark, Gompertz lifetimes, regular purchasing
from clientalytics.clv.beta_geo_cnbd import BetaGeoCNBDModel, ModifiedBetaGeoCNBDModel
from clientalytics.clv.gompertz_nbd import GGompertzNBDModel
from clientalytics.clv.nbd import NBDModel
from clientalytics.clv.regularity import estimate_regularity, log_interpurchase_sum

__all__ += [
    "BetaGeoCNBDModel",
    "GGompertzNBDModel",
    "ModifiedBetaGeoCNBDModel",
    "NBDModel",
    "estimate_regularity",
    "log_interpurchase_sum",
]

# uncertainty: replicate parameters, prediction intervals, infinite-horizon value
from clientalytics.clv.intervals import ValueDraws  # noqa: E402
from clientalytics.clv.uncertainty import parameter_draws  # noqa: E402
from clientalytics.clv.value import customer_value_draws, residual_lifetime_value  # noqa: E402

__all__ += [
    "ValueDraws",
    "customer_value_draws",
    "parameter_draws",
    "residual_lifetime_value",
]

# choosing the purchase model on holdout evidence
from clientalytics.clv.selection import (  # noqa: E402
    DEFAULT_MODEL,
    ModelSelection,
    candidate_models,
    choose_model,
    inactive_alive_share,
    one_time_buyer_alive,
    select_transaction_model,
)

__all__ += [
    "DEFAULT_MODEL",
    "ModelSelection",
    "candidate_models",
    "choose_model",
    "inactive_alive_share",
    "one_time_buyer_alive",
    "select_transaction_model",
]
