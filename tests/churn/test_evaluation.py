import numpy as np
import pytest

from clientalytics.churn import (
    calibration_table,
    evaluate_churn,
    gains_table,
    top_share_capture,
)
from clientalytics.exceptions import ValidationError

Y = np.array([1, 1, 0, 1, 0, 0, 0, 0, 1, 0])
S = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])


def test_gains_by_hand():
    """Five bins of two clients: churners 2, 1, 0, 0, 1 of 4; base rate 0.4."""
    g = gains_table(Y, S, bins=5)
    assert g["churners"].tolist() == [2, 1, 0, 0, 1]
    assert g["lift"].tolist() == pytest.approx([2.5, 1.25, 0.0, 0.0, 1.25])
    assert g["cumulative_capture"].tolist() == pytest.approx([0.5, 0.75, 0.75, 0.75, 1.0])
    assert g["cumulative_share"].iloc[-1] == 1.0


def test_top_decile_and_metrics():
    lift, capture = top_share_capture(Y, S, share=0.1)
    assert (lift, capture) == pytest.approx((2.5, 0.25))
    m = evaluate_churn(Y, {"s": S, "perfect": Y.astype(float)})
    assert m.loc["perfect", "roc_auc"] == 1.0
    assert m.loc["perfect", "brier"] == 0.0
    # (churner, stayer) pairs ranked right: 6 + 6 + 5 + 1 = 18 of 4 x 6.
    assert m.loc["s", "roc_auc"] == pytest.approx(18 / 24)
    with pytest.raises(ValidationError, match="both classes"):
        evaluate_churn(np.zeros(10), {"s": S})
    with pytest.raises(ValidationError, match="has 3 values for 10 clients"):
        evaluate_churn(Y, {"short": S[:3]})


def test_calibration_table_bins():
    t = calibration_table(Y, S, bins=2)
    assert t["clients"].tolist() == [5, 5]
    assert t["observed_rate"].tolist() == pytest.approx([0.2, 0.6])
    assert t["mean_predicted"].tolist() == pytest.approx([np.mean(S[5:]), np.mean(S[:5])])
