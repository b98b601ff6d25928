"""The DuckDB funnel engine (dealerlab.funnel.engine_duckdb) gives the pandas engine's numbers and reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.data.write import write_dataset
from dealerlab.funnel import long_metrics

pytest.importorskip("duckdb")

from dealerlab.funnel.engine_duckdb import (  # noqa: E402
    EngineUnavailable,
    components_parquet,
    long_metrics_parquet,
    parquet_usable,
)

T = pd.Timestamp
M = "2026-10"


def _tiny() -> Dataset:
    """Store S1 in October 2026 (S2 has no event at all); expected counts in the comments."""
    f = pd.DataFrame
    return Dataset.from_frames(
        {
            "stores": f({"store_id": ["S1", "S2"], "store_name": ["一店", "二店"]}),
            "leads": f(
                {
                    "lead_id": ["L1", "L2", "L3", "L4", "L5"],
                    "store_id": ["S1"] * 5,
                    "created_date": [
                        T("2026-10-03"),
                        T("2026-09-25"),
                        T("2026-08-10"),
                        T("2026-09-15"),
                        T("2026-10-12"),
                    ],
                    "first_contact": ["到店", "来电", "到店", "到店", "来电"],
                    "status": ["跟进中", "跟进中", "成交", "战败", "跟进中"],
                    "closed_date": [None, None, T("2026-10-01"), T("2026-09-30"), None],
                }
            ),  # W = 1 (L1), C = 1 (L5), N = 2; L = L2 (open) + L3 (closed ON start(M)) = 2; L4 closed before
            "visits": f(
                {
                    "visit_id": ["V1", "V2", "V3", "V4", "V5"],
                    "store_id": ["S1"] * 5,
                    "visit_date": [T("2026-10-03"), T("2026-10-07"), T("2026-10-16"), T("2026-10-20"), T("2026-10-21")],
                    "visit_type": ["首次", "首次", "再次", "再次", "再次"],
                    "lead_id": ["L1", "L2", "L3", "L3", "L2"],
                }
            ),  # traffic 5, FV 2, CV 1 (L2: call lead), R 2 (L3 twice → once, L2); L2 drove in Sept → RnoTD 1
            "test_drives": f(
                {
                    "test_drive_id": ["T1", "T2", "T3"],
                    "store_id": ["S1"] * 3,
                    "lead_id": ["L2", "L5", "L1"],
                    "drive_date": [T("2026-09-28"), T("2026-10-05"), T("2026-10-03")],
                    "invited": [True, True, None],
                    "satisfied": [True, None, True],
                    "callback_reached": [True, False, None],
                }
            ),  # October: TD = 2 (L5, L1), TDi = 1 (L5; L1's invited is blank = 否)
            "sales": f(
                {
                    "sale_id": ["X1", "X2"],
                    "store_id": ["S1", "S1"],
                    "invoice_date": [T("2026-10-20"), T("2026-11-02")],
                    "channel": ["展厅", "大客户"],
                    "gross_profit": [1000.0, None],
                    "staff_id": ["E1", "E1"],
                    "model": ["轩逸", "轩逸"],
                    "price": [100000.0, 90000.0],
                }
            ),  # S = S_room = 1 in October
            "addons": f(
                {
                    "addon_id": ["A1", "A2", "A3"],
                    "store_id": ["S1"] * 3,
                    "sale_id": ["X1", "X1", "X2"],
                    "product": ["保险", "精品", "保险"],
                    "gross_profit": [300.0, None, 50.0],
                    "revenue": [500.0, 800.0, 90.0],
                }
            ),
            "calls": f({"call_id": ["K1"], "store_id": ["S1"], "call_date": [T("2026-10-12")], "call_type": ["首次"]}),
            "followups": f(
                {
                    "followup_id": ["F1", "F2"],
                    "store_id": ["S1", "S1"],
                    "kind": ["潜客跟踪", "潜客跟踪"],
                    "due_date": [T("2026-10-05"), T("2026-10-06")],
                    "done_date": [T("2026-10-05 18:00"), T("2026-10-07")],
                }
            ),  # on time 1 of 2
            "market": f({"store_id": ["S1"], "period": [M], "volume_plan": [4.0], "region_volume": [None]}),
        }
    )


def _parquet(ds: Dataset, tmp_path) -> str:
    return str(write_dataset(ds, tmp_path / "pq", format="parquet"))


def _value(table: pd.DataFrame, store: str, metric: str) -> float:
    row = table[(table["store_id"] == store) & (table["period"] == M) & (table["metric"] == metric)]
    assert len(row) == 1
    return float(row["value"].iloc[0])


def test_tiny_counts_by_hand(tmp_path):
    got = long_metrics_parquet(_parquet(_tiny(), tmp_path), periods=[M])
    expected = {
        "traffic": 5,
        "FV": 2,
        "FC": 1,
        "W": 1,
        "C": 1,
        "N": 2,
        "CV": 1,
        "L": 2,
        "R": 2,
        "RnoTD": 1,
        "TD": 2,
        "TDi": 1,
        "S_room": 1,
        "volume": 1,
    }
    for metric, value in expected.items():
        assert _value(got, "S1", metric) == value, metric
    assert _value(got, "S1", "followup_timeliness") == 0.5  # 1 on time ÷ 2 due
    assert _value(got, "S1", "addon_penetration") == 1.0  # X1 has add-ons ÷ S = 1
    assert _value(got, "S1", "addon_gross_per_unit") == 300.0  # (300 + blank 0) ÷ 1; A3 belongs to November
    assert _value(got, "S1", "vp_achievement") == 0.25  # 1 ÷ 4
    assert np.isnan(_value(got, "S1", "market_share"))  # region volume blank
    assert np.isnan(_value(got, "S2", "close_rate"))  # L + N = 0


def test_same_rows_values_and_reasons_as_pandas(tmp_path):
    ds = _tiny()
    folder = _parquet(ds, tmp_path)
    periods = ["2026-09", M, "2026-11"]
    for lang in ("zh", "en"):
        want = long_metrics(ds, periods=periods, lang=lang)
        got = long_metrics_parquet(folder, periods=periods, lang=lang)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def test_demo_data_matches_pandas_engine(tmp_path):
    from dealerlab.calendar import period_range
    from dealerlab.datasets import load_demo

    ds = load_demo()
    folder = _parquet(ds, tmp_path)
    periods = list(period_range("2026-10", 14))  # two months before the data: zero denominators, no market rows
    want = long_metrics(ds, periods=periods, stores=["S03", "S01"])
    got = long_metrics_parquet(folder, periods=periods, stores=["S03", "S01"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def test_unusable_folder_falls_back_to_pandas(tmp_path):
    ds = _tiny()
    folder = tmp_path / "pq"
    write_dataset(ds, folder, format="parquet")
    (folder / "market.parquet").unlink()
    assert parquet_usable(folder) == "market.parquet is missing"
    with pytest.raises(EngineUnavailable):
        components_parquet(folder, periods=[M])
    got = long_metrics_parquet(folder, periods=[M])  # load() + pandas engine: market figures say why
    reason = got.loc[(got["store_id"] == "S1") & (got["metric"] == "vp_achievement"), "reason"].iloc[0]
    assert "market" in reason


def test_chinese_headers_are_not_read(tmp_path):
    folder = write_dataset(_tiny(), tmp_path / "zh", format="parquet", headers="zh")
    assert parquet_usable(folder) is not None


def test_long_metrics_of_a_folder_chooses_the_engine_by_size(tmp_path, monkeypatch):
    """``long_metrics(folder)``: DuckDB from DUCKDB_FROM_ROWS event rows on, pandas below — the same table either way,
    and the same as ``long_metrics(Dataset)``; a folder DuckDB cannot read, per-consultant rows and a CSV folder
    go to pandas."""
    from dealerlab.datasets import load_demo
    from dealerlab.funnel import engine_duckdb

    ds = load_demo()
    folder = _parquet(ds, tmp_path)
    periods = ["2026-09", M]
    want = long_metrics(ds, periods=periods)
    rows = engine_duckdb._event_rows(tmp_path / "pq")
    assert rows == sum(len(ds[t]) for t in engine_duckdb.FUNNEL_TABLES if t != "stores")  # 9768 leads + … by hand
    assert engine_duckdb.choose_engine(folder)[0] == ("duckdb" if rows >= engine_duckdb.DUCKDB_FROM_ROWS else "pandas")
    seen = []
    real = engine_duckdb.long_metrics_parquet
    monkeypatch.setattr(engine_duckdb, "long_metrics_parquet", lambda *a, **k: seen.append("duckdb") or real(*a, **k))
    for threshold, engine in ((rows + 1, "pandas"), (rows, "duckdb")):
        monkeypatch.setattr(engine_duckdb, "DUCKDB_FROM_ROWS", threshold)
        assert engine_duckdb.choose_engine(folder)[0] == engine
        seen.clear()
        got = long_metrics(folder, periods=periods)
        assert seen == ([engine] if engine == "duckdb" else [])
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))
    assert engine_duckdb.choose_engine(folder, by_staff=True)[0] == "pandas"
    staff = long_metrics(folder, periods=[M], by_staff=True)
    pd.testing.assert_frame_equal(staff.reset_index(drop=True),
                                  long_metrics(ds, periods=[M], by_staff=True).reset_index(drop=True))
    csv = write_dataset(ds, tmp_path / "csv", format="csv")
    assert engine_duckdb.choose_engine(csv)[0] == "pandas"
    pd.testing.assert_frame_equal(long_metrics(str(csv), periods=periods).reset_index(drop=True),
                                  want.reset_index(drop=True))
