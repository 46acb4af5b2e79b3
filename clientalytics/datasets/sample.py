"""Command that regenerates the bundled sample company's CSV files.

Usage: ``python -m clientalytics.datasets.sample [folder]`` (default ``data/samples``).
"""

from __future__ import annotations

from clientalytics.datasets._sample import main

if __name__ == "__main__":
    raise SystemExit(main())
