import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


from hypothesis import settings  # noqa: E402

# Property tests draw the same examples on every run (no hidden randomness in CI).
settings.register_profile("clientalytics", derandomize=True, deadline=None)
settings.load_profile("clientalytics")
