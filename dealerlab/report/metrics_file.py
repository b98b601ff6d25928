"""The machine-readable metrics file of ``dealerlab metrics`` and of every report.

Long format (CSV/JSON): ``store_id, period, metric, value, reason, staff_id, level`` — one row per store × month ×
metric id of docs/DOMAIN.md §1, §2, §5 (``level`` = ``store``, ``staff_id`` empty), then per sales consultant where defined
(``level`` = ``consultant``, ``staff_id`` set), then — when several stores are covered — the group's figures
(``level`` = ``group``, ``store_id`` empty) computed from the summed components of every store (a group rate is
Σ numerator ÷ Σ denominator, never an average of the stores' rates).

**A pivot table must filter on ``level``**: consultant rows repeat the store's (store_id, period, metric) key, so a
sum over every row counts a store's volume twice (once per store row, once over its consultants).

The Excel appendix is wide, labelled and formatted (:func:`write_appendix`): one sheet for stores, one for
consultants, one for the group, one explaining the ids; every sheet an Excel table with a frozen header and filters,
numbers in their unit's Excel format. The numbers are those of :func:`dealerlab.figures.compute`, the function the
notebooks and tests use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from dealerlab import figures
from dealerlab import metrics as registry
from dealerlab._io import atomic_file
from dealerlab._options import check_lang
from dealerlab.data.dataset import Dataset
from dealerlab.data.write import safe_frame
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue
from dealerlab.report.fmt import excel_format
from dealerlab.report.labels import col

__all__ = ["metrics_table", "write_metrics", "wide_table", "group_dataset", "group_metric_ids", "GROUP_ID", "LEVELS"]

COLUMNS = ["store_id", "period", "metric", "value", "reason", "staff_id", "level"]
LEVELS = ("store", "consultant", "group")
#: the store id the pooled group data carries while it is computed (never written: group rows have no store id)
GROUP_ID = "\x00group"
#: the metric families whose components add up across stores (events, visits, orders, surveys); the OEM policy
#: figures are per store (its policy, its targets) and have no group row
GROUP_FAMILIES = ("funnel", "aftersales", "csi")


def group_metric_ids() -> list[str]:
    """The metric ids the group rows carry (those of :data:`GROUP_FAMILIES`)."""
    return [m for m, i in registry.METRICS.items() if i.family in GROUP_FAMILIES]


def group_dataset(ds: Dataset, stores=None) -> Dataset:
    """``ds`` with every store's rows pooled under one store id (:data:`GROUP_ID`): the registry then computes the
    group's figures from the summed components (Σ numerator ÷ Σ denominator, not a mean of the stores' rates)."""
    sub = ds.select(stores=stores) if stores is not None else ds
    tables = {}
    for name, df in sub.tables.items():
        if "store_id" in df.columns:
            df = df.assign(store_id=GROUP_ID)
            if name == "stores":
                df = df.head(1)
        tables[name] = df
    return Dataset(tables, list(sub.warnings), sub.source)


def metrics_table(ds: Dataset, *, periods, stores=None, staff: bool = True, group: bool | None = None,
                  computed: dict | None = None) -> pd.DataFrame:
    """Store-level rows for every metric id, then per-consultant rows for the per-staff ids, then the group's rows.

    Parameters
    ----------
    ds : Dataset
        The client data.
    periods : list of str
        Months ``YYYY-MM``.
    stores : list of str, optional
        Stores (default every store).
    staff : bool
        Add the per-consultant rows.
    group : bool, optional
        Add the group's rows (pooled components); default when more than one store is covered.
    computed : dict, optional
        Parts already computed for the same data, months and stores (a report's kernel has them): ``"store"`` —
        :func:`dealerlab.figures.compute` of ``stores``; ``"staff"`` — its per-consultant rows (``by_staff``, the
        per-staff ids); ``"group"`` — the group's rows (``store_id`` :data:`GROUP_ID`). A part not given is computed.

    Returns
    -------
    DataFrame
        ``store_id, period, metric, value, reason, staff_id, level`` (``staff_id`` is <NA> on store and group rows,
        ``store_id`` is <NA> on group rows).
    """
    computed = computed or {}
    store_rows = computed["store"] if "store" in computed else figures.compute(ds, periods=periods, stores=stores)
    store_rows = store_rows.assign(staff_id=pd.Series(pd.NA, index=store_rows.index, dtype="string"), level="store")
    parts = [store_rows[COLUMNS]]
    if staff:
        per_staff = [m for m, i in registry.METRICS.items() if i.per_staff]
        staff_rows = computed["staff"] if "staff" in computed else figures.compute(
            ds, periods=periods, stores=stores, metrics=per_staff, by_staff=True)
        if len(staff_rows):
            parts.append(staff_rows.assign(level="consultant")[COLUMNS])
    covered = list(stores) if stores is not None else ds.store_ids
    if group is None:
        group = len(covered) > 1
    if group:
        rows = computed["group"] if "group" in computed else figures.compute(
            group_dataset(ds, covered), periods=periods, stores=[GROUP_ID], metrics=group_metric_ids())
        rows = rows.assign(store_id=pd.Series(pd.NA, index=rows.index, dtype="string"),
                           staff_id=pd.Series(pd.NA, index=rows.index, dtype="string"), level="group")
        parts.append(rows[COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype("float64")
    out["level"] = out["level"].astype("string")
    return out


def _level(long: pd.DataFrame) -> pd.Series:
    if "level" in long.columns:
        return long["level"].astype("string")
    return pd.Series("store", index=long.index, dtype="string").where(long["staff_id"].isna(), "consultant")


def wide_table(long: pd.DataFrame, *, lang: str = "zh", staff: bool = False, level: str | None = None,
               raw: bool = False) -> pd.DataFrame:
    """Pivot the long table to one row per store × period (× consultant), one column per metric (labelled).

    Parameters
    ----------
    long : DataFrame
        From :func:`metrics_table`.
    lang : {"zh", "en"}
        Language of the column labels.
    staff : bool
        The consultants' rows (same as ``level="consultant"``).
    level : {"store", "consultant", "group"}, optional
        Which rows (default ``store``, or ``consultant`` with ``staff``).
    raw : bool
        Keep the column ids (``store_id``, metric ids) instead of labels.

    Returns
    -------
    DataFrame
        Only the combinations the data has (no empty cross-store rows).
    """
    check_lang(lang)
    level = level or ("consultant" if staff else "store")
    rows = long[_level(long) == level]
    index = {"store": ["store_id", "period"], "consultant": ["store_id", "staff_id", "period"], "group": ["period"]}[level]
    if rows.empty:
        return pd.DataFrame(columns=index)
    wide = rows.pivot_table(index=index, columns="metric", values="value", aggfunc="first", dropna=False, sort=False)
    # only the store × consultant × month combinations the data has (a full product adds empty cross-store rows)
    keys = rows[index].drop_duplicates()
    present = pd.MultiIndex.from_frame(keys) if len(index) > 1 else pd.Index(keys[index[0]])
    wide = wide.reindex(present)
    order = [m for m in registry.METRICS if m in wide.columns]
    wide = wide[order].reset_index()
    if raw:
        return wide

    names = {c: col(c, lang) for c in index}
    names.update({m: registry.label(m, lang) for m in order})
    return wide.rename(columns=names)


_UNIT_NAMES = Catalogue.load("report/metrics_file")
_LEVEL_NAMES = Catalogue.load("report/metrics_file.level_names")
_SHEETS = Catalogue.load("report/metrics_file.sheets")
#: level → the Excel table's name
_TABLE_NAMES = {"store": "Stores", "consultant": "Consultants", "group": "GroupTotals"}


def write_appendix(long: pd.DataFrame, path, *, lang: str = "zh") -> Path:
    """The formatted Excel appendix: one sheet per level (stores, consultants, group) and one explaining the ids.

    Every sheet is an Excel table (pivot-ready, with filters), with a frozen header row and id columns, column widths
    fitted to the labels, numbers kept as numbers in their unit's Excel format (:func:`dealerlab.report.fmt.excel_format`)
    and text cells formula-safe. Rows are the months of the comparison, only the combinations the data has.

    Parameters
    ----------
    long : DataFrame
        From :func:`metrics_table`.
    path : str or Path
        The .xlsx file to write (not atomically: :func:`write_metrics` writes through a temporary file).
    lang : {"zh", "en"}
        Language of the sheet names and labels.

    Returns
    -------
    Path
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    sheets = []  # (sheet name, table name, frame with ids, number of id columns)
    for level, tname in _TABLE_NAMES.items():
        wide = wide_table(long, lang=lang, level=level, raw=True)
        if level == "group" and wide.empty:
            continue
        n_ids = {"store": 2, "consultant": 3, "group": 1}[level]
        sheets.append((_SHEETS.get(level, lang), tname, wide, n_ids))
    explain = pd.DataFrame(
        [{"metric_id": m, "name": i.name(lang), "unit": _UNIT_NAMES.get(i.unit, lang) if i.unit in _UNIT_NAMES else i.unit}
         for m, i in registry.METRICS.items()]
    )
    levels = pd.DataFrame([{"level": k, "name": _LEVEL_NAMES.get(k, lang)} for k in _LEVEL_NAMES.keys()])
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        xw.book.properties.creator = "dealerlab"
        from dealerlab._output import XLSX_MARK

        xw.book.properties.keywords = XLSX_MARK  # a result: how dealerlab recognises its own files (dealerlab._output)
        for sheet, tname, wide, n_ids in sheets:
            units = {m: registry.METRICS[m].unit for m in wide.columns if m in registry.METRICS}
            shown = safe_frame(wide).rename(columns={c: col(c, lang) for c in wide.columns})
            shown.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            for j, c in enumerate(wide.columns, start=1):
                letter = get_column_letter(j)
                label = str(shown.columns[j - 1])
                width = max(8, min(28, 2 * len(label) + 2))
                if c in units:
                    for cell in ws[letter][1:]:  # per cell: money from 10 万 in 万元, as the report shows it
                        cell.number_format = excel_format(units[c], lang, value=cell.value)
                else:
                    longest = max([len(str(v)) for v in wide[c].head(500)] + [len(label) * 2])
                    width = max(width, min(40, longest + 2))
                ws.column_dimensions[letter].width = width
            ws.freeze_panes = ws.cell(row=2, column=n_ids + 1)
            if len(wide):
                ref = f"A1:{get_column_letter(len(wide.columns))}{len(wide) + 1}"
                table = Table(displayName=tname, ref=ref)
                table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
                ws.add_table(table)
        for frame, sheet, tname in ((explain, _SHEETS.get("metric_ids", lang), "MetricIds"),
                                    (levels, _SHEETS.get("levels", lang), "Levels")):
            shown = frame.rename(columns={c: col(c, lang) for c in frame.columns})
            shown.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            for j, c in enumerate(frame.columns, start=1):
                longest = max([len(str(v)) for v in frame[c]] + [len(str(shown.columns[j - 1])) * 2])
                ws.column_dimensions[get_column_letter(j)].width = max(10, min(60, longest + 2))
            ws.freeze_panes = "A2"
            ws.add_table(Table(displayName=tname, ref=f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}",
                               tableStyleInfo=TableStyleInfo(name="TableStyleLight9", showRowStripes=True)))
    return Path(path)


def write_metrics(long: pd.DataFrame, path, *, lang: str = "zh") -> Path:
    """Write the metrics table as .csv (UTF-8 with BOM, opens in Excel), .json (records) or .xlsx (wide, labelled).

    Spreadsheet outputs (.csv, .xlsx) are formula-injection safe: text such as a store id ``=S01`` is written
    ``'=S01`` (:func:`dealerlab.data.write.safe_cell`); .json keeps the values as they are.

    Written atomically: the file appears complete or not at all.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".json", ".xlsx"}:
        raise ParameterError(
            *_UNIT_NAMES.both("unsupported_format", name=path.name),
        )
    with atomic_file(path) as tmp:
        if suffix == ".csv":  # opened in Excel: client ids such as "=S01" are neutralised (safe_frame)
            from dealerlab.data.write import safe_frame

            # CRLF rows (as Excel writes): a CR inside a client id is then quoted instead of breaking the row
            safe_frame(long).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        elif suffix == ".json":
            records = json.loads(long.to_json(orient="records", force_ascii=False))
            tmp.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        else:
            write_appendix(long, tmp, lang=lang)
    return path
