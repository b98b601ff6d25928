"""Charts of course module 7 (pay, people, value). Drawing only: inputs are the tables of :mod:`dealerlab.pay` and
:mod:`dealerlab.pay.value`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from dealerlab._docstrings import share_docs
from dealerlab.i18n import Catalogue
from dealerlab.plots.style import PALETTE, STATUS_COLORS, get_axes

__all__ = ["bonus_waterfall", "team_pool", "units_vs_lines", "value_tree", "driver_tree"]

_T = Catalogue.load("plots/pay")


def bonus_waterfall(row: pd.Series | dict, *, cap: float = 1.2, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """How one consultant's bonus is built: 总绩效 → × individual achievement → × team achievement = bonus.

    ``row`` has ``base, individual, team`` (a row of :func:`dealerlab.pay.bonus_table`)."""
    ax = get_axes(ax, (8, 4.5))
    base = float(row["base"])
    ind = min(float(row["individual"]), cap)
    team = min(float(row["team"]), cap)
    after_ind = base * ind
    final = after_ind * team
    labels = [_T.get("base", lang), _T.get("individual", lang, a=ind), _T.get("team", lang, a=team),
              _T.get("bonus", lang)]
    starts = [0, min(base, after_ind), min(after_ind, final), 0]
    heights = [base, abs(after_ind - base), abs(final - after_ind), final]
    colors = [PALETTE[0], STATUS_COLORS["good"] if after_ind >= base else STATUS_COLORS["bad"],
              STATUS_COLORS["good"] if final >= after_ind else STATUS_COLORS["bad"], PALETTE[1]]
    ax.bar(labels, heights, bottom=starts, color=colors, width=0.6)
    for i, (s, h) in enumerate(zip(starts, heights)):
        value = [base, after_ind - base, final - after_ind, final][i]
        ax.text(i, s + h + base * 0.02, f"{value:+,.0f}" if i in (1, 2) else f"{value:,.0f}", ha="center", va="bottom", fontsize=10)
    ax.set_ylabel(_T.get("yuan", lang))
    ax.set_title(_T.get("bonus_title", lang))
    ax.set_ylim(0, max(base, after_ind, final) * 1.18)
    return ax


def team_pool(table: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """A team's year: achievement per month (bars, green hit / red miss), the pool after each month (line) and
    payouts (dots). ``table`` is one store's rows of :func:`dealerlab.pay.team_reward_table`."""
    ax = get_axes(ax, (9, 4.5))
    t = table.reset_index(drop=True)
    x = np.arange(len(t))
    ach = t["actual"] / t["target"]
    ax.bar(x, ach, color=[STATUS_COLORS["good"] if h else STATUS_COLORS["bad"] for h in t["hit"]], alpha=0.8,
           label=_T.get("achievement_bar", lang))
    ax.axhline(1.0, color="#333", lw=1, ls="--")
    ax.set_ylabel(_T.get("achievement", lang))
    ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xticks(x, t["period"], rotation=45, ha="right")
    ax2 = ax.twinx()
    ax2.plot(x, t["pool_after"], color=PALETTE[1], marker="o", label=_T.get("pool", lang))
    ax2.scatter(x, t["paid"], color=PALETTE[0], marker="D", zorder=3, label=_T.get("paid", lang))
    ax2.set_ylabel(_T.get("yuan", lang))
    ax2.set_ylim(0, max(float(t["pool_after"].max()), float(t["paid"].max()), 1) * 1.25)
    ax2.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=9)
    ax.set_title(_T.get("pool_title", lang))
    return ax


def units_vs_lines(units: pd.DataFrame, *, names: dict | None = None, quarterly_line: float = 12, monthly_line: float = 10,
                   ax: Axes | None = None, lang: str = "zh") -> Axes:
    """Mean monthly units per consultant (bars, sorted) against the 12 (quarter) and 10 (month) lines.

    ``units`` has ``staff_id, units`` (one row per month); ``names`` maps staff_id → display name."""
    ax = get_axes(ax, (9, 4.5))
    mean = units.groupby("staff_id")["units"].mean().sort_values(ascending=False)
    labels = [str((names or {}).get(s, s)) for s in mean.index]
    colors = [STATUS_COLORS["bad"] if v < monthly_line else STATUS_COLORS["watch"] if v < quarterly_line else STATUS_COLORS["good"]
              for v in mean]
    ax.bar(labels, mean.values, color=colors)
    ax.axhline(quarterly_line, color=STATUS_COLORS["watch"], ls="--", lw=1.5,
               label=_T.get("quarterly_line", lang, n=quarterly_line))
    ax.axhline(monthly_line, color=STATUS_COLORS["bad"], ls=":", lw=1.5,
               label=_T.get("monthly_line", lang, n=monthly_line))
    ax.set_ylabel(_T.get("units_y", lang))
    ax.tick_params(axis="x", rotation=45)
    for lbl in ax.get_xticklabels():
        lbl.set_ha("right")
    ax.legend(fontsize=9)
    ax.set_title(_T.get("units_title", lang))
    return ax


def value_tree(tree: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """The EVA value tree (from :func:`dealerlab.pay.value.value_tree`) drawn left to right: EVA ← NOPAT/capital charge ← drivers."""
    ax = get_axes(ax, (10, 5))
    pos = {
        "eva": (0.05, 0.5), "nopat": (0.38, 0.75), "capital_charge": (0.38, 0.22),
        "operating_profit": (0.68, 0.88), "after_tax": (0.68, 0.62),
        "revenue": (0.93, 0.95), "operating_cost": (0.93, 0.8),
        "invested_capital": (0.68, 0.32), "capital_cost_rate": (0.68, 0.1),
    }
    rates = {"after_tax", "capital_cost_rate"}
    nodes = tree.set_index("node")
    for node, row in nodes.iterrows():
        if pd.notna(row["parent"]):
            x0, y0 = pos[row["parent"]]
            x1, y1 = pos[node]
            ax.plot([x0 + 0.06, x1 - 0.06], [y0, y1], color="#9aa5b1", lw=1.2, zorder=1)
    for node, row in nodes.iterrows():
        x, y = pos[node]
        v = row["value"]
        text = f"{v:.1%}" if node in rates else _T.get("money", lang, wan=v / 1e4, m=v / 1e6)
        color = PALETTE[0] if node == "eva" else "#f0f4f8"
        ax.text(x, y, f"{row['label']}\n{text}", ha="center", va="center", fontsize=9.5,
                color="white" if node == "eva" else "#102a43",
                bbox=dict(boxstyle="round,pad=0.4", fc=color, ec="#0173b2"), zorder=2)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(0, 1.05)
    ax.axis("off")
    ax.set_title(_T.get("tree_title", lang))
    return ax


@share_docs
def driver_tree(tree: pd.DataFrame, *, highlight=(), ax: Axes | None = None, lang: str = "zh") -> Axes:
    """The value-driver tree of :func:`dealerlab.pay.value.driver_tree`, EVA on the left, the drivers (price, units, unit
    cost, expenses, inventory, receivables, fixed capital) on the right; ``highlight`` nodes are drawn in orange.

    Parameters
    ----------
    tree : DataFrame
        ``node, parent, label, value``.
    highlight : iterable of str
        Node ids to emphasise (e.g. the levers of a what-if).
    %(ax_lang)s
    """
    ax = get_axes(ax, (12, 6.5))
    parent = dict(zip(tree["node"], tree["parent"]))
    children: dict = {}
    for n, p in parent.items():
        if pd.notna(p):
            children.setdefault(p, []).append(n)
    root = next(n for n, p in parent.items() if pd.isna(p))
    depth, ypos, leaves = {}, {}, []

    def walk(n, d):
        depth[n] = d
        kids = children.get(n, [])
        for k in kids:
            walk(k, d + 1)
        if not kids:
            leaves.append(n)
            ypos[n] = -len(leaves)
        else:
            ypos[n] = sum(ypos[k] for k in kids) / len(kids)

    walk(root, 0)
    maxd = max(depth.values()) or 1
    highlight = set(highlight)
    rows = tree.set_index("node")
    for n, p in parent.items():
        if pd.notna(p):
            ax.plot([depth[p] / maxd, depth[n] / maxd], [ypos[p], ypos[n]], color="#9aa5b1", lw=1.2, zorder=1)
    for n in parent:
        v = float(rows.loc[n, "value"])
        if n in ("price", "unit_cost"):
            text = _T.get("node_yuan", lang, v=v)
        elif n == "units":
            text = _T.get("node_units", lang, v=v)
        else:
            text = _T.get("money", lang, wan=v / 1e4, m=v / 1e6)
        fc = PALETTE[0] if n == root else (PALETTE[1] if n in highlight else "#f0f4f8")
        ax.text(depth[n] / maxd, ypos[n], f"{rows.loc[n, 'label']}\n{text}", ha="center", va="center", fontsize=9,
                color="white" if n == root else "#102a43", zorder=2,
                bbox=dict(boxstyle="round,pad=0.35", fc=fc, ec="#0173b2"))
    ax.set_xlim(-0.12, 1.12)
    ax.set_ylim(-len(leaves) - 0.7, 0.3)
    ax.axis("off")
    ax.set_title(_T.get("driver_title", lang))
    return ax
