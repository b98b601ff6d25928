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

from dealerlab.exercises import Exercise, Feedback, find_keywords, is_close
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.fields import ChoiceField, ClassifyField, NumberField, SliderField, TableField, TextField

__all__ = ["capture_rate", "kpi_split", "action_plan", "EXERCISES", "FIVE_W_ONE_H"]

_TEXT = Content.load(__name__)

# ----------------------------------------------------------------------------------------------------------------
# 1. capture rate
# Week log: FV 40 first visits, FC 25 first calls, W 28 new leads from visits, C 11 new leads from calls.
# (W + C) / (FV + FC) = 39 / 65 = 0.60
_FV, _FC, _W, _C = 40, 25, 28, 11
_CAPTURE = (_W + _C) / (_FV + _FC)
_LOG = {"fv": _FV, "fc": _FC, "w": _W, "c": _C}
_GOOD_PRACTICES = ["card", "testdrive"]


def _check_capture(answer: dict) -> Feedback:
    rate_ok = is_close(answer.get("rate"), _CAPTURE, tolerance=0.005)
    formula_ok = answer.get("formula") == "a"
    practices_ok = sorted(answer.get("practices") or []) == sorted(_GOOD_PRACTICES)
    advice = _TEXT.table("capture.advice")
    details = [
        ("rate", rate_ok, advice["rate"]),
        ("formula", formula_ok, advice["formula"]),
        ("practices", practices_ok, advice["practices"]),
    ]
    return Feedback.grade(
        details,
        **_TEXT.feedback("capture", **_LOG, leads=_W + _C, contacts=_FV + _FC, rate=_CAPTURE),
        weights={"rate": 2.0, "formula": 1.0, "practices": 1.0},
    )


capture_rate = Exercise(
    id="00a-capture-rate",
    **_TEXT.exercise("capture", **_LOG),
    fields={
        "rate": NumberField("信息留存率", "Capture rate", percent=True),
        "formula": ChoiceField("正确的公式是", "The right formula", **_TEXT.choice("capture.options.formula")),
        "practices": ChoiceField(
            "能真正提高信息留存率的做法（多选）", "Practices that really raise it (several)",
            **_TEXT.choice("capture.options.practices"), multiple=True,
        ),
    },
    check=_check_capture,
    model_answer={"rate": _CAPTURE, "formula": "a", "practices": _GOOD_PRACTICES},
)

# ----------------------------------------------------------------------------------------------------------------
# 2. result vs process KPIs, and a quarterly split
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
    advice = _TEXT.table("split.advice")
    details = [
        ("kpis", kpis_ok, "" if kpis_ok else _TEXT.text("split.advice.kpis", wrong=len(_KPI_KEY) - n_ok)),
        ("split", split_ok, "" if split_ok else advice["unweighted" if sums_ok else "sums"]),
    ]
    return Feedback.grade(details, **_TEXT.feedback("split"))


_KPI_CLASSES, _KPI_CLASSES_EN = _TEXT.options("split.classes")
_MONTHS, _MONTHS_EN = _TEXT.options("split.months")

kpi_split = Exercise(
    id="00b-kpi-split",
    **_TEXT.exercise("split"),
    fields={
        "kpis": ClassifyField(
            "指标分类", "KPI classes", items=_TEXT.table("split.kpis"), classes=_KPI_CLASSES,
            classes_en=_KPI_CLASSES_EN,
        ),
        "split": TableField(
            "一季度销量目标分解（台）", "Q1 unit targets by month", rows={"S01": "S01", "S02": "S02"},
            columns=_MONTHS, columns_en=_MONTHS_EN, unit="台", totals="both",
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
FIVE_W_ONE_H = {k: (name, list(words)) for k, (name, words) in _TEXT.table("action.five_w_one_h").items()}


def _live_extra(answer: dict) -> str:
    target = answer.get("target_rate")
    if target is None:
        return ""
    leads_now = _CONTACTS * _CAPTURE
    leads_new = _CONTACTS * target
    extra = (leads_new - leads_now) * _LEAD_TO_SALE
    live = _TEXT.table("action.live")
    return live["text"].format(target=target, leads_new=leads_new, leads_now=leads_now,
                               sales=leads_new * _LEAD_TO_SALE, more_or_less=live["more" if extra >= 0 else "less"],
                               extra=abs(extra))


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
    advice = _TEXT.table("action.advice")
    plan_msg = "" if plan_ok else (advice["missing"] + "、".join(missing) if missing else advice["vague"])
    return Feedback(
        status=status,
        score=1.0 if status == "correct" else min(score, 0.99),
        **_TEXT.feedback("action", contacts=_CONTACTS, fv=_FV, fc=_FC, extra=_EXTRA_AT_70),
        details=(
            ("extra", extra_ok, "" if extra_ok else advice["extra"]),
            ("plan", plan_ok, plan_msg),
        ),
    )


action_plan = Exercise(
    id="00c-action-plan",
    **_TEXT.exercise("action"),
    fields={
        "target_rate": SliderField("目标留存率", "Target capture rate", min=0.5, max=0.9, step=0.01, value=0.6,
                                   percent=True),
        "extra": NumberField("留存率 70% 时每周多成交（台）", "Extra units a week at 70 %", unit="台"),
        "plan": TextField("改善行动（5W1H）", "Improvement action (5W1H)",
                          placeholder=_TEXT.text("action.placeholder.plan")),
    },
    check=_check_action,
    live=_live_extra,
    model_answer=_TEXT.text("action.model_answer", extra=_EXTRA_AT_70),
)

#: All warm-up exercises, in notebook order.
EXERCISES = (capture_rate, kpi_split, action_plan)
