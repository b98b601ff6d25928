"""The reference of R2: the funnel KPI table of DOMAIN.md §1 (every count and figure, every store × month) in SQL.

The counts come from :func:`dealerlab.funnel.engine_duckdb.component_sql` (one CTE per event table over the Parquet
files; its docstring and comments give the semantics of each count); the figures — every rate of DOMAIN.md §1 — are
written here in SQL on top of them (``RATES``: numerator / denominator, NULL when the denominator is 0 or NULL).
The pandas engine (``dealerlab.funnel.long_metrics``) is an independent implementation of the same spec, so the
benchmark's equality check (run.py) compares two implementations: counts must be equal and figures equal to 1e-12
(money sums may be added in another order).

The same query runs on DuckDB (the reference, ``engine="duckdb"``), on Apache DataFusion (``engine="datafusion"``,
the engine of Ballista, its distributed form; tested in tests/funnel/test_sql_engines.py) and, written for Spark SQL
(``sql(..., dialect="spark")``), on Spark — see "A national OEM" in benchmarks/README.md.
"""

from __future__ import annotations

from pathlib import Path

from dealerlab.funnel.engine_duckdb import CHANNELS, PRODUCTS, _dq, component_sql, run_sql

#: DOMAIN.md §1 figures: id → (columns added up in the numerator, columns added up in the denominator)
RATES = {
    "capture_rate": (("W", "C"), ("FV", "FC")),
    "call_visit_rate": (("CV",), ("C",)),
    "revisit_rate": (("R",), ("W", "CV", "L")),
    "test_drive_rate": (("TD",), ("W", "CV", "RnoTD")),
    "test_drive_invite_share": (("TDi",), ("TD",)),
    "test_drive_satisfaction": (("_td_satisfied",), ("_td_rows",)),
    "test_drive_satisfaction.reached": (("_td_sat_reached",), ("_td_reached",)),
    "close_rate": (("S_room",), ("L", "N")),
    "followup_timeliness": (("_fu_ok",), ("_fu_due",)),
    "aftersale_followup_timeliness": (("_afu_ok",), ("_afu_due",)),
    "vp_achievement": (("S",), ("_vp",)),
    "market_share": (("S",), ("_region",)),
    "addon_penetration": (("_addon_sales",), ("S",)),
    **{f"addon_penetration.{p}": ((f"_addon_sales.{p}",), ("S",)) for p in PRODUCTS},
    "addon_gross_per_unit": (("_addon_gross",), ("S",)),
    "gross_per_unit": (("_gross_sum",), ("_gross_n",)),
}
COUNTS = ["traffic", "FV", "FC", "W", "C", "N", "CV", "L", "R", "RnoTD", "TD", "TDi", "S_room"]


def sql(folder: str | Path, periods: list[str], stores: list[str], *, dialect: str = "duckdb") -> str:
    """Counts and figures of ``stores`` × ``periods``: one row per cell, one column per metric id."""

    def q(name: str) -> str:
        return _dq(name, dialect)

    def total(cols: tuple[str, ...]) -> str:
        return " + ".join(q(c) for c in cols)

    rates = ",\n    ".join(
        f"CASE WHEN ({total(den)}) = 0 THEN NULL ELSE ({total(num)}) / ({total(den)}) END AS {q(m)}"
        for m, (num, den) in RATES.items()
    )
    return f"""
WITH comp AS ({component_sql(folder, periods, stores, dialect=dialect)})
SELECT store_id, period,
    {", ".join(q(c) for c in COUNTS)},
    {q("S")} AS {q("volume")}, {", ".join(q("volume." + c) for c in CHANNELS)},
    {rates}
FROM comp
"""


def store_ids(folder: str | Path) -> list[str]:
    """The store ids of ``folder/stores.parquet``, sorted."""
    import pyarrow.parquet as pq

    ids = pq.read_table(Path(folder) / "stores.parquet", columns=["store_id"]).column("store_id").to_pylist()
    return sorted({s for s in ids if s is not None})


def funnel_table(folder: str | Path, periods: list[str], *, engine: str = "duckdb", con=None):
    """Run :func:`sql` for every store of ``stores.parquet`` on ``engine`` (``"duckdb"`` or ``"datafusion"``: Apache
    DataFusion, in process, no JVM); a pandas DataFrame (one row per store × month)."""
    return run_sql(sql(folder, periods, store_ids(folder), dialect=engine), engine=engine, con=con)
