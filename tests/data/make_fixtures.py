"""Generate the bad-input corpus ``tests/data/bad/`` and the accepted variants ``tests/data/good/``.

    .venv/bin/python tests/data/make_fixtures.py

Every case starts from one small valid two-store dataset (:data:`BASE`, Chinese headers as a dealer sends them) and
changes one thing. A case is an .xlsx/.xlsm file or a folder of CSV files. The manifests say what each case must give:

``bad/cases.csv``   case, path, table, source, row, column, rule — the one error ``dealerlab validate`` must report
                    (exit code 1, the place named); ``row``/``column`` empty when the problem has no row/column.
``good/cases.csv``  case, path, warning — must be accepted (exit code 0); ``warning`` is a rule expected among the
                    warnings, or empty.

Deterministic: no randomness except the 50 000-row case, drawn with the fixed seed :data:`SEED`. Re-running the
script rewrites the same contents (xlsx files carry a fixed creation date; zip timestamps differ).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
GOOD = HERE / "good"
SEED = 20261123
FIXED_TIME = dt.datetime(2026, 11, 1, 9, 0, 0)

BASE: dict[str, list[list]] = {
    "门店": [["门店编码", "门店名称", "业务类型", "开业日期"], ["S01", "一店", "乘用车", "2015-06-01"], ["S02", "二店", "商用车", "2018-03-15"]],
    "员工": [
        ["员工编号", "门店编码", "姓名", "部门", "岗位", "入职日期", "离职日期"],
        ["E01", "S01", "张三", "销售部", "销售顾问", "2024-01-02", ""],
        ["E02", "S02", "李四", "销售部", "销售顾问", "2024-03-01", ""],
        ["E03", "S01", "王五", "售后部", "服务顾问", "2023-05-01", ""],
    ],
    "潜客": [
        ["客户编号", "门店编码", "销售顾问编号", "建档日期", "首次接触方式", "来源渠道", "状态", "结案日期", "大客户编号"],
        ["L001", "S01", "E01", "2026-10-01", "到店", "自然到店", "成交", "2026-10-10", "A01"],
        ["L002", "S01", "E01", "2026-10-02", "来电", "来电", "跟进中", "", ""],
        ["L003", "S02", "E02", "2026-10-03", "网络", "网络平台", "战败", "2026-10-20", ""],
        ["L004", "S02", "E02", "2026-10-04", "到店", "转介绍", "跟进中", "", ""],
    ],
    "试乘试驾": [["试驾编号", "门店编码", "客户编号", "试驾日期", "是否邀约"], ["T1", "S01", "L001", "2026-10-04", "是"], ["T2", "S02", "L003", "2026-10-05", "否"]],
    "销售": [
        ["销售编号", "门店编码", "客户编号", "销售顾问编号", "开票日期", "销售渠道", "车型", "成交价(元)", "单车毛利", "大客户编号"],
        ["X1", "S01", "L001", "E01", "2026-10-10", "展厅", "轩逸", "¥120,000", "3,500", "A01"],
        ["X2", "S02", "", "E02", "2026-10-12", "大客户", "解放J6", "350000", "8000", ""],
    ],
    "衍生产品": [["衍生编号", "门店编码", "销售编号", "产品", "收入"], ["D1", "S01", "X1", "保险", "3,000"], ["D2", "S02", "X2", "金融贷款", "5000"]],
    "维修工单": [
        ["工单号", "门店编码", "进厂日期", "出厂日期", "工单类型", "产值", "是否返修", "班组人数"],
        ["R1", "S01", "2026-10-02", "2026-10-03", "保养", "800", "否", "2"],
        ["R2", "S02", "2026-10-05", "2026-10-08", "钣喷", "4,200", "是", "3"],
    ],
    "满意度调查": [
        ["问卷编号", "门店编码", "调查类型", "调查日期", "题项", "表现得分", "期望得分"],
        ["Q1", "S01", "SSI", "2026-10-15", "总体满意度", "9", "9"],
        ["Q1", "S01", "SSI", "2026-10-15", "交车仪式", "8", "9"],
        ["Q2", "S02", "CSI", "2026-10-16", "总体满意度", "7", "8"],
    ],
    "大客户": [["大客户编号", "门店编码", "客户名称", "行业"], ["A01", "S01", "某物流公司", "物流运输"]],
    "目标": [["门店编码", "月份", "指标", "员工编号", "目标值"], ["S01", "2026-10", "销量", "", "120"], ["S01", "2026-10", "销量", "E01", "12"]],
    "月度财务": [["门店编码", "月份", "营业收入", "所得税率"], ["S01", "2026-10", "5,000,000", "0.25"]],
}

CSV_NAMES = {"门店": "门店", "员工": "员工", "潜客": "潜客"}  # CSV folders use the Chinese table names too


def base() -> dict[str, list[list]]:
    return copy.deepcopy(BASE)


def setv(sheets, sheet: str, data_row: int, header: str, value):
    """Set the cell of data row ``data_row`` (1 = first data row) under ``header``."""
    rows = sheets[sheet]
    rows[data_row][rows[0].index(header)] = value
    return sheets


def write_xlsx(path: Path, sheets: dict, *, title_rows: int = 0, merge=None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i in range(title_rows):
            ws.append([f"{name}明细（DMS 导出 2026-11-01）"] if i == 0 else [])
        for r in rows:
            ws.append([None if v == "" else v for v in r])
        if merge and name in merge:
            ws.merge_cells(merge[name])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csvs(folder: Path, sheets: dict, *, encoding="utf-8", delimiter=",") -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, rows in sheets.items():
        if encoding in ("gbk", "gb18030"):
            rows = [[str(c).replace("¥", "￥") for c in r] for r in rows]
        with open(folder / f"{name}.csv", "w", encoding=encoding, newline="") as fh:
            csv.writer(fh, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return folder


BAD_CASES: list[dict] = []
GOOD_CASES: list[dict] = []


def bad(case, path, table, source, row, column, rule):
    BAD_CASES.append(dict(case=case, path=path, table=table, source=source, row="" if row is None else row,
                          column=column or "", rule=rule))


def good(case, path, warning=""):
    GOOD_CASES.append(dict(case=case, path=path, warning=warning))


# ------------------------------------------------------------------------------------------------ bad cases


def make_bad() -> None:
    OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

    # ---- files that are not (readable) workbooks
    bad("missing-file", "does-not-exist.xlsx", "", "does-not-exist.xlsx", None, "", "file_missing")
    (BAD / "empty.xlsx").write_bytes(b"")
    bad("empty-file", "empty.xlsx", "", "empty.xlsx", None, "", "file_empty")
    good_bytes = write_xlsx(BAD / "_tmp.xlsx", base()).read_bytes()
    (BAD / "_tmp.xlsx").unlink()
    (BAD / "corrupt-zip.xlsx").write_bytes(good_bytes[: len(good_bytes) // 2])
    bad("corrupt-zip", "corrupt-zip.xlsx", "", "corrupt-zip.xlsx", None, "", "not_workbook")
    (BAD / "text-renamed.xlsx").write_text("门店编码,门店名称\nS01,一店\n", encoding="utf-8")
    bad("text-renamed-as-xlsx", "text-renamed.xlsx", "", "text-renamed.xlsx", None, "", "not_workbook")
    (BAD / "password.xlsx").write_bytes(OLE + "EncryptedInfo".encode("utf-16-le") + b"\x00\x00" + "EncryptedPackage".encode("utf-16-le"))
    bad("password-protected", "password.xlsx", "", "password.xlsx", None, "", "encrypted")
    (BAD / "ole-renamed.xlsx").write_bytes(OLE + b"Workbook")
    bad("old-xls-renamed-xlsx", "ole-renamed.xlsx", "", "ole-renamed.xlsx", None, "", "encrypted_or_xls")
    (BAD / "old-format.xls").write_bytes(OLE + b"Workbook")
    bad("old-xls", "old-format.xls", "", "old-format.xls", None, "", "xls_format")
    (BAD / "single-table.csv").write_text("门店编码,门店名称\nS01,一店\n", encoding="utf-8")
    bad("single-csv-file", "single-table.csv", "", "single-table.csv", None, "", "single_csv")
    (BAD / "notes.txt.docx").write_bytes(b"PK\x03\x04")
    bad("unsupported-type", "notes.txt.docx", "", "notes.txt.docx", None, "", "unsupported_file")

    # ---- sheets / tables
    s = base()
    write_xlsx(BAD / "wrong-sheet-names.xlsx", {"Sheet1": s["门店"], "Sheet2": s["潜客"]})
    bad("wrong-sheet-names", "wrong-sheet-names.xlsx", "", "wrong-sheet-names.xlsx", None, "", "no_tables")
    s = base()
    del s["门店"]
    write_xlsx(BAD / "no-stores-sheet.xlsx", s)
    bad("required-sheet-missing", "no-stores-sheet.xlsx", "stores", "no-stores-sheet.xlsx", None, "", "table_missing")
    (BAD / "empty-folder").mkdir(exist_ok=True)
    (BAD / "empty-folder" / ".keep").write_text("")
    bad("empty-folder", "empty-folder", "", "empty-folder", None, "", "no_tables")
    s = base()
    s["门店"] = s["门店"][:1]
    write_xlsx(BAD / "stores-header-only.xlsx", s)
    bad("header-only-stores-xlsx", "stores-header-only.xlsx", "stores", "stores-header-only.xlsx:门店", 1, "", "table_empty")
    f = write_csvs(BAD / "stores-header-only-csv", base())
    (f / "门店.csv").write_text("门店编码,门店名称,业务类型\n", encoding="utf-8")
    bad("header-only-stores-csv", "stores-header-only-csv", "stores", "门店.csv", 1, "", "table_empty")
    f = write_csvs(BAD / "empty-csv", base())
    (f / "潜客.csv").write_bytes(b"")
    bad("empty-csv-file", "empty-csv", "leads", "潜客.csv", None, "", "file_empty")
    f = write_csvs(BAD / "blank-lines-csv", base())
    (f / "潜客.csv").write_text("\n\n,,,\n", encoding="utf-8")
    bad("blank-lines-only-csv", "blank-lines-csv", "leads", "潜客.csv", None, "", "file_empty")
    f = write_csvs(BAD / "two-files-one-table", base())
    shutil.copy(f / "门店.csv", f / "stores.csv")
    bad("table-twice", "two-files-one-table", "stores", "门店.csv", None, "", "table_duplicate")

    # ---- encodings and CSV syntax
    f = write_csvs(BAD / "mixed-encoding", base())
    lines = (f / "潜客.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (f / "潜客.csv").write_bytes("".join(lines[:3]).encode("utf-8") + "".join(lines[3:]).encode("gbk"))
    bad("mixed-utf8-gbk", "mixed-encoding", "leads", "潜客.csv", 4, "", "encoding_mixed")
    f = write_csvs(BAD / "unknown-encoding", base())
    (f / "潜客.csv").write_bytes("客户编号,门店编码\n".encode().replace(b"\xe5", b"\xff") + b"L1,S01\n")
    bad("unknown-encoding", "unknown-encoding", "leads", "潜客.csv", 1, "", "encoding_unknown")
    f = write_csvs(BAD / "unclosed-quote", base())
    with open(f / "潜客.csv", "a", encoding="utf-8") as fh:
        fh.write('"L009,S01,E01,2026-10-09,到店,自然到店,跟进中,,\n')
    bad("csv-unclosed-quote", "unclosed-quote", "leads", "潜客.csv", 6, "", "csv_malformed")
    f = write_csvs(BAD / "shifted-row-csv", base())
    with open(f / "潜客.csv", "a", encoding="utf-8") as fh:  # an unquoted comma in the channel shifts the row right
        fh.write("L009,S01,E01,2026-10-09,到店,自然到店,老客户,转介绍,成交,2026-10-10,A01\n")
    bad("csv-filled-cell-beyond-header", "shifted-row-csv", "leads", "潜客.csv", 6, "", "csv_malformed")

    # ---- headers
    s = base()
    s["潜客"] = [r[:6] + r[7:] for r in s["潜客"]]  # drop 状态
    write_xlsx(BAD / "missing-column.xlsx", s, title_rows=1)
    bad("missing-required-column", "missing-column.xlsx", "leads", "missing-column.xlsx:潜客", 2, "状态", "column_missing")
    s = base()
    s["销售"][0].append("成交价（元）")
    for r in s["销售"][1:]:
        r.append("1")
    write_xlsx(BAD / "duplicate-column.xlsx", s)
    bad("duplicate-column", "duplicate-column.xlsx", "sales", "duplicate-column.xlsx:销售", 1, "成交价（元）", "column_duplicate")
    s = base()
    s["潜客"][0] = ["编号", "店", "人", "日", "方式", "渠道", "结果", "结束", "客户"]
    write_xlsx(BAD / "header-not-found.xlsx", s)
    bad("header-not-recognised", "header-not-found.xlsx", "leads", "header-not-found.xlsx:潜客", 1, "", "header_not_found")
    s = base()
    s["潜客"] = [[r[0], None] + r[2:] if i == 0 else r for i, r in enumerate(s["潜客"])]
    write_xlsx(BAD / "merged-header.xlsx", s, merge={"潜客": "A1:B1"})
    bad("merged-header-cells", "merged-header.xlsx", "leads", "merged-header.xlsx:潜客", 1, "门店编码", "store_id_required")
    f = write_csvs(BAD / "no-store-id-multi-store", {k: v for k, v in base().items()})
    rows = [[r[0]] + r[2:] for r in BASE["潜客"]]
    with open(f / "潜客.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    bad("store-id-missing-multi-store", "no-store-id-multi-store", "leads", "潜客.csv", 1, "门店编码", "store_id_required")

    # ---- values (xlsx)
    def x(case, fname, sheet, data_row, header, value, table, rule, *, title_rows=0, column=None):
        s = setv(base(), sheet, data_row, header, value)
        write_xlsx(BAD / fname, s, title_rows=title_rows)
        bad(case, fname, table, f"{fname}:{sheet}", data_row + 1 + title_rows, column or header, rule)

    x("bad-enum", "bad-enum.xlsx", "潜客", 2, "首次接触方式", "微信", "leads", "enum_invalid")
    x("bad-enum-english", "bad-enum-english.xlsx", "销售", 1, "销售渠道", "online", "sales", "enum_invalid")
    x("unparseable-date", "unparseable-date.xlsx", "潜客", 3, "建档日期", "上周三", "leads", "date_invalid")
    x("impossible-date-feb-30", "impossible-date.xlsx", "潜客", 1, "建档日期", "2026-02-30", "leads", "date_impossible")
    x("impossible-month-13", "month-13.xlsx", "维修工单", 2, "进厂日期", "2026/13/01", "service_orders", "date_impossible")
    x("date-before-1950", "date-1900.xlsx", "员工", 2, "入职日期", "1900-01-01", "staff", "date_out_of_range")
    x("date-order-closed-before-created", "date-order.xlsx", "潜客", 3, "结案日期", "2026-09-01", "leads", "date_order")
    x("text-in-number", "text-in-number.xlsx", "销售", 2, "成交价(元)", "三十五万", "sales", "number_invalid")
    x("negative-money-price", "negative-price.xlsx", "销售", 1, "成交价(元)", -120000, "sales", "below_min")
    x("negative-money-revenue", "negative-revenue.xlsx", "衍生产品", 2, "收入", "-5,000", "addons", "below_min")
    x("fractional-crew", "fractional-crew.xlsx", "维修工单", 1, "班组人数", "2.5", "service_orders", "int_invalid")
    x("bad-boolean", "bad-boolean.xlsx", "试乘试驾", 1, "是否邀约", "也许", "test_drives", "bool_invalid")
    x("bad-period", "bad-period.xlsx", "目标", 1, "月份", "十月", "targets", "period_invalid")
    x("required-value-empty", "required-empty.xlsx", "潜客", 4, "建档日期", "", "leads", "required_value")
    x("store-id-blank-multi-store", "store-id-blank.xlsx", "销售", 2, "门店编码", "", "sales", "required_value")
    x("duplicate-id", "duplicate-id.xlsx", "潜客", 4, "客户编号", "L002", "leads", "duplicate_key")
    x("duplicate-target-row", "duplicate-target.xlsx", "目标", 2, "员工编号", "", "targets", "duplicate_row")
    x("dangling-lead", "dangling-lead.xlsx", "试乘试驾", 2, "客户编号", "L999", "test_drives", "reference_missing")
    x("dangling-sale", "dangling-sale.xlsx", "衍生产品", 1, "销售编号", "X99", "addons", "reference_missing")
    x("dangling-account", "dangling-account.xlsx", "销售", 1, "大客户编号", "A99", "sales", "reference_missing")
    x("dangling-staff", "dangling-staff.xlsx", "销售", 2, "销售顾问编号", "E99", "sales", "reference_missing")
    x("dangling-store", "dangling-store.xlsx", "潜客", 2, "门店编码", "S09", "leads", "reference_missing")
    x("won-without-closed-date", "won-no-closed.xlsx", "潜客", 1, "结案日期", "", "leads", "closed_date_required")
    x("lost-without-closed-date", "lost-no-closed.xlsx", "潜客", 3, "结案日期", "", "leads", "closed_date_required", title_rows=2)
    x("score-11", "score-11.xlsx", "满意度调查", 2, "表现得分", 11, "surveys", "above_max")
    x("score-0", "score-0.xlsx", "满意度调查", 3, "表现得分", "0", "surveys", "below_min")
    x("expectation-12", "expectation-12.xlsx", "满意度调查", 1, "期望得分", "12", "surveys", "above_max")
    x("tax-rate-150pct", "tax-rate.xlsx", "月度财务", 1, "所得税率", "150%", "monthly_finance", "above_max")
    x("bad-value-under-title-rows", "title-rows-bad.xlsx", "销售", 1, "车型", "", "sales", "required_value", title_rows=3)

    # ---- values (CSV folders: encodings, delimiters)
    s = setv(base(), "潜客", 2, "首次接触方式", "微信")
    write_csvs(BAD / "gbk-bad-enum", s, encoding="gbk")
    bad("gbk-csv-bad-enum", "gbk-bad-enum", "leads", "潜客.csv", 3, "首次接触方式", "enum_invalid")
    s = setv(base(), "销售", 1, "成交价(元)", "面议")
    write_csvs(BAD / "tab-text-in-number", s, delimiter="\t", encoding="utf-8-sig")
    bad("tab-csv-text-in-number", "tab-text-in-number", "sales", "销售.csv", 2, "成交价(元)", "number_invalid")

    # ---- .xlsm with macros and a bad value: the data is still checked
    s = setv(base(), "满意度调查", 1, "表现得分", "10分")
    write_xlsx(BAD / "macros-bad.xlsm", s)
    bad("xlsm-with-bad-value", "macros-bad.xlsm", "surveys", "macros-bad.xlsm:满意度调查", 2, "表现得分", "number_invalid")

    # ---- 50 000-row file with one bad row deep inside
    rng = np.random.default_rng(SEED)
    n = 50_000
    bad_at = 37_451  # 0-based data index → Excel/CSV row 37 453 (header on row 1)
    days = (pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 600, n), unit="D")).strftime("%Y-%m-%d")
    contact = np.array(["到店", "来电", "网络"])[rng.integers(0, 3, n)]
    stores = np.array(["S01", "S02"])[rng.integers(0, 2, n)]
    rows = [["客户编号", "门店编码", "建档日期", "首次接触方式", "状态"]]
    rows += [[f"L{i:06d}", st, d, c, "跟进中"] for i, (st, d, c) in enumerate(zip(stores, days, contact))]
    rows[bad_at + 1][2] = "2025-06-31"
    s = base()
    s["潜客"] = rows
    for t in ("试乘试驾", "销售", "衍生产品"):
        del s[t]
    write_csvs(BAD / "large-one-bad-row", s)
    bad("large-50000-rows-one-bad", "large-one-bad-row", "leads", "潜客.csv", bad_at + 2, "建档日期", "date_impossible")


# ------------------------------------------------------------------------------------------------ hostile files (issue 16)


def patch_part(path: Path, part: str, edit) -> Path:
    """Rewrite one part of an .xlsx: ``edit(bytes) -> bytes`` (to write what openpyxl will not)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(name, edit(data) if name == part else data)
    return path


def sheet_part(sheets: dict, sheet: str) -> str:
    return f"xl/worksheets/sheet{list(sheets).index(sheet) + 1}.xml"


def _error_cell(ref: str, formula: str, error: str):
    """An edit turning openpyxl's uncalculated formula cell ``ref`` into a cell holding the error ``error``."""
    pattern = rb'<c r="' + ref.encode() + rb'"><f>' + re.escape(formula.encode()) + rb"</f><v\s*(?:/>|>\s*</v>)</c>"
    new = b'<c r="' + ref.encode() + b'" t="e"><f>' + formula.encode() + b"</f><v>" + error.encode() + b"</v></c>"

    def edit(data: bytes) -> bytes:
        out, n = re.subn(pattern, new, data)
        assert n == 1, (ref, data[:300])
        return out

    return edit


def make_hostile() -> None:
    """Files that crashed the reader, exhausted memory or loaded a wrong value silently (issue 16)."""
    import zipfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    # ---- bounded memory: a stray cell far away; a header cell at XFD1; a part that inflates 50× the file
    write_xlsx(BAD / "stray-cell-xfd1048576.xlsx", base())
    wb = openpyxl.load_workbook(BAD / "stray-cell-xfd1048576.xlsx")
    wb["潜客"]["XFD1048576"] = "x"
    wb.save(BAD / "stray-cell-xfd1048576.xlsx")
    bad("xlsx-stray-cell-xfd1048576", "stray-cell-xfd1048576.xlsx", "leads", "stray-cell-xfd1048576.xlsx:潜客", 1048576, "",
        "sheet_too_large")
    s = base()
    s["潜客"] += [[f"L{i:04d}", "S01", "E01", "2026-10-05", "到店", "自然到店", "跟进中", "", ""] for i in range(10, 160)]
    write_xlsx(BAD / "header-cell-xfd1.xlsx", s)
    wb = openpyxl.load_workbook(BAD / "header-cell-xfd1.xlsx")
    wb["潜客"]["XFD1"] = "备注"
    wb.save(BAD / "header-cell-xfd1.xlsx")
    bad("xlsx-header-cell-xfd1", "header-cell-xfd1.xlsx", "leads", "header-cell-xfd1.xlsx:潜客", 1, "", "sheet_too_large")
    # one shared string of 4 MB in a 16 KB file (openpyxl writes inline strings: the part is added by hand)
    s = setv(base(), "潜客", 2, "来源渠道", "BOMB")
    path = write_xlsx(BAD / "shared-strings-bomb.xlsx", s)
    big = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           b'count="1" uniqueCount="1"><si><t>' + b"A" * (4 << 20) + b"</t></si></sst>")
    with zipfile.ZipFile(path) as z:
        parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            if name == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            if name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            if name == sheet_part(s, "潜客"):
                data = re.sub(rb'<c r="F3" t="inlineStr"><is><t>BOMB</t></is></c>', b'<c r="F3" t="s"><v>0</v></c>', data)
            z.writestr(name, data)
        z.writestr("xl/sharedStrings.xml", big)
    bad("xlsx-shared-strings-inflate", "shared-strings-bomb.xlsx", "", "shared-strings-bomb.xlsx", None, "", "xlsx_part_too_large")

    def x(case, fname, sheet, data_row, header, value, table, rule, *, column=None, sheets=None):
        s = setv(sheets or base(), sheet, data_row, header, value)
        write_xlsx(BAD / fname, s)
        bad(case, fname, table, f"{fname}:{sheet}", data_row + 1, column or header, rule)
        return BAD / fname

    # ---- dates that wrapped around (2611 → 2026, 9999 → 1816) and a date more than a year ahead
    x("date-2611-text", "date-2611.xlsx", "潜客", 2, "建档日期", "2611-05-11", "leads", "date_too_late")
    x("date-9999-12-31-cell", "date-9999.xlsx", "员工", 1, "入职日期", dt.datetime(9999, 12, 31), "staff", "date_too_late")
    x("date-2062-visit", "date-2062.xlsx", "维修工单", 1, "进厂日期", "2062-03-01", "service_orders", "date_too_late")
    folder = BAD / "parquet-date-9999"
    folder.mkdir()
    pd.DataFrame(BASE["门店"][1:], columns=BASE["门店"][0]).to_parquet(folder / "门店.parquet", index=False)
    leads = pd.DataFrame(BASE["潜客"][1:], columns=BASE["潜客"][0])
    t = pa.Table.from_pandas(leads.drop(columns=["建档日期"]), preserve_index=False)
    t = t.add_column(3, "建档日期", pa.array([dt.datetime(2026, 10, 1), dt.datetime(9999, 12, 31), dt.datetime(2026, 10, 3),
                                           dt.datetime(2026, 10, 4)], pa.timestamp("us")))
    pq.write_table(t, folder / "潜客.parquet")
    bad("parquet-timestamp-9999", "parquet-date-9999", "leads", "潜客.parquet", 3, "建档日期", "date_too_late")

    # ---- numbers: percent outside a rate column, decimal comma, 1e308, inf
    s = base()
    s["烤房使用"] = [["门店编码", "日期", "烤房编号", "可用分钟", "使用分钟"], ["S02", "2026-10-05", "B1", "480", "85%"]]
    x("percent-in-minutes", "percent-minutes.xlsx", "烤房使用", 1, "使用分钟", "85%", "booth_usage", "number_percent", sheets=s)
    x("percent-in-volume-target", "percent-volume-target.xlsx", "目标", 1, "目标值", "95%", "targets", "number_percent")
    x("decimal-comma-european", "decimal-comma.xlsx", "销售", 1, "单车毛利", "1.234,56", "sales", "number_decimal_comma")
    x("decimal-comma-99300", "decimal-comma-2.xlsx", "销售", 2, "成交价(元)", "99300,00", "sales", "number_decimal_comma")
    x("number-1e308", "number-1e308.xlsx", "销售", 1, "单车毛利", "1e308", "sales", "number_too_large")
    x("number-inf-text", "number-inf.xlsx", "衍生产品", 2, "收入", "inf", "addons", "number_not_finite")

    # ---- survey response without its 总体满意度 row
    x("survey-without-overall", "survey-no-overall.xlsx", "满意度调查", 3, "题项", "交车仪式", "surveys", "survey_overall_missing")

    # ---- formula without a cached value (required column); Excel error values (optional and required column)
    x("formula-without-value", "formula-no-value.xlsx", "销售", 2, "成交价(元)", "=SUM(1,2)", "sales", "cell_formula")
    s = setv(base(), "销售", 1, "单车毛利", "=NA()")
    patch_part(write_xlsx(BAD / "error-cell.xlsx", s), sheet_part(s, "销售"), _error_cell("I2", "NA()", "#N/A"))
    bad("excel-error-value-optional-column", "error-cell.xlsx", "sales", "error-cell.xlsx:销售", 2, "单车毛利", "cell_error")
    s = setv(base(), "潜客", 3, "建档日期", "=1/0")
    patch_part(write_xlsx(BAD / "div0-required.xlsx", s), sheet_part(s, "潜客"), _error_cell("D4", "1/0", "#DIV/0!"))
    bad("excel-div0-required-column", "div0-required.xlsx", "leads", "div0-required.xlsx:潜客", 4, "建档日期", "cell_error")

    # ---- invisible characters in ids: control (CSV: openpyxl refuses them), zero-width, right-to-left override
    write_csvs(BAD / "control-char-id", setv(base(), "门店", 2, "门店编码", "S0\a3"))
    bad("control-char-store-id", "control-char-id", "stores", "门店.csv", 3, "门店编码", "id_invisible")
    x("zero-width-id", "zero-width-id.xlsx", "销售", 1, "销售编号", "X\u200b1", "sales", "id_invisible")
    x("rtl-override-id", "rtl-id.xlsx", "潜客", 4, "客户编号", "\u202eL004", "leads", "id_invisible")

    # ---- CSV: a stray BOM in the middle of leads; cells beyond Excel's 32 767 characters
    f = write_csvs(BAD / "bom-mid-file", base())
    lines = (f / "潜客.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = "\ufeff" + lines[3]
    (f / "潜客.csv").write_text("".join(lines), encoding="utf-8")
    bad("stray-bom-mid-leads", "bom-mid-file", "leads", "潜客.csv", 4, "客户编号", "id_invisible")
    write_csvs(BAD / "huge-cell-csv", setv(base(), "潜客", 1, "来源渠道", "长" * 150_000))
    bad("csv-cell-150000-chars", "huge-cell-csv", "leads", "潜客.csv", 2, "来源渠道", "cell_too_long")
    write_csvs(BAD / "long-cell-csv", setv(base(), "潜客", 2, "来源渠道", "长" * 40_000))
    bad("csv-cell-40000-chars", "long-cell-csv", "leads", "潜客.csv", 3, "来源渠道", "cell_too_long")

    # ---- Parquet: truncated, nested column
    folder = BAD / "parquet-truncated"
    folder.mkdir()
    pd.DataFrame(BASE["门店"][1:], columns=BASE["门店"][0]).to_parquet(folder / "门店.parquet", index=False)
    leads.to_parquet(folder / "潜客.parquet", index=False)
    data = (folder / "潜客.parquet").read_bytes()
    (folder / "潜客.parquet").write_bytes(data[: len(data) * 2 // 3])
    bad("parquet-truncated", "parquet-truncated", "leads", "潜客.parquet", None, "", "parquet_invalid")
    folder = BAD / "parquet-nested"
    folder.mkdir()
    pd.DataFrame(BASE["门店"][1:], columns=BASE["门店"][0]).to_parquet(folder / "门店.parquet", index=False)
    t = pa.Table.from_pandas(leads, preserve_index=False).append_column("标签", pa.array([["a"], ["b", "c"], [], ["d"]]))
    pq.write_table(t, folder / "潜客.parquet")
    bad("parquet-nested-column", "parquet-nested", "leads", "潜客.parquet", 1, "标签", "parquet_nested")


# ------------------------------------------------------------------------------------------------ good cases


def make_good() -> None:
    write_xlsx(GOOD / "baseline.xlsx", base())
    good("baseline-xlsx", "baseline.xlsx")
    write_csvs(GOOD / "tab-delimited", base(), delimiter="\t")
    good("tab-delimited", "tab-delimited")
    write_csvs(GOOD / "gbk", base(), encoding="gbk")
    good("gbk-csv", "gbk")
    write_csvs(GOOD / "utf8-bom", base(), encoding="utf-8-sig")
    good("utf8-bom-csv", "utf8-bom")
    write_csvs(GOOD / "utf16-tab", base(), encoding="utf-16", delimiter="\t")
    good("utf16-excel-unicode-text", "utf16-tab")

    s = base()
    for r in s["销售"][1:]:
        r[7] = r[7].replace("¥", "").translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    setv(s, "潜客", 1, "建档日期", "２０２６－１０－０１")
    write_xlsx(GOOD / "full-width-digits.xlsx", s)
    good("full-width-digits", "full-width-digits.xlsx")

    s = base()
    for rows in s.values():
        rows += [[""] * len(rows[0])] * 5
    write_xlsx(GOOD / "trailing-blank-rows.xlsx", s)
    good("trailing-blank-rows-xlsx", "trailing-blank-rows.xlsx")
    f = write_csvs(GOOD / "trailing-blank-rows-csv", base())
    with open(f / "潜客.csv", "a", encoding="utf-8") as fh:
        fh.write(",,,,,,,,\n\n\n")
    good("trailing-blank-rows-csv", "trailing-blank-rows-csv")

    s = base()
    setv(s, "潜客", 1, "建档日期", 46296)  # 46296 = 2026-10-01
    setv(s, "潜客", 2, "建档日期", 46297.5)  # a serial with a time of day
    setv(s, "销售", 1, "开票日期", "46305")  # serial typed as text = 2026-10-10
    write_xlsx(GOOD / "excel-serial-dates.xlsx", s)
    good("excel-serial-dates", "excel-serial-dates.xlsx")

    s = base()
    setv(s, "潜客", 1, "建档日期", "2026年10月1日")
    setv(s, "潜客", 2, "建档日期", "2026.10.02")
    setv(s, "潜客", 3, "建档日期", dt.datetime(2026, 10, 3, 15, 42))
    setv(s, "潜客", 4, "建档日期", "2026/10/4")
    write_xlsx(GOOD / "date-spellings.xlsx", s)
    good("date-spellings", "date-spellings.xlsx")

    s = base()
    setv(s, "销售", 1, "成交价(元)", "¥12,345")
    setv(s, "销售", 2, "成交价(元)", "350,000元")
    setv(s, "衍生产品", 1, "收入", "￥3,000.00")
    write_xlsx(GOOD / "money-spellings.xlsx", s)
    good("money-yen-thousands", "money-spellings.xlsx")

    write_xlsx(GOOD / "title-rows.xlsx", base(), title_rows=3)
    good("title-rows-xlsx", "title-rows.xlsx")
    f = write_csvs(GOOD / "title-rows-csv", base(), encoding="gbk")
    text = (f / "潜客.csv").read_text(encoding="gbk")
    (f / "潜客.csv").write_text("潜客明细表\n导出时间：2026-11-01\n\n" + text, encoding="gbk")
    good("title-rows-csv-gbk", "title-rows-csv")

    s = base()
    for rows in s.values():
        rows.insert(1, ["说明：" + str(h) for h in rows[0]])
    write_xlsx(GOOD / "notes-row.xlsx", s)
    good("template-notes-row", "notes-row.xlsx")

    s = base()
    s["销售"][0][7] = "成交价（元）"
    s["销售"][0][5] = " 销售渠道 "
    s["潜客"][0][0] = "客户编号*"
    write_xlsx(GOOD / "header-variants.xlsx", s)
    good("header-units-spaces-marks", "header-variants.xlsx")

    from dealerlab.data.schema import TABLES

    en = {}
    for sheet, rows in base().items():
        t = next(t for t in TABLES.values() if t.zh == sheet)
        by_zh = {c.zh: c.name for c in t.columns}
        header = [by_zh.get(h.split("(")[0], h) for h in rows[0]]
        en[t.name] = [header] + rows[1:]
    setv(en, "leads", 1, "first_contact", "Walk-in")
    setv(en, "leads", 1, "status", "WON")
    write_xlsx(GOOD / "english.xlsx", en)
    good("english-names-and-values", "english.xlsx")

    s = {"门店": [["门店编码", "门店名称"], ["S01", "一店"]],
         "潜客": [["客户编号", "建档日期", "首次接触方式", "状态"], ["L1", "2026-10-01", "到店", "跟进中"]],
         "销售": [["销售编号", "销售顾问编号", "开票日期", "销售渠道", "车型", "成交价"], ["X1", "E1", "2026-10-02", "展厅", "轩逸", "100000"]]}
    write_xlsx(GOOD / "single-store-no-store-id.xlsx", s)
    good("single-store-without-store-id", "single-store-no-store-id.xlsx")

    s = base()
    setv(s, "试乘试驾", 1, "是否邀约", "√")
    setv(s, "试乘试驾", 2, "是否邀约", "")
    setv(s, "维修工单", 1, "是否返修", "N")
    setv(s, "维修工单", 2, "是否返修", "TRUE")
    write_xlsx(GOOD / "booleans.xlsx", s)
    good("boolean-spellings", "booleans.xlsx")

    s = base()
    setv(s, "员工", 3, "员工编号", "003")  # E03 is referenced nowhere
    write_xlsx(GOOD / "leading-zero-ids.xlsx", s)
    good("leading-zero-ids", "leading-zero-ids.xlsx")

    write_xlsx(GOOD / "macros.xlsm", base())
    good("xlsm-macros-warned", "macros.xlsm", "macros_ignored")

    # a date after today is a warning, more than a year ahead an error: relative to today (tests/test_data_hostile.py)

    write_csvs(GOOD / "utf16le-no-bom", base(), encoding="utf-16-le")
    good("utf16le-without-bom", "utf16le-no-bom")

    s = base()
    s["目标"].append(["S01", "2026-10", "成交率", "", "35%"])
    s["月度财务"][1][3] = "25%"
    write_xlsx(GOOD / "percent-in-rates.xlsx", s)
    good("percent-in-rate-columns", "percent-in-rates.xlsx")

    s = base()
    s["备注"] = [["随便写写"]]
    s["门店"][0].append("店长手机")
    for r in s["门店"][1:]:
        r.append("13800000000")
    write_xlsx(GOOD / "extra-sheet-and-column.xlsx", s)
    good("unknown-sheet-and-column-warned", "extra-sheet-and-column.xlsx", "sheet_unknown")

    s = setv(base(), "员工", 1, "岗位", "洗车工")
    write_xlsx(GOOD / "open-enum-role.xlsx", s)
    good("open-enum-role-warned", "open-enum-role.xlsx", "enum_open")

    folder = GOOD / "parquet"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for sheet in ("门店", "潜客"):
        rows = BASE[sheet]
        pd.DataFrame(rows[1:], columns=rows[0]).to_parquet(folder / f"{sheet}.parquet", index=False)
    good("parquet-folder", "parquet")


# --------------------------------------------------------------------------------- module 8 (stock and OEM policy)


def policy_base() -> dict[str, list[list]]:
    """The base workbook plus the four module-8 sheets (stock, OEM orders, the rebate policy, OEM scores)."""
    s = base()
    s["库存车辆"] = [["车架号", "门店编码", "车型", "入库日期", "出库日期", "采购成本", "销售编号"],
                 ["LSGAB12C3D4567890", "S01", "轩逸", "2026-09-20", "2026-10-10", "110,000", "X1"],
                 ["LFWAB12C3D4567891", "S02", "解放J6", "2026-09-01", "2026-10-12", "330000", "X2"],
                 ["LSGAB12C3D4567892", "S01", "轩逸", "2026-07-15", "", "108000", ""]]
    s["厂家订车"] = [["门店编码", "月份", "车型", "订车台数", "CALL OFF台数", "备注"],
                 ["S01", "2026-10", "轩逸", "12", "10", ""],
                 ["S02", "2026-10", "解放J6", "6", "6", ""]]
    s["商务政策"] = [["门店编码", "月份", "项目", "依据指标", "门槛", "每台返利", "一次性奖励"],
                 ["", "", "VP达成奖", "vp_achievement", "95%", "300", ""],
                 ["", "", "VP达成奖", "VP达成率", "100%", "800", "50,000"],
                 ["S01", "", "暗访奖", "score", "85", "200", ""]]
    s["厂家评分"] = [["门店编码", "月份", "项目", "得分"], ["S01", "2026-10", "暗访", "88"]]
    return s


def make_policy() -> None:
    write_xlsx(GOOD / "policy-tables.xlsx", policy_base())
    good("policy-tables", "policy-tables.xlsx")
    write_xlsx(GOOD / "call-off-over-order.xlsx", setv(policy_base(), "厂家订车", 1, "CALL OFF台数", "14"))
    good("call-off-over-order-warns", "call-off-over-order.xlsx", "call_off_over_order")
    s = setv(setv(policy_base(), "厂家订车", 1, "CALL OFF台数", "14"), "厂家订车", 1, "备注", "含9月订单2台")
    write_xlsx(GOOD / "call-off-over-order-noted.xlsx", s)
    good("call-off-over-order-noted", "call-off-over-order-noted.xlsx")

    write_xlsx(BAD / "sold-before-arrival.xlsx", setv(policy_base(), "库存车辆", 1, "出库日期", "2026-09-10"))
    bad("sold-before-arrival", "sold-before-arrival.xlsx", "inventory", "sold-before-arrival.xlsx:库存车辆", 2, "出库日期", "date_order")
    write_xlsx(BAD / "stock-dangling-sale.xlsx", setv(policy_base(), "库存车辆", 2, "销售编号", "X77"))
    bad("stock-dangling-sale", "stock-dangling-sale.xlsx", "inventory", "stock-dangling-sale.xlsx:库存车辆", 3, "销售编号", "reference_missing")
    write_xlsx(BAD / "stock-duplicate-vin.xlsx", setv(policy_base(), "库存车辆", 3, "车架号", "LSGAB12C3D4567890"))
    bad("stock-duplicate-vin", "stock-duplicate-vin.xlsx", "inventory", "stock-duplicate-vin.xlsx:库存车辆", 4, "车架号", "duplicate_key")
    write_xlsx(BAD / "rebate-tier-descending.xlsx", setv(policy_base(), "商务政策", 2, "每台返利", "200"))
    bad("rebate-tier-descending", "rebate-tier-descending.xlsx", "oem_policy", "rebate-tier-descending.xlsx:商务政策", 3, "门槛", "tier_order")
    write_xlsx(BAD / "rebate-item-unknown.xlsx", setv(policy_base(), "商务政策", 3, "项目", "冲量奖"))
    bad("rebate-item-unknown", "rebate-item-unknown.xlsx", "oem_policy", "rebate-item-unknown.xlsx:商务政策", 4, "项目", "enum_invalid")
    write_xlsx(BAD / "oem-order-negative.xlsx", setv(policy_base(), "厂家订车", 1, "订车台数", "-2"))
    bad("oem-order-negative", "oem-order-negative.xlsx", "oem_orders", "oem-order-negative.xlsx:厂家订车", 2, "订车台数", "below_min")


def write_manifest(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main() -> None:
    kept = {f: f.read_bytes() for f in (BAD / "README.md",) if f.exists()}  # written by hand
    for folder in (BAD, GOOD):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    for f, data in kept.items():
        f.write_bytes(data)
    make_bad()
    make_hostile()
    make_good()
    make_policy()
    write_manifest(BAD / "cases.csv", BAD_CASES)
    write_manifest(GOOD / "cases.csv", GOOD_CASES)
    print(f"{len(BAD_CASES)} bad cases in {BAD}, {len(GOOD_CASES)} good cases in {GOOD}")


if __name__ == "__main__":
    main()
