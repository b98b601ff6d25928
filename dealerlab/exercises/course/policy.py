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
from dealerlab.exercises.course._content import Content
from dealerlab.policy import call_off_plan, stock_by_model
from dealerlab.policy.rebates import vp_ladder

__all__ = ["vp_cliff", "stock_age", "call_off", "cliff_case", "stock_case", "call_off_case", "EXERCISES"]

_TEXT = Content.load(__name__)

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


def _values() -> dict:
    """The numbers the 08a texts show (see vp_cliff in policy.toml)."""
    c, k = CLIFF, cliff_case()
    return {"threshold": k["threshold"], "plan": c["plan"], "sold": c["sold"], "n": k["n"], "gain": k["gain"],
            "gross": c["gross_per_unit"], "breakeven": k["breakeven"], "needed": c["discount_needed"],
            "net": k["net_at_needed"], "next_units": c["next_expected"] - k["n"], "next_plan": c["next_plan"],
            "next_share": k["next_after_pull"]}


def _net(discount: float | None) -> str:
    c, k = CLIFF, cliff_case()
    if discount is None:
        return ""
    net = k["gain"] + k["n"] * (c["gross_per_unit"] - discount)
    word = _TEXT.text("vp_cliff.live.gain" if net >= 0 else "vp_cliff.live.loss")
    return _TEXT.text("vp_cliff.live.net", discount=discount, word=word, net=abs(net), gain=k["gain"], n=k["n"],
                      gross=c["gross_per_unit"])


def _check_vp_cliff(answer: dict) -> Feedback:
    k, values = cliff_case(), _values()
    advice = _TEXT.table("vp_cliff.advice")
    n_ok = is_close(answer.get("n"), k["n"])
    g_ok = is_close(answer.get("gain"), k["gain"], tolerance=1)
    b_ok = is_close(answer.get("breakeven"), k["breakeven"], tolerance=1)
    d = answer.get("decision")
    d_ok = d == "go_old"
    why_not = advice["decision"]
    details = [
        ("n", n_ok, _TEXT.text("vp_cliff.advice.n", **values)),
        ("gain", g_ok, advice["gain"]),
        ("breakeven", b_ok, advice["breakeven"]),
        ("decision", d_ok, _TEXT.text(f"vp_cliff.advice.decision.{d}", **values) if (d or "") in why_not
         else "" if d else advice["choose"]),
    ]
    return Feedback.grade(details, **_TEXT.feedback("vp_cliff", **values))


vp_cliff = Exercise(
    id="08a-vp-cliff",
    **_TEXT.exercise("vp_cliff"),
    fields={
        "n": NumberField("还差几台", "Units needed", unit="台"),
        "gain": NumberField("返利增量", "Rebate gain", unit="元"),
        "breakeven": NumberField("保本让价", "Break-even discount", unit="元/台"),
        "discount": SliderField("试一试：每台让价", "Try a discount", min=0, max=90_000, step=1_000, value=15_000, unit="元"),
        "decision": ChoiceField("你的决定", "Decision", **_TEXT.choice("vp_cliff.options.decision")),
    },
    check=_check_vp_cliff,
    model_answer=_TEXT.text("vp_cliff.model_answer"),
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
    cols = _TEXT.table("stock_age.columns")
    cost = cols.pop("cost")
    out = t[list(cols)].rename(columns=cols)
    out[cols["stock_days"]] = out[cols["stock_days"]].round(0).astype(int)
    out.insert(2, cost, [STOCK[m][1] for m in t["model"]])
    return out.reset_index(drop=True)


def _stock_answers() -> dict:
    t = stock_case()
    old_capital = sum(STOCK[m][1] * int(n) for m, n in zip(t["model"], t["stock_age_over_90"]))
    return {"slow": sorted(t.loc[t["slow"], "model"]), "old_capital": old_capital,
            "old_cost": old_capital * ANNUAL_RATE / 12}


def _check_stock_age(answer: dict) -> Feedback:
    k = _stock_answers()
    slow = sorted(answer.get("slow") or [])
    s_ok = slow == k["slow"]
    missing = [m for m in k["slow"] if m not in slow]
    extra = [m for m in slow if m not in k["slow"]]
    advice = _TEXT.table("stock_age.advice")
    s_msg = ""
    if "君越" in missing:
        s_msg += advice["missing_old"]
    if "GL8" in missing:
        s_msg += advice["missing_deep"]
    if extra:
        s_msg += _TEXT.text("stock_age.advice.extra", models="、".join(extra))
    c_ok = is_close(answer.get("old_capital"), k["old_capital"], tolerance=1)
    m_ok = is_close(answer.get("old_cost"), k["old_cost"], tolerance=1)
    a = answer.get("action")
    a_ok = a == "targeted"
    why_not = advice["action"]
    details = [
        ("slow", s_ok, s_msg),
        ("old_capital", c_ok, advice["old_capital"]),
        ("old_cost", m_ok, advice["old_cost"]),
        ("action", a_ok, why_not.get(a or "", "" if a else advice["choose"])),
    ]
    return Feedback.grade(details, **_TEXT.feedback("stock_age", capital=k["old_capital"], cost=k["old_cost"]))


stock_age = Exercise(
    id="08b-stock-age",
    **_TEXT.exercise("stock_age"),
    fields={
        "slow": ChoiceField("滞销车型（可多选）", "Slow movers", options={m: m for m in STOCK}, multiple=True),
        "old_capital": NumberField("长库龄车资金占用", "Capital in units over 90 days", unit="元"),
        "old_cost": NumberField("每月资金成本", "Monthly cost", unit="元"),
        "action": ChoiceField("先做什么", "First step", **_TEXT.choice("stock_age.options.action")),
    },
    check=_check_stock_age,
    model_answer=_TEXT.text("stock_age.model_answer"),
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
    advice = _TEXT.table("call_off.advice")
    details = []
    for m, r in plan.iterrows():
        got = (grid.get(m) or {}).get("order")
        ok = is_close(got, r["order"], tolerance=1)
        stock, exp = CALL_OFF[m]
        msg = (_TEXT.text("call_off.advice.order", model=m, expected=exp, target=r["target_stock"], stock=stock)
               + (advice["none"] if r["order"] == 0 else _TEXT.text("call_off.advice.some", order=int(r["order"]))))
        details.append(("order", ok, "" if ok else msg))
    total_ok = all(ok for _f, ok, _m in details)
    lines = "\n".join(_TEXT.text("call_off.line", model=m, expected=CALL_OFF[m][1], target=r["target_stock"],
                                  stock=CALL_OFF[m][0], order=int(r["order"])) for m, r in plan.iterrows())
    return Feedback(
        status="correct" if total_ok else ("partly" if any(ok for _f, ok, _m in details) else "wrong"),
        score=sum(ok for _f, ok, _m in details) / len(details),
        **_TEXT.feedback("call_off", lines=lines),
        details=details,
    )


call_off = Exercise(
    id="08c-call-off",
    **_TEXT.exercise("call_off", rows="\n".join(f"| {m} | {s} | {e} |" for m, (s, e) in CALL_OFF.items())),
    fields={
        "order": TableField("下月CALL车", "Call-off next month", rows={m: m for m in CALL_OFF},
                            columns={"order": "CALL车台数"}, unit="台", totals="columns"),
    },
    check=_check_call_off,
    model_answer=lambda answer: _TEXT.text(
        "call_off.model_answer", orders="；".join(f"{r.model} {r.order} 台" for r in call_off_case().itertuples())),
)

EXERCISES = [vp_cliff, stock_age, call_off]
