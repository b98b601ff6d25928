"""Course module 7 exercises: a consultant's bonus, the bottom-out rule on a team's quarter, tuning the team reward.

Every check calls the functions of :mod:`dealerlab.pay`, so the feedback and the model answers are the figures the
tests check.
"""

from __future__ import annotations

import pandas as pd

from dealerlab import pay
from dealerlab.exercises import ChoiceField, ClassifyField, Exercise, Feedback, NumberField, SliderField, is_close
from dealerlab.exercises.course._content import Content
from dealerlab.exercises.course._sorting import item_details

__all__ = ["bonus_drill", "bottom_out_drill", "team_reward_tuner", "BONUS_CASE", "QUARTER_CASE", "POOL_CASE"]

_TEXT = Content.load(__name__)

# ---- 07a: compute a consultant's bonus ------------------------------------------------------------------------------
#: the case: 总绩效 8 000 元; the consultant sold 13 of a 10-unit target; the store sold 95 of 100.
BONUS_CASE = {"base": 8_000, "units": 13, "target": 10, "store_units": 95, "store_target": 100}


def _bonus_answer():
    c = BONUS_CASE
    ind = c["units"] / c["target"]
    team = c["store_units"] / c["store_target"]
    return {"individual": ind, "team": team, "bonus": pay.bonus(c["base"], ind, team)}


def _check_bonus(answer: dict) -> Feedback:
    right = _bonus_answer()
    advice = _TEXT.table("bonus.advice")
    ok_ind = is_close(answer.get("individual"), right["individual"], tolerance=0.005)
    ok_team = is_close(answer.get("team"), right["team"], tolerance=0.005)
    ok_bonus = is_close(answer.get("bonus"), right["bonus"], tolerance=1)
    wrong_cap = is_close(answer.get("bonus"), 8_000 * 1.3 * 0.95, tolerance=1)
    details = [("individual", ok_ind, "" if ok_ind else advice["individual"]),
               ("team", ok_team, "" if ok_team else advice["team"]),
               ("bonus", ok_bonus, "" if ok_bonus else advice["bonus_uncapped" if wrong_cap else "bonus"])]
    return Feedback.grade(details, **_TEXT.feedback("bonus"))


bonus_drill = Exercise(
    id="07a-bonus",
    **_TEXT.exercise("bonus"),
    fields={
        # the instructions say 「可写 130% 或 1.3」: with ratio_max=3 a plain 1.3 is 130 % (not 1.3 %), 130 too
        "individual": NumberField("个人达成率", "Individual achievement", unit="%", percent=True, ratio_max=3),
        "team": NumberField("团队达成率", "Team achievement", unit="%", percent=True, ratio_max=3),
        "bonus": NumberField("本月奖金", "Bonus", unit="元"),
    },
    check=_check_bonus,
    model_answer=_TEXT.text("bonus.model_answer"),
)

# ---- 07b: apply the bottom-out rule to a team's quarter ---------------------------------------------------------------
#: a team's third quarter: units per month (Jul, Aug, Sep); 小赵 was also eliminated in Q2.
QUARTER_CASE = {
    "小王": [13, 12, 14],
    "小李": [11, 13, 11],
    "小张": [9, 15, 15],
    "小赵": [10, 12, 11],
    "小陈": [12, 12, 12],
}
_Q2_ELIMINATED = {"小赵"}
_CLASSES = {pay.STATUS_KEPT: "保留", pay.STATUS_ELIMINATED: "淘汰", pay.STATUS_SUSPENDED: "停岗"}


def quarter_answer() -> tuple[dict, list[str]]:
    """The rule's verdict per consultant for :data:`QUARTER_CASE` and who loses points (from :func:`pay.bottom_out`)."""
    rows = []
    for name, units in QUARTER_CASE.items():
        if name in _Q2_ELIMINATED:
            rows.append({"staff_id": name, "period": "2026-06", "units": 0})
        rows += [{"staff_id": name, "period": p, "units": u} for p, u in zip(["2026-07", "2026-08", "2026-09"], units)]
    quarters, months = pay.bottom_out(pd.DataFrame(rows))
    q3 = quarters[quarters["quarter"] == "2026Q3"].set_index("staff_id")["status"].to_dict()
    cancelled = sorted(months.loc[months["points_cancelled"] & (months["period"] != "2026-06"), "staff_id"].unique())
    return q3, cancelled


def _check_quarter(answer: dict) -> Feedback:
    right, cancelled = quarter_answer()
    advice = _TEXT.table("bottom_out.advice")

    def why(name: str, _status: str) -> str:
        mean = sum(QUARTER_CASE[name]) / 3
        text = _TEXT.text("bottom_out.advice.mean", name=name, mean=mean) + advice["below" if mean < 12 else "not_below"]
        if name in _Q2_ELIMINATED and mean < 12:
            text += advice["suspended"]
        return text

    details = item_details("status", answer.get("status"), right, why)
    ok_points = sorted(answer.get("points") or []) == cancelled
    details.append(("points", ok_points, "" if ok_points else advice["points"]))
    return Feedback.grade(details, **_TEXT.feedback("bottom_out"))


bottom_out_drill = Exercise(
    id="07b-bottom-out",
    **_TEXT.exercise("bottom_out", quarter="；".join(f"{k} {'、'.join(map(str, v))} 台"
                                                   for k, v in QUARTER_CASE.items())),
    fields={
        "status": ClassifyField("季度判定", "Verdict", items=list(QUARTER_CASE), classes=_CLASSES),
        "points": ChoiceField("有月份积分被取消的顾问", "Points cancelled", options=list(QUARTER_CASE), multiple=True),
    },
    check=_check_quarter,
    model_answer=lambda answer: _TEXT.text(
        "bottom_out.model_answer", verdicts="；".join(f"{k} → {v}" for k, v in quarter_answer()[0].items()),
        cancelled="、".join(quarter_answer()[1])),
)

# ---- 07c: tune the team reward ----------------------------------------------------------------------------------------
#: a team's year (target 100 a month) used by the tuner
POOL_CASE = pd.DataFrame({
    "period": [f"2026-{m:02d}" for m in range(1, 13)],
    "target": [100] * 12,
    "actual": [104, 93, 97, 112, 101, 96, 99, 118, 103, 95, 102, 99],
})


#: the slider of 07c moves in steps of 2 000 and never stops on the asked 5 000: the live table shows how payouts
#: scale with the reward (4 000 → 6 000) without printing the answer — the trainee works out 5 000 from the rule
_SLIDER = {"min": 2_000, "max": 10_000, "step": 2_000, "value": 2_000}


def _pool_year(reward: float) -> pd.DataFrame:
    return pay.team_reward(POOL_CASE, reward=reward)


def _pool_live(answer: dict) -> str:
    reward = answer.get("reward") or _SLIDER["value"]
    t = _pool_year(reward)
    lines = [_TEXT.text("team_pool.live.summary", reward=reward, paid=t["paid"].sum(), lapsed=t["lapsed"].sum()), "",
             _TEXT.text("team_pool.live.header"), "|---|---|---|---|---|"]
    for r in t.itertuples():
        lines.append(f"| {r.period} | {r.actual:.0f} | {'✓' if r.hit else '✗'} | {r.paid:,.0f} | {r.pool_after:,.0f} |")
    return "\n".join(lines)


def _check_pool(answer: dict) -> Feedback:
    t = _pool_year(5_000)
    right_paid = float(t["paid"].sum())
    ok = is_close(answer.get("paid"), right_paid, tolerance=1)
    ok_month = answer.get("first_payout") == "2026-04"
    advice = _TEXT.table("team_pool.advice")
    details = [("paid", ok, "" if ok else advice["paid"]),
               ("first_payout", ok_month, "" if ok_month else advice["first_payout"])]
    return Feedback.grade(details, **_TEXT.feedback("team_pool", paid=right_paid))


team_reward_tuner = Exercise(
    id="07c-team-pool",
    **_TEXT.exercise("team_pool"),
    fields={
        "reward": SliderField("每月团队奖励（元）", "Monthly reward", unit="元", **_SLIDER),
        "paid": NumberField("按 5 000 元规则，全年共发放多少元？", "Total paid with 5 000", unit="元"),
        "first_payout": ChoiceField("奖金池第一次被领回是在哪个月？", "First pool payout",
                                    options=[p for p in POOL_CASE["period"]]),
    },
    check=_check_pool,
    model_answer=lambda answer: _TEXT.text("team_pool.model_answer", paid=_pool_year(5_000)["paid"].sum()),
    live=_pool_live,
)

