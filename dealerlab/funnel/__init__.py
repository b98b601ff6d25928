"""Course module 3 — the sales funnel: counts, rates, diagnosis and what-if (DOMAIN.md §1; seeds 001, 002).

- :func:`funnel_counts` / :func:`funnel_rates`: every count and figure for many stores × months at once
  (vectorised; :mod:`dealerlab.funnel.counts` explains how).
- :func:`long_metrics`: the funnel family in the long format of :mod:`dealerlab.metrics`.
- :func:`diagnose` / :func:`compare` / :func:`actions` / :func:`action_plan`: benchmarks, last 3 months, the
  bottleneck by sales at stake, and the SGM step's root cause → improvement → owner → tool rows.
- :func:`what_if`: change stage rates → extra showroom sales and gross profit (multiplicative funnel model,
  defined in :mod:`dealerlab.funnel.whatif`).
"""

from dealerlab.funnel.counts import CHANNELS, COUNT_IDS, PRODUCTS, funnel_counts
from dealerlab.funnel.diagnosis import STEP_OF, STEPS, action_plan, actions, compare, diagnose, load_benchmarks
from dealerlab.funnel.rates import FUNNEL_METRICS, RATE_SPECS, funnel_rates, long_metrics
from dealerlab.funnel.whatif import STAGES, what_if

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
    "what_if",
]
