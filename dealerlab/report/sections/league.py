"""Report section (group report): the league table — each store's key figures this month and the group median."""

from __future__ import annotations

from dealerlab.i18n import Catalogue
from dealerlab.report import html as H
from dealerlab.report.sections._common import store_table

_TXT = Catalogue({
    "each_store_s_key": {
        "zh": "每家门店本月的关键指标：数字下方是环比变化（比率的变化单位为百分点）和近 6 个月走势。集团合计按各店分子、分母合计后计算（不是各店比率的平均）；低于集团中位数或标杆的门店优先看对应章节。",
        "en": "Each store's key figures this month, with the change on last month (rates: in percentage points) and the 6-month trend. The group total is computed from the summed components (not an average of rates).",
    },
})

#: the columns of the league table, in this order
METRIC_IDS = ["volume", "capture_rate", "test_drive_rate", "close_rate", "gross_per_unit", "service_revenue",
              "comeback_rate", "booth_utilisation", "csi_index", "ssi_index", "turnover"]


def build(ctx) -> H.Html:
    """One row per store, then the group total, the group median and the benchmark; small multiples of the key rates."""
    return H.Html([
        H.reading(_TXT.get("each_store_s_key", ctx.lang)),
        store_table(ctx, METRIC_IDS, trend=True),
        H.reading(ctx.benchmark_note()),
        ctx.rates_chart(),
    ])
