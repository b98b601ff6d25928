"""Exercises of course module 9 — customer relations and retention (trainer notebooks ``09a``–``09c``).

* :data:`loyalty_stages` (09a) — classify CRM measures (seed 004's 管理措施 and seed 000's programmes) by the loyalty
  stage they serve, and read a store whose CSI is high but whose 回厂率 is low (满意 ≠ 忠诚).
* :data:`recall_campaign` (09b) — from the lapsed list of the 24-month teaching base (:func:`dealerlab.retention.
  lapsed_list` on :func:`dealerlab.retention.example_base`, the same as notebook 09 §3): the list size, a numeric
  target return rate and the vehicles it means, and a 5W1H plan checked for its six elements.
* :data:`first_service` (09c) — 首保回厂率 on eight new cars (the answer from :func:`dealerlab.retention.retention_figures`).

The numbers of 09b come from :mod:`dealerlab.retention` (computed once, when first checked); nothing happens at
import time except building these plain-data definitions.
"""

from __future__ import annotations

import math
from functools import lru_cache

from dealerlab.exercises import (
    ChoiceField,
    ClassifyField,
    Exercise,
    Feedback,
    NumberField,
    TextField,
    find_keywords,
    is_close,
)

__all__ = ["loyalty_stages", "recall_campaign", "first_service", "FIRST_CARS", "FIRST_M", "first_service_numbers", "STAGES", "MEASURES", "CASE", "case_numbers", "PLAN_RULES",
           "EXERCISES"]

# ----------------------------------------------------------------------------------------------------------------
# 09a the loyalty stage a measure serves

STAGES = {
    "base": "基础：档案与检核（让保客能做、可查）",
    "first": "建立习惯：交车到首保",
    "satisfy": "满意：每次来店的体验",
    "loyal": "忠诚：持续回来的理由和关系",
    "refer": "推荐：老客户带来新客户",
    "winback": "挽回：流失预警与召回",
}
_STAGES_EN = {"base": "foundation: records and audits", "first": "habit: delivery to first service",
              "satisfy": "satisfaction: each visit", "loyal": "loyalty: reasons to keep coming",
              "refer": "referral", "winback": "win-back: lapse warning and recall"}

#: measure id → (zh text, stage)
MEASURES = {
    "m1": ("制定客户档案收集工具和标准流程，记录每位客户的车、保养周期和消费习惯", "base"),
    "m2": ("引进第二家第三方调查公司，用调查结果检查客户管理工作", "base"),
    "m3": ("交车时和客户约好首保时间，讲清保养周期，介绍服务顾问", "first"),
    "m4": ("为交车 3 个月内的新车主办车辆讲堂（用车养车知识）", "first"),
    "m5": ("预检单规范填写，三日回访发现的问题当天处理", "satisfy"),
    "m6": ("消费积分可兑换精品或养护品", "loyal"),
    "m7": ("组织车主俱乐部自驾游和亲子活动，重要客户有固定联系人", "loyal"),
    "m8": ("老客户推荐新客户成交，双方都得积分奖励", "refer"),
    "m9": ("对 6 个月以上未来店的车主发出免费换季检测邀约", "winback"),
    "m10": ("按流失保客名单逐一电话召回，配保养套餐", "winback"),
}


def _check_stages(answer: dict) -> Feedback:
    got = answer.get("stage") or {}
    wrong = [k for k, (_t, want) in MEASURES.items() if got.get(k) != want]
    num = {k: str(i) for i, k in enumerate(MEASURES, start=1)}
    msg = ""
    if wrong:
        msg = "、".join(f"措施 {num[k]}" for k in wrong) + " 再想想：这项措施最先改变的是客户旅程的哪一段？"
    ok_case = answer.get("case") == "b"
    return Feedback.grade(
        [("stage", not wrong, msg),
         ("case", ok_case, "CSI 说明感受，回厂率说明行为：感受好而不回来，缺的是提醒、邀约和回来的理由——满意没有变成关系")],
        weights={"stage": 3, "case": 1},
        explanation=(
            "保客是一条客户旅程：**交车到首保**决定车会不会回来第一次；**每次来店的体验**决定客户满不满意；"
            "**积分、俱乐部、固定联系人**给满意的客户一个持续回来的理由（忠诚）；**老推新**让忠诚的客户带来新客户；"
            "**流失预警和召回**把走掉的车叫回来。**客户档案和第三方调查/检核**是这一切的基础：没有档案就无法提醒，"
            "没有独立的检查就不知道做没做到。\n\n满意不等于忠诚：CSI 高而回厂率低，先查提醒、邀约和回厂的理由，而不是先罚车间。"
        ),
        explanation_en=(
            "Retention is a journey: delivery to first service, satisfaction at each visit, reasons to keep coming "
            "(points, club, a personal contact), referral, and win-back; records and independent audits are the base."
        ),
        hint="按客户旅程排一排：交车 → 首保 → 每次来店 → 持续回来 → 推荐；走掉了就挽回。档案和检核是底座。",
        hint_en="Order the journey: delivery → first service → each visit → keep coming → refer; win back the lapsed.",
    )


loyalty_stages = Exercise(
    id="09a-loyalty-stages",
    title="练习 09A：这项保客措施服务哪个阶段？",
    title_en="Exercise 09A: which loyalty stage does a measure serve?",
    instructions=(
        "下面是店里常见的十项客户关系措施。为每项选出它**最先**服务的阶段，再回答最后一个问题。\n\n"
        + "\n".join(f"{i}. {text}" for i, (text, _s) in enumerate(MEASURES.values(), start=1))
    ),
    instructions_en="Ten CRM measures: pick the stage each serves first, then answer the last question.",
    fields={
        "stage": ClassifyField(
            "服务哪个阶段", "Stage served",
            items={k: f"措施 {i}" for i, k in enumerate(MEASURES, start=1)},
            classes=STAGES, classes_en=_STAGES_EN,
        ),
        "case": ChoiceField(
            "某店 CSI 92 分（区域前列），回厂率却只有 55%。最可能的原因是？",
            "CSI is 92 (top of the region) but the return rate is 55%. Most likely cause?",
            options={
                "a": "车间维修质量太差，客户不满意",
                "b": "满意没有变成关系：缺少保养提醒、邀约和回来的理由",
                "c": "CSI 调查有问题，应该取消",
                "d": "回厂率不重要，只要 CSI 高就行",
            },
            options_en={"a": "poor workshop quality", "b": "satisfaction did not become a relationship: no reminders, "
                        "invitations or reasons to return", "c": "the survey is wrong", "d": "only CSI matters"},
        ),
    },
    check=_check_stages,
    model_answer=(
        "**参考答案**\n\n| 措施 | 阶段 |\n|---|---|\n"
        + "\n".join(f"| {i}. {t} | {STAGES[s]} |" for i, (t, s) in enumerate(MEASURES.values(), start=1))
        + "\n\n最后一问选 b：满意 = 表现 − 期望，它说明感受；回厂率说明行为。感受好却不回来，缺的是把满意变成关系的动作。"
    ),
)

# ----------------------------------------------------------------------------------------------------------------
# 09b a recall campaign from the lapsed list

#: the case: the 24-month teaching base of notebook 09, store and month
CASE = {"store_id": "S01", "period": "2026-10"}
#: a realistic target return rate for a recall campaign (share of the list brought back)
TARGET_RANGE = (0.15, 0.60)

#: 5W1H rule → keywords (any one counts)
PLAN_RULES = {
    "why": ["目标", "回厂率", "为什么", "目的", "叫回", "召回"],
    "what": ["检测", "套餐", "积分", "优惠", "保养", "礼品", "免费"],
    "who": ["负责", "服务顾问", "客服", "专员", "经理", "每人"],
    "when": ["日", "周", "月", "天", "截止", "期间"],
    "where": ["店", "上门", "到店", "门店", "现场"],
    "how": ["电话", "短信", "话术", "微信", "流程", "回访", "检查进度", "复查"],
}
_RULE_ZH = {"why": "Why（目标/为什么）", "what": "What（给客户什么理由）", "who": "Who（谁负责）", "when": "When（什么时候、多久）",
            "where": "Where（在哪里）", "how": "How（怎么联系、怎么检查进度）"}


@lru_cache(maxsize=1)
def case_numbers() -> dict:
    """The lapsed list of the case (masked) and its size, from :func:`dealerlab.retention.lapsed_list`."""
    from dealerlab.retention import example_base, lapsed_list

    lst = lapsed_list(example_base(), period=CASE["period"], stores=[CASE["store_id"]])
    return {"list": lst, "size": len(lst)}


def _check_recall(answer: dict) -> Feedback:
    n = case_numbers()["size"]
    size = answer.get("size")
    rate = answer.get("target_rate")
    units = answer.get("target_units")
    ok_size = is_close(size, n)
    lo, hi = TARGET_RANGE
    ok_rate = rate is not None and lo <= rate <= hi
    ok_units = rate is not None and units is not None and is_close(units, math.ceil(n * rate - 1e-9), tolerance=1)
    found = find_keywords(answer.get("plan") or "", PLAN_RULES)
    missing = [_RULE_ZH[k] for k, hit in found.items() if not hit]
    rate_msg = (f"目标回厂率要有数字，且现实可达：流失一年以上的车，一次召回能叫回 {lo:.0%}–{hi:.0%} 已经不错"
                if rate is None or not ok_rate else "")
    return Feedback.grade(
        [
            ("size", ok_size, "数一数上面的流失保客名单：前 12 个月来过、最近 12 个月没来的车"),
            ("target_rate", ok_rate, rate_msg),
            ("target_units", ok_units, "目标台数 = 名单台数 × 目标回厂率（向上取整）"),
            ("plan", not missing, "计划还缺：" + "、".join(missing) if missing else ""),
        ],
        weights={"size": 1, "target_rate": 1, "target_units": 1, "plan": 2},
        explanation=(
            "召回活动是一个小 PDCA：**名单**（流失保客，按离开时间排序）→ **数字目标**（回厂率、台数）→ **5W1H 计划** → "
            "每周检查进度 → 活动后用回厂率验证。目标不写数字，就无法检查；目标定得不现实（比如 100%），大家一开始就放弃。\n\n"
            "给客户一个回来的理由（免费检测、保养套餐、积分），定到人（每位服务顾问/客服负责多少台）、定到时间，"
            "并约好每周复查——“知道了，没有做，等于不知道”。"
        ),
        explanation_en=("A recall campaign is a small PDCA: the lapsed list, a numeric target, a 5W1H plan, weekly checks, "
                        "and the return rate to verify it."),
        hint="先数名单，再定一个现实的目标回厂率，算出要叫回几台；计划按 Why/What/Who/When/Where/How 各写一句。",
        hint_en="Count the list, set a realistic target rate, compute the units, then write one line per 5W1H element.",
    )


def _model_recall(answer=None) -> str:
    n = case_numbers()["size"]
    units = math.ceil(n * 0.3 - 1e-9)
    return (
        f"**参考答案**\n\n名单 {n} 台；目标回厂率 30%，即叫回 {units} 台（{n} × 30% 向上取整）。\n\n"
        "- **Why**：把流失一年以上的老客户叫回来，目标回厂率 30%；\n"
        "- **What**：免费换季检测 + 保养套餐 9 折，到店送积分；\n"
        "- **Who**：客服专员负责电话邀约，每人负责一半名单；服务经理负责到店接待；\n"
        "- **When**：11 月 1 日开始，为期 4 周，每周五复查进度；\n"
        "- **Where**：到店检测，距离远的客户可预约上门取送车；\n"
        "- **How**：统一话术先电话、未接通发短信，到店后按预检流程检测；每周五按名单检查邀约和到店数，活动结束用回厂率验证。"
    )


recall_campaign = Exercise(
    id="09b-recall-campaign",
    title="练习 09B：流失保客召回活动",
    title_en="Exercise 09B: a recall campaign for lapsed vehicles",
    instructions=(
        f"上面是模拟集团 {CASE['store_id']} 店到 {CASE['period']} 的**流失保客名单**（前 12 个月来过、最近 12 个月没来）。"
        "请设计一次召回活动：\n\n1. 名单上有几台车？\n2. 定一个**数字的**目标回厂率（召回后回来的比例）；\n"
        "3. 按你的目标要叫回几台？\n4. 用 5W1H 写出计划（每个要素一句话）。"
    ),
    instructions_en="Design a recall campaign from the lapsed list: size, a numeric target rate, the units, a 5W1H plan.",
    fields={
        "size": NumberField("名单台数", "Vehicles on the list", unit="台"),
        "target_rate": NumberField("目标回厂率", "Target return rate", unit="%", percent=True),
        "target_units": NumberField("目标叫回台数", "Vehicles to bring back", unit="台"),
        "plan": TextField("5W1H 计划", "5W1H plan", rows=7,
                          placeholder="Why：…\nWhat：…\nWho：…\nWhen：…\nWhere：…\nHow：…"),
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

    from dealerlab.data.dataset import Dataset
    from dealerlab.retention import MAINTENANCE, retention_figures

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
    ok_c = is_close(answer.get("cohort"), n["cohort"])
    ok_r = is_close(answer.get("returned"), n["returned"])
    ok_rate = is_close(answer.get("rate"), n["rate"], tolerance=0.005)
    return Feedback.grade(
        [("cohort", ok_c, "只数 M−12 至 M−6 月（2025-12 至 2026-06）开票的车：太早的已过观察期，太晚的还没到首保时间"),
         ("returned", ok_r, "首保要在开票后 9 个月内、并且在 M 月底之前在本店做：V4 超过了 9 个月"),
         ("rate", ok_rate, "首保回厂率 = 按时回来首保的车 ÷ 这段时间开票的车")],
        explanation=(
            "首保回厂率只看**有机会做首保**的新车：开票至少 6 个月（到首保时间了）、最多 12 个月（还在观察期内）。"
            "首保是保客的第一道关——首保不回来的车，多半就流失到路边店了；它比回厂率早半年发出信号，"
            "低了先查交车时有没有约好首保、到期前有没有提醒。"
        ),
        explanation_en=("The first-service rate counts cars invoiced in M−12..M−6 and the share serviced at the store "
                        "within 9 months."),
        hint="先圈出开票月份在 2025-12 到 2026-06 之间的车，再看每辆车的首保是否在开票后 9 个月内。",
        hint_en="First pick the cars invoiced 2025-12..2026-06, then check each first service is within 9 months.",
    )


first_service = Exercise(
    id="09c-first-service",
    title="练习 09C：首保回厂率",
    title_en="Exercise 09C: the first-service rate",
    instructions=(
        f"现在是 {FIRST_M} 月底（M）。下面是一店 8 辆新车的开票日期和在本店做首次保养的日期（空白 = 没来）：\n\n"
        "| 车 | 开票日期 | 首保日期 |\n|---|---|---|\n"
        + "\n".join(f"| {v} | {d} | {f or ''} |" for v, (d, f) in FIRST_CARS.items())
        + "\n\n首保回厂率 = M−12 至 M−6 月开票的新车中，开票后 9 个月内在本店做了保养的比例。"
    ),
    instructions_en="Eight new cars with invoice and first-service dates: compute the first-service rate at M.",
    fields={
        "cohort": NumberField("计入的新车台数", "Cars counted", unit="台"),
        "returned": NumberField("按时首保的台数", "Cars back for the first service", unit="台"),
        "rate": NumberField("首保回厂率", "First-service rate", unit="%", percent=True),
    },
    check=_check_first,
    model_answer=lambda answer=None: (
        "**参考答案**：计入 V2–V7 共 {c:.0f} 台（V1 开票太早、V8 太晚）；按时首保 V2、V5、V6、V7 共 {r:.0f} 台"
        "（V3 没来，V4 超过 9 个月）；首保回厂率 {r:.0f} ÷ {c:.0f} = {p:.1%}。".format(
            c=first_service_numbers()["cohort"], r=first_service_numbers()["returned"], p=first_service_numbers()["rate"])
    ),
)

EXERCISES = (loyalty_stages, recall_campaign, first_service)
