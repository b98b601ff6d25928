"""``load(path)``: read, coerce and validate client data; return a :class:`~dealerlab.data.dataset.Dataset`.

The steps: :mod:`~dealerlab.data.read` finds the tables, headers and rows; each chunk of rows is coerced and checked
(:func:`~dealerlab.data.validate.check_chunk`); then whole-table rules (unique ids, date order) and references between
tables. All problems are collected; errors raise one :class:`~dealerlab.errors.DataValidationError`, warnings are
kept in ``Dataset.warnings``.

Decisions
---------
* Required tables: only ``stores`` (every figure is per store). Any other table may be absent: figures that need
  it raise :class:`~dealerlab.errors.MissingTableError` and reports say "data missing".
* ``store_id``: when ``stores`` has exactly one row, tables may leave the column out (or blank); it is filled with
  that store's id. With several stores a missing column is the error ``store_id_required``.
* A header-only ``stores`` table is an error (``table_empty``); any other header-only table is a warning.
* Memory: CSV files are read in chunks of :data:`~dealerlab.data.read.CHUNK_ROWS` rows; each chunk is coerced
  before the next is read, so peak memory is about the typed result plus one raw chunk.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from dealerlab._options import check_lang
from dealerlab.data.columnar import is_in_many, release_memory, system_allocator
from dealerlab.data.dataset import Dataset, conform
from dealerlab.data.read import _CsvError, read_path
from dealerlab.data.schema import TABLE_ORDER, TABLES
from dealerlab.data.validate import ProblemLog, check_chunk, check_columns, check_references, check_table, problem
from dealerlab.errors import DataValidationError
from dealerlab.i18n import Catalogue

__all__ = ["load", "REQUIRED_TABLES", "collect"]

#: tables a client dataset must have
REQUIRED_TABLES = ("stores",)

#: the progress lines (both languages in one line, as the other progress lines of the loader)
_MSG = Catalogue.load("data/load")


def _fill_store(chunk: pd.DataFrame, store_id: str) -> pd.DataFrame:
    if "store_id" not in chunk.columns:
        chunk = chunk.assign(store_id=store_id)
    else:
        cells = chunk["store_id"]
        blank = cells.isna() | (cells.astype("string").str.strip().fillna("") == "")
        if blank.any():
            chunk = chunk.assign(store_id=cells.astype(object).where(~blank, store_id))
    return chunk


def _reference_hits(frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, np.ndarray]]:
    """table → column → is each cell's id in the table it points at? One lookup per referenced column for all the
    columns pointing at it (the lead ids from visits, calls, test drives, sales and follow-ups at once); columns
    that are not Arrow strings are left to :func:`~dealerlab.data.validate.check_references`."""
    users: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for name, frame in frames.items():
        for col in TABLES[name].columns:
            if not col.references or col.name not in frame:
                continue
            ref_table, ref_col = col.references.split(".")
            if ref_table in frames and ref_col in frames[ref_table]:
                users.setdefault((ref_table, ref_col), []).append((name, col.name))
    hits: dict[str, dict[str, np.ndarray]] = {}
    for (ref_table, ref_col), pointing in users.items():
        masks = is_in_many([frames[t][c] for t, c in pointing], frames[ref_table][ref_col])
        for (t, c), mask in zip(pointing, masks or ()):
            hits.setdefault(t, {})[c] = mask
    return hits


def collect(path: str | Path, *, progress: bool = False, today: pd.Timestamp | None = None):
    """Read and check ``path``; return ``(frames, log)`` without raising (the validator's engine)."""
    with system_allocator():
        return _collect(Path(path), progress=progress, today=today)


def _collect(path: Path, *, progress: bool, today: pd.Timestamp | None):
    from concurrent.futures import ThreadPoolExecutor

    result = read_path(path, progress=progress, defer=True)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dealerlab-parquet")
    try:
        return _check_all(path, result, executor, progress=progress, today=today)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _check_all(path: Path, result, executor, *, progress: bool, today: pd.Timestamp | None):
    """The checks of :func:`collect`, table by table in contract order; while one table is checked, the next
    Parquet file is decoded in ``executor`` (Arrow decodes without Python's lock)."""
    log = ProblemLog()
    log.extend(result.problems)
    has_file_error = any(p.severity == "error" for p in result.problems if p.table == "")
    if not result.seen and not has_file_error:
        log.add(problem("no_tables", "", path.name))
    elif result.seen:
        for name in REQUIRED_TABLES:
            if name not in result.seen:
                log.add(problem("table_missing", name, path.name))
    frames: dict[str, pd.DataFrame] = {}
    meta: dict[str, tuple] = {}
    n_stores, default_store = None, None
    order = [name for name in TABLE_ORDER if name in result.tables]
    for i, name in enumerate(order):
        raw = result.tables[name]
        raw.prefetch(executor)
        if i + 1 < len(order):  # the next table decodes while this one is checked
            result.tables[order[i + 1]].prefetch(executor)
        readable, read_problems = raw.resolve()
        log.extend(read_problems)
        if not readable:
            continue
        spec = TABLES[name]
        log.extend(check_columns(spec, raw.labels, raw.source, raw.header_row, n_stores=None if name == "stores" else n_stores))
        if progress:
            print(_MSG.get("checking", table_zh=spec.zh, source=raw.source, table=name), file=sys.stderr, flush=True)
        parts, row_parts = [], []
        try:
            for chunk, rows in raw.chunks():
                if name != "stores" and default_store is not None and "store_id" in spec:
                    chunk = _fill_store(chunk, default_store)
                parts.append(check_chunk(spec, chunk, rows, raw.labels, raw.source, log, today=today, cell_issues=raw.cell_issues))
                row_parts.append(rows)
        except _CsvError as err:
            log.add(problem("csv_malformed", name, raw.source, row=err.row, detail_zh=err.detail_zh, detail_en=err.detail))
            continue
        except pd.errors.EmptyDataError:
            parts, row_parts = [], []
        if len(parts) == 1:  # one chunk (a Parquet file, a small CSV): no copy
            frame = parts[0].reset_index(drop=True)
        else:
            frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(raw.labels))
        rows = np.concatenate(row_parts) if row_parts else np.zeros(0, dtype=np.int64)
        del parts
        if not len(frame):
            log.add(problem("table_empty" if name == "stores" else "table_no_rows", name, raw.source, row=raw.header_row))
        check_table(spec, frame, rows, raw.labels, raw.source, log)
        raw.release()
        release_memory()
        frames[name] = frame
        meta[name] = (rows, raw.labels, raw.source)
        if name == "stores" and "store_id" in frame:
            ids = frame["store_id"].dropna().unique()
            n_stores = len(ids)
            default_store = str(ids[0]) if n_stores == 1 else None
    hits = _reference_hits(frames)
    for name, frame in frames.items():
        rows, labels, source = meta[name]
        check_references(TABLES[name], frame, rows, labels, source, frames, log, found=hits.get(name))
    del hits
    release_memory()
    log.finish()
    return frames, log


def load(path: str | Path, *, lang: str = "zh", progress: bool = False, today: pd.Timestamp | str | None = None) -> Dataset:
    """Read client data, check it against the contract (docs/DATA.md) and return it as a :class:`Dataset`.

    Parameters
    ----------
    path : str or Path
        An .xlsx workbook (one sheet per table), or a folder of ``<table>.csv`` / ``<table>.parquet`` files
        (English or Chinese table names).
    lang : {"zh", "en"}
        Language of the error message.
    progress : bool
        Print reading progress to stderr (useful for large CSV files).
    today : date-like, optional
        The reference date of the "future date" warning (default: today).

    Returns
    -------
    Dataset
        One DataFrame per table found, canonical English columns and dtypes; ``warnings`` lists the warnings.

    Raises
    ------
    DataValidationError
        Carrying every error found (``.problems``) and the warnings (``.warnings``).
    """
    check_lang(lang)
    frames, log = collect(path, progress=progress, today=None if today is None else pd.Timestamp(today))
    if log.errors:
        raise DataValidationError(log.errors, warnings=log.warnings, lang=lang)
    tables = {name: conform(name, frame) for name, frame in frames.items()}
    return Dataset(tables, log.warnings, str(path))
