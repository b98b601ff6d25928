"""Course module 6 exercises: tier ten accounts by hand, match tiers with strategies, a visit plan for the churn list.

The model answer of the tiering exercise is :class:`dealerlab.accounts.TierEstimator` fitted on the same ten accounts,
and the visit plan is checked by :func:`dealerlab.pdca.check_plan` — the functions the tests check.
"""

from __future__ import annotations

import pandas as pd

from dealerlab import accounts as A
from dealerlab.exercises import ClassifyField, Exercise, Feedback
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import item_details
from dealerlab.exercises.course.pdca import PlanTable, plan_action, plan_details, plan_fields, plan_model

__all__ = ["tiering_drill", "strategy_match", "churn_visit_plan", "TEN_ACCOUNTS", "model_tiers"]

_TEXT = Content.load(__name__)

#: ten commercial-vehicle accounts: money = purchases + service in 24 months (yuan); units_12m bought in 12 months
TEN_ACCOUNTS = pd.DataFrame(
    [(k, *row) for k, row in _TEXT.table("cases.accounts").items()],
    columns=["account_id", "account_name", "industry", "fleet_size", "contact_level", "planned_purchases", "monetary", "units_12m"],
)
_TIER_CLASSES = {t: t for t in A.TIERS}


def model_tiers() -> pd.Series:
    """The tiers the rule gives the ten accounts (lines fitted on these ten)."""
    out = A.TierEstimator().fit_transform(TEN_ACCOUNTS)
    return out.set_index("account_id")["tier"]


def _why(row: pd.Series, tier: str) -> str:
    why = _TEXT.table("tiering.why")
    values = dict(row.items(), money=row["monetary"] / 1e4,
                  potential=max(0.0, row["planned_purchases"] + 0.2 * row["fleet_size"] - row["units_12m"]))
    if tier == A.IMPORTANCE:
        reasons = []
        if row["industry"] in A.IMPORTANT_INDUSTRIES:
            reasons.append(why["industry"].format(**values))
        if row["fleet_size"] >= 10:
            reasons.append(why["fleet"].format(**values))
        if row["contact_level"] == "高层":
            reasons.append(why["top"])
        values["reasons"] = "、".join(reasons)
    key = {A.VALUE: "value", A.IMPORTANCE: "importance", A.POTENTIAL: "potential"}.get(tier, "general")
    return why[key].format(**values)


def _check_tiers(answer: dict) -> Feedback:
    right = model_tiers()
    rows = TEN_ACCOUNTS.set_index("account_id")
    details = item_details("tiers", answer.get("tiers"), right, lambda aid, tier: _why(rows.loc[aid], tier))
    return Feedback.grade(details, **_TEXT.feedback("tiering"))


def _account_rows() -> str:
    row = _TEXT.text("tiering.row")
    return "\n".join(row.format(**r._asdict(), money=r.monetary / 1e4) for r in TEN_ACCOUNTS.itertuples())


tiering_drill = Exercise(
    id="06a-tiering",
    **_TEXT.exercise("tiering", rows=_account_rows()),
    fields={
        "tiers": ClassifyField("分级", "Tier", items=dict(zip(TEN_ACCOUNTS["account_id"], TEN_ACCOUNTS["account_name"])),
                               classes=_TIER_CLASSES),
    },
    check=_check_tiers,
    model_answer=lambda answer: _TEXT.text("tiering.model_answer") + "\n".join(
        f"- {_why(TEN_ACCOUNTS.set_index('account_id').loc[aid], t)}" for aid, t in model_tiers().items()
    ),
)

# ---- 06b: match each tier with its strategy -------------------------------------------------------------------------
_STRATEGY_ITEMS = _TEXT.table("strategy.items")
_STRATEGY_KEY = {"s1": A.VALUE, "s2": A.IMPORTANCE, "s3": A.POTENTIAL, "s4": A.GENERAL, "s5": A.IMPORTANCE, "s6": A.POTENTIAL}


def _check_strategy(answer: dict) -> Feedback:
    advice = _TEXT.text("strategy.advice")
    details = item_details("match", answer.get("match"), _STRATEGY_KEY,
                           lambda item, tier: advice.format(item=_STRATEGY_ITEMS[item], tier=tier,
                                                            strategy=A.STRATEGIES[tier][0]))
    return Feedback.grade(details, **_TEXT.feedback("strategy"))


strategy_match = Exercise(
    id="06b-strategy",
    **_TEXT.exercise("strategy"),
    fields={"match": ClassifyField("措施 → 客户类别", "Action → tier", items=_STRATEGY_ITEMS, classes=_TIER_CLASSES)},
    check=_check_strategy,
    model_answer=_TEXT.text("strategy.model_answer",
                            pairs="；".join(f"{_STRATEGY_ITEMS[k]} → {v}" for k, v in _STRATEGY_KEY.items())),
)

# ---- 06c: a visit plan for the churn list ---------------------------------------------------------------------------
_PLAN_FIELDS: PlanTable = _TEXT.table("plan.fields")


def _check_plan(answer: dict) -> Feedback:
    action = plan_action(answer, _PLAN_FIELDS)
    details = plan_details(action, **_TEXT.table("plan.examples"))
    return Feedback.grade(details, **_TEXT.feedback("plan"))


churn_visit_plan = Exercise(
    id="06c-churn-plan",
    **_TEXT.exercise("plan"),
    fields=plan_fields(_PLAN_FIELDS),
    check=_check_plan,
    model_answer=_TEXT.text("plan.model_answer", plan=plan_model(_PLAN_FIELDS)),
)
