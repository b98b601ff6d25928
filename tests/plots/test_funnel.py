"""Funnel charts draw from the computed tables and return their Axes (Chinese labels must render)."""

from __future__ import annotations

import pytest

from dealerlab.errors import ParameterError
from dealerlab.funnel import diagnose, funnel_counts, funnel_rates
from dealerlab.plots.funnel import consultant_heatmap, funnel_chart, gap_bars, trend_chart
from tests.funnel.test_funnel import M, tiny_dataset


@pytest.fixture
def tables():
    ds = tiny_dataset()
    counts = funnel_counts(ds, periods=["2026-09", M])
    rates = funnel_rates(ds, periods=["2026-09", M])
    return ds, counts.merge(rates, on=["store_id", "period"]), rates


def test_funnel_chart_writes_counts_rates_and_benchmark_marks(chinese_style, tables):
    _, wide, _ = tables
    ax = funnel_chart(wide, store_id="S1", period=M)
    texts = [t.get_text() for t in ax.texts]
    # FV + FC = 8, W + C = 4, W + CV = 4, TD = 3, S_room = 2; capture 50% below its 70% benchmark
    assert {"8", "4", "3", "2"} <= set(texts)
    assert any(t.startswith("信息留存率 50%") and "标杆 70%" in t for t in texts)
    assert len(ax.lines) == 8  # two ▲ per linked bar, four links
    ax.figure.canvas.draw()
    with pytest.raises(ParameterError):
        funnel_chart(wide, store_id="S1")


def test_trend_gap_and_heatmap(chinese_style, tables):
    ds, _, rates = tables
    ax = trend_chart(rates, store_id="S1")
    assert len(ax.get_lines()) >= 5
    d = diagnose(ds, period=M, stores=["S1"])
    ax = gap_bars(d)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "信息留存率" in labels and not any("★" in t for t in labels)  # tiny cohort: no money, no bottleneck
    from tests.funnel.test_paths import cohort_dataset

    ax = gap_bars(diagnose(cohort_dataset(), period=M, stores=["P"]))
    assert "成交率 ★" in [t.get_text() for t in ax.get_yticklabels()]  # the bottleneck is starred
    staff = funnel_rates(ds, periods=[M], by_staff=True)
    ax = consultant_heatmap(staff, lang="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C"]
    ax.figure.canvas.draw()
