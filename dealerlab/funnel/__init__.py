"""Course module 3 — the sales funnel: counts, rates, diagnosis and what-if (DOMAIN.md §1; seeds 001, 002).

- :func:`funnel_counts` / :func:`funnel_rates`: every count and figure for many stores × months at once.
- :func:`long_metrics`: the funnel family in the long format of :mod:`dealerlab.metrics`.
"""

from dealerlab.funnel.counts import CHANNELS, COUNT_IDS, PRODUCTS, funnel_counts
from dealerlab.funnel.rates import FUNNEL_METRICS, RATE_SPECS, funnel_rates, long_metrics

__all__ = [
    "CHANNELS",
    "COUNT_IDS",
    "PRODUCTS",
    "FUNNEL_METRICS",
    "RATE_SPECS",
    "funnel_counts",
    "funnel_rates",
    "long_metrics",
]
