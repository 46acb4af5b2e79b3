"""The declared contracts of the derived tables match what the library computes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clientalytics import schema, validate
from clientalytics.churn import churn_features
from clientalytics.clv._data import MODEL_INPUT_COLUMNS
from clientalytics.datasets import generate_company
from clientalytics.exceptions import ValidationError
from clientalytics.records import records_to_frame
from clientalytics.segmentation import rfm_scores
from clientalytics.summary import SUMMARY_COLUMNS, calibration_holdout_split, summarize

TX = pd.DataFrame(
    {
        "client_id": ["a", "a", "a", "b", "c", "c"],
        "date": pd.to_datetime(
            ["2024-01-02", "2024-01-10", "2024-03-05", "2024-02-01", "2024-01-15", "2024-03-20"]
        ),
        "revenue": [100.0, 50.0, 80.0, 40.0, 30.0, 60.0],
        "variable_cost": [60.0, 20.0, 30.0, 10.0, 10.0, 20.0],
    }
)


def _assert_follows(frame: pd.DataFrame, spec: schema.TableSchema) -> None:
    """Columns in declared order, index name, dtypes by kind, bounds and row rules."""
    assert list(frame.columns) == spec.column_names
    assert frame.index.name == spec.index == "client_id"
    assert frame.index.is_unique
    for column in spec.columns:
        values = frame[column.name]
        if column.kind == "int":
            assert pd.api.types.is_integer_dtype(values), column.name
        elif column.kind == "float":
            assert pd.api.types.is_float_dtype(values), column.name
            assert np.isfinite(values.to_numpy()).all(), column.name
        elif column.kind == "datetime":
            assert pd.api.types.is_datetime64_dtype(values), column.name
        elif column.kind == "string":
            assert all(isinstance(v, str) for v in values), column.name
        if not column.nullable:
            assert values.notna().all(), column.name
        if column.minimum is not None:
            assert (values >= column.minimum).all(), column.name
    for rule in spec.order_rules:
        assert (frame[rule.earlier] <= frame[rule.later]).all()


def test_summary_follows_its_contract():
    summary = summarize(TX)
    _assert_follows(summary, schema.SUMMARY)
    # client a: purchase days 2 Jan, 10 Jan, 5 Mar; observation end 20 Mar
    assert summary.loc["a", "frequency"] == 2
    assert summary.loc["a", "recency"] == 63.0
    assert summary.loc["a", "T"] == 78.0
    assert summary.loc["a", "days_since_last_purchase"] == 15


def test_calibration_holdout_follows_its_contract():
    split = calibration_holdout_split(TX, calibration_end="2024-02-15")
    _assert_follows(split, schema.CALIBRATION_HOLDOUT)
    assert split["frequency_holdout"].to_dict() == {"a": 1, "b": 0, "c": 1}
    assert split["duration_holdout"].unique().tolist() == [34.0]


def test_rfm_scores_follow_their_contract():
    scores = rfm_scores(summarize(TX), bins=2)
    _assert_follows(scores, schema.RFM_SCORES)
    assert (scores[["R", "F", "M"]] <= 2).all().all()
    # days since the last purchase a 15, b 48, c 0; orders 3, 1, 2; revenue 230, 40, 90
    assert scores["RFM"].to_dict() == {"a": "122", "b": "111", "c": "211"}


def test_churn_features_follow_their_contract():
    base = generate_company(60, 1, seed=3)
    features = churn_features(base, cutoff=base.observation_end - pd.DateOffset(months=3))
    _assert_follows(features, schema.CHURN_FEATURES)


def test_one_meaning_of_the_summary_columns():
    assert SUMMARY_COLUMNS == schema.SUMMARY.column_names
    assert len(SUMMARY_COLUMNS) == 11
    assert set(MODEL_INPUT_COLUMNS) <= set(schema.SUMMARY.column_names)
    assert schema.CALIBRATION_HOLDOUT.column_names[:11] == [f"{c}_cal" for c in SUMMARY_COLUMNS]


def test_derived_tables_are_found_but_never_validated_as_inputs():
    assert set(schema.SCHEMAS).isdisjoint(schema.DERIVED_SCHEMAS)
    for name, spec in schema.DERIVED_SCHEMAS.items():
        assert schema.get_schema(name) is spec
    with pytest.raises(KeyError, match="not an input table"):
        validate(summarize(TX).reset_index(), "summary")
    with pytest.raises(KeyError, match="not an input table"):
        validate(summarize(TX).reset_index(), schema.SUMMARY)
    with pytest.raises(KeyError, match="unknown table 'summaries'"):
        schema.get_schema("summaries")
    with pytest.raises(KeyError, match="no records for table 'summary'"):
        records_to_frame([], table="summary")


def test_require_checks_a_derived_table_by_name():
    summary = summarize(TX).drop(columns=["T", "n_orders"])
    with pytest.raises(
        ValidationError, match=r"^summary: missing required column\(s\) \['T', 'n_orders'\]; found"
    ):
        schema.require(summary, "summary")
    schema.require(summarize(TX), "summary")
