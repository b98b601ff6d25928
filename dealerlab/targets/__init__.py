"""Course module 1 — goals and targets (docs/DOMAIN.md §3).

* :mod:`~dealerlab.targets.smart` — the SMART check of a goal written field by field.
* :mod:`~dealerlab.targets.days` — selling days, not office days: day weights from the store's own weekday/holiday
  pattern (or the defaults), 时间进度 from those weights; official working days as an option.
* :mod:`~dealerlab.targets.split` — exact integer splits: year → months → weeks → days, store → consultants,
  the multi-branch tree (多杈树法) and onion peeling (剥洋葱法).
* :mod:`~dealerlab.targets.setting` — the year target from the factory VP and the group appraisal (+ margin).
* :mod:`~dealerlab.targets.rebalance` — weekly rebalancing and the two-tier month reset after week 2.
* :mod:`~dealerlab.targets.achievement` — month-to-date achievement, the amount-vs-rate matrix, 人均单产.

Charts are in :mod:`dealerlab.plots.targets`.
"""

from dealerlab.targets.achievement import (
    METRICS,
    QUADRANTS,
    achievement,
    actuals,
    amount_rate_matrix,
    daily_close,
    per_head_output,
    ranked_table,
)
from dealerlab.targets.days import (
    BASES,
    DAY_TYPES,
    DEFAULT_WEIGHTS,
    day_weights,
    selling_pattern,
    span_weights,
    time_progress,
)
from dealerlab.targets.rebalance import TIERS, rebalance_weeks, retier_month
from dealerlab.targets.setting import policy_target
from dealerlab.targets.smart import GOAL_FIELDS, VAGUE_WORDS, Goal, smart_check
from dealerlab.targets.split import (
    consultants_in_month,
    monthly_volume,
    onion_peel,
    split_consultants,
    split_days,
    split_integer,
    split_month,
    split_year,
    tree_split,
)

__all__ = [
    "Goal",
    "GOAL_FIELDS",
    "VAGUE_WORDS",
    "smart_check",
    "split_integer",
    "split_year",
    "split_month",
    "split_days",
    "split_consultants",
    "consultants_in_month",
    "monthly_volume",
    "tree_split",
    "onion_peel",
    "policy_target",
    "rebalance_weeks",
    "retier_month",
    "TIERS",
    "time_progress",
    "day_weights",
    "selling_pattern",
    "span_weights",
    "BASES",
    "DAY_TYPES",
    "DEFAULT_WEIGHTS",
    "actuals",
    "achievement",
    "daily_close",
    "amount_rate_matrix",
    "ranked_table",
    "per_head_output",
    "QUADRANTS",
    "METRICS",
]
