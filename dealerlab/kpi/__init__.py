"""Course module 2 — KPI design: nine-factor cards, validation, the setting workflow, scoring, the library, Excel.

docs/DOMAIN.md §4. Formulas are read by the safe formula language of :mod:`dealerlab.kpi.formula`. The library table itself
is :func:`dealerlab.kpi.library.library` (not re-exported here, so that the name keeps meaning the submodule).
"""

from dealerlab.kpi.card import (
    DIRECTIONS,
    EXTRA_METRICS,
    FACTORS,
    FIELDS,
    PERSPECTIVES,
    STATUSES,
    KpiCard,
    KpiCardError,
    StatusChange,
    WorkflowError,
    advance,
    cards_from_frame,
    cards_to_frame,
    check_cards,
    validate_cards,
)
from dealerlab.kpi.excel import read_cards, write_cards
from dealerlab.kpi.library import DEPARTMENT_SETS, ROLE_SETS, library_cards, library_sets
from dealerlab.kpi.scoring import card_actuals, card_rate, metric_values, owner_scores, score_cards, score_on_dataset

__all__ = [
    "DEPARTMENT_SETS",
    "ROLE_SETS",
    "library_cards",
    "library_sets",
    "read_cards",
    "write_cards",
    "DIRECTIONS",
    "EXTRA_METRICS",
    "FACTORS",
    "FIELDS",
    "PERSPECTIVES",
    "STATUSES",
    "KpiCard",
    "KpiCardError",
    "StatusChange",
    "WorkflowError",
    "advance",
    "cards_from_frame",
    "cards_to_frame",
    "check_cards",
    "validate_cards",
    "card_actuals",
    "card_rate",
    "metric_values",
    "owner_scores",
    "score_cards",
    "score_on_dataset",
]
