"""Course module 4 — PDCA and the management cadence (docs/DOMAIN.md §8, seeds 001 and 004).

- :mod:`dealerlab.pdca.cycle` — the PDCA cycle model: problem, metric, baseline, target, deadline; 5W1H/6W2H actions
  with completeness feedback; Do log; Check on the data; Act; chains; JSON/Excel files.
- :mod:`dealerlab.pdca.control` — event counts by week/month, p-chart (with run rule), run chart.
- :mod:`dealerlab.pdca.cadence` — seed 001's daily / weekly / immediate / monthly dashboard with traffic lights.
- :mod:`dealerlab.pdca.tools` — fishbone (6M) table, event rate by group, one store against its peers.

The after-sales figures themselves live in :mod:`dealerlab.pdca.aftersales`; charts in :mod:`dealerlab.plots.pdca`.
"""

from dealerlab.pdca.cadence import CADENCE, DEFAULT_BENCHMARKS, cadence_table, complaint_status
from dealerlab.pdca.control import event_counts, p_chart, run_chart
from dealerlab.pdca.cycle import (
    EIGHT_STEPS,
    FIELD_LABELS,
    REQUIRED_FIELDS,
    SCHEMES,
    Action,
    CheckResult,
    Cycle,
    LogEntry,
    chain,
    check_plan,
    cycles_from_json,
    cycles_to_json,
    load_cycles,
    plan_is_complete,
    save_cycles,
)
from dealerlab.pdca.tools import BONES, BONES_EN, fishbone, peer_compare, rate_by

__all__ = [
    "Action",
    "BONES",
    "BONES_EN",
    "CADENCE",
    "CheckResult",
    "Cycle",
    "DEFAULT_BENCHMARKS",
    "EIGHT_STEPS",
    "FIELD_LABELS",
    "LogEntry",
    "REQUIRED_FIELDS",
    "SCHEMES",
    "cadence_table",
    "chain",
    "check_plan",
    "complaint_status",
    "cycles_from_json",
    "cycles_to_json",
    "event_counts",
    "fishbone",
    "load_cycles",
    "p_chart",
    "peer_compare",
    "plan_is_complete",
    "rate_by",
    "run_chart",
    "save_cycles",
]
