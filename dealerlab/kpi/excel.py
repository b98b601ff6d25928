"""KPI cards to and from a printable Excel workbook.

:func:`write_cards` writes one sheet per owner (责任人) with Chinese headers — the nine factors as columns, then
direction, BSC perspective, status and the card's other fields — set up for printing (landscape, one page wide,
header row repeated), plus a 说明 sheet (how to fill it in) and a 状态历史 sheet (the workflow history). A manager
edits it in Excel; :func:`read_cards` loads it back. A round trip keeps every field and the history.

Text that a spreadsheet would run as a formula (what :func:`dealerlab.data.write.safe_cell` neutralises: starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return) is written as a text cell with Excel's quote-prefix style, so it shows
as typed and never runs. Unlike ``safe_cell`` the stored value keeps no added apostrophe, so the round trip stays
exact (a card's text may itself start with an apostrophe). The file is written atomically (a temporary file beside it, then renamed).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from pathlib import Path

from dealerlab._io import atomic_file
from dealerlab.data.write import safe_cell
from dealerlab.errors import DealerlabError
from dealerlab.i18n import Catalogue
from dealerlab.kpi.card import DIRECTIONS, FIELDS, KpiCard, StatusChange, _blank, _date, card_from_record

__all__ = ["write_cards", "read_cards", "SHEET_HELP", "SHEET_HISTORY"]

_MSG = Catalogue.load("kpi/excel")

SHEET_HELP = "说明"
SHEET_HISTORY = "状态历史"

#: column order of an owner's sheet: the nine factors after id and name, then direction, perspective, status, the rest
COLUMNS = [
    "card_id",
    "name",
    "definition",
    "formula",
    "owner",
    "weight",
    "due_date",
    "target",
    "stretch",
    "data_source",
    "standard",
    "direction",
    "perspective",
    "status",
    "unit",
    "department",
    "role",
    "set_date",
]
_WIDTH = {
    "card_id": 12,
    "name": 16,
    "definition": 34,
    "formula": 28,
    "owner": 14,
    "weight": 8,
    "due_date": 12,
    "target": 11,
    "stretch": 12,
    "data_source": 16,
    "standard": 34,
    "direction": 10,
    "perspective": 12,
    "status": 10,
    "unit": 6,
    "department": 10,
    "role": 10,
    "set_date": 12,
}
_HISTORY = [
    ("card_id", "卡片编号"),
    ("at", "时间"),
    ("by", "操作人"),
    ("from_status", "原状态"),
    ("to_status", "新状态"),
    ("note", "说明"),
]
#: the header words that find an owner sheet's header row (card_id, name, definition as the sheets write them)
_HEADER_MARKS = ("卡片编号", "指标名称", "目标定义")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")

def _sheet_title(owner: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub("_", owner or _MSG.text("no_owner")).strip("'") or _MSG.text("no_owner")
    base = base[:28]
    title, k = base, 2
    while title in used or title in (SHEET_HELP, SHEET_HISTORY):
        title = f"{base[:26]}_{k}"
        k += 1
    used.add(title)
    return title


def _put(cell, value) -> None:
    """Write ``value``; text that Excel could run as a formula is stored as quoted text."""
    cell.value = value
    if isinstance(value, str) and safe_cell(value) != value:
        cell.data_type = "s"
        cell.quotePrefix = True


def write_cards(cards: Iterable[KpiCard], path: str | os.PathLike, *, title: str | None = None) -> Path:
    """Write cards to a printable workbook, one sheet per owner.

    Parameters
    ----------
    cards : iterable of KpiCard
    path : str or PathLike
        The ``.xlsx`` file (replaced atomically if it exists).
    title : str, optional
        Title printed above each owner's table (default: KPI 指标卡).

    Returns
    -------
    Path
        ``path``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    if title is None:
        title = _MSG.text("default_title")
    cards = list(cards)
    path = Path(path)
    wb = Workbook()
    help_ws = wb.active
    help_ws.title = SHEET_HELP
    for i, line in enumerate(_MSG.text("help_sheet").split("\n"), start=1):
        help_ws.cell(row=i, column=1, value=line).font = Font(bold=(i == 1), size=14 if i == 1 else 11)
    help_ws.column_dimensions["A"].width = 110

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDE7F3")
    wrap = Alignment(wrap_text=True, vertical="top")
    owners: dict[str, list[KpiCard]] = {}
    for card in cards:
        owners.setdefault(str(card.owner or ""), []).append(card)
    used: set[str] = set()
    for owner, group in owners.items():
        ws = wb.create_sheet(_sheet_title(owner, used))
        weights = [c.weight for c in group if isinstance(c.weight, (int, float))]
        ws.cell(
            row=1, column=1, value=_MSG.get("sheet_head", title=title, owner=owner or _MSG.text("no_owner"), weight=sum(weights))
        ).font = Font(bold=True, size=13)
        for j, f in enumerate(COLUMNS, start=1):
            c = ws.cell(row=2, column=j, value=FIELDS[f][0])
            c.font = Font(bold=True)
            c.fill = head_fill
            c.border = border
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            ws.column_dimensions[get_column_letter(j)].width = _WIDTH[f]
        for i, card in enumerate(group, start=3):
            for j, f in enumerate(COLUMNS, start=1):
                value = getattr(card, f)
                if f == "direction" and value in DIRECTIONS:
                    value = DIRECTIONS[value][0]
                if _blank(value):
                    value = None
                cell = ws.cell(row=i, column=j)
                _put(cell, value)
                cell.border = border
                cell.alignment = wrap
                if f == "weight" and isinstance(value, (int, float)):
                    cell.number_format = "0.0%"
                elif f in ("due_date", "set_date") and isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "C3"
        ws.print_title_rows = "2:2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        ws.oddFooter.center.text = _MSG.text("page_footer")

    hist = wb.create_sheet(SHEET_HISTORY)
    for j, (_f, zh) in enumerate(_HISTORY, start=1):
        c = hist.cell(row=1, column=j, value=zh)
        c.font = Font(bold=True)
        c.fill = head_fill
        hist.column_dimensions[get_column_letter(j)].width = [14, 20, 14, 12, 12, 40][j - 1]
    r = 2
    for card in cards:
        for change in card.history:
            for j, (f, _zh) in enumerate(_HISTORY, start=1):
                value = card.card_id if f == "card_id" else getattr(change, f)
                cell = hist.cell(row=r, column=j)
                _put(cell, None if _blank(value) else value)
                if f == "at":
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
            r += 1
    hist.freeze_panes = "A2"

    with atomic_file(path) as tmp:
        wb.save(tmp)
    return path


def _text(value) -> str:
    return "" if value is None else str(value)


def read_cards(path: str | os.PathLike) -> list[KpiCard]:
    """Load the cards of a workbook written by :func:`write_cards` (and edited by hand).

    Every sheet except 说明 and 状态历史 is read: its header row (the row holding 卡片编号 or 指标名称 within the first
    five rows) names the columns by their Chinese labels; rows that are entirely empty are skipped. The history of
    each card is taken from 状态历史 by card id. Values are converted as :func:`~dealerlab.kpi.card.card_from_record`
    does; nothing is validated here — call :func:`~dealerlab.kpi.card.validate_cards`.

    Returns
    -------
    list of KpiCard
        In sheet order, then row order.
    """
    from openpyxl import load_workbook

    path = Path(path)
    if not path.exists():
        raise DealerlabError(*_MSG.both("file_missing", path=path))
    try:
        wb = load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises several types for a file that is not a workbook
        raise DealerlabError(*_MSG.both("unreadable_workbook", name=path.name, exc=exc)) from exc
    by_label = {zh: f for f, (zh, _en) in FIELDS.items()}

    history: dict[str, list[StatusChange]] = {}
    if SHEET_HISTORY in wb.sheetnames:
        rows = list(wb[SHEET_HISTORY].iter_rows(values_only=True))
        if rows:
            head = {_text(v).strip(): j for j, v in enumerate(rows[0])}
            for row in rows[1:]:
                rec = {f: row[head[zh]] if zh in head and head[zh] < len(row) else None for f, zh in _HISTORY}
                if all(_blank(v) for v in rec.values()):
                    continue
                at = rec["at"]
                if isinstance(at, str):
                    try:
                        at = dt.datetime.fromisoformat(at.strip())
                    except ValueError:
                        pass
                history.setdefault(_text(rec["card_id"]).strip(), []).append(
                    StatusChange(
                        at=at,
                        by=_text(rec["by"]),
                        from_status=_text(rec["from_status"]),
                        to_status=_text(rec["to_status"]),
                        note=_text(rec["note"]),
                    )
                )

    cards: list[KpiCard] = []
    for ws in wb.worksheets:
        if ws.title in (SHEET_HELP, SHEET_HISTORY):
            continue
        rows = list(ws.iter_rows(values_only=True))
        header_at = next(
            (
                i
                for i, row in enumerate(rows[:5])
                if any(_text(v).strip() in _HEADER_MARKS for v in row)
            ),
            None,
        )
        if header_at is None:
            continue
        columns = [by_label.get(_text(v).strip()) for v in rows[header_at]]
        for row in rows[header_at + 1 :]:
            rec = {f: v for f, v in zip(columns, row) if f is not None}
            if all(_blank(v) for v in rec.values()):
                continue
            for f in ("due_date", "set_date"):
                if isinstance(rec.get(f), dt.datetime):
                    rec[f] = rec[f].date()
                elif rec.get(f) is not None and not isinstance(rec.get(f), dt.date):
                    rec[f] = _date(rec[f]) or rec[f]
            cid = _text(rec.get("card_id")).strip()
            cards.append(card_from_record(rec, history.get(cid, ()) if cid else ()))
    return cards
