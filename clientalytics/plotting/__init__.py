"""Plots as free functions ``plot_x(result, *, ax=None) -> Axes``, one module per area."""
