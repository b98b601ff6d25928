"""Funnel counts and rates (docs/DOMAIN.md §1): known answers and a hand-counted tiny dataset.

The dataset below is built in the test; every expected count is counted by hand in the comments.
Month under test M = 2026-10 (start 2026-10-01, end 2026-10-31).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.funnel import COUNT_IDS, FUNNEL_METRICS, funnel_counts, funnel_rates, long_metrics
from dealerlab.funnel.rates import evaluate
from dealerlab.metrics import LONG_COLUMNS, METRICS

M = "2026-10"
T = pd.Timestamp


def _frame(columns, rows):
    return pd.DataFrame(rows, columns=columns)


def tiny_frames() -> dict[str, pd.DataFrame]:
    """The hand-counted showroom log of store S1 (S2 has nothing in October: every denominator is 0)."""
    stores = _frame(["store_id", "store_name"], [("S1", "一店"), ("S2", "二店")])
    staff = _frame(
        ["staff_id", "store_id", "name", "department", "role", "hire_date", "leave_date"],
        [
            ("A", "S1", "甲", "销售部", "销售顾问", T("2024-01-01"), None),
            ("B", "S1", "乙", "销售部", "销售顾问", T("2024-01-01"), None),
            ("C", "S1", "丙", "销售部", "销售顾问", T("2026-10-15"), None),  # new, no events: zero row
            ("D", "S1", "丁", "销售部", "销售顾问", T("2023-01-01"), T("2026-08-31")),  # left: no row
        ],
    )
    leads = _frame(
        ["lead_id", "store_id", "staff_id", "created_date", "first_contact", "status", "closed_date"],
        [
            ("L1", "S1", "A", T("2026-10-03"), "到店", "跟进中", None),  # W, N
            ("L2", "S1", "A", T("2026-10-05"), "到店", "成交", T("2026-10-20")),  # W, N
            ("L3", "S1", "B", T("2026-10-02"), "来电", "跟进中", None),  # C, N
            ("L4", "S1", "B", T("2026-09-25"), "来电", "跟进中", None),  # L; 首次 visit in Oct → CV
            ("L5", "S1", "A", T("2026-08-10"), "到店", "成交", T("2026-10-01")),  # closed ON start(M) → L
            ("L6", "S1", "B", T("2026-09-15"), "到店", "战败", T("2026-09-30")),  # closed before start → not L
            ("L7", "S1", "B", T("2026-10-10"), "网络", "跟进中", None),  # N only
            ("L8", "S1", "A", T("2026-09-05"), "到店", "跟进中", None),  # L; TD in Sept, 再次 in Oct
            ("L9", "S1", "A", T("2026-10-12"), "来电", "跟进中", None),  # C, N
            ("L10", "S1", "A", T("2026-07-01"), "到店", "成交", T("2026-09-10")),  # closed before → not L
        ],
    )
    visits = _frame(
        ["visit_id", "store_id", "visit_date", "visit_type", "lead_id", "staff_id"],
        [
            ("V1", "S1", T("2026-10-03"), "首次", "L1", "A"),
            ("V2", "S1", T("2026-10-05"), "首次", "L2", "A"),
            ("V3", "S1", T("2026-10-06"), "首次", None, "A"),  # no contact details left
            ("V4", "S1", T("2026-10-07"), "首次", "L4", "B"),  # call lead from Sept → CV
            ("V5", "S1", T("2026-10-08"), "首次", "L3", "B"),  # call lead from Oct → CV
            ("V6", "S1", T("2026-10-15"), "再次", "L8", "A"),  # R; L8 drove in Sept → not RnoTD
            ("V7", "S1", T("2026-10-16"), "再次", "L1", "A"),  # R, RnoTD (L1's drive is in Oct, not before)
            ("V8", "S1", T("2026-10-31"), "再次", "L5", "A"),  # time set to 23:30 below: still October
            ("V9", "S1", T("2026-09-20"), "首次", "L6", "B"),  # September
            ("V10", "S1", T("2026-11-01"), "首次", None, "B"),  # November
            ("V11", "S1", T("2026-10-20"), "再次", "L1", "A"),  # L1 again: distinct leads → once
        ],
    )
    calls = _frame(
        ["call_id", "store_id", "call_date", "call_type", "lead_id"],
        [
            ("K1", "S1", T("2026-10-02"), "首次", "L3"),
            ("K2", "S1", T("2026-10-04"), "首次", None),
            ("K3", "S1", T("2026-10-09"), "再次", "L3"),
            ("K4", "S1", T("2026-09-25"), "首次", "L4"),
            ("K5", "S1", T("2026-10-12"), "首次", "L9"),
        ],
    )
    test_drives = _frame(
        ["test_drive_id", "store_id", "lead_id", "drive_date", "invited", "callback_reached", "satisfied"],
        [
            ("T1", "S1", "L8", T("2026-09-20"), False, None, None),  # September
            ("T2", "S1", "L1", T("2026-10-16"), True, True, True),
            ("T3", "S1", "L2", T("2026-10-05"), False, True, False),
            ("T4", "S1", "L4", T("2026-10-07"), True, False, None),  # not reached → not satisfied
            ("T5", "S1", "L1", T("2026-10-18"), None, True, True),  # invited blank = 否; L1 twice → TD once
        ],
    )
    sales = _frame(
        ["sale_id", "store_id", "lead_id", "staff_id", "invoice_date", "channel", "model", "price", "gross_profit"],
        [
            ("SA1", "S1", "L2", "A", T("2026-10-20"), "展厅", "X", 150000.0, 5000.0),
            ("SA2", "S1", "L5", "A", T("2026-10-01"), "展厅", "X", 150000.0, 3000.0),
            ("SA3", "S1", None, "B", T("2026-10-25"), "大客户", "X", 140000.0, 1000.0),
            ("SA4", "S1", None, "B", T("2026-10-26"), "二级网络", "X", 140000.0, None),
            ("SA5", "S1", None, "A", T("2026-09-28"), "展厅", "X", 150000.0, 4000.0),  # September
        ],
    )
    addons = _frame(
        ["addon_id", "store_id", "sale_id", "product", "revenue", "gross_profit"],
        [
            ("AD1", "S1", "SA1", "保险", 3000.0, 800.0),
            ("AD2", "S1", "SA1", "金融贷款", 2000.0, 1200.0),
            ("AD3", "S1", "SA2", "保险", 3000.0, 500.0),
            ("AD4", "S1", "SA5", "精品", 1000.0, 300.0),  # its sale is in September
            ("AD5", "S1", "SA3", "延保", 2000.0, None),  # blank gross counts 0
        ],
    )
    followups = _frame(
        ["followup_id", "store_id", "kind", "due_date", "done_date"],
        [
            ("F1", "S1", "潜客跟踪", T("2026-10-05"), T("2026-10-05")),  # on time (same day)
            ("F2", "S1", "潜客跟踪", T("2026-10-10"), T("2026-10-12")),  # late
            ("F3", "S1", "潜客跟踪", T("2026-10-20"), None),  # not done
            ("F4", "S1", "潜客跟踪", T("2026-09-30"), T("2026-10-01")),  # due in September
            ("F5", "S1", "售后跟踪", T("2026-10-22"), T("2026-10-21")),  # on time
        ],
    )
    market = _frame(["store_id", "period", "region_volume", "volume_plan"], [("S1", M, 40.0, 5.0)])
    return dict(stores=stores, staff=staff, leads=leads, visits=visits, calls=calls, test_drives=test_drives,
                sales=sales, addons=addons, followups=followups, market=market)


def tiny_dataset(drop=()) -> Dataset:
    frames = {k: v for k, v in tiny_frames().items() if k not in drop}
    ds = Dataset.from_frames(frames)
    if "visits" in ds.tables:
        v = ds.tables["visits"]
        # a datetime counts by its date: 2026-10-31 23:30 is in October
        v.loc[v["visit_id"] == "V8", "visit_date"] = T("2026-10-31 23:30")
    return ds


# Hand counts, S1, 2026-10:
#   traffic = V1 V2 V3 V4 V5 V6 V7 V8 V11 = 9;  FV = V1..V5 = 5;  FC = K1 K2 K5 = 3
#   W = L1 L2 = 2;  C = L3 L9 = 2;  N = L1 L2 L3 L7 L9 = 5
#   CV = {L4 (created Sept), L3} = 2;  L = {L4, L5 (closed on 10-01), L8} = 3
#   R = {L8, L1, L5} = 3;  RnoTD = {L1, L5} = 2 (L8 drove in Sept)
#   TD = {L1, L2, L4} = 3;  TDi = {L1 (T2), L4} = 2
#   S = SA1..SA4 = 4;  S_room = SA1 SA2 = 2;  大客户 1, 二级网络 1
EXPECTED_S1 = dict(traffic=9, FV=5, FC=3, W=2, C=2, N=5, CV=2, L=3, R=3, RnoTD=2, TD=3, TDi=2, S_room=2, S=4,
                   **{"volume.展厅": 2, "volume.二级网络": 1, "volume.大客户": 1})

# Rates, S1, 2026-10:
#   capture (W+C)/(FV+FC) = 4/8;  call_visit CV/C = 2/2;  revisit R/(W+CV+L) = 3/7
#   test_drive TD/(W+CV+RnoTD) = 3/6;  invite TDi/TD = 2/3
#   satisfaction: T2 T5 satisfied of T2..T5 = 2/4;  reached: T2 T3 T5 reached, 2 satisfied → 2/3
#   close S_room/(L+N) = 2/8;  followup F1 of F1..F3 = 1/3;  after-sale F5 of F5 = 1
#   vp 4/5;  share 4/40;  addon sales {SA1, SA2, SA3} / 4;  保险 {SA1, SA2} 2/4;  金融贷款 1/4;  延保 1/4
#   addon gross (800+1200+500+0)/4 = 625;  gross per unit (5000+3000+1000)/3 (SA4 blank) = 3000
EXPECTED_RATES_S1 = {
    "capture_rate": 0.5, "call_visit_rate": 1.0, "revisit_rate": 3 / 7, "test_drive_rate": 0.5,
    "test_drive_invite_share": 2 / 3, "test_drive_satisfaction": 0.5, "test_drive_satisfaction.reached": 2 / 3,
    "close_rate": 0.25, "followup_timeliness": 1 / 3, "aftersale_followup_timeliness": 1.0,
    "volume": 4, "volume.展厅": 2, "volume.二级网络": 1, "volume.大客户": 1,
    "vp_achievement": 0.8, "market_share": 0.1, "addon_penetration": 0.75,
    "addon_penetration.保险": 0.5, "addon_penetration.金融贷款": 0.25, "addon_penetration.精品": 0.0,
    "addon_penetration.延保": 0.25, "addon_penetration.上牌服务": 0.0, "addon_penetration.二手车置换": 0.0,
    "addon_penetration.其他": 0.0, "addon_gross_per_unit": 625.0, "gross_per_unit": 3000.0,
}


def _known(values):
    n = 1
    comps = {k: np.array([float(v)]) for k, v in values.items()}
    return comps, n


# ---------------------------------------------------------------------------------------------- known answers
def test_capture_rate_known_answer_uses_fixed_brackets():
    # (W + C) / (FV + FC) = (120 + 60) / (200 + 100) = 0.60; the literal seed reading 120 + 60/200 + 100 = 220.3
    comps, _ = _known(dict(W=120, C=60, FV=200, FC=100))
    vals, reasons = evaluate(comps, {}, {}, ["capture_rate"])
    assert vals["capture_rate"][0] == pytest.approx(0.60)
    assert vals["capture_rate"][0] != pytest.approx(120 + 60 / 200 + 100)
    assert reasons["capture_rate"][0] == ""


def test_test_drive_and_satisfaction_known_answers():
    # TD / (W + CV + RnoTD) = 90 / (150 + 30 + 20) = 0.45; satisfaction 72/90 = 0.80, of reached 72/80 = 0.90
    comps, _ = _known(dict(TD=90, W=150, CV=30, RnoTD=20, _td_satisfied=72, _td_rows=90, _td_sat_reached=72,
                           _td_reached=80))
    vals, _ = evaluate(comps, {}, {}, ["test_drive_rate", "test_drive_satisfaction", "test_drive_satisfaction.reached"])
    assert vals["test_drive_rate"][0] == pytest.approx(0.45)
    assert vals["test_drive_satisfaction"][0] == pytest.approx(0.80)
    assert vals["test_drive_satisfaction.reached"][0] == pytest.approx(0.90)


def test_close_rate_excludes_fleet_and_revisit_known_answer():
    # close = S_room / (L + N) = 60 / (250 + 150) = 0.15 (the 10 fleet sales are in S, not in S_room)
    # revisit = R / (W + CV + L) = 80 / 430 = 0.186
    comps, _ = _known(dict(S_room=60, S=70, L=250, N=150, R=80, W=120, CV=60))
    vals, _ = evaluate(comps, {}, {}, ["close_rate", "revisit_rate"])
    assert vals["close_rate"][0] == pytest.approx(0.15)
    assert vals["revisit_rate"][0] == pytest.approx(80 / 430)
    assert round(vals["revisit_rate"][0], 3) == 0.186


def test_close_rate_from_sales_rows_excludes_fleet():
    # 60 showroom + 10 fleet sales, 150 leads created in M, 250 open at start → 60 / 400 = 0.15
    n_room, n_fleet = 60, 10
    sales = pd.DataFrame({
        "sale_id": [f"s{i}" for i in range(n_room + n_fleet)], "store_id": "S1", "staff_id": "A",
        "invoice_date": T("2026-10-10"), "channel": ["展厅"] * n_room + ["大客户"] * n_fleet, "model": "X",
        "price": 1.0,
    })
    leads = pd.DataFrame({
        "lead_id": [f"l{i}" for i in range(400)], "store_id": "S1",
        "created_date": [T("2026-10-02")] * 150 + [T("2026-09-02")] * 250, "first_contact": "到店", "status": "跟进中",
    })
    ds = Dataset.from_frames({"sales": sales, "leads": leads})
    r = funnel_rates(ds, periods=[M], stores=["S1"])
    assert r.loc[0, "close_rate"] == pytest.approx(0.15)
    assert r.loc[0, "volume"] == 70


# ---------------------------------------------------------------------------------------------- tiny dataset
def test_tiny_dataset_every_count():
    counts = funnel_counts(tiny_dataset(), periods=[M])
    assert list(counts.columns) == ["store_id", "period", *COUNT_IDS]
    s1 = counts[counts.store_id == "S1"].iloc[0]
    for k, v in EXPECTED_S1.items():
        assert s1[k] == v, k
    s2 = counts[counts.store_id == "S2"].iloc[0]
    assert all(s2[k] == 0 for k in COUNT_IDS)


def test_tiny_dataset_every_rate():
    rates = funnel_rates(tiny_dataset(), periods=[M]).set_index("store_id")
    for k, v in EXPECTED_RATES_S1.items():
        assert rates.loc["S1", k] == pytest.approx(v), k
    rate_cols = [m for m in EXPECTED_RATES_S1 if METRICS[m].unit == "rate" or m.endswith("per_unit")]
    assert rates.loc["S2", rate_cols].isna().all()


def test_lead_created_earlier_counts_in_cv_and_closed_on_start_counts_in_l():
    ds = tiny_dataset()
    # without L4's October first visit CV drops to 1; moving L5's closing to 09-30 drops L to 2
    ds.tables["visits"] = ds.tables["visits"][ds.tables["visits"].visit_id != "V4"].reset_index(drop=True)
    leads = ds.tables["leads"]
    leads.loc[leads.lead_id == "L5", "closed_date"] = T("2026-09-30")
    c = funnel_counts(ds, periods=[M], stores=["S1"]).iloc[0]
    assert c["CV"] == 1 and c["L"] == 2


def test_revisit_after_an_earlier_test_drive_is_not_rnotd():
    ds = tiny_dataset()
    # moving L8's September test drive into October makes L8 a revisit without an earlier drive: RnoTD 2 → 3
    td = ds.tables["test_drives"]
    td.loc[td.test_drive_id == "T1", "drive_date"] = T("2026-10-01")
    c = funnel_counts(ds, periods=[M], stores=["S1"]).iloc[0]
    assert c["RnoTD"] == 3 and c["TD"] == 4


def test_datetime_counts_by_its_date():
    ds = tiny_dataset()
    v = ds.tables["visits"]
    # 2026-11-01 00:10 belongs to November: traffic drops from 9 to 8 (and R keeps L1, L8 → 2)
    v.loc[v["visit_id"] == "V8", "visit_date"] = T("2026-11-01 00:10")
    c = funnel_counts(ds, periods=[M, "2026-11"], stores=["S1"]).set_index("period")
    assert c.loc[M, "traffic"] == 8 and c.loc[M, "R"] == 2
    assert c.loc["2026-11", "traffic"] == 2  # V8 and V10


def test_by_staff_counts_and_rates():
    ds = tiny_dataset()
    counts = funnel_counts(ds, periods=[M], by_staff=True).set_index("staff_id")
    # consultant A owns L1 L2 L5 L8 L9; B owns L3 L4 L6 L7; C was hired 10-15 (no events); D left in August
    assert set(counts.index) == {"A", "B", "C"}
    a, b, c = counts.loc["A"], counts.loc["B"], counts.loc["C"]
    # A: W = L1 L2; C = L9; N = 3; CV = 0; L = L5 L8; R = L8 L1 L5; RnoTD = L1 L5; TD = L1 L2; TDi = L1
    assert (a.W, a.C, a.N, a.CV, a.L, a.R, a.RnoTD, a.TD, a.TDi, a.S_room, a.S) == (2, 1, 3, 0, 2, 3, 2, 2, 1, 2, 2)
    # B: W 0; C = L3; N = L3 L7; CV = L3 L4; L = L4; R 0; TD = L4 (invited); sales SA3 (大客户) SA4 (二级网络)
    assert (b.W, b.C, b.N, b.CV, b.L, b.R, b.RnoTD, b.TD, b.TDi, b.S_room, b.S) == (0, 1, 2, 2, 1, 0, 0, 1, 1, 0, 2)
    # traffic by reception consultant: A received V1 V2 V3 V6 V7 V8 V11 = 7, B V4 V5 = 2
    assert (a.traffic, b.traffic, a.FV, b.FV) == (7, 2, 3, 2)
    assert pd.isna(a.FC)  # calls carry no consultant
    assert (c.W, c.S) == (0, 0)
    rates = funnel_rates(ds, periods=[M], by_staff=True).set_index("staff_id")
    # close A = 2 / (2 + 3) = 0.4; B = 0 / (1 + 2) = 0;  gross per unit A (5000+3000)/2, B 1000/1
    assert rates.loc["A", "close_rate"] == pytest.approx(0.4)
    assert rates.loc["B", "close_rate"] == 0
    assert rates.loc["A", "gross_per_unit"] == 4000 and rates.loc["B", "gross_per_unit"] == 1000
    # add-ons: A sold SA1 SA2 both with add-ons (2/2), gross (800+1200+500)/2; B SA3 only (1/2), gross 0/2
    assert rates.loc["A", "addon_penetration"] == 1.0 and rates.loc["B", "addon_penetration"] == 0.5
    assert rates.loc["A", "addon_gross_per_unit"] == 1250 and rates.loc["B", "addon_gross_per_unit"] == 0
    assert math.isnan(rates.loc["C", "close_rate"])  # C: L + N = 0


# ---------------------------------------------------------------------------------------------- long format
def test_long_metrics_contract():
    ds = tiny_dataset()
    out = long_metrics(ds, periods=["2026-09", M], stores=["S2", "S1"])
    assert list(out.columns) == LONG_COLUMNS
    funnel_ids = [m for m, i in METRICS.items() if i.family == "funnel"]
    assert funnel_ids == FUNNEL_METRICS
    # every metric × store × period, stores and periods in the order asked, metrics in registry order
    assert len(out) == 2 * 2 * len(funnel_ids)
    assert out["metric"].tolist()[: len(funnel_ids)] == funnel_ids
    assert out["store_id"].tolist()[0] == "S2" and out["period"].tolist()[0] == "2026-09"
    row = out[(out.store_id == "S1") & (out.period == M)].set_index("metric")
    assert row.loc["capture_rate", "value"] == 0.5 and row.loc["capture_rate", "reason"] == ""
    zero = out[(out.store_id == "S2") & (out.period == M)].set_index("metric")
    assert math.isnan(zero.loc["capture_rate", "value"])
    assert zero.loc["capture_rate", "reason"].startswith("分母为 0")
    assert zero.loc["vp_achievement", "reason"] == "市场表（market）中没有该门店该月份的行"
    en = long_metrics(ds, periods=[M], stores=["S2"], lang="en").set_index("metric")
    assert en.loc["capture_rate", "reason"].startswith("denominator is 0")


def test_long_metrics_by_staff_lists_per_staff_metrics():
    out = long_metrics(tiny_dataset(), periods=[M], by_staff=True)
    assert list(out.columns) == ["staff_id", *LONG_COLUMNS]
    per_staff = [m for m in FUNNEL_METRICS if METRICS[m].per_staff]
    assert set(out.metric) == set(per_staff)
    assert len(out) == 3 * len(per_staff)  # consultants A, B, C


@pytest.mark.parametrize("table, metric", [
    ("market", "vp_achievement"), ("addons", "addon_penetration"), ("followups", "followup_timeliness"),
    ("visits", "capture_rate"), ("test_drives", "test_drive_rate"),
])
def test_missing_table_gives_nan_with_reason(table, metric):
    out = long_metrics(tiny_dataset(drop=(table,)), periods=[M], stores=["S1"]).set_index("metric")
    assert math.isnan(out.loc[metric, "value"])
    assert out.loc[metric, "reason"] == f"缺少数据表 {table}"
    assert out.loc["volume", "value"] == (4 if table != "sales" else None)


def test_metrics_compute_uses_the_funnel_family():
    from dealerlab.figures import compute

    out = compute(tiny_dataset(), periods=[M], stores=["S1"], metrics=["capture_rate", "close_rate"])
    assert out["value"].tolist() == [0.5, 0.25]


def test_empty_tables_give_zero_denominators_not_missing_columns():
    frames = {k: v.iloc[0:0] for k, v in tiny_frames().items() if k not in ("stores", "staff", "market")}
    frames["stores"] = tiny_frames()["stores"]
    out = long_metrics(Dataset.from_frames(frames), periods=[M], stores=["S1"]).set_index("metric")
    for m in ("test_drive_satisfaction", "gross_per_unit", "addon_gross_per_unit", "capture_rate"):
        assert math.isnan(out.loc[m, "value"]) and out.loc[m, "reason"].startswith("分母为 0"), m
    assert out.loc["volume", "value"] == 0 and out.loc["L", "value"] == 0
