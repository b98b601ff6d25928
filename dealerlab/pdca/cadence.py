"""The management cadence of seed 001 (数据管理及行动要点) as a dashboard table with traffic lights.

Seed 001's table says which item a manager checks how often: daily — first-time fix, parts supply, intake; weekly — the
same plus revenue/profit; immediately — complaints, serious ones reported upwards; monthly — all of these plus CSI
and staff turnover (ES). It also asks for site patrols three times a day, at least 20 minutes each.

:func:`cadence_table` gives one row per item with the seed's frequency grid, the item's current value for one store
and month, its target or benchmark and a status ``good | watch | bad | na``.

Targets and benchmarks (decisions; docs/DOMAIN.md gives none — override with ``benchmarks=``):

- rates: a ``good`` line and a ``watch`` line (first-time fix 0.95 / 0.90; parts fill 0.90 / 0.80; turnover per month
  ≤ 0.02 / ≤ 0.04; CSI index 850 / 800); for CSI a store-level ``targets`` row (metric CSI) replaces the good line
  and the watch line sits the same distance (50 points) below it;
- intake and service revenue: the store's ``targets`` row (metric 入库台数 / 售后产值) when there is one, else the
  store's own mean of the previous 3 months; good ≥ 100 %, watch ≥ 90 % of it;
- complaints (即时): bad when a serious complaint (重要/重大) of the month was not escalated, watch when complaints
  older than 7 days are still open, good otherwise. Figures from :func:`dealerlab.csi.complaint_figures` when the CSI
  module provides it; the serious-not-escalated count is computed here.
- site patrols have no data table: status ``na`` with a note.

Time progress (docs/DOMAIN.md §3): intake and service revenue are month-to-date sums. When the data ends inside the month
(``as_of``; by default the latest event date of the data, as on the targets' progress board), they are compared with
the target (or own-history mean) × 时间进度 — the same :func:`dealerlab.targets.time_progress` as the targets
module, on the store's selling days — so a board read on the 15th is not "bad" only because half the month is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab import _batch
from dealerlab._options import check_lang
from dealerlab.calendar import check_period, month_bounds, periods_back
from dealerlab.errors import MissingTableError
from dealerlab.i18n import Catalogue, pick
from dealerlab.targets.achievement import _default_as_of
from dealerlab.targets.days import time_progress

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["CADENCE", "DEFAULT_BENCHMARKS", "cadence_table", "complaint_status", "FREQUENCIES"]

_MSG = Catalogue.load("pdca/cadence")

#: the four check frequencies of seed 001 (the columns of the cadence table's tick grid)
FREQUENCIES = ("每日", "每周", "即时", "每月")
_DAILY, _WEEKLY, _AT_ONCE, _MONTHLY = FREQUENCIES
#: frequency → its key in messages/pdca/cadence.toml (frequency.<key>: the zh and en names)
_FREQ_KEYS = dict(zip(FREQUENCIES, ("daily", "weekly", "immediately", "monthly")))

#: item key → (metric id or None, frequencies ticked in seed 001); the items' names are in messages/pdca/cadence.toml
_ITEMS = {
    "first_time_fix": ("first_time_fix", (_DAILY, _WEEKLY, _MONTHLY)),
    "parts_fill_rate": ("parts_fill_rate", (_DAILY, _WEEKLY, _MONTHLY)),
    "intake": ("intake", (_DAILY, _WEEKLY, _MONTHLY)),
    "service_revenue": ("service_revenue", (_WEEKLY, _MONTHLY)),
    "complaints": (None, (_AT_ONCE, _MONTHLY)),
    "csi_index": ("csi_index", (_MONTHLY,)),
    "turnover": ("turnover", (_MONTHLY,)),
    "site_patrol": (None, (_DAILY,)),
}


_ITEM_NAMES = _MSG.pairs("item", tuple(_ITEMS))


class _Cadence(Sequence):
    """The cadence items as ``(key, zh, en, metric id or None, frequencies)`` rows; the names are read from
    messages/pdca/cadence.toml on first use (nothing is read at import)."""

    def _rows(self) -> list[tuple[str, str, str, str | None, tuple[str, ...]]]:
        return [(key, *_ITEM_NAMES[key], metric, freqs) for key, (metric, freqs) in _ITEMS.items()]

    def __getitem__(self, index):
        return self._rows()[index]

    def __iter__(self):
        return iter(self._rows())

    def __len__(self) -> int:
        return len(_ITEMS)

    def __repr__(self) -> str:
        return repr(self._rows())


#: item key → (zh, en, metric id or None, frequencies ticked in seed 001), one row per item
CADENCE = _Cadence()

#: item → (good line, watch line, higher is better); ``None`` lines = relative to target/own history
DEFAULT_BENCHMARKS: dict[str, tuple[float, float, bool]] = {
    "first_time_fix": (0.95, 0.90, True),
    "parts_fill_rate": (0.90, 0.80, True),
    "csi_index": (850.0, 800.0, True),
    "turnover": (0.02, 0.04, False),
}
_TARGET_METRIC = {"intake": "入库台数", "service_revenue": "售后产值", "csi_index": "CSI"}
_SERIOUS = ("重要", "重大")


def _status(value: float, good: float, watch: float, higher: bool) -> str:
    if value is None or pd.isna(value):
        return "na"
    if higher:
        return "good" if value >= good else ("watch" if value >= watch else "bad")
    return "good" if value <= good else ("watch" if value <= watch else "bad")


def complaint_status(ds: Dataset, *, store_id: str, period: str, open_days: int = 7) -> dict:
    """Complaint figures of one store and month for the cadence: received, serious, serious not escalated, open > 7 d.

    Parameters
    ----------
    ds : Dataset
        Needs ``complaints`` (MissingTableError otherwise).
    store_id : str
        The store.
    period : str
        Month ``YYYY-MM``.
    open_days : int
        Age in days above which an open complaint counts as overdue.

    Returns
    -------
    dict
        ``count, serious, serious_not_escalated, open_over_7d, status, note``.
    """
    df = ds["complaints"]
    df = df[df["store_id"] == store_id]
    start, end = month_bounds(period)
    received = pd.to_datetime(df["received_date"])
    in_month = df[(received >= start) & (received <= end)]
    serious = in_month[in_month["severity"].isin(_SERIOUS).fillna(False)]
    not_escalated = int((~serious["escalated"].astype("boolean").fillna(False)).sum())
    try:
        from dealerlab.csi import store_complaint_figures

        # in a batch of store reports computed once for every store (dealerlab._batch)
        fig = _batch.across_stores(store_complaint_figures, ds, stores=[store_id], periods=[period],
                                   open_days=open_days).iloc[0]
        count, overdue = int(fig["count"]), int(fig["open_over_7d"])
    except ImportError:  # the CSI module is not installed: count here (same definition)
        resolved = pd.to_datetime(df["resolved_date"])
        count = len(in_month)
        overdue = int(
            ((received <= end) & (resolved.isna() | (resolved > end)) & ((end - received).dt.days > open_days)).sum()
        )
    if not_escalated:
        status, note = "bad", _MSG.get("complaints_not_escalated", not_escalated=not_escalated)
    elif overdue:
        status, note = "watch", _MSG.get("complaints_overdue", overdue=overdue, open_days=open_days)
    else:
        status, note = "good", _MSG.text("complaints_handled") if count else _MSG.text("no_complaints")
    return {
        "count": count,
        "serious": len(serious),
        "serious_not_escalated": not_escalated,
        "open_over_7d": overdue,
        "status": status,
        "note": note,
    }


def _target(ds: Dataset, store_id: str, period: str, key: str) -> float | None:
    if key not in _TARGET_METRIC or not ds.has("targets"):
        return None
    t = ds["targets"]
    hit = t[
        (t["store_id"] == store_id)
        & (t["period"] == period)
        & (t["metric"] == _TARGET_METRIC[key])
        & t["staff_id"].isna()
    ]
    return float(hit["target"].iloc[0]) if len(hit) else None


def _by_family(metric_ids: list[str]) -> dict[str, list[str]]:
    """The metric ids grouped by their family (registry), in order."""
    from dealerlab.metrics import METRICS

    out: dict[str, list[str]] = {}
    for m in metric_ids:
        out.setdefault(METRICS[m].family, []).append(m)
    return out


def _given(figures: pd.DataFrame | None, store_id: str, periods: list[str], metric_ids: list[str]) -> pd.DataFrame | None:
    """The rows of ``figures`` for the store × ``periods`` × ``metric_ids``; None unless every one is there."""
    if figures is None or not len(figures):
        return None
    rows = figures[(figures["store_id"] == store_id) & figures["period"].isin(periods) & figures["metric"].isin(metric_ids)]
    if len(rows) != len(periods) * len(metric_ids) or rows[["period", "metric"]].duplicated().any():
        return None
    return rows


def cadence_table(
    ds: Dataset,
    *,
    store_id: str,
    period: str,
    benchmarks: Mapping[str, tuple[float, float, bool]] | None = None,
    as_of=None,
    lang: str = "zh",
    figures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The seed-001 cadence dashboard of one store and month.

    Parameters
    ----------
    ds : Dataset
        The client data; missing tables give status ``na`` with a note, never an error.
    store_id : str
        The store.
    period : str
        Month ``YYYY-MM`` (values are the month's figures).
    benchmarks : mapping, optional
        Item → (good line, watch line, higher is better), overriding :data:`DEFAULT_BENCHMARKS`.
    as_of : date-like, optional
        The day the month's data runs to. Default: the latest event date of the data when it falls inside the
        month, else the month end. Additive items (intake, service revenue) are compared with target × time progress.
    lang : {"zh", "en"}
        Language of ``item`` and ``frequency``.
    figures : DataFrame, optional
        Figures already computed (:func:`dealerlab.figures.compute`'s long format, e.g. a report's metrics table):
        used for a metric family when they hold the store's rows of the month and the 3 months before, else the
        family is computed here (once for all its items).

    Returns
    -------
    DataFrame
        One row per item: ``key, item, frequency`` (the most frequent check), ``每日, 每周, 即时, 每月`` (bool grid of
        seed 001), ``metric, value, target`` (the month's), ``time_progress`` (of ``as_of``, on the store's
        selling days), ``target_to_date`` (target × time progress for the additive items, else the target),
        ``benchmark`` (how the target was set), ``status`` (good/watch/bad/na), ``note``.
    """
    check_lang(lang)
    period = check_period(period)
    marks = {**DEFAULT_BENCHMARKS, **(benchmarks or {})}
    from dealerlab.figures import compute

    as_of = _default_as_of(ds, period) if as_of is None else pd.Timestamp(as_of).normalize()
    tp = time_progress(period, as_of=as_of, ds=ds, store_id=store_id)

    history = periods_back(period, 3)
    needed = [m for _, _, _, m, _ in CADENCE if m]
    values: dict[str, float] = {}
    reasons: dict[str, str] = {}
    past: dict[str, list[float]] = {}
    for ms in _by_family(needed).values():
        try:
            out = _given(figures, store_id, [*history, period], ms)
            if out is None:  # one computation for the family's items (the months asked only)
                out = compute(ds, periods=[*history, period], stores=[store_id], metrics=ms)
        except (ImportError, MissingTableError) as exc:
            for m in ms:
                values[m], reasons[m], past[m] = np.nan, str(exc), []
            continue
        for m in ms:
            rows = out[out["metric"] == m]
            cur = rows[rows["period"] == period]
            values[m] = float(cur["value"].iloc[0]) if len(cur) and pd.notna(cur["value"].iloc[0]) else np.nan
            reasons[m] = str(cur["reason"].iloc[0]) if len(cur) and pd.notna(cur["reason"].iloc[0]) else ""
            before = rows[rows["period"] != period].set_index("period")["value"].reindex(history).dropna()
            past[m] = [float(v) for v in before]

    rows = []
    for key, zh, en, metric, freqs in CADENCE:
        row = {"key": key, "item": pick(lang, zh, en)}
        first = next(f for f in FREQUENCIES if f in freqs)
        row["frequency"] = _MSG.get(f"frequency.{_FREQ_KEYS[first]}", lang)
        for f in FREQUENCIES:
            row[f] = f in freqs
        row["metric"] = metric or ""
        value, target, bench, status, note = np.nan, np.nan, "", "na", ""
        to_date = np.nan
        if key == "complaints":
            try:
                c = complaint_status(ds, store_id=store_id, period=period)
                value, status, note = float(c["count"]), c["status"], c["note"]
                bench = _MSG.text("complaints_rule")
            except MissingTableError as exc:
                note = str(exc)
        elif key == "site_patrol":
            bench = _MSG.text("patrol_rule")
            note = _MSG.text("patrol_no_data")
        else:
            value = values[metric]
            note = reasons[metric]
            t = _target(ds, store_id, period, key)
            if key in marks and t is not None:  # a target in the data wins; the band keeps its width
                good, watch, higher = marks[key]
                watch = t - (good - watch)
                target, bench = t, _MSG.text("month_target")
                status = _status(value, t, watch, higher)
            elif key in marks:
                good, watch, higher = marks[key]
                target = good
                op = "≥" if higher else "≤"
                fmt = (lambda v: f"{v:g}") if key == "csi_index" else (lambda v: f"{v:.0%}")
                bench = _MSG.get("bands", op=op, good=fmt(good), watch=fmt(watch))
                status = _status(value, good, watch, higher)
            else:
                if t is not None:
                    target, bench = t, _MSG.text("month_target")
                elif past[metric]:
                    target, bench = float(np.mean(past[metric])), _MSG.get("past_mean", n=len(past[metric]))
                else:
                    bench = _MSG.text("no_target_no_history")
                # month-to-date sums against the target × time progress (selling days)
                to_date = target * tp if pd.notna(target) else np.nan
                if pd.notna(target) and tp < 1:
                    bench += _MSG.get("time_progress", tp=tp)
                status = "na" if pd.isna(to_date) or to_date <= 0 else _status(value / to_date, 1.0, 0.9, True)
        if pd.isna(to_date):
            to_date = target
        row.update({"value": value, "target": target, "time_progress": tp, "target_to_date": to_date,
                    "benchmark": bench, "status": status, "note": note})
        rows.append(row)
    return pd.DataFrame(rows)
