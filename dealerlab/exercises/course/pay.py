"""Course module 7 exercises: a consultant's bonus, the bottom-out rule on a team's quarter, tuning the team reward.

Every check calls the functions of :mod:`dealerlab.pay`, so the feedback and the model answers are the figures the
tests check.
"""

from __future__ import annotations

import pandas as pd

from dealerlab import pay
from dealerlab.exercises import (
    ChoiceField,
    ClassifyField,
    Exercise,
    Feedback,
    NumberField,
    SliderField,
    is_close,
)
from dealerlab.exercises.course._sorting import item_details

__all__ = ["bonus_drill", "bottom_out_drill", "team_reward_tuner", "BONUS_CASE", "QUARTER_CASE", "POOL_CASE"]

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
    details = []
    ok_ind = is_close(answer.get("individual"), right["individual"], tolerance=0.005)
    details.append(("individual", ok_ind, "" if ok_ind else "个人达成率 = 个人销量 ÷ 个人目标 = 13 ÷ 10（先不封顶）。"))
    ok_team = is_close(answer.get("team"), right["team"], tolerance=0.005)
    details.append(("team", ok_team, "" if ok_team else "团队达成率 = 门店销量 ÷ 门店目标 = 95 ÷ 100。"))
    ok_bonus = is_close(answer.get("bonus"), right["bonus"], tolerance=1)
    wrong_cap = is_close(answer.get("bonus"), 8_000 * 1.3 * 0.95, tolerance=1)
    msg = ""
    if not ok_bonus:
        msg = ("个人达成率 130% 超过了 120% 的封顶：计算奖金时只按 1.2 计。" if wrong_cap
               else "奖金 = 总绩效 × 个人达成率 × 团队达成率，两个达成率超过 120% 的都只按 120% 计。")
    details.append(("bonus", ok_bonus, msg))
    return Feedback.grade(
        details,
        explanation=(
            "这条规则把个人和团队绑在一起：个人卖得再多，团队没达成，奖金也要打折（× 95%）；"
            "封顶 120% 防止个别顾问「囤单」集中在一个月冲高。所以正确答案是 8 000 × 1.2 × 0.95 = **9 120 元**，"
            "而不是 8 000 × 1.3 × 0.95 = 9 880 元。讨论：封顶会不会让超额的顾问把订单推到下个月？"
        ),
        explanation_en="Bonus = base × min(individual, 1.2) × min(team, 1.2) = 8 000 × 1.2 × 0.95 = 9 120 yuan.",
        hint="先分别算两个达成率，再看哪一个要封顶。",
    )


bonus_drill = Exercise(
    id="07a-bonus",
    title="算一算：销售顾问本月奖金",
    title_en="Compute a consultant's bonus",
    instructions=(
        "某店的奖励规则是：**奖金 = 总绩效 × 个人达成率 × 团队达成率**，两个达成率各自最高按 **120%** 计。\n\n"
        "本月：顾问小王的总绩效为 **8 000 元**，个人目标 **10 台**，实际卖了 **13 台**；"
        "全店目标 **100 台**，实际 **95 台**。请填写两个达成率（可写 130% 或 1.3）和最终奖金。"
    ),
    instructions_en="Bonus = base × individual × team achievement, each capped at 120 %. Base 8 000; 13 of 10 units; store 95 of 100.",
    fields={
        # the instructions say 「可写 130% 或 1.3」: with ratio_max=3 a plain 1.3 is 130 % (not 1.3 %), 130 too
        "individual": NumberField("个人达成率", "Individual achievement", unit="%", percent=True, ratio_max=3),
        "team": NumberField("团队达成率", "Team achievement", unit="%", percent=True, ratio_max=3),
        "bonus": NumberField("本月奖金", "Bonus", unit="元"),
    },
    check=_check_bonus,
    model_answer=(
        "**参考答案**：个人达成率 13 ÷ 10 = 130%（计奖时封顶 120%）；团队达成率 95 ÷ 100 = 95%；"
        "奖金 = 8 000 × 1.2 × 0.95 = **9 120 元**。"
    ),
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

    def why(name: str, _status: str) -> str:
        mean = sum(QUARTER_CASE[name]) / 3
        text = f"{name} 季度月均 {mean:.2f} 台" + ("，低于 12 台" if mean < 12 else "，不低于 12 台")
        if name in _Q2_ELIMINATED and mean < 12:
            text += "，且上季度已被淘汰 → 连续两个季度 → 停岗"
        return text

    details = item_details("status", answer.get("status"), right, why)
    ok_points = sorted(answer.get("points") or []) == cancelled
    details.append(("points", ok_points, "" if ok_points else "单月低于 10 台，该月积分取消：看每个月，不看平均。"))
    return Feedback.grade(
        details,
        explanation=(
            "末位淘汰看**季度月均**（12 台线），积分取消看**单月**（10 台线），两条线各管各的。"
            "小李三个月都在 11–13 台，看起来不差，但月均 11.67 < 12 → 淘汰；小张有一个月只卖 9 台，"
            "积分被取消，但季度月均 13 台 → 保留。讨论：这样的制度会不会让顾问之间抢客户？对新人公平吗？"
        ),
        hint="先算每人三个月的平均，再逐月看有没有低于 10 台的月份。",
    )


bottom_out_drill = Exercise(
    id="07b-bottom-out",
    title="末位淘汰：一个季度的判定",
    title_en="Apply the bottom-out rule to a quarter",
    instructions=(
        "规则：**季度月均销量低于 12 台 → 淘汰；连续两个季度被淘汰 → 停岗；单月低于 10 台 → 当月积分取消。**\n\n"
        "第三季度（7、8、9 月）各顾问销量：" + "；".join(f"{k} {'、'.join(map(str, v))} 台" for k, v in QUARTER_CASE.items())
        + "。其中 **小赵第二季度已被淘汰**。请判定每人的结果，并选出有月份积分被取消的人。"
    ),
    fields={
        "status": ClassifyField("季度判定", "Verdict", items=list(QUARTER_CASE), classes=_CLASSES),
        "points": ChoiceField("有月份积分被取消的顾问", "Points cancelled", options=list(QUARTER_CASE), multiple=True),
    },
    check=_check_quarter,
    model_answer=lambda answer: "**参考答案**：" + "；".join(f"{k} → {v}" for k, v in quarter_answer()[0].items())
    + f"。积分取消：{'、'.join(quarter_answer()[1])}。",
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
    lines = [f"**奖励 {reward:,.0f} 元/月：全年发放 {t['paid'].sum():,.0f} 元，年底作废 {t['lapsed'].sum():,.0f} 元。**", "",
             "| 月份 | 实际 | 达成 | 当月发放 | 奖金池 |", "|---|---|---|---|---|"]
    for r in t.itertuples():
        lines.append(f"| {r.period} | {r.actual:.0f} | {'✓' if r.hit else '✗'} | {r.paid:,.0f} | {r.pool_after:,.0f} |")
    return "\n".join(lines)


def _check_pool(answer: dict) -> Feedback:
    t = _pool_year(5_000)
    right_paid = float(t["paid"].sum())
    ok = is_close(answer.get("paid"), right_paid, tolerance=1)
    ok_month = answer.get("first_payout") == "2026-04"
    details = [("paid", ok, "" if ok else "逐月走一遍：未达成的月份 5 000 进池；之后达成且超额足以弥补累计缺口的月份连池一起领。"),
               ("first_payout", ok_month, "" if ok_month else "2 月、3 月共缺 10 台；4 月超额 12 台 ≥ 10 → 4 月领回奖金池。")]
    return Feedback.grade(
        details,
        explanation=(
            f"按 5 000 元规则，这一年共发放 **{right_paid:,.0f} 元**。奖金池让没达成的月份「还有机会」：只要后面超额补上缺口，"
            "钱还能拿回来——它奖励的是全年的结果，而不只是单月。拖动滑块看看：奖励额变大，发放和作废的钱按比例变化，"
            "但哪些月份能领取只由销量决定。"
        ),
        hint="先找出没达成的月份，再看之后哪个月的超额能覆盖它们的缺口之和。",
    )


team_reward_tuner = Exercise(
    id="07c-team-pool",
    title="团队奖励与奖金池：调一调，算一算",
    title_en="Tune the team reward and see the pool",
    instructions=(
        "规则：团队当月达成目标 → 奖励；未达成 → 奖励放入奖金池；之后某月达成且**超额部分能弥补之前累计的缺口**，"
        "奖金池随当月奖励一起发放；年底未领的作废。\n\n全年每月目标 100 台，实际销量见下方表格。"
        "先用滑块改变奖励额（2 000–10 000 元），观察全年发放怎样变化；再按 **5 000 元** 的规则自己算出两个问题的答案"
        "（滑块不停在 5\u00a0000）。"
    ),
    fields={
        "reward": SliderField("每月团队奖励（元）", "Monthly reward", unit="元", **_SLIDER),
        "paid": NumberField("按 5 000 元规则，全年共发放多少元？", "Total paid with 5 000", unit="元"),
        "first_payout": ChoiceField("奖金池第一次被领回是在哪个月？", "First pool payout",
                                    options=[p for p in POOL_CASE["period"]]),
    },
    check=_check_pool,
    model_answer=lambda answer: f"**参考答案**：全年发放 {_pool_year(5_000)['paid'].sum():,.0f} 元；4 月第一次领回奖金池。",
    live=_pool_live,
)

