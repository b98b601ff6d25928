"""The type of the report's findings (docs/DOMAIN.md §10): :class:`Finding`, what the executive summary ranks, with its
action row (the PDCA :class:`~dealerlab.pdca.cycle.Action` type — one 5W1H type in the package). Kept apart from
:mod:`dealerlab.report.findings` (the ranking and the action plan) so that the sections, which make findings, and the
ranking, which collects them from the sections, do not import each other.

A finding carries: store, area, metric, current value, target and its source (benchmark / own best / half the gap /
target table / rule), the baseline period, extra sales and extra gross a month (vehicle + add-on gross, never revenue;
NaN where no money can be attached), its share of the store's gross of the month, the benchmark and what reaching it
would be worth, the evidence (the numbers behind it), a severity (0–1, used to rank findings without money) and its
action. ``value``/``benchmark`` are kept as aliases of ``current``/``benchmark`` for older callers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from dealerlab.i18n import Catalogue, pick
from dealerlab.pdca.cycle import Action
from dealerlab.report.fmt import fmt
from dealerlab.report.labels import col

__all__ = ["Action", "Finding", "AREAS"]

#: a figure in a text (``176,800``, ``3``, ``97.5%``)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
#: the ways a Chinese detail may already write an amount in 万 (matched in the text, never shown from here)
_WAN_FORMS = ("{:,.1f} 万元", "{:,.1f} 万")
_TXT = Catalogue.load("report/finding")

#: area key → (zh, en)
AREAS = _TXT.pairs("area")


@dataclass(frozen=True)
class Finding:
    """One finding of the diagnosis (fields described in the module docstring)."""

    section: str
    title_zh: str
    title_en: str
    detail_zh: str
    detail_en: str
    metric: str | None = None
    value: float = math.nan  # the current value
    benchmark: float = math.nan
    sales_at_stake: float = math.nan  # = extra_sales (older name)
    revenue_at_stake: float = math.nan  # withdrawn: findings are valued in gross, never revenue; kept for old callers
    action: Action | None = None
    store_id: str = ""
    target: float = math.nan
    target_source: str = ""
    baseline: str = ""
    extra_sales: float = math.nan
    extra_gross: float = math.nan
    share_of_gross: float = math.nan
    benchmark_source: str = ""
    benchmark_extra_sales: float = math.nan
    benchmark_extra_gross: float = math.nan
    evidence: str = ""
    severity: float = 0.0
    lower_is_better: bool = False
    check_date: str = ""

    @property
    def area(self) -> str:
        return self.section

    @property
    def current(self) -> float:
        return self.value

    def title(self, lang: str = "zh") -> str:
        return pick(lang, self.title_zh, self.title_en)

    def detail(self, lang: str = "zh") -> str:
        return pick(lang, self.detail_zh, self.detail_en)

    def area_label(self, lang: str = "zh") -> str:
        return AREAS.label(self.section, lang)

    def headline(self, lang: str = "zh") -> str:
        """The finding as one summary line: area, title, detail and what it is worth a month — each figure once.

        A clause of the title whose figures the detail repeats is left out (``…，返利多 176,800 元`` when the detail
        says it too), and the money a month and its share of the gross are added only when the text does not
        already say them; money is formatted by :func:`dealerlab.report.fmt.fmt` (one format for the figure).
        """
        title, detail = self.title(lang), self.detail(lang)
        sep = _TXT.text("list_sep", lang)
        head, *rest = title.split(sep)
        kept = [head] + [c for c in rest if not (_NUMBER.findall(c) and all(n in detail for n in _NUMBER.findall(c)))]
        title = sep.join(kept)
        text = f"{title} {detail}"
        bits = []
        g = self.extra_gross
        if math.isfinite(g) and g > 0:
            shown = fmt(g, "money", lang)
            said = (shown, f"{g:,.0f}") + (tuple(form.format(g / 1e4) for form in _WAN_FORMS) if lang != "en" else ())
            if not any(x in text for x in said):
                bits.append(_TXT.get("gross_a_month", lang, money=shown))
            share = self.share_of_gross
            if math.isfinite(share) and f"{share:.1%}" not in text:
                bits.append(_TXT.get("share_of_gross", lang, share=share))
        stake = _TXT.get("stake", lang, bits=sep.join(bits)) if bits else ""
        return _TXT.get("headline", lang, area=self.area_label(lang), title=title, detail=detail, stake=stake)

    def metric_label(self, lang: str = "zh") -> str:
        if not self.metric:
            return ""
        return col(self.metric, lang)  # registry ids and the findings' own check figures (bottom_out, churn …)

    def sort_key(self) -> tuple[int, float, float]:
        """Money first (largest extra gross), then the rest by severity."""
        g = self.extra_gross
        if math.isfinite(g) and g > 0:
            return (0, -g, 0.0)
        return (1, -self.severity, 0.0)
