"""Fixtures of the churn tests."""

import pytest

from clientalytics.churn import churn_dataset, temporal_split
from clientalytics.datasets import load_sample
from tests.churn._helpers import TEST, TRAIN


@pytest.fixture(scope="module")
def sample():
    base = load_sample()
    X, y = churn_dataset(base, cutoffs=[*TRAIN, TEST], horizon=6)
    return base, temporal_split(X, y, test_cutoff=TEST)
