"""Exercises of course module 9 (dealerlab.exercises.course.retention): checks set through the widgets."""

from __future__ import annotations

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course.retention import (
    EXERCISES,
    MEASURES,
    case_numbers,
    loyalty_stages,
    recall_campaign,
)
from dealerlab.retention import example_base, long_metrics

PLAN = ("Why：把流失的老客户叫回来，目标回厂率 30%\nWhat：免费换季检测+保养套餐\nWho：客服专员负责邀约\n"
        "When：11月1日起4周\nWhere：到店\nHow：电话+短信，每周五复查")


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试")


def test_ids_unique_and_prefixed():
    ids = [e.id for e in EXERCISES]
    assert ids == ["09a-loyalty-stages", "09b-recall-campaign", "09c-first-service", "09d-crm-orientation",
                   "09e-segments", "09f-activity-plan", "09g-points-renewal"]


def test_loyalty_stages_model_answer_is_correct(store):
    ex = loyalty_stages.bind(store=store)
    ex.set_answer({"stage": {k: s for k, (_t, s) in MEASURES.items()}, "case": "b"})
    assert ex.submit().status == "correct"
    assert "参考答案" in ex.reveal()


def test_loyalty_stages_names_the_wrong_measures():
    answer = {"stage": {k: s for k, (_t, s) in MEASURES.items()}, "case": "a"}
    answer["stage"]["m2"] = "satisfy"
    fb = loyalty_stages.check(answer)
    assert fb.status == "wrong" or fb.status == "partly"
    msgs = {name: msg for name, ok, msg in fb.details if not ok}
    assert "措施 2" in msgs["stage"] and "措施 1" not in msgs["stage"] and "case" in msgs


def test_recall_case_list_is_the_notebook_list():
    # the same lapsed vehicles as notebook 09 §3: lapsed_vehicles of S01 at 2026-10
    long = long_metrics(example_base(), periods=["2026-10"], stores=["S01"])
    lapsed = long.loc[long["metric"] == "lapsed_vehicles", "value"].iloc[0]
    assert case_numbers()["size"] == lapsed == 19
    assert case_numbers()["list"]["vin"].str.startswith("*").all()  # masked


def test_recall_model_answer_is_correct(store):
    ex = recall_campaign.bind(store=store)
    ex.set_answer({"size": "19", "target_rate": "30%", "target_units": "6", "plan": PLAN})
    assert ex.submit().status == "correct"
    assert "19 台" in ex.reveal()


@pytest.mark.parametrize("rate, units", [(0.3, 5), (0.3, 7), (0.5, 10)])
def test_recall_units_follow_the_own_target(rate, units):
    fb = recall_campaign.check({"size": 19, "target_rate": rate, "target_units": units, "plan": PLAN})
    assert fb.status == "correct"


def test_recall_unrealistic_target_and_missing_elements():
    fb = recall_campaign.check({"size": 20, "target_rate": 1.0, "target_units": 19, "plan": "打电话给客户"})
    assert fb.status != "correct"
    msgs = {name: msg for name, ok, msg in fb.details if not ok}
    assert set(msgs) == {"size", "target_rate", "plan"}
    assert "Who" in msgs["plan"] and "How" not in msgs["plan"]


def test_recall_empty_answer_does_not_raise():
    fb = recall_campaign.check({"size": None, "target_rate": None, "target_units": None, "plan": ""})
    assert fb.status == "wrong" and fb.score == 0


def test_first_service_numbers_come_from_the_retention_function(store):
    from dealerlab.exercises.course.retention import first_service, first_service_numbers

    assert first_service_numbers() == {"cohort": 6.0, "returned": 4.0, "rate": pytest.approx(4 / 6)}
    ex = first_service.bind(store=store)
    ex.set_answer({"cohort": "6", "returned": "4", "rate": "66.7%"})
    assert ex.submit().status == "correct"
    fb = first_service.check({"cohort": 8, "returned": 5, "rate": 0.625})
    assert fb.status == "wrong"
    assert "4 ÷ 6" in ex.reveal()


# ---------------------------------------------------------------------------------------------------- 09d–09g


def test_crm_orientation_model_answer_and_feedback(store):
    from dealerlab.exercises.course.retention import PC_ITEMS, crm_orientation

    ex = crm_orientation.bind(store=store)
    ex.set_answer({"behaviour": ["a", "b", "c", "d"], "pc": {k: c for k, (_t, c) in PC_ITEMS.items()},
                   "sell": "买的是车安全、自己省心，价格透明"})
    assert ex.submit().status == "correct"
    assert "参考答案" in ex.reveal()
    wrong = {k: c for k, (_t, c) in PC_ITEMS.items()}
    wrong["p4"] = "4P"
    fb = crm_orientation.check({"behaviour": ["a", "e"], "pc": wrong, "sell": "一次保养"})
    msgs = {name: msg for name, ok, msg in fb.details if not ok}
    assert set(msgs) == {"behaviour", "pc", "sell"} and "说法 4" in msgs["pc"] and "说法 1" not in msgs["pc"]


def test_segments_answers_come_from_the_segment_rule(store):
    from dealerlab.exercises.course.retention import segment_answers, segments_case

    assert segment_answers() == {"c1": "vip", "c2": "vip", "c3": "active", "c4": "warning", "c5": "warning",
                                 "c6": "lapsed"}
    ex = segments_case.bind(store=store)
    ex.set_answer({"seg": segment_answers(), "measure": "b", "invite": "服务顾问本周电话联系，送免费换季检测"})
    assert ex.submit().status == "correct"
    fb = segments_case.check({"seg": {**segment_answers(), "c2": "active"}, "measure": "d", "invite": "欢迎回来"})
    msgs = {name: msg for name, ok, msg in fb.details if not ok}
    assert "车 2" in msgs["seg"] and "measure" in msgs and "谁联系" in msgs["invite"]


MODEL_PLAN = {"lecture": {"reach": 54, "come": 30, "goal": 27}, "club": {"reach": 200, "come": 60, "goal": 55},
              "reminder": {"reach": 90, "come": 50, "goal": 45}, "check": {"reach": 240, "come": 72, "goal": 60}}


def test_activity_plan_checks_the_funnel(store):
    from dealerlab.exercises.course.retention import ACTIVITIES, activity_plan

    ex = activity_plan.bind(store=store)
    ex.set_answer({"plan": {k: {c: str(v) for c, v in row.items()} for k, row in MODEL_PLAN.items()}, "verify": "a"})
    assert ex.submit().status == "correct"
    plan = {k: {**row, "target": ACTIVITIES[k][2]} for k, row in MODEL_PLAN.items()}
    plan["club"] = {"target": 400, "reach": 500, "come": 60, "goal": 55}      # reached more than the group
    plan["check"] = {"target": 300, "reach": 100, "come": 95, "goal": 60}     # 95 % come: unrealistic
    fb = activity_plan.check({"plan": plan, "verify": "b"})
    msgs = {name: msg for name, ok, msg in fb.details if not ok}
    assert "车主俱乐部自驾游" in msgs["plan"] and "免费换季检测" in msgs["plan"] and "车辆讲堂" not in msgs["plan"]
    assert "verify" in msgs


def test_points_renewal_numbers_and_model(store):
    from dealerlab.exercises.course.retention import points_numbers, points_renewal

    # 1860 → 186; +3000 → 3186; −2500 → 686 (cost 250); 4420 → +442 → 1128; 1500 > 1128 refused
    n = points_numbers()
    assert (n["balance"], n["cost"], n["refused"]) == (1128.0, 250.0, 1)
    # October: A C D F H renewed of A–H (I expires in November)
    assert (n["expiring"], n["renewed"]) == (8, 5) and n["renewal"] == pytest.approx(0.625)
    ex = points_renewal.bind(store=store)
    ex.set_answer({"balance": "1128", "cost": "250", "renewal": "62.5%"})
    assert ex.submit().status == "correct"
    assert "1,128 分" in ex.reveal()
    fb = points_renewal.check({"balance": 2628, "cost": 400, "renewal": 5 / 9})
    assert {name for name, ok, _m in fb.details if not ok} == {"balance", "cost", "renewal"}
