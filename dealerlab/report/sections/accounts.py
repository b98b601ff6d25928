"""Report section: big accounts: tiers, value × potential, churn warnings (course module 6)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab import _batch as batch
from dealerlab.accounts import TIERS, churn_warnings, tier_accounts
from dealerlab.data.privacy import mask_company
from dealerlab.i18n import Catalogue
from dealerlab.plots.accounts import value_potential
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.findings import _person, action_why, area_action, store_gross
from dealerlab.report.labels import value_label

_TXT = Catalogue.load("report/sections/accounts")


def build(ctx) -> H.Html:
    """Accounts per tier, the value × potential map and the churn warnings (names masked unless show_pii)."""
    lang = ctx.lang
    # fitted on every account of the group: the same for every store, once per batch (dealerlab._batch)
    tiers = batch.once(tier_accounts, ctx.ds, as_of=pd.Period(ctx.params.period, freq="M").end_time.normalize(), lang=lang)
    if ctx.params.store_id:
        tiers = tiers[tiers["store_id"] == ctx.params.store_id]
    if tiers.empty:
        return H.Html(H.missing(_TXT.get("no_accounts_this_store", lang)))
    show = tiers if ctx.params.show_pii else tiers.assign(account_name=tiers["account_name"].map(mask_company))

    counts = show.groupby("tier").agg(accounts=("account_id", "size"), monetary=("monetary", "sum"))
    counts = counts.reindex([t for t in TIERS if t in counts.index]).reset_index()  # 价值型 → 重要型 → 潜力型 → 一般
    parts = [H.table(counts.rename(columns={"tier": _TXT.get("tier", lang), "accounts": _TXT.get("accounts", lang),
                                             "monetary": _TXT.get("month_money", lang)}),
                     numeric_formats={_TXT.get("month_money", lang): "money"}, lang=ctx.lang)]
    fig, ax = plt.subplots(figsize=(8.5, 5.5))
    # masked names (杭州********) tell the reader nothing and collide: the chart labels the top few by industry and id
    chart = show if ctx.params.show_pii else show.assign(
        account_name=show["industry"].map(lambda v: value_label(v, lang)).fillna("").astype(str) + " " + show["account_id"].astype(str))
    value_potential(chart, ax=ax, label_top=4, lang=lang)
    parts.append(H.figure(fig))
    n_all = len(ctx.ds["accounts"]) if ctx.ds.has("accounts") else len(tiers)
    parts.append(H.reading(_TXT.get("tier_lines_are_fitted", lang, n_all=n_all)))
    churn = churn_warnings(show)
    parts.append(H.h3(_TXT.get("churn_warnings_days_silent", lang)))
    if len(churn):
        c = churn[["account_id", "account_name", "industry", "tier", "recency_days", "monetary"]].copy()
        parts.append(H.table(c.rename(columns={"account_id": _TXT.get("id", lang), "account_name": _TXT.get("account", lang),
                                               "industry": _TXT.get("industry", lang), "tier": _TXT.get("tier", lang),
                                               "recency_days": _TXT.get("days_silent", lang), "monetary": _TXT.get("month_money", lang)}),
                             numeric_formats={_TXT.get("month_money", lang): "money"}, lang=ctx.lang))
    else:
        parts.append(H.reading(_TXT.get("no_account_risk", lang)))
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """Churn-warned accounts per store (docs/DOMAIN.md §10): value/importance accounts silent for over 180 days, valued at
    their vehicle gross of the 12 months to the report month ÷ 12 (a month of it)."""
    as_of = pd.Period(ctx.params.period, freq="M").end_time.normalize()
    tiers = batch.once(tier_accounts, ctx.ds, as_of=as_of)
    if ctx.params.store_id:
        tiers = tiers[tiers["store_id"] == ctx.params.store_id]
    churn = churn_warnings(tiers)
    out = []
    sales = ctx.ds["sales"]
    recent = sales[(pd.to_datetime(sales["invoice_date"]) > as_of - pd.DateOffset(months=12)) & (pd.to_datetime(sales["invoice_date"]) <= as_of)]
    a = area_action("churn", ctx.lang)
    for sid, grp in churn.groupby("store_id", sort=True):
        g12 = float(recent.loc[recent["account_id"].isin(grp["account_id"]), "gross_profit"].fillna(0).sum())
        month = g12 / 12
        sg = store_gross(ctx, sid)
        ev = _TXT.get("churn_evidence", "zh", n=len(grp), g12=g12, month=month)
        ev_en = (f"{len(grp)} value/importance accounts silent for over 180 days; vehicle gross of the last 12 months "
                 f"¥{g12:,.0f} (¥{month:,.0f} a month)")
        out.append(Finding(
            section="accounts", metric="churn", value=float(len(grp)), benchmark=0.0, store_id=sid,
            title_zh=_TXT.get("churn_title", "zh", sid=sid), title_en=_TXT.get("churn_title", "en", sid=sid), detail_zh=ev,
            detail_en=ev_en,
            target=0.0, target_source="rule", baseline=f"{(as_of - pd.DateOffset(months=12)).date()}–{as_of.date()}",
            extra_gross=month if month > 0 else float("nan"), share_of_gross=month / sg if sg and month > 0 else float("nan"),
            evidence=ev, severity=0.5, lower_is_better=True,
            action=Action(what=a["improvement"], why=action_why(ctx, a["root_cause"], ev, ev_en), who=_person(ctx, sid, a["owner"]),
                          where=a["where"], how=a["how"]),
        ))
    return out
