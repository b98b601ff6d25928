"""The funnel's shared SQL on a second engine: Apache DataFusion gives the pandas engine's counts and figures.

``benchmarks/funnel_sql.py`` (every count and figure of DOMAIN.md §1 in SQL, over the component query
``dealerlab.funnel.engine_duckdb.component_sql``) is the reference of benchmark R2 on DuckDB; here the same query,
written for DataFusion (``dialect="datafusion"``: only file names and quotes differ), runs in DataFusion on a small
generated group with the awkward cells planted, and every value is compared with dealerlab's pandas engine under
R2's rules: counts equal, figures equal (NULL where pandas has NaN), money within 1e-12 relative.
DataFusion is the engine of Ballista (distributed); this is the path "beyond one machine" of benchmarks/README.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.data.write import write_dataset
from dealerlab.datasets import generate
from dealerlab.funnel import FUNNEL_METRICS, long_metrics
from dealerlab.funnel.engine_duckdb import component_sql, long_metrics_parquet, read_parquet_dataset

if not os.environ.get("CI"):  # CI installs the bench extra (make setup): there the test runs, never skips
    pytest.importorskip("datafusion")

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "benchmarks" / "funnel_sql.py").is_file())
PERIODS = ["2026-08", "2026-09", "2026-10"]
#: figures that are sums of money divided by a count: added in another order, they may differ in the last bits
MONEY = {"gross_per_unit", "addon_gross_per_unit"}


def _funnel_sql():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import funnel_sql
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return funnel_sql


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """3 stores × 3 months, generated, with the cells the rules are about: test drives without a lead (counted once
    per row), blank and infinite gross profit (left out of the mean), a store-month without a market row and one
    with a blank plan (NULL figures), a blank ``invited`` (= no)."""
    ds = generate(stores=3, months=3, end=PERIODS[-1])
    frames = {name: ds[name].copy() for name in ds}
    td = frames["test_drives"]
    td.loc[td.index[:4], "lead_id"] = None
    td.loc[td.index[4:7], "invited"] = None
    sales = frames["sales"]
    sales.loc[sales.index[:3], "gross_profit"] = np.nan
    sales.loc[sales.index[3], "gross_profit"] = np.inf
    market = frames["market"]
    gone = (market["store_id"] == "S02") & (market["period"] == "2026-09")
    assert gone.sum() == 1
    frames["market"] = market[~gone].reset_index(drop=True)
    blank = frames["market"].index[(frames["market"]["store_id"] == "S03") & (frames["market"]["period"] == "2026-10")]
    frames["market"].loc[blank, "volume_plan"] = np.nan
    target = tmp_path_factory.mktemp("group") / "parquet"
    write_dataset(Dataset.from_frames(frames, source="test"), target, format="parquet")
    return target


def _wide(table: pd.DataFrame) -> pd.DataFrame:
    out = table.pivot(index=["store_id", "period"], columns="metric", values="value")
    return out[FUNNEL_METRICS].reset_index()


def test_the_shared_funnel_sql_on_datafusion_equals_the_pandas_engine(folder):
    funnel_sql = _funnel_sql()
    got = funnel_sql.funnel_table(folder, PERIODS, engine="datafusion")
    expected = _wide(long_metrics(read_parquet_dataset(folder), periods=PERIODS))
    got = got.sort_values(["store_id", "period"]).reset_index(drop=True)
    expected = expected.sort_values(["store_id", "period"]).reset_index(drop=True)
    cells = [("S01", p) for p in PERIODS] + [("S02", p) for p in PERIODS] + [("S03", p) for p in PERIODS]
    assert list(zip(got["store_id"], got["period"])) == cells
    assert list(zip(expected["store_id"], expected["period"])) == cells
    assert set(got.columns) == {"store_id", "period", *FUNNEL_METRICS}
    nulls = 0
    for m in FUNNEL_METRICS:
        a = got[m].to_numpy(dtype=float, na_value=np.nan)
        b = expected[m].to_numpy(dtype=float, na_value=np.nan)
        assert np.array_equal(np.isnan(a), np.isnan(b)), m
        nulls += int(np.isnan(a).sum())
        if m in MONEY:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, err_msg=m)
        else:
            assert np.array_equal(a, b, equal_nan=True), (m, a, b)
    # the planted cells are there: no market row (S02 2026-09) and a blank plan (S03 2026-10) → no achievement
    row = got.set_index(["store_id", "period"])
    assert np.isnan(row.loc[("S02", "2026-09"), "vp_achievement"])
    assert np.isnan(row.loc[("S02", "2026-09"), "market_share"])
    assert np.isnan(row.loc[("S03", "2026-10"), "vp_achievement"])
    assert not np.isnan(row.loc[("S03", "2026-10"), "market_share"])
    assert nulls == 3
    assert (got["traffic"] > 100).all() and (got["volume"] > 10).all()


def test_dealerlab_long_metrics_counted_by_datafusion_has_the_same_numbers_and_reasons(folder):
    pytest.importorskip("duckdb")
    pandas_engine = long_metrics(read_parquet_dataset(folder), periods=PERIODS)
    for engine in ("datafusion", "duckdb"):
        got = long_metrics_parquet(folder, periods=PERIODS, engine=engine)
        key = ["store_id", "period", "metric"]
        a = got.sort_values(key).reset_index(drop=True)
        b = pandas_engine.sort_values(key).reset_index(drop=True)
        assert a[key].astype(str).equals(b[key].astype(str)), engine
        assert a["reason"].astype(str).tolist() == b["reason"].astype(str).tolist(), engine
        money = a["metric"].isin(MONEY).to_numpy()
        va, vb = a["value"].to_numpy(dtype=float), b["value"].to_numpy(dtype=float)
        assert np.array_equal(va[~money], vb[~money], equal_nan=True), engine
        np.testing.assert_allclose(va[money], vb[money], rtol=1e-12, atol=0)


def test_the_component_sql_differs_between_engines_only_in_file_names_and_quotes(folder):
    stores = ["S01", "O'Brien"]
    duck = component_sql(folder, PERIODS, stores)
    fusion = component_sql(folder, PERIODS, stores, dialect="datafusion")
    spark = component_sql(folder, PERIODS, stores, dialect="spark")
    leads = folder / "leads.parquet"
    assert f"read_parquet('{leads}')" in duck and f'"{leads}"' in fusion and f"parquet.`{leads}`" in spark
    assert "'O''Brien'" in duck and "'O''Brien'" in fusion and "'O\\'Brien'" in spark
    assert "GROUP BY ALL" not in duck and "isfinite" not in duck and "FILTER (WHERE" in duck

    def norm(text: str) -> str:
        for path in sorted(folder.glob("*.parquet")):
            for form in (f"read_parquet('{path}')", f'"{path}"', f"parquet.`{path}`"):
                text = text.replace(form, f"<{path.stem}>")
        return text.replace("`", '"').replace("\\'", "''")

    assert norm(duck) == norm(fusion) == norm(spark)
    with pytest.raises(ValueError, match="dialect"):
        component_sql(folder, PERIODS, stores, dialect="oracle")


def test_region_by_region_on_datafusion_gives_the_whole_groups_table(folder, tmp_path):
    """The distributed path: each region's files apart (store S03 alone, S01 + S02), the same SQL per region."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import regions
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    funnel_sql = _funnel_sql()
    parts = regions.split(folder, tmp_path, {"east": ["S03"], "west": ["S01", "S02"]})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["region=east", "region=west"]
    assert funnel_sql.store_ids(parts["east"]) == ["S03"]
    by_region = regions.funnel_by_region(parts, PERIODS, engine="datafusion")
    whole = funnel_sql.funnel_table(folder, PERIODS, engine="datafusion")
    key = ["store_id", "period"]
    by_region = by_region.sort_values(key).reset_index(drop=True)
    whole = whole.sort_values(key).reset_index(drop=True)
    assert len(whole) == 9
    pd.testing.assert_frame_equal(by_region, whole, check_exact=False, rtol=1e-12, atol=0)


def test_the_datafusion_engine_names_itself_when_it_cannot_read_a_folder(folder, tmp_path):
    import shutil

    from dealerlab.funnel.engine_duckdb import EngineUnavailable, components_parquet, parquet_usable

    shutil.copy(folder / "stores.parquet", tmp_path / "stores.parquet")
    with pytest.raises(EngineUnavailable) as err:
        components_parquet(tmp_path, periods=PERIODS, engine="datafusion")
    assert "DataFusion 引擎无法读取该文件夹：leads.parquet is missing" in str(err.value)
    # a file that is not Parquet is a reason too (the validating loader then explains it), not an Arrow traceback
    (tmp_path / "stores.parquet").write_bytes(b"")
    assert parquet_usable(tmp_path, engine="datafusion").startswith("stores.parquet cannot be read as Parquet")
