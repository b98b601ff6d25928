"""Course module 9 — 客户关系与保客 (docs/DOMAIN.md §11): the service base, the return rate, the lapsed recall list and
the first-service rate, per store × month.

* 基盘客户 ``base_vehicles`` — distinct vin with a service order (open_date) at the store in the 24 months ending with M;
* 回厂率 ``retention_rate`` — of the vin serviced in the 12 months before the last 12 (M−23..M−12), the share serviced
  again in the last 12 (M−11..M); NaN with a reason when the service orders do not reach back to M−23;
* 流失保客 ``lapsed_vehicles`` — the count of those not serviced again (the denominator minus the numerator of the
  return rate); :func:`lapsed_list` gives the vehicles themselves, vin and account masked unless ``show_pii``;
* 首保回厂率 ``first_service_rate`` — of the vehicles sold (sales.vin, invoice_date) in M−12..M−6, the share with a
  保养 order at the same store within 9 months of the invoice date (orders seen up to the end of M); NaN with a reason
  when sales.vin is absent or no sold vin appears in any service order (the two tables do not share vins).

Every table this module reads is optional: a figure whose table or column is missing is NaN with a Chinese reason,
never an error. The customer lifetime value with this measured retention is :func:`dealerlab.accounts.lifetime_value`
(大客户) and :func:`retail_lifetime_value` here (the retail base), DOMAIN §13.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab import _batch, _long
from dealerlab.accounts import lifetime_value
from dealerlab.data.dataset import Dataset
from dealerlab.data.privacy import mask_company, mask_vin
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue
from dealerlab.metrics import ids

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["RETENTION_METRICS", "long_metrics", "retention_figures", "lapsed_list", "retail_lifetime_value", "example_base",
           "MAINTENANCE", "first_service_cohorts", "service_revenue_per_vehicle", "SEGMENTS", "segment_of", "segments",
           "POINT_RULES", "POINT_KINDS", "points_ledger", "referral_leads", "renewal_rate"]

_MSG = Catalogue.load("retention")

#: the metric ids of this family, in registry order
RETENTION_METRICS = tuple(ids("retention"))

#: the 工单类型 of a first service (首保)
MAINTENANCE = "保养"
#: the leads' channels and status counted by :func:`referral_leads` (values of the data contract's enumerations)
_LEAD_VALUES = {"referral": "转介绍", "base": "基盘客户", "won": "成交"}
#: the fixed columns of :func:`demo_service_base`'s synthetic sales and the pattern of its store names
_DEMO_VALUES = {"channel": "展厅", "model": "英朗", "store_name": "{}店"}


def _shift(period: str, months: int) -> pd.Period:
    return pd.Period(period, freq="M") + months


def _orders(ds: Dataset) -> pd.DataFrame | None:
    """Service orders with a vin: ``store_id, vin, open_date, month (Period), ro_type``; None when unusable."""
    if not ds.has("service_orders"):
        return None
    so = ds["service_orders"]
    if "vin" not in so.columns or so["vin"].isna().all():
        return None
    so = so[so["vin"].notna() & so["open_date"].notna()]
    out = pd.DataFrame({
        "store_id": so["store_id"].astype(str).to_numpy(),
        "vin": so["vin"].astype(str).str.strip().to_numpy(),
        "open_date": pd.to_datetime(so["open_date"]).to_numpy(),
        "ro_type": so["ro_type"].astype(object).to_numpy() if "ro_type" in so.columns else None,
        "account_id": so["account_id"].astype(object).to_numpy() if "account_id" in so.columns else None,
    })
    out["month"] = out["open_date"].dt.to_period("M")
    return out


def _first_month(ds: Dataset) -> pd.Period | None:
    """The first month of the service orders (any store, with or without vin): how far back the data reaches."""
    so = ds["service_orders"]
    d = pd.to_datetime(so["open_date"]).dropna()
    return d.min().to_period("M") if len(d) else None


def _windows(orders: pd.DataFrame, store: str, period: str) -> tuple[set, set, set]:
    """(vin of the last 24 months, vin of M−23..M−12, vin of M−11..M) at ``store``."""
    end = pd.Period(period, freq="M")
    o = orders[(orders["store_id"] == store) & (orders["month"] <= end) & (orders["month"] >= end - 23)]
    last = o["month"] >= end - 11
    return set(o["vin"]), set(o.loc[~last, "vin"]), set(o.loc[last, "vin"])


def retention_figures(ds: Dataset, *, periods: Iterable[str], stores: Iterable[str] | None = None) -> pd.DataFrame:
    """Every figure of the family with its numerator and denominator, one row per metric × store × period.

    Parameters
    ----------
    ds : Dataset
        The client data (service_orders with vin; sales with vin for the first-service rate).
    periods : iterable of str
        Months ``YYYY-MM`` (M).
    stores : iterable of str, optional
        Store ids; default every store.

    Returns
    -------
    DataFrame
        ``store_id, period, metric, numerator, denominator, value, reason`` — ``retention_rate``: numerator = vin
        serviced in both 12-month windows, denominator = vin serviced in the earlier one; ``lapsed_vehicles`` =
        denominator − numerator; ``first_service_rate``: numerator = vehicles with a 保养 order within 9 months,
        denominator = vehicles sold in M−12..M−6. NaN ``value`` with a Chinese ``reason`` when not available.
    """
    periods = _long.period_list(periods)
    stores = _long.stores_of(ds, stores, ["service_orders", "sales"])
    orders = _orders(ds)
    first = _first_month(ds) if ds.has("service_orders") else None
    sold = _sold(ds)
    linked = _linked(orders, sold) if orders is not None and sold is not None else None
    rows = []
    for store in stores:
        for period in periods:
            def add(metric, num, den, value, reason="", store=store, period=period):
                rows.append((store, period, metric, num, den, value, reason))

            if orders is None:
                why = _MSG.text("no_orders") if not ds.has("service_orders") else _MSG.text("no_order_vin")
                for m in ("base_vehicles", "retention_rate", "lapsed_vehicles"):
                    add(m, np.nan, np.nan, np.nan, why)
            else:
                base, prev, last = _windows(orders, store, period)
                add("base_vehicles", float(len(base)), np.nan, float(len(base)))
                need = _shift(period, -23)
                if first is None or first > need:
                    why = _MSG.get("short_history", first=first, need=need)
                    add("retention_rate", np.nan, np.nan, np.nan, why)
                    add("lapsed_vehicles", np.nan, np.nan, np.nan, why)
                else:
                    kept = len(prev & last)
                    if prev:
                        add("retention_rate", float(kept), float(len(prev)), kept / len(prev))
                    else:
                        add("retention_rate", float(kept), 0.0, np.nan, _MSG.text("no_previous_base"))
                    add("lapsed_vehicles", float(len(prev - last)), np.nan, float(len(prev - last)))
            add("first_service_rate", *_first_service(ds, orders, sold, store, period, linked))
    out = pd.DataFrame(rows, columns=["store_id", "period", "metric", "numerator", "denominator", "value", "reason"])
    out = out.astype({"store_id": "string", "period": "string", "metric": "string", "reason": "string"})
    return out


def _sold(ds: Dataset) -> pd.DataFrame | None:
    if not ds.has("sales") or "vin" not in ds["sales"].columns or ds["sales"]["vin"].isna().all():
        return None
    s = ds["sales"]
    s = s[s["vin"].notna() & s["invoice_date"].notna()]
    return pd.DataFrame({"store_id": s["store_id"].astype(str).to_numpy(),
                         "vin": s["vin"].astype(str).str.strip().to_numpy(),
                         "invoice_date": pd.to_datetime(s["invoice_date"]).to_numpy()})


def _linked(orders, sold) -> bool:
    """Whether any sold vin appears among the service orders (a set lookup: ``Series.isin`` on Arrow strings
    converts every value to a Python object, ~0.5 s per call at 50 stores)."""
    vins = set(orders["vin"].dropna())
    return any(v in vins for v in sold["vin"])


def _first_service(ds: Dataset, orders, sold, store, period, linked: bool | None = None):
    """(numerator, denominator, value, reason) of first_service_rate at ``store`` in ``period`` (``linked``: the
    :func:`_linked` answer, computed once for every store and month)."""
    if not ds.has("sales"):
        return np.nan, np.nan, np.nan, _MSG.text("no_sales")
    if sold is None:
        return np.nan, np.nan, np.nan, _MSG.text("no_sales_vin")
    if orders is None:
        return np.nan, np.nan, np.nan, _MSG.text("no_orders") if not ds.has("service_orders") else _MSG.text("no_order_vin")
    if not (_linked(orders, sold) if linked is None else linked):
        return np.nan, np.nan, np.nan, _MSG.text("vins_do_not_match")
    end = pd.Period(period, freq="M")
    cohort = sold[(sold["store_id"] == store)
                  & sold["invoice_date"].dt.to_period("M").between(end - 12, end - 6)].drop_duplicates("vin")
    if cohort.empty:
        return np.nan, 0.0, np.nan, _MSG.text("no_sold_with_vin")
    until = (end + 1).to_timestamp()  # orders seen up to the end of M
    o = orders[(orders["store_id"] == store) & (orders["ro_type"] == MAINTENANCE) & (orders["open_date"] < until)]
    m = cohort.merge(o[["vin", "open_date"]], on="vin", how="left")
    limit = m["invoice_date"] + pd.DateOffset(months=9)
    hit = (m["open_date"] >= m["invoice_date"]) & (m["open_date"] <= limit)
    returned = m.loc[hit, "vin"].nunique()
    return float(returned), float(len(cohort)), returned / len(cohort), ""


def long_metrics(ds: Dataset, *, periods: Iterable[str], stores: Iterable[str] | None = None,
                 by_staff: bool = False) -> pd.DataFrame:
    """The retention family in the long format of :mod:`dealerlab.metrics`.

    Parameters
    ----------
    ds : Dataset
        The client data.
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids; default every store of the dataset.
    by_staff : bool
        Store-level figures: an empty ``staff_id`` column first (as the after-sales family).

    Returns
    -------
    DataFrame
        ``store_id, period, metric, value, reason`` (``staff_id`` first when ``by_staff``).
    """
    periods = _long.period_list(periods)
    stores = _long.stores_of(ds, stores, ["service_orders", "sales"])
    f = retention_figures(ds, periods=periods, stores=stores)
    out = f[["store_id", "period", "metric", "value", "reason"]].copy()
    out["reason"] = out["reason"].fillna("").astype("string")
    return _long.order_long(out, stores=stores, periods=periods, metrics=list(RETENTION_METRICS), by_staff=by_staff)


def lapsed_list(ds: Dataset, *, period: str, stores: Iterable[str] | None = None, show_pii: bool = False) -> pd.DataFrame:
    """流失保客名单: the vehicles serviced at the store in M−23..M−12 and not since — the recall list of a campaign.

    Parameters
    ----------
    ds : Dataset
        The client data (service_orders with vin; accounts for the company name).
    period : str
        M, ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids; default every store.
    show_pii : bool
        Show vin and company names in full (default: masked, vin keeps its last 6 characters).

    Returns
    -------
    DataFrame
        ``store_id, vin, last_open_date, months_since, visits_prev12, last_ro_type, account_id, account_name`` —
        longest absent first. Empty when the service orders have no vin. With less than 24 months of data the earlier
        window is partly or wholly missing: the list is then incomplete (see ``retention_rate``'s reason).
    """
    cols = ["store_id", "vin", "last_open_date", "months_since", "visits_prev12", "last_ro_type", "account_id",
            "account_name"]
    period = _long.period_list(period, required=True)[0]
    orders = _orders(ds)
    if orders is None:
        return pd.DataFrame(columns=cols)
    stores = _long.stores_of(ds, stores, ["service_orders"])
    end = pd.Period(period, freq="M")
    o = orders[orders["store_id"].isin(stores) & (orders["month"] <= end) & (orders["month"] >= end - 23)]
    last_vins = o.loc[o["month"] >= end - 11, ["store_id", "vin"]].drop_duplicates()
    prev = o[o["month"] < end - 11]
    prev = prev.merge(last_vins.assign(_back=True), on=["store_id", "vin"], how="left")
    prev = prev[prev["_back"].isna()].sort_values("open_date")
    g = prev.groupby(["store_id", "vin"], sort=False)
    out = g.agg(last_open_date=("open_date", "max"), visits_prev12=("open_date", "size"),
                last_ro_type=("ro_type", "last"), account_id=("account_id", lambda x: x.dropna().iloc[-1] if x.notna().any() else None)
                ).reset_index()
    out["months_since"] = [(end - d.to_period("M")).n for d in out["last_open_date"]]
    names = {}
    if ds.has("accounts") and "account_name" in ds["accounts"].columns:
        names = dict(zip(ds["accounts"]["account_id"].astype(str), ds["accounts"]["account_name"]))
    out["account_name"] = [names.get(str(a)) if a is not None and pd.notna(a) else None for a in out["account_id"]]
    if not show_pii:
        out["vin"] = out["vin"].map(mask_vin)
        out["account_name"] = out["account_name"].map(mask_company)
    out = out.sort_values(["store_id", "last_open_date", "vin"], kind="stable").reset_index(drop=True)
    out["visits_prev12"] = out["visits_prev12"].astype("int64")
    return out[cols]


def retail_lifetime_value(ds: Dataset, *, period: str, margin_rate: float, stores: Iterable[str] | None = None,
                          discount: float = 0.10) -> pd.DataFrame:
    """The lifetime value of a retail base vehicle per store with the measured 回厂率 (DOMAIN §13).

    Each vin of the base is one customer: its annual margin is its service revenue in the last 12 months ×
    ``margin_rate``; r is the store's ``retention_rate``. The computation is :func:`dealerlab.accounts.lifetime_value`
    (the same formula as for 大客户), here with the vehicles as customers.

    Parameters
    ----------
    ds : Dataset
        The client data (service_orders with vin and revenue).
    period : str
        M, ``YYYY-MM``.
    margin_rate : float
        After-sales gross margin on revenue (0–1), e.g. from the store's accounts.
    stores : iterable of str, optional
        Store ids; default every store.
    discount : float
        d, a year (default 0.10).

    Returns
    -------
    DataFrame
        ``store_id, accounts, annual_margin, retained, base, retention, clv, reason`` (``accounts`` = vehicles of the
        24-month base); NaN CLV with a reason when no vehicle was serviced in the earlier 12 months.
    """
    if not 0 <= margin_rate <= 1:
        raise ParameterError(*_MSG.both("bad_margin_rate", margin_rate=margin_rate))
    period = _long.period_list(period, required=True)[0]
    cols = ["store_id", "accounts", "annual_margin", "retained", "base", "retention", "clv", "reason"]
    orders = _orders(ds)
    if orders is None:
        return pd.DataFrame(columns=cols)
    stores = _long.stores_of(ds, stores, ["service_orders"])
    end = pd.Period(period, freq="M")
    so = ds["service_orders"]
    o = orders.assign(revenue=pd.to_numeric(so.loc[so["vin"].notna() & so["open_date"].notna(), "revenue"],
                                            errors="coerce").fillna(0).to_numpy())
    o = o[o["store_id"].isin(stores) & (o["month"] <= end) & (o["month"] >= end - 23)]
    last = o["month"] >= end - 11
    per = o.assign(_last=last, _prev=~last, _rev=np.where(last, o["revenue"], 0.0)).groupby(["store_id", "vin"])
    frame = per.agg(gross_12m=("_rev", "sum"), active_prev12=("_prev", "any"), active_last12=("_last", "any")).reset_index()
    frame["gross_12m"] = frame["gross_12m"] * margin_rate
    frame = frame.rename(columns={"vin": "account_id"})
    out = lifetime_value(frame, by="store_id", discount=discount)
    return out[cols]


def example_base(*, seed: int = 9, satisfaction: dict[str, float] | None = None, vehicles: int = 240,
                 end: str = "2026-10", months: int = 24) -> Dataset:  # noqa: F821
    """A small synthetic 24-month service base for teaching 回厂率 (the bundled demo covers 12 months only).

    Each store sells ``vehicles`` cars spread over the months before and during the window; a car comes for 保养 about
    every 6 months (±1), the first time with the store's probability ``satisfaction`` (satisfied with the sale and
    delivery). After each visit the owner is satisfied with the store's probability (``satisfaction``);
    a satisfied owner stays with probability 0.9, a dissatisfied one with 0.55 — an assumption of this simulation,
    stated so that the notebook can show how satisfaction drives the return rate, not evidence of it.

    Parameters
    ----------
    seed : int
        Random seed (same seed → same tables).
    satisfaction : dict of str to float, optional
        Store id → share of satisfied visits (default ``{"S01": 0.9, "S02": 0.75, "S03": 0.6}``).
    vehicles : int
        Cars sold per store.
    end : str
        Last month ``YYYY-MM``.
    months : int
        Months of service orders ending with ``end`` (sales start 12 months earlier).

    Returns
    -------
    Dataset
        ``stores``, ``sales`` (with vin) and ``service_orders`` (with vin; 保养 orders).
    """
    satisfaction = dict(satisfaction or {"S01": 0.9, "S02": 0.75, "S03": 0.6})
    rng = np.random.default_rng(seed)
    last = pd.Period(end, freq="M")
    first = last - (months - 1)
    start = (first - 12).to_timestamp()
    stop = (last + 1).to_timestamp()
    span = (stop - start).days
    sales, orders = [], []
    for k, (store, sat) in enumerate(satisfaction.items()):
        for i in range(vehicles):
            vin = f"LSV{k:01d}{i:05d}{rng.integers(10**8):08d}"
            sold = start + pd.Timedelta(days=int(rng.integers(span - 30)))
            sales.append((f"{store}-S{i:05d}", store, sold, vin))
            visit = sold
            if rng.random() >= sat:  # never comes for the first service
                continue
            while True:
                visit = visit + pd.Timedelta(days=int(rng.integers(150, 215)))
                if visit >= stop:
                    break
                if visit >= first.to_timestamp():
                    orders.append((store, visit, vin, float(rng.integers(4, 12) * 100)))
                stay = 0.9 if rng.random() < sat else 0.55
                if rng.random() >= stay:
                    break
    s = pd.DataFrame(sales, columns=["sale_id", "store_id", "invoice_date", "vin"])
    s = s.assign(channel=_DEMO_VALUES["channel"], model=_DEMO_VALUES["model"], price=100_000.0)
    o = pd.DataFrame(orders, columns=["store_id", "open_date", "vin", "revenue"]).sort_values("open_date")
    o.insert(0, "ro_id", [f"RO{i:06d}" for i in range(len(o))])
    o["ro_type"] = MAINTENANCE
    stores = pd.DataFrame({"store_id": list(satisfaction), "store_name": [_DEMO_VALUES["store_name"].format(s) for s in satisfaction]})
    return Dataset.from_frames({"stores": stores, "sales": s, "service_orders": o.reset_index(drop=True)})


def _cohort_inputs(ds: Dataset) -> tuple[pd.DataFrame | None, pd.DataFrame | None, bool]:
    """(:func:`_orders`, :func:`_sold`, whether any sold vin was serviced) of the whole data: what every store's
    :func:`first_service_cohorts` starts from (callers never change them)."""
    orders, sold = _orders(ds), _sold(ds)
    return orders, sold, bool(orders is not None and sold is not None and _linked(orders, sold))


def first_service_cohorts(ds: Dataset, *, period: str, store_id: str) -> pd.DataFrame:
    """首保回厂率 by invoice month: the cohort of :func:`retention_figures`' ``first_service_rate`` split by the month the
    cars were invoiced (M−12..M−6), for a chart and for finding which deliveries did not come back.

    Parameters
    ----------
    ds : Dataset
        The client data (sales with vin; service_orders with vin).
    period : str
        M, ``YYYY-MM``.
    store_id : str
        The store.

    Returns
    -------
    DataFrame
        ``invoice_month, sold, returned, rate`` — one row per month M−12..M−6 (``sold`` 0 and ``rate`` NaN for a month
        without sales); the sums of ``returned`` and ``sold`` are the numerator and denominator of
        ``first_service_rate``. Empty when the rate is not available (see its reason).
    """
    cols = ["invoice_month", "sold", "returned", "rate"]
    period = _long.period_list(period, required=True)[0]
    orders, sold, linked = _batch.once(_cohort_inputs, ds)  # the group's tables: once per batch of reports
    if not linked:
        return pd.DataFrame(columns=cols)
    end = pd.Period(period, freq="M")
    months = pd.period_range(end - 12, end - 6, freq="M")
    cohort = sold[(sold["store_id"] == store_id)
                  & sold["invoice_date"].dt.to_period("M").between(end - 12, end - 6)].drop_duplicates("vin")
    until = (end + 1).to_timestamp()
    o = orders[(orders["store_id"] == store_id) & (orders["ro_type"] == MAINTENANCE) & (orders["open_date"] < until)]
    m = cohort.merge(o[["vin", "open_date"]], on="vin", how="left")
    hit = (m["open_date"] >= m["invoice_date"]) & (m["open_date"] <= m["invoice_date"] + pd.DateOffset(months=9))
    back = set(m.loc[hit, "vin"])
    cohort = cohort.assign(invoice_month=cohort["invoice_date"].dt.to_period("M"), back=cohort["vin"].isin(back))
    g = cohort.groupby("invoice_month")["back"].agg(["size", "sum"]).reindex(months, fill_value=0)
    out = pd.DataFrame({"invoice_month": [str(p) for p in months], "sold": g["size"].astype("int64").to_numpy(),
                        "returned": g["sum"].astype("int64").to_numpy()})
    out["rate"] = np.where(out["sold"] > 0, out["returned"] / out["sold"].where(out["sold"] > 0), np.nan)
    return out[cols]


def service_revenue_per_vehicle(ds: Dataset, *, period: str, store_id: str) -> float:
    """A serviced vehicle's service revenue a year at the store: the revenue of its orders in the 12 months ending
    with M ÷ the distinct vin serviced in those months (every order type and payer).

    Parameters
    ----------
    ds : Dataset
        The client data (service_orders with vin and revenue).
    period : str
        M, ``YYYY-MM``.
    store_id : str
        The store.

    Returns
    -------
    float
        Yuan a vehicle a year; NaN when the store has no order with a vin in those months.
    """
    period = _long.period_list(period, required=True)[0]
    if not ds.has("service_orders"):
        return float("nan")
    so = ds["service_orders"]
    if "vin" not in so.columns:
        return float("nan")
    end = pd.Period(period, freq="M")
    month = pd.to_datetime(so["open_date"]).dt.to_period("M")
    sel = (so["store_id"].astype(str) == store_id) & so["vin"].notna() & (month <= end) & (month >= end - 11)
    n = so.loc[sel, "vin"].astype(str).str.strip().nunique()
    if not n:
        return float("nan")
    return float(pd.to_numeric(so.loc[sel, "revenue"], errors="coerce").fillna(0).sum() / n)


# ---------------------------------------------------------------------------------------------------------------------
# 客户细分 (seed 003: 外在属性 组织归属; 消费行为 最近消费、消费频率、消费额)

#: segment id → (zh, en), in display order (from messages/retention.toml)
SEGMENTS = _MSG.pairs("segment", ("vip", "active", "warning", "lapsed"))


def segment_of(*, months_since: int, visits_12m: int, revenue_12m: float, warn_months: int = 6,
               lapsed_months: int = 12, vip_visits: int = 3, vip_revenue: float = 5000.0) -> str:
    """The segment of one vehicle from its recency, frequency and spend (the rule of :func:`segments`).

    Parameters
    ----------
    months_since : int
        Months from its last order's month to M (0 = came in M).
    visits_12m : int
        Its orders in M−11..M.
    revenue_12m : float
        Its service revenue in M−11..M.
    warn_months : int
        From this many months of absence it is 流失预警.
    lapsed_months : int
        From this many months of absence it is 已流失.
    vip_visits : int
        An active vehicle with at least this many visits in 12 months is 高价值 …
    vip_revenue : float
        … or with at least this revenue in 12 months.

    Returns
    -------
    str
        A key of :data:`SEGMENTS`.
    """
    if months_since >= lapsed_months:
        return "lapsed"
    if months_since >= warn_months:
        return "warning"
    if visits_12m >= vip_visits or revenue_12m >= vip_revenue:
        return "vip"
    return "active"


def segments(ds: Dataset, *, period: str, stores: Iterable[str] | None = None, warn_months: int = 6, lapsed_months: int = 12,
             vip_visits: int = 3, vip_revenue: float = 5000.0, show_pii: bool = False) -> pd.DataFrame:
    """客户细分: every vehicle of the 24-month service base with its recency, frequency and spend, its owner type and
    its segment (:func:`segment_of`) — the course's 消费行为 (最近消费、消费频率、消费额) and 组织归属 (企业/个人).

    Parameters
    ----------
    ds : Dataset
        The client data (service_orders with vin and revenue; account_id marks a company car).
    period : str
        M, ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids; default every store.
    warn_months, lapsed_months, vip_visits : int
        The thresholds of :func:`segment_of`.
    vip_revenue : float
        The spend threshold of :func:`segment_of`.
    show_pii : bool
        Show vin in full (default: masked, last 6 characters kept).

    Returns
    -------
    DataFrame
        ``store_id, vin, last_open_date, months_since, visits_12m, revenue_12m, owner, segment, segment_name`` (owner
        企业 when any order of the vehicle names an account, else 个人); sorted by store, segment order, vin.
    """
    cols = ["store_id", "vin", "last_open_date", "months_since", "visits_12m", "revenue_12m", "owner", "segment",
            "segment_name"]
    period = _long.period_list(period, required=True)[0]
    orders = _orders(ds)
    if orders is None:
        return pd.DataFrame(columns=cols)
    stores = _long.stores_of(ds, stores, ["service_orders"])
    end = pd.Period(period, freq="M")
    so = ds["service_orders"]
    keep = so["vin"].notna() & so["open_date"].notna()
    o = orders.assign(revenue=pd.to_numeric(so.loc[keep, "revenue"], errors="coerce").fillna(0).to_numpy()
                      if "revenue" in so.columns else 0.0)
    o = o[o["store_id"].isin(stores) & (o["month"] <= end) & (o["month"] >= end - 23)]
    recent = o["month"] >= end - 11
    o = o.assign(_v=recent.astype(int), _r=np.where(recent, o["revenue"], 0.0),
                 _a=o["account_id"].notna())
    g = o.groupby(["store_id", "vin"], sort=False).agg(last_open_date=("open_date", "max"), visits_12m=("_v", "sum"),
                                                       revenue_12m=("_r", "sum"), _a=("_a", "any")).reset_index()
    g["months_since"] = [(end - d.to_period("M")).n for d in g["last_open_date"]]
    g["owner"] = np.where(g["_a"], _MSG.text("owner_company"), _MSG.text("owner_person"))
    g["segment"] = [segment_of(months_since=m, visits_12m=v, revenue_12m=r, warn_months=warn_months,
                               lapsed_months=lapsed_months, vip_visits=vip_visits, vip_revenue=vip_revenue)
                    for m, v, r in zip(g["months_since"], g["visits_12m"], g["revenue_12m"])]
    g["segment_name"] = g["segment"].map(lambda s: SEGMENTS[s][0])
    order = {k: i for i, k in enumerate(SEGMENTS)}
    g = g.assign(_o=g["segment"].map(order)).sort_values(["store_id", "_o", "vin"], kind="stable")
    if not show_pii:
        g["vin"] = g["vin"].map(mask_vin)
    g["visits_12m"] = g["visits_12m"].astype("int64")
    return g[cols].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------------------
# 老推新 and 积分 (seed 004: 老推新奖励或积分机制、消费积分换精品)

#: the point rules of :func:`points_ledger` (a store's own rules replace them; the seed only names the mechanisms)
POINT_RULES = {"points_per_yuan": 0.1, "referral_points": 3000, "yuan_per_point": 0.1}
#: event kinds of the ledger (the words the input's kind column holds: spend, referral, redemption)
POINT_KINDS = ("消费", "老推新", "兑换")
_SPEND, _REFERRAL, _REDEEM = range(3)


def points_ledger(events: pd.DataFrame, *, points_per_yuan: float = 0.1, referral_points: float = 3000,
                  yuan_per_point: float = 0.1) -> pd.DataFrame:
    """A customer points ledger: 消费 earns points on the amount spent, a 老推新 (a referred friend bought a car) earns
    a fixed bonus, 兑换 spends points on 精品 or care products — refused when the balance is short.

    Parameters
    ----------
    events : DataFrame
        ``customer, date, kind, amount`` — kind 消费 (amount = yuan spent), 老推新 (amount ignored) or 兑换 (amount =
        points redeemed).
    points_per_yuan : float
        Points earned per yuan spent (default 0.1: 1 point per 10 yuan).
    referral_points : float
        Points for a referral that bought.
    yuan_per_point : float
        What a redeemed point costs the store (default 0.1 yuan).

    Returns
    -------
    DataFrame
        ``customer, date, kind, amount, points, balance, cost, note`` in date order (ties: input order): ``points``
        signed, ``balance`` the customer's running balance, ``cost`` the store's cost of a redemption (points ×
        ``yuan_per_point``), ``note`` 余额不足 for a refused redemption (points 0).
    """
    need = {"customer", "date", "kind", "amount"}
    if missing := need - set(events.columns):
        raise ParameterError(*_MSG.both("points_missing_columns", missing_zh=_MSG.text("list_sep").join(sorted(missing)), missing=sorted(missing)))
    bad = sorted(set(events["kind"]) - set(POINT_KINDS))
    if bad:
        raise ParameterError(*_MSG.both("unknown_point_kinds", kinds_zh=_MSG.text("list_sep").join(POINT_KINDS), bad_zh=_MSG.text("list_sep").join(map(str, bad)), kinds=POINT_KINDS, bad=bad))
    ev = events.assign(_i=range(len(events)), date=pd.to_datetime(events["date"])).sort_values(["date", "_i"],
                                                                                                 kind="stable")
    balance: dict = {}
    rows = []
    for r in ev.itertuples(index=False):
        have = balance.get(r.customer, 0.0)
        amount = float(r.amount) if pd.notna(r.amount) else 0.0
        note, cost = "", 0.0
        if r.kind == POINT_KINDS[_SPEND]:
            pts = float(np.floor(amount * points_per_yuan))
        elif r.kind == POINT_KINDS[_REFERRAL]:
            pts = float(referral_points)
        elif amount > have:
            pts, note = 0.0, _MSG.text("no_balance")
        else:
            pts, cost = -amount, amount * yuan_per_point
        balance[r.customer] = have + pts
        rows.append((r.customer, r.date, r.kind, amount, pts, have + pts, cost, note))
    return pd.DataFrame(rows, columns=["customer", "date", "kind", "amount", "points", "balance", "cost", "note"])


def referral_leads(ds: Dataset, *, periods: Iterable[str], stores: Iterable[str] | None = None) -> pd.DataFrame:
    """老推新 in the funnel: the leads of channel 转介绍 (a customer's referral) and 基盘客户 (the store's own base), their
    share of the new leads and their close rate beside every lead's.

    Parameters
    ----------
    ds : Dataset
        The client data (leads with channel, created_date, status).
    periods : iterable of str
        The months (``YYYY-MM``) whose new leads (created_date) are counted.
    stores : iterable of str, optional
        Store ids; default every store.

    Returns
    -------
    DataFrame
        ``store_id, leads, referral, referral_share, referral_won, referral_close_rate, base, base_share,
        close_rate`` — close rate = 成交 ÷ leads (leads still 跟进中 count in the denominator).
    """
    periods = _long.period_list(periods)
    stores = _long.stores_of(ds, stores, ["leads"])
    cols = ["store_id", "leads", "referral", "referral_share", "referral_won", "referral_close_rate", "base",
            "base_share", "close_rate"]
    if not ds.has("leads"):
        return pd.DataFrame(columns=cols)
    ld = ds["leads"]
    month = _long.month(ld["created_date"])
    ld = ld[month.isin(periods) & ld["store_id"].astype(str).isin(stores)]
    rows = []
    for sid in stores:
        x = ld[ld["store_id"].astype(str) == sid]
        ref = x[x["channel"] == _LEAD_VALUES["referral"]]
        won = int((ref["status"] == _LEAD_VALUES["won"]).sum())
        n = len(x)
        base = int((x["channel"] == _LEAD_VALUES["base"]).sum())
        rows.append((sid, n, len(ref), len(ref) / n if n else np.nan, won, won / len(ref) if len(ref) else np.nan,
                     base, base / n if n else np.nan, float((x["status"] == _LEAD_VALUES["won"]).sum()) / n if n else np.nan))
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------------------------------------------------
# ★ 续保率 (practitioner; the data contract has no insurance table: the store's own policy list is the input)

def renewal_rate(policies: pd.DataFrame, *, periods: Iterable[str]) -> pd.DataFrame:
    """★ 续保率: of the insurance policies of the store's customers expiring in a month, the share renewed through the
    store (its insurance agency desk) — the store's own policy list is the input (the data contract has no insurance
    table).

    Parameters
    ----------
    policies : DataFrame
        ``store_id, vin, expiry_date, renewed`` — ``renewed`` True when renewed through the store (by the expiry date
        or after it: the month of the expiry counts).
    periods : iterable of str
        Months ``YYYY-MM`` (by expiry date).

    Returns
    -------
    DataFrame
        ``store_id, period, expiring, renewed, rate`` (rate NaN when nothing expires).
    """
    need = {"store_id", "vin", "expiry_date", "renewed"}
    if missing := need - set(policies.columns):
        raise ParameterError(*_MSG.both("policies_missing_columns", missing_zh=_MSG.text("list_sep").join(sorted(missing)), missing=sorted(missing)))
    periods = _long.period_list(periods)
    p = policies.assign(period=pd.to_datetime(policies["expiry_date"]).dt.to_period("M").astype(str),
                        renewed=policies["renewed"].astype(bool))
    rows = []
    for sid in sorted(p["store_id"].astype(str).unique()):
        for per in periods:
            x = p[(p["store_id"].astype(str) == sid) & (p["period"] == per)]
            n, r = len(x), int(x["renewed"].sum())
            rows.append((sid, per, n, r, r / n if n else np.nan))
    return pd.DataFrame(rows, columns=["store_id", "period", "expiring", "renewed", "rate"])
