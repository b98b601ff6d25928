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
        "idea": ChoiceField("① 绩效管理的观念", "Idea", **_TEXT.choice("appraisal.options.idea")),
        "rrr": ChoiceField("② 绩效管理的基础", "Basis", **_TEXT.choice("appraisal.options.rrr")),
        "water": case_field("③ 指标 → 岗位", "KPI → job", WATER_KPIS, _JOBS),
        "errors": case_field("④ 情况 → 误区", "Case → error", ERROR_CASES, APPRAISAL_ERRORS),
        "score360": NumberField("⑤ 360 度得分", "360° score", unit="分"),
    },
    check=_check_appraisal,
    model_answer=lambda _a=None: _TEXT.text(
        "appraisal.model_answer", water=answer_key(WATER_KPIS, _JOBS.get, mark=" "),
        errors=answer_key(ERROR_CASES, lambda v: APPRAISAL_ERRORS[v].split("：")[0], mark=" "),
        score=score_360()[0], gap=score_360()[1]),
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


_INC = _TEXT.table("pay_value.incentive_types")
#: incentive → its type (money / staff / spirit)
INCENTIVES = _TEXT.table("cases.incentives")

#: the 07c value case (a year): see dealerlab.pay.value.driver_tree
VALUE_CASE = dict(price=150_000, units=1_200, unit_cost=142_000, expenses=6e6, tax_rate=0.25, inventory=30e6,
                  receivables=10e6, fixed_capital=20e6, capital_cost_rate=0.08)


def inventory_gain() -> float:
    """EVA gain of cutting inventory by 20 % in the 07c case: 30m × 20 % × 8 % = 480 000."""
    return float(driver_what_if(VALUE_CASE, {"inventory": -0.2})["delta"].iloc[0])


_SWOT = _TEXT.table("pay_value.swot")
#: statement → S, W, O or T
SWOT_ITEMS = _TEXT.table("cases.swot")


def _check_pay_value(answer: dict) -> Feedback:
    mix = pay_mix(PAY_PACKAGE).set_index("part")
    var_share = float(mix.loc["浮动合计", "share"])
    advice = _TEXT.table("pay_value.advice")
    details = [
        ("variable", is_close(answer.get("variable"), var_share, tolerance=0.005), advice["variable"]),
        ("points", is_close(answer.get("points"), points_answer(), tolerance=0.01), advice["points"]),
        ("revive", answer.get("revive") == "yes", advice["revive"]),
        classify_detail("incentives", answer.get("incentives"), answers(INCENTIVES), advice["incentives"]),
        ("inventory", is_close(answer.get("inventory"), inventory_gain(), rel_tolerance=0.01), advice["inventory"]),
        classify_detail("swot", answer.get("swot"), answers(SWOT_ITEMS), advice["swot"]),
    ]
    return Feedback.grade(
        details, weights={"variable": 1, "points": 1, "revive": 1, "incentives": 1, "inventory": 1, "swot": 1},
        **_TEXT.feedback("pay_value"))


def _pay_table() -> str:
    return "、".join(f"{k} {v:,} 元" for k, v in PAY_PACKAGE.items())


pay_value_drill = Exercise(
    id="07c-pay-value",
    **_TEXT.exercise("pay_value", pay=_pay_table(), log="、".join(f"{r} {n} 次" for r, n in POINT_LOG),
                     incentives=case_lines(INCENTIVES), swot=case_lines(SWOT_ITEMS)),
    fields={
        "variable": NumberField("① 浮动部分占比", "Variable share", unit="%", percent=True),
        "points": NumberField("② 本月积分", "Points", unit="分"),
        "revive": ChoiceField("③ 处理", "Decision", **_TEXT.choice("pay_value.options.revive")),
        "incentives": case_field("④ 激励类型", "Incentive type", INCENTIVES, _INC),
        "inventory": NumberField("⑤ EVA 增加", "EVA gain", unit="元"),
        "swot": case_field("⑥ SWOT", "SWOT", SWOT_ITEMS, _SWOT),
    },
    check=_check_pay_value,
    model_answer=lambda _a=None: _TEXT.text(
        "pay_value.model_answer", points=points_answer(), inventory=inventory_gain(),
        incentives=answer_key(INCENTIVES, lambda v: _INC[v].split("（")[0], mark=" "),
        swot=answer_key(SWOT_ITEMS, mark=" ")),
)

EXERCISES = [appraisal_drill, pay_value_drill]
