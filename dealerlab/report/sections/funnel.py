"""Report section: the sales funnel: the month's figures, the funnel chart, the bottleneck diagnosis and its tools (course module 3)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab.funnel import funnel_counts, funnel_rates, store_business
from dealerlab.funnel.diagnosis import action_plan, diagnose
from dealerlab.plots.funnel import funnel_chart, gap_bars
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.sections._common import family_body, next_month_end, zh_en

#: the figures of the section (cards, trend table, group table), in this order
METRIC_IDS = ["traffic", "capture_rate", "call_visit_rate", "revisit_rate", "test_drive_rate", "close_rate",
       "followup_timeliness", "volume", "addon_penetration", "gross_per_unit"]


def build(ctx) -> H.Html:
    """The section's figures (:func:`~dealerlab.report.sections._common.family_body`) with :func:`extra`."""
    return family_body(ctx, METRIC_IDS, extra)


def _diagnose(ctx, stores):
    return diagnose(ctx.ds, period=ctx.params.period, stores=stores, benchmarks=ctx.params.benchmarks, lang=ctx.lang)


def extra(ctx) -> H.Html:
    """The store's funnel chart, gaps to benchmark, bottleneck diagnosis and its tools (nothing for the group)."""
    lang = ctx.lang
    sid = ctx.params.store_id
    if sid is None:
        return H.Html()
    diag = _diagnose(ctx, [sid])
    parts = []

    counts = funnel_counts(ctx.ds, periods=[ctx.params.period], stores=[sid])
    rates = funnel_rates(ctx.ds, periods=[ctx.params.period], stores=[sid])
    row = counts.merge(rates, on=["store_id", "period"], suffixes=("", "_rate"))
    needed = ["FV", "FC", "W", "C", "CV", "TD", "S_room"]
    absent = [c for c in needed if c not in row.columns or row[c].isna().any()]
    if absent:  # a table the chart needs is missing (e.g. no calls export): the tables below still tell the story
        parts.append(H.missing(zh_en(lang, f"漏斗图缺少计数 {'、'.join(absent)}（相关数据表缺失），仅显示下表。",
                                  f"The funnel chart lacks {', '.join(absent)} (tables missing); see the table below.")))
    else:
        fig, ax = plt.subplots(figsize=(9, 5.2))
        funnel_chart(row, store_id=sid, period=ctx.params.period, benchmarks=ctx.params.benchmarks,
                     business=store_business(ctx.ds, sid), ax=ax, lang=lang)
        parts.append(H.figure(fig, alt=zh_en(lang, "销售漏斗", "Sales funnel")))
    fig, ax = plt.subplots(figsize=(8, 4))
    gap_bars(diag, ax=ax, lang=lang)
    parts.append(H.figure(fig, alt=zh_en(lang, "与标杆的差距", "Gaps to benchmark")))
    show = diag[["name", "step", "value", "benchmark", "last3", "target", "target_basis", "extra_sales", "extra_gross",
                 "share_of_gross", "benchmark_extra_sales"]]
    cols = {"name": zh_en(lang, "指标", "Metric"), "step": zh_en(lang, "流程环节", "Process step"), "value": zh_en(lang, "本月", "This month"),
            "benchmark": zh_en(lang, "标杆", "Benchmark"), "last3": zh_en(lang, "前3个月", "Last 3 months"),
            "target": zh_en(lang, "可达目标", "Reachable target"), "target_basis": zh_en(lang, "目标依据", "Target basis"),
            "extra_sales": zh_en(lang, "可多销(台)", "Extra sales"), "extra_gross": zh_en(lang, "多得毛利(元)", "Extra gross"),
            "share_of_gross": zh_en(lang, "占本月毛利", "Share of gross"),
            "benchmark_extra_sales": zh_en(lang, "到标杆可多销(台)", "Extra sales at benchmark")}
    source = str(diag["benchmark_source"].iloc[0]) if len(diag) else ""
    parts += [H.h3(zh_en(lang, "瓶颈诊断：各环节提到可达目标能多卖多少台（路径模型）", "Bottleneck: extra sales at each stage's reachable target (path model)")),
              H.reading(zh_en(lang, f"标杆来源：{source}。多得毛利 = 多销台数 × (单车毛利 + 单车衍生毛利)；各环节的数字不能相加。",
                              f"Benchmarks: {source}. Extra gross = extra sales × (vehicle + add-on gross per unit); stages do not add up.")),
              H.table(show.rename(columns=cols), numeric_formats={cols["value"]: "rate", cols["benchmark"]: "rate", cols["last3"]: "rate",
                                                                   cols["target"]: "rate", cols["share_of_gross"]: "rate",
                                                                   cols["extra_gross"]: "money", cols["extra_sales"]: "days",
                                                                   cols["benchmark_extra_sales"]: "days"})]
    bottleneck = diag[diag["bottleneck"]]
    if len(bottleneck):
        parts.append(H.reading(str(bottleneck["finding"].iloc[0])))
        plan = action_plan(diag, top=1, lang=lang)
        if len(plan):
            pcols = {"step": zh_en(lang, "环节", "Step"), "root_cause": zh_en(lang, "根因", "Root cause"), "improvement": zh_en(lang, "改善措施", "Improvement"),
                     "owner": zh_en(lang, "责任人", "Owner"), "tool": zh_en(lang, "工具", "Tool")}
            parts += [H.h3(zh_en(lang, "瓶颈环节的改善工具", "Tools for the bottleneck step")), H.table(plan[list(pcols)].rename(columns=pcols))]
    else:
        parts.append(H.reading(zh_en(lang, "各漏斗环节均达到标杆。", "Every funnel stage meets its benchmark.")))
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """Each funnel rate below its benchmark, with the sales it costs and the bottleneck's 5W1H action."""
    stores = [ctx.params.store_id] if ctx.params.store_id else ctx.stores
    diag = _diagnose(ctx, stores)
    plans = action_plan(diag, top=3, lang=ctx.lang)
    out = []
    for r in diag.itertuples(index=False):
        if not (pd.notna(r.extra_gross) and r.extra_gross > 0):
            continue
        where = "" if ctx.params.store_id else f"{r.store_id} "
        plan = plans[(plans["store_id"] == r.store_id) & (plans["metric"] == r.metric)]
        action = None
        if len(plan):
            p = plan.iloc[0]
            action = Action(what=str(p["improvement"]), why=str(p["root_cause"]), who=str(p["owner"]), when=next_month_end(ctx),
                            where=zh_en(ctx.lang, "展厅", "showroom"), how=str(p["tool"]))
        out.append(Finding(
            section="funnel", metric=r.metric, value=r.value, benchmark=r.benchmark,
            title_zh=f"{where}{r.name}低于标杆", title_en=f"{where}{r.name} below benchmark",
            detail_zh=r.finding, detail_en=r.finding, sales_at_stake=r.extra_sales, revenue_at_stake=r.extra_gross,
            action=action,
        ))
    return out
