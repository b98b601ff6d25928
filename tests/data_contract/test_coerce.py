"""Coercion of client cells (dealerlab.data.coerce) with real values."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dealerlab.data.coerce import to_bool, to_date, to_enum, to_id, to_int, to_number, to_period, to_text
from dealerlab.data.schema import Enumeration


def obj(*values):
    return pd.Series(list(values), dtype=object)


@pytest.mark.parametrize(
    "cell",
    ["2026-10-05", "2026/10/05", "2026/10/5", "2026.10.05", "2026年10月5日", "2026 年 10 月 5 日", "２０２６－１０－０５",
     "20261005", 46300, 46300.0, "46300", 46300.75, "2026-10-05 14:30:00", "2026-10-05T08:00",
     dt.datetime(2026, 10, 5, 14, 30), dt.date(2026, 10, 5), pd.Timestamp("2026-10-05 23:59")],
)
def test_dates_all_spellings_give_2026_10_05(cell):
    # Excel serial 46300 = 2026-10-05: 1899-12-30 + 46300 days
    values, bad, impossible = to_date(obj(cell))
    assert values.iloc[0] == pd.Timestamp("2026-10-05")
    assert not bad[0] and not impossible[0]
    assert values.dtype == "datetime64[ns]"


def test_dates_bad_impossible_and_blank():
    values, bad, impossible = to_date(obj("2026-02-30", "2026-13-01", "昨天", "", None, 5, "  "))
    assert bad.tolist() == [True, True, True, False, False, True, False]
    assert impossible.tolist() == [True, True, False, False, False, False, False]
    assert values.isna().all()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("¥12,345", 12345.0), ("￥12,345", 12345.0), ("12345元", 12345.0), ("１２３", 123.0), ("１２，３４５．５", 12345.5),
     ("RMB 1,000", 1000.0), ("1 234", 1234.0), ("-3.5", -3.5), ("(1,200)", -1200.0), ("12%", 0.12), (7, 7.0), (2.5, 2.5)],
)
def test_numbers(cell, expected):
    values, bad = to_number(obj(cell))
    assert values.iloc[0] == pytest.approx(expected)
    assert not bad[0]


def test_numbers_text_is_bad_blank_is_missing():
    values, bad = to_number(obj("十万", "abc", "", None, "12,3a"))
    assert bad.tolist() == [True, True, False, False, True]
    assert values.isna().all()


def test_numbers_typed_column_fast_path():
    values, bad = to_number(pd.Series([1, 2, 3]))
    assert values.tolist() == [1.0, 2.0, 3.0] and not bad.any()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("是", True), ("否", False), ("Y", True), ("n", False), ("1", True), ("0", False), ("TRUE", True), ("false", False),
     ("√", True), ("×", False), (1, True), (0.0, False), (True, True), ("yes", True)],
)
def test_booleans(cell, expected):
    values, bad = to_bool(obj(cell))
    assert values.iloc[0] is np.bool_(expected) or values.iloc[0] == expected
    assert not bad[0]
    assert values.dtype == "boolean"


def test_booleans_blank_missing_and_bad():
    values, bad = to_bool(obj("", None, "也许"))
    assert values.isna().all()
    assert bad.tolist() == [False, False, True]


def test_ids_keep_leading_zeros_and_drop_excel_float():
    values, bad = to_id(obj("001", 1001.0, "1001.0", 1001, "Ｓ０１", " S02 ", "", None))
    assert values.tolist()[:6] == ["001", "1001", "1001", "1001", "S01", "S02"]
    assert values.iloc[6:].isna().all()
    assert values.dtype == "string" and not bad.any()


def test_enum_chinese_english_any_case_stored_chinese():
    values, bad = to_enum(obj("成交", "won", "WON ", "Lost", "ｏｐｅｎ", "xx", ""), Enumeration("lead_status"))
    assert values.tolist()[:5] == ["成交", "成交", "成交", "战败", "跟进中"]
    assert bad.tolist() == [False, False, False, False, False, True, False]


def test_open_enum_keeps_value_but_flags_it():
    values, bad = to_enum(obj("销售顾问", "洗车工"), {"销售顾问": "sales consultant"}, open_enum=True)
    assert values.tolist() == ["销售顾问", "洗车工"]
    assert bad.tolist() == [False, True]


def test_int_rejects_fraction():
    values, bad = to_int(obj("3", "3.5", 4.0, "x", "１２"))
    assert values.iloc[0] == 3 and values.iloc[2] == 4 and values.iloc[4] == 12
    assert bad.tolist() == [False, True, False, True, False]


def test_periods():
    values, bad = to_period(obj("2026-10", "2026年1月", "202610", "2026/3", "2026-10-05", dt.datetime(2026, 3, 1), "2026-13", "x"))
    assert values.tolist()[:6] == ["2026-10", "2026-01", "2026-10", "2026-03", "2026-10", "2026-03"]
    assert bad.tolist() == [False] * 6 + [True, True]


def test_text_stripped_blank_missing():
    values, bad = to_text(obj(" 张三 ", "", None, 5))
    assert values.iloc[0] == "张三" and values.iloc[3] == "5"
    assert values.iloc[1:3].isna().all() and not bad.any()


def test_repeated_values_broadcast_back_in_order():
    # factorised: 3 distinct values over 9 rows, results must follow the rows
    cells = obj(*(["2026-10-01", "2026/10/02", "bad"] * 3))
    values, bad, _ = to_date(cells)
    assert values.dt.day.tolist()[:2] == [1, 2] and values.dt.day.tolist()[3:5] == [1, 2]
    assert bad.tolist() == [False, False, True] * 3
