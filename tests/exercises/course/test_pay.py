"""Module 7 exercises: checks driven by setting widget values, as a trainee would type them."""

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course import pay as ex


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试学员")


def test_bonus_drill_correct_with_cap(store):
    e = ex.bonus_drill.bind(store=store)
    e.set_answer({"individual": "130%", "team": "95%", "bonus": "9,120"})
    assert e.submit().status == "correct"


def test_bonus_drill_uncapped_answer_explains_the_cap(store):
    e = ex.bonus_drill.bind(store=store)
    e.set_answer({"individual": "1.3", "team": "0.95", "bonus": "9880"})
    fb = e.submit()
    assert fb.status == "partly"
    assert any("封顶" in msg for _, ok, msg in fb.details if not ok)


def test_bonus_drill_non_number_gets_a_hint_not_a_traceback(store):
    e = ex.bonus_drill.bind(store=store)
    e.set_answer({"individual": "一百三", "team": "95%", "bonus": "9120"})
    assert e.submit().status == "invalid"
    assert "individual" in e.errors()


def test_quarter_answer_follows_the_rule():
    verdict, cancelled = ex.quarter_answer()
    # 小王 13 → 保留; 小李 11.67 → 淘汰; 小张 13 → 保留; 小赵 11 and Q2 淘汰 → 停岗; 小陈 12 → 保留 (not below 12)
    assert verdict == {"小王": "保留", "小李": "淘汰", "小张": "保留", "小赵": "停岗", "小陈": "保留"}
    assert cancelled == ["小张"]


def test_bottom_out_drill(store):
    e = ex.bottom_out_drill.bind(store=store)
    verdict, cancelled = ex.quarter_answer()
    e.set_answer({"status": verdict, "points": cancelled})
    assert e.submit().status == "correct"
    wrong = dict(verdict, 小赵="淘汰")
    e.set_answer({"status": wrong, "points": cancelled})
    fb = e.submit()
    assert fb.status == "partly" and any("停岗" in m for _, ok, m in fb.details if not ok)


def test_team_pool_tuner(store):
    e = ex.team_reward_tuner.bind(store=store)
    # misses in Feb (−7), Mar (−3) → pool 10 000, shortfall 10; Apr +12 ≥ 10 → 15 000; ... computed by pay.team_reward
    total = ex.pay.team_reward(ex.POOL_CASE)["paid"].sum()
    e.set_answer({"reward": 5000, "paid": str(int(total)), "first_payout": "2026-04"})
    assert e.submit().status == "correct"
    assert "全年发放" in ex._pool_live({"reward": 6000})


@pytest.mark.parametrize("individual, team", [("1.3", "0.95"), ("130", "95"), ("130%", "95%"), ("1.3", "95%")])
def test_bonus_drill_accepts_rates_written_as_the_instructions_allow(store, individual, team):
    # H11 QA: the instructions say 「可写 130% 或 1.3」 but 1.3 was read as 1.3 % and judged wrong
    e = ex.bonus_drill.bind(store=store)
    e.set_answer({"individual": individual, "team": team, "bonus": "9120"})
    assert e.submit().status == "correct"


def test_team_pool_slider_does_not_print_the_answer(store):
    # H11 QA: the slider started on 5 000 and the live table printed 「全年发放 50,000 元」 — the answer to the question
    f = ex.team_reward_tuner.fields["reward"]
    answer = f"{ex.pay.team_reward(ex.POOL_CASE, reward=5000)['paid'].sum():,.0f}"  # 50,000
    reachable = [f.min + i * f.step for i in range(int((f.max - f.min) / f.step) + 1)]
    assert 5000 not in reachable and f.value in reachable
    for reward in reachable:
        assert f"全年发放 {answer} 元" not in ex._pool_live({"reward": reward})
    e = ex.team_reward_tuner.bind(store=store)
    e.widget()
    assert "奖励 2,000 元/月" in e.live_result and f"全年发放 {answer} 元" not in e.live_result  # starts at 2 000
