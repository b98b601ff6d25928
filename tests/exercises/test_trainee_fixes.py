"""Issue 19, what trainees met: natural Chinese dates, 06a's answer key against its own text, vague 5W1H, the
explanation handing over the final answer after a wrong try."""

from __future__ import annotations

import datetime as dt

import pytest

from dealerlab._dates import parse_deadline
from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course import accounts, pay, pdca

PLAN_06C = {
    "what": "拜访北方电网运维车队长，了解今年车辆更新计划",
    "why": "210 天没有购车和维修，价值型客户有流失风险",
    "who": "大客户经理 王磊",
    "when": "2026-11-15",
    "where": "客户车队场站",
    "how": "带上车辆保养记录和以旧换新方案",
}
PLAN_04A = {
    "metric": "comeback_rate", "target": 0.03,
    "what": "对每台返修车逐台分析原因，建立返修追踪表", "why": "返修原因不清，同类问题反复出现",
    "who": "车间主任 王强", "when": "2026-06-15", "where": "维修车间，每周一晨会",
    "how": "返修车辆当天登记，每周分析会按项目和技师汇总",
}


@pytest.mark.parametrize("text, expected", [
    ("2026年11月15日", dt.date(2026, 11, 15)), ("11月15日", dt.date(2026, 11, 15)),
    ("11月15日前", dt.date(2026, 11, 15)), ("2026年10月31日", dt.date(2026, 10, 31)),
    ("２０２６年１１月１５号", dt.date(2026, 11, 15)), ("在11月15日之前完成", dt.date(2026, 11, 15)),
    ("2026/11/15", dt.date(2026, 11, 15)), ("2026-11", dt.date(2026, 11, 30)), ("11月底", dt.date(2026, 11, 30)),
])
def test_natural_dates(text, expected):
    assert parse_deadline(text, year=2026)[0] == expected


@pytest.mark.parametrize("text", ["尽快", "下周", "13月1日", "2026-02-30", "", "11月32日"])
def test_not_dates(text):
    assert parse_deadline(text, year=2026) is None


@pytest.mark.parametrize("when", ["2026年11月15日", "11月15日", "11月15日前", "2026-11-15"])
def test_06c_accepts_natural_chinese_dates(when):
    fb = accounts.churn_visit_plan.check({**PLAN_06C, "when": when})
    assert fb.status == "correct", fb.details


@pytest.mark.parametrize("when", ["2026年6月15日", "6月15日前", "2026年8月"])
def test_04a_accepts_natural_chinese_dates_and_still_checks_the_deadline(when):
    assert pdca.comeback_plan.check({**PLAN_04A, "when": when}).status == "correct"
    fb = pdca.comeback_plan.check({**PLAN_04A, "when": "2026年9月15日"})  # after the cycle's deadline 2026-08
    assert ("when", False) in [(f, ok) for f, ok, _m in fb.details]


@pytest.mark.parametrize("field, text", [("who", "我"), ("who", "我们"), ("what", "拜访客户"), ("what", "打电话"),
                                         ("what", "开会")])
def test_5w1h_rejects_vague_entries(field, text):
    for ex, plan in ((accounts.churn_visit_plan, PLAN_06C), (pdca.comeback_plan, PLAN_04A)):
        fb = ex.check({**plan, field: text})
        bad = {f: m for f, ok, m in fb.details if not ok}
        assert field in bad and text in bad[field], (ex.id, fb.details)


def test_06a_answer_key_and_the_visit_plan_text_agree():
    # DOMAIN §6: value (top 20 % of money) comes before importance; 北方电网运维 is 2nd of 10 by money → 价值型
    assert accounts.model_tiers()["K04"] == "价值型"
    text = accounts.churn_visit_plan.instructions
    assert "北方电网运维" in text and "价值型" in text and "重要型" not in text
    assert "重要型" not in accounts.churn_visit_plan.model_answer_text()


@pytest.mark.parametrize("ex, answer, final", [
    (pay.bonus_drill, {}, "9 120"),
    (pay.bonus_drill, {"individual": "130%", "team": "95%", "bonus": "9880"}, "9 120"),
    (pdca.read_p_chart, {}, "6.74%"),
    (pdca.read_p_chart, {"centre": "5%", "special": ["2026-03"]}, "6.74%"),
])
def test_explanation_does_not_hand_over_the_answer_after_a_wrong_try(ex, answer, final, tmp_path):
    bound = ex.bind(store=AnswerStore(tmp_path, trainee="学员甲"))
    bound.widget()
    if answer:
        bound.set_answer(answer)
    fb = bound.submit()
    assert fb.status in ("wrong", "partly")
    assert final not in bound._feedback_html.value
    assert "查看参考答案" in bound._feedback_html.value
    bound.reveal()  # asked for the answer: now the explanation comes with it
    assert final in bound._feedback_html.value


def test_explanation_shown_when_right(tmp_path):
    bound = pay.bonus_drill.bind(store=AnswerStore(tmp_path, trainee="学员甲"))
    bound.widget()
    bound.set_answer({"individual": "130%", "team": "95%", "bonus": "9120"})
    assert bound.submit().status == "correct"
    assert "9 120" in bound._feedback_html.value
