"""Charts of course module 4 (PDCA): p-chart, run chart, the cadence traffic-light board, the paint shop by crew size
× damage class, and booth utilisation against the 60 % line, and the fishbone (cause-and-effect) chart.

Drawing only: each function takes a table from :mod:`dealerlab.pdca` / :mod:`dealerlab.pdca.aftersales` and an optional
``ax``, and returns the Axes. Call :func:`dealerlab.plots.set_style` first so Chinese labels render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from dealerlab._docstrings import share_docs
from dealerlab._options import check_lang, check_option
from dealerlab.i18n import Catalogue
from dealerlab.pdca.tools import BONES, BONES_EN
from dealerlab.plots.style import PALETTE, STATUS_COLORS, get_axes

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = [
    "plot_p_chart",
    "plot_run_chart",
    "plot_cadence_board",
    "style_cadence",
    "plot_paint_shop",
    "plot_booth_utilisation",
    "plot_fishbone",
]

_T = Catalogue.load("plots/pdca")
#: the cadence board's column heads (a frequency of seed 001) and the paint-shop chart's damage classes: key → (zh, en)
#: (the catalogue's entries, in file order, are the values: 每日, 每周, 即时, 每月 and 大, 中, 小)
_FREQUENCIES = _T.pairs("frequency")
_DAMAGE = _T.pairs("damage_class")


def _pct_axis(ax, axis="y", decimals=0):
    from matplotlib.ticker import PercentFormatter

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(1.0, decimals=decimals))


def _xticks(ax, labels: list[str], max_labels: int = 14) -> None:
    """Period labels on the x axis, thinned to at most ``max_labels`` so they never overlap."""
    x = np.arange(len(labels))
    step = max(1, int(np.ceil(len(labels) / max_labels)))
    rotate = len(labels) > 8
    ax.set_xticks(
        x[::step], [labels[i] for i in x[::step]], rotation=45 if rotate else 0, ha="right" if rotate else "center"
    )


def plot_p_chart(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    mark: str | None = None,
    run_length: int = 8,
    mark_signals: bool = True,
    lang: str = "zh",
) -> Axes:
    """Draw a p-chart from :func:`dealerlab.pdca.p_chart`: rate per period, centre line, stepped ±3σ limits,
    points beyond the limits in red and points of a long run circled.

    Parameters
    ----------
    table : DataFrame
        ``period, p, centre, lcl, ucl, beyond_limits, run``.
    ax : Axes, optional
        Where to draw.
    title : str, optional
        Chart title (default "p 控制图").
    mark : str, optional
        A period to mark with a vertical line (e.g. the month the countermeasure started).
    run_length : int
        The run length used by the table (legend text only).
    mark_signals : bool
        Highlight the out-of-control points and write p̄ in the legend (``False`` for an exercise where trainees
        find them).
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    Axes
    """
    check_lang(lang)
    ax = get_axes(ax, (9, 4.2))
    x = np.arange(len(table))
    labels = table["period"].astype(str).tolist()
    p = table["p"].astype(float).to_numpy()
    ax.plot(x, p, marker="o", color=PALETTE[0], lw=1.6, zorder=3, label=_T.get("rate", lang))
    centre = float(table["centre"].iloc[0]) if len(table) else np.nan
    centre_label = _T.get("centre", lang, p=centre) if mark_signals else _T.get("centre", lang, p=centre).split("=")[0].strip()
    ax.axhline(centre, color="#333333", lw=1.2, label=centre_label)
    ax.step(x, table["ucl"].astype(float), where="mid", color=PALETTE[3], ls="--", lw=1.1, label=_T.get("limits", lang))
    ax.step(x, table["lcl"].astype(float), where="mid", color=PALETTE[3], ls="--", lw=1.1)
    beyond = table["beyond_limits"].to_numpy(dtype=bool) & mark_signals
    if beyond.any():
        ax.scatter(x[beyond], p[beyond], s=90, color=STATUS_COLORS["bad"], zorder=4, label=_T.get("special", lang))
    if "run" in table:
        run = table["run"].to_numpy(dtype=bool) & ~beyond & mark_signals
        if run.any():
            ax.scatter(x[run], p[run], s=160, facecolors="none", edgecolors=PALETTE[1], lw=1.8, zorder=4,
                       label=_T.get("run", lang, n=run_length))  # fmt: skip
    top = np.nanmax(np.concatenate([p, table["ucl"].astype(float).to_numpy(), [centre]])) if len(table) else 1.0
    top = min(1.0, top * 1.45) if np.isfinite(top) and top > 0 else 1.0
    ax.set_ylim(0, top)  # head room for the legend
    if mark is not None and mark in labels:
        i = labels.index(mark)
        ax.axvline(i, color=PALETTE[2], lw=1.4, ls=":")
        ax.annotate(_T.get("mark", lang), (i, top * 0.72), xytext=(4, 0), textcoords="offset points",
                    color=PALETTE[2], fontsize=9)  # fmt: skip
    _xticks(ax, labels)
    _pct_axis(ax, decimals=1)
    ax.set_title(title or _T.get("p_title", lang))
    ax.legend(loc="upper left", fontsize=8, ncol=2, frameon=True)
    return ax


def plot_run_chart(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    percent: bool = True,
    shift_length: int = 6,
    lang: str = "zh",
) -> Axes:
    """Draw a run chart from :func:`dealerlab.pdca.run_chart`: values, the median line, shift points circled.

    Parameters
    ----------
    table : DataFrame
        ``period, value, median, shift``.
    ax : Axes, optional
        Where to draw.
    title : str, optional
        Chart title.
    percent : bool
        Format the y axis as percentages.
    shift_length : int
        The shift length used by the table (legend text only).
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    Axes
    """
    check_lang(lang)
    ax = get_axes(ax, (9, 4))
    x = np.arange(len(table))
    v = table["value"].astype(float).to_numpy()
    ax.plot(x, v, marker="o", color=PALETTE[0], lw=1.6, zorder=3)
    med = float(table["median"].iloc[0]) if len(table) else np.nan
    ax.axhline(med, color=PALETTE[7], lw=1.2, ls="--", label=_T.get("median", lang, m=med))
    shift = table["shift"].to_numpy(dtype=bool)
    if shift.any():
        ax.scatter(x[shift], v[shift], s=150, facecolors="none", edgecolors=PALETTE[1], lw=1.8, zorder=4,
                   label=_T.get("shift", lang, n=shift_length))  # fmt: skip
    _xticks(ax, table["period"].astype(str).tolist())
    if percent:
        _pct_axis(ax)
    ax.set_title(title or _T.get("run_title", lang))
    ax.legend(loc="best", fontsize=8)
    return ax


def _fmt_value(key: str, v) -> str:
    if v is None or pd.isna(v):
        return "–"
    v = float(v)
    if key in ("intake", "complaints"):
        return f"{v:.0f}"
    if key == "service_revenue":
        return _T.get("wan", value=v / 10000) if abs(v) >= 10000 else f"{v:.0f}"
    if key == "csi_index":
        return f"{v:.0f}"
    return f"{v:.1%}"


def plot_cadence_board(table: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None, lang: str = "zh") -> Axes:
    """Draw the cadence dashboard of :func:`dealerlab.pdca.cadence_table` as a table with traffic-light cells.

    Parameters
    ----------
    table : DataFrame
        ``key, item, 每日, 每周, 即时, 每月, value, target, benchmark, status``.
    ax : Axes, optional
        Where to draw.
    title : str, optional
        Title (default "管理节奏看板").
    lang : {"zh", "en"}
        Language of the headers.

    Returns
    -------
    Axes
    """
    check_lang(lang)
    ax = get_axes(ax, (11, 0.42 * (len(table) + 1) + 0.6))
    freqs = list(_FREQUENCIES)
    header = [_T.get("item", lang)] + [_FREQUENCIES.label(f, lang) for f in freqs]
    header += [_T.get("value", lang), _T.get("target", lang), _T.get("status", lang)]
    cells, colours = [], []
    for _, r in table.iterrows():
        tgt = r["benchmark"] if pd.isna(r["target"]) else _T.get("target_basis", target=_fmt_value(r["key"], r["target"]),
                                                                    basis=r["benchmark"])
        row = [r["item"]] + ["✓" if bool(r[f]) else "" for f in freqs]
        row += [_fmt_value(r["key"], r["value"]), tgt, _T.get(r["status"], lang)]
        cells.append(row)
        colours.append(["white"] * (len(row) - 1) + [STATUS_COLORS[r["status"]]])
    ax.axis("off")
    tab = ax.table(cellText=cells, colLabels=header, cellColours=colours, cellLoc="center", bbox=[0, 0, 1, 1],
                   colWidths=[0.22, 0.06, 0.06, 0.06, 0.06, 0.1, 0.36, 0.08])  # fmt: skip
    tab.auto_set_font_size(False)
    tab.set_fontsize(9)
    for (row, col), cell in tab.get_celld().items():
        if row == 0:
            cell.set_facecolor("#e8eef4")
            cell.set_text_props(weight="bold")
        elif col == len(header) - 1:
            cell.set_text_props(color="white", weight="bold")
        if col in (0, 6) and row > 0:
            cell.set_text_props(ha="left")
            cell._loc = "left"
    ax.set_title(title or _T.get("cad_title", lang))
    return ax


def style_cadence(table: pd.DataFrame, *, lang: str = "zh") -> Styler:
    """The cadence table as a pandas Styler (status cells coloured), for notebooks.

    Parameters
    ----------
    table : DataFrame
        From :func:`dealerlab.pdca.cadence_table`.
    lang : {"zh", "en"}
        Language of the headers and status words.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    check_lang(lang)
    show = pd.DataFrame(
        {
            _T.get("item", lang): table["item"],
            **{f: np.where(table[f], "✓", "") for f in _FREQUENCIES},
            _T.get("value", lang): [_fmt_value(k, v) for k, v in zip(table["key"], table["value"], strict=True)],
            _T.get("target", lang): [
                b if pd.isna(t) else _T.get("target_basis", target=_fmt_value(k, t), basis=b)
                for k, t, b in zip(table["key"], table["target"], table["benchmark"], strict=True)
            ],
            _T.get("status", lang): [_T.get(s, lang) for s in table["status"]],
        }
    )
    colour = {_T.get(s, lang): c for s, c in STATUS_COLORS.items()}
    status_col = _T.get("status", lang)
    return show.style.hide(axis="index").map(
        lambda v: f"background-color: {colour.get(v, 'white')}; color: white; font-weight: bold", subset=[status_col]
    )


def plot_paint_shop(
    table: pd.DataFrame, *, value: str = "mean_days", ax: Axes | None = None, title: str | None = None, lang: str = "zh"
) -> Axes:
    """Grouped bars by damage class, one bar per store × crew band: days in the shop (default) or another column.

    In seed 001's case a light job done by a large mixed crew stays nearly as long as a medium one.

    Parameters
    ----------
    table : DataFrame
        From :func:`dealerlab.pdca.aftersales.paint_shop_by_crew`: ``store_id, crew_band, damage_class`` and ``value``.
    value : {"mean_days", "mean_labor_hours", "hours_per_day", "orders"}
        The column drawn.
    ax : Axes, optional
        Where to draw.
    title : str, optional
        Chart title.
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    Axes
    """
    check_lang(lang)

    check_option("value", value, ("mean_days", "mean_labor_hours", "hours_per_day", "orders"))
    ax = get_axes(ax, (9, 4.2))
    classes = [c for c in _DAMAGE if c in set(table["damage_class"])]
    groups = list(dict.fromkeys(zip(table["store_id"], table["crew_band"], strict=True)))
    width = 0.8 / max(len(groups), 1)
    x = np.arange(len(classes))
    for k, (store, band) in enumerate(groups):
        sub = table[(table["store_id"] == store) & (table["crew_band"] == band)].set_index("damage_class")
        vals = [float(sub[value].get(c, np.nan)) for c in classes]
        bars = ax.bar(x + (k - (len(groups) - 1) / 2) * width, vals, width * 0.92, color=PALETTE[k % len(PALETTE)],
                      label=f"{store} {band}")  # fmt: skip
        ax.bar_label(bars, fmt="%.1f", fontsize=8, padding=2)
    ax.set_xticks(x, [_DAMAGE.label(c, lang) for c in classes])
    ax.set_xlabel(_T.get("damage", lang))
    ax.set_ylabel(_T.get(value, lang) if value in _T else value)
    ax.set_title(title or _T.get("paint_title", lang))
    ax.legend(fontsize=8, loc="upper right")
    ax.margins(y=0.15)
    return ax


def plot_booth_utilisation(
    table: pd.DataFrame, *, ax: Axes | None = None, threshold: float = 0.60, title: str | None = None, lang: str = "zh"
) -> Axes:
    """Monthly booth utilisation per store, with the 60 % line (seed 001's paint-shop case).

    Parameters
    ----------
    table : DataFrame
        ``store_id, period, value`` (from :func:`dealerlab.pdca.aftersales.booth_utilisation`).
    ax : Axes, optional
        Where to draw.
    threshold : float
        The warning line.
    title : str, optional
        Chart title.
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    Axes
    """
    check_lang(lang)
    ax = get_axes(ax, (9, 4))
    periods = list(dict.fromkeys(table["period"].astype(str)))
    x = np.arange(len(periods))
    for k, (store, sub) in enumerate(table.groupby("store_id", sort=True)):
        vals = sub.set_index("period")["value"].reindex(periods).astype(float)
        ax.plot(x, vals.to_numpy(), marker="o", color=PALETTE[k % len(PALETTE)], label=str(store))
    ax.axhline(threshold, color=STATUS_COLORS["bad"], ls="--", lw=1.2, label=_T.get("line60", lang))
    _xticks(ax, periods)
    _pct_axis(ax)
    ax.set_ylim(0, 1)
    ax.set_ylabel(_T.get("util", lang))
    ax.set_title(title or _T.get("booth_title", lang))
    ax.legend(fontsize=8, loc="lower right", ncol=4)
    return ax


@share_docs
def plot_fishbone(table: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """Draw the fishbone (cause-and-effect) chart of :func:`dealerlab.pdca.fishbone`: the effect at the head, three
    bones above and three below the spine, each bone's causes written along it.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`dealerlab.pdca.fishbone` (``effect, bone, bone_en, cause``).
    %(ax_lang)s
    """
    lang = check_lang(lang)

    ax = get_axes(ax, size=(12, 6))
    ax.set_xlim(0, 12)
    ax.set_ylim(-4.2, 4.2)
    ax.axis("off")
    ax.annotate("", xy=(10.2, 0), xytext=(0.3, 0), arrowprops={"arrowstyle": "-|>", "lw": 2.5, "color": "#333333"})
    effect = str(table["effect"].iloc[0]) if len(table) else ""
    ax.text(10.3, 0, effect, va="center", ha="left", fontsize=13, fontweight="bold",
            bbox={"boxstyle": "round,pad=0.4", "fc": "#fde2d3", "ec": PALETTE[3]})
    for i, bone in enumerate(BONES):
        up = i % 2 == 0
        x_root = 2.8 + 3.0 * (i // 2)  # where the bone meets the spine
        sign = 1 if up else -1
        x_tip, y_tip = x_root - 2.0, sign * 3.3
        ax.plot([x_tip, x_root], [y_tip, 0], color=PALETTE[i], lw=2)
        name = bone if lang == "zh" else BONES_EN[bone]
        ax.text(x_tip, y_tip + sign * 0.35, name, ha="center", va="center", fontsize=12, fontweight="bold",
                color="white", bbox={"boxstyle": "round,pad=0.3", "fc": PALETTE[i], "ec": PALETTE[i]})
        causes = table.loc[table["bone"] == bone, "cause"].tolist()
        n = len(causes)
        for j, cause in enumerate(causes):
            t = (j + 1) / (n + 1)  # position along the bone, from the tip
            x = x_tip + (x_root - x_tip) * t
            y = y_tip * (1 - t)
            ax.plot([x - 0.55, x], [y, y], color=PALETTE[i], lw=1)
            ax.text(x - 0.6, y, cause, ha="right", va="center", fontsize=9)
    return ax
