"""Report section (group report): the league table — each store's key figures this month and the group median."""

from __future__ import annotations

from dealerlab.report import html as H
from dealerlab.report.sections._common import store_table, zh_en

#: the columns of the league table, in this order
METRIC_IDS = ["volume", "capture_rate", "test_drive_rate", "close_rate", "gross_per_unit", "service_revenue",
              "comeback_rate", "booth_utilisation", "csi_index", "ssi_index", "turnover"]


def build(ctx) -> H.Html:
    """One row per store, then the group median and the benchmark."""
    return H.Html([
        H.reading(zh_en(ctx.lang, "每家门店本月的关键指标，最后一行是集团中位数：低于中位数的门店优先看对应章节。",
                        "Each store's key figures this month, with the group median in the last row.")),
        store_table(ctx, METRIC_IDS),
    ])
