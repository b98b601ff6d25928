"""Report section: the PDCA action plan — the 5W1H action of each of the top findings."""

from __future__ import annotations

from dealerlab.i18n import Catalogue
from dealerlab.report import html as H

_TXT = Catalogue({
    "no_improvement_cycle_needed": {"zh": "暂无需要立项的改进。", "en": "No improvement cycle needed."},
    "problem": {"zh": "问题", "en": "Problem"},
    "what": {"zh": "做什么", "en": "What"},
    "why": {"zh": "为什么", "en": "Why"},
    "who": {"zh": "负责人", "en": "Who"},
    "when": {"zh": "开始 / 检查日", "en": "Start / check date"},
    "where": {"zh": "地点", "en": "Where"},
    "how": {"zh": "怎么做", "en": "How"},
    "check_metric": {"zh": "检查指标", "en": "Check metric"},
    "baseline_target": {"zh": "基线 → 目标", "en": "Baseline → target"},
    "top_findings_each_open": {
        "zh": "排名最前的 {plan} 条发现各立一个 PDCA 循环（一次最多 8 个，其余发现待这些循环检查后再立项）：按 5W1H 计划（P），执行（D），到检查日用同一指标检查（C），有效则标准化、无效则进入下一轮（A）。",
        "en": "The top {plan} findings each open a PDCA cycle (at most 8 at a time; the others wait for these checks): plan in 5W1H (P), do (D), check the same metric on the check date (C), standardise or start the next cycle (A).",
    },
})


def build(ctx) -> H.Html:
    """The action rows of the ranked findings (:func:`~dealerlab.report.findings.plan_actions`): at most 8, each
    with an owner, staggered future start and check dates, and its check metric baseline → numeric target."""
    from dealerlab.report.findings import plan_actions

    lang = ctx.lang
    plan = plan_actions(ctx, ctx.findings(), lang=lang)
    if plan.empty:
        return H.reading(_TXT.get("no_improvement_cycle_needed", lang))
    # owner and dates never break inside (a narrow column of one character a line is unreadable on A4)
    show = plan.assign(
        who=[_nowrap(w) for w in plan["who"]], where=[_nowrap(w) for w in plan["where"]],
        when=[H.Html(f'{_nowrap(a)}<br>{_nowrap(b)}') for a, b in zip(plan["start"], plan["check_date"])])
    cols = {"title": _TXT.get("problem", lang), "what": _TXT.get("what", lang), "why": _TXT.get("why", lang),
            "who": _TXT.get("who", lang), "when": _TXT.get("when", lang),
            "where": _TXT.get("where", lang), "how": _TXT.get("how", lang),
            "check_metric": _TXT.get("check_metric", lang), "check": _TXT.get("baseline_target", lang)}
    return H.Html([
        H.reading(_TXT.get("top_findings_each_open", lang, plan=len(plan))),
        H.table(show[list(cols)].rename(columns=cols), lang=ctx.lang),
    ])


def _nowrap(text) -> H.Html:
    return H.Html(f'<span class="dl-nowrap">{H.esc(str(text))}</span>')
