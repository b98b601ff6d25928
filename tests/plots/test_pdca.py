"""PDCA charts draw what the tables say (Chinese labels render: missing glyphs fail through filterwarnings)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dealerlab.pdca import p_chart, run_chart
from dealerlab.plots import pdca as pp
from dealerlab.plots.style import STATUS_COLORS


@pytest.fixture
def pc():
    data = pd.DataFrame(
        {"period": ["2026-01", "2026-02", "2026-03", "2026-04"], "events": [10, 30, 2, 18], "n": [500] * 4}
    )
    return p_chart(data)


def test_p_chart_marks_special_causes(chinese_style, pc):
    ax = pp.plot_p_chart(pc, mark="2026-03", title="返修率")
    # the red scatter holds exactly the two points beyond the limits (2026-02 high, 2026-03 low)
    red = [c for c in ax.collections if c.get_offsets().shape[0] == 2]
    assert red and np.allclose(np.asarray(red[0].get_offsets())[:, 0], [1, 2])
    assert ax.get_title() == "返修率"
    assert any(t.get_text() == "对策实施" for t in ax.texts)
    ax.figure.canvas.draw()


def test_run_chart_and_booth_and_paint(chinese_style):
    r = run_chart(pd.DataFrame({"period": [f"P{i}" for i in range(7)], "value": [0.1] * 6 + [0.0]}))
    ax = pp.plot_run_chart(r)
    assert ax.get_title() == "趋势图（推移图）"
    booth = pd.DataFrame({"store_id": ["S01", "S01", "S02", "S02"], "period": ["2026-09", "2026-10"] * 2,
                          "value": [0.75, 0.74, 0.5, 0.49]})  # fmt: skip
    ax = pp.plot_booth_utilisation(booth)
    assert any(abs(line.get_ydata()[0] - 0.6) < 1e-9 for line in ax.lines if len(line.get_ydata()) == 2)
    paint = pd.DataFrame({"store_id": ["S02"] * 3, "crew_band": ["大班组(≥4人)"] * 3, "damage_class": ["大", "中", "小"],
                          "mean_days": [9.7, 5.2, 4.2], "orders": [1, 2, 3]})  # fmt: skip
    ax = pp.plot_paint_shop(paint)
    assert [round(p.get_height(), 1) for p in ax.patches] == [9.7, 5.2, 4.2]
    ax.figure.canvas.draw()


def test_cadence_board_and_styler(chinese_style):
    table = pd.DataFrame(
        {
            "key": ["first_time_fix", "complaints"],
            "item": ["一次修复率", "客户投诉（苦情）"],
            "每日": [True, False],
            "每周": [True, False],
            "即时": [False, True],
            "每月": [True, True],
            "value": [0.97, 3.0],
            "target": [0.95, np.nan],
            "benchmark": ["良好 ≥ 95%", "即时上报"],
            "status": ["good", "bad"],
        }
    )
    ax = pp.plot_cadence_board(table)
    texts = [c.get_text().get_text() for c in ax.tables[0].get_celld().values()]
    assert "97.0%" in texts and "异常" in texts and "良好" in texts
    html = pp.style_cadence(table).to_html()
    assert "异常" in html and STATUS_COLORS["bad"] in html
    ax.figure.canvas.draw()


def test_p_chart_can_hide_the_answers(chinese_style, pc):
    ax = pp.plot_p_chart(pc, mark_signals=False)
    assert not [c for c in ax.collections if c.get_offsets().shape[0] == 2]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "中心线 p̄" in legend and not any("%" in t for t in legend if t.startswith("中心线"))
