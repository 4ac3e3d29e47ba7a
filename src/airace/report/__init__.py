"""The self-contained HTML report: claims, verdicts, evidence and charts in one file."""

from airace.report.build import build_report, write_report

__all__ = ["build_report", "write_report"]
