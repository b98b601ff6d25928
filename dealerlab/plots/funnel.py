"""Charts of course module 3 (sales funnel): the funnel with stage rates and benchmark marks, monthly trends,
benchmark gap bars and the consultant × KPI heatmap.

Drawing only: every function takes a table computed by :mod:`dealerlab.funnel` and an optional ``ax``, and returns
the Axes. Call :func:`dealerlab.plots.style.set_style` first so Chinese labels render.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from dealerlab._docstrings import share_docs
from dealerlab._options import check_lang
from dealerlab.errors import ParameterError
from dealerlab.funnel.benchmarks import load_benchmarks
from dealerlab.funnel.paths import STAGES
from dealerlab.i18n import Catalogue
from dealerlab.metrics import label
from dealerlab.plots.style import PALETTE, STATUS_COLORS, get_axes

__all__ = ["funnel_chart", "trend_chart", "gap_bars", "consultant_heatmap", "plot_traffic_mix"]

_T = Catalogue.load("plots/funnel")

#: the bars of the funnel: (label key in the catalogue's [bar.*], count expression)
_BARS = [
    ("first_contacts", ("FV", "FC")),
    ("prospects", ("W", "C")),
    ("in_showroom", ("W", "CV")),
    ("test_drives", ("TD",)),
    ("showroom_sales", ("S_room",)),
]
#: the rate written between bar i−1 and bar i, and how the benchmark count of bar i is formed
_LINKS = {
    1: ("capture_rate", lambda r, b: b * (r["FV"] + r["FC"])),
    2: ("call_visit_rate", lambda r, b: r["W"] + b * r["C"]),
    3: ("test_drive_rate", lambda r, b: b * (r["W"] + r["CV"] + r["RnoTD"])),
    4: ("close_rate", lambda r, b: b * (r["L"] + r["N"])),
}


def _pct(x: float) -> str:
    return "—" if not np.isfinite(x) else f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def _one_row(data: pd.DataFrame | pd.Series, store_id, period, what: str) -> pd.Series:
    if isinstance(data, pd.Series):
        return data
    d = data
    if store_id is not None:
        d = d[d["store_id"] == store_id]
    if period is not None:
        d = d[d["period"] == period]
    if len(d) != 1:
        raise ParameterError(
            *_T.both("one_store_month_only", what=what, rows=len(d)),
        )
    return d.iloc[0]


@share_docs
def funnel_chart(data, *, store_id: str | None = None, period: str | None = None, benchmarks=None,
                 business: str | None = None, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """The funnel of one store-month: bars of the stage counts, the stage rates between them, benchmark marks.

    Parameters
    ----------
    data : DataFrame or Series
        One row (or a table filtered by ``store_id``/``period``) holding the counts of
        :func:`~dealerlab.funnel.funnel_counts` and the rates of :func:`~dealerlab.funnel.funnel_rates`
        (e.g. ``counts.merge(rates, on=["store_id", "period"])``).
    store_id, period : str, optional
        Pick the row.
    benchmarks : path, mapping or None
        See :func:`dealerlab.funnel.load_benchmarks`. The ▲ mark on a bar is the count that bar would have if the
        rate leading to it reached its benchmark.
    business : {"乘用车", "商用车"}, optional
        The store's business type, whose benchmarks are drawn (default 乘用车; see
        :func:`dealerlab.funnel.store_business`).
    %(ax_lang)s
    """
    check_lang(lang)
    r = _one_row(data, store_id, period, "funnel_chart")
    bench = load_benchmarks(benchmarks, business=business)
    ax = get_axes(ax, (9, 5.2))
    counts = [float(sum(r[c] for c in cols)) for _, cols in _BARS]
    top = max(counts) if counts and max(counts) > 0 else 1.0
    n = len(_BARS)
    y = np.arange(n)[::-1]
    colors = [PALETTE[0]] * (n - 1) + [PALETTE[2]]
    ax.barh(y, counts, left=[(top - c) / 2 for c in counts], height=0.62, color=colors, alpha=0.9)
    for i, (key, _) in enumerate(_BARS):
        ax.text(top / 2, y[i], f"{counts[i]:,.0f}", ha="center", va="center", color="white", fontsize=11,
                fontweight="bold")
        ax.text(-0.02 * top, y[i], _T.get(f"bar.{key}", lang), ha="right", va="center", fontsize=10)
        if i in _LINKS:
            metric, at_bench = _LINKS[i]
            rate = float(r.get(metric, np.nan))
            b = bench.get(metric)
            below = b is not None and np.isfinite(rate) and rate < b
            txt = f"{label(metric, lang)} {_pct(rate)}"
            if b is not None:
                txt += _T.get("bench_rate", lang, rate=_pct(b))
            ax.text(top * 1.02, y[i] + 0.5, txt, ha="left", va="center", fontsize=9.5,
                    color=STATUS_COLORS["bad"] if below else "#333333")
            if b is not None:
                target = float(at_bench(r, b))
                if np.isfinite(target):
                    for side in (-1, 1):
                        ax.plot(top / 2 + side * target / 2, y[i] - 0.36, marker="^", color=STATUS_COLORS["bad"] if below
                                else STATUS_COLORS["good"], markersize=8, clip_on=False)
    ax.set_xlim(-0.55 * top, top * 1.55)
    ax.set_ylim(-0.7, n - 0.3)
    ax.axis("off")
    ax.set_title(_T.get("funnel_title", lang, store=r.get("store_id", ""), period=r.get("period", "")), loc="left")
    ax.text(top * 1.02, y[-1] - 0.55, _T.get("bench_mark", lang), fontsize=8.5, color="#555555", va="center")
    return ax


@share_docs
def trend_chart(rates: pd.DataFrame, *, store_id: str | None = None, metrics=STAGES, benchmarks=None,
                business: str | None = None, ax: Axes | None = None,
                lang: str = "zh") -> Axes:
    """Monthly trend of funnel rates for one store, benchmarks dashed in the same colour.

    Parameters
    ----------
    rates : DataFrame
        :func:`~dealerlab.funnel.funnel_rates` output (``store_id, period`` + rate columns).
    store_id : str, optional
        Needed when ``rates`` holds several stores.
    metrics : sequence of str
        Rate ids to draw (default: the five funnel stages).
    benchmarks : path, mapping or None
    business : {"乘用车", "商用车"}, optional
        The store's business type (default 乘用车).
    %(ax_lang)s
    """
    check_lang(lang)
    d = rates if store_id is None else rates[rates["store_id"] == store_id]
    if d["store_id"].nunique() > 1:
        raise ParameterError(*_T.both("trend_one_store"))
    bench = load_benchmarks(benchmarks, business=business)
    ax = get_axes(ax, (9, 4.6))
    x = np.arange(len(d))
    for k, m in enumerate(metrics):
        color = PALETTE[k % len(PALETTE)]
        ax.plot(x, d[m].to_numpy(float), marker="o", markersize=3.5, color=color, label=label(m, lang))
        if m in bench:
            ax.axhline(bench[m], color=color, linestyle="--", linewidth=1, alpha=0.7)
    ax.set_xticks(x)
    ax.set_xticklabels(d["period"].astype(str).tolist(), rotation=45, ha="right", fontsize=8.5)
    ax.yaxis.set_major_formatter(_percent())
    ax.set_ylim(0, max(1.0, float(np.nanmax(d[list(metrics)].to_numpy(float))) * 1.05) if len(d) else 1)
    ax.set_title(_T.get("trend_title", lang) + (f" — {d['store_id'].iloc[0]}" if len(d) else ""), loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9, frameon=False)
    return ax


def _percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=0)


@share_docs
def gap_bars(findings: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """Gap of each benchmarked rate to its benchmark for one store-month, labelled with the extra sales at the reachable
    target (path model, docs/DOMAIN.md §10).

    Parameters
    ----------
    findings : DataFrame
        :func:`~dealerlab.funnel.diagnose` output for one store (``metric, name, value, benchmark, gap,
        extra_sales, bottleneck``).
    %(ax_lang)s
    """
    check_lang(lang)
    if findings["store_id"].nunique() > 1:
        raise ParameterError(*_T.both("gaps_one_store"))
    ax = get_axes(ax, (8.5, 0.6 * len(findings) + 1.4))
    d = findings.iloc[::-1]
    gap = d["gap"].to_numpy(float) * 100
    colors = [STATUS_COLORS["na"] if not np.isfinite(g) else STATUS_COLORS["bad"] if g < 0 else STATUS_COLORS["good"]
              for g in gap]
    y = np.arange(len(d))
    ax.barh(y, np.nan_to_num(gap), color=colors, height=0.6)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([label(m, lang) + (" ★" if b else "") for m, b in zip(d["metric"], d["bottleneck"])])
    span = max(float(np.nanmax(np.abs(gap))) if np.isfinite(gap).any() else 1.0, 1.0)
    for yi, g, s in zip(y, gap, d["extra_sales"].to_numpy(float)):
        if np.isfinite(g):
            txt = f"{g:+.1f}"
            if np.isfinite(s) and s > 0:
                txt += "  " + _T.get("stake", lang, x=s)
            ax.text(g + (0.03 * span if g >= 0 else -0.03 * span), yi, txt, va="center",
                    ha="left" if g >= 0 else "right", fontsize=9)
    ax.set_xlim(-span * 1.9, span * 1.9)
    ax.set_xlabel(_T.get("gap_x", lang))
    first = findings.iloc[0]
    ax.set_title(_T.get("gap_title", lang, store=first["store_id"], period=first["period"]), loc="left")
    return ax


@share_docs
def consultant_heatmap(staff_rates: pd.DataFrame, *, metrics=("test_drive_rate", "close_rate", "revisit_rate",
                       "call_visit_rate", "addon_penetration"), volume: str | None = "volume", ax: Axes | None = None,
                       lang: str = "zh") -> Axes:
    """Consultant × KPI heatmap: the value in each cell, the colour its distance to the team median.

    Parameters
    ----------
    staff_rates : DataFrame
        :func:`~dealerlab.funnel.funnel_rates` with ``by_staff=True`` for one store (one or several months are
        averaged per consultant — pass one month to compare a month).
    metrics : sequence of str
        Rate ids (columns).
    volume : str or None
        A count column shown first (default ``volume``); None to leave it out.
    %(ax_lang)s
    """
    import seaborn as sns

    check_lang(lang)
    cols = ([volume] if volume else []) + list(metrics)
    table = staff_rates.groupby("staff_id", sort=True)[cols].mean()
    ax = get_axes(ax, (1.3 * len(cols) + 2.5, 0.45 * len(table) + 1.6))
    if table.empty:
        ax.text(0.5, 0.5, _T.get("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        ax.axis("off")
        return ax
    med = table.median()
    spread = (table - med).abs().max().replace(0, 1)
    score = ((table - med) / spread).clip(-1, 1)
    annot = table.copy().astype(object)
    for c in cols:
        is_rate = c != volume
        annot[c] = [("—" if not np.isfinite(v) else f"{v:.0%}" if is_rate else f"{v:.0f}") for v in table[c]]
    sns.heatmap(score, annot=annot.to_numpy(), fmt="", cmap="RdYlGn", vmin=-1, vmax=1, cbar=False, linewidths=0.5,
                linecolor="white", ax=ax, annot_kws={"fontsize": 9})
    ax.set_xticklabels([label(c, lang) for c in cols], rotation=30, ha="right")
    ax.set_yticklabels(table.index.tolist(), rotation=0)
    ax.set_ylabel(_T.get("consultant", lang))
    ax.set_xlabel("")
    ax.set_title(_T.get("heat_title", lang), loc="left", fontsize=11)
    return ax


_MIX_MSG = Catalogue.load("plots/funnel.mix_msg")


@share_docs
def plot_traffic_mix(mix: pd.DataFrame, *, store_id: str | None = None, ax: Axes | None = None,
                     lang: str = "zh") -> Axes:
    """Stacked bars per month: first showroom visits by source, each segment labelled with its share.

    Parameters
    ----------
    mix : DataFrame
        :func:`dealerlab.funnel.traffic_mix` (``store_id, period, source, batches, share``).
    store_id : str, optional
        The store to draw (required when ``mix`` holds several).
    %(ax_lang)s
    """
    check_lang(lang)
    stores = list(dict.fromkeys(mix["store_id"]))
    if store_id is None:
        if len(stores) != 1:
            raise ParameterError(*_T.both("several_stores"))
        store_id = stores[0]
    m = mix[mix["store_id"] == store_id]
    table = m.pivot_table(index="period", columns="source", values="batches", aggfunc="sum", fill_value=0)
    order = m.groupby("source")["batches"].sum().sort_values(ascending=False).index
    table = table[order]
    ax = get_axes(ax, (max(6.0, 0.7 * len(table) + 3), 4.2))
    x = np.arange(len(table))
    bottom = np.zeros(len(table))
    totals = table.sum(axis=1).to_numpy(dtype=float)
    for i, src in enumerate(order):
        vals = table[src].to_numpy(dtype=float)
        ax.bar(x, vals, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=str(src), width=0.7, edgecolor="white")
        for xi, b, v, t in zip(x, bottom, vals, totals):
            if t > 0 and v / t >= 0.08:
                ax.text(xi, b + v / 2, f"{v / t:.0%}", ha="center", va="center", fontsize=8, color="white")
        bottom += vals
    ax.set_xticks(x, [str(p) for p in table.index], rotation=45 if len(table) > 6 else 0)
    ax.set_ylabel(_MIX_MSG.get("y", lang))
    ax.set_title(_MIX_MSG.get("title", lang, store=store_id))
    ax.legend(ncol=len(order), loc="upper center", bbox_to_anchor=(0.5, -0.15 if len(table) <= 6 else -0.22),
              frameon=False)
    return ax
