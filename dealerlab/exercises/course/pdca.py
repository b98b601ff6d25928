"""Exercises of course module 4 (PDCA and the management cadence).

* :data:`comeback_plan` (04a) — write the Plan of a PDCA cycle for the comeback-rate case: metric, target, and one
  countermeasure in 5W1H; each field gets its own feedback from :func:`dealerlab.pdca.check_plan`.
* :data:`read_p_chart` (04b) — read a p-chart: the centre line, which months are special causes, what to do.
  The twelve months are fixed in :func:`p_chart_data` (answers do not move when the demo data is regenerated).
* :data:`paint_shop` (04c) — the paint shop whose booths are used less than 60 % of the time: the utilisation,
  the root cause and the countermeasures.

What trainees read (options, texts, advice, model-answer prose) is in ``pdca.toml`` beside this file.
"""

from __future__ import annotations

import re

import pandas as pd

from dealerlab._dates import parse_deadline
from dealerlab.exercises import ChoiceField, Exercise, Feedback, NumberField, TextField, find_keywords, is_close
from dealerlab.exercises.course._content import Content
from dealerlab.pdca import check_plan, p_chart

__all__ = ["comeback_plan", "read_p_chart", "paint_shop", "p_chart_data", "unit_only_owner", "vague_detail", "EXERCISES"]

_TEXT = Content.load(__name__)

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
        return ("what", False, _TEXT.text("plan.vague", what=str(what).strip())
                + (_TEXT.text("plan.vague_example", example=example) if example else "。"))
    return None


def owner_detail(who: str | None, example: str) -> tuple[str, bool, str] | None:
    """A failed ``who`` detail when the owner is only a unit or a bare pronoun, else ``None`` (shared by 04a and 06c)."""
    t = re.sub(r"\s+", "", str(who or ""))
    if t in _PRONOUNS:
        return ("who", False, _TEXT.text("plan.pronoun", who=t, example=example))
    if not unit_only_owner(who):
        return None
    return ("who", False, _TEXT.text("plan.unit_only", who=str(who).strip(), example=example))

# ----------------------------------------------------------------------------------------------------------------
# 04a — a PDCA plan for the comeback case

#: 5W1H field → (zh label, the example shown as placeholder and model answer)
_PLAN_FIELDS: PlanTable = _TEXT.table("comeback.plan")
#: the case: baseline (mean of the three months before the action) and the level before the rise
COMEBACK_BASELINE = 0.062
COMEBACK_NORMAL = 0.032
_DEADLINE = "2026-08"


def _target_msg(target: float | None) -> str:
    advice = _TEXT.table("comeback.advice")
    values = {"target": target, "baseline": COMEBACK_BASELINE, "normal": COMEBACK_NORMAL}
    if target is None:
        return advice["target_missing"]
    if target >= COMEBACK_BASELINE:
        return advice["target_above_baseline"].format(**values)
    if target > 0.04:
        return advice["target_loose"].format(**values)
    if target < 0.02:
        return advice["target_tight"].format(**values)
    return ""


def _check_comeback_plan(answer: dict) -> Feedback:
    metric_ok = answer.get("metric") == "comeback_rate"
    target = answer.get("target")
    details = [("metric", metric_ok, "" if metric_ok else _TEXT.text("comeback.advice.metric")),
               ("target", target is not None and 0.02 <= target <= 0.04, _target_msg(target))]
    action = plan_action(answer, _PLAN_FIELDS)
    examples = _TEXT.table("comeback.examples")
    details += plan_details(action, owner_example=examples["owner"], date_example=examples["date"],
                            deadline=_DEADLINE, what_example=examples["what"])
    what = action["what"]
    what_failed = any(f == "what" and not ok for f, ok, _m in details)
    if what and not what_failed and not any(find_keywords(what, _TEXT.table("comeback.relevant")).values()):
        details.append(("what", False, _TEXT.text("comeback.advice.unrelated")))
    return Feedback.grade(details, **_TEXT.feedback("comeback"))


comeback_plan = Exercise(
    id="04a-comeback-plan",
    **_TEXT.exercise("comeback", deadline=_DEADLINE),
    fields={
        "metric": ChoiceField("检查用的指标", "Metric", **_TEXT.choice("comeback.options.metric")),
        "target": NumberField("目标返修率", "Target comeback rate", unit="%", percent=True),
        **plan_fields(_PLAN_FIELDS, capitalize=True),
    },
    check=_check_comeback_plan,
    model_answer=_TEXT.text("comeback.model_answer", "zh", plan=plan_model(_PLAN_FIELDS)),
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


def _check_read_p_chart(answer: dict) -> Feedback:
    centre = float(p_chart(p_chart_data())["centre"].iloc[0])
    truth = _special_months()
    advice = _TEXT.table("pchart.advice")
    c_ok = is_close(answer.get("centre"), centre, tolerance=0.0005)
    picked = sorted(answer.get("special") or [])
    msgs = []
    if "2026-03" in picked:
        msgs.append(advice["march"])
    missing = [m for m in truth if m not in picked]
    if missing:
        msgs.append(advice["missing"].format(n=len(missing)))
    extra = [m for m in picked if m not in truth and m != "2026-03"]
    if extra:
        msgs.append(advice["inside"].format(months="、".join(extra)))
    g_ok = answer.get("good") == "2026-10"
    a_ok = answer.get("action") == "investigate"
    details = [("centre", c_ok, "" if c_ok else advice["centre"]),
               ("special", picked == sorted(truth), "".join(msgs)),
               ("good", g_ok, "" if g_ok else advice["good"]),
               ("action", a_ok, "" if a_ok else advice["action"])]
    return Feedback.grade(details, **_TEXT.feedback("pchart", centre=centre))


read_p_chart = Exercise(
    id="04b-read-p-chart",
    **_TEXT.exercise("pchart"),
    fields={
        "centre": NumberField("中心线 p̄", "Centre line p̄", unit="%", percent=True),
        "special": ChoiceField("特殊原因的月份", "Special-cause months", options=_MONTHS, multiple=True),
        "good": ChoiceField("「好的」特殊原因", "The good special cause", options=_MONTHS),
        "action": ChoiceField("经理应该怎么做？", "What should the manager do?",
                              **_TEXT.choice("pchart.options.action")),
    },
    check=_check_read_p_chart,
    model_answer=_TEXT.text("pchart.model_answer"),
)


# ----------------------------------------------------------------------------------------------------------------
# 04c — the paint shop

_GOOD_MEASURES = ["lines", "schedule", "small_crews"]
#: docs/DOMAIN.md known answer: 2 booths × 600 min × 26 days = 31 200 available, 18 000 used
_UTIL = 18000 / (2 * 600 * 26)


def _check_paint_shop(answer: dict) -> Feedback:
    advice = _TEXT.table("paint.advice")
    # 57.69 %: 57.7 % and the whole-percent 58 % are both right (a wrong denominator lands far away: 30 days → 50 %)
    u_ok = is_close(answer.get("utilisation"), _UTIL, tolerance=0.005)
    flag_ok = answer.get("below") == "yes"
    cause = answer.get("cause")
    c_msg = advice["cause"].get(cause or "", "" if cause else advice["no_cause"])
    measures = sorted(answer.get("measures") or [])
    m_ok = measures == sorted(_GOOD_MEASURES)
    bad = [m for m in measures if m not in _GOOD_MEASURES]
    m_msg = "".join(advice["measure"][m] for m in advice["measure"] if m in bad)
    if not bad and not m_ok:
        m_msg = advice["measures_missing"]
    details = [("utilisation", u_ok, "" if u_ok else advice["utilisation"]),
               ("below", flag_ok, "" if flag_ok else advice["below"]),
               ("cause", cause == "crews", c_msg),
               ("measures", m_ok, m_msg)]
    return Feedback.grade(details, **_TEXT.feedback("paint"))


paint_shop = Exercise(
    id="04c-paint-shop",
    **_TEXT.exercise("paint"),
    fields={
        "utilisation": NumberField("烤房利用率", "Booth utilisation", unit="%", percent=True),
        "below": ChoiceField("低于 60% 吗？", "Below 60 %?", **_TEXT.choice("paint.options.below")),
        "cause": ChoiceField("根本原因", "Root cause", **_TEXT.choice("paint.options.cause")),
        "measures": ChoiceField("对策（可多选）", "Countermeasures", **_TEXT.choice("paint.options.measures"),
                                multiple=True),
    },
    check=_check_paint_shop,
    model_answer=_TEXT.text("paint.model_answer"),
)

EXERCISES = [comeback_plan, read_p_chart, paint_shop]
