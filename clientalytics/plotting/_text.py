r"""Show text taken from the data literally in every chart.

Matplotlib reads a string holding two ``$`` signs as mathtext, so a manager id such
as ``M$1`` next to a segment ``$VIP$`` fails to draw (a parse error) or is drawn
as a formula. :func:`plain_text` turns math parsing off for the titles, axis
labels, legends and annotations of a figure and escapes ``$`` in category and
label-list tick labels (which matplotlib recreates at each draw; numeric tick
labels are left as they are), so ``$``, ``^``,
``_`` and ``\`` appear as typed. Every plotting function passes its axes through
it before returning them.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.category import StrCategoryFormatter
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, Formatter, FuncFormatter


def escape_mathtext(text: str) -> str:
    r"""Return ``text`` with every ``$`` escaped, so matplotlib shows it literally.

    Parameters
    ----------
    text : str
        A label from the data (an id, a channel, a segment name).

    Returns
    -------
    str
        ``text`` with ``$`` replaced by ``\$``; matplotlib draws ``\$`` as ``$``
        outside math mode, and without an unescaped ``$`` nothing is math.
    """
    return text.replace("$", r"\$")


class _LiteralFormatter(Formatter):
    """Wrap a formatter of data strings and escape ``$`` in its labels."""

    def __init__(self, inner: Formatter) -> None:
        self.inner = inner

    def __call__(self, x: float, pos: int | None = None) -> str:
        return escape_mathtext(str(self.inner(x, pos)))

    def format_ticks(self, values: list[float]) -> list[str]:
        return [escape_mathtext(str(label)) for label in self.inner.format_ticks(values)]

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)


def _literal_ticks(axis: Axis) -> None:
    for which, formatter in (
        ("major", axis.get_major_formatter()),
        ("minor", axis.get_minor_formatter()),
    ):
        if isinstance(formatter, StrCategoryFormatter | FixedFormatter | FuncFormatter):
            wrapped = _LiteralFormatter(formatter)
            if which == "major":
                axis.set_major_formatter(wrapped)
            else:
                axis.set_minor_formatter(wrapped)


def _plain(text: Text | None) -> None:
    if text is not None:
        text.set_parse_math(False)


def plain_text(ax: Axes) -> Axes:
    """Make every data-derived text of ``ax``'s figure draw literally.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes of a finished chart; every axes of its figure (colour bars included)
        is treated.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` itself.
    """
    figure = ax.figure
    for text in figure.texts:
        _plain(text)
    _plain(getattr(figure, "_suptitle", None))
    for axes in figure.axes:
        for name in ("title", "_left_title", "_right_title"):
            _plain(getattr(axes, name, None))
        _plain(axes.xaxis.label)
        _plain(axes.yaxis.label)
        for text in axes.texts:
            _plain(text)
        legend = axes.get_legend()
        if legend is not None:
            _plain(legend.get_title())
            for text in legend.get_texts():
                _plain(text)
        _literal_ticks(axes.xaxis)
        _literal_ticks(axes.yaxis)
    return ax
