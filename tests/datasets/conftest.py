"""Fixtures of the dataset tests."""

from __future__ import annotations

import pytest

from clientalytics.datasets import generate_company


@pytest.fixture(scope="module")
def company():
    return generate_company(1000, 3, seed=0)
