"""Module 6 exercises, driven by setting widget values."""

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course import accounts as ex


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试学员")


def test_model_tiers_of_the_ten_accounts():
    # money top 2: K01 386万, K04 295万 → 价值型 (K04 is also 国有企业: value first);
    # 重要型: K02 党政军, K06 高层, K08 fleet 12; potential top 2: K09 15.6, K03 12.2 → 潜力型; the rest 一般
    assert ex.model_tiers().to_dict() == {
        "K01": "价值型", "K02": "重要型", "K03": "潜力型", "K04": "价值型", "K05": "一般",
        "K06": "重要型", "K07": "一般", "K08": "重要型", "K09": "潜力型", "K10": "一般",
    }


def test_tiering_drill_explains_each_wrong_tier(store):
    e = ex.tiering_drill.bind(store=store)
    answer = ex.model_tiers().to_dict()
    e.set_answer({"tiers": answer})
    assert e.submit().status == "correct"
    answer["K04"] = "重要型"  # the classic mistake: a state-owned fleet that is also top by money
    e.set_answer({"tiers": answer})
    fb = e.submit()
    assert fb.status == "partly"
    assert any("价值优先" in m for _, ok, m in fb.details if not ok)


def test_strategy_match(store):
    e = ex.strategy_match.bind(store=store)
    e.set_answer({"match": dict(ex._STRATEGY_KEY)})
    assert e.submit().status == "correct"


def test_churn_visit_plan_flags_missing_who_and_when(store):
    e = ex.churn_visit_plan.bind(store=store)
    e.set_answer({"what": "拜访车队长，了解车辆更新计划", "why": "210 天未往来", "who": "", "when": "尽快",
                  "where": "客户场站", "how": "带保养记录和置换方案"})
    fb = e.submit()
    assert fb.status != "correct"
    bad = {f for f, ok, _ in fb.details if not ok}
    assert {"who", "when"} <= bad
    e.set_answer({"who": "大客户经理 王磊", "when": "2026-11-15"})
    assert e.submit().status == "correct"


def test_churn_visit_plan_rejects_a_department_as_owner(store):
    # H11 QA: the hint says 「销售部」 is not an answer, but 「销售部」 was graded correct
    e = ex.churn_visit_plan.bind(store=store)
    e.set_answer({"what": "拜访车队长，了解车辆更新计划", "why": "210 天未往来", "who": "销售部", "when": "2026-11-15",
                  "where": "客户场站", "how": "带保养记录和置换方案"})
    fb = e.submit()
    assert fb.status == "partly"
    assert "大客户经理 王磊" in dict((f, m) for f, ok, m in fb.details if not ok)["who"]
    e.set_answer({"who": "大客户经理 王磊"})
    assert e.submit().status == "correct"


def test_churn_visit_plan_messages_speak_of_one_plan_and_an_example_date():
    # H11 QA: the 5W1H messages said 「第 1 项措施的…」, 「格式 YYYY-MM-DD」 and 「不晚于循环的期限」 (06c has none)
    fb = ex.churn_visit_plan.check({"what": "拜访车队长", "why": "210 天未往来", "who": "王磊", "when": "尽快",
                                    "where": "", "how": "带置换方案"})
    msgs = dict((f, m) for f, ok, m in fb.details if not ok)
    assert set(msgs) == {"when", "where"}
    assert "2026-11-15" in msgs["when"] and "YYYY" not in msgs["when"] and "期限" not in msgs["when"]
    assert not any("第 1 项" in m for m in msgs.values())
