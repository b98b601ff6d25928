"""Report section: after-sales and cadence: the figures, the cadence board and the paint-shop reading (course module 4)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab.aftersales import paint_shop_by_crew
from dealerlab.pdca import cadence_table
from dealerlab.plots.pdca import plot_paint_shop
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.sections._common import family_body, zh_en

#: the figures of the section (cards, trend table, group table), in this order
METRIC_IDS = ["intake", "service_revenue", "comeback_rate", "first_time_fix", "parts_fill_rate", "on_time_delivery",
       "booth_utilisation", "turnover"]


def build(ctx) -> H.Html:
    """The section's figures (:func:`~dealerlab.report.sections._common.family_body`) with :func:`extra`."""
    return family_body(ctx, METRIC_IDS, extra)


def extra(ctx) -> H.Html:
    """The store's cadence board and, when paint booths are under 60 % used, the paint shop by crew."""
    lang = ctx.lang
    sid = ctx.params.store_id
    parts = []
    if sid is not None:
        cad = cadence_table(ctx.ds, store_id=sid, period=ctx.params.period, lang=lang)
        status = {"good": "✓", "watch": "△", "bad": "✗", "na": "—"}
        from dealerlab.report.fmt import fmt, unit_of

        show = cad[["item", "frequency", "value", "target", "status"]].copy()
        units = [unit_of(m) if m else "count" for m in cad["metric"]]  # each figure in its metric's unit
        show["value"] = [fmt(v, u, lang, na="—") for v, u in zip(cad["value"], units, strict=True)]
        show["target"] = [fmt(v, u, lang, na="—") for v, u in zip(cad["target"], units, strict=True)]
        show["status"] = show["status"].map(status)
        parts += [H.h3(zh_en(lang, "管理节奏看板（日/周/月/即时）", "Management cadence")),
                  H.table(show.rename(columns={"value": "this_month"}), lang=lang)]
    booth = ctx.value("booth_utilisation") if sid else math.nan
    if sid is not None and pd.notna(booth) and booth < 0.60:
        table = paint_shop_by_crew(ctx.ds["service_orders"], stores=[sid])
        if len(table):
            fig, ax = plt.subplots(figsize=(8, 4.5))
            plot_paint_shop(table, ax=ax, lang=lang)
            parts += [H.h3(zh_en(lang, "钣喷：班组规模 × 损伤程度", "Paint shop: crew size × damage class")), H.figure(fig),
                      H.reading(zh_en(lang, f"烤房利用率 {booth:.1%}，低于 60%。大班组同时接大、中、小损伤工单，小活等大活，烤房空转："
                                         "建议按损伤程度分流（小损伤快修班组），并按烤房排程派工。",
                                   f"Booth utilisation {booth:.1%} is below 60%: large crews mix heavy and light jobs. Split light jobs to a fast-repair crew."))]
    return H.Html(parts)


def _last3(ctx, metric: str, sid: str) -> list[float]:
    from dealerlab.calendar import period_range

    return [ctx.value(metric, period=p, store_id=sid) for p in period_range(ctx.params.period, 3)]


def findings(ctx) -> list[Finding]:
    """After-sales findings (docs/DOMAIN.md §10): booth utilisation < 60 % in ≥ 2 of the last 3 months, comeback rate above
    3 %, parts fill rate below 90 % — severity findings (no vehicle gross attaches); numeric targets are those lines."""
    from dealerlab.calendar import period_range
    from dealerlab.report.findings import _person, action_why, area_action

    lang = ctx.lang
    months = period_range(ctx.params.period, 3)
    window = f"{months[0]}–{months[-1]}"
    out = []
    rules = [  # metric, line, lower is better, title zh, title en
        ("booth_utilisation", 0.60, False, "烤房利用率低于 60%", "paint booths below 60% utilisation"),
        ("comeback_rate", 0.03, True, "返修率高于 3%", "comeback rate above 3%"),
        ("parts_fill_rate", 0.90, False, "零件即时供应率低于 90%", "parts fill rate below 90%"),
    ]
    for sid in ([ctx.params.store_id] if ctx.params.store_id else ctx.stores):
        for metric, line, lower, tz, te in rules:
            vals = _last3(ctx, metric, sid)
            now = vals[-1]
            bad = [v for v in vals if math.isfinite(v) and ((v > line) if lower else (v < line))]
            hit = (len(bad) >= 2) if metric == "booth_utilisation" else (math.isfinite(now) and ((now > line) if lower else (now < line)))
            if not hit:
                continue
            shown = "、".join("—" if not math.isfinite(v) else f"{v:.1%}" for v in vals)
            ev = f"{window} 各月：{shown}（标准 {'≤' if lower else '≥'} {line:.0%}）"
            ev_en = f"{window} by month: {shown.replace('、', ', ')} (standard {'≤' if lower else '≥'} {line:.0%})"
            a = area_action(metric, lang)
            out.append(Finding(
                section="aftersales", metric=metric, value=now, benchmark=line, store_id=sid,
                title_zh=f"{sid} {tz}", title_en=f"{sid} {te}", detail_zh=ev, detail_en=ev_en,
                target=line, target_source="benchmark", baseline=window, evidence=ev, lower_is_better=lower,
                severity=float(min(1.0, abs(now - line) / line)) if math.isfinite(now) else 0.5,
                action=Action(what=a["improvement"], why=action_why(ctx, a["root_cause"], ev, ev_en), who=_person(ctx, sid, a["owner"]),
                              where=a["where"], how=a["how"]),
            ))
    return out
