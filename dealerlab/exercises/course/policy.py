"""Exercises of course module 8 (商务政策、返利与库存).

* :data:`vp_cliff` (08a) — the 冲量 decision at month end: how many units to the next VP tier, what the tier is worth,
  the break-even discount, and whether to do it given the discount needed, the stock and next month; a slider shows
  the month's result at any discount. The numbers are fixed here (answers do not move with the demo data) and the
  answers come from the same engine as the figures (:func:`dealerlab.policy.rebates.vp_ladder`).
* :data:`stock_age` (08b) — read a stock-age table: name the slow movers, the capital in units older than 90 days and
  its monthly cost, and what to do first. The table is :func:`dealerlab.policy.stock_by_model` of a small fixed stock.
* :data:`call_off` (08c) — next month's CALL车 order per model from the expected sales, the standard stock and the
  stock on hand (:func:`dealerlab.policy.call_off_plan`).
"""

from __future__ import annotations

import pandas as pd

from dealerlab.exercises import ChoiceField, Exercise, Feedback, NumberField, SliderField, TableField, is_close
from dealerlab.policy import call_off_plan, stock_by_model
from dealerlab.policy.rebates import vp_ladder

__all__ = ["vp_cliff", "stock_age", "call_off", "cliff_case", "stock_case", "call_off_case", "EXERCISES"]

# ---------------------------------------------------------------------------------------------------- 08a VP cliff
#: the case: VP, units sold at month end, VP tiers, the other items' per-unit rebates at their current tier,
#: total gross per unit without rebates, the discount needed to close the last buyers
CLIFF = {
    "plan": 120,
    "sold": 117,
    "vp_tiers": [(0.95, 1800.0, 0.0), (1.00, 2800.0, 50_000.0)],
    "others": [("SSI奖", [(760.0, 300.0, 0.0)], 778.0), ("暗访奖", [(85.0, 500.0, 0.0)], 90.0)],
    "gross_per_unit": 7_000.0,
    "discount_needed": 15_000.0,
    "next_plan": 118,
    "next_expected": 121,
}


def cliff_case() -> dict:
    """The 08a answers computed by the rebate engine: n, gain, break-even discount, the month's result at the
    discount needed, next month's achievement when the n units are pulled forward."""
    c = CLIFF
    lad = vp_ladder(c["vp_tiers"], volume_plan=c["plan"], sold=c["sold"], others=c["others"],
                    gross_per_unit=c["gross_per_unit"])
    nxt = lad[lad["is_next"]].iloc[0]
    n = int(nxt["units_needed"])
    gain = float(nxt["gain"])
    return {
        "n": n,
        "gain": gain,
        "breakeven": float(nxt["breakeven_discount"]),
        "net_at_needed": gain + n * (c["gross_per_unit"] - c["discount_needed"]),
        "next_after_pull": (c["next_expected"] - n) / c["next_plan"],
        "threshold": float(nxt["threshold"]),
    }


def _net(discount: float | None) -> str:
    c, k = CLIFF, cliff_case()
    if discount is None:
        return ""
    net = k["gain"] + k["n"] * (c["gross_per_unit"] - discount)
    word = "多挣" if net >= 0 else "亏"
    return (f"每台让价 **{discount:,.0f} 元** 时：本月{word} **{abs(net):,.0f} 元**"
            f"（返利增量 {k['gain']:,.0f} + {k['n']} 台 ×（单车毛利 {c['gross_per_unit']:,.0f} − 让价 {discount:,.0f}））")


_DECISIONS = {
    "go_old": "冲：在保本让价以内成交，优先用长库龄车去冲，同时把下月的意向客户补上",
    "no": "不冲：让价就是亏钱，不做",
    "any_price": "冲：让价多少都无所谓，返利都能补回来",
    "self_register": "冲：向厂家多提 10 台车，差的台数自己上牌凑够",
}


def _check_vp_cliff(answer: dict) -> Feedback:
    c, k = CLIFF, cliff_case()
    n_ok = is_close(answer.get("n"), k["n"])
    g_ok = is_close(answer.get("gain"), k["gain"], tolerance=1)
    b_ok = is_close(answer.get("breakeven"), k["breakeven"], tolerance=1)
    d = answer.get("decision")
    d_ok = d == "go_old"
    details = [
        ("n", n_ok, f"下一档是 {k['threshold']:.0%}：{k['threshold']:.0%} × {c['plan']} = {c['plan']} 台，已卖 {c['sold']} 台。"),
        ("gain", g_ok, "返利增量要算所有项目：VP 奖换到新档（每台 2 800 × 120 台 + 一次性 50 000），减去现在的"
                       "1 800 × 117；SSI 奖和暗访奖档位不变，但每台 300 + 500 元也要乘在多卖的 3 台上。"),
        ("breakeven", b_ok, "保本让价 = 返利增量 ÷ 台数 + 综合单车毛利（不含返利）。"),
        ("decision", d_ok, {
            "no": f"让价 {c['discount_needed']:,.0f} 元低于保本让价 {k['breakeven']:,.0f} 元：冲了这个月多挣 "
                  f"{k['net_at_needed']:,.0f} 元，不冲就是放弃这笔钱。",
            "any_price": f"让价超过 {k['breakeven']:,.0f} 元/台就开始亏；月底大幅让价还会让下月客户等着要同样的价。",
            "self_register": "自上牌凑数：多提的车变成库存和准新车，占用资金、下个月还要亏价处理，也违反多数厂家的政策。",
        }.get(d or "", "请选择你的决定。" if not d else "")),
    ]
    return Feedback.grade(
        details,
        explanation=(
            f"**差几台**：{k['threshold']:.0%} × {c['plan']} = {c['plan']} 台 − 已卖 {c['sold']} 台 = **{k['n']} 台**。\n\n"
            f"**值多少**：冲到 100% 档，VP 奖 = 2 800 × 120 + 50 000 = 386 000 元；现在 95% 档 = 1 800 × 117 = 210 600 元，"
            f"差 175 400 元；SSI 奖和暗访奖每台 300 + 500 元，多卖 3 台再多 2 400 元。合计返利增量 **{k['gain']:,.0f} 元**。\n\n"
            f"**最多能让多少**：{k['gain']:,.0f} ÷ {k['n']} + 单车毛利 {c['gross_per_unit']:,.0f} = "
            f"**{k['breakeven']:,.0f} 元/台**。\n\n"
            f"**要不要冲**：成交最后 3 个客户每台要让 {c['discount_needed']:,.0f} 元，本月多挣 "
            f"{k['gain']:,.0f} + 3 × ({c['gross_per_unit']:,.0f} − {c['discount_needed']:,.0f}) = "
            f"**{k['net_at_needed']:,.0f} 元**。这 3 个客户本来是下个月的意向客户，提前成交后下月预计 "
            f"{c['next_expected'] - k['n']} 台，对 VP {c['next_plan']} 台仍是 {k['next_after_pull']:.0%}，下月的档位不受影响——"
            "所以冲。用长库龄车去冲，还能顺带消化老库存、省下资金成本；但不要多提车自己上牌凑数。"
        ),
        explanation_en=(
            f"n = {k['n']}; gain = {k['gain']:,.0f} (the VP item at the new tier plus the other items' per-unit amounts on "
            f"the extra units); break-even = gain / n + gross per unit = {k['breakeven']:,.0f}. At a 15 000 discount the "
            f"month gains {k['net_at_needed']:,.0f}, and next month still reaches 100 %: do it, with aged stock."
        ),
        hint="先算差几台，再把每个返利项目在「现在」和「冲到下一档」两种情况下各算一遍。",
    )


vp_cliff = Exercise(
    id="08a-vp-cliff",
    title="月底冲量：差 3 台，冲不冲？",
    title_en="Month-end push: three units short — go for it?",
    instructions=(
        "今天是 10 月 30 日。本月厂家 **VP 120 台**，已开票 **117 台**（97.5%）。商务政策：\n\n"
        "| 项目 | 档位 | 返利 |\n|---|---|---|\n"
        "| VP达成奖 | 95% | 1 800 元/台 |\n| VP达成奖 | 100% | 2 800 元/台 + 一次性 50 000 元 |\n"
        "| SSI奖（本月已达档） | SSI ≥ 760 | 300 元/台 |\n| 暗访奖（本月已达档） | 得分 ≥ 85 | 500 元/台 |\n\n"
        "本店综合单车毛利（销售毛利 + 衍生毛利，不含返利）**7 000 元/台**。销售经理说：手上有 3 个下月才打算提车的"
        "意向客户，**每台让 15 000 元**今天就能签。下月 VP 118 台，预计能卖 121 台。库里有 4 台库龄超过 90 天的车。\n\n"
        "1. 到下一档还差几台？\n2. 冲到下一档，本月返利一共多拿多少？\n3. 多卖的每台车最多能让多少还不亏（保本让价）？\n"
        "4. 你的决定？（拖动滑块，看不同让价下本月的结果）"
    ),
    instructions_en=(
        "VP 120, sold 117; VP tiers 95 % → 1 800/unit, 100 % → 2 800/unit + 50 000; SSI 300/unit and mystery shopping "
        "500/unit already reached; gross per unit 7 000. Three buyers close today at 15 000 off each (they would buy next "
        "month; next month VP 118, expected 121). Units needed, rebate gain, break-even discount, decision?"
    ),
    fields={
        "n": NumberField("还差几台", "Units needed", unit="台"),
        "gain": NumberField("返利增量", "Rebate gain", unit="元"),
        "breakeven": NumberField("保本让价", "Break-even discount", unit="元/台"),
        "discount": SliderField("试一试：每台让价", "Try a discount", min=0, max=90_000, step=1_000, value=15_000, unit="元"),
        "decision": ChoiceField("你的决定", "Decision", options=_DECISIONS),
    },
    check=_check_vp_cliff,
    model_answer=(
        "**参考答案**：还差 3 台；返利增量 177 800 元；保本让价 = 177 800 ÷ 3 + 7 000 = 66 267 元/台。"
        "每台让 15 000 元，本月多挣 153 800 元，下月仍能达成 100%：冲，优先用长库龄车，同时补充下月意向客户。"
    ),
    live=lambda answer: _net(answer.get("discount")),
)


# ---------------------------------------------------------------------------------------------- 08b stock age
#: model → (ages in days of the units in stock at 2026-10-31, purchase cost per unit, units sold Aug–Oct)
STOCK = {
    "英朗": ([3, 5, 8, 10, 12, 14, 15, 18, 20, 22, 24, 25, 27, 28, 30, 33, 35, 38, 40, 41, 44, 47, 50, 52, 55, 3, 6, 9], 98_000.0, 96),
    "君威": ([4, 7, 11, 16, 19, 23, 26, 29, 31, 34, 37, 42, 45, 48, 53, 57, 61, 64, 68, 70], 150_000.0, 66),
    "君越": ([6, 12, 18, 24, 30, 36, 41, 47, 52, 58, 63, 69, 75, 82, 95, 101, 130, 152], 205_000.0, 55),
    "GL8": ([20, 26, 33, 39, 45, 51, 57, 63, 68, 72, 77, 80], 300_000.0, 9),
    "昂科威Plus": ([2, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45, 49, 53, 57], 250_000.0, 40),
}
STOCK_PERIOD = "2026-10"
ANNUAL_RATE = 0.06


def stock_case() -> pd.DataFrame:
    """The 08b table: :func:`dealerlab.policy.stock_by_model` of the fixed stock of :data:`STOCK` at 2026-10-31."""
    end = pd.Timestamp("2026-10-31")
    inv, sales = [], []
    k = 0
    for model, (ages, cost, sold) in STOCK.items():
        for a in ages:
            inv.append((f"V{k:04d}", "S01", model, end - pd.Timedelta(days=a), pd.NaT, cost, None))
            k += 1
        days = pd.date_range("2026-08-01", "2026-10-31", freq="D")
        sales += [(f"X{model}{i}", "S01", days[i % len(days)], model) for i in range(sold)]
    inventory = pd.DataFrame(inv, columns=["vin", "store_id", "model", "arrival_date", "sold_date", "purchase_cost", "sale_id"])
    s = pd.DataFrame(sales, columns=["sale_id", "store_id", "invoice_date", "model"])
    return stock_by_model(inventory, s, period=STOCK_PERIOD, capital_cost_rate=ANNUAL_RATE)


def stock_table() -> pd.DataFrame:
    """The table the trainee reads (Chinese headers)."""
    t = stock_case()
    cols = {"model": "车型", "stock_units": "在库", "stock_age_0_30": "0–30天", "stock_age_31_60": "31–60天",
            "stock_age_61_90": "61–90天", "stock_age_over_90": ">90天", "sold_3m": "近3月销量", "stock_days": "库存深度(天)"}
    out = t[list(cols)].rename(columns=cols)
    out["库存深度(天)"] = out["库存深度(天)"].round(0).astype(int)
    out.insert(2, "单台采购成本", [STOCK[m][1] for m in t["model"]])
    return out.reset_index(drop=True)


def _stock_answers() -> dict:
    t = stock_case()
    old_capital = sum(STOCK[m][1] * int(n) for m, n in zip(t["model"], t["stock_age_over_90"]))
    return {"slow": sorted(t.loc[t["slow"], "model"]), "old_capital": old_capital,
            "old_cost": old_capital * ANNUAL_RATE / 12}


_ACTIONS = {
    "targeted": "先处理长库龄车（专项让价或奖励、搭配畅销车展示和试驾），同时暂停或减少滞销车型的订车",
    "all_discount": "所有车型一起降价促销",
    "order_more": "多订畅销车型，把平均库龄摊薄",
    "wait": "等旺季自然消化",
}


def _check_stock_age(answer: dict) -> Feedback:
    k = _stock_answers()
    slow = sorted(answer.get("slow") or [])
    s_ok = slow == k["slow"]
    missing = [m for m in k["slow"] if m not in slow]
    extra = [m for m in slow if m not in k["slow"]]
    s_msg = ""
    if "君越" in missing:
        s_msg += "君越有 4 台车库龄超过 90 天。"
    if "GL8" in missing:
        s_msg += "GL8 没有超 90 天的车，但 12 台只够卖 123 天——超过标准 45 天的两倍，同样是滞销。"
    if extra:
        s_msg += "、".join(extra) + " 没有超 90 天的车，库存深度也在两倍标准以内。"
    c_ok = is_close(answer.get("old_capital"), k["old_capital"], tolerance=1)
    m_ok = is_close(answer.get("old_cost"), k["old_cost"], tolerance=1)
    a = answer.get("action")
    a_ok = a == "targeted"
    details = [
        ("slow", s_ok, s_msg),
        ("old_capital", c_ok, "只数库龄 > 90 天那一列：台数 × 单台采购成本。"),
        ("old_cost", m_ok, "月资金成本 = 资金占用 × 年化 6% ÷ 12。"),
        ("action", a_ok, {
            "all_discount": "问题只在两个车型，全部降价会白白让掉畅销车的毛利。",
            "order_more": "平均库龄变小了，老车还在那里，资金成本一分没少。",
            "wait": "再放一个月，就再付一个月的资金成本，车也更难按原价卖。",
        }.get(a or "", "请选择先做什么。" if not a else "")),
    ]
    return Feedback.grade(
        details,
        explanation=(
            "**滞销车型**有两个标准：有车库龄超过 90 天（君越：95、101、130、152 天），或者库存深度超过标准 45 天的"
            "两倍（GL8：12 台 ÷ 近 3 月日均 0.1 台 ≈ 123 天）。\n\n"
            f"**长库龄车的资金**：君越 4 台 × 205 000 = **{k['old_capital']:,.0f} 元**；每月资金成本 "
            f"{k['old_capital']:,.0f} × 6% ÷ 12 = **{k['old_cost']:,.0f} 元**——每放一个月就多付一次。\n\n"
            "**先做什么**：针对滞销车型找原因（产品、价格、顾问不会讲、季节），对长库龄车定专项让价或奖励、"
            "每人每天的目标，搭配畅销车展示和试驾；GL8 按真实销售节奏减少订车。"
        ),
        explanation_en=(
            f"Slow movers: 君越 (4 units over 90 days) and GL8 (123 days of stock > 2 × 45). Capital in the old units "
            f"{k['old_capital']:,.0f}, monthly cost {k['old_cost']:,.0f} at 6 % a year. Act on those two models only."
        ),
        hint="看两列：「>90天」和「库存深度(天)」；滞销线是 90 天库龄，或 2 × 45 = 90 天的库存深度。",
    )


stock_age = Exercise(
    id="08b-stock-age",
    title="读库龄表：哪些车在吃资金？",
    title_en="Read a stock-age table: which cars eat capital?",
    instructions=(
        "上面是一家别克店 10 月 31 日的库龄表（近 3 个月 = 8–10 月，共 92 天）。标准库存 45 天，资金成本按年化 6% 计。\n\n"
        "1. 哪些车型是滞销车型？（有车库龄超过 90 天，或库存深度超过标准的两倍）\n"
        "2. 库龄超过 90 天的车一共占用多少资金？\n3. 它们每个月的资金成本是多少？\n4. 先做什么？"
    ),
    instructions_en=(
        "The stock-age table of 31 October (3 months = 92 days), standard 45 days, capital at 6 % a year: name the slow "
        "movers, the capital in units older than 90 days, its monthly cost, and what to do first."
    ),
    fields={
        "slow": ChoiceField("滞销车型（可多选）", "Slow movers", options={m: m for m in STOCK}, multiple=True),
        "old_capital": NumberField("长库龄车资金占用", "Capital in units over 90 days", unit="元"),
        "old_cost": NumberField("每月资金成本", "Monthly cost", unit="元"),
        "action": ChoiceField("先做什么", "First step", options=_ACTIONS),
    },
    check=_check_stock_age,
    model_answer=(
        "**参考答案**：滞销车型 君越、GL8；长库龄车资金 4 × 205 000 = 820 000 元，每月资金成本 4 100 元；"
        "先处理长库龄车并减少滞销车型订车。"
    ),
)


# ---------------------------------------------------------------------------------------------- 08c CALL车
#: model → (units in stock now, units expected to sell next month)
CALL_OFF = {"英朗": (28, 30), "君威": (35, 20), "君越": (18, 18), "GL8": (12, 4)}
NEXT_DAYS = 30


def call_off_case() -> pd.DataFrame:
    """The 08c answers: :func:`dealerlab.policy.call_off_plan` with the expected sales of :data:`CALL_OFF`."""
    stock = pd.DataFrame({"model": list(CALL_OFF), "stock_units": [v[0] for v in CALL_OFF.values()],
                          "daily_rate": [v[1] / NEXT_DAYS for v in CALL_OFF.values()]})
    return call_off_plan(stock, days_next_month=NEXT_DAYS)


def _check_call_off(answer: dict) -> Feedback:
    plan = call_off_case().set_index("model")
    grid = answer.get("order") or {}
    details = []
    for m, r in plan.iterrows():
        got = (grid.get(m) or {}).get("order")
        ok = is_close(got, r["order"], tolerance=1)
        stock, exp = CALL_OFF[m]
        target = r["target_stock"]
        msg = (f"{m}：下月卖 {exp} 台 + 月末标准库存 {exp} ÷ 30 × 45 = {target:.0f} 台 − 现有 {stock} 台"
               + (" → 结果小于 0，不订。" if r["order"] == 0 else f" = {int(r['order'])} 台。"))
        details.append(("order", ok, "" if ok else msg))
    total_ok = all(ok for _f, ok, _m in details)
    return Feedback(
        status="correct" if total_ok else ("partly" if any(ok for _f, ok, _m in details) else "wrong"),
        score=sum(ok for _f, ok, _m in details) / len(details),
        explanation=(
            "**下月CALL车 = 下月预计销量 + 月末标准库存 − 现有库存**，标准库存 = 日均销量 × 45 天；结果小于 0 就不订。\n\n"
            + "\n".join(f"- {m}：{CALL_OFF[m][1]} + {r['target_stock']:.0f} − {CALL_OFF[m][0]} → **{int(r['order'])} 台**"
                        for m, r in plan.iterrows())
            + "\n\nGL8 库存已经够卖 3 个月，再订只会变成老库存；君威库存偏多，少订一些让库存回到标准。"
            "按销售节奏倒推订车，CALL车准确率才高得起来：订了就能提、提了就能卖。"
        ),
        explanation_en="Order = expected sales + standard stock (45 days) − stock on hand, never below 0.",
        hint="每个车型：下月要卖的 + 月底要留的标准库存 − 现在已有的。",
        details=details,
    )


call_off = Exercise(
    id="08c-call-off",
    title="下月CALL车：每个车型订多少？",
    title_en="Next month's call-off: how many per model?",
    instructions=(
        "月底做下月订车计划。标准库存 45 天，下月 30 天。\n\n"
        "| 车型 | 现有库存 | 下月预计销量 |\n|---|---|---|\n"
        + "\n".join(f"| {m} | {s} | {e} |" for m, (s, e) in CALL_OFF.items())
        + "\n\n每个车型下月应该CALL多少台？（下月CALL车 = 下月预计销量 + 月末标准库存 − 现有库存）"
    ),
    instructions_en="Standard stock 45 days, next month 30 days: order = expected sales + standard stock − stock now.",
    fields={
        "order": TableField("下月CALL车", "Call-off next month", rows={m: m for m in CALL_OFF},
                            columns={"order": "CALL车台数"}, unit="台", totals="columns"),
    },
    check=_check_call_off,
    model_answer=lambda answer: (
        "**参考答案**：" + "；".join(f"{r.model} {r.order} 台" for r in call_off_case().itertuples())
        + "。GL8 不订：现有库存已够卖三个月。"
    ),
)

EXERCISES = [vp_cliff, stock_age, call_off]
