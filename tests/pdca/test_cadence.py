"""Seed 001's management cadence table with traffic lights."""

from __future__ import annotations

import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.pdca import cadence_table, complaint_status


def _ds(with_complaints: bool = True) -> Dataset:
    d = pd.Timestamp
    orders = []
    # intake (客户付费, by open_date): 2026-07 10, 2026-08 10, 2026-09 10, 2026-10 8 → 8 / mean(10,10,10) = 0.8 → bad
    for month, n in (("2026-07", 10), ("2026-08", 10), ("2026-09", 10), ("2026-10", 8)):
        for i in range(n):
            orders.append(("S01", d(f"{month}-05"), d(f"{month}-06"), "客户付费", 100.0, i == 0, 10, 9))
    df = pd.DataFrame(
        orders,
        columns=[
            "store_id",
            "open_date",
            "close_date",
            "pay_type",
            "revenue",
            "is_comeback",
            "parts_lines_requested",
            "parts_lines_filled",
        ],
    )
    df["ro_id"] = [f"R{i}" for i in range(len(df))]
    df["ro_type"] = "保养"
    frames = {"stores": pd.DataFrame({"store_id": ["S01"], "store_name": ["一店"]}), "service_orders": df}
    if with_complaints:
        frames["complaints"] = pd.DataFrame(
            {
                "complaint_id": ["K1", "K2", "K3"],
                "store_id": ["S01"] * 3,
                "received_date": [d("2026-10-02"), d("2026-10-20"), d("2026-10-28")],
                "category": ["维修质量", "等待时间", "收费"],
                "severity": ["重大", "一般", "一般"],
                "resolved_date": [d("2026-10-03"), pd.NaT, pd.NaT],
                "escalated": [False, False, False],
            }
        )
    return Dataset.from_frames(frames)


def test_cadence_table_values_and_lights():
    t = cadence_table(_ds(), store_id="S01", period="2026-10").set_index("key")
    # seed grid: first-time fix daily/weekly/monthly; revenue weekly+monthly; complaints immediate; CSI monthly only
    assert t.loc["first_time_fix", ["每日", "每周", "即时", "每月"]].tolist() == [True, True, False, True]
    assert t.loc["service_revenue", "frequency"] == "每周"
    assert t.loc["complaints", "frequency"] == "即时"
    assert t.loc["csi_index", "frequency"] == "每月" and t.loc["turnover", "frequency"] == "每月"
    # first-time fix 2026-10: 1 comeback of 8 → 0.875 < watch line 0.90 → bad
    assert t.loc["first_time_fix", "value"] == pytest.approx(0.875) and t.loc["first_time_fix", "status"] == "bad"
    # parts 72/80 = 0.90 ≥ good line 0.90 → good
    assert t.loc["parts_fill_rate", "value"] == pytest.approx(0.9) and t.loc["parts_fill_rate", "status"] == "good"
    # intake 8 vs own 3-month mean 10 → 80 % < 90 % → bad
    assert t.loc["intake", "target"] == pytest.approx(10) and t.loc["intake", "status"] == "bad"
    # revenue 800 vs mean 1000 → bad as well
    assert t.loc["service_revenue", "status"] == "bad"
    # the 重大 complaint K1 was not escalated → bad, said in the note
    assert t.loc["complaints", "value"] == 3 and t.loc["complaints", "status"] == "bad"
    assert "未上报" in t.loc["complaints", "note"]
    # no staff, no surveys → na with a reason, no crash; site patrols have no data
    assert t.loc["turnover", "status"] == "na" and t.loc["turnover", "note"]
    assert t.loc["site_patrol", "status"] == "na"


def test_cadence_targets_table_overrides_history_and_missing_complaints():
    ds = _ds(with_complaints=False)
    tables = dict(ds.tables)
    tables["targets"] = pd.DataFrame(
        {"store_id": ["S01"], "period": ["2026-10"], "metric": ["售后产值"], "target": [820.0]}
    )
    ds2 = Dataset.from_frames(tables)
    t = cadence_table(ds2, store_id="S01", period="2026-10", as_of="2026-10-31").set_index("key")
    # 800 / 820 = 0.976 → watch (≥ 90 %, < 100 %)
    assert t.loc["service_revenue", "benchmark"] == "本月目标" and t.loc["service_revenue", "status"] == "watch"
    assert t.loc["complaints", "status"] == "na" and "complaints" in t.loc["complaints", "note"]
    en = cadence_table(ds2, store_id="S01", period="2026-10", lang="en")
    assert en["frequency"].iloc[0] == "daily"


def test_complaint_status_overdue_is_watch():
    ds = _ds()
    tables = dict(ds.tables)
    tables["complaints"] = tables["complaints"].assign(escalated=[True, False, False])
    c = complaint_status(Dataset.from_frames(tables), store_id="S01", period="2026-10")
    # K2 received 10-20, open at 10-31 → 11 days > 7 → overdue; K3 3 days → not yet
    assert c["serious_not_escalated"] == 0 and c["open_over_7d"] == 1 and c["status"] == "watch"


def test_cadence_compares_month_to_date_with_time_progress():
    # data read on the 15th: time progress on selling days (no sales history → defaults) = 21.8 / 40.8 = 0.534
    ds = _ds(with_complaints=False)
    tables = dict(ds.tables)
    tables["targets"] = pd.DataFrame(
        {"store_id": ["S01"], "period": ["2026-10"], "metric": ["售后产值"], "target": [1400.0]}
    )
    t = cadence_table(Dataset.from_frames(tables), store_id="S01", period="2026-10", as_of="2026-10-15").set_index("key")
    tp = 21.8 / 40.8
    assert t.loc["service_revenue", "time_progress"] == pytest.approx(tp)
    # 800 month to date vs 1 400 × 0.534 = 748 → 107 % → good (against the whole month it would read 57 % → bad)
    assert t.loc["service_revenue", "target_to_date"] == pytest.approx(1400 * tp)
    assert t.loc["service_revenue", "status"] == "good"
    assert "时间进度 53.4%" in t.loc["service_revenue", "benchmark"]
    # rates are not scaled
    assert t.loc["first_time_fix", "target_to_date"] == t.loc["first_time_fix", "target"]
    whole = cadence_table(Dataset.from_frames(tables), store_id="S01", period="2026-10", as_of="2026-10-31").set_index("key")
    assert whole.loc["service_revenue", "status"] == "bad" and whole.loc["service_revenue", "time_progress"] == 1.0
