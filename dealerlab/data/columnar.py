"""The fast path of coercion: whole columns checked and converted with Arrow compute (large CSV / Parquet folders).

A Parquet file, and a CSV file read by pandas, give their text columns as Arrow strings. Most cells of a large
table are *plain*: an id such as ``S01-L000123``, a date such as ``2026-10-05``, a number such as ``129800``. For
each kind a vectorised test (a regular expression run by Arrow over the whole column) proves which cells are plain,
and those are converted in bulk (the id as it is, the date from its digits, the number by Arrow's cast). Every
other cell — blank, spaced, full-width, ``1001.0``, ``¥12,345``, ``2026年10月5日``, a date that does not exist, an
invisible character … — goes through the scalar parsers of :mod:`dealerlab.data.coerce` exactly as before (once per
distinct value). A plain cell is one whose scalar parse is known to give the bulk result, so the values, the
reasons and therefore every message and row number are the same on both paths; ``tests/data_contract/test_columnar.py``
checks that cell by cell against the scalar parsers.

:func:`coerce_fast` returns ``None`` for a column it does not speed up (Excel's Python objects, enumerations,
booleans and months as text — few distinct values, already cheap), and the caller takes the scalar path.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

__all__ = ["arrow_strings", "coerce_fast", "is_in", "is_in_many", "system_allocator", "has_duplicates", "maybe_hash", "maybe_longer", "same_if_canonical", "release_memory", "ENABLED",
           "FAST_KINDS"]

#: the kinds the fast path reads (others: few distinct values, the scalar path is cheap)
FAST_KINDS = ("id", "text", "date", "number", "int")
#: the fast path is on; tests switch it off to compare with the scalar path (the reference)
ENABLED = True

# plain dates: 2026-10-05 (also / or . between the parts); checked for existence and the window afterwards
_DATE_PLAIN = r"^\d{4}[-/.]\d{2}[-/.]\d{2}$"
# plain numbers: at most 12 digits before the point (so never beyond 1e12), no sign but minus, no separators
_NUMBER_PLAIN = r"^-?\d{1,12}(\.\d{1,30})?$"
_INT_PLAIN = r"^-?\d{1,12}$"
#: what :func:`~dealerlab.data.coerce.parse_text` removes from free text (RE2 syntax)
_TEXT_REMOVED = (r"[\x00-\x08\x0b-\x1f\x{7f}-\x{9f}\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2060}-\x{2064}"
                 r"\x{2066}-\x{206f}\x{feff}]")
#: the characters Python's ``str.strip()`` removes (``str.isspace``), RE2 syntax
_SPACE = (r"[\x09-\x0d\x1c-\x20\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}"
          r"\x{3000}]")


def _edges(chunked) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(not empty, first byte, last byte)`` of each cell of a string column, read from its offsets and bytes (no
    kernel, no copy of the strings). A missing cell may hold anything here: callers mask it out."""
    import pyarrow as pa

    sizes, firsts, lasts = [], [], []
    for arr in chunked.chunks:
        n = len(arr)
        bufs = arr.buffers()
        width = np.int64 if pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type) else np.int32
        off = np.frombuffer(bufs[1], dtype=width, count=arr.offset + n + 1)[arr.offset:] if n else np.zeros(1, width)
        start, stop = off[:-1], off[1:]
        full = stop > start
        data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None and bufs[2].size else np.zeros(1, np.uint8)
        firsts.append(data.take(start, mode="clip"))  # an empty cell's byte is another's: masked by ``full``
        lasts.append(data.take(stop - 1, mode="clip"))
        sizes.append(full)
    if not sizes:
        return np.zeros(0, bool), np.zeros(0, np.uint8), np.zeros(0, np.uint8)
    if len(sizes) == 1:
        return sizes[0], firsts[0], lasts[0]
    return np.concatenate(sizes), np.concatenate(firsts), np.concatenate(lasts)


def _has_byte(chunked, byte: int) -> bool:
    """Does any cell (or a missing one) of a string column hold the byte ``byte``?"""
    import pyarrow as pa

    for arr in chunked.chunks:
        bufs = arr.buffers()
        if not len(arr) or bufs[2] is None:
            continue
        width = np.int64 if pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type) else np.int32
        off = np.frombuffer(bufs[1], dtype=width, count=arr.offset + len(arr) + 1)
        if (np.frombuffer(bufs[2], dtype=np.uint8)[off[arr.offset]:off[-1]] == byte).any():
            return True
    return False


def _plain_ascii(chunked, printable=None) -> np.ndarray:
    """Cells of printable ASCII, not empty, without a leading or trailing space: ``str.strip`` and NFKC keep them.

    ``printable``: the Arrow kernel saying which cells hold only printable characters (default
    ``ascii_is_printable``; free text takes ``utf8_is_printable``, whose only blank is the ASCII space). The ends
    are read from the bytes: a space is one byte, 32, and no byte of a longer UTF-8 character is 32.
    """
    return _plain_and_last(chunked, printable)[0]


def _plain_and_last(chunked, printable=None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_plain_ascii` and the last byte of each cell."""
    import pyarrow.compute as pc

    ok = _mask((printable or pc.ascii_is_printable)(chunked))
    full, first, last = _edges(chunked)
    return ok & full & (first != 32) & (last != 32), last


def _plain_id(chunked) -> np.ndarray:
    """Ids read as written: plain ASCII, and not Excel's ``1001.0`` (any id with a point ending in 0 is left to
    the scalar parser)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    plain, last = _plain_and_last(chunked)
    if not _has_byte(chunked, 46):  # no point anywhere in the column
        return plain
    ends0 = np.flatnonzero(plain & (last == 48))  # ends with 0
    if len(ends0):
        plain[ends0[_mask(pc.match_substring(chunked.take(pa.array(ends0)), "."))]] = False
    return plain


def _plain_text(chunked) -> np.ndarray:
    """Free text read as written: nothing :func:`~dealerlab.data.coerce.parse_text` removes, nothing
    ``str.strip`` removes, not empty.

    A cell of printable characters (``utf8_is_printable``: no control, format, separator or unassigned code point
    but the ASCII space) without a space at either end is such a cell (``tests/data_contract/test_columnar.py``
    checks every code point); the regular expressions then read only the other cells.
    """
    import pyarrow.compute as pc

    plain = _plain_ascii(chunked, pc.utf8_is_printable)
    other = np.flatnonzero(~plain & _mask(pc.is_valid(chunked)))
    if len(other):
        import pyarrow as pa

        part = chunked.take(pa.array(other))
        bad = pc.or_(pc.match_substring_regex(part, _TEXT_REMOVED),
                     pc.or_(pc.match_substring_regex(part, "^" + _SPACE), pc.match_substring_regex(part, _SPACE + "$")))
        bad = pc.or_(bad, pc.equal(pc.binary_length(part), 0))
        plain[other] = ~_mask(bad)
    return plain


def arrow_strings(series: pd.Series):
    """The Arrow chunked array behind a pandas string Series (``str`` / ``string[pyarrow]``), else ``None``."""
    arr = series.array
    if isinstance(arr, pd.arrays.ArrowStringArray):
        return arr.__arrow_array__()
    return None


def _mask(chunked) -> np.ndarray:
    """A boolean Arrow result as a numpy array (null → False)."""
    import pyarrow.compute as pc

    return pc.fill_null(chunked, False).to_numpy(zero_copy_only=False)


def _string_series(chunked, index) -> pd.Series:
    import pyarrow as pa

    if not isinstance(chunked, pa.ChunkedArray):
        chunked = pa.chunked_array([chunked])
    if chunked.type != pa.large_string():
        chunked = chunked.cast(pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(chunked), index=index)


def _rest(raw: pd.Series, rest: np.ndarray, scalar: Callable[[pd.Series], tuple[pd.Series, np.ndarray]]):
    """The scalar path on the cells ``rest`` (positions); ``(values, reasons)`` of those cells only."""
    part = raw.iloc[rest]
    return scalar(part)


def _text_like(raw, chunked, plain_cells: Callable, scalar):
    """Ids and free text: plain cells stay as they are; the others take ``scalar`` (returns values and reasons)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    valid = _mask(pc.is_valid(chunked))
    plain = valid & plain_cells(chunked)
    code = np.zeros(len(raw), dtype=np.int8)
    rest = np.flatnonzero(valid & ~plain)
    if not len(rest):  # every cell plain or blank: the column as it is (no copy)
        return _string_series(chunked, raw.index), code
    values, reason = _rest(raw, rest, scalar)
    code[rest] = reason
    mask = np.zeros(len(raw), dtype=bool)
    mask[rest] = True
    fill = pa.array(values.astype(object).where(values.notna(), None).tolist(), type=pa.large_string())
    combined = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
    if combined.type != pa.large_string():
        combined = combined.cast(pa.large_string())
    base = pc.replace_with_mask(combined, pa.array(mask), fill)
    return _string_series(base, raw.index), code


def _numeric_like(raw, chunked, plain_re: str, convert, scalar, dtype: str):
    """Dates and numbers as text: plain cells converted in bulk by ``convert`` (which may refuse some: ``None``
    in its ``ok`` mask), the others by ``scalar``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    valid = _mask(pc.is_valid(chunked))
    plain = valid & _mask(pc.match_substring_regex(chunked, plain_re))
    idx = np.flatnonzero(plain)
    if dtype == "datetime64[ns]":
        out = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[ns]")
    elif dtype == "float64":
        out = np.full(len(raw), np.nan)
    else:  # Int64
        out = np.zeros(len(raw), dtype=np.int64)
    missing = np.ones(len(raw), dtype=bool)
    if len(idx):
        vals, ok = convert(chunked.filter(pa.array(plain)))
        good = idx[ok]
        out[good] = vals[ok]
        missing[good] = False
        plain[idx[~ok]] = False
    code = np.zeros(len(raw), dtype=np.int8)
    rest = np.flatnonzero(valid & ~plain)
    if len(rest):
        values, reason = _rest(raw, rest, scalar)
        code[rest] = reason
        have = values.notna().to_numpy()
        if dtype == "Int64":
            out[rest[have]] = values[have].astype("int64").to_numpy()
        else:
            out[rest[have]] = values.to_numpy()[have]
        missing[rest[have]] = False
    if dtype == "datetime64[ns]":
        return pd.Series(out, index=raw.index), code
    if dtype == "float64":
        return pd.Series(out, index=raw.index), code
    return pd.Series(pd.arrays.IntegerArray(out, missing), index=raw.index), code


def _convert_dates(part, window):
    """Plain date cells (``YYYY?MM?DD``) → ``(datetime64[ns] values, ok)``; not ok: a day the month does not have,
    or outside ``window`` (first, last date accepted; the scalar path then says which)."""
    import pyarrow.compute as pc

    DATE_MIN, DATE_MAX = window  # noqa: N806
    try:  # ISO dates all valid: Arrow's own parser (it refuses 2026-02-30 rather than rolling it over)
        value = pc.cast(part, "timestamp[s]").to_numpy().astype("datetime64[D]")
    except Exception:  # noqa: BLE001 - a slash or a point between the parts, or a day that does not exist
        pass
    else:
        ok = (value >= np.datetime64(DATE_MIN)) & (value <= np.datetime64(DATE_MAX))
        return value.astype("datetime64[ns]"), ok

    def digits(start, stop):
        return pc.cast(pc.utf8_slice_codeunits(part, start, stop), "int64").to_numpy()

    y, m, d = digits(0, 4), digits(5, 7), digits(8, 10)
    ok = (m >= 1) & (m <= 12) & (d >= 1)
    month = np.where(ok, (y - 1970) * 12 + (m - 1), 0).astype("datetime64[M]")
    days = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    ok &= d <= days
    value = month.astype("datetime64[D]") + np.where(ok, d - 1, 0).astype("timedelta64[D]")
    ok &= (value >= np.datetime64(DATE_MIN)) & (value <= np.datetime64(DATE_MAX))
    return value.astype("datetime64[ns]"), ok


def _convert_numbers(part):
    import pyarrow.compute as pc

    vals = pc.cast(part, "float64").to_numpy()
    return vals, np.ones(len(vals), dtype=bool)


def _convert_ints(part):
    import pyarrow.compute as pc

    vals = pc.cast(part, "int64").to_numpy()
    return vals, np.ones(len(vals), dtype=bool)


def coerce_fast(raw: pd.Series, kind: str, scalar: Callable[[pd.Series], tuple[pd.Series, np.ndarray]], *,
                date_window: tuple) -> tuple[pd.Series, np.ndarray] | None:
    """``(values, reason)`` of a column of ``kind`` by the fast path, or ``None`` when it does not apply.

    Parameters
    ----------
    raw : Series
        The raw cells of one column.
    kind : str
        The column's kind (:data:`FAST_KINDS` have a fast path).
    scalar : callable
        The scalar path: ``scalar(part)`` → ``(values, reason)`` of a Series of raw cells; it reads every cell the
        fast path does not prove plain.
    date_window : (date, date)
        The first and last date accepted (:data:`dealerlab.data.coerce.DATE_MIN` / ``DATE_MAX``).

    Returns
    -------
    (Series, ndarray) or None
        The typed values and the int8 reason of each cell (0 = fine), as the scalar path gives them.
    """
    if not ENABLED:
        return None
    chunked = arrow_strings(raw)
    if chunked is None:
        return None
    if kind == "id":
        return _text_like(raw, chunked, _plain_id, scalar)
    if kind == "text":
        return _text_like(raw, chunked, _plain_text, scalar)
    if kind == "date":
        return _numeric_like(raw, chunked, _DATE_PLAIN, lambda part: _convert_dates(part, date_window), scalar,
                             "datetime64[ns]")
    if kind == "number":
        return _numeric_like(raw, chunked, _NUMBER_PLAIN, _convert_numbers, scalar, "float64")
    if kind == "int":
        return _numeric_like(raw, chunked, _INT_PLAIN, _convert_ints, scalar, "Int64")
    return None


def same_if_canonical(raw: pd.Series, parse: Callable) -> tuple[pd.Series, np.ndarray] | None:
    """``(raw, no cell bad)`` when every distinct cell of an Arrow string column is already what ``parse`` makes
    of it (an enumeration written in its canonical Chinese values, months as ``YYYY-MM``): the column is kept as
    it is, no copy. ``None`` otherwise (the caller parses it). ``parse(cell)`` returns ``(value, bad)``.
    """
    import pyarrow.compute as pc

    chunked = arrow_strings(raw) if ENABLED else None
    if chunked is None:
        return None
    for cell in pc.unique(chunked).to_pylist():
        if cell is not None and parse(cell) != (cell, False):
            return None
    return _string_series(chunked, raw.index), np.zeros(len(raw), dtype=bool)


def release_memory() -> None:
    """Give the memory Arrow freed (a table's raw cells, temporary masks) back to the system, so that the next
    table and the computations after the load do not find the process already at its peak."""
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()


_POOL_LOCK = threading.Lock()
_POOL_DEPTH = [0, None]  # nesting depth, the pool to give back


@contextmanager
def system_allocator() -> Iterator[None]:
    """Arrow allocates from the C library's ``malloc`` inside the block (then its default pool again).

    Arrow's default pool (mimalloc) keeps the pages freed by the Parquet reader's threads and by the temporary masks
    of the checks for later use, so a large load's resident memory stays ~100 MiB above what it holds (50 stores:
    peak 1.7 → 1.3 × the data, ``benchmarks/README.md``); glibc returns large blocks to the system when they are
    freed. Each buffer remembers its pool, so the tables made here live on unchanged after the block.
    """
    if "pyarrow" not in sys.modules:
        import pyarrow  # noqa: F401
    pa = sys.modules["pyarrow"]
    with _POOL_LOCK:
        if _POOL_DEPTH[0] == 0:
            _POOL_DEPTH[1] = pa.default_memory_pool()
            pa.set_memory_pool(pa.system_memory_pool())
        _POOL_DEPTH[0] += 1
    try:
        yield
    finally:
        with _POOL_LOCK:
            _POOL_DEPTH[0] -= 1
            if _POOL_DEPTH[0] == 0:
                pa.set_memory_pool(_POOL_DEPTH[1])
                _POOL_DEPTH[1] = None


def is_in_many(values: list[pd.Series], known: pd.Series) -> list[np.ndarray] | None:
    """:func:`is_in` of several Series against one ``known`` (one hash set for all: the lead ids are looked up from
    five tables), or ``None`` when any is not Arrow strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays, b = [arrow_strings(v) for v in values], arrow_strings(known)
    if b is None or any(a is None for a in arrays):
        return None
    target = pa.large_string()
    chunks = []
    for a in arrays:
        chunks.extend((a.cast(target) if a.type != target else a).chunks)
    b = b.cast(target) if b.type != target else b
    hit = _mask(pc.is_in(pa.chunked_array(chunks, type=target), value_set=b.combine_chunks()))
    return np.split(hit, np.cumsum([len(a) for a in arrays])[:-1])


def is_in(values: pd.Series, known: pd.Series) -> np.ndarray | None:
    """``values.isin(known)`` for two Arrow string Series (Arrow's hash set; pandas builds it in Python), or
    ``None`` when either is not Arrow strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a, b = arrow_strings(values), arrow_strings(known)
    if a is None or b is None:
        return None
    target = pa.large_string()
    a = a.cast(target) if a.type != target else a
    b = b.cast(target) if b.type != target else b
    return _mask(pc.is_in(a, value_set=b.combine_chunks()))


def has_duplicates(values: pd.Series) -> bool:
    """Does a non-missing value occur twice? (one hash pass; the caller then finds which rows)."""
    import pyarrow.compute as pc

    chunked = arrow_strings(values)
    if chunked is None:
        return bool(values.duplicated(keep="first").to_numpy()[values.notna().to_numpy()].any())
    n = len(chunked) - chunked.null_count
    if chunked.null_count == 0 and chunked.num_chunks == 1 and n > 1:
        # ids in ascending order (most exports are sorted by id): all distinct, no hashing needed
        ids = chunked.chunk(0)
        if pc.all(pc.less(ids.slice(0, n - 1), ids.slice(1))).as_py():
            return False
    distinct = pc.unique(chunked)
    return n > 0 and len(distinct) - distinct.null_count < n


def maybe_hash(cells: pd.Series) -> bool:
    """May a cell be an Excel error value (``#N/A`` …: they all start with ``#``)? ``True`` unless Arrow says no."""
    import pyarrow.compute as pc

    chunked = arrow_strings(cells)
    return chunked is None or bool(pc.any(pc.starts_with(chunked, "#")).as_py())


def _longest(arr) -> int:
    """The most bytes of one cell of a string array (from its offsets)."""
    import pyarrow as pa

    if not len(arr):
        return 0
    width = np.int64 if pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type) else np.int32
    off = np.frombuffer(arr.buffers()[1], dtype=width, count=arr.offset + len(arr) + 1)[arr.offset:]
    return int(np.diff(off).max())


def maybe_longer(cells: pd.Series, limit: int) -> bool:
    """May a cell hold more than ``limit`` characters? (its UTF-8 bytes are at least its characters)"""
    chunked = arrow_strings(cells)
    if chunked is None:
        return True
    # the longest cell from the offsets (a missing cell may count: then the caller measures each cell)
    return max((_longest(arr) for arr in chunked.chunks), default=0) > limit
