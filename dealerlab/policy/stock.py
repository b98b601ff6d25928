"""Stock figures of docs/DOMAIN.md §12 (库存): units in stock, age, depth against the standard stock, capital tied up.

Definitions (store × month M, end(M) its last day):

* stock_units 在库台数 = inventory rows with arrival_date ≤ end(M) and (sold_date blank or > end(M));
* age at end(M) = end(M) − arrival_date in days (the arrival day is day 0); buckets 0–30, 31–60, 61–90, > 90 (长库龄);
* stock_days 库存深度 = stock_units ÷ daily sales rate, daily rate = S of the 3 months ending with M ÷ their days;
  standard_stock 标准库存 = daily rate × ``standard_days`` (default 45); stock_over_standard = stock_units −
  standard_stock (negative = under the standard);
* stock_capital 库存资金占用 = Σ purchase_cost of the units in stock; stock_capital_cost_month = stock_capital ×
  capital_cost_rate ÷ 12 (monthly_finance's annual rate; 6 % a year when it is absent);
* call_off_accuracy CALL车准确率 = Σ called_off ÷ Σ ordered (oem_orders of M);
* sell_through_30d 30天售出率 = of the units that arrived in M−1, the share with sold_date ≤ arrival_date + 30 days;
* slow movers 滞销车型 = models with ≥ 1 unit aged > 90 days, or whose stock_days > 2 × standard_days;
* marketing_cost_per_unit 单车营销费用 = monthly_finance.marketing_cost ÷ S.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from dealerlab._long import month
from dealerlab.calendar import check_period, month_bounds, period_range
from dealerlab.i18n import Catalogue

__all__ = [
    "AGE_BUCKETS",
    "STANDARD_DAYS",
    "DEFAULT_CAPITAL_COST_RATE",
    "stock_units_at",
    "stock_by_model",
    "stock_figures",
    "call_off_accuracy",
    "sell_through_30d",
    "slow_movers",
    "marketing_cost_per_unit",
    "call_off_plan",
]

#: (metric id, lowest age, highest age) of the age buckets, days at the month end (their names: the metric registry's)
AGE_BUCKETS = (
    ("stock_age_0_30", 0, 30),
    ("stock_age_31_60", 31, 60),
    ("stock_age_61_90", 61, 90),
    ("stock_age_over_90", 91, None),
)
#: the default standard stock depth (days of sales)
STANDARD_DAYS = 45
#: the annual cost of capital used when monthly_finance gives none
DEFAULT_CAPITAL_COST_RATE = 0.06

#: the reasons of the figures not available and of a slow mover (Chinese, as every reason of the long format)
_MSG = Catalogue.load("policy/stock")


def _list(values, name) -> list[str]:
    if values is None:
        return []
    vals = [values] if isinstance(values, str) else list(values)
    return [check_period(v, name=name) for v in vals] if name == "periods" else [str(v) for v in vals]


def stock_units_at(inventory: pd.DataFrame, *, period: str, stores: Iterable[str] | None = None) -> pd.DataFrame:
    """The units in stock at the end of ``period``, one row each, with their age in days and age bucket.

    Parameters
    ----------
    inventory : DataFrame
        The ``inventory`` table (vin, store_id, model, arrival_date, sold_date, purchase_cost).
    period : str
        Month ``YYYY-MM``; the stock is taken at its last day.
    stores : iterable of str, optional
        Keep these stores only.

    Returns
    -------
    DataFrame
        The inventory rows in stock plus ``age_days`` (int) and ``age_bucket`` (the metric id of its bucket).
    """
    _, end = month_bounds(period)
    inv = inventory
    if stores is not None:
        inv = inv[inv["store_id"].isin(_list(stores, "stores"))]
    sold = inv["sold_date"]
    mask = (inv["arrival_date"] <= end) & (sold.isna() | (sold > end))
    out = inv[mask.fillna(False).to_numpy()].copy()
    out["age_days"] = (end - out["arrival_date"]).dt.days.astype("int64")
    out["age_bucket"] = _bucket(out["age_days"].to_numpy())
    return out.reset_index(drop=True)


def _bucket(age: np.ndarray) -> np.ndarray:
    ids = np.array([b[0] for b in AGE_BUCKETS], dtype=object)
    return ids[np.searchsorted([30, 60, 90], age, side="left")]


def _sales_rate(sales: pd.DataFrame | None, period: str, keys: list[str]) -> pd.DataFrame:
    """Units sold in the 3 months ending with ``period`` ÷ their days, by ``keys``."""
    months = period_range(period, 3)
    start, _ = month_bounds(months[0])
    _, end = month_bounds(months[-1])
    days = (end - start).days + 1
    if sales is None:
        return pd.DataFrame(columns=keys + ["sold_3m", "daily_rate"])
    s = sales[(sales["invoice_date"] >= start) & (sales["invoice_date"] <= end)]
    g = s.groupby(keys, dropna=False).size().rename("sold_3m").reset_index()
    g["daily_rate"] = g["sold_3m"] / days
    return g


def stock_by_model(
    inventory: pd.DataFrame,
    sales: pd.DataFrame | None = None,
    *,
    period: str,
    stores: Iterable[str] | None = None,
    standard_days: float = STANDARD_DAYS,
    capital_cost_rate: float = DEFAULT_CAPITAL_COST_RATE,
) -> pd.DataFrame:
    """Stock at the end of ``period`` per store × model: units, age buckets, depth against the standard, capital.

    Parameters
    ----------
    inventory : DataFrame
        The ``inventory`` table.
    sales : DataFrame, optional
        The ``sales`` table (for the daily sales rate); without it the depth columns are NaN.
    period : str
        Month ``YYYY-MM``.
    stores : iterable of str, optional
        Keep these stores only.
    standard_days : float
        Days of sales the standard stock holds (default 45).
    capital_cost_rate : float
        Annual cost of capital for ``capital_cost_month``.

    Returns
    -------
    DataFrame
        ``store_id, model, stock_units, stock_age_0_30, stock_age_31_60, stock_age_61_90, stock_age_over_90,
        oldest_days, stock_capital, capital_cost_month, sold_3m, daily_rate, stock_days, standard_stock,
        stock_over_standard, slow, slow_reason`` — one row per model in stock or sold in the last 3 months, sorted by
        store and by capital tied up (largest first).
    """
    check_period(period)
    units = stock_units_at(inventory, period=period, stores=stores)
    keys = ["store_id", "model"]
    counts = pd.crosstab([units["store_id"], units["model"]], units["age_bucket"]) if len(units) else pd.DataFrame()
    agg = units.groupby(keys).agg(stock_units=("vin", "size"), oldest_days=("age_days", "max"),
                                  stock_capital=("purchase_cost", "sum"))
    table = agg.join(counts, how="left") if len(units) else agg
    for b in AGE_BUCKETS:
        if b[0] not in table.columns:
            table[b[0]] = 0
    table = table.reset_index()
    s = sales
    if s is not None and stores is not None:
        s = s[s["store_id"].isin(_list(stores, "stores"))]
    rate = _sales_rate(s, period, keys)
    out = table.merge(rate, on=keys, how="outer")
    for c in ["stock_units", "stock_capital"] + [b[0] for b in AGE_BUCKETS]:
        out[c] = out[c].fillna(0)
    out["sold_3m"] = out["sold_3m"].fillna(0) if sales is not None else np.nan
    out["daily_rate"] = out["daily_rate"].fillna(0.0) if sales is not None else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        out["stock_days"] = np.where(out["daily_rate"] > 0, out["stock_units"] / out["daily_rate"],
                                     np.where(out["stock_units"] > 0, np.inf, np.nan))
    out.loc[out["daily_rate"].isna(), "stock_days"] = np.nan
    out["standard_stock"] = out["daily_rate"] * standard_days
    out["stock_over_standard"] = out["stock_units"] - out["standard_stock"]
    out["capital_cost_month"] = out["stock_capital"] * capital_cost_rate / 12
    old = out["stock_age_over_90"] > 0
    deep = out["stock_days"] > 2 * standard_days
    out["slow"] = old | deep
    reason = np.where(old & deep, _MSG.get("slow_old_deep"),
                      np.where(old, _MSG.get("slow_old"), np.where(deep, _MSG.get("slow_deep"), "")))
    out["slow_reason"] = reason
    cols = ["store_id", "model", "stock_units", *[b[0] for b in AGE_BUCKETS], "oldest_days", "stock_capital",
            "capital_cost_month", "sold_3m", "daily_rate", "stock_days", "standard_stock", "stock_over_standard",
            "slow", "slow_reason"]
    for c in ["stock_units", *[b[0] for b in AGE_BUCKETS]]:
        out[c] = out[c].astype("int64")
    out = out.sort_values(["store_id", "stock_capital", "model"], ascending=[True, False, True], kind="stable")
    return out[cols].reset_index(drop=True)


def slow_movers(
    inventory: pd.DataFrame, sales: pd.DataFrame | None = None, *, period: str, stores: Iterable[str] | None = None,
    standard_days: float = STANDARD_DAYS, capital_cost_rate: float = DEFAULT_CAPITAL_COST_RATE,
) -> pd.DataFrame:
    """The slow movers 滞销车型 at the end of ``period``: models with a unit aged > 90 days or stock_days > 2 × standard.

    Parameters
    ----------
    inventory, sales, period, stores, standard_days, capital_cost_rate
        As in :func:`stock_by_model` (without ``sales`` only the age test applies).

    Returns
    -------
    DataFrame
        The rows of :func:`stock_by_model` whose ``slow`` is true.
    """
    t = stock_by_model(inventory, sales, period=period, stores=stores, standard_days=standard_days,
                       capital_cost_rate=capital_cost_rate)
    return t[t["slow"]].reset_index(drop=True)


def stock_figures(
    inventory: pd.DataFrame,
    sales: pd.DataFrame | None = None,
    *,
    periods: Iterable[str],
    stores: Iterable[str],
    standard_days: float = STANDARD_DAYS,
    capital_cost_rates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Store-level stock figures per month.

    Parameters
    ----------
    inventory : DataFrame
        The ``inventory`` table.
    sales : DataFrame, optional
        The ``sales`` table (daily rate); without it stock_days, standard_stock and stock_over_standard are NaN.
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str
        Store ids.
    standard_days : float
        Days of sales the standard stock holds.
    capital_cost_rates : DataFrame, optional
        ``store_id, period, capital_cost_rate`` (annual); a missing or blank rate uses 6 % a year.

    Returns
    -------
    DataFrame
        ``store_id, period, stock_units, stock_age_0_30, stock_age_31_60, stock_age_61_90, stock_age_over_90,
        stock_days, standard_stock, stock_over_standard, stock_capital, stock_capital_cost_month,
        capital_cost_rate, rate_is_default``.
    """
    stores = _list(stores, "stores")
    rows = []
    for period in _list(periods, "periods"):
        units = stock_units_at(inventory, period=period, stores=stores)
        rate = _sales_rate(sales[sales["store_id"].isin(stores)] if sales is not None else None, period, ["store_id"])
        rate = rate.set_index("store_id")["daily_rate"] if len(rate) else pd.Series(dtype=float)
        for sid in stores:
            u = units[units["store_id"] == sid]
            r = {"store_id": sid, "period": period, "stock_units": len(u)}
            for b in AGE_BUCKETS:
                r[b[0]] = int((u["age_bucket"] == b[0]).sum())
            daily = float(rate.get(sid, 0.0)) if sales is not None else np.nan
            r["stock_days"] = (len(u) / daily if daily > 0 else np.nan)
            r["standard_stock"] = daily * standard_days
            r["stock_over_standard"] = len(u) - r["standard_stock"]
            r["stock_capital"] = float(u["purchase_cost"].sum())
            ccr = np.nan
            if capital_cost_rates is not None and len(capital_cost_rates):
                hit = capital_cost_rates[(capital_cost_rates["store_id"] == sid) & (capital_cost_rates["period"] == period)]
                if len(hit):
                    ccr = float(hit["capital_cost_rate"].iloc[0])
            r["rate_is_default"] = bool(np.isnan(ccr))
            r["capital_cost_rate"] = DEFAULT_CAPITAL_COST_RATE if np.isnan(ccr) else ccr
            r["stock_capital_cost_month"] = r["stock_capital"] * r["capital_cost_rate"] / 12
            rows.append(r)
    cols = ["store_id", "period", "stock_units", *[b[0] for b in AGE_BUCKETS], "stock_days", "standard_stock",
            "stock_over_standard", "stock_capital", "stock_capital_cost_month", "capital_cost_rate", "rate_is_default"]
    return pd.DataFrame(rows, columns=cols)


def call_off_accuracy(oem_orders: pd.DataFrame, *, periods: Iterable[str], stores: Iterable[str]) -> pd.DataFrame:
    """CALL车准确率 = Σ called_off ÷ Σ ordered over every model of the month.

    Parameters
    ----------
    oem_orders : DataFrame
        The ``oem_orders`` table.
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str
        Store ids.

    Returns
    -------
    DataFrame
        ``store_id, period, called_off, ordered, value, reason`` (value NaN when nothing was ordered).
    """
    rows = []
    g = oem_orders.groupby(["store_id", "period"])[["called_off", "ordered"]].sum()
    for sid in _list(stores, "stores"):
        for p in _list(periods, "periods"):
            if (sid, p) in g.index:
                c, o = float(g.loc[(sid, p), "called_off"]), float(g.loc[(sid, p), "ordered"])
                ok = o > 0
                rows.append((sid, p, c, o, c / o if ok else np.nan, "" if ok else _MSG.get("no_orders")))
            else:
                rows.append((sid, p, np.nan, np.nan, np.nan, _MSG.get("no_order_month")))
    return pd.DataFrame(rows, columns=["store_id", "period", "called_off", "ordered", "value", "reason"])


def sell_through_30d(inventory: pd.DataFrame, *, periods: Iterable[str], stores: Iterable[str]) -> pd.DataFrame:
    """30天售出率: of the units that arrived in the month before M, the share sold within 30 days of arrival.

    Parameters
    ----------
    inventory : DataFrame
        The ``inventory`` table.
    periods : iterable of str
        Months ``YYYY-MM`` (M; the arrivals are those of M−1).
    stores : iterable of str
        Store ids.

    Returns
    -------
    DataFrame
        ``store_id, period, sold_30d, arrived, value, reason``.
    """
    rows = []
    for p in _list(periods, "periods"):
        prev = str(pd.Period(p, freq="M") - 1)
        start, end = month_bounds(prev)
        arr = inventory[(inventory["arrival_date"] >= start) & (inventory["arrival_date"] <= end)]
        quick = arr["sold_date"].notna() & (arr["sold_date"] <= arr["arrival_date"] + pd.Timedelta(days=30))
        for sid in _list(stores, "stores"):
            m = (arr["store_id"] == sid).to_numpy()
            n, k = int(m.sum()), int(quick.to_numpy()[m].sum())
            rows.append((sid, p, float(k), float(n), k / n if n else np.nan, "" if n else _MSG.get("no_arrivals")))
    return pd.DataFrame(rows, columns=["store_id", "period", "sold_30d", "arrived", "value", "reason"])


def marketing_cost_per_unit(finance: pd.DataFrame, sales: pd.DataFrame, *, periods: Iterable[str],
                            stores: Iterable[str]) -> pd.DataFrame:
    """单车营销费用 = monthly_finance.marketing_cost ÷ S (units sold in the month).

    Parameters
    ----------
    finance : DataFrame
        The ``monthly_finance`` table.
    sales : DataFrame
        The ``sales`` table.
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str
        Store ids.

    Returns
    -------
    DataFrame
        ``store_id, period, marketing_cost, units, value, reason``.
    """
    sp = month(sales["invoice_date"])
    S = sales.groupby([sales["store_id"], sp]).size()
    f = finance.set_index(["store_id", "period"])["marketing_cost"] if "marketing_cost" in finance else pd.Series(dtype=float)
    rows = []
    for sid in _list(stores, "stores"):
        for p in _list(periods, "periods"):
            cost = float(f.get((sid, p), np.nan)) if len(f) else np.nan
            n = float(S.get((sid, p), 0))
            if np.isnan(cost):
                rows.append((sid, p, cost, n, np.nan, _MSG.get("no_marketing_cost")))
            elif n == 0:
                rows.append((sid, p, cost, n, np.nan, _MSG.get("no_sales_month")))
            else:
                rows.append((sid, p, cost, n, cost / n, ""))
    return pd.DataFrame(rows, columns=["store_id", "period", "marketing_cost", "units", "value", "reason"])


def call_off_plan(
    stock: pd.DataFrame,
    *,
    expected_sales: pd.Series | dict | None = None,
    standard_days: float = STANDARD_DAYS,
    days_next_month: int = 30,
) -> pd.DataFrame:
    """Next month's CALL车 quantity per model: what brings the stock back to the standard after next month's sales.

    order = max(0, round(expected sales next month + standard stock at next month's pace − stock now)), where the
    expected sales default to the last 3 months' daily rate × ``days_next_month``.

    Parameters
    ----------
    stock : DataFrame
        One store's rows of :func:`stock_by_model` (model, stock_units, daily_rate).
    expected_sales : Series or dict, optional
        Units expected to sell next month per model (overrides the pace).
    standard_days : float
        Days of sales the standard stock holds.
    days_next_month : int
        Days of next month.

    Returns
    -------
    DataFrame
        ``model, stock_units, expected_sales, target_stock, order`` (one row per model).
    """
    t = stock[["model", "stock_units", "daily_rate"]].copy()
    exp = t["daily_rate"] * days_next_month
    if expected_sales is not None:
        exp = t["model"].map(dict(expected_sales)).fillna(exp)
    t["expected_sales"] = exp
    daily_next = exp / days_next_month
    t["target_stock"] = daily_next * standard_days
    t["order"] = np.maximum(0, np.round(t["expected_sales"] + t["target_stock"] - t["stock_units"])).astype("int64")
    return t[["model", "stock_units", "expected_sales", "target_stock", "order"]].reset_index(drop=True)
