"""plot_link_matrix and plot_traffic_mix draw Chinese text without missing glyphs."""

import warnings

import pandas as pd
import pytest

from dealerlab.errors import ParameterError
from dealerlab.kpi.design import link_matrix
from dealerlab.plots.funnel import plot_traffic_mix
from dealerlab.plots.kpi import plot_link_matrix


def _draw(ax):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax.figure.canvas.draw()


def test_link_matrix_chart(chinese_style):
    cards = pd.DataFrame({"set": ["销售部", "总经理", "财务部"], "name": ["新车销量", "新车销量", "经营利润"],
                          "weight": [0.3, 0.2, 0.3]})
    ax = plot_link_matrix(link_matrix(cards))
    _draw(ax)
    texts = {t.get_text() for t in ax.texts}
    assert {"30%", "20%"} <= texts and "部门指标关联图" in ax.get_title()
    assert len(ax.patches) == 3
    ax2 = plot_link_matrix(link_matrix(cards), only_shared=True)
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["新车销量"]


def test_traffic_mix_chart(chinese_style):
    mix = pd.DataFrame({"store_id": ["S1"] * 3, "period": ["2026-10"] * 3, "source": ["自然到店", "来电邀约", "活动"],
                        "batches": [6, 3, 1], "share": [0.6, 0.3, 0.1]})
    ax = plot_traffic_mix(mix)
    _draw(ax)
    assert {"60%", "30%", "10%"} <= {t.get_text() for t in ax.texts}
    assert "来源构成" in ax.get_title()
    with pytest.raises(ParameterError):
        plot_traffic_mix(pd.concat([mix, mix.assign(store_id="S2")]))
