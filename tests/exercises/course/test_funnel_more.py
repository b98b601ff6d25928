"""Exercises 03d (traffic sources, role views, forms → tables) and 03e (MOT, six skills, SMS, base, cross-selling)."""

from __future__ import annotations

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course.funnel import (
    FORM_TABLES,
    MOT_CASES,
    ROLE_VIEWS,
    SKILL_CASES,
    mix_case_numbers,
    process_people,
    sources_roles,
)

SMS = "张先生您好，我是某某店的销售顾问小王，感谢您今天来店看车。周六上午可以安排一次试驾，方便的话回复我预约，电话 13800000000。"


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试")


def _sources():
    return {"online_share": "14.7%", "online_sold": "15.5%", "online_action": "b",
            "roles": {k: w for k, (_t, w) in ROLE_VIEWS.items()}, "forms": {k: w for k, (_t, w) in FORM_TABLES.items()}}


def _people():
    return {"mot": {k: w for k, (_t, w) in MOT_CASES.items()}, "skills": {k: w for k, (_t, w) in SKILL_CASES.items()},
            "sms": SMS, "base": "b", "addon": "c"}


def test_mix_case_hand_computed():
    # 39 ÷ (165 + 45 + 39 + 16) = 39 ÷ 265; 70 ÷ 451; 243 ÷ 745
    n = mix_case_numbers()
    assert n["online_share"] == pytest.approx(39 / 265)
    assert n["online_sold"] == pytest.approx(70 / 451) and n["walkin_sold"] == pytest.approx(243 / 745)


def test_sources_roles_model_and_mistakes(store):
    ex = sources_roles.bind(store=store)
    ex.set_answer(_sources())
    assert ex.submit().status == "correct"
    a = {**_sources(), "online_sold": 0.155, "online_share": 39 / 249, "online_action": "a",
         "forms": {**_sources()["forms"], "f5": "visits"}}
    msgs = {n: m for n, ok, m in sources_roles.check(a).details if not ok}
    assert set(msgs) == {"online_share", "online_action", "forms"}
    assert "包括活动" in msgs["online_share"] and "第 5 项" in msgs["forms"]
    assert sources_roles.check({}).status == "wrong"


def test_process_people_model_and_mistakes(store):
    ex = process_people.bind(store=store)
    ex.set_answer(_people())
    assert ex.submit().status == "correct"
    a = {**_people(), "sms": "您好，欢迎再来。", "addon": "b", "mot": {**_people()["mot"], "m7": "plus"}}
    msgs = {n: m for n, ok, m in process_people.check(a).details if not ok}
    assert set(msgs) == {"sms", "addon", "mot"} and "第 7 个" in msgs["mot"]
    assert "感谢" in msgs["sms"] and "联系方式" in msgs["sms"]
    assert process_people.check({**_people(), "sms": SMS * 3}).details[2][1] is False   # too long for an SMS
    assert process_people.check({}).status == "wrong"
