"""Report section: big accounts: tiers, value × potential, churn warnings (course module 6)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab.accounts import churn_warnings, tier_accounts
from dealerlab.plots.accounts import value_potential
from dealerlab.privacy import mask_company
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.sections._common import next_month_end, zh_en


def build(ctx) -> H.Html:
    """Accounts per tier, the value × potential map and the churn warnings (names masked unless show_pii)."""
    lang = ctx.lang
    tiers = tier_accounts(ctx.ds, as_of=pd.Period(ctx.params.period, freq="M").end_time.normalize(), lang=lang)
    if ctx.params.store_id:
        tiers = tiers[tiers["store_id"] == ctx.params.store_id]
    if tiers.empty:
        return H.Html(H.missing(zh_en(lang, "本门店没有大客户记录。", "No accounts at this store.")))
    show = tiers if ctx.params.show_pii else tiers.assign(account_name=tiers["account_name"].map(mask_company))
    counts = show.groupby("tier").agg(accounts=("account_id", "size"), monetary=("monetary", "sum")).reset_index()
    parts = [H.table(counts.rename(columns={"tier": zh_en(lang, "分级", "Tier"), "accounts": zh_en(lang, "客户数", "Accounts"),
                                             "monetary": zh_en(lang, "近24月金额", "24-month money")}),
                     numeric_formats={zh_en(lang, "近24月金额", "24-month money"): "money"})]
    fig, ax = plt.subplots(figsize=(8.5, 5.5))
    value_potential(show, ax=ax, lang=lang)
    parts.append(H.figure(fig))
    churn = churn_warnings(show)
    parts.append(H.h3(zh_en(lang, "流失预警（180 天无购车无维修）", "Churn warnings (180 days silent)")))
    if len(churn):
        c = churn[["account_id", "account_name", "industry", "tier", "recency_days", "monetary"]].copy()
        parts.append(H.table(c.rename(columns={"account_id": zh_en(lang, "编号", "ID"), "account_name": zh_en(lang, "客户", "Account"),
                                               "industry": zh_en(lang, "行业", "Industry"), "tier": zh_en(lang, "分级", "Tier"),
                                               "recency_days": zh_en(lang, "未往来天数", "Days silent"), "monetary": zh_en(lang, "近24月金额", "24-month money")}),
                             numeric_formats={zh_en(lang, "近24月金额", "24-month money"): "money"}))
    else:
        parts.append(H.reading(zh_en(lang, "没有流失预警客户。", "No account at risk.")))
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """Value and importance accounts silent for over 180 days, with their monthly money at stake."""
    tiers = tier_accounts(ctx.ds, as_of=pd.Period(ctx.params.period, freq="M").end_time.normalize())
    if ctx.params.store_id:
        tiers = tiers[tiers["store_id"] == ctx.params.store_id]
    churn = churn_warnings(tiers)
    if churn.empty:
        return []
    stake = float(churn["monetary"].sum()) / 24
    return [Finding(
        section="accounts", title_zh="大客户流失预警", title_en="Big accounts at risk",
        detail_zh=f"{len(churn)} 个价值型/重要型客户超过 180 天无购车无维修，近 24 个月贡献 {churn['monetary'].sum() / 1e4:,.0f} 万元",
        detail_en=f"{len(churn)} value/importance accounts silent for over 180 days",
        revenue_at_stake=stake,
        action=Action(what=zh_en(ctx.lang, "逐一拜访流失预警客户", "Visit every account at risk"), why=zh_en(ctx.lang, "180 天无往来", "180 days silent"),
                      who=zh_en(ctx.lang, "大客户经理", "Key-account manager"), when=next_month_end(ctx),
                      where=zh_en(ctx.lang, "客户现场", "at the customer"), how=zh_en(ctx.lang, "高层拜访 + 置换/保养方案", "Senior visit with a trade-in/service offer")),
    )]
