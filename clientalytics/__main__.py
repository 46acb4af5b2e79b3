"""``python -m clientalytics``: the same command line as the ``clientalytics`` script."""

from clientalytics.cli import main

raise SystemExit(main())
