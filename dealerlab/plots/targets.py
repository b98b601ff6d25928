"""Charts of course module 1 (targets): the daily progress board (看板), the decomposition waterfall, the
amount-vs-rate quadrant scatter and the weekly rebalancing bars.

Drawing only: every function takes a table from :mod:`dealerlab.targets` and an optional ``ax``, and returns the
Axes. Call :func:`dealerlab.plots.set_style` first so Chinese labels render.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from dealerlab._docstrings import share_docs
from dealerlab._options import check_lang
from dealerlab.i18n import Catalogue
from dealerlab.plots.style import PALETTE, STATUS_COLORS, get_axes
from dealerlab.targets.achievement import QUADRANTS

__all__ = ["plot_progress_board", "plot_decomposition", "plot_tree", "plot_amount_rate", "plot_rebalance"]

_T = Catalogue.load("plots/targets")


def _fmt(v) -> str:
    if pd.isna(v):
        return "–"
    v = float(v)
    if abs(v) >= 10000:
        return _T.get("wan", number=f"{v / 10000:.2f}".rstrip("0").rstrip("."))
    return f"{v:.0f}" if v.is_integer() else f"{v:.1f}"


@share_docs
def plot_progress_board(
    table: pd.DataFrame,
    *,
    label: str = "staff_id",
    actual: str = "actual",
    target: str = "target",
    rate: str = "achievement",
    time_progress: str = "time_progress",
    title: str | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
) -> Axes:
    """The daily progress board (每日看板): per consultant, achievement bars against the time-progress line.

    Each row shows a grey bar for the month target (100 %), a coloured bar for the achievement so far (green when at
    or past the time-progress line, red when behind, grey when there is no target) and the text
    ``actual / target (rate)``.

    Parameters
    ----------
    table : DataFrame
        One row per consultant, e.g. ``achievement(ds, period=..., by_staff=True)`` for one store.
    label : str
        Column naming each row (``staff_id``; pass a column of masked names for a wall board).
    actual, target, rate, time_progress : str
        Column names.
    title : str, optional
        Axes title (default 销售顾问日业绩进度看板).
    %(ax_lang)s
    """
    check_lang(lang)
    t = table.reset_index(drop=True)
    n = len(t)
    ax = get_axes(ax, (8, max(2.5, 0.55 * n + 1.5)))
    y = np.arange(n)[::-1]
    rates = t[rate].astype(float).to_numpy()
    tp = float(t[time_progress].iloc[0]) if n else float("nan")
    colors = [
        STATUS_COLORS["na"] if np.isnan(r) else (STATUS_COLORS["good"] if r >= tp - 1e-12 else STATUS_COLORS["bad"]) for r in rates
    ]
    ax.barh(y, np.ones(n), color="#e6e6e6", height=0.7, zorder=1)
    ax.barh(y, np.nan_to_num(rates), color=colors, height=0.45, zorder=2)
    right = max(1.0, np.nanmax(rates) if n and not np.all(np.isnan(rates)) else 1.0)
    for yi, (_, row), r in zip(y, t.iterrows(), rates):
        text = (
            f"{_fmt(row[actual])} / {_fmt(row[target])}  ({r:.0%})" if not np.isnan(r) else f"{_fmt(row[actual])} · {_T.get('no_target', lang)}"
        )
        ax.text(max(np.nan_to_num(r), 1.0) + 0.02 * right, yi, text, va="center", fontsize=9, zorder=3)
    if not np.isnan(tp):
        ax.axvline(tp, color="#333333", linestyle="--", linewidth=1.3, zorder=4)
        ax.text(tp, n - 0.45, _T.get("time_line", lang, tp=tp), ha="center", va="bottom", fontsize=9, color="#333333",
                bbox={"facecolor": "white", "edgecolor": "#333333", "boxstyle": "round,pad=0.25"}, zorder=5)
    ax.set_yticks(y, [str(v) for v in t[label]])
    ax.set_xlim(0, right * 1.38)
    ax.set_ylim(-0.6, n - 0.1 + 0.5)
    ax.xaxis.set_major_formatter(_percent())
    ax.set_xlabel(_T.get("x_ach", lang))
    ax.set_title(title if title is not None else _T.get("board_title", lang))
    ax.grid(axis="y", visible=False)
    return ax


def _percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


@share_docs
def plot_decomposition(
    table: pd.DataFrame,
    *,
    label: str = "period",
    value: str = "target",
    total_label: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
) -> Axes:
    """Waterfall of a decomposition: each part stacked on the previous ones, then the total.

    Parameters
    ----------
    table : DataFrame
        One row per part, e.g. :func:`~dealerlab.targets.split_year` (period, target) or one layer of
        :func:`~dealerlab.targets.onion_peel`.
    label : str
        Column naming each part.
    value : str
        Column with the part's value.
    total_label : str, optional
        Name of the total bar (default 合计).
    title : str, optional
        Axes title (default 目标分解).
    %(ax_lang)s
    """
    check_lang(lang)
    vals = table[value].astype(float).to_numpy()
    labels = [str(v) for v in table[label]]
    n = len(vals)
    ax = get_axes(ax, (max(6, 0.7 * (n + 1) + 2), 4.5))
    starts = np.concatenate([[0.0], np.cumsum(vals)[:-1]])
    x = np.arange(n)
    ax.bar(x, vals, bottom=starts, color=PALETTE[0], width=0.7)
    total = float(vals.sum())
    ax.bar([n], [total], color=PALETTE[2], width=0.7)
    for xi, s, v in zip(x, starts, vals):
        ax.text(xi, s + v + total * 0.01, _fmt(v), ha="center", va="bottom", fontsize=8)
    ax.text(n, total * 1.01, _fmt(total), ha="center", va="bottom", fontsize=9, fontweight="bold")
    for xi in range(n):  # connectors
        top = starts[xi] + vals[xi]
        ax.plot([xi + 0.35, xi + 0.65], [top, top], color="#888888", linewidth=0.8)
    ax.set_xticks(list(x) + [n], labels + [total_label or _T.get("total", lang)], rotation=45 if n > 6 else 0, ha="right" if n > 6 else "center")
    ax.set_ylim(0, total * 1.1 if total > 0 else 1)
    ax.set_title(title if title is not None else _T.get("decomp_title", lang))
    ax.grid(axis="x", visible=False)
    return ax


@share_docs
def plot_tree(layers, *, total_label: str | None = None, min_label_share: float = 0.01, title: str | None = None, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """The decomposition tree as an icicle chart: one row per level, each box as wide as its target, children
    directly under their parent (多杈树 / 剥洋葱).

    Parameters
    ----------
    layers : list of DataFrame
        :func:`~dealerlab.targets.onion_peel` output (each table: ``level``, the key columns, ``target``).
    total_label : str, optional
        Label of the top box (default 合计).
    min_label_share : float
        Boxes narrower than this share of the total get no label (too small to read).
    title : str, optional
        Axes title (default 目标分解树).
    %(ax_lang)s
    """
    check_lang(lang)
    n_levels = len(layers)
    ax = get_axes(ax, (10, 1.1 * (n_levels + 1) + 0.8))
    total = float(layers[0]["target"].sum()) if n_levels else 0.0
    scale = total if total > 0 else 1.0

    from matplotlib.patches import Rectangle

    ax.set_xlim(0, scale)
    ax.set_ylim(-(n_levels + 1) - 0.05, 0.05)
    renderer = ax.figure.canvas.get_renderer()

    def box(x0, width, row, name, value, color):
        ax.add_patch(Rectangle((x0, -row - 0.9), width, 0.9, facecolor=color, edgecolor="white", linewidth=1.5))
        if width / scale < min_label_share:
            return
        px = abs(ax.transData.transform((x0 + width, 0))[0] - ax.transData.transform((x0, 0))[0])
        short = name.rsplit("-", 1)[-1]
        for text in (f"{name}\n{_fmt(value)}", f"{short}\n{_fmt(value)}", _fmt(value)):
            t = ax.text(x0 + width / 2, -row - 0.45, text, ha="center", va="center", fontsize=8, color="white",
                        fontweight="bold", clip_on=True)
            if t.get_window_extent(renderer).width <= px - 4:
                return
            t.remove()

    box(0.0, scale, 0, total_label or _T.get("total", lang), total, "#555555")
    starts: dict = {(): 0.0}
    for depth, layer in enumerate(layers, start=1):
        keys = [c for c in layer.columns if c not in ("level", "target", "share")][: depth]
        # the weight column (summed) follows the keys in onion_peel's output; keep only the first ``depth`` keys
        cursor: dict = {}
        color = PALETTE[(depth - 1) % len(PALETTE)]
        for _, row in layer.iterrows():
            path = tuple(row[k] for k in keys)
            parent = path[:-1]
            x0 = cursor.get(parent, starts.get(parent, 0.0))
            width = float(row["target"])
            box(x0, width, depth, str(path[-1]), width, color)
            starts[path] = x0
            cursor[parent] = x0 + width
    ax.set_yticks([-r - 0.45 for r in range(n_levels + 1)],
                  [total_label or _T.get("total", lang)] + [str([c for c in lay.columns if c not in ("level", "target", "share")][d]) for d, lay in enumerate(layers)])
    ax.set_xticks([])
    ax.grid(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(title if title is not None else _T.get("tree_title", lang))
    return ax


@share_docs
def plot_amount_rate(
    matrix: pd.DataFrame,
    *,
    amount: str = "actual",
    rate: str = "achievement",
    label: str = "staff_id",
    title: str | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
) -> Axes:
    """The amount-vs-rate quadrant scatter (seed 002) with the team-median lines and quadrant names.

    Parameters
    ----------
    matrix : DataFrame
        :func:`~dealerlab.targets.amount_rate_matrix` output for one team (columns ``amount_median``,
        ``rate_median``, ``quadrant``).
    amount, rate, label : str
        Column names.
    title : str, optional
        Axes title (default 达成额 × 达成率).
    %(ax_lang)s
    """
    check_lang(lang)

    ax = get_axes(ax, (7.5, 5.5))
    m = matrix[matrix["quadrant"].notna()].reset_index(drop=True)
    colors = {"star": STATUS_COLORS["good"], "leader_below_target": PALETTE[1], "low_target": PALETTE[0], "high_target": STATUS_COLORS["watch"], "coach": STATUS_COLORS["bad"]}
    xs = m[amount].astype(float).to_numpy()
    ys = m[rate].astype(float).to_numpy()
    ax.scatter(xs, ys, c=[colors[q] for q in m["quadrant"]], s=70, zorder=3, edgecolor="white")
    if len(m):
        mx, my = float(m["amount_median"].iloc[0]), float(m["rate_median"].iloc[0])
        ax.axvline(mx, color="#555555", linestyle="--", linewidth=1)
        ax.axhline(my, color="#555555", linestyle="--", linewidth=1)
        x_lo, x_hi = min(xs.min(), mx), max(xs.max(), mx)
        y_lo, y_hi = min(ys.min(), my), max(ys.max(), my)
        px, py = (x_hi - x_lo) * 0.15 + 1e-9, (y_hi - y_lo) * 0.22 + 1e-9
        ax.set_xlim(x_lo - px, x_hi + px)
        ax.set_ylim(y_lo - py, y_hi + py)
        i = 0 if lang == "zh" else 2
        corners = {
            "star": (0.98, 0.98, "right", "top"),
            "low_target": (0.02, 0.98, "left", "top"),
            "high_target": (0.98, 0.02, "right", "bottom"),
            "coach": (0.02, 0.02, "left", "bottom"),
        }
        for q, (cx, cy, ha, va) in corners.items():
            ax.text(cx, cy, QUADRANTS[q][i], transform=ax.transAxes, ha=ha, va=va, fontsize=9, color=colors[q],
                    fontweight="bold", bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1.5})
    ax.yaxis.set_major_formatter(_percent())
    ax.set_xlabel(_T.get("x_amount", lang))
    ax.set_ylabel(_T.get("y_rate", lang))
    ax.set_title(title if title is not None else _T.get("quad_title", lang))
    _place_labels(ax, xs, ys, [str(v) for v in m[label]])  # after the limits: positions depend on them
    return ax


def _place_labels(ax, xs, ys, labels) -> None:
    """Annotate points, trying a few offsets per label so that labels do not overlap each other (greedy)."""
    if not len(labels):
        return
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    candidates = [(5, 4, "left", "bottom"), (5, -4, "left", "top"), (-5, 4, "right", "bottom"), (-5, -4, "right", "top"),
                  (0, 8, "center", "bottom"), (0, -8, "center", "top")]
    placed = []
    order = np.argsort(-np.asarray(ys, dtype=float), kind="stable")
    for i in order:
        best = None
        for dx, dy, ha, va in candidates:
            t = ax.annotate(labels[i], (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points", fontsize=8, ha=ha, va=va,
                            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5})
            bb = t.get_window_extent(renderer).expanded(1.05, 1.1)
            if not any(bb.overlaps(o) for o in placed):
                best = (t, bb)
                break
            t.remove()
        if best is None:  # every spot taken: keep the first choice
            t = ax.annotate(labels[i], (xs[i], ys[i]), xytext=(5, 4), textcoords="offset points", fontsize=8)
            best = (t, t.get_window_extent(renderer))
        placed.append(best[1])


@share_docs
def plot_rebalance(table: pd.DataFrame, *, after_week: int | None = None, title: str | None = None, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """Bars of the original weekly plan, the re-planned targets after week k and the actuals.

    Parameters
    ----------
    table : DataFrame
        :func:`~dealerlab.targets.rebalance_weeks` output.
    after_week : int, optional
        Which re-plan to show (default the latest).
    title : str, optional
        Axes title (default 周目标调整).
    %(ax_lang)s
    """
    check_lang(lang)
    k = int(table["after_week"].max()) if after_week is None else int(after_week)
    t = table[table["after_week"] == k].reset_index(drop=True)
    ax = get_axes(ax, (7, 4.2))
    x = np.arange(len(t))
    w = 0.27
    ax.bar(x - w, t["plan"], width=w, color="#bbbbbb", label=_T.get("plan", lang))
    ax.bar(x, t["target"], width=w, color=PALETTE[0], label=_T.get("new", lang))
    act = t["actual"].astype(float)
    ax.bar(x + w, act.fillna(0), width=w, color=PALETTE[2], label=_T.get("actual", lang))
    top = float(np.nanmax([t["plan"].max(), t["target"].max(), act.max() if act.notna().any() else 0]))
    for xi, v in zip(x, t["target"]):
        ax.text(xi, v + top * 0.01, _fmt(v), ha="center", va="bottom", fontsize=8)
    for xi, v in zip(x, act):
        if not np.isnan(v):
            ax.text(xi + w, v + top * 0.01, _fmt(v), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, [_T.get("week", lang, w=int(v)) for v in t["week"]])
    ax.set_ylim(0, top * 1.18)
    ax.legend(loc="upper center", ncol=3, frameon=False, bbox_to_anchor=(0.5, -0.08))
    ax.set_title(title if title is not None else _T.get("reb_title", lang))
    ax.grid(axis="x", visible=False)
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _fmt(v)))
    return ax
