"""What a report notebook calls: load the data once, then one method per section returning displayable HTML.

The report notebooks (``dealerlab/report/notebooks``) are thin: a parameters cell, then one cell per section calling
``rep.section("<key>")`` (the sections and their order: :data:`dealerlab.report.sections.SECTIONS`). Everything a
section shows is computed by the course modules' functions — the same ones the notebooks, ``metrics.csv`` and the
tests use — and every client string is escaped (:mod:`dealerlab.report.html`).
A section whose module or data is missing says so instead of failing.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dealerlab import figures
from dealerlab._options import check_lang
from dealerlab.i18n import Catalogue
from dealerlab.report import html as H
from dealerlab.report import sections
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


_TEXT = Catalogue({"group": {"zh": "集团（全部门店）", "en": "Group (all stores)"}})


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
        long = figures.compute(ds, periods=periods, stores=stores)
        return cls(params, ds, periods, stores, long)

    # ---- helpers -------------------------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.params.lang

    @property
    def store_label(self) -> str:
        if self.params.store_id is None:
            return _TEXT.get("group", self.lang)
        return f"{self.ds.store_name(self.params.store_id)}（{self.params.store_id}）"

    def value(self, metric: str, *, period: str | None = None, store_id: str | None = None) -> float:
        """The metric's value from the report's metrics table (what ``metrics.csv`` holds)."""
        period = period or self.params.period
        store_id = store_id or self.params.store_id
        m = self.metrics
        hit = m[(m["metric"] == metric) & (m["period"] == period) & (m["store_id"] == store_id)]
        return float(hit["value"].iloc[0]) if len(hit) and pd.notna(hit["value"].iloc[0]) else math.nan

    @property
    def collectors(self) -> list:
        """The findings functions of the registered sections (:data:`dealerlab.report.sections.COLLECTORS`)."""
        return sections.COLLECTORS

    def findings(self) -> list[Finding]:
        if self._findings is None:
            self._findings = collect_findings(self)
        return self._findings

    def section(self, key: str) -> H.Html:
        """Section ``key`` of :data:`dealerlab.report.sections.SECTIONS`, rendered for this report (what each section
        cell of the report notebooks shows)."""
        return sections.section(key).render(self)

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

    def benchmarks(self) -> dict[str, float]:
        """Benchmarks shown beside the figures: the funnel's (bundled defaults or ``--benchmarks``) and the
        after-sales lines of docs/DOMAIN.md §2 (booth utilisation 60 %)."""
        from dealerlab.funnel.diagnosis import load_benchmarks

        out = {"booth_utilisation": 0.60}
        out.update(load_benchmarks(self.params.benchmarks))
        return out
