"""Course module 9 formulas beyond the four registry figures: 客户细分 (segments), the points ledger (老推新, 积分换精品),
referral leads and ★ 续保率 — known answers computed by hand."""

import math

import pandas as pd
import pytest

from dealerlab import retention
from dealerlab.errors import ParameterError
from tests.retention.test_retention import M, _dataset  # the A–E / V1–V4 case of docs/DOMAIN.md §11


def test_segments_known_answer():
    # M = 2026-12. A: last 2026-05 → 7 months → 流失预警; B: last 2025-06 → 18 → 已流失; C: 2026-11 → 1, one visit,
    # 3,000 yuan → 活跃; D: 2026-08 → 4 → 活跃; E: 2024-12 outside the 24 months → not in the base;
    # V1 2026-07 → 5 → 活跃; V2 2026-11 → 1 → 活跃; V4 2026-02 → 10 → 流失预警
    s = retention.segments(_dataset(), period=M, show_pii=True)
    got = dict(zip(s["vin"].str[-1].where(~s["vin"].str.startswith("NEW"), s["vin"]), s["segment_name"]))
    assert got == {"1": "流失预警", "2": "已流失", "3": "活跃", "4": "活跃", "NEWV1": "活跃", "NEWV2": "活跃",
                   "NEWV4": "流失预警"}
    row = s[s["vin"].str.endswith("3") & ~s["vin"].str.startswith("NEW")].iloc[0]
    assert (row["months_since"], row["visits_12m"], row["revenue_12m"], row["owner"]) == (1, 1, 3000.0, "个人")
    # the display order: 高价值, 活跃, 流失预警, 已流失
    assert s["segment"].tolist() == ["active"] * 4 + ["warning"] * 2 + ["lapsed"]
    # a lower spend line makes C 高价值
    s2 = retention.segments(_dataset(), period=M, vip_revenue=3000)
    assert (s2["segment_name"] == "高价值").sum() == 1
    masked = retention.segments(_dataset(), period=M)
    assert not masked["vin"].str.contains("VINAAAA").any()


@pytest.mark.parametrize("args, want", [
    ({"months_since": 12, "visits_12m": 0, "revenue_12m": 0}, "lapsed"),
    ({"months_since": 6, "visits_12m": 5, "revenue_12m": 9000}, "warning"),
    ({"months_since": 5, "visits_12m": 3, "revenue_12m": 0}, "vip"),
    ({"months_since": 0, "visits_12m": 1, "revenue_12m": 5000}, "vip"),
    ({"months_since": 5, "visits_12m": 2, "revenue_12m": 4999}, "active"),
])
def test_segment_of_rule_edges(args, want):
    assert retention.segment_of(**args) == want


def test_segments_of_the_demo_cover_every_base_vehicle():
    from dealerlab.datasets import load_demo

    ds = load_demo()
    s = retention.segments(ds, period="2026-10", stores=["S03"])
    base = retention.retention_figures(ds, periods=["2026-10"], stores=["S03"]).set_index("metric")
    assert len(s) == base.loc["base_vehicles", "value"] == 3776
    assert set(s["segment"]) <= set(retention.SEGMENTS)


EVENTS = pd.DataFrame([
    ("甲", "2026-01-05", "消费", 1250),   # floor(125.0) = 125 → 125
    ("甲", "2026-02-10", "老推新", None),  # +3000 → 3125
    ("乙", "2026-02-11", "兑换", 500),     # balance 0: refused
    ("甲", "2026-03-01", "兑换", 2000),    # −2000 → 1125, cost 200 yuan
    ("乙", "2026-03-02", "消费", 4999),    # floor(499.9) = 499 → 499
    ("甲", "2026-03-05", "兑换", 1200),    # 1125 < 1200: refused
], columns=["customer", "date", "kind", "amount"])


def test_points_ledger_known_answer():
    led = retention.points_ledger(EVENTS)
    assert led["points"].tolist() == [125, 3000, 0, -2000, 499, 0]
    assert led["balance"].tolist() == [125, 3125, 0, 1125, 499, 1125]
    assert led["note"].tolist() == ["", "", "余额不足", "", "", "余额不足"]
    assert led["cost"].sum() == pytest.approx(200.0)
    other = retention.points_ledger(EVENTS, points_per_yuan=1, referral_points=500, yuan_per_point=0.01)
    # 1 point a yuan: 甲 1250, +500 → 1750; 2000 > 1750 refused; 1200 ≤ 1750 → 550 at 12 yuan
    assert other["balance"].tolist() == [1250, 1750, 0, 1750, 4999, 550]
    assert other["note"].tolist() == ["", "", "余额不足", "余额不足", "", ""]
    assert other["cost"].sum() == pytest.approx(12.0)


def test_points_ledger_refuses_bad_input():
    with pytest.raises(ParameterError, match="积分流水缺少列"):
        retention.points_ledger(EVENTS.drop(columns="kind"))
    with pytest.raises(ParameterError, match="类型只能是"):
        retention.points_ledger(EVENTS.assign(kind="赠送"))


def test_referral_leads_on_the_demo():
    raw = pd.read_csv(retention.__file__.rsplit("dealerlab", 1)[0] + "datasets/demo/leads.csv")
    raw = raw[raw["created_date"].str.startswith("2026-10") & (raw["store_id"] == "S01")]
    ref = raw[raw["channel"] == "转介绍"]
    from dealerlab.datasets import load_demo

    r = retention.referral_leads(load_demo(), periods=["2026-10"], stores=["S01"]).iloc[0]
    assert (r["leads"], r["referral"]) == (len(raw), len(ref)) == (348, 23)
    assert r["referral_won"] == (ref["status"] == "成交").sum()
    assert r["referral_share"] == pytest.approx(23 / 348)
    assert r["base"] == 21 and r["close_rate"] == pytest.approx((raw["status"] == "成交").sum() / 348)


def test_renewal_rate_known_answer():
    pol = pd.DataFrame({
        "store_id": ["S01"] * 6 + ["S02"],
        "vin": list("ABCDEFG"),
        "expiry_date": ["2026-10-03", "2026-10-12", "2026-10-20", "2026-10-28", "2026-10-31", "2026-11-02", "2026-10-15"],
        "renewed": [True, False, True, True, False, True, False],
    })
    r = retention.renewal_rate(pol, periods=["2026-10", "2026-12"]).set_index(["store_id", "period"])
    assert (r.loc[("S01", "2026-10"), "expiring"], r.loc[("S01", "2026-10"), "renewed"]) == (5, 3)
    assert r.loc[("S01", "2026-10"), "rate"] == pytest.approx(0.6)
    assert r.loc[("S02", "2026-10"), "rate"] == 0.0
    assert math.isnan(r.loc[("S01", "2026-12"), "rate"])
    with pytest.raises(ParameterError, match="保单表缺少列"):
        retention.renewal_rate(pol.drop(columns="renewed"), periods=["2026-10"])
