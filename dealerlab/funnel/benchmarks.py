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

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dealerlab.errors import ParameterError
from dealerlab.funnel.rates import RATE_SPECS

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

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
        if lang != "en":
            return f"{self.sources[b]}（{name}）"
        return f"{_SOURCES_EN.get(self.sources[b], self.sources[b])} ({name})"


#: the bundled file's source line in English (a user file's line is shown as written)
_SOURCES_EN = {"dealerlab 教学默认值（非厂家标准，请以厂家或集团标杆替换）":
               "dealerlab teaching defaults (not a manufacturer standard; replace with the manufacturer's or group's benchmarks)"}


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


def _rate_value(value) -> float:
    """A benchmark value as a float: numbers as they are, ``"70%"`` → 0.7; anything else NaN."""
    if isinstance(value, bool):
        return math.nan
    if isinstance(value, str):
        text = value.strip().replace("％", "%")
        try:
            return float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _check_value(metric, value, where: str, where_en: str = "") -> float:
    """``value`` as a rate in (0, 1]; ``where``/``where_en`` locate it (file and line or key, ending in a separator)."""
    if metric not in RATE_SPECS:
        raise ParameterError(
            f"{where}指标 {metric!r} 不是漏斗比率。可用的指标：{'、'.join(sorted(RATE_SPECS))}。",
            f"{where_en}metric {metric!r} is not a funnel rate. Known: {', '.join(sorted(RATE_SPECS))}.",
        )
    v = _rate_value(value)
    if not math.isfinite(v) or v <= 0 or v > 1:
        raise ParameterError(
            f"{where}指标 {metric} 的标杆值 {value!r} 无效：应是 0 到 1 之间的比率（70% 写成 0.7 或 70%）。",
            f"{where_en}the benchmark of {metric} = {value!r} must be a rate between 0 and 1 (write 70% as 0.7 or 70%).",
        )
    return v


#: a location: (zh, en), each ending in a separator ("标杆值文件 b.csv 第 3 行：")
_Where = tuple[str, str]


def _rows_from_mapping(given: Mapping, where: _Where = ("", "")) -> tuple[list[tuple[str | None, str, object, _Where]], str]:
    """(business or None, metric, value, location) rows and the source line of a mapping (flat or per business
    type). ``where`` names the file (empty for a mapping given in code)."""
    rows, source = [], ""
    zh, en = where

    def at(*keys) -> _Where:
        if not zh:
            return ("", "")
        path = " → ".join(repr(k) for k in keys)
        return (f"{zh} 键 {path}：", f"{en}, key {path}: ")

    for key, value in given.items():
        if key == "source":
            source = str(value).strip()
        elif key in BUSINESS_TYPES:
            if not isinstance(value, Mapping):
                raise ParameterError(f"{zh + ' ' if zh else ''}{key} 的值应是 {{\"指标id\": 数值}} 的对象。",
                                     f"{en + ': ' if en else ''}the value of {key} must be an object {{\"metric\": value}}.")
            rows += [(key, str(m), v, at(key, m)) for m, v in value.items()]
        else:
            rows.append((None, str(key), value, at(key)))
    return rows, source


#: a benchmarks file is a handful of lines; anything much larger is not one
_MAX_FILE_BYTES = 1_000_000


def _read_file(path: Path) -> tuple[list, str]:
    """Rows and source line of a benchmarks file; every defect is a ParameterError naming the file and the line or
    key (truncated JSON, not UTF-8 such as a GBK CSV, a missing column, an unknown metric id, a value not a rate)."""
    zh, en = f"标杆值文件 {path}", f"Benchmarks file {path}"
    if not path.is_file():
        raise ParameterError(f"{zh} 不存在（或不是文件）。", f"{en} does not exist (or is not a file).")
    if path.stat().st_size > _MAX_FILE_BYTES:
        raise ParameterError(f"{zh} 太大（超过 1 MB），不像是标杆值文件。", f"{en} is too large (> 1 MB) to be a benchmarks file.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ParameterError(
            f"{zh} 不是 UTF-8 编码（第 {line} 行，可能是 GBK）。请在 Excel 中另存为「CSV UTF-8」，或用文本编辑器另存为 UTF-8。",
            f"{en} is not UTF-8 (line {line}; GBK?). Save it as UTF-8.",
        ) from None
    if path.suffix.lower() == ".json":
        try:
            given = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as err:
            line, col = (err.lineno, err.colno) if isinstance(err, json.JSONDecodeError) else (1, 1)
            raise ParameterError(
                f"{zh} 不是有效的 JSON（第 {line} 行第 {col} 列：文件被截断或格式有误）。应是 {{\"capture_rate\": 0.7}} 这样的对象。",
                f'{en} is not valid JSON (line {line}, column {col}). Expected an object such as {{"capture_rate": 0.7}}.',
            ) from None
        if not isinstance(given, dict):
            raise ParameterError(f"{zh} 应是 {{\"指标id\": 数值}} 的 JSON 对象，例如 {{\"capture_rate\": 0.7}}。",
                                 f'{en} must be a JSON object {{"metric": value}}, e.g. {{"capture_rate": 0.7}}.')
        return _rows_from_mapping(given, (zh, en))

    lines = [(i, r) for i, r in enumerate(csv.reader(io.StringIO(text)), start=1) if any(c.strip() for c in r)]
    if not lines:
        raise ParameterError(f"{zh} 是空的：需要 metric 和 benchmark 两列。", f"{en} is empty: it needs columns metric and benchmark.")
    first, header = lines[0][0], [c.strip() for c in lines[0][1]]
    if not {"metric", "benchmark"} <= set(header):
        raise ParameterError(
            f"{zh} 第 {first} 行（表头）需要 metric 和 benchmark 两列（可选 business、source 列），收到：{', '.join(header)}。",
            f"{en}, line {first} (header) needs columns metric and benchmark (optional: business, source); got: {', '.join(header)}.",
        )
    col = {name: header.index(name) for name in ("metric", "benchmark", "business", "source") if name in header}

    def cell(r, name):
        i = col.get(name)
        return r[i].strip() if i is not None and i < len(r) else ""

    rows, sources, seen = [], [], set()
    for i, r in lines[1:]:
        b = cell(r, "business") or None
        if b is not None and b not in BUSINESS_TYPES:
            raise ParameterError(f"{zh} 第 {i} 行 business 列的值 {b!r} 无效，应为 乘用车 或 商用车（留空表示两类都适用）。",
                                 f"{en}, line {i}: business {b!r} must be 乘用车 or 商用车 (blank = both).")
        metric = cell(r, "metric")
        if not metric:
            raise ParameterError(f"{zh} 第 {i} 行的 metric 为空。", f"{en}, line {i}: metric is empty.")
        if (b, metric) in seen:
            raise ParameterError(f"{zh} 第 {i} 行：指标 {metric} 重复出现。", f"{en}, line {i}: {metric} appears twice.")
        seen.add((b, metric))
        rows.append((b, metric, cell(r, "benchmark"), (f"{zh} 第 {i} 行：", f"{en}, line {i}: ")))
        sources.append(cell(r, "source"))
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
        rows, src = _rows_from_mapping(source)
        src = src or "用户给定标杆"
    else:
        path = Path(source)
        rows, src = _read_file(path)
        src = src or f"用户标杆文件 {path.name}"
    values = {b: dict(v) for b, v in base.values.items()}
    sources = dict(base.sources)
    for business, metric, value, (where, where_en) in rows:
        v = _check_value(metric, value, where, where_en)
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


def store_business(ds: Dataset, store_id: str) -> str:
    """A store's business type from ``stores.business`` (blank or missing → :data:`DEFAULT_BUSINESS`)."""
    stores = ds["stores"]
    if "business" not in stores.columns:
        return DEFAULT_BUSINESS
    hit = stores.loc[stores["store_id"] == store_id, "business"]
    return _business(hit.iloc[0] if len(hit) else None)
