"""Out-of-core engine for the funnel: DuckDB SQL over a folder of Parquet tables (large groups; optional).

The pandas engine (:mod:`dealerlab.funnel.counts`) needs every table in memory; at 50 stores × 24 months
(~2.2 million event rows) that is ~230 MiB of tables and a peak of about 3× that while reading and counting
(``benchmarks/README.md``). This engine counts the same components with DuckDB straight from the Parquet files —
only the columns it needs, in parallel, spilling to disk when memory is short — and then uses the same formulas,
reasons and long format as the pandas engine (:func:`dealerlab.funnel.rates.evaluate`), so the figures are
identical (the benchmark checks it on every run).

When to use it: data already validated (``dealerlab validate`` / ``dealerlab.load`` found no error), stored as
Parquet with English column names (``write_dataset(ds, path, format="parquet")``), and too large for the pandas
engine to be comfortable — roughly beyond a few million event rows or a few hundred stores × months. Needs the
``duckdb`` package (``pip install "dealerlab[bench]"``).

What it does not do: validate (ids unique, enums, dates — run the validator once when the data arrives) and count
per consultant (``by_staff``; use the pandas engine on a selection of stores). When a table the funnel needs is
absent, or a column is missing or not of the expected kind, :func:`parquet_usable` says why and
:func:`long_metrics_parquet` falls back to ``dealerlab.load`` + the pandas engine (same result, more memory).

Semantics, as in :mod:`dealerlab.funnel.counts`: cells are the stores asked for × the months asked for; an event
belongs to the cell of its store and the month of its date (a datetime counts by its date); add-ons belong to the
store and invoice month of their sale.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from dealerlab import _long
from dealerlab.errors import DealerlabError
from dealerlab.funnel.counts import CHANNELS, COUNT_IDS, PRODUCTS

__all__ = ["FUNNEL_TABLES", "component_sql", "components_parquet", "long_metrics_parquet", "parquet_usable",
           "choose_engine", "long_metrics_folder", "read_parquet_dataset", "DUCKDB_FROM_ROWS"]

#: a Parquet folder with at least this many funnel event rows (from the files' metadata, nothing read) is counted by
#: DuckDB; below, pandas (both give the same numbers; pandas is as fast on small data and needs no duckdb). Measured
#: (benchmarks/README.md): 0.24 M rows — pandas 0.24 s, DuckDB 0.21 s; 2.2 M rows — pandas 2.2× and DuckDB 1.3× the
#: SQL's time, pandas 2.6× and DuckDB 0.8× the data in memory.
DUCKDB_FROM_ROWS = 250_000


#: table → the columns the engine reads, with their kind (d = date/datetime, s = text, b = bool, n = number)
FUNNEL_TABLES: dict[str, dict[str, str]] = {
    "stores": {"store_id": "s"},
    "leads": {
        "lead_id": "s",
        "store_id": "s",
        "created_date": "d",
        "first_contact": "s",
        "status": "s",
        "closed_date": "d",
    },
    "visits": {"store_id": "s", "visit_date": "d", "visit_type": "s", "lead_id": "s"},
    "calls": {"store_id": "s", "call_date": "d", "call_type": "s"},
    "test_drives": {
        "store_id": "s",
        "lead_id": "s",
        "drive_date": "d",
        "invited": "b",
        "callback_reached": "b",
        "satisfied": "b",
    },
    "sales": {"sale_id": "s", "store_id": "s", "invoice_date": "d", "channel": "s", "gross_profit": "n"},
    "addons": {"sale_id": "s", "product": "s", "gross_profit": "n"},
    "followups": {"store_id": "s", "kind": "s", "due_date": "d", "done_date": "d"},
    "market": {"store_id": "s", "period": "s", "volume_plan": "n", "region_volume": "n"},
}


class EngineUnavailable(DealerlabError):
    """The DuckDB engine cannot read this folder (the reason says why); the pandas engine can."""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _kind_ok(kind: str, arrow_type) -> bool:
    import pyarrow as pa

    if kind == "d":
        return pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type)
    if kind == "s":
        return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) or pa.types.is_null(arrow_type)
    if kind == "b":
        return pa.types.is_boolean(arrow_type) or pa.types.is_null(arrow_type)
    return pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type) or pa.types.is_null(arrow_type)


def parquet_usable(folder: str | Path) -> str | None:
    """``None`` when the engine can read ``folder``; otherwise the reason (English) why not."""
    import pyarrow.parquet as pq

    try:
        import duckdb  # noqa: F401
    except ImportError:
        return "the duckdb package is not installed (pip install 'dealerlab[bench]')"
    folder = Path(folder)
    for table, columns in FUNNEL_TABLES.items():
        path = folder / f"{table}.parquet"
        if not path.is_file():
            return f"{path.name} is missing"
        schema = pq.read_schema(path)
        for col, kind in columns.items():
            if col not in schema.names:
                return f"{path.name} has no column {col}"
            if not _kind_ok(kind, schema.field(col).type):
                return f"{path.name}: column {col} is {schema.field(col).type}"
    return None


def component_sql(folder: str | Path, periods: list[str], stores: list[str]) -> str:
    """The query counting every funnel component of ``stores`` × ``periods`` from ``folder/<table>.parquet``.

    One row per store × month (``store_id, period`` first, stores then months in the order given) and one column
    per component of :class:`dealerlab.funnel.counts.Components` (counts, ``_td_*``, ``_gross_*``, ``_addon_*``,
    ``_fu_*``, ``_afu_*``, ``_vp``, ``_region``) plus ``_has_market`` (the store-month has a market row).
    """
    folder = Path(folder)

    def t(name: str) -> str:
        return f"read_parquet({_lit(folder / (name + '.parquet'))})"

    def values(items: list[str]) -> str:
        return ", ".join(f"({_lit(x)}, {i})" for i, x in enumerate(items))

    channels = ",\n        ".join(f"count(*) FILTER (channel = {_lit(c)}) AS {_q('volume.' + c)}" for c in CHANNELS)
    flags = ", ".join(f"bool_or(product = {_lit(p)}) AS {_q('has.' + p)}" for p in PRODUCTS)
    per_product = ",\n        ".join(
        f"count(*) FILTER (a.{_q('has.' + p)}) AS {_q('_addon_sales.' + p)}" for p in PRODUCTS
    )
    counted = [
        *COUNT_IDS,
        "_td_rows",
        "_td_satisfied",
        "_td_reached",
        "_td_sat_reached",
        "_gross_n",
        "_gross_sum",
        "_addon_sales",
        *[f"_addon_sales.{p}" for p in PRODUCTS],
        "_addon_gross",
        "_fu_due",
        "_fu_ok",
        "_afu_due",
        "_afu_ok",
    ]
    zero_filled = ",\n    ".join(f"CAST(coalesce({_q(c)}, 0) AS DOUBLE) AS {_q(c)}" for c in counted)
    return f"""
WITH
store_list(store_id, s_order) AS (VALUES {values(stores)}),
periods(period, p_order) AS (VALUES {values(periods)}),
cells AS (
    SELECT s.store_id, p.period, CAST(p.period || '-01' AS TIMESTAMP) AS m, s.s_order, p.p_order
    FROM store_list s CROSS JOIN periods p
),
leads AS (SELECT lead_id, store_id, created_date, first_contact, status, closed_date FROM {t("leads")}),
first_td AS (  -- month of each lead's first test drive (RnoTD)
    SELECT lead_id, min(date_trunc('month', drive_date)) AS first_m
    FROM {t("test_drives")} WHERE lead_id IS NOT NULL AND drive_date IS NOT NULL GROUP BY lead_id
),
visit_agg AS (
    SELECT store_id, date_trunc('month', visit_date) AS m, count(*) AS traffic,
        count(*) FILTER (visit_type = '首次') AS FV
    FROM {t("visits")} GROUP BY ALL
),
visit_lead AS (  -- one row per store × month × visiting lead: distinct counts become plain counts
    SELECT store_id, date_trunc('month', visit_date) AS m, lead_id,
        bool_or(visit_type = '首次') AS first_visit, bool_or(visit_type = '再次') AS revisit
    FROM {t("visits")} WHERE lead_id IS NOT NULL GROUP BY ALL
),
visit_lead_agg AS (
    SELECT x.store_id, x.m,
        count(*) FILTER (x.first_visit AND l.first_contact = '来电') AS CV,
        count(*) FILTER (x.revisit AND l.lead_id IS NOT NULL) AS R,
        count(*) FILTER (x.revisit AND l.lead_id IS NOT NULL AND (f.first_m IS NULL OR f.first_m >= x.m)) AS RnoTD
    FROM visit_lead x
    LEFT JOIN leads l ON l.lead_id = x.lead_id
    LEFT JOIN first_td f ON f.lead_id = x.lead_id
    GROUP BY ALL
),
call_agg AS (
    SELECT store_id, date_trunc('month', call_date) AS m, count(*) FILTER (call_type = '首次') AS FC
    FROM {t("calls")} GROUP BY ALL
),
lead_agg AS (
    SELECT store_id, date_trunc('month', created_date) AS m,
        count(*) FILTER (first_contact = '到店') AS W, count(*) FILTER (first_contact = '来电') AS C, count(*) AS N
    FROM leads GROUP BY ALL
),
open_agg AS (  -- L: created before start(M), and 跟进中 or closed on/after start(M)
    SELECT c.store_id, c.m, count(*) AS L
    FROM cells c JOIN leads l
      ON l.store_id = c.store_id AND l.created_date < c.m AND (l.status = '跟进中' OR l.closed_date >= c.m)
    GROUP BY ALL
),
td_agg AS (  -- a test drive without lead_id counts once per row in TD / TDi
    SELECT store_id, date_trunc('month', drive_date) AS m,
        count(DISTINCT lead_id) + count(*) FILTER (lead_id IS NULL) AS TD,
        count(DISTINCT lead_id) FILTER (invited) + count(*) FILTER (invited AND lead_id IS NULL) AS TDi,
        count(*) AS _td_rows,
        count(*) FILTER (satisfied) AS _td_satisfied,
        count(*) FILTER (coalesce(callback_reached, satisfied IS NOT NULL)) AS _td_reached,
        count(*) FILTER (satisfied AND coalesce(callback_reached, satisfied IS NOT NULL)) AS _td_sat_reached
    FROM {t("test_drives")} GROUP BY ALL
),
sales AS (SELECT sale_id, store_id, invoice_date, channel, gross_profit FROM {t("sales")}),
sale_agg AS (
    SELECT store_id, date_trunc('month', invoice_date) AS m, count(*) AS S,
        count(*) FILTER (channel = '展厅') AS S_room,
        {channels},
        count(*) FILTER (isfinite(gross_profit)) AS _gross_n,
        sum(gross_profit) FILTER (isfinite(gross_profit)) AS _gross_sum
    FROM sales GROUP BY ALL
),
addon_sale AS (  -- one row per sale with add-ons: which products, and their gross profit (blank = 0)
    SELECT sale_id, {flags}, sum(coalesce(gross_profit, 0)) AS gross
    FROM {t("addons")} GROUP BY sale_id
),
addon_agg AS (
    SELECT s.store_id, date_trunc('month', s.invoice_date) AS m, count(*) AS _addon_sales,
        {per_product},
        sum(a.gross) AS _addon_gross
    FROM addon_sale a JOIN sales s ON s.sale_id = a.sale_id
    GROUP BY ALL
),
fu_agg AS (  -- on time: done on or before the due day
    SELECT store_id, date_trunc('month', due_date) AS m,
        count(*) FILTER (kind = '潜客跟踪') AS _fu_due,
        count(*) FILTER (kind = '潜客跟踪' AND CAST(done_date AS DATE) <= CAST(due_date AS DATE)) AS _fu_ok,
        count(*) FILTER (kind = '售后跟踪') AS _afu_due,
        count(*) FILTER (kind = '售后跟踪' AND CAST(done_date AS DATE) <= CAST(due_date AS DATE)) AS _afu_ok
    FROM {t("followups")} GROUP BY ALL
),
market_agg AS (
    SELECT store_id, CAST(period || '-01' AS TIMESTAMP) AS m,
        CAST(sum(volume_plan) AS DOUBLE) AS _vp, CAST(sum(region_volume) AS DOUBLE) AS _region
    FROM {t("market")} GROUP BY ALL
)
SELECT c.store_id, c.period,
    {zero_filled},
    mk._vp, mk._region, mk.store_id IS NOT NULL AS _has_market
FROM cells c
LEFT JOIN visit_agg USING (store_id, m)
LEFT JOIN visit_lead_agg USING (store_id, m)
LEFT JOIN call_agg USING (store_id, m)
LEFT JOIN lead_agg USING (store_id, m)
LEFT JOIN open_agg USING (store_id, m)
LEFT JOIN td_agg USING (store_id, m)
LEFT JOIN sale_agg USING (store_id, m)
LEFT JOIN addon_agg USING (store_id, m)
LEFT JOIN fu_agg USING (store_id, m)
LEFT JOIN market_agg mk USING (store_id, m)
ORDER BY c.s_order, c.p_order
"""


def _store_list(con, folder: Path, stores: Iterable[str] | None) -> list[str]:
    if stores is not None:
        return _long.store_list(stores)
    rows = con.execute(
        f"SELECT store_id FROM read_parquet({_lit(folder / 'stores.parquet')}) WHERE store_id IS NOT NULL"
    ).fetchall()
    return list(dict.fromkeys(r[0] for r in rows))


def components_parquet(folder: str | Path, *, periods, stores=None, con=None):
    """Every funnel component of ``stores`` × ``periods`` counted by DuckDB (the engine of :func:`long_metrics_parquet`).

    Parameters
    ----------
    folder : str or Path
        A folder of ``<table>.parquet`` files with English column names (see :data:`FUNNEL_TABLES`).
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids (default: every store of ``stores.parquet``, in file order).
    con : duckdb.DuckDBPyConnection, optional
        A connection to use (default: a new in-memory one).

    Returns
    -------
    dealerlab.funnel.counts.Components
        The same structure as the pandas engine's (store level).

    Raises
    ------
    EngineUnavailable
        When :func:`parquet_usable` finds a reason.
    """
    from dealerlab.funnel.counts import Components

    folder = Path(folder)
    why = parquet_usable(folder)
    if why is not None:
        raise EngineUnavailable(
            f"DuckDB 引擎无法读取该文件夹：{why}", f"the DuckDB engine cannot read this folder: {why}"
        )
    import duckdb

    con = con or duckdb.connect()
    periods = _long.period_list(periods, required=True)
    store_list = _store_list(con, folder, stores)
    if not store_list:
        raise EngineUnavailable("stores.parquet 中没有门店。", "stores.parquet has no store.")
    frame = con.execute(component_sql(folder, periods, store_list)).df()
    keys = pd.DataFrame(
        {
            "store_id": pd.array(frame["store_id"].astype(str).to_numpy(), dtype="string"),
            "period": pd.array(frame["period"].astype(str).to_numpy(), dtype="string"),
        }
    )
    values = {
        c: frame[c].to_numpy(dtype=float, na_value=np.nan)
        for c in frame.columns
        if c not in ("store_id", "period", "_has_market")
    }
    have = frame["_has_market"].to_numpy(dtype=bool)
    cell_reasons = {}
    for key, col in (("_vp", "volume_plan"), ("_region", "region_volume")):
        empty = np.isnan(values[key])
        zh = np.where(
            ~have,
            "市场表（market）中没有该门店该月份的行",
            np.where(empty, f"市场表中该月的「{_market_label(col)}」为空", ""),
        )
        en = np.where(
            ~have,
            "no market row for this store and month",
            np.where(empty, f"market {col} is empty for this month", ""),
        )
        reasons = np.empty(len(frame), dtype=object)
        reasons[:] = list(zip(zh.tolist(), en.tolist()))
        cell_reasons[key] = reasons
    return Components(keys, values, {name: None for name in values}, cell_reasons, False)


def _market_label(col: str) -> str:
    from dealerlab.data.schema import TABLES

    return TABLES["market"].column(col).zh


def long_metrics_parquet(folder: str | Path, *, periods, stores=None, lang: str = "zh", con=None) -> pd.DataFrame:
    """:func:`dealerlab.funnel.long_metrics` computed out of core from a Parquet folder (DuckDB engine).

    Parameters
    ----------
    folder : str or Path
        A folder of ``<table>.parquet`` files (validated data, English column names).
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids (default: every store of ``stores.parquet``).
    lang : {"zh", "en"}
        Language of the reasons.
    con : duckdb.DuckDBPyConnection, optional
        A connection to use.

    Returns
    -------
    DataFrame
        ``store_id, period, metric, value, reason`` — the same rows and numbers as
        ``long_metrics(load(folder), periods=..., stores=...)``. When the engine cannot read the folder
        (:func:`parquet_usable`), that is what is computed instead.
    """
    from dealerlab.funnel.rates import long_from_components, long_metrics
    from dealerlab.metrics import LONG_COLUMNS

    if parquet_usable(folder) is not None:
        from dealerlab.data.load import load

        return long_metrics(load(folder, lang=lang), periods=periods, stores=stores, lang=lang)
    comp = components_parquet(folder, periods=periods, stores=stores, con=con)
    return long_from_components(comp, lang=lang)[LONG_COLUMNS]


def _event_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(folder / f"{t}.parquet").metadata.num_rows for t in FUNNEL_TABLES if t != "stores")


def choose_engine(folder: str | Path, *, by_staff: bool = False) -> tuple[str, str]:
    """Which engine :func:`long_metrics_folder` uses for ``folder``: ``("duckdb" | "pandas", why)`` (English).

    DuckDB when the duckdb package is installed, the folder is readable by it (:func:`parquet_usable`), the result
    is per store (``by_staff`` needs pandas) and the funnel tables hold at least :data:`DUCKDB_FROM_ROWS` event rows;
    pandas otherwise.
    """
    folder = Path(folder)
    if by_staff:
        return "pandas", "per consultant (by_staff) is counted by pandas"
    if not folder.is_dir():
        return "pandas", f"{folder.name} is not a folder of Parquet files"
    why = parquet_usable(folder)
    if why is not None:
        return "pandas", why
    rows = _event_rows(folder)
    if rows < DUCKDB_FROM_ROWS:
        return "pandas", f"{rows} event rows (< {DUCKDB_FROM_ROWS})"
    return "duckdb", f"{rows} event rows (≥ {DUCKDB_FROM_ROWS})"


def read_parquet_dataset(folder: str | Path):
    """The ``<table>.parquet`` files of ``folder`` as a :class:`~dealerlab.data.dataset.Dataset` with the contract's
    dtypes (``Dataset.from_frames``), read as they are — data written by ``write_dataset`` or checked by
    ``dealerlab validate`` when it arrived; the validating loader is :func:`dealerlab.load`."""
    from dealerlab.data.dataset import Dataset
    from dealerlab.data.read import table_for_name

    folder = Path(folder)
    frames = {}
    for path in sorted(folder.glob("*.parquet")):
        name = table_for_name(path.stem)
        if name is not None:
            frames[name] = pd.read_parquet(path)
    return Dataset.from_frames(frames, source=str(folder))


def long_metrics_folder(folder: str | Path, *, periods, stores=None, by_staff: bool = False,
                        lang: str = "zh") -> pd.DataFrame:
    """The funnel family of a data folder, by the engine :func:`choose_engine` picks — what
    ``dealerlab.funnel.long_metrics(folder, ...)`` does.

    Parameters
    ----------
    folder : str or Path
        A folder of Parquet tables with the contract's English column names (validated when it arrived; read as it
        is), or any other data path ``dealerlab.load`` reads (then loaded and validated).
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids (default: every store).
    by_staff : bool
        One block per consultant too (pandas engine).
    lang : {"zh", "en"}
        Language of the reasons.

    Returns
    -------
    DataFrame
        The rows of :func:`dealerlab.funnel.long_metrics` — the same numbers and reasons whichever engine ran.
    """
    from dealerlab.funnel.rates import long_metrics

    engine, _why = choose_engine(folder, by_staff=by_staff)
    if engine == "duckdb":
        return long_metrics_parquet(folder, periods=periods, stores=stores, lang=lang)
    if Path(folder).is_dir() and parquet_usable(folder) is None:
        ds = read_parquet_dataset(folder)
    else:
        from dealerlab.data.load import load

        ds = load(folder, lang=lang)
    return long_metrics(ds, periods=periods, stores=stores, by_staff=by_staff, lang=lang)
