"""Course module 5 exercises: sort items into the three Kano classes, choose what to fix first from an IPA chart,
compute P − E and the index of a small survey.

Every check calls :mod:`dealerlab.csi` (and the default survey dictionary), so the feedback and the model answers
are the figures the tests check.
"""

from __future__ import annotations

import functools

import pandas as pd

from dealerlab import csi
from dealerlab.data.defaults import OVERALL_ITEM
from dealerlab.exercises import ChoiceField, ClassifyField, Exercise, Feedback, NumberField, is_close
from dealerlab.exercises.course._sorting import item_details

__all__ = [
    "kano_sort",
    "ipa_pick",
    "gap_index",
    "KANO_CASE",
    "IPA_CASE",
    "ipa_case_table",
    "GAP_CASE",
    "gap_case_surveys",
    "gap_case_answer",
]

# ---- 05a: sort items into the three Kano classes ---------------------------------------------------------------------
#: item → what the customer experiences (the class comes from the survey dictionary)
KANO_CASE = {
    "一次修好": "车修一次就好，不用第二次回厂",
    "诊断准确": "技师一次就找准故障原因",
    "维修用时合理": "保养等待时间：越短越好",
    "预约便捷": "电话或小程序预约，越方便越好",
    "车辆交还清洁": "取车时发现车被免费洗干净了",
    "休息区舒适": "休息区有咖啡、按摩椅和儿童角",
}


_KANO_ASK = "做不到时，客户会投诉吗？做到了，客户会觉得理所当然、越多越好，还是意外惊喜？"


def _kano_truth() -> dict[str, str]:
    d = csi.survey_dictionary()
    d = d[(d["survey"] == "CSI") & d["item"].isin(list(KANO_CASE))]
    return dict(zip(d["item"], d["kano_class"], strict=True))


def _check_kano(answer: dict) -> Feedback:
    truth = _kano_truth()
    details = item_details("classes", answer.get("classes"), truth, lambda item, _right: f"「{item}」再想想：{_KANO_ASK}")
    return Feedback.grade(
        details,
        explanation=(
            "「我们好好做，顾客就会满意」并不总对。**不满意因素**（必备）做好只是及格，做坏必然投诉——"
            "一次修好、诊断准确属于这一类，要先守住；**中性因素**（一维）做得越好越满意，例如等待时间、预约便利；"
            "**满意因素**（魅力）是意外之喜，例如免费洗车、舒适的休息区。顺序是：先消除不满意因素，再做好中性因素，"
            "最后用满意因素制造惊喜。"
        ),
        explanation_en=(
            "Must-be factors (first-time fix, correct diagnosis) only avoid complaints; one-dimensional factors "
            "(waiting time, easy booking) please in proportion; attractive factors (free wash, lounge) delight."
        ),
        hint="问自己：如果做不到，客户会不会投诉？如果做到了，客户会不会惊喜？",
    )


kano_sort = Exercise(
    id="05a-kano-sort",
    title="卡诺分类：三类满意因素",
    title_en="Sort items into the three Kano classes",
    instructions=(
        "把下面六个售后服务题项分到三类中：**不满意因素**（客户认为理所当然，做不到就不满）、"
        "**中性因素**（做得越好越满意）、**满意因素**（意外惊喜，没有也不抱怨）。"
    ),
    instructions_en="Sort the six service items into must-be (dissatisfier), one-dimensional (neutral) and attractive (satisfier).",
    fields={
        "classes": ClassifyField(
            "题项分类",
            "Classes",
            items={k: f"{k}（{v}）" for k, v in KANO_CASE.items()},
            classes={k: k for k in csi.KANO},
            classes_en={"不满意因素": "Dissatisfier (must-be)", "中性因素": "Neutral (one-dimensional)",
                        "满意因素": "Satisfier (attractive)"},
        )
    },
    check=_check_kano,
    model_answer=lambda _answer=None: "**参考答案**：" + "；".join(
        f"{item} → {cls}" for item, cls in _kano_truth().items()
    ),
)

# ---- 05b: from an IPA chart, choose the two items to fix first ---------------------------------------------------------
#: a store's CSI items: index (1000 scale) and derived importance (correlation with 总体满意度)
IPA_CASE = pd.DataFrame(
    {
        "item": ["一次修好", "按时交车", "诊断准确", "维修项目解释清楚", "价格公道", "预约便捷", "休息区舒适", "车辆交还清洁"],
        "index": [760.0, 772.0, 845.0, 835.0, 750.0, 800.0, 870.0, 858.0],
        "importance": [0.62, 0.58, 0.60, 0.52, 0.30, 0.28, 0.20, 0.25],
    }
)


def ipa_case_table() -> pd.DataFrame:
    """:data:`IPA_CASE` with its quadrants (:func:`dealerlab.csi.assign_quadrants`), ready for ``ipa_map``."""
    t = IPA_CASE.assign(survey="CSI", performance=IPA_CASE["index"] / 100)
    return csi.assign_quadrants(t, by=["survey"])


def _ipa_truth() -> list[str]:
    return csi.fix_first(ipa_case_table(), n=2)["item"].tolist()


def _check_ipa(answer: dict) -> Feedback:
    right = _ipa_truth()
    chosen = list(answer.get("items") or [])
    quadrant = ipa_case_table().set_index("item")["quadrant"].to_dict()
    details = []
    why = {
        "优势保持": "重要且已经做得好——要保持，不是优先改进的对象。",
        "过度投入": "表现好但对总体满意度影响小——可能投入过多，不必再加码。",
        "次要改进": "表现偏低，但与总体满意度关系弱——改进收益有限，可以排后。",
    }
    for item in right:
        ok = item in chosen
        details.append(("items", ok, "" if ok else "还有「重要度高于平均、表现低于平均」的题项没有选。"))
    for item in chosen:
        if item not in right:
            details.append(("items", False, f"「{item}」在「{quadrant[item]}」象限：{why.get(quadrant[item], '')}"))
    if len(chosen) < 2:
        details.append(("items", False, f"请选两个题项（已选 {len(chosen)} 个）。"))
    return Feedback.grade(
        details,
        explanation=(
            "IPA 用两条线（平均重要度、平均表现）把题项分成四个象限。**重点改进**象限里的题项对总体满意度影响大、"
            "表现却低于平均——改善它们，总体满意度提升最多，所以先改。只看得分最低的题项（如价格公道）会选错："
            "它的重要度低，改了客户的总体感受变化不大。"
        ),
        explanation_en=(
            "Fix first the items of the high-importance, low-performance quadrant; the lowest score alone (fair price) "
            "is a trap because it barely moves overall satisfaction."
        ),
        hint="先找重要度高于平均线、表现低于平均线的那个象限。",
    )


ipa_pick = Exercise(
    id="05b-ipa-fix-first",
    title="从 IPA 图中选出最先改进的两个题项",
    title_en="Choose the two items to fix first from an IPA chart",
    instructions=(
        "上图是某店售后 CSI 各题项的重要度—表现图（横轴：表现指数；纵轴：与总体满意度的相关系数；虚线为平均值）。"
        "资源有限，本季度只能重点改进 **两个** 题项，你选哪两个？"
    ),
    instructions_en="The chart shows a store's CSI items. You can work on only two this quarter: which?",
    fields={
        "items": ChoiceField("选择两个题项", "Choose two items", options=list(IPA_CASE["item"]), multiple=True),
    },
    check=_check_ipa,
    model_answer=lambda _answer=None: "**参考答案**：" + "、".join(_ipa_truth())
    + "——都在「重点改进」象限（重要度高于平均、表现低于平均）。",
)

# ---- 05c: compute P − E and the index of a small survey -------------------------------------------------------------
#: three CSI responses: item → (performance, expectation or None); plus 总体满意度
GAP_CASE = {
    "Q1": {"一次修好": (8, 9), "费用解释清楚": (9, 8), OVERALL_ITEM: (9, None)},
    "Q2": {"一次修好": (7, 9), "费用解释清楚": (8, None), OVERALL_ITEM: (7, None)},
    "Q3": {"一次修好": (9, 8), "费用解释清楚": (10, 9), OVERALL_ITEM: (10, None)},
}


def gap_case_surveys() -> pd.DataFrame:
    """:data:`GAP_CASE` as a ``surveys`` table (store 本店, March 2026)."""
    rows = [
        {"response_id": rid, "store_id": "本店", "survey": "CSI", "survey_date": pd.Timestamp("2026-03-10"),
         "item": item, "performance": float(p), "expectation": float("nan") if e is None else float(e)}
        for rid, answers in GAP_CASE.items()
        for item, (p, e) in answers.items()
    ]
    return pd.DataFrame(rows)


@functools.lru_cache(maxsize=1)
def _gap_case_answer() -> tuple[tuple[str, float], ...]:
    return tuple(_compute_gap_case_answer().items())


def gap_case_answer() -> dict[str, float]:
    """The right answers: gap of each item and the CSI index (from :mod:`dealerlab.csi`; computed once, cached —
    the case is fixed, so every check need not recompute it)."""
    return dict(_gap_case_answer())


def _compute_gap_case_answer() -> dict[str, float]:
    s = gap_case_surveys()
    sc = csi.scores(s, level="item", by=[]).set_index("item")
    idx = csi.satisfaction_index(s, periods=["2026-03"], stores=["本店"])
    return {
        "gap_fix": float(sc.loc["一次修好", "gap"]),
        "gap_charges": float(sc.loc["费用解释清楚", "gap"]),
        "index": float(idx.loc[idx["survey"] == "CSI", "index"].iloc[0]),
    }


def _check_gap(answer: dict) -> Feedback:
    right = gap_case_answer()
    details = []
    # −2/3: −0.67 and the one-decimal −0.7 are both right (no trap lies within ±0.04)
    ok = is_close(answer.get("gap_fix"), right["gap_fix"], tolerance=0.04)
    details.append(("gap_fix", ok, "" if ok else "差距是每份问卷「表现 − 期望」的平均：先逐份相减（注意正负号），再除以份数。"))
    g = answer.get("gap_charges")
    ok = is_close(g, right["gap_charges"], tolerance=0.01)
    msg = ""
    if not ok:
        if is_close(g, 10 / 3, tolerance=0.01):
            msg = "Q2 没有填期望得分：不能当作 0，这份问卷不参与差距计算。"
        elif is_close(g, 2 / 3, tolerance=0.01):
            msg = "只有两份问卷同时有表现和期望，应除以 2 而不是 3。"
        else:
            msg = "只用同时填了表现和期望的问卷：逐份相减，再除以这些问卷的份数。"
    details.append(("gap_charges", ok, msg))
    v = answer.get("index")
    ok = is_close(v, right["index"], tolerance=0.5)
    msg = ""
    if not ok:
        if is_close(v, (51 + 26) / 9 * 100, tolerance=0.5):
            msg = "指数不包括「总体满意度」这一行：只平均六个题项得分。"
        elif is_close(v, 8.5, tolerance=0.01):
            msg = "千分制：平均表现 × 100。"
        else:
            msg = "指数 = 所有题项得分（不含总体满意度）的平均 × 100。"
    details.append(("index", ok, msg))
    return Feedback.grade(
        details,
        explanation=(
            "满意 = 表现 − 期望：差距为负说明没达到客户的期望，即使表现分数不低。"
            "缺少期望分的回答不参与差距计算（不能当 0）；指数（千分制）= 题项平均表现 × 100，"
            "不包括总体满意度那一行——它是结果，不是题项。"
        ),
        explanation_en="Gap = mean(P − E) over answers with both; index = mean item performance × 100, without the overall row.",
        hint="先把每份问卷的 P − E 写出来，没有期望分的那格跳过。",
    )


gap_index = Exercise(
    id="05c-gap-index",
    title="计算差距 P − E 和 CSI 指数",
    title_en="Compute the gap P − E and the CSI index",
    instructions=(
        "某店三份售后问卷（1–10 分；P = 表现，E = 期望，— 表示客户没填）：\n\n"
        "| 问卷 | 一次修好 P | 一次修好 E | 费用解释清楚 P | 费用解释清楚 E | 总体满意度 |\n"
        "|---|---|---|---|---|---|\n"
        "| Q1 | 8 | 9 | 9 | 8 | 9 |\n"
        "| Q2 | 7 | 9 | 8 | — | 7 |\n"
        "| Q3 | 9 | 8 | 10 | 9 | 10 |\n\n"
        "请计算两个题项的平均差距 P − E，以及本店 CSI 指数（千分制）。"
    ),
    instructions_en="Three service surveys (P = performance, E = expectation, — = blank). Compute each item's mean P − E and the CSI index (1000 scale).",
    fields={
        "gap_fix": NumberField("一次修好的差距 P − E", "Gap: fixed right first time", unit="分"),
        "gap_charges": NumberField("费用解释清楚的差距 P − E", "Gap: explanation of charges", unit="分"),
        "index": NumberField("CSI 指数（千分制）", "CSI index (1000 scale)"),
    },
    check=_check_gap,
    model_answer=(
        "**参考答案**：一次修好 (−1 − 2 + 1) ÷ 3 = **−0.67**；费用解释清楚只算 Q1、Q3：(1 + 1) ÷ 2 = **+1.0**"
        "（Q2 无期望分，不参与）；CSI 指数 = (8+7+9+9+8+10) ÷ 6 × 100 = **850**（不含总体满意度）。"
    ),
)
