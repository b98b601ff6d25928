"""Report section: the PDCA action plan — the 5W1H action of each of the top findings."""

from __future__ import annotations

from dealerlab.report import html as H
from dealerlab.report.sections._common import zh_en


def build(ctx) -> H.Html:
    """The action rows of the ranked findings (:func:`~dealerlab.report.findings.plan_actions`): at most 8, each
    with an owner, staggered future start and check dates, and its check metric baseline → numeric target."""
    from dealerlab.report.findings import plan_actions

    lang = ctx.lang
    plan = plan_actions(ctx, ctx.findings(), lang=lang)
    if plan.empty:
        return H.reading(zh_en(lang, "暂无需要立项的改进。", "No improvement cycle needed."))
    cols = {"title": zh_en(lang, "问题", "Problem"), "what": zh_en(lang, "做什么 What", "What"), "why": zh_en(lang, "为什么 Why", "Why"),
            "who": zh_en(lang, "谁 Who", "Who"), "start": zh_en(lang, "开始", "Start"), "check_date": zh_en(lang, "检查日", "Check date"),
            "where": zh_en(lang, "何地 Where", "Where"), "how": zh_en(lang, "怎么做 How", "How"),
            "check_metric": zh_en(lang, "检查指标", "Check metric"), "check": zh_en(lang, "基线 → 目标", "Baseline → target")}
    return H.Html([
        H.reading(zh_en(lang, f"排名最前的 {len(plan)} 条发现各立一个 PDCA 循环（一次最多 8 个，其余发现待这些循环检查后再立项）："
                              "按 5W1H 计划（P），执行（D），到检查日用同一指标检查（C），有效则标准化、无效则进入下一轮（A）。",
                        f"The top {len(plan)} findings each open a PDCA cycle (at most 8 at a time; the others wait for these checks): "
                        "plan in 5W1H (P), do (D), check the same metric on the check date (C), standardise or start the next cycle (A).")),
        H.table(plan[list(cols)].rename(columns=cols), lang=ctx.lang),
    ])
