"""Consultant reports: parameters, the metrics file, papermill-executed report notebooks, HTML/PDF export."""

from dealerlab.report.metrics_file import metrics_table, write_metrics
from dealerlab.report.params import ReportParams, check_scope

__all__ = ["ReportParams", "check_scope", "metrics_table", "write_metrics"]
