"""Read client files into raw tables: which sheet/file is which table, where the header is, which column is which.

Nothing is coerced here (see :mod:`dealerlab.data.coerce`); cells stay as the file gives them (text from CSV,
Python objects from Excel/Parquet). A :class:`RawTable` yields its rows in chunks so a large CSV never sits in
memory twice.

Matching (docs/DATA.md §2)
------------------
* sheet / file names: the English table name or the Chinese one, compared after :func:`match_key`
  (NFKC, case, spaces, ``_``/``-``, a leading number such as ``1.``, a trailing 表/sheet);
* headers: the English column name or the Chinese one, compared after :func:`match_key`; text in brackets
  (units such as ``成交价(元)`` / ``成交价（元）``) and a trailing ``*`` (the template's required mark) are ignored;
* the header row is the first of the first :data:`HEADER_SCAN` rows matching at least
  ``min(half of the table's columns, its required columns)`` columns (at least 2), so blank rows and title rows
  above it are skipped; when no row reaches that, the best-matching row (≥ 1 match) is used and the missing
  columns are reported;
* a *notes row* directly under the header — every non-blank cell starting with :data:`NOTES_MARKER` (``说明``) —
  is skipped (the template writes one);
* fully blank rows are skipped (trailing blank rows are common); row numbers stay those of the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dealerlab.data.coerce import CellIssue
from dealerlab.data.schema import TABLES, Table
from dealerlab.data.validate import problem
from dealerlab.errors import Problem
from dealerlab.i18n import Catalogue

__all__ = [
    "RawTable",
    "ReadResult",
    "read_path",
    "match_key",
    "table_for_name",
    "match_header",
    "detect_encoding",
    "HEADER_SCAN",
    "NOTES_MARKER",
    "CHUNK_ROWS",
]

HEADER_SCAN = 30
NOTES_MARKER = "说明"
CHUNK_ROWS = 200_000
#: sheets the template writes besides the tables (ignored without a warning)
IGNORED_SHEETS = {"readme", "说明", "使用说明", "lists", "_lists", "下拉选项", "填写说明"}

_BRACKETS = re.compile(r"[(\[（【［〔<《].*?[)\]）】］〕>》]")
_SQUEEZE = re.compile(r"[\s_\-*:：·.、]+")
_LEADING_NUMBER = re.compile(r"^\d+[.、)\s_\-]*")
#: what may follow a table's name in a sheet or file name: 潜客表 (with or without the other suffixes), 潜客数据
_TABLE_SUFFIX = "表"
_NAME_SUFFIXES = ("", "sheet", "数据", "明细")

#: the messages of the reader: the texts it puts into the problems' placeholders, its progress line
_MSG = Catalogue.load("data/read")


def match_key(text) -> str:
    """The comparison key of a header or sheet name: ``" 成交价（元）* "`` → ``"成交价"``, ``"Store ID"`` → ``"storeid"``."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    s = _BRACKETS.sub("", s)
    return _SQUEEZE.sub("", s)


def _table_keys() -> dict[str, str]:
    keys = {}
    for t in TABLES.values():
        for k in (t.name, t.zh, t.name.replace("_", " ")):
            keys[match_key(k)] = t.name
            keys[match_key(k) + _TABLE_SUFFIX] = t.name
    return keys


def table_for_name(name: str) -> str | None:
    """The table a sheet or file name stands for (``"潜客"``, ``"Leads"``, ``"2.潜客表"`` → ``"leads"``), or ``None``."""
    keys = _table_keys()
    key = match_key(name)
    if key in keys:
        return keys[key]
    key = match_key(_LEADING_NUMBER.sub("", unicodedata.normalize("NFKC", str(name)).strip()))
    for suffix in _NAME_SUFFIXES:
        if key.endswith(suffix) and key[: len(key) - len(suffix) or None] in keys:
            return keys[key[: len(key) - len(suffix) or None]]
    return None


def _column_keys(spec: Table) -> dict[str, str]:
    keys = {}
    for col in spec.columns:
        for k in (col.name, col.zh, col.name.replace("_", " ")):
            keys.setdefault(match_key(k), col.name)
    return keys


def match_header(cells: list, spec: Table) -> dict[int, str]:
    """Positions of ``cells`` that name a column of ``spec``: ``{position: canonical column}`` (first wins)."""
    keys = _column_keys(spec)
    found: dict[int, str] = {}
    taken: set[str] = set()
    for i, cell in enumerate(cells):
        name = keys.get(match_key(cell))
        if name is not None and name not in taken:
            found[i] = name
            taken.add(name)
    return found


def _threshold(spec: Table) -> int:
    n = len(spec.columns)
    need = min(math.ceil(n / 2), max(len(spec.required), 1))
    return max(min(need, n), min(2, n))


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and math.isnan(cell))


def _is_notes_row(cells: list) -> bool:
    filled = [c for c in cells if not _blank(c)]
    return bool(filled) and all(isinstance(c, str) and c.strip().startswith(NOTES_MARKER) for c in filled)


@dataclass
class RawTable:
    """One table as found in a file: where it is, what each column is, and its rows (in chunks).

    ``labels`` maps canonical column → header as written; ``extras`` the unknown headers (kept as text);
    ``chunks()`` yields ``(frame, rows)``: raw cells under canonical names and the file row number of each.
    """

    table: str
    source: str
    header_row: int
    labels: dict[str, str]
    extras: list[str]
    _chunks: object = field(repr=False, default=None)
    problems: list[Problem] = field(default_factory=list)
    cell_issues: bool = False  # some cells are CellIssue objects (Excel error values, uncalculated formulas)
    deferred: _ParquetRows | None = field(repr=False, default=None)  # a Parquet file not decoded yet

    def chunks(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        yield from self._chunks()

    def prefetch(self, executor) -> None:
        """Start decoding a deferred Parquet table in ``executor`` (a background thread) if not started."""
        if self.deferred is not None:
            self.deferred.start(executor)

    def resolve(self) -> tuple[bool, list[Problem]]:
        """Decode a deferred Parquet table (waiting for its background decoding, if started): ``(readable, the
        problems of the read)`` — ``parquet_invalid``, or the header's problems — which a table read at once puts
        in :attr:`ReadResult.problems`. A table not deferred: ``(True, [])``."""
        if self.deferred is None:
            return True, []
        deferred, self.deferred = self.deferred, None
        got, problems = deferred.result()
        if got is None:
            return False, problems
        self.labels, self.extras, self._chunks = got
        return True, problems

    def release(self) -> None:
        """Forget the rows (a Parquet table is held until checked; afterwards only the typed table is needed)."""
        self._chunks = lambda: iter(())


@dataclass
class ReadResult:
    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # errors and warnings, file level
    seen: set[str] = field(default_factory=set)  # tables found, readable or not

    def add_table(self, raw: RawTable) -> None:
        if raw.table in self.tables:
            self.problems.append(
                problem("table_duplicate", raw.table, raw.source, other=f"{self.tables[raw.table].source} / {raw.source}")
            )
            return
        self.tables[raw.table] = raw


def _locate_header(head: list[list], spec: Table) -> tuple[int | None, dict[int, str]]:
    """Index (0-based) of the header among ``head`` rows, and its column positions."""
    need = _threshold(spec)
    best, best_i, best_map = 0, None, {}
    for i, cells in enumerate(head):
        found = match_header(cells, spec)
        if len(found) >= need:
            return i, found
        if len(found) > best:
            best, best_i, best_map = len(found), i, found
    return best_i, best_map


def _header_problems(spec, cells, found, source, header_row) -> tuple[dict[str, str], dict[int, str], list[Problem]]:
    """Labels of the matched columns, the unknown columns (position → unique name) and the header problems."""
    labels = {name: str(cells[i]).strip() for i, name in found.items()}
    extras: dict[int, str] = {}
    problems = []
    taken = set(labels) | set(spec.names)
    keys = _column_keys(spec)
    for i, cell in enumerate(cells):
        if i in found or _blank(cell):
            continue
        name = keys.get(match_key(cell))
        if name is not None:  # a second column meaning the same thing
            problems.append(problem("column_duplicate", spec.name, source, row=header_row, column=str(cell).strip(),
                                    column_zh=spec.column(name).zh, column_en=name, other=_MSG.get("two_labels", first=labels[name], second=str(cell).strip())))
        else:
            text = str(cell).strip()
            unique = text if text not in taken else f"{text}_{i + 1}"
            taken.add(unique)
            extras[i] = unique
            problems.append(problem("column_unknown", spec.name, source, row=header_row, column=str(cell).strip()))
    return labels, extras, problems


def _no_header(spec, source, n_rows) -> Problem:
    expected = _MSG.text("list_sep").join(c.zh for c in spec.columns if c.required) or spec.columns[0].zh
    return problem("header_not_found", spec.name, source, row=1, scan=min(HEADER_SCAN, max(n_rows, 1)), expected=expected)


def _frame_from_rows(rows: list[tuple], positions: dict[int, str], extras_pos: dict[int, str]) -> pd.DataFrame:
    cols = {}
    for i, name in {**positions, **extras_pos}.items():
        cols[name] = pd.Series([r[i] if i < len(r) else None for r in rows], dtype=object)
    return pd.DataFrame(cols)


# --------------------------------------------------------------------------------------------------- Excel

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _excel_file_problem(path: Path) -> Problem | None:
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    src = path.name
    if not head.strip(b"\x00 \r\n\t"):
        return problem("file_empty", "", src)
    if head.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in head:
            return problem("encrypted", "", src)
        if path.suffix.lower() == ".xls":
            return problem("xls_format", "", src)
        return problem("encrypted_or_xls", "", src)
    if not head.startswith(b"PK"):
        return problem("xls_format" if path.suffix.lower() == ".xls" else "not_workbook", "", src)
    return None


def _sheets_calamine(path: Path):
    """``[(title, rows)]`` read by python-calamine (fast); rows keep leading blank rows (Excel numbering)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    for title in wb.sheet_names:
        yield title, lambda title=title: wb.get_sheet_by_name(title).to_python(skip_empty_area=False)


def _sheets_openpyxl(path: Path):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)

    def rows(ws):
        try:
            ws.reset_dimensions()
        except AttributeError:
            pass
        return [tuple(r) for r in ws.iter_rows(values_only=True)]

    for ws in wb.worksheets:
        yield ws.title, lambda ws=ws: rows(ws)


def _mark_cells(all_rows: list, marked: dict) -> list:
    """Put a :class:`~dealerlab.data.coerce.CellIssue` where the reader left an error or uncalculated formula blank."""
    if not marked:
        return all_rows
    rows = [list(r) if not isinstance(r, list) else r for r in all_rows]
    for (r, c), (kind, text) in marked.items():
        if r - 1 < len(rows):
            row = rows[r - 1]
            if c - 1 >= len(row):
                row.extend([None] * (c - len(row)))
            if _blank(row[c - 1]) or kind == "error":
                row[c - 1] = CellIssue(kind, text)
    return rows


def _human_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)  # pragma: no cover


def read_workbook(path: Path, result: ReadResult) -> None:
    """Read an .xlsx/.xlsm workbook: one sheet per table (python-calamine when installed, else openpyxl).

    The file is first inflated and scanned (:func:`dealerlab.data.xlsxscan.scan_workbook`): a part that inflates
    beyond the limit, or a sheet whose farthest cell would make a grid far larger than its content, is refused
    before any reader builds it (docs/DATA.md "Bounded memory").
    """
    bad = _excel_file_problem(path)
    if bad is not None:
        result.problems.append(bad)
        return
    from dealerlab.data import xlsxscan

    try:
        scan = xlsxscan.scan_workbook(path)
    except xlsxscan.XlsxLimitError as err:
        result.problems.append(problem("xlsx_part_too_large", "", path.name, value=err.part, part=err.part,
                                       limit=_human_bytes(err.limit), size=_human_bytes(path.stat().st_size)))
        return
    except Exception:  # zipfile / zlib / XML errors: a broken file
        result.problems.append(problem("not_workbook", "", path.name))
        return
    try:
        import python_calamine  # noqa: F401

        reader = _sheets_calamine
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl is the fallback
        reader = _sheets_openpyxl
    try:
        sheets = list(reader(path))
    except Exception:  # zipfile / calamine / openpyxl raise many types for a broken file
        result.problems.append(problem("not_workbook", "", path.name))
        return
    if path.suffix.lower() == ".xlsm":
        result.problems.append(problem("macros_ignored", "", path.name))
    ignored = {match_key(s) for s in IGNORED_SHEETS}
    for title, get_rows in sheets:
        source = f"{path.name}:{title}"
        name = table_for_name(title)
        if name is None:
            if match_key(title) not in ignored:
                result.problems.append(problem("sheet_unknown", "", source, sheet=title))
            continue
        spec = TABLES[name]
        result.seen.add(name)
        info = scan.sheets.get(title)
        if info is None:  # a sheet the workbook lists without a part we could scan
            result.problems.append(problem("not_workbook", name, source))
            continue
        if info.too_large():
            cell = info.far_reference()
            m = re.match(r"([A-Z]+)(\d+)$", cell)
            result.problems.append(problem(
                "sheet_too_large", name, source, row=int(m.group(2)) if m else None, value=cell, cell=cell,
                rows=f"{info.max_row:,}", cols=f"{info.max_col:,}", cells=f"{info.cells:,}"))
            continue
        try:
            all_rows = get_rows()
        except Exception:  # a sheet part that cannot be parsed
            result.problems.append(problem("not_workbook", name, source))
            continue
        all_rows = _mark_cells(all_rows, info.marked)
        raw = _table_from_rows(spec, all_rows, source)
        raw.cell_issues = bool(info.marked)
        result.problems.extend(raw.problems)
        if raw.labels:
            result.add_table(raw)


def _table_from_rows(spec: Table, all_rows: list[tuple], source: str, first_row: int = 1) -> RawTable:
    """A RawTable from a list of rows (Excel): header located, notes row and blank rows skipped."""
    head = [list(r) for r in all_rows[:HEADER_SCAN]]
    if not any(any(not _blank(c) for c in r) for r in head):
        p = problem("file_empty", spec.name, source) if not all_rows or len(all_rows) <= HEADER_SCAN else _no_header(spec, source, len(head))
        return RawTable(spec.name, source, first_row, {}, [], lambda: iter(()), problems=[p])
    h, found = _locate_header(head, spec)
    if h is None or not found:
        return RawTable(spec.name, source, first_row, {}, [], lambda: iter(()), problems=[_no_header(spec, source, len(head))])
    header_row = first_row + h
    cells = head[h]
    labels, extras_pos, problems = _header_problems(spec, cells, found, source, header_row)
    extras = list(extras_pos.values())
    start = h + 1
    if start < len(all_rows) and _is_notes_row(list(all_rows[start])):
        start += 1
    body = all_rows[start:]
    keep = [i for i, r in enumerate(body) if any(not _blank(c) for c in r)]
    rows = np.asarray([first_row + start + i for i in keep], dtype=np.int64)
    data = [body[i] for i in keep]

    def chunks():
        for lo in range(0, max(len(data), 1), CHUNK_ROWS):
            part = data[lo: lo + CHUNK_ROWS]
            yield _frame_from_rows(part, found, extras_pos), rows[lo: lo + CHUNK_ROWS]

    return RawTable(spec.name, source, header_row, labels, extras, chunks, problems=problems)


# --------------------------------------------------------------------------------------------------- CSV


def detect_encoding(path: Path) -> tuple[str | None, Problem | None]:
    """The encoding of a text file: ``utf-8-sig``, ``utf-16`` (BOM), ``utf-8`` or ``gb18030``.

    Streams the file (bounded memory). A file whose lines are partly UTF-8 and partly GBK gives an
    ``encoding_mixed`` problem naming the first line that is not UTF-8.
    """
    with open(path, "rb") as fh:
        start = fh.read(4)
    if start.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", None
    else:
        enc = _utf16_without_bom(path) or "utf-8"
        if enc != "utf-8":
            return (enc, None) if _decodes(path, enc) else (None, problem("encoding_unknown", "", path.name, row=1))
    if _decodes(path, enc):
        return enc, None
    # not UTF-8: line by line, is any non-ASCII line UTF-8? then the file is mixed
    first_bad, utf8_lines = None, 0
    with open(path, "rb") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8_lines += 1
            except UnicodeDecodeError:
                if first_bad is None:
                    first_bad = lineno
            if first_bad is not None and utf8_lines:
                break
    if utf8_lines and first_bad is not None:
        return None, problem("encoding_mixed", "", path.name, row=first_bad)
    if _decodes(path, "gb18030"):
        return "gb18030", None
    return None, problem("encoding_unknown", "", path.name, row=first_bad)


def _utf16_without_bom(path: Path) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` when the start of the file looks like UTF-16 text without a BOM.

    Text in UTF-16 has a zero byte in (nearly) every other position for ASCII characters (digits, commas, line
    ends): more than a third of the odd (LE) or even (BE) bytes zero, and almost none of the others.
    """
    with open(path, "rb") as fh:
        head = fh.read(4096)
    head = head[: len(head) // 2 * 2]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd > 0.33 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.33 and z_odd < 0.05:
        return "utf-16-be"
    return None


def _decodes(path: Path, encoding: str) -> bool:
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                dec.decode(block)
            dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


#: a line of the header zone longer than this is not read whole (its cell is reported as too long)
_HEAD_LINE_MAX = 4 * 32767


def _head_lines(path: Path, encoding: str, n: int) -> tuple[list[str], int | None]:
    """The first ``n`` lines (each read up to :data:`_HEAD_LINE_MAX` characters) and the number of the first
    line that is longer (``None`` when none is)."""
    lines, too_long = [], None
    with open(path, encoding=encoding, newline="") as fh:
        while len(lines) < n:
            line = fh.readline(_HEAD_LINE_MAX + 1)
            if not line:
                break
            if len(line) > _HEAD_LINE_MAX and not line.endswith(("\n", "\r")):
                too_long = len(lines) + 1
                break
            lines.append(line)
    return lines, too_long


def read_csv_table(path: Path, spec: Table, result: ReadResult, *, progress: bool = False) -> None:
    """Read one CSV file as table ``spec`` (encoding and delimiter detected; chunked)."""
    source = path.name
    if path.stat().st_size == 0:
        result.problems.append(problem("file_empty", spec.name, source))
        return
    encoding, bad = detect_encoding(path)
    if bad is not None:
        result.problems.append(Problem(**{**bad.__dict__, "table": spec.name}))
        return
    lines, too_long = _head_lines(path, encoding, HEADER_SCAN + 2)
    if too_long is not None and too_long <= 1:
        result.problems.append(problem("cell_too_long", spec.name, source, row=too_long, n=f"> {_HEAD_LINE_MAX:,}"))
        return
    text = "".join(lines)
    if not text.strip(" \r\n\t,;\ufeff"):
        result.problems.append(problem("file_empty", spec.name, source))
        return
    delim = "\t" if text.count("\t") > text.count(",") else ","
    head = []
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    try:
        for row in reader:
            head.append(row)
    except csv.Error as err:  # e.g. a lone carriage return inside a cell, or a cell beyond the field limit
        line = reader.line_num or len(head) + 1
        if "field limit" in str(err):
            result.problems.append(problem("cell_too_long", spec.name, source, row=line, n=f"> {csv.field_size_limit():,}"))
        else:
            result.problems.append(problem("csv_malformed", spec.name, source, row=line, detail_zh=str(err), detail_en=str(err)))
        return
    # csv.reader drops nothing: one list per physical line here (no multi-line cells expected in the header zone)
    h, found = _locate_header(head[:HEADER_SCAN], spec)
    if h is None or not found:
        result.problems.append(_no_header(spec, source, len(head)))
        return
    cells = head[h]
    header_row = h + 1
    labels, extras_pos, problems = _header_problems(spec, cells, found, source, header_row)
    extras = list(extras_pos.values())
    result.problems.extend(problems)
    skip = h + 1
    if skip < len(head) and _is_notes_row(head[skip]):
        skip += 1
    ncols = max(len(r) for r in head)  # data rows may be wider than the header
    names = [f"c{i}" for i in range(ncols)]
    keep = {f"c{i}": name for i, name in found.items()}
    keep.update({f"c{i}": name for i, name in extras_pos.items()})
    # cells to the right of the header: a blank one (a trailing comma) is harmless, a filled one means the row's
    # values have shifted (an unquoted comma inside a value) or belong to no column — refused, never dropped
    beyond = {f"c{i}": i for i in range(len(cells), ncols)}

    def chunks():
        done = 0
        try:
            reader = pd.read_csv(
                path, encoding=encoding, sep=delim, header=None, names=names, skiprows=skip, dtype=str,
                keep_default_na=False, na_filter=False, skip_blank_lines=False, chunksize=CHUNK_ROWS,
                engine="c", on_bad_lines="error", usecols=[*keep, *beyond],
            )
            for chunk in reader:
                rows = np.arange(skip + 1 + done, skip + 1 + done + len(chunk), dtype=np.int64)
                done += len(chunk)
                if beyond:
                    filled = chunk[list(beyond)].apply(lambda col: col.str.strip() != "")
                    if filled.to_numpy().any():
                        at = int(np.flatnonzero(filled.to_numpy().any(axis=1))[0])
                        col = beyond[next(c for c in beyond if filled[c].iloc[at])]
                        raise _CsvError.beyond_header(int(rows[at]), col + 1, len(cells), str(chunk[f"c{col}"].iloc[at]))
                    chunk = chunk.drop(columns=list(beyond))
                frame = chunk.rename(columns=keep)
                blank = np.ones(len(frame), dtype=bool)
                for c in frame.columns:
                    blank &= (frame[c].str.strip() == "").to_numpy()
                if blank.any():
                    frame, rows = frame[~blank], rows[~blank]
                if progress:
                    print(_MSG.get("rows_read", source=source, done=done), file=sys.stderr, flush=True)
                yield frame.reset_index(drop=True), rows
        except pd.errors.EmptyDataError:
            return
        except (pd.errors.ParserError, ValueError) as err:
            raise _CsvError(str(err), skip) from None

    result.add_table(RawTable(spec.name, source, header_row, labels, extras, chunks))


class _CsvError(Exception):
    """A CSV row pandas cannot split (raised while iterating; the loader turns it into a Problem).

    pandas says "... in line N" (N = the file line) or "... starting at row R" (R = record index counted from the
    top of the file, 0-based → file line R + 1).
    """

    def __init__(self, detail: str, skip: int) -> None:
        super().__init__(detail)
        self.detail = re.sub(r"^Error tokenizing data\. C error: ", "", detail).strip()
        self.row = None
        if m := re.search(r"\bline (\d+)", self.detail):
            self.row = int(m.group(1))
        elif m := re.search(r"\brow (\d+)", self.detail):
            self.row = int(m.group(1)) + 1
            self.detail = self.detail.replace(m.group(0), f"line {self.row}")
        if "EOF inside string" in self.detail:
            self.detail_zh = _MSG.get("csv_open_quote")
        elif m := re.search(r"Expected (\d+) fields.*saw (\d+)", self.detail):
            self.detail_zh = _MSG.get("csv_fields", saw=m.group(2), expected=m.group(1))
        else:
            self.detail_zh = self.detail

    @classmethod
    def beyond_header(cls, row: int, column: int, width: int, value: str) -> _CsvError:
        """A filled cell to the right of the header's last column (file line ``row``, 1-based ``column``)."""
        shown = value if len(value) <= 20 else value[:20] + "…"
        err = cls(f"line {row}: a value in column {column} (\"{shown}\"), right of the header's {width} columns — "
                  "a comma inside an unquoted value shifts the row; quote the value or remove the cell", 0)
        err.detail_zh = _MSG.get("csv_beyond_header", column=column, shown=shown, width=width)
        return err


# --------------------------------------------------------------------------------------------------- Parquet


def read_parquet_table(path: Path, spec: Table, result: ReadResult, *, defer: bool = False) -> None:
    """Read one Parquet file as table ``spec`` (row numbers as if the header were row 1).

    The footer is read first: a damaged or truncated file gives ``parquet_invalid``, a nested column (list,
    struct, map) ``parquet_nested``; timestamps keep their own unit (9999-12-31 is not wrapped around).
    ``defer``: the rows are decoded later (:meth:`RawTable.resolve`; the loader decodes the next table in a
    background thread while it checks one).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = path.name
    if path.stat().st_size == 0:
        result.problems.append(problem("file_empty", spec.name, source))
        return
    try:
        pf = pq.ParquetFile(path)
        schema = pf.schema_arrow
    except Exception as err:  # pyarrow raises several types for a corrupt file
        result.problems.append(problem("parquet_invalid", spec.name, source,
                                       detail=_short(err)))
        return
    nested = [f for f in schema if pa.types.is_nested(f.type) or pa.types.is_dictionary(f.type) and pa.types.is_nested(f.type.value_type)]
    if nested:
        for f in nested:
            result.problems.append(problem("parquet_nested", spec.name, source, row=1, column=f.name, type=str(f.type)))
        return
    rows = _ParquetRows(pf, spec, source)
    if defer:
        result.add_table(RawTable(spec.name, source, 1, {}, [], None, deferred=rows))
        return
    got, problems = rows.decode()
    result.problems.extend(problems)
    if got is not None:
        labels, extras, chunks = got
        result.add_table(RawTable(spec.name, source, 1, labels, extras, chunks))


class _ParquetRows:
    """The rows of one Parquet file, decoded now or later (in a background thread, while the loader checks the
    table before it: Arrow decodes without Python's lock)."""

    def __init__(self, pf, spec: Table, source: str) -> None:
        self.pf, self.spec, self.source = pf, spec, source
        self.future = None

    def start(self, executor) -> None:
        if self.future is None:
            self.future = executor.submit(self.decode)

    def result(self):
        return self.future.result() if self.future is not None else self.decode()

    def decode(self):
        """``((labels, extras, chunks) or None, problems)``."""
        spec, source = self.spec, self.source
        try:
            table = self.pf.read()
            frame = table.to_pandas(timestamp_as_object=False, coerce_temporal_nanoseconds=False)
        except Exception as err:
            return None, [problem("parquet_invalid", spec.name, source, detail=_short(err))]
        del table
        cells = list(frame.columns)
        found = match_header(cells, spec)
        labels, extras_pos, problems = _header_problems(spec, cells, found, source, 1)
        extras = list(extras_pos.values())
        frame = frame.iloc[:, sorted([*found, *extras_pos])]
        frame.columns = [found.get(i) or extras_pos[i] for i in sorted([*found, *extras_pos])]
        rows = np.arange(2, len(frame) + 2, dtype=np.int64)

        def chunks():
            yield frame.reset_index(drop=True), rows

        return (labels, extras, chunks), problems


def _short(err: Exception) -> str:
    text = " ".join(str(err).split())
    return (text[:160] + "…") if len(text) > 160 else (text or type(err).__name__)


# --------------------------------------------------------------------------------------------------- entry


def _regular_inside(f: Path, folder: Path | None) -> tuple[bool, str, str]:
    """Is ``f`` a regular file (inside ``folder`` when ``f`` is a link)? ``(ok, why not in zh, in en)``.

    A FIFO would block the reader, a device (``/dev/zero``) never ends, a link may lead anywhere: such entries
    are refused by name (docs/DATA.md "Bounded memory"); a sub-folder is ``(False, "dir", "dir")``.
    """
    try:
        st = os.stat(f)
    except OSError:
        return False, *_MSG.both("entry.unreadable")
    if stat.S_ISDIR(st.st_mode):
        return False, "dir", "dir"
    if stat.S_ISFIFO(st.st_mode):
        return False, *_MSG.both("entry.fifo")
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return False, *_MSG.both("entry.device")
    if stat.S_ISSOCK(st.st_mode):
        return False, *_MSG.both("entry.socket")
    if not stat.S_ISREG(st.st_mode):
        return False, *_MSG.both("entry.special")
    if folder is not None and f.is_symlink():
        try:
            f.resolve(strict=True).relative_to(folder.resolve(strict=True))
        except (ValueError, OSError):
            return False, *_MSG.both("entry.outside_link")
    return True, "", ""


def read_path(path: str | Path, *, progress: bool = False, defer: bool = False) -> ReadResult:
    """Find the tables of a workbook or folder. File-level problems are in ``ReadResult.problems``.

    ``defer``: the rows of a folder's Parquet files are decoded when the caller asks (:meth:`RawTable.resolve`,
    :meth:`RawTable.prefetch`), each file's problems then returned by ``resolve``; a table named by two files is
    read at once (which of them is the table depends on whether the first is readable).
    """
    path = Path(path)
    result = ReadResult()
    if not path.exists():
        result.problems.append(problem("file_missing", "", path.name or str(path), path=str(path)))
        return result
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if not p.name.startswith((".", "~$")))
        named = [table_for_name(f.stem) for f in files if f.suffix.lower() in (".csv", ".tsv", ".txt", ".parquet")]
        for f in files:
            suffix = f.suffix.lower()
            name = table_for_name(f.stem)
            if suffix not in (".csv", ".tsv", ".txt", ".parquet") or name is None:
                if suffix in (".csv", ".tsv", ".txt", ".parquet", ".xlsx") and _regular_inside(f, path)[0]:
                    result.problems.append(problem("file_unknown", "", f.name, name=f.name))
                continue
            ok, kind, kind_en = _regular_inside(f, path)
            if not ok:
                if kind == "dir" and suffix != ".parquet":  # a folder named leads.csv: never skip a table silently
                    kind, kind_en = _MSG.both("entry.folder")
                if kind != "dir":
                    result.seen.add(name)
                    result.problems.append(problem("file_special", name, f.name, name=f.name, kind=kind, kind_en=kind_en))
                continue
            result.seen.add(name)
            if suffix == ".parquet":
                read_parquet_table(f, TABLES[name], result, defer=defer and named.count(name) == 1)
            else:
                read_csv_table(f, TABLES[name], result, progress=progress)
        return result
    ok, kind, kind_en = _regular_inside(path, None)
    if not ok:
        result.problems.append(problem("file_special", "", path.name, name=path.name, kind=kind, kind_en=kind_en))
        return result
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        read_workbook(path, result)
    elif suffix in (".csv", ".tsv", ".txt"):
        result.problems.append(problem("single_csv", "", path.name))
    else:
        result.problems.append(problem("unsupported_file", "", path.name, suffix=path.suffix or path.name))
    return result
