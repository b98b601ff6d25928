"""HTML building blocks of the report. Every client string goes through :func:`esc` (no markup from data ever)."""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterable, Sequence

import pandas as pd

__all__ = ["esc", "Html", "table", "kpi_cards", "figure", "reading", "missing", "h2", "h3", "fmt_value"]


def esc(value) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


class Html:
    """A fragment of trusted HTML that Jupyter displays (``_repr_html_``) and tests can read (``str``)."""

    def __init__(self, parts: "Iterable[str | Html] | str" = ()) -> None:
        items = [parts] if isinstance(parts, str) else list(parts)
        self.parts = [str(p) for p in items]

    def __add__(self, other: "Html | str") -> "Html":
        return Html(self.parts + (other.parts if isinstance(other, Html) else [other]))

    def append(self, part: "Html | str") -> None:
        self.parts.extend(part.parts if isinstance(part, Html) else [part])

    def __str__(self) -> str:
        return "".join(self.parts)

    def _repr_html_(self) -> str:
        return str(self)


def fmt_value(value, unit: str = "count", lang: str = "zh") -> str:
    """Format a figure for display: rates as %, money with thousands separators, NaN as 无法计算/n.a."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "无法计算" if lang == "zh" else "n.a."
    if unit == "rate":
        return f"{value:.1%}"
    if unit == "money":
        return f"{value:,.0f}"
    if unit == "index":
        return f"{value:.0f}"
    if unit == "days":
        return f"{value:.1f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def h2(text: str, anchor: str = "") -> str:
    aid = f' id="{esc(anchor)}"' if anchor else ""
    return f'<h2 class="dl-h2"{aid}>{esc(text)}</h2>'


def h3(text: str) -> str:
    return f'<h3 class="dl-h3">{esc(text)}</h3>'


def reading(text: str) -> str:
    """A plain-language reading of the section (escaped; blank lines become paragraphs)."""
    paras = [p.strip() for p in str(text).split("\n\n") if p.strip()]
    return '<div class="dl-reading">' + "".join(f"<p>{esc(p)}</p>" for p in paras) + "</div>"


def missing(text: str) -> str:
    return f'<div class="dl-missing">{esc(text)}</div>'


def table(frame: pd.DataFrame, *, numeric_formats: dict[str, str] | None = None, max_rows: int = 60) -> str:
    """An escaped HTML table. ``numeric_formats`` maps column → unit for :func:`fmt_value`."""
    numeric_formats = numeric_formats or {}
    frame = frame.head(max_rows)
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col in frame.columns:
            v = row[col]
            missing = v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
            if missing and (col in numeric_formats or isinstance(v, float)):
                cells.append('<td class="num">—</td>')  # not available: the reason is in the data-quality appendix
            elif col in numeric_formats:
                cells.append(f'<td class="num">{esc(fmt_value(v, numeric_formats[col]))}</td>')
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(f'<td class="num">{esc(fmt_value(v))}</td>')
            else:
                cells.append(f"<td>{esc('' if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="dl-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def kpi_cards(cards: Sequence[dict], *, lang: str = "zh") -> str:
    """Cards of ``{"name", "value", "unit", "benchmark", "status", "metric"}``; ``data-metric`` carries the id."""
    out = []
    for c in cards:
        status = c.get("status") or ""
        bench = c.get("benchmark")
        bench_txt = ""
        if bench is not None and not (isinstance(bench, float) and math.isnan(bench)):
            bench_txt = f'<div class="dl-kpi-bench">{"标杆" if lang == "zh" else "benchmark"} {esc(fmt_value(bench, c.get("unit", "count"), lang))}</div>'
        out.append(
            f'<div class="dl-kpi" data-metric="{esc(c.get("metric", ""))}">'
            f'<div class="dl-kpi-name">{esc(c["name"])}</div>'
            f'<div class="dl-kpi-value dl-{esc(status)}">{esc(fmt_value(c["value"], c.get("unit", "count"), lang))}</div>'
            f"{bench_txt}</div>"
        )
    return '<div class="dl-kpis">' + "".join(out) + "</div>"


def figure(fig, *, alt: str = "") -> str:
    """A matplotlib figure as an inline PNG (the figure is closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img class="dl-chart" alt="{esc(alt)}" src="data:image/png;base64,{data}"/>'
