"""The types of the report's findings: :class:`Finding` (what the executive summary ranks) and :class:`Action` (its
5W1H plan line). Kept apart from :mod:`dealerlab.report.findings` (the ranking) so that the sections, which make
findings, and the ranking, which collects them from the sections, do not import each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Action", "Finding"]


@dataclass(frozen=True)
class Action:
    """A 5W1H plan line: what, why, who, when, where, how (zh; en optional)."""

    what: str
    why: str
    who: str
    when: str
    where: str
    how: str
    en: tuple[str, str, str, str, str, str] | None = None

    def fields(self, lang: str = "zh") -> list[str]:
        if lang == "en" and self.en:
            return list(self.en)
        return [self.what, self.why, self.who, self.when, self.where, self.how]


@dataclass(frozen=True)
class Finding:
    section: str
    title_zh: str
    title_en: str
    detail_zh: str
    detail_en: str
    metric: str | None = None
    value: float = math.nan
    benchmark: float = math.nan
    sales_at_stake: float = math.nan  # units a month
    revenue_at_stake: float = math.nan  # yuan a month
    action: Action | None = None

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def detail(self, lang: str = "zh") -> str:
        return self.detail_en if lang == "en" else self.detail_zh

    def headline(self, lang: str = "zh") -> str:
        stake = ""
        if not math.isnan(self.revenue_at_stake):
            stake = (f"（每月影响收入约 {self.revenue_at_stake / 10000:,.1f} 万元）" if lang == "zh"
                     else f" (about {self.revenue_at_stake:,.0f} yuan a month at stake)")
        return f"{self.title(lang)}：{self.detail(lang)}{stake}" if lang == "zh" else f"{self.title(lang)}: {self.detail(lang)}{stake}"

    def metric_label(self, lang: str = "zh") -> str:
        from dealerlab.metrics import label

        return label(self.metric, lang) if self.metric else ""

    def sort_key(self) -> tuple[float, float]:
        rev = -self.revenue_at_stake if not math.isnan(self.revenue_at_stake) else 0.0
        units = -self.sales_at_stake if not math.isnan(self.sales_at_stake) else 0.0
        return (rev, units)
