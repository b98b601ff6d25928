"""Charts of course module 6 (big accounts). Inputs are the tables of :mod:`dealerlab.accounts`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from dealerlab._docstrings import share_docs
from dealerlab.i18n import Catalogue
from dealerlab.plots.style import PALETTE, get_axes

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = ["value_potential", "rfm_heatmap", "industry_mix", "churn_table", "b2b_funnel", "TIER_COLORS"]

TIER_COLORS = {"价值型": PALETTE[3], "重要型": PALETTE[0], "潜力型": PALETTE[2], "一般": PALETTE[7]}
_T = Catalogue.load("plots/accounts")


def value_potential(tiers: pd.DataFrame, *, label_top: int = 6, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """24-month money (x, 万元) against potential (y), coloured by tier; the largest accounts labelled.

    ``tiers``: output of :func:`dealerlab.accounts.tier_accounts` (``monetary, potential, tier, account_name``)."""
    ax = get_axes(ax, (8.5, 5.5))
    for tier, color in TIER_COLORS.items():
        t = tiers[tiers["tier"] == tier]
        if len(t):
            ax.scatter(t["monetary"] / 1e4, t["potential"], s=30 + 6 * t["fleet_size"].astype("float64").fillna(0).clip(upper=60),
                       color=color, alpha=0.75, edgecolor="white", label=_T.get(tier, lang))
    top = tiers.sort_values("monetary", ascending=False).head(label_top).sort_values("monetary")
    ymax = float(tiers["potential"].max()) if len(tiers) else 1.0
    for i, (_, r) in enumerate(top.iterrows()):
        name = str(r["account_name"])
        name = name if len(name) <= 18 else name[:17] + "…"  # long enough for "industry + account id" labels
        # staggered leader lines so that neighbouring labels do not overlap
        ax.annotate(name, (r["monetary"] / 1e4, r["potential"]), xytext=(0, 18 + 16 * (i % 4)), textcoords="offset points",
                    fontsize=8, ha="center", arrowprops=dict(arrowstyle="-", color="#9aa5b1", lw=0.6))
    ax.set_ylim(top=max(ymax, 1.0) * 1.25 + 2)
    ax.set_xlabel(_T.get("money_x", lang))
    ax.set_ylabel(_T.get("potential_y", lang))
    ax.legend(title=_T.get("tier", lang), fontsize=9)
    ax.set_title(_T.get("tiers_title", lang))
    return ax


def rfm_heatmap(rfm: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """Number of accounts per R score (rows) × F score (columns), annotated with the mean money (万元)."""
    ax = get_axes(ax, (6.5, 5))
    counts = rfm.pivot_table(index="R_score", columns="F_score", values="account_id", aggfunc="count").reindex(
        index=range(5, 0, -1), columns=range(1, 6)).fillna(0)
    money = rfm.pivot_table(index="R_score", columns="F_score", values="monetary", aggfunc="mean").reindex(
        index=range(5, 0, -1), columns=range(1, 6))
    annot = np.array([[_T.get("rfm_cell", lang, c=int(c), wan=m / 1e4, k=m / 1e3) if c and not np.isnan(m) else "" for c, m in zip(cr, mr)]
                      for cr, mr in zip(counts.to_numpy(), money.to_numpy())])
    sns.heatmap(counts, annot=annot, fmt="", cmap="Blues", cbar=False, linewidths=0.5, ax=ax, annot_kws={"fontsize": 8})
    ax.set_xlabel(_T.get("f_score", lang))
    ax.set_ylabel(_T.get("r_score", lang))
    ax.set_title(_T.get("rfm_title", lang))
    return ax


def industry_mix(mix: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """Accounts' share of money by industry (horizontal bars with the account count)."""
    ax = get_axes(ax, (7.5, 4.5))
    m = mix.sort_values("monetary")
    ax.barh(m["industry"], m["monetary"] / 1e4, color=PALETTE[0])
    for i, (v, n) in enumerate(zip(m["monetary"] / 1e4, m["accounts"])):
        ax.text(v, i, _T.get("mix_bar", lang, v=v, n=n), va="center", fontsize=9)
    ax.set_xlabel(_T.get("mix_x", lang))
    ax.set_xlim(0, float((m["monetary"] / 1e4).max()) * 1.3 if len(m) else 1)
    ax.set_title(_T.get("mix_title", lang))
    return ax


def churn_table(churn: pd.DataFrame, *, lang: str = "zh") -> Styler:
    """The churn list as a pandas Styler (days silent shaded), for notebooks. Client strings are escaped."""
    cols = {c: _T.get(c, lang) for c in
            ("account_name", "industry", "tier", "last_activity", "recency_days", "monetary", "contact_level")}
    t = churn[list(cols)].rename(columns=cols)
    days = cols["recency_days"]
    return (t.style.format({cols["monetary"]: "{:,.0f}", days: "{:.0f}", cols["last_activity"]: lambda d: "" if pd.isna(d) else f"{d:%Y-%m-%d}"},
                           escape="html")
            .background_gradient(subset=[days], cmap="Reds").hide(axis="index"))


@share_docs
def b2b_funnel(funnel: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """The fleet (B2B) funnel of :func:`dealerlab.accounts.b2b_funnel`: one centred bar per stage, labelled with the
    accounts and the step conversion into it.

    Parameters
    ----------
    funnel : DataFrame
        ``stage, accounts, step_rate``.
    %(ax_lang)s
    """
    ax = get_axes(ax, (8, 4.5))
    n = len(funnel)
    top = float(funnel["accounts"].max()) or 1.0
    y = np.arange(n)[::-1]
    widths = funnel["accounts"].to_numpy(dtype=float)
    ax.barh(y, widths, left=(top - widths) / 2, color=[PALETTE[0]] * (n - 1) + [PALETTE[2]], height=0.7)
    for yi, (_i, r) in zip(y, funnel.iterrows()):
        if pd.isna(r["step_rate"]):
            label = _T.get("stage_count", lang, n=int(r["accounts"]))
        else:
            label = _T.get("stage_count_rate", lang, n=int(r["accounts"]), rate=r["step_rate"])
        wide = r["accounts"] >= 0.3 * top  # narrow bars get their label beside them, in dark type
        x = top / 2 if wide else (top + r["accounts"]) / 2 + top * 0.02
        ax.text(x, yi, label, ha="center" if wide else "left", va="center",
                color="white" if wide else "#333333", fontsize=10, fontweight="bold")
    ax.set_yticks(y, funnel["stage"].tolist())
    ax.set_xticks([])
    ax.grid(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(_T.get("b2b_title", lang))
    return ax
