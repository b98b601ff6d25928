"""Findings: ONE ranked list for a store or the group, from every area (docs/DOMAIN.md §10), and its action plan.

Every report section that has findings registers a ``findings(ctx) -> list[Finding]`` function (its area) in
:data:`dealerlab.report.sections.SECTIONS`; a new area is one such function. The list is ranked by extra gross a
month where money can be attached (vehicle + add-on gross, never revenue), else by severity. Areas whose data is
missing contribute nothing (their section says the data is missing).

Action plan (§10): one row per finding, at most 8: what (from the root-cause → improvement tables
``dealerlab/data/funnel_actions.csv`` and ``area_actions.csv``, chosen by the finding), why (its numbers), who (the
owner role and the masked name of the store's staff member in that role), when (the first starts the Monday after
the report date, each later one a week later; check = start + 4 weeks — never in the past), where, how, and the check
metric with baseline → numeric target. A finding without a numeric target gets no row.

Decisions where docs/DOMAIN.md is silent: the report date is today; a finding whose area table names a role the store
has no staff for shows the role alone; 销售顾问-owned funnel actions are owned by the store's 展厅经理.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from importlib import resources

import pandas as pd

from dealerlab.errors import DealerlabError
from dealerlab.i18n import Catalogue
from dealerlab.report.finding import AREAS, Action, Finding

__all__ = ["Action", "Finding", "collect_findings", "plan_actions", "findings_frame", "area_action", "FINDINGS_COLUMNS",
           "MAX_ACTIONS"]

_SHEET = Catalogue({"findings": {"zh": "发现", "en": "findings"}})

#: at most this many action rows
MAX_ACTIONS = 8
#: the columns of findings.csv
FINDINGS_COLUMNS = ["store_id", "period", "rank", "area", "metric", "current", "target", "target_source", "baseline",
                    "extra_sales", "extra_gross", "share_of_gross", "benchmark", "benchmark_source",
                    "benchmark_extra_sales", "benchmark_extra_gross", "evidence", "action", "owner", "start", "check_date",
                    "title"]


def collect_findings(ctx, collectors: list[Callable] | None = None) -> list[Finding]:
    """Every area's findings (``f(ctx) -> list[Finding]``, default the sections' of :mod:`dealerlab.report.sections`)
    for the report context ``ctx``, ranked: extra gross (largest first) where money attaches, then by severity.

    Parameters
    ----------
    ctx : ReportContext
        The report context (data, period, stores, parameters).
    collectors : list of callables, optional
        The area functions (default: every registered section's ``findings``).

    Returns
    -------
    list of Finding
    """
    if collectors is None:  # the context hands them over: the sections import this module, not the reverse
        collectors = ctx.collectors
    out: list[Finding] = []
    for func in collectors:
        try:
            out.extend(func(ctx))
        except DealerlabError:
            continue
    return sorted(out, key=Finding.sort_key)


@lru_cache(maxsize=1)
def _area_table() -> pd.DataFrame:
    with resources.files("dealerlab.data").joinpath("area_actions.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def area_action(metric: str, lang: str = "zh") -> dict:
    """The root cause → improvement row of a non-funnel finding (``area_actions.csv``), as a dict.

    Parameters
    ----------
    metric : str
        The finding's metric (e.g. ``booth_utilisation``, ``churn``).
    lang : {"zh", "en"}

    Returns
    -------
    dict
        ``root_cause, improvement, owner, where, how`` (``owner`` stays the Chinese role: it is matched to staff).
    """
    t = _area_table()
    hit = t[t["metric"] == metric]
    if hit.empty:
        return {}
    r = hit.iloc[0]
    en = lang == "en"
    return {"root_cause": r["root_cause_en"] if en else r["root_cause"],
            "improvement": r["improvement_en"] if en else r["improvement"],
            "owner": r["owner"], "owner_label": r["owner_en"] if en else r["owner"], "where": r["where"], "how": r["how"]}


def _person(ctx, store_id: str, role: str) -> str:
    """``role 王*`` — the (masked unless show_pii) name of the store's first active staff member in ``role``."""
    from dealerlab.data.privacy import mask_name

    if not store_id or not ctx.ds.has("staff"):
        return role
    staff = ctx.ds["staff"]
    hit = staff[(staff["store_id"] == store_id) & (staff["role"] == role)]
    if "leave_date" in hit.columns:
        hit = hit[hit["leave_date"].isna()]
    if hit.empty:
        return role
    name = str(hit.sort_values("staff_id")["name"].iloc[0])
    return f"{role} {name if ctx.params.show_pii else mask_name(name)}"


def _fmt(x: float, unit: str) -> str:
    if not math.isfinite(x):
        return "—"
    if unit == "rate":
        return f"{x:.1%}"
    return f"{x:,.1f}" if abs(x - round(x)) > 1e-9 else f"{x:,.0f}"


def plan_actions(ctx, findings: list[Finding], *, report_date: _dt.date | None = None, lang: str = "zh") -> pd.DataFrame:
    """The action rows of the ranked findings (at most :data:`MAX_ACTIONS`; the module docstring says how).

    Parameters
    ----------
    ctx : ReportContext
        For the store's staff (owner names) and ``show_pii``.
    findings : list of Finding
        Ranked findings (:func:`collect_findings`).
    report_date : datetime.date, optional
        Default today.
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        ``store_id, title, what, why, who, start, check_date, where, how, check_metric, baseline, target``
        (baseline and target numeric, formatted in ``check``).
    """
    from dealerlab.metrics import METRICS

    today = report_date or _dt.date.today()
    first = today + _dt.timedelta(days=7 - today.weekday())  # the Monday of the week after the report
    rows = []
    for f in findings:
        if f.action is None or not math.isfinite(f.target) or not math.isfinite(f.value):
            continue
        k = len(rows)
        if k >= MAX_ACTIONS:
            break
        start = first + _dt.timedelta(weeks=k)
        check = start + _dt.timedelta(weeks=4)
        unit = METRICS[f.metric].unit if f.metric in METRICS else ""
        a = f.action
        rows.append({
            "store_id": f.store_id, "title": f.title(lang), "what": a.what, "why": a.why, "who": a.who,
            "start": start.isoformat(), "check_date": check.isoformat(), "where": a.where, "how": a.how,
            "check_metric": f.metric_label(lang), "baseline": f.value, "target": f.target,
            "check": f"{_fmt(f.value, unit)} → {_fmt(f.target, unit)}",
        })
    return pd.DataFrame(rows, columns=["store_id", "title", "what", "why", "who", "start", "check_date", "where", "how",
                                       "check_metric", "baseline", "target", "check"])


def findings_frame(ctx, findings: list[Finding], *, report_date: _dt.date | None = None, lang: str = "zh") -> pd.DataFrame:
    """The findings as one table (``findings.csv``): one row per finding, columns :data:`FINDINGS_COLUMNS`.

    Parameters
    ----------
    ctx : ReportContext
    findings : list of Finding
        Ranked findings.
    report_date : datetime.date, optional
        Default today (for the action rows' dates).
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
    """
    plan = plan_actions(ctx, findings, report_date=report_date, lang=lang)
    by_title = {(r.store_id, r.title): r for r in plan.itertuples(index=False)}
    rows = []
    for i, f in enumerate(findings, start=1):
        p = by_title.get((f.store_id, f.title(lang)))
        rows.append({
            "store_id": f.store_id, "period": ctx.params.period, "rank": i, "area": f.section, "metric": f.metric or "",
            "current": f.value, "target": f.target, "target_source": f.target_source, "baseline": f.baseline,
            "extra_sales": f.extra_sales, "extra_gross": f.extra_gross, "share_of_gross": f.share_of_gross,
            "benchmark": f.benchmark, "benchmark_source": f.benchmark_source,
            "benchmark_extra_sales": f.benchmark_extra_sales, "benchmark_extra_gross": f.benchmark_extra_gross,
            "evidence": f.evidence or f.detail(lang), "action": f.action.what if f.action else "",
            "owner": p.who if p is not None else "", "start": p.start if p is not None else "",
            "check_date": p.check_date if p is not None else "", "title": f.title(lang),
        })
    return pd.DataFrame(rows, columns=FINDINGS_COLUMNS)


def write_findings(frame: pd.DataFrame, path, *, lang: str = "zh"):
    """Write :func:`findings_frame` to ``path`` (``.csv`` UTF-8 with BOM, or ``.xlsx``), atomically; client strings
    are neutralised against formula injection in Excel.

    Parameters
    ----------
    frame : DataFrame
    path : str or Path
    lang : {"zh", "en"}
        Sheet name language of the workbook.

    Returns
    -------
    Path
    """
    from pathlib import Path

    from dealerlab._io import atomic_file
    from dealerlab.errors import ParameterError

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"输出文件 {path.name} 应以 .csv 或 .xlsx 结尾。", f"The output {path.name} must end in .csv or .xlsx.")
    safe = frame.copy()
    for c in safe.columns:
        if safe[c].dtype == object:
            safe[c] = safe[c].map(lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v)
    with atomic_file(path) as tmp:
        if suffix == ".csv":
            safe.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            safe.to_excel(tmp, index=False, sheet_name=_SHEET.get("findings", lang), engine="openpyxl")
    return path


def area_label(area: str, lang: str = "zh") -> str:
    """Display name of an area key."""
    zh, en = AREAS.get(area, (area, area))
    return en if lang == "en" else zh


def store_gross(ctx, store_id: str) -> float:
    """The store's gross of the month: Σ vehicle gross + Σ add-on gross (the denominator of share_of_gross)."""
    s = ctx.value("volume", store_id=store_id)
    return s * (_nz(ctx.value("gross_per_unit", store_id=store_id)) + _nz(ctx.value("addon_gross_per_unit", store_id=store_id)))


def total_gross_per_unit(ctx, store_id: str) -> float:
    """Vehicle + add-on gross per unit of the month."""
    g = ctx.value("gross_per_unit", store_id=store_id)
    return g + _nz(ctx.value("addon_gross_per_unit", store_id=store_id)) if math.isfinite(g) else math.nan


def _nz(x: float) -> float:
    return x if math.isfinite(x) else 0.0


def with_check_date(f: Finding, date: str) -> Finding:
    """A copy of ``f`` with its check date."""
    return replace(f, check_date=date)
