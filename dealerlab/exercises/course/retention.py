"""Exercises of course module 9 — customer relations and retention (trainer notebooks ``09a``–``09c``).

* :data:`loyalty_stages` (09a) — classify CRM measures (seed 004's 管理措施 and seed 000's programmes) by the loyalty
  stage they serve, and read a store whose CSI is high but whose 回厂率 is low (满意 ≠ 忠诚).
* :data:`recall_campaign` (09b) — from the lapsed list of the 24-month teaching base (:func:`dealerlab.retention.
  lapsed_list` on :func:`dealerlab.retention.example_base`, the same as notebook 09 §3): the list size, a numeric
  target return rate and the vehicles it means, and a 5W1H plan checked for its six elements.
* :data:`first_service` (09c) — 首保回厂率 on eight new cars (the answer from :func:`dealerlab.retention.retention_figures`).
* :data:`crm_orientation` (09d) — the customer-oriented behaviours (choice), 4P or 4C (classify) and “我到底在卖什么”
  (text with checked ideas), seed 003.
* :data:`segments_case` (09e) — 客户细分 of six vehicles by recency, frequency and spend (the answers from
  :func:`dealerlab.retention.segment_of`, the rule of ``segments()``), a measure for a company car, an invitation.
* :data:`activity_plan` (09f) — a numeric plan for four retention activities (table) and how to verify them.
* :data:`points_renewal` (09g) — a points ledger (:func:`dealerlab.retention.points_ledger`) and ★ 续保率
  (:func:`dealerlab.retention.renewal_rate`).

The numbers of 09b come from :mod:`dealerlab.retention` (computed once, when first checked); nothing happens at
import time except building these plain-data definitions. What trainees read (cases, options, texts, advice,
model-answer prose) is in ``retention.toml`` beside this file.
"""

from __future__ import annotations

import math
from functools import lru_cache

from dealerlab.data.dataset import Dataset
from dealerlab.exercises import (
    ChoiceField,
    ClassifyField,
    Exercise,
    Feedback,
    NumberField,
    TableField,
    TextField,
    find_keywords,
    is_close,
)
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import case_field, case_lines, case_names, wrong_cases
from dealerlab.retention import (
    MAINTENANCE,
    SEGMENTS,
    example_base,
    lapsed_list,
    points_ledger,
    renewal_rate,
    retention_figures,
    segment_of,
)

__all__ = ["loyalty_stages", "recall_campaign", "first_service", "crm_orientation", "segments_case", "activity_plan",
           "points_renewal", "BEHAVIOURS", "PC_ITEMS", "SELL_RULES", "SEG_CARS", "segment_answers", "INVITE_RULES",
           "ACTIVITIES", "POINT_EVENTS", "POLICIES", "points_numbers", "FIRST_CARS", "FIRST_M", "first_service_numbers", "STAGES", "MEASURES", "CASE", "case_numbers", "PLAN_RULES",
           "EXERCISES"]

_TEXT = Content.load(__name__)


def _rules(key: str) -> dict[str, list[str]]:
    """A keyword table (rule → keywords, any one counts) of the data file, with lists as the checks have always had."""
    return {k: list(v) for k, v in _TEXT.table(key).items()}


# ----------------------------------------------------------------------------------------------------------------
# 09a the loyalty stage a measure serves

STAGES, _STAGES_EN = _TEXT.options("loyalty.stages")
#: measure id → (zh text, stage)
MEASURES = _TEXT.table("cases.measures")


def _check_stages(answer: dict) -> Feedback:
    advice = _TEXT.table("loyalty.advice")
    wrong = wrong_cases(answer.get("stage") or {}, MEASURES)
    msg = advice["stage"].format(measures=case_names(wrong, MEASURES, "措施 {n}")) if wrong else ""
    return Feedback.grade([("stage", not wrong, msg), ("case", answer.get("case") == "b", advice["case"])],
                          weights={"stage": 3, "case": 1}, **_TEXT.feedback("loyalty"))


loyalty_stages = Exercise(
    id="09a-loyalty-stages",
    **_TEXT.exercise("loyalty", measures=case_lines(MEASURES)),
    fields={
        "stage": case_field("服务哪个阶段", "Stage served", MEASURES, STAGES, _STAGES_EN, item="措施 {n}"),
        "case": ChoiceField(*_TEXT.both("loyalty.label.case"), **_TEXT.choice("loyalty.options.case")),
    },
    check=_check_stages,
    model_answer=_TEXT.text("loyalty.model_answer", "zh", rows="\n".join(
        f"| {i}. {t} | {STAGES[s]} |" for i, (t, s) in enumerate(MEASURES.values(), start=1))),
)

# ----------------------------------------------------------------------------------------------------------------
# 09b a recall campaign from the lapsed list

#: the case: the 24-month teaching base of notebook 09, store and month
CASE = {"store_id": "S01", "period": "2026-10"}
#: a realistic target return rate for a recall campaign (share of the list brought back)
TARGET_RANGE = (0.15, 0.60)

#: 5W1H rule → keywords (any one counts)
PLAN_RULES = _rules("recall.plan_rules")


@lru_cache(maxsize=1)
def case_numbers() -> dict:
    """The lapsed list of the case (masked) and its size, from :func:`dealerlab.retention.lapsed_list`."""
    lst = lapsed_list(example_base(), period=CASE["period"], stores=[CASE["store_id"]])
    return {"list": lst, "size": len(lst)}


def _check_recall(answer: dict) -> Feedback:
    n = case_numbers()["size"]
    advice = _TEXT.table("recall.advice")
    rate = answer.get("target_rate")
    units = answer.get("target_units")
    lo, hi = TARGET_RANGE
    ok_rate = rate is not None and lo <= rate <= hi
    ok_units = rate is not None and units is not None and is_close(units, math.ceil(n * rate - 1e-9), tolerance=1)
    elements = _TEXT.table("recall.elements")
    missing = [elements[k] for k, hit in find_keywords(answer.get("plan") or "", PLAN_RULES).items() if not hit]
    return Feedback.grade(
        [
            ("size", is_close(answer.get("size"), n), advice["size"]),
            ("target_rate", ok_rate, "" if ok_rate else advice["target_rate"].format(lo=lo, hi=hi)),
            ("target_units", ok_units, advice["target_units"]),
            ("plan", not missing, advice["plan"].format(missing="、".join(missing)) if missing else ""),
        ],
        weights={"size": 1, "target_rate": 1, "target_units": 1, "plan": 2},
        **_TEXT.feedback("recall"),
    )


def _model_recall(answer=None) -> str:
    n = case_numbers()["size"]
    return _TEXT.text("recall.model_answer", "zh", n=n, units=math.ceil(n * 0.3 - 1e-9))


recall_campaign = Exercise(
    id="09b-recall-campaign",
    **_TEXT.exercise("recall", **CASE),
    fields={
        "size": NumberField("名单台数", "Vehicles on the list", unit="台"),
        "target_rate": NumberField("目标回厂率", "Target return rate", unit="%", percent=True),
        "target_units": NumberField("目标叫回台数", "Vehicles to bring back", unit="台"),
        "plan": TextField("5W1H 计划", "5W1H plan", rows=7, placeholder=_TEXT.text("recall.plan.placeholder")),
    },
    check=_check_recall,
    model_answer=_model_recall,
)

# ----------------------------------------------------------------------------------------------------------------
# 09c 首保回厂率 on eight new cars

#: M of the case, and the new cars: vin → (invoice date, first 保养 date at the store or None)
FIRST_M = "2026-12"
FIRST_CARS = {
    "V1": ("2025-11-20", "2026-03-01"),
    "V2": ("2026-01-10", "2026-06-15"),
    "V3": ("2026-02-05", None),
    "V4": ("2026-03-18", "2026-12-28"),
    "V5": ("2026-04-02", "2026-09-30"),
    "V6": ("2026-05-20", "2026-11-02"),
    "V7": ("2026-06-30", "2026-12-10"),
    "V8": ("2026-07-15", "2026-12-01"),
}


@lru_cache(maxsize=1)
def first_service_numbers() -> dict:
    """Cohort, returned and rate of the 09c case from :func:`dealerlab.retention.retention_figures`."""
    import pandas as pd

    sales = pd.DataFrame({"sale_id": list(FIRST_CARS), "store_id": "S01", "vin": list(FIRST_CARS),
                          "invoice_date": pd.to_datetime([d for d, _f in FIRST_CARS.values()]), "channel": "展厅",
                          "model": "英朗", "price": 100_000.0})
    served = [(v, f) for v, (_d, f) in FIRST_CARS.items() if f]
    orders = pd.DataFrame({"ro_id": [f"R{i}" for i in range(len(served))], "store_id": "S01",
                           "open_date": pd.to_datetime([f for _v, f in served]), "ro_type": MAINTENANCE,
                           "revenue": 300.0, "vin": [v for v, _f in served]})
    ds = Dataset.from_frames({"stores": pd.DataFrame({"store_id": ["S01"], "store_name": ["一店"]}), "sales": sales,
                              "service_orders": orders})
    f = retention_figures(ds, periods=[FIRST_M]).set_index("metric").loc["first_service_rate"]
    return {"cohort": float(f["denominator"]), "returned": float(f["numerator"]), "rate": float(f["value"])}


def _check_first(answer: dict) -> Feedback:
    n = first_service_numbers()
    advice = _TEXT.table("first.advice")
    return Feedback.grade(
        [("cohort", is_close(answer.get("cohort"), n["cohort"]), advice["cohort"]),
         ("returned", is_close(answer.get("returned"), n["returned"]), advice["returned"]),
         ("rate", is_close(answer.get("rate"), n["rate"], tolerance=0.005), advice["rate"])],
        **_TEXT.feedback("first"),
    )


first_service = Exercise(
    id="09c-first-service",
    **_TEXT.exercise("first", m=FIRST_M, cars="| 车 | 开票日期 | 首保日期 |\n|---|---|---|\n" + "\n".join(
        f"| {v} | {d} | {f or ''} |" for v, (d, f) in FIRST_CARS.items())),
    fields={
        "cohort": NumberField("计入的新车台数", "Cars counted", unit="台"),
        "returned": NumberField("按时首保的台数", "Cars back for the first service", unit="台"),
        "rate": NumberField("首保回厂率", "First-service rate", unit="%", percent=True),
    },
    check=_check_first,
    model_answer=lambda answer=None: _TEXT.text("first.model_answer", "zh", **first_service_numbers()),
)


# ----------------------------------------------------------------------------------------------------------------
# 09d 客户导向、营销六问与 4P/4C (seed 003)

#: the key behaviours of a customer-oriented manager (seed 003「中层客户导向的关键行为」) and distractors
BEHAVIOURS, _BEHAVIOURS_EN = _TEXT.options("orientation.behaviours")
#: statement → "4P" (what we have) or "4C" (what the customer wants)
PC_ITEMS = _TEXT.table("cases.pc")
PC_CLASSES, _PC_CLASSES_EN = _TEXT.options("orientation.classes")
#: “我到底在卖什么” — what a customer buys with a service visit (two of these ideas make an answer)
SELL_RULES = _rules("orientation.sell_rules")


def _check_orientation(answer: dict) -> Feedback:
    advice = _TEXT.table("orientation.advice")
    wrong = wrong_cases(answer.get("pc") or {}, PC_ITEMS)
    found = find_keywords(answer.get("sell") or "", SELL_RULES)
    return Feedback.grade(
        [("behaviour", set(answer.get("behaviour") or []) == {"a", "b", "c", "d"}, advice["behaviour"]),
         ("pc", not wrong, advice["pc"].format(items=case_names(wrong, PC_ITEMS, "说法 {n}")) if wrong else ""),
         ("sell", sum(found.values()) >= 2, advice["sell"])],
        weights={"behaviour": 1, "pc": 2, "sell": 1},
        **_TEXT.feedback("orientation"),
    )


crm_orientation = Exercise(
    id="09d-crm-orientation",
    **_TEXT.exercise("orientation", items=case_lines(PC_ITEMS, indent="   ")),
    fields={
        "behaviour": ChoiceField("客户导向的关键行为（多选）", "Customer-oriented behaviours (several)",
                                 options=BEHAVIOURS, options_en=_BEHAVIOURS_EN, multiple=True),
        "pc": case_field("4P 还是 4C", "4P or 4C", PC_ITEMS, PC_CLASSES, _PC_CLASSES_EN, item="说法 {n}"),
        "sell": TextField("我到底在卖什么？", "What am I really selling?", rows=3,
                          placeholder=_TEXT.text("orientation.sell.placeholder")),
    },
    check=_check_orientation,
    model_answer=_TEXT.text("orientation.model_answer", "zh", rows="\n".join(
        f"| {i}. {t} | {c} |" for i, (t, c) in enumerate(PC_ITEMS.values(), start=1))),
)

#: the segments of :mod:`dealerlab.retention` (zh, en) — repeated in the data file so that defining the exercise
#: imports no pandas
_SEGMENTS, _SEGMENTS_EN = _TEXT.options("segments.segments")

# ----------------------------------------------------------------------------------------------------------------
# 09e 客户细分 (seed 003: 消费行为 最近消费、消费频率、消费额; 组织归属)

#: the six vehicles of the case: id → (months since last visit, visits in 12 months, revenue in 12 months, owner)
SEG_CARS = _TEXT.table("segments.cars")
SEG_MEASURES, _SEG_MEASURES_EN = _TEXT.options("segments.measures")
INVITE_RULES = _rules("segments.invite_rules")


def segment_answers() -> dict:
    """The segment of each case vehicle by :func:`dealerlab.retention.segment_of` (the rule of ``segments()``)."""
    return {k: segment_of(months_since=m, visits_12m=v, revenue_12m=r) for k, (m, v, r, _o) in SEG_CARS.items()}


def _car(key: str) -> str:
    return _TEXT.text("segments.advice.car", n=key[1:])


def _check_segments(answer: dict) -> Feedback:
    want = segment_answers()
    advice = _TEXT.table("segments.advice")
    got = answer.get("seg") or {}
    wrong = [k for k in SEG_CARS if got.get(k) != want[k]]
    lacks = _TEXT.table("segments.invite_missing")
    missing = [lacks[k] for k, hit in find_keywords(answer.get("invite") or "", INVITE_RULES).items() if not hit]
    return Feedback.grade(
        [("seg", not wrong, advice["seg"].format(cars="、".join(_car(k) for k in wrong)) if wrong else ""),
         ("measure", answer.get("measure") == "b", advice["measure"]),
         ("invite", not missing, advice["invite"].format(missing="、".join(missing)) if missing else "")],
        weights={"seg": 2, "measure": 1, "invite": 1},
        **_TEXT.feedback("segments", segments="、".join(v[0] for v in SEGMENTS.values())),
    )


def _seg_model(answer=None) -> str:
    want = segment_answers()
    return _TEXT.text("segments.model_answer", "zh",
                      rows="\n".join(f"| {_car(k)} | {SEGMENTS[want[k]][0]} |" for k in SEG_CARS))


segments_case = Exercise(
    id="09e-segments",
    **_TEXT.exercise("segments", cars="\n".join(
        f"| {_car(k)} | {m} | {v} | {r:,.0f} | {o} |" for k, (m, v, r, o) in SEG_CARS.items())),
    fields={
        "seg": ClassifyField("分群", "Segment", items={k: _car(k) for k in SEG_CARS}, classes=_SEGMENTS,
                             classes_en=_SEGMENTS_EN),
        "measure": ChoiceField("车 5 最合适的措施", "Best measure for car 5", options=SEG_MEASURES,
                               options_en=_SEG_MEASURES_EN),
        "invite": TextField("给车 4 车主的邀约", "Invitation for car 4", rows=3,
                            placeholder=_TEXT.text("segments.invite.placeholder")),
    },
    check=_check_segments,
    model_answer=_seg_model,
)

# ----------------------------------------------------------------------------------------------------------------
# 09f 保客活动计划表 (seed 000: 俱乐部、车辆讲堂、救援、定期检测; 福利反馈)

#: activity id → (zh, target group, its size in the case)
ACTIVITIES = _TEXT.table("activity.activities")
PLAN_COLUMNS, _PLAN_COLUMNS_EN = _TEXT.options("activity.columns")
#: a realistic share of those reached who come (upper bound)
MAX_COME = 0.80


def _check_activity_plan(answer: dict) -> Feedback:
    t = answer.get("plan") or {}
    advice = _TEXT.table("activity.advice")
    bad, unreal = [], []
    for k, (name, _who, n) in ACTIVITIES.items():
        row = t.get(k) or {}
        reach, come, goal = row.get("reach"), row.get("come"), row.get("goal")
        if None in (reach, come, goal) or not (n >= reach >= come >= goal >= 1):
            bad.append(name)
        elif come > MAX_COME * reach:
            unreal.append(name)
    msgs = []
    if bad:
        msgs.append(advice["funnel"].format(names="、".join(bad)))
    if unreal:
        msgs.append(advice["unreal"].format(names="、".join(unreal), max=MAX_COME))
    return Feedback.grade(
        [("plan", not bad and not unreal, "；".join(msgs)),
         ("verify", answer.get("verify") == "a", advice["verify"])],
        weights={"plan": 2, "verify": 1},
        **_TEXT.feedback("activity"),
    )


activity_plan = Exercise(
    id="09f-activity-plan",
    **_TEXT.exercise("activity", rows="\n".join(f"| {n} | {w} | {c} |" for n, w, c in ACTIVITIES.values())),
    fields={
        "plan": TableField("活动计划（台）", "Activity plan (vehicles)", rows={k: v[0] for k, v in ACTIVITIES.items()},
                           columns=PLAN_COLUMNS, unit="台", totals="columns",
                           fixed={(k, "target"): v[2] for k, v in ACTIVITIES.items()}, columns_en=_PLAN_COLUMNS_EN),
        "verify": ChoiceField("怎么判断活动有没有用？", "How do you verify an activity?",
                              **_TEXT.choice("activity.options.verify")),
    },
    check=_check_activity_plan,
    model_answer=_TEXT.text("activity.model_answer"),
)

# ----------------------------------------------------------------------------------------------------------------
# 09g 积分流水与续保率 (seed 004: 老推新、积分换精品; ★ 续保率)

#: 王先生's events: date, kind, amount (yuan spent, or points redeemed)
POINT_EVENTS = [
    ("2026-03-12", "消费", 1860),
    ("2026-05-03", "老推新", None),
    ("2026-06-20", "兑换", 2500),
    ("2026-09-08", "消费", 4420),
    ("2026-10-15", "兑换", 1500),
]
#: October's expiring policies: vin → (expiry date, renewed through the store)
POLICIES = {
    "A": ("2026-10-02", True), "B": ("2026-10-05", False), "C": ("2026-10-11", True), "D": ("2026-10-16", True),
    "E": ("2026-10-19", False), "F": ("2026-10-23", True), "G": ("2026-10-27", False), "H": ("2026-10-30", True),
    "I": ("2026-11-03", True),
}


@lru_cache(maxsize=1)
def points_numbers() -> dict:
    """The 09g answers from :func:`dealerlab.retention.points_ledger` and :func:`dealerlab.retention.renewal_rate`."""
    import pandas as pd

    led = points_ledger(pd.DataFrame([("王先生", d, k, a) for d, k, a in POINT_EVENTS],
                                     columns=["customer", "date", "kind", "amount"]))
    pol = pd.DataFrame([("S01", v, d, r) for v, (d, r) in POLICIES.items()],
                       columns=["store_id", "vin", "expiry_date", "renewed"])
    rr = renewal_rate(pol, periods=["2026-10"]).iloc[0]
    return {"ledger": led, "balance": float(led["balance"].iloc[-1]), "cost": float(led["cost"].sum()),
            "refused": int((led["note"] == "余额不足").sum()), "expiring": int(rr["expiring"]),
            "renewed": int(rr["renewed"]), "renewal": float(rr["rate"])}


def _check_points(answer: dict) -> Feedback:
    n = points_numbers()
    advice = _TEXT.table("points.advice")
    return Feedback.grade(
        [("balance", is_close(answer.get("balance"), n["balance"]), advice["balance"]),
         ("cost", is_close(answer.get("cost"), n["cost"], tolerance=0.5), advice["cost"]),
         ("renewal", is_close(answer.get("renewal"), n["renewal"], tolerance=0.005), advice["renewal"])],
        **_TEXT.feedback("points"),
    )


def _points_model(answer=None) -> str:
    n = points_numbers()
    led = n["ledger"]
    rows = "\n".join(f"| {d:%Y-%m-%d} | {k} | {'' if k == '老推新' else f'{a:,.0f}'} | {p:+,.0f} | {b:,.0f} | {note} |"
                     for d, k, a, p, b, note in zip(led["date"], led["kind"], led["amount"], led["points"],
                                                    led["balance"], led["note"]))
    return _TEXT.text("points.model_answer", "zh", rows=rows, **{k: v for k, v in n.items() if k != "ledger"})


points_renewal = Exercise(
    id="09g-points-renewal",
    **_TEXT.exercise(
        "points",
        events="\n".join(f"| {d} | {k} | {'' if a is None else f'{a:,}'} |" for d, k, a in POINT_EVENTS),
        policies="\n".join(f"| {v} | {d} | {'✓' if r else ''} |" for v, (d, r) in POLICIES.items())),
    fields={
        "balance": NumberField("积分余额", "Points balance", unit="分"),
        "cost": NumberField("兑换成本", "Redemption cost", unit="元"),
        "renewal": NumberField("10 月续保率", "October renewal rate", unit="%", percent=True),
    },
    check=_check_points,
    model_answer=_points_model,
)

EXERCISES = (loyalty_stages, recall_campaign, first_service, crm_orientation, segments_case, activity_plan,
             points_renewal)
