"""The empty client workbook: sheets, headers, notes row, drop-downs; filled, the loader accepts it."""

from __future__ import annotations

import openpyxl
import pytest

from dealerlab.cli import main
from dealerlab.data import TABLES, load, write_template
from dealerlab.data.template import LISTS_SHEET, notes_text
from dealerlab.errors import DataValidationError
from tests.data_contract.test_load import BASE, TODAY


def fill(path, sheets, *, keep_notes=True):
    """Write BASE-like rows (Chinese headers) under the template's headers, from row 3 (or 2 without notes)."""
    wb = openpyxl.load_workbook(path)
    for name, rows in sheets.items():
        ws = wb[name]
        headers = [c.value for c in ws[1]]
        if not keep_notes:
            ws.delete_rows(2)
        start = 3 if keep_notes else 2
        for i, row in enumerate(rows[1:]):
            for h, v in zip(rows[0], row):
                key = h.split("(")[0]
                ws.cell(row=start + i, column=headers.index(key) + 1, value=v)
    wb.save(path)
    return path


def test_template_layout(tmp_path):
    path = write_template(tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "填写说明"
    assert [TABLES[t].zh for t in TABLES] == [s for s in wb.sheetnames if s not in ("填写说明", LISTS_SHEET)]
    ws = wb["潜客"]
    assert [c.value for c in ws[1]] == [c.zh for c in TABLES["leads"].columns]
    assert ws.cell(row=2, column=1).value.startswith("说明：")
    status = ws.cell(row=2, column=TABLES["leads"].names.index("status") + 1).value
    assert "必填" in status and "跟进中/成交/战败" in status
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"跟进中,成交,战败"' in formulas and '"是,否"' not in formulas  # leads has no yes/no column
    assert ws.freeze_panes == "A3"


def test_template_long_list_in_hidden_sheet(tmp_path, monkeypatch):
    import dealerlab.data.template as template

    monkeypatch.setattr(template, "INLINE_LIMIT", 40)  # the role list (18 roles) then moves to the hidden sheet
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    staff = wb["员工"]
    role_dv = [dv for dv in staff.data_validations.dataValidation if LISTS_SHEET in dv.formula1]
    assert role_dv and role_dv[0].errorStyle == "information"  # 岗位 is an open enumeration


def test_notes_text():
    col = TABLES["surveys"].column("performance")
    assert notes_text(col) == "说明：数字｜必填｜范围 1–10"
    assert notes_text(col, "en").startswith("说明：number｜required｜range 1–10")


def test_empty_template_needs_stores(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    with pytest.raises(DataValidationError) as info:
        load(path, today=TODAY)
    assert [p.rule for p in info.value.problems] == ["table_empty"]


@pytest.mark.parametrize("keep_notes", [True, False])
def test_filled_template_is_accepted(tmp_path, keep_notes):
    path = fill(write_template(tmp_path / "t.xlsx"), BASE, keep_notes=keep_notes)
    ds = load(path, today=TODAY)
    assert ds.store_ids == ["S01", "S02"]
    assert ds.sales["price"].tolist() == [120000.0]
    assert len(ds.leads) == 3
    assert not [w for w in ds.warnings if w.rule == "sheet_unknown"]


def test_english_template_filled_is_accepted(tmp_path):
    path = write_template(tmp_path / "en.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "README" and "stores" in wb.sheetnames
    ws = wb["stores"]
    assert ws["A1"].value == "store_id"
    ws["A3"], ws["B3"] = "S01", "一店"
    wb.save(path)
    assert load(path, today=TODAY).store_ids == ["S01"]


def test_cli_template_then_validate(tmp_path, capsys):
    out = tmp_path / "sub" / "模板.xlsx"
    assert main(["template", "-o", str(out)]) == 0
    fill(out, BASE)
    assert main(["validate", str(out)]) == 0
    assert "数据有效" in capsys.readouterr().out
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary left behind
