"""KPI cards: validation of each factor, scoring, the setting workflow, Dataset binding (dealerlab.kpi)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from dealerlab.kpi import (
    KpiCard,
    KpiCardError,
    WorkflowError,
    advance,
    card_actuals,
    card_rate,
    cards_from_frame,
    cards_to_frame,
    check_cards,
    owner_scores,
    score_cards,
    validate_cards,
)

SET = dt.date(2026, 10, 1)


def card(**kw) -> KpiCard:
    base = dict(
        card_id="K1",
        name="成交率",
        definition="展厅零售成交效率",
        formula="S_room / (L + N)",
        owner="销售顾问 张伟",
        weight=1.0,
        due_date=dt.date(2026, 10, 31),
        target=0.20,
        stretch=0.25,
        data_source="销售、潜客",
        standard="月末按公式计算，达到目标值得满分",
        direction="higher",
        perspective="客户",
        set_date=SET,
    )
    base.update(kw)
    return KpiCard(**base)


def rules(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame["factor"], frame["rule"]))


def test_valid_card_has_no_problems():
    assert validate_cards([card()]).empty
    assert check_cards([card()]) == [card()]


@pytest.mark.parametrize(
    "field, label",
    [
        ("definition", "目标定义"),
        ("formula", "计算公式"),
        ("owner", "责任人"),
        ("weight", "权重"),
        ("due_date", "完成日期"),
        ("target", "目标值"),
        ("stretch", "突破性目标值"),
        ("data_source", "数据来源"),
        ("standard", "完成标准"),
    ],
)
def test_each_factor_is_required(field, label):
    blank = None if field in ("weight", "due_date", "target", "stretch") else "  "
    problems = validate_cards([card(**{field: blank})])
    assert (label, "missing") in rules(problems)
    msg = problems.loc[problems["rule"] == "missing", "message"].iloc[0]
    assert f"「{label}」" in msg


def test_weights_of_one_owner_sum_to_100_percent():
    a = card(card_id="A", weight=0.6)
    b = card(card_id="B", weight=0.398)  # 99.8% is within ±0.5%
    assert validate_cards([a, b]).empty
    b = card(card_id="B", weight=0.39)  # 99% is not
    problems = validate_cards([a, b])
    assert rules(problems) == [("权重", "weight_sum")]
    assert "99.0%" in problems["message"].iloc[0] and "销售顾问 张伟" in problems["message"].iloc[0]
    # two owners are summed separately
    other = card(card_id="C", owner="展厅经理", weight=1.0)
    assert validate_cards([a, card(card_id="B", weight=0.4), other]).empty


def test_weight_range_and_numbers():
    assert ("权重", "weight_range") in rules(validate_cards([card(weight=40)]))
    assert ("目标值", "not_number") in rules(validate_cards([card(target="很多")]))
    assert ("目标值", "target_positive") in rules(validate_cards([card(target=0, stretch=0.1)]))


def test_stretch_beyond_target_in_good_direction():
    assert ("突破性目标值", "stretch_higher") in rules(validate_cards([card(stretch=0.18)]))
    assert ("突破性目标值", "stretch_higher") in rules(validate_cards([card(stretch=0.20)]))  # equal is not beyond
    lower = dict(formula="comeback_rate", direction="lower", data_source="维修工单", target=0.03)
    assert validate_cards([card(**lower, stretch=0.02)]).empty
    assert ("突破性目标值", "stretch_lower") in rules(validate_cards([card(**lower, stretch=0.04)]))


def test_due_date_after_setting_date():
    assert ("完成日期", "due_before") in rules(validate_cards([card(due_date=SET)]))
    assert ("完成日期", "due_before") in rules(validate_cards([card(due_date=dt.date(2026, 9, 30))]))
    # the argument is used when the card has no set_date
    no_set = card(set_date=None, due_date=dt.date(2026, 10, 31))
    assert validate_cards([no_set], set_date="2026-10-01").empty
    assert not validate_cards([no_set], set_date="2026-11-01").empty
    assert ("完成日期", "not_date") in rules(validate_cards([card(due_date="下个月")]))


def test_formula_only_known_metrics():
    problems = validate_cards([card(formula="S_room / (L + 未知指标)")])
    assert rules(problems) == [("计算公式", "formula")]
    assert "未知指标" in problems["message"].iloc[0]
    assert ("计算公式", "formula") in rules(validate_cards([card(formula="__import__('os')")]))
    assert validate_cards([card(formula="营业收入 - 营业成本费用", data_source="月度财务")]).empty


def test_data_source_names_tables():
    assert validate_cards([card(data_source="sales, leads")]).empty
    problems = validate_cards([card(data_source="销售、DMS系统")])
    assert rules(problems) == [("数据来源", "source_unknown")]
    assert "DMS系统" in problems["message"].iloc[0]


def test_direction_perspective_status_and_ids():
    assert ("方向", "direction") in rules(validate_cards([card(direction="up")]))
    assert validate_cards([card(direction="越低越好", formula="comeback_rate", target=0.03, stretch=0.02)]).empty
    assert ("平衡计分卡维度", "perspective") in rules(validate_cards([card(perspective="运营")]))
    assert ("方向", "unset") in rules(validate_cards([card(direction="")]))
    assert ("平衡计分卡维度", "unset") in rules(validate_cards([card(perspective="")]))
    assert ("状态", "status") in rules(validate_cards([card(status="完成")]))
    dup = validate_cards([card(weight=0.5), card(weight=0.5)])
    assert ("卡片编号", "duplicate_id") in rules(dup)


def test_messages_in_english():
    problems = validate_cards([card(definition="")], lang="en")
    assert problems["factor"].iloc[0] == "definition"
    assert "all nine factors" in problems["message"].iloc[0]


def test_check_cards_raises_with_every_problem():
    with pytest.raises(KpiCardError) as info:
        check_cards([card(definition="", stretch=0.1)])
    assert len(info.value.problems) == 2
    assert "目标定义" in str(info.value) and "突破性目标值" in str(info.value)


# ------------------------------------------------------------------------------------------------ scoring
def test_worked_example():
    # docs/DOMAIN.md §4: weight 0.4, target 100, stretch 120, actual 130 → rate capped at 1.2 → 0.4 × 1.2 = 0.48
    assert card_rate(130, 100, 120) == (pytest.approx(1.2), "")
    c = card(weight=0.4, target=100, stretch=120, formula="volume")
    out = score_cards([c], actuals={"K1": 130})
    assert out["score"].iloc[0] == pytest.approx(0.48)
    assert bool(out["capped"].iloc[0])


def test_rate_not_capped_below_stretch():
    # 110 / 100 = 1.1 < 1.2 → score 0.4 × 1.1 = 0.44
    out = score_cards([card(weight=0.4, target=100, stretch=120)], actuals={"K1": 110})
    assert out["rate"].iloc[0] == pytest.approx(1.1) and out["score"].iloc[0] == pytest.approx(0.44)
    assert not bool(out["capped"].iloc[0])


def test_lower_is_better():
    # comeback rate target 3%, stretch 2%: actual 4% → 0.03/0.04 = 0.75; actual 1% → capped at 0.03/0.02 = 1.5
    assert card_rate(0.04, 0.03, 0.02, direction="lower")[0] == pytest.approx(0.75)
    assert card_rate(0.01, 0.03, 0.02, direction="lower")[0] == pytest.approx(1.5)
    assert card_rate(0.0, 0.03, 0.02, direction="lower")[0] == pytest.approx(1.5)  # no comebacks: best rate
    assert card_rate(0.025, 0.03, 0.02, direction="越低越好")[0] == pytest.approx(1.2)


def test_rate_edge_cases():
    assert card_rate(-50, 100, 120)[0] == 0.0  # a loss scores 0, never negative
    rate, reason = card_rate(math.nan, 100, 120)
    assert math.isnan(rate) and reason == "没有实际值"
    assert math.isnan(card_rate(10, 0, 120)[0])


def test_score_from_metric_values_and_owner_score():
    cards = [
        card(card_id="A", weight=0.6, formula="S_room / (L + N)", target=0.20, stretch=0.25),
        card(card_id="B", weight=0.4, formula="volume", target=10, stretch=12),
    ]
    values = {"S_room": 60, "L": 250, "N": 150, "volume": 8}
    # A: 0.15 / 0.20 = 0.75 → 0.45 ; B: 8 / 10 = 0.8 → 0.32 ; owner 0.77
    out = score_cards(cards, values=values)
    assert out["score"].tolist() == pytest.approx([0.45, 0.32])
    owners = owner_scores(out)
    assert owners["score"].iloc[0] == pytest.approx(0.77)
    assert bool(owners["complete"].iloc[0])


def test_broken_formula_scores_nan_with_reason():
    out = score_cards([card(formula="a.__class__")], values={"S_room": 1.0})
    assert math.isnan(out["score"].iloc[0]) and "a.__class__" in out["reason"].iloc[0]


def test_owner_score_with_a_missing_card():
    cards = [
        card(card_id="A", weight=0.6),
        card(card_id="B", name="销量", weight=0.4, formula="volume", target=10, stretch=12),
    ]
    out = score_cards(cards, values={"S_room": 60, "L": 0, "N": 0, "volume": 10})  # A: 60 / 0 → NaN
    assert math.isnan(out["score"].iloc[0]) and "分母为 0" in out["reason"].iloc[0]
    owners = owner_scores(out)
    assert owners["score"].iloc[0] == pytest.approx(0.4)  # B: 0.4 × 1.0
    assert not bool(owners["complete"].iloc[0]) and "成交率" in owners["reason"].iloc[0]


# ----------------------------------------------------------------------------------------------- workflow
def test_workflow_forward_one_step_at_a_time():
    t = dt.datetime(2026, 10, 2, 9, 0)
    c = card()
    assert c.status == "预先沟通" and c.history == ()
    c = advance(c, by="销售经理 李强", note="月初面谈", at=t)
    assert c.status == "员工草拟"
    with pytest.raises(WorkflowError, match="不能跳过"):
        advance(c, "修订存档", by="李强")
    c = advance(c, "正式讨论", by="张伟", at=t)
    c = advance(c, by="李强", at=t)
    assert c.status == "修订存档"
    assert [(h.from_status, h.to_status) for h in c.history] == [
        ("预先沟通", "员工草拟"),
        ("员工草拟", "正式讨论"),
        ("正式讨论", "修订存档"),
    ]
    assert c.history[0].by == "销售经理 李强" and c.history[0].note == "月初面谈" and c.history[0].at == t
    with pytest.raises(WorkflowError):
        advance(c, by="李强")  # nothing after 修订存档


def test_workflow_back_needs_a_reason():
    c = advance(advance(card(), by="a"), by="b")  # 正式讨论
    with pytest.raises(WorkflowError, match="原因"):
        advance(c, "员工草拟", by="李强")
    back = advance(c, "员工草拟", by="李强", note="目标值需按新车型调整")
    assert back.status == "员工草拟" and back.history[-1].note == "目标值需按新车型调整"
    with pytest.raises(WorkflowError):
        advance(c, by="")  # who is required
    with pytest.raises(WorkflowError):
        advance(c, "正式讨论", by="a")  # already there


def test_frame_round_trip():
    cards = [card(), card(card_id="K2", direction="lower", formula="comeback_rate", target=0.03, stretch=0.02)]
    frame = cards_to_frame(cards, lang="zh")
    assert {
        "目标定义",
        "计算公式",
        "责任人",
        "权重",
        "完成日期",
        "目标值",
        "突破性目标值",
        "数据来源",
        "完成标准",
    } <= set(frame.columns)
    assert cards_from_frame(frame) == cards


# ----------------------------------------------------------------------------------------- Dataset binding
def _fake_compute(ds, *, periods, stores=None, metrics=None, by_staff=False):
    """A stand-in for dealerlab.figures.compute while the metric families are being written."""
    store = {"S_room": 60.0, "L": 250.0, "N": 150.0, "volume": 20.0, "close_rate": 0.15, "csi_index": math.nan}
    staff = {
        "E1": {"volume": 12.0, "S_room": 9.0, "L": 30.0, "N": 20.0},
        "E2": {"volume": 8.0, "S_room": 5.0, "L": 25.0, "N": 25.0},
    }
    rows = []
    if by_staff:
        for sid, vals in staff.items():
            rows += [
                {"staff_id": sid, "store_id": "S01", "period": periods[0], "metric": m, "value": vals[m], "reason": ""}
                for m in metrics
                if m in vals
            ]
    else:
        rows = [
            {
                "store_id": "S01",
                "period": periods[0],
                "metric": m,
                "value": store[m],
                "reason": "没有满意度调查" if math.isnan(store[m]) else "",
            }
            for m in metrics
        ]
    return pd.DataFrame(rows)


def test_card_actuals_binds_to_dataset(monkeypatch):
    import dealerlab.figures

    monkeypatch.setattr(dealerlab.figures, "compute", _fake_compute)
    finance = pd.DataFrame(
        {
            "store_id": ["S01"],
            "period": ["2026-10"],
            "revenue": [1000.0],
            "operating_cost": [900.0],
            "tax_rate": [0.25],
            "invested_capital": [0.0],
            "capital_cost_rate": [0.08],
        }
    )
    from dealerlab.data.dataset import Dataset

    ds = Dataset.from_frames({"monthly_finance": finance})
    cards = [
        card(card_id="A", formula="S_room / (L + N)"),
        card(card_id="B", formula="营业收入 - 营业成本费用"),
        card(card_id="C", formula="csi_index / 10"),
    ]
    cards.append(card(card_id="D", formula="未知指标 + 1"))  # a broken card does not stop the others
    out = card_actuals(cards, ds, store_id="S01", period="2026-10")
    assert math.isnan(out["actual"].iloc[3]) and "未知指标" in out["reason"].iloc[3]
    assert out["actual"].tolist()[:2] == pytest.approx([0.15, 100.0])  # 60/400 ; 1000 − 900
    assert math.isnan(out["actual"].iloc[2]) and "没有满意度调查" in out["reason"].iloc[2]
    # per consultant: E1 9 / (30 + 20) = 0.18
    per = card_actuals(cards[:1], ds, store_id="S01", period="2026-10", staff_id="E1")
    assert per["actual"].iloc[0] == pytest.approx(0.18)


def test_score_on_dataset(monkeypatch):
    import dealerlab.figures
    from dealerlab.data.dataset import Dataset
    from dealerlab.kpi import score_on_dataset

    monkeypatch.setattr(dealerlab.figures, "compute", _fake_compute)
    ds = Dataset.from_frames({})
    cards = [
        card(card_id="A", weight=0.5, formula="volume", target=10, stretch=12),
        card(card_id="B", weight=0.3, formula="close_rate / 2 + S_room / (L + N)", target=0.2, stretch=0.25),
        card(card_id="C", weight=0.2, formula="营业收入", target=100, stretch=120, data_source="月度财务"),
    ]
    # E1: volume 12 → 1.2 (= cap) → 0.6 ; B: close_rate has no row for E1 → NaN ; C: no monthly_finance → NaN
    out = score_on_dataset(cards, ds, store_id="S01", period="2026-10", staff_id="E1")
    assert out["score"].iloc[0] == pytest.approx(0.6)
    assert math.isnan(out["score"].iloc[1]) and "close_rate" in out["reason"].iloc[1]
    assert math.isnan(out["score"].iloc[2]) and "monthly_finance" in out["reason"].iloc[2]


def test_documented_parameters_match_signatures():
    """Every public function of the KPI modules documents exactly its parameters (docs/STYLE.md rule 3)."""
    import inspect
    import re

    import dealerlab.kpi.card
    import dealerlab.kpi.excel
    import dealerlab.kpi.formula
    import dealerlab.kpi.library
    import dealerlab.kpi.scoring
    import dealerlab.plots.kpi

    modules = [
        dealerlab.kpi.formula,
        dealerlab.kpi.card,
        dealerlab.kpi.excel,
        dealerlab.kpi.library,
        dealerlab.kpi.scoring,
        dealerlab.plots.kpi,
    ]
    checked = 0
    for module in modules:
        for name in module.__all__:
            obj = getattr(module, name)
            if not inspect.isfunction(obj) or "Parameters\n    ----------" not in (obj.__doc__ or ""):
                continue
            doc = obj.__doc__.split("Parameters\n    ----------", 1)[1]
            doc = re.split(r"\n    (Returns|Raises|Examples)\n", doc)[0]
            documented = set()
            for line in doc.splitlines():
                m = re.match(r"^    (\w[\w, ]*?) : ", line)
                if m:
                    documented |= {p.strip() for p in m.group(1).split(",")}
            actual = set(inspect.signature(obj).parameters)
            assert documented == actual, (module.__name__, name, documented ^ actual)
            checked += 1
    assert checked >= 12
