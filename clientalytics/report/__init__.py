"""The self-contained HTML report of a company's client base (``clientalytics report``)."""

from clientalytics.report.build import (
    EmptyBaseError,
    build_report,
    check_reportable,
    write_report,
)
from clientalytics.report.i18n import LANGS, MissingTranslationWarning, Translator
from clientalytics.report.model import ReportSection

__all__ = [
    "LANGS",
    "EmptyBaseError",
    "MissingTranslationWarning",
    "ReportSection",
    "Translator",
    "build_report",
    "check_reportable",
    "write_report",
]
