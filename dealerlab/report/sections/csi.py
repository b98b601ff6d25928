"""Report section: customer satisfaction: SSI/CSI, the importance–performance map and complaints (course module 5)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from dealerlab.csi import complaint_figures, fix_first, ipa
from dealerlab.plots.csi import ipa_map
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.sections._common import family_body, next_month_end, zh_en

#: the figures of the section (cards, trend table, group table), in this order
METRIC_IDS = ["ssi_index", "csi_index"]


def build(ctx) -> H.Html:
    """The section's figures (:func:`~dealerlab.report.sections._common.family_body`) with :func:`extra`."""
    return family_body(ctx, METRIC_IDS, extra)


def extra(ctx) -> H.Html:
    """The store's CSI importance–performance map, the items to fix first and the month's complaints."""
    lang = ctx.lang
    sid = ctx.params.store_id
    if sid is None:
        return H.Html()
    parts = []
    table = ipa(ctx.ds["surveys"], stores=[sid], periods=ctx.periods, survey="CSI", items=ctx.ds["survey_items"] if ctx.ds.has("survey_items") else None)
    if len(table):
        fig, ax = plt.subplots(figsize=(8.5, 6))
        ipa_map(table, ax=ax, lang=lang)
        parts += [H.h3(zh_en(lang, "CSI 重要度–表现分析", "CSI importance–performance")), H.figure(fig)]
        first = fix_first(table, n=2)
        if len(first):
            names = "、".join(first["item"].astype(str))
            parts.append(H.reading(zh_en(lang, f"优先改进：{names}（重要度高、表现低）。", f"Fix first: {names}.")))
    if ctx.ds.has("complaints"):
        cf = complaint_figures(ctx.ds["complaints"], periods=[ctx.params.period], stores=[sid])
        parts += [H.h3(zh_en(lang, "客户投诉", "Complaints")), H.table(cf.drop(columns=[c for c in ("reason",) if c in cf.columns]))]
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """The CSI items to fix first (important and below average) of the report's store."""
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
            action=Action(what=zh_en(ctx.lang, f"改进 {names}", f"Improve {names}"), why=zh_en(ctx.lang, "IPA 重点改进象限", "IPA fix-first quadrant"),
                          who=zh_en(ctx.lang, "客服经理", "CRM manager"), when=next_month_end(ctx), where=zh_en(ctx.lang, "售后前台", "service reception"),
                          how=zh_en(ctx.lang, "回访追因 + 服务流程标准化", "Call-backs and a standard process")),
        ))
    return out
