"""Beyond one machine: the funnel SQL run region by region, each region's Parquet files on their own.

    .venv/bin/python benchmarks/regions.py FOLDER TARGET --regions 3 [--engine datafusion]

``split`` writes ``TARGET/region=<name>/<table>.parquet`` — every table the funnel reads, cut by the row's store
(add-ons by their sale's store), the layout a data lake or an object store keeps per region; ``funnel_by_region``
runs the same query (``funnel_sql.sql``) on each region's folder and concatenates the results. Every aggregate of
``component_sql`` is per store × month, and the joins inside it (a visit's lead, a lead's first test drive, an
add-on's sale) stay within one store, so the regions' tables together are the whole group's table — checked in
tests/funnel/test_sql_engines.py. Each region is an independent job: one process, one machine, one DuckDB or
DataFusion over an object-store URL per region, or one task of a distributed engine; none needs another's data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from dealerlab.funnel.engine_duckdb import FUNNEL_TABLES  # noqa: E402


def split(folder: str | Path, target: str | Path, regions: dict[str, list[str]]) -> dict[str, Path]:
    """Write ``target/region=<name>/<table>.parquet`` for every region (name → store ids); region → its folder."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    folder, target = Path(folder), Path(target)
    out = {name: target / f"region={name}" for name in regions}
    for dest in out.values():
        dest.mkdir(parents=True, exist_ok=True)
    ids = {name: pa.array(stores, type=pa.string()) for name, stores in regions.items()}
    sales = pq.read_table(folder / "sales.parquet")
    sale_ids = {name: sales.filter(pc.is_in(sales["store_id"], value_set=v))["sale_id"].combine_chunks()
                for name, v in ids.items()}
    for table in FUNNEL_TABLES:  # each table read once, cut into every region
        data = sales if table == "sales" else pq.read_table(folder / f"{table}.parquet")
        for name in regions:
            if table == "addons":  # no store column: an add-on goes with its sale
                part = data.filter(pc.is_in(data["sale_id"], value_set=sale_ids[name]))
            else:
                part = data.filter(pc.is_in(data["store_id"], value_set=ids[name]))
            pq.write_table(part, out[name] / f"{table}.parquet")
    return out


def funnel_by_region(folders: dict[str, Path], periods: list[str], *, engine: str = "duckdb"):
    """The funnel table of every region (``funnel_sql.funnel_table`` on each folder), concatenated."""
    import pandas as pd
    from funnel_sql import funnel_table

    return pd.concat([funnel_table(f, periods, engine=engine) for f in folders.values()], ignore_index=True)


def regions_of(folder: str | Path, n: int) -> dict[str, list[str]]:
    """The stores of ``folder/stores.parquet`` cut into ``n`` regions of consecutive ids (R1, R2, …)."""
    from funnel_sql import store_ids

    ids = store_ids(folder)
    size = -(-len(ids) // n)
    return {f"R{i + 1}": ids[i * size : (i + 1) * size] for i in range(n) if ids[i * size : (i + 1) * size]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--regions", type=int, default=3)
    parser.add_argument("--engine", default="duckdb", choices=["duckdb", "datafusion"])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--check", action="store_true", help="compare with the whole group's table, same engine")
    args = parser.parse_args(argv)
    import time

    import pandas as pd
    import run
    from funnel_sql import funnel_table

    periods = run._periods(args.months)
    t0 = time.perf_counter()
    folders = split(args.folder, args.target, regions_of(args.folder, args.regions))
    print(f"split into {len(folders)} regions in {time.perf_counter() - t0:.1f} s")
    tables = []
    for name, f in folders.items():
        t0 = time.perf_counter()
        tables.append(funnel_table(f, periods, engine=args.engine))
        print(f"{name}: {len(tables[-1])} store-months in {time.perf_counter() - t0:.2f} s ({args.engine})")
    if args.check:
        key = ["store_id", "period"]
        got = pd.concat(tables, ignore_index=True).sort_values(key).reset_index(drop=True)
        whole = funnel_table(args.folder, periods, engine=args.engine).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, whole, check_exact=False, rtol=1e-12, atol=0)
        print(f"the regions' tables together = the whole group's table ({len(whole)} store-months)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
