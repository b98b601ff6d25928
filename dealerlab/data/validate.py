"""The rules of the data contract, each violation a located :class:`~dealerlab.errors.Problem`.

Rules (``Problem.rule``) and their severity
-------------------------------------------
File level (error): ``file_missing``, ``file_empty``, ``not_workbook``, ``encrypted``, ``encrypted_or_xls``, ``xls_format``,
``unsupported_file``, ``single_csv``, ``encoding_mixed``, ``encoding_unknown``, ``csv_malformed``, ``no_tables``,
``table_missing``, ``table_duplicate``, ``header_not_found``, ``column_missing``, ``column_duplicate``,
``store_id_required``, ``table_empty`` (the ``stores`` table has no row), ``xlsx_part_too_large``,
``sheet_too_large`` (bounded memory), ``file_special`` (a FIFO, device or link leaving the folder),
``parquet_invalid``, ``parquet_nested``.
Row level (error): ``required_value``, ``enum_invalid``, ``date_invalid``, ``date_impossible``,
``date_out_of_range``, ``number_invalid``, ``int_invalid``, ``bool_invalid``, ``period_invalid``, ``below_min``,
``above_max``, ``duplicate_key``, ``reference_missing``, ``closed_date_required``, ``date_order``,
``tier_order`` (a higher rebate tier of one item pays less), ``too_many`` (more rows broke the same rule than are
listed one by one); "errors, not guesses" (docs/DATA.md):
``date_too_late`` (more than a year after today, or a year the calendar cannot hold), ``number_percent`` (a percent
outside a rate column), ``number_decimal_comma``, ``number_not_finite``, ``number_too_large`` (beyond 1e12),
``cell_error`` (#DIV/0!, #N/A …), ``cell_formula`` (a formula without a cached value), ``cell_too_long`` (beyond
32 767 characters), ``id_invisible`` (control, zero-width or bidi characters in an id), ``survey_overall_missing``.
Warnings: ``sheet_unknown``, ``file_unknown``, ``column_unknown``, ``enum_open``, ``date_future``, ``macros_ignored``,
``table_no_rows``, ``call_off_over_order`` (CALL OFF above the units ordered, without a note).

Every problem is located as the user sees it: ``source`` is the file name or ``"file.xlsx:sheet"``, ``row`` the
Excel row (or CSV line, header included), ``column`` the header as written in the file (the Chinese name when the
column is absent).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dealerlab.data import coerce as _c
from dealerlab.data.coerce import CellIssue, coerce_column, invisible_chars, shown_text
from dealerlab.data.columnar import has_duplicates, is_in, maybe_hash, maybe_longer
from dealerlab.data.defaults import OVERALL_ITEM
from dealerlab.data.schema import TABLES, Column, Table
from dealerlab.errors import Problem
from dealerlab.i18n import Catalogue

__all__ = [
    "MESSAGES",
    "problem",
    "ProblemLog",
    "check_columns",
    "check_chunk",
    "check_table",
    "check_references",
    "NATURAL_KEYS",
    "MAX_PER_RULE",
]

#: at most this many problems of one rule in one column are listed one by one; the rest are counted
MAX_PER_RULE = 1000

#: tables without a single-column key, and the columns that must be unique together
NATURAL_KEYS = {
    "targets": ("store_id", "period", "metric", "staff_id"),
    "booth_usage": ("store_id", "date", "booth_id"),
    "market": ("store_id", "period"),
    "monthly_finance": ("store_id", "period"),
    "surveys": ("response_id", "item"),
    "survey_items": ("survey", "item"),
    "oem_orders": ("store_id", "period", "model"),
    "oem_policy": ("store_id", "period", "item", "threshold"),
    "oem_scores": ("store_id", "period", "item"),
}

#: date columns that may lie in the future (plans, promises): no future-date warning
FUTURE_OK = {("followups", "due_date"), ("service_orders", "promised_date")}

#: the earliest date accepted (anything before is a typing error or a wrong serial number)
EARLIEST = pd.Timestamp("1950-01-01")

#: number columns that are rates: a percent string there means a fraction (85% = 0.85); elsewhere it is an error
RATE_COLUMNS = {("monthly_finance", "tax_rate"), ("monthly_finance", "capital_cost_rate"), ("oem_policy", "threshold")}
#: targets.target / stretch may be a percent when the row's metric is a rate (its name says so)
RATE_METRIC = re.compile(r"率|占比|比例|比重|rate|ratio|share|%", re.I)
#: the leads.status values of a closed lead (won, lost): such a lead needs its closed_date
_CLOSED_STATUSES = ("成交", "战败")
#: Excel's own limit on the characters of one cell
MAX_CELL_CHARS = 32767
#: what Excel writes for an error cell (also into a CSV it saves)
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")

#: (table, earlier column, later column): the later date may not come before the earlier one
DATE_ORDER = (
    ("staff", "hire_date", "leave_date"),
    ("leads", "created_date", "closed_date"),
    ("service_orders", "open_date", "close_date"),
    ("complaints", "received_date", "resolved_date"),
    ("inventory", "arrival_date", "sold_date"),
)


#: the message catalogue of every rule (dealerlab/messages/data/validate.toml): ``rule`` → zh/en message,
#: ``rule.hint`` → zh/en fix hint
MESSAGES = Catalogue.load("data/validate")

#: rule → its short (zh, en) name
_RULE_NAMES = MESSAGES.pairs("rule_name")

WARNING_RULES = frozenset({"sheet_unknown", "file_unknown", "column_unknown", "enum_open", "date_future", "macros_ignored", "table_no_rows",
                           "call_off_over_order"})


class _Safe(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def problem(rule: str, table: str = "", source: str = "", *, row: int | None = None, column: str | None = None,
            value=None, **fmt) -> Problem:
    """A :class:`Problem` for ``rule`` with its zh/en message and hint (``fmt`` fills the placeholders)."""
    spec = TABLES.get(table)
    values = _Safe(table=table, table_zh=spec.zh if spec else table, value="" if value is None else value)
    values.update(fmt)
    if column is not None:
        values.setdefault("column_en", column)
        values.setdefault("column_zh", column)
    return Problem(
        table=table,
        rule=rule,
        message_zh=MESSAGES.text(rule, "zh").format_map(values),
        message_en=MESSAGES.text(rule, "en").format_map(values),
        source=source,
        row=row,
        column=column,
        value=value,
        hint_zh=MESSAGES.text(f"{rule}.hint", "zh").format_map(values),
        hint_en=MESSAGES.text(f"{rule}.hint", "en").format_map(values),
        severity="warning" if rule in WARNING_RULES else "error",
    )


@dataclass
class ProblemLog:
    """Errors and warnings found so far; at most :data:`MAX_PER_RULE` per (table, column, rule) listed one by one."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    _counts: dict = field(default_factory=dict)
    _overflow: dict = field(default_factory=dict)

    def add(self, p: Problem) -> None:
        key = (p.table, p.source, p.column, p.rule)
        n = self._counts.get(key, 0) + 1
        self._counts[key] = n
        if p.row is not None and n > MAX_PER_RULE:
            self._overflow[key] = self._overflow.get(key, 0) + 1
            return
        (self.warnings if p.severity == "warning" else self.errors).append(p)

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p)

    def finish(self) -> None:
        """Append one ``too_many`` problem per rule whose rows were not all listed."""
        for (table, source, column, rule), n in self._overflow.items():
            zh, en = _RULE_NAMES.label(rule, "zh"), _RULE_NAMES.label(rule, "en")
            p = problem("too_many", table, source, column=column, n=n, rule_zh=zh, rule_en=en)
            if rule in WARNING_RULES:
                p = Problem(**{**p.__dict__, "severity": "warning"})
            (self.warnings if p.severity == "warning" else self.errors).append(p)
        self._overflow.clear()
        self.errors.sort(key=_order)
        self.warnings.sort(key=_order)


_TABLE_RANK = {name: i for i, name in enumerate(TABLES)}


def _order(p: Problem):
    """File-level problems first, then by table (contract order), source, row; ``too_many`` last in its group."""
    return (p.table != "", _TABLE_RANK.get(p.table, -1), p.source, p.rule == "too_many", p.row if p.row is not None else 0)


def _label(labels: dict[str, str], col: Column) -> str:
    return labels.get(col.name) or col.zh


def _allowed(col: Column) -> tuple[str, str]:
    zh = MESSAGES.text("list_sep").join(col.enum or {})
    en = ", ".join(f"{k} ({v})" if k != v else k for k, v in (col.enum or {}).items())
    return zh, en


def _shown(value) -> str:
    if isinstance(value, _dt.datetime | pd.Timestamp):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_columns(spec: Table, labels: dict[str, str], source: str, header_row: int, *, n_stores: int | None) -> list[Problem]:
    """Required columns present? (``store_id`` may be absent when there is exactly one store.)"""
    out = []
    for col in spec.columns:
        if not col.required or col.name in labels:
            continue
        if col.name == "store_id" and spec.name != "stores":
            if n_stores == 1:
                continue
            if n_stores:
                out.append(problem("store_id_required", spec.name, source, row=header_row, column=col.zh, n=n_stores))
                continue
        out.append(problem("column_missing", spec.name, source, row=header_row, column=col.zh, column_zh=col.zh, column_en=col.name))
    return out


def _pick(values, idx: np.ndarray) -> list:
    """``values[idx]`` as a list (Series or array); only the listed rows are converted."""
    if isinstance(values, pd.Series):
        return values.iloc[idx].tolist()
    return list(np.asarray(values, dtype=object)[idx]) if not isinstance(values, np.ndarray) else list(values[idx])


def _row_problems(rule, spec, source, col_label, rows, raw_values, mask, log: ProblemLog, **fmt) -> None:
    idx = np.flatnonzero(mask)
    if not len(idx):
        return
    key = (spec.name, source, col_label, rule)
    room = max(MAX_PER_RULE - log._counts.get(key, 0), 0)
    listed = idx[:room]
    for i, v in zip(listed, _pick(raw_values, listed)):
        log.add(problem(rule, spec.name, source, row=int(rows[i]), column=col_label, value=_shown(v), **fmt))
    extra = len(idx) - len(listed)
    if extra:
        log._counts[key] = log._counts.get(key, 0) + extra
        log._overflow[key] = log._overflow.get(key, 0) + extra


_BAD_RULE = {
    "date": "date_invalid",
    "number": "number_invalid",
    "int": "int_invalid",
    "bool": "bool_invalid",
    "period": "period_invalid",
    "enum": "enum_invalid",
    "id": "number_invalid",
    "text": "number_invalid",
}


_REASON_RULE = {
    _c.R_IMPOSSIBLE: "date_impossible",
    _c.R_EARLY: "date_out_of_range",
    _c.R_LATE: "date_too_late",
    _c.R_PERCENT: "number_percent",
    _c.R_DECIMAL_COMMA: "number_decimal_comma",
    _c.R_NOT_FINITE: "number_not_finite",
    _c.R_TOO_LARGE: "number_too_large",
}


def _late_limit(today: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(today) + pd.DateOffset(years=1)


def _unreadable_cells(spec, source, label, rows, cells: pd.Series, log: ProblemLog, *, cell_issues: bool) -> np.ndarray:
    """Report cells that hold an Excel error / uncalculated formula, or more than :data:`MAX_CELL_CHARS` characters.

    Returns the mask of those cells (the caller reads them as blank without a second message).
    """
    out = np.zeros(len(cells), dtype=bool)
    if cells.dtype != object and not pd.api.types.is_string_dtype(cells.dtype):
        return out
    if cell_issues:
        issue = np.fromiter((isinstance(v, CellIssue) for v in cells.to_numpy()), dtype=bool, count=len(cells))
        if issue.any():
            for kind, rule in (("error", "cell_error"), ("formula", "cell_formula")):
                mask = issue & np.fromiter((isinstance(v, CellIssue) and v.kind == kind for v in cells.to_numpy()),
                                           dtype=bool, count=len(cells))
                _row_problems(rule, spec, source, label, rows, cells.map(str), mask, log)
            out |= issue
    if maybe_hash(cells):  # every Excel error value starts with #
        text_error = cells.isin(EXCEL_ERRORS).to_numpy() & ~out  # an error value saved as text (CSV from Excel)
        if text_error.any():
            _row_problems("cell_error", spec, source, label, rows, cells, text_error, log)
            out |= text_error
    if not maybe_longer(cells, MAX_CELL_CHARS):
        return out
    if cells.dtype != object:
        lens = cells.str.len().fillna(0).to_numpy(dtype=float)
    else:
        lens = np.fromiter((len(v) if type(v) is str else 0 for v in cells.to_numpy()), dtype=np.int64, count=len(cells))
    long = (lens > MAX_CELL_CHARS) & ~out
    if long.any():
        idx = np.flatnonzero(long)
        for i, v in zip(idx[:MAX_PER_RULE], _pick(cells, idx[:MAX_PER_RULE])):
            log.add(problem("cell_too_long", spec.name, source, row=int(rows[i]), column=label, value=v[:40] + "…", n=f"{len(v):,}"))
        out |= long
    return out


def check_chunk(spec: Table, raw: pd.DataFrame, rows: np.ndarray, labels: dict[str, str], source: str,
                log: ProblemLog, *, today: pd.Timestamp | None = None, cell_issues: bool = False) -> pd.DataFrame:
    """Coerce one chunk of raw cells (canonical column names) and check the row-level rules.

    ``cell_issues``: the chunk may hold :class:`~dealerlab.data.coerce.CellIssue` cells (Excel error values and
    formulas without a cached value), reported as such. Returns the typed chunk (declared columns present in
    ``raw``, then unknown extra columns as text).
    """
    today = pd.Timestamp(_dt.date.today()) if today is None else pd.Timestamp(today)
    late_limit = _late_limit(today)
    out = {}
    for name in raw.columns:
        if name not in spec:
            continue
        col = spec.column(name)
        label = _label(labels, col)
        cells = raw[name]
        unreadable = _unreadable_cells(spec, source, label, rows, cells, log, cell_issues=cell_issues)
        if unreadable.any():
            cells = cells.astype(object).where(~unreadable, None)
        rate = (spec.name, name) in RATE_COLUMNS or (spec.name == "targets" and name in ("target", "stretch"))
        values, bad, reason = coerce_column(cells, col, percent=rate)
        raw_values = cells
        fmt = {"column_zh": col.zh, "column_en": col.name}
        if rate and spec.name == "targets":
            # a percent target only where the row's metric is a rate
            metric = raw["metric"].astype("string").fillna("") if "metric" in raw else pd.Series("", index=raw.index, dtype="string")
            pct = cells.astype("string").str.strip().str.endswith("%").fillna(False).to_numpy()
            is_rate = metric.str.contains(RATE_METRIC).fillna(False).to_numpy()
            wrong = pct & ~is_rate & ~bad
            if wrong.any():
                bad = bad | wrong
                reason = np.where(wrong, _c.R_PERCENT, reason).astype(np.int8)
                values = values.mask(wrong)
        if bad.any():
            if col.kind == "enum":
                zh, en = _allowed(col)
                rule = "enum_open" if col.open_enum else "enum_invalid"
                # one message per language: the catalogue's {allowed} is filled per language below
                _enum_problems(rule, spec, source, label, rows, raw_values, bad, log, zh, en)
            else:
                for code in np.unique(reason[bad]):
                    mask = bad & (reason == code)
                    if code == _c.R_CONTROL:
                        idx = np.flatnonzero(mask)
                        for i, v in zip(idx[:MAX_PER_RULE], _pick(raw_values, idx[:MAX_PER_RULE])):
                            log.add(problem("id_invisible", spec.name, source, row=int(rows[i]), column=label,
                                            value=shown_text(str(v)), chars=MESSAGES.text("list_sep").join(invisible_chars(str(v))), **fmt))
                        # the error stands; the id without its invisible characters keeps other tables' references
                        # to it from being blamed as well
                        cleaned = raw_values.astype(object).where(mask, None).map(_c.strip_invisible)
                        values = values.astype(object).where(~mask, cleaned).astype("string")
                        continue
                    rule = _REASON_RULE.get(int(code)) or _BAD_RULE[col.kind]
                    extra = {"limit": late_limit.strftime("%Y-%m-%d")} if rule == "date_too_late" else {}
                    _row_problems(rule, spec, source, label, rows, raw_values, mask, log, **fmt, **extra)
        if col.required:
            empty = values.isna().to_numpy() & ~bad & ~unreadable
            if col.open_enum:
                empty &= cells.isna().to_numpy() | (cells.astype("string").str.strip().fillna("") == "").to_numpy()
            _row_problems("required_value", spec, source, label, rows, raw_values, empty, log, **fmt)
        if col.kind in ("number", "int") and (col.min is not None or col.max is not None):
            num = values.astype("float64").to_numpy(na_value=np.nan) if col.kind == "int" else values.to_numpy()
            rng = f"{_shown(col.min) if col.min is not None else '-∞'}–{_shown(col.max) if col.max is not None else '∞'}"
            if col.min is not None:
                _row_problems("below_min", spec, source, label, rows, num, num < col.min, log, bound=_shown(col.min), range=rng, **fmt)
            if col.max is not None:
                _row_problems("above_max", spec, source, label, rows, num, num > col.max, log, bound=_shown(col.max), range=rng, **fmt)
        if col.kind == "date":
            d = values
            early = (d < EARLIEST).fillna(False).to_numpy()
            _row_problems("date_out_of_range", spec, source, label, rows, d, early, log, **fmt)
            late = (d > late_limit).fillna(False).to_numpy()
            if late.any():
                _row_problems("date_too_late", spec, source, label, rows, d, late, log, limit=late_limit.strftime("%Y-%m-%d"), **fmt)
                values = values.mask(late)
            if (spec.name, col.name) not in FUTURE_OK:
                future = (d > today).fillna(False).to_numpy() & ~late
                _row_problems("date_future", spec, source, label, rows, d, future, log, **fmt)
        out[name] = values
    frame = pd.DataFrame(out, index=raw.index)
    for name in raw.columns:
        if name not in spec:
            frame[name] = raw[name].astype("string")
    # leads: won/lost need a closed_date
    if spec.name == "leads" and "status" in frame:
        closed = frame["closed_date"] if "closed_date" in frame else pd.Series(pd.NaT, index=frame.index)
        need = frame["status"].isin(list(_CLOSED_STATUSES)).fillna(False).to_numpy() & closed.isna().to_numpy()
        label = labels.get("closed_date") or labels.get("status") or spec.column("closed_date").zh
        idx = np.flatnonzero(need)
        for i, st in zip(idx[:MAX_PER_RULE], _pick(frame["status"], idx[:MAX_PER_RULE])):
            log.add(problem("closed_date_required", "leads", source, row=int(rows[i]), column=label, value="", status=st))
        if len(idx) > MAX_PER_RULE:
            key = ("leads", source, label, "closed_date_required")
            log._overflow[key] = log._overflow.get(key, 0) + len(idx) - MAX_PER_RULE
    return frame


def _enum_problems(rule, spec, source, label, rows, raw_values, mask, log, allowed_zh, allowed_en) -> None:
    idx = np.flatnonzero(mask)
    key = (spec.name, source, label, rule)
    room = max(MAX_PER_RULE - log._counts.get(key, 0), 0)
    listed = idx[:room]
    for i, raw in zip(listed, _pick(raw_values, listed)):
        v = _shown(raw)
        p = problem(rule, spec.name, source, row=int(rows[i]), column=label, value=v, allowed=allowed_zh)
        p_en = problem(rule, spec.name, source, row=int(rows[i]), column=label, value=v, allowed=allowed_en)
        log.add(Problem(**{**p.__dict__, "message_en": p_en.message_en, "hint_en": p_en.hint_en}))
    extra = len(idx) - len(listed)
    if extra:
        log._counts[key] = log._counts.get(key, 0) + extra
        log._overflow[key] = log._overflow.get(key, 0) + extra


def _first_positions(codes: np.ndarray) -> np.ndarray:
    """For each row, the position of the first row with the same group code."""
    uniq, first = np.unique(codes, return_index=True)
    lookup = np.zeros(uniq.max() - uniq.min() + 1 if len(uniq) else 1, dtype=np.int64)
    lookup[uniq - uniq.min()] = first
    return lookup[codes - (uniq.min() if len(uniq) else 0)]


def check_table(spec: Table, frame: pd.DataFrame, rows: np.ndarray, labels: dict[str, str], source: str, log: ProblemLog) -> None:
    """Whole-table rules: unique keys, natural keys, date order."""
    if spec.key and spec.key in frame and has_duplicates(frame[spec.key]):
        ids = frame[spec.key]
        dup = ids.duplicated(keep="first").to_numpy() & ids.notna().to_numpy()
        if dup.any():
            first_row = rows[_first_positions(pd.factorize(ids)[0])]
            col = spec.column(spec.key)
            label = _label(labels, col)
            idx = np.flatnonzero(dup)
            for i, v in zip(idx[:MAX_PER_RULE], _pick(ids, idx[:MAX_PER_RULE])):
                log.add(problem("duplicate_key", spec.name, source, row=int(rows[i]), column=label, value=v,
                                first=int(first_row[i]), column_zh=col.zh, column_en=col.name))
            if len(idx) > MAX_PER_RULE:
                key = (spec.name, source, label, "duplicate_key")
                log._overflow[key] = log._overflow.get(key, 0) + len(idx) - MAX_PER_RULE
    natural = NATURAL_KEYS.get(spec.name)
    if natural and all(c in frame for c in natural) and len(frame):
        sub = frame[list(natural)]
        dup = sub.duplicated(keep="first").to_numpy()
        if dup.any():
            first_pos = _first_positions(sub.groupby(list(natural), dropna=False, sort=False).ngroup().to_numpy())
            key_zh = MESSAGES.text("list_sep").join(spec.column(c).zh for c in natural)
            key_en = ", ".join(natural)
            label = _label(labels, spec.column(natural[-1]))
            for i in np.flatnonzero(dup)[:MAX_PER_RULE]:
                log.add(problem("duplicate_row", spec.name, source, row=int(rows[i]), column=label,
                                value=" / ".join(_shown(v) for v in sub.iloc[i].tolist() if pd.notna(v)),
                                first=int(rows[first_pos[i]]), key_zh=key_zh, key=key_en))
    if spec.name == "surveys" and "response_id" in frame and "item" in frame and len(frame):
        _survey_overall(spec, frame, rows, labels, source, log)
    for table, early, late in DATE_ORDER:
        if table != spec.name or late is None or early not in frame or late not in frame:
            continue
        bad = (frame[late] < frame[early]).fillna(False).to_numpy()
        e, lc = spec.column(early), spec.column(late)
        label = _label(labels, lc)
        for i in np.flatnonzero(bad)[:MAX_PER_RULE]:
            log.add(problem("date_order", spec.name, source, row=int(rows[i]), column=label,
                            value=_shown(frame[late].iloc[i]), other_value=_shown(frame[early].iloc[i]),
                            column_zh=lc.zh, column_en=lc.name, other_zh=e.zh, other=e.name))
    rule = _TABLE_RULES.get(spec.name)
    if rule is not None:
        rule(spec, frame, rows, labels, source, log)


def _tier_what(spec: Table, name: str) -> tuple[str, str]:
    """The (zh, en) name of the tier column ``name`` in the tier_order message: its contract name, ``lump sum``."""
    return spec.column(name).zh, name.replace("_", " ")


def _check_tiers(spec: Table, frame: pd.DataFrame, rows: np.ndarray, labels: dict[str, str], source: str, log: ProblemLog) -> None:
    """oem_policy: within one store × month × item, a higher threshold pays at least as much (per unit and lump sum)."""
    need = ("item", "threshold")
    if not all(c in frame for c in need) or not len(frame):
        return
    f = pd.DataFrame({
        "store": frame["store_id"].astype("string").fillna("") if "store_id" in frame else "",
        "period": frame["period"].astype("string").fillna("") if "period" in frame else "",
        "item": frame["item"].astype("string"),
        "threshold": frame["threshold"].astype("float64"),
        "amount": frame["amount_per_unit"].astype("float64").fillna(0.0) if "amount_per_unit" in frame else 0.0,
        "lump": frame["lump_sum"].astype("float64").fillna(0.0) if "lump_sum" in frame else 0.0,
        "pos": np.arange(len(frame)),
    }).dropna(subset=["item", "threshold"])
    label = _label(labels, spec.column("threshold"))
    for (_, _, item), g in f.sort_values("threshold", kind="stable").groupby(["store", "period", "item"], sort=False):
        best_amount = best_lump = -np.inf
        prev = None
        for r in g.itertuples(index=False):
            if prev is not None and r.threshold > prev.threshold and (r.amount < best_amount or r.lump < best_lump):
                what = _tier_what(spec, "amount_per_unit" if r.amount < best_amount else "lump_sum")
                log.add(problem("tier_order", spec.name, source, row=int(rows[r.pos]), column=label, value=_shown(r.threshold),
                                other_value=_shown(prev.threshold), item=item, what_zh=what[0], what_en=what[1]))
            best_amount, best_lump = max(best_amount, r.amount), max(best_lump, r.lump)
            prev = r


def _check_call_off(spec: Table, frame: pd.DataFrame, rows: np.ndarray, labels: dict[str, str], source: str, log: ProblemLog) -> None:
    """oem_orders: called_off above ordered is a warning unless the row's note explains it."""
    if "ordered" not in frame or "called_off" not in frame:
        return
    ordered = frame["ordered"].astype("float64").to_numpy()
    called = frame["called_off"].astype("float64").to_numpy()
    noted = (frame["note"].astype("string").str.strip().fillna("") != "").to_numpy() if "note" in frame else np.zeros(len(frame), bool)
    bad = (called > ordered) & ~noted
    label = _label(labels, spec.column("called_off"))
    for i in np.flatnonzero(bad)[:MAX_PER_RULE]:
        log.add(problem("call_off_over_order", spec.name, source, row=int(rows[i]), column=label,
                        value=_shown(called[i]), other_value=_shown(ordered[i])))


#: table-specific whole-table rules (docs/DATA.md's optional policy and stock tables)
_TABLE_RULES = {"oem_policy": _check_tiers, "oem_orders": _check_call_off}


def _survey_overall(spec: Table, frame: pd.DataFrame, rows: np.ndarray, labels: dict[str, str], source: str, log: ProblemLog) -> None:
    """Each survey response needs its 总体满意度 row (the index and the importance are computed against it)."""
    ids = frame["response_id"]
    known = ids.notna().to_numpy()
    if not known.any():
        return
    codes, uniques = pd.factorize(ids)
    overall = (frame["item"] == OVERALL_ITEM).fillna(False).to_numpy()
    n = len(uniques)
    has = np.zeros(n, dtype=bool)
    np.logical_or.at(has, codes[known], overall[known])
    count = np.bincount(codes[known], minlength=n)
    first = np.full(n, -1, dtype=np.int64)
    pos = np.flatnonzero(known)[::-1]
    first[codes[pos]] = pos  # reversed: the first position wins
    label = _label(labels, spec.column("item"))
    for k in np.flatnonzero(~has)[:MAX_PER_RULE]:
        log.add(problem("survey_overall_missing", spec.name, source, row=int(rows[first[k]]), column=label,
                        value=str(uniques[k]), n=int(count[k])))


def check_references(spec: Table, frame: pd.DataFrame, rows: np.ndarray, labels: dict[str, str], source: str,
                     frames: dict[str, pd.DataFrame], log: ProblemLog, found: dict | None = None) -> None:
    """Every id that points at another table exists there (checked only when that table is present); ``found``:
    column → already looked-up mask (the loader looks up all the columns pointing at one table at once)."""
    for col in spec.columns:
        if not col.references or col.name not in frame:
            continue
        ref_table, ref_col = col.references.split(".")
        if ref_table not in frames or ref_col not in frames[ref_table]:
            continue
        values = frame[col.name]
        hit = (found or {}).get(col.name)
        if hit is None:
            hit = is_in(values, frames[ref_table][ref_col])
        if hit is None:
            hit = values.isin(frames[ref_table][ref_col].dropna().unique()).to_numpy()
        bad = values.notna().to_numpy() & ~hit
        if not bad.any():
            continue
        label = _label(labels, col)
        ref_zh = TABLES[ref_table].zh
        idx = np.flatnonzero(bad)
        for i, v in zip(idx[:MAX_PER_RULE], _pick(values, idx[:MAX_PER_RULE])):
            log.add(problem("reference_missing", spec.name, source, row=int(rows[i]), column=label, value=v,
                            ref_table=ref_table, ref_table_zh=ref_zh))
        if len(idx) > MAX_PER_RULE:
            key = (spec.name, source, label, "reference_missing")
            log._overflow[key] = log._overflow.get(key, 0) + len(idx) - MAX_PER_RULE
