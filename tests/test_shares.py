"""The smallest top group holding a share of a total, on hand-computed cases."""

import numpy as np
import pytest

from clientalytics._shares import top_share_members


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        # 50 + 30 = 80 of 100: the top two hold exactly 80 %, the third is out
        (0.8, [True, True, False, False]),
        # 81 %: the third client crosses the line and is in
        (0.81, [True, True, True, False]),
        # 50 %: the first client alone holds it
        (0.5, [True, False, False, False]),
        (0.5000001, [True, True, False, False]),
        (1.0, [True, True, True, True]),
    ],
)
def test_hand_computed_groups(share, expected):
    members = top_share_members([50.0, 30.0, 15.0, 5.0], share)
    assert members.tolist() == expected


def test_float_sums_a_hair_below_the_line_count_as_reaching_it():
    # 0.7 is exactly half of 0.7 + 0.6 + 0.1, but in floats 0.5 * 1.4 and the sums
    # disagree in the last bit; the second client must stay out
    values = np.array([0.7, 0.6, 0.1])
    before_second = np.cumsum(values)[1] - values[1]
    assert before_second < 0.5 * values.sum()  # the rounding the tolerance absorbs
    assert top_share_members(values, 0.5).tolist() == [True, False, False]


def test_a_real_shortfall_is_not_absorbed():
    # 79.99 of 100 is below 80 %, so the client crossing the line is still needed
    assert top_share_members([50.0, 29.99, 20.01], 0.8).tolist() == [True, True, True]


def test_zero_and_negative_values_hold_no_share():
    members = top_share_members([60.0, 0.0, -10.0, 40.0], 1.0)
    assert members.tolist() == [True, False, False, True]


def test_given_total_counts_values_outside_the_ranking():
    # 5 + 3 of a total of 16: half is 8, so both are needed and both are in
    assert top_share_members([5.0, 3.0], 0.5, total=16.0).tolist() == [True, True]
    assert top_share_members([5.0, 3.0], 0.25, total=16.0).tolist() == [True, False]


def test_no_positive_total_gives_no_member():
    assert top_share_members([0.0, -1.0], 0.8).tolist() == [False, False]
    assert top_share_members([], 0.8).tolist() == []
