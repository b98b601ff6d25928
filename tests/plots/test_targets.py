"""Charts of course module 1 draw what the tables say (and Chinese renders without missing-glyph warnings)."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

from dealerlab.plots.style import STATUS_COLORS
from dealerlab.plots.targets import plot_amount_rate, plot_decomposition, plot_progress_board, plot_rebalance
from dealerlab.targets import amount_rate_matrix, rebalance_weeks, split_year


@pytest.fixture
def board():
    return pd.DataFrame(
        {
            "staff_id": ["A", "B", "C"],
            "target": [10.0, 8.0, np.nan],
            "actual": [6.0, 2.0, 3.0],
            "achievement": [0.6, 0.25, np.nan],
            "time_progress": [0.5, 0.5, 0.5],
        }
    )


def _same(c1, c2):
    return np.allclose(mcolors.to_rgba(c1), mcolors.to_rgba(c2))


def test_progress_board(chinese_style, board):
    ax = plot_progress_board(board)
    assert ax.get_title() == "销售顾问日业绩进度看板"
    # the time-progress line sits at 50 %
    assert any(np.allclose(line.get_xdata(), [0.5, 0.5]) for line in ax.get_lines())
    bars = ax.patches[3:]  # first 3 = grey 100 % bars, then the achievement bars (top to bottom: A, B, C)
    assert [round(b.get_width(), 2) for b in bars] == [0.6, 0.25, 0.0]
    assert _same(bars[0].get_facecolor(), STATUS_COLORS["good"])  # 60 % ≥ 50 %
    assert _same(bars[1].get_facecolor(), STATUS_COLORS["bad"])  # 25 % < 50 %
    texts = [t.get_text() for t in ax.texts]
    assert "6 / 10  (60%)" in texts and "3 · 无目标" in texts and "时间进度 50%" in texts
    ax.figure.canvas.draw()


def test_decomposition_waterfall(chinese_style):
    t = split_year(1200, year=2026, last_year=[1] * 12)
    ax = plot_decomposition(t, title="年度目标分解")
    bars = ax.patches
    assert len(bars) == 13
    assert bars[-1].get_height() == 1200  # the total bar
    assert bars[1].get_y() == 100  # February starts where January ends
    assert ax.get_xticklabels()[-1].get_text() == "合计"
    ax.figure.canvas.draw()


def test_amount_rate_scatter(chinese_style):
    team = pd.DataFrame(
        {"staff_id": ["P", "Q", "R", "S"], "actual": [10.0, 2.0, 12.0, 3.0], "achievement": [1.2, 1.1, 0.7, 0.5]}
    )
    ax = plot_amount_rate(amount_rate_matrix(team))
    offsets = ax.collections[0].get_offsets()
    assert len(offsets) == 4
    texts = {t.get_text() for t in ax.texts}
    assert {"高额高率·明星", "低额低率·需辅导", "低额高率·目标偏低", "高额低率·目标偏高"} <= texts
    # median lines at 6.5 and 0.9
    xs = [line.get_xdata()[0] for line in ax.get_lines()]
    assert 6.5 in xs
    ax.figure.canvas.draw()


def test_rebalance_bars(chinese_style):
    ax = plot_rebalance(rebalance_weeks([25000] * 4, [17500]))
    heights = [round(p.get_height()) for p in ax.patches]
    assert heights[4:8] == [25000, 27500, 27500, 27500]  # adjusted targets after week 1
    assert "2.75万" in [t.get_text() for t in ax.texts]
    ax.figure.canvas.draw()


def test_english_labels(chinese_style, board):
    ax = plot_progress_board(board, lang="en")
    assert ax.get_title() == "Daily progress board"


def test_tree_icicle_children_under_parents(chinese_style):
    from dealerlab.plots.targets import plot_tree
    from dealerlab.targets import onion_peel

    mix = pd.DataFrame({"model": ["轿车", "轿车", "SUV", "SUV"], "staff_id": ["S01-A", "S01-B", "S01-A", "S01-B"], "units": [3, 1, 1, 1]})
    layers = onion_peel(mix, total=10, levels=["model", "staff_id"], weight="units")
    ax = plot_tree(layers, title="车型 × 顾问")
    boxes = [(round(p.get_x(), 6), round(p.get_width(), 6), round(p.get_y(), 2)) for p in ax.patches]
    # top box 10 wide; level 1: 轿车 7 at 0, SUV 3 at 7; level 2: 5 and 2 under 轿车, 2 and 1 under SUV
    assert boxes[0][:2] == (0.0, 10.0)
    assert [b[:2] for b in boxes[1:3]] == [(0.0, 7.0), (7.0, 3.0)]
    assert [b[:2] for b in boxes[3:]] == [(0.0, 5.0), (5.0, 2.0), (7.0, 2.0), (9.0, 1.0)]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["合计", "model", "staff_id"]
    ax.figure.canvas.draw()
