import numpy as np
import pandas as pd

from clientalytics.churn import calibration_table, gains_table
from clientalytics.plotting.churn import plot_calibration, plot_feature_importance, plot_gains


def test_churn_plots_draw_their_data():
    y = np.array([1, 0, 1, 0, 0, 1, 0, 0, 0, 1])
    s = np.linspace(0.95, 0.05, 10)
    ax = plot_gains({"m": gains_table(y, s, bins=5)})
    assert ax.lines[0].get_ydata()[-1] == 1.0
    cal = plot_calibration(calibration_table(y, s, bins=2))
    assert len(cal.lines) == 2
    imp = pd.DataFrame(
        {"importance": [0.3, 0.1], "importance_std": [0.01, 0.02]},
        index=pd.Index(["x", "z"], name="feature"),
    )
    bars = plot_feature_importance(imp)
    assert len(bars.patches) == 2
