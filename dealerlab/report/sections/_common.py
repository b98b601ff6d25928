"""What several report sections share: masked display names and the
family view (cards of the month, trend table, one row per store for the group)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from dealerlab import _batch as batch
from dealerlab import metrics as registry
from dealerlab import pay
from dealerlab._long import month
from dealerlab.data.privacy import mask_name
from dealerlab.i18n import Catalogue
from dealerlab.report import html as H
from dealerlab.report.fmt import fmt, fmt_delta
from dealerlab.report.labels import col

_TXT = Catalogue.load("report/sections/_common")


def staff_names(ctx) -> dict:
    """staff_id → display name (masked unless show_pii)."""
    staff = ctx.ds["staff"]
    names = dict(zip(staff["staff_id"], staff["name"]))
    if not ctx.params.show_pii:
        names = {k: mask_name(v) for k, v in names.items()}
    return {k: _TXT.get("name_and_id", ctx.lang, name=v, id=k) for k, v in names.items()}


def family_cards(ctx, metric_ids: list[str]) -> str:
    """The month's figures as cards, each against its benchmark, with its month-on-month and same-month-last-year
    change and a sparkline of the trend window."""
    bench = ctx.benchmarks()
    cards = []
    for m in metric_ids:
        info = registry.METRICS[m]
        value, b = ctx.value(m), bench.get(m, math.nan)
        status = ""
        if not (math.isnan(value) or math.isnan(b)):
            status = "good" if (value >= b) == info.higher_is_better or value == b else "bad"
        mom, yoy = ctx.deltas(m)
        cards.append({"metric": m, "name": info.name(ctx.lang), "value": value, "unit": info.unit, "benchmark": b,
                      "status": status, "mom": mom, "yoy": yoy, "spark": ctx.series(m).tolist()})
    return H.kpi_cards(cards, lang=ctx.lang)


def trend_table(ctx, metric_ids: list[str]) -> str:
    """One row per metric, one column per month of the report's window (the report's store)."""
    m = ctx.metrics
    rows = m[(m["store_id"] == ctx.params.store_id) & m["metric"].isin(metric_ids)]
    wide = rows.pivot_table(index="metric", columns="period", values="value", aggfunc="first", sort=False)
    wide = wide.reindex([i for i in metric_ids if i in wide.index])
    out = []
    for mid, row in wide.iterrows():
        info = registry.METRICS[mid]
        out.append({_TXT.get("metric", ctx.lang): info.name(ctx.lang),
                    **{p: H.fmt_value(v, info.unit, ctx.lang) for p, v in row.items()}})
    return H.table(pd.DataFrame(out), lang=ctx.lang)


def store_table(ctx, metric_ids: list[str], *, trend: bool = False, totals: frozenset | set = frozenset()) -> str:
    """Group view: one row per store for the report month, then the group total (from the stores' summed
    components, not an average of rates), the group median and the benchmark. ``trend``: each figure with its
    month-on-month change and a 6-month sparkline. ``totals``: metric ids the group total adds up over the stores
    (units, money) where the group's figures do not compute them; other figures without a group value show —."""
    lang = ctx.lang
    m = ctx.metrics[(ctx.metrics["period"] == ctx.params.period) & ctx.metrics["metric"].isin(metric_ids)]
    wide = m.pivot_table(index="store_id", columns="metric", values="value", aggfunc="first")
    wide = wide.reindex(columns=[i for i in metric_ids if i in wide.columns])
    units = {k: registry.METRICS[k].unit for k in wide.columns}
    median = wide.median(numeric_only=True)
    group = ctx.group_metrics
    group = group[group["period"] == ctx.params.period].set_index("metric")["value"]
    summed = {k: float(wide[k].sum(min_count=1)) for k in wide.columns if k in totals and pd.isna(group.get(k, math.nan))}
    if summed:
        group = pd.concat([group[~group.index.isin(list(summed))], pd.Series(summed)])

    def cell(k, v, sid):
        if not trend:
            return v
        mom, _ = ctx.deltas(k, store_id=sid)
        d = fmt_delta(mom, units[k], lang, short=True, ref=v)
        spark = H.sparkline(ctx.series(k, store_id=sid).tolist(), width=42, height=14)
        delta = f'<span class="dl-cell-delta">{H.esc(d)}</span>' if d else ""
        return H.Html(f"{H.esc(fmt(v, units[k], lang, na='—'))}{delta}{spark}")

    rows = []
    for sid, row in wide.iterrows():
        store = _TXT.get("name_and_id", lang, name=ctx.ds.store_name(sid), id=sid)
        rows.append({"store": store, **{k: cell(k, v, sid) for k, v in row.items()}})
    if len(rows) > 1:
        rows.append({"store": col("group_total", lang), **{k: cell(k, group.get(k, math.nan), None) for k in wide.columns}})
    rows.append({"store": col("group_median", lang), **median.to_dict()})
    bench = ctx.benchmarks()
    rows.append({"store": col("benchmark", lang), **{k: bench.get(k, math.nan) for k in median.index}})
    table = H.table(pd.DataFrame(rows), lang=lang, numeric_formats=units, median_rows=[len(rows) - 2])
    return table.replace('class="dl-table"', 'class="dl-table dl-league"', 1) if trend else table


def family_body(ctx, metric_ids: list[str], extra: Callable | None = None) -> H.Html:
    """A metric family's section: the group's store table, or the store's cards, the module's ``extra(ctx)``
    (charts, diagnosis) and the trend table."""
    if ctx.params.store_id is None:
        parts = [store_table(ctx, metric_ids)]
        if extra is not None:
            parts.append(extra(ctx))
        return H.Html(parts)
    parts = [family_cards(ctx, metric_ids)]
    if extra is not None:
        parts.append(extra(ctx))
    parts += [H.h3(_TXT.get("recent_months", ctx.lang)), trend_table(ctx, metric_ids)]
    return H.Html(parts)


def consultant_units_of_stores(ds, *, stores, periods) -> pd.DataFrame:
    """:func:`dealerlab.pay.consultant_units` of each store of ``stores`` alone, for all of them at once: a
    consultant's units are his store's sales rows (as when the store is asked by itself), never another store's.

    Parameters
    ----------
    ds : Dataset
        The client data.
    stores : list of str
        Store ids.
    periods : list of str
        Months ``YYYY-MM``.

    Returns
    -------
    DataFrame
        ``store_id, staff_id, period, units`` as :func:`dealerlab.pay.consultant_units`.
    """
    units = pay.consultant_units(ds, periods=periods, stores=stores)
    if stores is None or len(stores) < 2 or not len(units):
        return units
    sales = ds["sales"]
    sales = sales[sales["store_id"].isin(list(stores))]
    counts = sales.groupby([sales["store_id"], sales["staff_id"], month(sales["invoice_date"]).rename("period")]).size()
    out = units.drop(columns="units").merge(counts.rename("units").reset_index(), on=["store_id", "staff_id", "period"],
                                            how="left")
    out["units"] = out["units"].fillna(0).astype("int64")
    return out


def bottom_out_of_stores(ds, *, stores, periods) -> pd.DataFrame:
    """The quarters of :func:`dealerlab.pay.bottom_out` on :func:`consultant_units_of_stores` (each store's own);
    in a batch the units are those computed once for every store (:mod:`dealerlab._batch`)."""
    units = batch.across_stores(consultant_units_of_stores, ds, stores=stores, periods=periods)
    quarters, _ = pay.bottom_out(units)
    return quarters


def store_consultant_units(ctx, store_id: str, months: list[str]) -> pd.DataFrame:
    """The store's consultants' units over ``months`` (:func:`consultant_units_of_stores`), in a batch of reports
    computed once for every store (:mod:`dealerlab._batch`)."""
    return batch.across_stores(consultant_units_of_stores, ctx.ds, stores=[store_id], periods=list(months))


def store_bottom_out(ctx, store_id: str, months: list[str], units: pd.DataFrame) -> pd.DataFrame:
    """The quarters of :func:`dealerlab.pay.bottom_out` of the store's consultants' ``units`` over ``months``
    (:func:`store_consultant_units`, not empty), in a batch computed once for every store."""
    if batch.registered(ctx.ds):
        return batch.across_stores(bottom_out_of_stores, ctx.ds, stores=[store_id], periods=list(months))
    quarters, _ = pay.bottom_out(units)
    return quarters


def latest_bottom_out(ctx, store_id: str) -> pd.DataFrame:
    """The bottom-out rule (docs/DOMAIN.md §7) on the store's latest complete quarter: ``staff_id, quarter, status``.

    The people section judges this quarter; the targets section reads it too, so that a consultant the rule
    eliminates or suspends is never praised as a star in the same report (docs/DOMAIN.md §10, consistency).
    """
    start = (pd.Period(ctx.params.period, freq="M").asfreq("Q") - 2).asfreq("M", how="start")
    covered = ctx.covered_periods
    months = [str(p) for p in pd.period_range(start, ctx.params.period, freq="M") if str(p) in covered]
    units = store_consultant_units(ctx, store_id, months)
    if not len(units):
        return pd.DataFrame(columns=["staff_id", "quarter", "status"])
    quarters = store_bottom_out(ctx, store_id, months, units)
    complete = quarters[~quarters["partial"]]
    q = complete[complete["quarter"] == complete["quarter"].max()] if len(complete) else quarters.iloc[0:0]
    return q[["staff_id", "quarter", "status"]].reset_index(drop=True)
