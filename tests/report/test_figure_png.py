"""A report chart is drawn once (dealerlab.report.html._png_drawn_once): the same picture as
``savefig(bbox_inches="tight")`` — same size, within half a pixel — and ``savefig`` itself where that does not apply."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from dealerlab.plots import set_style  # noqa: E402
from dealerlab.report import html as H  # noqa: E402


def _chart(legend_below: bool = False):
    set_style()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.barh(["张*（S01-E001）", "王**（S01-E002）", "李*（S01-E003）"], [0.8, 1.2, 0.4], label="达成率")
    ax.set_title("销售顾问日业绩进度看板")
    ax.set_xlabel("目标达成率（实际 ÷ 月目标）")
    if legend_below:  # outside the figure: the tight box reaches below it
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25))
    return fig


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)


@pytest.mark.parametrize("legend_below", [False, True])
def test_drawn_once_is_savefigs_picture(legend_below):
    buf = io.BytesIO()
    fig = _chart(legend_below)
    fig.savefig(buf, format="png", dpi=H.DPI, bbox_inches="tight")
    plt.close(fig)
    fig = _chart(legend_below)
    png = H._png_drawn_once(fig)
    plt.close(fig)
    assert png is not None
    a, b = _pixels(buf.getvalue()), _pixels(png)
    assert a.shape == b.shape
    assert np.abs(a - b).mean() < 4  # a shift below one pixel: antialiased edges only
    assert (b[..., :3] < 128).any()  # something dark is drawn (text, not an empty crop)


def test_a_figure_legend_goes_through_savefig():
    fig = _chart()
    fig.legend(["x"], loc="upper right")  # placed on the figure's box: the drawn-once box would move it
    assert H._png_drawn_once(fig) is None
    html = H.figure(fig, alt="图")
    assert html.startswith('<img class="dl-chart" alt="图" src="data:image/png;base64,')


def _titled(kind: str):
    set_style()
    fig, ax = plt.subplots(figsize=(5, 3))
    if kind == "offset":  # the y axis shows "1e7" above the Axes: the title goes over it
        ax.plot([0, 1, 2], [3.2e7, 3.5e7, 3.1e7])
        ax.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    else:
        ax.bar(["一月", "二月"], [3, 5])
    if kind == "top":  # x tick labels and label above the Axes
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        ax.set_xlabel("月份")
    ax.set_title("经营诊断 2026")
    return fig


@pytest.mark.parametrize("kind", ["plain", "top", "offset"])
def test_a_title_is_where_savefig_puts_it(kind):
    buf = io.BytesIO()
    fig = _titled(kind)
    fig.savefig(buf, format="png", dpi=H.DPI, bbox_inches="tight")
    plt.close(fig)
    fig = _titled(kind)
    png = H._png_drawn_once(fig)
    assert all(ax._autotitlepos for ax in fig.axes)  # the figure is left as it was
    plt.close(fig)
    if kind == "plain":  # matplotlib would not move it: drawn once, without measuring the axes for it
        assert png is not None
    if png is not None:
        a, b = _pixels(buf.getvalue()), _pixels(png)
        assert a.shape == b.shape
        assert np.abs(a - b).mean() < 4
