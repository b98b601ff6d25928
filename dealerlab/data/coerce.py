"""Turn the cells of a client file into typed values, vectorised.

Every function takes a pandas Series of raw cells (text from CSV, or the Python objects openpyxl/pyarrow give:
``str``, ``int``, ``float``, ``datetime``, ``bool``) and returns ``(values, bad)``:

``values``
    the typed Series (dtype of :data:`dealerlab.data.dataset.DTYPES`), missing where the cell is blank or bad;
``bad``
    a boolean numpy array, ``True`` where a non-blank cell could not be read.

The work is done once per *distinct* cell value (``pd.factorize``), then broadcast back, so a million-row column
with a few thousand distinct dates costs a few thousand parses. The string operations on the distinct values are
pandas vectorised ``.str`` methods.

Accepted spellings (DATA.md)
----------------------------
booleans  是/否, Y/N, yes/no, 1/0, TRUE/FALSE, 对/错, √/✓ (true), ×/✗ (false); blank = missing
dates     2026-10-05, 2026/10/05, 2026.10.05, 2026年10月5日, 20261005, Excel serial numbers (46300 = 2026-10-05),
          a date-time (the time is dropped)
numbers   1,234.5  ¥12,345  ￥12,345  12345元  RMB 12345  full-width digits (１２３)  12%  (= 0.12)
ids       text, leading zeros kept; a whole number read by Excel as 1001.0 becomes "1001"
enums     the Chinese canonical value or its English equivalent (any case, full-width or half-width)
periods   2026-10, 2026/10, 2026.10, 2026年10月, 202610, or a date in that month
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

__all__ = [
    "normalize_text",
    "coerce_column",
    "to_id",
    "to_text",
    "to_enum",
    "to_bool",
    "to_date",
    "to_number",
    "to_int",
    "to_period",
    "EXCEL_EPOCH",
]

#: day 0 of Excel's (1900, Lotus-compatible) serial numbers: serial 46300 is 2026-10-05
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: serial numbers accepted as dates: 1 (1899-12-31) .. 2958465 (9999-12-31); in practice 1950..2100
_SERIAL_MIN, _SERIAL_MAX = 18264, 73051  # 1950-01-01 .. 2099-12-31

_TRUE = {"是", "y", "yes", "1", "1.0", "true", "t", "对", "√", "✓", "✔", "有"}
_FALSE = {"否", "n", "no", "0", "0.0", "false", "f", "错", "×", "✗", "✘", "无"}


def normalize_text(value: str) -> str:
    """NFKC (full-width → half-width), stripped. ``"  ＡＢ１ "`` → ``"AB1"``."""
    return unicodedata.normalize("NFKC", value).strip()


# --------------------------------------------------------------------------------------------------- machinery


def _by_unique(raw: pd.Series, fn: Callable[[pd.Series], tuple], dtype: str) -> tuple:
    """Apply ``fn`` to the distinct non-missing values of ``raw`` and broadcast its results back.

    ``fn`` returns ``(values, bad, *flags)`` for the distinct values; the same tuple is returned for ``raw``
    (``flags``: further boolean arrays, e.g. "impossible date").
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    uniq = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    missing = codes < 0
    take = np.where(missing, 0, codes)
    if not len(uniq):
        empty = pd.Series(pd.NaT if dtype == "datetime64[ns]" else pd.array([None] * len(raw), dtype=dtype), index=raw.index, dtype=dtype)
        result = fn(pd.Series([], dtype=object))
        return (empty,) + tuple(np.zeros(len(raw), dtype=bool) for _ in result[1:])
    values, *flags = fn(uniq)
    values = pd.Series(values).reset_index(drop=True).astype(dtype)
    out = values.take(take).reset_index(drop=True)
    if missing.any():
        out = out.mask(missing)
    out.index = raw.index
    return (out,) + tuple(np.asarray(f, dtype=bool)[take] & ~missing for f in flags)


def _as_text(uniq: pd.Series) -> pd.Series:
    """Distinct raw values as normalised text ("" for blank); numbers written without a spurious ".0"."""

    def one(v):
        if isinstance(v, str):
            return v
        if isinstance(v, bool | np.bool_):
            return "TRUE" if v else "FALSE"
        if isinstance(v, float | np.floating):
            if np.isnan(v):
                return ""
            return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))
        if isinstance(v, _dt.datetime | pd.Timestamp):
            return pd.Timestamp(v).isoformat()
        if isinstance(v, _dt.date):
            return v.isoformat()
        return str(v)

    text = pd.Series([one(v) for v in uniq], dtype="string")
    return text.str.normalize("NFKC").str.strip().fillna("")


# --------------------------------------------------------------------------------------------------- kinds


def to_text(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Free text: stripped, blank → missing. Never bad."""

    def fn(u):
        t = _as_text(u)
        # keep the characters the user typed (no NFKC on free text beyond stripping)
        orig = pd.Series([v.strip() if isinstance(v, str) else None for v in u], dtype="string")
        t = orig.fillna(t)
        return t.mask(t == ""), np.zeros(len(u), dtype=bool)

    return _by_unique(raw, fn, "string")


_INT_FLOAT = re.compile(r"^[+-]?\d+\.0+$")


def to_id(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Identifiers as text: leading zeros kept, full-width → half-width, ``1001.0`` → ``"1001"``. Never bad."""

    def fn(u):
        t = _as_text(u)
        t = t.where(~t.str.match(_INT_FLOAT), t.str.replace(r"\.0+$", "", regex=True))
        return t.mask(t == ""), np.zeros(len(u), dtype=bool)

    return _by_unique(raw, fn, "string")


def _enum_lookup(enum: Mapping[str, str]) -> dict[str, str]:
    look = {}
    for zh, en in enum.items():
        for key in (zh, en):
            look[normalize_text(key).casefold()] = zh
            look[re.sub(r"[\s_\-]+", "", normalize_text(key).casefold())] = zh
    return look


def to_enum(raw: pd.Series, enum: Mapping[str, str], *, open_enum: bool = False) -> tuple[pd.Series, np.ndarray]:
    """An enumeration: Chinese canonical value or English equivalent (case-insensitive) → the Chinese value.

    A value outside the list is bad; with ``open_enum`` it is kept as written (the caller warns) but still flagged.
    """
    look = _enum_lookup(enum)

    def fn(u):
        t = _as_text(u)
        key = t.str.casefold()
        mapped = key.map(look)
        squeezed = key.str.replace(r"[\s_\-]+", "", regex=True).map(look)
        mapped = mapped.fillna(squeezed).astype("string")
        blank = (t == "").to_numpy()
        bad = mapped.isna().to_numpy() & ~blank
        if open_enum:
            mapped = mapped.fillna(t)
        return mapped.mask(pd.Series(blank)), bad

    return _by_unique(raw, fn, "string")


def to_bool(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """是/否, Y/N, yes/no, 1/0, TRUE/FALSE, √/× … → pandas ``boolean``; blank → missing."""

    def fn(u):
        key = _as_text(u).str.casefold()
        out = pd.Series(pd.array([None] * len(u), dtype="boolean"))
        is_true = key.isin(_TRUE).to_numpy()
        is_false = key.isin(_FALSE).to_numpy()
        out[is_true] = True
        out[is_false] = False
        bad = ~(is_true | is_false) & (key != "").to_numpy()
        return out, bad

    return _by_unique(raw, fn, "boolean")


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?.*)?$")
_DATE8_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_RE = re.compile(r"^\d{4,6}(?:\.\d+)?$")


def _serials_to_dates(num: pd.Series) -> pd.Series:
    """Excel serial numbers (float) → midnight timestamps; fractional part (time of day) dropped."""
    days = np.floor(num.to_numpy(dtype=float))
    return pd.Series(EXCEL_EPOCH + pd.to_timedelta(days, unit="D"))


def to_date(raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """A calendar date → ``datetime64[ns]`` at midnight.

    Returns ``(values, bad, impossible)``: ``impossible`` marks cells that have the shape of a date but do not
    exist (2026-02-30, month 13), a subset of ``bad``.
    """

    def fn(u):
        n = len(u)
        out = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
        impossible = np.zeros(n, dtype=bool)
        bad = np.zeros(n, dtype=bool)
        if not n:
            return out, bad, impossible
        # 1. real date/datetime objects (Excel cells, parquet)
        is_dt = np.array([isinstance(v, _dt.date | pd.Timestamp | np.datetime64) for v in u], dtype=bool)
        if is_dt.any():
            stamps = [pd.Timestamp(v) for v in u[is_dt]]
            out[is_dt] = [(s.tz_localize(None) if s.tzinfo else s).normalize() for s in stamps]
        # 2. numbers: Excel serials
        is_num = np.array(
            [isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) for v in u], dtype=bool
        )
        if is_num.any():
            num = pd.to_numeric(u[is_num], errors="coerce").astype(float).reset_index(drop=True)
            ok = num.between(_SERIAL_MIN, _SERIAL_MAX).to_numpy()
            idx = np.flatnonzero(is_num)
            out.iloc[idx[ok]] = _serials_to_dates(num[ok]).to_numpy()
            bad[idx[~ok & num.notna().to_numpy()]] = True
        # 3. text
        rest = ~(is_dt | is_num)
        if rest.any():
            t = _as_text(u[rest].reset_index(drop=True))
            idx = np.flatnonzero(rest)
            parts = t.str.extract(_DATE_RE)
            parts = parts.fillna(t.str.extract(_DATE8_RE))
            shaped = parts[0].notna().to_numpy()
            if shaped.any():
                ymd = parts[shaped].astype(int)
                dates = pd.to_datetime(
                    pd.DataFrame({"year": ymd[0], "month": ymd[1], "day": ymd[2]}), errors="coerce"
                )
                out.iloc[idx[shaped]] = dates.to_numpy()
                impossible[idx[shaped]] = dates.isna().to_numpy()
            serial = t.str.match(_SERIAL_RE).to_numpy() & ~shaped
            if serial.any():
                num = pd.to_numeric(t[serial], errors="coerce")
                ok = num.between(_SERIAL_MIN, _SERIAL_MAX).to_numpy()
                sidx = idx[serial]
                out.iloc[sidx[ok]] = _serials_to_dates(num[ok]).to_numpy()
            blank = (t == "").to_numpy()
            bad[idx] = ~blank
        bad &= out.isna().to_numpy()
        return out, bad, impossible & bad

    return _by_unique(raw, fn, "datetime64[ns]")


_NUM_JUNK = re.compile(r"^(?:rmb|cny)\s*|[¥$]|元$|人民币|\s+|,")


def _parse_numbers(u: pd.Series) -> tuple[pd.Series, np.ndarray]:
    n = len(u)
    out = np.full(n, np.nan)
    is_num = np.array([isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) for v in u], dtype=bool)
    if is_num.any():
        out[is_num] = np.asarray(u[is_num].tolist(), dtype=float)
    bad = np.zeros(n, dtype=bool)
    rest = ~is_num
    if rest.any():
        idx = np.flatnonzero(rest)
        t = _as_text(u[rest].reset_index(drop=True)).str.casefold()
        blank = (t == "").to_numpy()
        pct = t.str.endswith("%").to_numpy()
        t = t.str.replace("%", "", regex=False)
        t = t.str.replace(_NUM_JUNK, "", regex=True)
        # accounting negatives: (1,234) → -1234
        t = t.str.replace(r"^\((.*)\)$", r"-\1", regex=True)
        num = pd.to_numeric(t.where(t != "", None), errors="coerce").astype(float).to_numpy()
        num = np.where(pct, num / 100.0, num)
        out[idx] = num
        bad[idx] = np.isnan(num) & ~blank
    return pd.Series(out), bad


def to_number(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A number → ``float64``: thousands separators, ¥/￥/RMB prefix, 元 suffix, full-width digits, ``%``."""
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        return raw.astype("float64"), np.zeros(len(raw), dtype=bool)
    return _by_unique(raw, _parse_numbers, "float64")


def to_int(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A whole number → ``Int64`` (a fractional value is bad)."""

    def fn(u):
        num, bad = _parse_numbers(u)
        frac = num.notna().to_numpy() & (np.floor(num.fillna(0)) != num.fillna(0)).to_numpy()
        bad = bad | frac
        num = num.where(~frac)
        return num.round().astype("Int64"), bad

    return _by_unique(raw, fn, "Int64")


_PERIOD_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_PERIOD6_RE = re.compile(r"^(\d{4})(\d{2})$")


def to_period(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A month → text ``YYYY-MM`` (2026-10, 2026/10, 2026年10月, 202610, or any date in the month)."""

    def fn(u):
        t = _as_text(u)
        parts = t.str.extract(_PERIOD_RE).fillna(t.str.extract(_PERIOD6_RE))
        ok = parts[0].notna().to_numpy()
        out = pd.Series(pd.array([None] * len(u), dtype="string"))
        if ok.any():
            y = parts.loc[ok, 0].astype(int)
            m = parts.loc[ok, 1].astype(int)
            good = m.between(1, 12)
            txt = y.astype(str) + "-" + m.astype(str).str.zfill(2)
            out[np.flatnonzero(ok)[good.to_numpy()]] = txt[good].to_numpy()
        rest = ~ok
        if rest.any():
            dates, _, _ = to_date(u[rest].reset_index(drop=True))
            idx = np.flatnonzero(rest)
            have = dates.notna().to_numpy()
            out[idx[have]] = dates[have].dt.strftime("%Y-%m").to_numpy()
        blank = (t == "").to_numpy()
        bad = out.isna().to_numpy() & ~blank
        return out, bad

    return _by_unique(raw, fn, "string")


def coerce_column(raw: pd.Series, column) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Coerce ``raw`` as declared by ``column`` (a :class:`~dealerlab.data.schema.Column`).

    Returns ``(values, bad, impossible)``; ``impossible`` is only ever set for dates.
    """
    kind = column.kind
    none = np.zeros(len(raw), dtype=bool)
    if kind == "date":
        return to_date(raw)
    if kind == "id":
        v, b = to_id(raw)
    elif kind == "text":
        v, b = to_text(raw)
    elif kind == "enum":
        v, b = to_enum(raw, column.enum, open_enum=column.open_enum)
    elif kind == "bool":
        v, b = to_bool(raw)
    elif kind == "int":
        v, b = to_int(raw)
    elif kind == "number":
        v, b = to_number(raw)
    elif kind == "period":
        v, b = to_period(raw)
    else:  # pragma: no cover - schema checks kinds
        raise AssertionError(kind)
    return v, b, none
