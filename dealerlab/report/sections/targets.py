"""Report section: targets and consultants: store achievement against time progress, the consultants' board and amount × rate matrix (course module 1).

Time progress is on each store's selling days (docs/DOMAIN.md §3: its own weekday/holiday pattern over the 12 months before
the month, else the defaults), from :func:`dealerlab.targets.achievement` — the same numbers as notebook 01 and
exercise 1C.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab import pay
from dealerlab.plots.targets import plot_amount_rate, plot_progress_board
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.sections._common import latest_bottom_out, staff_names, zh_en
from dealerlab.targets import achievement, amount_rate_matrix, day_weights, ranked_table


def build(ctx) -> H.Html:
    """Store achievement against time progress; for a store also the consultants' board and amount × rate matrix."""
    lang = ctx.lang
    sid = ctx.params.store_id
    stores = [sid] if sid else ctx.stores
    store = achievement(ctx.ds, period=ctx.params.period, stores=stores, lang=lang)
    parts = []
    rows = []
    for r in store.itertuples():
        rows.append({"store_id": r.store_id, "target": r.target, "actual": r.actual, "achievement": r.achievement,
                     "time_progress": r.time_progress, "stretch_achievement": r.stretch_achievement})
    parts.append(H.table(pd.DataFrame(rows), lang=lang, numeric_formats={
        "target": "count", "actual": "count", "achievement": "rate", "time_progress": "rate", "stretch_achievement": "rate"}))
    if sid is None:
        return H.Html(parts)
    cons = achievement(ctx.ds, period=ctx.params.period, stores=[sid], by_staff=True, lang=lang)
    names = staff_names(ctx)
    cons = cons.assign(name=cons["staff_id"].map(names).fillna(cons["staff_id"]))
    fig, ax = plt.subplots(figsize=(9, max(3.5, 0.38 * len(cons) + 1)))
    plot_progress_board(cons, label="name", ax=ax, lang=lang)
    parts += [H.h3(zh_en(lang, "销售顾问进度看板", "Consultants' progress board")), H.figure(fig)]
    matrix = amount_rate_matrix(cons.dropna(subset=["achievement"]), lang=lang)
    if len(matrix) and not matrix["matrix_ok"].all():  # under 4 consultants: a ranked table, no quadrants
        ranked = ranked_table(matrix.assign(name=matrix["staff_id"].map(names)))
        parts += [H.h3(zh_en(lang, "销售顾问达成率排名（不足 4 人，不分象限）", "Consultants ranked by achievement (under 4: no quadrants)")),
                  H.table(ranked[["rank", "name", "actual", "achievement", "advice"]].rename(columns={
                      "rank": zh_en(lang, "名次", "Rank"), "name": zh_en(lang, "顾问", "Consultant"), "actual": zh_en(lang, "实际", "Actual"),
                      "achievement": zh_en(lang, "达成率", "Achievement"), "advice": zh_en(lang, "辅导建议", "Coaching")}),
                      numeric_formats={zh_en(lang, "达成率", "Achievement"): "rate"})]
    elif len(matrix):
        fig, ax = plt.subplots(figsize=(8, 5.5))
        plot_amount_rate(matrix.assign(name=matrix["staff_id"].map(names)), label="name", ax=ax, lang=lang)
        parts += [H.h3(zh_en(lang, "达成额 × 达成率矩阵", "Amount × rate matrix")), H.figure(fig)]
        cols = ["name", "actual", "achievement", "quadrant_name", "advice"]
        show = matrix.assign(name=matrix["staff_id"].map(names))[cols]
        # consistency (docs/DOMAIN.md §10): a star of the month whom the quarterly bottom-out rule eliminates or
        # suspends (people section) is not held up as the example to follow
        judged = latest_bottom_out(ctx, sid).set_index("staff_id")
        for i, r in matrix.iterrows():
            status = judged["status"].get(r["staff_id"]) if len(judged) else None
            if r.get("quadrant") == "star" and status in (pay.STATUS_ELIMINATED, pay.STATUS_SUSPENDED):
                quarter = judged.loc[r["staff_id"], "quarter"]
                show.loc[i, "quadrant_name"] = zh_en(lang, "高额高率·季度未过末位线", "high/high · quarter below the line")
                show.loc[i, "advice"] = zh_en(
                    lang,
                    f"本月达成好，但 {quarter} 季度平均销量触发末位淘汰规则（{status}，见人员与薪酬）："
                    "先肯定本月的进步，暂不在晨会推广为团队样板；和他一起把季度月均稳定在 12 台以上。",
                    f"A good month, but the bottom-out rule flags {quarter} ({status}, see people and pay): "
                    "acknowledge the month, do not hold it up as the team's model yet; aim at 12 units a month on average.")
        parts.append(H.table(show.rename(columns={"name": zh_en(lang, "顾问", "Consultant"), "actual": zh_en(lang, "实际", "Actual"),
                                                  "achievement": zh_en(lang, "达成率", "Achievement"), "quadrant_name": zh_en(lang, "象限", "Quadrant"),
                                                  "advice": zh_en(lang, "辅导建议", "Coaching")}),
                             numeric_formats={zh_en(lang, "达成率", "Achievement"): "rate"}, lang=ctx.lang))
    behind = store.iloc[0]
    as_of = pd.Timestamp(behind.as_of)
    source = str(day_weights(ctx.params.period, ds=ctx.ds, store_id=sid, lang=lang)["source"].iloc[0])
    ahead = pd.notna(behind.achievement) and behind.achievement >= behind.time_progress
    stretch = behind.stretch if pd.notna(behind.stretch) else (float(int(1.1 * behind.target + 0.5)) if pd.notna(behind.target) else None)
    if ahead and stretch and behind.time_progress < 1:
        stretch_zh = (f"已领先时间进度：超出的部分不降低后面几周的目标，计入突破目标（{H.fmt_value(stretch)} 台），"
                      f"还差 {H.fmt_value(max(stretch - behind.actual, 0.0))} 台。")
    elif ahead and stretch:
        stretch_zh = f"本月目标已完成；突破目标 {H.fmt_value(stretch)} 台，达成 {H.fmt_value(behind.actual / stretch, 'rate')}。"
    elif behind.time_progress >= 1:  # the month is over: nothing left to rebalance (docs/DOMAIN.md §10)
        stretch_zh = "本月已结束，没有剩余周可以重新分解：未完成的缺口写进下月目标，按周分解到每位顾问（见行动计划）。"
    else:
        stretch_zh = "达成率低于时间进度的顾问需要本周内按剩余卖车日重新分解剩余目标。"
    parts.append(H.reading(zh_en(
        lang,
        f"本月销量目标 {H.fmt_value(behind.target)} 台，截至 {as_of.month} 月 {as_of.day} 日实际 {H.fmt_value(behind.actual)} 台，"
        f"达成率 {H.fmt_value(behind.achievement, 'rate')}；时间进度 {H.fmt_value(behind.time_progress, 'rate')}"
        f"（按卖车日：{source}；展厅周末和节假日照常卖车，不按法定工作日算）。" + stretch_zh,
        f"Target {H.fmt_value(behind.target)}, actual {H.fmt_value(behind.actual)} by {as_of:%d %b}, achievement "
        f"{H.fmt_value(behind.achievement, 'rate', 'en')}, time progress {H.fmt_value(behind.time_progress, 'rate', 'en')} "
        f"on selling days ({source}).",
    )))
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """Target shortfall (docs/DOMAIN.md §10): the month missed, or achievement behind time progress by ≥ 10 points; the gap
    in units × total gross per unit. A finished month gets no "re-split the remaining weeks" advice."""
    from dealerlab.report.findings import _person, area_action, store_gross, total_gross_per_unit

    lang = ctx.lang
    out = []
    store = achievement(ctx.ds, period=ctx.params.period, stores=[ctx.params.store_id] if ctx.params.store_id else ctx.stores)
    for r in store.itertuples():
        if not (pd.notna(r.achievement) and pd.notna(r.time_progress) and r.target > 0):
            continue
        over = r.time_progress >= 1 - 1e-9
        if over and r.achievement < 1:
            gap, key = r.target - r.actual, "volume"
            detail = f"目标 {r.target:,.0f} 台，实际 {r.actual:,.0f} 台，达成率 {r.achievement:.1%}，差 {gap:,.0f} 台（本月已结束）"
            detail_en = f"target {r.target:,.0f}, actual {r.actual:,.0f} ({r.achievement:.1%}): {gap:,.0f} short (month over)"
            title = (f"{r.store_id} 未完成本月销量目标", f"{r.store_id} missed the month's volume target")
        elif not over and r.time_progress - r.achievement >= 0.10:
            gap, key = r.target * r.time_progress - r.actual, "volume_progress"
            detail = f"达成率 {r.achievement:.1%}，时间进度（卖车日）{r.time_progress:.1%}，按进度还差约 {gap:,.0f} 台"
            detail_en = f"achievement {r.achievement:.1%} vs time progress (selling days) {r.time_progress:.1%}: {gap:,.0f} units behind"
            title = (f"{r.store_id} 销量目标落后于时间进度", f"{r.store_id} volume behind time progress")
        else:
            continue
        tgpu = total_gross_per_unit(ctx, r.store_id)
        gross = gap * tgpu
        sg = store_gross(ctx, r.store_id)
        a = area_action(key, lang)
        action = Action(what=a["improvement"], why=f"{a['root_cause']}（{detail}）", who=_person(ctx, r.store_id, a["owner"]),
                        where=a["where"], how=a["how"]) if a else None
        out.append(Finding(
            section="targets", metric="volume", value=float(r.actual), benchmark=float(r.target), store_id=r.store_id,
            title_zh=title[0], title_en=title[1], detail_zh=detail, detail_en=detail_en,
            target=float(r.target), target_source="target_table", baseline=ctx.params.period,
            extra_sales=gap, sales_at_stake=gap, extra_gross=gross, share_of_gross=gross / sg if sg else float("nan"),
            evidence=f"{detail}；单车总毛利 {tgpu:,.0f} 元", severity=float(min(1.0, 1 - r.achievement)), action=action,
        ))
    return out
