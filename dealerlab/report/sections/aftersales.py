"""Report section: after-sales and cadence: the figures, the cadence board and the paint-shop reading (course module 4),
and retention — the service base, 首保回厂率 by invoice month, 回厂率 and the lapsed vehicles (course module 9,
docs/DOMAIN.md §11) — with their findings."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab import _batch as batch
from dealerlab.calendar import period_range
from dealerlab.i18n import Catalogue, pick
from dealerlab.metrics import ids, label
from dealerlab.pdca import cadence_table
from dealerlab.pdca.aftersales import paint_shop_by_crew
from dealerlab.plots.pdca import plot_paint_shop
from dealerlab.plots.retention import first_service_bars
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.findings import _person, action_why, area_action, store_gross
from dealerlab.report.sections._common import family_body, family_cards, store_table, trend_table
from dealerlab.retention import first_service_cohorts, retention_figures, service_revenue_per_vehicle

_TXT = Catalogue.load("report/sections/aftersales")
#: what the Chinese reason of a retention figure says when the service orders do not reach back 24 months (matched)
_NEEDS_24_MONTHS = "24 个月"

#: the figures of the section (cards, trend table, group table): every id of the aftersales family, in registry order
METRIC_IDS = ids("aftersales")


#: the retention figures of the section (their own cards, chart and trend table), in this order
RETENTION_IDS = ["base_vehicles", "first_service_rate", "retention_rate", "lapsed_vehicles"]

#: the lines of the retention findings (★ practitioner standards, docs/DOMAIN.md §11)
FIRST_SERVICE_LINE = 0.75
RETENTION_LINE = 0.60
#: the after-sales gross margin on service revenue that values a vehicle kept (an assumption the finding states)
SERVICE_MARGIN = 0.45


def build(ctx) -> H.Html:
    """The section's figures (:func:`~dealerlab.report.sections._common.family_body`) with :func:`extra`."""
    return family_body(ctx, METRIC_IDS, extra)


def extra(ctx) -> H.Html:
    """The store's cadence board and, when paint booths are under 60 % used, the paint shop by crew."""
    lang = ctx.lang
    sid = ctx.params.store_id
    parts = []
    if sid is not None:
        cad = cadence_table(ctx.ds, store_id=sid, period=ctx.params.period, lang=lang, figures=ctx.metrics)
        status = {"good": "✓", "watch": "△", "bad": "✗", "na": "—"}
        from dealerlab.report.fmt import fmt, unit_of

        show = cad[["item", "frequency", "value", "target", "status"]].copy()
        units = [unit_of(m) if m else "count" for m in cad["metric"]]  # each figure in its metric's unit
        show["value"] = [fmt(v, u, lang, na="—") for v, u in zip(cad["value"], units, strict=True)]
        show["target"] = [fmt(v, u, lang, na="—") for v, u in zip(cad["target"], units, strict=True)]
        show["status"] = show["status"].map(status)
        parts += [H.h3(_TXT.get("management_cadence", lang)),
                  H.table(show.rename(columns={"value": "this_month"}), lang=lang)]
    booth = ctx.value("booth_utilisation") if sid else math.nan
    if sid is not None and pd.notna(booth) and booth < 0.60:
        table = paint_shop_by_crew(ctx.ds["service_orders"], stores=[sid])
        if len(table):
            fig, ax = plt.subplots(figsize=(8, 4.5))
            plot_paint_shop(table, ax=ax, lang=lang)
            parts += [H.h3(_TXT.get("paint_shop_crew_size", lang)), H.figure(fig),
                      H.reading(_TXT.get("booth_utilisation_below_large", lang, booth=booth))]
    parts.append(retention_block(ctx))
    return H.Html(parts)


def _reasons(ctx, sid: str) -> list[str]:
    """``指标：原因`` of the retention figures not available this month (why a card shows —)."""
    m = ctx.metrics
    rows = m[(m["store_id"] == sid) & (m["period"] == ctx.params.period) & m["metric"].isin(RETENTION_IDS)]
    out = []
    for r in rows.itertuples(index=False):
        reason = getattr(r, "reason", "")
        if pd.isna(r.value) and isinstance(reason, str) and reason:
            if ctx.lang == "en":  # the family's reasons are Chinese (docs/DOMAIN.md §11); say the common one in English
                why = ("needs 24 months of service orders" if _NEEDS_24_MONTHS in reason else
                       "not available (the reason is in metrics.csv)")
                out.append(f"{label(r.metric, 'en')}: {why}")
            else:
                out.append(_TXT.get("reason_line", ctx.lang, metric=label(r.metric, ctx.lang), reason=reason))
    return out


def _service_months(ctx, sid: str) -> int:
    """Months of the store's service orders up to M (at most 24): how much of the 24-month base the data holds."""
    if not ctx.ds.has("service_orders"):
        return 0
    so = ctx.ds["service_orders"]
    d = pd.to_datetime(so.loc[so["store_id"].astype(str) == sid, "open_date"]).dropna()
    if d.empty:
        return 0
    end = pd.Period(ctx.params.period, freq="M")
    return int(min(24, (end - d.min().to_period("M")).n + 1))


def retention_block(ctx) -> H.Html:
    """保客 (course module 9): the group's store table, or the store's retention cards, the first-service chart by invoice
    month with its reading, why a figure is missing, and the trend table."""
    lang = ctx.lang
    sid = ctx.params.store_id
    head = H.h3(_TXT.get("retention_service_base_first", lang))
    if sid is None:
        return H.Html([head, store_table(ctx, RETENTION_IDS)])
    parts = [head, family_cards(ctx, RETENTION_IDS)]
    table = first_service_cohorts(ctx.ds, period=ctx.params.period, store_id=sid)
    if len(table) and table["sold"].sum() > 0:
        table = table.iloc[int((table["sold"] > 0).to_numpy().argmax()):]  # from the first month with sales
        fig, ax = plt.subplots(figsize=(8, 4.2))
        first_service_bars(table, ax=ax, line=FIRST_SERVICE_LINE, lang=lang)
        parts.append(H.figure(fig, alt=_TXT.get("first_service_invoice_month", lang)))
        sold, back = int(table["sold"].sum()), int(table["returned"].sum())
        full = str(pd.Period(ctx.params.period, freq="M") - 9)  # cohorts seen for the whole 9 months
        seen = table[(table["sold"] > 0) & (table["invoice_month"] <= full)]
        worst = (seen if len(seen) else table[table["sold"] > 0]).sort_values(["rate", "invoice_month"]).iloc[0]
        parts.append(H.reading(_TXT.get(
            "first_service_reading", lang, first=table["invoice_month"].iloc[0], last=table["invoice_month"].iloc[-1],
            sold=sold, back=back, rate=back / sold, line=FIRST_SERVICE_LINE, worst_month=worst["invoice_month"],
            worst_rate=worst["rate"], full=full,
        )))
    why = _reasons(ctx, sid)
    months = _service_months(ctx, sid)
    if 0 < months < 24 and pd.notna(ctx.value("base_vehicles")):
        why.insert(0, _TXT.get("service_base_covers_only", lang, months=months))
    if why:
        parts.append(H.missing(_TXT.get("separator", lang).join(why)))
    parts += [H.h3(_TXT.get("retention_recent_months", lang)), trend_table(ctx, RETENTION_IDS)]
    return H.Html(parts)


def _last3(ctx, metric: str, sid: str) -> list[float]:
    return [ctx.value(metric, period=p, store_id=sid) for p in period_range(ctx.params.period, 3)]


def findings(ctx) -> list[Finding]:
    """After-sales findings (docs/DOMAIN.md §10): booth utilisation < 60 % in ≥ 2 of the last 3 months, comeback rate above
    3 %, parts fill rate below 90 % — severity findings (no vehicle gross attaches); numeric targets are those lines."""
    lang = ctx.lang
    months = period_range(ctx.params.period, 3)
    window = f"{months[0]}–{months[-1]}"
    out = []
    rules = [  # metric, line, lower is better (the titles: rule_title.<metric>)
        ("booth_utilisation", 0.60, False),
        ("comeback_rate", 0.03, True),
        ("parts_fill_rate", 0.90, False),
    ]
    sep = _TXT.get("list_sep", "zh")
    for sid in ([ctx.params.store_id] if ctx.params.store_id else ctx.stores):
        for metric, line, lower in rules:
            tz, te = _TXT.get(f"rule_title.{metric}", "zh"), _TXT.get(f"rule_title.{metric}", "en")
            vals = _last3(ctx, metric, sid)
            now = vals[-1]
            bad = [v for v in vals if math.isfinite(v) and ((v > line) if lower else (v < line))]
            hit = (len(bad) >= 2) if metric == "booth_utilisation" else (math.isfinite(now) and ((now > line) if lower else (now < line)))
            if not hit:
                continue
            shown = sep.join("—" if not math.isfinite(v) else f"{v:.1%}" for v in vals)
            ev = _TXT.get("rule_evidence", "zh", window=window, shown=shown, sign="≤" if lower else "≥", line=line)
            ev_en = f"{window} by month: {shown.replace(sep, ', ')} (standard {'≤' if lower else '≥'} {line:.0%})"
            a = area_action(metric, lang)
            out.append(Finding(
                section="aftersales", metric=metric, value=now, benchmark=line, store_id=sid,
                title_zh=f"{sid} {tz}", title_en=f"{sid} {te}", detail_zh=ev, detail_en=ev_en,
                target=line, target_source="benchmark", baseline=window, evidence=ev, lower_is_better=lower,
                severity=float(min(1.0, abs(now - line) / line)) if math.isfinite(now) else 0.5,
                action=Action(what=a["improvement"], why=action_why(ctx, a["root_cause"], ev, ev_en), who=_person(ctx, sid, a["owner"]),
                              where=a["where"], how=a["how"]),
            ))
    return out + retention_findings(ctx)


def retention_findings(ctx) -> list[Finding]:
    """Retention findings (docs/DOMAIN.md §11): 首保回厂率 below 75 % and 回厂率 below 60 % this month.

    Each is valued in gross: the vehicles short of the line (⌈line × cohort⌉ − those back) × the store's service
    revenue per serviced vehicle a year (:func:`dealerlab.retention.service_revenue_per_vehicle`) × the after-sales
    margin :data:`SERVICE_MARGIN` (an assumption the evidence states) ÷ 12 — a month's gross, compared with the store's
    gross of the month (vehicle + add-on, :func:`dealerlab.report.findings.store_gross`). The target is the line.
    """
    lang = ctx.lang
    period = ctx.params.period
    end = pd.Period(period, freq="M")
    stores = [ctx.params.store_id] if ctx.params.store_id else list(ctx.stores)
    # a batch of store reports computes every store's rows once (dealerlab._batch)
    figs = batch.across_stores(retention_figures, ctx.ds, stores=stores, periods=[period])
    figs = figs.set_index(["store_id", "metric"])
    out = []
    rules = [  # metric, line, the population zh (its months), en (titles: retention_title.<metric>)
        ("first_service_rate", FIRST_SERVICE_LINE, (end - 12, end - 6),
         f"{{den:.0f}} new cars invoiced {end - 12}–{end - 6}, {{num:.0f}} back for the first service within 9 months"),
        ("retention_rate", RETENTION_LINE, (end - 23, end - 12),
         f"{{den:.0f}} vehicles serviced {end - 23}–{end - 12}, {{num:.0f}} back in the last 12 months"),
    ]
    for sid in stores:
        for metric, line, (first, last), pop_en in rules:
            tz, te = _TXT.get(f"retention_title.{metric}", "zh"), _TXT.get(f"retention_title.{metric}", "en")
            if (sid, metric) not in figs.index:
                continue
            f = figs.loc[(sid, metric)]
            now, num, den = float(f["value"]), float(f["numerator"]), float(f["denominator"])
            if not math.isfinite(now) or now >= line:
                continue
            short = max(0, math.ceil(line * den - 1e-9) - int(num))
            rev = service_revenue_per_vehicle(ctx.ds, period=period, store_id=sid)
            gross = short * rev * SERVICE_MARGIN / 12 if math.isfinite(rev) else math.nan
            own = store_gross(ctx, sid)
            share = gross / own if math.isfinite(gross) and math.isfinite(own) and own > 0 else math.nan
            ev = (_TXT.get(f"population.{metric}", "zh", first=first, last=last, num=num, den=den)
                  + _TXT.get("retention_rate_line", "zh", now=now, line=line))
            money = ""
            if math.isfinite(gross):
                money = (_TXT.get("retention_money", "zh", short=short, rev=rev, margin=SERVICE_MARGIN, gross_wan=gross / 10000)
                         + (_TXT.get("retention_share", "zh", share=share) if math.isfinite(share) else ""))
            ev_en = pop_en.format(num=num, den=den) + f" ({now:.1%}, line ≥ {line:.0%})"
            money_en = ""
            if math.isfinite(gross):
                money_en = (f"; {short} vehicles short of the line × {rev:,.0f} yuan of service revenue a vehicle a year × "
                            f"{SERVICE_MARGIN:.0%} margin (assumed) ÷ 12 ≈ {gross:,.0f} yuan gross a month"
                            + (f", {share:.1%} of the store's vehicle + add-on gross" if math.isfinite(share) else ""))
            shown = pick(lang, ev + money, ev_en + money_en)
            a = area_action(metric, lang)
            out.append(Finding(
                section="aftersales", metric=metric, value=now, benchmark=line, store_id=sid,
                title_zh=f"{sid} {tz}", title_en=f"{sid} {te}", detail_zh=ev, detail_en=ev_en,
                target=line, target_source="benchmark", baseline=period, evidence=shown,
                extra_gross=gross, share_of_gross=share, benchmark_extra_gross=gross,
                severity=float(min(1.0, (line - now) / line)),
                action=Action(what=a["improvement"], why=action_why(ctx, a["root_cause"], ev, ev_en),
                              who=_person(ctx, sid, a["owner"]),
                              where=a["where"], how=a["how"]),
            ))
    return out
