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
from dealerlab.i18n import Catalogue

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["BUSINESS_TYPES", "DEFAULT_BUSINESS", "BenchmarkSet", "load_benchmark_set", "load_benchmarks", "store_business"]

#: the business types of stores.business
BUSINESS_TYPES: tuple[str, ...] = ("乘用车", "商用车")
#: the type used for a store whose business is blank
DEFAULT_BUSINESS = "乘用车"
_BUSINESS_EN = dict(zip(BUSINESS_TYPES, ("passenger cars", "commercial vehicles")))
#: a full-width percent sign a typed benchmark may hold (read as %)
_FULL_WIDTH_PERCENT = "％"

_MSG = Catalogue.load("funnel/benchmarks")


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
        source = self.sources[b]
        if lang == "en" and source == _MSG.text("bundled_source", "zh"):
            source = _MSG.text("bundled_source", "en")  # the bundled file's line in English; a user's line as written
        return _MSG.get("source_line", lang, source=source, name=name)


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
        text = value.strip().replace(_FULL_WIDTH_PERCENT, "%")
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
        known = sorted(RATE_SPECS)
        raise ParameterError(*_MSG.both("unknown_metric", where_zh=where, where_en=where_en, metric=metric,
                                        known_zh=_MSG.text("list_sep").join(known), known_en=", ".join(known)))
    v = _rate_value(value)
    if not math.isfinite(v) or v <= 0 or v > 1:
        raise ParameterError(*_MSG.both("not_a_rate", where_zh=where, where_en=where_en, metric=metric, value=value))
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
        return _MSG.both("at_key", where_zh=zh, where_en=en, path=path)

    for key, value in given.items():
        if key == "source":
            source = str(value).strip()
        elif key in BUSINESS_TYPES:
            if not isinstance(value, Mapping):
                raise ParameterError(*_MSG.both("business_not_object", where_zh=zh + " " if zh else "",
                                                where_en=en + ": " if en else "", key=key))
            rows += [(key, str(m), v, at(key, m)) for m, v in value.items()]
        else:
            rows.append((None, str(key), value, at(key)))
    return rows, source


#: a benchmarks file is a handful of lines; anything much larger is not one
_MAX_FILE_BYTES = 1_000_000


def _read_file(path: Path) -> tuple[list, str]:
    """Rows and source line of a benchmarks file; every defect is a ParameterError naming the file and the line or
    key (truncated JSON, not UTF-8 such as a GBK CSV, a missing column, an unknown metric id, a value not a rate)."""
    zh, en = _MSG.both("file", path=path)
    if not path.is_file():
        raise ParameterError(*_MSG.both("file_missing", where_zh=zh, where_en=en))
    if path.stat().st_size > _MAX_FILE_BYTES:
        raise ParameterError(*_MSG.both("file_too_large", where_zh=zh, where_en=en))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ParameterError(*_MSG.both("not_utf8", where_zh=zh, where_en=en, line=line)) from None
    if path.suffix.lower() == ".json":
        try:
            given = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as err:
            line, col = (err.lineno, err.colno) if isinstance(err, json.JSONDecodeError) else (1, 1)
            raise ParameterError(*_MSG.both("bad_json", where_zh=zh, where_en=en, line=line, col=col)) from None
        if not isinstance(given, dict):
            raise ParameterError(*_MSG.both("json_not_object", where_zh=zh, where_en=en))
        return _rows_from_mapping(given, (zh, en))

    lines = [(i, r) for i, r in enumerate(csv.reader(io.StringIO(text)), start=1) if any(c.strip() for c in r)]
    if not lines:
        raise ParameterError(*_MSG.both("file_empty", where_zh=zh, where_en=en))
    first, header = lines[0][0], [c.strip() for c in lines[0][1]]
    if not {"metric", "benchmark"} <= set(header):
        raise ParameterError(*_MSG.both("bad_header", where_zh=zh, where_en=en, first=first, header=", ".join(header)))
    col = {name: header.index(name) for name in ("metric", "benchmark", "business", "source") if name in header}

    def cell(r, name):
        i = col.get(name)
        return r[i].strip() if i is not None and i < len(r) else ""

    rows, sources, seen = [], [], set()
    for i, r in lines[1:]:
        b = cell(r, "business") or None
        if b is not None and b not in BUSINESS_TYPES:
            raise ParameterError(*_MSG.both("bad_business", where_zh=zh, where_en=en, i=i, b=b))
        metric = cell(r, "metric")
        if not metric:
            raise ParameterError(*_MSG.both("metric_empty", where_zh=zh, where_en=en, i=i))
        if (b, metric) in seen:
            raise ParameterError(*_MSG.both("metric_twice", where_zh=zh, where_en=en, i=i, metric=metric))
        seen.add((b, metric))
        rows.append((b, metric, cell(r, "benchmark"), _MSG.both("at_line", where_zh=zh, where_en=en, i=i)))
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
        src = src or _MSG.text("user_source")
    else:
        path = Path(source)
        rows, src = _read_file(path)
        src = src or _MSG.get("user_file_source", name=path.name)
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
