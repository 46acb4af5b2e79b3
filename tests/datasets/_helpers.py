"""Constants shared by the dataset tests."""

from __future__ import annotations

import pandas as pd

END = pd.Timestamp("2026-01-01")
