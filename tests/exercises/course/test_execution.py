"""Exercises of course module 10 (dealerlab.exercises.course.execution): checks set through the widgets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course.execution import (
    _LEVER_OF,
    EXERCISES,
    FOUR_ITEMS,
    ROLE_TASKS,
    SIX_S_ITEMS,
    THREE_NO_CASES,
    audit_numbers,
    daily_case_numbers,
    daily_close_case,
    headcount_needed,
    six_s_4,
    three_no,
)

NOTE = "15日收市：今天1台，累计24/60台，达成率40%，时间进度53%。原因：节后邀约不足。明天晨会销售经理负责把剩余目标分到每位顾问，明天下班前复查。"


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试")


def test_ids_unique_and_prefixed():
    ids = [e.id for e in EXERCISES]
    assert len(set(ids)) == 4 and all(i.startswith("10") for i in ids)


def _three_no_answer():
    return {"diagnosis": {k: w for k, (_t, w) in THREE_NO_CASES.items()},
            "lever": {k: _LEVER_OF[w] for k, (_t, w) in THREE_NO_CASES.items()}, "principle": "b", "gm": "b"}


def test_three_no_model_and_mistakes(store):
    ex = three_no.bind(store=store)
    ex.set_answer(_three_no_answer())
    assert ex.submit().status == "correct"
    # the classic mistake: case 2 (no staff at the weekend peak) read as unwillingness and punished
    a = _three_no_answer()
    a["diagnosis"]["c2"], a["lever"]["c2"] = "will", "reward"
    fb = three_no.check(a)
    msgs = {n: m for n, ok, m in fb.details if not ok}
    assert fb.status == "partly" and "案例 2" in msgs["diagnosis"] and "问题出在诊断上" in msgs["lever"]
    assert three_no.check({}).status == "wrong"


def test_six_s_4_model_and_one_wrong(store):
    good = {"six": {k: s for k, (_t, s) in SIX_S_ITEMS.items()}, "four": {k: s for k, (_t, s) in FOUR_ITEMS.items()},
            "roles": {k: s for k, (_t, s) in ROLE_TASKS.items()}, "audit_total": "72.2%", "audit_weakest": "清洁",
            "headcount": {k: {"needed": str(v)} for k, v in headcount_needed().items()}}
    ex = six_s_4.bind(store=store)
    ex.set_answer(good)
    assert ex.submit().status == "correct"
    bad = dict(good, six=dict(good["six"], s4="清扫"), audit_total=13 / 18,
               headcount={k: {"needed": float(v)} for k, v in headcount_needed().items()})  # 突击填表 is 清洁 (keeping it up), not 清扫
    msgs = {n: m for n, ok, m in six_s_4.check(bad).details if not ok}
    assert list(msgs) == ["six"] and "第 4 项" in msgs["six"]
    # the audit: (2 + 1 + 2 + 1 + 2 + 0 + 2 + 1 + 2) / (9 × 2) = 13 / 18; 清洁 scores 0 of 2
    assert audit_numbers() == {"total": pytest.approx(13 / 18), "weakest": "清洁"}
    bad = dict(good, audit_total=13 / 9, audit_weakest="整理",
               headcount={k: {"needed": float(v)} for k, v in headcount_needed().items()})
    msgs = {n: m for n, ok, m in six_s_4.check(bad).details if not ok}
    assert set(msgs) == {"audit_total", "audit_weakest"}
    # headcount: 120 / 12 = 10, 90 / 9.5 = 9.47 → 10 (rounded up), 70 / 14 = 5; rounding B down is named
    assert headcount_needed() == {"A": 10, "B": 10, "C": 5}
    down = dict(good, audit_total=13 / 18, headcount={"A": {"needed": 10.0}, "B": {"needed": 9.0}, "C": {"needed": 5.0}})
    msgs = {n: m for n, ok, m in six_s_4.check(down).details if not ok}
    assert list(msgs) == ["headcount"] and "向上取整" in msgs["headcount"] and "B 店" in msgs["headcount"]


def test_three_no_gm_question():
    a = _three_no_answer()
    a["gm"] = "a"  # the GM sells on the floor himself
    msgs = {n: m for n, ok, m in three_no.check(a).details if not ok}
    assert list(msgs) == ["gm"] and "指导者" in msgs["gm"]


def test_daily_close_numbers_by_hand():
    n = daily_case_numbers()
    # 1–15 Oct 2026 on default weights: 7 × 1.8 + 6 × 1.0 + 2 × 1.6 = 21.8 of 40.8
    assert n["time_progress"] == pytest.approx(21.8 / 40.8)
    assert n["sold"] == 24 and n["achievement"] == pytest.approx(24 / 60)
    # 36 left over 19.0 of weight; the 16th (Friday) weighs 1.0 → 36 / 19 = 1.89
    assert n["next_target"] == pytest.approx(36 / 19)
    # 5 hires, 甲 (day 25) and 丙 (day 60) left within 90 days → 2 / 5
    assert n["dropout_rate"] == pytest.approx(0.4)


def test_daily_close_via_widgets(store):
    ex = daily_close_case.bind(store=store)
    ex.set_answer({"time_progress": "53.4%", "achievement": "40%", "next_target": "2", "dropout_rate": "40%", "note": NOTE})
    assert ex.submit().status == "correct"
    # office days (7 / 18) named; a note without owner and time gets the missing elements listed
    fb = daily_close_case.check({"time_progress": 7 / 18, "achievement": 0.4, "next_target": 1.9, "dropout_rate": 0.4,
                                 "note": "今天卖了 1 台，累计 24 台，目标 60 台，原因是邀约不足。"})
    msgs = {n: m for n, ok, m in fb.details if not ok}
    assert "法定工作日" in msgs["time_progress"]
    assert "谁来做" in msgs["note"] and "什么时候" in msgs["note"] and "数字" not in msgs["note"]
    assert "参考小结" in daily_close_case.model_answer(None)


def test_training_needs_known_answer():
    from dealerlab.errors import ParameterError
    from dealerlab.execution import training_needs

    # 产品知识 < 80: 78, 70, 75 (顾问 2, 4, 7); 需求分析: 72, 65, 76, 70 (1, 3, 5, 7); 试乘试驾: 74, 70, 79, 68 (2, 3, 5, 7)
    from dealerlab.exercises.course.execution import training_numbers

    t = training_numbers()
    assert t["below"].tolist() == [3, 4, 4]
    assert t.loc["product", "staff"] == "顾问 2、顾问 4、顾问 7"
    assert t["hours_total"].tolist() == [12.0, 24.0, 12.0]
    edge = training_needs(pd.DataFrame({"staff_id": ["a", "b"], "skill": ["x", "x"], "score": [80, 79.5]}))
    assert edge["below"].tolist() == [1] and edge["staff"].tolist() == ["b"] and np.isnan(edge["hours_each"].iloc[0])
    with pytest.raises(ParameterError, match="技能评分表缺少列"):
        training_needs(pd.DataFrame({"staff_id": ["a"], "score": [1]}))


def test_training_plan_model_answer_is_correct(store):
    from dealerlab.exercises.course.execution import SKILLS, training_numbers, training_plan

    t = training_numbers()
    ex = training_plan.bind(store=store)
    ex.set_answer({"first": "a", "plan": {k: {"people": str(t.loc[k, "below"]), "hours": str(t.loc[k, "hours_total"])}
                                          for k in SKILLS},
                   "goal": "一个月后需求分析检核分全部达到 80 分，试驾率从 35% 提高到 45%"})
    assert ex.submit().status == "correct"
    assert "48 课时" in ex.reveal()


def test_training_plan_names_the_wrong_rows():
    from dealerlab.exercises.course.execution import training_plan

    fb = training_plan.check({"first": "b", "plan": {"product": {"people": 4, "hours": 16}, "needs": {"people": 4, "hours": 24},
                                                      "drive": {"people": 4, "hours": 12}}, "goal": "提高能力"})
    msgs = {name: msg for name, ok, msg in fb.details if not ok}
    assert fb.status != "correct"
    assert "产品知识" in msgs["plan"] and "需求分析" not in msgs["plan"] and "first" in msgs and "goal" in msgs
