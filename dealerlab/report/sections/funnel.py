"""Report section: the sales funnel: the month's figures, the funnel chart, the bottleneck diagnosis and its tools (course module 3)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab import _batch as batch
from dealerlab.funnel import funnel_counts, funnel_rates, store_business
from dealerlab.funnel.diagnosis import STEP_OF, action_plan, diagnose
from dealerlab.funnel.diagnosis import actions as step_actions
from dealerlab.i18n import Catalogue, pick
from dealerlab.plots.funnel import funnel_chart, gap_bars
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.sections._common import family_body

_TXT = Catalogue.load("report/sections/funnel")

#: the figures of the section (cards, trend table, group table), in this order
METRIC_IDS = ["traffic", "capture_rate", "call_visit_rate", "revisit_rate", "test_drive_rate", "close_rate",
       "followup_timeliness", "volume", "addon_penetration", "gross_per_unit"]


def build(ctx) -> H.Html:
    """The section's figures (:func:`~dealerlab.report.sections._common.family_body`) with :func:`extra`."""
    return family_body(ctx, METRIC_IDS, extra)


def _diagnose(ctx, stores):
    """The bottleneck diagnosis of ``stores`` (computed once per report: the section and its findings read it; in a
    batch once for every store of the run, :mod:`dealerlab._batch`: each store's rows depend on its data only)."""
    return ctx.cached(("funnel.diagnose", tuple(stores)), lambda: batch.across_stores(
        diagnose, ctx.ds, stores=stores, period=ctx.params.period, benchmarks=ctx.params.benchmarks, lang=ctx.lang))


def extra(ctx) -> H.Html:
    """The store's funnel chart, gaps to benchmark, bottleneck diagnosis and its tools (nothing for the group)."""
    lang = ctx.lang
    sid = ctx.params.store_id
    if sid is None:
        return H.Html()
    diag = _diagnose(ctx, [sid])
    parts = []

    counts = batch.across_stores(funnel_counts, ctx.ds, periods=[ctx.params.period], stores=[sid])
    rates = batch.across_stores(funnel_rates, ctx.ds, periods=[ctx.params.period], stores=[sid])
    row = counts.merge(rates, on=["store_id", "period"], suffixes=("", "_rate"))
    needed = ["FV", "FC", "W", "C", "CV", "TD", "S_room"]
    absent = [c for c in needed if c not in row.columns or row[c].isna().any()]
    if absent:  # a table the chart needs is missing (e.g. no calls export): the tables below still tell the story
        parts.append(H.missing(_TXT.get("funnel_chart_lacks_tables", lang, absent=_TXT.get("list_sep", "zh").join(absent), absent_en=", ".join(absent))))
    else:
        fig, ax = plt.subplots(figsize=(9, 5.2))
        funnel_chart(row, store_id=sid, period=ctx.params.period, benchmarks=ctx.params.benchmarks,
                     business=store_business(ctx.ds, sid), ax=ax, lang=lang)
        parts.append(H.figure(fig, alt=_TXT.get("sales_funnel", lang)))
    fig, ax = plt.subplots(figsize=(8, 4))
    gap_bars(diag, ax=ax, lang=lang)
    parts.append(H.figure(fig, alt=_TXT.get("gaps_benchmark", lang)))
    show = diag[["name", "step", "value", "benchmark", "last3", "target", "target_basis", "extra_sales", "extra_gross",
                 "share_of_gross", "benchmark_extra_sales"]]
    cols = {"name": _TXT.get("metric", lang), "step": _TXT.get("process_step", lang), "value": _TXT.get("this_month", lang),
            "benchmark": _TXT.get("benchmark", lang), "last3": _TXT.get("last_months", lang),
            "target": _TXT.get("reachable_target", lang), "target_basis": _TXT.get("target_basis", lang),
            "extra_sales": _TXT.get("extra_sales", lang), "extra_gross": _TXT.get("extra_gross", lang),
            "share_of_gross": _TXT.get("share_gross", lang),
            "benchmark_extra_sales": _TXT.get("extra_sales_benchmark", lang)}
    source = str(diag["benchmark_source"].iloc[0]) if len(diag) else ""
    parts += [H.h3(_TXT.get("bottleneck_extra_sales_each", lang)),
              H.reading(_TXT.get("benchmarks_extra_gross_extra", lang, source=source)),
              H.table(show.rename(columns=cols), numeric_formats={cols["value"]: "rate", cols["benchmark"]: "rate", cols["last3"]: "rate",
                                                                   cols["target"]: "rate", cols["share_of_gross"]: "rate",
                                                                   cols["extra_gross"]: "money", cols["extra_sales"]: "decimal",
                                                                   cols["benchmark_extra_sales"]: "decimal"}, lang=ctx.lang)]
    bottleneck = diag[diag["bottleneck"]]
    if len(bottleneck):
        parts.append(H.reading(str(bottleneck["finding"].iloc[0])))
        plan = action_plan(diag, top=1, lang=lang)
        if len(plan):
            pcols = {"step": _TXT.get("step", lang), "root_cause": _TXT.get("root_cause", lang), "improvement": _TXT.get("improvement", lang),
                     "owner": _TXT.get("owner", lang), "tool": _TXT.get("tool", lang)}
            parts += [H.h3(_TXT.get("tools_bottleneck_step", lang)), H.table(plan[list(pcols)].rename(columns=pcols), lang=ctx.lang)]
    else:
        parts.append(H.reading(_TXT.get("every_funnel_stage_meets", lang)))
    return H.Html(parts)


_CHOICE = {  # metric → (signal, root cause of funnel_actions.csv it supports), first match wins; the last is the default
    "test_drive_rate": [("invite_low", "竞品对比资料不足，介绍完不主动邀请试驾"), ("", "流程手续多、要点多，顾问记不住")],
    "close_rate": [("promise_complaints", "口头承诺没有书面依据，交车时兑现不了引发抱怨"),
                   ("", "报价时不提保险、贷款、精品等衍生产品")],
    "capture_rate": [("", "接待不主动，客户离店时没有留下联系方式")],
    "call_visit_rate": [("", "来电之后没有当天跟进，客户热度过去")],
    "revisit_rate": [("", "跟踪内容空泛，客户没有再来展厅的理由")],
}
#: the complaints' category of a promise not kept (a value of complaints.category)
_PROMISE_NOT_KEPT = "销售承诺未兑现"
#: who owns a funnel action when the table names nobody, or names the consultants (roles of the action tables)
_DEFAULT_OWNER = "展厅经理"
_CONSULTANT = "销售顾问"


def _signal(ctx, sid: str, signal: str, lang: str = "zh") -> str:
    """The evidence of a signal in ``lang`` ("" when it does not hold)."""
    if signal == "invite_low":
        v = ctx.value("test_drive_invite_share", store_id=sid)
        if not (math.isfinite(v) and v < 0.5):
            return ""
        return _TXT.get("signal_invite_low", lang, value=v)
    if signal == "promise_complaints" and ctx.ds.has("complaints"):
        c = ctx.ds["complaints"]
        n = int(((c["store_id"] == sid) & (c["category"] == _PROMISE_NOT_KEPT)).sum())
        if not n:
            return ""
        return _TXT.get("signal_promise_complaints", lang, n=n)
    return ""


def _funnel_action(ctx, r) -> tuple[dict, str, str]:
    table = step_actions(metric=r.metric) if r.metric in STEP_OF else None
    if table is None or table.empty:
        return {}, "", ""
    for signal, cause in _CHOICE.get(r.metric, [("", "")]):
        ev = _signal(ctx, r.store_id, signal) if signal else ""
        if signal and not ev:
            continue
        every = step_actions()
        hit = every[every["root_cause"] == cause] if cause else table
        row = (hit if len(hit) else table).iloc[0]
        return _with_english(row), ev, (_signal(ctx, r.store_id, signal, "en") if ev else "")
    return _with_english(table.iloc[0]), "", ""


def _with_english(row: pd.Series) -> dict:
    """A row of the step table with its English texts (``improvement_en``, ``root_cause_en``, ``tool_en``)."""
    out = row.to_dict()
    en = step_actions(lang="en")
    if row.name in en.index:
        for c in ("root_cause", "improvement", "tool"):
            out[f"{c}_en"] = en.loc[row.name, c]
    return out


def findings(ctx) -> list[Finding]:
    """Each funnel stage worth extra gross at its reachable target (path model, docs/DOMAIN.md §10), and follow-up
    timeliness below benchmark (severity only), with the action chosen from the step's root-cause table."""
    stores = [ctx.params.store_id] if ctx.params.store_id else ctx.stores
    diag = _diagnose(ctx, stores)
    lang = ctx.lang
    window = f"{(pd.Period(ctx.params.period, freq='M') - 5)}–{ctx.params.period}"
    out = []
    for r in diag.itertuples(index=False):
        money = r.status == "gain" and pd.notna(r.extra_gross) and r.extra_gross > 0
        severity = r.status == "severity" or (r.status == "na" and r.value < r.benchmark)
        if not (money or severity):
            continue
        where = f"{r.store_id} "
        target = r.target if money else r.benchmark
        row, ev, ev_en = _funnel_action(ctx, r)
        if row and lang == "en":  # the step table's English columns
            row = {**row, "improvement": row.get("improvement_en") or row.get("improvement", ""),
                   "root_cause": row.get("root_cause_en") or row.get("root_cause", ""),
                   "tool": row.get("tool_en") or row.get("tool", "")}
        if r.metric == "followup_timeliness":
            from dealerlab.report.findings import area_action

            a = area_action("followup_timeliness", lang)
            row = {"improvement": a.get("improvement", ""), "root_cause": a.get("root_cause", ""), "owner": a.get("owner", ""),
                   "tool": a.get("how", "")}
        owner = str(row.get("owner", "")) or _DEFAULT_OWNER
        if owner == _CONSULTANT:
            owner = _DEFAULT_OWNER
        why_nums = (_TXT.get("why_gain", "zh", name=r.name, value=r.value, target=target, basis=r.target_basis,
                             sales=r.extra_sales, gross=r.extra_gross) if money
                    else _TXT.get("why_below", "zh", name=r.name, value=r.value, benchmark=r.benchmark))
        if money and pd.notna(r.p_with) and pd.notna(r.p_without):
            why_nums += _TXT.get("why_path", "zh", p_with=r.p_with, p_without=r.p_without)
        if ev:
            why_nums += _TXT.get("why_signal", "zh", ev=ev)
        why_en = (f"{r.name} {r.value:.1%}, reachable target {target:.1%} ({r.target_basis}): about {r.extra_sales:.1f} more "
                  f"units and ¥{r.extra_gross:,.0f} gross a month" if money else f"{r.name} {r.value:.1%}, below the benchmark {r.benchmark:.1%}")
        if money and pd.notna(r.p_with) and pd.notna(r.p_without):
            why_en += f"; prospects on this path close {r.p_with:.1%}, the others {r.p_without:.1%}"
        if ev_en:
            why_en += f"; {ev_en}"
        action = None
        if row:
            from dealerlab.report.findings import _person, action_why

            action = Action(what=str(row.get("improvement", "")), why=action_why(ctx, str(row.get("root_cause", "")), why_nums, why_en),
                            who=_person(ctx, r.store_id, owner), when="", where=_TXT.get("showroom", lang),
                            how=str(row.get("tool", "")))
        out.append(Finding(
            section="funnel", metric=r.metric, value=r.value, benchmark=r.benchmark, store_id=r.store_id,
            title_zh=_TXT.get("below_title", "zh", where=where, name=r.name),
            title_en=_TXT.get("below_title", "en", where=where, name=r.name),
            detail_zh=r.finding, detail_en=r.finding, sales_at_stake=r.extra_sales if money else float("nan"),
            target=target, target_source=(r.target_source if money else "benchmark"), baseline=window,
            extra_sales=r.extra_sales if money else float("nan"), extra_gross=r.extra_gross if money else float("nan"),
            share_of_gross=r.share_of_gross if money else float("nan"), benchmark_source=r.benchmark_source,
            benchmark_extra_sales=r.benchmark_extra_sales if money else float("nan"),
            benchmark_extra_gross=r.benchmark_extra_gross if money else float("nan"),
            evidence=pick(lang, why_nums, why_en), severity=float(min(1.0, abs(r.gap) / max(r.benchmark, 1e-9))) if pd.notna(r.gap) else 0.0,
            action=action,
        ))
    return out
