"""The empty client workbook (``dealerlab template -o 模板.xlsx``): what a consultant sends a dealer to fill.

Layout
------
* sheet 1 ``填写说明`` (``README`` with ``lang="en"``): how to fill it, one line per table;
* one sheet per table of :data:`~dealerlab.data.schema.TABLES`, named by its Chinese name (English with
  ``lang="en"``);
* row 1: the headers (Chinese, English with ``lang="en"``); required columns in bold red;
* row 2: the *notes row* — each cell starts with ``说明：`` and gives the kind, 必填, the accepted values and the
  column's note. The loader recognises and skips this row (every non-blank cell starts with the marker
  :data:`~dealerlab.data.read.NOTES_MARKER`), so the client may keep or delete it;
* drop-downs (Excel data validation) on enumerations and yes/no columns for rows 3–:data:`VALIDATION_ROWS`;
  lists longer than Excel's 255-character inline limit live in the hidden sheet ``_lists``; open enumerations
  (e.g. 岗位) accept other values with an information message only;
* id columns are formatted as text (leading zeros survive), date columns as ``yyyy-mm-dd``.

The file is written atomically (temporary file, then ``os.replace``).
"""

from __future__ import annotations

from pathlib import Path

from dealerlab._options import check_lang
from dealerlab.data.coerce import YES_NO_ZH
from dealerlab.data.read import NOTES_MARKER
from dealerlab.data.schema import TABLES, Column, Table
from dealerlab.i18n import Catalogue, pick

__all__ = ["write_template", "notes_text", "VALIDATION_ROWS", "LISTS_SHEET"]

VALIDATION_ROWS = 5000
#: Excel's limit for an inline drop-down list (characters of the formula)
INLINE_LIMIT = 255
LISTS_SHEET = "_lists"


_MSG = Catalogue.load("data/template")
#: column kind → (zh, en) in the notes row
_KIND = _MSG.pairs("kind")


def _num(x) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def notes_text(col: Column, lang: str = "zh") -> str:
    """The notes-row cell of ``col``: ``"说明：选项｜必填｜可选值：到店/来电/网络"``."""
    parts = [_KIND.label(col.kind, lang)]
    if col.required:
        parts.append(_MSG.get("required", lang))
    if col.enum:
        vals = "/".join(col.enum)
        parts.append(_MSG.get("open_values" if col.open_enum else "values", lang, values=vals))
    if col.min is not None or col.max is not None:
        parts.append(_MSG.get("range", lang, lo=_num(col.min) if col.min is not None else "", hi=_num(col.max) if col.max is not None else ""))
    if col.references:
        t = col.references.split(".")[0]
        parts.append(_MSG.get("ref", lang, table=pick(lang, TABLES[t].zh, t)))
    if col.pii:
        parts.append(_MSG.get("pii", lang))
    if col.note:
        parts.append(col.note)
    return _MSG.get("notes_cell", marker=NOTES_MARKER, parts=_MSG.text("notes_sep").join(parts))


def _sheet_name(t: Table, lang: str) -> str:
    return pick(lang, t.zh, t.name)


def write_template(path, *, lang: str = "zh") -> Path:
    """Write the empty client workbook to ``path`` (.xlsx) and return the path.

    Parameters
    ----------
    path : str or Path
        Where to write (parent folders are created).
    lang : {"zh", "en"}
        Sheet names, headers and notes in Chinese (default) or English. Either is accepted by
        :func:`dealerlab.data.load`.
    """
    check_lang(lang)
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from dealerlab._io import atomic_file

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    wb = openpyxl.Workbook()
    wb.properties.creator = "dealerlab"  # how dealerlab recognises its own files (dealerlab._output)
    readme = wb.active
    readme.title = _MSG.get("readme_sheet", lang)
    readme["A1"] = _MSG.get("title", lang)
    readme["A1"].font = Font(bold=True, size=14)
    r = 3
    for line in _MSG.get("lines", lang).split("\n"):
        readme.cell(row=r, column=1, value=line)
        r += 1
    r += 1
    for j, key in enumerate(("table_head", "table_en", "table_req", "table_note"), start=1):
        readme.cell(row=r, column=j, value=_MSG.get(key, lang)).font = Font(bold=True)
    for t in TABLES.values():
        r += 1
        readme.cell(row=r, column=1, value=_sheet_name(t, lang))
        readme.cell(row=r, column=2, value=pick(lang, t.name, t.zh))
        readme.cell(row=r, column=3, value=_MSG.get("required_table" if t.name == "stores" else "optional_table", lang))
        readme.cell(row=r, column=4, value=t.note)
    readme.column_dimensions["A"].width = 110
    for c in "BCD":
        readme.column_dimensions[c].width = 16

    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_col = 0
    head_font = Font(bold=True)
    req_font = Font(bold=True, color="C00000")
    note_font = Font(italic=True, color="666666", size=9)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    last = VALIDATION_ROWS
    for t in TABLES.values():
        ws = wb.create_sheet(_sheet_name(t, lang))
        for j, col in enumerate(t.columns, start=1):
            letter = get_column_letter(j)
            cell = ws.cell(row=1, column=j, value=pick(lang, col.zh, col.name))
            cell.font = req_font if col.required else head_font
            cell.fill = head_fill
            note = ws.cell(row=2, column=j, value=notes_text(col, lang))
            note.font = note_font
            note.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[letter].width = max(12, min(28, 2 * len(col.zh) + 4))
            if col.kind == "id":
                ws.column_dimensions[letter].number_format = "@"
            elif col.kind == "date":
                ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
            values = list(col.enum) if col.enum else (list(YES_NO_ZH) if col.kind == "bool" else None)
            if not values:
                continue
            inline = '"' + ",".join(values) + '"'
            if len(inline) <= INLINE_LIMIT:
                formula = inline
            else:
                list_col += 1
                lc = get_column_letter(list_col)
                lists.cell(row=1, column=list_col, value=f"{t.name}.{col.name}")
                for i, v in enumerate(values, start=2):
                    lists.cell(row=i, column=list_col, value=v)
                formula = f"'{LISTS_SHEET}'!${lc}$2:${lc}${len(values) + 1}"
            dv = DataValidation(type="list", formula1=formula, allow_blank=True)
            dv.error = _MSG.get("dv_error", lang)
            dv.errorStyle = "information" if col.open_enum else "stop"
            dv.showErrorMessage = True
            dv.add(f"{letter}3:{letter}{last}")
            ws.add_data_validation(dv)
        ws.row_dimensions[2].height = 60
        ws.freeze_panes = "A3"
    if list_col == 0:
        wb.remove(lists)
    with atomic_file(path) as tmp:
        wb.save(tmp)
    return path

