"""Charts of course module 5 (customer satisfaction): IPA map, gap bars, RATER radar, index trend, complaint Pareto.

Drawing only: every function takes a table computed by :mod:`dealerlab.csi` and an optional ``ax``, and returns the
Axes. Call :func:`dealerlab.plots.style.set_style` first so Chinese labels render.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from dealerlab._options import check_lang
from dealerlab.csi import QUADRANTS, RATER, label
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue
from dealerlab.plots.style import PALETTE, STATUS_COLORS, get_axes

__all__ = ["ipa_map", "gap_bars", "rater_radar", "index_trend", "complaint_pareto"]

_T = Catalogue.load("plots/csi")


def _one_group(table: pd.DataFrame, what: str) -> None:
    keys = [c for c in ("store_id", "period", "survey") if c in table.columns]
    if keys and len(table[keys].drop_duplicates()) > 1:
        raise ParameterError(
            *_T.both("one_group_only", what=what),
        )


# ------------------------------------------------------------------------------------------------ label placing


def _spread_labels(ax, texts, anchors, *, obstacles=(), iterations=200, pad=2.0) -> None:
    """Move ``texts`` (matplotlib Text) apart in display space so their boxes do not overlap each other,
    the ``anchors`` (display points of the markers) or ``obstacles`` (display Bboxes); keep them inside the axes.
    Draw a thin leader line from a label to its marker when it moved away. A small, deterministic repulsion loop."""
    if not texts:
        return
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    axbox = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in texts]
    w = np.array([b.width for b in boxes]) + 2 * pad
    h = np.array([b.height for b in boxes]) + 2 * pad
    # centre of each label box
    cx = np.array([b.x0 + b.width / 2 for b in boxes])
    cy = np.array([b.y0 + b.height / 2 for b in boxes])
    cx0, cy0 = cx.copy(), cy.copy()
    ax_pts = np.asarray(anchors, dtype=float)
    obs = [(o.x0, o.y0, o.x1, o.y1) for o in obstacles]
    n = len(texts)
    r_marker = 5.0
    for _ in range(iterations):
        dx = np.zeros(n)
        dy = np.zeros(n)
        moved = False
        for i in range(n):
            for j in range(i + 1, n):
                ox = (w[i] + w[j]) / 2 - abs(cx[i] - cx[j])
                oy = (h[i] + h[j]) / 2 - abs(cy[i] - cy[j])
                if ox > 0 and oy > 0:
                    moved = True
                    if oy <= ox:  # separate vertically: the cheaper way
                        s = 1.0 if cy[i] >= cy[j] else -1.0
                        if cy[i] == cy[j]:
                            s = 1.0 if i < j else -1.0
                        dy[i] += s * oy / 2 + s * 0.5
                        dy[j] -= s * oy / 2 + s * 0.5
                    else:
                        s = 1.0 if cx[i] >= cx[j] else -1.0
                        dx[i] += s * ox / 2
                        dx[j] -= s * ox / 2
            # markers (including its own) and fixed obstacles
            for k, (px, py) in enumerate(ax_pts):
                ox = w[i] / 2 + r_marker - abs(cx[i] - px)
                oy = h[i] / 2 + r_marker - abs(cy[i] - py)
                if ox > 0 and oy > 0:
                    moved = True
                    if k == i:  # own marker: go right of it
                        dx[i] += ox
                    elif oy <= ox:
                        dy[i] += (1 if cy[i] >= py else -1) * oy
                    else:
                        dx[i] += (1 if cx[i] >= px else -1) * ox
            for x0, y0, x1, y1 in obs:
                ox = min(cx[i] + w[i] / 2, x1) - max(cx[i] - w[i] / 2, x0)
                oy = min(cy[i] + h[i] / 2, y1) - max(cy[i] - h[i] / 2, y0)
                if ox > 0 and oy > 0:
                    moved = True
                    if oy <= ox:
                        dy[i] += (1 if cy[i] >= (y0 + y1) / 2 else -1) * oy
                    else:
                        dx[i] += (1 if cx[i] >= (x0 + x1) / 2 else -1) * ox
        cx += dx * 0.6
        cy += dy * 0.6
        # stay inside the axes
        cx = np.clip(cx, axbox.x0 + w / 2, axbox.x1 - w / 2)
        cy = np.clip(cy, axbox.y0 + h / 2, axbox.y1 - h / 2)
        if not moved:
            break
    inv = ax.transData.inverted()
    for t, x, y, x0, y0, b, (px, py) in zip(texts, cx, cy, cx0, cy0, boxes, ax_pts, strict=True):
        t.set_ha("center")
        t.set_va("center")
        t.set_position(inv.transform((x, y)))
        # leader line when the label was pushed away from its place beside the marker
        nearest_x = np.clip(px, x - (b.width / 2), x + (b.width / 2))
        nearest_y = np.clip(py, y - (b.height / 2), y + (b.height / 2))
        if np.hypot(x - x0, y - y0) > 3 and np.hypot(nearest_x - px, nearest_y - py) > 5:
            a = inv.transform((px, py))
            c = inv.transform((nearest_x, nearest_y))
            ax.plot([a[0], c[0]], [a[1], c[1]], color="#999999", lw=0.6, zorder=1)


# --------------------------------------------------------------------------------------------------- charts


def ipa_map(
    ipa_table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    lang: str = "zh",
    label_col: str = "item",
    title: str | None = None,
    show_quadrants: bool = True,
) -> Axes:
    """Importance-performance map: items as points (performance index on x, importance on y), labelled, with the
    split lines and the four quadrants named.

    Parameters
    ----------
    ipa_table : DataFrame
        Output of :func:`dealerlab.csi.ipa` for one store (and survey): ``item, index, importance,
        importance_split, performance_split, quadrant``. Items without importance are left out.
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure).
    lang : {"zh", "en"}
        Language of the titles; items keep ``label_col`` (use ``label_col="item_en"`` for English item names).
    label_col : str
        Column naming the points.
    title : str, optional
        Chart title (default: the chart's name).
    show_quadrants : bool
        Name the quadrants, colour the points by quadrant and shade 重点改进 (``False``: only the split lines, for
        exercises where the trainee names the quadrants).

    Returns
    -------
    matplotlib Axes
    """
    check_lang(lang)
    _one_group(ipa_table, "ipa_map")
    ax = get_axes(ax, (9, 6.5))
    d = ipa_table.dropna(subset=["importance", "index"])
    ax.set_title(title or _T.get("ipa_title", lang))
    ax.set_xlabel(_T.get("ipa_x", lang))
    ax.set_ylabel(_T.get("ipa_y", lang))
    if d.empty:
        ax.text(0.5, 0.5, _T.get("no_data", lang), transform=ax.transAxes, ha="center", va="center")
        return ax
    x = d["index"].to_numpy(float)
    y = d["importance"].to_numpy(float)
    xs = float(d["performance_split"].iloc[0]) * 100
    ys = float(d["importance_split"].iloc[0])
    xr = max(x.max() - x.min(), 40.0)
    yr = max(y.max() - y.min(), 0.2)
    ax.set_xlim(min(x.min(), xs) - 0.12 * xr, max(x.max(), xs) + 0.30 * xr)
    ax.set_ylim(min(y.min(), ys) - 0.18 * yr, max(y.max(), ys) + 0.18 * yr)
    colors = {q: c for q, c in zip(QUADRANTS, [STATUS_COLORS["good"], STATUS_COLORS["bad"], PALETTE[7], PALETTE[0]],
                                   strict=True)}
    ax.axvline(xs, color="#555555", lw=1, ls="--", zorder=1)
    ax.axhline(ys, color="#555555", lw=1, ls="--", zorder=1)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    if show_quadrants:
        ax.fill_between([x0, xs], ys, y1, color=STATUS_COLORS["bad"], alpha=0.07, zorder=0, lw=0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    point_colors = [colors.get(q, PALETTE[7]) if show_quadrants else PALETTE[0] for q in d["quadrant"].fillna("")]
    ax.scatter(x, y, s=36, c=point_colors, zorder=3, edgecolor="white", linewidth=0.6)
    # quadrant names in the four corners (always inside their quadrant)
    corners = dict(zip(QUADRANTS, [(0.99, 0.99, "right", "top"), (0.01, 0.99, "left", "top"),
                                   (0.01, 0.01, "left", "bottom"), (0.99, 0.01, "right", "bottom")], strict=True))
    names = []
    for q, (cx, cy, ha, va) in (corners.items() if show_quadrants else ()):
        names.append(ax.text(cx, cy, label(q, lang), transform=ax.transAxes, ha=ha, va=va, fontsize=12,
                             color=colors[q], alpha=0.9, zorder=2))
    texts = [ax.text(xi, yi, str(s), fontsize=9, zorder=4) for xi, yi, s in zip(x, y, d[label_col], strict=True)]
    ax.figure.draw_without_rendering()  # the labels' sizes: a layout pass, no pixels
    renderer = ax.figure.canvas.get_renderer()
    for t, (xi, yi) in zip(texts, zip(x, y, strict=True), strict=True):  # start right of the marker
        px, py = ax.transData.transform((xi, yi))
        b = t.get_window_extent(renderer)
        t.set_position(ax.transData.inverted().transform((px + 6 + b.width / 2, py)))
        t.set_ha("center")
        t.set_va("center")
    anchors = ax.transData.transform(np.column_stack([x, y]))
    _spread_labels(ax, texts, anchors, obstacles=[n.get_window_extent(renderer) for n in names])
    ax.grid(True, alpha=0.4)
    return ax


def gap_bars(scores: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh", label_col: str = "item", title: str | None = None) -> Axes:
    """Horizontal bars of the gap P − E per item (or factor / dimension), worst at the top; negative bars red.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`dealerlab.csi.scores` for one store and survey: ``<label_col>, gap``.
    ax : matplotlib Axes, optional
        Where to draw.
    lang : {"zh", "en"}
        Language of titles.
    label_col : str
        Column naming the bars (``item``, ``factor``, ``rater`` ...).
    title : str, optional
        Chart title.

    Returns
    -------
    matplotlib Axes
    """
    check_lang(lang)
    _one_group(scores, "gap_bars")
    d = scores.dropna(subset=["gap"]).sort_values("gap", ascending=False)
    ax = get_axes(ax, (8, max(2.5, 0.38 * len(d) + 1)))
    ax.set_title(title or _T.get("gap_title", lang))
    ax.set_xlabel(_T.get("gap_x", lang))
    if d.empty:
        ax.text(0.5, 0.5, _T.get("no_data", lang), transform=ax.transAxes, ha="center", va="center")
        return ax
    gap = d["gap"].to_numpy(float)
    names = [label(str(v), lang) for v in d[label_col]]
    colors = [STATUS_COLORS["bad"] if g < 0 else STATUS_COLORS["good"] for g in gap]
    pos = np.arange(len(d))
    ax.barh(pos, gap, color=colors, height=0.65)
    ax.set_yticks(pos, names)
    ax.axvline(0, color="#333333", lw=0.8)
    span = max(np.abs(gap).max(), 0.1)
    ax.set_xlim(min(gap.min(), 0) - 0.25 * span, max(gap.max(), 0) + 0.25 * span)
    for p, g in zip(pos, gap, strict=True):
        ax.text(g + (0.02 * span if g >= 0 else -0.02 * span), p, f"{g:+.2f}", va="center",
                ha="left" if g >= 0 else "right", fontsize=9)
    ax.grid(True, axis="x", alpha=0.4)
    ax.grid(False, axis="y")
    return ax


def rater_radar(rater_table: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh", title: str | None = None) -> Axes:
    """Radar of the five RATER dimensions: mean performance and mean expectation (1–10), gaps written at the tips.

    Parameters
    ----------
    rater_table : DataFrame
        Output of :func:`dealerlab.csi.rater_scores` for one store, month (or pooled) and survey:
        ``rater, performance, expectation, gap``.
    ax : matplotlib polar Axes, optional
        Where to draw (must be polar); default a new polar figure.
    lang : {"zh", "en"}
        Language of labels.
    title : str, optional
        Chart title.

    Returns
    -------
    matplotlib Axes (polar)
    """
    check_lang(lang)
    _one_group(rater_table, "rater_radar")
    if ax is None:
        ax = get_axes(None, (6, 6), projection="polar")
    elif getattr(ax, "name", "") != "polar":
        raise ParameterError(*_T.both("radar_needs_polar"))
    d = rater_table.set_index("rater").reindex(list(RATER))
    angles = np.linspace(0, 2 * np.pi, len(RATER), endpoint=False)
    loop = np.append(angles, angles[0])
    for col, color, style in (("performance", PALETTE[0], "-"), ("expectation", PALETTE[1], "--")):
        v = d[col].to_numpy(float)
        if np.isnan(v).all():
            continue
        vv = np.append(v, v[0])
        ax.plot(loop, vv, style, color=color, lw=2, label=label(col, lang))
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ticks = []
    for r, g in zip(RATER, d["gap"], strict=True):
        name = label(r, lang)
        ticks.append(f"{name}\n{'P−E ' + format(g, '+.2f') if pd.notna(g) else '—'}")
    ax.set_xticks(angles, ticks)
    ax.tick_params(axis="x", pad=20)
    vals = d[["performance", "expectation"]].to_numpy(float)
    # radial axis from a little under the lowest score, so that differences of a few tenths show
    lo = float(np.nanmin(vals)) if np.isfinite(vals).any() else 0.0
    lo = max(0.0, np.floor(lo) - 1.0)
    ax.set_ylim(lo, 10)
    ax.set_yticks(np.arange(lo, 10.01, 1.0 if 10 - lo <= 5 else 2.0))
    ax.set_rlabel_position(36)  # between the first two spokes (clockwise from the top)
    ax.tick_params(axis="y", labelsize=8, labelcolor="#666666")
    ax.set_title(title or _T.get("radar_title", lang), pad=24)
    ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.12), frameon=False)
    return ax


def index_trend(table: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh", title: str | None = None) -> Axes:
    """SSI/CSI index per month (solid lines) against the target (dashed, same colour), one store.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`dealerlab.csi.index_vs_target` for one store: ``period, survey, index, target``.
    ax : matplotlib Axes, optional
        Where to draw.
    lang : {"zh", "en"}
        Language of labels.
    title : str, optional
        Chart title.

    Returns
    -------
    matplotlib Axes
    """
    check_lang(lang)
    if "store_id" in table.columns and table["store_id"].nunique() > 1:
        raise ParameterError(*_T.both("trend_one_store"))
    ax = get_axes(ax, (9, 4.5))
    periods = sorted(table["period"].unique().tolist())
    pos = {p: i for i, p in enumerate(periods)}
    for k, (survey, g) in enumerate(table.groupby("survey", sort=True)):
        g = g.sort_values("period")
        xs = g["period"].map(pos).to_numpy(int)
        color = PALETTE[k % len(PALETTE)]
        ax.plot(xs, g["index"].to_numpy(float), "-o", color=color, lw=2, ms=5, label=str(survey))
        if "target" in g and g["target"].notna().any():
            ax.step(xs, g["target"].to_numpy(float), where="mid", ls="--", color=color, lw=1.4,
                    label=f"{survey} {_T.get('target', lang)}")
        last = g.dropna(subset=["index"]).tail(1)
        if len(last):
            ax.annotate(f"{last['index'].iloc[0]:.0f}", (pos[last["period"].iloc[0]], last["index"].iloc[0]),
                        textcoords="offset points", xytext=(6, 4), fontsize=9, color=color)
    ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right")
    ax.set_xlim(-0.4, len(periods) - 0.4)
    ax.set_ylabel(_T.get("trend_y", lang))
    ax.set_title(title or _T.get("trend_title", lang))
    ax.legend(ncol=4, loc="lower left", frameon=False, fontsize=9)
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo - 0.15 * (hi - lo), hi)
    return ax


def complaint_pareto(pareto: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh", title: str | None = None) -> Axes:
    """Pareto chart of complaints: bars per category (largest first) and the cumulative share (right axis, 80 % line).

    Parameters
    ----------
    pareto : DataFrame
        Output of :func:`dealerlab.csi.complaint_pareto`: ``category, count, cum_share``.
    ax : matplotlib Axes, optional
        Where to draw the bars; the cumulative line goes on a twin axis.
    lang : {"zh", "en"}
        Language of labels.
    title : str, optional
        Chart title.

    Returns
    -------
    matplotlib Axes
        The bar Axes (the twin is ``ax.right_ax``).
    """
    check_lang(lang)
    ax = get_axes(ax, (max(6, 0.9 * len(pareto) + 2), 4.5))
    ax.set_title(title or _T.get("pareto_title", lang))
    if pareto.empty:
        ax.text(0.5, 0.5, _T.get("no_data", lang), transform=ax.transAxes, ha="center", va="center")
        return ax
    pos = np.arange(len(pareto))
    ax.bar(pos, pareto["count"].to_numpy(float), color=PALETTE[0], width=0.65)
    ax.set_xticks(pos, pareto["category"].astype(str).tolist(), rotation=30 if len(pareto) > 5 else 0,
                  ha="right" if len(pareto) > 5 else "center")
    ax.set_ylabel(_T.get("count", lang))
    ax.grid(False, axis="x")
    right = ax.twinx()
    right.plot(pos, pareto["cum_share"].to_numpy(float), "-o", color=PALETTE[3], lw=2, ms=5)
    right.axhline(0.8, color=PALETTE[3], ls=":", lw=1)
    right.set_ylim(0, 1.05)
    right.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    right.set_ylabel(_T.get("cum", lang))
    right.grid(False)
    for p, c in zip(pos, pareto["count"], strict=True):
        ax.text(p, c, f"{c}", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, pareto["count"].max() * 1.15)
    ax.right_ax = right
    return ax
