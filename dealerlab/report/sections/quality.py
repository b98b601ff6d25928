"""Report section: the data-quality appendix — tables and rows, the loader's warnings, figures not available."""

from __future__ import annotations

import re

import pandas as pd

from dealerlab import metrics as registry
from dealerlab.i18n import Catalogue
from dealerlab.report import html as H
from dealerlab.report.labels import table_label

_TXT = Catalogue.load("report/sections/quality")


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
        t = na.assign(metric=na["metric"].map(lambda x: registry.label(x, lang)),
                      reason=na["reason"].map(lambda r: reason_label(r, lang)))[["store_id", "metric", "reason"]]
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
    first = _TXT.get("status.warnings", lang, n=n_warnings) if n_warnings else _TXT.get("status.no_warnings", lang)
    second = _TXT.get("status.missing", lang, n=n_missing) if n_missing else _TXT.get("status.no_missing", lang)
    return first + second


#: the reasons the metric functions give (Chinese, docs/DOMAIN.md §11) → English; a pattern's groups fill the text
_REASONS_EN = [
    (re.compile(r"^商务政策中没有该项目$"), "the business policy has no such item"),
    (re.compile(r"^已在VP最高一档，没有下一档$"), "already on the top VP tier: no next tier"),
    (re.compile(r"^维修工单不足 24 个月（最早 (\S+)，需要从 (\S+) 起），无法计算$"),
     "fewer than 24 months of service orders (earliest {0}, needed from {1}): not computed"),
    (re.compile(r"^分母为 0：当月没有销售$"), "denominator is 0: no sales this month"),
    (re.compile(r"^分母为 0：当月没有试乘试驾客户$"), "denominator is 0: no test-drive customers this month"),
    (re.compile(r"^分母为 0：当月来电新增潜客为 0$"), "denominator is 0: no new phone leads this month"),
    (re.compile(r"^分母为 0：当月没有填写毛利的销售$"), "denominator is 0: no sale with its gross profit this month"),
    (re.compile(r"^分母为 0：.*$"), "denominator is 0 this month"),
]


def reason_label(reason, lang: str = "zh"):
    """Why a figure is not available, in ``lang``: the Chinese reason unchanged, its English for the common ones.

    Parameters
    ----------
    reason : str or None
        The ``reason`` of a row of the metrics table.
    lang : {"zh", "en"}
        Language of the report.

    Returns
    -------
    str or None
        Unknown reasons (and non-strings) are returned unchanged.
    """
    if lang != "en" or not isinstance(reason, str):
        return reason
    for pattern, text in _REASONS_EN:
        m = pattern.match(reason.strip())
        if m:
            return text.format(*m.groups())
    return reason
