"""Wilson intervals of the rates shown on small groups."""

import pytest

from clientalytics.report.intervals import wilson_interval


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 10, 0.0, 0.2775)],
)
def test_published_wilson_intervals(k, n, low, high):
    """Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (score
    interval without continuity correction): 81/263, 15/148 and 0/10."""
    got = wilson_interval(k, n)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_interval_holds_the_rate_and_stays_in_zero_one():
    for k, n in [(1, 1), (3, 7), (29, 30)]:
        low, high = wilson_interval(k, n)
        assert 0 <= low <= k / n <= high <= 1
    low, high = wilson_interval(0, 0)
    assert low != low and high != high  # undefined without trials
