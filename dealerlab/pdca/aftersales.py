"""After-sales figures of docs/DOMAIN.md §2 (course module 4): intake, revenue, comeback, first-time fix, parts fill,
on-time delivery, paint-booth utilisation and staff turnover, for any stores × months at once.

Every figure function takes its table first and returns one row per store × period asked for::

    store_id  period   numerator  denominator  value  reason
    S01       2026-10  12.0       300.0        0.04   ""

``value`` is a fraction for rates, a count or a money amount otherwise; a rate whose denominator is 0 (or whose input
column is entirely missing) has ``value`` NaN and a Chinese ``reason``. Counts and sums over an existing table are
real zeros (no orders opened → intake 0). Nothing here draws; charts live in :mod:`dealerlab.plots.aftersales`.

Decisions where docs/DOMAIN.md is silent
-----------------------------------
- ``is_comeback`` blank on an order counts as 否 (the order is in the denominator, not the numerator); a column
  that is blank on *every* order of the table makes the rate unavailable ("缺少字段").
- ``parts_fill_rate``: orders with blank ``parts_lines_requested`` contribute nothing; blank ``parts_lines_filled``
  on an order that requested lines counts as 0 filled.
- ``booth_utilisation`` carries a ``below_threshold`` column (value < 0.60 → True; NaN → <NA>).
- ``turnover`` counts every department of the store; a leave_date equal to end(M) leaves the end-of-month headcount
  (the person is not employed on a day d with leave_date ≤ d).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab import _long
from dealerlab._docstrings import share_docs
from dealerlab.calendar import month_bounds
from dealerlab.errors import MissingTableError
from dealerlab.i18n import Catalogue
from dealerlab.metrics import ids

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "AFTERSALES_METRICS",
    "BOOTH_THRESHOLD",
    "intake",
    "service_revenue",
    "comeback_rate",
    "first_time_fix",
    "parts_fill_rate",
    "on_time_delivery",
    "booth_utilisation",
    "turnover",
    "figures",
    "long_metrics",
    "paint_shop_by_crew",
]

#: metric ids of the aftersales family, in registry order
AFTERSALES_METRICS = ids("aftersales")

#: seed 001's paint-shop case: a booth used less than 60% of its available time is a bottleneck sign
BOOTH_THRESHOLD = 0.60

_MSG = Catalogue.load("pdca/aftersales")

#: data-contract values this module selects on: service_orders.pay_type (customer pay), ro_type (body and paint) and
#: damage_class (heavy, medium, light: their display order)
_CUSTOMER_PAY = "客户付费"
_BODY_PAINT = "钣喷"
_DAMAGE_ORDER = {"大": 0, "中": 1, "小": 2}

# --------------------------------------------------------------------------------------------------------------------
# helpers


def _stores(stores: Iterable[str] | None, *frames: pd.DataFrame | None) -> list[str]:
    """``stores`` as given, or every store id of ``frames``."""
    return _long.store_list(stores) if stores is not None else _long.stores_in(frames)


def _sum_by(df: pd.DataFrame, date_col: str, values, grid: pd.MultiIndex) -> pd.Series:
    """Σ ``values`` (a Series aligned with df, or 1 for counting) by store × month of ``date_col``, on ``grid``."""
    if isinstance(values, (int, float)):
        values = pd.Series(float(values), index=df.index)
    key = pd.DataFrame(
        {"store_id": df["store_id"].astype("string"), "period": _long.month(df[date_col]), "v": values.astype(float)}
    )
    key = key.dropna(subset=["store_id", "period"])
    summed = key.groupby(["store_id", "period"], observed=True)["v"].sum()
    return summed.reindex(grid, fill_value=0.0).astype(float)


def _start(
    df: pd.DataFrame, periods: Iterable[str], stores: Iterable[str] | None, columns: Mapping[str, str] | None,
    needs: str | None = None,
) -> tuple[pd.DataFrame, pd.MultiIndex, pd.DataFrame | None]:
    """The first stage of every figure: ``df`` with the contract's column names, the store × month grid it is asked
    for (the months checked, the stores as given or every store of ``df``), and — when the column it ``needs`` is
    missing or entirely blank — the figure already finished as not available on that grid (else ``None``)."""
    df = _long.renamed(df, columns)
    grid = _long.grid(_stores(stores, df), _long.period_list(periods))
    if needs is not None and (needs not in df.columns or (len(df) > 0 and df[needs].isna().all())):
        return df, grid, _long.finish(_long.unavailable(grid, _MSG.get("missing_column", column=needs)))
    return df, grid, None


# --------------------------------------------------------------------------------------------------------------------
# figures on service_orders


@share_docs
def intake(
    orders: pd.DataFrame, *, periods: Iterable[str], stores: Iterable[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """入库台数: customer-pay orders (pay_type 客户付费) with open_date in the month (docs/DOMAIN.md §2, [S]).

    Parameters
    ----------
    %(orders_periods_stores)s
    %(columns)s

    Returns
    -------
    DataFrame
        ``store_id, period, numerator, denominator, value, reason`` (``value`` = ``numerator`` = the count).
    """
    orders, grid, missing = _start(orders, periods, stores, columns, needs="pay_type")
    if missing is not None:
        return missing
    paid = orders[orders["pay_type"].astype("string").eq(_CUSTOMER_PAY).fillna(False)]
    return _long.finish(_long.amount(_sum_by(paid, "open_date", 1, grid)))


@share_docs
def service_revenue(
    orders: pd.DataFrame, *, periods: Iterable[str], stores: Iterable[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """售后产值: Σ revenue of orders with close_date in the month, every pay type (docs/DOMAIN.md §2, [S]).

    Orders not yet closed count in no month.

    Parameters
    ----------
    %(orders_periods_stores)s
    %(columns)s

    Returns
    -------
    DataFrame
        ``store_id, period, numerator, denominator, value, reason`` (``value`` = ``numerator`` = the sum).
    """
    orders, grid, _ = _start(orders, periods, stores, columns)
    return _long.finish(_long.amount(_sum_by(orders, "close_date", orders["revenue"].astype(float).fillna(0.0), grid)))


@share_docs
def comeback_rate(
    orders: pd.DataFrame, *, periods: Iterable[str], stores: Iterable[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """返修率 = orders opened in M that are comebacks / orders opened in M (docs/DOMAIN.md §2, [P]).

    %(orders_figure)s
    """
    orders, grid, missing = _start(orders, periods, stores, columns, needs="is_comeback")
    if missing is not None:
        return missing
    flag = orders["is_comeback"].astype("boolean").fillna(False).astype(float)
    num = _sum_by(orders, "open_date", flag, grid)
    den = _sum_by(orders, "open_date", 1, grid)
    return _long.finish(_long.ratio(num, den, _MSG.get("no_orders_opened")))


@share_docs
def first_time_fix(
    orders: pd.DataFrame, *, periods: Iterable[str], stores: Iterable[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """一次修复率 = 1 − comeback rate (docs/DOMAIN.md §2, [P]); numerator = orders opened in M that are not comebacks.

    %(orders_figure)s
    """
    out = comeback_rate(orders, periods=periods, stores=stores, columns=columns)
    out["numerator"] = out["denominator"] - out["numerator"]
    out["value"] = 1.0 - out["value"]
    return out


@share_docs
def parts_fill_rate(
    orders: pd.DataFrame, *, periods: Iterable[str], stores: Iterable[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """零件即时供应率: Σ parts lines filled at once / Σ parts lines requested, orders opened in the month ([P]).

    %(orders_figure)s
    """
    orders, grid, missing = _start(orders, periods, stores, columns, needs="parts_lines_requested")
    if missing is not None:
        return missing
    req = orders["parts_lines_requested"].astype("Float64").fillna(0).astype(float)
    fil = (
        orders["parts_lines_filled"].astype("Float64").fillna(0).astype(float).where(req > 0, 0.0)
        if "parts_lines_filled" in orders
        else req * 0
    )
    num = _sum_by(orders, "open_date", fil, grid)
    den = _sum_by(orders, "open_date", req, grid)
    return _long.finish(_long.ratio(num, den, _MSG.get("no_parts")))


@share_docs
def on_time_delivery(
    orders: pd.DataFrame, *, periods: Iterable[str], stores: Iterable[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """准时交车率: orders closed in M with close_date ≤ promised_date / orders closed in M with a promised_date ([P]).

    %(orders_figure)s
    """
    orders, grid, missing = _start(orders, periods, stores, columns, needs="promised_date")
    if missing is not None:
        return missing
    closed = pd.to_datetime(orders["close_date"])
    promised = pd.to_datetime(orders["promised_date"])
    has = promised.notna() & closed.notna()
    on_time = (has & (closed <= promised)).astype(float)
    num = _sum_by(orders, "close_date", on_time, grid)
    den = _sum_by(orders, "close_date", has.astype(float), grid)
    return _long.finish(_long.ratio(num, den, _MSG.get("no_promised")))


# --------------------------------------------------------------------------------------------------------------------
# booth_usage and staff


@share_docs
def booth_utilisation(
    usage: pd.DataFrame, *, periods: Iterable[str], stores: Iterable[str] | None = None,
    threshold: float = BOOTH_THRESHOLD, columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """烤房利用率: Σ minutes_used / Σ minutes_available over booth days in the month ([P]); flags < ``threshold``.

    Known answer (docs/DOMAIN.md): 2 booths × 600 min × 26 days = 31 200 available, 18 000 used → 0.577, flagged.

    Parameters
    ----------
    usage : DataFrame
        ``booth_usage``: one row per store × date × booth.
    %(periods)s
    %(stores_usage)s
    threshold : float
        Utilisation below which ``below_threshold`` is True (seed 001: 0.60).
    %(columns)s

    Returns
    -------
    DataFrame
        ``store_id, period, numerator, denominator, value, reason, below_threshold`` (boolean, <NA> when NaN).
    """
    usage, grid, _ = _start(usage, periods, stores, columns)
    num = _sum_by(usage, "date", usage["minutes_used"].astype(float).fillna(0.0), grid)
    den = _sum_by(usage, "date", usage["minutes_available"].astype(float).fillna(0.0), grid)
    out = _long.finish(_long.ratio(num, den, _MSG.get("no_booth")))
    flag = pd.array(np.where(out["value"].notna(), out["value"] < threshold, False), dtype="boolean")
    flag[out["value"].isna().to_numpy()] = pd.NA
    out["below_threshold"] = flag
    return out


@share_docs
def turnover(
    staff: pd.DataFrame, *, periods: Iterable[str], stores: Iterable[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """离职率: staff with leave_date in M / average headcount at start(M) and end(M) (docs/DOMAIN.md §2, denominator [F]).

    Headcount on day d = staff of the store (any department) with hire_date ≤ d and (no leave_date or
    leave_date > d). The seed divides by one headcount; the average of both ends is the fixed denominator.

    Parameters
    ----------
    staff : DataFrame
        ``staff``: one row per employee.
    %(periods)s
    %(stores_staff)s
    %(columns)s

    Returns
    -------
    DataFrame
        ``store_id, period, numerator, denominator, value, reason`` (denominator = average headcount).
    """
    periods = _long.period_list(periods)
    staff, grid, _ = _start(staff, periods, stores, columns)
    bounds = pd.DataFrame([(p, *month_bounds(p)) for p in periods], columns=["period", "start", "end"])
    people = pd.DataFrame(
        {
            "store_id": staff["store_id"].astype("string"),
            "hire": pd.to_datetime(staff["hire_date"]),
            "leave": pd.to_datetime(staff["leave_date"]),
        }
    ).dropna(subset=["store_id"])
    cross = people.merge(bounds, how="cross")

    def employed(day: pd.Series) -> pd.Series:
        return (cross["hire"] <= day) & (cross["leave"].isna() | (cross["leave"] > day))

    cross["left"] = ((cross["leave"] >= cross["start"]) & (cross["leave"] <= cross["end"])).astype(float)
    cross["hc"] = (employed(cross["start"]).astype(float) + employed(cross["end"]).astype(float)) / 2
    agg = cross.groupby(["store_id", "period"])[["left", "hc"]].sum().reindex(grid, fill_value=0.0)
    return _long.finish(_long.ratio(agg["left"], agg["hc"], _MSG.get("no_headcount")))


# --------------------------------------------------------------------------------------------------------------------
# all figures at once

#: metric id → (the table it is computed from, its function ``f(frame, *, periods, stores)``): the one list a new
#: aftersales id is added to, beside its registry line (a test checks both list the same ids)
FIGURE_OF = {
    "intake": ("service_orders", intake),
    "service_revenue": ("service_orders", service_revenue),
    "comeback_rate": ("service_orders", comeback_rate),
    "first_time_fix": ("service_orders", first_time_fix),
    "parts_fill_rate": ("service_orders", parts_fill_rate),
    "on_time_delivery": ("service_orders", on_time_delivery),
    "booth_utilisation": ("booth_usage", booth_utilisation),
    "turnover": ("staff", turnover),
}


def _default_stores(ds: Dataset, stores) -> list[str]:
    return _long.stores_of(ds, stores, ("service_orders", "booth_usage", "staff"))


def _all_figures(ds: Dataset, periods: list[str], stores: list[str]) -> dict[str, pd.DataFrame]:
    grid = _long.grid(stores, periods)
    out: dict[str, pd.DataFrame] = {}
    for metric in AFTERSALES_METRICS:
        table, figure = FIGURE_OF[metric]
        try:
            frame = ds[table]
        except MissingTableError:
            out[metric] = _long.finish(_long.unavailable(grid, _MSG.get("missing_table", table=table)))
            continue
        out[metric] = figure(frame, periods=periods, stores=stores)
    return out


@share_docs
def figures(ds: Dataset, *, periods: Iterable[str], stores: Iterable[str] | None = None) -> pd.DataFrame:
    """Every §2 figure as a wide table: one row per store × period, one column per metric id.

    Parameters
    ----------
    ds : Dataset
        Needs ``service_orders``, ``booth_usage`` and ``staff``; a missing table gives NaN columns.
    %(periods)s
    stores : iterable of str, optional
        Store ids; default every store of the dataset.

    Returns
    -------
    DataFrame
        ``store_id, period``, one column per aftersales metric id in registry order (:data:`AFTERSALES_METRICS`),
        then ``booth_below_threshold``.
    """
    periods = _long.period_list(periods)
    stores = _default_stores(ds, stores)
    parts = _all_figures(ds, periods, stores)
    out = parts["intake"][["store_id", "period"]].copy()
    for metric in AFTERSALES_METRICS:
        out[metric] = parts[metric]["value"].to_numpy()
    booth = parts["booth_utilisation"]
    out["booth_below_threshold"] = (
        booth["below_threshold"].to_numpy()
        if "below_threshold" in booth
        else pd.array([pd.NA] * len(out), dtype="boolean")
    )
    return out


@share_docs
def long_metrics(
    ds: Dataset, *, periods: Iterable[str], stores: Iterable[str] | None = None, by_staff: bool = False
) -> pd.DataFrame:
    """The aftersales family in the long format of :mod:`dealerlab.metrics`.

    Every aftersales metric id × every store × every period asked for, ordered by store (as given), period (as given)
    and registry order of metric ids. A figure not available has NaN ``value`` and a Chinese ``reason``; a missing
    table never raises.

    These are store-level figures: with ``by_staff=True`` the same store rows are returned with an empty
    (``<NA>``) ``staff_id`` column first, so a per-consultant table can still carry the store's after-sales context;
    ``groupby("staff_id")`` drops them by default.

    Parameters
    ----------
    ds : Dataset
        The client data.
    %(periods)s
    stores : iterable of str, optional
        Store ids; default every store of the dataset.
    by_staff : bool
        Add an empty ``staff_id`` column (see above).

    Returns
    -------
    DataFrame
        ``store_id, period, metric, value, reason`` (``staff_id`` first when ``by_staff``).
    """
    periods = _long.period_list(periods)
    stores = _default_stores(ds, stores)
    parts = _all_figures(ds, periods, stores)
    out = pd.concat([parts[m][["store_id", "period", "value", "reason"]].assign(metric=m) for m in AFTERSALES_METRICS],
                    ignore_index=True)
    out["metric"] = out["metric"].astype("string")
    out["reason"] = out["reason"].fillna("").astype("string")
    return _long.order_long(out, stores=stores, periods=periods, metrics=AFTERSALES_METRICS, by_staff=by_staff)


# --------------------------------------------------------------------------------------------------------------------
# the paint-shop case (seed 001)


@share_docs
def paint_shop_by_crew(
    orders: pd.DataFrame,
    *,
    stores: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    large_crew: int = 4,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Paint-shop (钣喷) throughput by crew size × damage class — the evidence of seed 001's paint-shop case.

    The seed's cause: large crews (more than 3 people) receive heavy, medium and light jobs together, so a light job
    waits as long as a heavy one and the booths idle. Here, per crew-size band (小班组 ≤ 3 people, 大班组 ≥
    ``large_crew``) × damage class: number of 钣喷 orders, mean labour hours and mean days in the shop
    (close_date − open_date + 1, a same-day job = 1 day), and the spread of days inside the band.

    Parameters
    ----------
    orders : DataFrame
        ``service_orders`` with ``crew_size`` and ``damage_class`` on 钣喷 orders.
    stores : iterable of str, optional
        Keep these stores only.
    periods : iterable of str, optional
        Keep orders opened in these months only.
    large_crew : int
        Crew size from which a crew is "large" (seed: more than 3 people → 4).
    %(columns)s

    Returns
    -------
    DataFrame
        One row per store × crew band × damage class: ``store_id, crew_band, damage_class, orders, crews,
        mean_labor_hours, mean_days, hours_per_day`` (``hours_per_day`` = mean labour hours / mean days in the shop,
        a throughput: light jobs that sit as long as heavy ones have a low value).
    """
    orders = _long.renamed(orders, columns)
    df = orders[orders["ro_type"].astype("string").eq(_BODY_PAINT).fillna(False)]
    if stores is not None:
        df = df[df["store_id"].isin(_stores(stores))]
    if periods is not None:
        df = df[_long.month(df["open_date"]).isin(_long.period_list(periods)).fillna(False)]
    df = df.dropna(subset=["crew_size", "damage_class", "close_date"])
    days = (pd.to_datetime(df["close_date"]) - pd.to_datetime(df["open_date"])).dt.days.astype(float) + 1.0
    size = df["crew_size"].astype(float)
    work = pd.DataFrame(
        {
            "store_id": df["store_id"].astype("string"),
            "crew_band": np.where(size >= large_crew, _MSG.get("crew_large", n=large_crew), _MSG.get("crew_small", n=large_crew - 1)),
            "damage_class": df["damage_class"].astype("string"),
            "crew": df["crew_id"].astype("string") if "crew_id" in df else pd.NA,
            "hours": df["labor_hours"].astype(float) if "labor_hours" in df else np.nan,
            "days": days,
        }
    )
    g = work.groupby(["store_id", "crew_band", "damage_class"], observed=True)
    out = g.agg(
        orders=("days", "size"),
        crews=("crew", "nunique"),
        mean_labor_hours=("hours", "mean"),
        mean_days=("days", "mean"),
    )
    out["hours_per_day"] = out["mean_labor_hours"] / out["mean_days"]
    out = out.reset_index()
    out = out.assign(_d=out["damage_class"].map(_DAMAGE_ORDER)).sort_values(["store_id", "crew_band", "_d"]).drop(columns="_d")
    return out.reset_index(drop=True)
