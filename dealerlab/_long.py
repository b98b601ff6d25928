"""Shared helpers of the metric families (internal): months of dates, the periods and stores a figure is asked for,
the store × period grid, ratio/amount/unavailable figure frames, and the one ordering of the long format
(``store_id, period, metric, value, reason``, see :mod:`dealerlab.metrics`).

Written once here so that every family (``dealerlab.funnel``, ``dealerlab.pdca.aftersales``, ``dealerlab.csi``, and
the families added later) normalises its arguments and orders its rows the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab.calendar import check_period
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

#: the columns of a figure frame (one row per store × period) before it becomes long
FIGURE_COLUMNS = ["store_id", "period", "numerator", "denominator", "value", "reason"]
#: the long format of :mod:`dealerlab.metrics` (``staff_id`` first when per consultant)
LONG_COLUMNS = ["store_id", "period", "metric", "value", "reason"]

_MSG = Catalogue.load("_long")


def renamed(frame: pd.DataFrame, columns: Mapping[str, str] | None) -> pd.DataFrame:
    """``frame`` with the contract's column names: ``columns`` maps a contract name to the name used in ``frame``
    (the ``columns=`` option of every figure function; only the names that differ need to be given)."""
    if not columns:
        return frame
    return frame.rename(columns={v: k for k, v in columns.items()})


def month(dates: pd.Series) -> pd.Series:
    """``YYYY-MM`` of each date as a ``string`` Series (NA for NaT), formatting each distinct month once (fast on
    long tables); the Series keeps the index and name of ``dates``."""
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates)
    elif getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    months = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    codes, uniques = pd.factorize(months)
    labels = np.asarray(pd.DatetimeIndex(uniques).strftime("%Y-%m"), dtype=object)
    values = np.where(codes >= 0, labels[np.maximum(codes, 0)] if len(labels) else None, None)
    return pd.Series(pd.array(values, dtype="string"), index=dates.index, name=dates.name)


def period_list(periods: Iterable[str] | str | None, *, required: bool = False) -> list[str]:
    """The months asked for, checked (``YYYY-MM``) and without repeats, in the order given; a single string is one
    month, ``None`` none. ``required`` refuses an empty list (ParameterError)."""
    if isinstance(periods, str):
        periods = [periods]
    out = list(dict.fromkeys(check_period(p, name="periods") for p in (periods or [])))
    if required and not out:
        raise ParameterError(*_MSG.both("periods_empty"))
    return out


def store_list(stores: Iterable[str] | str | None) -> list[str] | None:
    """The store ids asked for as strings, without repeats, in the order given; a single string is one store;
    ``None`` stays ``None`` (every store)."""
    if stores is None:
        return None
    if isinstance(stores, str):
        return [stores]
    return list(dict.fromkeys(str(s) for s in stores))


def stores_in(frames: Iterable[pd.DataFrame | None], *, column: str = "store_id") -> list[str]:
    """Every store id found in the ``column`` of ``frames`` (``None`` frames skipped), sorted."""
    found: set[str] = set()
    for f in frames:
        if f is not None and column in f.columns:
            found.update(f[column].dropna().astype(str).unique().tolist())
    return sorted(found)


def stores_of(ds: Dataset, stores: Iterable[str] | str | None, tables: Sequence[str]) -> list[str]:
    """``stores`` as :func:`store_list`, or by default every store of the ``stores`` table (sorted), else every
    store id found in ``tables`` (sorted)."""
    if stores is not None:
        return store_list(stores)
    if ds.has("stores"):
        return ds.store_ids
    return stores_in(ds[name] for name in tables if ds.has(name))


def grid(stores: Sequence[str], periods: Sequence[str]) -> pd.MultiIndex:
    """Every store × period, stores outside."""
    return pd.MultiIndex.from_product([list(stores), list(periods)], names=["store_id", "period"])


def ratio(num: pd.Series, den: pd.Series, reason_zero: str) -> pd.DataFrame:
    """A rate figure frame: ``value = num / den``; NaN with ``reason_zero`` where ``den`` is not positive."""
    den = den.astype(float)
    ok = den > 0
    value = (num / den.where(ok)).astype(float)
    reason = pd.Series(np.where(ok, "", reason_zero), index=num.index, dtype="string")
    return pd.DataFrame({"numerator": num.astype(float), "denominator": den, "value": value, "reason": reason})


def amount(num: pd.Series) -> pd.DataFrame:
    """An amount figure frame (a count or a sum): ``value = numerator``, no denominator."""
    return pd.DataFrame(
        {"numerator": num.astype(float), "denominator": np.nan, "value": num.astype(float), "reason": ""},
        index=num.index,
    ).astype({"reason": "string"})


def unavailable(index: pd.MultiIndex, reason: str) -> pd.DataFrame:
    """A figure frame not available on ``index`` (NaN everywhere) with its ``reason``."""
    return pd.DataFrame(
        {"numerator": np.nan, "denominator": np.nan, "value": np.nan, "reason": reason}, index=index
    ).astype({"reason": "string"})


def finish(frame: pd.DataFrame) -> pd.DataFrame:
    """A figure frame indexed by store × period → the columns of :data:`FIGURE_COLUMNS`."""
    out = frame.reset_index()
    out["store_id"] = out["store_id"].astype("string")
    out["period"] = out["period"].astype("string")
    return out[FIGURE_COLUMNS]


def order_long(long: pd.DataFrame, *, stores: Sequence[str] | None, periods: Sequence[str] | None,
               metrics: Sequence[str], by_staff: bool = False) -> pd.DataFrame:
    """The one ordering of the long format: by store (in the order of ``stores``; ``None``: by id), then period (in
    the order of ``periods``; ``None``: by month), then consultant when ``by_staff``, then metric (in the order of
    ``metrics``, the registry's). Returns the :data:`LONG_COLUMNS` (``staff_id`` first when ``by_staff``); a
    ``by_staff`` frame without ``staff_id`` (store figures) gets an empty one."""
    out = long
    if by_staff and "staff_id" not in out.columns:
        out = out.assign(staff_id=pd.array([pd.NA] * len(out), dtype="string"))
    keys = {
        "_s": out["store_id"].map({s: k for k, s in enumerate(stores)}) if stores is not None else out["store_id"],
        "_p": out["period"].map({p: k for k, p in enumerate(periods)}) if periods is not None else out["period"],
        "_m": out["metric"].map({m: k for k, m in enumerate(metrics)}),
    }
    order = ["_s", "_p"] + (["staff_id"] if by_staff else []) + ["_m"]
    out = out.assign(**keys).sort_values(order, kind="stable")
    columns = (["staff_id"] if by_staff else []) + LONG_COLUMNS
    return out[columns].reset_index(drop=True)
