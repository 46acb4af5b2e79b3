"""Data sets of clientalytics: a synthetic logistics company, its bundled sample, and CDNOW.

- :func:`generate_company` draws a whole B2B freight company (all nine tables);
  :func:`generate_transactions` draws only its transactions, fast, at any scale.
- :func:`load_sample` reads the bundled sample company (1,000 clients, three
  years); :func:`write_sample` regenerates its CSV files.
- :func:`load_cdnow` and :func:`load_cdnow_summary` return the public CDNOW data
  shipped with ``lifetimes`` in the library's column names.
- :func:`load_apparel`, :func:`load_apparel_covariates` (CLVTools) and
  :func:`load_grocery` (BTYDplus) return the bundled reference data sets those
  packages publish their estimates on.
"""

from __future__ import annotations

from clientalytics.datasets._sample import load_sample, write_sample
from clientalytics.datasets.apparel import load_apparel, load_apparel_covariates
from clientalytics.datasets.cdnow import load_cdnow, load_cdnow_summary
from clientalytics.datasets.company import generate_company
from clientalytics.datasets.grocery import load_grocery
from clientalytics.datasets.transactions import generate_transactions

__all__ = [
    "generate_company",
    "generate_transactions",
    "load_apparel",
    "load_apparel_covariates",
    "load_cdnow",
    "load_cdnow_summary",
    "load_grocery",
    "load_sample",
    "write_sample",
]
