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
    assert marks == {"statement": False, "target": True, "baseline": False, "parent": False, "deadline": True,
                     "metric": True, "unit": True, "owner": True}
    msgs = {}
    for name, _, msg in fb.details:
        msgs[name] = msgs.get(name, "") + msg
    assert "提高" in msgs["statement"] and "105" in msgs["statement"] and "±30%" in msgs["baseline"]


def test_smart_builder_vague_input_gets_a_readable_template(store):
    # every box "提高销量" (the QA case): the S hint is a fixed example, not the trainee's words glued together
    ex = smart_builder.bind(store=store)
    ex.set_answer({**dict.fromkeys(GOOD, "提高销量"), "target": "1", "baseline": "1"})
    fb = ex.submit()
    s_msg = [m for n, ok, m in fb.details if n == "statement" and m.startswith("S")][0]
    assert "S01 销售部 下月 零售销量 达到 105 台" in s_msg
    assert "提高提高" not in s_msg and "提高销量 在期限内" not in s_msg


def test_smart_builder_metric_unit_owner_are_checked(store):
    ex = smart_builder.bind(store=store)
    ex.set_answer({**dict.fromkeys(GOOD, "提高销量"), "target": "1", "baseline": "1"})
    fb = ex.submit()
    marks = {n: ok for n, ok, _ in fb.details if n in ("metric", "unit", "owner")}
    assert marks == {"metric": False, "unit": False, "owner": False}
    msgs = {n: m for n, _, m in fb.details}
    assert "台" in msgs["unit"] and "部门" in msgs["owner"] and "零售销量" in msgs["metric"]
    # M agrees with the unit box: "提高销量" is no unit of measure
    assert "不是计量单位" in [m for n, ok, m in fb.details if n == "target"][0]
    # good values pass: a unit word, a department, a person, a role
    for unit in ("台", "辆", "元", "万元", "%", "次", "个", "分"):
        assert check_smart({**GOOD, "unit": unit}, setting_date="2026-06-01").details[6] == ("unit", True, "")
    for owner in ("S01 销售部", "销售顾问 王某", "王强", "售后服务中心"):
        assert dict((n, ok) for n, ok, _ in check_smart({**GOOD, "owner": owner}).details)["owner"] is True, owner
    for owner in ("大家", "全员", "我们一起", "好好干的人"):
        assert dict((n, ok) for n, ok, _ in check_smart({**GOOD, "owner": owner}).details)["owner"] is False, owner


def test_smart_builder_statement_must_contain_the_target(store):
    ex = smart_builder.bind(store=store)
    ex.set_answer({**GOOD, "statement": "好好干"})
    fb = ex.submit()
    assert fb.status == "partly" and fb.score < 1
    assert any(n == "statement" and not ok and "105" in m for n, ok, m in fb.details)
    # the number may be written as 35% for 0.35, or 3万 / 30,000 for 30 000
    rate = {**GOOD, "metric": "展厅成交率", "unit": "%", "target": 0.35, "baseline": 0.3}
    assert check_smart({**rate, "statement": "S01 展厅 12 月成交率达到 35%"}).status == "correct"
    money = {**GOOD, "metric": "衍生收入", "unit": "元", "target": 30000, "baseline": 28000}
    assert check_smart({**money, "statement": "S01 销售部 12 月衍生收入 3万 元"}).status == "correct"
    assert check_smart({**money, "statement": "S01 销售部 12 月衍生收入 30,000 元"}).status == "correct"
    assert check_smart({**money, "statement": "S01 销售部 12 月衍生收入 3000 元"}).status == "partly"


def test_smart_live_lists_the_extra_checks():
    text = smart_builder.live({**dict.fromkeys(GOOD, "提高销量")})
    assert "单位" in text and "负责人" in text and text.count("✗") >= 6


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
    assert text.count("✓") == 9  # five letters + metric, unit, owner, target number in the statement


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
    ex.set_answer({"months": _table(DECOMP["months"]), "people": _table(DECOMP["people"]), "weeks": _table(DECOMP["weeks"])})
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
    assert "旺季多、淡季少" in dict((n, m) for n, _, m in fb.details)["months"]


def test_decomposition_even_split_names_the_seasons_not_only_the_total(store):
    # the classic mistake: 105 a month (12 × 105 = 1 260) and 38 per consultant (4 × 38 = 152)
    ex = decomposition.bind(store=store)
    ex.set_answer({"months": _table(dict.fromkeys(DECOMP["months"], "105")), "people": _table(dict.fromkeys(DECOMP["people"], "38"))})
    fb = ex.submit()
    assert fb.status == "wrong"
    msgs = dict((n, m) for n, _, m in fb.details)
    assert "去年各月销量的占比" in msgs["months"] and "旺季多、淡季少" in msgs["months"]
    assert "1260" in msgs["months"] and "+5" in msgs["months"]  # the total is still reported: 1 265 − 1 260
    assert "近 3 个月销量" in msgs["people"] and "+1" in msgs["people"]  # 153 − 152


def test_decomposition_nothing_right_is_wrong_not_partly(store):
    ex = decomposition.bind(store=store)
    ex.set_answer({"months": _table(dict.fromkeys(DECOMP["months"], "1")), "people": _table(dict.fromkeys(DECOMP["people"], "1"))})
    fb = ex.submit()
    assert fb.status == "wrong"
    assert [ok for _, ok, _ in fb.details] == [False, False, False]
    # one field right → partly
    ex.set_answer({"months": _table(DECOMP["months"]), "people": _table(dict.fromkeys(DECOMP["people"], "1"))})
    assert ex.submit().status == "partly"


def test_decomposition_off_weight_names_months_in_chinese():
    # sum right (1 265) but January +5 and February −5: more than 1 unit from the exact share
    months = dict(DECOMP["months"], m01=DECOMP["months"]["m01"] + 5, m02=DECOMP["months"]["m02"] - 5)
    msg = dict((n, m) for n, _, m in check_decomposition({"months": _table(months), "people": _table(DECOMP["people"])}).details)["months"]
    assert "1 月" in msg and "2 月" in msg and "m01" not in msg


def test_decomposition_trainee_notebook_names_the_course_unit(repo_root):
    text = (repo_root / "exercises" / "01b-decomposition.ipynb").read_text(encoding="utf-8")
    assert "课程模块 1《目标管理》" in text and "`01-targets`" not in text


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


def test_rebalancing_variant_title_shows_a_number_not_the_seed():
    assert "变式 1" in rebalancing_variant.title and "20261123" not in rebalancing_variant.title
    assert rebalancing_variant.id == "01c-rebalancing-20261123"  # the answer file name stays stable
    ex = rebalancing_drill(7, number=3)
    assert "变式 3" in ex.title and ex.id == "01c-rebalancing-7" and "variation 3" in ex.title_en


def test_rebalancing_rates_can_pass_100_percent(store):
    # week 1 at 110 %: plan 25 000, actual 27 500 → typed "1.1" means 110 % (ratio_max=3), "110" too
    ex = rebalancing.bind(store=store)
    ex.set_answer({"rate1": "1.1", "cum_rate": "105"})
    ans = ex.answer()
    assert ans["rate1"] == pytest.approx(1.10) and ans["cum_rate"] == pytest.approx(1.05)
    for name in ("rate1", "cum_rate"):
        assert rebalancing.fields[name].ratio_max == 3


def test_rebalancing_variant_is_reproducible_and_checkable():
    a = rebalancing_drill(7)
    b = rebalancing_drill(7)
    assert a.instructions == b.instructions and a.id == "01c-rebalancing-7"
    model = rebalancing_variant.model_answer
    assert rebalancing_variant.check(model).status == "correct"
    # the variant's model answer obeys docs/DOMAIN.md: tiers follow the cumulative rate
    assert (model["tiers"] == "85_95") == (model["cum_rate"] < 1)
    assert rebalancing_variant.check({**model, "week2": model["week2"] + 1000}).status == "partly"


# ------------------------------------------------------------------------------------ 01b weeks on selling days


def test_decomposition_weeks_on_selling_days_by_hand():
    # December 2027 (no public holiday), weeks Mon–Sun clipped: 1–5 Dec = 3 weekdays + Sat/Sun = 3 + 3.2 = 6.2;
    # three full weeks 8.2; 27–31 Dec = 5 weekdays = 5.0; Σ 35.8. 153 × (6.2, 8.2, 8.2, 8.2, 5) / 35.8 =
    # 26.50, 35.05, 35.05, 35.05, 21.37 → floors 26, 35, 35, 35, 21 (152) + 1 to week 1 (.497)
    assert DECOMP["week_weights"] == pytest.approx({"w1": 6.2, "w2": 8.2, "w3": 8.2, "w4": 8.2, "w5": 5.0})
    assert DECOMP["weeks"] == {"w1": 27, "w2": 35, "w3": 35, "w4": 35, "w5": 21}
    # the office split: working days 3, 5, 5, 5, 5 (23) → 20, 34, 33, 33, 33 — the last week gets the most
    assert DECOMP["weeks_office"] == {"w1": 20, "w2": 34, "w3": 33, "w4": 33, "w5": 33}


def test_decomposition_office_day_weeks_are_named():
    fb = check_decomposition({"months": _table(DECOMP["months"]), "people": _table(DECOMP["people"]),
                              "weeks": _table(DECOMP["weeks_office"])})
    assert fb.status == "partly"
    msg = dict((n, m) for n, _, m in fb.details)["weeks"]
    assert "法定工作日" in msg and "1.6" in msg
    even = check_decomposition({"months": _table(DECOMP["months"]), "people": _table(DECOMP["people"]),
                                "weeks": _table({"w1": 31, "w2": 31, "w3": 31, "w4": 30, "w5": 30})})
    assert "卖车日权重" in dict((n, m) for n, _, m in even.details)["weeks"]


# ------------------------------------------------------------------------------------ 01c part 2: the board on the 15th


def test_progress_check_s03_on_the_15th_by_hand(store):
    from dealerlab.exercises.course.targets import progress_case, progress_check

    case = progress_case()
    # demo S03, October 2026: 11 months of history → default weights; by the 15th 21.8 of 40.8
    assert case["store_id"] == "S03" and "默认权重" in case["source"]
    assert case["tp_selling"] == pytest.approx(21.8 / 40.8)
    assert case["tp_office"] == pytest.approx(7 / 18) and case["tp_calendar"] == pytest.approx(15 / 31)
    assert (case["target"], case["actual"]) == (98, 40)
    # 40 / 98 = 40.8 %: ahead of office days (38.9 %), behind selling days (53.4 %)
    assert case["status"] == "behind" and case["office_status"] == "ahead"
    ex = progress_check().bind(store=store)
    ex.set_answer({"tp_office": "38.9%", "tp_selling": "53.4%", "achievement": "40.8%", "status": "behind"})
    fb = ex.submit()
    assert fb.status == "correct" and "结论正好相反" in fb.explanation
    # the classic mistakes: calendar days for the selling progress, and "ahead"
    ex.set_answer({"tp_office": "38.9%", "tp_selling": "48.4%", "achievement": "40.8%", "status": "ahead"})
    msgs = dict((n, m) for n, ok, m in ex.submit().details if not ok)
    assert "自然日" in msgs["tp_selling"] and "status" in msgs
