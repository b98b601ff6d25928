"""The machine-readable metrics file of ``dealerlab metrics`` and of every report.

Long format (CSV/JSON): ``store_id, period, metric, value, reason, staff_id`` — one row per store × month × metric id
of docs/DOMAIN.md §1, §2, §5 (``staff_id`` empty), then per sales consultant where defined (``staff_id`` set).
The Excel file is wide, with Chinese labels: one sheet for stores, one for consultants, one explaining the ids.
The numbers are those of :func:`dealerlab.figures.compute`, the function the notebooks and tests use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from dealerlab import figures
from dealerlab import metrics as registry
from dealerlab._io import atomic_file
from dealerlab._options import check_lang
from dealerlab.errors import ParameterError

__all__ = ["metrics_table", "write_metrics", "wide_table"]

COLUMNS = ["store_id", "period", "metric", "value", "reason", "staff_id"]


def metrics_table(ds, *, periods, stores=None, staff: bool = True) -> pd.DataFrame:
    """Store-level rows for every metric id, then per-consultant rows for the per-staff ids.

    Returns
    -------
    DataFrame
        ``store_id, period, metric, value, reason, staff_id`` (``staff_id`` is <NA> on store rows).
    """
    store_rows = figures.compute(ds, periods=periods, stores=stores)
    store_rows = store_rows.assign(staff_id=pd.Series(pd.NA, index=store_rows.index, dtype="string"))
    parts = [store_rows[COLUMNS]]
    if staff:
        per_staff = [m for m, i in registry.METRICS.items() if i.per_staff]
        staff_rows = figures.compute(ds, periods=periods, stores=stores, metrics=per_staff, by_staff=True)
        if len(staff_rows):
            parts.append(staff_rows[COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype("float64")
    return out


def wide_table(long: pd.DataFrame, *, lang: str = "zh", staff: bool = False) -> pd.DataFrame:
    """Pivot the long table to one row per store × period (× consultant), one column per metric (labelled)."""
    check_lang(lang)
    rows = long[long["staff_id"].notna()] if staff else long[long["staff_id"].isna()]
    index = ["store_id", "staff_id", "period"] if staff else ["store_id", "period"]
    if rows.empty:
        return pd.DataFrame(columns=index)
    wide = rows.pivot_table(index=index, columns="metric", values="value", aggfunc="first", dropna=False, sort=False)
    order = [m for m in registry.METRICS if m in wide.columns]
    wide = wide[order].reset_index()
    from dealerlab.i18n import label

    names = {"store_id": label("store", lang), "period": label("period", lang), "staff_id": label("consultant", lang)}
    names.update({m: registry.label(m, lang) for m in order})
    return wide.rename(columns=names)


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
            f"输出文件 {path.name} 的格式不支持：请用 .csv、.json 或 .xlsx。",
            f"Unsupported output format {path.name}: use .csv, .json or .xlsx.",
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
            from dealerlab.data.write import safe_frame

            explain = pd.DataFrame(
                [
                    {"指标编号" if lang == "zh" else "id": m, ("名称" if lang == "zh" else "name"): i.name(lang),
                     ("单位" if lang == "zh" else "unit"): i.unit}
                    for m, i in registry.METRICS.items()
                ]
            )
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                xw.book.properties.creator = "dealerlab"  # how dealerlab recognises its own files (dealerlab._output)
                safe_frame(wide_table(long, lang=lang)).to_excel(xw, sheet_name="门店指标" if lang == "zh" else "stores", index=False)
                safe_frame(wide_table(long, lang=lang, staff=True)).to_excel(
                    xw, sheet_name="顾问指标" if lang == "zh" else "consultants", index=False
                )
                explain.to_excel(xw, sheet_name="指标说明" if lang == "zh" else "metric ids", index=False)
    return path
