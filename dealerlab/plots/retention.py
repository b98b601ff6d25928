"""Charts of course module 9 (customer relations and retention): the first-service return by invoice month.

Drawing only: every function takes a table computed by :mod:`dealerlab.retention` and an optional ``ax``, and returns
the Axes. Call :func:`dealerlab.plots.style.set_style` first so Chinese labels render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._options import check_lang
from dealerlab.i18n import Catalogue
from dealerlab.plots.style import PALETTE, get_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["first_service_bars"]

_T = Catalogue.load("plots/retention")


def first_service_bars(table: pd.DataFrame, *, ax: Axes | None = None, line: float | None = None,
                       lang: str = "zh") -> Axes:
    """Stacked bars of the new cars of each invoice month (back for the first service / not back) with the month's
    first-service rate on a second axis.

    Parameters
    ----------
    table : DataFrame
        :func:`dealerlab.retention.first_service_cohorts` (``invoice_month, sold, returned, rate``).
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure).
    line : float, optional
        A standard (0–1) drawn as a dashed line on the rate axis.
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib Axes
        The bars' axes (the rate axis is its twin).
    """
    check_lang(lang)
    ax = get_axes(ax, size=(8, 4.2))
    if table is None or not len(table):
        ax.text(0.5, 0.5, _T.get("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    x = np.arange(len(table))
    back = table["returned"].to_numpy(dtype=float)
    lost = table["sold"].to_numpy(dtype=float) - back
    ax.bar(x, back, color=PALETTE[0], label=_T.get("returned", lang))
    ax.bar(x, lost, bottom=back, color="#c9ced6", label=_T.get("lost", lang))
    ax.set_xticks(x, table["invoice_month"].astype(str).tolist())
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(_T.get("units", lang))
    ax.set_title(_T.get("title", lang))
    rate_ax = ax.twinx()
    rate = table["rate"].to_numpy(dtype=float)
    rate_ax.plot(x, rate, color=PALETTE[1], marker="o", label=_T.get("rate", lang))
    for xi, r in zip(x, rate):
        if np.isfinite(r):
            rate_ax.annotate(f"{r:.0%}", (xi, r), textcoords="offset points", xytext=(0, 7), ha="center",
                             fontsize=9, color=PALETTE[1],
                             bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
    if line is not None:
        rate_ax.axhline(line, color="#c0392b", linestyle="--", linewidth=1, label=_T.get("line", lang, line=line))
    rate_ax.set_ylim(0, 1.1)
    rate_ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    rate_ax.set_ylabel(_T.get("rate", lang))
    rate_ax.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = rate_ax.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, frameon=False, fontsize=9)
    return ax
