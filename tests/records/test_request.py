"""Request records: answer times and freight items."""

from __future__ import annotations

from datetime import datetime

import pydantic
import pytest

from clientalytics.records import FreightRequirements
from tests.records._helpers import make_request


@pytest.mark.parametrize("field", ["first_response_at", "quoted_at"])
def test_request_answers_cannot_precede_receipt(field: str):
    with pytest.raises(pydantic.ValidationError, match=rf"{field} .* on or after received_at"):
        make_request(**{field: datetime(2024, 4, 1, 8, 59)})
    assert getattr(make_request(**{field: datetime(2024, 4, 1, 9, 0)}), field) == datetime(
        2024, 4, 1, 9, 0
    )


def test_freight_items_nested_or_flat():
    nested = make_request(
        freight_requirements=FreightRequirements(vehicle_type="tent 20 t", payment_terms_days=30)
    )
    flat = make_request(vehicle_type="tent 20 t", payment_terms_days=30)
    assert nested == flat
    assert flat.freight_requirements.payment_terms_days == 30
    assert flat.to_row()["vehicle_type"] == "tent 20 t"
    with pytest.raises(pydantic.ValidationError, match=r"given both flat and in freight_req"):
        make_request(vehicle_type="van", freight_requirements={"packaging": "pallets"})
    with pytest.raises(pydantic.ValidationError, match=r"freight_requirements\.payment_terms_days"):
        make_request(payment_terms_days=-1)
