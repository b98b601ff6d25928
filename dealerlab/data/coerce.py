"""Turn the cells of a client file into typed values, vectorised.

Every function takes a pandas Series of raw cells (text from CSV, or the Python objects openpyxl/pyarrow give:
``str``, ``int``, ``float``, ``datetime``, ``bool``) and returns ``(values, bad)``:

``values``
    the typed Series (dtype of :data:`dealerlab.data.dataset.DTYPES`), missing where the cell is blank or bad;
``bad``
    a boolean numpy array, ``True`` where a non-blank cell could not be read.

The work is done once per *distinct* cell value (``pd.factorize``, hashed in C), then broadcast back with
``numpy.take``: a million-row column with a few thousand distinct dates costs a few thousand parses. Each distinct
value is parsed by a small scalar function (``parse_*``), which is fast for the few values of a small file (no
per-column pandas overhead) and bounded by the number of distinct values for a large one (a million distinct ids
take about a second).

Accepted spellings (docs/DATA.md §2)
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
    "parse_id",
    "parse_bool",
    "parse_date",
    "parse_number",
    "parse_period",
    "parse_text",
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


# --------------------------------------------------------------------------------------------------- scalars


def _cell_text(v) -> str:
    """A raw cell as normalised text ("" for blank); whole floats written without ".0"."""
    if v is None:
        return ""
    if isinstance(v, str):
        return unicodedata.normalize("NFKC", v).strip() if not v.isascii() else v.strip()
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
    if v is pd.NA or v is pd.NaT:
        return ""
    return str(v).strip()


_INT_FLOAT = re.compile(r"^[+-]?\d+\.0+$")


def parse_id(v) -> str | None:
    """``"001"`` → ``"001"``; ``1001.0`` / ``"1001.0"`` → ``"1001"``; ``"Ｓ０１"`` → ``"S01"``; blank → ``None``."""
    t = _cell_text(v)
    if _INT_FLOAT.match(t):
        t = t.split(".")[0]
    return t or None


def parse_text(v) -> str | None:
    """Free text as typed (stripped); blank → ``None``."""
    if isinstance(v, str):
        return v.strip() or None
    return _cell_text(v) or None


def parse_bool(v) -> tuple[bool | None, bool]:
    """``(value, bad)``: 是/否, Y/N, 1/0, TRUE/FALSE, √/× …; blank → ``(None, False)``."""
    key = _cell_text(v).casefold()
    if not key:
        return None, False
    if key in _TRUE:
        return True, False
    if key in _FALSE:
        return False, False
    return None, True


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?.*)?$")
_DATE8_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_RE = re.compile(r"^\d{4,6}(?:\.\d+)?$")
_EPOCH_ORDINAL = _dt.date(1899, 12, 30).toordinal()


def _serial(x: float) -> _dt.date | None:
    if _SERIAL_MIN <= x <= _SERIAL_MAX:
        return _dt.date.fromordinal(_EPOCH_ORDINAL + int(x))
    return None


def parse_date(v) -> tuple[_dt.date | None, bool, bool]:
    """``(date, bad, impossible)`` of one cell; ``impossible``: shaped like a date that does not exist (2026-02-30)."""
    if isinstance(v, _dt.datetime | pd.Timestamp):
        return (None, False, False) if pd.isna(v) else (v.date(), False, False)
    if isinstance(v, _dt.date):
        return v, False, False
    if isinstance(v, np.datetime64):
        return (None, False, False) if np.isnat(v) else (pd.Timestamp(v).date(), False, False)
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_):
        if isinstance(v, float | np.floating) and np.isnan(v):
            return None, False, False
        d = _serial(float(v))
        return d, d is None, False
    t = _cell_text(v)
    if not t:
        return None, False, False
    m = _DATE_RE.match(t) or _DATE8_RE.match(t)
    if m:
        try:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), False, False
        except ValueError:
            return None, True, True
    if _SERIAL_RE.match(t):
        d = _serial(float(t))
        return d, d is None, False
    return None, True, False


_NUM_JUNK = re.compile(r"^(?:rmb|cny)\s*|[¥$]|元$|人民币|\s+|,")
_ACCOUNTING = re.compile(r"^\((.*)\)$")


def parse_number(v) -> tuple[float | None, bool]:
    """``(number, bad)``: ``"¥12,345"`` → 12345.0, ``"１２３"`` → 123.0, ``"12%"`` → 0.12, ``"(1,200)"`` → -1200.0."""
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_):
        x = float(v)
        if np.isnan(x):
            return None, False
        return (None, True) if np.isinf(x) else (x, False)
    t = _cell_text(v).casefold()
    if not t:
        return None, False
    pct = t.endswith("%")
    t = _NUM_JUNK.sub("", t.rstrip("%"))
    t = _ACCOUNTING.sub(r"-\1", t)
    try:
        x = float(t)
    except ValueError:
        return None, True
    if np.isnan(x) or np.isinf(x):
        return None, True
    return (x / 100.0 if pct else x), False


_PERIOD_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_PERIOD6_RE = re.compile(r"^(\d{4})(\d{2})$")


def parse_period(v) -> tuple[str | None, bool]:
    """``(YYYY-MM, bad)``: 2026-10, 2026/10, 2026年10月, 202610, or any date in the month."""
    t = _cell_text(v)
    if not t:
        return None, False
    m = _PERIOD_RE.match(t) or _PERIOD6_RE.match(t)
    if m:
        month = int(m.group(2))
        return (f"{int(m.group(1)):04d}-{month:02d}", False) if 1 <= month <= 12 else (None, True)
    d, bad, _ = parse_date(v)
    return (d.strftime("%Y-%m"), False) if d is not None else (None, True)


# --------------------------------------------------------------------------------------------------- machinery


def _typed(values: list, dtype: str) -> pd.Series:
    if dtype == "datetime64[ns]":
        arr = np.array([np.datetime64(d, "ns") if d is not None else np.datetime64("NaT", "ns") for d in values],
                       dtype="datetime64[ns]")
        return pd.Series(arr)
    if dtype == "float64":
        return pd.Series(np.array([np.nan if x is None else x for x in values], dtype=float))
    return pd.Series(pd.array(values, dtype=dtype))


def _by_unique(raw: pd.Series, fn: Callable, dtype: str, nflags: int = 1) -> tuple:
    """Apply the scalar ``fn`` to each distinct non-missing value of ``raw`` and broadcast the results back.

    ``fn(value)`` returns the typed value, or a tuple ``(value, bad, *flags)``; returned: ``(Series, bad, *flags)``.
    """
    if raw.dtype == object:
        # True == 1 and False == 0 hash alike: factorize would merge them; booleans become text first
        is_bool = np.fromiter((isinstance(v, bool | np.bool_) for v in raw.to_numpy()), dtype=bool, count=len(raw))
        if is_bool.any():
            raw = raw.where(~is_bool, raw.map(lambda v: "TRUE" if v is True or v is np.True_ else "FALSE"))
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    uniq = np.asarray(uniques, dtype=object)
    results = [fn(u) for u in uniq]
    if nflags == 0:
        values, flags = results, []
    else:
        cols = list(zip(*results)) if results else [()] * (nflags + 1)
        values, flags = list(cols[0]), [np.asarray(c, dtype=bool) for c in cols[1:]]
    missing = codes < 0
    take = np.where(missing, 0, codes)
    if not len(uniq):
        out = _typed([None] * len(raw), dtype)
        flags_out = [np.zeros(len(raw), dtype=bool) for _ in range(max(nflags, 1))]
    else:
        typed = _typed(values, dtype)
        out = typed.take(take).reset_index(drop=True)
        if missing.any():
            out = out.mask(missing)
        flags_out = [f[take] & ~missing for f in flags] or [np.zeros(len(raw), dtype=bool)]
    out.index = raw.index
    return (out, *flags_out)


# --------------------------------------------------------------------------------------------------- kinds


def to_text(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Free text: stripped, blank → missing. Never bad."""
    return _by_unique(raw, parse_text, "string", nflags=0)


def to_id(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Identifiers as text: leading zeros kept, full-width → half-width, ``1001.0`` → ``"1001"``. Never bad."""
    return _by_unique(raw, parse_id, "string", nflags=0)


def _enum_lookup(enum: Mapping[str, str]) -> dict[str, str]:
    look = {}
    for zh, en in enum.items():
        for key in (zh, en):
            k = normalize_text(key).casefold()
            look[k] = zh
            look[re.sub(r"[\s_\-]+", "", k)] = zh
    return look


def to_enum(raw: pd.Series, enum: Mapping[str, str], *, open_enum: bool = False) -> tuple[pd.Series, np.ndarray]:
    """An enumeration: Chinese canonical value or English equivalent (case-insensitive) → the Chinese value.

    A value outside the list is bad; with ``open_enum`` it is kept as written (the caller warns) but still flagged.
    """
    look = _enum_lookup(enum)

    def fn(v):
        t = _cell_text(v)
        if not t:
            return None, False
        k = t.casefold()
        hit = look.get(k) or look.get(re.sub(r"[\s_\-]+", "", k))
        if hit is not None:
            return hit, False
        return (t if open_enum else None), True

    return _by_unique(raw, fn, "string")


def to_bool(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """是/否, Y/N, yes/no, 1/0, TRUE/FALSE, √/× … → pandas ``boolean``; blank → missing."""
    return _by_unique(raw, parse_bool, "boolean")


def to_date(raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """A calendar date → ``datetime64[ns]`` at midnight.

    Returns ``(values, bad, impossible)``: ``impossible`` marks cells that have the shape of a date but do not
    exist (2026-02-30, month 13), a subset of ``bad``.
    """
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        values = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) is not None else raw
        none = np.zeros(len(raw), dtype=bool)
        return values.astype("datetime64[ns]").dt.normalize(), none, none.copy()
    return _by_unique(raw, parse_date, "datetime64[ns]", nflags=2)


def to_number(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A number → ``float64``: thousands separators, ¥/￥/RMB prefix, 元 suffix, full-width digits, ``%``."""
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.astype("float64")
        bad = np.isinf(values.to_numpy())
        return values.mask(bad), bad
    return _by_unique(raw, parse_number, "float64")


def to_int(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A whole number → ``Int64`` (a fractional value is bad)."""

    def fn(v):
        x, bad = parse_number(v)
        if x is None:
            return None, bad
        if not float(x).is_integer():
            return None, True
        return int(x), False

    return _by_unique(raw, fn, "Int64")


def to_period(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A month → text ``YYYY-MM`` (2026-10, 2026/10, 2026年10月, 202610, or any date in the month)."""
    return _by_unique(raw, parse_period, "string")


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
