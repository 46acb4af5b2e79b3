"""Exception and warning classes raised by clientalytics.

Catch :class:`ClientalyticsError` to handle every error the library raises on
purpose; each subclass carries a message that says what to change.
"""

from __future__ import annotations


class ClientalyticsError(Exception):
    """Base class of every error raised on purpose by clientalytics."""


class ValidationError(ClientalyticsError, ValueError):
    """A table broke its column contract (strict mode) or cannot be used at all.

    The message names the table, the column, how many rows are affected and a few
    example values.

    Parameters
    ----------
    message : str
        What is wrong and what to change.
    table : str, optional
        The table concerned, when the error is about one table.
    column : str, optional
        The column concerned, when the error is about one column.

    Attributes
    ----------
    table, column : str or None
        As given, so that a caller reading files can name the file.
    """

    def __init__(
        self, message: str = "", *, table: str | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.table = table
        self.column = column


class ConvergenceError(ClientalyticsError, RuntimeError):
    """A model fit did not converge; the message hints at what to try."""


class NotFittedError(ClientalyticsError, AttributeError):
    """A fitted-only attribute or method was used before ``fit``."""


class ClientalyticsWarning(UserWarning):
    """Base class of every warning issued by clientalytics."""


class DataQualityWarning(ClientalyticsWarning):
    """The input is valid but weak for the analysis asked (few distinct values, ...)."""


class ModelAssumptionWarning(ClientalyticsWarning):
    """A model assumption looks violated by the data (e.g. spend depends on frequency)."""
