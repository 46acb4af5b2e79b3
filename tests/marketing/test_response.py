"""Response curves: rates, marginal rates and the spend a rate needs, by hand."""

import math

import pytest

from clientalytics.exceptions import ValidationError
from clientalytics.marketing.response import ResponseCurve


def test_response_curve_by_hand():
    assert ResponseCurve(ceiling=0.8, k=0.1).rate(10.0) == pytest.approx(0.8 * (1 - math.exp(-1.0)))
    curve = ResponseCurve(ceiling=0.9, k=0.2, floor=0.3)
    assert curve.rate(0.0) == pytest.approx(0.3)
    assert curve.rate(5.0) == pytest.approx(0.3 + 0.6 * (1 - math.exp(-1.0)))
    assert curve.marginal_rate(5.0) == pytest.approx(0.6 * 0.2 * math.exp(-1.0))
    assert curve.spend_for_rate(float(curve.rate(5.0))) == pytest.approx(5.0)
    with pytest.raises(ValidationError, match="0 <= floor <= ceiling <= 1"):
        ResponseCurve(ceiling=1.2, k=0.1)
    with pytest.raises(ValidationError, match="k > 0"):
        ResponseCurve(ceiling=0.5, k=0.0)
