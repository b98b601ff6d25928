"""Funnel benchmarks per business type (docs/DOMAIN.md §10), with the source line the report shows.

The bundled file ``dealerlab/data/funnel_benchmarks.csv`` holds one value per business type (乘用车 / 商用车) and
metric, and its source "dealerlab 教学默认值（非厂家标准，请以厂家或集团标杆替换）". A user file (``--benchmarks``)
overrides some or all of them:

- CSV with columns ``metric, benchmark`` and optionally ``business`` (乘用车 / 商用车; blank = both types) and
  ``source`` (the first non-blank value is the file's source line);
- JSON either flat ``{"capture_rate": 0.6, ...}`` (both types) or ``{"乘用车": {...}, "商用车": {...}}``, with an
  optional ``"source": "..."`` key.

Decisions where docs/DOMAIN.md is silent: values the user file does not give keep the bundled default of that business
type; a user file without a source line is shown as "用户标杆文件 <file name>"; a store whose business type is
blank is benchmarked as 乘用车 (the bundled template's first type) and the report says so.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from dealerlab.errors import ParameterError

__all__ = ["BUSINESS_TYPES", "DEFAULT_BUSINESS", "BenchmarkSet", "load_benchmark_set", "load_benchmarks", "store_business"]

#: the business types of stores.business
BUSINESS_TYPES: tuple[str, ...] = ("乘用车", "商用车")
#: the type used for a store whose business is blank
DEFAULT_BUSINESS = "乘用车"
_BUSINESS_EN = {"乘用车": "passenger cars", "商用车": "commercial vehicles"}


@dataclass(frozen=True)
class BenchmarkSet:
    """Benchmarks by business type and metric id, with the source line of each business type's values.

    Attributes
    ----------
    values : dict
        ``{business: {metric: value}}`` for every type of :data:`BUSINESS_TYPES`.
    sources : dict
        ``{business: source line}``; a value from a user file carries the user file's source.
    """

    values: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)

    def of(self, business: str | None) -> dict[str, float]:
        """The benchmarks of one business type (blank or unknown → :data:`DEFAULT_BUSINESS`)."""
        return dict(self.values[_business(business)])

    def source(self, business: str | None, lang: str = "zh") -> str:
        """The source line of a business type's benchmarks, e.g. ``dealerlab 教学默认值…（乘用车）``."""
        b = _business(business)
        name = _BUSINESS_EN[b] if lang == "en" else b
        return f"{self.sources[b]}（{name}）" if lang != "en" else f"{self.sources[b]} ({name})"


def _business(business) -> str:
    if isinstance(business, str) and business in BUSINESS_TYPES:
        return business
    return DEFAULT_BUSINESS


def _data_file(name: str):
    return resources.files("dealerlab.data").joinpath(name)


@lru_cache(maxsize=1)
def _bundled() -> BenchmarkSet:
    with _data_file("funnel_benchmarks.csv").open(encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"business": str, "metric": str, "source": str})
    values = {b: {} for b in BUSINESS_TYPES}
    sources = {}
    for r in df.itertuples(index=False):
        values[r.business][r.metric] = float(r.benchmark)
        sources[r.business] = r.source
    return BenchmarkSet(values, sources)


def _check_value(metric, value, where: str) -> float:
    from dealerlab.funnel.rates import RATE_SPECS

    if metric not in RATE_SPECS:
        raise ParameterError(
            f"{where}中的指标 {metric!r} 不是漏斗比率（例如 capture_rate、close_rate）。",
            f"Benchmark metric {metric!r} in {where or 'the benchmarks'} is not a funnel rate (e.g. capture_rate, close_rate).",
        )
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if not math.isfinite(v) or v <= 0:
        raise ParameterError(f"{where}中指标 {metric} 的标杆值 {value!r} 应是正数（比率写成小数，如 0.7）。",
                             f"Benchmark of {metric} = {value!r} must be a positive number (0.7 = 70%).")
    return v


def _rows_from_mapping(given: Mapping, where: str) -> tuple[list[tuple[str | None, str, object]], str]:
    """(business or None, metric, value) rows and the source line of a mapping (flat or per business type)."""
    rows, source = [], ""
    for key, value in given.items():
        if key == "source":
            source = str(value).strip()
        elif key in BUSINESS_TYPES:
            if not isinstance(value, Mapping):
                raise ParameterError(f"{where}中 {key} 的值应是 {{\"指标id\": 数值}} 的对象。",
                                     f"The value of {key} must be an object {{\"metric\": value}}.")
            rows += [(key, m, v) for m, v in value.items()]
        else:
            rows.append((None, key, value))
    return rows, source


def _read_file(path: Path) -> tuple[list, str]:
    where = f"标杆文件 {path.name} "
    if not path.is_file():
        raise ParameterError(f"标杆文件 {path} 不存在。", f"Benchmark file {path} does not exist.")
    if path.suffix.lower() == ".json":
        try:
            given = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as err:
            raise ParameterError(f"{where}不是有效的 UTF-8 JSON：{err}", f"Benchmark file {path.name} is not valid JSON: {err}") from None
        if not isinstance(given, dict):
            raise ParameterError("标杆 JSON 文件应是 {\"指标id\": 数值} 的对象。", "The benchmark JSON must be an object {\"metric\": value}.")
        return _rows_from_mapping(given, where)
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise ParameterError(f"{where}无法读取（应为 UTF-8 编码的 CSV）：{err}", f"Cannot read {path.name} (UTF-8 CSV expected): {err}") from None
    df.columns = [str(c).strip() for c in df.columns]
    if not {"metric", "benchmark"} <= set(df.columns):
        raise ParameterError("标杆 CSV 文件需要 metric 和 benchmark 两列（可选 business、source 列）。",
                             "The benchmark CSV needs columns metric and benchmark (optional: business, source).")
    rows = []
    for i, r in enumerate(df.to_dict("records"), start=2):
        b = str(r.get("business", "") or "").strip() or None
        if b is not None and b not in BUSINESS_TYPES:
            raise ParameterError(f"{where}第 {i} 行 business 列的值 {b!r} 无效，应为 乘用车 或 商用车（留空表示两类都适用）。",
                                 f"{path.name} row {i}: business {b!r} must be 乘用车 or 商用车 (blank = both).")
        rows.append((b, str(r["metric"]).strip(), r["benchmark"]))
    sources = [str(s).strip() for s in df["source"]] if "source" in df.columns else []
    return rows, next((s for s in sources if s), "")


def load_benchmark_set(source: str | Path | Mapping | BenchmarkSet | None = None) -> BenchmarkSet:
    """The benchmarks of every business type: the bundled defaults, updated by ``source``.

    Parameters
    ----------
    source : path, mapping, BenchmarkSet or None
        A CSV or JSON file or a mapping as described in the module docstring. Only the values given are
        overridden; the business types a value applies to carry the file's source line.

    Returns
    -------
    BenchmarkSet
    """
    base = _bundled()
    if source is None:
        return BenchmarkSet({b: dict(v) for b, v in base.values.items()}, dict(base.sources))
    if isinstance(source, BenchmarkSet):
        return source
    if isinstance(source, Mapping):
        rows, src = _rows_from_mapping(source, "")
        src = src or "用户给定标杆"
    else:
        path = Path(source)
        rows, src = _read_file(path)
        src = src or f"用户标杆文件 {path.name}"
    values = {b: dict(v) for b, v in base.values.items()}
    sources = dict(base.sources)
    where = "" if isinstance(source, Mapping) else f"标杆文件 {Path(source).name} "
    for business, metric, value in rows:
        v = _check_value(metric, value, where)
        for b in ([business] if business else BUSINESS_TYPES):
            values[b][metric] = v
            sources[b] = src
    return BenchmarkSet(values, sources)


def load_benchmarks(source: str | Path | Mapping | BenchmarkSet | None = None, *, business: str | None = DEFAULT_BUSINESS) -> dict[str, float]:
    """Benchmarks by metric id of one business type: the bundled defaults, updated by ``source``.

    Parameters
    ----------
    source : path, mapping, BenchmarkSet or None
        See :func:`load_benchmark_set`.
    business : {"乘用车", "商用车"}, optional
        The store's business type (``stores.business``); blank → 乘用车.

    Returns
    -------
    dict of str to float
    """
    return load_benchmark_set(source).of(business)


def store_business(ds, store_id: str) -> str:
    """A store's business type from ``stores.business`` (blank or missing → :data:`DEFAULT_BUSINESS`)."""
    stores = ds["stores"]
    if "business" not in stores.columns:
        return DEFAULT_BUSINESS
    hit = stores.loc[stores["store_id"] == store_id, "business"]
    return _business(hit.iloc[0] if len(hit) else None)
