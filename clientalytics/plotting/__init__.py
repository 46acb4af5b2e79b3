"""Plots as free functions ``plot_x(result, *, ax=None) -> Axes``, one module per area.

The areas are :mod:`~clientalytics.plotting.churn`, :mod:`~clientalytics.plotting.clv`,
:mod:`~clientalytics.plotting.engagement`, :mod:`~clientalytics.plotting.managers`,
:mod:`~clientalytics.plotting.marketing`, :mod:`~clientalytics.plotting.retention` and
:mod:`~clientalytics.plotting.segmentation`; import a plot from its area's module. The
package re-exports nothing (no ``__all__``): each area module loads matplotlib and its
analysis package, so drawing one area's charts loads only that area.
"""
