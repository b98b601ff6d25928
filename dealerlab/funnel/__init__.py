"""Course module 3 — the sales funnel: counts, rates, diagnosis and what-if (docs/DOMAIN.md §1; seeds 001, 002).

- :func:`funnel_counts` / :func:`funnel_rates`: every count and figure for many stores × months at once
  (vectorised; :mod:`dealerlab.funnel.counts` explains how).
- :func:`long_metrics`: the funnel family in the long format of :mod:`dealerlab.metrics`.
- :func:`diagnose` / :func:`compare` / :func:`actions` / :func:`action_plan`: benchmarks per business type, last 3
  months, the bottleneck by gross at stake, and the SGM step's root cause → improvement → owner → tool rows.
- :func:`traffic_mix` / :func:`lead_sources`: the traffic mix by source and the leads by source with the share sold
  (:mod:`dealerlab.funnel.sources`).
- :func:`path_shares` / :func:`stage_gains` / :func:`what_if`: what a stage is worth — conversion by path over the
  closed-lead cohort, reachable and benchmark targets, extra sales and total gross (docs/DOMAIN.md §10,
  :mod:`dealerlab.funnel.paths`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from dealerlab._docstrings import share_docs
from dealerlab.funnel.benchmarks import (
    BUSINESS_TYPES,
    BenchmarkSet,
    load_benchmark_set,
    load_benchmarks,
    store_business,
)
from dealerlab.funnel.counts import CHANNELS, COUNT_IDS, PRODUCTS, funnel_counts
from dealerlab.funnel.diagnosis import STEP_OF, STEPS, action_plan, actions, compare, diagnose
from dealerlab.funnel.paths import STAGES, path_shares, reachable_target, stage_extra_sales, stage_gains, what_if
from dealerlab.funnel.rates import FUNNEL_METRICS, RATE_SPECS, funnel_rates
from dealerlab.funnel.sources import lead_sources, traffic_mix

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "CHANNELS",
    "COUNT_IDS",
    "PRODUCTS",
    "FUNNEL_METRICS",
    "RATE_SPECS",
    "STAGES",
    "STEPS",
    "STEP_OF",
    "funnel_counts",
    "funnel_rates",
    "long_metrics",
    "compare",
    "diagnose",
    "actions",
    "action_plan",
    "load_benchmarks",
    "load_benchmark_set",
    "store_business",
    "BUSINESS_TYPES",
    "BenchmarkSet",
    "path_shares",
    "stage_gains",
    "stage_extra_sales",
    "reachable_target",
    "what_if",
    "traffic_mix",
    "lead_sources",
]


@share_docs
def long_metrics(ds: Dataset, *, periods, stores=None, by_staff: bool = False, lang: str = "zh"):
    """Every funnel-family metric id of :data:`dealerlab.metrics.METRICS` in the long format.

    Parameters
    ----------
    ds : Dataset or path
        The client data — from :data:`~dealerlab.funnel.engine_duckdb.DUCKDB_FROM_ROWS` event rows on counted by
        DuckDB over the tables in memory (:func:`~dealerlab.funnel.engine_duckdb.choose_engine_dataset`), by pandas
        below; or a data folder: a folder of Parquet tables (validated when it arrived) is counted by
        DuckDB from :data:`~dealerlab.funnel.engine_duckdb.DUCKDB_FROM_ROWS` event rows on and by pandas below
        (:func:`~dealerlab.funnel.engine_duckdb.choose_engine`; the same numbers and reasons), any other path is
        loaded and validated first.
    %(funnel_long)s
    """
    # the engine choice lives here, above both engines: rates (pandas) and engine_duckdb (which reuses rates'
    # formulas) never import each other both ways
    if isinstance(ds, (str, os.PathLike)):  # a data folder: the engine is chosen by its size
        from dealerlab.funnel.engine_duckdb import long_metrics_folder

        return long_metrics_folder(ds, periods=periods, stores=stores, by_staff=by_staff, lang=lang)
    # an in-memory Dataset: DuckDB over its tables for a large group (engine_duckdb.choose_engine_dataset), else pandas
    from dealerlab.funnel.engine_duckdb import long_metrics_dataset

    return long_metrics_dataset(ds, periods=periods, stores=stores, by_staff=by_staff, lang=lang)
