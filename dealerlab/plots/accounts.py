"""Charts of course module 6 (big accounts). Inputs are the tables of :mod:`dealerlab.accounts`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns

from dealerlab.plots.style import PALETTE, get_axes

__all__ = ["value_potential", "rfm_heatmap", "industry_mix", "churn_table", "TIER_COLORS"]

TIER_COLORS = {"价值型": PALETTE[3], "重要型": PALETTE[0], "潜力型": PALETTE[2], "一般": PALETTE[7]}
_TIER_EN = {"价值型": "value", "重要型": "importance", "潜力型": "potential", "一般": "general"}


def value_potential(tiers: pd.DataFrame, *, label_top: int = 6, ax=None, lang: str = "zh"):
    """24-month money (x, 万元) against potential (y), coloured by tier; the largest accounts labelled.

    ``tiers``: output of :func:`dealerlab.accounts.tier_accounts` (``monetary, potential, tier, account_name``)."""
    ax = get_axes(ax, (8.5, 5.5))
    zh = lang == "zh"
    for tier, color in TIER_COLORS.items():
        t = tiers[tiers["tier"] == tier]
        if len(t):
            ax.scatter(t["monetary"] / 1e4, t["potential"], s=30 + 6 * t["fleet_size"].astype("float64").fillna(0).clip(upper=60),
                       color=color, alpha=0.75, edgecolor="white", label=tier if zh else _TIER_EN[tier])
    top = tiers.sort_values("monetary", ascending=False).head(label_top).sort_values("monetary")
    ymax = float(tiers["potential"].max()) if len(tiers) else 1.0
    for i, (_, r) in enumerate(top.iterrows()):
        name = str(r["account_name"])
        name = name if len(name) <= 8 else name[:7] + "…"
        # staggered leader lines so that neighbouring labels do not overlap
        ax.annotate(name, (r["monetary"] / 1e4, r["potential"]), xytext=(0, 18 + 16 * (i % 4)), textcoords="offset points",
                    fontsize=8, ha="center", arrowprops=dict(arrowstyle="-", color="#9aa5b1", lw=0.6))
    ax.set_ylim(top=max(ymax, 1.0) * 1.25 + 2)
    ax.set_xlabel("近 24 个月购车+维修金额（万元）" if zh else "24-month money (10k yuan)")
    ax.set_ylabel("潜力（计划采购 + 0.2×车队 − 近 12 月已购）" if zh else "Potential")
    ax.legend(title="分级" if zh else "Tier", fontsize=9)
    ax.set_title("大客户分级：价值与潜力" if zh else "Account tiers: value and potential")
    return ax


def rfm_heatmap(rfm: pd.DataFrame, *, ax=None, lang: str = "zh"):
    """Number of accounts per R score (rows) × F score (columns), annotated with the mean money (万元)."""
    ax = get_axes(ax, (6.5, 5))
    zh = lang == "zh"
    counts = rfm.pivot_table(index="R_score", columns="F_score", values="account_id", aggfunc="count").reindex(
        index=range(5, 0, -1), columns=range(1, 6)).fillna(0)
    money = rfm.pivot_table(index="R_score", columns="F_score", values="monetary", aggfunc="mean").reindex(
        index=range(5, 0, -1), columns=range(1, 6))
    annot = np.array([[f"{int(c)}\n{m / 1e4:,.0f}万" if c and not np.isnan(m) else "" for c, m in zip(cr, mr)]
                      for cr, mr in zip(counts.to_numpy(), money.to_numpy())]) if zh else counts.astype(int).astype(str).to_numpy()
    sns.heatmap(counts, annot=annot, fmt="", cmap="Blues", cbar=False, linewidths=0.5, ax=ax, annot_kws={"fontsize": 8})
    ax.set_xlabel("F 频次得分（5 = 最多）" if zh else "F score")
    ax.set_ylabel("R 最近得分（5 = 最近）" if zh else "R score")
    ax.set_title("RFM：客户数与平均金额" if zh else "RFM: accounts and mean money")
    return ax


def industry_mix(mix: pd.DataFrame, *, ax=None, lang: str = "zh"):
    """Accounts' share of money by industry (horizontal bars with the account count)."""
    ax = get_axes(ax, (7.5, 4.5))
    zh = lang == "zh"
    m = mix.sort_values("monetary")
    ax.barh(m["industry"], m["monetary"] / 1e4, color=PALETTE[0])
    for i, (v, n) in enumerate(zip(m["monetary"] / 1e4, m["accounts"])):
        ax.text(v, i, f"  {v:,.0f}万 / {n}户" if zh else f"  {v:,.0f} / {n}", va="center", fontsize=9)
    ax.set_xlabel("近 24 个月金额（万元）" if zh else "24-month money (10k yuan)")
    ax.set_xlim(0, float((m["monetary"] / 1e4).max()) * 1.3 if len(m) else 1)
    ax.set_title("大客户行业结构" if zh else "Industry mix")
    return ax


def churn_table(churn: pd.DataFrame, *, lang: str = "zh"):
    """The churn list as a pandas Styler (days silent shaded), for notebooks. Client strings are escaped."""
    zh = lang == "zh"
    cols = {"account_name": "客户" if zh else "Account", "industry": "行业" if zh else "Industry", "tier": "分级" if zh else "Tier",
            "last_activity": "最近往来" if zh else "Last activity", "recency_days": "未往来天数" if zh else "Days silent",
            "monetary": "24月金额" if zh else "24-month money", "contact_level": "对接层级" if zh else "Contact level"}
    t = churn[list(cols)].rename(columns=cols)
    days = cols["recency_days"]
    return (t.style.format({cols["monetary"]: "{:,.0f}", days: "{:.0f}", cols["last_activity"]: lambda d: "" if pd.isna(d) else f"{d:%Y-%m-%d}"},
                           escape="html")
            .background_gradient(subset=[days], cmap="Reds").hide(axis="index"))
