"""What the report's sections share, computed once before any section is built.

:func:`report_inputs` summarises the client base, values every client (a purchase
model chosen on a holdout period, and Gamma-Gamma) and scores and names the RFM
segments. Every section reads the same
:class:`ReportInputs` and none writes to it, so the sections can be built in any
order, or one at a time, with the same result.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd
from sklearn.base import clone

from clientalytics.clientbase import ClientBase
from clientalytics.clv import GammaGammaModel, TransactionModel, customer_lifetime_value
from clientalytics.clv.selection import (
    DEFAULT_MODEL,
    ModelSelection,
    candidate_models,
    select_transaction_model,
)
from clientalytics.exceptions import (
    ClientalyticsError,
    ConvergenceError,
    DataQualityWarning,
    ValidationError,
)
from clientalytics.periods import TimeUnit
from clientalytics.report.i18n import Lang, Translator
from clientalytics.segmentation import rfm_scores, rfm_segments
from clientalytics.status import client_status
from clientalytics.summary import calibration_holdout_split, summarize

#: Unit of ``recency`` and ``T`` in the report's client summary.
REPORT_TIME_UNIT: TimeUnit = "D"
#: Valuation horizon of the report, in months.
HORIZON_MONTHS = 12
#: Annual discount rate of the report's lifetime values.
ANNUAL_DISCOUNT_RATE = 0.10
#: Score scale of the report's RFM segments (the default 1-5 segment map).
RFM_BINS = 5
#: Longest holdout period, in months, on which the purchase model is chosen (the
#: holdout is at most half of the history).
SELECTION_HOLDOUT_MONTHS = 12
#: Shortest holdout, in months, worth a comparison; with less history the default
#: model (:data:`clientalytics.clv.selection.DEFAULT_MODEL`) is used.
MIN_HOLDOUT_MONTHS = 3


@dataclass(frozen=True)
class Valuation:
    """Lifetime value of every client and the models it comes from.

    Attributes
    ----------
    table : pandas.DataFrame
        :func:`~clientalytics.clv.customer_lifetime_value` output, indexed by client
        id (text): ``expected_purchases``, ``probability_alive``,
        ``expected_value_per_purchase``, ``margin_rate`` and ``clv``.
    purchase_model : TransactionModel
        The purchase model, fitted on the whole history.
    spend_note : str
        How the value per purchase was obtained (Gamma-Gamma parameters, or the
        observed means when that model could not be fitted).
    excluded : pandas.DataFrame
        Repeat buyers left out of the spend model and valued at 0, with the reason.
    model_name : str
        Name of the purchase model (``"BG/NBD"``, ``"MBG/NBD"``, ``"Pareto/NBD"``).
    selection : ModelSelection or None
        The holdout comparison that chose it
        (:func:`~clientalytics.clv.selection.select_transaction_model`); None when the
        history was too short or the comparison failed, and the default was used.
    holdout_months : int
        Length of the holdout period of ``selection`` (0 without one).
    """

    table: pd.DataFrame
    purchase_model: TransactionModel
    spend_note: str
    excluded: pd.DataFrame
    model_name: str = DEFAULT_MODEL
    selection: ModelSelection | None = None
    holdout_months: int = 0


@dataclass(frozen=True)
class ReportInputs:
    """The analyses several sections read, computed once by :func:`report_inputs`.

    Attributes
    ----------
    summary : pandas.DataFrame
        Per-client summary (:func:`~clientalytics.summary.summarize`) in ``time_unit``.
    valuation : Valuation or None
        Lifetime values; ``None`` when the data cannot support them (see
        ``valuation_error``).
    rfm : pandas.DataFrame or None
        RFM scores (:func:`~clientalytics.segmentation.rfm_scores`) on a
        1..``rfm_bins`` scale; ``None`` when they cannot be computed (see
        ``rfm_error``).
    segments : pandas.Series or None
        RFM segment of every client with an order, indexed by client id.
    rfm_notes : tuple of str
        Warnings raised while scoring (e.g. fewer distinct scores than bins).
    valuation_error, rfm_error : ClientalyticsError or None
        Why ``valuation`` or ``rfm`` and ``segments`` are missing.
    time_unit : {"D", "W", "M"}
        Unit of ``recency`` and ``T`` in ``summary``.
    horizon_months : int
        Valuation horizon of ``valuation``.
    annual_discount_rate : float
        Discount rate of ``valuation``.
    rfm_bins : int
        Score scale of ``rfm``.
    status : pandas.Series or None
        Every client's status (new, active, lost, prospect) by the report's one
        definition (:mod:`clientalytics.status`).
    transactions : pandas.DataFrame or None
        The transactions the analyses read: ``base.transactions``, with a zero
        ``variable_cost`` when the data carries no cost (``has_costs`` False; no
        margin is then shown).
    has_costs : bool
        Whether the transactions carry their variable cost (margin is known).
    tr : Translator
        Language and currency of the report.
    """

    summary: pd.DataFrame
    valuation: Valuation | None
    rfm: pd.DataFrame | None
    segments: pd.Series | None
    rfm_notes: tuple[str, ...] = ()
    valuation_error: ClientalyticsError | None = None
    rfm_error: ClientalyticsError | None = None
    time_unit: TimeUnit = REPORT_TIME_UNIT
    horizon_months: int = HORIZON_MONTHS
    annual_discount_rate: float = ANNUAL_DISCOUNT_RATE
    rfm_bins: int = RFM_BINS
    status: pd.Series | None = None
    transactions: pd.DataFrame | None = None
    has_costs: bool = True
    tr: Translator = field(default_factory=Translator)

    @property
    def clv(self) -> pd.DataFrame | None:
        """The lifetime-value table of ``valuation``, or ``None`` without one."""
        return None if self.valuation is None else self.valuation.table


def _selection(
    transactions: pd.DataFrame, observation_end: pd.Timestamp, time_unit: TimeUnit
) -> tuple[ModelSelection | None, int]:
    """Compare the candidate purchase models on the last months of the history.

    The holdout is the last :data:`SELECTION_HOLDOUT_MONTHS` months, or half of the
    history when that is shorter; None (and 0 months) below :data:`MIN_HOLDOUT_MONTHS`
    or when a candidate cannot be fitted on the calibration period.
    """
    end = pd.Timestamp(observation_end)
    first = pd.Timestamp(transactions["date"].min())
    history = (end.year - first.year) * 12 + end.month - first.month
    months = min(SELECTION_HOLDOUT_MONTHS, history // 2)
    if months < MIN_HOLDOUT_MONTHS:
        return None, 0
    try:
        data = calibration_holdout_split(
            transactions,
            calibration_end=end - pd.DateOffset(months=months),
            observation_end=end,
            time_unit=time_unit,
        )
        return select_transaction_model(data, time_unit=time_unit), months
    except ClientalyticsError:
        return None, 0


def _transaction_model(
    summary: pd.DataFrame, time_unit: TimeUnit, name: str = DEFAULT_MODEL
) -> TransactionModel:
    """Fit the named candidate, with a small penalty when the plain fit fails or diverges."""
    candidate = candidate_models()[name]
    try:
        model = clone(candidate).fit(summary, time_unit=time_unit)
        model.expected_purchases(summary, t=float(summary["T"].max()))
        return model
    except ConvergenceError:
        return clone(candidate).set_params(penalizer_coef=0.001).fit(summary, time_unit=time_unit)


def _value_per_purchase(
    summary: pd.DataFrame,
) -> tuple[GammaGammaModel | pd.Series, str, pd.DataFrame]:
    """Gamma-Gamma on repeat buyers with positive mean revenue, else observed means.

    Also returns the repeat buyers left out of the spend model, with the reason.
    """
    try:
        with warnings.catch_warnings():
            # The clients left out are listed in the CLV section from ``excluded_``.
            warnings.simplefilter("ignore", DataQualityWarning)
            model = GammaGammaModel(non_positive="exclude").fit(summary)
    except (ConvergenceError, ValidationError) as err:
        observed = summary["total_revenue"] / (summary["frequency"] + 1)
        floored = observed < 0
        excluded = pd.DataFrame(
            {
                "frequency": summary.loc[floored, "frequency"],
                "monetary_value": summary.loc[floored, "monetary_value"],
                "reason": "revenue net of credit notes is negative: valued at 0 per purchase",
            }
        )
        return observed.clip(lower=0.0), f"observed mean revenue per purchase ({err})", excluded
    note = (
        f"Gamma-Gamma p={model.params_['p']:.3g}, q={model.params_['q']:.3g}, "
        f"gamma={model.params_['gamma']:.4g}; correlation of frequency and revenue per "
        f"purchase {model.frequency_spend_correlation_:.2f}"
    )
    return model, note, model.excluded_


def _valuation(
    summary: pd.DataFrame,
    *,
    margin: bool = True,
    transactions: pd.DataFrame | None = None,
    observation_end: pd.Timestamp | None = None,
) -> Valuation:
    selection, months = (None, 0)
    if transactions is not None and observation_end is not None:
        selection, months = _selection(transactions, observation_end, REPORT_TIME_UNIT)
    name = selection.chosen if selection is not None else DEFAULT_MODEL
    purchases = _transaction_model(summary, REPORT_TIME_UNIT, name)
    spend, spend_note, excluded = _value_per_purchase(summary)
    table = customer_lifetime_value(
        purchases,
        spend,
        summary,
        horizon_months=HORIZON_MONTHS,
        annual_discount_rate=ANNUAL_DISCOUNT_RATE,
        value="margin" if margin else "revenue",
    )
    table.index = table.index.astype(str)
    return Valuation(table, purchases, spend_note, excluded, name, selection, months)


def has_costs(transactions: pd.DataFrame) -> bool:
    """Whether every transaction carries its variable cost (so margin is known)."""
    return "variable_cost" in transactions.columns and bool(
        transactions["variable_cost"].notna().all()
    )


def costed(transactions: pd.DataFrame) -> pd.DataFrame:
    """``transactions`` with a zero ``variable_cost`` where the data carries none."""
    if has_costs(transactions):
        return transactions
    return transactions.assign(variable_cost=0.0)


def report_inputs(
    base: ClientBase, *, lang: Lang = "en", tr: Translator | None = None
) -> ReportInputs:
    """Compute the analyses the report's sections share.

    Parameters
    ----------
    base : ClientBase
        The company, with at least one kept transaction.
    lang : {"en", "ru"}
        Language of the report (ignored when ``tr`` is given).
    tr : Translator, optional
        Language and currency; by default ``lang`` and the base's currency
        (``RUB`` when it declares none).

    Returns
    -------
    ReportInputs
        A failure of the valuation or of the RFM scoring is kept in
        ``valuation_error`` / ``rfm_error`` for the section that shows it; the other
        sections then go without that input.
    """
    if tr is None:
        tr = Translator(lang=lang, currency=str(getattr(base, "currency", "RUB") or "RUB"))
    costs = has_costs(base.transactions)
    transactions = costed(base.transactions)
    summary = summarize(
        transactions, observation_end=base.observation_end, time_unit=REPORT_TIME_UNIT
    )
    if not costs:
        summary["total_margin"] = float("nan")
    valuation: Valuation | None = None
    valuation_error: ClientalyticsError | None = None
    try:
        valuation = _valuation(
            summary, margin=costs, transactions=transactions, observation_end=base.observation_end
        )
    except ClientalyticsError as err:
        valuation_error = err
    rfm: pd.DataFrame | None = None
    segments: pd.Series | None = None
    rfm_error: ClientalyticsError | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            rfm = rfm_scores(summary, bins=RFM_BINS)
        except ClientalyticsError as err:
            rfm_error = err
    if rfm is not None:
        try:
            segments = rfm_segments(rfm, bins=RFM_BINS)
        except ClientalyticsError as err:
            rfm, rfm_error = None, err
    return ReportInputs(
        summary=summary,
        valuation=valuation,
        rfm=rfm,
        segments=segments,
        rfm_notes=tuple(str(warning.message) for warning in caught),
        valuation_error=valuation_error,
        rfm_error=rfm_error,
        status=client_status(
            base.transactions, observation_end=base.observation_end, clients=base.clients
        ),
        transactions=transactions,
        has_costs=costs,
        tr=tr,
    )
