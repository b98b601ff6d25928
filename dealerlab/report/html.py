"""HTML building blocks of the report. Every client string goes through :func:`esc` (no markup from data ever)."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence

import pandas as pd

from dealerlab.i18n import Catalogue
from dealerlab.report import labels
from dealerlab.report.fmt import fmt, fmt_delta, is_missing

__all__ = ["esc", "css_string", "Html", "table", "kpi_cards", "figure", "reading", "missing", "h2", "h3", "fmt_value", "sparkline"]

_MSG = Catalogue.load("report/html")


def esc(value) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def css_string(value) -> str:
    """A CSS string literal of any text: every character that is not a letter or digit is a CSS escape, so client
    text can never close the string or the ``<style>`` element."""
    text = "" if value is None else str(value)
    return '"' + "".join(ch if ch.isalnum() and ch.isprintable() else f"\\{ord(ch):06x}" for ch in text) + '"'


class Html:
    """A fragment of trusted HTML that Jupyter displays (``_repr_html_``) and tests can read (``str``)."""

    def __init__(self, parts: Iterable[str | Html] | str = ()) -> None:
        items = [parts] if isinstance(parts, str) else list(parts)
        self.parts = [str(p) for p in items]

    def __add__(self, other: Html | str) -> Html:
        return Html(self.parts + (other.parts if isinstance(other, Html) else [other]))

    def append(self, part: Html | str) -> None:
        self.parts.extend(part.parts if isinstance(part, Html) else [part])

    def __str__(self) -> str:
        return "".join(self.parts)

    def _repr_html_(self) -> str:
        return str(self)


def fmt_value(value, unit: str = "count", lang: str = "zh") -> str:
    """Format a figure for display (:func:`dealerlab.report.fmt.fmt`: money in 元/万元, rates in %, counts whole)."""
    return fmt(value, unit, lang)


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


def table(
    frame: pd.DataFrame,
    *,
    numeric_formats: dict[str, str] | None = None,
    max_rows: int = 60,
    lang: str = "zh",
    median_rows: Sequence[int] = (),
) -> str:
    """An escaped HTML table whose headers and categories go through the label catalogue.

    ``numeric_formats`` maps a column (its id or its label) to a unit of :func:`dealerlab.report.fmt.fmt`; other
    numbers are whole counts, or shown with one decimal when not whole. Column ids are labelled with
    :func:`dealerlab.report.labels.col` and text categories with :func:`~dealerlab.report.labels.value_label`
    (English names in ``lang="en"``). Rows listed in ``median_rows`` are medians (a count keeps one decimal).
    """
    numeric_formats = numeric_formats or {}
    frame = frame.head(max_rows)
    head = "".join(f"<th>{esc(labels.col(c, lang) if isinstance(c, str) else c)}</th>" for c in frame.columns)
    rows = []
    for i, (_, row) in enumerate(frame.iterrows()):
        cells = []
        for col in frame.columns:
            v = row[col]
            unit = numeric_formats.get(col) or numeric_formats.get(labels.col(col, lang) if isinstance(col, str) else col)
            missing = not isinstance(v, Html) and is_missing(v)
            if isinstance(v, Html):  # trusted markup built by the report (a figure with its sparkline)
                cells.append(f'<td class="num">{v}</td>')
            elif missing and (unit or isinstance(v, float)):
                cells.append('<td class="num">—</td>')  # not available: the reason is in the data-quality appendix
            elif unit and isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(f'<td class="num">{esc(fmt(v, unit, lang, median=i in median_rows))}</td>')
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                u = "count" if float(v).is_integer() else "decimal"
                cells.append(f'<td class="num">{esc(fmt(v, u, lang))}</td>')
            else:
                cells.append(f"<td>{esc('' if missing else labels.value_label(v, lang))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="dl-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def sparkline(values: Sequence[float], *, width: int = 90, height: int = 22, title: str = "") -> str:
    """A small inline SVG line of ``values`` (NaN gaps skipped; the last point marked). Empty when < 2 values."""
    pts = [(i, float(v)) for i, v in enumerate(values) if not is_missing(v)]
    if len(pts) < 2:
        return ""
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    span = (hi - lo) or 1.0
    n = max(len(values) - 1, 1)
    xy = [(2 + (width - 4) * i / n, height - 3 - (height - 6) * (v - lo) / span) for i, v in pts]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    x, y = xy[-1]
    tip = f"<title>{esc(title)}</title>" if title else ""
    return (f'<svg class="dl-spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">{tip}'
            f'<polyline fill="none" stroke="#0173b2" stroke-width="1.5" points="{line}"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="#0b3c5d"/></svg>')


def kpi_cards(cards: Sequence[dict], *, lang: str = "zh") -> str:
    """Cards of ``{"name", "value", "unit", "benchmark", "status", "metric"}`` and optionally ``mom``, ``yoy`` (changes)
    and ``spark`` (the recent months' values); ``data-metric`` carries the id."""
    out = []
    for c in cards:
        status = c.get("status") or ""
        unit = c.get("unit", "count")
        bench = c.get("benchmark")
        bench_txt = ""
        if not is_missing(bench):
            bench_txt = f'<div class="dl-kpi-bench">{_MSG.get("benchmark", lang)} {esc(fmt(bench, unit, lang))}</div>'
        deltas = []
        for key in ("mom", "yoy"):
            d = fmt_delta(c.get(key), unit, lang, ref=c.get("value"))
            if d:
                deltas.append(f'<span class="dl-delta">{esc(labels.col(key, lang))} {esc(d)}</span>')
        delta_txt = f'<div class="dl-kpi-deltas">{" ".join(deltas)}</div>' if deltas else ""
        spark = sparkline(c.get("spark") or [], title=labels.col("trend6", lang))
        out.append(
            f'<div class="dl-kpi" data-metric="{esc(c.get("metric", ""))}">'
            f'<div class="dl-kpi-name">{esc(c["name"])}</div>'
            f'<div class="dl-kpi-value dl-{esc(status)}">{esc(fmt(c["value"], unit, lang))}</div>'
            f"{bench_txt}{delta_txt}{spark}</div>"
        )
    return '<div class="dl-kpis">' + "".join(out) + "</div>"


#: resolution of the report's charts
DPI = 120
#: room drawn around a chart for what lies outside its figure (long labels, a legend below), inches; a chart reaching
#: further is saved by ``savefig`` itself
_MARGIN = 1.0


def _titles_left_in_place(fig) -> list:
    """The Axes of ``fig`` whose titles are drawn where they are set, without matplotlib's automatic title placement.

    Before drawing a title, matplotlib measures the Axes' x and y axes (every tick label) to lift the title above
    what may stand over the Axes: x tick labels or an x label on top, the y axis' offset text (``1e6``). For a plain
    Axes (rectilinear, no child or aligned Axes) that placement is switched off here; :func:`_titles_in_place_held`
    checks after the drawing that nothing stood above it. Returns the Axes switched off (switch them on again after).
    """
    plain = []
    for ax in fig.axes:
        if (getattr(ax, "_autotitlepos", None) is True and ax.name == "rectilinear" and not ax.child_axes
                and len(fig._align_label_groups["title"].get_siblings(ax)) == 1):
            ax._autotitlepos = False
            plain.append(ax)
    return plain


def _titles_in_place_held(axes: list, renderer) -> bool:
    """Whether the drawn titles of ``axes`` (see :func:`_titles_left_in_place`) are where matplotlib's automatic
    placement would have left them: nothing above the Axes (x tick labels or x label on top, a y offset text) and each
    title clear of the Axes' top edge."""
    for ax in axes:
        for sib in ax._twinned_axes.get_siblings(ax):
            if sib.xaxis.get_label_position() == "top" and sib.xaxis.label.get_text():
                return False
            if any(t.label2.get_visible() for t in (*sib.xaxis.majorTicks, *sib.xaxis.minorTicks)):
                return False
            if sib.yaxis.offsetText.get_visible() and sib.yaxis.offsetText.get_text():
                return False
        top = ax.get_window_extent(renderer).ymax
        for title in (ax.title, ax._left_title, ax._right_title):
            if title.get_text() and title.get_window_extent(renderer).ymin < top:
                return False
    return True


def _png_drawn_once(fig, dpi: int = DPI) -> bytes | None:
    """``fig.savefig(format="png", dpi=dpi, bbox_inches="tight")`` with one drawing instead of two.

    ``savefig`` with a tight bounding box lays the whole figure out once to measure it, then draws it cropped to that
    box. Here the figure is drawn once, with :data:`_MARGIN` of room around it (matplotlib's own bounding-box
    adjustment, shifted by whole pixels), measured on that drawing and cropped to the padded tight box: the same
    chart, placed within half a pixel of where ``savefig`` puts it. None (the caller uses ``savefig``) for a figure
    this does not cover: a layout engine, figure-level legends or images, sub-figures, or a box beyond the margin.
    """
    import matplotlib as mpl
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    try:  # the function savefig itself uses to crop a figure (private: another matplotlib may not have it)
        from matplotlib._tight_bbox import adjust_bbox
    except ImportError:  # pragma: no cover
        return None

    if fig.get_layout_engine() is not None or fig.legends or fig.images or fig.subfigs:
        return None
    rc = mpl.rcParams
    if not all(str(rc[f"savefig.{k}"]) == "auto" for k in ("facecolor", "edgecolor")):
        return None
    pad = rc["savefig.pad_inches"]
    if not isinstance(pad, (int, float)):
        return None
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    width, height = fig.get_size_inches()
    room = Bbox.from_extents(-_MARGIN, -_MARGIN, width + _MARGIN, height + _MARGIN)
    restore = adjust_bbox(fig, room, canvas.get_renderer(), dpi)
    in_place = _titles_left_in_place(fig)
    try:
        canvas.draw()
        box = fig.get_tightbbox(canvas.get_renderer()).padded(pad)  # inches from the room's lower left corner
        held = _titles_in_place_held(in_place, canvas.get_renderer())
    finally:
        for ax in in_place:
            ax._autotitlepos = True
        restore()
    if not held:  # something stood above an Axes: matplotlib must place its title
        return None
    drawn = np.asarray(canvas.buffer_rgba())
    full_h, full_w = drawn.shape[:2]
    x0, y0, x1, y1 = (v * dpi for v in box.extents)
    if x0 < 0 or y0 < 0 or x1 > full_w or y1 > full_h:
        return None
    w, h = int(box.width * dpi), int(box.height * dpi)  # the size savefig gives the cropped figure
    left = min(int(round(x0)), full_w - w)
    top = max(full_h - int(round(y0)) - h, 0)  # savefig keeps the bottom edge (its height is rounded down)
    pixels = drawn[top:top + h, left:left + w]
    buf = io.BytesIO()
    mpl.image.imsave(buf, pixels, format="png", origin="upper", dpi=dpi)
    return buf.getvalue()


def figure(fig, *, alt: str = "") -> str:
    """A matplotlib figure as an inline PNG (the figure is closed): the figure's tight bounding box at :data:`DPI`,
    drawn once (:func:`_png_drawn_once`, else ``savefig``)."""
    import matplotlib.pyplot as plt

    png = _png_drawn_once(fig)
    if png is None:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
        png = buf.getvalue()
    plt.close(fig)
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="dl-chart" alt="{esc(alt)}" src="data:image/png;base64,{data}"/>'
