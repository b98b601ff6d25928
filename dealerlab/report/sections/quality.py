"""Report section: the data-quality appendix — tables and rows, the loader's warnings, figures not available."""

from __future__ import annotations

import pandas as pd

from dealerlab import metrics as registry
from dealerlab.report import html as H
from dealerlab.report.sections._common import zh_en


def build(ctx) -> H.Html:
    """Rows per table, every validation warning, and the month's figures that could not be computed (with why)."""
    lang = ctx.lang
    warns = list(getattr(ctx.ds, "warnings", []) or [])
    tables = pd.DataFrame(
        [{zh_en(lang, "数据表", "Table"): name, zh_en(lang, "行数", "Rows"): len(df)} for name, df in ctx.ds.tables.items()]
    )
    parts = [H.h3(zh_en(lang, "数据表概况", "Tables")), H.table(tables)]
    if warns:
        w = pd.DataFrame([p.as_dict(lang) for p in warns])[["table", "source", "row", "column", "value", "message"]]
        parts += [H.h3(zh_en(lang, "数据警告", "Warnings")), H.table(w, max_rows=200)]
    else:
        parts.append(H.reading(zh_en(lang, "数据校验通过，没有警告。", "The data passed validation with no warnings.")))
    na = ctx.metrics[(ctx.metrics["period"] == ctx.params.period) & ctx.metrics["value"].isna()]
    if ctx.params.store_id is not None:
        na = na[na["store_id"] == ctx.params.store_id]
    if len(na):
        t = na.assign(metric=na["metric"].map(lambda x: registry.label(x, lang)))[["store_id", "metric", "reason"]]
        parts += [H.h3(zh_en(lang, "无法计算的指标", "Figures not available")), H.table(t, max_rows=200)]
    return H.Html(parts)
