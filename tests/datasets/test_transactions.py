"""The transactions-only generator."""

from __future__ import annotations

import pandas as pd
import pytest

from clientalytics.datasets import generate_company, generate_transactions


@pytest.mark.parametrize(("n", "years", "seed"), [(1000, 3, 0), (400, 2, 7)])
def test_generate_transactions_equals_company_transactions(n, years, seed):
    base = generate_company(n, years, seed=seed)
    fast = generate_transactions(n, years, seed=seed)
    # Validated text columns hold None where missing; the generator's Arrow text holds NaN.
    text = [c for c in fast.columns if pd.api.types.is_string_dtype(fast[c].dtype)]
    fast[text] = fast[text].astype(object).where(fast[text].notna(), None)
    pd.testing.assert_frame_equal(base.transactions.reset_index(drop=True), fast, check_dtype=False)
