"""Report section: targets and consultants: store achievement against time progress, the consultants' board and amount × rate matrix (course module 1)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab.plots.targets import plot_amount_rate, plot_progress_board
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.sections._common import mean_price, next_month_end, staff_names, zh_en
from dealerlab.targets import achievement, amount_rate_matrix


def build(ctx) -> H.Html:
    """Store achievement against time progress; for a store also the consultants' board and amount × rate matrix."""
    lang = ctx.lang
    sid = ctx.params.store_id
    stores = [sid] if sid else ctx.stores
    store = achievement(ctx.ds, period=ctx.params.period, stores=stores, lang=lang)
    parts = []
    rows = []
    for r in store.itertuples():
        rows.append({zh_en(lang, "门店", "Store"): r.store_id, zh_en(lang, "目标", "Target"): H.fmt_value(r.target),
                     zh_en(lang, "实际", "Actual"): H.fmt_value(r.actual), zh_en(lang, "达成率", "Achievement"): H.fmt_value(r.achievement, "rate", lang),
                     zh_en(lang, "时间进度", "Time progress"): H.fmt_value(r.time_progress, "rate", lang),
                     zh_en(lang, "突破目标达成", "Stretch achievement"): H.fmt_value(r.stretch_achievement, "rate", lang)})
    parts.append(H.table(pd.DataFrame(rows)))
    if sid is None:
        return H.Html(parts)
    cons = achievement(ctx.ds, period=ctx.params.period, stores=[sid], by_staff=True, lang=lang)
    names = staff_names(ctx)
    cons = cons.assign(name=cons["staff_id"].map(names).fillna(cons["staff_id"]))
    fig, ax = plt.subplots(figsize=(9, max(3.5, 0.38 * len(cons) + 1)))
    plot_progress_board(cons, label="name", ax=ax, lang=lang)
    parts += [H.h3(zh_en(lang, "销售顾问进度看板", "Consultants' progress board")), H.figure(fig)]
    matrix = amount_rate_matrix(cons.dropna(subset=["achievement"]), lang=lang)
    if len(matrix):
        fig, ax = plt.subplots(figsize=(8, 5.5))
        plot_amount_rate(matrix.assign(name=matrix["staff_id"].map(names)), label="name", ax=ax, lang=lang)
        parts += [H.h3(zh_en(lang, "达成额 × 达成率矩阵", "Amount × rate matrix")), H.figure(fig)]
        cols = ["name", "actual", "achievement", "quadrant_name", "advice"]
        show = matrix.assign(name=matrix["staff_id"].map(names))[cols]
        parts.append(H.table(show.rename(columns={"name": zh_en(lang, "顾问", "Consultant"), "actual": zh_en(lang, "实际", "Actual"),
                                                  "achievement": zh_en(lang, "达成率", "Achievement"), "quadrant_name": zh_en(lang, "象限", "Quadrant"),
                                                  "advice": zh_en(lang, "辅导建议", "Coaching")}),
                             numeric_formats={zh_en(lang, "达成率", "Achievement"): "rate"}))
    behind = store.iloc[0]
    parts.append(H.reading(zh_en(
        lang,
        f"本月销量目标 {H.fmt_value(behind.target)} 台，实际 {H.fmt_value(behind.actual)} 台，达成率 {H.fmt_value(behind.achievement, 'rate')}；"
        f"时间进度 {H.fmt_value(behind.time_progress, 'rate')}。达成率低于时间进度的顾问需要本周内重新分解剩余目标（见课程模块 1 的周滚动调整）。",
        f"Target {H.fmt_value(behind.target)}, actual {H.fmt_value(behind.actual)}, achievement {H.fmt_value(behind.achievement, 'rate', 'en')}, "
        f"time progress {H.fmt_value(behind.time_progress, 'rate', 'en')}.",
    )))
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """Each store whose achievement is behind time progress, with the units it is short."""
    out = []
    store = achievement(ctx.ds, period=ctx.params.period, stores=[ctx.params.store_id] if ctx.params.store_id else ctx.stores)
    for r in store.itertuples():
        if pd.notna(r.achievement) and pd.notna(r.time_progress) and r.achievement < r.time_progress and r.target > 0:
            short = r.target * r.time_progress - r.actual
            price = mean_price(ctx, r.store_id)
            out.append(Finding(
                section="targets", metric="volume", value=r.actual, benchmark=r.target,
                title_zh=f"{r.store_id} 销量目标落后于时间进度", title_en=f"{r.store_id} volume behind time progress",
                detail_zh=f"达成率 {r.achievement:.1%}，时间进度 {r.time_progress:.1%}，按进度还差约 {short:.0f} 台",
                detail_en=f"achievement {r.achievement:.1%} vs time progress {r.time_progress:.1%}: {short:.0f} units behind",
                sales_at_stake=short, revenue_at_stake=short * price,
                action=Action(what=zh_en(ctx.lang, "把剩余目标按周重新分解到每位顾问", "Re-split the rest of the target by week"),
                              why=zh_en(ctx.lang, "达成率落后于时间进度", "Behind time progress"),
                              who=zh_en(ctx.lang, "销售经理", "Sales manager"), when=next_month_end(ctx),
                              where=zh_en(ctx.lang, "晨会", "morning meeting"),
                              how=zh_en(ctx.lang, "每日看板跟踪，落后顾问一对一辅导", "Daily board, one-to-one coaching")),
            ))
    return out
