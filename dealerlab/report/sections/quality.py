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
    na = ctx.metrics[(ctx.metrics["period"] == ctx.params.period) & ctx.metrics["value"].isna()]
    if ctx.params.store_id is not None:
        na = na[na["store_id"] == ctx.params.store_id]
    parts = [H.reading(status_text(len(warns), len(na), lang)),
             H.h3(_TXT.get("tables", lang)), H.table(tables, lang=lang)]
    if warns:
        w = pd.DataFrame([p.as_dict(lang) for p in warns])[["table", "source", "row", "column", "value", "message"]]
        w["table"] = w["table"].map(lambda t: table_label(t, lang) if isinstance(t, str) else t)
        parts += [H.h3(_TXT.get("warnings", lang)), H.table(w, max_rows=200, lang=lang)]
    if len(na):
        t = na.assign(metric=na["metric"].map(lambda x: registry.label(x, lang)))[["store_id", "metric", "reason"]]
        parts += [H.h3(_TXT.get("figures_not_available", lang)), H.table(t, max_rows=200, lang=ctx.lang)]
    return H.Html(parts)


def status_text(n_warnings: int, n_missing: int, lang: str = "zh") -> str:
    """The appendix's opening sentence: what the checks found, consistent with the tables below it.

    Parameters
    ----------
    n_warnings : int
        The loader's validation warnings.
    n_missing : int
        The month's figures that could not be computed (each with its reason).
    lang : {"zh", "en"}

    Returns
    -------
    str
    """
    if n_warnings:
        zh = f"数据校验发现 {n_warnings} 条警告，逐条列在下方「数据警告」中（表、行、列和处理方法）。"
        en = f"The data checks found {n_warnings} warnings, listed below under Warnings (table, row, column and the fix)."
    else:
        zh = "数据校验通过：没有格式或取值警告。"
        en = "The data passed validation: no format or value warnings."
    if n_missing:
        zh += (f"另有 {n_missing} 项指标本月无法计算（例如两张表的车架号无法对应、商务政策中没有该返利项目、历史月份不够），"
               "报告中这些数字显示为「—」，原因见下方「无法计算的指标」。")
        en += (f" {n_missing} figures of the month could not be computed (e.g. VINs that do not match between two tables, a "
               "rebate item the policy does not have, too few months of history); the report shows them as —, with the "
               "reason under Figures not available below.")
    else:
        zh += "本月的指标都能计算。"
        en += " Every figure of the month could be computed."
    return en if lang == "en" else zh
