"""Exercises 08a–c (course module 8): model answers pass, typical mistakes get feedback that explains the money."""

from __future__ import annotations

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course import policy as ep


def test_cliff_case_numbers_by_hand():
    k = ep.cliff_case()
    assert k["n"] == 3  # 100 % × 120 − 117
    # VP: 2 800 × 120 + 50 000 − 1 800 × 117 = 175 400; SSI 300 and 暗访 500 on 3 more units = 2 400
    assert k["gain"] == 177_800
    assert k["breakeven"] == pytest.approx(177_800 / 3 + 7_000)
    assert k["net_at_needed"] == 177_800 + 3 * (7_000 - 15_000)  # 153 800
    assert k["next_after_pull"] == pytest.approx(118 / 118)


def test_vp_cliff_model_answer_and_mistakes(tmp_path):
    ex = ep.vp_cliff.bind(store=AnswerStore(tmp_path, trainee="测试"))
    ex.set_answer({"n": "3", "gain": "17.78万", "breakeven": "66,267", "discount": 15000, "decision": "go_old"})
    assert ex.submit().status == "correct"
    # the VP item alone (a common mistake) and 'never sell at a loss'
    fb = ep.vp_cliff.check({"n": 3, "gain": 175_400, "breakeven": 65_467, "discount": 0, "decision": "no"})
    assert fb.status == "partly"
    msgs = {f: m for f, ok, m in fb.details if not ok}
    assert "SSI" in msgs["gain"] and "153,800" in msgs["decision"]
    assert "177,800" in fb.explanation and "66,267" in fb.explanation
    # the slider shows the month's result at any discount
    assert "多挣 **153,800 元**" in ep._net(15_000)
    assert "亏" in ep._net(80_000)


def test_stock_age_table_and_answers(tmp_path):
    t = ep.stock_table()
    assert t.set_index("车型").loc["君越", ">90天"] == 4  # 95, 101, 130, 152 days
    assert t.set_index("车型").loc["GL8", "库存深度(天)"] == 123  # 12 ÷ (9 ÷ 92)
    ex = ep.stock_age.bind(store=AnswerStore(tmp_path, trainee="测试"))
    ex.set_answer({"slow": ["君越", "GL8"], "old_capital": "82万", "old_cost": "4100", "action": "targeted"})
    assert ex.submit().status == "correct"
    fb = ep.stock_age.check({"slow": ["君越"], "old_capital": 820_000, "old_cost": 49_200, "action": "order_more"})
    msgs = {f: m for f, ok, m in fb.details if not ok}
    assert "GL8" in msgs["slow"] and "÷ 12" in msgs["old_cost"] and "资金成本" in msgs["action"]


def test_call_off_orders(tmp_path):
    plan = ep.call_off_case().set_index("model")["order"].to_dict()
    assert plan == {"英朗": 47, "君威": 15, "君越": 27, "GL8": 0}  # 30 + 45 − 28; 20 + 30 − 35; 18 + 27 − 18; 4 + 6 − 12 < 0
    ex = ep.call_off.bind(store=AnswerStore(tmp_path, trainee="测试"))
    ex.set_answer({"order": {m: {"order": str(v)} for m, v in plan.items()}})
    assert ex.submit().status == "correct"
    fb = ep.call_off.check({"order": {"英朗": {"order": 30}, "君威": {"order": 15}, "君越": {"order": 27}, "GL8": {"order": -2}}})
    assert fb.status == "partly"
    assert any("不订" in m for _f, ok, m in fb.details if not ok)
