"""Funnel diagnosis: benchmarks per business type, the store's last 3 months, the bottleneck by gross at stake, actions.

- Benchmarks: :mod:`dealerlab.funnel.benchmarks` (per business type 乘用车/商用车, with a source line; a
  ``--benchmarks`` file may override them).
- Last 3 months: the rate pooled over the three months before the period (Σ numerators / Σ denominators),
  which weighs each month by its volume.
- What a stage is worth: the path model of docs/DOMAIN.md §10 (:mod:`dealerlab.funnel.paths`): extra showroom sales at the
  reachable target and at the benchmark, valued at vehicle + add-on gross per unit. The bottleneck is the stage
  with the largest extra gross at the reachable target (the v1 "multiply the funnel through" rule is withdrawn).
- Each finding carries its SGM process step; :func:`actions` gives that step's root cause → improvement → owner →
  tool rows (``dealerlab/data/funnel_actions.csv``, written from seeds 001/002).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._options import check_lang
from dealerlab.calendar import check_period, periods_back
from dealerlab.errors import ParameterError
from dealerlab.funnel.benchmarks import load_benchmark_set, load_benchmarks, store_business
from dealerlab.funnel.counts import components
from dealerlab.funnel.paths import STAGES, stage_gains
from dealerlab.funnel.rates import RATE_SPECS, evaluate
from dealerlab.i18n import Catalogue
from dealerlab.metrics import label

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["STEPS", "STEP_OF", "load_benchmarks", "actions", "step_label", "compare", "diagnose", "action_plan"]

_MSG = Catalogue.load("funnel/diagnosis")

#: the SGM 9-step sales process (seed 001/002), in order
STEPS: tuple[str, ...] = (
    "基盘客户开发", "来电接听", "进店接待", "需求分析及产品介绍", "试乘试驾",
    "报价及成交条件确认", "潜在客户跟踪", "交车", "售后跟踪",
)
#: the process step each rate is diagnosed under
STEP_OF: dict[str, str] = {
    "traffic": "基盘客户开发",
    "call_visit_rate": "来电接听",
    "capture_rate": "进店接待",
    "test_drive_rate": "试乘试驾",
    "test_drive_satisfaction": "试乘试驾",
    "test_drive_invite_share": "试乘试驾",
    "close_rate": "报价及成交条件确认",
    "addon_penetration": "报价及成交条件确认",
    "revisit_rate": "潜在客户跟踪",
    "followup_timeliness": "潜在客户跟踪",
    "aftersale_followup_timeliness": "售后跟踪",
}


def _data_file(name: str):
    return resources.files("dealerlab.data").joinpath(name)


@lru_cache(maxsize=1)
def _actions_table() -> pd.DataFrame:
    with _data_file("funnel_actions.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def step_label(step: str, lang: str = "zh") -> str:
    """Display name of a process step (its Chinese name, or the English one with ``lang="en"``)."""
    if lang != "en" or not step:
        return step
    t = _actions_table()
    hit = t.loc[t["step"] == step, "step_en"]
    return str(hit.iloc[0]) if len(hit) else step


def actions(step: str | None = None, *, metric: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """The root cause → improvement → owner → tool table of a process step (or of every step).

    Parameters
    ----------
    step : str, optional
        One of :data:`STEPS` (Chinese name). Default: every step.
    metric : str, optional
        Instead of ``step``: the step :data:`STEP_OF` assigns to this metric.
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        ``step_no, step, root_cause, improvement, owner, tool`` (English texts with ``lang="en"``; ``step``
        stays the Chinese step name, ``step_en`` is added).
    """
    check_lang(lang)
    if metric is not None:
        if metric not in STEP_OF:
            raise ParameterError(*_MSG.both("metric_without_step", metric=metric))
        step = STEP_OF[metric]
    t = _actions_table()
    if step is not None:
        if step not in STEPS:
            raise ParameterError(*_MSG.both("unknown_step", step=step, steps=_MSG.text("list_sep").join(STEPS)))
        t = t[t["step"] == step]
    cols = ["root_cause", "improvement", "owner", "tool"]
    out = t[["step_no", "step"]].copy()
    out["step_no"] = out["step_no"].astype(int)
    for c in cols:
        out[c] = t[f"{c}_en"] if lang == "en" else t[c]
    if lang == "en":
        out["step_en"] = t["step_en"]
    return out.reset_index(drop=True)


def _rates_now_and_before(ds: Dataset, *, period: str, stores, history: int):
    """Rates of ``period`` and pooled rates of the ``history`` months before, per store (internal)."""
    before = periods_back(period, history)
    comp = components(ds, periods=[*before, period], stores=stores)
    keys = comp.keys
    now = (keys["period"] == period).to_numpy()
    vals, reasons = evaluate(comp.values, comp.missing, comp.cell_reasons, [*RATE_SPECS, "S_room"])
    # pooled: sum every component over the previous months of each store
    store_codes = pd.factorize(keys["store_id"])[0]
    prev = ~now
    pooled_values = {}
    n_st = int(store_codes.max()) + 1 if len(store_codes) else 0
    for k, arr in comp.values.items():
        pooled_values[k] = np.bincount(store_codes[prev], weights=arr[prev], minlength=n_st)
        # NaN-propagation: any NaN month makes the pooled component NaN
        has_nan = np.bincount(store_codes[prev], weights=np.isnan(arr[prev]).astype(float), minlength=n_st) > 0
        pooled_values[k] = np.where(has_nan, np.nan, np.nan_to_num(pooled_values[k]))
    pooled, _ = evaluate(pooled_values, comp.missing, {}, list(RATE_SPECS))
    stores_now = keys.loc[now, "store_id"].to_numpy()
    idx_now = np.flatnonzero(now)
    return stores_now, {m: v[idx_now] for m, v in vals.items()}, {m: r[idx_now] for m, r in reasons.items()}, \
        {m: v[store_codes[idx_now]] for m, v in pooled.items()}


def compare(ds: Dataset, *, period: str, stores=None, benchmarks=None, history: int = 3, lang: str = "zh") -> pd.DataFrame:
    """Each benchmarked rate of ``period`` against its benchmark and the store's previous ``history`` months.

    Parameters
    ----------
    ds : Dataset
    period : str
        The month ``YYYY-MM`` diagnosed.
    stores : iterable of str, optional
        Store ids (default: every store).
    benchmarks : path, mapping, BenchmarkSet or None
        Passed to :func:`~dealerlab.funnel.benchmarks.load_benchmark_set`; each store uses its business type's values.
    history : int
        Number of previous months pooled for the comparison (default 3).
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        One row per store × benchmarked metric: ``store_id, period, metric, name, step, business, value, benchmark,
        benchmark_source, gap`` (value − benchmark), ``last3`` (pooled previous months), ``change`` (value − last3),
        ``reason``.
    """
    check_lang(lang)
    period = check_period(period)
    bset = load_benchmark_set(benchmarks)
    stores_now, vals, reasons, pooled = _rates_now_and_before(ds, period=period, stores=stores, history=history)
    business = np.array([store_business(ds, s) for s in stores_now], dtype=object)
    metrics = list(dict.fromkeys(m for b in set(business) for m in bset.of(b))) or list(bset.of(None))
    rows = []
    for m in metrics:
        n = len(stores_now)
        bench = np.array([bset.of(b).get(m, np.nan) for b in business], dtype=float)
        rows.append(pd.DataFrame({
            "store_id": stores_now,
            "period": period,
            "metric": m,
            "name": label(m, lang),
            "step": STEP_OF.get(m, ""),
            "business": business,
            "value": vals[m],
            "benchmark": bench if n else np.array([], dtype=float),
            "benchmark_source": [bset.source(b, lang) for b in business],
            "gap": vals[m] - bench,
            "last3": pooled[m],
            "change": vals[m] - pooled[m],
            "reason": reasons[m],
        }))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    order = {s: i for i, s in enumerate(dict.fromkeys(stores_now))}
    out = out.assign(_o=out["store_id"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)


_GAIN_COLS = ["own_best", "target", "target_source", "target_basis", "base", "p_with", "p_without", "extra_sales",
              "benchmark_extra_sales", "gross_per_unit_total", "extra_gross", "benchmark_extra_gross", "store_gross",
              "share_of_gross", "status"]


def diagnose(ds: Dataset, *, period: str, stores=None, benchmarks=None, history: int = 3, lang: str = "zh") -> pd.DataFrame:
    """Findings of the funnel diagnosis, ranked by extra gross at the reachable target (path model, docs/DOMAIN.md §10).

    Parameters
    ----------
    ds : Dataset
    period : str
        The month ``YYYY-MM`` diagnosed.
    stores : iterable of str, optional
    benchmarks : path, mapping, BenchmarkSet or None
        See :func:`~dealerlab.funnel.benchmarks.load_benchmark_set`.
    history : int
        Previous months pooled for ``last3``.
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        One row per store × benchmarked metric, ranked within each store: ``store_id, period, rank, metric,
        name, step, business, value, benchmark, benchmark_source, gap, last3, change`` and the columns of
        :func:`~dealerlab.funnel.paths.stage_gains` (``own_best, target, target_source, target_basis, base, p_with,
        p_without, extra_sales, benchmark_extra_sales, gross_per_unit_total, extra_gross, benchmark_extra_gross,
        store_gross, share_of_gross, status``), ``bottleneck`` (bool), ``finding`` (a sentence), ``reason``.
        Rates that are not funnel stages (``followup_timeliness``) have no money attached (status ``severity``
        when below benchmark) and rank after the stages.
    """
    cmp = compare(ds, period=period, stores=stores, benchmarks=benchmarks, history=history, lang=lang)
    gains = stage_gains(ds, period=period, stores=stores, benchmarks=benchmarks, lang=lang)
    out = cmp.merge(gains[["store_id", "metric", *_GAIN_COLS, "reason"]].rename(columns={"reason": "_why"}),
                    on=["store_id", "metric"], how="left")
    in_chain = out["metric"].isin(STAGES).to_numpy()
    below = (out["value"] < out["benchmark"]).to_numpy()
    out.loc[~in_chain & below, "status"] = "severity"
    out.loc[~in_chain & ~below & out["value"].notna(), "status"] = "at_benchmark"
    out.loc[~in_chain & out["value"].isna(), "status"] = "na"
    why = out["reason"].astype(object).to_numpy().copy()
    extra = out["_why"].fillna("").to_numpy()
    for i in range(len(out)):
        if not why[i] and extra[i]:
            why[i] = extra[i]
        elif not why[i] and not in_chain[i] and below[i]:
            why[i] = _MSG.get("not_a_stage", lang)
    out["reason"] = why
    out = out.drop(columns="_why")
    g = out["extra_gross"].to_numpy(float)
    out["_k1"] = np.where(np.isfinite(g) & (g > 0), 0, np.where(below, 1, 2))
    out["_k2"] = np.where(out["_k1"] == 0, -np.nan_to_num(g), out["gap"].fillna(np.inf).to_numpy())
    order = {s: i for i, s in enumerate(dict.fromkeys(out["store_id"]))}
    out["_o"] = out["store_id"].map(order)
    out = out.sort_values(["_o", "_k1", "_k2"], kind="stable").drop(columns=["_o", "_k1", "_k2"]).reset_index(drop=True)
    out.insert(2, "rank", out.groupby("store_id", sort=False).cumcount() + 1)
    out["bottleneck"] = (out["rank"] == 1) & (out["extra_gross"] > 0)
    out["finding"] = [_finding(r, lang) for r in out.itertuples(index=False)]
    cols = ["store_id", "period", "rank", "metric", "name", "step", "business", "value", "benchmark", "benchmark_source",
            "gap", "last3", "change", *_GAIN_COLS, "bottleneck", "finding", "reason"]
    return out[cols]


def _pct(x) -> str:
    return "—" if not np.isfinite(x) else f"{x:.1%}"


def _finding(r, lang: str) -> str:
    if not np.isfinite(r.value):
        return _MSG.get("not_available", lang, name=r.name, reason=r.reason)
    trend = ""
    if np.isfinite(r.last3):
        d = r.value - r.last3
        if abs(d) < 0.0005:
            trend = _MSG.get("level", lang)
        else:
            trend = _MSG.get("up" if d >= 0 else "down", lang, pts=abs(d) * 100)
    if r.value >= r.benchmark:
        return _MSG.get("meets", lang, name=r.name, value=_pct(r.value), benchmark=_pct(r.benchmark), trend=trend)
    stake = ""
    if r.status == "no_gain":
        stake = _MSG.get("stake_no_gain", lang, reason=r.reason)
    elif r.status == "gain" and np.isfinite(r.extra_sales):
        stake = _MSG.get("stake_gain", lang, target=_pct(r.target), basis=r.target_basis, sales=r.extra_sales,
                         gross=r.extra_gross, share=_pct(r.share_of_gross), bench_sales=r.benchmark_extra_sales)
    elif r.status == "na" and r.reason:
        stake = _MSG.get("stake_na", lang, reason=r.reason)
    return _MSG.get("below", lang, name=r.name, value=_pct(r.value), benchmark=_pct(r.benchmark), trend=trend,
                    stake=stake, step=step_label(r.step, lang))


def action_plan(findings: pd.DataFrame, *, top: int = 1, lang: str = "zh") -> pd.DataFrame:
    """The root cause → improvement rows of the ``top`` findings of each store below benchmark (from :func:`diagnose`).

    Parameters
    ----------
    findings : DataFrame
        :func:`diagnose` output.
    top : int
        Findings per store.
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        ``store_id, rank, metric, name, step, root_cause, improvement, owner, tool``.
    """
    check_lang(lang)
    below = findings[(findings["value"] < findings["benchmark"]) & (findings.get("status", "") != "no_gain")]
    below = below.groupby("store_id", sort=False).head(top)
    parts = []
    for r in below.itertuples(index=False):
        if not r.step:
            continue
        a = actions(r.step, lang=lang)
        parts.append(a.assign(store_id=r.store_id, rank=r.rank, metric=r.metric, name=r.name,
                              step=step_label(r.step, lang)))
    cols = ["store_id", "rank", "metric", "name", "step", "root_cause", "improvement", "owner", "tool"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]
