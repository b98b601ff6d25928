"""Report section (group report): the league table — each store's key figures this month and the group median."""

from __future__ import annotations

from dealerlab.i18n import Catalogue
from dealerlab.report import html as H
from dealerlab.report.sections._common import store_table

_TXT = Catalogue.load("report/sections/league")

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
