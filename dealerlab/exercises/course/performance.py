"""Exercises of course module 7 — performance management and pay design (trainer notebooks ``07b`` and ``07c``).

* :data:`appraisal_drill` (07b) — the ideas of performance management (seed 000「首先是人力资源经理」「责任、权限、
  利益」), the water-delivery case: each KPI to the job that carries it (seed 003「绩效管理的三个侧重点」), appraisal
  errors (seed 000「十大误区」, written out), and a 360° score (:func:`dealerlab.pay.feedback_360`).
* :data:`pay_value_drill` (07c) — the variable share of a pay package (:func:`dealerlab.pay.pay_mix`), a month's points
  (:func:`dealerlab.pay.score_points`) and the revival rule (:func:`dealerlab.pay.revival`), incentives sorted into
  material / staffing / recognition (seed 003「有效激励」), the EVA gain of cutting inventory
  (:func:`dealerlab.pay.value.driver_what_if`), and SWOT statements sorted (seed 003「SOWT分析」).
"""

from __future__ import annotations

import pandas as pd

from dealerlab.exercises import ChoiceField, Exercise, Feedback, NumberField, is_close
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import answer_key, answers, case_field, case_lines, classify_detail
from dealerlab.pay import feedback_360, pay_mix, score_points
from dealerlab.pay.value import driver_what_if

__all__ = ["appraisal_drill", "pay_value_drill", "WATER_KPIS", "APPRAISAL_ERRORS", "ERROR_CASES", "RATINGS_360",
           "score_360", "PAY_PACKAGE", "POINT_LOG", "points_answer", "INCENTIVES", "VALUE_CASE", "inventory_gain",
           "SWOT_ITEMS", "EXERCISES"]

# ----------------------------------------------------------------------------------------------------------------
# 07b appraisal

_TEXT = Content.load(__name__)

_JOBS = _TEXT.table("appraisal.jobs")
#: the water-delivery case: KPI → the job that carries it
WATER_KPIS = _TEXT.table("cases.water")
#: the ten appraisal errors (the seed names the topic; the list is the course's)
APPRAISAL_ERRORS = _TEXT.table("appraisal.errors")
ERROR_CASES = _TEXT.table("cases.errors")

#: 360° ratings of one service advisor (rater group, score)
RATINGS_360 = [("上级", 80), ("同事", 70), ("同事", 75), ("同事", 90), ("自评", 95)]


def score_360() -> tuple[float, float]:
    """(360° score, self rating − others) of 07b: managers 0.4, peers 0.3, self 0.1 re-scaled without subordinates →
    80 × 0.5 + 78.33 × 0.375 + 95 × 0.125 = 81.25; others 79.29 → self gap 15.7."""
    t = feedback_360(pd.DataFrame(RATINGS_360, columns=["rater", "score"]))
    total = t[t["rater"] == "合计"].iloc[0]
    return float(total["contribution"]), float(total["self_gap"])


def _check_appraisal(answer: dict) -> Feedback:
    score, _gap = score_360()
    advice = _TEXT.table("appraisal.advice")
    details = [
        ("idea", answer.get("idea") == "b", advice["idea"]),
        ("rrr", answer.get("rrr") == "b", advice["rrr"]),
        classify_detail("water", answer.get("water"), answers(WATER_KPIS), advice["water"]),
        classify_detail("errors", answer.get("errors"), answers(ERROR_CASES), advice["errors"]),
        ("score360", is_close(answer.get("score360"), score, tolerance=0.06), advice["score360"]),
    ]
    return Feedback.grade(details, weights={"idea": 1, "rrr": 1, "water": 2, "errors": 2, "score360": 1},
                          **_TEXT.feedback("appraisal"))


appraisal_drill = Exercise(
    id="07b-appraisal",
    **_TEXT.exercise("appraisal", water=case_lines(WATER_KPIS), errors=case_lines(ERROR_CASES)),
    fields={
        "idea": ChoiceField("① 绩效管理的观念", "Idea", options=_TEXT.table("appraisal.options.idea")),
        "rrr": ChoiceField("② 绩效管理的基础", "Basis", options=_TEXT.table("appraisal.options.rrr")),
        "water": case_field("③ 指标 → 岗位", "KPI → job", WATER_KPIS, _JOBS),
        "errors": case_field("④ 情况 → 误区", "Case → error", ERROR_CASES, APPRAISAL_ERRORS),
        "score360": NumberField("⑤ 360 度得分", "360° score", unit="分"),
    },
    check=_check_appraisal,
    model_answer=lambda _a=None: (
        "**参考答案**\n\n① b　② b\n\n③ " + answer_key(WATER_KPIS, _JOBS.get, mark=" ")
        + "。\n\n④ " + answer_key(ERROR_CASES, lambda v: APPRAISAL_ERRORS[v].split('：')[0], mark=" ")
        + f"。\n\n⑤ 权重放大为 0.5 / 0.375 / 0.125：80 × 0.5 + 78.33 × 0.375 + 95 × 0.125 = **{score_360()[0]:.2f} 分**；"
        f"他评 = (80 × 0.4 + 78.33 × 0.3) ÷ 0.7 = 79.29，自评高出 {score_360()[1]:.1f} 分——面谈时要谈。"
    ),
)

# ----------------------------------------------------------------------------------------------------------------
# 07c pay mix, points & revival, incentives, value drivers, SWOT

PAY_PACKAGE = {"基本工资": 2500, "岗位工资": 1000, "福利补贴": 500, "绩效奖金": 2000, "销售提成": 4000}

#: one consultant's month: (reason, times)
POINT_LOG = [("展车5S检查", 12), ("新车接车", 9), ("试驾车值班", 6), ("客户表扬", 2), ("迟到早退", 2), ("未戴工牌", 1)]


def points_answer() -> float:
    """Points of the 07c month: 12 + 9 + 6 + 2 × 5 − 2 × 10 − 5 = 12."""
    log = pd.DataFrame([{"staff_id": "X", "reason": r, "n": n} for r, n in POINT_LOG])
    return float(score_points(log, count="n")["points"].iloc[0])


_REVIVE = {
    "yes": "复活：季度积分 36 分 ≥ 30，且季度最后一个月卖了 13 台 ≥ 12，努力和回升趋势都有",
    "no_points": "不复活：积分不够",
    "no_units": "不复活：最后一个月销量不够",
    "never": "不复活：淘汰就是淘汰，没有例外",
}

_INC = {"money": "物质激励（工资、奖金）", "staff": "人员调整（晋升、降职、调岗）", "spirit": "精神激励（荣誉、认可）"}
INCENTIVES = {
    "i1": ("季度奖金按绩效系数发放", "money"),
    "i2": ("连续两季绩效优秀，提拔为展厅主管", "staff"),
    "i3": ("晨会上公开表扬本周客户表扬最多的顾问", "spirit"),
    "i4": ("年度调薪幅度与考核等级挂钩", "money"),
    "i5": ("考核连续不合格，调离销售岗位", "staff"),
    "i6": ("“月度服务之星”照片上墙", "spirit"),
}

#: the 07c value case (a year): see dealerlab.pay.value.driver_tree
VALUE_CASE = dict(price=150_000, units=1_200, unit_cost=142_000, expenses=6e6, tax_rate=0.25, inventory=30e6,
                  receivables=10e6, fixed_capital=20e6, capital_cost_rate=0.08)


def inventory_gain() -> float:
    """EVA gain of cutting inventory by 20 % in the 07c case: 30m × 20 % × 8 % = 480 000."""
    return float(driver_what_if(VALUE_CASE, {"inventory": -0.2})["delta"].iloc[0])


_SWOT = {"S": "S 优势（内部）", "W": "W 劣势（内部）", "O": "O 机会（外部）", "T": "T 威胁（外部）"}
SWOT_ITEMS = {
    "s1": ("本店钣喷车间有两个烤房，是区域内唯一的品牌授权钣喷中心", "S"),
    "s2": ("大客户只对接到基层，决策层没有关系", "W"),
    "s3": ("国六标准实施，老旧柴油车加速淘汰，置换需求增加", "O"),
    "s4": ("竞争品牌在本市新开两家 4S 店，主打低价保养", "T"),
    "s5": ("销售顾问流失率高，新人占一半", "W"),
    "s6": ("物流运价低迷，车队推迟购车", "T"),
}


def _check_pay_value(answer: dict) -> Feedback:
    mix = pay_mix(PAY_PACKAGE).set_index("part")
    var_share = float(mix.loc["浮动合计", "share"])
    details = [
        ("variable", is_close(answer.get("variable"), var_share, tolerance=0.005),
         "浮动部分 = 绩效奖金 + 销售提成，除以总额（基本、岗位、福利是固定部分）"),
        ("points", is_close(answer.get("points"), points_answer(), tolerance=0.01),
         "逐项乘分值再相加：展车 5S、接车、试驾车各 +1，客户表扬 +5，迟到早退 −10，未戴工牌 −5"),
        ("revive", answer.get("revive") == "yes", "复活要同时满足两个条件：季度积分 ≥ 30，且最后一个月销量 ≥ 12 台"),
        classify_detail("incentives", answer.get("incentives"), answers(INCENTIVES),
                        "钱是物质激励；岗位变动是人员调整；表扬和荣誉是精神激励"),
        ("inventory", is_close(answer.get("inventory"), inventory_gain(), rel_tolerance=0.01),
         "存货减少 20% = 少占用 600 万资本；资本成本率 8%，EVA 增加 600 万 × 8%"),
        classify_detail("swot", answer.get("swot"), answers(SWOT_ITEMS),
                        "S、W 是本店自己的（内部、能控制），O、T 是外部环境的（市场、政策、对手）"),
    ]
    return Feedback.grade(
        details,
        weights={"variable": 1, "points": 1, "revive": 1, "incentives": 1, "inventory": 1, "swot": 1},
        explanation=(
            "**薪酬结构**：基本工资、岗位工资、福利是固定部分，保障稳定；绩效奖金、提成、团队奖励是浮动部分，拉开差距。"
            "销售岗浮动占比高（本例 60%），后台岗固定占比高。\n\n"
            "**积分**把“卖车以外的好行为”量化：展车 5S、接车、试驾车值班加分，迟到早退、不戴工牌扣分；"
            "**淘汰复活**给被淘汰的人一条出路——积分证明努力、最后一个月的销量证明趋势回升，两者都有才复活，"
            "这是本课程对种子中“淘汰复活政策”的一种设计。\n\n"
            "**有效激励**三类：物质（工资、奖金）、人员调整（晋升、降职、调岗）、精神（荣誉、认可），考核结果是三者共同的依据。\n\n"
            "**价值驱动**：EVA 不只看利润，还看占用了多少资本。存货和应收款是门店最大的资本占用，压 20% 存货，"
            "本例 EVA 多 48 万；价格 +1% 多 135 万，数量 +1% 只多 7.2 万——守住价格比冲量更值钱。\n\n"
            "**SWOT**：优势、劣势看自己，机会、威胁看外部；用它来决定用哪个优势抓哪个机会。"
        ),
        explanation_en=(
            "Fixed vs variable pay; points and the revival rule; three kinds of incentive; inventory ties up capital "
            "(−20 % stock → +480 000 EVA); SWOT = internal S/W, external O/T."
        ),
        hint="积分：12 + 9 + 6 + 10 − 20 − 5。",
        hint_en="Points: 12 + 9 + 6 + 10 − 20 − 5.",
    )


def _pay_table() -> str:
    return "、".join(f"{k} {v:,} 元" for k, v in PAY_PACKAGE.items())


pay_value_drill = Exercise(
    id="07c-pay-value",
    title="练习 7C：薪酬结构、积分与复活、激励、价值驱动与 SWOT",
    title_en="Exercise 7C: pay mix, points and revival, incentives, value drivers, SWOT",
    instructions=(
        f"**① 薪酬结构**：一位销售顾问的月收入：{_pay_table()}。浮动部分占多少？\n\n"
        "**② 积分**：他本月的记录——" + "、".join(f"{r} {n} 次" for r, n in POINT_LOG)
        + "。按积分规则（展车5S/接车/试驾车值班 +1，客户表扬 +5，迟到早退 −10，未戴工牌 −5）他本月多少分？\n\n"
        "**③ 淘汰复活**：另一位顾问第三季度月均 11 台（淘汰），季度积分 36 分，9 月卖了 13 台。"
        "复活规则：季度积分 ≥ 30 且季度最后一个月 ≥ 12 台。他怎么处理？\n\n"
        "**④ 激励**：下面六项各属于哪一类激励？\n\n"
        + case_lines(INCENTIVES)
        + "\n\n**⑤ 价值驱动**：某店一年收入 1.8 亿（单价 15 万 × 1 200 台），存货 3 000 万，资本成本率 8%。"
        "存货压低 20%，其他不变，EVA 增加多少元？\n\n**⑥ SWOT**：下面六条各属于 S、W、O、T 哪一项？\n\n"
        + case_lines(SWOT_ITEMS)
    ),
    instructions_en="Variable pay share, a month's points, the revival rule, incentive types, EVA of less stock, SWOT.",
    fields={
        "variable": NumberField("① 浮动部分占比", "Variable share", unit="%", percent=True),
        "points": NumberField("② 本月积分", "Points", unit="分"),
        "revive": ChoiceField("③ 处理", "Decision", options=_REVIVE),
        "incentives": case_field("④ 激励类型", "Incentive type", INCENTIVES, _INC),
        "inventory": NumberField("⑤ EVA 增加", "EVA gain", unit="元"),
        "swot": case_field("⑥ SWOT", "SWOT", SWOT_ITEMS, _SWOT),
    },
    check=_check_pay_value,
    model_answer=lambda _a=None: (
        "**参考答案**\n\n① (2 000 + 4 000) ÷ 10 000 = **60%**。\n\n"
        f"② 12 + 9 + 6 + 2 × 5 − 2 × 10 − 5 = **{points_answer():.0f} 分**。\n\n③ 复活（两个条件都满足）。\n\n④ "
        + answer_key(INCENTIVES, lambda v: _INC[v].split('（')[0], mark=" ")
        + f"。\n\n⑤ 3 000 万 × 20% × 8% = **{inventory_gain():,.0f} 元**。\n\n⑥ "
        + answer_key(SWOT_ITEMS, mark=" ") + "。"
    ),
)

EXERCISES = [appraisal_drill, pay_value_drill]
