"""The client request record with its nested freight intake questionnaire."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from clientalytics import enums
from clientalytics.records.base import Record, column_field
from clientalytics.records.fieldtypes import Count, FiniteFloat, Flag, RecordId, Text, Timestamp
from clientalytics.schema import FREIGHT_REQUIREMENT_COLUMNS, REQUESTS, TableSchema

__all__ = ["ClientRequest", "FreightRequirements"]


def _r(name: str) -> Any:
    return column_field(REQUESTS, name)


class FreightRequirements(Record):
    """The 19 intake items of a freight request, all optional.

    In the ``requests`` table these are flat columns (listed in
    :data:`clientalytics.schema.FREIGHT_REQUIREMENT_COLUMNS`); in a
    :class:`ClientRequest` they are grouped here.
    """

    table_schema: ClassVar[TableSchema] = REQUESTS

    origin_warehouse: Text | None = _r("origin_warehouse")
    cargo_description: Text | None = _r("cargo_description")
    cargo_value_per_truck: FiniteFloat | None = _r("cargo_value_per_truck")
    vehicle_type: Text | None = _r("vehicle_type")
    temperature_regime: Text | None = _r("temperature_regime")
    packaging: Text | None = _r("packaging")
    securing_required: Flag | None = _r("securing_required")
    tent_removal_required: Flag | None = _r("tent_removal_required")
    armed_escort_required: Flag | None = _r("armed_escort_required")
    insurance_required: Flag | None = _r("insurance_required")
    payment_terms_days: Count | None = _r("payment_terms_days")
    power_of_attorney: Text | None = _r("power_of_attorney")
    weekend_loading: Flag | None = _r("weekend_loading")
    order_lead_time_hours: FiniteFloat | None = _r("order_lead_time_hours")
    free_waiting_hours: FiniteFloat | None = _r("free_waiting_hours")
    late_delivery_penalty: FiniteFloat | None = _r("late_delivery_penalty")
    idle_time_penalty: FiniteFloat | None = _r("idle_time_penalty")
    extra_stop_cost: FiniteFloat | None = _r("extra_stop_cost")
    tariff_change_mechanism: Text | None = _r("tariff_change_mechanism")

    @classmethod
    def expected_columns(cls) -> tuple[str, ...]:
        """Return the freight intake columns of the ``requests`` table."""
        return FREIGHT_REQUIREMENT_COLUMNS


class ClientRequest(Record):
    """One incoming client request (``requests`` table).

    ``first_response_at`` and ``quoted_at`` may not precede ``received_at``. The
    intake items sit in ``freight_requirements``; they may also be passed flat, as
    in the table (``ClientRequest(..., vehicle_type="tent 20t")``), and are then
    grouped automatically.
    """

    table_schema: ClassVar[TableSchema] = REQUESTS
    nested_fields: ClassVar[tuple[str, ...]] = ("freight_requirements",)

    request_id: RecordId = _r("request_id")
    client_id: RecordId = _r("client_id")
    manager_id: RecordId | None = _r("manager_id")
    channel: enums.TouchpointChannel | None = _r("channel")
    request_type: enums.RequestType = _r("request_type")
    received_at: Timestamp = _r("received_at")
    first_response_at: Timestamp | None = _r("first_response_at")
    quoted_at: Timestamp | None = _r("quoted_at")
    outcome: enums.RequestOutcome = _r("outcome")
    quoted_value: FiniteFloat | None = _r("quoted_value")
    stage: Text | None = _r("stage")
    loss_reason: Text | None = _r("loss_reason")
    source: Text | None = _r("source")
    freight_requirements: FreightRequirements = Field(
        default_factory=FreightRequirements,
        description="The freight intake questionnaire (flat columns in the table).",
    )

    @model_validator(mode="before")
    @classmethod
    def _group_flat_freight_items(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        flat = [k for k in FREIGHT_REQUIREMENT_COLUMNS if k in data]
        if not flat:
            return data
        if data.get("freight_requirements") is not None:
            raise ValueError(
                f"freight items {flat} were given both flat and in freight_requirements; "
                "use one form"
            )
        rest = {k: v for k, v in data.items() if k not in flat}
        rest["freight_requirements"] = {k: data[k] for k in flat}
        return rest
