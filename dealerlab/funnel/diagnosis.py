"""Funnel diagnosis: benchmarks, the store's last 3 months, the bottleneck by sales at stake, and actions.

- Benchmarks: bundled defaults of DOMAIN.md §1 (``dealerlab/data/funnel_benchmarks.csv``: capture 0.70,
  call_visit 0.40, revisit 0.25, test_drive 0.50, close 0.20, followup 0.90), overridable by a mapping or a CSV
  (columns ``metric, benchmark``) / JSON (``{"metric": value}``) file.
- Last 3 months: the rate pooled over the three months before the period (Σ numerators / Σ denominators),
  which weighs each month by its volume.
- Sales at stake of a stage: the extra showroom sales if that stage's rate alone reached its benchmark, the
  other rates unchanged, on the multiplicative funnel model of :mod:`dealerlab.funnel.whatif`
  (S_room × (benchmark / rate − 1); 0 when the rate is at or above its benchmark). Gross at stake = sales at stake
  × gross_per_unit of the month. The bottleneck is the stage with the largest sales at stake.
- Each finding carries its SGM process step; :func:`actions` gives that step's root cause → improvement → owner →
  tool rows (``dealerlab/data/funnel_actions.csv``, written from seeds 001/002).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from dealerlab._options import check_lang
from dealerlab.calendar import check_period, periods_back
from dealerlab.errors import ParameterError
from dealerlab.funnel.counts import components
from dealerlab.funnel.rates import RATE_SPECS, evaluate
from dealerlab.funnel.whatif import STAGES
from dealerlab.metrics import label

__all__ = ["STEPS", "STEP_OF", "load_benchmarks", "actions", "step_label", "compare", "diagnose", "action_plan"]

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
def _default_benchmarks() -> dict[str, float]:
    with _data_file("funnel_benchmarks.csv").open(encoding="utf-8") as fh:
        df = pd.read_csv(fh)
    return dict(zip(df["metric"].astype(str), df["benchmark"].astype(float)))


def load_benchmarks(source: str | Path | Mapping[str, float] | None = None) -> dict[str, float]:
    """Benchmarks by metric id: the bundled defaults, updated by ``source``.

    Parameters
    ----------
    source : path, mapping or None
        A CSV file (UTF-8) with columns ``metric, benchmark``, a JSON file ``{"metric": value}``, or a mapping.
        Only the metrics given are overridden; the other defaults stay. A value is a rate in (0, 1] (``0.7`` or
        ``"70%"``); an unknown metric id, a bad value or a damaged file is a ParameterError naming the file and the
        line or key.

    Returns
    -------
    dict of str to float
    """
    out = dict(_default_benchmarks())
    if source is None:
        return out
    if isinstance(source, Mapping):
        given = {str(k): (v, "", "") for k, v in dict(source).items()}
    else:
        given = _read_benchmark_file(Path(source))
    for metric, (value, where_zh, where_en) in given.items():
        if metric not in RATE_SPECS:
            raise ParameterError(
                f"{where_zh}指标 {metric!r} 不是漏斗比率。可用的指标：{'、'.join(sorted(RATE_SPECS))}。",
                f"{where_en}metric {metric!r} is not a funnel rate. Known: {', '.join(sorted(RATE_SPECS))}.",
            )
        v = _rate_value(value)
        if not np.isfinite(v) or v <= 0 or v > 1:
            raise ParameterError(
                f"{where_zh}指标 {metric} 的标杆值 {value!r} 无效：应是 0 到 1 之间的比率（70% 写成 0.7 或 70%）。",
                f"{where_en}the benchmark of {metric} = {value!r} must be a rate between 0 and 1 (write 70% as 0.7 or 70%).",
            )
        out[metric] = v
    return out


def _rate_value(value) -> float:
    """A benchmark value as a float: numbers as they are, ``"70%"`` → 0.7; anything else NaN."""
    if isinstance(value, bool):
        return float("nan")
    if isinstance(value, str):
        text = value.strip().replace("％", "%")
        try:
            return float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


#: a benchmarks file is a handful of lines; anything much larger is not one
_MAX_BENCHMARK_BYTES = 1_000_000


def _read_benchmark_file(path: Path) -> dict[str, tuple[object, str, str]]:
    """``{metric: (value, where in zh, where in en)}`` of a benchmarks CSV (``metric, benchmark``) or JSON
    (``{"metric": value}``) file; every defect is a ParameterError naming the file and the row or key."""
    name = f"标杆值文件 {path}"
    if not path.is_file():
        raise ParameterError(f"{name} 不存在（或不是文件）。", f"Benchmarks file {path} does not exist (or is not a file).")
    if path.stat().st_size > _MAX_BENCHMARK_BYTES:
        raise ParameterError(f"{name} 太大（超过 1 MB），不像是标杆值文件。", f"Benchmarks file {path} is too large (> 1 MB).")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ParameterError(
            f"{name} 不是 UTF-8 编码（第 {line} 行，可能是 GBK）。请在 Excel 中另存为"
            f"「CSV UTF-8」，或用文本编辑器另存为 UTF-8。",
            f"Benchmarks file {path} is not UTF-8 (line {line}; GBK?). Save it as UTF-8.",
        ) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as err:
            line, col = (err.lineno, err.colno) if isinstance(err, json.JSONDecodeError) else (1, 1)
            raise ParameterError(
                f"{name} 不是有效的 JSON（第 {line} 行第 {col} 列：文件被截断或格式有误）。应是 {{\"capture_rate\": 0.7}} 这样的对象。",
                f"Benchmarks file {path} is not valid JSON (line {line}, column {col}). Expected an object such as "
                f'{{"capture_rate": 0.7}}.',
            ) from None
        if not isinstance(data, dict):
            raise ParameterError(
                f"{name} 应是 {{\"指标id\": 数值}} 的 JSON 对象，例如 {{\"capture_rate\": 0.7}}。",
                f'Benchmarks file {path} must be a JSON object {{"metric": value}}, e.g. {{"capture_rate": 0.7}}.',
            )
        return {str(k): (v, f"{name} 键 {k!r}：", f"Benchmarks file {path}, key {k!r}: ") for k, v in data.items()}
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    rows = [(i, r) for i, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not rows:
        raise ParameterError(f"{name} 是空的。需要 metric 和 benchmark 两列。", f"Benchmarks file {path} is empty; it needs columns metric, benchmark.")
    header = [c.strip() for c in rows[0][1]]
    if "metric" not in header or "benchmark" not in header:
        raise ParameterError(
            f"{name} 第 {rows[0][0]} 行（表头）需要 metric 和 benchmark 两列，收到：{', '.join(header)}。",
            f"Benchmarks file {path}, line {rows[0][0]} (header) needs columns metric and benchmark; got: {', '.join(header)}.",
        )
    im, ib = header.index("metric"), header.index("benchmark")
    out: dict[str, tuple[object, str, str]] = {}
    for line, r in rows[1:]:
        metric = r[im].strip() if im < len(r) else ""
        value = r[ib].strip() if ib < len(r) else ""
        if not metric:
            raise ParameterError(f"{name} 第 {line} 行的 metric 为空。", f"Benchmarks file {path}, line {line}: metric is empty.")
        if metric in out:
            raise ParameterError(f"{name} 第 {line} 行：指标 {metric} 重复出现。", f"Benchmarks file {path}, line {line}: {metric} appears twice.")
        out[metric] = (value, f"{name} 第 {line} 行：", f"Benchmarks file {path}, line {line}: ")
    return out


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
            raise ParameterError(f"指标 {metric!r} 没有对应的流程环节。", f"Metric {metric!r} has no process step.")
        step = STEP_OF[metric]
    t = _actions_table()
    if step is not None:
        if step not in STEPS:
            raise ParameterError(f"流程环节 {step!r} 无效，可选：{'、'.join(STEPS)}。", f"Unknown step {step!r}.")
        t = t[t["step"] == step]
    cols = ["root_cause", "improvement", "owner", "tool"]
    out = t[["step_no", "step"]].copy()
    out["step_no"] = out["step_no"].astype(int)
    for c in cols:
        out[c] = t[f"{c}_en"] if lang == "en" else t[c]
    if lang == "en":
        out["step_en"] = t["step_en"]
    return out.reset_index(drop=True)


def _rates_now_and_before(ds, *, period: str, stores, history: int):
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


def compare(ds, *, period: str, stores=None, benchmarks=None, history: int = 3, lang: str = "zh") -> pd.DataFrame:
    """Each benchmarked rate of ``period`` against its benchmark and the store's previous ``history`` months.

    Parameters
    ----------
    ds : Dataset
    period : str
        The month ``YYYY-MM`` diagnosed.
    stores : iterable of str, optional
        Store ids (default: every store).
    benchmarks : path, mapping or None
        Passed to :func:`load_benchmarks`.
    history : int
        Number of previous months pooled for the comparison (default 3).
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        One row per store × benchmarked metric: ``store_id, period, metric, name, step, value, benchmark,
        gap`` (value − benchmark), ``last3`` (pooled previous months), ``change`` (value − last3), ``reason``.
    """
    check_lang(lang)
    period = check_period(period)
    bench = load_benchmarks(benchmarks)
    stores_now, vals, reasons, pooled = _rates_now_and_before(ds, period=period, stores=stores, history=history)
    rows = []
    for m, b in bench.items():
        n = len(stores_now)
        rows.append(pd.DataFrame({
            "store_id": stores_now,
            "period": period,
            "metric": m,
            "name": label(m, lang),
            "step": STEP_OF.get(m, ""),
            "value": vals[m],
            "benchmark": np.full(n, b),
            "gap": vals[m] - b,
            "last3": pooled[m],
            "change": vals[m] - pooled[m],
            "reason": reasons[m],
        }))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    order = {s: i for i, s in enumerate(dict.fromkeys(stores_now))}
    out = out.assign(_o=out["store_id"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)


def diagnose(ds, *, period: str, stores=None, benchmarks=None, history: int = 3, lang: str = "zh") -> pd.DataFrame:
    """Findings of the funnel diagnosis, ranked by sales at stake (the first row of a store is its bottleneck).

    Parameters
    ----------
    ds : Dataset
    period : str
        The month ``YYYY-MM`` diagnosed.
    stores : iterable of str, optional
    benchmarks : path, mapping or None
        Passed to :func:`load_benchmarks`.
    history : int
        Previous months pooled for ``last3``.
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        One row per store × benchmarked metric, ranked within each store: ``store_id, period, rank, metric,
        name, step, value, benchmark, gap, last3, change, sales, sales_at_stake, gross_per_unit, gross_at_stake,
        bottleneck`` (bool), ``finding`` (a Chinese sentence), ``reason``. Rates outside the multiplicative
        funnel (``followup_timeliness``) have no sales at stake (NaN, reason given) and rank after the stages.
    """
    zh = lang != "en"
    cmp = compare(ds, period=period, stores=stores, benchmarks=benchmarks, history=history, lang=lang)
    # S_room and gross per unit of the month
    comp = components(ds, periods=[period], stores=stores)
    vals, _ = evaluate(comp.values, comp.missing, comp.cell_reasons, ["S_room", "gross_per_unit"])
    base = pd.DataFrame({"store_id": comp.keys["store_id"].to_numpy(), "sales": vals["S_room"],
                         "gross_per_unit": vals["gross_per_unit"]})
    out = cmp.merge(base, on="store_id", how="left")
    in_chain = out["metric"].isin(STAGES).to_numpy()
    v, b, s = out["value"].to_numpy(float), out["benchmark"].to_numpy(float), out["sales"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        stake = np.where(v >= b, 0.0, s * (b / v - 1.0))
    stake = np.where(in_chain & (v > 0) & np.isfinite(v), stake, np.nan)
    out["sales_at_stake"] = stake
    out["gross_at_stake"] = stake * out["gross_per_unit"].to_numpy(float)
    why = out["reason"].astype(object).to_numpy().copy()
    for i in range(len(out)):
        if not in_chain[i] and not why[i]:
            why[i] = "不在漏斗乘法链中，不估算销量影响" if zh else "not a stage of the multiplicative funnel"
        elif in_chain[i] and v[i] == 0 and not why[i]:
            why[i] = "比率为 0，乘法模型无法外推" if zh else "rate is 0: the model cannot scale it"
    out["reason"] = why
    # rank: stages by sales at stake (desc), then the others by gap (most negative first)
    out["_k1"] = np.where(np.isnan(stake), 1, 0)
    out["_k2"] = np.where(np.isnan(stake), out["gap"].fillna(np.inf).to_numpy(), -np.nan_to_num(stake))
    order = {s: i for i, s in enumerate(dict.fromkeys(out["store_id"]))}
    out["_o"] = out["store_id"].map(order)
    out = out.sort_values(["_o", "_k1", "_k2"], kind="stable").drop(columns=["_o", "_k1", "_k2"]).reset_index(drop=True)
    out.insert(2, "rank", out.groupby("store_id", sort=False).cumcount() + 1)
    first = out["rank"] == 1
    out["bottleneck"] = first & (out["sales_at_stake"] > 0)
    out["finding"] = [_finding(r, zh) for r in out.itertuples(index=False)]
    cols = ["store_id", "period", "rank", "metric", "name", "step", "value", "benchmark", "gap", "last3", "change",
            "sales", "sales_at_stake", "gross_per_unit", "gross_at_stake", "bottleneck", "finding", "reason"]
    return out[cols]


def _pct(x) -> str:
    return "—" if not np.isfinite(x) else f"{x:.1%}"


def _finding(r, zh: bool) -> str:
    if not np.isfinite(r.value):
        return (f"{r.name}：无法计算（{r.reason}）" if zh else f"{r.name}: not available ({r.reason})")
    trend = ""
    if np.isfinite(r.last3):
        d = r.value - r.last3
        if abs(d) < 0.0005:
            trend = "，与前3个月持平" if zh else ", level with the last 3 months"
        else:
            trend = (f"，比前3个月{'升' if d >= 0 else '降'} {abs(d) * 100:.1f} 个百分点" if zh
                     else f", {'up' if d >= 0 else 'down'} {abs(d) * 100:.1f} pts on the last 3 months")
    if r.value >= r.benchmark:
        return (f"{r.name} {_pct(r.value)}，达到标杆 {_pct(r.benchmark)}{trend}" if zh
                else f"{r.name} {_pct(r.value)} meets the benchmark {_pct(r.benchmark)}{trend}")
    stake = ""
    if np.isfinite(r.sales_at_stake):
        g = f"，毛利约 {r.gross_at_stake:,.0f} 元" if np.isfinite(r.gross_at_stake) else ""
        ge = f", gross about {r.gross_at_stake:,.0f}" if np.isfinite(r.gross_at_stake) else ""
        stake = (f"；提到标杆可多销约 {r.sales_at_stake:.1f} 台{g}" if zh
                 else f"; at benchmark about {r.sales_at_stake:.1f} more sales{ge}")
    return (f"{r.name} {_pct(r.value)}，低于标杆 {_pct(r.benchmark)}{trend}{stake}（环节：{r.step}）" if zh
            else f"{r.name} {_pct(r.value)} below the benchmark {_pct(r.benchmark)}{trend}{stake} (step: {step_label(r.step, 'en')})")


def action_plan(findings: pd.DataFrame, *, top: int = 1, lang: str = "zh") -> pd.DataFrame:
    """The action rows of the ``top`` findings of each store below benchmark (from :func:`diagnose`).

    Returns
    -------
    DataFrame
        ``store_id, rank, metric, name, step, root_cause, improvement, owner, tool``.
    """
    check_lang(lang)
    below = findings[(findings["value"] < findings["benchmark"])]
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
