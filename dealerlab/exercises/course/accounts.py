"""Course module 6 exercises: tier ten accounts by hand, match tiers with strategies, a visit plan for the churn list.

The model answer of the tiering exercise is :class:`dealerlab.accounts.TierEstimator` fitted on the same ten accounts,
and the visit plan is checked by :func:`dealerlab.pdca.check_plan` — the functions the tests check.
"""

from __future__ import annotations

import pandas as pd

from dealerlab import accounts as A
from dealerlab.exercises import ClassifyField, Exercise, Feedback
from dealerlab.exercises.course._sorting import item_details
from dealerlab.exercises.course.pdca import PlanTable, plan_action, plan_details, plan_fields, plan_model

__all__ = ["tiering_drill", "strategy_match", "churn_visit_plan", "TEN_ACCOUNTS", "model_tiers"]

#: ten commercial-vehicle accounts: money = purchases + service in 24 months (yuan); units_12m bought in 12 months
TEN_ACCOUNTS = pd.DataFrame(
    [
        ("K01", "顺达物流", "物流运输", 45, "中层", 6, 3_860_000, 8),
        ("K02", "市城管局", "党政军", 8, "基层", 2, 620_000, 2),
        ("K03", "宏远建材", "民营企业", 6, "基层", 12, 410_000, 1),
        ("K04", "北方电网运维", "国有企业", 30, "中层", 4, 2_950_000, 5),
        ("K05", "鑫旺冷链", "物流运输", 5, "基层", 0, 280_000, 0),
        ("K06", "天衡医药配送", "民营企业", 9, "高层", 1, 530_000, 1),
        ("K07", "恒安保险理赔", "金融保险", 4, "基层", 0, 150_000, 1),
        ("K08", "利民快运", "物流运输", 12, "基层", 3, 740_000, 2),
        ("K09", "新城环卫", "民营企业", 3, "基层", 15, 90_000, 0),
        ("K10", "星河旅游客运", "其他", 7, "中层", 1, 360_000, 2),
    ],
    columns=["account_id", "account_name", "industry", "fleet_size", "contact_level", "planned_purchases", "monetary", "units_12m"],
)
_TIER_CLASSES = {t: t for t in A.TIERS}


def model_tiers() -> pd.Series:
    """The tiers the rule gives the ten accounts (lines fitted on these ten)."""
    out = A.TierEstimator().fit_transform(TEN_ACCOUNTS)
    return out.set_index("account_id")["tier"]


def _why(row: pd.Series, tier: str) -> str:
    pot = max(0.0, row["planned_purchases"] + 0.2 * row["fleet_size"] - row["units_12m"])
    if tier == A.VALUE:
        return f"{row['account_name']}：24 个月金额 {row['monetary'] / 1e4:,.0f} 万，排在前 20% → 价值型（价值优先于其他条件）。"
    if tier == A.IMPORTANCE:
        reasons = []
        if row["industry"] in A.IMPORTANT_INDUSTRIES:
            reasons.append(f"行业为{row['industry']}")
        if row["fleet_size"] >= 10:
            reasons.append(f"车队 {row['fleet_size']} 台 ≥ 10")
        if row["contact_level"] == "高层":
            reasons.append("对接到高层")
        return f"{row['account_name']}：{'、'.join(reasons)} → 重要型。"
    if tier == A.POTENTIAL:
        return f"{row['account_name']}：潜力 = {row['planned_purchases']} + 0.2×{row['fleet_size']} − {row['units_12m']} = {pot:.1f}，前 20% → 潜力型。"
    return f"{row['account_name']}：金额不在前 20%，不属于重要行业/大车队/高层对接，潜力 {pot:.1f} 也不在前 20% → 一般。"


def _check_tiers(answer: dict) -> Feedback:
    right = model_tiers()
    rows = TEN_ACCOUNTS.set_index("account_id")
    details = item_details("tiers", answer.get("tiers"), right, lambda aid, tier: _why(rows.loc[aid], tier))
    return Feedback.grade(
        details,
        explanation=(
            "分级有先后顺序：**先看价值**（近 24 个月金额前 20%），再看**重要性**（党政军/国企、车队 ≥ 10 台、高层对接），"
            "再看**潜力**（计划采购 + 0.2×车队 − 近 12 个月已购，前 20%），都不是才是一般客户。"
            "同一个客户可能同时满足几条，只取最靠前的一类——这决定了由谁来维护、投入多少资源。"
        ),
        hint="先把 10 个客户按金额排序，圈出前 2 名。",
    )


tiering_drill = Exercise(
    id="06a-tiering",
    title="给十个大客户分级",
    title_en="Tier ten accounts",
    instructions=(
        "下表是一家商用车经销商的十个大客户。请按 **价值型 → 重要型 → 潜力型 → 一般** 的先后顺序为每个客户分级，"
        "提交后对照模型的结果和理由。\n\n"
        + "| 编号 | 客户 | 行业 | 车队 | 对接层级 | 计划采购 | 24月金额(万) | 近12月已购 |\n|---|---|---|---|---|---|---|---|\n"
        + "\n".join(
            f"| {r.account_id} | {r.account_name} | {r.industry} | {r.fleet_size} | {r.contact_level} | {r.planned_purchases} | "
            f"{r.monetary / 1e4:,.0f} | {r.units_12m} |" for r in TEN_ACCOUNTS.itertuples()
        )
    ),
    fields={
        "tiers": ClassifyField("分级", "Tier", items=dict(zip(TEN_ACCOUNTS["account_id"], TEN_ACCOUNTS["account_name"])),
                               classes=_TIER_CLASSES),
    },
    check=_check_tiers,
    model_answer=lambda answer: "**模型分级**：\n\n" + "\n".join(
        f"- {_why(TEN_ACCOUNTS.set_index('account_id').loc[aid], t)}" for aid, t in model_tiers().items()
    ),
)

# ---- 06b: match each tier with its strategy -------------------------------------------------------------------------
_STRATEGY_ITEMS = {
    "s1": "定期回访使用体验，提供专属顾问和优先工位",
    "s2": "高层定期拜访，建立多层级联系",
    "s3": "跟踪招标与车队扩张计划，提供运营成本分析",
    "s4": "纳入基盘客户定期关怀，按流程跟踪",
    "s5": "关注关键联系人的个人关怀，保证响应时限",
    "s6": "挖掘置换、增购和金融方案需求",
}
_STRATEGY_KEY = {"s1": A.VALUE, "s2": A.IMPORTANCE, "s3": A.POTENTIAL, "s4": A.GENERAL, "s5": A.IMPORTANCE, "s6": A.POTENTIAL}


def _check_strategy(answer: dict) -> Feedback:
    details = item_details("match", answer.get("match"), _STRATEGY_KEY,
                           lambda item, tier: f"「{_STRATEGY_ITEMS[item]}」适合{tier}客户：{A.STRATEGIES[tier][0]}")
    return Feedback.grade(
        details,
        explanation=(
            "价值型客户已经贡献大量利润，重点是**守住**：关注感知、跟踪变化、专属关怀；重要型客户的价值在影响力，"
            "重点是**关系和服务质量**；潜力型客户的价值在未来，重点是**发现和创造需求**；一般客户按标准流程维护。"
        ),
        hint="问自己：这个客户现在最怕失去的是什么？",
    )


strategy_match = Exercise(
    id="06b-strategy",
    title="为每类大客户配对维护策略",
    title_en="Match tiers and strategies",
    instructions="把每条维护措施归到最适合的客户类别（每类可以有多条措施）。",
    fields={"match": ClassifyField("措施 → 客户类别", "Action → tier", items=_STRATEGY_ITEMS, classes=_TIER_CLASSES)},
    check=_check_strategy,
    model_answer="**参考答案**：" + "；".join(f"{_STRATEGY_ITEMS[k]} → {v}" for k, v in _STRATEGY_KEY.items()),
)

# ---- 06c: a visit plan for the churn list ---------------------------------------------------------------------------
_PLAN_FIELDS: PlanTable = {
    "what": ("做什么（What）", "拜访哪个客户、谈什么，例如：拜访北方电网运维车队长，了解今年车辆更新计划"),
    "why": ("为什么（Why）", "例如：210 天没有购车和维修，价值型客户有流失风险"),
    "who": ("谁负责（Who）", "具体到人：大客户经理 王磊，服务经理 陪同"),
    "when": ("何时完成（When）", "日期：2026-11-15"),
    "where": ("在哪里（Where）", "客户车队场站"),
    "how": ("怎么做（How）", "带上车辆保养记录和以旧换新方案，约对方车队长和采购负责人"),
}


def _check_plan(answer: dict) -> Feedback:
    action = plan_action(answer, _PLAN_FIELDS)
    details = plan_details(action, owner_example="大客户经理 王磊", date_example="2026-11-15",
                           what_example="拜访北方电网运维车队长，了解今年车辆更新计划")
    return Feedback.grade(
        details,
        explanation=(
            "流失预警名单上的客户，每一个都要有一条能执行、能检查的拜访计划：**谁、在什么时候之前、做什么**是底线，"
            "为什么、在哪里、怎么做让计划可以被别人接手。下个月用同一份名单检查：客户是否恢复往来（PDCA 的 C）。"
        ),
        hint="「销售部」「尽快」不算答案：写出具体的人名和日期。",
    )


churn_visit_plan = Exercise(
    id="06c-churn-plan",
    title="为流失预警客户制定拜访计划（5W1H）",
    title_en="Visit plan for an account at risk (5W1H)",
    instructions=(
        "流失预警：**北方电网运维**（价值型：24 个月金额 295 万，排在前 20%；国有企业，车队 30 台）已经 **210 天**没有购车和进厂维修。"
        "请用 5W1H 写一条拜访计划，每一栏都要具体。"
    ),
    fields=plan_fields(_PLAN_FIELDS),
    check=_check_plan,
    model_answer="**参考答案**：\n\n" + plan_model(_PLAN_FIELDS),
)
