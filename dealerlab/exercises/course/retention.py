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
import time except building these plain-data definitions.
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
    wrong = wrong_cases(got, MEASURES)
    msg = ""
    if wrong:
        msg = case_names(wrong, MEASURES, "措施 {n}") + " 再想想：这项措施最先改变的是客户旅程的哪一段？"
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
    title="练习 9A：这项保客措施服务哪个阶段？",
    title_en="Exercise 9A: which loyalty stage does a measure serve?",
    instructions=(
        "下面是店里常见的十项客户关系措施。为每项选出它**最先**服务的阶段，再回答最后一个问题。\n\n"
        + case_lines(MEASURES)
    ),
    instructions_en="Ten CRM measures: pick the stage each serves first, then answer the last question.",
    fields={
        "stage": case_field("服务哪个阶段", "Stage served", MEASURES, STAGES, _STAGES_EN, item="措施 {n}"),
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
    title="练习 9B：流失保客召回活动",
    title_en="Exercise 9B: a recall campaign for lapsed vehicles",
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
    title="练习 9C：首保回厂率",
    title_en="Exercise 9C: the first-service rate",
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


# ----------------------------------------------------------------------------------------------------------------
# 09d 客户导向、营销六问与 4P/4C (seed 003)

#: the key behaviours of a customer-oriented manager (seed 003「中层客户导向的关键行为」) and distractors
BEHAVIOURS = {
    "a": "清楚企业所服务的客户群体",
    "b": "了解客户期望和要求",
    "c": "按客户的反馈改进服务",
    "d": "维护客户：持续联系、处理抱怨",
    "e": "先把库存车卖掉，客户要什么以后再说",
    "f": "对每位客户都按厂家的统一口径介绍，不问需求",
}
_BEHAVIOURS_EN = {"a": "know the customer groups served", "b": "understand customers' expectations",
                  "c": "improve service from feedback", "d": "maintain customers", "e": "push stock first",
                  "f": "the same OEM pitch for everyone"}
#: statement → "4P" (what we have) or "4C" (what the customer wants)
PC_ITEMS = {
    "p1": ("推出 A/B/C 三档保养套餐", "4P"),
    "p2": ("工时费统一打 8 折", "4P"),
    "p3": ("客户算的是一次保养要花的钱和时间（请假、排队、等车）", "4C"),
    "p4": ("开通上门取送车，客户不用专门跑一趟", "4C"),
    "p5": ("在电台投放“保养季”广告", "4P"),
    "p6": ("保养到期前一周微信提醒，问客户什么时间方便", "4C"),
    "p7": ("客户要的是车安全、自己省心，而不是一张工单", "4C"),
    "p8": ("在城区新开一个快修网点", "4P"),
}
PC_CLASSES = {"4P": "4P：从我们有什么出发（产品、价格、渠道、促销）",
              "4C": "4C：从客户要什么出发（需要、成本、便利、沟通）"}
#: “我到底在卖什么” — what a customer buys with a service visit (two of these ideas make an answer)
SELL_RULES = {
    "safety": ["安全", "安心", "放心", "可靠", "无忧"],
    "time": ["省时", "省心", "方便", "便利", "时间", "不用等", "快"],
    "fair": ["透明", "不被坑", "值", "实惠", "明白消费", "价格合理"],
    "relation": ["信任", "熟悉", "关系", "专属", "照顾", "被重视", "尊重"],
}


def _check_orientation(answer: dict) -> Feedback:
    chosen = set(answer.get("behaviour") or [])
    ok_b = chosen == {"a", "b", "c", "d"}
    got = answer.get("pc") or {}
    wrong = wrong_cases(got, PC_ITEMS)
    found = find_keywords(answer.get("sell") or "", SELL_RULES)
    ok_sell = sum(found.values()) >= 2
    return Feedback.grade(
        [("behaviour", ok_b, "课程列出的客户导向关键行为是四条：清楚客户群体、了解期望和要求、改进服务、维护客户；"
                             "先卖库存、统一口径都是从自己出发"),
         ("pc", not wrong, (case_names(wrong, PC_ITEMS, "说法 {n}") + " 再想想：这句话是站在店里（我们有什么）"
                            "还是站在客户那边（客户要什么、花什么、方不方便、怎么沟通）？") if wrong else ""),
         ("sell", ok_sell, "写出客户真正买到的东西，至少两点：比如安全安心、省时省心、价格透明、被熟悉的人照顾")],
        weights={"behaviour": 1, "pc": 2, "sell": 1},
        explanation=(
            "营销六问的第一问“我到底在卖什么”，答案不在工单上：客户买一次保养，买的是**车安全、自己省心、花得明白、"
            "被熟悉的人照顾**。4P 和 4C 的要害区别就在是否以顾客为中心：4P（产品、价格、渠道、促销）从我们有什么出发，"
            "4C（客户需要、客户成本、便利、沟通）从客户要什么出发。同一件事可以两面看：“开快修网点”是渠道（4P），"
            "“客户不用跑一趟”是便利（4C）——保客活动要先写 4C，再决定 4P。"
        ),
        explanation_en=("4P starts from what we have, 4C from what the customer wants; a service visit sells safety, "
                        "convenience, fair prices and a relationship."),
        hint="多选题选四项；分类时问自己：这句话的主语是店还是客户？",
        hint_en="Pick four behaviours; for each statement ask whether its subject is the store or the customer.",
    )


crm_orientation = Exercise(
    id="09d-crm-orientation",
    title="练习 9D：客户导向与 4P/4C",
    title_en="Exercise 9D: customer orientation and 4P/4C",
    instructions=(
        "课程资料说客户关系管理是“以客户为中心的发展战略”。三个小题：\n\n"
        "1. 下面哪些是课程列出的**中层客户导向的关键行为**？（多选）\n"
        "2. 把八句说法分成 4P（从我们有什么出发）和 4C（从客户要什么出发）：\n\n"
        + case_lines(PC_ITEMS, indent="   ")
        + "\n\n3. 营销六问的第一问：**我到底在卖什么？** 用一两句话写出客户来做一次保养，真正买的是什么。"
    ),
    instructions_en="Pick the customer-oriented behaviours, sort eight statements into 4P/4C, and say what a service visit sells.",
    fields={
        "behaviour": ChoiceField("客户导向的关键行为（多选）", "Customer-oriented behaviours (several)",
                                 options=BEHAVIOURS, options_en=_BEHAVIOURS_EN, multiple=True),
        "pc": case_field("4P 还是 4C", "4P or 4C", PC_ITEMS, PC_CLASSES,
                         {"4P": "4P: what we have", "4C": "4C: what the customer wants"}, item="说法 {n}"),
        "sell": TextField("我到底在卖什么？", "What am I really selling?", rows=3,
                          placeholder="客户来做一次保养，买的是……"),
    },
    check=_check_orientation,
    model_answer=(
        "**参考答案**\n\n1. 选 a、b、c、d（课程“中层客户导向的关键行为”）；e、f 都是从自己出发。\n\n"
        "2. | 说法 | 分类 |\n|---|---|\n"
        + "\n".join(f"| {i}. {t} | {c} |" for i, (t, c) in enumerate(PC_ITEMS.values(), start=1))
        + "\n\n3. 客户买的不是一次换机油，而是**车安全、自己省心省时、花得明白、被熟悉的服务顾问照顾**——"
          "所以提醒、预约、透明报价和固定的联系人，和技术一样重要。"
    ),
)

#: the segments of :mod:`dealerlab.retention` (zh, en) — repeated here so that defining the exercise imports no pandas
_SEGMENTS = {"vip": ("高价值", "high value"), "active": ("活跃", "active"), "warning": ("流失预警", "lapse warning"),
             "lapsed": ("已流失", "lapsed")}

# ----------------------------------------------------------------------------------------------------------------
# 09e 客户细分 (seed 003: 消费行为 最近消费、消费频率、消费额; 组织归属)

#: the six vehicles of the case: id → (months since last visit, visits in 12 months, revenue in 12 months, owner)
SEG_CARS = {
    "c1": (1, 4, 3200.0, "个人"),
    "c2": (2, 1, 6800.0, "个人"),
    "c3": (4, 2, 1500.0, "个人"),
    "c4": (8, 1, 900.0, "个人"),
    "c5": (7, 2, 2600.0, "企业"),
    "c6": (15, 0, 0.0, "个人"),
}
SEG_MEASURES = {
    "a": "给全部基盘群发同一条保养广告短信",
    "b": "由大客户专员联系车队负责人，按车队的保养计划上门检测",
    "c": "等客户自己回来，来了再给折扣",
    "d": "把这台车放进召回名单，和私家车一样打电话",
}
INVITE_RULES = {
    "who": ["服务顾问", "客服", "专员", "经理", "我"],
    "reason": ["检测", "保养", "换季", "积分", "优惠", "套餐", "礼", "免费", "提醒"],
    "channel": ["电话", "微信", "短信", "上门", "到店"],
}


def segment_answers() -> dict:
    """The segment of each case vehicle by :func:`dealerlab.retention.segment_of` (the rule of ``segments()``)."""
    return {k: segment_of(months_since=m, visits_12m=v, revenue_12m=r) for k, (m, v, r, _o) in SEG_CARS.items()}


def _check_segments(answer: dict) -> Feedback:
    want = segment_answers()
    got = answer.get("seg") or {}
    wrong = [k for k in SEG_CARS if got.get(k) != want[k]]
    found = find_keywords(answer.get("invite") or "", INVITE_RULES)
    missing = [{"who": "谁联系", "reason": "给什么理由", "channel": "怎么联系"}[k] for k, hit in found.items() if not hit]
    return Feedback.grade(
        [("seg", not wrong, ("、".join(f"车 {k[1:]}" for k in wrong) + " 再按规则看一遍：先看多久没来（≥12 个月已流失、"
                             "≥6 个月流失预警），再看次数和消费") if wrong else ""),
         ("measure", answer.get("measure") == "b", "车 5 是公司车：决定去哪保养的是车队负责人，不是司机——找对人、按车队的计划"),
         ("invite", not missing, "邀约还缺：" + "、".join(missing) if missing else "")],
        weights={"seg": 2, "measure": 1, "invite": 1},
        explanation=(
            "细分先看**消费行为**（最近一次消费、消费频率、消费额——就是 RFM），再看**组织归属**（个人、企业、政府）。"
            "顺序很重要：多久没来决定要不要挽回，次数和消费决定值得投入多少。同一个活动不会对所有人有效："
            "高价值客户要专属的联系人，流失预警的客户要一个回来的理由，公司车要找车队负责人。"
            f"dealerlab 的 `segments()` 按同一规则给基盘里的每台车分群（{ '、'.join(v[0] for v in SEGMENTS.values()) }）。"
        ),
        explanation_en="Segment by recency first, then frequency and spend (RFM), then by owner type; each segment needs its own measure.",
        hint="规则：≥12 个月没来 = 已流失；6–11 个月 = 流失预警；其余 12 个月内来 ≥3 次或消费 ≥5000 元 = 高价值，否则活跃。",
        hint_en="≥12 months away = lapsed; 6–11 = warning; otherwise ≥3 visits or ≥5,000 yuan = high value, else active.",
    )


def _seg_model(answer=None) -> str:
    want = segment_answers()
    rows = "\n".join(f"| 车 {k[1:]} | {SEGMENTS[want[k]][0]} |" for k in SEG_CARS)
    return ("**参考答案**\n\n| 车 | 分群 |\n|---|---|\n" + rows + "\n\n车 5 选 b：公司车找车队负责人，按车队的保养计划上门检测。\n\n"
            "邀约（车 4，流失预警的私家车主）：服务顾问小王本周内电话联系，说明已 8 个月未保养、送一次免费换季检测和"
            "积分翻倍，约好到店时间，前一天微信提醒。")


segments_case = Exercise(
    id="09e-segments",
    title="练习 9E：客户细分",
    title_en="Exercise 9E: customer segments",
    instructions=(
        "下面是某店基盘里的六台车（M 月底的数据）。细分规则：**12 个月及以上没来 = 已流失；6–11 个月 = 流失预警；"
        "其余在 12 个月内来过 3 次及以上或消费 5000 元及以上 = 高价值，否则 = 活跃**。\n\n"
        "| 车 | 最近一次来店（几个月前） | 12 个月来店次数 | 12 个月消费（元） | 车主 |\n|---|---|---|---|---|\n"
        + "\n".join(f"| 车 {k[1:]} | {m} | {v} | {r:,.0f} | {o} |" for k, (m, v, r, o) in SEG_CARS.items())
        + "\n\n1. 给每台车分群；\n2. 车 5 是一家物流公司的车，哪个措施最合适？\n3. 给车 4 的车主写一句个性化的邀约"
          "（谁联系、给什么理由、怎么联系）。"
    ),
    instructions_en="Segment six vehicles by recency, frequency and spend; pick the measure for a company car; write an invitation.",
    fields={
        "seg": ClassifyField("分群", "Segment", items={k: f"车 {k[1:]}" for k in SEG_CARS},
                             classes={k: v[0] for k, v in _SEGMENTS.items()},
                             classes_en={"vip": "high value", "active": "active", "warning": "lapse warning",
                                         "lapsed": "lapsed"}),
        "measure": ChoiceField("车 5 最合适的措施", "Best measure for car 5", options=SEG_MEASURES,
                               options_en={"a": "one SMS to everyone", "b": "fleet specialist calls the fleet manager",
                                           "c": "wait", "d": "treat it like a private car"}),
        "invite": TextField("给车 4 车主的邀约", "Invitation for car 4", rows=3,
                            placeholder="谁、什么时候、用什么理由、怎么联系……"),
    },
    check=_check_segments,
    model_answer=_seg_model,
)

# ----------------------------------------------------------------------------------------------------------------
# 09f 保客活动计划表 (seed 000: 俱乐部、车辆讲堂、救援、定期检测; 福利反馈)

#: activity id → (zh, target group, its size in the case)
ACTIVITIES = {
    "lecture": ("车辆讲堂", "交车 3 个月内的新车主", 60),
    "club": ("车主俱乐部自驾游", "活跃车主", 400),
    "reminder": ("保险到期关怀提醒", "下月保险到期的车主", 90),
    "check": ("免费换季检测", "6 个月以上未来店的车", 300),
}
PLAN_COLUMNS = {"target": "对象（台）", "reach": "触达（台）", "come": "到店/参加（台）", "goal": "目标结果（台）"}
#: a realistic share of those reached who come (upper bound)
MAX_COME = 0.80


def _check_activity_plan(answer: dict) -> Feedback:
    t = answer.get("plan") or {}
    bad, unreal = [], []
    for k, (name, _who, n) in ACTIVITIES.items():
        row = t.get(k) or {}
        reach, come, goal = row.get("reach"), row.get("come"), row.get("goal")
        if None in (reach, come, goal) or not (n >= reach >= come >= goal >= 1):
            bad.append(name)
        elif come > MAX_COME * reach:
            unreal.append(name)
    ok_measure = answer.get("verify") == "a"
    return Feedback.grade(
        [("plan", not bad and not unreal,
          ("、".join(bad) + "：每一行都要是一个漏斗——对象 ≥ 触达 ≥ 到店 ≥ 目标结果 ≥ 1，且都要填数字" if bad else "")
          + ("；" if bad and unreal else "")
          + ("、".join(unreal) + f"：触达的人里到店超过 {MAX_COME:.0%}，不现实，目标定得太满大家一开始就放弃" if unreal else "")),
         ("verify", ok_measure, "活动有没有用，要比较参加者和没参加者的回厂率（或首保率、续保率），不是看照片和人数")],
        weights={"plan": 2, "verify": 1},
        explanation=(
            "把活动当项目：每个活动先定对象（基盘里哪一群车、多少台），再写一条小漏斗——触达多少、到店多少、最后要得到"
            "什么结果（首保、回厂、续保）。数字让活动可以检查，也让预算有依据。活动效果用第 3 节的数字验证："
            "参加者的回厂率比没参加者高，才值得再办。"
        ),
        explanation_en="Plan each activity as a small funnel (target, reached, came, result) and verify it against non-participants.",
        hint="每行从左到右只能变小；到店一般是触达的 20%–60%。",
        hint_en="Each row can only shrink from left to right; 20–60 % of those reached usually come.",
    )


activity_plan = Exercise(
    id="09f-activity-plan",
    title="练习 9F：保客活动计划表",
    title_en="Exercise 9F: a retention activity plan",
    instructions=(
        "店里下个季度办四个保客活动。对象台数已经给出，请为每个活动填一条**数字的**小漏斗：触达多少台（邀约、提醒到）、"
        "到店或参加多少台、最后要得到的结果多少台（首保、回厂、续保）。再回答：怎么判断活动有没有用？\n\n"
        "| 活动 | 对象 | 台数 |\n|---|---|---|\n"
        + "\n".join(f"| {n} | {w} | {c} |" for n, w, c in ACTIVITIES.values())
    ),
    instructions_en="For four activities fill a numeric funnel (reached, came, result) and say how to verify the effect.",
    fields={
        "plan": TableField("活动计划（台）", "Activity plan (vehicles)", rows={k: v[0] for k, v in ACTIVITIES.items()},
                           columns=PLAN_COLUMNS, unit="台", totals="columns",
                           fixed={(k, "target"): v[2] for k, v in ACTIVITIES.items()},
                           columns_en={"target": "target group", "reach": "reached", "come": "came", "goal": "result"}),
        "verify": ChoiceField("怎么判断活动有没有用？", "How do you verify an activity?", options={
            "a": "比较参加者和没参加者之后 12 个月的回厂率（或首保率、续保率）",
            "b": "看活动照片和朋友圈转发数",
            "c": "看参加的人数有没有达到目标",
            "d": "活动当天请客户打满意度分",
        }, options_en={"a": "compare participants' return rate with non-participants'", "b": "photos and shares",
                       "c": "attendance", "d": "same-day satisfaction"}),
    },
    check=_check_activity_plan,
    model_answer=(
        "**参考答案**（一种合理的计划）\n\n| 活动 | 对象 | 触达 | 到店/参加 | 目标结果 |\n|---|---|---|---|---|\n"
        "| 车辆讲堂 | 60 | 54 | 30 | 27 台按时首保 |\n| 车主俱乐部自驾游 | 400 | 200 | 60 | 55 台 12 个月内回厂 |\n"
        "| 保险到期关怀提醒 | 90 | 90 | 50 | 45 台续保 |\n| 免费换季检测 | 300 | 240 | 72 | 60 台回厂（召回 20%） |\n\n"
        "验证选 a：参加者和没参加者比回厂率（或首保率、续保率），差距才是活动的效果。"
    ),
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
    return Feedback.grade(
        [("balance", is_close(answer.get("balance"), n["balance"]),
          "逐笔记账：消费每 10 元 1 分（不足 10 元不计），老推新 +3000 分，兑换扣分；10 月那笔兑换余额不够，不能兑换"),
         ("cost", is_close(answer.get("cost"), n["cost"], tolerance=0.5), "店里的成本只算真正兑换出去的分：分数 × 0.1 元"),
         ("renewal", is_close(answer.get("renewal"), n["renewal"], tolerance=0.005),
          "续保率 = 10 月到期的保单中在本店续保的 ÷ 10 月到期的保单；11 月到期的 I 不算")],
        explanation=(
            "积分制要有**规则**（怎么得分、怎么兑换、余额不足怎么办）和**流水**（每一笔都记在客户名下），"
            "否则就会出现“积分送了却兑不了”的投诉。老推新的积分给在成交之后，成本才有回报：一次老推新 3000 分 = 300 元精品，"
            "远低于开发一个新客户的费用。续保率看的是到期月份：分母是这个月到期的保单，分子是其中在本店续保的——"
            "保险到期前的关怀提醒（模块 9 第 5 节）就是为了它。"
        ),
        explanation_en="Keep a points ledger (earn, referral bonus, redeem, refuse when short); renewal rate = renewed ÷ expiring in the month.",
        hint="先把五笔流水逐笔算出余额；续保只数 10 月到期的 8 张保单。",
        hint_en="Work through the five events one by one; count only the 8 policies expiring in October.",
    )


def _points_model(answer=None) -> str:
    n = points_numbers()
    led = n["ledger"]
    rows = "\n".join(f"| {d:%Y-%m-%d} | {k} | {'' if k == '老推新' else f'{a:,.0f}'} | {p:+,.0f} | {b:,.0f} | {note} |"
                     for d, k, a, p, b, note in zip(led["date"], led["kind"], led["amount"], led["points"],
                                                    led["balance"], led["note"]))
    return ("**参考答案**\n\n| 日期 | 类型 | 金额/分数 | 积分 | 余额 | 备注 |\n|---|---|---|---|---|---|\n" + rows
            + f"\n\n余额 **{n['balance']:,.0f} 分**；兑换成本 {n['cost']:,.0f} 元（2,500 分 × 0.1 元）。\n\n"
            f"续保率：10 月到期 {n['expiring']} 张，本店续保 {n['renewed']} 张（A、C、D、F、H），"
            f"续保率 {n['renewed']} ÷ {n['expiring']} = {n['renewal']:.1%}。")


points_renewal = Exercise(
    id="09g-points-renewal",
    title="练习 9G：积分流水与续保率",
    title_en="Exercise 9G: a points ledger and the renewal rate",
    instructions=(
        "**积分规则**：保养维修消费每 10 元积 1 分（不足 10 元不计）；推荐的朋友成交（老推新）奖励 3000 分；"
        "积分可兑换精品，1 分成本 0.1 元，余额不足时不能兑换。\n\n王先生今年的流水：\n\n"
        "| 日期 | 类型 | 金额（消费：元；兑换：分） |\n|---|---|---|\n"
        + "\n".join(f"| {d} | {k} | {'' if a is None else f'{a:,}'} |" for d, k, a in POINT_EVENTS)
        + "\n\n**续保**：下面是本店客户的保单到期情况（✓ = 在本店续保）：\n\n| 车 | 到期日 | 本店续保 |\n|---|---|---|\n"
        + "\n".join(f"| {v} | {d} | {'✓' if r else ''} |" for v, (d, r) in POLICIES.items())
        + "\n\n算出：王先生 10 月 15 日之后的积分余额、今年店里为他兑换付出的成本、10 月的续保率。"
    ),
    instructions_en="Work out a customer's points balance and the store's redemption cost, and October's renewal rate.",
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
