"""load(): header matching, containers, and every bad input of issue 2, each located (table, source, row, column)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dealerlab.data import load
from dealerlab.data.read import match_key, table_for_name
from dealerlab.errors import DataValidationError

TODAY = "2026-11-23"

# A small valid two-store dataset, Chinese headers (as a client sends it).
BASE = {
    "门店": [["门店编码", "门店名称", "业务类型"], ["S01", "一店", "乘用车"], ["S02", "二店", "商用车"]],
    "员工": [
        ["员工编号", "门店编码", "姓名", "部门", "岗位", "入职日期"],
        ["E01", "S01", "张三", "销售部", "销售顾问", "2024-01-02"],
        ["E02", "S02", "李四", "销售部", "销售顾问", "2024-03-01"],
    ],
    "潜客": [
        ["客户编号", "门店编码", "销售顾问编号", "建档日期", "首次接触方式", "状态", "结案日期", "大客户编号"],
        ["L001", "S01", "E01", "2026-10-01", "到店", "成交", "2026-10-10", "A01"],
        ["L002", "S01", "E01", "2026-10-02", "来电", "跟进中", "", ""],
        ["L003", "S02", "E02", "2026-10-03", "网络", "战败", "2026-10-20", ""],
    ],
    "试乘试驾": [["试驾编号", "门店编码", "客户编号", "试驾日期"], ["T1", "S01", "L001", "2026-10-04"]],
    "销售": [
        ["销售编号", "门店编码", "客户编号", "销售顾问编号", "开票日期", "销售渠道", "车型", "成交价(元)", "大客户编号"],
        ["X1", "S01", "L001", "E01", "2026-10-10", "展厅", "轩逸", "¥120,000", "A01"],
    ],
    "衍生产品": [["衍生编号", "门店编码", "销售编号", "产品", "收入"], ["D1", "S01", "X1", "保险", "3,000"]],
    "满意度调查": [
        ["问卷编号", "门店编码", "调查类型", "调查日期", "题项", "表现得分"],
        ["Q1", "S01", "SSI", "2026-10-15", "总体满意度", "9"],
        ["Q1", "S01", "SSI", "2026-10-15", "交车仪式", "8"],
    ],
    "大客户": [["大客户编号", "门店编码", "客户名称", "行业"], ["A01", "S01", "某物流公司", "物流运输"]],
}


def tables(**changes):
    """BASE with some tables replaced (keyword = sheet name, value = rows or None to drop)."""
    out = {k: [list(r) for r in v] for k, v in BASE.items()}
    for name, rows in changes.items():
        if rows is None:
            out.pop(name, None)
        else:
            out[name] = rows
    return out


def write_xlsx(path: Path, sheets: dict, *, title_rows: int = 0) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i in range(title_rows):
            ws.append([f"{name}明细表（导出）"] if i == 0 else [])
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def write_csvs(folder: Path, sheets: dict, *, encoding="utf-8", delimiter=",") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with open(folder / f"{name}.csv", "w", encoding=encoding, newline="") as fh:
            if encoding == "gbk":  # GBK has the full-width ￥ only (as Chinese Excel writes it)
                rows = [[str(c).replace("¥", "￥") for c in r] for r in rows]
            csv.writer(fh, delimiter=delimiter).writerows(rows)
    return folder


def errors_of(path, **kw):
    with pytest.raises(DataValidationError) as info:
        load(path, today=TODAY, **kw)
    return info.value.problems


def only(problems, rule):
    hits = [p for p in problems if p.rule == rule]
    assert hits, f"no {rule} among {[(p.rule, p.message_zh) for p in problems]}"
    return hits[0] if len(hits) == 1 else hits


# ------------------------------------------------------------------ matching


@pytest.mark.parametrize(
    ("header", "key"),
    [("成交价(元)", "成交价"), ("成交价（元）", "成交价"), (" 成交价 ", "成交价"), ("门店编码*", "门店编码"),
     ("Store_ID", "storeid"), ("ＳＴＯＲＥ　ＩＤ", "storeid"), ("厂家下达销量目标(VP)", "厂家下达销量目标")],
)
def test_match_key(header, key):
    assert match_key(header) == key


@pytest.mark.parametrize(("name", "table"), [("潜客", "leads"), ("Leads", "leads"), (" LEADS ", "leads"), ("2.潜客表", "leads"),
                                             ("test drives", "test_drives"), ("维修工单", "service_orders"), ("Sheet1", None)])
def test_table_for_name(name, table):
    assert table_for_name(name) == table


def test_valid_workbook_loads_with_canonical_columns_and_dtypes(tmp_path):
    ds = load(write_xlsx(tmp_path / "c.xlsx", tables()), today=TODAY)
    assert ds.store_ids == ["S01", "S02"]
    assert ds.sales["price"].iloc[0] == 120000.0  # "¥120,000" under header "成交价(元)"
    assert ds.leads["created_date"].dtype == "datetime64[ns]"
    assert ds.leads["status"].tolist() == ["成交", "跟进中", "战败"]
    assert list(ds.leads.columns[:3]) == ["lead_id", "store_id", "staff_id"]
    assert not ds.has("service_orders")


def test_title_rows_and_notes_row_skipped_rows_numbered_as_in_excel(tmp_path):
    sheets = tables()
    sheets["潜客"].insert(1, ["说明：文本，必填"] * 8)
    path = write_xlsx(tmp_path / "c.xlsx", sheets, title_rows=2)
    ds = load(path, today=TODAY)
    assert len(ds.leads) == 3
    # a bad value in the 2nd data row: title(1) + blank(2) + header(3) + notes(4) + L001(5) + L002(6)
    sheets["潜客"][3][4] = "微信"
    p = only(errors_of(write_xlsx(tmp_path / "d.xlsx", sheets, title_rows=2)), "enum_invalid")
    assert (p.table, p.source, p.row, p.column, p.value) == ("leads", "d.xlsx:潜客", 6, "首次接触方式", "微信")


def test_english_headers_and_sheet_names(tmp_path):
    sheets = {
        "stores": [["store_id", "Store Name"], ["S01", "一店"]],
        "leads": [["LEAD_ID", "created_date", "first_contact", "status"], ["1", "2026/10/5", "walk-in", "open"]],
    }
    ds = load(write_xlsx(tmp_path / "e.xlsx", sheets), today=TODAY)
    assert ds.leads["store_id"].tolist() == ["S01"]  # single store: store_id filled
    assert ds.leads["first_contact"].tolist() == ["到店"]


def test_gbk_csv_folder_with_title_row(tmp_path):
    folder = write_csvs(tmp_path / "gbk", tables(), encoding="gbk")
    text = (folder / "潜客.csv").read_text(encoding="gbk")
    (folder / "潜客.csv").write_text("潜客明细 导出日期2026-11-01\n\n" + text, encoding="gbk")
    ds = load(folder, today=TODAY)
    assert ds.leads["lead_id"].tolist() == ["L001", "L002", "L003"]
    assert ds.stores["store_name"].tolist() == ["一店", "二店"]
    assert ds.sales["price"].tolist() == [120000.0]  # "￥120,000"


def test_utf8_sig_tab_delimited_csv(tmp_path):
    folder = write_csvs(tmp_path / "tab", tables(), encoding="utf-8-sig", delimiter="\t")
    ds = load(folder, today=TODAY)
    assert ds.sales["price"].tolist() == [120000.0]


def test_parquet_folder(tmp_path):
    folder = tmp_path / "pq"
    folder.mkdir()
    pd.DataFrame({"store_id": ["S01"], "store_name": ["一店"]}).to_parquet(folder / "stores.parquet")
    pd.DataFrame({"lead_id": ["1", "2"], "created_date": pd.to_datetime(["2026-10-01", "2026-10-02"]),
                  "first_contact": ["到店", "call"], "status": ["跟进中", "跟进中"]}).to_parquet(folder / "leads.parquet")
    ds = load(folder, today=TODAY)
    assert ds.leads["first_contact"].tolist() == ["到店", "来电"]


def test_warnings_are_returned_not_raised(tmp_path):
    sheets = tables()
    sheets["门店"][0].append("备注")
    sheets["门店"][1].append("x")
    sheets["门店"][2].append("")
    sheets["随便"] = [["a"], ["b"]]
    ds = load(write_xlsx(tmp_path / "w.xlsx", sheets), today=TODAY)
    rules = {(w.rule, w.source) for w in ds.warnings}
    assert ("column_unknown", "w.xlsx:门店") in rules and ("sheet_unknown", "w.xlsx:随便") in rules
    assert "备注" in ds.stores.columns  # extra columns kept


# ------------------------------------------------------------------ bad input (issue 2)


def test_missing_file(tmp_path):
    p = only(errors_of(tmp_path / "nope.xlsx"), "file_missing")
    assert p.source == "nope.xlsx"


def test_empty_file(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert only(errors_of(tmp_path / "empty.xlsx"), "file_empty").source == "empty.xlsx"


def test_empty_csv_in_folder(tmp_path):
    folder = write_csvs(tmp_path / "f", tables())
    (folder / "潜客.csv").write_bytes(b"")
    p = only(errors_of(folder), "file_empty")
    assert (p.table, p.source) == ("leads", "潜客.csv")


def test_corrupt_zip(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", tables()).read_bytes()
    (tmp_path / "bad.xlsx").write_bytes(good[:300])  # truncated zip
    assert only(errors_of(tmp_path / "bad.xlsx"), "not_workbook").source == "bad.xlsx"
    (tmp_path / "text.xlsx").write_text("这不是工作簿", encoding="utf-8")
    assert only(errors_of(tmp_path / "text.xlsx"), "not_workbook").source == "text.xlsx"


def test_encrypted_or_old_xls(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (tmp_path / "locked.xlsx").write_bytes(ole + "EncryptedPackage".encode("utf-16-le"))
    assert only(errors_of(tmp_path / "locked.xlsx"), "encrypted").source == "locked.xlsx"
    (tmp_path / "old.xls").write_bytes(ole)
    assert only(errors_of(tmp_path / "old.xls"), "xls_format").source == "old.xls"


def test_wrong_sheet_names(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {"Sheet1": BASE["门店"], "Sheet2": BASE["潜客"]})
    with pytest.raises(DataValidationError) as info:
        load(path, today=TODAY)
    assert [p.rule for p in info.value.problems] == ["no_tables"]
    assert {w.source for w in info.value.warnings} == {"s.xlsx:Sheet1", "s.xlsx:Sheet2"}


def test_required_table_missing(tmp_path):
    p = only(errors_of(write_xlsx(tmp_path / "m.xlsx", tables(门店=None))), "table_missing")
    assert p.table == "stores"


def test_missing_required_column(tmp_path):
    rows = [r[:5] + r[6:] for r in BASE["潜客"]]  # drop 状态
    p = only(errors_of(write_xlsx(tmp_path / "c.xlsx", tables(潜客=rows), title_rows=1)), "column_missing")
    assert (p.table, p.source, p.row, p.column) == ("leads", "c.xlsx:潜客", 2, "状态")


def test_store_id_missing_with_several_stores(tmp_path):
    rows = [[r[0]] + r[2:] for r in BASE["潜客"]]
    p = only(errors_of(write_xlsx(tmp_path / "c.xlsx", tables(潜客=rows))), "store_id_required")
    assert (p.table, p.row, p.column) == ("leads", 1, "门店编码")


def test_bad_enum_value(tmp_path):
    sheets = tables()
    sheets["大客户"][1][3] = "互联网"
    p = only(errors_of(write_xlsx(tmp_path / "c.xlsx", sheets)), "enum_invalid")
    assert (p.table, p.source, p.row, p.column, p.value) == ("accounts", "c.xlsx:大客户", 2, "行业", "互联网")
    assert "党政军" in p.hint_zh and "logistics" in p.hint_en


def test_unparseable_date(tmp_path):
    sheets = tables()
    sheets["潜客"][3][3] = "上周三"
    p = only(errors_of(write_xlsx(tmp_path / "c.xlsx", sheets)), "date_invalid")
    assert (p.table, p.row, p.column, p.value) == ("leads", 4, "建档日期", "上周三")


def test_impossible_date(tmp_path):
    sheets = tables()
    sheets["潜客"][2][3] = "2026-02-30"
    p = only(errors_of(write_xlsx(tmp_path / "c.xlsx", sheets)), "date_impossible")
    assert (p.row, p.column) == (3, "建档日期")


def test_text_in_number_column(tmp_path):
    folder = write_csvs(tmp_path / "f", tables())
    sales = BASE["销售"] + [["X2", "S01", "", "E01", "2026-10-11", "展厅", "轩逸", "十二万", ""]]
    write_csvs(folder, {"销售": sales})
    p = only(errors_of(folder), "number_invalid")
    assert (p.table, p.source, p.row, p.column, p.value) == ("sales", "销售.csv", 3, "成交价(元)", "十二万")


def test_negative_money(tmp_path):
    sheets = tables()
    sheets["衍生产品"][1][4] = "-3000"
    p = only(errors_of(write_xlsx(tmp_path / "c.xlsx", sheets)), "below_min")
    assert (p.table, p.row, p.column) == ("addons", 2, "收入")


def test_duplicate_ids(tmp_path):
    sheets = tables()
    sheets["潜客"].append(["L002", "S01", "E01", "2026-10-05", "到店", "跟进中", "", ""])
    p = only(errors_of(write_xlsx(tmp_path / "c.xlsx", sheets)), "duplicate_key")
    assert (p.table, p.row, p.column, p.value) == ("leads", 5, "客户编号", "L002")
    assert "第 3 行" in p.message_zh


@pytest.mark.parametrize(
    ("sheet", "row", "col", "value", "table", "column"),
    [("试乘试驾", 1, 2, "L999", "test_drives", "客户编号"), ("衍生产品", 1, 2, "X9", "addons", "销售编号"),
     ("销售", 1, 8, "A99", "sales", "大客户编号")],
)
def test_reference_to_missing_lead_sale_account(tmp_path, sheet, row, col, value, table, column):
    sheets = tables()
    sheets[sheet][row][col] = value
    p = only(errors_of(write_xlsx(tmp_path / "c.xlsx", sheets)), "reference_missing")
    assert (p.table, p.source, p.row, p.column, p.value) == (table, f"c.xlsx:{sheet}", 2, column, value)


def test_reference_not_checked_when_table_absent(tmp_path):
    sheets = tables(大客户=None)  # sales/leads point at A01, accounts absent: fine
    ds = load(write_xlsx(tmp_path / "c.xlsx", sheets), today=TODAY)
    assert not ds.has("accounts")


def test_won_without_closed_date(tmp_path):
    sheets = tables()
    sheets["潜客"][1][6] = ""
    p = only(errors_of(write_xlsx(tmp_path / "c.xlsx", sheets)), "closed_date_required")
    assert (p.table, p.row, p.column) == ("leads", 2, "结案日期")


@pytest.mark.parametrize(("score", "rule"), [("11", "above_max"), ("0", "below_min")])
def test_survey_score_outside_1_10(tmp_path, score, rule):
    sheets = tables()
    sheets["满意度调查"][2][5] = score
    p = only(errors_of(write_xlsx(tmp_path / "c.xlsx", sheets)), rule)
    assert (p.table, p.source, p.row, p.column, p.value) == ("surveys", "c.xlsx:满意度调查", 3, "表现得分", score)


def test_future_date_is_a_warning(tmp_path):
    sheets = tables()
    sheets["潜客"][2][3] = "2027-01-01"
    ds = load(write_xlsx(tmp_path / "c.xlsx", sheets), today=TODAY)
    w = only(ds.warnings, "date_future")
    assert (w.row, w.column) == (3, "建档日期")


def test_all_problems_collected_not_only_the_first(tmp_path):
    sheets = tables()
    sheets["潜客"][1][4] = "微信"
    sheets["潜客"][2][3] = "上周"
    sheets["满意度调查"][1][5] = "12"
    rules = sorted(p.rule for p in errors_of(write_xlsx(tmp_path / "c.xlsx", sheets)))
    assert rules == ["above_max", "date_invalid", "enum_invalid"]


def test_english_messages(tmp_path):
    sheets = tables()
    sheets["潜客"][1][4] = "wechat"
    with pytest.raises(DataValidationError) as info:
        load(write_xlsx(tmp_path / "c.xlsx", sheets), lang="en", today=TODAY)
    assert "not an allowed value" in str(info.value)
    assert "row 2" in str(info.value)


def test_duplicate_ids_with_a_blank_id(tmp_path):
    sheets = tables()
    sheets["潜客"].append(["", "S01", "E01", "2026-10-05", "到店", "跟进中", "", ""])
    sheets["潜客"].append(["L001", "S01", "E01", "2026-10-06", "到店", "跟进中", "", ""])
    problems = errors_of(write_xlsx(tmp_path / "c.xlsx", sheets))
    assert [(p.rule, p.row) for p in problems] == [("required_value", 5), ("duplicate_key", 6)]
    assert "第 2 行" in problems[1].message_zh


def test_many_bad_rows_are_counted_not_all_listed(tmp_path, monkeypatch):
    import importlib

    validate = importlib.import_module("dealerlab.data.validate")
    monkeypatch.setattr(validate, "MAX_PER_RULE", 2)
    sheets = tables()
    for r in sheets["潜客"][1:]:
        r[4] = "微信"
    problems = errors_of(write_xlsx(tmp_path / "c.xlsx", sheets))
    assert [p.rule for p in problems] == ["enum_invalid", "enum_invalid", "too_many"]
    assert "另有 1 行" in problems[2].message_zh  # 3 bad rows, 2 listed
