"""scikit-learn's estimator checks over every class that claims the estimator contract.

The churn classifiers claim the whole ``fit(X, y)`` contract and run every check.
The CLV models subclass ``BaseEstimator`` for ``get_params``, ``set_params`` and
``clone`` but fit a client summary (named columns ``frequency``, ``recency``,
``T``) or a cohort's counts, never ``(X, y)``; they run the checks of the
constructor conventions only.
"""

import pytest
from sklearn.utils.estimator_checks import (
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
)

from clientalytics.churn import ChurnModel, RecencyBaseline
from clientalytics.clv import (
    BetaGeoBetaBinomModel,
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    ShiftedBetaGeometricModel,
)

# Few boosting iterations keep the checks fast; the contract does not depend on them.
CHURN_ESTIMATORS = [ChurnModel(max_iter=10), RecencyBaseline(column=0)]


def expected_failed_checks(estimator):
    if isinstance(estimator, ChurnModel):
        return {
            "check_non_transformer_estimators_n_iter": (
                "max_iter is handed to the base learner, refitted once per calibration "
                "fold, so there is no single n_iter_"
            ),
        }
    return {}


def _listed(decorator):
    """The same parametrization with its cases in a list.

    scikit-learn up to 1.7 hands pytest a generator of cases, which pytest 9
    deprecates (and this suite turns warnings into errors).
    """
    argnames, argvalues = decorator.mark.args
    return pytest.mark.parametrize(argnames, list(argvalues), **decorator.mark.kwargs)


@_listed(parametrize_with_checks(CHURN_ESTIMATORS, expected_failed_checks=expected_failed_checks))
def test_churn_estimators_meet_the_scikit_learn_contract(estimator, check):
    check(estimator)


CLV_MODELS = [
    BetaGeoModel(),
    ModifiedBetaGeoModel(),
    ParetoNBDModel(),
    BetaGeoBetaBinomModel(),
    GammaGammaModel(),
    ShiftedBetaGeometricModel(),
]
CONSTRUCTOR_CHECKS = [
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_get_params_invariance,
    check_set_params,
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_repr,
]


@pytest.mark.parametrize("model", CLV_MODELS, ids=lambda m: type(m).__name__)
@pytest.mark.parametrize("check", CONSTRUCTOR_CHECKS, ids=lambda c: c.__name__)
def test_clv_models_follow_the_constructor_conventions(model, check):
    check(type(model).__name__, model)
