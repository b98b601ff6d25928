"""The path model of docs/DOMAIN.md §10 on a hand-built cohort: every figure below is counted by hand in the comments.

Store P (乘用车), month M = 2026-10, cohort window 2026-05..2026-10. Every P lead is created in September and closed
in October (so all are open at start(M): L = 180, N = 0):

| group | first_contact | visited | 再次 visit (Oct) | test drive | leads | sold |
|---|---|---|---|---|---|---|
| G1 | 来电 | yes (Sept) | no | no | 40 | 12 |
| G2 | 来电 | no | no | no | 50 | 1 |
| G3 | 到店 | yes (Sept) | yes | no | 30 | 3 |
| G4 | 到店 | yes (Sept) | no | yes (Oct, before close) | 30 | 18 |
| G5 | 到店 | yes (Sept) | no | no (one drive AFTER its close) | 30 | 3 |

Store Q (商用车): 20 leads closed in October (10 sold), one closed 2026-04-30 (outside the window), one 跟进中.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.errors import ParameterError
from dealerlab.funnel import load_benchmark_set, load_benchmarks
from dealerlab.funnel.paths import (
    path_shares,
    reachable_target,
    stage_extra_sales,
    stage_gains,
    target_source,
    what_if,
)

M = "2026-10"
T = pd.Timestamp


def cohort_dataset() -> Dataset:
    leads, visits, drives, sales, addons = [], [], [], [], []
    n = 0

    def add(store, first, k, sold, *, visit=True, revisit=False, drive=False, drive_after=0):
        nonlocal n
        for i in range(k):
            n += 1
            lid = f"{store}-L{n:03d}"
            leads.append((lid, store, T("2026-09-02"), first, "成交" if i < sold else "战败", T("2026-10-20")))
            if visit:
                visits.append((f"V{n}a", store, T("2026-09-05"), "首次", lid))
            if revisit:
                visits.append((f"V{n}b", store, T("2026-10-06"), "再次", lid))
            if drive:
                drives.append((f"T{n}", store, lid, T("2026-10-06")))
            if i < drive_after:  # a drive after the lead closed does not make it test-driven
                drives.append((f"T{n}x", store, lid, T("2026-10-25")))

    add("P", "来电", 40, 12)
    add("P", "来电", 50, 1, visit=False)
    add("P", "到店", 30, 3, revisit=True)
    add("P", "到店", 30, 18, drive=True)
    add("P", "到店", 30, 3, drive_after=1)
    add("Q", "到店", 20, 10)
    leads.append(("Q-OLD", "Q", T("2026-03-01"), "到店", "成交", T("2026-04-30")))
    leads.append(("Q-OPEN", "Q", T("2026-09-01"), "到店", "跟进中", None))
    # showroom sales of P: 34 in September (best month), 27 in October; gross 2 000 each, one add-on of 1 000 gross
    for i in range(61):
        month = "2026-09-15" if i < 34 else "2026-10-15"
        sales.append((f"SA{i}", "P", None, T(month), "展厅", 100000.0, 2000.0))
        addons.append((f"AD{i}", "P", f"SA{i}", "保险", 3000.0, 1000.0))
    frames = {
        "stores": pd.DataFrame([("P", "乘用车店", "乘用车"), ("Q", "商用车店", "商用车")],
                               columns=["store_id", "store_name", "business"]),
        "leads": pd.DataFrame(leads, columns=["lead_id", "store_id", "created_date", "first_contact", "status", "closed_date"]),
        "visits": pd.DataFrame(visits, columns=["visit_id", "store_id", "visit_date", "visit_type", "lead_id"]),
        "test_drives": pd.DataFrame(drives, columns=["test_drive_id", "store_id", "lead_id", "drive_date"]),
        "sales": pd.DataFrame(sales, columns=["sale_id", "store_id", "lead_id", "invoice_date", "channel", "price", "gross_profit"]),
        "addons": pd.DataFrame(addons, columns=["addon_id", "store_id", "sale_id", "product", "revenue", "gross_profit"]),
    }
    return Dataset.from_frames(frames)


@pytest.fixture(scope="module")
def ds():
    return cohort_dataset()


def test_each_path_share_on_the_hand_built_cohort(ds):
    s = path_shares(ds, period=M, stores=["P"]).set_index("share")
    # cohort 180 leads, 37 sold
    assert (s.at["p_lead", "leads"], s.at["p_lead", "sold"]) == (180, 37)
    assert s.at["p_lead", "value"] == pytest.approx(37 / 180)
    assert s.at["p_call_visited", "value"] == pytest.approx(12 / 40)
    assert s.at["p_call_unvisited", "value"] == pytest.approx(1 / 50)
    # visited 130: revisited G3 (30, 3 sold); not revisited G1 + G4 + G5 (100, 33 sold)
    assert s.at["p_revisit", "value"] == pytest.approx(3 / 30)
    assert s.at["p_norevisit", "value"] == pytest.approx(33 / 100)
    # test-driven G4 (30, 18 sold); not: G1 + G3 + G5 (100, 18 sold) — G5's drive after closing does not count
    assert s.at["p_td", "value"] == pytest.approx(18 / 30)
    assert s.at["p_notd", "value"] == pytest.approx(18 / 100)
    assert (s["reason"] == "").all()


def test_thirty_lead_minimum(ds):
    q = path_shares(ds, period=M, stores=["Q"]).set_index("share")
    # 20 leads closed in the window (Q-OLD closed before 2026-05, Q-OPEN is still open): under 30 → not available
    assert q.at["p_lead", "leads"] == 20 and math.isnan(q.at["p_lead", "value"])
    assert q.at["p_lead", "reason"] == "样本不足，少于 30 条已结案潜客"
    # P's call-visited group has 40 leads: available at 30, not at 41
    p = path_shares(ds, period=M, stores=["P"], min_leads=41).set_index("share")
    assert math.isnan(p.at["p_call_visited", "value"]) and p.at["p_call_unvisited", "value"] == pytest.approx(0.02)
    en = path_shares(ds, period=M, stores=["Q"], lang="en").set_index("share")
    assert "fewer than 30" in en.at["p_lead", "reason"]


def test_each_stage_extra_sales_known_answers():
    counts = {"FV": 200, "FC": 100, "C": 60, "W": 120, "CV": 18, "L": 35, "N": 200, "RnoTD": 12}
    shares = {"p_lead": 0.12, "p_call_visited": 0.30, "p_call_unvisited": 0.02, "p_revisit": 0.34, "p_norevisit": 0.31,
              "p_td": 0.50, "p_notd": 0.15}
    # capture (0.63 − 0.56) × 300 × 0.12 = 2.52
    assert stage_extra_sales("capture_rate", current=0.56, new=0.63, counts=counts, shares=shares) == pytest.approx(2.52)
    # call-visit (0.35 − 0.30) × 60 × (0.30 − 0.02) = 0.84
    assert stage_extra_sales("call_visit_rate", current=0.30, new=0.35, counts=counts, shares=shares) == pytest.approx(0.84)
    # revisit (0.24 − 0.22) × (120 + 18 + 35) × (0.34 − 0.31) = 0.1038
    assert stage_extra_sales("revisit_rate", current=0.22, new=0.24, counts=counts, shares=shares) == pytest.approx(0.1038)
    # test drive (0.47 − 0.38) × (120 + 18 + 12) × (0.50 − 0.15) = 4.725
    assert stage_extra_sales("test_drive_rate", current=0.38, new=0.47, counts=counts, shares=shares) == pytest.approx(4.725)
    # close (0.185 − 0.17) × (35 + 200) = 3.525 (exact by the definition of close_rate)
    assert stage_extra_sales("close_rate", current=0.17, new=0.185, counts=counts, shares=shares) == pytest.approx(3.525)
    # a share not available → not available
    assert math.isnan(stage_extra_sales("test_drive_rate", current=0.38, new=0.47, counts=counts, shares={"p_td": 0.5}))
    with pytest.raises(ParameterError):
        stage_extra_sales("volume", current=1, new=2, counts=counts, shares=shares)


def test_reachable_target_rule():
    assert reachable_target(0.30, 0.50, 0.35) == pytest.approx(0.40) and target_source(0.30, 0.50, 0.35) == "half_gap"
    assert reachable_target(0.30, 0.50, 0.46) == pytest.approx(0.46) and target_source(0.30, 0.50, 0.46) == "own_best"
    assert reachable_target(0.30, 0.50, 0.60) == pytest.approx(0.50) and target_source(0.30, 0.50, 0.60) == "benchmark"
    assert reachable_target(0.30, 0.50, math.nan) == pytest.approx(0.40)
    assert math.isnan(reachable_target(math.nan, 0.5, 0.4))


def test_stage_gains_on_the_hand_built_cohort(ds):
    g = stage_gains(ds, period=M, stores=["P"]).set_index("metric")
    # close: S_room Oct 27 / (L 180 + N 0) = 0.15; Sept 34 / (0 + 180) = 0.1889 is the best month
    # reachable = min(0.20, max(0.1889, 0.175)) = 0.1889 (own best); Δ = (34/180 − 0.15) × 180 = 7
    c = g.loc["close_rate"]
    assert c["value"] == pytest.approx(0.15) and c["own_best"] == pytest.approx(34 / 180)
    assert c["target_source"] == "own_best" and c["target_basis"] == "本店近6个月最好水平"
    assert c["extra_sales"] == pytest.approx(7.0) and c["benchmark_extra_sales"] == pytest.approx(9.0)
    # value with add-on gross: (2 000 vehicle + 1 000 add-on) per unit → 21 000; at benchmark 27 000
    assert c["gross_per_unit_total"] == pytest.approx(3000) and c["extra_gross"] == pytest.approx(21000)
    assert c["benchmark_extra_gross"] == pytest.approx(27000)
    # share of the store's gross of M: 27 × 3 000 = 81 000 → 21 000 / 81 000
    assert c["store_gross"] == pytest.approx(81000) and c["share_of_gross"] == pytest.approx(7 / 27)
    assert c["status"] == "gain" and c["benchmark_source"].startswith("dealerlab 教学默认值")
    # revisit: R 30 / (W 0 + CV 0 + L 180) = 0.1667 < 0.25, but revisited leads buy LESS (10% vs 33%): no gain
    r = g.loc["revisit_rate"]
    assert r["value"] == pytest.approx(30 / 180) and r["status"] == "no_gain"
    assert r["extra_sales"] == 0 and r["extra_gross"] == 0 and "没有增益" in r["reason"]
    assert "10.0%" in r["reason"] and "33.0%" in r["reason"]
    # test drive TD 30 / (0 + 0 + RnoTD 30) = 1.0 ≥ 0.50: no finding
    assert g.loc["test_drive_rate", "status"] == "at_benchmark" and g.loc["test_drive_rate", "extra_sales"] == 0
    # capture: no first visits or calls in October → not available
    assert g.loc["capture_rate", "status"] == "na"
    assert g.index[0] == "close_rate"  # ranked by extra gross


def test_negative_path_difference_is_no_gain_never_a_loss():
    r = what_if(rates={"revisit_rate": 0.2}, counts={"W": 100, "CV": 0, "L": 0}, shares={"p_revisit": 0.1, "p_norevisit": 0.3},
                changes={"revisit_rate": 0.3}, gross_per_unit=1000)
    assert r.iloc[0]["extra_sales"] == 0 and r.iloc[0]["extra_gross"] == 0 and "没有增益" in r.iloc[0]["note"]
    # the raw formula is negative: (0.3 − 0.2) × 100 × (0.1 − 0.3) = −2
    assert stage_extra_sales("revisit_rate", current=0.2, new=0.3, counts={"W": 100, "CV": 0, "L": 0},
                             shares={"p_revisit": 0.1, "p_norevisit": 0.3}) == pytest.approx(-2.0)


def test_what_if_values_add_on_gross_and_rejects_bad_input():
    r = what_if(rates={"test_drive_rate": 0.44}, counts={"W": 60, "CV": 10, "RnoTD": 20}, shares={"p_td": 0.49, "p_notd": 0.13},
                changes={"test_drive_rate": 0.55}, gross_per_unit=1000, addon_gross_per_unit=2000)
    # (0.55 − 0.44) × 90 × 0.36 = 3.564; × (1 000 + 2 000) = 10 692
    assert r.iloc[0]["extra_sales"] == pytest.approx(3.564) and r.iloc[0]["extra_gross"] == pytest.approx(10692)
    with pytest.raises(ParameterError):
        what_if(rates={}, counts={}, shares={}, changes={"volume": 0.5}, gross_per_unit=1)
    with pytest.raises(ParameterError):
        what_if(rates={"close_rate": 0.1}, counts={}, shares={}, changes={"close_rate": 55}, gross_per_unit=1)


def test_benchmarks_per_business_type_and_user_file(tmp_path, ds):
    b = load_benchmark_set()
    assert b.of("乘用车")["capture_rate"] == 0.70 and b.of("商用车")["capture_rate"] == 0.80
    assert b.of("商用车")["test_drive_rate"] == 0.30 and b.of(None) == b.of("乘用车")
    assert b.source("商用车") == "dealerlab 教学默认值（非厂家标准，请以厂家或集团标杆替换）（商用车）"
    assert load_benchmarks(business="商用车")["close_rate"] == 0.25
    csv = tmp_path / "b.csv"
    csv.write_text("business,metric,benchmark,source\n商用车,close_rate,0.3,厂家2026标准\n,capture_rate,0.6,\n", encoding="utf-8")
    u = load_benchmark_set(csv)
    assert u.of("商用车")["close_rate"] == 0.3 and u.of("乘用车")["close_rate"] == 0.20
    assert u.of("乘用车")["capture_rate"] == 0.6 and u.of("商用车")["capture_rate"] == 0.6
    assert u.source("商用车").startswith("厂家2026标准")
    js = tmp_path / "b.json"
    js.write_text('{"source": "集团标杆", "乘用车": {"test_drive_rate": 0.55}}', encoding="utf-8")
    assert load_benchmark_set(js).of("乘用车")["test_drive_rate"] == 0.55
    assert load_benchmark_set(js).of("商用车")["test_drive_rate"] == 0.30
    bad = tmp_path / "bad.csv"
    bad.write_text("business,metric,benchmark\n货车,close_rate,0.3\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="第 2 行"):
        load_benchmark_set(bad)
    # two stores of different business types get different benchmarks
    g = stage_gains(ds, period=M)
    bench = g.groupby("store_id")["benchmark"].apply(list)
    assert bench["P"] != bench["Q"]
    assert set(g.loc[g["store_id"] == "Q", "business"]) == {"商用车"}
