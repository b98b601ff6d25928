"""Report section: business policy, rebates and stock (course module 8, docs/DOMAIN.md §12).

The figures are the ``policy`` family of the metrics table; the store report adds the rebate ladder of the month, the
stock age by model and the slow movers. Findings: old stock (units older than 90 days) with its monthly capital cost,
and a VP rebate tier within reach with its gain and break-even discount.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab import _batch as batch
from dealerlab import policy
from dealerlab.i18n import Catalogue, pick
from dealerlab.plots import policy as pplot
from dealerlab.policy.rebates import resolve_policy
from dealerlab.policy.stock import DEFAULT_CAPITAL_COST_RATE, stock_units_at
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.findings import _person, store_gross
from dealerlab.report.labels import term
from dealerlab.report.sections._common import family_body, store_table

_TXT = Catalogue.load("report/sections/policy")

#: the figures of the section (cards, trend table, group table), in this order
METRIC_IDS = ["stock_units", "stock_age_over_90", "stock_days", "stock_over_standard", "stock_capital",
              "stock_capital_cost_month", "call_off_accuracy", "sell_through_30d", "marketing_cost_per_unit",
              "rebate_total", "gross_per_unit_incl_rebates", "vp_next_tier_units", "vp_next_tier_gain",
              "vp_breakeven_discount"]

#: a VP tier is "within reach" when at most this many units are missing
REACH_UNITS = 3


#: the group page's two tables (7 columns each, so the headings stay readable on A4): stock, then rebates and costs,
#: each with the key of its heading in the catalogue (group_table.<key>)
GROUP_TABLES = (
    ("stock", ["stock_units", "stock_age_over_90", "stock_days", "stock_over_standard", "stock_capital",
                      "stock_capital_cost_month", "call_off_accuracy"]),
    ("rebates", ["sell_through_30d", "marketing_cost_per_unit", "rebate_total",
                                     "gross_per_unit_incl_rebates", "vp_next_tier_units", "vp_next_tier_gain",
                                     "vp_breakeven_discount"]),
)
#: the owner, place and tools of the stock and rebate actions: Chinese values of the action plan (the owner is
#: matched to the store's staff, the others are translated by dealerlab.report.labels.term)
_SALES_MANAGER = "销售经理"
_STOCK_WHERE = "展厅与库存管理"
_STOCK_HOW = "滞销车型周会 + 库龄日报"
_REBATE_WHERE = "销售例会"
_REBATE_HOW = "返利阶梯测算表 + 意向客户清单"
#: the figures the group total adds up over the stores (units and money); rates and per-unit figures are not added
GROUP_SUMS = frozenset({"stock_units", "stock_age_over_90", "stock_over_standard", "stock_capital",
                        "stock_capital_cost_month", "rebate_total", "vp_next_tier_units", "vp_next_tier_gain"})


def build(ctx) -> H.Html:
    """The section's figures with :func:`extra`; the group page in two tables with a group total row."""
    if ctx.params.store_id is not None:
        return family_body(ctx, METRIC_IDS, extra)
    parts = []
    for key, ids in GROUP_TABLES:
        parts += [H.h3(_TXT.get(f"group_table.{key}", ctx.lang)), store_table(ctx, ids, totals=GROUP_SUMS)]
    parts.append(H.reading(_TXT.get("group_total_adds_up", ctx.lang)))
    return H.Html(parts)


def _vp(ctx, sid: str) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """(:func:`~dealerlab.policy.rebate_table`, :func:`~dealerlab.policy.cliff`) of the store and month, computed once
    per report (the ladder chart and the rebate finding both read them; rebate_table is None without the tables)."""
    def compute():
        ds, period = ctx.ds, ctx.params.period
        if not (ds.has("oem_policy") and ds.has("market") and ds.has("sales")):
            return None, policy.cliff(ds, store=sid, period=period)
        # in a batch once for every store of the run (dealerlab._batch)
        rt = batch.across_stores(policy.rebate_table, ds, stores=[sid], periods=[period])
        return rt, policy.cliff(ds, store=sid, period=period, rebates=rt, policy_rows=_policy_rows(ctx, sid))

    return ctx.cached(("policy.vp", sid), compute)


def _policy_rows(ctx, sid: str) -> pd.DataFrame | None:
    """The store's policy of the month (:func:`~dealerlab.policy.rebates.resolve_policy`), resolved once per report
    (the ladder and the curve both read it); None without the policy table. Shared: never change it."""
    if not ctx.ds.has("oem_policy"):
        return None
    return ctx.cached(("policy.rows", sid), lambda: resolve_policy(ctx.ds["oem_policy"], store_id=sid,
                                                                   period=ctx.params.period))


def stocks_of_stores(ds, *, stores, period) -> pd.DataFrame:
    """:func:`~dealerlab.policy.stock_by_model` of ``stores`` at the default cost of capital (the form
    :func:`dealerlab._batch.across_stores` shares; each store's rows are its own)."""
    return policy.stock_by_model(ds["inventory"], ds["sales"] if ds.has("sales") else None, period=period,
                                 stores=list(stores))


def units_in_stock(ds, *, stores, period) -> pd.DataFrame:
    """:func:`~dealerlab.policy.stock.stock_units_at` of ``stores`` (the form :func:`dealerlab._batch.across_stores`
    shares)."""
    return stock_units_at(ds["inventory"], period=period, stores=list(stores))


def extra(ctx) -> H.Html:
    """The store's rebate ladder, stock age by model and slow movers (each only when its tables are there)."""
    lang, sid, period = ctx.lang, ctx.params.store_id, ctx.params.period
    ds = ctx.ds
    if sid is None:
        return H.Html([])
    parts = []
    rt, lad = _vp(ctx, sid)
    if len(lad):
        curve = policy.rebate_curve(ds, store=sid, period=period, ladder=lad, rebates=rt,
                                    policy_rows=_policy_rows(ctx, sid))
        fig, ax = plt.subplots(figsize=(8.5, 4.6))
        pplot.rebate_ladder(curve, lad, ax=ax, lang=lang)
        parts += [H.h3(_TXT.get("rebate_ladder_vp", lang)), H.figure(fig)]
        nxt = lad[lad["is_next"]]
        if len(nxt):
            n = nxt.iloc[0]
            parts.append(H.reading(_TXT.get("more_units_reach_tier", lang, sold=int(n["sold"]), plan=int(n["volume_plan"]), needed=int(n["units_needed"]),
                                            threshold=n["threshold"], gain=n["gain"],
                                            breakeven_discount=n["breakeven_discount"])))
    if ds.has("inventory"):
        # in a batch computed once for every store (dealerlab._batch); the store's own cost of capital applied here,
        # as stock_by_model applies it
        stock = batch.across_stores(stocks_of_stores, ds, stores=[sid], period=period)
        stock["capital_cost_month"] = stock["stock_capital"] * _rate(ctx, sid) / 12
        if len(stock):
            fig, ax = plt.subplots(figsize=(8.5, 0.5 * len(stock) + 1.8))
            pplot.stock_age_pyramid(stock, ax=ax, lang=lang)
            parts += [H.h3(_TXT.get("stock_age_model", lang)), H.figure(fig)]
            slow = stock[stock["slow"]]
            if len(slow):
                show = slow[["model", "stock_units", "stock_age_over_90", "oldest_days", "stock_capital",
                             "capital_cost_month", "slow_reason"]].rename(columns={
                    "model": _TXT.get("model", lang), "stock_units": _TXT.get("units", lang),
                    "stock_age_over_90": _TXT.get("days", lang), "oldest_days": _TXT.get("oldest", lang),
                    "stock_capital": _TXT.get("capital", lang),
                    "capital_cost_month": _TXT.get("monthly_cost", lang),
                    "slow_reason": _TXT.get("reason", lang)})
                parts += [H.h3(_TXT.get("slow_movers", lang)), H.table(show)]
    return H.Html(parts)


def _rate(ctx, sid: str) -> float:
    """The store's annual cost of capital of the month (monthly_finance), else the 6 % default."""
    ds = ctx.ds
    if ds.has("monthly_finance") and "capital_cost_rate" in ds["monthly_finance"]:
        f = ds["monthly_finance"]
        hit = f[(f["store_id"] == sid) & (f["period"] == ctx.params.period)]["capital_cost_rate"].dropna()
        if len(hit):
            return float(hit.iloc[0])
    return DEFAULT_CAPITAL_COST_RATE


def stock_findings(ctx) -> list[Finding]:
    """Old stock: units older than 90 days at the month end, valued at their monthly capital cost."""
    if not ctx.ds.has("inventory"):
        return []
    period = ctx.params.period
    out = []
    for sid in ([ctx.params.store_id] if ctx.params.store_id else ctx.stores):
        units = (batch.across_stores(units_in_stock, ctx.ds, stores=[sid], period=period) if ctx.params.store_id
                 else stock_units_at(ctx.ds["inventory"], period=period, stores=[sid]))
        old = units[units["age_bucket"] == "stock_age_over_90"]
        if old.empty:
            continue
        rate = _rate(ctx, sid)
        capital = float(old["purchase_cost"].sum())
        cost = capital * rate / 12
        models = old.groupby("model").size().sort_values(ascending=False)
        mix = _TXT.get("list_sep", "zh").join(_TXT.get("model_units", "zh", model=m, n=n) for m, n in models.items())
        mix_en = ", ".join(f"{m} ×{n}" for m, n in models.items())
        ev = _TXT.get("old_stock_evidence", "zh", period=period, n=len(old), mix=mix, oldest=int(old["age_days"].max()),
                      capital=capital, rate=rate, cost=cost)
        ev_en = (f"{len(old)} units older than 90 days at the end of {period} ({mix_en}, oldest {int(old['age_days'].max())} "
                 f"days): capital ¥{capital:,.0f}, ¥{cost:,.0f} a month at {rate:.1%} a year")
        out.append(Finding(
            section="stock", metric="stock_age_over_90", value=float(len(old)), benchmark=0.0, store_id=sid,
            title_zh=_TXT.get("old_stock_title", "zh", sid=sid, n=len(old), cost=cost),
            title_en=f"{sid}: {len(old)} units older than 90 days, ¥{cost:,.0f} a month",
            detail_zh=ev, detail_en=ev_en, target=0.0, target_source="rule", baseline=period, evidence=ev,
            extra_gross=cost, share_of_gross=_share(ctx, sid, cost), lower_is_better=True,
            severity=float(min(1.0, len(old) / 10)),
            action=Action(what=_TXT.get("clear_old_stock_this", ctx.lang, mix=mix, mix_en=mix_en),
                          why=_TXT.get("old_stock_costs_month", ctx.lang, cost=cost, ev=ev, ev_en=ev_en),
                          who=_person(ctx, sid, _SALES_MANAGER), where=term(_STOCK_WHERE, ctx.lang),
                          how=term(_STOCK_HOW, ctx.lang)),
        ))
    return out


def _share(ctx, store_id: str, amount: float) -> float:
    """``amount`` as a share of the store's gross of the month (docs/DOMAIN.md §10: every money figure is compared
    with the store's own gross)."""
    sg = store_gross(ctx, store_id)
    return amount / sg if sg and math.isfinite(sg) and sg > 0 and math.isfinite(amount) else float("nan")


def rebate_findings(ctx) -> list[Finding]:
    """A VP tier within reach (≤ :data:`REACH_UNITS` units): the rebate gain and the break-even discount."""
    period = ctx.params.period
    # a month already over cannot be pushed any more: the action becomes next month's plan (docs/DOMAIN.md §10:
    # no advice for a finished month that only a running month could follow)
    month_over = pd.Timestamp.today().normalize() > pd.Period(period, freq="M").end_time.normalize()
    out = []
    for sid in ([ctx.params.store_id] if ctx.params.store_id else ctx.stores):
        n = ctx.value("vp_next_tier_units", store_id=sid)
        gain = ctx.value("vp_next_tier_gain", store_id=sid)
        be = ctx.value("vp_breakeven_discount", store_id=sid)
        if not (math.isfinite(n) and 0 < n <= REACH_UNITS and math.isfinite(gain)):
            continue
        _, lad = _vp(ctx, sid)
        nxt = lad[lad["is_next"]].iloc[0]
        ev = _TXT.get("rebate_evidence", "zh", period=period, sold=int(nxt["sold"]), plan=int(nxt["volume_plan"]),
                      share=nxt["sold"] / nxt["volume_plan"], n=int(n), tier=nxt["threshold"], gain=gain, be=be)
        ev_en = (f"{period}: {int(nxt['sold'])} units sold / VP {int(nxt['volume_plan'])} ({nxt['sold'] / nxt['volume_plan']:.1%}), "
                 f"{int(n)} short of the {nxt['threshold']:.0%} tier: +¥{gain:,.0f} in rebates, break-even discount "
                 f"¥{be:,.0f} per unit")
        out.append(Finding(
            section="rebate", metric="vp_next_tier_units", value=n, benchmark=0.0, store_id=sid,
            title_zh=_TXT.get("rebate_title", "zh", sid=sid, n=int(n), tier=nxt["threshold"], gain=gain),
            title_en=f"{sid}: {int(n)} units from the {nxt['threshold']:.0%} VP tier, +¥{gain:,.0f} in rebates",
            detail_zh=ev, detail_en=ev_en, target=0.0, target_source="rule", baseline=period,  # units still short → 0
            evidence=ev, extra_sales=n, extra_gross=gain, share_of_gross=_share(ctx, sid, gain), lower_is_better=True,
            severity=0.8,
            action=Action(what=_rebate_what(ctx.lang, period, int(n), be, month_over),
                          why=pick(ctx.lang, ev, ev_en), who=_person(ctx, sid, _SALES_MANAGER), where=term(_REBATE_WHERE, ctx.lang),
                          how=term(_REBATE_HOW, ctx.lang)),
        ))
    return out


def _rebate_what(lang: str, period: str, n: int, be: float, month_over: bool) -> str:
    """What to do about a VP tier within reach: decide the push now, or — the month is over — plan next month's."""
    if not month_over:
        return _TXT.get("decide_push_real_discount", lang, n=n, be=be)
    return _TXT.get("over_units_can_no", lang, period=period, n=n, be=be)


def findings(ctx) -> list[Finding]:
    """Both areas of the section: :func:`stock_findings` and :func:`rebate_findings`."""
    return stock_findings(ctx) + rebate_findings(ctx)
