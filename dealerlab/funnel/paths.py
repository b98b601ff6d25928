"""What a funnel stage is worth: conversion by path over the closed-lead cohort (docs/DOMAIN.md §10).

Why not multiply the funnel through
-----------------------------------
The v1 model scaled showroom sales by ``r'/r`` of a stage, as if every extra test drive closed as often as the
average sale comes about. On the demo data test-driven leads close at about 49% and the others at about 13%: an
extra test drive is worth the *difference* (about 0.36 of a sale), not a whole ``S_room / TD``. The path model
below measures that difference on the store's own leads whose outcome is known.

The cohort
----------
For store s and month M: the leads of s with status 成交 or 战败 and closed_date in the 6 months ending with M.
"Sold" = 成交. A lead "visited" when it has ≥ 1 visit, "revisited" when it has a 再次 visit, "test-driven" when it
has a test drive dated ≤ its closed_date. The path shares:

- ``p_lead`` = sold / cohort
- ``p_call_visited`` / ``p_call_unvisited`` = sold share of cohort leads with first_contact 来电 that visited / did not
- ``p_revisit`` / ``p_norevisit`` = sold share of visited cohort leads with / without a 再次 visit
- ``p_td`` / ``p_notd`` = sold share of visited cohort leads with / without a test drive

A share over fewer than 30 leads is not available (reason 样本不足，少于 30 条已结案潜客).

Extra showroom sales of one stage moved from r to r' (the others unchanged; counts of M as in §1)::

    capture_rate     Δ = (r' − r) × (FV + FC) × p_lead
    call_visit_rate  Δ = (r' − r) × C × (p_call_visited − p_call_unvisited)
    revisit_rate     Δ = (r' − r) × (W + CV + L) × (p_revisit − p_norevisit)
    test_drive_rate  Δ = (r' − r) × (W + CV + RnoTD) × (p_td − p_notd)
    close_rate       Δ = (r' − r) × (L + N)

A negative path difference gives Δ < 0: it is reported as "no gain from this stage" with the two shares, never as a
loss. Targets: benchmark b of the store's business type, and the reachable r' = min(b, max(own_best, r + (b − r)/2))
with own_best = the store's best value of the rate over the 6 months ending with M. A stage with r ≥ b is no finding.
Extra gross = Δ × (gross_per_unit + addon_gross_per_unit) of s in M; share of gross = extra gross ÷ the store's gross
of M (Σ vehicle gross + Σ add-on gross). Stage figures are not additive: :func:`combined_upper` moves several rates
together and is labelled an upper estimate.

Decisions where docs/DOMAIN.md is silent
-----------------------------------
- Visits and test drives are matched to a lead by (store_id, lead_id); a visit counts whatever its date.
- own_best ignores months whose rate is not available; when none is available it is the current rate.
- The target source is named in words: 标杆 (r' = b), 本店近6个月最好水平 (r' = own_best), 缩小一半差距 (r' = r + (b − r)/2);
  a tie is named in that order.
- A stage whose Δ needs a share that is not available has no extra sales (NaN, the share's reason).
- :func:`combined_upper`: the stages are moved in process order; capture scales the new leads (W, C, N) by r'/r,
  call-visit scales CV by r'/r, and each later stage's base uses the enlarged counts. Every positive stage Δ is added;
  because the later path shares already contain part of the earlier stages' effect, the sum overstates: an upper
  estimate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._options import check_lang
from dealerlab.calendar import check_period, period_range
from dealerlab.errors import ParameterError
from dealerlab.funnel.benchmarks import load_benchmark_set, store_business
from dealerlab.funnel.counts import _resolve_stores, funnel_counts
from dealerlab.funnel.rates import funnel_rates
from dealerlab.i18n import Catalogue
from dealerlab.metrics import label

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "STAGES",
    "SHARES",
    "MIN_LEADS",
    "COHORT_MONTHS",
    "TARGET_SOURCES",
    "path_shares",
    "stage_extra_sales",
    "reachable_target",
    "target_source",
    "stage_gains",
    "combined_upper",
    "what_if",
]

#: the five flow rates of the funnel, in process order
STAGES: tuple[str, ...] = ("capture_rate", "call_visit_rate", "revisit_rate", "test_drive_rate", "close_rate")
#: the path shares of the cohort, in output order
SHARES: tuple[str, ...] = ("p_lead", "p_call_visited", "p_call_unvisited", "p_revisit", "p_norevisit", "p_td", "p_notd")
#: a share over fewer closed leads than this is not available
MIN_LEADS = 30
#: months of the closed-lead cohort (ending with M)
COHORT_MONTHS = 6
#: target source key → (zh, en)
#: the count base and the (with, without) shares of each stage; close_rate needs no share
STAGE_BASE: dict[str, tuple[tuple[str, ...], tuple[str, str] | tuple[str] | tuple]] = {
    "capture_rate": (("FV", "FC"), ("p_lead",)),
    "call_visit_rate": (("C",), ("p_call_visited", "p_call_unvisited")),
    "revisit_rate": (("W", "CV", "L"), ("p_revisit", "p_norevisit")),
    "test_drive_rate": (("W", "CV", "RnoTD"), ("p_td", "p_notd")),
    "close_rate": (("L", "N"), ()),
}
_MSG = Catalogue.load("funnel/paths")
#: the enum values of the data contract the cohort is built from (leads.status, visits.visit_type, leads.first_contact)
_CLOSED_STATUSES = ("成交", "战败")
_SOLD = "成交"
_REVISIT = "再次"
_CALL = "来电"
#: where a reachable target comes from: key → (zh, en) words (messages/funnel/paths.toml)
TARGET_SOURCES = _MSG.pairs("target_source", ("benchmark", "own_best", "half_gap"))


def _reason_small(lang: str) -> str:
    return _MSG.get("small", lang)


def _num(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


# ---------------------------------------------------------------------------------------------------- path shares
def path_shares(ds: Dataset, *, period: str, stores=None, months: int = COHORT_MONTHS, min_leads: int = MIN_LEADS,
                lang: str = "zh") -> pd.DataFrame:
    """Sold shares of the closed-lead cohort by path (the module docstring defines them).

    Parameters
    ----------
    ds : Dataset
        Needs ``leads``; ``visits`` and ``test_drives`` for the shares that use them (otherwise NaN with a reason).
    period : str
        The month M ``YYYY-MM``; the cohort is the leads closed in the ``months`` months ending with M.
    stores : iterable of str, optional
        Store ids (default: every store).
    months : int
        Cohort window in months (default 6).
    min_leads : int
        A share over fewer leads is not available (default 30).
    lang : {"zh", "en"}
        Language of ``name`` and ``reason``.

    Returns
    -------
    DataFrame
        One row per store × share: ``store_id, period, share, name, leads, sold, value, reason``.
    """
    check_lang(lang)
    period = check_period(period)
    if months < 1 or min_leads < 1:
        raise ParameterError(*_MSG.both("bad_window"))

    store_ids = _resolve_stores(ds, stores)
    window = period_range(period, months)
    lo = pd.Period(window[0], freq="M").start_time
    hi = pd.Period(period, freq="M").end_time
    leads = ds["leads"]
    closed = pd.to_datetime(leads["closed_date"], errors="coerce")
    cohort = leads[leads["store_id"].isin(store_ids) & leads["status"].isin(_CLOSED_STATUSES)
                   & (closed >= lo) & (closed <= hi)].copy()
    cohort["closed"] = pd.to_datetime(cohort["closed_date"]).dt.normalize()
    cohort["sold"] = (cohort["status"] == _SOLD).astype(int)
    key = list(zip(cohort["store_id"], cohort["lead_id"]))
    why_visits = why_td = ""
    if ds.has("visits"):
        v = ds["visits"]
        visited = set(zip(v["store_id"], v["lead_id"]))
        again = v[v["visit_type"] == _REVISIT]
        revisited = set(zip(again["store_id"], again["lead_id"]))
        cohort["visited"] = [k in visited for k in key]
        cohort["revisited"] = [k in revisited for k in key]
    else:
        why_visits = _MSG.get("no_visits", lang)
        cohort["visited"] = False
        cohort["revisited"] = False
    if ds.has("test_drives"):
        td = ds["test_drives"][["store_id", "lead_id", "drive_date"]].copy()
        td["drive"] = pd.to_datetime(td["drive_date"], errors="coerce").dt.normalize()
        first = td.dropna(subset=["drive"]).groupby(["store_id", "lead_id"])["drive"].min()
        first = first.to_dict()  # (store, lead) → first drive: one lookup per lead without a MultiIndex search
        first_drive = [first.get(k, pd.NaT) for k in key]
        cohort["test_driven"] = [pd.notna(d) and d <= c for d, c in zip(first_drive, cohort["closed"])]
    else:
        why_td = _MSG.get("no_test_drives", lang)
        cohort["test_driven"] = False
    call = cohort["first_contact"] == _CALL
    vis = cohort["visited"]
    groups = {
        "p_lead": (pd.Series(True, index=cohort.index), ""),
        "p_call_visited": (call & vis, why_visits),
        "p_call_unvisited": (call & ~vis, why_visits),
        "p_revisit": (vis & cohort["revisited"], why_visits),
        "p_norevisit": (vis & ~cohort["revisited"], why_visits),
        "p_td": (vis & cohort["test_driven"], why_visits or why_td),
        "p_notd": (vis & ~cohort["test_driven"], why_visits or why_td),
    }
    rows = []
    for sid in store_ids:
        mine = (cohort["store_id"] == sid).to_numpy()
        for share in SHARES:
            mask, why = groups[share]
            sel = mine & mask.to_numpy()
            n, sold = int(sel.sum()), int(cohort["sold"].to_numpy()[sel].sum())
            value, reason = (sold / n if n else math.nan), why
            if not reason and n < min_leads:
                value, reason = math.nan, _reason_small(lang)
            elif reason:
                value = math.nan
            rows.append({"store_id": sid, "period": period, "share": share,
                         "name": _MSG.get(share, lang),
                         "leads": n, "sold": sold, "value": value, "reason": reason})
    return pd.DataFrame(rows, columns=["store_id", "period", "share", "name", "leads", "sold", "value", "reason"])


# ---------------------------------------------------------------------------------------------------- one stage
def stage_extra_sales(stage: str, *, current: float, new: float, counts: Mapping[str, float],
                      shares: Mapping[str, float]) -> float:
    """Extra showroom sales when ``stage`` moves from ``current`` to ``new`` (the table of the module docstring).

    Parameters
    ----------
    stage : str
        One of :data:`STAGES`.
    current, new : float
        The stage rate now and the target rate (fractions).
    counts : mapping
        The month's counts FV, FC, C, W, CV, L, N, RnoTD (those the stage needs).
    shares : mapping
        Path shares by id of :data:`SHARES` (those the stage needs).

    Returns
    -------
    float
        Δ (may be negative when the path difference is negative; NaN when an input is not available).

    Examples
    --------
    >>> stage_extra_sales("test_drive_rate", current=0.40, new=0.50, counts={"W": 100, "CV": 20, "RnoTD": 30},
    ...                   shares={"p_td": 0.45, "p_notd": 0.15})
    4.5
    """
    if stage not in STAGE_BASE:
        raise ParameterError(*_MSG.both("unknown_stage", stage=stage, stages_zh=_MSG.text("list_sep").join(STAGES), stages_en=', '.join(STAGES)))
    base_ids, share_ids = STAGE_BASE[stage]
    base = sum(_num(counts.get(k)) for k in base_ids)
    if len(share_ids) == 0:
        factor = 1.0
    elif len(share_ids) == 1:
        factor = _num(shares.get(share_ids[0]))
    else:
        factor = _num(shares.get(share_ids[0])) - _num(shares.get(share_ids[1]))
    d = (_num(new) - _num(current)) * base * factor
    return float(round(d, 12)) if math.isfinite(d) else math.nan


def reachable_target(current: float, benchmark: float, own_best: float) -> float:
    """The reachable target r' = min(b, max(own_best, r + (b − r)/2)) (NaN when r or b is not available).

    Parameters
    ----------
    current : float
        The rate r of the month.
    benchmark : float
        The benchmark b of the store's business type.
    own_best : float
        The store's best value of the rate over the 6 months ending with M (NaN → r).

    Returns
    -------
    float

    Examples
    --------
    >>> reachable_target(0.30, 0.50, 0.35)   # half the gap (0.40) beats the best month (0.35)
    0.4
    >>> reachable_target(0.30, 0.50, 0.46)   # the store's own best month
    0.46
    >>> reachable_target(0.30, 0.50, 0.60)   # never above the benchmark
    0.5
    """
    r, b, best = _num(current), _num(benchmark), _num(own_best)
    if not (math.isfinite(r) and math.isfinite(b)):
        return math.nan
    if not math.isfinite(best):
        best = r
    return float(round(min(b, max(best, r + (b - r) / 2)), 12))


def target_source(current: float, benchmark: float, own_best: float) -> str:
    """Which rule set the reachable target: ``"benchmark"``, ``"own_best"`` or ``"half_gap"`` ("" when not available).

    Parameters
    ----------
    current : float
        The rate r of the month.
    benchmark : float
        The benchmark b.
    own_best : float
        The store's best month of the last 6.

    Returns
    -------
    str
        A key of :data:`TARGET_SOURCES`.
    """
    t = reachable_target(current, benchmark, own_best)
    if not math.isfinite(t):
        return ""
    if math.isclose(t, _num(benchmark), abs_tol=1e-12):
        return "benchmark"
    if math.isfinite(_num(own_best)) and math.isclose(t, _num(own_best), abs_tol=1e-12):
        return "own_best"
    return "half_gap"


# ---------------------------------------------------------------------------------------------------- every stage
_COUNT_IDS = ("FV", "FC", "W", "C", "N", "CV", "L", "RnoTD", "S_room", "S")


def _month_inputs(ds: Dataset, *, period: str, stores, months: int):
    """Counts and rates of M, and the best month of each stage over the window (internal)."""
    window = period_range(period, months)
    counts = funnel_counts(ds, periods=[period], stores=stores).set_index("store_id")
    rates = funnel_rates(ds, periods=window, stores=stores)
    now = rates[rates["period"] == period].set_index("store_id")
    best = rates.groupby("store_id", sort=False)[list(STAGES)].max()
    return counts, now, best


def stage_gains(ds: Dataset, *, period: str, stores=None, benchmarks=None, months: int = COHORT_MONTHS,
                min_leads: int = MIN_LEADS, lang: str = "zh") -> pd.DataFrame:
    """What each funnel stage below its benchmark is worth, per store (docs/DOMAIN.md §10; the module docstring).

    Parameters
    ----------
    ds : Dataset
    period : str
        The month M ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids (default: every store).
    benchmarks : path, mapping, BenchmarkSet or None
        See :func:`dealerlab.funnel.benchmarks.load_benchmark_set`; each store uses its business type's values.
    months : int
        Window of the cohort and of own_best (default 6).
    min_leads : int
        Minimum leads behind a path share (default 30).
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        One row per store × stage, ranked within each store by ``extra_gross`` (largest first):
        ``store_id, period, business, metric, name, value, benchmark, benchmark_source, own_best, target,
        target_source, target_basis`` (words), ``base`` (the count the rate moves), ``p_with, p_without``,
        ``extra_sales`` (at the reachable target), ``benchmark_extra_sales``, ``gross_per_unit_total``
        (vehicle + add-on gross per unit), ``extra_gross, benchmark_extra_gross, store_gross, share_of_gross``,
        ``status`` — ``gain`` / ``no_gain`` (negative path difference: never a loss) / ``at_benchmark`` / ``na`` —
        and ``reason``. Δ is not rounded.
    """
    check_lang(lang)
    period = check_period(period)
    bset = load_benchmark_set(benchmarks)
    counts, now, best = _month_inputs(ds, period=period, stores=stores, months=months)
    shares = path_shares(ds, period=period, stores=list(counts.index), months=months, min_leads=min_leads, lang=lang)
    rows = []
    for sid in counts.index:
        business = store_business(ds, sid)
        bench = bset.of(business)
        src = bset.source(business, lang)
        c = {k: _num(counts.at[sid, k]) for k in _COUNT_IDS if k in counts.columns}
        sh = shares[shares["store_id"] == sid].set_index("share")
        p = {k: _num(sh.at[k, "value"]) for k in SHARES}
        why_share = {k: str(sh.at[k, "reason"]) for k in SHARES}
        gpu = _num(now.at[sid, "gross_per_unit"]) if sid in now.index else math.nan
        agpu = _num(now.at[sid, "addon_gross_per_unit"]) if sid in now.index else math.nan
        total_gpu = gpu + (agpu if math.isfinite(agpu) else 0.0)
        store_gross = c.get("S", math.nan) * total_gpu
        for stage in STAGES:
            r = _num(now.at[sid, stage]) if sid in now.index else math.nan
            b = bench.get(stage, math.nan)
            own = _num(best.at[sid, stage]) if sid in best.index else math.nan
            target = reachable_target(r, b, own)
            tsrc = target_source(r, b, own)
            base_ids, share_ids = STAGE_BASE[stage]
            base = sum(c.get(k, math.nan) for k in base_ids)
            p_with = p[share_ids[0]] if share_ids else math.nan
            p_without = p[share_ids[1]] if len(share_ids) > 1 else math.nan
            reason, status = "", ""
            if not math.isfinite(r):
                status, reason = "na", _MSG.get("rate_na", lang)
            elif r >= b:
                status = "at_benchmark"
            missing = [why_share[k] for k in share_ids if not math.isfinite(p[k])]
            d = stage_extra_sales(stage, current=r, new=target, counts=c, shares=p) if status == "" else math.nan
            db = stage_extra_sales(stage, current=r, new=b, counts=c, shares=p) if status == "" else math.nan
            if status == "" and missing:
                status, reason = "na", missing[0]
            elif status == "" and (d < 0 or (math.isfinite(d) and len(share_ids) == 2 and p_with <= p_without)):
                status = "no_gain"
                reason = _MSG.get("no_gain_paths", lang, p_with=p_with, p_without=p_without,
                                  with_=_MSG.get(share_ids[0], lang), without=_MSG.get(share_ids[1], lang))
                d = db = 0.0
            elif status == "":
                status = "gain"
            if status in ("at_benchmark", "na"):
                d = db = math.nan if status == "na" else 0.0
            if status == "at_benchmark":  # no finding: no target to show
                target, tsrc = math.nan, ""
            eg = d * total_gpu if math.isfinite(d) else math.nan
            rows.append({
                "store_id": sid, "period": period, "business": business, "metric": stage, "name": label(stage, lang),
                "value": r, "benchmark": b, "benchmark_source": src, "own_best": own, "target": target,
                "target_source": tsrc, "target_basis": (TARGET_SOURCES.label(tsrc, lang) if tsrc else ""),
                "base": base, "p_with": p_with, "p_without": p_without,
                "extra_sales": d, "benchmark_extra_sales": db, "gross_per_unit_total": total_gpu,
                "extra_gross": eg, "benchmark_extra_gross": db * total_gpu if math.isfinite(db) else math.nan,
                "store_gross": store_gross,
                "share_of_gross": eg / store_gross if (math.isfinite(eg) and store_gross) else math.nan,
                "status": status, "reason": reason,
            })
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    order = {s: i for i, s in enumerate(dict.fromkeys(out["store_id"]))}
    out["_o"] = out["store_id"].map(order)
    out["_k"] = -out["extra_gross"].fillna(-np.inf)
    out = out.sort_values(["_o", "_k"], kind="stable").drop(columns=["_o", "_k"]).reset_index(drop=True)
    return out


def combined_upper(gains: pd.DataFrame, counts: Mapping[str, float], shares: Mapping[str, float], *,
                   targets: Mapping[str, float] | None = None) -> float:
    """An upper estimate of the extra sales when several stages move together (never the sum printed as a total).

    Parameters
    ----------
    gains : DataFrame
        :func:`stage_gains` rows of ONE store (``metric, value, target``).
    counts : mapping
        The month's counts (FV, FC, W, C, N, CV, L, RnoTD).
    shares : mapping
        The store's path shares.
    targets : mapping, optional
        Target rate by stage (default: each row's ``target``); stages not given stay.

    Returns
    -------
    float
        Extra showroom sales, an upper estimate (module docstring).
    """
    rates = dict(zip(gains["metric"], gains["value"]))
    tgt = dict(zip(gains["metric"], gains["target"])) if targets is None else dict(targets)
    c = {k: _num(v) for k, v in counts.items()}
    total = 0.0
    for stage in STAGES:
        r = _num(rates.get(stage))
        t = _num(tgt.get(stage, r))
        if not (math.isfinite(r) and math.isfinite(t)) or t <= r:
            continue
        d = stage_extra_sales(stage, current=r, new=t, counts=c, shares=shares)
        if math.isfinite(d) and d > 0:
            total += d
        if stage == "capture_rate" and r > 0:
            for k in ("W", "C", "N"):
                c[k] = c[k] * t / r
        if stage == "call_visit_rate" and r > 0:
            c["CV"] = c["CV"] * t / r
    return total


def what_if(*, rates: Mapping[str, float], counts: Mapping[str, float], shares: Mapping[str, float],
            changes: Mapping[str, float], gross_per_unit: float, addon_gross_per_unit: float = 0.0,
            lang: str = "zh") -> pd.DataFrame:
    """Extra showroom sales and gross per stage when some stage rates change (path model; for sliders and cases).

    Parameters
    ----------
    rates : mapping
        Current stage rates by metric id.
    counts : mapping
        The month's counts (FV, FC, W, C, N, CV, L, RnoTD).
    shares : mapping
        Path shares by id of :data:`SHARES`.
    changes : mapping
        New values of some stage rates, fractions in [0, 1].
    gross_per_unit : float
        Vehicle gross per unit of the month.
    addon_gross_per_unit : float
        Add-on gross per unit of the month (added: extra gross is total gross, never revenue).
    lang : {"zh", "en"}
        Language of ``note``.

    Returns
    -------
    DataFrame
        One row per changed stage: ``metric, current, new, extra_sales, extra_gross, note`` (a negative Δ is shown
        as 0 with the note "no gain"; a rate moved down gives a negative Δ — a real loss).

    Examples
    --------
    >>> r = what_if(rates={"test_drive_rate": 0.44}, counts={"W": 60, "CV": 10, "RnoTD": 20},
    ...             shares={"p_td": 0.49, "p_notd": 0.13}, changes={"test_drive_rate": 0.55}, gross_per_unit=1000,
    ...             addon_gross_per_unit=2000)
    >>> round(float(r["extra_sales"].iloc[0]), 3), round(float(r["extra_gross"].iloc[0]))
    (3.564, 10692)
    """
    check_lang(lang)
    rows = []
    for metric, new in changes.items():
        if metric not in STAGES:
            raise ParameterError(*_MSG.both("unknown_change", metric=metric, stages_zh=_MSG.text("list_sep").join(STAGES), stages_en=', '.join(STAGES)))
        new = _num(new)
        if not 0 <= new <= 1:
            raise ParameterError(*_MSG.both("change_not_a_rate", metric=metric, new=new))
        cur = _num(rates.get(metric))
        d = stage_extra_sales(metric, current=cur, new=new, counts=counts, shares=shares)
        note = ""
        if math.isfinite(d) and new > cur and d < 0:
            d, note = 0.0, _MSG.get("no_gain", lang)
        elif not math.isfinite(d):
            note = _MSG.get("not_estimated", lang)
        gpu = _num(gross_per_unit) + (_num(addon_gross_per_unit) if math.isfinite(_num(addon_gross_per_unit)) else 0.0)
        rows.append({"metric": metric, "current": cur, "new": new, "extra_sales": d, "extra_gross": d * gpu, "note": note})
    return pd.DataFrame(rows, columns=["metric", "current", "new", "extra_sales", "extra_gross", "note"])
