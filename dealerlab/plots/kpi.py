"""Charts of course module 2 (KPI design): weights by BSC perspective, an owner's scorecard.

Drawing only: the tables come from :mod:`dealerlab.kpi`. Call :func:`dealerlab.plots.set_style` first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from dealerlab._docstrings import share_docs
from dealerlab._options import check_lang
from dealerlab.i18n import Catalogue
from dealerlab.kpi.card import cards_to_frame
from dealerlab.plots.style import PALETTE, STATUS_COLORS, get_axes

__all__ = ["plot_perspective_weights", "plot_scorecard", "plot_link_matrix", "PERSPECTIVE_COLORS"]

#: one colour per balanced-scorecard perspective
PERSPECTIVE_COLORS = {"财务": PALETTE[0], "客户": PALETTE[1], "内部流程": PALETTE[2], "学习与成长": PALETTE[4]}

_MSG = Catalogue.load("plots/kpi")


def _frame(cards) -> pd.DataFrame:
    if isinstance(cards, pd.DataFrame):
        return cards

    return cards_to_frame(list(cards))


def _fmt(value: float, like: float, lang: str = "zh") -> str:
    """A value in the style of its target: percent for rates, 万 (k in English) for money, plain for counts."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(like) <= 1.5 and abs(value) <= 15:
        return f"{value:.1%}"
    if abs(like) >= 10_000:
        return _MSG.get("money", lang, wan=value / 10_000, k=value / 1_000)
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


@share_docs
def plot_perspective_weights(
    cards,
    *,
    owner: str = "owner",
    perspective: str = "perspective",
    weight: str = "weight",
    owners: Iterable[str] | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
) -> Axes:
    """Stacked horizontal bars: for each owner, the share of the weights in each BSC perspective.

    Parameters
    ----------
    cards : list of KpiCard or DataFrame
        Cards, or a table with one row per card holding ``owner``, ``perspective`` and ``weight``.
    owner, perspective, weight : str
        Column names.
    owners : iterable of str, optional
        Owners to show, in order (default all, in order of appearance).
    %(ax_lang)s
    """
    check_lang(lang)
    frame = _frame(cards)
    order = list(owners) if owners is not None else list(dict.fromkeys(frame[owner]))
    table = (
        frame.assign(**{weight: pd.to_numeric(frame[weight], errors="coerce")})
        .pivot_table(index=owner, columns=perspective, values=weight, aggfunc="sum", fill_value=0.0)
        .reindex(index=order, columns=list(PERSPECTIVE_COLORS), fill_value=0.0)
        .fillna(0.0)
    )
    ax = get_axes(ax, (9, 0.6 * len(order) + 1.8))
    names = dict(zip(PERSPECTIVE_COLORS, _MSG.get("perspectives", lang).split("|")))
    y = np.arange(len(order))[::-1]
    left = np.zeros(len(order))
    for p, color in PERSPECTIVE_COLORS.items():
        vals = table[p].to_numpy(dtype=float)
        ax.barh(y, vals, left=left, color=color, height=0.6, label=names[p], edgecolor="white")
        for yi, lv, v in zip(y, left, vals):
            if v >= 0.06:
                ax.text(lv + v / 2, yi, f"{v:.0%}", ha="center", va="center", color="white", fontsize=9)
        left += vals
    for yi, total in zip(y, left):
        if abs(total - 1) > 0.005:
            ax.text(
                total + 0.01,
                yi,
                _MSG.get("sum_off", lang, total=total),
                va="center",
                fontsize=9,
                color=STATUS_COLORS["bad"],
            )
    ax.set_yticks(y, [str(o) for o in order])
    ax.set_xlim(0, max(1.0, float(left.max()) if len(left) else 1.0) + 0.12)
    ax.xaxis.set_major_formatter(_percent_formatter())
    ax.set_xlabel(_MSG.get("weight", lang))
    ax.set_title(_MSG.get("weights_title", lang))
    ax.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.18 if len(order) > 3 else -0.3), frameon=False)
    ax.grid(axis="y", visible=False)
    return ax


def _percent_formatter():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=0)


def plot_scorecard(scored: pd.DataFrame, *, owner: str | None = None, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """An owner's scorecard: one bar per card, achievement against the target line and the stretch cap.

    Parameters
    ----------
    scored : DataFrame
        The output of :func:`dealerlab.kpi.score_cards` (``name, owner, weight, target, stretch, actual, cap, rate,
        score, reason``).
    owner : str, optional
        Draw only this owner's cards (default: all rows; the title names the first owner).
    ax : matplotlib Axes, optional
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib Axes
        Bars: green at or above target, orange from 80%, red below 80%; a dark tick marks each card's cap
        (stretch ÷ target), the dashed line 100%. A card without data shows its reason instead of a bar.
    """
    check_lang(lang)
    frame = scored if owner is None else scored[scored["owner"] == owner]
    frame = frame.reset_index(drop=True)
    n = len(frame)
    ax = get_axes(ax, (10, 0.75 * n + 1.8))
    y = np.arange(n)[::-1]
    rates = frame["rate"].to_numpy(dtype=float)
    caps = frame["cap"].to_numpy(dtype=float)
    colors = [
        STATUS_COLORS["na"]
        if math.isnan(r)
        else STATUS_COLORS["good"]
        if r >= 1
        else STATUS_COLORS["watch"]
        if r >= 0.8
        else STATUS_COLORS["bad"]
        for r in rates
    ]
    ax.barh(y, np.nan_to_num(rates), color=colors, height=0.55, zorder=2)
    ax.scatter(caps, y, marker="|", s=600, color="#333333", linewidths=2.2, zorder=3, label=_MSG.get("stretch", lang))
    ax.axvline(1.0, color="#333333", linestyle="--", linewidth=1.2, zorder=1, label=_MSG.get("target", lang))
    xmax = float(np.nanmax(np.concatenate([caps, rates, [1.0]]))) if n else 1.0
    for yi, rec in zip(y, frame.itertuples(index=False)):
        if math.isnan(rec.rate):
            ax.text(
                0.02,
                yi,
                _MSG.get("na", lang, reason=rec.reason or "—"),
                va="center",
                fontsize=9,
                color="#555555",
                bbox={"facecolor": "white", "edgecolor": "#bbbbbb", "boxstyle": "round,pad=0.3"},
                zorder=4,
            )
            continue
        text = _MSG.get(
            "label",
            lang,
            actual=_fmt(rec.actual, rec.target, lang),
            target=_fmt(rec.target, rec.target, lang),
            rate=f"{rec.rate:.0%}",
            score=f"{rec.score:.2f}",
        )
        ax.text(xmax + 0.1, yi, text, va="center", fontsize=9)
    labels = [
        _MSG.get("weighted", lang, name=r.name, weight=r.weight)
        for r in frame.itertuples(index=False)
    ]
    ax.set_yticks(y, labels)
    ax.set_xlim(0, xmax + 0.1 + max(1.1, xmax * 0.9))
    ax.set_xticks([t for t in np.arange(0, xmax + 0.25, 0.25)])
    ax.xaxis.set_major_formatter(_percent_formatter())
    ax.set_xlabel(_MSG.get("achievement", lang))
    who = str(frame["owner"].iloc[0]) if n else ""
    total = frame["score"].sum(min_count=1) if n else math.nan
    ax.set_title(
        _MSG.get("card_title", lang, owner=who, score="—" if pd.isna(total) else f"{total:.2f}"), loc="left", pad=12
    )
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False, fontsize=9)
    ax.grid(axis="y", visible=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


@share_docs
def plot_link_matrix(matrix: pd.DataFrame, *, only_shared: bool = False, ax: Axes | None = None,
                     lang: str = "zh") -> Axes:
    """The KPI × scorecard link matrix as a grid: a filled cell = the scorecard carries the KPI (its weight written).

    Parameters
    ----------
    matrix : DataFrame
        :func:`dealerlab.kpi.design.link_matrix` (KPI names as index, one weight column per scorecard, ``n_sets``,
        ``shared``).
    only_shared : bool
        Draw only the KPIs on two or more scorecards.
    %(ax_lang)s
    """
    check_lang(lang)
    table = matrix[matrix["shared"]] if only_shared else matrix
    cols = [c for c in table.columns if c not in ("n_sets", "shared")]
    vals = table[cols].to_numpy(dtype=float)
    ax = get_axes(ax, (1.2 * len(cols) + 3.5, 0.38 * len(table) + 1.6))
    shared = table["shared"].to_numpy()
    for i in range(len(table)):
        for j in range(len(cols)):
            v = vals[i, j]
            if v > 0:
                color = PALETTE[1] if shared[i] else PALETTE[0]
                ax.add_patch(_rectangle((j - 0.45, i - 0.4), 0.9, 0.8, color=color, alpha=0.35 + 0.6 * min(v / 0.3, 1)))
                ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=9, color="white" if v >= 0.15 else "black")
    for i, n in enumerate(table["n_sets"]):
        ax.text(len(cols) - 0.3, i, f"{int(n)}", ha="left", va="center", fontsize=9,
                color=STATUS_COLORS["bad"] if n >= 2 else "grey")
    ax.set_xlim(-0.6, len(cols) + 0.2)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xticks(list(range(len(cols))) + [len(cols) - 0.1], [str(c) for c in cols] + [_MSG.get("n_sets", lang)])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(table)), [str(k) for k in table.index])
    ax.grid(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(_MSG.get("link_title", lang), pad=28)
    return ax


def _rectangle(xy, width, height, **kw):
    """A matplotlib Rectangle (imported lazily: nothing is imported from matplotlib at module import here)."""
    from matplotlib.patches import Rectangle

    return Rectangle(xy, width, height, **kw)
