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

from dealerlab.data.columnar import coerce_fast, same_if_canonical

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
    "midnight",
]

#: day 0 of Excel's (1900, Lotus-compatible) serial numbers: serial 46300 is 2026-10-05
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: serial numbers accepted as dates: 1 (1899-12-31) .. 2958465 (9999-12-31); in practice 1950..2100
_SERIAL_MIN, _SERIAL_MAX = 18264, 73051  # 1950-01-01 .. 2099-12-31

#: why a non-blank cell could not be read (the ``reason`` array of :func:`coerce_column`)
R_OK, R_INVALID, R_IMPOSSIBLE, R_EARLY, R_LATE, R_PERCENT, R_DECIMAL_COMMA, R_NOT_FINITE, R_TOO_LARGE, R_CONTROL = range(10)
#: dates are read in this window; outside it a date is a typing error (and would not fit a datetime64[ns])
DATE_MIN, DATE_MAX = _dt.date(1950, 1, 1), _dt.date(2199, 12, 31)
#: the largest magnitude a number cell may hold (docs/DATA.md: money beyond 1e12 is an error)
NUMBER_MAX = 1e12

#: invisible characters that make look-alike ids: C0 controls (tab aside), DEL, C1 controls, zero-width
#: characters, bidi marks/embeddings/overrides/isolates, word joiner, BOM
_INVISIBLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
#: removed from free text (kept: tab, line feed)
_TEXT_STRIP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


class CellIssue:
    """A cell a reader gives as blank though it holds something: an Excel error value or an uncalculated formula.

    ``kind`` is ``"error"`` (``text`` = ``#DIV/0!``, ``#N/A`` …) or ``"formula"`` (``text`` = the formula without
    its ``=``). :func:`dealerlab.data.validate.check_chunk` reports it and treats the cell as unreadable.
    """

    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str) -> None:
        self.kind, self.text = kind, text

    def __str__(self) -> str:
        return self.text if self.kind == "error" else "=" + self.text

    def __repr__(self) -> str:
        return f"CellIssue({self.kind!r}, {self.text!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, CellIssue) and (self.kind, self.text) == (other.kind, other.text)

    def __hash__(self) -> int:
        return hash((self.kind, self.text))


def invisible_chars(text: str) -> list[str]:
    """The invisible / control characters in ``text`` as ``U+XXXX`` codes (``"S0\\a3"`` → ``["U+0007"]``)."""
    return [f"U+{ord(ch):04X}" for ch in dict.fromkeys(_INVISIBLE.findall(text))]


def strip_invisible(value):
    """An id cell without its invisible characters (``"\\ufeffL004"`` → ``"L004"``); other cells unchanged."""
    return parse_id(_INVISIBLE.sub("", value)) if isinstance(value, str) else value


def shown_text(text: str) -> str:
    """``text`` with invisible characters written as ``<U+XXXX>`` (what an error message shows)."""
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)


_TRUE = {"是", "y", "yes", "1", "1.0", "true", "t", "对", "√", "✓", "✔", "有"}
_FALSE = {"否", "n", "no", "0", "0.0", "false", "f", "错", "×", "✗", "✘", "无"}
#: (true, false) as a Chinese workbook writes them: the template's drop-down, ``write(headers="zh")``; read back above
YES_NO_ZH = ("是", "否")


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


def _id_code(v) -> tuple[str | None, int]:
    raw = v if isinstance(v, str) else None
    if raw is not None and _INVISIBLE.search(raw):
        return None, R_CONTROL
    return parse_id(v), R_OK


def parse_text(v) -> str | None:
    """Free text as typed (stripped, control and zero-width characters removed); blank → ``None``."""
    if isinstance(v, str):
        if not v.isascii() or not v.isprintable():
            v = _TEXT_STRIP.sub("", v)
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


def _in_window(d: _dt.date) -> tuple[_dt.date | None, int]:
    if d < DATE_MIN:
        return None, R_EARLY
    if d > DATE_MAX:
        return None, R_LATE
    return d, R_OK


def _date_code(v) -> tuple[_dt.date | None, int]:
    """``(date, reason)`` of one cell (reason :data:`R_OK` for a good or blank cell)."""
    if isinstance(v, _dt.datetime | pd.Timestamp):
        return (None, R_OK) if pd.isna(v) else _in_window(v.date())
    if isinstance(v, _dt.date):
        return _in_window(v)
    if isinstance(v, np.datetime64):
        if np.isnat(v):
            return None, R_OK
        day = v.astype("datetime64[D]").astype(object)  # a date (or an int for years beyond 9999)
        if not isinstance(day, _dt.date):
            return None, R_LATE if v > np.datetime64("2000-01-01") else R_EARLY
        return _in_window(day)
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_):
        if isinstance(v, float | np.floating) and np.isnan(v):
            return None, R_OK
        d = _serial(float(v))
        return d, R_OK if d is not None else R_INVALID
    t = _cell_text(v)
    if not t:
        return None, R_OK
    m = _DATE_RE.match(t) or _DATE8_RE.match(t)
    if m:
        try:
            d = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None, R_IMPOSSIBLE
        return _in_window(d)
    if _SERIAL_RE.match(t):
        d = _serial(float(t))
        return d, R_OK if d is not None else R_INVALID
    return None, R_INVALID


def parse_date(v) -> tuple[_dt.date | None, bool, bool]:
    """``(date, bad, impossible)`` of one cell; ``impossible``: shaped like a date that does not exist (2026-02-30).

    A date before :data:`DATE_MIN` or after :data:`DATE_MAX` is bad (``None``): never wrapped around.
    """
    d, code = _date_code(v)
    return d, code != R_OK, code == R_IMPOSSIBLE


_NUM_JUNK = re.compile(r"^(?:rmb|cny)\s*|[¥$]|元$|人民币|\s+")
_ACCOUNTING = re.compile(r"^\((.*)\)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


def _number_code(v, percent: bool = True) -> tuple[float | None, int]:
    """``(number, reason)`` of one cell; ``percent``: may the cell be a percent string (rate columns)."""
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_):
        x = float(v)
        if np.isnan(x):
            return None, R_OK
        if np.isinf(x):
            return None, R_NOT_FINITE
        return (None, R_TOO_LARGE) if abs(x) > NUMBER_MAX else (x, R_OK)
    t = _cell_text(v).casefold()
    if not t:
        return None, R_OK
    pct = t.endswith("%")
    t = _NUM_JUNK.sub("", t.rstrip("%"))
    t = _ACCOUNTING.sub(r"-\1", t)
    if "," in t:
        if not _GROUPED.match(t):
            return None, R_DECIMAL_COMMA if re.fullmatch(r"[+-]?[\d.,]+", t) else R_INVALID
        t = t.replace(",", "")
    try:
        x = float(t)
    except ValueError:
        return None, R_INVALID
    if np.isnan(x) or np.isinf(x):
        return None, R_NOT_FINITE
    if pct and not percent:
        return None, R_PERCENT
    x = x / 100.0 if pct else x
    return (None, R_TOO_LARGE) if abs(x) > NUMBER_MAX else (x, R_OK)


def parse_number(v, *, percent: bool = True) -> tuple[float | None, bool]:
    """``(number, bad)``: ``"¥12,345"`` → 12345.0, ``"１２３"`` → 123.0, ``"12%"`` → 0.12, ``"(1,200)"`` → -1200.0.

    A comma must separate groups of three digits (``"1.234,56"`` and ``"99300,00"`` are bad, never guessed);
    inf, NaN and magnitudes beyond :data:`NUMBER_MAX` are bad; with ``percent=False`` so is ``"85%"``.
    """
    x, code = _number_code(v, percent)
    return x, code != R_OK


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


def _by_unique(raw: pd.Series, fn: Callable, dtype: str, nflags: int = 1, *, codes: bool = False) -> tuple:
    """Apply the scalar ``fn`` to each distinct non-missing value of ``raw`` and broadcast the results back.

    ``fn(value)`` returns the typed value, or a tuple ``(value, bad, *flags)``; returned: ``(Series, bad, *flags)``.
    With ``codes``, ``fn`` returns ``(value, reason)`` and the result is ``(Series, reason)`` (int8, 0 = fine).
    """
    if raw.dtype == object:
        # True == 1 and False == 0 hash alike: factorize would merge them; booleans become text first
        is_bool = np.fromiter((isinstance(v, bool | np.bool_) for v in raw.to_numpy()), dtype=bool, count=len(raw))
        if is_bool.any():
            raw = raw.where(~is_bool, raw.map(lambda v: "TRUE" if v is True or v is np.True_ else "FALSE"))
    positions, uniques = pd.factorize(raw, use_na_sentinel=True)
    uniq = np.asarray(uniques, dtype=object)
    results = [fn(u) for u in uniq]
    if codes:
        missing = positions < 0
        take = np.where(missing, 0, positions)
        values = [r[0] for r in results]
        reason = np.fromiter((r[1] for r in results), dtype=np.int8, count=len(results))
        if not len(uniq):
            out = _typed([None] * len(raw), dtype)
            code = np.zeros(len(raw), dtype=np.int8)
        else:
            out = _typed(values, dtype).take(take).reset_index(drop=True)
            if missing.any():
                out = out.mask(missing)
            code = np.where(missing, 0, reason[take]).astype(np.int8)
        out.index = raw.index
        return out, code
    codes = positions
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
    """Identifiers as text: leading zeros kept, full-width → half-width, ``1001.0`` → ``"1001"``.

    Bad: an id holding control, zero-width or bidi characters (it looks like another id but is not).
    """
    v, code = _by_unique(raw, _id_code, "string", codes=True)
    return v, code != R_OK


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
    fn = _enum_parser(enum, open_enum)
    return same_if_canonical(raw, fn) or _by_unique(raw, fn, "string")


def _enum_parser(enum: Mapping[str, str], open_enum: bool) -> Callable:
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

    return fn


def to_bool(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """是/否, Y/N, yes/no, 1/0, TRUE/FALSE, √/× … → pandas ``boolean``; blank → missing."""
    return _by_unique(raw, parse_bool, "boolean")


def _date_codes(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        values = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) is not None else raw
        arr = values.to_numpy()  # in its own unit: a 9999-12-31 stays 9999-12-31 here
        nat = np.isnat(arr)
        code = np.zeros(len(raw), dtype=np.int8)
        code[~nat & (arr < np.datetime64(DATE_MIN))] = R_EARLY
        code[~nat & (arr > np.datetime64(DATE_MAX) + np.timedelta64(1, "D"))] = R_LATE
        keep = pd.Series(np.where(code == R_OK, arr, np.datetime64("NaT")) if code.any() else arr, index=raw.index)
        return midnight(keep.astype("datetime64[ns]")), code
    return _by_unique(raw, _date_code, "datetime64[ns]", codes=True)


def midnight(dates: pd.Series) -> pd.Series:
    """``dates`` (``datetime64[ns]``) at midnight; the same Series, not a copy, when every date already is."""
    ns = dates.to_numpy().view(np.int64)
    if not ((ns % 86_400_000_000_000 != 0) & (ns != np.iinfo(np.int64).min)).any():
        return dates
    return dates.dt.normalize()


def to_date(raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """A calendar date → ``datetime64[ns]`` at midnight.

    Returns ``(values, bad, impossible)``: ``impossible`` marks cells that have the shape of a date but do not
    exist (2026-02-30, month 13), a subset of ``bad``. Dates outside :data:`DATE_MIN` … :data:`DATE_MAX` are bad
    (never wrapped around: 9999-12-31 does not become 1816).
    """
    values, code = _date_codes(raw)
    return values, code != R_OK, code == R_IMPOSSIBLE


def to_number(raw: pd.Series, *, percent: bool = True) -> tuple[pd.Series, np.ndarray]:
    """A number → ``float64``: thousands separators, ¥/￥/RMB prefix, 元 suffix, full-width digits, ``%``.

    ``percent=False`` makes ``"85%"`` bad (a rate written in a column that is not a rate).
    """
    values, code = _number_codes(raw, percent)
    return values, code != R_OK


def _number_codes(raw: pd.Series, percent: bool) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.astype("float64")
        arr = values.to_numpy()
        code = np.zeros(len(raw), dtype=np.int8)
        with np.errstate(invalid="ignore"):
            code[np.isinf(arr)] = R_NOT_FINITE
            code[np.isfinite(arr) & (np.abs(arr) > NUMBER_MAX)] = R_TOO_LARGE
        return (values.mask(code != R_OK) if code.any() else values), code
    return _by_unique(raw, lambda v: _number_code(v, percent), "float64", codes=True)


def to_int(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A whole number → ``Int64`` (a fractional value is bad)."""

    v, code = _int_codes(raw, False)
    return v, code != R_OK


def _int_codes(raw: pd.Series, percent: bool) -> tuple[pd.Series, np.ndarray]:
    def fn(v):
        x, code = _number_code(v, percent)
        if x is None:
            return None, code
        if not float(x).is_integer():
            return None, R_INVALID
        return int(x), R_OK

    return _by_unique(raw, fn, "Int64", codes=True)


def to_period(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A month → text ``YYYY-MM`` (2026-10, 2026/10, 2026年10月, 202610, or any date in the month)."""
    return same_if_canonical(raw, parse_period) or _by_unique(raw, parse_period, "string")


def coerce_column(raw: pd.Series, column, *, percent: bool = False) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Coerce ``raw`` as declared by ``column`` (a :class:`~dealerlab.data.schema.Column`).

    ``percent``: the column is a rate, where ``"85%"`` means 0.85 (elsewhere a percent string is bad).
    Returns ``(values, bad, reason)``; ``reason`` (int8) says why each bad cell is bad (``R_*`` codes).
    """
    kind = column.kind
    scalar = _SCALAR.get(kind)
    if scalar is not None:

        def by_cell(part: pd.Series) -> tuple[pd.Series, np.ndarray]:
            return scalar(part, percent)

        v, code = coerce_fast(raw, kind, by_cell, date_window=(DATE_MIN, DATE_MAX)) or by_cell(raw)
        return v, code != R_OK, code
    if kind == "enum":
        v, b = to_enum(raw, column.enum, open_enum=column.open_enum)
    elif kind == "bool":
        v, b = to_bool(raw)
    elif kind == "period":
        v, b = to_period(raw)
    else:  # pragma: no cover - schema checks kinds
        raise AssertionError(kind)
    return v, b, np.where(b, R_INVALID, R_OK).astype(np.int8)


def _text_codes(raw: pd.Series, percent: bool) -> tuple[pd.Series, np.ndarray]:
    v, _ = to_text(raw)
    return v, np.zeros(len(raw), dtype=np.int8)


def _id_codes(raw: pd.Series, percent: bool) -> tuple[pd.Series, np.ndarray]:
    return _by_unique(raw, _id_code, "string", codes=True)


def _date_codes_any(raw: pd.Series, percent: bool) -> tuple[pd.Series, np.ndarray]:
    return _date_codes(raw)


#: the scalar path of each kind that has a columnar fast path (:mod:`dealerlab.data.columnar`): ``(values, reason)``
_SCALAR = {"id": _id_codes, "text": _text_codes, "date": _date_codes_any, "number": _number_codes, "int": _int_codes}
