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
from pathlib import Path

import pandas as pd

from dealerlab._io import atomic_file
from dealerlab.data.privacy import mask_name
from dealerlab.errors import DealerlabError, ParameterError
from dealerlab.i18n import Catalogue, pick
from dealerlab.metrics import METRICS
from dealerlab.report.finding import AREAS, Action, Finding
from dealerlab.report.fmt import unit_name, unit_of
from dealerlab.report.labels import col, term
from dealerlab.report.notes import finding_id

__all__ = ["Action", "Finding", "collect_findings", "plan_actions", "schedule", "findings_frame", "area_action", "FINDINGS_COLUMNS",
           "MAX_ACTIONS"]

_SHEET = Catalogue.load("report/findings")

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
            "owner": r["owner"], "owner_label": r["owner_en"] if en else r["owner"], "where": term(r["where"], lang),
            "how": term(r["how"], lang)}


def _person(ctx, store_id: str, role: str) -> str:
    """``role 王*`` — the (masked unless show_pii) name of the store's first active staff member in ``role`` (the role
    in the report's language: ``Sales manager 王*``)."""
    shown = term(role, getattr(ctx, "lang", "zh"))
    if not store_id or not ctx.ds.has("staff"):
        return shown
    staff = ctx.ds["staff"]
    hit = staff[(staff["store_id"] == store_id) & (staff["role"] == role)]
    if "leave_date" in hit.columns:
        hit = hit[hit["leave_date"].isna()]
    if hit.empty:
        return shown
    name = str(hit.sort_values("staff_id")["name"].iloc[0])
    return f"{shown} {name if ctx.params.show_pii else mask_name(name)}"


def action_why(ctx, cause: str, evidence_zh: str, evidence_en: str) -> str:
    """An action's why: the root cause and, in brackets, the numbers behind it, in the report's language."""
    evidence = evidence_en if ctx.lang == "en" else evidence_zh
    return _SHEET.get("cause_evidence", ctx.lang, cause=cause, evidence=evidence) if evidence else cause


def _fmt(x: float, unit: str) -> str:
    if not math.isfinite(x):
        return "—"
    if unit == "rate":
        return f"{x:.1%}"
    return f"{x:,.1f}" if abs(x - round(x)) > 1e-9 else f"{x:,.0f}"


def plan_actions(ctx, findings: list[Finding], *, report_date: _dt.date | None = None, lang: str | None = None) -> pd.DataFrame:
    """The action rows of the ranked findings (at most :data:`MAX_ACTIONS`; the module docstring says how).

    Parameters
    ----------
    ctx : ReportContext
        For the store's staff (owner names) and ``show_pii``.
    findings : list of Finding
        Ranked findings (:func:`collect_findings`).
    report_date : datetime.date, optional
        Default today.
    lang : {"zh", "en"}, optional
        Default: the report's language.

    Returns
    -------
    DataFrame
        ``store_id, title, what, why, who, start, check_date, where, how, check_metric, baseline, target``
        (baseline and target numeric, formatted in ``check``).
    """
    lang = lang or getattr(ctx, "lang", "zh")
    dates = schedule(findings, report_date=report_date)
    rows = []
    for f in findings:
        if len(rows) >= MAX_ACTIONS:
            break
        when = dates.get(_key(f))
        if when is None:
            continue
        start, check = when
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


def _key(f: Finding) -> str:
    return finding_id(f)


def schedule(findings: list[Finding], *, report_date: _dt.date | None = None) -> dict[str, tuple[_dt.date, _dt.date]]:
    """The start and check dates of every finding that gets an action (an action and a numeric target): the one
    function that dates actions, so a finding has the same dates on the group page, on its store's page, in the
    deck and in findings.csv.

    Each store's actions are staggered on their own: the store's first starts the Monday after the report date,
    its next a week later, and so on (the group's ranking across stores never shifts a store's dates); the check
    date is the start plus 4 weeks.

    Parameters
    ----------
    findings : list of Finding
        Ranked findings (:func:`collect_findings`; the consultant's hidden ones already left out).
    report_date : datetime.date, optional
        Default today.

    Returns
    -------
    dict
        Finding id (:func:`dealerlab.report.notes.finding_id`) → (start, check date).
    """
    today = report_date or _dt.date.today()
    first = today + _dt.timedelta(days=7 - today.weekday())  # the Monday of the week after the report
    count: dict[str, int] = {}
    out = {}
    for f in findings:
        if f.action is None or not math.isfinite(f.target) or not math.isfinite(f.value):
            continue
        k = count.get(f.store_id, 0)
        count[f.store_id] = k + 1
        start = first + _dt.timedelta(weeks=k)
        out[_key(f)] = (start, start + _dt.timedelta(weeks=4))
    return out


def findings_frame(ctx, findings: list[Finding], *, report_date: _dt.date | None = None, lang: str | None = None) -> pd.DataFrame:
    """The findings as one table (``findings.csv``): one row per finding, columns :data:`FINDINGS_COLUMNS`.

    Parameters
    ----------
    ctx : ReportContext
    findings : list of Finding
        Ranked findings.
    report_date : datetime.date, optional
        Default today (for the action rows' dates).
    lang : {"zh", "en"}, optional
        Default: the report's language.

    Returns
    -------
    DataFrame
    """
    lang = lang or getattr(ctx, "lang", "zh")
    dates = schedule(findings, report_date=report_date)
    rows = []
    for i, f in enumerate(findings, start=1):
        when = dates.get(_key(f))
        rows.append({
            "store_id": f.store_id, "period": ctx.params.period, "rank": i, "area": f.section, "metric": f.metric or "",
            "current": f.value, "target": f.target, "target_source": f.target_source, "baseline": f.baseline,
            "extra_sales": f.extra_sales, "extra_gross": f.extra_gross, "share_of_gross": f.share_of_gross,
            "benchmark": f.benchmark, "benchmark_source": f.benchmark_source,
            "benchmark_extra_sales": f.benchmark_extra_sales, "benchmark_extra_gross": f.benchmark_extra_gross,
            "evidence": pick(lang, f.evidence or f.detail(lang), f.detail(lang)), "action": f.action.what if f.action else "",
            "owner": f.action.who if f.action else "", "start": when[0].isoformat() if when else "",
            "check_date": when[1].isoformat() if when else "", "title": f.title(lang),
        })
    return pd.DataFrame(rows, columns=FINDINGS_COLUMNS)


#: target sources of findings.csv → (zh, en) (messages/report/findings.toml)
TARGET_SOURCES = _SHEET.pairs("target_source", ("benchmark", "half_gap", "own_best", "target_table", "rule"))
#: the columns of the file a reader opens (ids of :data:`FINDINGS_COLUMNS` plus the unit and the ids), in order
FILE_COLUMNS = ["rank", "store_id", "period", "area", "title", "metric", "unit", "current", "target", "target_source",
                "baseline", "benchmark", "benchmark_source", "extra_sales", "extra_gross", "share_of_gross",
                "benchmark_extra_sales", "benchmark_extra_gross", "evidence", "action", "owner", "start", "check_date",
                "finding_id", "area_id", "metric_id"]


def _number(value, unit: str):
    """A figure rounded as the report shows it, as a number (rates in percent)."""
    if value is None or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if unit == "rate":
        return round(value * 100, 1)
    if unit in ("money", "index"):
        return int(round(value))
    r = round(value, 1)
    return int(r) if float(r).is_integer() else r


def readable_findings(frame: pd.DataFrame, findings: list[Finding] | None = None, *, lang: str = "zh") -> pd.DataFrame:
    """:func:`findings_frame` as the reader opens it: labelled headers (the label catalogue), areas, metrics and
    target sources in words, figures rounded as the report shows them with their unit in a 单位 column (rates in
    percent), and the ids kept at the right (finding, area and metric ids) for scripts and lookups.

    Parameters
    ----------
    frame : DataFrame
        :func:`findings_frame`'s table.
    findings : list of Finding, optional
        The same findings in the same order (for their ids in the notes, :func:`dealerlab.report.notes.finding_id`).
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
    """
    rows = []
    for i, r in enumerate(frame.to_dict("records")):
        metric = r["metric"] or ""
        unit = unit_of(metric) if metric else ""
        rows.append({
            "rank": r["rank"], "store_id": r["store_id"], "period": r["period"], "area": area_label(r["area"], lang),
            "title": r["title"], "metric": col(metric, lang) if metric else "", "unit": unit_name(unit, lang) if unit else "",
            "current": _number(r["current"], unit), "target": _number(r["target"], unit),
            "target_source": TARGET_SOURCES.label(r["target_source"], lang),
            "baseline": r["baseline"], "benchmark": _number(r["benchmark"], unit), "benchmark_source": r["benchmark_source"],
            "extra_sales": _number(r["extra_sales"], "decimal"), "extra_gross": _number(r["extra_gross"], "money"),
            "share_of_gross": _number(r["share_of_gross"], "rate"),
            "benchmark_extra_sales": _number(r["benchmark_extra_sales"], "decimal"),
            "benchmark_extra_gross": _number(r["benchmark_extra_gross"], "money"),
            "evidence": r["evidence"], "action": r["action"], "owner": r["owner"], "start": r["start"],
            "check_date": r["check_date"], "finding_id": finding_id(findings[i]) if findings is not None else "",
            "area_id": r["area"], "metric_id": metric,
        })
    out = pd.DataFrame(rows, columns=FILE_COLUMNS)
    for c in ("current", "target", "benchmark", "extra_sales", "extra_gross", "share_of_gross", "benchmark_extra_sales",
              "benchmark_extra_gross"):  # whole money stays whole (51367, not 51367.0) beside rates in percent
        out[c] = pd.Series([r[c] for r in rows], dtype=object, index=out.index) if rows else out[c]
    money = _SHEET.get("money_unit", lang)
    heads = {c: col(c, lang) for c in FILE_COLUMNS}
    heads.update({"extra_gross": f"{col('extra_gross', lang)}({money})", "share_of_gross": f"{col('share_of_gross', lang)}(%)",
                  "benchmark_extra_gross": f"{col('benchmark_extra_gross', lang)}({money})",
                  "metric": col("metric", lang), "metric_id": col("metric_id", lang)})
    return out.rename(columns=heads)


def write_findings(frame: pd.DataFrame, path, *, lang: str = "zh", findings: list[Finding] | None = None):
    """Write :func:`findings_frame` to ``path`` (``.csv`` UTF-8 with BOM, or ``.xlsx``) as :func:`readable_findings`
    shows it, atomically; client strings are neutralised against formula injection in Excel.

    Parameters
    ----------
    frame : DataFrame
        :func:`findings_frame`'s table.
    path : str or Path
    lang : {"zh", "en"}
        Headers, words and sheet name language.
    findings : list of Finding, optional
        The findings of ``frame`` (their ids fill the 发现编号 column).

    Returns
    -------
    Path
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(*_SHEET.both("file_suffix", name=path.name))
    safe = readable_findings(frame, findings, lang=lang)
    for c in safe.columns:
        if safe[c].dtype == object:  # kept object: a whole number stays whole in the file
            safe[c] = pd.Series([("'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v)
                                 for v in safe[c]], dtype=object, index=safe.index)
    with atomic_file(path) as tmp:
        if suffix == ".csv":
            safe.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            safe.to_excel(tmp, index=False, sheet_name=_SHEET.get("findings", lang), engine="openpyxl")
    return path


def area_label(area: str, lang: str = "zh") -> str:
    """Display name of an area key."""
    return AREAS.label(area, lang)


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
