"""DuckDB over an in-memory Dataset (engine_duckdb.long_metrics_frames): the pandas engine's rows, numbers and reasons.

``dealerlab.funnel.long_metrics(ds)`` hands a large Dataset (≥ DUCKDB_FROM_ROWS event rows) to DuckDB — e.g. a
50-store group right after ``dealerlab.load`` (benchmarks R2v) — and anything the SQL would count differently
(a table or column missing, a figure's column without any value, duplicate ids) to pandas.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.funnel import long_metrics, rates

pytest.importorskip("duckdb")

from dealerlab.funnel import engine_duckdb  # noqa: E402
from dealerlab.funnel.engine_duckdb import (  # noqa: E402
    EngineUnavailable,
    choose_engine_dataset,
    components_frames,
    dataset_tables,
    long_metrics_frames,
)
from tests.funnel.test_engine_duckdb import M, _tiny, _value  # noqa: E402


def _pandas(ds, **kw):
    return rates.long_metrics(ds, **kw).reset_index(drop=True)


def _replace(ds: Dataset, **frames) -> Dataset:
    tables = {name: ds[name] for name in ds}
    tables.update(frames)
    return Dataset.from_frames({k: v for k, v in tables.items() if v is not None})


def test_tiny_counts_by_hand():
    got = long_metrics_frames(_tiny(), periods=[M])
    # the hand counts of test_engine_duckdb._tiny: S = 1, 2 leads created, capture = W/FV …
    assert _value(got, "S1", "volume") == 1.0
    assert _value(got, "S1", "followup_timeliness") == 0.5
    assert _value(got, "S1", "vp_achievement") == 0.25  # 1 sale of a plan of 4
    assert got.loc[(got["store_id"] == "S1") & (got["metric"] == "market_share"), "reason"].iloc[0] == \
        "市场表中该月的「区域总销量」为空"


def test_same_rows_values_and_reasons_as_pandas():
    ds = _tiny()
    periods = ["2026-09", M, "2026-11"]
    for lang in ("zh", "en"):
        for stores in (None, ["S2", "S1"], ["S1", "S9"]):
            got = long_metrics_frames(ds, periods=periods, stores=stores, lang=lang)
            pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                          _pandas(ds, periods=periods, stores=stores, lang=lang))


def test_demo_data_matches_pandas_engine():
    from dealerlab.calendar import period_range
    from dealerlab.datasets import load_demo

    ds = load_demo()
    periods = list(period_range("2026-10", 14))  # two months before the data: zero denominators, no market rows
    assert dataset_tables(ds)[1] is None
    for stores in (None, ["S03", "S01"]):
        got = long_metrics_frames(ds, periods=periods, stores=stores)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), _pandas(ds, periods=periods, stores=stores))


def test_validated_csv_folder_matches_pandas_engine(tmp_path):
    """What ``dealerlab.load`` returns (its dtypes, blanks and canonical values) counts the same by both engines."""
    from dealerlab.data.load import load
    from dealerlab.data.write import write_dataset
    from dealerlab.datasets import load_demo

    ds = load(write_dataset(load_demo(), tmp_path / "csv", format="csv"))
    periods = ["2026-08", "2026-09", "2026-10"]
    pd.testing.assert_frame_equal(long_metrics_frames(ds, periods=periods).reset_index(drop=True),
                                  _pandas(ds, periods=periods))


@pytest.mark.parametrize(
    "change, why",
    [
        (lambda ds: {"followups": None}, "table followups is missing"),
        (lambda ds: {"sales": ds["sales"].drop(columns=["gross_profit"])}, None),  # conform adds it back, blank
        (lambda ds: {"test_drives": ds["test_drives"].assign(satisfied=None)}, "test_drives.satisfied has no value"),
        (lambda ds: {"addons": ds["addons"].assign(gross_profit=float("nan"))}, "addons.gross_profit has no value"),
        (lambda ds: {"leads": pd.concat([ds["leads"], ds["leads"].iloc[:1]])}, "leads.lead_id has duplicate ids"),
        (lambda ds: {"sales": pd.concat([ds["sales"].iloc[1:], ds["sales"]])}, "sales.sale_id has duplicate ids"),
        (lambda ds: {"market": ds["market"].assign(period="2026-10-01")}, "market.period has months not written YYYY-MM"),
    ],
)
def test_what_sql_would_count_otherwise_goes_to_pandas(change, why):
    ds = _replace(_tiny(), **change(_tiny()))
    got_why = dataset_tables(ds)[1]
    if why is None:  # a column left out is given back blank by the Dataset: "no value"
        assert got_why == "sales.gross_profit has no value"
    else:
        assert got_why == why
    with pytest.raises(EngineUnavailable):
        components_frames(ds, periods=[M])
    periods = ["2026-09", M]
    pd.testing.assert_frame_equal(long_metrics_frames(ds, periods=periods).reset_index(drop=True),
                                  _pandas(ds, periods=periods))


def test_long_metrics_of_a_dataset_chooses_the_engine_by_size(monkeypatch):
    """``long_metrics(ds)``: DuckDB over the tables from DUCKDB_FROM_ROWS event rows on, pandas below and per
    consultant — the same table either way."""
    from dealerlab.datasets import load_demo

    ds = load_demo()
    periods = ["2026-09", M]
    want = _pandas(ds, periods=periods)
    rows = sum(len(ds[t]) for t in engine_duckdb.FUNNEL_TABLES if t != "stores")
    seen = []
    real = engine_duckdb.components_frames
    monkeypatch.setattr(engine_duckdb, "components_frames", lambda *a, **k: seen.append("duckdb") or real(*a, **k))
    for threshold, engine in ((rows + 1, "pandas"), (rows, "duckdb")):
        monkeypatch.setattr(engine_duckdb, "DUCKDB_FROM_ROWS", threshold)
        assert choose_engine_dataset(ds)[0] == engine
        seen.clear()
        got = long_metrics(ds, periods=periods)
        assert seen == ([engine] if engine == "duckdb" else [])
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want)
    assert choose_engine_dataset(ds, by_staff=True)[0] == "pandas"
    seen.clear()
    staff = long_metrics(ds, periods=[M], by_staff=True)
    assert seen == []
    pd.testing.assert_frame_equal(staff.reset_index(drop=True), _pandas(ds, periods=[M], by_staff=True))
