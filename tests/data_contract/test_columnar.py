"""The columnar fast path (dealerlab.data.columnar) gives exactly what the scalar parsers give, cell by cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dealerlab.data import columnar
from dealerlab.data.coerce import coerce_column
from dealerlab.data.load import collect
from dealerlab.data.schema import Column

# cells a client file may hold: plain ones, and every kind of cell the fast path must leave to the scalar parsers
IDS = ["S01-L000123", "001", "S01", " S01", "S01 ", "1001.0", "1001.00", "10.10", "1.5", "Ｓ０１", "S\u200b01", "\u202eS01",
       "S0\x07", "a\tb", "", "  ", "客户001", "L 004", "#N/A", "-0.0", "+12.0", "v1.0", "ÉTÉ", "S01\r"]
TEXT = ["朱宇萍", "轩逸", " 轩逸", "轩逸\u3000", "A\u200bB", "x\x00y", "tab\there", "line\nbreak", "", " ", "\ufeffBOM",
        "Ｆｕｌｌ", "plain text", "\u00a0nbsp", "end\u2029", "ok\u00ad", "\u0085x", "😀", "a\u2066b"]
DATES = ["2026-10-05", "2026/10/05", "2026.10.05", "2026-02-30", "2026-02-29", "2024-02-29", "2026-13-01", "2026-00-10",
         "2026-10-00", "1949-12-31", "1950-01-01", "2199-12-31", "2200-01-01", "9999-12-31", "0001-01-01",
         "2026-1-5", "20261005", "2026年10月5日", "46300", " 2026-10-05", "2026-10-05 10:00", "2026-10-05T00:00:00",
         "", "x", "２０２６-１０-０５", "2026-04-31", "1900-02-29", "2000-02-29"]
# every plain cell an ISO date that exists (Arrow's own parser takes them); some outside the accepted window
ISO_DATES = ["2026-10-05", "2024-02-29", "1949-12-31", "1950-01-01", "2199-12-31", "2200-01-01", "9999-12-31",
             "0001-01-01", "", " 2026-10-05", "2026年10月5日", "x"]
NUMBERS = ["129800", "-5", "0", "-0", "00012", "1.5", "0.000001", "1.234,56", "99300,00", "1,234.5", "¥12,345", "12345元",
           "85%", "inf", "nan", "1e13", "999999999999", "1000000000000", "9999999999999", "-999999999999.99", " 12",
           "１２３", "", "(1,200)", "1.", ".5", "1.0000000000000000000000000001", "12.0"]


def _scalar_and_fast(cells: list[str], kind: str, dtype: str, **kw):
    col = Column("c", "列", kind)
    raw = pd.Series(cells * 3, dtype=dtype)  # repeated: the scalar path works per distinct value
    try:
        columnar.ENABLED = False
        ref = coerce_column(raw, col, **kw)
    finally:
        columnar.ENABLED = True
    assert columnar.arrow_strings(raw) is not None and kind in columnar.FAST_KINDS  # the fast path applies
    got = coerce_column(raw, col, **kw)
    return ref, got


@pytest.mark.parametrize("dtype", ["str", "string"])
@pytest.mark.parametrize(("kind", "cells"), [("id", IDS), ("text", TEXT), ("date", DATES), ("date", ISO_DATES), ("number", NUMBERS),
                                             ("int", NUMBERS + ["3", "3.0", "-7"])])
def test_fast_path_equals_scalar_path(kind, cells, dtype):
    (v0, b0, r0), (v1, b1, r1) = _scalar_and_fast(cells, kind, dtype)
    assert b1.tolist() == b0.tolist()
    assert r1.tolist() == r0.tolist()
    assert str(v1.dtype) == str(v0.dtype)
    left = v0.astype(object).where(v0.notna(), None).tolist()
    right = v1.astype(object).where(v1.notna(), None).tolist()
    assert right == left


def test_fast_path_with_percent_column():
    (v0, b0, r0), (v1, b1, r1) = _scalar_and_fast(NUMBERS, "number", "str", percent=True)
    assert r1.tolist() == r0.tolist() and np.allclose(v1.to_numpy(), v0.to_numpy(), equal_nan=True)


def _messages(path):
    frames, log = collect(path, today=pd.Timestamp("2026-11-01"))
    return [(p.rule, p.source, p.row, p.column, str(p.value), p.message_zh, p.message_en) for p in log.errors + log.warnings]


def test_large_csv_folder_same_messages_both_paths(tmp_path):
    """A CSV folder with a few thousand rows and bad cells scattered: the same problems in the same order."""
    n = 3000
    rng = np.random.default_rng(7)
    (tmp_path / "stores.csv").write_text("门店编码,门店名称\nS01,一店\nS02,二店\n", encoding="utf-8")
    staff = ["员工编号,门店编码,姓名,部门,岗位,入职日期"] + [f"E{i:03d},S01,顾问{i},销售部,销售顾问,2024-01-0{1 + i % 9}" for i in range(20)]
    (tmp_path / "staff.csv").write_text("\n".join(staff) + "\n", encoding="utf-8")
    ids = [f"L{i:05d}" for i in range(n)]
    dates = [f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)]
    staff_ids = [f"E{i % 20:03d}" for i in range(n)]
    names = [f"客户{i}" for i in range(n)]
    for pos, (col, bad) in zip(rng.choice(n, 12, replace=False),
                               [("id", " L00001"), ("id", "L00002"), ("id", "L\u200b9"), ("date", "2026-02-30"),
                                ("date", "1900-01-01"), ("date", "2026年10月5日"), ("staff", "E999"), ("staff", "1001.0"),
                                ("name", " 张三 "), ("name", "A\u200bB"), ("date", ""), ("id", "")]):
        {"id": ids, "date": dates, "staff": staff_ids, "name": names}[col][pos] = bad
    lines = ["客户编号,门店编码,销售顾问编号,建档日期,首次接触方式,状态,客户姓名"]
    lines += [f"{i},S0{1 + k % 2},{s},{d},到店,跟进中,{nm}" for k, (i, s, d, nm) in enumerate(zip(ids, staff_ids, dates, names))]
    (tmp_path / "leads.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        columnar.ENABLED = False
        ref = _messages(tmp_path)
    finally:
        columnar.ENABLED = True
    got = _messages(tmp_path)
    assert got == ref
    assert {r[0] for r in got} >= {"duplicate_key", "date_impossible", "date_out_of_range", "reference_missing",
                                   "id_invisible", "required_value"}


@pytest.mark.parametrize(("ids", "expected"), [
    (["A1", "A2", "B1"], False),  # ascending: no hashing needed
    (["A1", "A2", "A2"], True),  # ascending but not strictly
    (["B1", "A1", "B1"], True),  # unsorted with a duplicate
    (["B1", "A1", "C1"], False),  # unsorted, distinct
    (["A1", None, "A1"], True),  # missing values do not count, repeated ids do
    (["A1", None, None], False),
])
def test_has_duplicates(ids, expected):
    assert columnar.has_duplicates(pd.Series(ids, dtype="string")) is expected
    assert columnar.has_duplicates(pd.Series(ids, dtype=object)) is expected


def test_is_in_many_is_is_in_of_each():
    known = pd.Series(["L1", "L2", None, "L3"], dtype="string[pyarrow]")
    values = [pd.Series(v, dtype=d) for v, d in (
        (["L1", None, "L9", "L3"], "string[pyarrow]"),
        ([], "string[pyarrow]"),
        (["L2", "L2", "l2", " L2"], "str"),
    )]
    got = columnar.is_in_many(values, known)
    # a blank matches the blank of known (Arrow: nulls match); check_references looks at filled cells only
    assert [g.tolist() for g in got] == [[True, True, False, True], [], [True, True, False, False]]
    assert [g.tolist() for g in got] == [columnar.is_in(v, known).tolist() for v in values]
    assert columnar.is_in_many([pd.Series(["L1"], dtype=object)], known) is None


def test_system_allocator_is_given_back():
    import pyarrow as pa

    before = pa.default_memory_pool().backend_name
    with columnar.system_allocator():
        with columnar.system_allocator():  # nested: still the system's until the outer block ends
            table = pa.table({"id": pa.array(["a", "b"] * 1000)})
        assert pa.default_memory_pool().backend_name == "system"
    assert pa.default_memory_pool().backend_name == before
    assert table.column("id").to_pylist()[:3] == ["a", "b", "a"]  # made inside, used after


def test_every_printable_character_is_plain_text():
    """What the text test takes as plain (``utf8_is_printable``, no ASCII space at either end) ``parse_text``
    keeps as it is: checked for every code point, alone, inside, first and last."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from dealerlab.data.coerce import parse_text

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    printable = pc.utf8_is_printable(pa.array(chars, type=pa.large_string())).to_numpy(zero_copy_only=False)
    kept = [ch for ch, p in zip(chars, printable) if p and ch != " "]
    assert len(kept) > 100_000
    wrong = [hex(ord(ch)) for ch in kept if any(parse_text(s) != s for s in (ch, f"a{ch}b", f"{ch}x", f"x{ch}"))]
    assert wrong == []


@pytest.mark.parametrize("large", [True, False])
def test_plain_cells_of_sliced_and_chunked_arrays(large):
    """The byte-level ends (first, last byte, empty) read from the offsets of sliced, chunked, null-holding arrays."""
    import pyarrow as pa

    typ = pa.large_string() if large else pa.string()
    cells = IDS + [None] + TEXT + [None, "x"]
    whole = pa.array(cells, type=typ)
    chunked = pa.chunked_array([whole.slice(0, 5), whole.slice(5, 0), whole.slice(5, 17), whole.slice(22)], type=typ)
    for kind, test in (("id", columnar._plain_id), ("text", columnar._plain_text)):
        got = test(chunked)
        one = [bool(test(pa.chunked_array([pa.array([c], type=typ)]))[0]) if c is not None else False for c in cells]
        assert got.tolist() == one, kind
    full, first, last = columnar._edges(chunked)
    assert full.tolist() == [bool(c) for c in cells]
    assert [chr(b) for b, f in zip(first, full) if f] == [c.encode()[:1].decode("latin-1") for c in cells if c]
    assert columnar.maybe_hash(pd.Series(pd.arrays.ArrowStringArray(chunked.cast(pa.large_string()))))
    series = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(["ab", None, "abcd"], pa.large_string()).slice(1)])))
    assert columnar.maybe_longer(series, 3) and not columnar.maybe_longer(series, 4)
    assert not columnar.maybe_hash(series)


def test_parquet_decoded_in_background_same_problems(tmp_path, monkeypatch):
    """The loader decodes the next Parquet file while it checks one (``read_path(defer=True)``): the same
    problems, in the same order, as reading every file at once — a file whose pages are damaged behind a sound
    footer, a header with an unknown and a missing column, bad cells."""
    import sys

    import pyarrow as pa
    import pyarrow.parquet as pq

    from dealerlab.data.read import read_path

    load_module = sys.modules["dealerlab.data.load"]

    pq.write_table(pa.table({"store_id": ["S01", "S02"], "store_name": ["一店", "二店"]}), tmp_path / "stores.parquet")
    pq.write_table(pa.table({"staff_id": ["E1", "E2"], "store_id": ["S01", "S09"], "名字": ["甲", "乙"],
                             "other": ["x", "y"]}), tmp_path / "staff.parquet")
    n = 5000
    leads = pa.table({"lead_id": [f"L{i:05d}" for i in range(n)], "store_id": ["S01"] * n,
                      "created_date": [f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)]})
    pq.write_table(leads, tmp_path / "leads.parquet")
    pq.write_table(pa.table({"visit_id": [f"V{i}" for i in range(n)], "store_id": ["S01"] * n,
                             "lead_id": [f"L{i:05d}" for i in range(n)]}), tmp_path / "visits.parquet")
    data = bytearray((tmp_path / "visits.parquet").read_bytes())
    data[8:4000] = bytes(range(256)) * 15 + bytes(range(232))  # the pages, not the footer
    (tmp_path / "visits.parquet").write_bytes(bytes(data))
    deferred = _messages(tmp_path)
    monkeypatch.setattr(load_module, "read_path", lambda path, progress=False, defer=False: read_path(path, progress=progress))
    at_once = _messages(tmp_path)
    assert deferred == at_once
    rules = {m[0] for m in deferred}
    assert {"parquet_invalid", "column_unknown"} <= rules, rules
