"""Charts of course module 8 (商务政策、返利与库存). Inputs are the tables of :mod:`dealerlab.policy`; nothing is
computed here but positions and labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from dealerlab._docstrings import share_docs
from dealerlab.i18n import Catalogue
from dealerlab.plots.style import PALETTE, get_axes

__all__ = ["stock_age_pyramid", "stock_days_vs_standard", "rebate_ladder", "gross_per_unit_stack", "AGE_COLORS"]

#: age bucket → colour, young (calm) to old (alarm)
AGE_COLORS = {
    "stock_age_0_30": "#7fb069",
    "stock_age_31_60": "#e6c229",
    "stock_age_61_90": "#f17105",
    "stock_age_over_90": "#c0392b",
}
_T = Catalogue.load("plots/policy")


@share_docs
def stock_age_pyramid(stock: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """Units in stock per model, stacked by age bucket (young at the centre, old at the outside), slow movers marked.

    Parameters
    ----------
    stock : DataFrame
        One store's rows of :func:`dealerlab.policy.stock_by_model`.
    %(ax_lang)s
    """
    ax = get_axes(ax, (8.5, 0.55 * max(len(stock), 3) + 1.6))
    t = stock.sort_values("stock_units").reset_index(drop=True)
    left = np.zeros(len(t))
    for b, color in AGE_COLORS.items():
        v = t[b].to_numpy(dtype=float)
        ax.barh(t["model"], v, left=left, color=color, edgecolor="white", label=_T.get(b, lang))
        for i, (x0, w) in enumerate(zip(left, v)):
            if w >= 2:
                ax.text(x0 + w / 2, i, f"{int(w)}", ha="center", va="center", fontsize=8, color="white")
        left += v
    for i, r in t.iterrows():
        cap = _T.get("capital", lang, wan=r["stock_capital"] / 1e4)
        mark = _T.get("slow_mark", lang) if bool(r["slow"]) else "  "
        ax.text(left[i], i, f"{mark}{cap}", va="center", fontsize=8.5,
                color="#c0392b" if bool(r["slow"]) else "#444444", fontweight="bold" if bool(r["slow"]) else None)
    ax.set_xlim(0, max(float(left.max()) if len(left) else 1.0, 1.0) * 1.35)
    ax.set_xlabel(_T.get("age_x", lang))
    ax.set_title(_T.get("age_title", lang))
    ax.legend(fontsize=8, loc="lower right", title=_T.get("age_legend", lang))
    return ax


@share_docs
def stock_days_vs_standard(
    stock: pd.DataFrame, *, standard_days: float = 45, ax: Axes | None = None, lang: str = "zh"
) -> Axes:
    """Stock depth (days of sales) per model against the standard and twice the standard.

    Parameters
    ----------
    stock : DataFrame
        One store's rows of :func:`dealerlab.policy.stock_by_model`.
    standard_days : float
        The standard depth (the rows must have been computed with the same value).
    %(ax_lang)s
    """
    ax = get_axes(ax, (8.5, 0.5 * max(len(stock), 3) + 1.6))
    t = stock.copy()
    days = t["stock_days"].replace([np.inf], np.nan)
    cap = float(np.nanmax(days.to_numpy())) if days.notna().any() else 2 * standard_days
    top = max(cap, 2 * standard_days) * 1.15
    t["shown"] = t["stock_days"].clip(upper=top).fillna(0)
    t = t.sort_values("shown").reset_index(drop=True)
    colors = [PALETTE[3] if d > 2 * standard_days else (PALETTE[1] if d > standard_days else PALETTE[0]) for d in t["shown"]]
    ax.barh(t["model"], t["shown"], color=colors)
    for i, r in t.iterrows():
        d = r["stock_days"]
        if np.isinf(d):
            txt = _T.get("no_sales", lang)
        elif pd.isna(d):
            txt = "—"
        else:
            over = r["stock_over_standard"]
            txt = _T.get("over" if over > 0 else "under", lang, d=d, n=abs(over))
        ax.text(r["shown"], i, txt, va="center", fontsize=8.5)
    ax.axvline(standard_days, color="#333333", ls="--", lw=1)
    ax.axvline(2 * standard_days, color=PALETTE[3], ls=":", lw=1)
    ax.text(standard_days, len(t) - 0.4, _T.get("standard", lang, d=standard_days), fontsize=8, va="bottom")
    ax.text(2 * standard_days, len(t) - 0.4, _T.get("slow_line", lang), fontsize=8, va="bottom", color=PALETTE[3])
    ax.set_xlim(0, top * 1.45)
    ax.set_ylim(-0.6, len(t) + 0.2)
    ax.set_xlabel(_T.get("days_x", lang))
    ax.set_title(_T.get("days_title", lang))
    return ax


@share_docs
def rebate_ladder(curve: pd.DataFrame, ladder: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """The month's total rebate against units sold: the cliffs, where the store stands and what the next tier is worth.

    Parameters
    ----------
    curve : DataFrame
        :func:`dealerlab.policy.rebate_curve` (units, rebate_total, is_now).
    ladder : DataFrame
        :func:`dealerlab.policy.cliff` of the same store and month.
    %(ax_lang)s
    """
    ax = get_axes(ax, (9, 5))
    ax.step(curve["units"], curve["rebate_total"] / 1e4, where="post", color=PALETTE[0], lw=2,
            label=_T.get("rebate_total", lang))
    for _, r in ladder.iterrows():
        ax.axvline(r["units_at_tier"], color="#bbbbbb", lw=0.8, ls=":")
        ax.text(r["units_at_tier"], float(curve["rebate_total"].max()) / 1e4 * 0.02,
                _T.get("tier", lang, t=r["threshold"], u=int(r["units_at_tier"])),
                ha="center", va="bottom", fontsize=8, color="#666666")
    now = curve[curve["is_now"]]
    if len(now):
        x0, y0 = float(now["units"].iloc[0]), float(now["rebate_total"].iloc[0]) / 1e4
        ax.scatter([x0], [y0], s=80, color=PALETTE[3], zorder=5)
        ax.annotate(_T.get("now", lang, u=int(x0)), (x0, y0), xytext=(-10, -28),
                    textcoords="offset points", ha="right", fontsize=9, color=PALETTE[3])
        nxt = ladder[ladder["is_next"]]
        if len(nxt):
            n = nxt.iloc[0]
            x1 = float(n["units_at_tier"])
            y1 = float(n["rebate_total"]) / 1e4
            ax.annotate("", (x1, y1), xytext=(x0, y0), arrowprops=dict(arrowstyle="->", color=PALETTE[2], lw=1.5))
            text = _T.get("next", lang, n=int(n["units_needed"]), wan=n["gain"] / 1e4, gain=n["gain"],
                          d=n["breakeven_discount"])
            ax.annotate(text, (x1, y1), xytext=(-6, 22), textcoords="offset points", fontsize=9.5, va="bottom",
                        ha="right", color=PALETTE[2], fontweight="bold",
                        bbox=dict(boxstyle="round,pad=0.3", fc="white", ec=PALETTE[2], lw=0.8))
    ax.set_ylim(0, float(curve["rebate_total"].max()) / 1e4 * 1.25 + 1)
    ax.set_xlabel(_T.get("units_sold", lang))
    ax.set_ylabel(_T.get("rebate_y", lang))
    ax.set_title(_T.get("ladder_title", lang))
    return ax


@share_docs
def gross_per_unit_stack(
    parts: pd.DataFrame, *, by: str = "store_id", ax: Axes | None = None, lang: str = "zh"
) -> Axes:
    """综合单车毛利 stacked: vehicle gross + add-on gross + rebates per unit, with the total on top.

    Parameters
    ----------
    parts : DataFrame
        :func:`dealerlab.policy.gross_per_unit_parts` (one row per bar).
    by : str
        The column labelling the bars (``store_id`` or ``period``).
    %(ax_lang)s
    """
    ax = get_axes(ax, (max(5.5, 0.7 * len(parts) + 3), 4.8))
    labels = parts[by].astype(str).tolist()
    x = np.arange(len(parts))
    bottom = np.zeros(len(parts))
    for col, color in zip(("vehicle", "addon", "rebate"), (PALETTE[0], PALETTE[1], PALETTE[2])):
        v = parts[col].fillna(0).to_numpy(dtype=float)
        ax.bar(x, v, bottom=bottom, color=color, label=_T.get(col, lang), width=0.6)
        bottom += v
    for i, tot in enumerate(parts["total"]):
        txt = f"{tot:,.0f}" if pd.notna(tot) else _T.get("no_rebates", lang)
        ax.text(i, bottom[i], txt, ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.set_xticks(x, labels, rotation=0 if len(labels) <= 6 else 45)
    ax.set_ylim(0, float(bottom.max()) * 1.18 if len(bottom) else 1)
    ax.set_ylabel(_T.get("per_unit", lang))
    ax.set_title(_T.get("gross_title", lang))
    ax.legend(fontsize=8, loc="upper left", ncol=3)
    return ax
