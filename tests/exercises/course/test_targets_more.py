"""Exercises 01d (stakeholders, VP/group target, annual plan) and 01e (model × consultant tree, amount × rate)."""

from __future__ import annotations

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course.targets import (
    MATRIX_TEAM,
    STAKEHOLDER_GOALS,
    TREE_UNITS,
    goal_sources,
    matrix_case,
    policy_case_numbers,
    tree_case,
    tree_matrix,
)

PLAN = "目标：全年零售 1,210 台。措施：一季度举办两场周末试驾会。难点：三季度淡季库存偏高，提前和厂家确认车源。"


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试")


def _goal_answer():
    return {"holders": {k: h for k, (_t, h) in STAKEHOLDER_GOALS.items()}, "store_target": "1210",
            "team_target": "1,271", "plan": PLAN}


def test_policy_case_hand_computed():
    # VP 1150 × 100 % = 1150; 1120 × 1.08 = 1209.6 → 1210; max 1210; × 1.05 = 1270.5 → 1271
    assert policy_case_numbers() == {"vp": 1150, "group": 1210, "store": 1210, "team": 1271}


def test_goal_sources_model_and_mistakes(store):
    ex = goal_sources.bind(store=store)
    ex.set_answer(_goal_answer())
    assert ex.submit().status == "correct"
    a = {**_goal_answer(), "store_target": 1150.0, "team_target": 1210.0, "plan": "争取多卖车，大家努力。"}
    a["holders"] = {**a["holders"], "g2": "factory"}
    a["store_target"], a["team_target"] = 1150.0, 1210.0
    fb = goal_sources.check(a)
    msgs = {n: m for n, ok, m in fb.details if not ok}
    assert fb.status == "wrong" or fb.status == "partly"
    assert "第 2 条" in msgs["holders"] and "集团" in msgs["store_target"] and "余量" in msgs["team_target"]
    assert "措施" in msgs["plan"] and "难点" in msgs["plan"]
    assert goal_sources.check({}).status == "wrong"


def test_tree_case_hand_computed():
    # 30 by 12 : 8 → sedan 18, SUV 12; sedan 18 by 6:3:3 = 9, 4.5, 4.5 → tie goes to the earlier (李) → 9, 5, 4;
    # SUV 12 by 2:4:2 → 3, 6, 3
    t = tree_case().set_index(["model", "staff_id"])["target"].to_dict()
    assert t == {("sedan", "王"): 9, ("sedan", "李"): 5, ("sedan", "张"): 4,
                 ("suv", "王"): 3, ("suv", "李"): 6, ("suv", "张"): 3}


def test_matrix_case_hand_computed():
    # actual 5,7,8,13,13,15 → median 10.5; rates .5,.667,.8125,.929,1.167,1.25 → median (0.8125 + 0.9286) / 2
    m = matrix_case().set_index("staff_id")
    assert m["amount_median"].iloc[0] == 10.5
    assert m["rate_median"].iloc[0] == pytest.approx((13 / 16 + 13 / 14) / 2)
    assert m["quadrant"].to_dict() == {"A": "star", "B": "low_target", "C": "high_target", "D": "coach",
                                       "E": "leader_below_target", "F": "coach"}


def _tree_answer():
    return {"tree": {"王": {"sedan": 9, "suv": 3}, "李": {"sedan": 5, "suv": 6}, "张": {"sedan": 4, "suv": 3}},
            "quadrant": {"A": "star", "B": "low_target", "C": "high_target", "D": "coach",
                         "E": "leader_below_target", "F": "coach"}, "first_step_b": "b"}


def test_tree_matrix_model_and_mistakes(store):
    ex = tree_matrix.bind(store=store)
    ex.set_answer({**_tree_answer(), "tree": {p: {m: str(v) for m, v in d.items()}
                                             for p, d in _tree_answer()["tree"].items()}})
    assert ex.submit().status == "correct"
    # the other rounding of the 4.5 / 4.5 tie is accepted (whole units, columns add up)
    a = _tree_answer()
    a["tree"]["李"]["sedan"], a["tree"]["张"]["sedan"] = 4, 5
    assert tree_matrix.check(a).status == "correct"
    # splitting 30 by consultant totals only: columns do not add up to 18 / 12
    a["tree"] = {"王": {"sedan": 10, "suv": 2}, "李": {"sedan": 5, "suv": 6}, "张": {"sedan": 4, "suv": 3}}
    a["quadrant"] = {**a["quadrant"], "E": "star"}
    msgs = {n: m for n, ok, m in tree_matrix.check(a).details if not ok}
    assert "轿车 18" in msgs["tree"] and "不能叫明星" in msgs["quadrant"]
    assert tree_matrix.check({}).status == "wrong"
    assert set(MATRIX_TEAM) == set("ABCDEF") and list(TREE_UNITS) == ["王", "李", "张"]


def test_model_answers_name_the_numbers():
    assert "1,210" in goal_sources.model_answer_text() and "1,271" in goal_sources.model_answer_text()
    assert "| 李 | 5 | 6 | 11 |" in tree_matrix.model_answer_text()
