"""Published reference values of the CLV models."""

import numpy as np
import pytest

from clientalytics.clv import (
    BetaGeoBetaBinomModel,
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    ShiftedBetaGeometricModel,
)


def sig3(value: float) -> float:
    return float(f"{value:.3g}")


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


def test_gamma_gamma_cdnow(cdnow_monetary):
    """Fader, Hardie & Lee (2005) "RFM and CLV", JMR 42(4) / Hardie note 025: the 946 CDNOW
    repeat buyers give p=6.25, q=3.74, gamma=15.44."""
    model = GammaGammaModel().fit(cdnow_monetary)
    p = model.params_
    assert model.n_clients_ == 946
    assert [sig3(p["p"]), sig3(p["q"]), sig3(p["gamma"])] == [6.25, 3.74, 15.4]
    assert p["gamma"] == pytest.approx(15.44, abs=0.01)


def test_bgbb_donations(donations):
    """Fader, Hardie & Shang (2010), Marketing Science 29(6), table 2: alpha=1.204,
    beta=0.750, gamma=0.657, delta=2.783, LL=-33,225.6 on 11,104 donors over 6 years."""
    model = BetaGeoBetaBinomModel().fit(donations, sample_weight=donations["weights"])
    p = model.params_
    assert p.round(3).tolist() == [1.204, 0.750, 0.657, 2.783]
    assert model.log_likelihood_ == pytest.approx(-33225.6, abs=0.05)
    assert model.n_clients_ == 11104


@pytest.mark.parametrize(
    ("survivors", "alpha", "beta"),
    [
        ([1000, 631, 468, 382, 326, 289, 262, 241], 0.704, 1.182),
        ([1000, 869, 743, 653, 593, 551, 517, 491], 0.668, 3.806),
    ],
    ids=["regular", "high-end"],
)
def test_sbg_fader_hardie_2007(survivors, alpha, beta):
    """Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing
    21(1): survivors of 1,000 over years 0-7, fitted on years 1-7; regular alpha=0.704,
    beta=1.182, high end alpha=0.668, beta=3.806."""
    model = ShiftedBetaGeometricModel().fit(survivors)
    assert model.params_["alpha"] == pytest.approx(alpha, abs=5e-4)
    assert model.params_["beta"] == pytest.approx(beta, abs=5e-4)
    # the fitted curve passes close to the observed survivors (within 2 % of the cohort)
    projected = model.project(7)["expected_active"].to_numpy()
    assert np.max(np.abs(projected - np.asarray(survivors))) < 20
