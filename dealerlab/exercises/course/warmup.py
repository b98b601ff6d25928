"""Warm-up exercises (notebook ``00-warmup``): one of every input kind, on showroom content.

They prove the platform end to end and get trainees used to the widgets before the course modules.

* :data:`capture_rate` — compute the capture rate (信息留存率) from a week's showroom log (number, single and
  multiple choice). Formula per docs/DOMAIN.md §1: (W + C) / (FV + FC) — the seed's "(W+C/FV+FC)" grouping is a trap.
* :data:`kpi_split` — sort KPIs into result and process indicators (classify) and split a quarterly target by
  month (table).
* :data:`action_plan` — what-if slider with a live result, the extra sales at 70 % (number) and a 5W1H action
  (text rules).
"""

from __future__ import annotations

import re

from dealerlab.exercises import (
    ChoiceField,
    ClassifyField,
    Exercise,
    Feedback,
    NumberField,
    SliderField,
    TableField,
    TextField,
    find_keywords,
    is_close,
)

__all__ = ["capture_rate", "kpi_split", "action_plan", "EXERCISES", "FIVE_W_ONE_H"]

# ----------------------------------------------------------------------------------------------------------------
# 1. capture rate
# Week log: FV 40 first visits, FC 25 first calls, W 28 new leads from visits, C 11 new leads from calls.
# (W + C) / (FV + FC) = 39 / 65 = 0.60
_FV, _FC, _W, _C = 40, 25, 28, 11
_CAPTURE = (_W + _C) / (_FV + _FC)

_CAPTURE_TEXT = f"""
某店上周的展厅与来电登记汇总如下：

| 项目 | 数量 |
|---|---|
| 首次到店批次 FV | {_FV} 批 |
| 首次来电数 FC | {_FC} 个 |
| 到店新增潜客 W（留下有效联系方式） | {_W} 个 |
| 来电新增潜客 C | {_C} 个 |
| 老客户再次到店 | 17 批 |

1. 计算本周的**信息留存率**（可以填 0.6、60% 或 60）。
2. 选出正确的公式。
3. 哪些做法能真正提高信息留存率？（可多选）
"""

_CAPTURE_TEXT_EN = f"""
Last week's showroom and phone log: first visits FV {_FV}, first calls FC {_FC}, new leads from visits W {_W},
new leads from calls C {_C}, returning visits 17. 1) Compute the capture rate. 2) Pick the formula. 3) Which
practices really raise it? (several answers)
"""

_FORMULAS = {
    "a": "(W + C) ÷ (FV + FC)",
    "b": "W + C ÷ FV + FC",
    "c": "(W + C) ÷ (FV + FC + 老客户再次到店)",
    "d": "W ÷ FV",
}
_PRACTICES = {
    "card": "接待时主动递名片、请客户留电话，并说明后续会发送报价和试驾邀约",
    "testdrive": "用试驾预约、金融方案测算等客户需要的服务自然地留资",
    "fake": "把每个进店批次都录成潜客（没有电话也录），让比率好看",
    "skip": "客户看一眼就走的不登记进店批次，减少分母",
}
_GOOD_PRACTICES = ["card", "testdrive"]


def _check_capture(answer: dict) -> Feedback:
    rate_ok = is_close(answer.get("rate"), _CAPTURE, tolerance=0.005)
    formula_ok = answer.get("formula") == "a"
    practices_ok = sorted(answer.get("practices") or []) == sorted(_GOOD_PRACTICES)
    details = [
        ("rate", rate_ok, "分子是新增潜客 W + C，分母是首次到店 FV + 首次来电 FC"),
        ("formula", formula_ok, "注意括号：先分别求和再相除"),
        ("practices", practices_ok, "只有真正留下有效联系方式的做法才算"),
    ]
    return Feedback.grade(
        details,
        explanation=(
            f"信息留存率 = (W + C) ÷ (FV + FC) = ({_W} + {_C}) ÷ ({_FV} + {_FC}) = {_W + _C} ÷ {_FV + _FC} = "
            f"**{_CAPTURE:.0%}**。它衡量展厅和电话把“第一次接触”变成“可跟进潜客”的能力："
            "只有留下有效联系方式，销售顾问才能邀约回店、试驾、成交。老客户再次到店不是第一次接触，不进分母。"
            "虚报潜客或少登记客流只会让数字好看，后面的邀约率和成交率会马上暴露问题。"
        ),
        explanation_en=(
            f"Capture rate = (W + C) / (FV + FC) = {_W + _C} / {_FV + _FC} = {_CAPTURE:.0%}: the share of first "
            "contacts turned into leads a consultant can follow up. Returning visits are not first contacts. "
            "Faking leads or skipping traffic only hides the problem."
        ),
        hint="先算分子：到店和来电各新增了多少潜客？再算分母：首次到店批次加首次来电数。",
        hint_en="Numerator: new leads from visits and calls. Denominator: first visits plus first calls.",
        weights={"rate": 2.0, "formula": 1.0, "practices": 1.0},
    )


capture_rate = Exercise(
    id="00a-capture-rate",
    title="热身 1：算一算信息留存率",
    title_en="Warm-up 1: the capture rate",
    instructions=_CAPTURE_TEXT,
    instructions_en=_CAPTURE_TEXT_EN,
    fields={
        "rate": NumberField("信息留存率", "Capture rate", percent=True),
        "formula": ChoiceField("正确的公式是", "The right formula", options=_FORMULAS),
        "practices": ChoiceField(
            "能真正提高信息留存率的做法（多选）", "Practices that really raise it (several)",
            options=_PRACTICES, multiple=True,
        ),
    },
    check=_check_capture,
    model_answer={"rate": _CAPTURE, "formula": "a", "practices": _GOOD_PRACTICES},
)

# ----------------------------------------------------------------------------------------------------------------
# 2. result vs process KPIs, and a quarterly split
_KPIS = {
    "sales": "新车销量（台）",
    "capture": "信息留存率",
    "testdrive": "试乘试驾率",
    "gross": "新车毛利（元）",
    "followup": "潜客 24 小时回访率",
    "revenue": "售后产值（元）",
}
_KPI_CLASSES = {"result": "结果指标", "process": "过程指标"}
_KPI_KEY = {"sales": "result", "capture": "process", "testdrive": "process", "gross": "result",
            "followup": "process", "revenue": "result"}
# Quarterly targets: S01 100 units, S02 60 units; weights Jan 40 %, Feb 25 % (Spring Festival), Mar 35 %.
_WEIGHTS = {"m1": 0.40, "m2": 0.25, "m3": 0.35}
_QUARTER = {"S01": 100, "S02": 60}
_SPLIT = {s: {m: q * w for m, w in _WEIGHTS.items()} for s, q in _QUARTER.items()}
# S01: 40, 25, 35; S02: 24, 15, 21


def _check_kpi_split(answer: dict) -> Feedback:
    classes = answer.get("kpis") or {}
    n_ok = sum(classes.get(k) == v for k, v in _KPI_KEY.items())
    kpis_ok = n_ok == len(_KPI_KEY)
    split = answer.get("split") or {}
    wrong_cells = [
        f"{s} {m}" for s, row in _SPLIT.items() for m, v in row.items()
        if not is_close((split.get(s) or {}).get(m), v, tolerance=0.5)
    ]
    sums_ok = all(
        is_close(sum(x for x in (split.get(s) or {}).values() if x is not None), q, tolerance=0.5)
        for s, q in _QUARTER.items()
    )
    split_ok = not wrong_cells
    details = [
        ("kpis", kpis_ok, "" if kpis_ok else f"{len(_KPI_KEY) - n_ok} 个分错了"),
        ("split", split_ok, "" if split_ok else ("每月合计对了，但没有按季节权重分" if sums_ok else "三个月加起来要等于季度目标")),
    ]
    fb = Feedback.grade(
        details,
        explanation=(
            "**结果指标**（销量、毛利、售后产值）告诉你“结果怎样”，月底才知道；**过程指标**（留存率、试驾率、"
            "24 小时回访率）是每天能管的动作，它们领先于结果。管理上盯过程、考核看结果。\n\n"
            "季度目标按季节权重分解：1 月 40%、2 月 25%（春节）、3 月 35%。S01：100 台 → 40 / 25 / 35；"
            "S02：60 台 → 24 / 15 / 21。平均分（每月 33.3 台）会让 2 月必然完不成、1 月轻松超额，"
            "目标就失去了激励作用。"
        ),
        explanation_en=(
            "Result KPIs (units, gross profit, after-sales revenue) show the outcome; process KPIs (capture, test "
            "drives, 24-hour follow-up) are daily actions that lead it. Split by seasonal weights: S01 40/25/35, "
            "S02 24/15/21."
        ),
        hint="问自己：这个数字是月底才知道的结果，还是每天可以检查的动作？分解时用 季度目标 × 当月权重。",
        hint_en="Is the number an outcome known at month end, or a daily action? Split = quarterly target × weight.",
    )
    return fb


kpi_split = Exercise(
    id="00b-kpi-split",
    title="热身 2：指标分类与目标分解",
    title_en="Warm-up 2: sorting KPIs and splitting a target",
    instructions=(
        "1. 把下列指标分成**结果指标**和**过程指标**。\n"
        "2. 两家店一季度的新车销量目标：S01 100 台，S02 60 台。按季节权重 **1 月 40%、2 月 25%（春节）、"
        "3 月 35%** 把目标分解到月（表格下方会自动显示每月合计）。"
    ),
    instructions_en=(
        "1. Sort the KPIs into result and process indicators. 2. Split the Q1 targets (S01 100 units, S02 60 units) "
        "by the weights Jan 40 %, Feb 25 %, Mar 35 %."
    ),
    fields={
        "kpis": ClassifyField(
            "指标分类", "KPI classes", items=_KPIS, classes=_KPI_CLASSES,
            classes_en={"result": "Result KPI", "process": "Process KPI"},
        ),
        "split": TableField(
            "一季度销量目标分解（台）", "Q1 unit targets by month", rows={"S01": "S01", "S02": "S02"},
            columns={"m1": "1 月", "m2": "2 月", "m3": "3 月"}, columns_en={"m1": "Jan", "m2": "Feb", "m3": "Mar"},
            unit="台", totals="both",
        ),
    },
    check=_check_kpi_split,
    model_answer={"kpis": _KPI_KEY, "split": _SPLIT},
)

# ----------------------------------------------------------------------------------------------------------------
# 3. what-if slider + 5W1H action
_CONTACTS = _FV + _FC  # 65 first contacts a week
_LEAD_TO_SALE = 0.20  # share of leads that buy (held constant)
# At 70 %: 65 × (0.70 − 0.60) × 0.20 = 1.3 extra units a week
_EXTRA_AT_70 = _CONTACTS * (0.70 - _CAPTURE) * _LEAD_TO_SALE

#: The 5W1H rules of an action text: rule → (zh name, keywords). A rule passes when any keyword appears.
FIVE_W_ONE_H = {
    "what": ("做什么 What", ["留资", "留档", "登记", "联系方式", "电话", "名片", "信息", "录入"]),
    "why": ("为什么 Why", ["为了", "目的", "因为", "以便", "提高", "提升", "达到", "确保"]),
    "who": ("谁来做 Who", ["负责", "顾问", "经理", "主管", "前台", "dcc", "专员", "每位", "由"]),
    "when": ("什么时候 When", ["每天", "每日", "每周", "月底", "日前", "之前", "以前", "期间", "时", "起", "下周", "本周"]),
    "where": ("在哪里 Where", ["展厅", "门店", "前台", "接待台", "店内", "电话", "微信", "系统", "crm", "试驾"]),
    "how": ("怎么做 How", ["通过", "使用", "用", "话术", "培训", "检查", "演练", "表", "流程", "步骤"]),
}


def _live_extra(answer: dict) -> str:
    target = answer.get("target_rate")
    if target is None:
        return ""
    leads_now = _CONTACTS * _CAPTURE
    leads_new = _CONTACTS * target
    extra = (leads_new - leads_now) * _LEAD_TO_SALE
    return (
        f"留存率 **{target:.0%}** 时：每周新增潜客 {leads_new:.1f} 个（现在 {leads_now:.0f} 个），"
        f"按 20% 的潜客成交率，每周成交 **{leads_new * _LEAD_TO_SALE:.1f}** 台，"
        f"比现在{'多' if extra >= 0 else '少'} **{abs(extra):.1f}** 台。"
    )


def _check_action(answer: dict) -> Feedback:
    extra_ok = is_close(answer.get("extra"), _EXTRA_AT_70, tolerance=0.05)
    text = answer.get("plan") or ""
    found = find_keywords(text, {k: v[1] for k, v in FIVE_W_ONE_H.items()})
    if not found["when"] and re.search(r"\d", text):  # a date or a time written in digits
        found["when"] = True
    missing = [FIVE_W_ONE_H[k][0] for k, ok in found.items() if not ok]
    long_enough = len(text) >= 15
    plan_ok = not missing and long_enough
    plan_score = (sum(found.values()) / len(found)) * (1.0 if long_enough else 0.5)
    score = 0.5 * float(extra_ok) + 0.5 * plan_score
    status = "correct" if extra_ok and plan_ok else ("wrong" if score == 0 else "partly")
    plan_msg = "" if plan_ok else ("还缺：" + "、".join(missing) if missing else "写得再具体一些")
    return Feedback(
        status=status,
        score=1.0 if status == "correct" else min(score, 0.99),
        explanation=(
            f"每周首次接触 {_CONTACTS} 批（{_FV} + {_FC}）。留存率从 60% 提到 70%，每周多 {_CONTACTS} × 10% = 6.5 个潜客，"
            f"按 20% 成交，约多 **{_EXTRA_AT_70:.1f} 台/周**，一个月约 5–6 台——这就是“过程指标领先结果”的含义。\n\n"
            "一条能执行的改善行动要回答 5W1H：做什么、为什么、谁负责、什么时候、在哪里、怎么做。"
            "例如：“为提高留存率到 70%（Why），由展厅经理王强负责（Who），从下周一起每天晚会前（When），"
            "在展厅接待台（Where）检查每位顾问的来店登记表，对未留资的批次当场复盘话术（How / What）。”"
        ),
        explanation_en=(
            f"{_CONTACTS} first contacts a week; +10 points of capture rate = 6.5 more leads, × 20 % ≈ "
            f"{_EXTRA_AT_70:.1f} more units a week. An action needs 5W1H: what, why, who, when, where, how."
        ),
        hint="先用滑块看 70% 时的结果；行动计划里写明负责人、时间、地点和具体做法。",
        hint_en="Use the slider at 70 %; name the owner, the time, the place and the method in the plan.",
        details=(
            ("extra", extra_ok, "" if extra_ok else "65 × (70% − 60%) × 20%"),
            ("plan", plan_ok, plan_msg),
        ),
    )


action_plan = Exercise(
    id="00c-action-plan",
    title="热身 3：假如留存率提高到 70%",
    title_en="Warm-up 3: what if the capture rate reached 70 %",
    instructions=(
        "沿用热身 1 的门店：每周首次接触 65 批，现在的信息留存率 60%，潜客最终成交率约 20%。\n\n"
        "1. 拖动滑块，观察不同留存率下每周的成交台数。\n"
        "2. 填写：留存率提高到 **70%** 时，每周大约多成交几台？\n"
        "3. 写一条提高留存率的改善行动，要覆盖 **5W1H**（做什么、为什么、谁、什么时候、在哪里、怎么做）。"
    ),
    instructions_en=(
        "Same store: 65 first contacts a week, capture rate 60 %, 20 % of leads buy. Move the slider; enter the extra "
        "units a week at 70 %; write one improvement action covering 5W1H."
    ),
    fields={
        "target_rate": SliderField("目标留存率", "Target capture rate", min=0.5, max=0.9, step=0.01, value=0.6,
                                   percent=True),
        "extra": NumberField("留存率 70% 时每周多成交（台）", "Extra units a week at 70 %", unit="台"),
        "plan": TextField(
            "改善行动（5W1H）", "Improvement action (5W1H)",
            placeholder="例如：为了……，由……负责，从……起每天……，在……，通过……",
        ),
    },
    check=_check_action,
    live=_live_extra,
    model_answer=(
        f"- 每周多成交约 **{_EXTRA_AT_70:.1f} 台**：65 × (70% − 60%) × 20% = 1.3。\n"
        "- 行动示例：为了把留存率提高到 70%，由展厅经理王强负责，从下周一起每天晚会前在展厅接待台检查每位顾问的"
        "来店登记表，对没有留下电话的批次当场复盘接待话术，并每周在晨会上演练留资话术。"
    ),
)

#: All warm-up exercises, in notebook order.
EXERCISES = (capture_rate, kpi_split, action_plan)
