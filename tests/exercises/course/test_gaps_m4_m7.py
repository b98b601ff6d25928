"""Course modules 4–7, the topics added for the course map (fishbone, peer comparison, ...): functions against hand
calculations, and every new exercise accepts its model answer and explains a typical mistake."""

from __future__ import annotations

import pandas as pd
import pytest

from dealerlab import pdca
from dealerlab.errors import ParameterError
from dealerlab.exercises import AnswerStore


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path, trainee="测试")


# ---------------------------------------------------------------- module 4
def test_fishbone_groups_causes_in_6m_order():
    t = pdca.fishbone("返修率偏高", {"测": ["不试车"], "Man": ["没带教", "没带教", " "], "法": "无终检"})
    assert t["bone"].tolist() == ["人", "法", "测"]
    assert t["cause"].tolist() == ["没带教", "无终检", "不试车"]
    assert t["order"].tolist() == [1, 1, 1] and set(t["effect"]) == {"返修率偏高"}
    with pytest.raises(ParameterError, match="人、机、料、法、环、测"):
        pdca.fishbone("x", {"钱": ["a"]})
    with pytest.raises(ParameterError):
        pdca.fishbone("", {"人": ["a"]})
    with pytest.raises(ParameterError):
        pdca.fishbone("x", {"人": []})


def test_rate_by_hand_count():
    so = pd.DataFrame({"t": ["保养"] * 4 + ["钣喷"] * 2 + [None], "cb": [1, 0, 0, 0, 1, 1, 1]})
    r = pdca.rate_by(so, by="t", event="cb")
    # 钣喷 2/2 = 100 %, 保养 1/4 = 25 %; 3 events → shares 2/3 and 1/3; the row without a type is left out
    assert r["t"].tolist() == ["钣喷", "保养"]
    assert r["cases"].tolist() == [2, 4] and r["events"].tolist() == [2, 1]
    assert r["rate"].tolist() == pytest.approx([1.0, 0.25])
    assert r["share_of_events"].tolist() == pytest.approx([2 / 3, 1 / 3])


def test_peer_compare_hand_values():
    t = pd.DataFrame({"store_id": ["A", "B", "C", "D"], "ftf": [0.90, 0.95, 0.97, 0.99], "cb": [0.05, 0.02, 0.03, 0.04]})
    r = pdca.peer_compare(t, store_id="A", metrics={"ftf": True, "cb": False}).set_index("metric")
    # peers of A: ftf median(0.95, 0.97, 0.99) = 0.97 → gap −0.07, −7.2 %; cb median(0.02, 0.03, 0.04) = 0.03 → +0.02
    assert r.loc["ftf", "peer_median"] == pytest.approx(0.97) and r.loc["ftf", "gap"] == pytest.approx(-0.07)
    assert r.loc["ftf", "gap_pct"] == pytest.approx(-0.07 / 0.97)
    assert r.loc["cb", "gap"] == pytest.approx(0.02) and r.loc["cb", "gap_pct"] == pytest.approx(2 / 3)
    assert not r["better"].any()
    assert r.index.tolist() == ["cb", "ftf"]  # +67 % more comebacks is worse than −7 % first-time fix
    with pytest.raises(ParameterError):
        pdca.peer_compare(t, store_id="Z", metrics={"ftf": True})


def test_fishbone_chart_draws_chinese(chinese_style):
    from dealerlab.plots import pdca as pp

    t = pdca.fishbone("返修率偏高", {"人": ["没带教"], "测": ["不试车", "不记录"]})
    ax = pp.plot_fishbone(t)
    texts = {x.get_text() for x in ax.texts}
    assert {"返修率偏高", "人", "机", "测", "不试车", "不记录"} <= texts
    ax.figure.canvas.draw()
    assert "Measurement" in {x.get_text() for x in pp.plot_fishbone(t, lang="en").texts}


def test_04d_fishbone(store):
    from dealerlab.exercises.course.pdca_tools import COMEBACK_CAUSES, LOW_KPI_CAUSES, fishbone_drill

    good = {"bones": {k: b for k, (_t, b) in COMEBACK_CAUSES.items()}, "next": "verify",
            "measures": {k: m for k, (_t, m) in LOW_KPI_CAUSES.items()}}
    ex = fishbone_drill.bind(store=store)
    ex.set_answer(good)
    assert ex.submit().status == "correct"
    bad = {**good, "bones": {**good["bones"], "k8": "人"}, "next": "act"}
    fb = fishbone_drill.check(bad)
    msgs = {f: m for f, ok, m in fb.details if not ok}
    assert fb.status == "partly" and "第 8 条" in msgs["bones"] and "先用数据" in msgs["next"]
    assert fishbone_drill.check({}).status == "wrong"


def test_04e_gemba_peer(store):
    from dealerlab.exercises.course.pdca_tools import CS_STEPS, gemba_peer, peer_numbers

    nums = peer_numbers().set_index("metric")
    # S02 on-time 81.19 % against median(89.92 %, 87.16 %) = 88.54 % → −7.35 points; booth −23.0 / 74.3 = −31 %
    assert nums.loc["on_time_delivery", "gap"] == pytest.approx(-0.0735)
    assert peer_numbers()["metric"].iloc[0] == "booth_utilisation"
    good = {"stages": {k: s for k, (_t, s) in CS_STEPS.items()}, "patrol_times": "b",
            "patrol_note": "10:30 发现 3 号工位完工车未终检，由车间主管今天 16:00 前补做", "gap": "-7.35%",
            "first": "booth_utilisation"}
    ex = gemba_peer.bind(store=store)
    ex.set_answer(good)
    assert ex.submit().status == "correct"
    fb = gemba_peer.check({**good, "gap": 0.0735, "patrol_note": "发现工位很乱，要注意"})  # sign flipped, no owner/date
    msgs = {f: m for f, ok, m in fb.details if not ok}
    assert set(msgs) == {"gap", "patrol_note"} and "谁负责" in msgs["patrol_note"]


# ---------------------------------------------------------------- module 5
def test_sample_size_hand_values():
    from dealerlab import csi

    # n0 = 1.96² × 0.25 / 0.05² = 384.15 → 385; N = 500: 384.15 / (1 + 383.15 / 500) = 217.5 → 218
    assert csi.sample_size() == 385 and csi.sample_size(500) == 218 and csi.sample_size(400) == 197
    assert csi.sample_size(None, margin=0.10) == 97 and csi.sample_size(100, margin=0.10) == 50
    assert csi.sample_size(3) == 3  # never more than the customers there are
    with pytest.raises(ParameterError):
        csi.sample_size(100, margin=0)


def test_qscv_scores_pool_rows():
    from dealerlab import csi

    rows = [  # two CSI responses; Q = 一次修好 (8, 6) + 按时交车 (10) → 24 / 3 = 8.0; C = 休息区舒适 (9) ; V = 价格公道 (5, 7)
        ("R1", "一次修好", 8), ("R1", "按时交车", 10), ("R1", "休息区舒适", 9), ("R1", "价格公道", 5),
        ("R2", "一次修好", 6), ("R2", "价格公道", 7),
    ]
    sv = pd.DataFrame([{"response_id": r, "store_id": "S01", "survey": "CSI", "survey_date": pd.Timestamp("2026-10-05"),
                        "item": i, "performance": p, "expectation": None} for r, i, p in rows])
    t = csi.qscv_scores(sv, by=["store_id"])
    assert t["qscv"].tolist() == ["Q", "C", "V"]  # no S item answered → no S row
    q = t.set_index("qscv")
    assert q.loc["Q", "n"] == 3 and q.loc["Q", "n_items"] == 2 and q.loc["Q", "index"] == pytest.approx(800)
    assert q.loc["C", "index"] == pytest.approx(900) and q.loc["V", "performance"] == pytest.approx(6.0)
    assert set(csi.QSCV_OF_ITEM) >= set(csi.survey_dictionary()["item"])  # every shipped item has a letter
    with pytest.raises(ParameterError):
        csi.qscv_scores(sv, mapping={"一次修好": "X"})


def test_05d_qscv_survey(store):
    from dealerlab.exercises.course.csi_service import QSCV_PRACTICES, REMARKS, qscv_survey

    good = {"qscv": {k: v for k, (_t, v) in QSCV_PRACTICES.items()}, "remarks": {k: v for k, (_t, v) in REMARKS.items()},
            "sample": "197", "third": "b"}
    ex = qscv_survey.bind(store=store)
    ex.set_answer(good)
    assert ex.submit().status == "correct"
    fb = qscv_survey.check({**good, "sample": 385.0, "qscv": {**good["qscv"], "p6": "S"}})  # no finite-N correction
    msgs = {f: m for f, ok, m in fb.details if not ok}
    assert set(msgs) == {"sample", "qscv"} and "第 6 条" in msgs["qscv"] and "400" in msgs["sample"]


def test_05e_complaints(store):
    from dealerlab.exercises.course.csi_service import _RESP_OF, COMPLAINTS, complaint_handling

    good = {"types": {k: v for k, (_t, v) in COMPLAINTS.items()},
            "responses": {k: _RESP_OF[v] for k, (_t, v) in COMPLAINTS.items()}, "phone": ["t1", "t2", "t3", "t6", "t7"],
            "reply": "王先生，非常抱歉，我核实经过后安排免费修复，今天下午 5 点前给您回电。"}
    ex = complaint_handling.bind(store=store)
    ex.set_answer(good)
    assert ex.submit().status == "correct"
    fb = complaint_handling.check({**good, "phone": ["t1", "t5"], "reply": "我们会尽快处理您的问题，请您放心等待"})
    msgs = {f: m for f, ok, m in fb.details if not ok}
    assert set(msgs) == {"phone", "reply"} and "道歉" in msgs["reply"]


# ---------------------------------------------------------------- module 6
def test_b2b_funnel_and_backwards():
    from dealerlab import accounts

    f = accounts.b2b_funnel({"线索": 100, "拜访": 40, "报价": 10, "签约": 4})
    assert f["step_rate"].tolist()[1:] == pytest.approx([0.4, 0.25, 0.4]) and pd.isna(f["step_rate"].iloc[0])
    assert f["overall_rate"].tolist() == pytest.approx([1, 0.4, 0.1, 0.04])
    with pytest.raises(ParameterError, match="越来越窄"):
        accounts.b2b_funnel({"线索": 10, "拜访": 12})
    # 6 deals at 2/3 → 9 bids; 9 / 0.5 = 18 quotes; 18 / 0.5 = 36; 36 / 0.6 = 60; 60 / 0.5 = 120
    need = accounts.required_pipeline(6, {"a": 1, "b": 0.5, "c": 0.6, "d": 0.5, "e": 0.5, "f": 2 / 3})
    assert need["needed"].tolist() == [120, 60, 36, 18, 9, 6]
    # 9 deals: 13.5 → 14, 28, 56, 93.3 → 94, 188 (each step rounded up)
    assert accounts.required_pipeline(9, {"a": 1, "b": 0.5, "c": 0.6, "d": 0.5, "e": 0.5, "f": 2 / 3})[
        "needed"].tolist() == [188, 94, 56, 28, 14, 9]
    with pytest.raises(ParameterError):
        accounts.required_pipeline(6, {"a": 1, "b": 0})


def test_customer_equity_and_contact_gaps():
    from dealerlab import accounts

    clv = pd.DataFrame({"tier": ["价值型", "潜力型"], "accounts": [12, 5], "clv": [30_000 * 0.75 / 0.35, float("nan")],
                        "reason": ["", "前 12 个月没有活跃客户，无法测得留存率"]})
    eq = accounts.customer_equity(clv)
    assert eq["equity"].iloc[0] == pytest.approx(12 * 64_285.714, rel=1e-6) and pd.isna(eq["equity"].iloc[1])
    assert eq["tier"].iloc[-1] == "合计" and eq["accounts"].iloc[-1] == 17
    assert eq["equity"].iloc[-1] == pytest.approx(771_428.57, rel=1e-6) and "潜力型" in eq["reason"].iloc[-1]
    tiers = pd.DataFrame({"store_id": ["S1"] * 4, "account_id": list("ABCD"), "account_name": list("ABCD"),
                          "industry": ["x"] * 4, "tier": ["价值型", "重要型", "价值型", "一般"],
                          "contact_level": ["基层", "基层", "高层", "基层"], "monetary": [5, 9, 7, 1]})
    assert accounts.contact_gaps(tiers)["account_id"].tolist() == ["B", "A"]


def test_b2b_chart(chinese_style):
    from dealerlab import accounts
    from dealerlab.plots import accounts as ap

    ax = ap.b2b_funnel(accounts.b2b_funnel({"线索": 120, "拜访": 60, "签约": 6}))
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["120家", "60家（50%）", "6家（10%）"]
    ax.figure.canvas.draw()


def test_06b_relations(store):
    from dealerlab.exercises.course.accounts_relations import (
        DECISION_PEOPLE,
        METHOD_SCENES,
        STEP_ACTIONS,
        relation_drill,
    )

    good = {"steps": {k: v for k, (_t, v) in STEP_ACTIONS.items()}, "principle": "b",
            "methods": {k: v for k, (_t, v) in METHOD_SCENES.items()},
            "people": {k: v for k, (_t, v) in DECISION_PEOPLE.items()},
            "competitor": "10 月 8 日得知 X 品牌给华泰快运报了保养 8 折；我们 10 月 12 日前拜访车队长并提交方案"}
    ex = relation_drill.bind(store=store)
    ex.set_answer(good)
    assert ex.submit().status == "correct"
    fb = relation_drill.check({**good, "methods": {**good["methods"], "m2": "空降式"}, "competitor": "对手在降价"})
    msgs = {f: m for f, ok, m in fb.details if not ok}
    assert set(msgs) == {"methods", "competitor"} and "第 2 条" in msgs["methods"] and "应对" in msgs["competitor"]


def test_06c_b2b_equity(store):
    from dealerlab.exercises.course.accounts_relations import b2b_equity, equity_answer, pipeline_answer

    assert list(pipeline_answer().values()) == [120, 60, 36, 18, 9, 6]
    clv, equity = equity_answer()
    assert clv == pytest.approx(64_285.714, rel=1e-6) and equity == pytest.approx(771_428.57, rel=1e-6)
    ex = b2b_equity.bind(store=store)
    ex.set_answer({"pipeline": {s: {"needed": str(n)} for s, n in pipeline_answer().items() if s != "签约"},
                   "clv": "64286", "equity": "77.14万", "role": ["r1", "r2", "r3"]})
    assert ex.submit().status == "correct"
    wrong = {s: {"needed": float(n)} for s, n in pipeline_answer().items()}
    wrong["获得线索"]["needed"] = 72.0  # 6 ÷ 0.05 … multiplied forwards instead of divided back
    fb = b2b_equity.check({"pipeline": wrong, "clv": 22_500, "equity": 270_000, "role": ["r1", "r2", "r3", "r5"]})
    msgs = {f: m for f, ok, m in fb.details if not ok}
    assert set(msgs) == {"pipeline", "clv", "equity", "role"} and "获得线索" in msgs["pipeline"]


# ---------------------------------------------------------------- module 7
def test_feedback_360_hand_values():
    from dealerlab import pay

    r = pd.DataFrame({"rater": ["上级", "同事", "同事", "同事", "自评"], "score": [80, 70, 75, 90, 95]})
    t = pay.feedback_360(r).set_index("rater")
    # no subordinates: 0.4 / 0.3 / 0.1 scaled to 0.5 / 0.375 / 0.125 → 40 + 29.375 + 11.875 = 81.25
    assert t.loc["同事", "mean"] == pytest.approx(235 / 3) and t.loc["同事", "used_weight"] == pytest.approx(0.375)
    assert t.loc["合计", "contribution"] == pytest.approx(81.25)
    # others = (80 × 0.4 + 78.33 × 0.3) / 0.7 = 79.2857 → self gap 15.714
    assert t.loc["合计", "self_gap"] == pytest.approx(95 - (32 + 23.5) / 0.7)
    full = pd.DataFrame({"staff_id": ["B"] * 4, "rater": ["上级", "同事", "下级", "自评"], "score": [85, 79, 70, 80]})
    assert pay.feedback_360(full).iloc[-1]["contribution"] == pytest.approx(34 + 23.7 + 14 + 8)
    with pytest.raises(ParameterError, match="客户"):
        pay.feedback_360(pd.DataFrame({"rater": ["客户"], "score": [90]}))


def test_pay_mix_points_and_revival():
    from dealerlab import pay

    m = pay.pay_mix({"基本工资": 2500, "岗位工资": 1000, "福利补贴": 500, "绩效奖金": 2000, "销售提成": 4000}).set_index("part")
    assert m.loc["固定合计", "amount"] == 4000 and m.loc["浮动合计", "share"] == pytest.approx(0.6)
    assert m.loc["总计", "amount"] == 10_000 and m.loc["销售提成", "share"] == pytest.approx(0.4)
    with pytest.raises(ParameterError, match="固定还是浮动"):
        pay.pay_mix({"股票": 1})
    log = pd.DataFrame({"staff_id": ["A", "A", "A", "B", "B"], "n": [10, 6, 1, 2, 8],
                        "reason": ["展车5S检查", "试驾车值班", "迟到早退", "客户表扬", "新车接车"]})
    s = pay.score_points(log, count="n").set_index("staff_id")
    assert (s.loc["A", "plus"], s.loc["A", "minus"], s.loc["A", "points"]) == (16, -10, 6)  # 10 + 6 − 10
    assert s.loc["B", "points"] == 18 and s.index[0] == "B"  # 2 × 5 + 8
    with pytest.raises(ParameterError, match="第 2 行"):
        pay.score_points(pd.DataFrame({"staff_id": ["A", "A"], "reason": ["展车5S检查", "加班"]}))
    quarters = pd.DataFrame({"staff_id": ["A", "B", "C", "D"], "quarter": ["2026Q3"] * 4,
                             "status": ["淘汰", "淘汰", "淘汰", "停岗"]})
    pts = pd.DataFrame({"staff_id": list("ABCD"), "quarter": ["2026Q3"] * 4, "points": [36, 36, 20, 50]})
    last = pd.DataFrame({"staff_id": list("ABCD"), "quarter": ["2026Q3"] * 4, "units": [13, 11, 14, 15]})
    r = pay.revival(quarters, pts, last).set_index("staff_id")
    assert r["final_status"].to_dict() == {"A": "复活", "B": "淘汰", "C": "淘汰", "D": "停岗"}


def test_driver_tree_and_what_if_hand_values():
    from dealerlab.pay import value

    case = dict(price=150_000, units=1_200, unit_cost=142_000, expenses=6e6, tax_rate=0.25, inventory=30e6,
                receivables=10e6, fixed_capital=20e6, capital_cost_rate=0.08)
    t = value.driver_tree(**case).set_index("node")["value"]
    # revenue 180m − cost of sales 170.4m − expenses 6m = 3.6m; NOPAT 2.7m; capital 60m × 8 % = 4.8m → EVA −2.1m
    assert t["revenue"] == 180e6 and t["operating_profit"] == pytest.approx(3.6e6)
    assert t["capital_charge"] == pytest.approx(4.8e6) and t["eva"] == pytest.approx(-2.1e6)
    wi = value.driver_what_if(case, {"price": 0.01, "units": 0.01, "inventory": -0.2, "receivables": -0.5})
    d = wi.set_index("driver")["delta"]
    assert d["price"] == pytest.approx(1.8e6 * 0.75)  # the price rise falls to profit whole
    assert d["units"] == pytest.approx(12 * 8_000 * 0.75)  # 12 more cars at 8 000 margin each
    assert d["inventory"] == pytest.approx(6e6 * 0.08) and d["receivables"] == pytest.approx(5e6 * 0.08)
    assert d["all"] == pytest.approx(2.3155e6)  # price × units interact: 12 extra cars also earn the +1 % price
    with pytest.raises(ParameterError):
        value.driver_what_if(case, {"tax_rate": -0.1})


def test_driver_tree_chart(chinese_style):
    from dealerlab.pay import value
    from dealerlab.plots import pay as pp

    case = dict(price=150_000, units=1_200, unit_cost=142_000, expenses=6e6, tax_rate=0.25, inventory=30e6,
                receivables=10e6, fixed_capital=20e6, capital_cost_rate=0.08)
    ax = pp.driver_tree(value.driver_tree(**case), highlight=["inventory"])
    texts = [t.get_text() for t in ax.texts]
    assert "存货\n3,000 万" in texts and "经济增加值 EVA\n-210 万" in texts and len(texts) == 14
    ax.figure.canvas.draw()


def test_07b_appraisal(store):
    from dealerlab.exercises.course.performance import ERROR_CASES, WATER_KPIS, appraisal_drill, score_360

    assert score_360()[0] == pytest.approx(81.25)
    good = {"idea": "b", "rrr": "b", "water": {k: v for k, (_t, v) in WATER_KPIS.items()},
            "errors": {k: v for k, (_t, v) in ERROR_CASES.items()}, "score360": "81.25"}
    ex = appraisal_drill.bind(store=store)
    ex.set_answer(good)
    assert ex.submit().status == "correct"
    fb = appraisal_drill.check({**good, "score360": 79.5, "water": {**good["water"], "w3": "dispatch"}})  # plain mean
    msgs = {f: m for f, ok, m in fb.details if not ok}
    assert set(msgs) == {"score360", "water"} and "第 3 条" in msgs["water"]


def test_07c_pay_value(store):
    from dealerlab.exercises.course.performance import (
        INCENTIVES,
        SWOT_ITEMS,
        inventory_gain,
        pay_value_drill,
        points_answer,
    )

    assert points_answer() == 12 and inventory_gain() == pytest.approx(480_000)
    good = {"variable": "60%", "points": "12", "revive": "yes", "incentives": {k: v for k, (_t, v) in INCENTIVES.items()},
            "inventory": "48万", "swot": {k: v for k, (_t, v) in SWOT_ITEMS.items()}}
    ex = pay_value_drill.bind(store=store)
    ex.set_answer(good)
    assert ex.submit().status == "correct"
    fb = pay_value_drill.check({"variable": 0.6, "points": 37, "revive": "never", "inventory": 6e6,
                                "incentives": good["incentives"], "swot": {**good["swot"], "s2": "T"}})
    msgs = {f: m for f, ok, m in fb.details if not ok}
    assert set(msgs) == {"points", "revive", "inventory", "swot"} and "8%" in msgs["inventory"]


def test_classify_widgets_show_whole_texts():
    """Review fix: the cause is written next to its dropdown, and a long class is not cut off in the closed dropdown."""
    from dealerlab.exercises.course.pdca_tools import COMEBACK_CAUSES, fishbone_drill

    fld = fishbone_drill.fields["bones"]
    assert fld.items["k8"] == f"8. {COMEBACK_CAUSES['k8'][0]}"
    view = fishbone_drill.fields["measures"].view("measures", "zh")
    drop = view.drops["c1"]
    longest = max(len(label) for label, _v in drop.options)  # "客群：把高配车型、大客户和新车交付作为重点推荐对象"
    assert int(drop.layout.width.rstrip("px")) >= min(460, 14 * longest)


def test_06c_model_answer_shows_the_equity_sum():
    """Review fix: the model answer wrote “客户资产 = × 12”, the CLV missing from the multiplication."""
    from dealerlab.exercises.course.accounts_relations import b2b_equity

    text = b2b_equity.model_answer() if callable(b2b_equity.model_answer) else b2b_equity.model_answer
    assert "= × " not in text and "64,286 × 12 ≈ **771,429 元**" in text


def test_model_answer_box_names_itself_once(store):
    """Review fix: the box titled 参考答案 repeated the answer's own bold heading 参考答案 (seen in the browser)."""
    from dealerlab.exercises.course.pdca_tools import fishbone_drill

    ex = fishbone_drill.bind(store=store)
    ex._build_content()  # the widgets, as in the page
    ex.set_answer({"next": "verify"})
    ex.submit()
    ex.reveal()
    shown = ex._model_html.value
    assert shown.count("参考答案") == 1 and "1 人；2 机" in shown
