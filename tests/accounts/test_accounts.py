"""Course module 6: RFM, tiers, churn, estimator — hand-built accounts with answers worked by hand."""

import pickle

import pandas as pd
import pytest

from dealerlab import accounts as A
from dealerlab.data.dataset import Dataset

D = pd.Timestamp("2026-10-31")


def test_quintile_scores_with_ties_broken_by_id():
    # 10 accounts; values with ties: a1..a10
    ids = pd.Series([f"a{i:02d}" for i in range(1, 11)])
    vals = pd.Series([5, 5, 1, 2, 3, 4, 9, 9, 9, 0])
    s = A.quintile_scores(vals, ids)
    # sorted (value, id): a10(0) a03(1) a04(2) a05(3) a06(4) a01(5) a02(5) a07(9) a08(9) a09(9)
    # ranks 1..10 → scores 1 1 2 2 3 3 4 4 5 5
    expected = {"a10": 1, "a03": 1, "a04": 2, "a05": 2, "a06": 3, "a01": 3, "a02": 4, "a07": 4, "a08": 5, "a09": 5}
    assert dict(zip(ids, s)) == expected


def test_quintile_scores_reversed_recent_is_best():
    ids = pd.Series(["a", "b", "c", "d", "e"])
    days = pd.Series([10.0, 400, 30, None, 30])  # d never active → worst
    s = A.quintile_scores(days, ids, reverse=True)
    # worst first: d(NaN) b(400) c(30) e(30) a(10) → ranks 1..5 → scores 1..5; the tie c/e goes by id
    assert dict(zip(ids, s)) == {"d": 1, "b": 2, "c": 3, "e": 4, "a": 5}


def _ds(extra_accounts=(), sales_rows=(), ro_rows=()):
    base = [
        # id, industry, fleet, level, planned
        ("A1", "民营企业", 3, "中层", 0),    # biggest money → 价值型
        ("A2", "国有企业", 2, "基层", 0),    # state-owned → 重要型
        ("A3", "民营企业", 4, "高层", 0),    # top contact level → 重要型
        ("A4", "物流运输", 2, "基层", 10),   # large planned purchases → 潜力型
        ("A5", "其他", 1, "基层", 0),        # nothing special → 一般
    ]
    base += list(extra_accounts)
    acc = pd.DataFrame(base, columns=["account_id", "industry", "fleet_size", "contact_level", "planned_purchases"])
    acc["store_id"] = "S1"
    acc["account_name"] = acc["account_id"] + "公司"
    sales = pd.DataFrame(
        list(sales_rows) or [
            ("s1", "A1", "2026-09-01", 900_000.0),
            ("s2", "A2", "2026-08-01", 200_000.0),
            ("s3", "A3", "2026-07-01", 150_000.0),
            ("s4", "A5", "2026-06-01", 100_000.0),
        ],
        columns=["sale_id", "account_id", "invoice_date", "price"],
    )
    sales = sales.assign(store_id="S1", staff_id="c1", channel="大客户", model="X", invoice_date=pd.to_datetime(sales["invoice_date"]))
    ro = pd.DataFrame(list(ro_rows) or [("r1", "A4", "2026-10-31", 1_000.0)], columns=["ro_id", "account_id", "open_date", "revenue"])
    ro = ro.assign(store_id="S1", ro_type="保养", open_date=pd.to_datetime(ro["open_date"]))
    return Dataset.from_frames({"accounts": acc, "sales": sales, "service_orders": ro})


def test_tiers_with_precedence():
    t = A.tier_accounts(_ds(), as_of=D).set_index("account_id")["tier"]
    assert t.to_dict() == {"A1": "价值型", "A2": "重要型", "A3": "重要型", "A4": "潜力型", "A5": "一般"}


def test_value_and_importance_is_value():
    # A1 also state-owned and fleet 12: still 价值型 (value comes first)
    ds = _ds()
    ds.tables["accounts"].loc[ds.accounts["account_id"] == "A1", ["industry", "fleet_size"]] = ["国有企业", 12]
    t = A.tier_accounts(ds, as_of=D).set_index("account_id")["tier"]
    assert t["A1"] == "价值型"


def test_potential_formula():
    act = A.account_activity(_ds(), as_of=D)
    pot = A._potential(act).set_axis(act["account_id"])
    # A4: 10 planned + 0.2 × 2 fleet − 0 units = 10.4; A1: 0 + 0.6 − 1 unit → clipped to 0
    assert pot["A4"] == pytest.approx(10.4)
    assert pot["A1"] == 0


@pytest.mark.parametrize("days, churn", [(179, False), (180, False), (181, True)])
def test_churn_rule_at_180_days(days, churn):
    last = (D - pd.Timedelta(days=days)).strftime("%Y-%m-%d")
    ds = _ds(sales_rows=[("s1", "A1", last, 900_000.0), ("s2", "A5", "2026-10-01", 1_000.0)])
    t = A.tier_accounts(ds, as_of=D).set_index("account_id")
    assert t.loc["A1", "tier"] == "价值型"
    assert t.loc["A1", "recency_days"] == days
    assert bool(t.loc["A1", "churn"]) is churn
    assert ("A1" in set(A.churn_warnings(t.reset_index())["account_id"])) is churn


def test_rfm_values_window_and_scores():
    ds = _ds(sales_rows=[("s1", "A1", "2026-09-01", 900_000.0), ("s0", "A1", "2024-09-01", 500_000.0)])
    r = A.rfm(ds, as_of=D).set_index("account_id")
    # the 2024-09-01 sale is outside the 24 months to D: F counts 1 sale, M 900 000
    assert r.loc["A1", "F"] == 1 and r.loc["A1", "M"] == 900_000
    assert r.loc["A1", "R"] == (D - pd.Timestamp("2026-09-01")).days
    assert r.loc["A1", "M_score"] == 5
    # A4 has a service order on D itself: R = 0 → most recent → R score 5
    assert r.loc["A4", "R"] == 0 and r.loc["A4", "R_score"] == 5


def test_estimator_fit_transform_and_pickle():
    ds = _ds()
    est = A.TierEstimator().fit(ds, as_of=D)
    assert est.value_line_ == 900_000  # 5 accounts → the top quintile is one account
    again = pickle.loads(pickle.dumps(est))
    tiers = again.transform(ds, as_of=D).set_index("account_id")["tier"]
    assert tiers["A1"] == "价值型"
    # apply the lines learned here to another group: an account with 950 000 there is 价值型, with 800 000 not
    other = _ds(sales_rows=[("s1", "A1", "2026-09-01", 950_000.0), ("s2", "A5", "2026-09-01", 800_000.0)])
    t2 = again.transform(other, as_of=D).set_index("account_id")["tier"]
    assert t2["A1"] == "价值型" and t2["A5"] == "一般"
    assert "value_line_" in repr(again)


def test_lifetime_value_with_measured_retention():
    # DOMAIN §13: A1 bought in both years (retained), A2 only in the earlier year (lost), A3 only recently (not in base)
    rows = [("s1", "A1", "2025-06-01", 500_000.0), ("s2", "A1", "2026-06-01", 400_000.0),
            ("s3", "A2", "2025-03-01", 300_000.0), ("s4", "A3", "2026-02-01", 200_000.0)]
    ds = _ds(sales_rows=rows)
    ds.tables["sales"]["gross_profit"] = [9_000.0, 11_000.0, 5_000.0, 4_000.0]
    t = A.tier_accounts(ds, as_of=D).assign(seg="all")
    clv = A.lifetime_value(t, by="store_id").iloc[0]
    # base = {A1, A2}, retained = {A1} → r = 0.5; margin of the last 12 months: A1 11 000, A3 4 000, others 0 over 5
    assert (clv["base"], clv["retained"]) == (2, 1) and clv["retention"] == pytest.approx(0.5)
    assert clv["annual_margin"] == pytest.approx(15_000 / 5)
    assert clv["clv"] == pytest.approx(3_000 * 0.5 / (1.1 - 0.5))


def test_lifetime_value_and_industry_mix():
    t = A.tier_accounts(_ds(), as_of=D)
    clv = A.lifetime_value(t).set_index("tier")
    # every purchase is in the last 12 months: nobody was active in the earlier 12 → r not measured, no CLV (never r = 1)
    assert clv["retention"].isna().all() and clv["clv"].isna().all() and (clv["reason"] != "").all()
    mix = A.industry_mix(t)
    assert mix["share_accounts"].sum() == pytest.approx(1)
