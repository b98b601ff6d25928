"""Course module 8 (docs/DOMAIN.md §12): stock, CALL车, marketing cost, the rebate engine and the VP cliff.

Every expected value is computed by hand in the comments next to it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerlab import policy
from dealerlab.data.dataset import Dataset
from dealerlab.policy import rebates
from dealerlab.policy.stock import (
    call_off_accuracy,
    call_off_plan,
    marketing_cost_per_unit,
    sell_through_30d,
    stock_by_model,
    stock_figures,
    stock_units_at,
)

# ------------------------------------------------------------------------------------------- the rebate engine

VP = [(0.95, 300.0, 0.0), (1.00, 800.0, 50_000.0)]


def test_vp_cliff_known_answer():
    # DOMAIN §12: plan 100, sold 93; 95 % → 300 元/台, 100 % → 800 元/台 + 50 000
    lad = rebates.vp_ladder(VP, volume_plan=100, sold=93)
    first, second = lad.iloc[0], lad.iloc[1]
    assert first["units_needed"] == 2 and first["gain"] == 28_500  # 95 × 300 − 0
    assert second["units_needed"] == 7 and second["gain"] == 130_000  # 100 × 800 + 50 000 − 0
    assert bool(first["is_next"]) and not bool(second["is_next"])


def test_breakeven_discount_adds_gain_per_unit_and_gross_per_unit():
    lad = rebates.vp_ladder(VP, volume_plan=100, sold=93, gross_per_unit=1_500.0)
    assert lad.iloc[0]["breakeven_discount"] == pytest.approx(28_500 / 2 + 1_500)  # 15 750
    assert lad.iloc[1]["breakeven_discount"] == pytest.approx(130_000 / 7 + 1_500)


def test_other_items_pay_their_per_unit_amount_on_the_extra_units():
    # 暗访奖 100 元/台 reached (score 88 ≥ 85): 2 extra units add 200 to the VP gain of 28 500
    others = [("暗访奖", [(85.0, 100.0, 0.0)], 88.0)]
    lad = rebates.vp_ladder(VP, volume_plan=100, sold=93, others=others)
    assert lad.iloc[0]["gain"] == 28_700
    assert lad.iloc[0]["rebate_total"] == 95 * 300 + 95 * 100


def test_rebate_is_a_cliff_not_pro_rata():
    assert rebates.rebate(VP, 0.9499, 94) == 0.0  # below the lowest tier: nothing
    assert rebates.rebate(VP, 0.95, 95) == 28_500  # exactly at the threshold reaches it
    assert rebates.rebate(VP, 95 / 100, 95) == 28_500
    assert rebates.rebate(VP, 1.2, 120) == 120 * 800 + 50_000  # the top tier
    assert math.isnan(rebates.rebate(VP, float("nan"), 95))  # basis unknown → not available


def test_top_tier_has_no_next():
    lad = rebates.vp_ladder(VP, volume_plan=100, sold=101)
    assert not lad["is_next"].any()
    assert (lad["units_needed"] == 0).all()


def test_units_for_handles_binary_fractions():
    assert rebates.units_for(0.95, 100) == 95  # 0.95 × 100 = 95.00000000000001 in floating point
    assert rebates.units_for(1.00, 119) == 119
    assert rebates.units_for(0.95, 119) == 114  # 113.05 → 114


@settings(max_examples=200, deadline=None)
@given(
    plan=st.integers(min_value=1, max_value=2_000),
    t=st.floats(min_value=0.01, max_value=1.5, allow_nan=False),
)
def test_cliff_exactly_at_the_threshold(plan, t):
    n = rebates.units_for(t, plan)
    tiers = [(t, 100.0, 1_000.0)]
    assert rebates.rebate(tiers, n / plan, n) == 100.0 * n + 1_000.0
    if n > 0:
        assert rebates.rebate(tiers, (n - 1) / plan, n - 1) == 0.0


@settings(max_examples=200, deadline=None)
@given(
    plan=st.integers(min_value=10, max_value=500),
    raw=st.lists(st.tuples(st.floats(0.5, 1.3), st.floats(0, 5_000), st.floats(0, 100_000)), min_size=1, max_size=5),
    sold=st.integers(min_value=0, max_value=700),
)
def test_rebate_is_monotone_in_units(plan, raw, sold):
    # ascending tiers (per-unit amount and lump sum never fall as the threshold rises)
    raw = sorted(raw)
    tiers, a_max, l_max = [], 0.0, 0.0
    for t, a, lump in raw:
        a_max, l_max = max(a_max, a), max(l_max, lump)
        tiers.append((t, a_max, l_max))
    now = rebates.rebate(tiers, sold / plan, sold)
    more = rebates.rebate(tiers, (sold + 1) / plan, sold + 1)
    assert more >= now
    lad = rebates.vp_ladder(tiers, volume_plan=plan, sold=sold)
    assert (lad["gain"].dropna() >= 0).all()


def test_resolve_policy_most_specific_rows_win():
    pol = pd.DataFrame(
        {
            "store_id": [None, None, "S01", None],
            "period": [None, None, None, "2026-10"],
            "item": ["VP达成奖", "VP达成奖", "VP达成奖", "SSI奖"],
            "basis": ["vp_achievement", "vp_achievement", "vp_achievement", "ssi_index"],
            "threshold": [0.95, 1.0, 0.9, 800.0],
            "amount_per_unit": [300.0, 800.0, 500.0, 200.0],
            "lump_sum": [0.0, 50_000.0, np.nan, np.nan],
        }
    )
    s01 = rebates.resolve_policy(pol, store_id="S01", period="2026-10")
    assert s01[s01["item"] == "VP达成奖"]["threshold"].tolist() == [0.9]  # the store's own row
    assert s01[s01["item"] == "SSI奖"]["amount_per_unit"].tolist() == [200.0]
    s02 = rebates.resolve_policy(pol, store_id="S02", period="2026-09")
    assert s02["item"].tolist() == ["VP达成奖", "VP达成奖"]  # every-store rows; the SSI row is October only


# ------------------------------------------------------------------------------------------------- stock
END = "2026-10"


def _inventory() -> pd.DataFrame:
    rows = [
        # vin, arrival, sold, cost         age at 2026-10-31
        ("A", "2026-10-31", None, 100_000),  # 0 → 0–30
        ("B", "2026-10-01", None, 100_000),  # 30 → 0–30
        ("C", "2026-09-30", None, 100_000),  # 31 → 31–60
        ("D", "2026-08-01", None, 200_000),  # 91 → > 90
        ("E", "2026-08-02", None, 100_000),  # 90 → 61–90
        ("F", "2026-09-01", "2026-10-15", 100_000),  # sold in October: not in stock
        ("G", "2026-09-01", "2026-11-02", 100_000),  # sold after the month end: in stock, 60 → 31–60
        ("H", "2026-11-01", None, 100_000),  # not arrived yet
        ("I", "2026-09-10", "2026-10-10", 100_000),  # sold 30 days after arrival
    ]
    df = pd.DataFrame(rows, columns=["vin", "arrival_date", "sold_date", "purchase_cost"])
    df["store_id"] = "S01"
    df["model"] = np.where(df["vin"].isin(["D", "E"]), "老款", "新款")
    df["arrival_date"] = pd.to_datetime(df["arrival_date"])
    df["sold_date"] = pd.to_datetime(df["sold_date"])
    df["sale_id"] = None
    return df


def _sales(n_per_model: dict[str, int], *, start="2026-08-01", end="2026-10-31", store="S01") -> pd.DataFrame:
    days = pd.date_range(start, end, freq="D")
    rows = []
    k = 0
    for model, n in n_per_model.items():
        for i in range(n):
            rows.append((f"X{k}", store, days[i % len(days)], model, 100_000.0, 1_000.0))
            k += 1
    return pd.DataFrame(rows, columns=["sale_id", "store_id", "invoice_date", "model", "price", "gross_profit"])


def test_stock_units_and_age_buckets():
    units = stock_units_at(_inventory(), period=END)
    assert sorted(units["vin"]) == ["A", "B", "C", "D", "E", "G"]
    ages = dict(zip(units["vin"], units["age_days"]))
    assert ages == {"A": 0, "B": 30, "C": 31, "D": 91, "E": 90, "G": 60}
    buckets = dict(zip(units["vin"], units["age_bucket"]))
    assert buckets["B"] == "stock_age_0_30" and buckets["C"] == "stock_age_31_60"
    assert buckets["E"] == "stock_age_61_90" and buckets["D"] == "stock_age_over_90"


def test_stock_figures_known_answer():
    # 46 units sold Aug–Oct (92 days) → 0.5 a day; 6 in stock → 12 days; standard 45 days → 22.5 units
    sales = _sales({"新款": 46})
    f = stock_figures(_inventory(), sales, periods=[END], stores=["S01"]).iloc[0]
    assert f["stock_units"] == 6
    assert (f["stock_age_0_30"], f["stock_age_31_60"], f["stock_age_61_90"], f["stock_age_over_90"]) == (2, 2, 1, 1)
    assert f["stock_days"] == pytest.approx(12.0)
    assert f["standard_stock"] == pytest.approx(22.5)
    assert f["stock_over_standard"] == pytest.approx(-16.5)
    assert f["stock_capital"] == 700_000  # 5 × 100 000 + 200 000
    assert f["stock_capital_cost_month"] == pytest.approx(3_500)  # 700 000 × 6 % ÷ 12 (default rate)
    assert bool(f["rate_is_default"])
    rates = pd.DataFrame({"store_id": ["S01"], "period": [END], "capital_cost_rate": [0.12]})
    f = stock_figures(_inventory(), sales, periods=[END], stores=["S01"], capital_cost_rates=rates).iloc[0]
    assert f["stock_capital_cost_month"] == pytest.approx(7_000) and not bool(f["rate_is_default"])


def test_slow_movers_by_age_and_by_depth():
    # 老款: D is 91 days old → slow; 新款 sold 2 in 3 months (1/46 a day): 4 units = 92 days > 2 × 45 → slow too
    t = stock_by_model(_inventory(), _sales({"新款": 2, "老款": 46}), period=END)
    slow = t.set_index("model")
    assert slow.loc["老款", "slow_reason"] == "有超90天库龄车"
    assert slow.loc["新款", "stock_days"] == pytest.approx(4 / (2 / 92))
    assert slow.loc["新款", "slow_reason"] == "库存深度超过标准两倍"
    t = stock_by_model(_inventory(), _sales({"新款": 46, "老款": 46}), period=END)
    assert t.set_index("model").loc["新款", "slow"] == False  # noqa: E712  4 units at 0.5 a day = 8 days
    assert policy.slow_movers(_inventory(), _sales({"新款": 46, "老款": 46}), period=END)["model"].tolist() == ["老款"]


def test_call_off_accuracy_and_sell_through():
    orders = pd.DataFrame({"store_id": ["S01", "S01"], "period": [END, END], "model": ["a", "b"],
                           "ordered": [10, 10], "called_off": [9, 6]})
    r = call_off_accuracy(orders, periods=[END, "2026-09"], stores=["S01"])
    assert r.iloc[0]["value"] == pytest.approx(0.75)  # 15 ÷ 20
    assert math.isnan(r.iloc[1]["value"]) and r.iloc[1]["reason"]
    # September arrivals: C (unsold), F (44 days), G (62 days), I (30 days → counts) → 1 of 4
    st_ = sell_through_30d(_inventory(), periods=[END], stores=["S01"]).iloc[0]
    assert (st_["sold_30d"], st_["arrived"], st_["value"]) == (1, 4, 0.25)


def test_marketing_cost_per_unit():
    fin = pd.DataFrame({"store_id": ["S01", "S01"], "period": [END, "2026-09"], "marketing_cost": [92_000.0, np.nan]})
    sales = _sales({"新款": 20}, start="2026-10-01")
    r = marketing_cost_per_unit(fin, sales, periods=[END, "2026-09"], stores=["S01"])
    assert r.iloc[0]["value"] == pytest.approx(4_600)  # 92 000 ÷ 20
    assert math.isnan(r.iloc[1]["value"]) and "市场费用" in r.iloc[1]["reason"]


def test_call_off_plan_refills_to_the_standard():
    # 0.5 a day → 15 next month; target stock 0.5 × 45 = 22.5; order = 15 + 22.5 − 6 = 31.5 → 32
    t = stock_by_model(_inventory().assign(model="新款"), _sales({"新款": 46}), period=END)
    plan = call_off_plan(t)
    assert plan.iloc[0]["order"] == 32
    assert call_off_plan(t, expected_sales={"新款": 0}).iloc[0]["order"] == 0


# ------------------------------------------------------------------------------ figures on a Dataset


def _dataset(*, sold=93, with_stock=True, with_policy=True) -> Dataset:
    sales = _sales({"新款": sold}, start="2026-10-01")
    frames = {
        "stores": pd.DataFrame({"store_id": ["S01"], "store_name": ["一店"]}),
        "sales": sales.assign(staff_id="E1", channel="展厅"),
        "addons": pd.DataFrame({"addon_id": [f"D{i}" for i in range(sold)], "store_id": "S01",
                                "sale_id": sales["sale_id"], "product": "保险", "revenue": 2_000.0, "gross_profit": 500.0}),
        "market": pd.DataFrame({"store_id": ["S01"], "period": [END], "volume_plan": [100.0]}),
        "monthly_finance": pd.DataFrame({"store_id": ["S01"], "period": [END], "marketing_cost": [93_000.0]}),
    }
    if with_policy:
        frames["oem_policy"] = pd.DataFrame(
            {"store_id": [None, None, None], "period": [None, None, None], "item": ["VP达成奖", "VP达成奖", "暗访奖"],
             "basis": ["vp_achievement", "vp_achievement", "score"], "threshold": [0.95, 1.0, 85.0],
             "amount_per_unit": [300.0, 800.0, 100.0], "lump_sum": [0.0, 50_000.0, 0.0]})
        frames["oem_scores"] = pd.DataFrame({"store_id": ["S01"], "period": [END], "item": ["暗访"], "score": [88.0]})
    if with_stock:
        frames["inventory"] = _inventory()
        frames["oem_orders"] = pd.DataFrame({"store_id": ["S01"], "period": [END], "model": ["新款"], "ordered": [10],
                                             "called_off": [8]})
    return Dataset.from_frames(frames)


def _value(long, metric):
    row = long[long["metric"] == metric].iloc[0]
    return row["value"], row["reason"]


def test_long_metrics_rebates_and_cliff_known_answer():
    long = policy.long_metrics(_dataset(), periods=[END])
    assert list(long.columns) == ["store_id", "period", "metric", "value", "reason"]
    assert list(long["metric"]) == list(policy.POLICY_METRICS)
    assert _value(long, "rebate.VP达成奖")[0] == 0  # 93 % < 95 %: nothing
    assert _value(long, "rebate.暗访奖")[0] == 9_300  # 88 ≥ 85: 100 × 93
    v, why = _value(long, "rebate.SSI奖")
    assert math.isnan(v) and why == "商务政策中没有该项目"
    assert _value(long, "rebate_total")[0] == 9_300
    # (93 × 1 000 vehicle + 93 × 500 add-on + 9 300 rebates) ÷ 93 = 1 600
    assert _value(long, "gross_per_unit_incl_rebates")[0] == pytest.approx(1_600)
    assert _value(long, "vp_next_tier_units")[0] == 2
    assert _value(long, "vp_next_tier_gain")[0] == 28_700  # 95 × 300 + 2 × 100
    assert _value(long, "vp_breakeven_discount")[0] == pytest.approx(28_700 / 2 + 1_500)
    assert _value(long, "marketing_cost_per_unit")[0] == pytest.approx(1_000)  # 93 000 ÷ 93
    assert _value(long, "call_off_accuracy")[0] == pytest.approx(0.8)
    assert _value(long, "stock_units")[0] == 6


def test_top_tier_and_missing_tables_give_reasons():
    long = policy.long_metrics(_dataset(sold=101), periods=[END])
    v, why = _value(long, "vp_next_tier_units")
    assert math.isnan(v) and "最高一档" in why
    long = policy.long_metrics(_dataset(with_stock=False, with_policy=False), periods=[END])
    for m in ("stock_units", "stock_capital", "sell_through_30d"):
        v, why = _value(long, m)
        assert math.isnan(v) and why == "缺少库存车辆表"
    v, why = _value(long, "rebate_total")
    assert math.isnan(v) and why == "缺少商务政策表"
    assert _value(long, "call_off_accuracy")[1] == "缺少厂家订车表"
    assert long["value"].notna().sum() == 1  # only marketing cost per unit is available


def test_demo_planted_cases():
    from dealerlab.datasets import load_demo

    ds = load_demo()
    lad = policy.cliff(ds, store="S01", period="2026-10")
    nxt = lad[lad["is_next"]].iloc[0]
    assert nxt["units_needed"] in (2, 3) and nxt["gain"] > 0
    t = policy.slow_movers(ds["inventory"], ds["sales"], period="2026-10", stores=["S02"])
    assert "亚洲龙" in t["model"].tolist()
    acc = call_off_accuracy(ds["oem_orders"], periods=["2026-10"], stores=["S01", "S02", "S03"]).set_index("store_id")["value"]
    assert acc["S03"] < 0.75 < min(acc["S01"], acc["S02"])


def test_registry_lists_the_family_in_the_same_order():
    from dealerlab import figures, metrics

    assert metrics.ids("policy") == list(policy.POLICY_METRICS)
    assert figures.FAMILIES["policy"] is policy.long_metrics
    long = figures.compute(_dataset(), periods=[END], metrics=["stock_units", "rebate_total", "volume"])
    assert list(long["metric"]) == ["volume", "stock_units", "rebate_total"]  # registry order
