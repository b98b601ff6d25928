"""Report section: the PDCA action plan — the 5W1H action of each of the top findings."""

from __future__ import annotations

import pandas as pd

from dealerlab.report import html as H
from dealerlab.report.sections._common import zh_en


def build(ctx) -> H.Html:
    """The first five findings that carry an action, one 5W1H row each."""
    lang = ctx.lang
    items = [f for f in ctx.findings() if f.action is not None][:5]
    if not items:
        return H.reading(zh_en(lang, "暂无需要立项的改进。", "No improvement cycle needed."))
    cols = [zh_en(lang, c, e) for c, e in [("问题", "Problem"), ("做什么 What", "What"), ("为什么 Why", "Why"),
                                           ("谁 Who", "Who"), ("何时 When", "When"), ("何地 Where", "Where"),
                                           ("怎么做 How", "How"), ("检查指标", "Check metric")]]
    rows = [dict(zip(cols, [f.title(lang), *f.action.fields(lang), f.metric_label(lang)])) for f in items]
    return H.Html([
        H.reading(zh_en(lang, "每条发现对应一个 PDCA 循环：按 5W1H 计划（P），执行（D），下月用同一指标检查（C），有效则标准化、无效则进入下一轮（A）。",
                        "Each finding opens a PDCA cycle: plan in 5W1H (P), do (D), check with the same metric next month (C), standardise or start the next cycle (A).")),
        H.table(pd.DataFrame(rows)),
    ])
