"""PDCA cycle model: 5W1H completeness, Check on data, Act and chains, JSON/Excel round trip."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.errors import DealerlabError, ParameterError
from dealerlab.pdca import Action, Cycle, chain, check_plan, load_cycles, plan_is_complete, save_cycles


def _cycle() -> Cycle:
    return Cycle(
        problem="S01 返修率上升",
        metric="comeback_rate",
        store_id="S01",
        baseline=0.05,
        target=0.03,
        deadline="2026-10",
        problem_id="RC",
        cause="技师未按标准作业",
        baseline_periods=["2026-06", "2026-07"],
    )


def test_plan_missing_who_and_when_flagged_with_chinese_feedback():
    plan = [
        {
            "what": "返修车辆逐台分析原因",
            "why": "找出主要原因",
            "who": "车间主任 王强",
            "when": "2026-08-15",
            "where": "车间",
            "how": "每周例会",
        },
        {"what": "技师标准作业培训", "how": "内训师授课"},  # who and when missing
    ]
    fb = check_plan(plan)
    bad = fb[~fb["ok"]]
    second = bad[bad["action"] == 2].set_index("field")
    assert {"who", "when"} <= set(second.index)
    assert "谁来做" in second.loc["who", "message"] and "必填" in second.loc["who", "message"]
    assert "完成日期" in second.loc["when", "message"] or "何时" in second.loc["when", "message"]
    # why/where missing → a suggestion, not a required field
    assert not second.loc["why", "required"] and "建议补充" in second.loc["why", "message"]
    # the first action is complete
    assert fb[fb["action"] == 1]["ok"].all()
    assert plan_is_complete(plan) is False
    assert plan_is_complete(plan[:1]) is True


def test_plan_vague_who_bad_date_and_late_date():
    plan = [
        Action(what="晨会通报返修", who="大家", when="尽快"),
        Action(what="返修追踪表", who="服务经理", when="2026-12-01"),
    ]
    fb = check_plan(plan, deadline="2026-10").set_index(["action", "field"])
    assert not fb.loc[(1, "who"), "ok"] and "责任不明确" in fb.loc[(1, "who"), "message"]
    assert not fb.loc[(1, "when"), "ok"] and "不是日期" in fb.loc[(1, "when"), "message"]
    assert not fb.loc[(2, "when"), "ok"] and "晚于循环期限" in fb.loc[(2, "when"), "message"]
    assert fb.loc[(2, "who"), "ok"]


def test_6w2h_asks_whom_and_how_much_and_empty_plan():
    fb = check_plan([Action(what="a", who="b", when="2026-09")], scheme="6W2H")
    assert {"whom", "how_much"} <= set(fb["field"])
    assert plan_is_complete([]) is False
    with pytest.raises(ParameterError):
        check_plan([], scheme="7W")
    with pytest.raises(ParameterError):
        check_plan([{"wat": "typo"}])


def test_cycle_rejects_unknown_metric_and_bad_deadline():
    with pytest.raises(ParameterError):
        Cycle(problem="x", metric="no_such_metric", store_id="S01", baseline=1, target=2, deadline="2026-10")
    with pytest.raises(ParameterError):
        Cycle(problem="x", metric="intake", store_id="S01", baseline=1, target=2, deadline="Oct")


def _orders_ds() -> Dataset:
    d = pd.Timestamp
    # S01: 2026-08 20 orders, 1 comeback (0.05); 2026-09 20 orders, 0 comebacks (0.0)
    rows = [("S01", d("2026-08-10"), i == 0) for i in range(20)] + [("S01", d("2026-09-10"), False) for _ in range(20)]
    df = pd.DataFrame(rows, columns=["store_id", "open_date", "is_comeback"])
    df["ro_id"] = [f"R{i}" for i in range(len(df))]
    df["ro_type"] = "一般维修"
    df["revenue"] = 100.0
    stores = pd.DataFrame({"store_id": ["S01"], "store_name": ["一店"]})
    return Dataset.from_frames({"stores": stores, "service_orders": df})


def test_check_computes_metric_from_data_and_compares_lower_is_better():
    c = _cycle()
    res = c.check(_orders_ds(), periods=["2026-08", "2026-09"])
    # comeback 1/20 = 0.05 and 0/20 = 0.0 → after = mean 0.025 ≤ target 0.03 → met (lower is better)
    assert res.values == pytest.approx([0.05, 0.0])
    assert res.after == pytest.approx(0.025)
    assert res.met is True
    assert c.stage() == "C"
    res2 = c.check(_orders_ds(), periods=["2026-08"])
    assert res2.met is False  # 0.05 > 0.03
    # a month with no data → no value, met unknown
    res3 = c.check(_orders_ds(), periods=["2026-11"])
    assert res3.after is None and res3.met is None and "分母为 0" in res3.note


def test_check_higher_is_better_with_given_values():
    c = Cycle(
        problem="供应率低", metric="parts_fill_rate", store_id="S01", baseline=0.8, target=0.9, deadline="2026-10"
    )
    assert c.check(values=[0.88, 0.94], periods=["2026-09", "2026-10"]).met is True  # mean 0.91 ≥ 0.90
    with pytest.raises(ParameterError):
        c.check(periods=["2026-09"])


def test_act_and_chain_of_cycles():
    c1 = _cycle()
    c1.add_action(what="返修分析会", who="服务经理", when="2026-08-10")
    c1.log("2026-08-10", "召开返修分析会", who="服务经理")
    c1.check(values=[0.04], periods=["2026-09"])
    c2 = c1.next_cycle(cause="培训组织不到位", target=0.025, deadline="2026-12")
    assert c1.act_decision == "next_cycle" and c1.stage() == "A"
    assert c2.round == 2 and c2.problem_id == "RC" and c2.cycle_id == "RC-2"
    assert c2.baseline == pytest.approx(0.04)  # the previous Check value
    assert c2.baseline_periods == ["2026-09"]
    c2.standardise("返修分析会写入车间管理办法")
    other = Cycle(
        problem="y", metric="intake", store_id="S01", baseline=1, target=2, deadline="2026-10", problem_id="X"
    )
    assert [c.cycle_id for c in chain([c2, other, c1], "RC")] == ["RC-1", "RC-2"]


def _full_cycles() -> list[Cycle]:
    c1 = _cycle()
    c1.add_action(
        what='=HYPERLINK("http://x")',
        why="防注入",
        who="+王强",
        when="2026-08-10",
        where="-车间",
        how="@每周",
        whom="技师",
        how_much="3 000 元",
        done=True,
    )
    c1.add_action(what="返修追踪表", who="服务经理", when="2026-09")
    c1.log("2026-08-12", "第一次培训", who="内训师")
    c1.check(values=[0.04, None], periods=["2026-09", "2026-10"])
    c2 = c1.next_cycle(cause="培训组织不到位", target=0.025, deadline="2026-12")
    c2.standardise("写入标准")
    return [c1, c2]


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_save_load_round_trip_keeps_everything(tmp_path, suffix):
    cycles = _full_cycles()
    path = save_cycles(cycles, tmp_path / f"pdca{suffix}")
    back = load_cycles(path)
    assert [c.to_dict() for c in back] == [c.to_dict() for c in cycles]
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_excel_text_is_never_a_formula(tmp_path):
    from openpyxl import load_workbook

    path = save_cycles(_full_cycles(), tmp_path / "p.xlsx")
    ws = load_workbook(path)["措施"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_json_file_is_readable_and_bad_files_raise(tmp_path):
    path = save_cycles(_full_cycles(), tmp_path / "p.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["cycles"][0]["problem"] == "S01 返修率上升"
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(DealerlabError):
        load_cycles(tmp_path / "bad.json")
    with pytest.raises(DealerlabError):
        load_cycles(tmp_path / "missing.xlsx")
    with pytest.raises(ParameterError):
        save_cycles([], tmp_path / "p.csv")


def test_excel_round_trip_with_full_precision_floats(tmp_path):
    c = _cycle()
    c.baseline = 0.1 + 0.2  # 0.30000000000000004: Excel keeps ~15 digits, the model keeps 12
    c = Cycle.from_dict(c.to_dict())
    c.check(values=[0.038344291691572024, 1 / 3], periods=["2026-09", "2026-10"])
    back = load_cycles(save_cycles([c], tmp_path / "p.xlsx"))[0]
    assert back.to_dict() == c.to_dict()
    assert back.baseline == pytest.approx(0.3)
