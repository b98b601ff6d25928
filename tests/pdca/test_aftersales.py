"""After-sales figures (docs/DOMAIN.md §2) on hand-built tiny datasets; every answer worked out in a comment."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.figures import compute
from dealerlab.metrics import METRICS
from dealerlab.pdca import aftersales as af

P = ["2026-09", "2026-10"]


def _orders() -> pd.DataFrame:
    d = pd.Timestamp
    rows = [
        # ro, store, open, close, promised, pay, revenue, comeback, req, filled
        ("R1", "S01", d("2026-09-30"), d("2026-10-02"), d("2026-10-01"), "客户付费", 1000.0, False, 4, 4),
        ("R2", "S01", d("2026-10-01"), d("2026-10-01"), d("2026-10-01"), "客户付费", 500.0, True, 2, 1),
        ("R3", "S01", d("2026-10-05"), d("2026-10-06"), d("2026-10-07"), "保修", 800.0, False, 3, 3),
        ("R4", "S01", d("2026-10-20"), pd.NaT, d("2026-10-25"), "客户付费", 300.0, None, 1, None),
        ("R5", "S01", d("2026-10-31"), d("2026-11-01"), pd.NaT, "内部", 200.0, False, None, None),
        ("R6", "S02", d("2026-09-10"), d("2026-09-12"), pd.NaT, "客户付费", 700.0, True, 0, 0),
    ]
    cols = [
        "ro_id",
        "store_id",
        "open_date",
        "close_date",
        "promised_date",
        "pay_type",
        "revenue",
        "is_comeback",
        "parts_lines_requested",
        "parts_lines_filled",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["ro_type"] = "一般维修"
    return df


def _ds(**extra) -> Dataset:
    stores = pd.DataFrame({"store_id": ["S01", "S02"], "store_name": ["一店", "二店"]})
    return Dataset.from_frames({"stores": stores, "service_orders": _orders(), **extra})


def _val(frame, store, period, column="value"):
    row = frame[(frame["store_id"] == store) & (frame["period"] == period)]
    assert len(row) == 1
    return row[column].iloc[0]


def test_intake_counts_customer_pay_by_open_date():
    out = af.intake(_ds().service_orders, periods=P)
    # S01 2026-10 opened: R2 (客户付费), R3 (保修), R4 (客户付费), R5 (内部) → 2; 2026-09: R1 → 1
    assert _val(out, "S01", "2026-10") == 2
    assert _val(out, "S01", "2026-09") == 1
    # S02 2026-10: no order opened → a real zero
    assert _val(out, "S02", "2026-10") == 0
    assert list(out.columns) == ["store_id", "period", "numerator", "denominator", "value", "reason"]


def test_service_revenue_by_close_date_all_pay_types():
    out = af.service_revenue(_ds().service_orders, periods=P)
    # closed in 2026-10 at S01: R1 1000 + R2 500 + R3 800 = 2300 (R4 open, R5 closes in November)
    assert _val(out, "S01", "2026-10") == 2300.0
    assert _val(out, "S01", "2026-09") == 0.0
    assert _val(out, "S02", "2026-09") == 700.0


def test_comeback_and_first_time_fix():
    ds = _ds()
    cb = af.comeback_rate(ds.service_orders, periods=P)
    # S01 2026-10: opened R2 R3 R4 R5 = 4, comeback R2 (R4 blank = 否) → 1/4
    assert _val(cb, "S01", "2026-10") == pytest.approx(0.25)
    assert _val(cb, "S02", "2026-09") == pytest.approx(1.0)  # 1 of 1
    # S02 2026-10: nothing opened → NaN with a reason, never 0
    assert math.isnan(_val(cb, "S02", "2026-10"))
    assert "分母为 0" in _val(cb, "S02", "2026-10", "reason")
    ftf = af.first_time_fix(ds.service_orders, periods=P)
    assert _val(ftf, "S01", "2026-10") == pytest.approx(0.75)  # 1 − 0.25; numerator 3 of 4
    assert _val(ftf, "S01", "2026-10", "numerator") == 3
    assert math.isnan(_val(ftf, "S02", "2026-10"))


def test_columns_option_reads_a_table_whose_columns_are_named_otherwise():
    # the client's own names (门店, 开单日期, 是否返修) mapped to the contract: same answers as the contract table
    names = {"store_id": "门店", "open_date": "开单日期", "is_comeback": "是否返修"}
    orders = _ds().service_orders.rename(columns=names)
    ftf = af.first_time_fix(orders, periods=P, columns=names)
    assert _val(ftf, "S01", "2026-10") == pytest.approx(0.75)  # as in test_comeback_and_first_time_fix
    assert _val(ftf, "S01", "2026-10", "numerator") == 3
    assert "门店" in orders.columns  # the caller's frame is left as it was


def test_comeback_missing_column_is_not_available():
    orders = _orders().assign(is_comeback=None)
    out = af.comeback_rate(Dataset.from_frames({"service_orders": orders}).service_orders, periods=["2026-10"])
    assert out["value"].isna().all()
    assert out["reason"].str.contains("is_comeback").all()


def test_parts_fill_rate():
    out = af.parts_fill_rate(_ds().service_orders, periods=P)
    # S01 2026-10 opened: R2 1/2, R3 3/3, R4 0 of 1 (filled blank), R5 no request → (1+3+0)/(2+3+1) = 4/6
    assert _val(out, "S01", "2026-10") == pytest.approx(4 / 6)
    # S02 2026-09: R6 requested 0 → denominator 0 → NaN
    assert math.isnan(_val(out, "S02", "2026-09"))


def test_on_time_delivery():
    out = af.on_time_delivery(_ds().service_orders, periods=P)
    # S01 closed in 2026-10 with a promise: R1 (10-02 > 10-01 late), R2 (10-01 ≤ 10-01 on time), R3 (10-06 ≤ 10-07)
    # → 2/3; R4 not closed, R5 closed in November
    assert _val(out, "S01", "2026-10") == pytest.approx(2 / 3)
    # S02 2026-09: R6 closed but no promised date → denominator 0
    assert math.isnan(_val(out, "S02", "2026-09"))


def test_booth_utilisation_known_answer():
    # docs/DOMAIN.md: 2 booths × 600 min × 26 days = 31 200 available; 18 000 used → 0.5769, flagged below 0.60
    days = pd.date_range("2026-10-01", periods=26)  # 10-01 .. 10-26
    rows = []
    for b in ("B1", "B2"):
        for d in days:
            rows.append(("S02", d, b, 600.0, 9000.0 / 26))
    usage = pd.DataFrame(rows, columns=["store_id", "date", "booth_id", "minutes_available", "minutes_used"])
    out = af.booth_utilisation(usage, periods=["2026-10", "2026-11"], stores=["S02"])
    assert _val(out, "S02", "2026-10") == pytest.approx(18000 / 31200)
    assert round(_val(out, "S02", "2026-10"), 3) == 0.577
    assert bool(_val(out, "S02", "2026-10", "below_threshold")) is True
    assert math.isnan(_val(out, "S02", "2026-11"))
    assert pd.isna(_val(out, "S02", "2026-11", "below_threshold"))
    # at exactly 60 % the flag is off
    full = usage.assign(minutes_used=360.0)
    assert bool(_val(af.booth_utilisation(full, periods=["2026-10"]), "S02", "2026-10", "below_threshold")) is False


def test_turnover_with_mid_month_hires_and_leaves():
    d = pd.Timestamp
    staff = pd.DataFrame(
        {
            "staff_id": ["A", "B", "C", "D", "E", "F"],
            "store_id": ["S01"] * 6,
            "name": list("abcdef"),
            "department": ["销售部", "售后部", "售后部", "财务部", "销售部", "售后部"],
            "role": ["销售顾问", "技师", "技师", "会计", "销售顾问", "技师"],
            "hire_date": [
                d("2025-01-01"),
                d("2025-01-01"),
                d("2026-10-15"),
                d("2025-06-01"),
                d("2025-06-01"),
                d("2026-11-05"),
            ],
            "leave_date": [pd.NaT, d("2026-10-10"), pd.NaT, d("2026-10-31"), d("2026-10-01"), pd.NaT],
        }
    )
    out = af.turnover(staff, periods=["2026-10", "2026-11"])
    # 2026-10: start (10-01) employed: A, B, D (E leaves on 10-01 → not employed that day) = 3
    #          end (10-31) employed: A, C (D leaves 10-31 → not employed) = 2 → average 2.5
    #          leavers in October: B, D, E = 3 → 3 / 2.5 = 1.2
    assert _val(out, "S01", "2026-10", "denominator") == pytest.approx(2.5)
    assert _val(out, "S01", "2026-10") == pytest.approx(1.2)
    # 2026-11: start A, C = 2; end A, C, F = 3 → 2.5; no leaver → 0.0 (a real zero, denominator > 0)
    assert _val(out, "S01", "2026-11") == 0.0
    # a store with no staff → NaN with a reason
    out2 = af.turnover(staff, periods=["2026-10"], stores=["S09"])
    assert math.isnan(out2["value"].iloc[0]) and out2["reason"].iloc[0] != ""


def test_long_metrics_contract_order_and_missing_tables():
    ds = _ds()
    periods = ["2026-10", "2026-09"]
    out = af.long_metrics(ds, periods=periods, stores=["S02", "S01"])
    ids = [m for m, i in METRICS.items() if i.family == "aftersales"]
    assert ids == af.AFTERSALES_METRICS
    assert list(out.columns) == ["store_id", "period", "metric", "value", "reason"]
    assert len(out) == 2 * 2 * len(ids)
    # stores and periods in the order asked, metric ids in registry order
    assert out["store_id"].tolist()[:: len(ids) * 2] == ["S02", "S01"]
    assert out["period"].tolist()[:: len(ids)] == ["2026-10", "2026-09", "2026-10", "2026-09"]
    assert out["metric"].tolist()[: len(ids)] == ids
    # booth_usage and staff are missing → NaN with a reason naming the table
    booth = out[out["metric"] == "booth_utilisation"]
    assert booth["value"].isna().all() and booth["reason"].str.contains("booth_usage").all()
    assert out[out["metric"] == "turnover"]["reason"].str.contains("staff").all()
    # available figures have an empty reason
    row = out[(out["store_id"] == "S01") & (out["period"] == "2026-10") & (out["metric"] == "comeback_rate")]
    assert row["value"].iloc[0] == pytest.approx(0.25) and row["reason"].iloc[0] == ""


def test_long_metrics_without_service_orders_never_raises():
    ds = Dataset.from_frames({"stores": pd.DataFrame({"store_id": ["S01"], "store_name": ["一店"]})})
    out = af.long_metrics(ds, periods=["2026-10"])
    assert len(out) == len(af.AFTERSALES_METRICS)
    assert out["value"].isna().all()
    assert out["reason"].str.contains("缺少数据表").all()


def test_long_metrics_by_staff_gives_store_rows_with_empty_staff():
    out = af.long_metrics(_ds(), periods=["2026-10"], by_staff=True)
    assert list(out.columns) == ["staff_id", "store_id", "period", "metric", "value", "reason"]
    assert out["staff_id"].isna().all()


def test_metrics_compute_dispatches_here():
    out = compute(_ds(), periods=["2026-10"], stores=["S01"], metrics=["intake", "comeback_rate"])
    assert out["metric"].tolist() == ["intake", "comeback_rate"]
    assert out["value"].tolist() == [2.0, 0.25]


def test_figures_wide_matches_long():
    ds = _ds()
    wide = af.figures(ds, periods=P)
    long = af.long_metrics(ds, periods=P)
    for metric in af.AFTERSALES_METRICS:
        a = wide[metric].to_numpy(dtype=float)
        b = long[long["metric"] == metric]["value"].to_numpy(dtype=float)
        np.testing.assert_allclose(a, b, equal_nan=True)


def test_paint_shop_by_crew_bands():
    d = pd.Timestamp
    orders = pd.DataFrame(
        {
            "ro_id": ["P1", "P2", "P3", "P4", "X"],
            "store_id": ["S02"] * 5,
            "open_date": [d("2026-10-01")] * 5,
            "close_date": [d("2026-10-04"), d("2026-10-04"), d("2026-10-01"), d("2026-10-02"), d("2026-10-01")],
            "ro_type": ["钣喷", "钣喷", "钣喷", "钣喷", "保养"],
            "revenue": [1.0] * 5,
            "damage_class": ["大", "小", "小", "小", None],
            "crew_size": [5, 5, 2, 2, None],
            "crew_id": ["C1", "C1", "C2", "C2", None],
            "labor_hours": [20.0, 4.0, 4.0, 6.0, 1.0],
        }
    )
    out = af.paint_shop_by_crew(Dataset.from_frames({"service_orders": orders}).service_orders)
    big_small = out[(out["crew_band"].str.startswith("大")) & (out["damage_class"] == "小")].iloc[0]
    # large crew, light job P2: 4 days in the shop (10-01..10-04), 4 h → 1 h/day
    assert big_small["mean_days"] == 4 and big_small["hours_per_day"] == pytest.approx(1.0)
    small_small = out[(out["crew_band"].str.startswith("小")) & (out["damage_class"] == "小")].iloc[0]
    # small crew, light jobs P3 (1 day, 4 h) and P4 (2 days, 6 h): mean 1.5 days, 5 h → 3.33 h/day
    assert small_small["orders"] == 2 and small_small["hours_per_day"] == pytest.approx(5 / 1.5)
    assert len(out) == 3  # the 保养 order is not a paint job


def test_every_registry_id_has_its_table_and_function():
    """A new aftersales id is its registry line and one ``FIGURE_OF`` entry (table, function): both list the same ids."""
    from dealerlab.metrics import ids

    assert list(af.FIGURE_OF) == ids("aftersales")
    assert all(callable(f) and isinstance(t, str) for t, f in af.FIGURE_OF.values())
