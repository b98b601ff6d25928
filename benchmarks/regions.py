"""Beyond one machine: the funnel SQL run region by region, each region's Parquet files on their own.

    .venv/bin/python benchmarks/regions.py FOLDER TARGET --regions 3 [--engine datafusion]

``split`` writes ``TARGET/region=<name>/<table>.parquet`` — every table the funnel reads, cut by the row's store
(add-ons by their sale's store), the layout a data lake or an object store keeps per region; ``funnel_by_region``
runs the same query (``funnel_sql.sql``) on each region's folder and concatenates the results. Every aggregate of
``component_sql`` is per store × month, and the joins inside it (a visit's lead, a lead's first test drive, an
add-on's sale) stay within one store, so the regions' tables together are the whole group's table — checked in
tests/test_funnel_sql_engines.py. Each region is an independent job: one process, one machine, one DuckDB or
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
    out = {}
    for name, stores in regions.items():
        dest = target / f"region={name}"
        dest.mkdir(parents=True, exist_ok=True)
        ids = pa.array(stores, type=pa.string())
        sales = pq.read_table(folder / "sales.parquet")
        sales = sales.filter(pc.is_in(sales["store_id"], value_set=ids))
        for table in FUNNEL_TABLES:
            data = sales if table == "sales" else pq.read_table(folder / f"{table}.parquet")
            if table == "addons":
                data = data.filter(pc.is_in(data["sale_id"], value_set=sales["sale_id"].combine_chunks()))
            elif table != "sales":
                data = data.filter(pc.is_in(data["store_id"], value_set=ids))
            pq.write_table(data, dest / f"{table}.parquet")
        out[name] = dest
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
    args = parser.parse_args(argv)
    import time

    import run

    periods = run._periods(args.months)
    folders = split(args.folder, args.target, regions_of(args.folder, args.regions))
    for name, f in folders.items():
        t0 = time.perf_counter()
        from funnel_sql import funnel_table

        table = funnel_table(f, periods, engine=args.engine)
        print(f"{name}: {len(table)} store-months in {time.perf_counter() - t0:.2f} s ({args.engine})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
