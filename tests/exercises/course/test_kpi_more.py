"""Exercises 02d (KPI system) and 02e (design bases, workflow, screening, cases)."""

from __future__ import annotations

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course.kpi import (
    BASIS_CASES,
    EXERCISES,
    MAP_OBJECTIVES,
    POINT_PERIOD,
    design_flow,
    kpi_system,
    screen_case,
)


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试")


def _system():
    return {"point_period": {k: w for k, (_t, w) in POINT_PERIOD.items()}, "controllable": "c", "cascade": "b",
            "perspective": {k: w for k, (_t, w) in MAP_OBJECTIVES.items()}, "linked": ["a", "b", "c"],
            "benchmark": "b"}


def _flow():
    return {"bases": {k: w for k, (_t, w) in BASIS_CASES.items()},
            "order": {"talk": "1", "draft": "2", "discuss": "3", "file": "4"},
            "actor": {"talk": "boss", "draft": "staff", "discuss": "both", "file": "boss"},
            "screen": {"r1": {"score": 4.8}, "r2": {"score": 2.6}, "r3": {"score": 4.4}, "r4": {"score": 3.0}},
            "keep": ["r1", "r3"], "lesson": "先和顾问沟通，让他们草拟并反馈意见；指标和奖金挂钩；每周看数据跟踪过程。"}


def test_ids():
    assert [e.id for e in EXERCISES][-2:] == ["02d-kpi-system", "02e-design-flow"]


def test_kpi_system_model_and_mistakes(store):
    ex = kpi_system.bind(store=store)
    ex.set_answer(_system())
    assert ex.submit().status == "correct"
    a = {**_system(), "controllable": "a", "linked": ["a", "b", "c", "d"],
         "perspective": {**_system()["perspective"], "o8": "财务"}}
    msgs = {n: m for n, ok, m in kpi_system.check(a).details if not ok}
    assert set(msgs) == {"controllable", "linked", "perspective"} and "第 8 个" in msgs["perspective"]
    assert kpi_system.check({}).status == "wrong"


def test_screen_case_hand_computed():
    # 0.4×5+0.2×5+0.2×4+0.2×5 = 4.8; 员工满意度 1.2+0.4+0.6+0.4 = 2.6; 跟踪 1.6+1+1+0.8 = 4.4; 卫生 0.8+0.6+1+0.6 = 3.0
    s = screen_case().set_index("name")
    assert s["score"].to_dict() == {"展厅成交率": 4.8, "潜客跟踪及时率": 4.4, "展厅卫生": 3.0, "员工满意度": 2.6}
    assert s.index[s["keep"]].tolist() == ["展厅成交率", "潜客跟踪及时率"]


def test_design_flow_model_and_mistakes(store):
    ex = design_flow.bind(store=store)
    ans = _flow()
    ans["screen"] = {r: {"score": str(v["score"])} for r, v in ans["screen"].items()}
    ex.set_answer(ans)
    assert ex.submit().status == "correct"
    a = {**_flow(), "actor": {**_flow()["actor"], "draft": "boss"}, "keep": ["r1"], "lesson": "多开会。",
         "screen": {**_flow()["screen"], "r2": {"score": 2.5}}}
    msgs = {n: m for n, ok, m in design_flow.check(a).details if not ok}
    assert set(msgs) == {"actor", "keep", "lesson", "screen"} and "员工满意度" in msgs["screen"]
    assert "员工参与" in msgs["lesson"]
    assert design_flow.check({}).status == "wrong"
    assert "展厅成交率 4.8（保留）" in design_flow.model_answer_text()
