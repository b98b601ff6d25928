"""Report section: targets and consultants: store achievement against time progress, the consultants' board and amount × rate matrix (course module 1).

Time progress is on each store's selling days (docs/DOMAIN.md §3: its own weekday/holiday pattern over the 12 months before
the month, else the defaults), from :func:`dealerlab.targets.achievement` — the same numbers as notebook 01 and
exercise 1C.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab import pay
from dealerlab.i18n import Catalogue
from dealerlab.plots.targets import plot_amount_rate, plot_progress_board
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.labels import value_label
from dealerlab.report.sections._common import latest_bottom_out, staff_names
from dealerlab.targets import achievement, amount_rate_matrix, day_weights, ranked_table

_TXT = Catalogue({
    "consultants_progress_board": {"zh": "销售顾问进度看板", "en": "Consultants' progress board"},
    "consultants_ranked_achievement_under": {
        "zh": "销售顾问达成率排名（不足 4 人，不分象限）",
        "en": "Consultants ranked by achievement (under 4: no quadrants)",
    },
    "rank": {"zh": "名次", "en": "Rank"},
    "consultant": {"zh": "顾问", "en": "Consultant"},
    "actual": {"zh": "实际", "en": "Actual"},
    "achievement": {"zh": "达成率", "en": "Achievement"},
    "coaching": {"zh": "辅导建议", "en": "Coaching"},
    "amount_rate_matrix": {"zh": "达成额 × 达成率矩阵", "en": "Amount × rate matrix"},
    "high_high_quarter_below": {"zh": "高额高率·季度未过末位线", "en": "high/high · quarter below the line"},
    "good_month_but_bottom": {
        "zh": "本月达成好，但 {quarter} 季度平均销量触发末位淘汰规则（{status}，见人员与薪酬）：先肯定本月的进步，暂不在晨会推广为团队样板；和他一起把季度月均稳定在 12 台以上。",
        "en": "A good month, but the bottom-out rule flags {quarter} ({status}, see people and pay): acknowledge the month, do not hold it up as the team's model yet; aim at 12 units a month on average.",
    },
    "quadrant": {"zh": "象限", "en": "Quadrant"},
    "progress": {
        "zh": "本月销量目标 {target} 台，截至 {month} 月 {day} 日实际 {actual} 台，达成率 {achievement}；时间进度 {time_progress}"
              "（按卖车日：{source}；展厅周末和节假日照常卖车，不按法定工作日算）。{more}",
        "en": "Target {target}, actual {actual} by {date:%d %b}, achievement {achievement}, time progress {time_progress} "
              "on selling days ({source}). {more}",
    },
    "stretch_ahead": {
        "zh": "已领先时间进度：超出的部分不降低后面几周的目标，计入突破目标（{stretch} 台），还差 {left} 台。",
        "en": "Ahead of time: the surplus does not lower the coming weeks' targets; it counts toward the stretch target "
              "({stretch} units), {left} to go.",
    },
    "stretch_done": {
        "zh": "本月目标已完成；突破目标 {stretch} 台，达成 {rate}。",
        "en": "The month's target is met; stretch target {stretch} units, {rate} reached.",
    },
    "month_over": {
        "zh": "本月已结束，没有剩余周可以重新分解：未完成的缺口写进下月目标，按周分解到每位顾问（见行动计划）。",
        "en": "The month is over: no weeks are left to re-plan; the shortfall goes into next month's target, split by "
              "week to each consultant (see the action plan).",
    },
    "rebalance": {
        "zh": "达成率低于时间进度的顾问需要本周内按剩余卖车日重新分解剩余目标。",
        "en": "Consultants behind time re-split their remaining target over the remaining selling days this week.",
    },
})


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
    parts += [H.h3(_TXT.get("consultants_progress_board", lang)), H.figure(fig)]
    matrix = amount_rate_matrix(cons.dropna(subset=["achievement"]), lang=lang)
    if len(matrix) and not matrix["matrix_ok"].all():  # under 4 consultants: a ranked table, no quadrants
        ranked = ranked_table(matrix.assign(name=matrix["staff_id"].map(names)))
        parts += [H.h3(_TXT.get("consultants_ranked_achievement_under", lang)),
                  H.table(ranked[["rank", "name", "actual", "achievement", "advice"]].rename(columns={
                      "rank": _TXT.get("rank", lang), "name": _TXT.get("consultant", lang), "actual": _TXT.get("actual", lang),
                      "achievement": _TXT.get("achievement", lang), "advice": _TXT.get("coaching", lang)}),
                      numeric_formats={_TXT.get("achievement", lang): "rate"})]
    elif len(matrix):
        fig, ax = plt.subplots(figsize=(8, 5.5))
        plot_amount_rate(matrix.assign(name=matrix["staff_id"].map(names)), label="name", ax=ax, lang=lang)
        parts += [H.h3(_TXT.get("amount_rate_matrix", lang)), H.figure(fig)]
        cols = ["name", "actual", "achievement", "quadrant_name", "advice"]
        show = matrix.assign(name=matrix["staff_id"].map(names))[cols]
        # consistency (docs/DOMAIN.md §10): a star of the month whom the quarterly bottom-out rule eliminates or
        # suspends (people section) is not held up as the example to follow
        judged = latest_bottom_out(ctx, sid).set_index("staff_id")
        for i, r in matrix.iterrows():
            status = judged["status"].get(r["staff_id"]) if len(judged) else None
            if r.get("quadrant") == "star" and status in (pay.STATUS_ELIMINATED, pay.STATUS_SUSPENDED):
                quarter = judged.loc[r["staff_id"], "quarter"]
                show.loc[i, "quadrant_name"] = _TXT.get("high_high_quarter_below", lang)
                show.loc[i, "advice"] = _TXT.get("good_month_but_bottom", lang, quarter=quarter,
                                                         status=value_label(status, lang))
        parts.append(H.table(show.rename(columns={"name": _TXT.get("consultant", lang), "actual": _TXT.get("actual", lang),
                                                  "achievement": _TXT.get("achievement", lang), "quadrant_name": _TXT.get("quadrant", lang),
                                                  "advice": _TXT.get("coaching", lang)}),
                             numeric_formats={_TXT.get("achievement", lang): "rate"}, lang=ctx.lang))
    behind = store.iloc[0]
    as_of = pd.Timestamp(behind.as_of)
    source = str(day_weights(ctx.params.period, ds=ctx.ds, store_id=sid, lang=lang)["source"].iloc[0])
    ahead = pd.notna(behind.achievement) and behind.achievement >= behind.time_progress
    stretch = behind.stretch if pd.notna(behind.stretch) else (float(int(1.1 * behind.target + 0.5)) if pd.notna(behind.target) else None)
    fv = H.fmt_value
    if ahead and stretch and behind.time_progress < 1:
        more = _TXT.get("stretch_ahead", lang, stretch=fv(stretch, "count", lang),
                        left=fv(max(stretch - behind.actual, 0.0), "count", lang))
    elif ahead and stretch:
        more = _TXT.get("stretch_done", lang, stretch=fv(stretch, "count", lang),
                        rate=fv(behind.actual / stretch, "rate", lang))
    elif behind.time_progress >= 1:  # the month is over: nothing left to rebalance (docs/DOMAIN.md §10)
        more = _TXT.get("month_over", lang)
    else:
        more = _TXT.get("rebalance", lang)
    parts.append(H.reading(_TXT.get(
        "progress", lang, target=fv(behind.target, "count", lang), month=as_of.month, day=as_of.day, date=as_of,
        actual=fv(behind.actual, "count", lang), achievement=fv(behind.achievement, "rate", lang),
        time_progress=fv(behind.time_progress, "rate", lang), source=source, more=more,
    )))
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """Target shortfall (docs/DOMAIN.md §10): the month missed, or achievement behind time progress by ≥ 10 points; the gap
    in units × total gross per unit. A finished month gets no "re-split the remaining weeks" advice."""
    from dealerlab.report.findings import _person, action_why, area_action, store_gross, total_gross_per_unit

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
        action = Action(what=a["improvement"], why=action_why(ctx, a["root_cause"], detail, detail_en),
                        who=_person(ctx, r.store_id, a["owner"]),
                        where=a["where"], how=a["how"]) if a else None
        out.append(Finding(
            section="targets", metric="volume", value=float(r.actual), benchmark=float(r.target), store_id=r.store_id,
            title_zh=title[0], title_en=title[1], detail_zh=detail, detail_en=detail_en,
            target=float(r.target), target_source="target_table", baseline=ctx.params.period,
            extra_sales=gap, sales_at_stake=gap, extra_gross=gross, share_of_gross=gross / sg if sg else float("nan"),
            evidence=f"{detail}；单车总毛利 {tgpu:,.0f} 元", severity=float(min(1.0, 1 - r.achievement)), action=action,
        ))
    return out
