"""Pareto/NBD model."""

import pytest

from clientalytics.clv import ParetoNBDModel
from tests.clv._helpers import sig3


def test_pareto_nbd_cdnow(cdnow):
    """Fader, Hardie & Lee (2005), p. 281: Pareto/NBD on CDNOW, r=0.553, alpha=10.578,
    s=0.606, beta=11.669, LL=-9595.0."""
    model = ParetoNBDModel().fit(cdnow)
    p = model.params_
    assert [sig3(p["r"]), sig3(p["alpha"]), sig3(p["s"]), sig3(p["beta"])] == [
        0.553,
        10.6,
        0.606,
        11.7,
    ]
    assert model.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)
