"""Achievement against target: month-to-date progress, 达成率, the amount-vs-rate matrix, 人均单产 (docs/DOMAIN.md §3).

Definitions.

* 时间进度 time progress = Σ day weights of the month up to and including ``as_of`` ÷ Σ day weights of the month,
  with each store's selling-day weights (:mod:`dealerlab.targets.days`: its own weekday/holiday pattern over the 12
  months before the month, else weekday 1.0, Sat/Sun 1.6, public holiday 1.8). ``basis="working_days"`` gives the
  official working days of an office department.
* 目标进度 / 达成率 achievement = actual month-to-date / month target; stretch achievement = actual / stretch.
  A target of 0 or missing → NaN with a reason (never 0).
* On track when achievement ≥ time progress.
* Amount vs rate matrix (seed 002): per consultant, amount = actual, rate = actual / target, split at the team
  (store) medians; a value equal to the median counts as high.
* 人均单产 = store sales in the month / number of sales consultants employed in the month.

Actuals by target metric (docs/DATA.md ``targets.metric``): 销量 = sales rows; 展厅销量 = sales with channel 展厅;
毛利 = Σ sales.gross_profit + Σ addons.gross_profit of the month's sales (vehicle plus add-on gross profit, 综合毛利);
衍生收入 = Σ addons.revenue of the month's sales; 售后产值 = Σ service_orders.revenue of the orders closed in the month
(close_date: revenue counts when the car leaves; store level only). Sales count on ``invoice_date``. Other metrics (CSI, SSI) are not additive over days
and raise a ParameterError here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._options import check_lang, check_option
from dealerlab.calendar import check_period, month_bounds
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue
from dealerlab.targets.days import BASES, day_weights, time_progress
from dealerlab.targets.split import consultants_in_month

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["time_progress", "actuals", "achievement", "daily_close", "amount_rate_matrix", "ranked_table", "per_head_output",
           "QUADRANTS", "METRICS", "MIN_MATRIX"]

METRICS = ("销量", "展厅销量", "毛利", "衍生收入", "售后产值")
_UNITS, _SHOWROOM_UNITS, _GROSS = METRICS[0], METRICS[1], METRICS[2]
_AFTERSALES = METRICS[4]
#: the sales.channel value of a showroom sale
_SHOWROOM = "展厅"

#: a quadrant split needs at least this many consultants in the team (docs/DOMAIN.md §10); smaller teams get a ranked table
MIN_MATRIX = 4

_MSG = Catalogue.load("targets/achievement")


class _Quadrants(Mapping):
    """Quadrant id → (zh name, zh advice, en name, en advice): the catalogue's ``[quadrant.*]`` and ``[advice.*]``
    entries, read on first use."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._names = _MSG.pairs("quadrant", keys)
        self._advice = _MSG.pairs("advice", keys)

    def __getitem__(self, key: str) -> tuple[str, str, str, str]:
        (zh, en), (zh_advice, en_advice) = self._names[key], self._advice[key]
        return zh, zh_advice, en, en_advice

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


#: quadrant id → (zh name, zh advice, en name, en advice)
QUADRANTS = _Quadrants(("star", "low_target", "high_target", "leader_below_target", "coach"))


def _default_as_of(ds: Dataset, period):
    first, last = month_bounds(period)
    try:
        latest = ds.last_date()
    except Exception:  # noqa: BLE001 - a dataset without dated tables
        latest = None
    if latest is not None and first <= latest < last:
        return pd.Timestamp(latest).normalize()
    return last


def actuals(ds: Dataset, *, period: str, as_of=None, metric: str = _UNITS, by_staff: bool = False, stores=None) -> pd.DataFrame:
    """Month-to-date actual of ``metric`` per store (and consultant).

    Parameters
    ----------
    ds : Dataset
        Needs ``sales`` (and ``addons`` for 衍生收入, ``service_orders`` for 售后产值).
    period : str
        Month ``YYYY-MM``.
    as_of : date-like, optional
        Count events up to this day inclusive; default the month end.
    metric : str
        One of :data:`METRICS`.
    by_staff : bool
        One row per consultant (``staff_id``) instead of per store.
    stores : sequence of str, optional
        Keep these stores.

    Returns
    -------
    DataFrame
        ``store_id, [staff_id,] actual`` — groups with at least one event.
    """
    check_option("metric", metric, METRICS)
    first, last = month_bounds(period)
    end = last if as_of is None else min(pd.Timestamp(as_of).normalize(), last)
    keys = ["store_id", "staff_id"] if by_staff else ["store_id"]
    if metric == _AFTERSALES:
        if by_staff:
            raise ParameterError(*_MSG.both("no_staff_aftersales"))
        so = ds["service_orders"]
        so = so[(so["close_date"] >= first) & (so["close_date"] <= end)]
        out = so.groupby(keys)["revenue"].sum().rename("actual").reset_index()
    else:
        sales = ds["sales"]
        s = sales[(sales["invoice_date"] >= first) & (sales["invoice_date"] <= end)]
        if metric == _SHOWROOM_UNITS:
            s = s[s["channel"] == _SHOWROOM]
        if metric in (_UNITS, _SHOWROOM_UNITS):
            out = s.groupby(keys).size().rename("actual").reset_index()
        elif metric == _GROSS:
            vehicle = s.groupby(keys)["gross_profit"].sum()
            if ds.has("addons"):
                add = ds["addons"].merge(s[["sale_id", "staff_id"]], on="sale_id", how="inner")
                vehicle = vehicle.add(add.groupby(keys)["gross_profit"].sum(), fill_value=0)
            out = vehicle.rename("actual").reset_index()
        else:  # 衍生收入
            add = ds["addons"].merge(s[["sale_id", "staff_id"]], on="sale_id", how="inner")
            out = add.groupby(keys)["revenue"].sum().rename("actual").reset_index()
    out["actual"] = out["actual"].astype(float)
    if stores is not None:
        out = out[out["store_id"].isin(list(stores))]
    return out.reset_index(drop=True)


def achievement(
    ds: Dataset,
    *,
    period: str,
    as_of=None,
    metric: str = _UNITS,
    by_staff: bool = False,
    stores=None,
    basis: str = "selling_days",
    lang: str = "zh",
) -> pd.DataFrame:
    """Month-to-date achievement table (store or consultant): 时间进度 vs 目标进度, 达成率, stretch achievement.

    Parameters
    ----------
    ds : Dataset
        Needs ``targets`` and ``sales`` (see :func:`actuals`); ``staff`` for the consultant list when ``by_staff``.
    period : str
        Month ``YYYY-MM``.
    as_of : date-like, optional
        The reference day. Default: the latest event date of the data when it falls inside the month, else the
        month end.
    metric : str
        Target metric, one of :data:`METRICS`.
    by_staff : bool
        Per consultant (rows of ``targets`` with a ``staff_id``, plus consultants employed in the month or with
        sales) instead of per store (rows of ``targets`` with blank ``staff_id``).
    stores : sequence of str, optional
        Keep these stores.
    basis : {"selling_days", "working_days", "calendar_days"}
        Day weights of the time progress: each store's selling days (its own pattern in ``ds``, else the
        defaults; :func:`~dealerlab.targets.days.time_progress`), official working days or calendar days.
    lang : {"zh", "en"}
        Language of ``status`` and ``reason``.

    Returns
    -------
    DataFrame
        One row per store (× consultant): ``store_id, [staff_id,] period, as_of, metric, target, stretch, actual,
        target_to_date`` (target × time progress), ``time_progress`` (the store's, on ``basis``), ``achievement`` (= 达成率 = actual / target),
        ``stretch_achievement`` (actual / stretch), ``gap`` (achievement − time progress), ``status``
        (领先/落后于时间进度), ``reason`` (why a rate is NaN).
    """
    check_lang(lang)
    check_period(period)
    check_option("metric", metric, METRICS)
    check_option("basis", basis, BASES)
    as_of = _default_as_of(ds, period) if as_of is None else pd.Timestamp(as_of).normalize()
    t = ds["targets"]
    t = t[(t["period"] == period) & (t["metric"] == metric)]
    keys = ["store_id", "staff_id"] if by_staff else ["store_id"]
    t = t[t["staff_id"].notna()] if by_staff else t[t["staff_id"].isna()]
    t = t.groupby(keys, dropna=False)[["target", "stretch"]].sum(min_count=1).reset_index()
    act = actuals(ds, period=period, as_of=as_of, metric=metric, by_staff=by_staff)
    frame = t.merge(act, on=keys, how="outer")
    if by_staff and ds.has("staff"):
        people = consultants_in_month(ds["staff"], period=period)[["store_id", "staff_id"]]
        frame = frame.merge(people, on=keys, how="outer")
    elif not by_staff and ds.has("stores"):
        frame = frame.merge(ds["stores"][["store_id"]], on=keys, how="outer")
    if by_staff:
        frame = frame[frame["staff_id"].notna()]
    if stores is not None:
        frame = frame[frame["store_id"].isin(list(stores))]
    frame = frame.sort_values(keys).reset_index(drop=True)
    frame["actual"] = frame["actual"].astype(float).fillna(0.0)
    progress = {sid: time_progress(period, as_of=as_of, ds=ds, store_id=sid, basis=basis) for sid in frame["store_id"].unique()}
    tp = frame["store_id"].map(progress).astype(float).to_numpy()
    target = frame["target"].astype(float)
    stretch = frame["stretch"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ach = np.where(target > 0, frame["actual"] / target, np.nan)
        sach = np.where(stretch > 0, frame["actual"] / stretch, np.nan)
    reason = np.where(
        target.isna(), _MSG.get("no_target", lang), np.where(target == 0, _MSG.get("zero_target", lang), "")
    )
    status = np.where(
        np.isnan(ach), "", np.where(ach >= tp, _MSG.get("ahead", lang), _MSG.get("behind", lang))
    )
    out = frame[keys].copy()
    out["period"] = period
    out["as_of"] = as_of
    out["metric"] = metric
    out["target"] = target
    out["stretch"] = stretch
    out["actual"] = frame["actual"]
    out["target_to_date"] = target * tp
    out["time_progress"] = tp
    out["achievement"] = ach
    out["stretch_achievement"] = sach
    out["gap"] = out["achievement"] - tp
    out["status"] = status
    out["reason"] = reason
    for c in ["store_id", *(["staff_id"] if by_staff else []), "period", "metric", "status", "reason"]:
        out[c] = out[c].astype("string")
    return out


def amount_rate_matrix(table: pd.DataFrame, *, amount: str = "actual", rate: str = "achievement", by=("store_id",), lang: str = "zh") -> pd.DataFrame:
    """The amount-vs-rate matrix (达成额 × 达成率, seed 002) with quadrants and coaching advice.

    Parameters
    ----------
    table : DataFrame
        One row per consultant, e.g. :func:`achievement` with ``by_staff=True``.
    amount : str
        Amount column (达成额; default ``actual``).
    rate : str
        Rate column (达成率; default ``achievement``).
    by : sequence of str
        The team: medians are taken within each group (default per store). ``()`` = one team; grouping columns
        absent from ``table`` are ignored (a table of one team needs no ``store_id``).
    lang : {"zh", "en"}
        Language of ``quadrant_name`` and ``advice``.

    Returns
    -------
    DataFrame
        The input columns plus ``amount_median, rate_median, high_amount, high_rate`` (bool; ≥ median is high),
        ``quadrant`` (star / leader_below_target / low_target / high_target / coach; NA when the rate is NaN),
        ``quadrant_name``, ``advice``, ``team_size`` and ``matrix_ok`` (the team has ≥ :data:`MIN_MATRIX` consultants
        with a rate). Medians ignore rows whose rate is NaN. Consistency (docs/DOMAIN.md §10): a consultant below 100 % of
        target is never a star (quadrant ``leader_below_target``, no praise); in a team under 4 consultants the median
        split means nothing — the quadrant is NA and the advice says to rank instead (:func:`ranked_table`).
    """
    check_lang(lang)
    by = [by] if isinstance(by, str) else list(by)
    by = [c for c in by if c in table.columns]
    out = table.copy()
    valid = out[rate].astype(float).notna() & out[amount].astype(float).notna()
    v = out[valid]
    if by:
        med_a = v.groupby(by)[amount].median()
        med_r = v.groupby(by)[rate].median()
        idx = pd.MultiIndex.from_frame(out[by]) if len(by) > 1 else pd.Index(out[by[0]])
        out["amount_median"] = med_a.reindex(idx).to_numpy(dtype=float)
        out["rate_median"] = med_r.reindex(idx).to_numpy(dtype=float)
    else:
        out["amount_median"] = float(v[amount].median())
        out["rate_median"] = float(v[rate].median())
    hi_a = out[amount].astype(float) >= out["amount_median"]
    hi_r = out[rate].astype(float) >= out["rate_median"]
    met = out[rate].astype(float) >= 1.0
    quad = np.select([hi_a & hi_r & met, hi_a & hi_r, ~hi_a & hi_r, hi_a & ~hi_r],
                     ["star", "leader_below_target", "low_target", "high_target"], "coach")
    if by:
        size = v.groupby(by)[rate].size()
        idx = pd.MultiIndex.from_frame(out[by]) if len(by) > 1 else pd.Index(out[by[0]])
        out["team_size"] = size.reindex(idx).fillna(0).astype(int).to_numpy()
    else:
        out["team_size"] = int(len(v))
    ok = out["team_size"].to_numpy() >= MIN_MATRIX
    out["matrix_ok"] = ok
    valid = valid & ok
    i = 0 if lang == "zh" else 2
    out["high_amount"] = pd.array(np.where(valid, hi_a, None), dtype="boolean")
    out["high_rate"] = pd.array(np.where(valid, hi_r, None), dtype="boolean")
    out["quadrant"] = pd.array(np.where(valid, quad, None), dtype="string")
    out["quadrant_name"] = pd.array([QUADRANTS[q][i] if ok else None for q, ok in zip(quad, valid)], dtype="string")
    out["advice"] = pd.array([QUADRANTS[q][i + 1] if ok else None for q, ok in zip(quad, valid)], dtype="string")
    small = ~ok & out[rate].astype(float).notna().to_numpy()
    out.loc[small, "advice"] = _MSG.get("small_team", lang)
    return out


def ranked_table(matrix: pd.DataFrame, *, rate: str = "achievement") -> pd.DataFrame:
    """The consultants ranked by achievement (highest first) — what replaces the quadrant matrix under 4 consultants.

    Parameters
    ----------
    matrix : DataFrame
        :func:`amount_rate_matrix` output (or any table with ``rate``).
    rate : str
        The rate column.

    Returns
    -------
    DataFrame
        The rows sorted by ``rate`` descending with a ``rank`` column first.
    """
    out = matrix.sort_values(rate, ascending=False, kind="stable").reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def per_head_output(ds: Dataset, *, period: str, stores=None, lang: str = "zh") -> pd.DataFrame:
    """人均单产 and who is above it (seed 002).

    Parameters
    ----------
    ds : Dataset
        Needs ``sales`` and ``staff``.
    period : str
        Month ``YYYY-MM``.
    stores : sequence of str, optional
        Keep these stores.
    lang : {"zh", "en"}
        Language of ``advice``.

    Returns
    -------
    DataFrame
        One row per consultant employed in the month (and anyone else who sold): ``store_id, staff_id, period,
        units`` (own sales), ``store_units``, ``consultants`` (employed in the month), ``per_head`` (store_units /
        consultants, NaN with a reason when 0), ``above`` (units > per_head), ``advice`` (praise and share when
        above), ``reason``.
    """
    check_lang(lang)
    first, last = month_bounds(period)
    sales = ds["sales"]
    s = sales[(sales["invoice_date"] >= first) & (sales["invoice_date"] <= last)]
    people = consultants_in_month(ds["staff"], period=period)[["store_id", "staff_id"]]
    own = s.groupby(["store_id", "staff_id"]).size().rename("units").reset_index()
    frame = people.merge(own, on=["store_id", "staff_id"], how="outer")
    frame["units"] = frame["units"].astype(float).fillna(0.0)
    store_units = s.groupby("store_id").size().astype(float)
    heads = people.groupby("store_id").size().astype(float)
    if stores is not None:
        frame = frame[frame["store_id"].isin(list(stores))]
    frame = frame.sort_values(["store_id", "staff_id"]).reset_index(drop=True)
    frame["period"] = period
    frame["store_units"] = frame["store_id"].map(store_units).astype(float).fillna(0.0)
    frame["consultants"] = frame["store_id"].map(heads).astype(float).fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["per_head"] = np.where(frame["consultants"] > 0, frame["store_units"] / frame["consultants"], np.nan)
    frame["above"] = pd.array(np.where(frame["per_head"].isna(), None, frame["units"] > frame["per_head"]), dtype="boolean")
    frame["advice"] = np.where(
        frame["above"].fillna(False),
        _MSG.get("above_per_head", lang),
        "",
    )
    frame["reason"] = np.where(frame["per_head"].isna(), _MSG.get("no_consultant", lang), "")
    for c in ["store_id", "staff_id", "period", "advice", "reason"]:
        frame[c] = frame[c].astype("string")
    return frame[["store_id", "staff_id", "period", "units", "store_units", "consultants", "per_head", "above", "advice", "reason"]]


def daily_close(ds: Dataset, *, period: str, as_of, store_id: str, metric: str = _UNITS, basis: str = "selling_days", lang: str = "zh") -> pd.DataFrame:
    """日清日结: one store's month, day by day up to ``as_of`` — the day's actual, the running total against time
    progress, and tomorrow's target (日结日高: what is left, spread over the remaining days by their day weights).

    Parameters
    ----------
    ds : Dataset
        Needs ``targets`` (the store's month target) and ``sales`` (see :func:`actuals`).
    period : str
        Month ``YYYY-MM``.
    as_of : date-like
        The last day closed.
    store_id : str
        The store.
    metric : str
        Target metric, one of :data:`METRICS`.
    basis : {"selling_days", "working_days", "calendar_days"}
        Day weights (the store's selling days by default; :mod:`dealerlab.targets.days`).
    lang : {"zh", "en"}
        Language of ``status``.

    Returns
    -------
    DataFrame
        One row per day from the 1st to ``as_of``: ``date, weight, actual`` (that day), ``cumulative``, ``target``
        (the month's), ``time_progress, achievement, gap`` (achievement − time progress), ``status``,
        ``next_target`` (the next day's target after this day's close: (target − cumulative, ≥ 0) × next day's
        weight ÷ the weights of the days left; NaN on the last day of the month).
    """
    check_lang(lang)
    check_option("metric", metric, METRICS)
    first, last = month_bounds(period)
    end = min(pd.Timestamp(as_of).normalize(), last)
    if end < first:
        raise ParameterError(*_MSG.both("as_of_before_period", as_of=as_of, period=period))
    t = ds["targets"]
    t = t[(t["period"] == period) & (t["metric"] == metric) & (t["store_id"] == store_id) & t["staff_id"].isna()]
    target = float(t["target"].sum()) if len(t) else float("nan")
    w = day_weights(period, ds=ds, store_id=store_id, basis=basis)
    total = float(w["weight"].sum())
    cum_w = w["weight"].cumsum().to_numpy()
    rows = []
    prev = 0.0
    for i, day in enumerate(w["date"]):
        if day > end:
            break
        a = actuals(ds, period=period, as_of=day, metric=metric, stores=[store_id])
        cum = float(a["actual"].sum())
        tp = cum_w[i] / total if total > 0 else float("nan")
        ach = cum / target if target and target > 0 else float("nan")
        left_w = total - cum_w[i]
        nxt = (max(target - cum, 0.0) * float(w["weight"].iloc[i + 1]) / left_w
               if i + 1 < len(w) and left_w > 0 and pd.notna(target) else float("nan"))
        status = "" if np.isnan(ach) else _MSG.get("ahead" if ach >= tp else "behind", lang)
        rows.append({"date": day, "weight": float(w["weight"].iloc[i]), "actual": cum - prev, "cumulative": cum,
                     "target": target, "time_progress": tp, "achievement": ach, "gap": ach - tp, "status": status,
                     "next_target": nxt})
        prev = cum
    out = pd.DataFrame(rows)
    out["status"] = out["status"].astype("string")
    return out
