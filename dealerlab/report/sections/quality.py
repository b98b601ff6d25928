"""Report section: the data-quality appendix — tables and rows, the loader's warnings, figures not available."""

from __future__ import annotations

import pandas as pd

from dealerlab import metrics as registry
from dealerlab.i18n import Catalogue
from dealerlab.report import html as H
from dealerlab.report.labels import table_label

_TXT = Catalogue({
    "rows": {"zh": "行数（{sid}）", "en": "Rows ({sid})"},
    "tables": {"zh": "数据表概况", "en": "Tables"},
    "warnings": {"zh": "数据警告", "en": "Warnings"},
    "data_passed_validation_with": {"zh": "数据校验通过，没有警告。", "en": "The data passed validation with no warnings."},
    "figures_not_available": {"zh": "无法计算的指标", "en": "Figures not available"},
})


def build(ctx) -> H.Html:
    """Rows per table (a store's page: the store's own rows), every validation warning, and the month's figures that could not be computed (with why)."""
    lang = ctx.lang
    warns = list(getattr(ctx.ds, "warnings", []) or [])
    sid = ctx.params.store_id
    rows = []
    for name, df in ctx.ds.tables.items():
        n = len(df)
        if sid is not None and "store_id" in df.columns:  # a store's page counts the store's own rows
            n = int((df["store_id"] == sid).sum())
        rows.append({"table": table_label(name, lang), "rows": n})
    tables = pd.DataFrame(rows)
    if sid is not None:
        tables = tables.rename(columns={"rows": _TXT.get("rows", lang, sid=sid)})
    parts = [H.h3(_TXT.get("tables", lang)), H.table(tables, lang=lang)]
    if warns:
        w = pd.DataFrame([p.as_dict(lang) for p in warns])[["table", "source", "row", "column", "value", "message"]]
        w["table"] = w["table"].map(lambda t: table_label(t, lang) if isinstance(t, str) else t)
        parts += [H.h3(_TXT.get("warnings", lang)), H.table(w, max_rows=200, lang=lang)]
    else:
        parts.append(H.reading(_TXT.get("data_passed_validation_with", lang)))
    na = ctx.metrics[(ctx.metrics["period"] == ctx.params.period) & ctx.metrics["value"].isna()]
    if ctx.params.store_id is not None:
        na = na[na["store_id"] == ctx.params.store_id]
    if len(na):
        t = na.assign(metric=na["metric"].map(lambda x: registry.label(x, lang)))[["store_id", "metric", "reason"]]
        parts += [H.h3(_TXT.get("figures_not_available", lang)), H.table(t, max_rows=200, lang=ctx.lang)]
    return H.Html(parts)
