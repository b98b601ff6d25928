"""Report section: people and pay: units against the pay lines, the bottom-out rule, leavers, output per head (course module 7)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab import _batch as batch
from dealerlab import pay
from dealerlab.calendar import period_range
from dealerlab.i18n import Catalogue
from dealerlab.plots.pay import units_vs_lines
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.findings import _person, action_why, area_action
from dealerlab.report.labels import value_label
from dealerlab.report.sections._common import staff_names, store_bottom_out, store_consultant_units

_TXT = Catalogue.load("report/sections/people")


def build(ctx) -> H.Html:
    """Units against the pay lines, the bottom-out rule, the month's leavers and output per head."""
    lang = ctx.lang
    sid = ctx.params.store_id
    stores = [sid] if sid else ctx.stores
    # whole quarters: the current one and the two before it (two consecutive quarters decide 停岗)
    start = (pd.Period(ctx.params.period, freq="M").asfreq("Q") - 2).asfreq("M", how="start")
    covered = ctx.covered_periods
    months = [str(p) for p in pd.period_range(start, ctx.params.period, freq="M") if str(p) in covered]
    # a store's report: each store's own units and quarters, in a batch computed once for every store
    units = (store_consultant_units(ctx, sid, months) if sid is not None
             else pay.consultant_units(ctx.ds, periods=months, stores=stores))
    parts = []
    if sid is not None and len(units):
        names = staff_names(ctx)
        quarters = store_bottom_out(ctx, sid, months, units)
        complete = quarters[~quarters["partial"]]
        q = complete[complete["quarter"] == complete["quarter"].max()] if len(complete) else quarters.iloc[0:0]
        # the chart shows the quarter the rule table judges (the latest complete one), and says so
        if len(q):
            quarter = pd.Period(str(q["quarter"].iloc[0]), freq="Q")
            shown = [str(p) for p in pd.period_range(quarter.asfreq("M", how="start"), quarter.asfreq("M", how="end"), freq="M")]
            span = _TXT.get("quarter_span", lang, quarter=quarter, first=shown[0], last=shown[-1])
        else:
            shown = period_range(ctx.params.period, 3)
            span = f"{shown[0]} – {shown[-1]}"
        fig, ax = plt.subplots(figsize=(9, 4.5))
        units_vs_lines(units[units["period"].isin(shown)], names=names, ax=ax, lang=lang)
        parts += [H.h3(_TXT.get("consultants_monthly_units_against", lang, span=span)),
                  H.figure(fig)]
        risk = q[q["status"] != pay.STATUS_KEPT]
        if len(risk):
            t = risk.assign(name=risk["staff_id"].map(names))[["name", "quarter", "months", "mean_units", "status"]]
            parts += [H.h3(_TXT.get("bottom_out_rule_triggered", lang)),
                      H.table(t.rename(columns={"name": _TXT.get("consultant", lang), "quarter": _TXT.get("quarter", lang),
                                                "months": _TXT.get("months", lang), "mean_units": _TXT.get("units_month", lang),
                                                "status": _TXT.get("status", lang)}),
                              numeric_formats={_TXT.get("units_month", lang): "decimal"}, lang=ctx.lang)]
    turnover = (batch.across_stores(pay.turnover_by_department, ctx.ds, stores=stores, periods=[ctx.params.period])
                if sid is not None else pay.turnover_by_department(ctx.ds, periods=[ctx.params.period], stores=stores))
    turnover = turnover[turnover["leavers"] > 0]
    if len(turnover):
        parts += [H.h3(_TXT.get("leavers_this_month", lang)),
                  H.table(turnover[["store_id", "department", "leavers", "turnover"]].rename(columns={
                      "store_id": _TXT.get("store", lang), "department": _TXT.get("department", lang),
                      "leavers": _TXT.get("leavers", lang), "turnover": _TXT.get("turnover", lang)}),
                      numeric_formats={_TXT.get("turnover", lang): "rate"}, lang=ctx.lang)]
    ph = (batch.across_stores(pay.per_head, ctx.ds, stores=stores, periods=[ctx.params.period])
          if sid is not None else pay.per_head(ctx.ds, periods=[ctx.params.period], stores=stores))
    parts += [H.h3(_TXT.get("output_per_head", lang)),
              H.table(ph[["store_id", "department", "headcount", "units_per_head", "revenue_per_head"]].rename(columns={
                  "store_id": _TXT.get("store", lang), "department": _TXT.get("department", lang), "headcount": _TXT.get("headcount", lang),
                  "units_per_head": _TXT.get("units_per_head", lang), "revenue_per_head": _TXT.get("revenue_per_head", lang)}),
                  numeric_formats={_TXT.get("revenue_per_head", lang): "money", _TXT.get("units_per_head", lang): "decimal",
                                   _TXT.get("headcount", lang): "decimal"}, lang=ctx.lang)]
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """Bottom-out statuses (docs/DOMAIN.md §7/§10): consultants eliminated or suspended in the latest complete quarter;
    severity only, target 12 units a month."""
    out = []
    a = area_action("bottom_out", ctx.lang)
    for sid in ([ctx.params.store_id] if ctx.params.store_id else ctx.stores):
        covered = ctx.covered_periods
        months = [p for p in period_range(ctx.params.period, 6) if p in covered]
        units = store_consultant_units(ctx, sid, months)  # in a batch once for every store
        if units.empty:
            continue
        quarters = store_bottom_out(ctx, sid, months, units)
        complete = quarters[~quarters["partial"]]
        if complete.empty:
            continue
        q = complete[complete["quarter"] == complete["quarter"].max()]
        risk = q[q["status"] != pay.STATUS_KEPT]
        if risk.empty:
            continue
        mean_units = float(risk["mean_units"].mean())
        ev = _TXT.get("bottom_out_evidence", "zh", quarter=q["quarter"].iloc[0], n=len(risk), of=len(q),
                      statuses=_TXT.get("status_sep", "zh").join(sorted(set(map(str, risk["status"])))), mean=mean_units)
        ev_en = (f"{q['quarter'].iloc[0]}: {len(risk)}/{len(q)} sales consultants below 12 units a month over the quarter "
                 f"({', '.join(sorted({str(value_label(s, 'en')) for s in risk['status']}))}), {mean_units:.1f} units on average")
        out.append(Finding(
            section="people", metric="bottom_out", value=mean_units, benchmark=12.0, store_id=sid,
            title_zh=_TXT.get("bottom_out_title", "zh", sid=sid), title_en=_TXT.get("bottom_out_title", "en", sid=sid),
            detail_zh=ev, detail_en=ev_en,
            target=12.0, target_source="rule", baseline=str(q["quarter"].iloc[0]), evidence=ev,
            severity=float(min(1.0, len(risk) / max(1, len(q)))),
            action=Action(what=a["improvement"], why=action_why(ctx, a["root_cause"], ev, ev_en), who=_person(ctx, sid, a["owner"]),
                          where=a["where"], how=a["how"]),
        ))
    return out
