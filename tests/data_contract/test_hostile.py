"""Hostile and careless client files that cannot live in the corpus (issue 16): special files, today-relative dates,
and the rules of DATA.md "Errors, not guesses" / "Bounded memory" checked on their own."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dealerlab.cli import main
from dealerlab.data import load
from dealerlab.data.coerce import parse_date, parse_number, parse_text, to_date, to_id, to_number
from dealerlab.data.load import collect
from dealerlab.data.read import detect_encoding
from dealerlab.data.xlsxscan import XlsxLimitError, col_letters, col_number, part_limit, scan_workbook
from dealerlab.errors import DataValidationError
from tests._paths import CORPUS, REPO

DATA = CORPUS
BASELINE = DATA / "good" / "baseline.xlsx"
CSV_BASE = DATA / "bad" / "control-char-id"  # a CSV folder; its stores.csv is replaced below


def _csv_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "csv"
    shutil.copytree(CSV_BASE, folder)
    (folder / "门店.csv").write_text("门店编码,门店名称,业务类型,开业日期\nS01,一店,乘用车,2015-06-01\nS02,二店,商用车,2018-03-15\n",
                                     encoding="utf-8")
    return folder


def _rules(path, **kw) -> list[tuple[str, str, int | None, str | None]]:
    _, log = collect(path, **kw)
    return [(p.rule, p.source, p.row, p.column) for p in log.errors]


# ------------------------------------------------------------------------------------------------ special files


def test_the_csv_folder_fixture_is_valid(tmp_path):
    assert _rules(_csv_folder(tmp_path)) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_leads_csv_that_is_a_fifo_is_refused_by_name_without_blocking(tmp_path):
    folder = _csv_folder(tmp_path)
    (folder / "潜客.csv").unlink()
    os.mkfifo(folder / "潜客.csv")
    cli = "import sys; from dealerlab.cli import main; sys.exit(main(sys.argv[1:]))"
    code = subprocess.run([sys.executable, "-c", cli, "validate", str(folder)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert code.returncode == 1, code.stdout + code.stderr
    assert "潜客.csv" in code.stdout and "命名管道" in code.stdout and "Traceback" not in code.stderr
    assert ("file_special", "潜客.csv", None, None) in _rules(folder)


def test_symlink_to_dev_zero_and_out_of_folder_are_refused(tmp_path):
    folder = _csv_folder(tmp_path)
    (folder / "潜客.csv").unlink()
    os.symlink("/dev/zero", folder / "潜客.csv")
    outside = tmp_path / "elsewhere.csv"
    shutil.copy(folder / "员工.csv", outside)
    (folder / "员工.csv").unlink()
    os.symlink(outside, folder / "员工.csv")
    rules = _rules(folder)
    assert ("file_special", "潜客.csv", None, None) in rules
    assert ("file_special", "员工.csv", None, None) in rules
    _, log = collect(folder)
    by_source = {p.source: p.message_zh for p in log.errors}
    assert "设备文件" in by_source["潜客.csv"] and "文件夹以外" in by_source["员工.csv"]


def test_symlink_inside_the_folder_is_read(tmp_path):
    folder = _csv_folder(tmp_path)
    (folder / "raw").mkdir()
    shutil.move(folder / "潜客.csv", folder / "raw" / "leads-export.csv")
    os.symlink(folder / "raw" / "leads-export.csv", folder / "潜客.csv")
    assert _rules(folder) == []
    assert len(load(folder).leads) == 4


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_workbook_path_that_is_a_fifo_is_refused(tmp_path, capsys):
    os.mkfifo(tmp_path / "client.xlsx")
    assert main(["validate", str(tmp_path / "client.xlsx")]) == 1
    assert "client.xlsx" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------------ dates


def test_future_date_warns_within_a_year_and_is_an_error_beyond(tmp_path):
    today = pd.Timestamp("2026-11-01")
    folder = _csv_folder(tmp_path)
    text = (folder / "潜客.csv").read_text(encoding="utf-8")
    (folder / "潜客.csv").write_text(text.replace("2026-10-02", "2027-03-01"), encoding="utf-8")
    _, log = collect(folder, today=today)
    assert not log.errors and [w.rule for w in log.warnings] == ["date_future"]
    (folder / "潜客.csv").write_text(text.replace("2026-10-02", "2027-12-01"), encoding="utf-8")
    _, log = collect(folder, today=today)
    assert [(p.rule, p.row, p.value) for p in log.errors] == [("date_too_late", 3, "2027-12-01")]
    assert "2027-11-01" in log.errors[0].message_zh  # the limit: a year after today


@pytest.mark.parametrize("cell", ["2611-05-11", "9999-12-31", dt.date(9999, 12, 31), dt.datetime(2611, 5, 11),
                                  np.datetime64("9999-12-31"), "1200-01-01", dt.date(1677, 1, 1)])
def test_dates_are_never_wrapped_around(cell):
    d, bad, impossible = parse_date(cell)
    assert d is None and bad and not impossible
    values, bad, _ = to_date(pd.Series([cell, "2026-10-05"], dtype=object))
    assert bad.tolist() == [True, False]
    assert values.isna().tolist() == [True, False] and values.iloc[1] == pd.Timestamp("2026-10-05")


def test_timestamp_column_9999_is_not_wrapped():
    s = pd.Series(np.array(["9999-12-31", "2026-10-05", "NaT"], dtype="datetime64[us]"))
    values, bad, _ = to_date(s)
    assert bad.tolist() == [True, False, False]
    assert values.iloc[1] == pd.Timestamp("2026-10-05") and values.iloc[0] is pd.NaT


# ------------------------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize("text, value", [("1,234.56", 1234.56), ("99,300.00", 99300.0), ("¥12,345", 12345.0),
                                         ("1234,567", None), ("1.234,56", None), ("99300,00", None), ("12,5", None),
                                         ("1,23,456", None), ("(1,200)", -1200.0), ("１２０，０００", 120000.0)])
def test_comma_only_between_groups_of_three(text, value):
    x, bad = parse_number(text)
    assert (x, bad) == (value, value is None)


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "NaN", "1e308", "1e13", "-2e12", 1e308, float("inf")])
def test_non_finite_and_huge_numbers_are_bad(text):
    x, bad = parse_number(text)
    assert x is None and bad
    values, bad = to_number(pd.Series([text, "5"], dtype=object))
    assert bad.tolist() == [True, False] and values.iloc[1] == 5.0


def test_huge_numbers_in_a_numeric_column_are_bad():
    values, bad = to_number(pd.Series([1e308, 5.0, np.inf, np.nan]))
    assert bad.tolist() == [True, False, True, False] and values.iloc[1] == 5.0


def test_percent_only_in_rate_columns():
    assert parse_number("85%") == (0.85, False)
    assert parse_number("85%", percent=False) == (None, True)
    values, bad = to_number(pd.Series(["85%", "85"], dtype=object), percent=False)
    assert bad.tolist() == [True, False] and values.iloc[1] == 85.0


def test_targets_percent_accepted_for_a_rate_metric_only(tmp_path):
    good = DATA / "good" / "percent-in-rates.xlsx"
    ds = load(good)
    t = ds.targets.set_index("metric")
    assert t.loc["成交率", "target"] == pytest.approx(0.35)
    assert ds.monthly_finance["tax_rate"].iloc[0] == pytest.approx(0.25)


# ------------------------------------------------------------------------------------------------ ids and text


@pytest.mark.parametrize("cell", ["S0\a3", "S01\u200b", "\u202eS01", "\ufeffS01", "S\u200d01", "S01\x00", "S\u206601"])
def test_invisible_characters_in_ids_are_bad(cell):
    values, bad = to_id(pd.Series([cell, "S01"], dtype=object))
    assert bad.tolist() == [True, False] and values.isna().tolist() == [True, False]


def test_invisible_characters_message_names_them(tmp_path):
    folder = DATA / "bad" / "control-char-id"
    _, log = collect(folder)
    p = next(p for p in log.errors if p.rule == "id_invisible")
    assert p.value == "S0<U+0007>3" and "U+0007" in p.message_zh and p.row == 3


def test_control_characters_removed_from_free_text():
    assert parse_text("门店\x1b[2J备注\u202e") == "门店[2J备注"
    assert parse_text("第一行\n第二行\t!") == "第一行\n第二行\t!"


# ------------------------------------------------------------------------------------------------ encodings, CSV


def test_utf16le_without_bom_is_detected(tmp_path):
    f = tmp_path / "leads.csv"
    f.write_bytes("客户编号,门店编码\nL1,S01\n".encode("utf-16-le"))
    assert detect_encoding(f) == ("utf-16-le", None)
    f.write_bytes("lead_id,store_id\nL1,S01\n".encode("utf-16-be"))
    assert detect_encoding(f) == ("utf-16-be", None)
    f.write_bytes("客户编号,门店编码\n".encode("gbk"))
    assert detect_encoding(f) == ("gb18030", None)


def test_stray_bom_names_leads_line_not_other_files():
    rules = _rules(DATA / "bad" / "bom-mid-file")
    assert rules == [("id_invisible", "潜客.csv", 4, "客户编号")]


def test_huge_cell_message_is_chinese_with_row_and_column():
    _, log = collect(DATA / "bad" / "huge-cell-csv")
    (p,) = log.errors
    assert (p.rule, p.row, p.column) == ("cell_too_long", 2, "来源渠道")
    assert "32767" in p.message_zh and "field limit" not in p.message_zh


# ------------------------------------------------------------------------------------------------ xlsx scan


def test_col_letters_roundtrip():
    assert col_number("A") == 1 and col_number("XFD") == 16384 and col_letters(16384) == "XFD"
    assert all(col_number(col_letters(n)) == n for n in (1, 26, 27, 52, 702, 703, 16384))


def test_scan_of_a_normal_workbook():
    scan = scan_workbook(BASELINE)
    s = scan.sheets["潜客"]
    assert (s.max_row, s.max_col) == (5, 9) and not s.too_large() and not s.marked


def test_stray_cell_is_refused_before_any_reader_runs(monkeypatch):
    from dealerlab.data import read

    real = read._sheets_calamine

    def guarded(path):
        for title, get_rows in real(path):
            if title == "潜客":  # the dense reader must never be asked for this sheet
                def get_rows():
                    raise AssertionError("reader called")
            yield title, get_rows

    monkeypatch.setattr(read, "_sheets_calamine", guarded)
    _, log = collect(DATA / "bad" / "stray-cell-xfd1048576.xlsx")
    assert [p.rule for p in log.errors] == ["sheet_too_large"]
    assert log.errors[0].value == "XFD1048576" and "XFD1048576" in log.errors[0].message_zh


def test_zip_sizes_are_not_trusted(tmp_path):
    """A part whose directory entry claims a small size is still inflated with the cap."""
    src = DATA / "bad" / "shared-strings-bomb.xlsx"
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("xl/sharedStrings.xml")
    # lie in the central directory and the local header: uncompressed size 1 KB
    fake = (1024).to_bytes(4, "little")
    real = info.file_size.to_bytes(4, "little")
    data = bytes(data).replace(real, fake)
    (tmp_path / "lie.xlsx").write_bytes(data)
    with pytest.raises((XlsxLimitError, zipfile.BadZipFile, ValueError)):
        scan_workbook(tmp_path / "lie.xlsx")
    _, log = collect(tmp_path / "lie.xlsx")
    assert log.errors and log.errors[0].rule in ("xlsx_part_too_large", "not_workbook")


def test_part_limit():
    assert part_limit(10_000) == 1 << 20
    assert part_limit(7 << 20) == 350 << 20
    assert part_limit(100 << 30) == 2 << 30


def test_formula_and_error_cells_say_what_they_hold():
    _, log = collect(DATA / "bad" / "formula-no-value.xlsx")
    (p,) = log.errors
    assert p.rule == "cell_formula" and p.value == "=SUM(1,2)" and "请在 Excel 中打开并保存" in p.hint_zh
    _, log = collect(DATA / "bad" / "div0-required.xlsx")
    (p,) = log.errors  # not also "必填项为空"
    assert p.rule == "cell_error" and p.value == "#DIV/0!"


def test_survey_without_overall_names_the_response():
    with pytest.raises(DataValidationError) as err:
        load(DATA / "bad" / "survey-no-overall.xlsx")
    (p,) = err.value.problems
    assert (p.rule, p.value, p.row) == ("survey_overall_missing", "Q2", 4)
    assert "Q2" in p.message_zh and "总体满意度" in p.message_zh


def test_parquet_messages_are_parquet_specific():
    _, log = collect(DATA / "bad" / "parquet-truncated")
    assert [p.rule for p in log.errors] == ["parquet_invalid"] and "Parquet" in log.errors[0].message_zh
    assert "Excel" not in log.errors[0].message_zh
    _, log = collect(DATA / "bad" / "parquet-nested")
    assert [(p.rule, p.column) for p in log.errors] == [("parquet_nested", "标签")]


def test_empty_styled_far_cell_and_tall_empty_row_are_not_refused(tmp_path):
    """A reader ignores a styled empty cell and a row that only has a height: so does the extent check."""
    with zipfile.ZipFile(BASELINE) as z:
        parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    out = tmp_path / "styled.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            if name == "xl/worksheets/sheet3.xml":  # 潜客
                data = data.replace(b"</sheetData>", b'<row r="900000" ht="30" customHeight="1"/>'
                                    b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')
            z.writestr(name, data)
    assert _rules(out) == []
    assert len(load(out).leads) == 4


def test_excel_error_text_in_a_csv_is_named(tmp_path):
    folder = _csv_folder(tmp_path)
    text = (folder / "销售.csv").read_text(encoding="utf-8")
    (folder / "销售.csv").write_text(text.replace("轩逸", "#N/A").replace("8000", "#DIV/0!"), encoding="utf-8")
    _, log = collect(folder)
    assert sorted((p.rule, p.row, p.column, p.value) for p in log.errors) == [
        ("cell_error", 2, "车型", "#N/A"), ("cell_error", 3, "单车毛利", "#DIV/0!")]


def test_a_folder_named_like_a_table_is_refused_not_skipped(tmp_path):
    """A folder called leads.csv (a careless copy) was skipped: 数据有效 without leads. It is refused by name."""

    from dealerlab.data.read import read_path

    src = tmp_path / "data"
    src.mkdir()
    demo = REPO / "datasets" / "demo"
    for name in ("stores.csv", "staff.csv"):
        shutil.copy(demo / name, src / name)
    (src / "leads.csv").mkdir()
    result = read_path(src)
    hit = [p for p in result.problems if p.rule == "file_special"]
    assert len(hit) == 1 and "leads.csv" in hit[0].message("zh") and "文件夹" in hit[0].message("zh")


def test_csv_trailing_blank_cells_are_harmless_but_a_filled_cell_beyond_the_header_is_refused(tmp_path):
    """A trailing comma (a blank cell right of the header) is how Excel saves some rows; a filled one means the
    row's values shifted (an unquoted comma in a value) — refused with its line, never dropped."""
    folder = _csv_folder(tmp_path)
    leads = folder / "潜客.csv"
    text = leads.read_text(encoding="utf-8")
    leads.write_text(text.rstrip("\n") + ",,\n", encoding="utf-8")  # the last row gets two blank cells
    assert _rules(folder) == []
    lines = text.rstrip("\n").split("\n")
    lines[2] = lines[2] + ",张三的备注"
    leads.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ((rule, table, row, column),) = _rules(folder)
    assert (rule, table, row) == ("csv_malformed", "潜客.csv", 3)
    ds, log = collect(folder)
    (p,) = log.errors
    assert "表头只有" in p.message("zh") and "张三的备注" in p.message("zh")
