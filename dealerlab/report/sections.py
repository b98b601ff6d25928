"""The report's module sections (targets, after-sales detail, CSI detail, big accounts, people and pay) and their
findings. Each builder takes the :class:`~dealerlab.report.context.ReportContext` and returns HTML; each collector
returns :class:`~dealerlab.report.findings.Finding` objects. Numbers come from the course modules' functions.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab import metrics as registry
from dealerlab.privacy import mask_company, mask_name
from dealerlab.report import html as H
from dealerlab.report.findings import Action, Finding

__all__ = ["targets_section", "aftersales_extra", "csi_extra", "accounts_section", "people_section", "funnel_extra", "COLLECTORS"]


def _t(lang, zh, en):
    return en if lang == "en" else zh


def _names(ctx) -> dict:
    """staff_id → display name (masked unless show_pii)."""
    staff = ctx.ds["staff"]
    names = dict(zip(staff["staff_id"], staff["name"]))
    if not ctx.params.show_pii:
        names = {k: mask_name(v) for k, v in names.items()}
    return {k: f"{v}（{k}）" for k, v in names.items()}


def _mean_price(ctx, store_id=None) -> float:
    sales = ctx.ds["sales"]
    if store_id is not None:
        sales = sales[sales["store_id"] == store_id]
    return float(sales["price"].mean()) if len(sales) else math.nan


# ---- funnel -------------------------------------------------------------------------------------------------------
def _diagnose(ctx, stores):
    from dealerlab.funnel.diagnosis import diagnose

    return diagnose(ctx.ds, period=ctx.params.period, stores=stores, benchmarks=ctx.params.benchmarks, lang=ctx.lang)


def funnel_extra(ctx) -> H.Html:
    from dealerlab.funnel.diagnosis import action_plan

    lang = ctx.lang
    sid = ctx.params.store_id
    if sid is None:
        return H.Html()
    diag = _diagnose(ctx, [sid])
    parts = []
    from dealerlab.funnel import funnel_counts, funnel_rates
    from dealerlab.plots.funnel import funnel_chart, gap_bars

    counts = funnel_counts(ctx.ds, periods=[ctx.params.period], stores=[sid])
    rates = funnel_rates(ctx.ds, periods=[ctx.params.period], stores=[sid])
    row = counts.merge(rates, on=["store_id", "period"], suffixes=("", "_rate"))
    needed = ["FV", "FC", "W", "C", "CV", "TD", "S_room"]
    absent = [c for c in needed if c not in row.columns or row[c].isna().any()]
    if absent:  # a table the chart needs is missing (e.g. no calls export): the tables below still tell the story
        parts.append(H.missing(_t(lang, f"漏斗图缺少计数 {'、'.join(absent)}（相关数据表缺失），仅显示下表。",
                                  f"The funnel chart lacks {', '.join(absent)} (tables missing); see the table below.")))
    else:
        fig, ax = plt.subplots(figsize=(9, 5.2))
        from dealerlab.funnel.benchmarks import store_business

        funnel_chart(row, store_id=sid, period=ctx.params.period, benchmarks=ctx.params.benchmarks,
                     business=store_business(ctx.ds, sid), ax=ax, lang=lang)
        parts.append(H.figure(fig, alt=_t(lang, "销售漏斗", "Sales funnel")))
    fig, ax = plt.subplots(figsize=(8, 4))
    gap_bars(diag, ax=ax, lang=lang)
    parts.append(H.figure(fig, alt=_t(lang, "与标杆的差距", "Gaps to benchmark")))
    show = diag[["name", "step", "value", "benchmark", "last3", "target", "target_basis", "extra_sales", "extra_gross",
                 "share_of_gross", "benchmark_extra_sales"]]
    cols = {"name": _t(lang, "指标", "Metric"), "step": _t(lang, "流程环节", "Process step"), "value": _t(lang, "本月", "This month"),
            "benchmark": _t(lang, "标杆", "Benchmark"), "last3": _t(lang, "前3个月", "Last 3 months"),
            "target": _t(lang, "可达目标", "Reachable target"), "target_basis": _t(lang, "目标依据", "Target basis"),
            "extra_sales": _t(lang, "可多销(台)", "Extra sales"), "extra_gross": _t(lang, "多得毛利(元)", "Extra gross"),
            "share_of_gross": _t(lang, "占本月毛利", "Share of gross"),
            "benchmark_extra_sales": _t(lang, "到标杆可多销(台)", "Extra sales at benchmark")}
    source = str(diag["benchmark_source"].iloc[0]) if len(diag) else ""
    parts += [H.h3(_t(lang, "瓶颈诊断：各环节提到可达目标能多卖多少台（路径模型）", "Bottleneck: extra sales at each stage's reachable target (path model)")),
              H.reading(_t(lang, f"标杆来源：{source}。多得毛利 = 多销台数 × (单车毛利 + 单车衍生毛利)；各环节不能相加。",
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
            pcols = {"step": _t(lang, "环节", "Step"), "root_cause": _t(lang, "根因", "Root cause"), "improvement": _t(lang, "改善措施", "Improvement"),
                     "owner": _t(lang, "责任人", "Owner"), "tool": _t(lang, "工具", "Tool")}
            parts += [H.h3(_t(lang, "瓶颈环节的改善工具", "Tools for the bottleneck step")), H.table(plan[list(pcols)].rename(columns=pcols))]
    else:
        parts.append(H.reading(_t(lang, "各漏斗环节均达到标杆。", "Every funnel stage meets its benchmark.")))
    return H.Html(parts)


def funnel_findings(ctx) -> list[Finding]:
    from dealerlab.funnel.diagnosis import action_plan

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
            action = Action(what=str(p["improvement"]), why=str(p["root_cause"]), who=str(p["owner"]), when=_next_month_end(ctx),
                            where=_t(ctx.lang, "展厅", "showroom"), how=str(p["tool"]))
        out.append(Finding(
            section="funnel", metric=r.metric, value=r.value, benchmark=r.benchmark,
            title_zh=f"{where}{r.name}低于标杆", title_en=f"{where}{r.name} below benchmark",
            detail_zh=r.finding, detail_en=r.finding, sales_at_stake=r.extra_sales, revenue_at_stake=r.extra_gross,
            action=action,
        ))
    return out


def _next_month_end(ctx) -> str:
    p = pd.Period(ctx.params.period, freq="M") + 1
    return p.end_time.strftime("%Y-%m-%d")


# ---- targets and consultants --------------------------------------------------------------------------------------
def targets_section(ctx) -> H.Html:
    from dealerlab.plots.targets import plot_amount_rate, plot_progress_board
    from dealerlab.targets import achievement, amount_rate_matrix

    lang = ctx.lang
    sid = ctx.params.store_id
    stores = [sid] if sid else ctx.stores
    store = achievement(ctx.ds, period=ctx.params.period, stores=stores, lang=lang)
    parts = []
    rows = []
    for r in store.itertuples():
        rows.append({_t(lang, "门店", "Store"): r.store_id, _t(lang, "目标", "Target"): H.fmt_value(r.target),
                     _t(lang, "实际", "Actual"): H.fmt_value(r.actual), _t(lang, "达成率", "Achievement"): H.fmt_value(r.achievement, "rate", lang),
                     _t(lang, "时间进度", "Time progress"): H.fmt_value(r.time_progress, "rate", lang),
                     _t(lang, "突破目标达成", "Stretch achievement"): H.fmt_value(r.stretch_achievement, "rate", lang)})
    parts.append(H.table(pd.DataFrame(rows)))
    if sid is None:
        return H.Html(parts)
    cons = achievement(ctx.ds, period=ctx.params.period, stores=[sid], by_staff=True, lang=lang)
    names = _names(ctx)
    cons = cons.assign(name=cons["staff_id"].map(names).fillna(cons["staff_id"]))
    fig, ax = plt.subplots(figsize=(9, max(3.5, 0.38 * len(cons) + 1)))
    plot_progress_board(cons, label="name", ax=ax, lang=lang)
    parts += [H.h3(_t(lang, "销售顾问进度看板", "Consultants' progress board")), H.figure(fig)]
    matrix = amount_rate_matrix(cons.dropna(subset=["achievement"]), lang=lang)
    if len(matrix):
        fig, ax = plt.subplots(figsize=(8, 5.5))
        plot_amount_rate(matrix.assign(name=matrix["staff_id"].map(names)), label="name", ax=ax, lang=lang)
        parts += [H.h3(_t(lang, "达成额 × 达成率矩阵", "Amount × rate matrix")), H.figure(fig)]
        cols = ["name", "actual", "achievement", "quadrant_name", "advice"]
        show = matrix.assign(name=matrix["staff_id"].map(names))[cols]
        parts.append(H.table(show.rename(columns={"name": _t(lang, "顾问", "Consultant"), "actual": _t(lang, "实际", "Actual"),
                                                  "achievement": _t(lang, "达成率", "Achievement"), "quadrant_name": _t(lang, "象限", "Quadrant"),
                                                  "advice": _t(lang, "辅导建议", "Coaching")}),
                             numeric_formats={_t(lang, "达成率", "Achievement"): "rate"}))
    behind = store.iloc[0]
    parts.append(H.reading(_t(
        lang,
        f"本月销量目标 {H.fmt_value(behind.target)} 台，实际 {H.fmt_value(behind.actual)} 台，达成率 {H.fmt_value(behind.achievement, 'rate')}；"
        f"时间进度 {H.fmt_value(behind.time_progress, 'rate')}。达成率低于时间进度的顾问需要本周内重新分解剩余目标（见课程模块 1 的周滚动调整）。",
        f"Target {H.fmt_value(behind.target)}, actual {H.fmt_value(behind.actual)}, achievement {H.fmt_value(behind.achievement, 'rate', 'en')}, "
        f"time progress {H.fmt_value(behind.time_progress, 'rate', 'en')}.",
    )))
    return H.Html(parts)


def targets_findings(ctx) -> list[Finding]:
    from dealerlab.targets import achievement

    out = []
    store = achievement(ctx.ds, period=ctx.params.period, stores=[ctx.params.store_id] if ctx.params.store_id else ctx.stores)
    for r in store.itertuples():
        if pd.notna(r.achievement) and pd.notna(r.time_progress) and r.achievement < r.time_progress and r.target > 0:
            short = r.target * r.time_progress - r.actual
            price = _mean_price(ctx, r.store_id)
            out.append(Finding(
                section="targets", metric="volume", value=r.actual, benchmark=r.target,
                title_zh=f"{r.store_id} 销量目标落后于时间进度", title_en=f"{r.store_id} volume behind time progress",
                detail_zh=f"达成率 {r.achievement:.1%}，时间进度 {r.time_progress:.1%}，按进度还差约 {short:.0f} 台",
                detail_en=f"achievement {r.achievement:.1%} vs time progress {r.time_progress:.1%}: {short:.0f} units behind",
                sales_at_stake=short, revenue_at_stake=short * price,
                action=Action(what=_t(ctx.lang, "把剩余目标按周重新分解到每位顾问", "Re-split the rest of the target by week"),
                              why=_t(ctx.lang, "达成率落后于时间进度", "Behind time progress"),
                              who=_t(ctx.lang, "销售经理", "Sales manager"), when=_next_month_end(ctx),
                              where=_t(ctx.lang, "晨会", "morning meeting"),
                              how=_t(ctx.lang, "每日看板跟踪，落后顾问一对一辅导", "Daily board, one-to-one coaching")),
            ))
    return out


# ---- after-sales --------------------------------------------------------------------------------------------------
def aftersales_extra(ctx) -> H.Html:
    from dealerlab.aftersales import paint_shop_by_crew
    from dealerlab.pdca import cadence_table
    from dealerlab.plots.pdca import plot_paint_shop

    lang = ctx.lang
    sid = ctx.params.store_id
    parts = []
    if sid is not None:
        cad = cadence_table(ctx.ds, store_id=sid, period=ctx.params.period, lang=lang)
        status = {"good": "✓", "watch": "△", "bad": "✗", "na": "—"}
        show = cad[["item", "frequency", "value", "target", "status"]].copy()
        show["status"] = show["status"].map(status)
        parts += [H.h3(_t(lang, "管理节奏看板（日/周/月/即时）", "Management cadence")),
                  H.table(show.rename(columns={"item": _t(lang, "检查项", "Item"), "frequency": _t(lang, "频率", "Frequency"),
                                               "value": _t(lang, "本月", "This month"), "target": _t(lang, "目标/标杆", "Target"),
                                               "status": _t(lang, "状态", "Status")}))]
    booth = ctx.value("booth_utilisation") if sid else math.nan
    if sid is not None and pd.notna(booth) and booth < 0.60:
        table = paint_shop_by_crew(ctx.ds["service_orders"], stores=[sid])
        if len(table):
            fig, ax = plt.subplots(figsize=(8, 4.5))
            plot_paint_shop(table, ax=ax, lang=lang)
            parts += [H.h3(_t(lang, "钣喷：班组规模 × 损伤程度", "Paint shop: crew size × damage class")), H.figure(fig),
                      H.reading(_t(lang, f"烤房利用率 {booth:.1%}，低于 60%。大班组同时接大、中、小损伤工单，小活等大活，烤房空转："
                                         "建议按损伤程度分流（小损伤快修班组），并按烤房排程派工。",
                                   f"Booth utilisation {booth:.1%} is below 60%: large crews mix heavy and light jobs. Split light jobs to a fast-repair crew."))]
    return H.Html(parts)


def aftersales_findings(ctx) -> list[Finding]:
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
                action=Action(what=_t(ctx.lang, "按损伤程度分流钣喷工单，设小损伤快修班组", "Route light jobs to a fast-repair crew"),
                              why=_t(ctx.lang, "大班组大小活混接，烤房空转", "Large crews mix heavy and light jobs"),
                              who=_t(ctx.lang, "服务经理", "Service manager"), when=_next_month_end(ctx),
                              where=_t(ctx.lang, "钣喷车间", "paint shop"), how=_t(ctx.lang, "烤房排程表 + 每日利用率看板", "Booth schedule and daily board")),
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
                action=Action(what=_t(ctx.lang, "返修工单逐单分析原因，建立终检", "Analyse every comeback; add a final check"),
                              why=_t(ctx.lang, "一次修复率低", "First-time fix is low"), who=_t(ctx.lang, "技术经理", "Workshop manager"),
                              when=_next_month_end(ctx), where=_t(ctx.lang, "车间", "workshop"),
                              how=_t(ctx.lang, "PDCA：p 控制图跟踪返修率", "PDCA with a p-chart of the comeback rate")),
            ))
    return out


# ---- CSI ------------------------------------------------------------------------------------------------------------
def csi_extra(ctx) -> H.Html:
    from dealerlab.csi import complaint_figures, fix_first, ipa
    from dealerlab.plots.csi import ipa_map

    lang = ctx.lang
    sid = ctx.params.store_id
    if sid is None:
        return H.Html()
    parts = []
    table = ipa(ctx.ds["surveys"], stores=[sid], periods=ctx.periods, survey="CSI", items=ctx.ds["survey_items"] if ctx.ds.has("survey_items") else None)
    if len(table):
        fig, ax = plt.subplots(figsize=(8.5, 6))
        ipa_map(table, ax=ax, lang=lang)
        parts += [H.h3(_t(lang, "CSI 重要度–表现分析", "CSI importance–performance")), H.figure(fig)]
        first = fix_first(table, n=2)
        if len(first):
            names = "、".join(first["item"].astype(str))
            parts.append(H.reading(_t(lang, f"优先改进：{names}（重要度高、表现低）。", f"Fix first: {names}.")))
    if ctx.ds.has("complaints"):
        cf = complaint_figures(ctx.ds["complaints"], periods=[ctx.params.period], stores=[sid])
        parts += [H.h3(_t(lang, "客户投诉", "Complaints")), H.table(cf.drop(columns=[c for c in ("reason",) if c in cf.columns]))]
    return H.Html(parts)


def csi_findings(ctx) -> list[Finding]:
    from dealerlab.csi import fix_first, ipa

    out = []
    sid = ctx.params.store_id
    if sid is None:
        return out
    table = ipa(ctx.ds["surveys"], stores=[sid], periods=ctx.periods, survey="CSI", items=ctx.ds["survey_items"] if ctx.ds.has("survey_items") else None)
    first = fix_first(table, n=2)
    if len(first):
        names = "、".join(first["item"].astype(str))
        out.append(Finding(
            section="csi", metric="csi_index", value=ctx.value("csi_index"),
            title_zh="CSI 重点改进项", title_en="CSI items to fix first",
            detail_zh=f"{names}：对总体满意度影响大而表现偏低", detail_en=f"{names}: important and below average",
            action=Action(what=_t(ctx.lang, f"改进 {names}", f"Improve {names}"), why=_t(ctx.lang, "IPA 重点改进象限", "IPA fix-first quadrant"),
                          who=_t(ctx.lang, "客服经理", "CRM manager"), when=_next_month_end(ctx), where=_t(ctx.lang, "售后前台", "service reception"),
                          how=_t(ctx.lang, "回访追因 + 服务流程标准化", "Call-backs and a standard process")),
        ))
    return out


# ---- big accounts -------------------------------------------------------------------------------------------------
def accounts_section(ctx) -> H.Html:
    from dealerlab.accounts import churn_warnings, tier_accounts
    from dealerlab.plots.accounts import value_potential

    lang = ctx.lang
    tiers = tier_accounts(ctx.ds, as_of=pd.Period(ctx.params.period, freq="M").end_time.normalize(), lang=lang)
    if ctx.params.store_id:
        tiers = tiers[tiers["store_id"] == ctx.params.store_id]
    if tiers.empty:
        return H.Html(H.missing(_t(lang, "本门店没有大客户记录。", "No accounts at this store.")))
    show = tiers if ctx.params.show_pii else tiers.assign(account_name=tiers["account_name"].map(mask_company))
    counts = show.groupby("tier").agg(accounts=("account_id", "size"), monetary=("monetary", "sum")).reset_index()
    parts = [H.table(counts.rename(columns={"tier": _t(lang, "分级", "Tier"), "accounts": _t(lang, "客户数", "Accounts"),
                                             "monetary": _t(lang, "近24月金额", "24-month money")}),
                     numeric_formats={_t(lang, "近24月金额", "24-month money"): "money"})]
    fig, ax = plt.subplots(figsize=(8.5, 5.5))
    value_potential(show, ax=ax, lang=lang)
    parts.append(H.figure(fig))
    churn = churn_warnings(show)
    parts.append(H.h3(_t(lang, "流失预警（180 天无购车无维修）", "Churn warnings (180 days silent)")))
    if len(churn):
        c = churn[["account_id", "account_name", "industry", "tier", "recency_days", "monetary"]].copy()
        parts.append(H.table(c.rename(columns={"account_id": _t(lang, "编号", "ID"), "account_name": _t(lang, "客户", "Account"),
                                               "industry": _t(lang, "行业", "Industry"), "tier": _t(lang, "分级", "Tier"),
                                               "recency_days": _t(lang, "未往来天数", "Days silent"), "monetary": _t(lang, "近24月金额", "24-month money")}),
                             numeric_formats={_t(lang, "近24月金额", "24-month money"): "money"}))
    else:
        parts.append(H.reading(_t(lang, "没有流失预警客户。", "No account at risk.")))
    return H.Html(parts)


def accounts_findings(ctx) -> list[Finding]:
    from dealerlab.accounts import churn_warnings, tier_accounts

    tiers = tier_accounts(ctx.ds, as_of=pd.Period(ctx.params.period, freq="M").end_time.normalize())
    if ctx.params.store_id:
        tiers = tiers[tiers["store_id"] == ctx.params.store_id]
    churn = churn_warnings(tiers)
    if churn.empty:
        return []
    stake = float(churn["monetary"].sum()) / 24
    return [Finding(
        section="accounts", title_zh="大客户流失预警", title_en="Big accounts at risk",
        detail_zh=f"{len(churn)} 个价值型/重要型客户超过 180 天无购车无维修，近 24 个月贡献 {churn['monetary'].sum() / 1e4:,.0f} 万元",
        detail_en=f"{len(churn)} value/importance accounts silent for over 180 days",
        revenue_at_stake=stake,
        action=Action(what=_t(ctx.lang, "逐一拜访流失预警客户", "Visit every account at risk"), why=_t(ctx.lang, "180 天无往来", "180 days silent"),
                      who=_t(ctx.lang, "大客户经理", "Key-account manager"), when=_next_month_end(ctx),
                      where=_t(ctx.lang, "客户现场", "at the customer"), how=_t(ctx.lang, "高层拜访 + 置换/保养方案", "Senior visit with a trade-in/service offer")),
    )]


# ---- people and pay -----------------------------------------------------------------------------------------------
def people_section(ctx) -> H.Html:
    from dealerlab import pay
    from dealerlab.calendar import period_range
    from dealerlab.plots.pay import units_vs_lines

    lang = ctx.lang
    sid = ctx.params.store_id
    stores = [sid] if sid else ctx.stores
    # whole quarters: the current one and the two before it (two consecutive quarters decide 停岗)
    start = (pd.Period(ctx.params.period, freq="M").asfreq("Q") - 2).asfreq("M", how="start")
    covered = set(ctx.ds.periods())
    months = [str(p) for p in pd.period_range(start, ctx.params.period, freq="M") if str(p) in covered]
    units = pay.consultant_units(ctx.ds, periods=months, stores=stores)
    parts = []
    if sid is not None and len(units):
        names = _names(ctx)
        fig, ax = plt.subplots(figsize=(9, 4.5))
        units_vs_lines(units[units["period"].isin(period_range(ctx.params.period, 3))], names=names, ax=ax, lang=lang)
        parts.append(H.figure(fig))
        quarters, _ = pay.bottom_out(units)
        complete = quarters[~quarters["partial"]]
        q = complete[complete["quarter"] == complete["quarter"].max()] if len(complete) else quarters.iloc[0:0]
        risk = q[q["status"] != pay.STATUS_KEPT]
        if len(risk):
            t = risk.assign(name=risk["staff_id"].map(names))[["name", "quarter", "months", "mean_units", "status"]]
            parts += [H.h3(_t(lang, "末位淘汰规则触发", "Bottom-out rule triggered")),
                      H.table(t.rename(columns={"name": _t(lang, "顾问", "Consultant"), "quarter": _t(lang, "季度", "Quarter"),
                                                "months": _t(lang, "月数", "Months"), "mean_units": _t(lang, "月均销量", "Units a month"),
                                                "status": _t(lang, "结果", "Status")}))]
    turnover = pay.turnover_by_department(ctx.ds, periods=[ctx.params.period], stores=stores)
    turnover = turnover[turnover["leavers"] > 0]
    if len(turnover):
        parts += [H.h3(_t(lang, "本月离职", "Leavers this month")),
                  H.table(turnover[["store_id", "department", "leavers", "turnover"]].rename(columns={
                      "store_id": _t(lang, "门店", "Store"), "department": _t(lang, "部门", "Department"),
                      "leavers": _t(lang, "离职人数", "Leavers"), "turnover": _t(lang, "离职率", "Turnover")}),
                      numeric_formats={_t(lang, "离职率", "Turnover"): "rate"})]
    ph = pay.per_head(ctx.ds, periods=[ctx.params.period], stores=stores)
    parts += [H.h3(_t(lang, "人均产出", "Output per head")),
              H.table(ph[["store_id", "department", "headcount", "units_per_head", "revenue_per_head"]].rename(columns={
                  "store_id": _t(lang, "门店", "Store"), "department": _t(lang, "部门", "Department"), "headcount": _t(lang, "平均人数", "Headcount"),
                  "units_per_head": _t(lang, "人均台数", "Units per head"), "revenue_per_head": _t(lang, "人均产值", "Revenue per head")}),
                  numeric_formats={_t(lang, "人均产值", "Revenue per head"): "money"})]
    return H.Html(parts)


def people_findings(ctx) -> list[Finding]:
    from dealerlab import pay

    out = []
    for sid in ([ctx.params.store_id] if ctx.params.store_id else ctx.stores):
        units = pay.consultant_units(ctx.ds, periods=[ctx.params.period], stores=[sid])
        low = units[units["units"] < 10]
        if len(low) and len(units):
            out.append(Finding(
                section="people", title_zh=f"{sid} 低于 10 台的销售顾问", title_en=f"{sid} consultants under 10 units",
                detail_zh=f"{len(low)}/{len(units)} 位顾问本月销量低于 10 台（积分取消线）",
                detail_en=f"{len(low)} of {len(units)} consultants sold under 10 units",
                sales_at_stake=float((10 - low["units"]).sum()),  # units short of the line; no revenue claimed
                action=Action(what=_t(ctx.lang, "低产顾问一对一辅导，复盘潜客跟进", "Coach low performers one-to-one"),
                              why=_t(ctx.lang, "人均单产偏低", "Low output per consultant"), who=_t(ctx.lang, "展厅经理", "Showroom manager"),
                              when=_next_month_end(ctx), where=_t(ctx.lang, "展厅", "showroom"),
                              how=_t(ctx.lang, "每周复盘 H/A 级潜客 + 陪同接待", "Weekly review of hot leads, shadowing")),
            ))
    return out


COLLECTORS = [funnel_findings, targets_findings, aftersales_findings, csi_findings, accounts_findings, people_findings]
