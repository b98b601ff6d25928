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
    def cover(self) -> H.Html:
        today = _dt.date.today().isoformat()
        title = _t(self.lang, "经销商经营诊断报告", "Dealer diagnostic report")
        rows = [
            (_t(self.lang, "门店", "Store"), self.store_label),
            (_t(self.lang, "诊断月份", "Period"), self.params.period),
            (_t(self.lang, "趋势区间", "Trend window"), f"{self.periods[0]} – {self.periods[-1]}"),
            (_t(self.lang, "报告日期", "Report date"), today),
            (_t(self.lang, "数据来源", "Data"), self.params.source),
        ]
        body = "".join(f"<tr><td>{H.esc(k)}</td><td><b>{H.esc(v)}</b></td></tr>" for k, v in rows)
        return H.Html(
            f'<div class="dl-cover"><h1>{H.esc(title)}</h1><div class="dl-sub">{H.esc(self.store_label)} · '
            f'{H.esc(self.params.period)}</div><table>{body}</table></div>'
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
            return H.Html([H.reading(intro), f'<ol class="dl-findings">{lis}</ol>'])

        return self._section("summary", "执行摘要：最重要的发现", "Executive summary: top findings", body)

    def family_cards(self, family: str, metric_ids: list[str]) -> str:
        bench = self.benchmarks()
        cards = []
        for m in metric_ids:
            info = registry.METRICS[m]
            value, b = self.value(m), bench.get(m, math.nan)
            status = ""
            if not (math.isnan(value) or math.isnan(b)):
                status = "good" if (value >= b) == info.higher_is_better or value == b else "bad"
            cards.append({"metric": m, "name": info.name(self.lang), "value": value, "unit": info.unit, "benchmark": b,
                          "status": status})
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
        return H.table(pd.DataFrame(out))

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

    def store_table(self, metric_ids: list[str]) -> str:
        """Group view: one row per store for the report month, then the group median."""
        m = self.metrics[(self.metrics["period"] == self.params.period) & self.metrics["metric"].isin(metric_ids)]
        wide = m.pivot_table(index="store_id", columns="metric", values="value", aggfunc="first")
        wide = wide.reindex(columns=[i for i in metric_ids if i in wide.columns])
        median = wide.median(numeric_only=True)
        rows = []
        for sid, row in wide.iterrows():
            rows.append({_t(self.lang, "门店", "Store"): f"{self.ds.store_name(sid)}（{sid}）",
                         **{registry.label(k, self.lang): H.fmt_value(v, registry.METRICS[k].unit, self.lang) for k, v in row.items()}})
        rows.append({_t(self.lang, "门店", "Store"): _t(self.lang, "集团中位数", "Group median"),
                     **{registry.label(k, self.lang): H.fmt_value(v, registry.METRICS[k].unit, self.lang) for k, v in median.items()}})
        bench = self.benchmarks()
        rows.append({_t(self.lang, "门店", "Store"): _t(self.lang, "标杆", "Benchmark"),
                     **{registry.label(k, self.lang): (H.fmt_value(bench[k], registry.METRICS[k].unit, self.lang) if k in bench else "—")
                        for k in median.index}})
        return H.table(pd.DataFrame(rows))

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
                H.reading(_t(self.lang, "每家门店本月的关键指标，最后一行是集团中位数：低于中位数的门店优先看对应章节。",
                             "Each store's key figures this month, with the group median in the last row.")),
                self.store_table(ids),
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
                H.table(pd.DataFrame(rows)),
            ])

        return self._section("actions", "PDCA 行动计划", "PDCA action plan", body)

    def quality(self) -> H.Html:
        def body():
            warns = list(getattr(self.ds, "warnings", []) or [])
            tables = pd.DataFrame(
                [{_t(self.lang, "数据表", "Table"): name, _t(self.lang, "行数", "Rows"): len(df)} for name, df in self.ds.tables.items()]
            )
            parts = [H.h3(_t(self.lang, "数据表概况", "Tables")), H.table(tables)]
            if warns:
                w = pd.DataFrame([p.as_dict(self.lang) for p in warns])[["table", "source", "row", "column", "value", "message"]]
                parts += [H.h3(_t(self.lang, "数据警告", "Warnings")), H.table(w, max_rows=200)]
            else:
                parts.append(H.reading(_t(self.lang, "数据校验通过，没有警告。", "The data passed validation with no warnings.")))
            na = self.metrics[(self.metrics["period"] == self.params.period) & self.metrics["value"].isna()]
            if self.params.store_id is not None:
                na = na[na["store_id"] == self.params.store_id]
            if len(na):
                t = na.assign(metric=na["metric"].map(lambda x: registry.label(x, self.lang)))[["store_id", "metric", "reason"]]
                parts += [H.h3(_t(self.lang, "无法计算的指标", "Figures not available")), H.table(t, max_rows=200)]
            return H.Html(parts)

        return self._section("quality", "附录：数据质量", "Appendix: data quality", body)
