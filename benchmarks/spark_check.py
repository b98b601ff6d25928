"""The funnel SQL on Spark SQL (local mode) against DuckDB: the Spark leg of "beyond one machine", run by hand.

    pip install pyspark            # ≈ 490 MB installed, needs a Java 17+ runtime (Debian: default-jre-headless)
    .venv/bin/python benchmarks/spark_check.py FOLDER [--months 3] [--end 2026-10]

FOLDER is a Parquet folder as ``write_dataset(..., format="parquet")`` writes it. Spark cannot read Parquet
``TIMESTAMP(NANOS)`` columns, which pyarrow writes for pandas datetimes, so the tables are first copied with
microsecond timestamps (``coerce_timestamps="us"``; every date of the contract is a day or a time of day, nothing is
lost). Then ``funnel_sql.sql(..., dialect="spark")`` — the same query as DuckDB's and DataFusion's, with Spark's
file names and quotes — runs in a local Spark session and every count and figure is compared with DuckDB's table
under R2's rules (counts equal, figures equal, money within 1e-12 relative). Prints the JVM start time, the query
time and the check. Measured on 3 stores × 3 months (2026-12-02, load average ~8 on the shared 2 cores): Spark
started in 37 s and ran the query in 112 s; every count and figure equal to DuckDB's. Not part of the test suite
for that reason (and 490 MB + a JRE to install); tests/funnel/test_sql_engines.py runs the same SQL on DataFusion.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MONEY = {"gross_per_unit", "addon_gross_per_unit"}


def micro_copy(folder: Path, target: Path) -> Path:
    """Copy every ``*.parquet`` of ``folder`` to ``target`` with microsecond timestamps."""
    import pyarrow.parquet as pq

    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(folder.glob("*.parquet")):
        pq.write_table(pq.read_table(path), target / path.name, coerce_timestamps="us", allow_truncated_timestamps=False)
    return target


def compare(got, ref) -> list[str]:
    """R2's rules; the problems found (empty when equal)."""
    import numpy as np

    from dealerlab.funnel import FUNNEL_METRICS

    key = ["store_id", "period"]
    got = got.sort_values(key).reset_index(drop=True)
    ref = ref.sort_values(key).reset_index(drop=True)
    if got[key].astype(str).values.tolist() != ref[key].astype(str).values.tolist():
        return ["the store × month cells differ"]
    problems = []
    for m in FUNNEL_METRICS:
        a = got[m].to_numpy(dtype=float, na_value=np.nan)
        b = ref[m].to_numpy(dtype=float, na_value=np.nan)
        if np.array_equal(a, b, equal_nan=True):
            continue
        same_nan = np.array_equal(np.isnan(a), np.isnan(b))
        if m in MONEY and same_nan and np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=1e-12, atol=0):
            continue
        problems.append(f"{m}: {a.tolist()[:5]} vs DuckDB {b.tolist()[:5]}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--end", default="2026-10")
    args = parser.parse_args(argv)
    from funnel_sql import funnel_table, sql, store_ids

    from dealerlab.calendar import period_range

    periods = list(period_range(args.end, args.months))
    ref = funnel_table(args.folder, periods, engine="duckdb")
    with tempfile.TemporaryDirectory(prefix="dealerlab-spark-") as tmp:
        folder = micro_copy(args.folder, Path(tmp) / "us")
        t0 = time.perf_counter()
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master("local[1]")
            .config("spark.driver.memory", "512m")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")  # local mode: listen on the loopback only
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.timestampType", "TIMESTAMP_NTZ")  # CAST(... AS TIMESTAMP) like the files' dates
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
        start = time.perf_counter() - t0
        try:
            t0 = time.perf_counter()
            got = spark.sql(sql(folder, periods, store_ids(folder), dialect="spark")).toPandas()
            query = time.perf_counter() - t0
        finally:
            spark.stop()
    problems = compare(got, ref)
    print(json.dumps({"spark_start_s": round(start, 1), "spark_query_s": round(query, 1), "cells": len(got),
                      "equal": not problems, "problems": problems}, ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
