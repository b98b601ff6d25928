"""Module 2 exercises: checks driven by setting widget values, as a trainee would type them."""

from __future__ import annotations

import pytest

from dealerlab.exercises import AnswerStore
from dealerlab.exercises.course import kpi as ex
from dealerlab.kpi.library import library_cards

GOOD_CARD = {
    "definition": "当月开单的工单中返修工单的比例，衡量一次修好的能力",
    "formula": "comeback_rate",
    "owner": "服务经理 王芳",
    "weight": "20%",
    "due_date": "2026-10-31",
    "target": "3%",
    "stretch": "2%",
    "data_source": ["维修工单"],
    "standard": "月末按公式取数，达成率 = 目标 ÷ 实际，按突破值封顶",
    "direction": "lower",
    "perspective": "内部流程",
}


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试学员")


def _failed(fb):
    return {field for field, ok, _msg in fb.details if not ok}


def test_card_designer_model_answer_is_correct(store):
    e = ex.card_designer.bind(store=store)
    e.set_answer(GOOD_CARD)
    fb = e.submit()
    assert fb.status == "correct", fb.details
    assert ex.card_designer.check({**e.answer(), "formula": "返修率"}).status == "correct"  # Chinese name works too


def test_card_designer_feedback_per_factor(store):
    e = ex.card_designer.bind(store=store)
    e.set_answer({**GOOD_CARD, "stretch": "4%", "direction": "higher", "data_source": ["服务经理日报"], "definition": ""})
    fb = e.submit()
    assert fb.status == "partly"
    # direction higher + stretch above target passes the validator, but the case says lower → direction flagged;
    # the manager's own daily report is no source for his own card; the definition is empty
    assert {"direction", "data_source", "definition"} <= _failed(fb)
    msgs = dict((f, m) for f, ok, m in fb.details if not ok)
    assert "目标定义" in msgs["definition"] and "自己填写" in msgs["data_source"]
    assert "不是数据表" not in msgs["data_source"]


@pytest.mark.parametrize("formula", ["返修工单数÷进厂工单数×100%", "返修工单数 / 进厂工单数", "(返修台次)÷(进厂台次)",
                                     "返修率 = 返修工单数 ÷ 进厂工单数 × 100%", "返修率"])
def test_card_designer_accepts_a_comeback_rate_written_in_words(formula):
    # issue 19: 「返修工单数÷进厂工单数×100%」 was rejected; only 返修率 / comeback_rate passed
    assert ex.card_designer.check({**_parsed(GOOD_CARD), "formula": formula}).status == "correct"
    fb = ex.card_designer.check({**_parsed(GOOD_CARD), "formula": "进厂工单数÷返修工单数"})
    assert "formula" in _failed(fb) and "close_rate" not in dict((f, m) for f, ok, m in fb.details)["formula"]


@pytest.mark.parametrize("sources", [["维修工单"], ["DMS系统"], ["维修工单", "DMS系统"]])
def test_card_designer_accepts_every_source_it_offers_that_holds_the_orders(sources):
    # issue 19: 「DMS 系统」 was offered, then rejected as 「不是数据表」
    assert ex.card_designer.check({**_parsed(GOOD_CARD), "data_source": sources}).status == "correct"
    for other in ex._TABLE_OPTIONS:  # no option offered is ever "not a data table"
        fb = ex.card_designer.check({**_parsed(GOOD_CARD), "data_source": [other]})
        assert "不是数据表" not in str(fb.details), other
    assert all("（" not in label or "DMS" in label for label in ex._TABLE_OPTIONS.values())  # no English table names


@pytest.mark.parametrize("due", ["2026年10月31日", "10月31日", "2026-10-31", "2026/10/31", "10月底"])
def test_card_designer_accepts_natural_chinese_dates(due):
    # issue 19: 「2026年10月31日」 → 「应为日期（YYYY-MM-DD）」
    assert ex.card_designer.check({**_parsed(GOOD_CARD), "due_date": due}).status == "correct"
    fb = ex.card_designer.check({**_parsed(GOOD_CARD), "due_date": "下个月"})
    msg = dict((f, m) for f, ok, m in fb.details)["due_date"]
    assert "YYYY" not in msg and "2026年10月31日" in msg


def test_card_designer_stretch_direction_and_formula(store):
    fb = ex.card_designer.check({**ex.card_designer.bind(store=store).answer(), **_parsed(GOOD_CARD), "stretch": 0.04})
    assert _failed(fb) == {"stretch"}  # lower is better: a stretch above the target is flagged by validation
    fb = ex.card_designer.check({**_parsed(GOOD_CARD), "formula": "__import__('os')"})
    assert "formula" in _failed(fb)
    fb = ex.card_designer.check({**_parsed(GOOD_CARD), "formula": "close_rate"})
    assert _failed(fb) == {"formula"}  # a valid formula, but not the comeback rate
    fb = ex.card_designer.check({**_parsed(GOOD_CARD), "target": 0.04, "stretch": 0.03})
    assert _failed(fb) == {"target"}  # not below last year's 3.5 %


def _parsed(answer: dict) -> dict:
    out = dict(answer)
    for k in ("weight", "target", "stretch"):
        out[k] = float(answer[k].rstrip("%")) / 100
    return out


def test_card_designer_live_shows_validation():
    assert "通过了九要素校验" in ex._live_card(_parsed(GOOD_CARD))
    live = ex._live_card({})
    assert "目标定义" in live and "计算公式" in live  # empty factors listed, no exception on None values


def test_weight_allocator(store):
    e = ex.weight_allocator.bind(store=store)
    e.set_answer({"sc01": 0.35, "sc02": 0.2, "sc03": 0.15, "sc04": 0.15, "sc05": 0.15})
    assert e.submit().status == "correct"
    # the default 20 % each sums to 100 % but volume is not the largest with ≥ 25 %
    fb = ex.weight_allocator.check({"sc01": 0.2, "sc02": 0.2, "sc03": 0.2, "sc04": 0.2, "sc05": 0.2})
    assert _failed(fb) == {"sc01"}
    fb = ex.weight_allocator.check({"sc01": 0.45, "sc02": 0.2, "sc03": 0.15, "sc04": 0.15, "sc05": 0.0})
    assert {"", "sc01", "sc05"} <= _failed(fb)  # 95 %, volume above 40 %, add-on gross below 5 %
    live = ex._live_weights({"sc01": 0.35, "sc02": 0.2, "sc03": 0.15, "sc04": 0.15, "sc05": 0.1})
    assert "95%" in live and "还差 5%" in live
    assert "✓ 合计正好 100%" in ex._live_weights({"sc01": 0.35, "sc02": 0.2, "sc03": 0.15, "sc04": 0.15, "sc05": 0.15})


def test_weight_allocator_keys_follow_the_library():
    assert [c.card_id.lower() for c in library_cards("销售顾问", period="2026-10")] == list(ex.weight_allocator.fields)


def test_consultant_month(store):
    # volume 13/10 capped at 1.2 → 0.42; close 0.18/0.20 = 0.9 → 0.18; test drive 0.45/0.40 = 1.125 → 0.16875;
    # revisit 0.20/0.25 = 0.8 → 0.12; add-on 3000/3500 = 0.857 → 0.12857; total 1.01732
    e = ex.consultant_month.bind(store=store)
    rates = {"SC01": "120%", "SC02": "90%", "SC03": "112.5%", "SC04": "80%", "SC05": "85.7%"}
    e.set_answer({"rates": {k: {"rate": v} for k, v in rates.items()}, "total": "1.017"})
    assert e.submit().status == "correct"
    fb = ex.consultant_month.check({"rates": {"SC01": {"rate": 1.3}}, "total": 1.05})
    assert fb.status in ("partly", "wrong")
    assert any("封顶" in m for f, ok, m in fb.details if not ok)


def test_month_table_matches_the_library():
    for c in library_cards("销售顾问", period="2026-10"):
        assert f"| {c.name} | {c.weight:.0%} |" in ex.MONTH_TABLE
    assert ex.month_answer()["score"].sum() == pytest.approx(1.0173214, abs=1e-6)


def test_consultant_month_accepts_decimal_achievement_rates(store):
    # H11 QA: typed as decimals (1.2 = 120 %, the way the total 「例如 1.02」 is written) the rates were read as
    # 1.2 % and judged wrong; percentage points (120) and 120% keep working
    e = ex.consultant_month.bind(store=store)
    for rates, total in (
        (["1.2", "0.9", "1.125", "0.8", "0.857"], "1.017"),
        (["120", "90", "112.5", "80", "85.7"], "101.7"),
        (["120%", "90%", "112.5%", "80%", "85.7%"], "101.7%"),
    ):
        e.set_answer({"rates": {f"SC0{i + 1}": {"rate": r} for i, r in enumerate(rates)}, "total": total})
        fb = e.submit()
        assert fb.status == "correct", (rates, fb.details)
    e.set_answer({"rates": {"SC01": {"rate": "1.3"}}})  # uncapped 130 % is still wrong
    assert e.submit().status == "partly"
