"""KPI cards to and from Excel (dealerlab.kpi.excel)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from dealerlab.kpi import KpiCard, advance, validate_cards
from dealerlab.kpi.excel import SHEET_HELP, SHEET_HISTORY, read_cards, write_cards
from dealerlab.kpi.library import library_cards


def _cards():
    cards = library_cards("销售顾问", period="2026-10", owner="销售顾问 张伟")
    cards += library_cards("服务经理", period="2026-10", owner="服务经理/王芳")  # "/" is not allowed in sheet names
    t = dt.datetime(2026, 10, 2, 9, 30)
    first = advance(cards[0], by="销售经理 李强", note="月初沟通", at=t)
    first = advance(first, by="张伟", at=t + dt.timedelta(days=1))
    first = advance(first, "预先沟通", by="李强", note="=重新沟通目标", at=t + dt.timedelta(days=2))
    cards[0] = first
    # hostile and awkward text survives unchanged and is not run by Excel
    cards[1] = KpiCard(
        **{
            **cards[1].__dict__,
            "definition": '=HYPERLINK("http://x","点我")',
            "standard": "+1 按月考核\n第二行",
            "unit": "",
            "target": 0.2,
            "stretch": 0.25,
        }
    )
    cards[2] = KpiCard(**{**cards[2].__dict__, "definition": "'引号开头的说明", "standard": "@SUM(A1:A9)"})
    return cards


def test_round_trip_keeps_every_field(tmp_path):
    cards = _cards()
    path = write_cards(cards, tmp_path / "卡片.xlsx")
    back = read_cards(path)
    assert back == cards  # every field, the status and the history
    assert back[0].history[-1].note == "=重新沟通目标"
    assert validate_cards(back).empty


def test_workbook_layout(tmp_path):
    path = write_cards(_cards(), tmp_path / "k.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == SHEET_HELP and wb.sheetnames[-1] == SHEET_HISTORY
    owner_sheets = wb.sheetnames[1:-1]
    assert owner_sheets == ["销售顾问 张伟", "服务经理_王芳"]
    ws = wb["销售顾问 张伟"]
    headers = [c.value for c in ws[2]]
    assert headers[:11] == [
        "卡片编号",
        "指标名称",
        "目标定义",
        "计算公式",
        "责任人",
        "权重",
        "完成日期",
        "目标值",
        "突破性目标值",
        "数据来源",
        "完成标准",
    ]
    assert {"方向", "平衡计分卡维度", "状态"} <= set(headers)
    assert "100.0%" in ws["A1"].value
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows in ("2:2", "$2:$2")
    # formula injection neutralised: a text cell, not a formula
    cell = ws.cell(row=4, column=3)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    assert cell.quotePrefix  # Excel shows it as text
    assert ws.cell(row=5, column=11).value == "@SUM(A1:A9)" and ws.cell(row=5, column=11).data_type == "s"
    assert not ws.cell(row=3, column=2).quotePrefix  # ordinary text is left alone


def test_edited_workbook_is_read_and_validated(tmp_path):
    path = write_cards(library_cards("销售顾问", period="2026-10", owner="张伟"), tmp_path / "k.xlsx")
    wb = load_workbook(path)
    ws = wb["张伟"]
    ws["F3"] = "50%"  # a manager types a weight as text: weights now sum to 115%
    ws["I4"] = 0.1  # stretch below target for a higher-is-better card
    ws.append([None] * 5)  # blank rows are skipped
    wb.save(path)
    back = read_cards(path)
    assert len(back) == 5 and back[0].weight == pytest.approx(0.5)
    problems = validate_cards(back)
    assert set(problems["rule"]) == {"weight_sum", "stretch_higher"}


def test_atomic_write_leaves_no_temp_files(tmp_path):
    write_cards(_cards(), tmp_path / "k.xlsx")
    write_cards(_cards()[:2], tmp_path / "k.xlsx")  # replaced
    assert [p.name for p in tmp_path.iterdir()] == ["k.xlsx"]
    assert len(read_cards(tmp_path / "k.xlsx")) == 2
