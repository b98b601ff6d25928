"""Findings: what the report ranks in its executive summary and turns into a PDCA action plan.

Each course module contributes findings through a collector below; the report ranks them by the money at stake
(revenue in yuan: sales at stake × the store's mean price, service revenue at stake, ...), then by sales at stake.
Collectors use the modules' own functions, so a finding's numbers are the numbers of the module's tests.
A collector whose data is missing contributes nothing (the section itself says the data is missing).
"""

from __future__ import annotations

from collections.abc import Callable

from dealerlab.errors import DealerlabError
from dealerlab.report.finding import Action, Finding

__all__ = ["Action", "Finding", "collect_findings"]


def collect_findings(ctx, collectors: list[Callable] | None = None) -> list[Finding]:
    """Every collector's findings (``f(ctx) -> list[Finding]``, default those of :mod:`dealerlab.report.sections`)
    for the report context ``ctx``, ranked by money then sales at stake. A collector whose data is missing adds none."""
    if collectors is None:
        from dealerlab.report.sections import COLLECTORS as collectors
    out: list[Finding] = []
    for func in collectors:
        try:
            out.extend(func(ctx))
        except DealerlabError:
            continue
    return sorted(out, key=Finding.sort_key)
