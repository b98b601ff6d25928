"""Group page charts: small multiples of the key rates by store."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from dealerlab._options import check_lang
from dealerlab.i18n import label
from dealerlab.plots.style import PALETTE

__all__ = ["rates_by_store"]


def rates_by_store(table: pd.DataFrame, *, ncols: int = 3, lang: str = "zh", title: str | None = None,
                   axes: np.ndarray | None = None) -> np.ndarray:
    """One small bar chart per rate: a bar per store, the group's rate (summed components) and the benchmark as lines.

    Parameters
    ----------
    table : DataFrame
        ``metric, name, store, value, group, benchmark`` — one row per rate × store (``name`` the rate's label,
        ``group`` repeated on each row of the rate, ``benchmark`` the store's own (its business type); NaN when unknown).
    ncols : int
        Charts per row.
    lang : {"zh", "en"}
        Language of the legend.
    title : str, optional
        Figure title.
    axes : array of Axes, optional
        Where to draw (one per rate); default a new figure.

    Returns
    -------
    numpy.ndarray of Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    check_lang(lang)
    rates = list(dict.fromkeys(table["metric"]))
    nrows = max(1, math.ceil(len(rates) / ncols))
    if axes is None:
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 2.6 * nrows), squeeze=False)
    else:
        fig = np.ravel(axes)[0].figure
    flat = np.ravel(axes)
    stores = list(dict.fromkeys(table["store"]))
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(stores)}
    for ax, metric in zip(flat, rates):
        rows = table[table["metric"] == metric]
        x = np.arange(len(rows))
        ax.bar(x, rows["value"].fillna(0), color=[colours[s] for s in rows["store"]], width=0.6)
        small = np.nanmax(rows["value"].to_numpy(dtype=float)) < 0.1 if rows["value"].notna().any() else False
        for xi, v in zip(x, rows["value"]):
            if pd.notna(v):
                ax.text(xi, v, f"{v:.1%}" if small else f"{v:.0%}", ha="center", va="bottom", fontsize=7)
        group = rows["group"].iloc[0]
        benches = rows["benchmark"].to_numpy(dtype=float)
        if pd.notna(group):
            ax.axhline(group, color="#0b3c5d", lw=1.2, label=label("group", lang))
        bench_label = label("benchmark", lang)
        if len(benches) and np.isfinite(benches).all() and np.allclose(benches, benches[0]):
            ax.axhline(benches[0], color="#c0392b", lw=1.2, ls="--", label=bench_label)
        else:  # stores of different business types: each store's own benchmark (docs/DOMAIN.md §10) over its bar
            for xi, b in zip(x, benches):
                if np.isfinite(b):
                    ax.hlines(b, xi - 0.4, xi + 0.4, color="#c0392b", lw=1.2, ls="--", label=bench_label)
        finite = benches[np.isfinite(benches)]
        bench = finite.max() if len(finite) else np.nan
        ax.set_xticks(x, [str(s) for s in rows["store"]], fontsize=8)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1 if small else 0))
        ax.tick_params(axis="y", labelsize=7)
        top = np.nanmax([rows["value"].max(), group if pd.notna(group) else 0, bench if pd.notna(bench) else 0])
        ax.set_ylim(0, (top if np.isfinite(top) and top > 0 else 1) * 1.2)
        ax.set_title(str(rows["name"].iloc[0]), fontsize=10)
    for ax in flat[len(rates):]:
        ax.axis("off")
    handles, labels = [], []
    for ax in flat[: len(rates)]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if handles:
        fig.legend(handles, labels, loc="upper right", fontsize=8, ncol=2, frameon=False)
    if title:
        fig.suptitle(title, fontsize=12, x=0.02, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.94 if (title or handles) else 1))
    return axes
