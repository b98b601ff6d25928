"""What several report sections share: masked display names and the
family view (cards of the month, trend table, one row per store for the group)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from dealerlab import metrics as registry
from dealerlab.data.privacy import mask_name
from dealerlab.report import html as H


def zh_en(lang: str, zh: str, en: str) -> str:
    """``zh`` or, for ``lang="en"``, ``en``."""
    return en if lang == "en" else zh


def staff_names(ctx) -> dict:
    """staff_id → display name (masked unless show_pii)."""
    staff = ctx.ds["staff"]
    names = dict(zip(staff["staff_id"], staff["name"]))
    if not ctx.params.show_pii:
        names = {k: mask_name(v) for k, v in names.items()}
    return {k: f"{v}（{k}）" for k, v in names.items()}


def family_cards(ctx, metric_ids: list[str]) -> str:
    """The month's figures as cards, each against its benchmark."""
    bench = ctx.benchmarks()
    cards = []
    for m in metric_ids:
        info = registry.METRICS[m]
        value, b = ctx.value(m), bench.get(m, math.nan)
        status = ""
        if not (math.isnan(value) or math.isnan(b)):
            status = "good" if (value >= b) == info.higher_is_better or value == b else "bad"
        cards.append({"metric": m, "name": info.name(ctx.lang), "value": value, "unit": info.unit, "benchmark": b,
                      "status": status})
    return H.kpi_cards(cards, lang=ctx.lang)


def trend_table(ctx, metric_ids: list[str]) -> str:
    """One row per metric, one column per month of the report's window (the report's store)."""
    m = ctx.metrics
    rows = m[(m["store_id"] == ctx.params.store_id) & m["metric"].isin(metric_ids)]
    wide = rows.pivot_table(index="metric", columns="period", values="value", aggfunc="first", sort=False)
    wide = wide.reindex([i for i in metric_ids if i in wide.index])
    out = []
    for mid, row in wide.iterrows():
        info = registry.METRICS[mid]
        out.append({zh_en(ctx.lang, "指标", "Metric"): info.name(ctx.lang),
                    **{p: H.fmt_value(v, info.unit, ctx.lang) for p, v in row.items()}})
    return H.table(pd.DataFrame(out))


def store_table(ctx, metric_ids: list[str]) -> str:
    """Group view: one row per store for the report month, then the group median."""
    lang = ctx.lang
    m = ctx.metrics[(ctx.metrics["period"] == ctx.params.period) & ctx.metrics["metric"].isin(metric_ids)]
    wide = m.pivot_table(index="store_id", columns="metric", values="value", aggfunc="first")
    wide = wide.reindex(columns=[i for i in metric_ids if i in wide.columns])
    median = wide.median(numeric_only=True)
    rows = []
    for sid, row in wide.iterrows():
        rows.append({zh_en(lang, "门店", "Store"): f"{ctx.ds.store_name(sid)}（{sid}）",
                     **{registry.label(k, lang): H.fmt_value(v, registry.METRICS[k].unit, lang) for k, v in row.items()}})
    rows.append({zh_en(lang, "门店", "Store"): zh_en(lang, "集团中位数", "Group median"),
                 **{registry.label(k, lang): H.fmt_value(v, registry.METRICS[k].unit, lang) for k, v in median.items()}})
    bench = ctx.benchmarks()
    rows.append({zh_en(lang, "门店", "Store"): zh_en(lang, "标杆", "Benchmark"),
                 **{registry.label(k, lang): (H.fmt_value(bench[k], registry.METRICS[k].unit, lang) if k in bench else "—")
                    for k in median.index}})
    return H.table(pd.DataFrame(rows))


def family_body(ctx, metric_ids: list[str], extra: Callable | None = None) -> H.Html:
    """A metric family's section: the group's store table, or the store's cards, the module's ``extra(ctx)``
    (charts, diagnosis) and the trend table."""
    if ctx.params.store_id is None:
        parts = [store_table(ctx, metric_ids)]
        if extra is not None:
            parts.append(extra(ctx))
        return H.Html(parts)
    parts = [family_cards(ctx, metric_ids)]
    if extra is not None:
        parts.append(extra(ctx))
    parts += [H.h3(zh_en(ctx.lang, "近几个月趋势", "Recent months")), trend_table(ctx, metric_ids)]
    return H.Html(parts)
