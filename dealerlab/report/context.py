"""What a report notebook calls: load the data once, then one method per section returning displayable HTML.

The report notebooks (``dealerlab/report/notebooks``) are thin: a parameters cell, then one cell per section calling
``rep.section("<key>")`` (the sections and their order: :data:`dealerlab.report.sections.SECTIONS`). Everything a
section shows is computed by the course modules' functions — the same ones the notebooks, ``metrics.csv`` and the
tests use — and every client string is escaped (:mod:`dealerlab.report.html`).
A section whose module or data is missing says so instead of failing.
"""

from __future__ import annotations

import functools
import html as html_lib
import importlib
import io
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab import _batch as batch
from dealerlab import figures
from dealerlab import metrics as registry
from dealerlab._options import check_lang
from dealerlab.data import load
from dealerlab.funnel.benchmarks import load_benchmark_set, store_business
from dealerlab.i18n import Catalogue
from dealerlab.plots import set_style
from dealerlab.plots.group import rates_by_store
from dealerlab.report import html as H
from dealerlab.report import sections
from dealerlab.report.findings import Finding, collect_findings, findings_frame, schedule, write_findings
from dealerlab.report.fmt import fmt
from dealerlab.report.labels import col as label
from dealerlab.report.layout import file_name
from dealerlab.report.metrics_file import GROUP_ID, group_dataset, group_metric_ids
from dealerlab.report.notes import finding_id, template
from dealerlab.report.params import ReportParams, check_scope
from dealerlab.report.shared import shared_figures, unpickle_cached, write_shared_figures

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["open_dataset", "ReportContext", "preload", "write_shared_figures", "shared_figures"]


_TEXT = Catalogue.load("report/context")
#: the title of the throw-away chart that loads the CJK font while warming up (drawn off-screen, never shown)
_WARM_UP_TITLE = "经营诊断 2026"
#: what the stores' common name prefix is trimmed of (separators and an opening bracket, half or full width)
_PREFIX_TRIM = " -·（("


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float):
    return load(path)


def open_dataset(path: str):
    """Load (and cache, keyed by path and modification time) the client data; ``"demo"`` is the bundled demo
    unless a file or folder of that name exists (then it is the client's: never answer with other data)."""
    if path == "demo" and not os.path.lexists(path):
        from dealerlab.datasets import load_demo

        return load_demo()
    p = Path(path).resolve()
    if p.suffix == ".pkl":  # the validated Dataset pickled by build_report (our own file, never a client's)
        return unpickle_cached(str(p), os.path.getmtime(p))
    return _load_cached(str(p), os.path.getmtime(p))


#: imported by :func:`preload`: what the store report imports only when a section or the deliverables need it
#: (the Excel appendix's openpyxl, the retention chart)
PRELOAD_MODULES = ("dealerlab.plots.retention", "dealerlab.data.write", "openpyxl")


#: set by :func:`preload` in the kernel of a one-kernel report run: its reports build some sections in a forked child
_SPLIT = {"sections": False}


def preload(*, split: bool = False) -> None:
    """What a report kernel does before its first notebook (:func:`dealerlab.report.execute.warm_up`): the
    sections' modules are imported with this one, the house style is applied and a chart with Chinese text is
    drawn once (matplotlib loads the CJK font), so the notebook's set-up cell and first chart do not wait for them;
    the modules the sections and the deliverables import on first use (:data:`PRELOAD_MODULES`) are imported too.
    Nothing is shown or written.

    Parameters
    ----------
    split : bool
        The kernel runs alone on a machine with a free core: every report it opens from a run's data pickle builds
        :data:`dealerlab.report.forked.FORKED_SECTIONS` in a forked child meanwhile (:class:`ReportContext`).
    """
    import matplotlib.pyplot as plt

    _SPLIT["sections"] = bool(split)

    for name in PRELOAD_MODULES:
        importlib.import_module(name)
    set_style()
    fig, ax = plt.subplots(figsize=(1, 1))
    ax.set_title(_WARM_UP_TITLE)
    ax.plot([0, 1], [0, 1])
    fig.savefig(io.BytesIO(), format="png", dpi=20)
    plt.close(fig)


def _periods(ds) -> list[str]:
    return ds.periods()


_KEEP = re.compile(
    r'(<h[23] class="dl-h[23]"[^>]*>.*?</h[23]>)\s*'
    r'(<img class="dl-chart"[^>]*/>|<table class="dl-table[^"]*">.*?</table>|<div class="dl-(?:reading|missing)">.*?</div>)',
    re.DOTALL,
)


def _keep_with_next(html: str) -> str:
    """Each heading and the block right after it (a chart, a table, a reading) in one ``dl-keep`` box that the print
    stylesheet never splits: a heading is never left alone at the bottom of a page."""
    return _KEEP.sub(r'<div class="dl-keep">\1\2</div>', html)


def client_name(ds: Dataset, lang: str = "zh") -> str:
    """The client group's name from the data: the stores' common name prefix (a group's stores often share it),
    else the region(s) and the number of stores (``华东 · 3 家门店``); one store: its name."""
    stores = ds["stores"]
    names = [str(n) for n in stores["store_name"].dropna()]
    if len(names) == 1:
        return names[0]
    prefix = os.path.commonprefix(names).strip(_PREFIX_TRIM)
    if len(prefix) >= 2:
        return prefix
    regions = sorted({str(r) for r in stores.get("region", pd.Series(dtype=str)).dropna() if str(r).strip()})
    where = _TEXT.get("region_sep", lang).join(regions[:3]) if regions else ""
    n = len(stores)
    text = _TEXT.get("stores_label", lang, where=where, n=n)
    return text.strip(" ·")




def _nowrap(text: str) -> H.Html:
    """A table cell's text kept on one line (a figure with its unit, a date, an owner)."""
    return H.Html(f'<span class="dl-nowrap">{H.esc(text)}</span>')


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
    _brand: object = field(default=None, repr=False)
    _notes: object = field(default=None, repr=False)
    _readings: dict = field(default_factory=dict, repr=False)
    _shared: dict | None = field(default=None, repr=False)
    _cache: dict = field(default_factory=dict, repr=False)
    _worker: object = field(default=None, repr=False)

    @classmethod
    def open(cls, data: str, period: str, store_id: str | None = None, lang: str = "zh", show_pii: bool = False,
             benchmarks: str | None = None, months: int = 6, source: str = "", notes: str | None = None,
             brand: str | None = None, pptx: bool = False, folder: str | None = None) -> ReportContext:
        """Load the data and compute the report's metrics. ``notes``/``brand``: the consultant's notes and brand files
        (:mod:`dealerlab.report.notes`, :mod:`dealerlab.report.brand`); ``pptx``/``folder``: what
        :meth:`write_deliverables` writes where."""
        check_lang(lang)
        import matplotlib as mpl

        # client names are chart labels: "张$\\frac$" must be drawn as typed, never parsed as mathtext (a parse
        # error would stop the report)
        mpl.rcParams["text.parse_math"] = False
        params = ReportParams(data=data, period=period, store_id=store_id, lang=lang, show_pii=show_pii,
                              benchmarks=benchmarks, months=months, source=source or Path(data).name,
                              notes=notes, brand=brand, pptx=pptx, folder=folder)
        ds = open_dataset(data)
        periods, stores = check_scope(ds, period=period, stores=store_id, months=months, lang=lang)
        shared = shared_figures(data, periods=periods, stores=stores)  # a batch computed them once for every store
        long = shared["store"] if shared else figures.compute(ds, periods=periods, stores=stores)
        ctx = cls(params, ds, periods, stores, long)
        if shared:
            ctx._shared = shared
            ctx._group = shared.get("group")
            # the kernel runs every store's notebook of the run on this data: what each would compute store by
            # store is computed once for every store (dealerlab._batch)
            batch.register(ds, shared["stores"])
        if brand:
            from dealerlab.report.brand import load_brand

            ctx._brand = load_brand(brand)
        if notes:
            from dealerlab.report.notes import load_notes

            ctx._notes = load_notes(notes, sections=[x.key for x in sections.SECTIONS])
        # a report run's kernel with a free core (preload(split=True)), one report per run: in a batch the all-store
        # answers a store's sections compute (dealerlab._batch) must stay in the kernel for the next store
        if _SPLIT["sections"] and shared and (store_id is None or shared["stores"] == [store_id]):
            from dealerlab.report.forked import FORKED_SECTIONS, SectionWorker

            scope = {s.key for s in sections.for_scope("store" if store_id else "group")}
            # first the findings of the child's sections (the summary ranks them with the others'), then the sections
            ctx._worker = SectionWorker(ctx._run_forked, ["findings", *(k for k in FORKED_SECTIONS if k in scope)],
                                        parent_folder=Path(data).resolve().parent)
        return ctx

    # ---- helpers -------------------------------------------------------------------------------------------
    def cached(self, key: tuple, compute):
        """``compute()``, computed once per report for ``key``: a table that a section and the findings (or two
        sections) both read, e.g. the funnel diagnosis or the VP ladder. The result is shared: never change it."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def lang(self) -> str:
        return self.params.lang

    @property
    def covered_periods(self) -> frozenset[str]:
        """The months the data covers (:meth:`Dataset.periods`), read once per report (in a batch once per run)."""
        return self.cached(("covered_periods",), lambda: frozenset(batch.once(_periods, self.ds)))

    @property
    def store_label(self) -> str:
        if self.params.store_id is None:
            return _TEXT.get("group", self.lang)
        store_id = self.params.store_id
        return _TEXT.get("store_label", self.lang, name=self.ds.store_name(store_id), store_id=store_id)

    def value(self, metric: str, *, period: str | None = None, store_id: str | None = None) -> float:
        """The metric's value from the report's metrics table (what ``metrics.csv`` holds)."""
        period = period or self.params.period
        store_id = store_id or self.params.store_id
        v = self._values().get((metric, period, store_id), math.nan)
        return float(v) if pd.notna(v) else math.nan

    def _values(self) -> dict:
        """(metric, period, store_id) → value of the metrics table (the first row of each), indexed once."""
        def index():
            m = self.metrics
            if not len(m):
                return {}
            out: dict = {}
            for key, v in zip(zip(m["metric"], m["period"], m["store_id"]), m["value"]):
                out.setdefault(key, v)
            return out

        return self.cached(("_values",), index)

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
        return self._brand

    # ---- group figures, comparisons over time ------------------------------------------------------------
    @property
    def group_metrics(self) -> pd.DataFrame:
        """The group's figures over the trend window, computed from the stores' summed components (Σ numerator ÷
        Σ denominator, :func:`dealerlab.report.metrics_file.group_dataset`); ``store_id`` is :data:`GROUP_ID`."""
        if self._group is None:
            self._group = figures.compute(group_dataset(self.ds, self.stores), periods=self.periods, stores=[GROUP_ID],
                                          metrics=group_metric_ids())
        return self._group

    def _rows(self, store_id: str | None) -> pd.DataFrame:
        """The metrics rows of one store, or of the group (``store_id`` None in a group report)."""
        if store_id is None:
            return self.group_metrics
        return self.metrics[self.metrics["store_id"] == store_id]

    def series(self, metric: str, *, store_id: str | None = None) -> pd.Series:
        """``metric`` over the trend window (period → value) for the report's store, a store, or the group."""
        sid = store_id if store_id is not None else self.params.store_id

        def split():  # the store's rows by metric, split once: (metric → row positions, their month's place in
            # the trend window (-1 outside), the values as float64, the index every series gets)
            rows = self._rows(sid)
            place = {p: i for i, p in enumerate(self.periods)}
            at = [place.get(p, -1) for p in rows["period"].tolist()]
            index = rows.iloc[:0].set_index("period")["value"].reindex(self.periods).index
            return (rows.groupby("metric", sort=False, observed=True).indices, np.asarray(at, dtype="int64"),
                    rows["value"].astype("float64").to_numpy(), index)

        groups, at, values, index = self.cached(("_series", sid), split)
        where = groups.get(metric)
        if where is not None and len(where) == len(set(at[where].tolist())) and (at[where] >= 0).all():
            # the metric's months, each once and in the window: placed directly (what reindex below gives)
            out = np.full(len(index), np.nan)
            out[at[where]] = values[where]
            return pd.Series(out, index=index, name="value")
        rows = self._rows(sid)
        got = rows[rows["metric"] == metric].set_index("period")["value"]
        return got.reindex(self.periods).astype("float64")

    def _period_value(self, metric: str, period: str, store_id: str | None) -> float:
        """A figure of a month outside the trend window (same month last year): computed once per month."""
        if period not in self.covered_periods:
            return math.nan
        key = (period, store_id)
        if key not in self._year_ago:
            if store_id is None:
                rows = figures.compute(group_dataset(self.ds, self.stores), periods=[period], stores=[GROUP_ID],
                                       metrics=group_metric_ids())
            else:
                rows = figures.compute(self.ds, periods=[period], stores=[store_id])
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
                name = _TEXT.get("group_metric", self.lang, name=name, name_lower=name.lower())
            cards.append({"metric": r.metric, "name": name, "value": r.value, "unit": info.unit, "benchmark": r.benchmark,
                          "status": status, "mom": r.mom, "yoy": r.yoy, "spark": r.spark})
        return H.kpi_cards(cards, lang=self.lang)

    #: the rates of the group page's small multiples
    GROUP_RATES = ("capture_rate", "test_drive_rate", "close_rate", "comeback_rate", "booth_utilisation", "turnover")

    def rates_table(self, metric_ids=GROUP_RATES) -> pd.DataFrame:
        """``metric, name, store, value, group, benchmark`` of the report month: the small multiples' data."""
        m = self.metrics[(self.metrics["period"] == self.params.period) & self.metrics["metric"].isin(metric_ids)]
        group = self.group_metrics
        group = group[group["period"] == self.params.period].set_index("metric")["value"]
        bench = {sid: self.benchmarks(sid) for sid in m["store_id"].unique()}
        rows = [{"metric": r.metric, "name": registry.label(r.metric, self.lang), "store": r.store_id, "value": r.value,
                 "group": group.get(r.metric, math.nan), "benchmark": bench[r.store_id].get(r.metric, math.nan)}
                for r in m.itertuples()]
        out = pd.DataFrame(rows, columns=["metric", "name", "store", "value", "group", "benchmark"])
        order = {k: i for i, k in enumerate(metric_ids)}
        return out.sort_values(["metric", "store"], key=lambda s: s.map(order) if s.name == "metric" else s, kind="stable")

    def rates_chart(self) -> str:
        """Small multiples of the key rates by store, with the group's rate and the benchmark."""
        table = self.rates_table()
        if table.empty or len(self.stores) < 2:
            return ""
        axes = rates_by_store(table, lang=self.lang, title=_TEXT.get("key_rates_store", self.lang, period=self.params.period))
        fig = axes.ravel()[0].figure
        return H.figure(fig, alt=_TEXT.get("key_rates_store_2", self.lang))

    def findings_table(self, *, top: int = 10) -> str:
        """The ranked findings across the stores: rank, finding, what it means, money and sales at stake a month, and
        each action's owner and check date (:func:`~dealerlab.report.findings.schedule`: the dates of the store pages)."""
        found = self.findings()
        dates = schedule(found)
        rows = [{"#": i, _TEXT.get("finding", self.lang): f.title(self.lang), _TEXT.get("detail", self.lang): f.detail(self.lang),
                 label("extra_gross", self.lang): _nowrap(fmt(f.extra_gross, "money", self.lang, na="—")),
                 label("extra_sales", self.lang): _nowrap(fmt(f.extra_sales, "decimal", self.lang, na="—")),
                 label("owner", self.lang): _nowrap(f.action.who if f.action is not None else "—"),
                 label("check_date", self.lang): _nowrap(dates[finding_id(f)][1].isoformat() if finding_id(f) in dates else "—")}
                for i, f in enumerate(found[:top], start=1)]
        return H.table(pd.DataFrame(rows), lang=self.lang) if rows else ""

    @property
    def collectors(self) -> list:
        """The findings functions of the registered sections (:data:`dealerlab.report.sections.COLLECTORS`)."""
        return sections.COLLECTORS

    def _forked_collectors(self) -> list:
        """The findings functions of the sections a forked child builds (:mod:`dealerlab.report.forked`)."""
        from dealerlab.report.forked import FORKED_SECTIONS

        return [s.findings for s in sections.SECTIONS if s.key in FORKED_SECTIONS and s.findings is not None]

    def _run_forked(self, key: str):
        """A task of the forked child: ``"findings"`` — each of :meth:`_forked_collectors`' findings (None where it
        raised a DealerlabError, which :func:`collect_findings` skips) — or a section's HTML (:meth:`_render`)."""
        if key != "findings":
            return self._render(key)
        from dealerlab.errors import DealerlabError

        out = []
        for func in self._forked_collectors():
            try:
                out.append(func(self))
            except DealerlabError:
                out.append(None)
        return out

    def _collectors(self) -> list:
        """:attr:`collectors`, with those whose findings a forked child computed replaced by their results."""
        collectors = self.collectors
        found = self._worker.take("findings") if self._worker is not None else None
        forked = self._forked_collectors()
        if found is None or len(found) != len(forked) or not set(forked) <= set(collectors):
            return collectors
        done = dict(zip(forked, found, strict=True))

        def given(func):
            result = done[func]
            return (lambda ctx: list(result)) if result is not None else (lambda ctx: [])

        return [given(f) if f in done else f for f in collectors]

    def findings(self, *, raw: bool = False) -> list[Finding]:
        """The ranked findings; the consultant's notes applied (hidden ones left out, texts replaced) unless ``raw``."""
        if self._findings is None:
            self._findings = collect_findings(self, self._collectors())
        if raw or self._notes is None:
            return self._findings
        return self._notes.apply(self._findings)

    _READING = re.compile(r'<div class="dl-reading">(.*?)</div>', re.DOTALL)

    def _render(self, key: str) -> str:
        """Section ``key`` as its module renders it (heading and body), before :meth:`section`'s additions."""
        with warnings.catch_warnings():
            # matplotlib says so when placing a legend took over a second — on a busy machine; it is not about the
            # data and must not land in the client's report (a cell's warnings are shown in the HTML)
            warnings.filterwarnings("ignore", message=r"Creating legend with loc=\"best\" can be slow")
            return str(sections.section(key).render(self))

    def section(self, key: str) -> H.Html:
        """Section ``key`` of :data:`dealerlab.report.sections.SECTIONS`, rendered for this report (what each section
        cell of the report notebooks shows), with the consultant's note for it (``--notes``). In a report run's
        kernel some sections were built meanwhile by a forked child (:mod:`dealerlab.report.forked`): the same
        HTML, taken from there."""
        raw = self._worker.take(key) if self._worker is not None else None
        html = _keep_with_next(raw if raw is not None else self._render(key))
        generated = [re.sub(r"<[^>]+>", " ", m).strip() for m in self._READING.findall(html)]
        self._readings[key] = " ".join(html_lib.unescape(g) for g in generated if g)
        note = self._notes.sections.get(key) if self._notes is not None else None
        if note is None:
            return H.Html(html)
        if note.replace:
            html = self._READING.sub("", html)
        box = '<div class="dl-reading dl-note">' + "".join(f"<p>{H.esc(p.strip())}</p>" for p in note.text.split("\n\n") if p.strip()) + "</div>"
        at = html.find("</h2>")
        at = at + len("</h2>") if at >= 0 else 0
        return H.Html(html[:at] + box + html[at:])

    def write_deliverables(self) -> list[Path]:
        """Write the notes template (always, in ``audit/``), the deck (``pptx``), the metrics CSV, the findings CSV and
        the Excel appendix into the report folder (``folder``, names of :mod:`dealerlab.report.layout`); called by the
        report notebooks after the sections, so the files hold the figures and findings the report shows, computed
        once. Returns the files written."""
        if not self.params.folder:
            return []

        folder = Path(self.params.folder)
        texts = {s.key: (s.title(self.lang), self._readings.get(s.key, "")) for s in sections.for_scope(
            "store" if self.params.store_id else "group") if s.heading}
        written = [folder / file_name("notes", self.lang)]  # the consultant's, not the client's: under audit/
        written[0].parent.mkdir(parents=True, exist_ok=True)
        written[0].write_text(template(self, texts), encoding="utf-8")
        if self.params.pptx:
            from dealerlab.report.deck import write_deck

            written.append(write_deck(self, folder / file_name("pptx", self.lang), brand=self.brand))
        return written + self.write_tables(folder)

    def write_tables(self, folder: str | os.PathLike) -> list[Path]:
        """The metrics CSV (the trend window's months; store, consultant and — several stores — group rows), the
        findings CSV (the ranked findings of the executive summary, the consultant's notes applied) and the Excel
        appendix of this report into ``folder`` (names of :mod:`dealerlab.report.layout`); returns their paths."""
        from dealerlab.report.metrics_file import metrics_table, write_metrics

        folder = Path(folder)
        computed = {"store": self.metrics}
        if self._shared is not None and "staff" in self._shared:
            computed["staff"] = self._shared["staff"]
        if len(self.stores) > 1:
            computed["group"] = self.group_metrics
        long = metrics_table(self.ds, periods=self.periods, stores=self.stores, computed=computed)
        written = [write_metrics(long, folder / file_name("metrics", self.lang), lang=self.lang)]
        found = self.findings()
        written.append(write_findings(findings_frame(self, found, lang=self.lang), folder / file_name("findings", self.lang),
                                      lang=self.lang, findings=found))
        written.append(write_metrics(long, folder / file_name("xlsx", self.lang), lang=self.lang))
        return written

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

    def benchmark_note(self) -> str:
        """Where the benchmark values shown come from: the consultant's ``--benchmarks`` file, or the bundled
        ``data/funnel_benchmarks.csv`` (teaching defaults), per business type of the report's stores, and the
        after-sales rule (booth utilisation 60 %)."""
        bset = load_benchmark_set(self.params.benchmarks)
        stores = [self.params.store_id] if self.params.store_id else list(self.ds["stores"]["store_id"])
        kinds = sorted({store_business(self.ds, s) for s in stores}, key=str)
        lines = _TEXT.get("list_sep", self.lang).join(bset.source(k, self.lang) for k in kinds)
        if self.params.benchmarks:
            where = _TEXT.get("bench_user_file", self.lang, name=Path(self.params.benchmarks).name)
        else:
            where = _TEXT.get("bench_bundled", self.lang)
        mixed = len(kinds) > 1 and self.params.store_id is None
        return (_TEXT.get("bench_source", self.lang, where=where, lines=lines)
                + (_TEXT.get("bench_mixed", self.lang) if mixed else ""))

    def benchmarks(self, store_id: str | None = None) -> dict[str, float]:
        """Benchmarks shown beside the figures: the funnel's (bundled defaults or ``--benchmarks``) of the store's
        business type (docs/DOMAIN.md §10) and the after-sales line of §2 (booth utilisation 60 %).

        ``store_id`` (default: the report's store) picks the business type. In a group report of one business type
        that type's values are shown; in a group of mixed types only the values the types share are shown (a
        passenger-car line beside a commercial-vehicle store would contradict that store's findings).
        """
        bset = load_benchmark_set(self.params.benchmarks)
        sid = store_id if store_id is not None else self.params.store_id
        if sid is not None:
            funnel = bset.of(store_business(self.ds, sid))
        else:
            kinds = {store_business(self.ds, s) for s in self.ds["stores"]["store_id"]}
            per_kind = [bset.of(k) for k in sorted(kinds)] or [bset.of(None)]
            funnel = {m: v for m, v in per_kind[0].items() if all(d.get(m) == v for d in per_kind[1:])}
        out = {"booth_utilisation": 0.60}
        out.update(funnel)
        return out
