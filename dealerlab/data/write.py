"""Writing a Dataset: a folder of CSV or Parquet files, or one Excel workbook — atomically, formula-injection safe.

``write_dataset`` never leaves a half-written output: it writes to a hidden temporary path beside the target and
moves it into place (``os.replace``) only when complete.

Spreadsheet formula injection (OWASP "CSV injection"): a text cell whose first character is ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return may be run as a formula when the file is opened in Excel/WPS. ``safe_cell`` prefixes such
text with an apostrophe ``'`` so it is shown as text; numbers, dates and booleans are left untouched. CSV and
workbook outputs are neutralised by default; Parquet is not a spreadsheet format and is written as is.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._io import atomic_dir, atomic_file
from dealerlab._options import check_option
from dealerlab.data.coerce import YES_NO_ZH
from dealerlab.data.schema import TABLES
from dealerlab.i18n import Catalogue

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["write_dataset", "safe_cell", "safe_frame", "FORMATS"]

_MSG = Catalogue.load("data/write")

FORMATS = ("csv", "parquet", "xlsx")
#: rows per worksheet in Excel (header included)
EXCEL_MAX_ROWS = 1_048_576
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise one spreadsheet cell: text starting with ``= + - @``, tab or CR gets a leading ``'``.

    Parameters
    ----------
    value : object
        Any cell value.

    Returns
    -------
    object
        ``"'" + value`` for dangerous text, otherwise ``value`` unchanged (numbers, dates, booleans, None, NaN).

    Examples
    --------
    >>> safe_cell("=1+1")
    "'=1+1"
    >>> safe_cell(-5)
    -5
    """
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell passed through :func:`safe_cell`; other columns untouched.

    Parameters
    ----------
    df : DataFrame
        Any table.

    Returns
    -------
    DataFrame
        Same shape, index, columns and dtypes; text cells neutralised.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object:
            if s.map(lambda v: isinstance(v, str) and v.startswith(_DANGEROUS)).any():
                out[col] = s.map(safe_cell)
        elif pd.api.types.is_string_dtype(s.dtype):
            bad = s.str.startswith(_DANGEROUS).fillna(False).astype(bool)
            if bad.any():
                out[col] = s.where(~bad, "'" + s)
    return out


def _export_frame(name: str, df: pd.DataFrame, *, headers: str, for_excel: bool) -> pd.DataFrame:
    """Columns renamed for ``headers``, booleans as 是/否 (zh) or TRUE/FALSE (en), integral numbers without ``.0``."""
    spec = TABLES.get(name)
    out = df.copy()
    if spec is not None:
        for col in spec.columns:
            if col.name not in out.columns:
                continue
            s = out[col.name]
            if col.kind == "bool":
                yes, no = YES_NO_ZH if headers == "zh" else ("TRUE", "FALSE")
                out[col.name] = pd.Series(np.where(s.isna(), None, np.where(s.fillna(False).astype(bool), yes, no)), index=s.index, dtype=object)
            elif col.kind == "number":
                v = s.dropna()
                if len(v) and np.all(np.mod(v.to_numpy(dtype=float), 1) == 0) and v.abs().max() < 2**53:
                    out[col.name] = s.astype("Int64")
            elif col.kind == "date" and not for_excel:
                out[col.name] = pd.to_datetime(s).dt.strftime("%Y-%m-%d")
        if headers == "zh":
            out = out.rename(columns={c.name: c.zh for c in spec.columns})
    return out


def _file_name(name: str, headers: str) -> str:
    return TABLES[name].zh if headers == "zh" and name in TABLES else name


def write_dataset(ds: Dataset, path, *, format: str = "csv", headers: str = "en", neutralise: bool = True,
                  manifest: bool = False) -> Path:
    """Write every table of ``ds`` to ``path`` atomically.

    Parameters
    ----------
    ds : Dataset or mapping of str to DataFrame
        The tables (English canonical columns, as :class:`~dealerlab.data.dataset.Dataset` holds them).
    path : str or PathLike
        Target folder (``csv``/``parquet``: one ``<table>.csv``/``<table>.parquet`` per table) or workbook file (``xlsx``).
    format : {"csv", "parquet", "xlsx"}
        Output format. CSV is UTF-8 without BOM, comma-separated, dates ``YYYY-MM-DD``.
    headers : {"en", "zh"}
        Column (and file/sheet) names: English canonical names, or the Chinese names of docs/DATA.md.
        With ``"zh"`` booleans are written 是/否, otherwise TRUE/FALSE.
    neutralise : bool
        Pass CSV text cells through :func:`safe_cell`. Workbooks are always neutralised (openpyxl would otherwise
        store text starting with ``=`` as a live formula); Parquet is never changed.
    manifest : bool
        Mark a csv/parquet folder as dealerlab's (``.dealerlab-dataset.json``, :mod:`dealerlab._output`) and replace
        an existing folder only if it holds nothing else (``dealerlab datasets generate`` does this). Without it an
        existing folder at ``path`` is replaced as it is: the caller decides.

    Returns
    -------
    Path
        The written folder or file. An existing target is replaced only once the new one is complete.
    """
    check_option("format", format, FORMATS)
    check_option("headers", headers, ("en", "zh"))
    tables = dict(ds.tables) if hasattr(ds, "tables") else dict(ds)
    order = [n for n in TABLES if n in tables] + [n for n in tables if n not in TABLES]
    path = Path(path)
    if format == "xlsx":
        too_big = [n for n in order if len(tables[n]) + 1 > EXCEL_MAX_ROWS]
        if too_big:
            from dealerlab.errors import ParameterError

            raise ParameterError(
                *_MSG.both("too_big_for_excel", tables_zh=_MSG.text("list_sep").join(too_big), max_rows=EXCEL_MAX_ROWS, tables_en=', '.join(too_big)),
            )
        with atomic_file(path, suffix=".xlsx") as tmp:
            _write_xlsx(tables, order, tmp, headers=headers)
            os.chmod(tmp, 0o666 & ~_umask())
        return path
    with atomic_dir(path, kind="dataset" if manifest else None) as tmp:
        for name in order:
            df = tables[name]
            if format == "parquet":
                out = df.rename(columns={c.name: c.zh for c in TABLES[name].columns}) if headers == "zh" and name in TABLES else df
                out.to_parquet(tmp / f"{_file_name(name, headers)}.parquet", index=False)
            else:
                out = _export_frame(name, df, headers=headers, for_excel=False)
                if neutralise:
                    out = safe_frame(out)
                out.to_csv(tmp / f"{_file_name(name, headers)}.csv", index=False, encoding="utf-8", lineterminator="\n")
        for f in tmp.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; give it the usual permissions
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cell(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date() if v == v.normalize() else v.to_pydatetime()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _write_xlsx(tables, order, target: Path, *, headers: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    wb.properties.creator = "dealerlab"  # how dealerlab recognises its own files (dealerlab._output)
    bold = Font(bold=True)
    for name in order:
        df = safe_frame(_export_frame(name, tables[name], headers=headers, for_excel=True))
        ws = wb.create_sheet(_file_name(name, headers)[:31])
        head = []
        for c in df.columns:
            cell = WriteOnlyCell(ws, value=str(c))
            cell.font = bold
            head.append(cell)
        ws.append(head)
        cols = []
        for c in df.columns:
            s = df[c]
            if pd.api.types.is_datetime64_any_dtype(s.dtype):
                arr = s.to_numpy(dtype="datetime64[ns]")
                vals = [None if np.isnat(x) else _dt.date.fromisoformat(str(x)[:10]) for x in arr]
            else:
                vals = [_cell(v) for v in s.astype(object).tolist()]
            cols.append(vals)
        for row in zip(*cols):
            ws.append(row)
    wb.save(target)
