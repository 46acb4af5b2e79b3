"""Typed, immutable records of single rows, for the edges of the library.

A service posting one client, or a notebook building a small case by hand, works
with these pydantic models; the analyses work with tables. One record class per
table of :mod:`clientalytics.schema`, with the same field names and constraints
(checked against the schema when each class is defined), plus conversion both
ways between lists of records and pandas frames.
"""

from clientalytics.records.activity import MarketingSpend, Touchpoint, Transaction
from clientalytics.records.base import Record, record_columns, schema_mismatches
from clientalytics.records.contract import Contract
from clientalytics.records.convert import (
    RECORD_TYPES,
    frame_to_records,
    records_to_frame,
    survey_frames_to_records,
    survey_records_to_frames,
)
from clientalytics.records.invoice import Invoice
from clientalytics.records.parties import Client, Manager
from clientalytics.records.request import ClientRequest, FreightRequirements
from clientalytics.records.survey import DimensionScore, SurveyResponse

__all__ = [
    "RECORD_TYPES",
    "Client",
    "ClientRequest",
    "Contract",
    "DimensionScore",
    "FreightRequirements",
    "Invoice",
    "Manager",
    "MarketingSpend",
    "Record",
    "SurveyResponse",
    "Touchpoint",
    "Transaction",
    "frame_to_records",
    "record_columns",
    "records_to_frame",
    "schema_mismatches",
    "survey_frames_to_records",
    "survey_records_to_frames",
]
