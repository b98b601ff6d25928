"""Exercises of course module 10 — execution and organisation (trainer notebooks ``10a``–``10d``).

* :data:`three_no` (10a) — six cases from a dealership: diagnose each as 能不能做 / 会不会做 / 愿不愿做 (seed 004) and pick
  the lever: 规范 (作业规范、流程/人力管理), 培训 (培训、演练、日常考核) or 激励 (鼓励制度、绩效考核); plus the principle
  「知道了，没有做，等于不知道」.
* :data:`six_s_4` (10b) — classify site observations into the 6S, management measures into the 4化, and daily tasks to
  the role that owns them (关键岗位职责); score a 6S audit (:func:`dealerlab.execution.six_s_score`).
* :data:`daily_close_case` (10c) — 日清日结 on selling days: time progress, tomorrow's target (日结日高), the new hires'
  脱落率, and an evening close-out note checked for its elements.
* :data:`training_plan` (10d) — 培训方案: the first step (choice), who needs which course and the hours (table, from
  :func:`dealerlab.execution.training_needs`), a checkable goal (text).

The numbers of 10c come from :func:`dealerlab.targets.daily_close`, :func:`dealerlab.targets.day_weights` and
:func:`dealerlab.execution.recruiting` (the same functions as notebook 10). Nothing happens at import time except
building these plain-data definitions (10c's numbers are computed on a small fixed case when first checked). What
trainees read (cases, options, texts, advice, model-answer prose) is in ``execution.toml`` beside this file.
"""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd

from dealerlab.data.dataset import Dataset
from dealerlab.execution import recruiting, six_s_score, training_needs
from dealerlab.exercises import (
    ChoiceField,
    Exercise,
    Feedback,
    NumberField,
    TableField,
    TextField,
    find_keywords,
    is_close,
)
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import answer_key, case_field, case_lines, case_names, wrong_cases
from dealerlab.targets import daily_close, day_weights

__all__ = ["three_no", "six_s_4", "daily_close_case", "THREE_NO_CASES", "SIX_S_ITEMS", "FOUR_ITEMS", "ROLE_TASKS",
           "AUDIT", "audit_numbers", "HEADCOUNT", "headcount_needed", "daily_case_numbers", "training_plan",
           "SKILL_SCORES", "SKILLS", "COURSE_HOURS", "training_numbers", "EXERCISES"]


_TEXT = Content.load(__name__)


# ----------------------------------------------------------------------------------------------------------------
# 10a 能不能 / 会不会 / 愿不愿做

_NO, _NO_EN = _TEXT.options("three_no.diagnoses")
_LEVER, _LEVER_EN = _TEXT.options("three_no.levers")
_LEVER_OF = {"can": "rules", "know": "train", "will": "reward"}

#: case id → (zh text, diagnosis)
THREE_NO_CASES = _TEXT.table("cases.three_no")


def _check_three_no(answer: dict) -> Feedback:
    diag = answer.get("diagnosis") or {}
    lever = answer.get("lever") or {}
    advice = _TEXT.table("three_no.advice")
    d_wrong = wrong_cases(diag, THREE_NO_CASES)
    l_wrong = [k for k, (_t, want) in THREE_NO_CASES.items() if lever.get(k) != _LEVER_OF[want]]
    # a lever that fits the trainee's own diagnosis but the diagnosis is wrong: say so once
    consistent = [k for k in l_wrong if diag.get(k) and lever.get(k) == _LEVER_OF.get(diag.get(k))]

    def names(keys):
        return case_names(keys, THREE_NO_CASES, "案例 {n}")

    d_msg = advice["diagnosis"].format(cases=names(d_wrong)) if d_wrong else ""
    l_msg = ""
    if l_wrong:
        l_msg = advice["lever"].format(cases=names(l_wrong))
        if consistent:
            l_msg += advice["consistent"].format(cases=names(consistent))
    details = [
        ("diagnosis", not d_wrong, d_msg),
        ("lever", not l_wrong, l_msg),
        ("principle", answer.get("principle") == "b", advice["principle"]),
        ("gm", answer.get("gm") == "b", advice["gm"]),
    ]
    if "gm" not in answer and "diagnosis" in answer:  # an answer saved before the GM question existed
        details = details[:3]
    return Feedback.grade(details, weights={"diagnosis": 2, "lever": 2, "principle": 1, "gm": 1},
                          **_TEXT.feedback("three_no"))


three_no = Exercise(
    id="10a-three-no",
    **_TEXT.exercise("three_no", cases=case_lines(THREE_NO_CASES)),
    fields={
        "diagnosis": case_field("诊断：哪一种“不”", "Diagnosis", THREE_NO_CASES, _NO, _NO_EN, item="案例 {n}"),
        "lever": case_field("最先用的手段", "First lever", THREE_NO_CASES, _LEVER, _LEVER_EN, item="案例 {n}"),
        "principle": ChoiceField(*_TEXT.both("three_no.label.principle"), **_TEXT.choice("three_no.options.principle")),
        "gm": ChoiceField(*_TEXT.both("three_no.label.gm"), **_TEXT.choice("three_no.options.gm")),
    },
    check=_check_three_no,
    model_answer=_TEXT.text("three_no.model_answer", "zh", rows="\n".join(
        f"| {i} | {_NO[w]} | {_LEVER[_LEVER_OF[w]]} |" for i, (_t, w) in enumerate(THREE_NO_CASES.values(), start=1))),
)

# ----------------------------------------------------------------------------------------------------------------
# 10b 6S, 4化 and job duties

_SIX, _SIX_EN = _TEXT.options("six_s.six")
#: observation → 6S element
SIX_S_ITEMS = _TEXT.table("cases.six_s")
_FOUR, _FOUR_EN = _TEXT.options("six_s.four")
#: measure → 4化 element
FOUR_ITEMS = _TEXT.table("cases.four")
_ROLES, _ROLES_EN = _TEXT.options("six_s.roles")
#: task → role (seed 001「关键岗位职责」)
ROLE_TASKS = _TEXT.table("cases.roles")

#: a showroom 6S audit (2 = met, 1 = partly, 0 = not met) — the one of notebook 10 §3
AUDIT = list(_TEXT.table("six_s.audit")["items"])

#: headcount plan (人员编制): store → (next month's target, 人均单产 of the last months)
HEADCOUNT = {"A": (120, 12.0), "B": (90, 9.5), "C": (70, 14.0)}
_HEAD_COLUMNS, _HEAD_COLUMNS_EN = _TEXT.options("six_s.headcount_columns")


def headcount_needed() -> dict[str, int]:
    """Consultants needed per store = target ÷ 人均单产, rounded up (a fraction of a person still needs a person).

    Returns
    -------
    dict
        Store → whole number of consultants.
    """
    return {k: int(math.ceil(t / p - 1e-9)) for k, (t, p) in HEADCOUNT.items()}


@lru_cache(maxsize=1)
def audit_numbers() -> dict:
    """The model answer of the 6S audit part of :data:`six_s_4`, from :func:`dealerlab.execution.six_s_score`.

    Returns
    -------
    dict
        ``total`` (score as a share of the maximum), ``weakest`` (the S with the lowest score).
    """
    t = six_s_score([{"s": a, "item": b, "points": c} for a, b, c in AUDIT]).set_index("s")
    per = t.drop(index="合计")["score"].dropna()
    return {"total": float(t.loc["合计", "score"]), "weakest": str(per.idxmin())}


def _store(key: str) -> str:
    return _TEXT.text("six_s.advice.store", store=key)


def _check_six_s_4(answer: dict) -> Feedback:
    advice = _TEXT.table("six_s.advice")
    details = []
    for field, table, kind in (
        ("six", SIX_S_ITEMS, "6S"), ("four", FOUR_ITEMS, "4化"), ("roles", ROLE_TASKS, "岗位"),
    ):
        got = answer.get(field) or {}
        wrong = [i for i, (k, (_t, want)) in enumerate(table.items(), start=1) if got.get(k) != want]
        msg = advice["wrong"].format(items="、".join(map(str, wrong)), kind=kind) if wrong else ""
        details.append((field, not wrong, msg))
    if "headcount" in answer:
        got = {k: ((answer.get("headcount") or {}).get(k) or {}).get("needed") for k in HEADCOUNT}
        want = headcount_needed()
        wrong = [k for k in HEADCOUNT if not is_close(got[k], want[k])]
        down = [k for k in wrong if got[k] is not None and is_close(got[k], want[k] - 1)]
        msg = ""
        if wrong:
            msg = (advice["headcount"] + (advice["headcount_round"] if down else "")
                   + advice["headcount_stores"].format(stores="、".join(_store(k) for k in wrong)))
        details.append(("headcount", not wrong, msg))
    if "audit_total" in answer or "audit_weakest" in answer:
        a = audit_numbers()
        details.append(("audit_total", is_close(answer.get("audit_total"), a["total"], tolerance=0.006),
                        advice["audit_total"]))
        details.append(("audit_weakest", answer.get("audit_weakest") == a["weakest"], advice["audit_weakest"]))
    return Feedback.grade(details, **_TEXT.feedback("six_s"))


def _six_s_model() -> str:
    headcount = "；".join(
        _TEXT.text("six_s.headcount_line", store=k, target=t, per_head=p, ratio=t / p, needed=n)
        for (k, (t, p)), n in zip(HEADCOUNT.items(), headcount_needed().values()))
    return _TEXT.text("six_s.model_answer", "zh", six=answer_key(SIX_S_ITEMS), four=answer_key(FOUR_ITEMS, _FOUR.get),
                      roles=answer_key(ROLE_TASKS, _ROLES.get), headcount=headcount)


six_s_4 = Exercise(
    id="10b-six-s-4",
    **_TEXT.exercise(
        "six_s", six=case_lines(SIX_S_ITEMS, indent="   "), four=case_lines(FOUR_ITEMS, indent="   "),
        roles=case_lines(ROLE_TASKS, indent="   "),
        audit="| S | 检查项 | 得分 |\n|---|---|---|\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in AUDIT)),
    fields={
        "six": case_field("现场问题 → 6S", "Observation → 6S", SIX_S_ITEMS, _SIX, _SIX_EN),
        "four": case_field("改善措施 → 4化", "Measure → 4化", FOUR_ITEMS, _FOUR, _FOUR_EN),
        "roles": case_field("日常工作 → 负责岗位", "Task → role", ROLE_TASKS, _ROLES, _ROLES_EN),
        "audit_total": NumberField("6S 检核总分", "6S audit score", percent=True),
        "headcount": TableField(
            "人员编制（名）", "Headcount plan", rows={k: _store(k) for k in HEADCOUNT}, totals=None,
            columns=_HEAD_COLUMNS, columns_en=_HEAD_COLUMNS_EN,
            fixed={**{(k, "target"): t for k, (t, _p) in HEADCOUNT.items()},
                   **{(k, "per_head"): p for k, (_t, p) in HEADCOUNT.items()}},
        ),
        "audit_weakest": ChoiceField("最弱的 S", "Weakest S", options={k: k for k in _SIX}, options_en=_SIX_EN),
    },
    check=_check_six_s_4,
    model_answer=_six_s_model(),
)

# ----------------------------------------------------------------------------------------------------------------
# 10c 日清日结 on selling days + new hires' dropout + the evening close-out note

_CASE_TARGET = 60
#: units sold each day 1–15 October 2026 (国庆 1–7): 24 by the 15th
_CASE_DAILY = [3, 2, 2, 1, 2, 1, 2, 1, 1, 2, 2, 1, 1, 2, 1]
#: the March class of new consultants: (days employed when they left, or None = still employed after 90 days)
_CASE_HIRES = {"甲": 25, "乙": None, "丙": 60, "丁": None, "戊": None}


def _case_dataset():
    days = pd.date_range("2026-10-01", periods=len(_CASE_DAILY), freq="D")
    rows = [{"sale_id": f"c{d:%d}-{i}", "store_id": "S9", "staff_id": "A", "invoice_date": d}
            for d, n in zip(days, _CASE_DAILY) for i in range(n)]
    targets = pd.DataFrame({"store_id": ["S9"], "period": ["2026-10"], "metric": ["销量"], "target": [float(_CASE_TARGET)]})
    hire = pd.Timestamp("2026-03-02")
    staff = pd.DataFrame(
        [{"staff_id": k, "store_id": "S9", "name": k, "department": "销售部", "role": "销售顾问", "hire_date": hire,
          "leave_date": (hire + pd.Timedelta(days=v)) if v is not None else pd.NaT} for k, v in _CASE_HIRES.items()]
    )
    return Dataset.from_frames({"sales": pd.DataFrame(rows), "targets": targets, "staff": staff})


@lru_cache(maxsize=1)
def daily_case_numbers() -> dict:
    """The model numbers of :data:`daily_close_case` from :func:`dealerlab.targets.daily_close` and
    :func:`dealerlab.execution.recruiting` on the fixed case.

    Returns
    -------
    dict
        ``sold`` (units by the 15th), ``time_progress``, ``achievement``, ``next_target`` (16 October),
        ``dropout_rate``, ``elapsed``/``total`` (Σ day weights).
    """
    ds = _case_dataset()
    close = daily_close(ds, period="2026-10", as_of="2026-10-15", store_id="S9").iloc[-1]
    w = day_weights("2026-10", ds=ds, store_id="S9")
    rec = recruiting(ds, periods=["2026-03"], as_of="2026-10-31").iloc[0]
    return {
        "sold": float(close["cumulative"]),
        "time_progress": float(close["time_progress"]),
        "achievement": float(close["achievement"]),
        "next_target": float(close["next_target"]),
        "dropout_rate": float(rec["dropout_rate"]),
        "elapsed": float(w.loc[w["date"] <= "2026-10-15", "weight"].sum()),
        "total": float(w["weight"].sum()),
    }


def _check_daily(answer: dict) -> Feedback:
    n = daily_case_numbers()
    advice = _TEXT.table("daily.advice")
    ok_tp = is_close(answer.get("time_progress"), n["time_progress"], tolerance=0.006)
    ok_ach = is_close(answer.get("achievement"), n["achievement"], tolerance=0.006)
    ok_next = is_close(answer.get("next_target"), n["next_target"], tolerance=0.15) or is_close(
        answer.get("next_target"), float(-(-n["next_target"] // 1)), tolerance=0.0)
    ok_drop = is_close(answer.get("dropout_rate"), n["dropout_rate"], tolerance=0.006)
    note = str(answer.get("note") or "")
    lacks = _TEXT.table("daily.note_missing")
    missing = [k for k, ok in find_keywords(note, _TEXT.table("daily.note_rules")).items() if not ok]
    ok_note = len(note) >= 20 and not missing
    workdays = is_close(answer.get("time_progress"), 7 / 18, tolerance=0.006)
    details = [
        ("time_progress", ok_tp, advice["workdays" if workdays else "time_progress"]),
        ("achievement", ok_ach, advice["achievement"]),
        ("next_target", ok_next, advice["next_target"]),
        ("dropout_rate", ok_drop, advice["dropout_rate"]),
        ("note", ok_note, "；".join(lacks[k] for k in missing) or advice["note"]),
    ]
    values = dict(n, target=_CASE_TARGET, short=_CASE_TARGET - n["sold"], remaining=n["total"] - n["elapsed"])
    return Feedback.grade(
        details, weights={"time_progress": 1, "achievement": 1, "next_target": 1, "dropout_rate": 1, "note": 2},
        **_TEXT.feedback("daily", **values))


daily_close_case = Exercise(
    id="10c-daily-close",
    **_TEXT.exercise("daily", target=_CASE_TARGET, daily="、".join(map(str, _CASE_DAILY)), units=sum(_CASE_DAILY),
                     daily_list=str(_CASE_DAILY)),
    fields={
        "time_progress": NumberField("时间进度（卖车日）", "Time progress (selling days)", percent=True),
        "achievement": NumberField("达成率", "Achievement", percent=True, ratio_max=3),
        "next_target": NumberField("16 日目标", "Target for the 16th", unit="台"),
        "dropout_rate": NumberField("新人脱落率", "New-hire dropout", percent=True),
        "note": TextField("日结小结", "Close-out note", rows=5, placeholder=_TEXT.text("daily.note.placeholder")),
    },
    check=_check_daily,
    model_answer=lambda answer=None: _TEXT.text("daily.model_answer", "zh", **daily_case_numbers()),
)


# ----------------------------------------------------------------------------------------------------------------
# 10d 培训方案：从培训需求分析到课时 (seed 001「培训方案」, seed 002「培训需求分析」)

#: the skill scores of eight consultants (monthly check, 100 points): staff → (产品知识, 需求分析, 试乘试驾)
SKILL_SCORES = _TEXT.table("training.scores")
SKILLS, _SKILLS_EN = _TEXT.options("training.skills")
#: course hours per person for each skill
COURSE_HOURS = {"product": 4, "needs": 6, "drive": 3}
STANDARD = 80
#: the first step of a training plan
FIRST_STEP, _FIRST_STEP_EN = _TEXT.options("training.options.first")
_PLAN_COLUMNS, _PLAN_COLUMNS_EN = _TEXT.options("training.columns")


@lru_cache(maxsize=1)
def training_numbers() -> pd.DataFrame:
    """The 10d answers from :func:`dealerlab.execution.training_needs` (index = skill key)."""
    rows = [(who, SKILLS[k], s[i]) for who, s in SKILL_SCORES.items() for i, k in enumerate(SKILLS)]
    scores = pd.DataFrame(rows, columns=["staff_id", "skill", "score"])
    t = training_needs(scores, standard=STANDARD, hours={SKILLS[k]: h for k, h in COURSE_HOURS.items()})
    return t.assign(key=list(SKILLS)).set_index("key")


def _check_training(answer: dict) -> Feedback:
    t = training_numbers()
    advice = _TEXT.table("training.advice")
    got = answer.get("plan") or {}
    wrong_n = [SKILLS[k] for k in SKILLS if not is_close((got.get(k) or {}).get("people"), t.loc[k, "below"])]
    wrong_h = [SKILLS[k] for k in SKILLS if not is_close((got.get(k) or {}).get("hours"), t.loc[k, "hours_total"])]
    goal = answer.get("goal") or ""
    found = find_keywords(goal, {"number": [str(d) for d in range(10)] + ["％", "%"],
                                 **_TEXT.table("training.goal_kpi")})
    missing = [m for k, m in _TEXT.table("training.goal_missing").items() if not found[k]]
    plan_msgs = []
    if wrong_n:
        plan_msgs.append(advice["people"].format(skills="、".join(wrong_n), standard=STANDARD))
    if wrong_h:
        plan_msgs.append(advice["hours"].format(skills="、".join(wrong_h)))
    return Feedback.grade(
        [("first", answer.get("first") == "a", advice["first"]),
         ("plan", not wrong_n and not wrong_h, "；".join(plan_msgs)),
         ("goal", not missing, advice["goal"].format(missing="、".join(missing)) if missing else "")],
        weights={"first": 1, "plan": 2, "goal": 1},
        **_TEXT.feedback("training", standard=STANDARD),
    )


def _training_model(answer=None) -> str:
    t = training_numbers()
    rows = "\n".join(f"| {SKILLS[k]} | {t.loc[k, 'staff']} | {t.loc[k, 'below']} | {t.loc[k, 'hours_each']:.0f} | "
                     f"{t.loc[k, 'hours_total']:.0f} |" for k in SKILLS)
    return _TEXT.text("training.model_answer", "zh", rows=rows, total=t["hours_total"].sum())


def _scores_markdown() -> str:
    return ("| 顾问 | " + " | ".join(SKILLS.values()) + " |\n|---|---|---|---|\n"
            + "\n".join(f"| {who} | " + " | ".join(str(x) for x in s) + " |" for who, s in SKILL_SCORES.items()))


training_plan = Exercise(
    id="10d-training-plan",
    **_TEXT.exercise("training", standard=STANDARD, scores=_scores_markdown(),
                     hours="、".join(f"{SKILLS[k]} {h} 课时" for k, h in COURSE_HOURS.items())),
    fields={
        "first": ChoiceField("培训方案的第一步", "First step", options=FIRST_STEP, options_en=_FIRST_STEP_EN),
        "plan": TableField("培训计划", "Training plan", rows=SKILLS, rows_en=_SKILLS_EN, totals="columns",
                           columns=_PLAN_COLUMNS, columns_en=_PLAN_COLUMNS_EN),
        "goal": TextField("培训目标", "Training goal", rows=2, placeholder="培训后……从……提高到……"),
    },
    check=_check_training,
    model_answer=_training_model,
)

#: All exercises of module 10, in notebook order.
EXERCISES = (three_no, six_s_4, daily_close_case, training_plan)
