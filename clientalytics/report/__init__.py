"""The self-contained HTML report of a company's client base (``clientalytics report``)."""

from clientalytics.report.build import build_report, write_report
from clientalytics.report.model import ReportSection

__all__ = ["ReportSection", "build_report", "write_report"]
