"""One side of R2 in its own process: compute the funnel KPI table from a Parquet folder, print time and memory.

    .venv/bin/python benchmarks/r2_worker.py ENGINE FOLDER PERIOD... [--out FILE.parquet]

Prints one JSON line: ``seconds`` (read + compute, measured inside the process after the imports, so neither
side pays for its interpreter start), ``base_mib`` (resident memory after the imports, before any data),
``peak_mib`` (``VmHWM`` of ``/proc/self/status``: the peak resident memory of the whole process), ``rows`` (cells
of the result) and, for dealerlab, ``data_mib`` (the in-memory size of the tables as dealerlab holds them:
``DataFrame.memory_usage(deep=True)``, measured after the timing). ``--out`` writes the result (wide: one row per
store × month, one column per metric id) for the equality check.

- dealerlab: the default path, ``dealerlab.funnel.long_metrics(FOLDER, periods=...)`` — it picks the engine by
  the folder's size (:func:`dealerlab.funnel.engine_duckdb.choose_engine`; ``engine_chosen`` says which).
- dealerlab-pandas: every ``<table>.parquet`` of FOLDER read with ``pandas.read_parquet`` into a
  :class:`~dealerlab.data.dataset.Dataset` (``Dataset.from_frames``: the contract's dtypes), then
  :func:`dealerlab.funnel.long_metrics` for every store × PERIOD. The validating loader (``dealerlab.load``) is
  measured separately (R2v in run.py): it checks the data contract, which DuckDB does not.
- dealerlab-duckdb: :func:`dealerlab.funnel.engine_duckdb.long_metrics_parquet` (the out-of-core engine: DuckDB
  counts from the Parquet files, dealerlab's formulas and reasons); ``data_mib`` is measured by reading the tables
  with pandas after the timing.
- dealerlab-validated: ``dealerlab.load`` (reads and validates the data contract) + ``long_metrics`` (which
  counts a Dataset of that size with DuckDB over the tables in memory,
  :func:`dealerlab.funnel.engine_duckdb.choose_engine_dataset`; ``engine_chosen`` says which).
- duckdb: :func:`funnel_sql.funnel_table` (DuckDB's defaults: all cores, in-memory database).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def status_mib(key: str) -> float:
    """A ``/proc/self/status`` memory line (kB) in MiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def read_dataset(folder: Path):
    from dealerlab.funnel.engine_duckdb import read_parquet_dataset

    return read_parquet_dataset(folder)


def run_dealerlab(folder: Path, periods: list[str], validate: bool = False):
    import dealerlab.funnel as funnel

    if validate:
        from dealerlab.data.load import load

        ds = load(folder)
    else:
        ds = read_dataset(folder)
    table = funnel.long_metrics(ds, periods=periods)
    return ds, table


def wide(table):
    """dealerlab's long table → one row per store × month, one column per metric (registry order)."""
    from dealerlab.funnel import FUNNEL_METRICS

    out = table.pivot(index=["store_id", "period"], columns="metric", values="value")
    return out[FUNNEL_METRICS].reset_index()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=["dealerlab", "dealerlab-pandas", "dealerlab-validated", "dealerlab-duckdb",
                                           "duckdb"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("periods", nargs="+")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.engine.startswith("dealerlab"):
        import pandas  # noqa: F401  (imports are not timed, on either side)

        import dealerlab.funnel  # noqa: F401
        from dealerlab.data.dataset import Dataset  # noqa: F401

        if args.engine == "dealerlab-validated":
            import pyarrow.compute  # noqa: F401  (the loader's Parquet reader and column checks)
            import pyarrow.parquet  # noqa: F401

            from dealerlab.data.load import load  # noqa: F401

            if importlib.util.find_spec("duckdb") is not None:  # counts a large group after the load
                import duckdb  # noqa: F401
        if args.engine in ("dealerlab", "dealerlab-duckdb"):
            import duckdb  # noqa: F401

            from dealerlab.funnel.engine_duckdb import choose_engine, long_metrics_parquet
    else:
        import duckdb  # noqa: F401
        import pandas  # noqa: F401
        from funnel_sql import funnel_table
    base = status_mib("VmRSS")
    t0 = time.perf_counter()
    if args.engine == "dealerlab-duckdb":
        table = long_metrics_parquet(args.folder, periods=args.periods)
    elif args.engine == "dealerlab":
        table = dealerlab.funnel.long_metrics(args.folder, periods=args.periods)  # the engine chosen by size
    elif args.engine.startswith("dealerlab"):
        ds, table = run_dealerlab(args.folder, args.periods, validate=args.engine == "dealerlab-validated")
    else:
        table = funnel_table(args.folder, args.periods)
    seconds = time.perf_counter() - t0
    peak = status_mib("VmHWM")
    result = {"engine": args.engine, "seconds": seconds, "base_mib": base, "peak_mib": peak}
    if args.engine.startswith("dealerlab"):
        if args.engine in ("dealerlab", "dealerlab-duckdb"):
            ds = read_dataset(args.folder)
        if args.engine == "dealerlab":
            result["engine_chosen"] = choose_engine(args.folder)[0]
        if args.engine == "dealerlab-validated":
            try:
                from dealerlab.funnel.engine_duckdb import choose_engine_dataset
            except ImportError:  # an older dealerlab (the benchmark run against an earlier commit)
                result["engine_chosen"] = "pandas"
            else:
                result["engine_chosen"] = choose_engine_dataset(ds)[0]
        result["data_mib"] = sum(int(ds[n].memory_usage(deep=True).sum()) for n in ds) / 2**20
        result["rows"] = int(len(table) // max(table["metric"].nunique(), 1))
        if args.out is not None:
            wide(table).to_parquet(args.out, index=False)
    else:
        result["rows"] = int(len(table))
        if args.out is not None:
            table.to_parquet(args.out, index=False)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
