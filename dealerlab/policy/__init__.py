"""Course module 8 — 商务政策、返利与库存 (docs/DOMAIN.md §12): OEM rebates, the VP cliff, stock and its capital.

* :mod:`dealerlab.policy.rebates` — the tier engine (rebate per item, the VP ladder, break-even discount);
* :mod:`dealerlab.policy.stock` — stock at a month end, age buckets, depth against the standard stock, capital,
  CALL车准确率, 30-day sell-through, slow movers, marketing cost per unit, next month's CALL车 quantities;
* here — the figures per store × month on a :class:`~dealerlab.data.dataset.Dataset` (:func:`policy_figures`,
  :func:`rebate_table`, :func:`cliff`) and the long format of :mod:`dealerlab.metrics` (:func:`long_metrics`).

Every table this module reads is optional in the data contract: a figure whose table (or value) is missing is NaN
with a Chinese reason, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab import _batch, _long, csi, funnel, metrics
from dealerlab._long import month
from dealerlab.calendar import check_period
from dealerlab.i18n import Catalogue
from dealerlab.pdca import aftersales
from dealerlab.policy.rebates import _tiers, rebate, resolve_policy, tier_reached, vp_ladder
from dealerlab.policy.stock import (
    AGE_BUCKETS,
    STANDARD_DAYS,
    call_off_accuracy,
    call_off_plan,
    marketing_cost_per_unit,
    sell_through_30d,
    slow_movers,
    stock_by_model,
    stock_figures,
    stock_units_at,
)

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "POLICY_METRICS",
    "REBATE_ITEMS",
    "long_metrics",
    "policy_figures",
    "rebate_table",
    "cliff",
    "rebate_curve",
    "gross_per_unit_parts",
    "stock_by_model",
    "stock_units_at",
    "slow_movers",
    "call_off_plan",
    "STANDARD_DAYS",
]

#: the policy items (the values of ``oem_policy.item``), each with its metric id ``rebate.<item>`` in the registry
REBATE_ITEMS = metrics.variants("rebate")

#: the metric ids of this family, in registry order
POLICY_METRICS = (
    "stock_units",
    *[b[0] for b in AGE_BUCKETS],
    "stock_days",
    "standard_stock",
    "stock_over_standard",
    "stock_capital",
    "stock_capital_cost_month",
    "call_off_accuracy",
    "sell_through_30d",
    "marketing_cost_per_unit",
    *[f"rebate.{i}" for i in REBATE_ITEMS],
    "rebate_total",
    "gross_per_unit_incl_rebates",
    "vp_next_tier_units",
    "vp_next_tier_gain",
    "vp_breakeven_discount",
)

VP_ITEM = "VP达成奖"
#: an item's name in oem_policy ends with 奖 where oem_scores names it without (暗访奖 ↔ 暗访)
_PRIZE = "奖"
_SCORE = "score"

#: the reasons of a figure not available (Chinese, as every reason of the long format)
_MSG = Catalogue.load("policy")


def _no(table: str) -> str:
    """The reason of a figure whose table ``table`` is missing."""
    return _MSG.get(f"no_table.{table}")


def _month_sales(ds: Dataset, stores, periods) -> pd.DataFrame:
    """S, Σ vehicle gross, Σ add-on gross per store × month (zeros where nothing sold)."""
    idx = pd.MultiIndex.from_product([stores, periods], names=["store_id", "period"])
    out = pd.DataFrame(index=idx, data={"S": 0.0, "vehicle_gross": 0.0, "addon_gross": 0.0})
    if not ds.has("sales"):
        return out.assign(S=np.nan, vehicle_gross=np.nan, addon_gross=np.nan).reset_index()
    s = ds["sales"]
    s = s[s["store_id"].isin(stores)].assign(period=lambda d: month(d["invoice_date"]))
    s = s[s["period"].isin(periods)]
    g = s.groupby(["store_id", "period"]).agg(S=("sale_id", "size"), vehicle_gross=("gross_profit", lambda x: x.fillna(0).sum()))
    out.loc[g.index, ["S", "vehicle_gross"]] = g[["S", "vehicle_gross"]].astype(float).to_numpy()
    if ds.has("addons") and len(s):
        a = ds["addons"].merge(s[["sale_id", "period"]], on="sale_id")
        ga = a.groupby(["store_id", "period"])["gross_profit"].apply(lambda x: x.fillna(0).sum())
        out.loc[ga.index, "addon_gross"] = ga.astype(float).to_numpy()
    return out.reset_index()


def _basis_values(ds: Dataset, policy_rows: pd.DataFrame, stores, periods) -> dict[tuple[str, str, str], float]:
    """(store, period, basis key) → the basis value; basis key = metric id, or ``score:<item>`` for OEM scores."""
    out: dict[tuple[str, str, str], float] = {}
    bases = set(policy_rows["basis"].dropna().astype(str)) if len(policy_rows) else set()
    # a basis of this family (e.g. call_off_accuracy) would recurse into this module: not available as a basis
    ids = [b for b in bases if b != _SCORE and b in metrics.METRICS and metrics.METRICS[b].family != "policy"]
    if "vp_achievement" in ids:
        # S ÷ market.volume_plan, as the funnel family defines it (computed here: the whole funnel is not needed)
        ids.remove("vp_achievement")
        ms = _month_sales(ds, stores, periods)
        plan = pd.Series(dtype=float)
        if ds.has("market"):
            m = ds["market"]
            plan = m.set_index(["store_id", "period"])["volume_plan"].astype(float)
            plan = plan[~plan.index.duplicated()]
        for r in ms.itertuples(index=False):
            vp = float(plan.get((r.store_id, r.period), np.nan)) if len(plan) else np.nan
            out[(r.store_id, r.period, "vp_achievement")] = r.S / vp if vp > 0 else np.nan
    # the other bases from their family's function (not through dealerlab.figures, which lists this module)
    family_of = {"funnel": funnel.long_metrics, "aftersales": aftersales.long_metrics, "csi": csi.long_metrics}
    for family in dict.fromkeys(metrics.METRICS[b].family for b in ids):
        if family not in family_of:
            continue
        m = family_of[family](ds, periods=periods, stores=stores)
        m = m[m["metric"].isin(ids)]
        for r in m.itertuples(index=False):
            out[(r.store_id, r.period, r.metric)] = float(r.value) if pd.notna(r.value) else np.nan
    if _SCORE in bases and ds.has("oem_scores"):
        sc = ds["oem_scores"]
        for r in sc[sc["store_id"].isin(stores) & sc["period"].isin(periods)].itertuples(index=False):
            out[(r.store_id, r.period, f"score:{r.item}")] = float(r.score)
    return out


def _basis_key(item: str, basis: str) -> str:
    return f"score:{item[:-1] if item.endswith(_PRIZE) else item}" if basis == _SCORE else basis


def rebate_table(ds: Dataset, *, periods: Iterable[str], stores: Iterable[str] | None = None) -> pd.DataFrame:
    """Each policy item's tier and rebate per store × month.

    Parameters
    ----------
    ds : Dataset
        The client data (oem_policy; sales; market, surveys or oem_scores for the bases).
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids; default every store.

    Returns
    -------
    DataFrame
        ``store_id, period, item, basis, basis_value, units, tier_threshold, amount_per_unit, lump_sum, rebate,
        next_threshold, next_amount_per_unit, next_lump_sum, reason`` — one row per item the store's policy has in
        the month. ``tier_threshold`` is NaN below the lowest tier (rebate 0); ``rebate`` is NaN when the basis value
        is not available (reason says why).
    """
    stores, periods = _long.stores_of(ds, stores, ()), _long.period_list(periods)
    cols = ["store_id", "period", "item", "basis", "basis_value", "units", "tier_threshold", "amount_per_unit",
            "lump_sum", "rebate", "next_threshold", "next_amount_per_unit", "next_lump_sum", "reason"]
    if not ds.has("oem_policy"):
        return pd.DataFrame(columns=cols)
    return _rebate_table(ds, stores, periods, _policies(ds, stores, periods))


def _policies(ds: Dataset, stores, periods) -> dict[tuple[str, str], pd.DataFrame]:
    """(store, period) → the resolved policy rows (one resolution per distinct store × month)."""
    policy = ds["oem_policy"]
    return {(sid, p): resolve_policy(policy, store_id=sid, period=p) for sid in stores for p in periods}


def _rebate_table(ds: Dataset, stores, periods, pols) -> pd.DataFrame:
    cols = ["store_id", "period", "item", "basis", "basis_value", "units", "tier_threshold", "amount_per_unit",
            "lump_sum", "rebate", "next_threshold", "next_amount_per_unit", "next_lump_sum", "reason"]
    policy = ds["oem_policy"]
    sales = _month_sales(ds, stores, periods).set_index(["store_id", "period"])
    values = _basis_values(ds, policy, stores, periods)
    rows = []
    for sid in stores:
        for p in periods:
            pol = pols[(sid, p)]
            units = float(sales.loc[(sid, p), "S"])
            items = pol["item"].to_numpy(dtype=object)
            bases = pol["basis"].to_numpy(dtype=object)
            arr = pol[["threshold", "amount_per_unit", "lump_sum"]].to_numpy(dtype="float64")
            for item in dict.fromkeys(items):
                sel = items == item
                basis = str(bases[sel][0])
                tiers = arr[sel]
                v = values.get((sid, p, _basis_key(item, basis)), np.nan)
                i = tier_reached(tiers, v)
                reason = ""
                if np.isnan(v):
                    reason = _MSG.get("no_score") if basis == _SCORE else _MSG.get("no_basis", basis=basis)
                elif np.isnan(units):
                    reason = _no("sales")
                cur = tiers[i] if i is not None else (np.nan, 0.0, 0.0)
                j = 0 if i is None else i + 1
                nxt = tiers[j] if j < len(tiers) and not np.isnan(v) else (np.nan, np.nan, np.nan)
                rows.append((sid, p, item, basis, v, units, *cur,
                             rebate(tiers, v, units) if not np.isnan(units) else np.nan, *nxt, reason))
    return pd.DataFrame(rows, columns=cols)


def cliff(ds: Dataset, *, store: str, period: str, rebates: pd.DataFrame | None = None,
          policy_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The VP ladder of one store and month: every VP tier, the units it needs from today, its gain, break-even discount.

    Parameters
    ----------
    ds : Dataset
        The client data (oem_policy, sales, addons, market; the other items' bases).
    store : str
        Store id.
    period : str
        Month ``YYYY-MM``.
    rebates : DataFrame, optional
        :func:`rebate_table` of the store and month when already computed (else computed here).
    policy_rows : DataFrame, optional
        :func:`~dealerlab.policy.rebates.resolve_policy` of the store and month when already resolved.

    Returns
    -------
    DataFrame
        :func:`dealerlab.policy.rebates.vp_ladder`'s table plus ``store_id, period, volume_plan, sold,
        gross_per_unit`` (empty when the store's policy has no VP item or the data lacks the VP).
    """
    period = check_period(period)
    if not ds.has("oem_policy") or not ds.has("market") or not ds.has("sales"):
        return pd.DataFrame()
    if rebates is None:
        rebates = rebate_table(ds, periods=[period], stores=[store])
    return _cliff(ds, store, period, rebates, pol=policy_rows)


def _month_sales_of(ds: Dataset, *, stores, periods) -> pd.DataFrame:
    """:func:`_month_sales` in the form :func:`dealerlab._batch.across_stores` shares (each store's rows its own)."""
    return _month_sales(ds, list(stores), list(periods))


def _cliff(ds: Dataset, store: str, period: str, rt: pd.DataFrame, pol: pd.DataFrame | None = None, ms=None) -> pd.DataFrame:
    if not ds.has("oem_policy") or not ds.has("market") or not ds.has("sales"):
        return pd.DataFrame()
    if pol is None:
        pol = resolve_policy(ds["oem_policy"], store_id=store, period=period)
    vp = pol[pol["item"] == VP_ITEM]
    m = ds["market"]
    hit = m[(m["store_id"] == store) & (m["period"] == period)]
    if not len(vp) or not len(hit) or pd.isna(hit["volume_plan"].iloc[0]) or hit["volume_plan"].iloc[0] <= 0:
        return pd.DataFrame()
    plan = float(hit["volume_plan"].iloc[0])
    if ms is None:  # in a batch of store reports computed once for every store (dealerlab._batch)
        ms = _batch.across_stores(_month_sales_of, ds, stores=[store], periods=[period]).iloc[0]
    sold = int(ms["S"])
    gpu = (ms["vehicle_gross"] + ms["addon_gross"]) / sold if sold else np.nan
    rt = rt[(rt["store_id"] == store) & (rt["period"] == period)]
    others = []
    for item, g in pol[pol["item"] != VP_ITEM].groupby("item", sort=False):
        v = rt.loc[rt["item"] == item, "basis_value"]
        others.append((item, g[["threshold", "amount_per_unit", "lump_sum"]].reset_index(drop=True),
                       float(v.iloc[0]) if len(v) else np.nan))
    lad = vp_ladder(vp[["threshold", "amount_per_unit", "lump_sum"]].reset_index(drop=True), volume_plan=plan, sold=sold,
                    others=[o for o in others if not np.isnan(o[2])], gross_per_unit=gpu)
    lad.insert(0, "store_id", store)
    lad.insert(1, "period", period)
    lad["volume_plan"] = plan
    lad["sold"] = sold
    lad["gross_per_unit"] = gpu
    return lad


def rebate_curve(ds: Dataset, *, store: str, period: str, below: int = 8, above: int = 8,
                 ladder: pd.DataFrame | None = None, rebates: pd.DataFrame | None = None,
                 policy_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The month's total rebate if it ended at each unit count around today's: the ladder as a step curve.

    Every item as in :func:`cliff`: the VP item at the tier the units reach, the others at the tier their own basis
    reaches now (per-unit amounts × the units).

    Parameters
    ----------
    ds : Dataset
        The client data.
    store : str
        Store id.
    period : str
        Month ``YYYY-MM``.
    below : int
        Units below the lowest VP tier's unit count to start from.
    above : int
        Units above the highest VP tier's unit count to end at.
    ladder : DataFrame, optional
        :func:`cliff` of the store and month when already computed (else computed here).
    rebates : DataFrame, optional
        :func:`rebate_table` of the store and month when already computed (else computed here).
    policy_rows : DataFrame, optional
        :func:`~dealerlab.policy.rebates.resolve_policy` of the store and month when already resolved.

    Returns
    -------
    DataFrame
        ``units, vp_achievement, rebate_vp, rebate_total, is_now`` (empty when :func:`cliff` is).
    """
    period = check_period(period)
    if rebates is None and ladder is None and ds.has("oem_policy") and ds.has("market") and ds.has("sales"):
        rebates = rebate_table(ds, periods=[period], stores=[store])
    lad = ladder if ladder is not None else cliff(ds, store=store, period=period, rebates=rebates)
    if not len(lad):
        return pd.DataFrame(columns=["units", "vp_achievement", "rebate_vp", "rebate_total", "is_now"])
    plan, sold = float(lad["volume_plan"].iloc[0]), int(lad["sold"].iloc[0])
    pol = resolve_policy(ds["oem_policy"], store_id=store, period=period) if policy_rows is None else policy_rows
    # each item's tiers as the rebate engine's sorted array, once (not at each unit count of the curve)
    vp = _tiers(pol[pol["item"] == VP_ITEM][["threshold", "amount_per_unit", "lump_sum"]].reset_index(drop=True))
    rt = rebates if rebates is not None else rebate_table(ds, periods=[period], stores=[store])
    rt = rt[(rt["store_id"] == store) & (rt["period"] == period)]
    others = []
    for item, g in pol[pol["item"] != VP_ITEM].groupby("item", sort=False):
        v = rt.loc[rt["item"] == item, "basis_value"]
        if len(v) and pd.notna(v.iloc[0]):
            others.append((_tiers(g[["threshold", "amount_per_unit", "lump_sum"]].reset_index(drop=True)), float(v.iloc[0])))
    lo = max(0, min(int(lad["units_at_tier"].min()), sold) - below)
    hi = max(int(lad["units_at_tier"].max()), sold) + above
    rows = []
    for u in range(lo, hi + 1):
        r_vp = rebate(vp, u / plan, u)
        rows.append((u, u / plan, r_vp, r_vp + sum(rebate(t, v, u) for t, v in others), u == sold))
    return pd.DataFrame(rows, columns=["units", "vp_achievement", "rebate_vp", "rebate_total", "is_now"])


def gross_per_unit_parts(ds: Dataset, *, periods: Iterable[str], stores: Iterable[str] | None = None) -> pd.DataFrame:
    """综合单车毛利 in its parts per store × month: vehicle gross, add-on gross and rebates, each per unit sold.

    Parameters
    ----------
    ds : Dataset
        The client data.
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids; default every store.

    Returns
    -------
    DataFrame
        ``store_id, period, units, vehicle, addon, rebate, total`` (元 per unit; ``rebate`` and ``total`` NaN when the
        rebates are not available — the figure ``gross_per_unit_incl_rebates`` is ``total``).
    """
    stores, periods = _long.stores_of(ds, stores, ()), _long.period_list(periods)
    ms = _month_sales(ds, stores, periods)
    wide = policy_figures(ds, periods=periods, stores=stores)
    units = ms["S"].where(ms["S"] > 0)
    out = ms[["store_id", "period"]].copy()
    out["units"] = ms["S"]
    out["vehicle"] = ms["vehicle_gross"] / units
    out["addon"] = ms["addon_gross"] / units
    out["rebate"] = wide["rebate_total"].to_numpy() / units
    out["total"] = wide["gross_per_unit_incl_rebates"].to_numpy()
    return out


def policy_figures(
    ds: Dataset,
    *,
    periods: Iterable[str],
    stores: Iterable[str] | None = None,
    standard_days: float = STANDARD_DAYS,
) -> pd.DataFrame:
    """Every §12 figure per store × month, wide, with one ``reason.<metric>`` column per figure.

    Parameters
    ----------
    ds : Dataset
        The client data.
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids; default every store.
    standard_days : float
        Days of sales the standard stock holds (default 45).

    Returns
    -------
    DataFrame
        ``store_id, period`` + one column per id of :data:`POLICY_METRICS` + ``reason.<id>`` (empty when available)
        + ``capital_cost_rate_is_default``.
    """
    stores, periods = _long.stores_of(ds, stores, ()), _long.period_list(periods)
    wide = _Wide(stores, periods)
    default_rate = _stock_stage(wide, ds, stores, periods, standard_days)
    _orders_and_marketing_stage(wide, ds, stores, periods)
    _rebate_stage(wide, ds, stores, periods)
    out = wide.frame()
    out["capital_cost_rate_is_default"] = default_rate
    return out


class _Wide:
    """The figures of :func:`policy_figures` being filled in: a value and a reason per metric × store-month row."""

    def __init__(self, stores: list[str], periods: list[str]) -> None:
        self.base = pd.MultiIndex.from_product([stores, periods], names=["store_id", "period"]).to_frame(index=False)
        self.n_rows = len(self.base)
        self.vals = {m: np.full(self.n_rows, np.nan) for m in POLICY_METRICS}
        self.why = {m: [""] * self.n_rows for m in POLICY_METRICS}
        self.key = {(r.store_id, r.period): i for i, r in enumerate(self.base.itertuples(index=False))}

    def put(self, metric, frame, col="value", reason_col="reason"):
        """The ``col`` of each row of ``frame`` (one per store × period) as ``metric``, with its reason when NaN."""
        vals, why = self.vals[metric], self.why[metric]
        for r in frame.itertuples(index=False):
            i = self.key.get((r.store_id, r.period))
            if i is None:
                continue
            v = getattr(r, col)
            vals[i] = v
            rs = getattr(r, reason_col) if reason_col else ""
            why[i] = rs if (pd.isna(v) and rs) else ("" if pd.notna(v) else why[i])

    def missing(self, metrics, reason):
        """``metrics`` not available on any row, for ``reason``."""
        for m in metrics:
            self.why[m] = [reason] * self.n_rows

    def frame(self) -> pd.DataFrame:
        out = self.base.copy()
        for m in POLICY_METRICS:
            out[m] = self.vals[m].astype(float)
        for m in POLICY_METRICS:
            out[f"reason.{m}"] = self.why[m]
        return out


def _stock_stage(wide: _Wide, ds: Dataset, stores, periods, standard_days) -> np.ndarray:
    """Stock, its age, days, standard, capital and sell-through; returns where the capital cost rate is the default."""
    stock_ids = ["stock_units", *[b[0] for b in AGE_BUCKETS], "stock_days", "standard_stock", "stock_over_standard",
                 "stock_capital", "stock_capital_cost_month"]
    default_rate = np.ones(wide.n_rows, dtype=bool)
    if not ds.has("inventory"):
        wide.missing(stock_ids + ["sell_through_30d"], _no("inventory"))
        return default_rate
    rates = None
    if ds.has("monthly_finance") and "capital_cost_rate" in ds["monthly_finance"]:
        rates = ds["monthly_finance"][["store_id", "period", "capital_cost_rate"]].dropna()
    sales = ds["sales"] if ds.has("sales") else None
    sf = stock_figures(ds["inventory"], sales, periods=periods, stores=stores, standard_days=standard_days,
                       capital_cost_rates=rates)
    for m in stock_ids:
        wide.put(m, sf.assign(reason=""), col=m, reason_col=None)
    for r in sf.itertuples(index=False):
        default_rate[wide.key[(r.store_id, r.period)]] = r.rate_is_default
    for m in ("stock_days", "standard_stock", "stock_over_standard"):
        for i in np.flatnonzero(np.isnan(wide.vals[m])):
            wide.why[m][i] = _no("sales") if sales is None else _MSG.get("no_recent_sales")
    wide.put("sell_through_30d", sell_through_30d(ds["inventory"], periods=periods, stores=stores))
    return default_rate


def _orders_and_marketing_stage(wide: _Wide, ds: Dataset, stores, periods) -> None:
    """CALL OFF accuracy and the marketing cost per unit."""
    if ds.has("oem_orders"):
        wide.put("call_off_accuracy", call_off_accuracy(ds["oem_orders"], periods=periods, stores=stores))
    else:
        wide.missing(["call_off_accuracy"], _no("oem_orders"))
    if ds.has("monthly_finance") and ds.has("sales"):
        wide.put("marketing_cost_per_unit",
                 marketing_cost_per_unit(ds["monthly_finance"], ds["sales"], periods=periods, stores=stores))
    else:
        wide.missing(["marketing_cost_per_unit"], _no("monthly_finance") if not ds.has("monthly_finance") else _no("sales"))


#: the VP cliff's figures (the next tier: units needed, what it gains, the discount it can pay for)
_CLIFF_IDS = ["vp_next_tier_units", "vp_next_tier_gain", "vp_breakeven_discount"]
_GPU_INCL = "gross_per_unit_incl_rebates"


def _rebate_stage(wide: _Wide, ds: Dataset, stores, periods) -> None:
    """Every rebate item, their total, the gross per unit with rebates and the VP cliff, row by row."""
    if not ds.has("oem_policy"):
        wide.missing([f"rebate.{i}" for i in REBATE_ITEMS] + ["rebate_total", _GPU_INCL] + _CLIFF_IDS,
                     _no("oem_policy"))
        return
    ms = _month_sales(ds, stores, periods)
    pols = _policies(ds, stores, periods)
    rt = _rebate_table(ds, stores, periods, pols)
    by_key = {k: g for k, g in rt.groupby(["store_id", "period"], sort=False)}
    empty = rt.iloc[0:0]
    for i, r in enumerate(wide.base.itertuples(index=False)):
        srow = ms.iloc[i]
        _rebates_of_row(wide, i, by_key.get((r.store_id, r.period), empty), srow)
        _cliff_of_row(wide, i, _cliff(ds, r.store_id, r.period, rt, pols[(r.store_id, r.period)], srow))


def _rebates_of_row(wide: _Wide, i: int, rows: pd.DataFrame, srow: pd.Series) -> None:
    """Row ``i``'s rebate items (``rows`` of the rebate table), their total and the gross per unit with rebates."""
    vals, why = wide.vals, wide.why
    have = set(rows["item"])
    for item in REBATE_ITEMS:
        m = f"rebate.{item}"
        if item in have:
            hit = rows[rows["item"] == item].iloc[0]
            vals[m][i] = hit["rebate"]
            why[m][i] = hit["reason"] if pd.isna(hit["rebate"]) else ""
        else:
            why[m][i] = _MSG.get("item_not_in_policy")
    if not len(rows):
        why["rebate_total"][i] = _MSG.get("no_items")
    elif rows["rebate"].isna().any():
        bad = rows.loc[rows["rebate"].isna(), "item"].tolist()
        why["rebate_total"][i] = _MSG.get("items_failed", items=_MSG.text("list_sep").join(bad))
    else:
        vals["rebate_total"][i] = float(rows["rebate"].sum())
    if pd.isna(vals["rebate_total"][i]):
        why[_GPU_INCL][i] = why["rebate_total"][i] or _MSG.get("total_failed")
    elif not srow["S"] > 0:
        why[_GPU_INCL][i] = _MSG.get("no_sales_month")
    else:
        vals[_GPU_INCL][i] = (srow["vehicle_gross"] + srow["addon_gross"] + vals["rebate_total"][i]) / srow["S"]


def _cliff_of_row(wide: _Wide, i: int, lad: pd.DataFrame) -> None:
    """Row ``i``'s VP cliff figures from its ladder ``lad`` (see :func:`cliff`)."""
    vals, why = wide.vals, wide.why
    if not len(lad):
        for m in _CLIFF_IDS:
            why[m][i] = _MSG.get("no_vp")
        return
    nxt = lad[lad["is_next"]]
    if not len(nxt):
        for m in _CLIFF_IDS:
            why[m][i] = _MSG.get("top_tier")
        return
    n = nxt.iloc[0]
    vals["vp_next_tier_units"][i] = n["units_needed"]
    vals["vp_next_tier_gain"][i] = n["gain"]
    vals["vp_breakeven_discount"][i] = n["breakeven_discount"]
    if pd.isna(n["breakeven_discount"]):
        why["vp_breakeven_discount"][i] = _MSG.get("no_sales_gpu")


def long_metrics(ds: Dataset, *, periods: Iterable[str], stores: Iterable[str] | None = None, by_staff: bool = False) -> pd.DataFrame:
    """The policy family in the long format of :mod:`dealerlab.metrics`.

    Every id of :data:`POLICY_METRICS` × store × period; a figure not available has NaN ``value`` and a Chinese
    ``reason`` (a missing table never raises). Store-level figures: with ``by_staff=True`` an empty ``staff_id``
    column comes first.

    Parameters
    ----------
    ds : Dataset
        The client data.
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids; default every store.
    by_staff : bool
        Add an empty ``staff_id`` column.

    Returns
    -------
    DataFrame
        ``store_id, period, metric, value, reason`` (``staff_id`` first when ``by_staff``).
    """
    wide = policy_figures(ds, periods=periods, stores=stores)
    frames = []
    for k, m in enumerate(POLICY_METRICS):
        f = wide[["store_id", "period"]].copy()
        f["metric"] = m
        f["value"] = wide[m].to_numpy()
        f["reason"] = wide[f"reason.{m}"].to_numpy()
        f["_k"] = k
        f["_r"] = np.arange(len(f))
        frames.append(f)
    out = pd.concat(frames, ignore_index=True).sort_values(["_r", "_k"], kind="stable")
    out["metric"] = out["metric"].astype("string")
    out["reason"] = out["reason"].fillna("").astype("string")
    out = out[["store_id", "period", "metric", "value", "reason"]].reset_index(drop=True)
    if by_staff:
        out.insert(0, "staff_id", pd.array([pd.NA] * len(out), dtype="string"))
    return out
