"""Exact integer splitting of a target by weights (docs/DOMAIN.md §3, seeds 000 and 001).

Every split here uses largest-remainder rounding: each part first gets the floor of its exact quota
``total × w_i / Σw``; the units left over go one each to the parts with the largest fractional remainders, ties to
the earlier part. So integer parts always sum exactly to the whole, a zero weight always gets zero, and no part is
ever negative. Quotas are computed with exact fractions (no floating-point drift).

Decisions (docs/DOMAIN.md is silent):

* all weights zero with a positive total → :class:`~dealerlab.errors.ParameterError` by default
  (``if_all_zero="equal"`` splits equally instead). The higher-level splits fall back before that happens:
  year → months uses working days when last year's sales are missing or all zero; store → consultants splits
  equally when nobody sold anything in the last 3 months.
* a negative or missing weight, a negative or non-integer total → :class:`~dealerlab.errors.ParameterError`.
* consultants are the staff with role 销售顾问 employed on at least one day of the month (hire_date ≤ month end and
  leave_date blank or ≥ month start). A consultant with no sales in the last 3 months gets weight 0 → target 0 under
  the share rule (docs/DOMAIN.md: "weights of zero get zero"); give newcomers a target by hand or use ``basis="equal"``.
* weeks are calendar weeks Monday–Sunday clipped to the month (:func:`dealerlab.calendar.month_weeks`).
* month → weeks → days use day weights (:mod:`dealerlab.targets.days`, docs/DOMAIN.md §3 "selling days, not office days"):
  by default the store's selling days, so weekends and 黄金周 get their share; ``basis="working_days"`` keeps the
  official working days for an office department.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._long import month
from dealerlab._options import check_option
from dealerlab.calendar import (
    check_period,
    count_working_days,
    month_bounds,
    month_weeks,
    periods_back,
    working_days,
)
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue
from dealerlab.targets.days import _check_weight_table, day_weights, span_weights

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "split_integer",
    "split_year",
    "split_month",
    "split_days",
    "split_consultants",
    "consultants_in_month",
    "monthly_volume",
    "tree_split",
    "onion_peel",
]

_MSG = Catalogue.load("targets/split")
#: the staff.role value of a sales consultant
_CONSULTANT_ROLE = "销售顾问"


def _as_total(total) -> int:
    try:
        f = float(total)
    except (TypeError, ValueError):
        raise ParameterError(*_MSG.both("total", total=total)) from None
    if not np.isfinite(f) or f < 0 or f != int(f):
        raise ParameterError(*_MSG.both("total", total=total))
    return int(f)


def split_integer(total, weights, *, if_all_zero: str = "raise") -> list[int]:
    """Split the integer ``total`` into parts proportional to ``weights`` (largest remainder, ties to the earlier part).

    Parameters
    ----------
    total : int
        The whole, a whole number ≥ 0 (an integral float such as ``100000.0`` is accepted).
    weights : sequence of float
        One weight ≥ 0 per part (any scale: counts, shares, days).
    if_all_zero : {"raise", "equal"}
        What to do when every weight is 0 and ``total > 0``: raise a ParameterError, or split equally.

    Returns
    -------
    list of int
        One part per weight; ``sum(parts) == total``; a zero weight gets 0 (unless all are zero and "equal").

    Examples
    --------
    >>> split_integer(10, [1, 1, 1])
    [4, 3, 3]
    >>> split_integer(7, [0, 2, 5])
    [0, 2, 5]
    """
    check_option("if_all_zero", if_all_zero, ("raise", "equal"))
    n_total = _as_total(total)
    ws = list(weights.tolist() if isinstance(weights, (pd.Series, np.ndarray)) else weights)
    if not ws:
        raise ParameterError(*_MSG.both("empty", total=n_total))
    fr = []
    for i, w in enumerate(ws, start=1):
        try:
            fw = float(w)
        except (TypeError, ValueError):
            raise ParameterError(*_MSG.both("weight", i=i, w=w)) from None
        if not np.isfinite(fw) or fw < 0:
            raise ParameterError(*_MSG.both("weight", i=i, w=w))
        fr.append(Fraction(fw))
    if n_total == 0:
        return [0] * len(ws)
    wsum = sum(fr)
    if wsum == 0:
        if if_all_zero == "raise":
            raise ParameterError(*_MSG.both("all_zero", total=n_total))
        fr = [Fraction(1)] * len(ws)
        wsum = Fraction(len(ws))
    quotas = [n_total * w / wsum for w in fr]
    parts = [q.numerator // q.denominator for q in quotas]
    left = n_total - sum(parts)
    # largest remainder first; sorted() is stable, so ties keep the earlier part first
    order = sorted(range(len(ws)), key=lambda i: quotas[i] - parts[i], reverse=True)
    for i in order[:left]:
        parts[i] += 1
    return parts


# ----------------------------------------------------------------------------------------------------------------
# calendar splits


def split_year(total, *, year: int, last_year=None, calendar: str = "official", lang: str = "zh") -> pd.DataFrame:
    """Split an annual target into the 12 months of ``year``.

    Weights: last year's monthly sales when given and not all zero, else each month's working days.

    Parameters
    ----------
    total : int
        The annual target (units or yuan), a whole number ≥ 0.
    year : int
        The target year.
    last_year : Series, mapping or sequence, optional
        Last year's monthly volume: a sequence of 12 numbers (Jan..Dec), or a mapping / Series keyed by month number
        1..12 or by period ``YYYY-MM`` (missing months count 0). ``None`` → working days.
    calendar : {"official", "every_day"}
        Working-day calendar used for the fallback.
    lang : {"zh", "en"}
        Language of the ``basis`` column.

    Returns
    -------
    DataFrame
        12 rows: ``period`` (YYYY-MM), ``weight``, ``share`` (weight / Σweight), ``target`` (int, sums to ``total``),
        ``basis`` (what the weights are).
    """
    periods = [f"{int(year):04d}-{m:02d}" for m in range(1, 13)]
    weights = None
    if last_year is not None:
        if isinstance(last_year, Mapping) or isinstance(last_year, pd.Series):
            items = dict(last_year.items()) if isinstance(last_year, pd.Series) else dict(last_year)
            w = []
            for m in range(1, 13):
                v = items.get(m, items.get(f"{int(year) - 1:04d}-{m:02d}", items.get(str(m), 0)))
                w.append(0.0 if v is None or pd.isna(v) else float(v))
        else:
            w = [0.0 if v is None or pd.isna(v) else float(v) for v in last_year]
            if len(w) != 12:
                raise ParameterError(
                    *_MSG.both("not_twelve_months", n=len(w)),
                )
        if sum(w) > 0:
            weights = w
    if weights is None:
        weights = [count_working_days(*month_bounds(p), calendar=calendar) for p in periods]
        basis = _MSG.get("basis_workdays", lang)
    else:
        basis = _MSG.get("basis_lastyear", lang)
    parts = split_integer(total, weights)
    wsum = float(sum(weights))
    return pd.DataFrame(
        {
            "period": pd.array(periods, dtype="string"),
            "weight": np.asarray(weights, dtype=float),
            "share": np.asarray(weights, dtype=float) / wsum,
            "target": pd.array(parts, dtype="Int64"),
            "basis": pd.array([basis] * 12, dtype="string"),
        }
    )


def _month_day_weights(period, *, weights, ds: Dataset, store_id, basis):
    first, last = month_bounds(period)
    if weights is None:
        return day_weights(period, ds=ds, store_id=store_id, basis=basis)
    w = _check_weight_table(weights)
    full = pd.DataFrame({"date": pd.date_range(first, last, freq="D")})
    return full.merge(w, on="date", how="left").fillna({"weight": 0.0})


def split_month(
    total,
    *,
    period: str,
    by: str = "week",
    basis: str = "selling_days",
    ds: Dataset=None,
    store_id: str | None = None,
    weights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Split a monthly target over the weeks or the days of ``period`` by day weights (selling days by default).

    Parameters
    ----------
    total : int
        The month's target, a whole number ≥ 0.
    period : str
        Month ``YYYY-MM``.
    by : {"week", "day"}
        Weeks (Monday–Sunday, clipped to the month) or days.
    basis : {"selling_days", "working_days", "calendar_days"}
        The day weights (:mod:`dealerlab.targets.days`): the store's selling days (its own pattern from ``ds``, or
        the defaults weekday 1.0, Sat/Sun 1.6, public holiday 1.8), official working days (an office department)
        or calendar days.
    ds : Dataset, optional
        The client data, for the store's own selling pattern (12 months before ``period``).
    store_id : str, optional
        The store whose pattern is used (``None`` pools the stores of ``ds``).
    weights : DataFrame, optional
        A day-weight table (``date``, ``weight``), e.g. :func:`~dealerlab.targets.days.day_weights`; overrides
        ``basis``/``ds``/``store_id``. Days of the month not in it weigh 0.

    Returns
    -------
    DataFrame
        ``by="week"``: ``week, start, end, days, working_days, weight`` (Σ day weights), ``target``;
        ``by="day"``: as :func:`split_days`. Targets sum to ``total``.
    """
    check_option("by", by, ("week", "day"))
    check_period(period)
    w = _month_day_weights(period, weights=weights, ds=ds, store_id=store_id, basis=basis)
    if by == "week":
        out = month_weeks(period)
        out["weight"] = [float(w.loc[(w["date"] >= r.start) & (w["date"] <= r.end), "weight"].sum()) for r in out.itertuples()]
        out["target"] = pd.array(split_integer(total, out["weight"]), dtype="Int64")
        return out
    first, last = month_bounds(period)
    return split_days(total, start=first, end=last, weights=w)


def split_days(total, *, start, end, basis: str = "selling_days", weights: pd.DataFrame | None = None) -> pd.DataFrame:
    """Split a target over the days from ``start`` to ``end`` (e.g. one week of :func:`split_month`) by day weights.

    The chain month → weeks → days is ``split_month(by="week")`` then ``split_days`` on each week's row (with the
    same weights), so that each week's days add up to that week's target.

    Parameters
    ----------
    total : int
        The target of the span, a whole number ≥ 0.
    start, end : date-like
        First and last day (inclusive).
    basis : {"selling_days", "working_days", "calendar_days"}
        Day weights when ``weights`` is not given: selling days with the defaults (weekday 1.0, Sat/Sun 1.6, public
        holiday 1.8), official working days or calendar days.
    weights : DataFrame, optional
        A day-weight table (``date``, ``weight``), e.g. :func:`~dealerlab.targets.days.day_weights` of the store;
        days of the span not in it weigh 0.

    Returns
    -------
    DataFrame
        One row per day: ``date, weekday`` (0 = Monday), ``working_day`` (official, bool), ``weight``, ``target``
        (sums to ``total``; a day of weight 0 gets 0).
    """
    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")
    if len(days) == 0:
        raise ParameterError(*_MSG.both("empty_span", start=start, end=end))
    if weights is None:
        w = span_weights(days[0], days[-1], basis=basis)["weight"].to_numpy(dtype=float)
    else:
        t = _check_weight_table(weights)
        w = pd.Series(t["weight"].to_numpy(), index=t["date"]).groupby(level=0).sum().reindex(days, fill_value=0.0).to_numpy()
    wd = set(working_days(days[0], days[-1]))
    return pd.DataFrame(
        {
            "date": days,
            "weekday": pd.array(days.day_of_week, dtype="Int64"),
            "working_day": pd.array([d in wd for d in days], dtype="boolean"),
            "weight": np.asarray(w, dtype=float),
            "target": pd.array(split_integer(total, w), dtype="Int64"),
        }
    )


# ----------------------------------------------------------------------------------------------------------------
# store → consultants


def consultants_in_month(staff: pd.DataFrame, *, period: str, store_id: str | None = None, role: str = _CONSULTANT_ROLE) -> pd.DataFrame:
    """The sales consultants employed on at least one day of month ``period``.

    Parameters
    ----------
    staff : DataFrame
        The ``staff`` table (staff_id, store_id, role, hire_date, leave_date, ...).
    period : str
        Month ``YYYY-MM``.
    store_id : str, optional
        Keep one store only.
    role : str
        The role counted (default 销售顾问).

    Returns
    -------
    DataFrame
        The matching rows of ``staff`` (same columns), sorted by store_id, staff_id.
    """
    first, last = month_bounds(period)
    s = staff[staff["role"] == role]
    if store_id is not None:
        s = s[s["store_id"] == store_id]
    hired = s["hire_date"].isna() | (s["hire_date"] <= last)
    present = s["leave_date"].isna() | (s["leave_date"] >= first)
    return s[(hired & present).fillna(False).astype(bool)].sort_values(["store_id", "staff_id"]).reset_index(drop=True)


def monthly_volume(sales: pd.DataFrame, *, by=("store_id",), date: str = "invoice_date", value: str | None = None) -> pd.DataFrame:
    """Monthly sales per group: count of rows (units) or the sum of ``value``.

    Parameters
    ----------
    sales : DataFrame
        The ``sales`` table.
    by : sequence of str
        Grouping columns besides the month (e.g. ``("store_id", "staff_id")``).
    date : str
        The date column that places a sale in a month (``invoice_date``: the date a sale counts).
    value : str, optional
        Sum this column (e.g. ``gross_profit``) instead of counting rows.

    Returns
    -------
    DataFrame
        ``*by, period, volume`` — one row per group × month with at least one sale.
    """
    df = sales.dropna(subset=[date]).copy()
    df["period"] = month(df[date])
    keys = [*by, "period"]
    if value is None:
        out = df.groupby(keys, dropna=False).size().rename("volume").reset_index()
    else:
        out = df.groupby(keys, dropna=False)[value].sum().rename("volume").reset_index()
    out["volume"] = out["volume"].astype(float)
    return out


def split_consultants(
    total,
    *,
    sales: pd.DataFrame,
    staff: pd.DataFrame,
    store_id: str,
    period: str,
    months: int = 3,
    basis: str = "share",
    date: str = "invoice_date",
    lang: str = "zh",
) -> pd.DataFrame:
    """Split a store's monthly target over its sales consultants.

    Weights: each consultant's sales over the ``months`` months before ``period`` (docs/DOMAIN.md: the last 3 months'
    shares); when nobody sold anything then, or ``basis="equal"``, an equal split.

    Parameters
    ----------
    total : int
        The store's target for the month, a whole number ≥ 0.
    sales : DataFrame
        The ``sales`` table (store_id, staff_id, invoice_date).
    staff : DataFrame
        The ``staff`` table: who is a consultant employed in ``period``.
    store_id : str
        The store.
    period : str
        The target month ``YYYY-MM``.
    months : int
        How many months before ``period`` give the shares.
    basis : {"share", "equal"}
        Share of recent sales (falls back to equal) or equal split.
    date : str
        Date column of ``sales``.
    lang : {"zh", "en"}
        Language of the ``basis`` column.

    Returns
    -------
    DataFrame
        One row per consultant: ``store_id, staff_id, history`` (units in the window), ``weight``, ``share``,
        ``target`` (int, sums to ``total``), ``basis``.
    """
    check_option("basis", basis, ("share", "equal"))
    people = consultants_in_month(staff, period=period, store_id=store_id)
    if people.empty:
        raise ParameterError(
            *_MSG.both("no_consultants", store_id=store_id, period=period),
        )
    window = periods_back(period, months)
    s = sales[(sales["store_id"] == store_id)].dropna(subset=[date])
    s = s[month(s[date]).isin(window).fillna(False)]
    hist = s.groupby("staff_id").size()
    history = people["staff_id"].map(hist).fillna(0).astype(float).to_numpy()
    if basis == "share" and history.sum() > 0:
        weights, label = history, _MSG.get("basis_share", lang)
    else:
        weights, label = np.ones(len(people)), _MSG.get("basis_equal", lang)
    parts = split_integer(total, weights)
    return pd.DataFrame(
        {
            "store_id": people["store_id"].astype("string").to_numpy(),
            "staff_id": people["staff_id"].astype("string").to_numpy(),
            "history": history,
            "weight": weights.astype(float),
            "share": weights / weights.sum(),
            "target": pd.array(parts, dtype="Int64"),
            "basis": pd.array([label] * len(people), dtype="string"),
        }
    ).astype({"store_id": "string", "staff_id": "string"})


# ----------------------------------------------------------------------------------------------------------------
# hierarchies: multi-branch tree (多杈树法) and onion peeling (剥洋葱法)


def _check_levels(frame: pd.DataFrame, levels: Sequence[str], weight: str) -> list[str]:
    levels = [levels] if isinstance(levels, str) else list(levels)
    missing = [c for c in [*levels, weight] if c not in frame.columns]
    if missing or not levels:
        raise ParameterError(
            *_MSG.both("levels", missing=_MSG.text("list_sep").join(missing) or "(none)", columns=_MSG.text("list_sep").join(map(str, frame.columns)))
        )
    return levels


def _peel(frame: pd.DataFrame, total, levels: list[str], weight: str, if_all_zero: str) -> list[pd.DataFrame]:
    n_total = _as_total(total)
    leaf = frame[[*levels, weight]].copy()
    leaf[weight] = leaf[weight].astype(float)
    tables = []
    parent = None  # the previous level's table
    for depth in range(1, len(levels) + 1):
        keys = levels[:depth]
        lvl = leaf.groupby(keys, sort=False, dropna=False)[weight].sum().reset_index()
        if parent is None:
            lvl["target"] = split_integer(n_total, lvl[weight], if_all_zero=if_all_zero)
        else:
            pkeys = levels[: depth - 1]
            lvl = lvl.merge(parent[[*pkeys, "target"]].rename(columns={"target": "_parent"}), on=pkeys, how="left")
            targets = np.zeros(len(lvl), dtype=int)
            for _, idx in lvl.groupby(pkeys, sort=False, dropna=False).indices.items():
                ptarget = int(lvl["_parent"].iloc[idx[0]])
                targets[idx] = split_integer(ptarget, lvl[weight].iloc[idx], if_all_zero=if_all_zero)
            lvl["target"] = targets
            lvl = lvl.drop(columns="_parent")
        lsum = lvl.groupby(keys[:-1], sort=False, dropna=False)[weight].transform("sum") if depth > 1 else lvl[weight].sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            lvl["share"] = lvl[weight] / lsum
        lvl["target"] = lvl["target"].astype("Int64")
        lvl.insert(0, "level", depth)
        lvl["level"] = lvl["level"].astype("Int64")
        tables.append(lvl)
        parent = lvl
    return tables


def tree_split(frame: pd.DataFrame, *, total, levels: Sequence[str], weight: str = "weight", if_all_zero: str = "raise") -> pd.DataFrame:
    """Multi-branch tree split (多杈树法): split ``total`` down a hierarchy to its leaves.

    The tree is given as a table of leaves with one column per level (e.g. model line × consultant) and a weight
    (e.g. last quarter's units). Each level is split from its parent with largest-remainder rounding, so every
    subtotal at every level is a whole number and children always sum to their parent.

    Parameters
    ----------
    frame : DataFrame
        One row per leaf: the ``levels`` columns and ``weight``. Duplicate leaves are summed.
    total : int
        The whole to split (≥ 0).
    levels : sequence of str
        Hierarchy columns, top first (e.g. ``["model", "staff_id"]``).
    weight : str
        Weight column (≥ 0).
    if_all_zero : {"raise", "equal"}
        See :func:`split_integer`.

    Returns
    -------
    DataFrame
        One row per leaf: ``*levels, weight`` column, ``share`` (of the parent), ``target`` (int) and, per level above
        the leaf, ``target_<level>`` (the parent subtotal).
    """
    levels = _check_levels(frame, levels, weight)
    tables = _peel(frame, total, levels, weight, if_all_zero)
    out = tables[-1].drop(columns="level")
    for i, t in enumerate(tables[:-1]):
        keys = levels[: i + 1]
        out = out.merge(t[[*keys, "target"]].rename(columns={"target": f"target_{levels[i]}"}), on=keys, how="left")
    return out


def onion_peel(frame: pd.DataFrame, *, total, levels: Sequence[str], weight: str = "weight", if_all_zero: str = "raise") -> list[pd.DataFrame]:
    """Onion peeling (剥洋葱法): split ``total`` one level at a time and return each level's table.

    Same input and rounding as :func:`tree_split`; the difference is the output: the layers are kept, as a manager
    peels them in a meeting (store → model line → consultant → ...).

    Parameters
    ----------
    frame : DataFrame
        One row per leaf: the ``levels`` columns and ``weight``.
    total : int
        The whole to split (≥ 0).
    levels : sequence of str
        Hierarchy columns, outer layer first.
    weight : str
        Weight column (≥ 0).
    if_all_zero : {"raise", "equal"}
        See :func:`split_integer`.

    Returns
    -------
    list of DataFrame
        One table per level: ``level`` (1, 2, ...), the level's key columns (``levels[:level]``), ``weight`` (summed),
        ``target`` (int; each group of children sums to its parent), ``share`` (of the parent).
    """
    levels = _check_levels(frame, levels, weight)
    return _peel(frame, total, levels, weight, if_all_zero)
