"""Report section: after-sales and cadence: the figures, the cadence board and the paint-shop reading (course module 4)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab.aftersales import paint_shop_by_crew
from dealerlab.pdca import cadence_table
from dealerlab.plots.pdca import plot_paint_shop
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.sections._common import family_body, next_month_end, zh_en

#: the figures of the section (cards, trend table, group table), in this order
METRIC_IDS = ["intake", "service_revenue", "comeback_rate", "first_time_fix", "parts_fill_rate", "on_time_delivery",
       "booth_utilisation", "turnover"]


def build(ctx) -> H.Html:
    """The section's figures (:func:`~dealerlab.report.sections._common.family_body`) with :func:`extra`."""
    return family_body(ctx, METRIC_IDS, extra)


def extra(ctx) -> H.Html:
    """The store's cadence board and, when paint booths are under 60 % used, the paint shop by crew."""
    lang = ctx.lang
    sid = ctx.params.store_id
    parts = []
    if sid is not None:
        cad = cadence_table(ctx.ds, store_id=sid, period=ctx.params.period, lang=lang)
        status = {"good": "✓", "watch": "△", "bad": "✗", "na": "—"}
        show = cad[["item", "frequency", "value", "target", "status"]].copy()
        show["status"] = show["status"].map(status)
        parts += [H.h3(zh_en(lang, "管理节奏看板（日/周/月/即时）", "Management cadence")),
                  H.table(show.rename(columns={"item": zh_en(lang, "检查项", "Item"), "frequency": zh_en(lang, "频率", "Frequency"),
                                               "value": zh_en(lang, "本月", "This month"), "target": zh_en(lang, "目标/标杆", "Target"),
                                               "status": zh_en(lang, "状态", "Status")}))]
    booth = ctx.value("booth_utilisation") if sid else math.nan
    if sid is not None and pd.notna(booth) and booth < 0.60:
        table = paint_shop_by_crew(ctx.ds["service_orders"], stores=[sid])
        if len(table):
            fig, ax = plt.subplots(figsize=(8, 4.5))
            plot_paint_shop(table, ax=ax, lang=lang)
            parts += [H.h3(zh_en(lang, "钣喷：班组规模 × 损伤程度", "Paint shop: crew size × damage class")), H.figure(fig),
                      H.reading(zh_en(lang, f"烤房利用率 {booth:.1%}，低于 60%。大班组同时接大、中、小损伤工单，小活等大活，烤房空转："
                                         "建议按损伤程度分流（小损伤快修班组），并按烤房排程派工。",
                                   f"Booth utilisation {booth:.1%} is below 60%: large crews mix heavy and light jobs. Split light jobs to a fast-repair crew."))]
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """Paint booths under 60 % utilisation and comeback rates over 4 %, with the revenue at stake."""
    out = []
    for sid in ([ctx.params.store_id] if ctx.params.store_id else ctx.stores):
        booth = ctx.value("booth_utilisation", store_id=sid)
        if pd.notna(booth) and booth < 0.60:
            ro = ctx.ds["service_orders"]
            ro = ro[(ro["store_id"] == sid) & (ro["ro_type"] == "钣喷")]
            per_month = ro["revenue"].sum() / max(1, len(ctx.ds.periods()))
            stake = per_month * (0.60 - booth) / booth if booth > 0 else math.nan
            out.append(Finding(
                section="aftersales", metric="booth_utilisation", value=booth, benchmark=0.60,
                title_zh=f"{sid} 烤房利用率低于 60%", title_en=f"{sid} paint booths below 60% utilisation",
                detail_zh=f"{booth:.1%}；按 60% 利用率测算，钣喷产值每月可增加约 {stake / 1e4:,.1f} 万元",
                detail_en=f"{booth:.1%}; at 60% the paint shop would earn about {stake:,.0f} yuan more a month",
                revenue_at_stake=stake,
                action=Action(what=zh_en(ctx.lang, "按损伤程度分流钣喷工单，设小损伤快修班组", "Route light jobs to a fast-repair crew"),
                              why=zh_en(ctx.lang, "大班组大小活混接，烤房空转", "Large crews mix heavy and light jobs"),
                              who=zh_en(ctx.lang, "服务经理", "Service manager"), when=next_month_end(ctx),
                              where=zh_en(ctx.lang, "钣喷车间", "paint shop"), how=zh_en(ctx.lang, "烤房排程表 + 每日利用率看板", "Booth schedule and daily board")),
            ))
        comeback = ctx.value("comeback_rate", store_id=sid)
        if pd.notna(comeback) and comeback > 0.04:
            intake = ctx.value("intake", store_id=sid)
            rev = ctx.value("service_revenue", store_id=sid)
            stake = (comeback - 0.03) * intake * (rev / intake if intake else math.nan)
            out.append(Finding(
                section="aftersales", metric="comeback_rate", value=comeback, benchmark=0.03,
                title_zh=f"{sid} 返修率偏高", title_en=f"{sid} comeback rate high",
                detail_zh=f"返修率 {comeback:.1%}（目标 ≤ 3%），每次返修占用工位且损害满意度",
                detail_en=f"comeback rate {comeback:.1%} (target ≤ 3%)",
                revenue_at_stake=stake,
                action=Action(what=zh_en(ctx.lang, "返修工单逐单分析原因，建立终检", "Analyse every comeback; add a final check"),
                              why=zh_en(ctx.lang, "一次修复率低", "First-time fix is low"), who=zh_en(ctx.lang, "技术经理", "Workshop manager"),
                              when=next_month_end(ctx), where=zh_en(ctx.lang, "车间", "workshop"),
                              how=zh_en(ctx.lang, "PDCA：p 控制图跟踪返修率", "PDCA with a p-chart of the comeback rate")),
            ))
    return out
