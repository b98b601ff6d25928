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

The query (:func:`component_sql`) is written in the SQL DuckDB, Apache DataFusion and Spark SQL share; with
``engine="datafusion"`` (the ``datafusion`` package) DataFusion runs it instead of DuckDB, with the same result
(``tests/funnel/test_sql_engines.py``) — the path to a distributed engine (Ballista, Spark) for groups beyond one
machine (``benchmarks/README.md``, "A national OEM").

What it does not do: validate (ids unique, enums, dates — run the validator once when the data arrives) and count
per consultant (``by_staff``; use the pandas engine on a selection of stores). When a table the funnel needs is
absent, or a column is missing or not of the expected kind, :func:`parquet_usable` says why and
:func:`long_metrics_parquet` falls back to ``dealerlab.load`` + the pandas engine (same result, more memory).

Semantics, as in :mod:`dealerlab.funnel.counts`: cells are the stores asked for × the months asked for; an event
belongs to the cell of its store and the month of its date (a datetime counts by its date); add-ons belong to the
store and invoice month of their sale.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from dealerlab import _long
from dealerlab._docstrings import share_docs
from dealerlab._options import check_option
from dealerlab.data.dataset import Dataset
from dealerlab.data.read import table_for_name
from dealerlab.data.schema import TABLES
from dealerlab.errors import DealerlabError
from dealerlab.funnel.counts import (
    _AFTERSALE_FOLLOWUP,
    _AGAIN,
    _CALL,
    _FIRST,
    _OPEN,
    _PROSPECT_FOLLOWUP,
    _SHOWROOM,
    _WALK_IN,
    CHANNELS,
    COUNT_IDS,
    PRODUCTS,
    Components,
)
from dealerlab.funnel.rates import long_from_components, long_metrics
from dealerlab.i18n import Catalogue
from dealerlab.metrics import LONG_COLUMNS

__all__ = ["FUNNEL_TABLES", "DIALECTS", "ENGINES", "component_sql", "components_parquet", "long_metrics_parquet",
           "parquet_usable", "run_sql",
           "choose_engine", "long_metrics_folder", "read_parquet_dataset", "DUCKDB_FROM_ROWS",
           "dataset_tables", "choose_engine_dataset", "components_frames", "long_metrics_frames",
           "long_metrics_dataset"]

_MSG = Catalogue.load("funnel/engine_duckdb")

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


#: the SQL engines that can count the components (:func:`components_parquet`): engine → the package it needs
ENGINES = {"duckdb": "duckdb", "datafusion": "datafusion"}


def parquet_usable(folder: str | Path, *, engine: str = "duckdb") -> str | None:
    """``None`` when ``engine`` (one of :data:`ENGINES`) can read ``folder``; otherwise the reason (English) why not."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    check_option("engine", engine, ENGINES)
    if importlib.util.find_spec(ENGINES[engine]) is None:
        return f"the {ENGINES[engine]} package is not installed (pip install 'dealerlab[bench]')"
    folder = Path(folder)
    for table, columns in FUNNEL_TABLES.items():
        path = folder / f"{table}.parquet"
        if not path.is_file():
            return f"{path.name} is missing"
        try:
            schema = pq.read_schema(path)
        except (OSError, pa.ArrowException) as exc:  # not a Parquet file: the validating loader says it in Chinese
            return f"{path.name} cannot be read as Parquet ({exc})"
        for col, kind in columns.items():
            if col not in schema.names:
                return f"{path.name} has no column {col}"
            if not _kind_ok(kind, schema.field(col).type):
                return f"{path.name}: column {col} is {schema.field(col).type}"
    return None


#: the SQL engines :func:`component_sql` writes for — how each names a Parquet file and quotes an identifier
DIALECTS = ("duckdb", "datafusion", "spark")


def _dq(name: str, dialect: str) -> str:
    if dialect == "spark":
        return "`" + name.replace("`", "``") + "`"
    return _q(name)


def _dlit(text: str, dialect: str) -> str:
    if dialect == "spark":  # Spark SQL escapes with a backslash, not by doubling the quote
        return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"
    return _lit(text)


def _parquet(path: Path, dialect: str) -> str:
    if dialect == "duckdb":
        return f"read_parquet({_lit(path)})"
    if dialect == "datafusion":  # a file name as a table: SessionContext().enable_url_table()
        return _q(str(path))
    return f"parquet.{_dq(str(path), 'spark')}"


def component_sql(folder: str | Path, periods: list[str], stores: list[str], *, dialect: str = "duckdb",
                  relations: dict[str, str] | None = None) -> str:
    """The query counting every funnel component of ``stores`` × ``periods`` from ``folder/<table>.parquet``.

    One row per store × month (``store_id, period`` first, stores then months in the order given) and one column
    per component of :class:`dealerlab.funnel.counts.Components` (counts, ``_td_*``, ``_gross_*``, ``_addon_*``,
    ``_fu_*``, ``_afu_*``, ``_vp``, ``_region``) plus ``_has_market`` (the store-month has a market row).

    The query is written in the SQL the three engines of :data:`DIALECTS` share (``FILTER (WHERE …)``, explicit
    ``GROUP BY``, ``isnan``, every alias quoted, so engines that fold unquoted names to lower case keep them); only
    a Parquet file's name and the identifier quotes differ: ``read_parquet('f')`` for DuckDB, ``"f"`` for Apache
    DataFusion (``SessionContext().enable_url_table()``; Ballista, its distributed form, runs the same SQL), and
    ``parquet.`f``` for Spark SQL (which needs microsecond timestamps: Spark cannot read Parquet ``TIMESTAMP(NANOS)``).

    Parameters
    ----------
    folder : str or Path
        The folder of ``<table>.parquet`` files (a path or URL the engine reads).
    periods : list of str
        Months ``YYYY-MM``.
    stores : list of str
        Store ids.
    dialect : {"duckdb", "datafusion", "spark"}
        The engine the query is written for.
    relations : dict of str to str, optional
        Table → the name of a relation the engine already knows (e.g. an Arrow table registered with DuckDB,
        :func:`components_frames`), read instead of ``folder/<table>.parquet``; ``folder`` is then unused.

    Returns
    -------
    str
        The query.
    """
    check_option("dialect", dialect, DIALECTS)
    sql = _Sql(Path(folder), dialect, relations)
    stages = [_cells(sql, stores, periods), _visits_and_leads(sql), _test_drives(sql), _sales(sql), _followups(sql),
              _market(sql)]
    return "\nWITH\n" + ",\n".join(stages) + "\n" + _select(sql)


class _Sql:
    """What :func:`component_sql`'s stages write with: quoted names and texts in the dialect, and the tables."""

    def __init__(self, folder: Path, dialect: str, relations: dict[str, str] | None) -> None:
        self.folder, self.dialect, self.relations = folder, dialect, relations

    def q(self, name: str) -> str:
        return _dq(name, self.dialect)

    def lit(self, text: str) -> str:
        return _dlit(text, self.dialect)

    def t(self, name: str) -> str:  # the one place that names a table
        if self.relations is not None:
            return self.q(self.relations[name])
        return _parquet(self.folder / (name + ".parquet"), self.dialect)

    @staticmethod
    def month(col: str) -> str:
        return f"date_trunc('month', {col})"

    @staticmethod
    def finite(col: str) -> str:  # not NULL, not NaN, not ±inf (DuckDB's isfinite, which the others lack)
        return f"(NOT isnan({col}) AND abs({col}) < CAST('Infinity' AS DOUBLE))"

    def values(self, items: list[str]) -> str:
        return ", ".join(f"({self.lit(x)}, {i})" for i, x in enumerate(items))


def _cells(sql: _Sql, stores: list[str], periods: list[str]) -> str:
    """The store × month cells asked for, with their order."""
    return f"""store_list(store_id, s_order) AS (VALUES {sql.values(stores)}),
periods(period, p_order) AS (VALUES {sql.values(periods)}),
cells AS (
    SELECT s.store_id, p.period, CAST(p.period || '-01' AS TIMESTAMP) AS m, s.s_order, p.p_order
    FROM store_list s CROSS JOIN periods p
)"""


def _visits_and_leads(sql: _Sql) -> str:
    """Traffic, first visits, calls, new and open leads (``traffic, FV, CV, R, RnoTD, FC, W, C, N, L``)."""
    q, t, month = sql.q, sql.t, sql.month
    return f"""leads AS (SELECT lead_id, store_id, created_date, first_contact, status, closed_date FROM {t("leads")}),
first_td AS (  -- month of each lead's first test drive (RnoTD)
    SELECT lead_id, min({month("drive_date")}) AS first_m
    FROM {t("test_drives")} WHERE lead_id IS NOT NULL AND drive_date IS NOT NULL GROUP BY lead_id
),
visit_agg AS (
    SELECT store_id, {month("visit_date")} AS m, count(*) AS {q("traffic")},
        count(*) FILTER (WHERE visit_type = '{_FIRST}') AS {q("FV")}
    FROM {t("visits")} GROUP BY store_id, {month("visit_date")}
),
visit_lead AS (  -- one row per store × month × visiting lead: distinct counts become plain counts
    SELECT store_id, {month("visit_date")} AS m, lead_id,
        bool_or(visit_type = '{_FIRST}') AS first_visit, bool_or(visit_type = '{_AGAIN}') AS revisit
    FROM {t("visits")} WHERE lead_id IS NOT NULL GROUP BY store_id, {month("visit_date")}, lead_id
),
visit_lead_agg AS (
    SELECT x.store_id, x.m,
        count(*) FILTER (WHERE x.first_visit AND l.first_contact = '{_CALL}') AS {q("CV")},
        count(*) FILTER (WHERE x.revisit AND l.lead_id IS NOT NULL) AS {q("R")},
        count(*) FILTER (WHERE x.revisit AND l.lead_id IS NOT NULL AND (f.first_m IS NULL OR f.first_m >= x.m))
            AS {q("RnoTD")}
    FROM visit_lead x
    LEFT JOIN leads l ON l.lead_id = x.lead_id
    LEFT JOIN first_td f ON f.lead_id = x.lead_id
    GROUP BY x.store_id, x.m
),
call_agg AS (
    SELECT store_id, {month("call_date")} AS m, count(*) FILTER (WHERE call_type = '{_FIRST}') AS {q("FC")}
    FROM {t("calls")} GROUP BY store_id, {month("call_date")}
),
lead_agg AS (
    SELECT store_id, {month("created_date")} AS m,
        count(*) FILTER (WHERE first_contact = '{_WALK_IN}') AS {q("W")},
        count(*) FILTER (WHERE first_contact = '{_CALL}') AS {q("C")}, count(*) AS {q("N")}
    FROM leads GROUP BY store_id, {month("created_date")}
),
open_agg AS (  -- L: created before start(M), and {_OPEN} or closed on/after start(M)
    SELECT c.store_id, c.m, count(*) AS {q("L")}
    FROM cells c JOIN leads l
      ON l.store_id = c.store_id AND l.created_date < c.m AND (l.status = '{_OPEN}' OR l.closed_date >= c.m)
    GROUP BY c.store_id, c.m
)"""


def _test_drives(sql: _Sql) -> str:
    """Test drives and their callbacks (``TD, TDi, _td_*``)."""
    q, month = sql.q, sql.month
    reached = "coalesce(callback_reached, satisfied IS NOT NULL)"
    return f"""td_agg AS (  -- a test drive without lead_id counts once per row in TD / TDi
    SELECT store_id, {month("drive_date")} AS m,
        count(DISTINCT lead_id) + count(*) FILTER (WHERE lead_id IS NULL) AS {q("TD")},
        count(DISTINCT lead_id) FILTER (WHERE invited) + count(*) FILTER (WHERE invited AND lead_id IS NULL)
            AS {q("TDi")},
        count(*) AS {q("_td_rows")},
        count(*) FILTER (WHERE satisfied) AS {q("_td_satisfied")},
        count(*) FILTER (WHERE {reached}) AS {q("_td_reached")},
        count(*) FILTER (WHERE satisfied AND {reached}) AS {q("_td_sat_reached")}
    FROM {sql.t("test_drives")} GROUP BY store_id, {month("drive_date")}
)"""


def _sales(sql: _Sql) -> str:
    """Sales per channel, their gross profit, and the add-ons sold with them (``S, S_room, volume.*, _gross_*,
    _addon_*``)."""
    q, lit, t, month, finite = sql.q, sql.lit, sql.t, sql.month, sql.finite
    channels = ",\n        ".join(
        f"count(*) FILTER (WHERE channel = {lit(c)}) AS {q('volume.' + c)}" for c in CHANNELS
    )
    flags = ", ".join(f"bool_or(product = {lit(p)}) AS {q('has.' + p)}" for p in PRODUCTS)
    per_product = ",\n        ".join(
        f"count(*) FILTER (WHERE a.{q('has.' + p)}) AS {q('_addon_sales.' + p)}" for p in PRODUCTS
    )
    return f"""sales AS (SELECT sale_id, store_id, invoice_date, channel, gross_profit FROM {t("sales")}),
sale_agg AS (
    SELECT store_id, {month("invoice_date")} AS m, count(*) AS {q("S")},
        count(*) FILTER (WHERE channel = '{_SHOWROOM}') AS {q("S_room")},
        {channels},
        count(*) FILTER (WHERE {finite("gross_profit")}) AS {q("_gross_n")},
        sum(gross_profit) FILTER (WHERE {finite("gross_profit")}) AS {q("_gross_sum")}
    FROM sales GROUP BY store_id, {month("invoice_date")}
),
addon_sale AS (  -- one row per sale with add-ons: which products, and their gross profit (blank = 0)
    SELECT sale_id, {flags}, sum(coalesce(gross_profit, 0)) AS gross
    FROM {t("addons")} GROUP BY sale_id
),
addon_agg AS (
    SELECT s.store_id, {month("s.invoice_date")} AS m, count(*) AS {q("_addon_sales")},
        {per_product},
        sum(a.gross) AS {q("_addon_gross")}
    FROM addon_sale a JOIN sales s ON s.sale_id = a.sale_id
    GROUP BY s.store_id, {month("s.invoice_date")}
)"""


def _followups(sql: _Sql) -> str:
    """Follow-ups due and done on time, prospects and after-sale (``_fu_*, _afu_*``)."""
    q, month = sql.q, sql.month
    on_time = "CAST(done_date AS DATE) <= CAST(due_date AS DATE)"
    return f"""fu_agg AS (  -- on time: done on or before the due day
    SELECT store_id, {month("due_date")} AS m,
        count(*) FILTER (WHERE kind = '{_PROSPECT_FOLLOWUP}') AS {q("_fu_due")},
        count(*) FILTER (WHERE kind = '{_PROSPECT_FOLLOWUP}' AND {on_time}) AS {q("_fu_ok")},
        count(*) FILTER (WHERE kind = '{_AFTERSALE_FOLLOWUP}') AS {q("_afu_due")},
        count(*) FILTER (WHERE kind = '{_AFTERSALE_FOLLOWUP}' AND {on_time}) AS {q("_afu_ok")}
    FROM {sql.t("followups")} GROUP BY store_id, {month("due_date")}
)"""


def _market(sql: _Sql) -> str:
    """The volume plan and the region's volume (``_vp, _region``)."""
    q = sql.q
    return f"""market_agg AS (
    SELECT store_id, CAST(period || '-01' AS TIMESTAMP) AS m,
        CAST(sum(volume_plan) AS DOUBLE) AS {q("_vp")}, CAST(sum(region_volume) AS DOUBLE) AS {q("_region")}
    FROM {sql.t("market")} GROUP BY store_id, period
)"""


#: the counted components, zero when a cell has no row (the market figures stay NULL: no plan is not a plan of 0)
_COUNTED = [
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


def _select(sql: _Sql) -> str:
    """Every stage joined onto the cells, one row per store × month in the order asked."""
    q = sql.q
    zero_filled = ",\n    ".join(f"CAST(coalesce({q(c)}, 0) AS DOUBLE) AS {q(c)}" for c in _COUNTED)
    return f"""SELECT c.store_id, c.period,
    {zero_filled},
    mk.{q("_vp")}, mk.{q("_region")}, mk.store_id IS NOT NULL AS {q("_has_market")}
FROM cells c
LEFT JOIN visit_agg v ON v.store_id = c.store_id AND v.m = c.m
LEFT JOIN visit_lead_agg vl ON vl.store_id = c.store_id AND vl.m = c.m
LEFT JOIN call_agg ca ON ca.store_id = c.store_id AND ca.m = c.m
LEFT JOIN lead_agg la ON la.store_id = c.store_id AND la.m = c.m
LEFT JOIN open_agg oa ON oa.store_id = c.store_id AND oa.m = c.m
LEFT JOIN td_agg td ON td.store_id = c.store_id AND td.m = c.m
LEFT JOIN sale_agg sa ON sa.store_id = c.store_id AND sa.m = c.m
LEFT JOIN addon_agg aa ON aa.store_id = c.store_id AND aa.m = c.m
LEFT JOIN fu_agg fu ON fu.store_id = c.store_id AND fu.m = c.m
LEFT JOIN market_agg mk ON mk.store_id = c.store_id AND mk.m = c.m
ORDER BY c.s_order, c.p_order
"""


def _store_list(folder: Path, stores: Iterable[str] | None) -> list[str]:
    import pyarrow.parquet as pq

    if stores is not None:
        return _long.store_list(stores)
    ids = pq.read_table(folder / "stores.parquet", columns=["store_id"]).column("store_id").to_pylist()
    return list(dict.fromkeys(s for s in ids if s is not None))


def run_sql(query: str, *, engine: str = "duckdb", con=None) -> pd.DataFrame:
    """Run ``query`` (written for ``engine`` by :func:`component_sql`) and return the result as a DataFrame.

    Parameters
    ----------
    query : str
        The query.
    engine : {"duckdb", "datafusion"}
        DuckDB (in-memory database) or Apache DataFusion (a ``SessionContext`` that reads file names as tables).
    con : duckdb.DuckDBPyConnection or datafusion.SessionContext, optional
        A connection/context of that engine to use (default: a new one).

    Returns
    -------
    DataFrame
        The query's rows.
    """
    check_option("engine", engine, ENGINES)
    if engine == "duckdb":
        import duckdb

        return (con or duckdb.connect()).execute(query).df()
    from datafusion import SessionContext

    return (con or SessionContext().enable_url_table()).sql(query).to_pandas()


@share_docs
def components_parquet(folder: str | Path, *, periods, stores=None, con=None, engine: str = "duckdb"):
    """Every funnel component of ``stores`` × ``periods`` counted by SQL (the engine of :func:`long_metrics_parquet`).

    Parameters
    ----------
    folder : str or Path
        A folder of ``<table>.parquet`` files with English column names (see :data:`FUNNEL_TABLES`).
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids (default: every store of ``stores.parquet``, in file order).
    con : duckdb.DuckDBPyConnection or datafusion.SessionContext, optional
        A connection of ``engine`` to use (default: a new in-memory one).
    engine : {"duckdb", "datafusion"}
        The SQL engine that counts: DuckDB, or Apache DataFusion (the same query, :func:`component_sql`).

    %(components_raises)s
        When :func:`parquet_usable` finds a reason.
    """
    folder = Path(folder)
    why = parquet_usable(folder, engine=engine)
    if why is not None:
        name = {"duckdb": "DuckDB", "datafusion": "DataFusion"}[engine]
        raise EngineUnavailable(*_MSG.both("folder_unreadable", name=name, why=why))
    periods = _long.period_list(periods, required=True)
    store_list = _store_list(folder, stores)
    if not store_list:
        raise EngineUnavailable(*_MSG.both("no_stores_file"))
    frame = run_sql(component_sql(folder, periods, store_list, dialect=engine), engine=engine, con=con)
    return _components_from_rows(frame)


def _components_from_rows(frame: pd.DataFrame) -> Components:
    """The rows of :func:`component_sql` as :class:`~dealerlab.funnel.counts.Components` (store level)."""
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
            _MSG.text("no_market_row", "zh"),
            np.where(empty, _MSG.get("market_empty", "zh", column=_market_label(col)), ""),
        )
        en = np.where(
            ~have,
            _MSG.text("no_market_row", "en"),
            np.where(empty, _MSG.get("market_empty", "en", column=col), ""),
        )
        reasons = np.empty(len(frame), dtype=object)
        reasons[:] = list(zip(zh.tolist(), en.tolist()))
        cell_reasons[key] = reasons
    return Components(keys, values, {name: None for name in values}, cell_reasons, False)


def _market_label(col: str) -> str:
    return TABLES["market"].column(col).zh


def long_metrics_parquet(folder: str | Path, *, periods, stores=None, lang: str = "zh", con=None,
                         engine: str = "duckdb") -> pd.DataFrame:
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
    con : duckdb.DuckDBPyConnection or datafusion.SessionContext, optional
        A connection of ``engine`` to use.
    engine : {"duckdb", "datafusion"}
        The SQL engine that counts the components (:func:`components_parquet`).

    Returns
    -------
    DataFrame
        ``store_id, period, metric, value, reason`` — the same rows and numbers as
        ``long_metrics(load(folder), periods=..., stores=...)``. When the engine cannot read the folder
        (:func:`parquet_usable`), that is what is computed instead.
    """
    if parquet_usable(folder, engine=engine) is not None:
        from dealerlab.data.load import load

        return long_metrics(load(folder, lang=lang), periods=periods, stores=stores, lang=lang)
    comp = components_parquet(folder, periods=periods, stores=stores, con=con, engine=engine)
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
    folder = Path(folder)
    frames = {}
    for path in sorted(folder.glob("*.parquet")):
        name = table_for_name(path.stem)
        if name is not None:
            frames[name] = pd.read_parquet(path)
    return Dataset.from_frames(frames, source=str(folder))


@share_docs
def long_metrics_folder(folder: str | Path, *, periods, stores=None, by_staff: bool = False,
                        lang: str = "zh") -> pd.DataFrame:
    """The funnel family of a data folder, by the engine :func:`choose_engine` picks — what
    ``dealerlab.funnel.long_metrics(folder, ...)`` does.

    Parameters
    ----------
    folder : str or Path
        A folder of Parquet tables with the contract's English column names (validated when it arrived; read as it
        is), or any other data path ``dealerlab.load`` reads (then loaded and validated).
    %(funnel_long)s
    """
    engine, _why = choose_engine(folder, by_staff=by_staff)
    if engine == "duckdb":
        return long_metrics_parquet(folder, periods=periods, stores=stores, lang=lang)
    if Path(folder).is_dir() and parquet_usable(folder) is None:
        ds = read_parquet_dataset(folder)
    else:
        from dealerlab.data.load import load

        ds = load(folder, lang=lang)
    return long_metrics(ds, periods=periods, stores=stores, by_staff=by_staff, lang=lang)


# --------------------------------------------------------------------------------------------------- in memory


def _all_blank(frame: pd.DataFrame, column: str, *, finite: bool) -> bool:
    """Does the pandas engine find no value in ``column`` of a non-empty table (then it gives the reason
    "column missing" where SQL would count zero)?"""
    if not len(frame):
        return False
    if finite:
        return not np.isfinite(frame[column].to_numpy(dtype=float, na_value=np.nan)).any()
    return not frame[column].notna().any()


def _unique(column: pd.Series) -> bool:
    """No id given twice (blanks aside)."""
    from dealerlab.data.columnar import has_duplicates

    return not has_duplicates(column)


def dataset_tables(ds: Dataset) -> tuple[dict | None, str | None]:
    """The columns of :data:`FUNNEL_TABLES` of an in-memory Dataset as Arrow tables DuckDB can scan without a copy
    of the strings — ``(tables, None)`` — or ``(None, why)`` (English) when the SQL would not give the pandas
    engine's result: a table or column missing, a column of another kind, duplicate lead or sale ids (the loader
    refuses them; the pandas engine takes the first), or a figure's column without any value (the pandas engine
    then says "column missing"). The duckdb package is not needed for this check.

    Parameters
    ----------
    ds : Dataset
        The client data (as ``dealerlab.load`` returns it).

    Returns
    -------
    (dict of str to pyarrow.Table, None) or (None, str)
    """
    import pyarrow as pa

    tables = {}
    for table, columns in FUNNEL_TABLES.items():
        if not ds.has(table):
            return None, f"table {table} is missing"
        frame = ds[table]
        for col in columns:
            if col not in frame.columns:
                return None, f"{table} has no column {col}"
        try:
            arrow = pa.Table.from_pandas(frame, columns=list(columns), preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError) as exc:
            return None, f"{table} cannot be handed to Arrow ({exc})"
        for col, kind in columns.items():
            typ = arrow.schema.field(col).type
            if not _kind_ok(kind, typ) or (pa.types.is_timestamp(typ) and typ.tz is not None):
                return None, f"{table}: column {col} is {typ}"
        tables[table] = arrow
    months = ds["market"]["period"].dropna().astype(str)
    if not months.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").all():  # the SQL reads YYYY-MM only (pandas parses more)
        return None, "market.period has months not written YYYY-MM"
    for table, col in (("leads", "lead_id"), ("sales", "sale_id")):
        if not _unique(ds[table][col]):
            return None, f"{table}.{col} has duplicate ids"
    for table, col, finite in (("test_drives", "satisfied", False), ("sales", "gross_profit", True),
                               ("addons", "gross_profit", True)):
        if _all_blank(ds[table], col, finite=finite):
            return None, f"{table}.{col} has no value"
    return tables, None


def _dataset_event_rows(ds: Dataset) -> int:
    return sum(len(ds[t]) for t in FUNNEL_TABLES if t != "stores" and ds.has(t))


def _dataset_candidate(ds: Dataset, by_staff: bool) -> str | None:
    """The cheap reasons against DuckDB for an in-memory Dataset (``None``: worth handing the tables over)."""
    if by_staff:
        return "per consultant (by_staff) is counted by pandas"
    rows = _dataset_event_rows(ds)
    if rows < DUCKDB_FROM_ROWS:
        return f"{rows} event rows (< {DUCKDB_FROM_ROWS})"
    if importlib.util.find_spec("duckdb") is None:
        return "the duckdb package is not installed"
    return None


def choose_engine_dataset(ds: Dataset, *, by_staff: bool = False) -> tuple[str, str]:
    """Which engine counts the funnel of an in-memory Dataset: ``("duckdb" | "pandas", why)`` (English).

    DuckDB (over the tables in memory, :func:`components_frames`) when the duckdb package is installed, the result is
    per store, the funnel tables hold at least :data:`DUCKDB_FROM_ROWS` event rows and :func:`dataset_tables`
    finds no reason against it; pandas otherwise. Both give the same numbers and reasons.

    Parameters
    ----------
    ds : Dataset
        The client data.
    by_staff : bool
        Per consultant (pandas only).

    Returns
    -------
    (str, str)
    """
    why = _dataset_candidate(ds, by_staff)
    if why is None:
        _tables, why = dataset_tables(ds)
    if why is not None:
        return "pandas", why
    return "duckdb", f"{_dataset_event_rows(ds)} event rows (≥ {DUCKDB_FROM_ROWS})"


@share_docs
def long_metrics_dataset(ds: Dataset, *, periods, stores=None, by_staff: bool = False, lang: str = "zh") -> pd.DataFrame:
    """The funnel family of an in-memory Dataset by the engine :func:`choose_engine_dataset` picks — what
    ``dealerlab.funnel.long_metrics(ds, ...)`` does: the same rows, numbers and reasons whichever engine ran.

    Parameters
    ----------
    ds : Dataset
        The client data.
    %(funnel_long)s
    """
    if _dataset_candidate(ds, by_staff) is None:
        return long_metrics_frames(ds, periods=periods, stores=stores, lang=lang)
    return long_metrics(ds, periods=periods, stores=stores, by_staff=by_staff, lang=lang)


@share_docs
def components_frames(ds: Dataset, *, periods, stores=None, con=None, tables: dict | None = None) -> Components:
    """Every funnel component of ``stores`` × ``periods`` counted by DuckDB over the tables of an in-memory Dataset
    (the query of :func:`component_sql`, each table an Arrow view of the Dataset's columns: no copy of the text).

    Parameters
    ----------
    ds : Dataset
        The client data (validated: ``dealerlab.load``).
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids (default: every store of the stores table, in its order).
    con : duckdb.DuckDBPyConnection, optional
        A connection to use (default: a new in-memory one).
    tables : dict, optional
        :func:`dataset_tables` of ``ds`` when already made.

    %(components_raises)s
        When :func:`dataset_tables` finds a reason.
    """
    import duckdb

    if tables is None:
        tables, why = dataset_tables(ds)
        if why is not None:
            raise EngineUnavailable(*_MSG.both("data_uncountable", why=why))
    periods = _long.period_list(periods, required=True)
    if stores is not None:
        store_list = _long.store_list(stores)
    else:
        store_list = list(dict.fromkeys(ds["stores"]["store_id"].dropna().astype(str).tolist()))
    if not store_list:
        raise EngineUnavailable(*_MSG.both("no_stores"))
    con = con or duckdb.connect()
    names = {table: f"dealerlab_{table}" for table in tables}
    try:
        for table, arrow in tables.items():
            con.register(names[table], arrow)
        frame = run_sql(component_sql("", periods, store_list, relations=names), con=con)
    finally:
        for name in names.values():
            con.unregister(name)
    return _components_from_rows(frame)


def long_metrics_frames(ds: Dataset, *, periods, stores=None, lang: str = "zh", con=None) -> pd.DataFrame:
    """:func:`dealerlab.funnel.long_metrics` of an in-memory Dataset counted by DuckDB (large groups after
    ``dealerlab.load``): the same rows, numbers and reasons as the pandas engine, which computes it instead when
    :func:`dataset_tables` finds a reason.

    Parameters
    ----------
    ds : Dataset
        The client data.
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids (default: every store).
    lang : {"zh", "en"}
        Language of the reasons.
    con : duckdb.DuckDBPyConnection, optional
        A connection to use.

    Returns
    -------
    DataFrame
        ``store_id, period, metric, value, reason``.
    """
    import duckdb

    tables, why = dataset_tables(ds)
    if why is not None:
        return long_metrics(ds, periods=periods, stores=stores, lang=lang)
    try:
        comp = components_frames(ds, periods=periods, stores=stores, con=con, tables=tables)
    except duckdb.Error:  # data the SQL cannot read as the pandas engine does (e.g. a month that is not YYYY-MM)
        return long_metrics(ds, periods=periods, stores=stores, lang=lang)
    del tables
    return long_from_components(comp, lang=lang)[LONG_COLUMNS]
