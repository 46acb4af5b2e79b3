"""BG/NBD model."""

import pytest

from clientalytics.clv import BetaGeoModel
from tests.clv._helpers import sig3


def test_bgnbd_cdnow(cdnow):
    """Fader, Hardie & Lee (2005), Marketing Science 24(2), p. 281: CDNOW, 2,357 customers,
    weeks: r=0.243, alpha=4.414, a=0.793, b=2.426, LL=-9582.4."""
    model = BetaGeoModel().fit(cdnow)
    p = model.params_
    assert [sig3(p["r"]), sig3(p["alpha"]), sig3(p["a"]), sig3(p["b"])] == [
        0.243,
        4.41,
        0.793,
        2.43,
    ]
    assert model.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert model.n_clients_ == 2357
