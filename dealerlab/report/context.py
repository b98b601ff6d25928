"""What a report notebook calls: load the data once, then one method per section returning displayable HTML.

The report notebooks (``dealerlab/report/notebooks``) are thin: a parameters cell, then one cell per section calling
``rep.<section>()``. Everything a section shows is computed by the course modules' functions — the same ones the
notebooks, ``metrics.csv`` and the tests use — and every client string is escaped (:mod:`dealerlab.report.html`).
A section whose module or data is missing says so instead of failing.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dealerlab import metrics as registry
from dealerlab._options import check_lang
from dealerlab.errors import DealerlabError, MissingTableError
from dealerlab.report import html as H
from dealerlab.report.findings import Finding, collect_findings
from dealerlab.report.labels import col as label
from dealerlab.report.labels import table_label
from dealerlab.report.params import ReportParams, check_scope

__all__ = ["open_dataset", "ReportContext"]


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float):
    from dealerlab.data import load

    return load(path)


@functools.lru_cache(maxsize=4)
def _unpickle_cached(path: str, mtime: float):
    import pickle

    with open(path, "rb") as fh:
        return pickle.load(fh)


def open_dataset(path: str):
    """Load (and cache, keyed by path and modification time) the client data; ``"demo"`` is the bundled demo."""
    if path == "demo":
        from dealerlab.datasets import load_demo

        return load_demo()
    p = Path(path).resolve()
    if p.suffix == ".pkl":  # the validated Dataset pickled by build_report (our own file, never a client's)
        return _unpickle_cached(str(p), os.path.getmtime(p))
    return _load_cached(str(p), os.path.getmtime(p))


def client_name(ds, lang: str = "zh") -> str:
    """The client group's name from the data: the stores' common name prefix (a group's stores often share it),
    else the region(s) and the number of stores (``华东 · 3 家门店``); one store: its name."""
    stores = ds["stores"]
    names = [str(n) for n in stores["store_name"].dropna()]
    if len(names) == 1:
        return names[0]
    prefix = os.path.commonprefix(names).strip(" -·（(")
    if len(prefix) >= 2:
        return prefix
    regions = sorted({str(r) for r in stores.get("region", pd.Series(dtype=str)).dropna() if str(r).strip()})
    where = "、".join(regions[:3]) if regions else ""
    n = len(stores)
    text = f"{where} · {n} 家门店" if lang == "zh" else f"{where} · {n} stores"
    return text.strip(" ·")


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


@dataclass
class ReportContext:
    """One store's (or the group's) report: parameters, data, the metrics table and the findings."""

    params: ReportParams
    ds: object
    periods: list[str]
    stores: list[str]
    metrics: pd.DataFrame
    _findings: list[Finding] | None = field(default=None, repr=False)
    _group: pd.DataFrame | None = field(default=None, repr=False)
    _year_ago: dict = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, data: str, period: str, store_id: str | None = None, lang: str = "zh", show_pii: bool = False,
             benchmarks: str | None = None, months: int = 6, source: str = "") -> "ReportContext":
        check_lang(lang)
        import matplotlib as mpl

        # client names are chart labels: "张$\\frac$" must be drawn as typed, never parsed as mathtext (a parse
        # error would stop the report)
        mpl.rcParams["text.parse_math"] = False
        params = ReportParams(data=data, period=period, store_id=store_id, lang=lang, show_pii=show_pii,
                              benchmarks=benchmarks, months=months, source=source or Path(data).name)
        ds = open_dataset(data)
        periods, stores = check_scope(ds, period=period, stores=store_id, months=months, lang=lang)
        long = registry.compute(ds, periods=periods, stores=stores)
        return cls(params, ds, periods, stores, long)

    # ---- helpers -------------------------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.params.lang

    @property
    def store_label(self) -> str:
        if self.params.store_id is None:
            return _t(self.lang, "集团（全部门店）", "Group (all stores)")
        return f"{self.ds.store_name(self.params.store_id)}（{self.params.store_id}）"

    def value(self, metric: str, *, period: str | None = None, store_id: str | None = None) -> float:
        """The metric's value from the report's metrics table (what ``metrics.csv`` holds)."""
        period = period or self.params.period
        store_id = store_id or self.params.store_id
        m = self.metrics
        hit = m[(m["metric"] == metric) & (m["period"] == period) & (m["store_id"] == store_id)]
        return float(hit["value"].iloc[0]) if len(hit) and pd.notna(hit["value"].iloc[0]) else math.nan

    # ---- group figures, comparisons over time ------------------------------------------------------------
    @property
    def group_metrics(self) -> pd.DataFrame:
        """The group's figures over the trend window, computed from the stores' summed components (Σ numerator ÷
        Σ denominator, :func:`dealerlab.report.metrics_file.group_dataset`); ``store_id`` is :data:`GROUP_ID`."""
        if self._group is None:
            from dealerlab.report.metrics_file import GROUP_ID, group_dataset

            self._group = registry.compute(group_dataset(self.ds, self.stores), periods=self.periods, stores=[GROUP_ID])
        return self._group

    def _rows(self, store_id: str | None) -> pd.DataFrame:
        """The metrics rows of one store, or of the group (``store_id`` None in a group report)."""
        if store_id is None:
            return self.group_metrics
        return self.metrics[self.metrics["store_id"] == store_id]

    def series(self, metric: str, *, store_id: str | None = None) -> pd.Series:
        """``metric`` over the trend window (period → value) for the report's store, a store, or the group."""
        sid = store_id if store_id is not None else self.params.store_id
        rows = self._rows(sid)
        rows = rows[rows["metric"] == metric].set_index("period")["value"]
        return rows.reindex(self.periods).astype("float64")

    def _period_value(self, metric: str, period: str, store_id: str | None) -> float:
        """A figure of a month outside the trend window (same month last year): computed once per month."""
        if period not in set(self.ds.periods()):
            return math.nan
        key = (period, store_id)
        if key not in self._year_ago:
            from dealerlab.report.metrics_file import GROUP_ID, group_dataset

            if store_id is None:
                rows = registry.compute(group_dataset(self.ds, self.stores), periods=[period], stores=[GROUP_ID])
            else:
                rows = registry.compute(self.ds, periods=[period], stores=[store_id])
            self._year_ago[key] = rows.set_index("metric")["value"]
        v = self._year_ago[key].get(metric, math.nan)
        return float(v) if pd.notna(v) else math.nan

    def deltas(self, metric: str, *, store_id: str | None = None) -> tuple[float, float]:
        """(month-on-month, same-month-last-year) change of ``metric``; NaN where the data has no such month."""
        sid = store_id if store_id is not None else self.params.store_id
        s = self.series(metric, store_id=sid)
        p = pd.Period(self.params.period, freq="M")
        now = s.get(self.params.period, math.nan)
        prev = s.get(str(p - 1), math.nan)
        if str(p - 1) not in s.index:
            prev = self._period_value(metric, str(p - 1), sid)
        year = self._period_value(metric, str(p - 12), sid)
        return float(now - prev), float(now - year)

    def key_figures(self, metric_ids: list[str], *, store_id: str | None = None) -> pd.DataFrame:
        """``metric, value, mom, yoy, benchmark, spark`` (spark: the trend window's values) for the report's store,
        or the group in a group report."""
        sid = store_id if store_id is not None else self.params.store_id
        bench = self.benchmarks()
        rows = []
        for m in metric_ids:
            s = self.series(m, store_id=sid)
            mom, yoy = self.deltas(m, store_id=sid)
            rows.append({"metric": m, "value": s.get(self.params.period, math.nan), "mom": mom, "yoy": yoy,
                         "benchmark": bench.get(m, math.nan), "spark": s.tolist()})
        return pd.DataFrame(rows)

    def league_frame(self, metric_ids: list[str]) -> pd.DataFrame:
        """The league table as formatted text (deck): stores, the group total, the group median and the benchmark."""
        from dealerlab.report.fmt import fmt

        m = self.metrics[(self.metrics["period"] == self.params.period) & self.metrics["metric"].isin(metric_ids)]
        wide = m.pivot_table(index="store_id", columns="metric", values="value", aggfunc="first")
        wide = wide.reindex(columns=[i for i in metric_ids if i in wide.columns])
        units = {k: registry.METRICS[k].unit for k in wide.columns}
        group = self.group_metrics
        group = group[group["period"] == self.params.period].set_index("metric")["value"]
        bench = self.benchmarks()
        rows = [{"store": self.ds.store_name(sid), **{k: fmt(v, units[k], self.lang, na="—") for k, v in r.items()}}
                for sid, r in wide.iterrows()]
        rows.append({"store": label("group_total", self.lang), **{k: fmt(group.get(k), units[k], self.lang, na="—") for k in wide.columns}})
        rows.append({"store": label("group_median", self.lang),
                     **{k: fmt(v, units[k], self.lang, median=True, na="—") for k, v in wide.median().items()}})
        rows.append({"store": label("benchmark", self.lang), **{k: fmt(bench.get(k), units[k], self.lang, na="—") for k in wide.columns}})
        out = pd.DataFrame(rows)
        return out.rename(columns={c: label(c, self.lang) for c in out.columns})

    def findings(self) -> list[Finding]:
        if self._findings is None:
            self._findings = collect_findings(self)
        return self._findings

    def _section(self, key: str, title_zh: str, title_en: str, body) -> H.Html:
        out = H.Html(H.h2(_t(self.lang, title_zh, title_en), anchor=key))
        try:
            out.append(body())
        except MissingTableError as err:
            out.append(H.missing(_t(self.lang, "本节无法生成：", "This section cannot be shown: ") + err.message(self.lang)))
        except DealerlabError as err:
            out.append(H.missing(err.message(self.lang)))
        return out

    # ---- sections ------------------------------------------------------------------------------------------
    @property
    def client_name(self) -> str:
        """The client's name for the cover and footer: the brand file's client group name, else the data's."""
        brand = self.brand
        if brand is not None and brand.client:
            return brand.client
        return client_name(self.ds, self.lang)

    @property
    def brand(self):
        """The ``--brand`` file's settings (:class:`dealerlab.report.brand.Brand`) or None."""
        return None

    def cover(self) -> H.Html:
        today = _dt.date.today().isoformat()
        title = _t(self.lang, "经销商经营诊断报告", "Dealer diagnostic report")
        rows = [
            (_t(self.lang, "客户", "Client"), self.client_name),
            (_t(self.lang, "门店", "Store"), self.store_label),
            (_t(self.lang, "诊断月份", "Period"), self.params.period),
            (_t(self.lang, "趋势区间", "Trend window"), f"{self.periods[0]} – {self.periods[-1]}"),
            (_t(self.lang, "报告日期", "Report date"), today),
            (_t(self.lang, "数据来源", "Data"), self.params.source),
        ]
        body = "".join(f"<tr><td>{H.esc(k)}</td><td><b>{H.esc(v)}</b></td></tr>" for k, v in rows)
        footer = f"{self.client_name} · {self.store_label} · {self.params.period}"
        return H.Html(
            f"<style>@page {{ @bottom-left {{ content: {H.css_string(footer)}; }} }}</style>"
            f'<div class="dl-cover"><h1>{H.esc(title)}</h1><div class="dl-sub">{H.esc(self.client_name)} · '
            f'{H.esc(self.store_label)} · {H.esc(self.params.period)}</div><table>{body}</table></div>'
        )

    def summary(self) -> H.Html:
        def body():
            items = self.findings()[:5]
            if not items:
                return H.reading(_t(self.lang, "本月各项指标均未发现明显短板。", "No clear weakness found this month."))
            lis = "".join(f"<li>{H.esc(f.headline(self.lang))}</li>" for f in items)
            intro = _t(
                self.lang,
                "按影响的销量或收入从大到小排列：先做第一条。",
                "Ranked by the sales or revenue at stake: start with the first.",
            )
            parts = [self.summary_cards(), H.reading(intro), f'<ol class="dl-findings">{lis}</ol>']
            if self.params.store_id is None and len(self.stores) > 1:
                parts += [H.h3(_t(self.lang, "各门店发现排序（集团）", "Findings across the stores, ranked")), self.findings_table()]
            return H.Html(parts)

        return self._section("summary", "执行摘要：最重要的发现", "Executive summary: top findings", body)

    #: the summary's key figures (cards with month-on-month, same month last year and a 6-month sparkline)
    SUMMARY_METRICS = ("volume", "close_rate", "gross_per_unit", "service_revenue", "comeback_rate", "csi_index")

    def summary_cards(self) -> str:
        """The summary's cards: the store's key figures, or the group's (from summed components) in a group report."""
        bench = self.benchmarks()
        kf = self.key_figures(list(self.SUMMARY_METRICS))
        cards = []
        for r in kf.itertuples():
            info = registry.METRICS[r.metric]
            status = ""
            if not (math.isnan(r.value) or math.isnan(bench.get(r.metric, math.nan))):
                b = bench[r.metric]
                status = "good" if (r.value >= b) == info.higher_is_better or r.value == b else "bad"
            name = info.name(self.lang)
            if self.params.store_id is None:
                name = _t(self.lang, f"集团{name}", f"Group {name.lower()}")
            cards.append({"metric": r.metric, "name": name, "value": r.value, "unit": info.unit, "benchmark": r.benchmark,
                          "status": status, "mom": r.mom, "yoy": r.yoy, "spark": r.spark})
        return H.kpi_cards(cards, lang=self.lang)

    def family_cards(self, family: str, metric_ids: list[str]) -> str:
        bench = self.benchmarks()
        cards = []
        for m in metric_ids:
            info = registry.METRICS[m]
            value, b = self.value(m), bench.get(m, math.nan)
            status = ""
            if not (math.isnan(value) or math.isnan(b)):
                status = "good" if (value >= b) == info.higher_is_better or value == b else "bad"
            mom, yoy = self.deltas(m)
            cards.append({"metric": m, "name": info.name(self.lang), "value": value, "unit": info.unit, "benchmark": b,
                          "status": status, "mom": mom, "yoy": yoy, "spark": self.series(m).tolist()})
        return H.kpi_cards(cards, lang=self.lang)

    def trend_table(self, metric_ids: list[str]) -> str:
        m = self.metrics
        rows = m[(m["store_id"] == self.params.store_id) & m["metric"].isin(metric_ids)]
        wide = rows.pivot_table(index="metric", columns="period", values="value", aggfunc="first", sort=False)
        wide = wide.reindex([i for i in metric_ids if i in wide.index])
        units = {p: "count" for p in wide.columns}
        out = []
        for mid, row in wide.iterrows():
            info = registry.METRICS[mid]
            out.append({_t(self.lang, "指标", "Metric"): info.name(self.lang),
                        **{p: H.fmt_value(v, info.unit, self.lang) for p, v in row.items()}})
        del units
        return H.table(pd.DataFrame(out), lang=self.lang)

    # ---- module sections: cards of the month, trend table, module charts and reading ---------------------------
    def key_numbers(self) -> str:
        """The month's key figures as plain text (the notebook's checked cell; equal to metrics.csv)."""
        m = self.metrics[self.metrics["period"] == self.params.period]
        if self.params.store_id is not None:
            m = m[m["store_id"] == self.params.store_id]
        keys = ["traffic", "capture_rate", "test_drive_rate", "close_rate", "volume", "service_revenue", "comeback_rate",
                "booth_utilisation", "csi_index", "ssi_index"]
        lines = []
        for sid, grp in m.groupby("store_id", sort=True):
            vals = grp.set_index("metric")["value"]
            lines.append(f"{sid} {self.params.period}: " + ", ".join(
                f"{k}={vals[k]:.4f}" if k in vals and pd.notna(vals[k]) else f"{k}=NA" for k in keys))
        return "\n".join(lines)

    def store_table(self, metric_ids: list[str], *, trend: bool = False) -> str:
        """Group view: one row per store for the report month, then the group total (from summed components), the
        group median and the benchmark. ``trend``: each figure with its month-on-month change and a 6-month sparkline."""
        from dealerlab.report.fmt import fmt, fmt_delta

        m = self.metrics[(self.metrics["period"] == self.params.period) & self.metrics["metric"].isin(metric_ids)]
        wide = m.pivot_table(index="store_id", columns="metric", values="value", aggfunc="first")
        wide = wide.reindex(columns=[i for i in metric_ids if i in wide.columns])
        units = {k: registry.METRICS[k].unit for k in wide.columns}
        median = wide.median(numeric_only=True)
        group = self.group_metrics
        group = group[group["period"] == self.params.period].set_index("metric")["value"]

        def cell(k, v, sid):
            if not trend:
                return v
            mom, _ = self.deltas(k, store_id=sid)
            d = fmt_delta(mom, units[k], self.lang)
            spark = H.sparkline(self.series(k, store_id=sid).tolist(), width=46, height=14)
            delta = f'<span class="dl-cell-delta">{H.esc(d)}</span>' if d else ""
            return H.Html(f"{H.esc(fmt(v, units[k], self.lang, na='—'))}{delta}{spark}")

        rows = []
        for sid, row in wide.iterrows():
            rows.append({"store": f"{self.ds.store_name(sid)}（{sid}）", **{k: cell(k, v, sid) for k, v in row.items()}})
        n_stores = len(rows)
        if n_stores > 1:
            rows.append({"store": label("group_total", self.lang), **{k: cell(k, group.get(k, math.nan), None) for k in wide.columns}})
        rows.append({"store": label("group_median", self.lang), **median.to_dict()})
        bench = self.benchmarks()
        rows.append({"store": label("benchmark", self.lang), **{k: bench.get(k, math.nan) for k in median.index}})
        return H.table(pd.DataFrame(rows), lang=self.lang, numeric_formats=units, median_rows=[len(rows) - 2])

    #: the rates of the group page's small multiples
    GROUP_RATES = ("capture_rate", "test_drive_rate", "close_rate", "comeback_rate", "booth_utilisation", "turnover")

    def rates_table(self, metric_ids=GROUP_RATES) -> pd.DataFrame:
        """``metric, name, store, value, group, benchmark`` of the report month: the small multiples' data."""
        m = self.metrics[(self.metrics["period"] == self.params.period) & self.metrics["metric"].isin(metric_ids)]
        group = self.group_metrics
        group = group[group["period"] == self.params.period].set_index("metric")["value"]
        bench = self.benchmarks()
        rows = [{"metric": r.metric, "name": registry.label(r.metric, self.lang), "store": r.store_id, "value": r.value,
                 "group": group.get(r.metric, math.nan), "benchmark": bench.get(r.metric, math.nan)}
                for r in m.itertuples()]
        out = pd.DataFrame(rows, columns=["metric", "name", "store", "value", "group", "benchmark"])
        order = {k: i for i, k in enumerate(metric_ids)}
        return out.sort_values(["metric", "store"], key=lambda s: s.map(order) if s.name == "metric" else s, kind="stable")

    def rates_chart(self) -> str:
        """Small multiples of the key rates by store, with the group's rate and the benchmark."""
        from dealerlab.plots.group import rates_by_store

        table = self.rates_table()
        if table.empty or len(self.stores) < 2:
            return ""
        axes = rates_by_store(table, lang=self.lang, title=_t(self.lang, f"关键比率：各门店对比（{self.params.period}）",
                                                               f"Key rates by store ({self.params.period})"))
        fig = axes.ravel()[0].figure
        return H.figure(fig, alt=_t(self.lang, "关键比率各门店对比", "Key rates by store"))

    def findings_table(self, *, top: int = 10) -> str:
        """The ranked findings across the stores: rank, finding, what it means, money and sales at stake a month."""
        from dealerlab.report.fmt import fmt

        items = self.findings()[:top]
        rows = [{"#": i, _t(self.lang, "发现", "Finding"): f.title(self.lang), _t(self.lang, "说明", "Detail"): f.detail(self.lang),
                 label("revenue_at_stake", self.lang): fmt(f.revenue_at_stake, "money", self.lang, na="—"),
                 label("sales_at_stake", self.lang): fmt(f.sales_at_stake, "decimal", self.lang, na="—")}
                for i, f in enumerate(items, start=1)]
        return H.table(pd.DataFrame(rows), lang=self.lang) if rows else ""

    def benchmarks(self) -> dict[str, float]:
        """Benchmarks shown beside the figures: the funnel's (bundled defaults or ``--benchmarks``) and the
        after-sales lines of DOMAIN.md §2 (booth utilisation 60 %)."""
        from dealerlab.funnel.diagnosis import load_benchmarks

        out = {"booth_utilisation": 0.60}
        out.update(load_benchmarks(self.params.benchmarks))
        return out

    def _family_section(self, key, title_zh, title_en, metric_ids, extra=None) -> H.Html:
        def body():
            if self.params.store_id is None:
                parts = [self.store_table(metric_ids)]
                if extra is not None:
                    parts.append(extra())
                return H.Html(parts)
            parts = [self.family_cards(key, metric_ids)]
            if extra is not None:
                parts.append(extra())
            parts += [H.h3(_t(self.lang, "近几个月趋势", "Recent months")), self.trend_table(metric_ids)]
            return H.Html(parts)

        return self._section(key, title_zh, title_en, body)

    def funnel(self) -> H.Html:
        ids = ["traffic", "capture_rate", "call_visit_rate", "revisit_rate", "test_drive_rate", "close_rate",
               "followup_timeliness", "volume", "addon_penetration", "gross_per_unit"]
        return self._family_section("funnel", "销售漏斗", "Sales funnel", ids, extra=self._funnel_extra)

    def aftersales(self) -> H.Html:
        ids = ["intake", "service_revenue", "comeback_rate", "first_time_fix", "parts_fill_rate", "on_time_delivery",
               "booth_utilisation", "turnover"]
        return self._family_section("aftersales", "售后与管理节奏", "After-sales and cadence", ids, extra=self._aftersales_extra)

    def csi(self) -> H.Html:
        return self._family_section("csi", "客户满意度（CSI/SSI）", "Customer satisfaction (CSI/SSI)", ["ssi_index", "csi_index"],
                                    extra=self._csi_extra)

    def _funnel_extra(self):
        from dealerlab.report.sections import funnel_extra

        return funnel_extra(self)

    def _aftersales_extra(self):
        from dealerlab.report.sections import aftersales_extra

        return aftersales_extra(self)

    def _csi_extra(self):
        from dealerlab.report.sections import csi_extra

        return csi_extra(self)

    def targets(self) -> H.Html:
        from dealerlab.report.sections import targets_section

        return self._section("targets", "目标与销售顾问", "Targets and consultants", lambda: targets_section(self))

    def accounts(self) -> H.Html:
        from dealerlab.report.sections import accounts_section

        return self._section("accounts", "大客户", "Big accounts", lambda: accounts_section(self))

    def people(self) -> H.Html:
        from dealerlab.report.sections import people_section

        return self._section("people", "人员与薪酬", "People and pay", lambda: people_section(self))

    def league(self) -> H.Html:
        ids = ["volume", "capture_rate", "test_drive_rate", "close_rate", "gross_per_unit", "service_revenue",
               "comeback_rate", "booth_utilisation", "csi_index", "ssi_index", "turnover"]

        def body():
            return H.Html([
                H.reading(_t(self.lang, "每家门店本月的关键指标：数字下方是环比变化和近 6 个月走势。集团合计按各店分子、分母合计后计算"
                                        "（不是各店比率的平均）；低于集团中位数或标杆的门店优先看对应章节。",
                             "Each store's key figures this month, with the change on last month and the 6-month trend. The group "
                             "total is computed from the summed components (not an average of rates).")),
                self.store_table(ids, trend=True),
                self.rates_chart(),
            ])

        return self._section("league", "门店排名：关键指标对比", "League table", body)

    def actions(self) -> H.Html:
        def body():
            items = [f for f in self.findings() if f.action is not None][:5]
            if not items:
                return H.reading(_t(self.lang, "暂无需要立项的改进。", "No improvement cycle needed."))
            cols = [_t(self.lang, c, e) for c, e in [("问题", "Problem"), ("做什么 What", "What"), ("为什么 Why", "Why"),
                                                      ("谁 Who", "Who"), ("何时 When", "When"), ("何地 Where", "Where"),
                                                      ("怎么做 How", "How"), ("检查指标", "Check metric")]]
            rows = [dict(zip(cols, [f.title(self.lang), *f.action.fields(self.lang), f.metric_label(self.lang)])) for f in items]
            return H.Html([
                H.reading(_t(self.lang, "每条发现对应一个 PDCA 循环：按 5W1H 计划（P），执行（D），下月用同一指标检查（C），有效则标准化、无效则进入下一轮（A）。",
                             "Each finding opens a PDCA cycle: plan in 5W1H (P), do (D), check with the same metric next month (C), standardise or start the next cycle (A).")),
                H.table(pd.DataFrame(rows), lang=self.lang),
            ])

        return self._section("actions", "PDCA 行动计划", "PDCA action plan", body)

    def quality(self) -> H.Html:
        def body():
            warns = list(getattr(self.ds, "warnings", []) or [])
            sid = self.params.store_id
            rows = []
            for name, df in self.ds.tables.items():
                row = {"table": table_label(name, self.lang), "rows": len(df)}
                if sid is not None:  # a store's page counts the store's own rows (tables without a store: all rows)
                    row["rows"] = int((df["store_id"] == sid).sum()) if "store_id" in df.columns else len(df)
                rows.append(row)
            tables = pd.DataFrame(rows)
            if sid is not None:
                tables = tables.rename(columns={"rows": _t(self.lang, f"行数（{sid}）", f"Rows ({sid})")})
            parts = [H.h3(_t(self.lang, "数据表概况", "Tables")), H.table(tables, lang=self.lang)]
            if warns:
                w = pd.DataFrame([p.as_dict(self.lang) for p in warns])[["table", "source", "row", "column", "value", "message"]]
                w["table"] = w["table"].map(lambda t: table_label(t, self.lang) if isinstance(t, str) else t)
                parts += [H.h3(_t(self.lang, "数据警告", "Warnings")), H.table(w, max_rows=200, lang=self.lang)]
            else:
                parts.append(H.reading(_t(self.lang, "数据校验通过，没有警告。", "The data passed validation with no warnings.")))
            na = self.metrics[(self.metrics["period"] == self.params.period) & self.metrics["value"].isna()]
            if self.params.store_id is not None:
                na = na[na["store_id"] == self.params.store_id]
            if len(na):
                t = na.assign(metric=na["metric"].map(lambda x: registry.label(x, self.lang)))[["store_id", "metric", "reason"]]
                parts += [H.h3(_t(self.lang, "无法计算的指标", "Figures not available")), H.table(t, max_rows=200, lang=self.lang)]
            return H.Html(parts)

        return self._section("quality", "附录：数据质量", "Appendix: data quality", body)
