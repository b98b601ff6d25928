"""Property tests (hypothesis) of the loader: coercions never crash, agree with row order, and only
DealerlabErrors escape load() whatever bytes a client file holds."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealerlab.data.coerce import (
    parse_bool,
    parse_date,
    parse_id,
    parse_number,
    parse_period,
    to_bool,
    to_date,
    to_enum,
    to_id,
    to_number,
)
from dealerlab.data.load import load
from dealerlab.data.schema import Enumeration
from dealerlab.errors import DealerlabError

cells = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)),
    st.sampled_from(["2026年10月5日", "¥12,345", "１２３", "46300", "是", "成交", "won", "2026-02-30", "  ", "√"]),
)


@given(cells)
def test_scalar_parsers_never_raise(cell):
    parse_id(cell)
    value, bad = parse_bool(cell)
    assert not (bad and value is not None)
    d, bad, impossible = parse_date(cell)
    assert not (impossible and not bad)
    assert d is None or isinstance(d, dt.date)
    x, bad = parse_number(cell)
    assert x is None or np.isfinite(x)
    p, bad = parse_period(cell)
    assert p is None or (len(p) == 7 and p[4] == "-")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cells, max_size=30), st.randoms(use_true_random=False))
def test_vector_coercions_shape_bad_and_row_order(values, rnd):
    raw = pd.Series(values, dtype=object)
    order = list(range(len(values)))
    rnd.shuffle(order)
    shuffled = raw.iloc[order].reset_index(drop=True)
    for fn in (to_number, to_bool, to_id, lambda s: to_enum(s, Enumeration("lead_status"))):
        out, bad = fn(raw)[:2]
        assert len(out) == len(raw) and len(bad) == len(raw)
        assert not (bad & out.notna().to_numpy()).any()  # a bad cell is never given a value
        out2, bad2 = fn(shuffled)[:2]
        assert out2.reset_index(drop=True).equals(out.iloc[order].reset_index(drop=True))
        assert (bad2 == bad[order]).all()
    out, bad, impossible = to_date(raw)
    assert out.dtype == "datetime64[ns]" and not (impossible & ~bad).any()
    assert (out.dropna() == out.dropna().dt.normalize()).all()  # midnight


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from(["c.xlsx", "c.xlsm", "folder"]))
def test_load_random_bytes_only_dealerlab_errors(tmp_path_factory, data, kind):
    tmp = tmp_path_factory.mktemp("fuzz")
    if kind == "folder":
        (tmp / "d").mkdir()
        (tmp / "d" / "门店.csv").write_bytes(b"store_id,store_name\nS01,x\n")
        (tmp / "d" / "leads.csv").write_bytes(data)
        path = tmp / "d"
    else:
        path = tmp / kind
        path.write_bytes(b"PK\x03\x04" + data if data[:1] == b"\x00" else data)
    try:
        load(path)
    except DealerlabError:
        pass


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.one_of(st.text(max_size=8), st.sampled_from(["客户编号", "状态", "2026-10-01", "成交", ""])),
                         min_size=1, max_size=6), max_size=8))
def test_load_random_csv_text_only_dealerlab_errors(tmp_path_factory, rows):
    import csv

    tmp = tmp_path_factory.mktemp("fuzzcsv")
    (tmp / "stores.csv").write_text("门店编码,门店名称\nS01,一店\n", encoding="utf-8")
    with open(tmp / "leads.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    try:
        ds = load(tmp)
    except DealerlabError:
        return
    assert ds.store_ids == ["S01"]
