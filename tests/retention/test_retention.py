"""Course module 9 figures (docs/DOMAIN.md §11) against the hand-computed answer written there."""

import math

import pandas as pd
import pytest

from dealerlab import figures, retention
from dealerlab.data.dataset import Dataset
from dealerlab.errors import ParameterError
from dealerlab.metrics import ids

M = "2026-12"


def _orders(rows):
    return pd.DataFrame({
        "ro_id": [f"R{i}" for i in range(len(rows))],
        "store_id": [r[0] for r in rows],
        "open_date": pd.to_datetime([r[2] for r in rows]),
        "ro_type": [r[3] for r in rows],
        "revenue": [r[4] for r in rows],
        "vin": [r[1] for r in rows],
    })


SERVICE = [
    ("S01", "VINAAAAAAAAAAAAA1", "2025-03-15", "一般维修", 1000.0),
    ("S01", "VINAAAAAAAAAAAAA1", "2026-05-10", "保养", 600.0),
    ("S01", "VINBBBBBBBBBBBBB2", "2025-06-01", "保养", 500.0),
    ("S01", "VINCCCCCCCCCCCCC3", "2025-01-02", "保养", 400.0),
    ("S01", "VINCCCCCCCCCCCCC3", "2026-11-30", "钣喷", 3000.0),
    ("S01", "VINDDDDDDDDDDDDD4", "2026-08-08", "保养", 800.0),
    ("S01", "VINEEEEEEEEEEEEE5", "2024-12-20", "保养", 300.0),
    # first services of new vehicles
    ("S01", "NEWV1", "2026-07-01", "保养", 0.0),
    ("S01", "NEWV2", "2026-11-20", "保养", 0.0),
    ("S01", "NEWV3", "2027-01-05", "保养", 0.0),
    ("S01", "NEWV4", "2026-02-01", "保养", 0.0),
]
SOLD = [("NEWV1", "2026-01-10"), ("NEWV2", "2026-03-05"), ("NEWV3", "2026-06-30"), ("NEWV4", "2025-11-20")]


def _dataset(*, sales=True, sales_vin=True, service=SERVICE):
    frames = {
        "stores": pd.DataFrame({"store_id": ["S01"], "store_name": ["一店"]}),
        "service_orders": _orders(service),
    }
    if sales:
        s = pd.DataFrame({"sale_id": [f"X{i}" for i in range(len(SOLD))], "store_id": "S01",
                          "invoice_date": pd.to_datetime([d for _, d in SOLD]), "channel": "展厅", "model": "英朗",
                          "price": 100000.0})
        if sales_vin:
            s["vin"] = [v for v, _ in SOLD]
        frames["sales"] = s
    return Dataset.from_frames(frames)


def _value(long, metric):
    row = long[long["metric"] == metric].iloc[0]
    return row["value"], row["reason"]


def test_registry_family_and_order():
    assert ids("retention") == ["base_vehicles", "retention_rate", "lapsed_vehicles", "first_service_rate"]
    assert "retention" in figures.FAMILIES


def test_known_answer():
    long = retention.long_metrics(_dataset(), periods=[M])
    assert list(long.columns) == ["store_id", "period", "metric", "value", "reason"]
    assert list(long["metric"]) == ids("retention")
    assert _value(long, "base_vehicles") == (7.0, "")  # A B C D and the new V1 V2 V4
    v, r = _value(long, "retention_rate")
    assert v == pytest.approx(2 / 3) and r == ""
    assert _value(long, "lapsed_vehicles") == (1.0, "")
    v, r = _value(long, "first_service_rate")
    assert v == pytest.approx(2 / 3) and r == ""


def test_figures_carry_numerator_and_denominator():
    f = retention.retention_figures(_dataset(), periods=[M]).set_index("metric")
    assert (f.loc["retention_rate", "numerator"], f.loc["retention_rate", "denominator"]) == (2.0, 3.0)
    assert (f.loc["first_service_rate", "numerator"], f.loc["first_service_rate", "denominator"]) == (2.0, 3.0)


def test_same_numbers_through_the_registry():
    long = figures.compute(_dataset(), periods=[M], metrics=ids("retention"))
    assert _value(long, "retention_rate")[0] == pytest.approx(2 / 3)


def test_less_than_24_months_gives_nan_with_reason():
    short = [r for r in SERVICE if r[2] >= "2025-06-01"]
    long = retention.long_metrics(_dataset(service=short), periods=[M])
    v, r = _value(long, "retention_rate")
    assert math.isnan(v) and "24 个月" in r and "2025-06" in r
    v, r = _value(long, "lapsed_vehicles")
    assert math.isnan(v) and "24 个月" in r
    assert _value(long, "base_vehicles")[0] == 7.0  # V3 (2027-01) is after M


def test_first_service_needs_sales_vin():
    v, r = _value(retention.long_metrics(_dataset(sales_vin=False), periods=[M]), "first_service_rate")
    assert math.isnan(v) and "车架号" in r
    v, r = _value(retention.long_metrics(_dataset(sales=False), periods=[M]), "first_service_rate")
    assert math.isnan(v) and "销售表" in r


def test_missing_service_orders_never_raises():
    ds = Dataset.from_frames({"stores": pd.DataFrame({"store_id": ["S01"], "store_name": ["一店"]})})
    long = retention.long_metrics(ds, periods=[M, "2026-11"])
    assert len(long) == 8 and long["value"].isna().all()
    assert (long["reason"] != "").all()


def test_lapsed_list_masked_by_default():
    lst = retention.lapsed_list(_dataset(), period=M)
    assert len(lst) == 1
    row = lst.iloc[0]
    assert row["vin"] == "*" * 11 + "BBBBB2"
    assert row["last_open_date"] == pd.Timestamp("2025-06-01")
    assert row["months_since"] == 18 and row["visits_prev12"] == 1 and row["last_ro_type"] == "保养"
    full = retention.lapsed_list(_dataset(), period=M, show_pii=True)
    assert full.iloc[0]["vin"] == "VINBBBBBBBBBBBBB2"


def test_retail_lifetime_value_reuses_the_account_formula():
    out = retention.retail_lifetime_value(_dataset(), period=M, margin_rate=0.5).set_index("store_id")
    row = out.loc["S01"]
    # base A B C D + new V1 V2 (serviced in the last 12 months); retained A C of A B C
    assert row["retention"] == pytest.approx(2 / 3)
    # last-12-month revenue per vin: A 600, B 0, C 3000, D 800, NEWV1 0, NEWV2 0, NEWV4 0 → mean × 0.5
    margin = (600 + 3000 + 800) / 7 * 0.5
    assert row["annual_margin"] == pytest.approx(margin)
    assert row["clv"] == pytest.approx(margin * (2 / 3) / (1.1 - 2 / 3))
    with pytest.raises(ParameterError):
        retention.retail_lifetime_value(_dataset(), period=M, margin_rate=1.5)


def test_demo_has_vin_and_twelve_months_gives_nan_return_rate():
    from dealerlab.datasets import load_demo

    ds = load_demo()
    assert ds["service_orders"]["vin"].notna().any() and ds["sales"]["vin"].notna().any()
    long = retention.long_metrics(ds, periods=["2026-10"], stores=["S01"])
    v, r = _value(long, "retention_rate")
    assert math.isnan(v) and "24 个月" in r
    assert _value(long, "base_vehicles")[0] > 0
    v, r = _value(long, "first_service_rate")  # the demo links first services to sales.vin (tests/report/test_retention.py)
    assert v == pytest.approx(441 / 574) and r == ""


def test_first_service_unlinked_vins_give_nan():
    service = [r for r in SERVICE if not r[1].startswith("NEWV")]
    v, r = _value(retention.long_metrics(_dataset(service=service), periods=[M]), "first_service_rate")
    assert math.isnan(v) and "无法对应" in r


def test_example_base_is_deterministic_and_teaches_the_ordering():
    a = retention.long_metrics(retention.example_base(), periods=["2026-10"])
    b = retention.long_metrics(retention.example_base(), periods=["2026-10"])
    pd.testing.assert_frame_equal(a, b)
    w = a.pivot(index="store_id", columns="metric", values="value")
    assert a["reason"].eq("").all()
    assert w.loc["S01", "retention_rate"] > w.loc["S03", "retention_rate"]
    assert w.loc["S01", "first_service_rate"] > w.loc["S03", "first_service_rate"]
