"""Exercises of course module 4 (PDCA and the management cadence).

* :data:`comeback_plan` (04a) — write the Plan of a PDCA cycle for the comeback-rate case: metric, target, and one
  countermeasure in 5W1H; each field gets its own feedback from :func:`dealerlab.pdca.check_plan`.
* :data:`read_p_chart` (04b) — read a p-chart: the centre line, which months are special causes, what to do.
  The twelve months are fixed in :func:`p_chart_data` (answers do not move when the demo data is regenerated).
* :data:`paint_shop` (04c) — the paint shop whose booths are used less than 60 % of the time: the utilisation,
  the root cause and the countermeasures.
"""

from __future__ import annotations

import re

import pandas as pd

from dealerlab._dates import parse_deadline
from dealerlab.exercises import ChoiceField, Exercise, Feedback, NumberField, TextField, find_keywords, is_close
from dealerlab.pdca import check_plan, p_chart

__all__ = ["comeback_plan", "read_p_chart", "paint_shop", "p_chart_data", "unit_only_owner", "vague_detail", "EXERCISES"]

#: an owner that is only a department, workshop or team (销售部, 维修车间, 服务团队), no person named
_UNIT_ONLY = re.compile(r"^[\w·()（）-]{0,12}?(部|部门|中心|团队|小组|班组|车间|科室|科|办公室|处)$")


def unit_only_owner(text: str | None) -> bool:
    """True when a plan's「谁负责」names only a department or team (``销售部``, ``S01 售后部``, ``维修车间``).

    :func:`dealerlab.pdca.check_plan` already rejects collective words (大家、全员、相关部门); a single unit is just
    as unaccountable — nobody in particular has to report back — so the exercises ask for a person (role + name).
    A role alone (``服务经理``) or a role with a name (``车间主任 王强``) is accepted.
    """
    t = re.sub(r"\s+", "", str(text or ""))
    return bool(t) and _UNIT_ONLY.match(t) is not None


def plan_details(
    action: dict, *, owner_example: str, date_example: str, deadline: str | None = None, what_example: str = ""
) -> list:
    """The 5W1H details of one action for an exercise (shared by 04a and 06c).

    :func:`dealerlab.pdca.check_plan` speaks of 「第 1 项措施」 because a real plan has several actions; an exercise
    has one. A department as owner fails too (:func:`owner_detail`), and so do a bare pronoun (「我」) and a
    what that names no object (「拜访客户」「打电话」, :func:`vague_detail`). Dates may be written the way one speaks
    (「2026年11月15日」「11月15日前」); a date without a year is in the year of ``date_example``.
    """
    example = parse_deadline(date_example)
    year = example[0].year if example else None
    details = []
    for r in check_plan([action], scheme="5W1H", deadline=deadline, year=year).itertuples():
        vague = None
        if r.field == "who" and r.ok:
            vague = owner_detail(action.get("who"), owner_example)
        elif r.field == "what" and r.ok:
            vague = vague_detail(action.get("what"), what_example)
        msg = (r.message.replace("第 1 项措施的", "").replace("第 1 项措施", "")
               .replace("例如 2026-11-15、2026年11月15日 或 11月15日前", f"例如 {date_example}"))
        if deadline is None:
            msg = msg.replace("，且不晚于循环的期限", "")
        details.append(vague or (r.field, bool(r.ok), msg))
    return details


#: who written as a bare pronoun: nobody else can tell who reports back
_PRONOUNS = {"我", "我们", "本人", "自己", "你", "你们", "他", "她", "他们", "咱们", "我方"}
#: a what that is only a generic verb (+ a generic object): 拜访客户, 打电话, 开会, 培训
_GENERIC_WHAT = re.compile(
    r"^(?:去|多|再|要|尽快|加强|做好|认真|继续)?(?:拜访|回访|联系|沟通|跟进|打电话|电话|开会|培训|检查|改善|改进|整改|落实|关注|处理|提升|加强管理)"
    r"(?:一下|一次)?(?:客户|大家|他们|员工|人员|问题|工作|一下)?$"
)


#: a 5W1H table: field key (``what``, ``why``, ...) → (zh label, the example shown as placeholder and model answer)
PlanTable = dict[str, tuple[str, str]]


def plan_fields(table: PlanTable, *, capitalize: bool = False) -> dict[str, TextField]:
    """One single-line TextField per 5W1H key of ``table``, with its example as placeholder (shared by 04a and 06c).

    The English label is the key itself (``what``), or ``What`` with ``capitalize``.
    """
    return {k: TextField(label, k.capitalize() if capitalize else k, placeholder=example, multiline=False)
            for k, (label, example) in table.items()}


def plan_action(answer: dict, table: PlanTable) -> dict[str, str]:
    """The one 5W1H action a trainee wrote: key → text ("" where the field is empty)."""
    return {k: answer.get(k) or "" for k in table}


def plan_model(table: PlanTable) -> str:
    """The model action of ``table``: one line ``- **label**：example`` per field (the example without its 「例如：」)."""
    return "\n".join(f"- **{label}**：{example.split('：', 1)[-1]}" for label, example in table.values())


def vague_detail(what: str | None, example: str = "") -> tuple[str, bool, str] | None:
    """A failed ``what`` detail when the action names no object or content (「拜访客户」「打电话」), else ``None``."""
    t = re.sub(r"[\s，。,.!！]+", "", str(what or ""))
    if not t or (len(t) >= 8 and not _GENERIC_WHAT.match(t)):
        return None
    if _GENERIC_WHAT.match(t) or len(t) < 5:
        return ("what", False, f"「{str(what).strip()}」太笼统：写清对谁、做什么、要得到什么结果"
                               + (f"，例如「{example}」。" if example else "。"))
    return None


def owner_detail(who: str | None, example: str) -> tuple[str, bool, str] | None:
    """A failed ``who`` detail when the owner is only a unit or a bare pronoun, else ``None`` (shared by 04a and 06c)."""
    t = re.sub(r"\s+", "", str(who or ""))
    if t in _PRONOUNS:
        return ("who", False, f"负责人写成了「{t}」：别人看计划时不知道是谁。写出岗位 + 姓名，例如「{example}」。")
    if not unit_only_owner(who):
        return None
    return ("who", False, f"负责人写成了「{str(who).strip()}」：部门或团队不是负责人，出了问题没有人具体负责。"
                          f"写出一个具体的人（岗位 + 姓名），例如「{example}」。")

# ----------------------------------------------------------------------------------------------------------------
# 04a — a PDCA plan for the comeback case

_PLAN_FIELDS: PlanTable = {
    "what": ("做什么（What）", "例如：对每台返修车逐台分析原因，建立返修追踪表"),
    "why": ("为什么做（Why）", "例如：返修原因不清，同类问题反复出现"),
    "who": ("谁来做（Who）", "具体到人或岗位：车间主任 王强"),
    "when": ("何时完成（When）", "日期：2026-06-15"),
    "where": ("在哪里做（Where）", "例如：维修车间，每周一晨会"),
    "how": ("怎么做（How）", "例如：返修车辆当天登记，每周分析会按项目和技师汇总"),
}
_METRICS = {
    "comeback_rate": "返修率（返修工单 ÷ 进厂工单）",
    "intake": "入库台数",
    "csi": "CSI 指数",
    "complaints": "投诉件数",
}
_RELEVANT = {
    "topic": ["返修", "一次修复", "质检", "终检", "培训", "作业标准", "标准作业", "诊断", "追踪", "分析"],
}
#: the case: baseline (mean of the three months before the action) and the level before the rise
COMEBACK_BASELINE = 0.062
COMEBACK_NORMAL = 0.032
_DEADLINE = "2026-08"


def _check_comeback_plan(answer: dict) -> Feedback:
    details = []
    metric_ok = answer.get("metric") == "comeback_rate"
    details.append(
        (
            "metric",
            metric_ok,
            "" if metric_ok else "问题是返修率上升，检查时要用同一个指标：返修率（返修工单 ÷ 进厂工单）。",
        )
    )
    target = answer.get("target")
    target_ok = target is not None and 0.02 <= target <= 0.04
    if target is None:
        msg = "请填写目标返修率（例如 3%）。"
    elif target >= COMEBACK_BASELINE:
        msg = f"目标 {target:.1%} 不低于基线 {COMEBACK_BASELINE:.1%}：返修率越低越好，目标应低于基线。"
    elif target > 0.04:
        msg = f"目标 {target:.1%} 偏松：上升前本店返修率约 {COMEBACK_NORMAL:.1%}，目标应回到这一水平（2%–4%）。"
    elif target < 0.02:
        msg = f"目标 {target:.1%} 过紧：两个月内从 {COMEBACK_BASELINE:.1%} 降到 2% 以下不现实（SMART 的 A）。"
    else:
        msg = ""
    details.append(("target", target_ok, msg))
    action = plan_action(answer, _PLAN_FIELDS)
    details += plan_details(action, owner_example="车间主任 王强", date_example="2026-06-15", deadline=_DEADLINE,
                            what_example="对每台返修车逐台分析原因，建立返修追踪表")
    what = action["what"]
    what_failed = any(f == "what" and not ok for f, ok, _m in details)
    if what and not what_failed and not any(find_keywords(what, _RELEVANT).values()):
        details.append(("what", False, "这项措施和返修有什么关系？写出针对返修原因的动作（分析、培训、终检……）。"))
    return Feedback.grade(
        details,
        explanation=(
            "一个能检查的计划 = **指标 + 基线 + 目标 + 期限 + 措施（5W1H）**。返修率从约 3% 升到 6% 以上，"
            "目标回到 3% 左右既有挑战又可实现；每项措施至少要有**做什么、谁来做、何时完成**，"
            "为什么、在哪里、怎么做让别人能接手、能检查。检查阶段用同一个算法计算改善后的返修率，和目标比较。"
        ),
        explanation_en=(
            "A checkable plan = metric + baseline + target + deadline + 5W1H actions. What, who and when are the minimum; "
            "why, where and how let others take over and check."
        ),
        hint="「大家」「尽快」不算答案：写出具体的人和日期（不晚于 2026-08）。",
        hint_en="Name a person and a date (no later than 2026-08).",
    )


comeback_plan = Exercise(
    id="04a-comeback-plan",
    title="为返修率上升制定 PDCA 计划（5W1H）",
    title_en="A PDCA plan for the rising comeback rate (5W1H)",
    instructions=(
        "某店（演示数据 S01）的返修率从约 **3.2%** 逐月上升，最近三个月平均 **6.2%**。服务经理决定启动 PDCA，"
        f"期限 **{_DEADLINE}**。请完成计划：\n\n"
        "1. 选择检查用的指标；\n2. 填写目标值（可以写 3%、0.03 或 3）；\n"
        "3. 用 5W1H 写一项对策——每一栏都要具体。"
    ),
    instructions_en=(
        "The comeback rate rose from about 3.2 % to 6.2 % (last three months). Pick the metric, set a target and write "
        f"one countermeasure in 5W1H (deadline {_DEADLINE})."
    ),
    fields={
        "metric": ChoiceField("检查用的指标", "Metric", options=_METRICS),
        "target": NumberField("目标返修率", "Target comeback rate", unit="%", percent=True),
        **plan_fields(_PLAN_FIELDS, capitalize=True),
    },
    check=_check_comeback_plan,
    model_answer=(
        "**参考答案**：指标选返修率；目标 3%（回到上升前的水平），期限 2026-08。\n\n"
        + plan_model(_PLAN_FIELDS)
        + "\n\n第二项对策可以是技师标准作业培训（内训师，分批轮训，2026-06-30 前完成）。"
    ),
)


# ----------------------------------------------------------------------------------------------------------------
# 04b — read a p-chart

_N = [420, 450, 480, 400, 460, 430, 470, 440, 410, 450, 480, 460]
_EVENTS = [13, 14, 20, 12, 14, 29, 13, 14, 12, 2, 14, 13]
_MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def p_chart_data() -> pd.DataFrame:
    """The twelve months of exercise 04b: ``period, events`` (comeback orders), ``n`` (orders opened).

    p̄ = 170 / 5350 = 3.18 %; 2026-06 (29/430 = 6.74 % > UCL 5.72 %) and 2026-10 (2/450 = 0.44 % < LCL 0.70 %) are
    special causes; 2026-03 (20/480 = 4.17 %) looks high but lies inside the limits.
    """
    return pd.DataFrame({"period": _MONTHS, "events": _EVENTS, "n": _N})


def _special_months() -> list[str]:
    t = p_chart(p_chart_data())
    return t.loc[t["out_of_control"], "period"].tolist()


_ACTIONS_04B = {
    "investigate": "调查超出控制限的月份发生了什么（特殊原因），坏的消除、好的固化",
    "every": "每个高于平均的月份都开会追责",
    "ignore": "返修率总体在 3% 左右，什么都不用做",
    "reset": "把控制限改成目标值 3%，超过就处理",
}


def _check_read_p_chart(answer: dict) -> Feedback:
    centre = float(p_chart(p_chart_data())["centre"].iloc[0])
    truth = _special_months()
    details = []
    c_ok = is_close(answer.get("centre"), centre, tolerance=0.0005)
    details.append(
        ("centre", c_ok, "" if c_ok else "中心线 p̄ = 各月返修工单之和 ÷ 各月进厂工单之和（不是各月比率的简单平均）。")
    )
    picked = sorted(answer.get("special") or [])
    s_ok = picked == sorted(truth)
    msgs = []
    if "2026-03" in picked:
        msgs.append("2026-03 虽然偏高（4.2%），但仍在控制限内，属于正常波动。")
    missing = [m for m in truth if m not in picked]
    if missing:
        msgs.append(f"还有超出控制限的月份没有选：注意低于下限的点也是特殊原因（{len(missing)} 个）。")
    extra = [m for m in picked if m not in truth and m != "2026-03"]
    if extra:
        msgs.append(f"{'、'.join(extra)} 在控制限之内。")
    details.append(("special", s_ok, "".join(msgs)))
    good = answer.get("good")
    g_ok = good == "2026-10"
    details.append(("good", g_ok, "" if g_ok else "返修率越低越好：低于下限的那个月是「好的特殊原因」。"))
    a_ok = answer.get("action") == "investigate"
    details.append(("action", a_ok, "" if a_ok else "对正常波动做反应只会制造混乱；只有特殊原因才需要专门调查。"))
    return Feedback.grade(
        details,
        explanation=(
            f"p̄ = 170 ÷ 5350 = {centre:.2%}；每月的控制限 = p̄ ± 3√(p̄(1−p̄)/n)，样本越少越宽。"
            "**2026-06**（29/430 = 6.74%）高于上限、**2026-10**（2/450 = 0.44%）低于下限，都是特殊原因："
            "6 月要查清原因并消除（新技师？某批配件？），10 月要找出做对了什么并固化。"
            "2026-03 的 4.2% 看着高，但在控制限内——为它开会追责就是「对正常波动过度反应」。"
        ),
        explanation_en=(
            "p̄ = 170/5350 = 3.18 %. June (above the UCL) and October (below the LCL) are special causes; March looks high "
            "but is inside the limits."
        ),
        hint="先算 p̄，再看哪些点落在虚线（控制限）之外——上下两边都要看。",
    )


read_p_chart = Exercise(
    id="04b-read-p-chart",
    title="读懂 p 控制图：哪些是特殊原因？",
    title_en="Reading a p-chart: which points are special causes?",
    instructions=(
        "上图是某店一年的返修率 p 图（每月返修工单数 ÷ 进厂工单数，表格见图下）。请回答：\n\n"
        "1. 中心线 p̄ 是多少？\n2. 哪些月份是特殊原因（可多选）？\n3. 其中哪个月是「好的」特殊原因？\n"
        "4. 经理应该怎么做？"
    ),
    instructions_en="Read the p-chart above: the centre line, the special-cause months, the good one, and what to do.",
    fields={
        "centre": NumberField("中心线 p̄", "Centre line p̄", unit="%", percent=True),
        "special": ChoiceField("特殊原因的月份", "Special-cause months", options=_MONTHS, multiple=True),
        "good": ChoiceField("「好的」特殊原因", "The good special cause", options=_MONTHS),
        "action": ChoiceField("经理应该怎么做？", "What should the manager do?", options=_ACTIONS_04B),
    },
    check=_check_read_p_chart,
    model_answer=(
        "**参考答案**：p̄ = 170 ÷ 5350 ≈ 3.18%；特殊原因：2026-06（高于上限）、2026-10（低于下限，好的变化）；"
        "调查这两个月发生了什么——坏的消除、好的固化；其余月份是正常波动，不要逐月追责。"
    ),
)


# ----------------------------------------------------------------------------------------------------------------
# 04c — the paint shop

_CAUSES = {
    "booths": "烤房数量不够，需要再建一个",
    "crews": "大班组混派大、中、小损车，没有分工，小损车被拖成和中损车一样慢",
    "skills": "技师技能不足，喷漆质量差",
    "demand": "客户太多，钣喷业务量超出了车间能力",
}
_MEASURES = {
    "small_crews": "把 6 人大班组拆成 2–3 人的小班组",
    "lines": "按损伤程度分线派工（小损快修线、中大损线）",
    "schedule": "烤房按时段预约排程，每日晨会安排",
    "new_booth": "再投资建一个烤房",
    "overtime": "全员加班，延长每天作业时间",
    "piece_rate": "按个人产值考核每名技师",
}
_GOOD_MEASURES = ["lines", "schedule", "small_crews"]
#: docs/DOMAIN.md known answer: 2 booths × 600 min × 26 days = 31 200 available, 18 000 used
_UTIL = 18000 / (2 * 600 * 26)


def _check_paint_shop(answer: dict) -> Feedback:
    details = []
    # 57.69 %: 57.7 % and the whole-percent 58 % are both right (a wrong denominator lands far away: 30 days → 50 %)
    u_ok = is_close(answer.get("utilisation"), _UTIL, tolerance=0.005)
    details.append(("utilisation", u_ok, "" if u_ok else "可用时间 = 2 个烤房 × 600 分钟 × 26 天 = 31 200 分钟。"))
    flag_ok = answer.get("below") == "yes"
    details.append(("below", flag_ok, "" if flag_ok else "57.7% 低于 60% 的警戒线：烤漆房有四成多的时间空着，要找原因。"))
    cause = answer.get("cause")
    c_ok = cause == "crews"
    c_msg = {
        "booths": "烤房利用率不到 60%，说明烤房有四成时间空着——不是不够，而是没用好。",
        "skills": "数据显示问题在进度和烤房空闲，不是喷漆质量。",
        "demand": "如果是业务量太大，烤房应该满负荷，而不是利用率不到 60%。",
    }.get(cause or "", "请选择根本原因。" if not cause else "")
    details.append(("cause", c_ok, c_msg))
    measures = sorted(answer.get("measures") or [])
    m_ok = measures == sorted(_GOOD_MEASURES)
    bad = [m for m in measures if m not in _GOOD_MEASURES]
    m_msg = ""
    if "new_booth" in bad:
        m_msg += "利用率不到 60% 时再建烤房只会让利用率更低。"
    if "overtime" in bad:
        m_msg += "加班掩盖了流程问题，成本还更高。"
    if "piece_rate" in bad:
        m_msg += "问题在班组分工和调度，个人考核解决不了。"
    if not bad and not m_ok:
        m_msg = "还有针对根因的对策没有选。"
    details.append(("measures", m_ok, m_msg))
    return Feedback.grade(
        details,
        explanation=(
            "烤房利用率 = 18 000 ÷ 31 200 = 57.7%，低于 60%。车间说「烤房不够用」，数据却说烤房四成时间空着。"
            "根因：**大班组**把大、中、小损车一起派，没有分工，也不协调设备，小损车和中损车一样慢、"
            "中损车和大损车几乎同步，烤房时而排队、时而闲置。对策针对根因：拆小班组、按损伤程度分线派工、烤房预约排程；"
            "检查看烤房利用率回到 60% 以上、小损车在厂天数下降，有效就写入车间管理办法（标准化）。"
        ),
        explanation_en=(
            "Utilisation 18 000 / 31 200 = 57.7 % < 60 %: the booths idle 40 % of the time. Root cause: large crews mix "
            "heavy and light jobs. Countermeasures: small crews, separate lines by damage class, booth scheduling."
        ),
        hint="先算利用率：烤房是真的不够，还是没用好？",
    )


paint_shop = Exercise(
    id="04c-paint-shop",
    title="钣喷车间：烤房真的不够用吗？",
    title_en="Paint shop: are the booths really too few?",
    instructions=(
        "钣喷车间主任说：「烤房不够用，进度上不去。」车间有 **2 个烤房**，每天可用 **600 分钟**，上月工作 **26 天**，"
        "烤房使用记录合计 **18 000 分钟**。车间有两个 **6 人大班组**，调度把大损、中损、小损车都派给同一个班组。"
        "上面的图是各店按班组规模 × 损伤程度的平均在厂天数。\n\n"
        "1. 计算上月烤房利用率；\n2. 是否低于 60% 警戒线？\n3. 根本原因是什么？\n4. 选出针对根因的对策（可多选）。"
    ),
    instructions_en=(
        "2 booths × 600 min × 26 days, 18 000 minutes used; two crews of 6 take heavy, medium and light jobs together. "
        "Compute the utilisation, say whether it is below 60 %, pick the root cause and the countermeasures."
    ),
    fields={
        "utilisation": NumberField("烤房利用率", "Booth utilisation", unit="%", percent=True),
        "below": ChoiceField("低于 60% 吗？", "Below 60 %?", options={"yes": "是", "no": "否"}),
        "cause": ChoiceField("根本原因", "Root cause", options=_CAUSES),
        "measures": ChoiceField("对策（可多选）", "Countermeasures", options=_MEASURES, multiple=True),
    },
    check=_check_paint_shop,
    model_answer=(
        "**参考答案**：18 000 ÷ (2 × 600 × 26) = 57.7%，低于 60%；根因是大班组混派大中小损车、没有分工；"
        "对策：拆成小班组、按损伤程度分线派工、烤房预约排程。"
    ),
)

EXERCISES = [comeback_plan, read_p_chart, paint_shop]
