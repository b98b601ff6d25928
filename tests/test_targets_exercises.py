"""Exercises of course module 1: checks unit-tested by setting widget values (dealerlab.exercises.course.targets)."""

from __future__ import annotations

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course.targets import (
    DECOMP,
    EXERCISES,
    check_decomposition,
    check_smart,
    decomposition,
    rebalancing,
    rebalancing_drill,
    rebalancing_variant,
    smart_builder,
)

GOOD = {
    "statement": "S01 销售部 2099 年 12 月零售销量达到 105 台",
    "metric": "零售销量",
    "target": "105",
    "unit": "台",
    "baseline": "96",
    "deadline": "2099-12-31",
    "owner": "S01 销售部",
    "parent": "门店年度销量目标",
}


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试")


def test_ids_unique_and_prefixed():
    ids = [e.id for e in EXERCISES]
    assert len(set(ids)) == len(ids) and all(i.startswith("01") for i in ids)


# ------------------------------------------------------------------------------------------------ 01a SMART


def test_smart_builder_good_goal_via_widgets(store):
    ex = smart_builder.bind(store=store)
    ex.set_answer(GOOD)
    fb = ex.submit()
    assert fb.status == "correct" and fb.score == 1.0


def test_smart_builder_each_letter_marks_its_field(store):
    ex = smart_builder.bind(store=store)
    ex.set_answer({**GOOD, "statement": "努力提高销量", "baseline": "50", "parent": ""})
    fb = ex.submit()
    assert fb.status == "partly"
    marks = {name: ok for name, ok, _ in fb.details}
    # S fails (vague verbs, no number), A fails (96 vs 105? no: baseline 50 → +110 %), R fails
    assert marks == {"statement": False, "target": True, "baseline": False, "parent": False, "deadline": True}
    msgs = {name: msg for name, _, msg in fb.details}
    assert "提高" in msgs["statement"] and "±30%" in msgs["baseline"]


def test_smart_check_deadline_relative_to_setting_date():
    past = {**GOOD, "deadline": "2026-01-31"}
    fb = check_smart(past, setting_date="2026-06-01")
    assert {n: ok for n, ok, _ in fb.details}["deadline"] is False
    assert check_smart({}, setting_date="2026-06-01").status == "wrong"


def test_smart_live_shows_letters_and_escapes_trainee_text():
    text = smart_builder.live({"statement": "努力提高销量"})
    assert "✗" in text and "S 具体" in text and "✓" not in text
    text = smart_builder.live({**GOOD, "owner": "<script>alert(1)</script>"})
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert text.count("✓") == 5


# ------------------------------------------------------------------------------------------ 01b decomposition


def _table(values: dict, col: str = "target") -> dict:
    return {k: {col: v} for k, v in values.items()}


def test_decomposition_model_answer_by_hand():
    # last year 1 150, target 1 265: December 1 265 × 139 / 1 150 = 152.9 → 153 ; January 1 265 × 82 / 1 150 = 90.2 → 90
    assert sum(DECOMP["last_year"].values()) == 1150
    assert DECOMP["months"]["m12"] == 153 and DECOMP["months"]["m01"] == 90
    assert sum(DECOMP["months"].values()) == 1265
    # 153 × (36, 30, 24, 10) / 100 = 55.08, 45.9, 36.72, 15.3 → floors 55, 45, 36, 15 (151), +1 to B (.9) and C (.72)
    assert DECOMP["people"] == {"A": 55, "B": 46, "C": 37, "D": 15}


def test_decomposition_correct_via_widgets(store):
    ex = decomposition.bind(store=store)
    ex.set_answer({"months": _table(DECOMP["months"]), "people": _table(DECOMP["people"])})
    assert ex.submit().status == "correct"


def test_decomposition_sum_wrong():
    months = dict(DECOMP["months"], m12=150)  # 3 short
    fb = check_decomposition({"months": _table(months), "people": _table(DECOMP["people"])})
    assert fb.status == "partly"
    msg = dict((n, m) for n, _, m in fb.details)["months"]
    assert "1262" in msg and "+3" in msg


def test_decomposition_equal_split_is_not_by_weight():
    # an equal split 105/106 a month sums right but ignores the seasons
    equal = dict(zip(DECOMP["months"], [106] * 5 + [105] * 7))
    assert sum(equal.values()) == 1265
    fb = check_decomposition({"months": _table(equal), "people": _table(DECOMP["people"])})
    assert "权重" in dict((n, m) for n, _, m in fb.details)["months"]


def test_decomposition_wrong_rounding_and_decimals():
    # proportional but rounded the wrong way: B 45, C 36 → D and A get the spare units
    people = {"A": 56, "B": 45, "C": 36, "D": 16}
    fb = check_decomposition({"months": _table(DECOMP["months"]), "people": _table(people)})
    assert "最大余数" in dict((n, m) for n, _, m in fb.details)["people"]
    decimals = {"A": 55.08, "B": 45.9, "C": 36.72, "D": 15.3}
    fb = check_decomposition({"months": _table(DECOMP["months"]), "people": _table(decimals)})
    assert "整数" in dict((n, m) for n, _, m in fb.details)["people"]
    assert check_decomposition({}).status == "wrong"


# ------------------------------------------------------------------------------------------- 01c rebalancing


def test_rebalancing_seed_case_via_widgets(store):
    ex = rebalancing.bind(store=store)
    # 17 500 / 25 000 = 70 %; week 2 = 25 000 + 7 500 / 3 = 27 500; (17 500 + 25 000) / 50 000 = 85 % → 85 000 / 95 000
    ex.set_answer({"rate1": "70%", "week2": "27500", "cum_rate": "85%", "tiers": "85_95", "tier1": "8.5万", "tier2": "95000"})
    fb = ex.submit()
    assert fb.status == "correct"


def test_rebalancing_common_mistakes(store):
    ex = rebalancing.bind(store=store)
    # keeps week 2 at 25 000 and picks the "ahead" tiers
    ex.set_answer({"rate1": "70", "week2": "25000", "cum_rate": "85", "tiers": "100_110", "tier1": "100000", "tier2": "110000"})
    fb = ex.submit()
    assert fb.status == "partly"
    marks = {n: ok for n, ok, _ in fb.details}
    assert marks == {"rate1": True, "week2": False, "cum_rate": True, "tiers": False, "tier1": False, "tier2": False}
    # until solved the feedback teaches the method and does not give the numbers away
    assert "27,500" not in fb.explanation and "85,000" not in fb.explanation
    assert "27,500" in rebalancing.check(rebalancing.model_answer).explanation


def test_rebalancing_variant_is_reproducible_and_checkable():
    a = rebalancing_drill(7)
    b = rebalancing_drill(7)
    assert a.instructions == b.instructions and a.id == "01c-rebalancing-7"
    model = rebalancing_variant.model_answer
    assert rebalancing_variant.check(model).status == "correct"
    # the variant's model answer obeys DOMAIN.md: tiers follow the cumulative rate
    assert (model["tiers"] == "85_95") == (model["cum_rate"] < 1)
    assert rebalancing_variant.check({**model, "week2": model["week2"] + 1000}).status == "partly"
