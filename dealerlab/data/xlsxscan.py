"""Look inside an .xlsx file before a reader builds it in memory (docs/DATA.md "Bounded memory").

python-calamine builds each sheet as a dense grid from A1 to the farthest cell that holds anything; one stray
cell at XFD1048576 asks for 17 billion cells and aborts the process. A zip part can also inflate far beyond the
file's size (a few MB of shared strings becoming one 1.5 GB string). :func:`scan_workbook` therefore inflates
every part itself, streaming and capped, and reads each worksheet's XML with a few byte-level regular
expressions (no XML tree, bounded memory):

* each part's inflated size, against :func:`part_limit` (50 × the file's size, at most 2 GB; at least 1 MB);
* each sheet's extent (its last row, its farthest column) against the number of cells it really has;
* the cells a reader turns into blanks: error values (``#DIV/0!``, ``#N/A`` …) and formulas without a cached
  value (the file was written by a program that does not calculate), so the loader can say what the cell holds.

The inflation does not trust the sizes the zip directory declares: the compressed bytes are inflated with an
output cap.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

__all__ = [
    "SheetScan",
    "WorkbookScan",
    "XlsxLimitError",
    "scan_workbook",
    "part_limit",
    "col_number",
    "col_letters",
    "MAX_RATIO",
    "MAX_PART",
    "MAX_GRID",
    "MAX_MARKED",
]

#: a part may inflate to at most this many times the file's size ...
MAX_RATIO = 50
#: ... and never beyond this many bytes
MAX_PART = 2 * 1024**3
#: below this many cells the grid of a sheet is always fine; above it the grid must be near its content
MAX_GRID = 2_000_000
#: a sheet's grid may hold at most this many times the cells it really has
GRID_PER_CELL = 8
#: error / formula cells recorded per sheet (the loader reports them; beyond this they are counted)
MAX_MARKED = 100_000

_BLOCK = 1 << 20
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL_DOC = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# inside sheetData only <row r="12"> and <c r="B12"> carry an attribute named r: a row's starts with a digit
# (attributes separated by other white space are first rewritten to one space: a literal prefix is fast)
_ROW_R = re.compile(rb' r="(\d+)"')
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,})(\d+)"')
_OTHER_SPACE_R = re.compile(rb'[\t\r\n]+r="')
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb'<(?:\w+:)?v\s*>(.*?)</(?:\w+:)?v>', re.S)
_FORMULA_TEXT = re.compile(rb'^[^>]*>(.*?)</(?:\w+:)?f>', re.S)


class XlsxLimitError(Exception):
    """A part of the workbook inflates beyond :func:`part_limit` (``part``, ``size`` so far, ``limit``)."""

    def __init__(self, part: str, size: int, limit: int) -> None:
        super().__init__(f"{part} inflates beyond {limit} bytes")
        self.part, self.size, self.limit = part, size, limit


@dataclass
class SheetScan:
    """What a worksheet part holds, found without building it.

    ``max_row``/``max_col`` (1-based) the farthest row and column a cell or row element names; ``cells`` the
    number of cell elements; ``far_cell`` the reference of the cell that sets the larger extent;
    ``marked`` maps ``(row, col)`` (1-based) to ``("error", "#DIV/0!")`` or ``("formula", "SUM(A1:A3)")``.
    """

    title: str
    part: str
    max_row: int = 0
    max_col: int = 0
    cells: int = 0
    far_cell: str = ""
    far_row_cell: str = ""
    marked: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    n_marked: int = 0

    @property
    def grid(self) -> int:
        """Cells of the dense grid a reader would build (A1 to the farthest row and column)."""
        return self.max_row * self.max_col

    def too_large(self) -> bool:
        """Would the dense grid be far larger than the cells the sheet holds?"""
        return self.grid > max(MAX_GRID, GRID_PER_CELL * self.cells)

    def far_reference(self) -> str:
        """The cell to name when the grid is too large: the one far to the right, else the one far down."""
        if self.far_cell and self.max_col > 256:
            return self.far_cell
        return self.far_row_cell or self.far_cell or f"A{self.max_row}"


@dataclass
class WorkbookScan:
    """``sheets`` in workbook order (title → scan)."""

    sheets: dict[str, SheetScan] = field(default_factory=dict)


def col_number(letters: str) -> int:
    """``"A"`` → 1, ``"XFD"`` → 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def col_letters(n: int) -> str:
    """``1`` → ``"A"``, ``16384`` → ``"XFD"``."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def part_limit(file_size: int) -> int:
    """The most bytes one part of a workbook of ``file_size`` bytes may inflate to."""
    return min(MAX_PART, max(MAX_RATIO * file_size, 1 << 20))


def _inflate(fh, info, limit: int) -> Iterator[bytes]:
    """The inflated bytes of zip member ``info``, in blocks; :class:`XlsxLimitError` beyond ``limit`` bytes."""
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise ValueError(f"bad local header for {info.filename}")
    n, m = struct.unpack("<HH", head[26:30])
    fh.seek(info.header_offset + 30 + n + m)
    left = info.compress_size
    total = 0
    if info.compress_type == 0:  # stored
        if info.compress_size > limit:
            raise XlsxLimitError(info.filename, info.compress_size, limit)
        while left > 0:
            block = fh.read(min(_BLOCK, left))
            if not block:
                break
            left -= len(block)
            yield block
        return
    if info.compress_type != 8:
        raise ValueError(f"compression method {info.compress_type} of {info.filename}")
    dec = zlib.decompressobj(-15)
    while left > 0 and not dec.eof:
        data = fh.read(min(_BLOCK // 4, left))
        if not data:
            break
        left -= len(data)
        while data and not dec.eof:
            out = dec.decompress(data, _BLOCK)
            data = dec.unconsumed_tail
            total += len(out)
            if total > limit:
                raise XlsxLimitError(info.filename, total, limit)
            if out:
                yield out
    out = dec.flush()
    total += len(out)
    if total > limit:
        raise XlsxLimitError(info.filename, total, limit)
    if out:
        yield out


def _read_small(fh, info, limit: int) -> bytes:
    return b"".join(_inflate(fh, info, min(limit, 16 << 20)))


def _sheet_parts(fh, infos: dict, limit: int) -> list[tuple[str, str]]:
    """``[(sheet title, part name)]`` from xl/workbook.xml and its relationships (workbook order)."""
    if "xl/workbook.xml" not in infos:
        return []
    book = ElementTree.fromstring(_read_small(fh, infos["xl/workbook.xml"], limit))
    targets = {}
    rels = infos.get("xl/_rels/workbook.xml.rels")
    if rels is not None:
        for rel in ElementTree.fromstring(_read_small(fh, rels, limit)).iter(f"{_NS_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = re.sub(r"[^/]+/\.\./", "", target)
    out = []
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_NS_REL_DOC}id") or "")
        if part:
            out.append((sheet.get("name", ""), part))
    return out


def _ref(match_bytes: bytes) -> tuple[int, int, str] | None:
    m = _REF.search(match_bytes)
    if not m:
        return None
    letters = m.group(1).decode()
    return int(m.group(2)), col_number(letters), letters + m.group(2).decode()


def _scan_block(scan: SheetScan, data: bytes) -> None:
    if data.count(b'r="') != data.count(b' r="'):  # an attribute r after a tab / new line: make it one space
        data = _OTHER_SPACE_R.sub(b' r="', data)
    scan.cells += data.count(b"<c ") + data.count(b":c ")
    rows = _ROW_R.findall(data)
    if rows:
        r = max(map(int, rows))
        if r > scan.max_row:
            scan.max_row = r
            top = str(r).encode()
            at = data.find(b' r="' + top + b'"')
            m = _REF.search(data, at, at + 400) if at >= 0 else None
            scan.far_row_cell = (m.group(1).decode() + top.decode()) if m and m.group(2) == top else f"A{r}"
    wide = _WIDE_CELL.findall(data)
    if wide:
        letters, r = max(wide, key=lambda t: (len(t[0]), t[0]))
        c = col_number(letters.decode())
        if c > scan.max_col:
            scan.max_col = c
            scan.far_cell = letters.decode() + r.decode()
        if int(r) > scan.max_row:
            scan.max_row = int(r)
    elif scan.max_col < 26:
        # one-letter columns only in this block: is any beyond the farthest seen so far?
        beyond = re.findall(rb' r="([' + bytes([65 + scan.max_col]) + rb'-Z])\d', data)
        if beyond:
            scan.max_col = max(beyond)[0] - 64
    if b't="e"' in data:
        for start, end in _cells_around(data, re.finditer(rb'\st="e"', data)):
            cell = data[start:end]
            _mark(scan, cell, "error", _VALUE.search(cell))
    if b"f>" in data or b"f/>" in data or b"<f " in data:
        for start, end in _cells_around(data, re.finditer(rb"<(?:\w+:)?f[\s>/]", data)):
            cell = data[start:end]
            head, _, body = cell.partition(b">")
            if head.endswith(b"/") or b't="e"' in head:
                continue
            v = _VALUE.search(body)
            has_value = (v is not None and v.group(1).strip() != b"") or (b't="str"' in head and (v is not None or b"<v/>" in body))
            if has_value:
                continue
            _mark(scan, cell, "formula", _FORMULA_TEXT.search(body.split(b"<", 1)[1] if b"<" in body else body))


def _cells_around(data: bytes, hits) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the cell element around each hit (linear: bounded look-back, stop at the last ``</c>``)."""
    last_end = -1
    for m in hits:
        pos = m.start()
        if pos < last_end:
            continue
        start = max(data.rfind(b"<c ", max(0, pos - 4000), pos), data.rfind(b":c ", max(0, pos - 4000), pos) - 2)
        if start < 0:
            continue
        end = data.find(b"c>", pos, pos + 60000)
        if end < 0:
            if data.find(b"c>", pos) < 0:
                return  # no cell closes after here
            continue
        last_end = end + 2
        yield start, end + 2


_ANY_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]{1,3})(\d+)"[^>]*?(/?)>')


def _content_extent(scan: SheetScan, blocks: Iterator[bytes]) -> None:
    """Set the extent of ``scan`` from the cells that hold something.

    A reader ignores empty styled cells (``<c r="XFD1" s="3"/>``) and rows that only carry a height; the quick scan
    counted them. Only sheets the quick scan found too large are measured this way (every cell is visited).
    """
    max_row = max_col = 0
    far_col = far_row = ""
    carry = b""
    for block in blocks:
        data = carry + block
        cut = data.rfind(b">") + 1
        data, carry = data[:cut], data[cut:]
        for letters, row, empty in _ANY_CELL.findall(data):
            if empty:
                continue
            r, c = int(row), col_number(letters.decode())
            if c > max_col:
                max_col, far_col = c, (letters + row).decode()
            if r > max_row:
                max_row, far_row = r, (letters + row).decode()
    scan.max_row, scan.max_col = max_row, max_col
    scan.far_cell, scan.far_row_cell = far_col, far_row


def _mark(scan: SheetScan, cell: bytes, kind: str, text_match) -> None:
    scan.n_marked += 1
    if len(scan.marked) >= MAX_MARKED:
        return
    ref = _ref(cell[:200])
    if ref is None:
        return
    text = text_match.group(1).decode("utf-8", "replace")[:200] if text_match else ""
    scan.marked[(ref[0], ref[1])] = (kind, _unescape(text))


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def scan_workbook(path: str | Path) -> WorkbookScan:
    """Inflate every part of the .xlsx at ``path`` (capped) and scan its worksheets.

    Raises
    ------
    XlsxLimitError
        A part inflates beyond :func:`part_limit` of the file's size.
    zipfile.BadZipFile, ValueError, ElementTree.ParseError, zlib.error
        The file is not a readable workbook.
    """
    path = Path(path)
    limit = part_limit(path.stat().st_size)
    result = WorkbookScan()
    with open(path, "rb") as fh, zipfile.ZipFile(fh) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        sheets = {part: title for title, part in _sheet_parts(fh, infos, limit)}
        for name, info in infos.items():
            if name.endswith("/"):
                continue
            if name not in sheets:
                for _ in _inflate(fh, info, limit):  # count only
                    pass
                continue
            scan = SheetScan(sheets[name], name)
            carry = b""
            for block in _inflate(fh, info, limit):
                data = carry + block
                cut = data.rfind(b"row>") + 4
                if cut < 4 and len(data) < (64 << 20):
                    carry = data
                    continue
                if cut < 4:
                    cut = len(data)
                _scan_block(scan, data[:cut])
                carry = data[cut:]
            if carry:
                _scan_block(scan, carry)
            if scan.too_large():  # rare: measure again by the cells that hold something (what a reader keeps)
                _content_extent(scan, _inflate(fh, info, limit))
            result.sheets[scan.title] = scan
    return result
