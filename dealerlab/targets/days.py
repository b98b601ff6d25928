"""Selling days, not office days: the day-weight model behind every split and every time progress (docs/DOMAIN.md §3).

Showrooms sell seven days a week and through the public holidays (黄金周 is a peak), so a day of the month does not
count for "1 working day or nothing". Each day gets a weight, and

* the month → week → day splits give each week and day its share of the target by these weights;
* 时间进度 (time progress) at day d = Σ weights of the days ≤ d ÷ Σ weights of the month.

Three bases (``basis=``):

``"selling_days"`` (default)
    The store's own sales pattern over the 12 months before the month (``invoice_date``): the weight of a
    non-holiday day is the average number of sales on that weekday's non-holiday days ÷ the average over all days of
    the 12 months; the weight of a public holiday is the average on public-holiday days ÷ the same. Without 12 months
    of history (a month of the window without any sale of the store, or no Dataset) the stated defaults apply:
    Monday–Friday 1.0, Saturday/Sunday 1.6, public holiday 1.8 (:data:`DEFAULT_WEIGHTS`). Closed days weigh 0.
``"working_days"``
    The official Chinese working days (:mod:`dealerlab.calendar`): 1 on a working day (调休 weekend days included),
    0 otherwise — the basis for an office department (finance, HR), not for a showroom.
``"calendar_days"``
    Every calendar day weighs 1.

Decisions (docs/DOMAIN.md is silent):

* a weekend day the State Council declares a working day (调休上班) is not a public holiday, so under
  ``"selling_days"`` it keeps its weekday's weight (§3 defines weights by weekday and public holiday only);
* "sales" are units (rows of ``sales`` with an ``invoice_date``); days without a sale count as 0 in the averages;
* with ``store_id=None`` the pattern pools every store of the Dataset (a group-level view);
* when the 12 months hold no public-holiday day (outside the shipped calendar's years) the holiday weight is the
  default 1.8; a month outside those years has no known holidays either;
* ``closed=`` names days the store is closed (e.g. 除夕); they weigh 0 under every basis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._long import month
from dealerlab._options import check_lang, check_option
from dealerlab.calendar import check_period, holidays_cn, month_bounds, periods_back, working_days
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "BASES",
    "DAY_TYPES",
    "DEFAULT_WEIGHTS",
    "selling_pattern",
    "day_weights",
    "span_weights",
    "time_progress",
]

#: the bases of a day weight: the store's selling days (default), official working days, calendar days
BASES = ("selling_days", "working_days", "calendar_days")

#: day types of the selling-day pattern: Monday … Sunday (non-holiday) and public holidays
DAY_TYPES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday")

#: docs/DOMAIN.md §3 defaults without 12 months of history (closed days weigh 0)
DEFAULT_WEIGHTS: dict[str, float] = {
    "mon": 1.0, "tue": 1.0, "wed": 1.0, "thu": 1.0, "fri": 1.0, "sat": 1.6, "sun": 1.6, "holiday": 1.8,
}

_MSG = Catalogue.load("targets/days")


def _holiday_names() -> dict:
    h = holidays_cn()
    h = h[h["kind"] == "holiday"]
    return dict(zip(h["date"], h["name"].astype(str)))


def _day_type(day: pd.Timestamp, holidays: Mapping) -> str:
    return "holiday" if day in holidays else DAY_TYPES[day.day_of_week]


def _window(period: str, months: int) -> tuple[list[str], pd.Timestamp, pd.Timestamp]:
    back = periods_back(period, months)
    return back, month_bounds(back[0])[0], month_bounds(back[-1])[1]


def selling_pattern(ds: Dataset | None = None, *, period: str, store_id: str | None = None, months: int = 12, lang: str = "zh") -> pd.DataFrame:
    """The selling-day weights of one store for month ``period``: its own pattern, or the defaults.

    Parameters
    ----------
    ds : Dataset, optional
        The client data (``sales``: store_id, invoice_date). ``None`` or no sales table → the defaults.
    period : str
        The month the weights are for, ``YYYY-MM``; the pattern comes from the ``months`` months before it.
    store_id : str, optional
        The store; ``None`` pools every store of ``ds``.
    months : int
        Length of the history window (12 in docs/DOMAIN.md §3); every one of these months needs at least one sale of the
        store, else the defaults apply.
    lang : {"zh", "en"}
        Language of ``label`` and ``source``.

    Returns
    -------
    DataFrame
        Eight rows (:data:`DAY_TYPES`: Monday … Sunday on non-holiday days, then public holidays): ``day_type``,
        ``label`` (周一 … 法定节假日), ``days`` (days of that type in the window), ``units`` (sales on them),
        ``per_day`` (units ÷ days), ``weight`` (per_day ÷ the average over all days of the window, or the default),
        ``default`` (the docs/DOMAIN.md default), ``own`` (bool: the store's own pattern is used), ``source``.
        Without history ``days``, ``units`` and ``per_day`` are NaN.

    Examples
    --------
    >>> selling_pattern(period="2026-10")["weight"].tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.6, 1.6, 1.8]
    """
    check_lang(lang)
    check_period(period)
    months = int(months)
    back, start, end = _window(period, months)
    own = False
    stats = None
    usable = ds is not None and ds.has("sales") and {"store_id", "invoice_date"} <= set(ds["sales"].columns)
    if usable:
        s = ds["sales"]
        if store_id is not None:
            s = s[s["store_id"] == store_id]
        d = s["invoice_date"].dropna()
        d = d[(d >= start) & (d <= end + pd.Timedelta(hours=23, minutes=59, seconds=59))].dt.normalize()
        covered = set(month(d))
        if len(d) and all(p in covered for p in back):
            days = pd.date_range(start, end, freq="D")
            counts = d.value_counts().reindex(days, fill_value=0).astype(float)
            hol = _holiday_names()
            types = pd.Series([_day_type(x, hol) for x in days], index=days)
            overall = counts.mean()
            stats = pd.DataFrame({"units": counts, "type": types}).groupby("type")["units"].agg(["size", "sum"])
            stats = stats.reindex(list(DAY_TYPES))
            stats["per_day"] = stats["sum"] / stats["size"]
            stats["weight"] = stats["per_day"] / overall
            if pd.isna(stats.loc["holiday", "weight"]):
                stats.loc["holiday", "weight"] = DEFAULT_WEIGHTS["holiday"]
            stats["weight"] = stats["weight"].fillna(0.0)
            own = True
    if own:
        src = _MSG.get("src_store" if store_id is not None else "src_group", lang, months=months)
        out = pd.DataFrame(
            {
                "day_type": list(DAY_TYPES),
                "days": stats["size"].to_numpy(dtype=float),
                "units": stats["sum"].to_numpy(dtype=float),
                "per_day": stats["per_day"].to_numpy(dtype=float),
                "weight": stats["weight"].to_numpy(dtype=float),
            }
        )
    else:
        src = _MSG.get("src_default", lang, months=months)
        out = pd.DataFrame(
            {
                "day_type": list(DAY_TYPES),
                "days": np.nan,
                "units": np.nan,
                "per_day": np.nan,
                "weight": [DEFAULT_WEIGHTS[k] for k in DAY_TYPES],
            }
        )
    out.insert(1, "label", [_MSG.get(k, lang) for k in DAY_TYPES])
    out["default"] = [DEFAULT_WEIGHTS[k] for k in DAY_TYPES]
    out["own"] = own
    out["source"] = src
    for c in ("day_type", "label", "source"):
        out[c] = out[c].astype("string")
    return out


def _check_pattern(pattern) -> dict[str, float]:
    if isinstance(pattern, pd.DataFrame):
        pattern = dict(zip(pattern["day_type"].astype(str), pattern["weight"]))
    pattern = dict(pattern)
    missing = [k for k in DAY_TYPES if k not in pattern]
    bad = [k for k in DAY_TYPES if k in pattern and (pattern[k] is None or pd.isna(pattern[k]) or float(pattern[k]) < 0)]
    if missing or bad:
        raise ParameterError(*_MSG.both("bad_pattern", missing=_MSG.text("list_sep").join(missing + bad)))
    return {k: float(pattern[k]) for k in DAY_TYPES}


def span_weights(
    start,
    end,
    *,
    basis: str = "selling_days",
    pattern=None,
    closed: Iterable | None = None,
    source: str = "",
    lang: str = "zh",
) -> pd.DataFrame:
    """Day weights from ``start`` to ``end`` (inclusive) under one basis and one selling-day pattern.

    Parameters
    ----------
    start, end : date-like
        First and last day.
    basis : {"selling_days", "working_days", "calendar_days"}
        See the module docstring.
    pattern : DataFrame or mapping, optional
        Selling-day weights by day type (:func:`selling_pattern` output, or a mapping ``{"mon": …, "holiday": …}``);
        default :data:`DEFAULT_WEIGHTS`. Used only with ``basis="selling_days"``.
    closed : iterable of date-like, optional
        Days the store is closed (weight 0).
    source : str
        Text for the ``source`` column (default: a label of the basis).
    lang : {"zh", "en"}
        Language of ``day_type_label`` and ``source``.

    Returns
    -------
    DataFrame
        One row per day: ``date, weekday`` (0 = Monday), ``day_type`` (mon … sun, holiday, closed),
        ``day_type_label``, ``holiday`` (name of the public holiday or ""), ``working_day`` (official, bool),
        ``weight``, ``basis``, ``source``.
    """
    check_lang(lang)
    check_option("basis", basis, BASES)
    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")
    if len(days) == 0:
        raise ParameterError(*_MSG.both("empty_span", start=start, end=end))
    hol = _holiday_names()
    shut = {pd.Timestamp(x).normalize() for x in (closed or [])}
    work = set(working_days(days[0], days[-1]))
    types = ["closed" if d in shut else _day_type(d, hol) for d in days]
    if basis == "selling_days":
        w = _check_pattern(DEFAULT_WEIGHTS if pattern is None else pattern)
        weights = [0.0 if t == "closed" else w[t] for t in types]
        src = source or _MSG.get("src_default", lang, months=12)
    elif basis == "working_days":
        weights = [0.0 if t == "closed" else float(d in work) for d, t in zip(days, types)]
        src = source or _MSG.get("src_working", lang)
    else:
        weights = [0.0 if t == "closed" else 1.0 for t in types]
        src = source or _MSG.get("src_calendar", lang)
    return pd.DataFrame(
        {
            "date": days,
            "weekday": pd.array(days.day_of_week, dtype="Int64"),
            "day_type": pd.array(types, dtype="string"),
            "day_type_label": pd.array([_MSG.get(t, lang) for t in types], dtype="string"),
            "holiday": pd.array([hol.get(d, "") for d in days], dtype="string"),
            "working_day": pd.array([d in work for d in days], dtype="boolean"),
            "weight": np.asarray(weights, dtype=float),
            "basis": pd.array([basis] * len(days), dtype="string"),
            "source": pd.array([src] * len(days), dtype="string"),
        }
    )


def day_weights(
    period: str,
    *,
    ds: Dataset | None = None,
    store_id: str | None = None,
    basis: str = "selling_days",
    months: int = 12,
    closed: Iterable | None = None,
    lang: str = "zh",
) -> pd.DataFrame:
    """The weight of every day of month ``period`` (the store's selling days by default).

    Parameters
    ----------
    period : str
        Month ``YYYY-MM``.
    ds : Dataset, optional
        The client data: the store's own pattern with ``basis="selling_days"`` (see :func:`selling_pattern`);
        ``None`` → the defaults.
    store_id : str, optional
        The store (``None`` pools every store of ``ds``).
    basis : {"selling_days", "working_days", "calendar_days"}
        Selling days (showroom), official working days (office departments) or calendar days.
    months : int
        History window of the selling pattern.
    closed : iterable of date-like, optional
        Days the store is closed (weight 0).
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    DataFrame
        As :func:`span_weights`, one row per day of the month, plus ``share`` (weight ÷ Σ weights of the month) and
        ``progress`` (the cumulative share: 时间进度 at the end of that day).

    Examples
    --------
    October 2026 with the defaults: 国庆 1–7 at 1.8, weekdays 1.0, weekends 1.6 → Σ = 40.8; by the 15th 21.8.

    >>> w = day_weights("2026-10")
    >>> round(float(w["weight"].sum()), 1), round(float(w.loc[w["date"] <= "2026-10-15", "weight"].sum()), 1)
    (40.8, 21.8)
    """
    check_option("basis", basis, BASES)
    first, last = month_bounds(period)
    pattern, source = None, ""
    if basis == "selling_days":
        pat = selling_pattern(ds, period=period, store_id=store_id, months=months, lang=lang)
        pattern, source = pat, str(pat["source"].iloc[0])
    out = span_weights(first, last, basis=basis, pattern=pattern, closed=closed, source=source, lang=lang)
    total = out["weight"].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = out["weight"] / total if total > 0 else np.nan
    out["progress"] = out["share"].cumsum()
    return out


def _check_weight_table(weights: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(weights, pd.DataFrame) or not {"date", "weight"} <= set(weights.columns):
        cols = _MSG.text("list_sep").join(map(str, getattr(weights, "columns", []))) or "(none)"
        raise ParameterError(*_MSG.both("bad_weights", columns=cols))
    w = pd.to_numeric(weights["weight"], errors="coerce")
    if w.isna().any() or (w < 0).any():
        raise ParameterError(*_MSG.both("bad_weights", columns=_MSG.text("list_sep").join(map(str, weights.columns))))
    return pd.DataFrame({"date": pd.to_datetime(weights["date"]).dt.normalize(), "weight": w.astype(float)})


def time_progress(
    period: str,
    *,
    as_of=None,
    ds: Dataset | None = None,
    store_id: str | None = None,
    basis: str = "selling_days",
    weights: pd.DataFrame | None = None,
) -> float:
    """时间进度: Σ day weights up to ``as_of`` (inclusive) ÷ Σ day weights of the month.

    Parameters
    ----------
    period : str
        Month ``YYYY-MM``.
    as_of : date-like, optional
        Reference day; default the last day of the month (→ 1.0). Before the month → 0.0, after it → 1.0.
    ds : Dataset, optional
        The client data: the store's own selling pattern (see :func:`day_weights`); ``None`` → defaults.
    store_id : str, optional
        The store (``None`` pools every store of ``ds``).
    basis : {"selling_days", "working_days", "calendar_days"}
        Selling days (default), official working days (an office department) or calendar days.
    weights : DataFrame, optional
        A day-weight table (``date``, ``weight``) of the month, e.g. :func:`day_weights` output; overrides
        ``ds``/``store_id``/``basis``.

    Returns
    -------
    float
        The share of the month's weight elapsed (NaN when the month weighs 0).

    Examples
    --------
    15 October 2026: selling days (defaults) 21.8 / 40.8, calendar days 15 / 31, working days 7 / 18.

    >>> round(time_progress("2026-10", as_of="2026-10-15"), 3)
    0.534
    >>> round(time_progress("2026-10", as_of="2026-10-15", basis="calendar_days"), 3)
    0.484
    >>> round(time_progress("2026-10", as_of="2026-10-15", basis="working_days"), 3)
    0.389
    """
    first, last = month_bounds(period)
    if weights is None:
        w = day_weights(period, ds=ds, store_id=store_id, basis=basis)[["date", "weight"]]
    else:
        w = _check_weight_table(weights)
        w = w[(w["date"] >= first) & (w["date"] <= last)]
    total = float(w["weight"].sum())
    if total <= 0:
        return float("nan")
    day = last if as_of is None else min(pd.Timestamp(as_of).normalize(), last)
    return float(w.loc[w["date"] <= day, "weight"].sum()) / total
