"""link_matrix and screen_kpis (dealerlab.kpi.design): hand-computed answers."""

import pandas as pd
import pytest

from dealerlab.errors import ParameterError
from dealerlab.kpi.design import link_matrix, screen_kpis
from dealerlab.kpi.library import library


def test_link_matrix_small():
    cards = pd.DataFrame({"set": ["销售部", "销售部", "财务部", "总经理", "总经理"],
                          "name": ["新车销量", "单车毛利", "经营利润", "新车销量", "经营利润"],
                          "weight": [0.6, 0.4, 1.0, 0.5, 0.5]})
    m = link_matrix(cards)
    assert list(m.index) == ["新车销量", "经营利润", "单车毛利"]       # shared first, then order given
    assert m.loc["新车销量", "销售部"] == 0.6 and m.loc["新车销量", "财务部"] == 0.0
    assert m["n_sets"].tolist() == [2, 2, 1] and m["shared"].tolist() == [True, True, False]


def test_link_matrix_library_departments():
    depts = ["销售部", "市场部", "售后部", "财务部", "客服(CRM)", "总经理"]
    m = link_matrix(library(), sets=depts)
    assert list(m.columns[:6]) == depts
    # 市场占有率 is on 销售部, 市场部 (0.15 each) and 总经理 (0.10)'s cards: three owners
    assert m.loc["市场占有率", "n_sets"] == 3 and m.loc["市场占有率", "总经理"] == pytest.approx(0.10)
    assert m.loc["CSI指数", "n_sets"] == 2 and not m.loc["展厅客流量", "shared"]


def test_screen_kpis_hand_computed():
    c = pd.DataFrame({"name": ["A", "B", "C"], "strategy": [5, 3, 2], "measurable": [4, 5, 5],
                      "controllable": [3, 4, 2], "data": [4, 5, 5]})
    s = screen_kpis(c)
    # A 0.4×5+0.2×4+0.2×3+0.2×4 = 4.2; B 1.2+1+0.8+1 = 4.0; C 0.8+1+0.4+1 = 3.2
    assert s["name"].tolist() == ["A", "B", "C"] and s["score"].tolist() == [4.2, 4.0, 3.2]
    assert s["keep"].tolist() == [True, True, False] and s["rank"].tolist() == [1, 2, 3]
    assert screen_kpis(c, keep=1)["keep"].tolist() == [True, False, False]
    s2 = screen_kpis(c, criteria={"strategy": 0.5, "data": 0.5}, threshold=4.5)
    assert s2.set_index("name")["score"].to_dict() == {"A": 4.5, "B": 4.0, "C": 3.5}
    assert s2["keep"].tolist() == [True, False, False]


def test_screen_kpis_bad_input():
    c = pd.DataFrame({"name": ["A"], "strategy": [6], "measurable": [4], "controllable": [3], "data": [4]})
    with pytest.raises(ParameterError, match="第 1 行（A）"):
        screen_kpis(c)
    with pytest.raises(ParameterError, match="100%"):
        screen_kpis(c.assign(strategy=5), criteria={"strategy": 0.5, "data": 0.4})
    with pytest.raises(ParameterError, match="measurable"):
        screen_kpis(c.drop(columns="measurable"))
