"""Report section: the executive summary — the five findings with the most money at stake."""

from __future__ import annotations

from dealerlab.i18n import Catalogue
from dealerlab.report import html as H

_TXT = Catalogue({
    "no_clear_weakness_found": {"zh": "本月各项指标均未发现明显短板。", "en": "No clear weakness found this month."},
    "ranked_extra_gross_month": {
        "zh": "按每月可多得的毛利（整车 + 衍生，不是收入）从大到小排列，没有金额的按严重程度排在后面：先做第一条。各条的金额不能相加。",
        "en": "Ranked by the extra gross a month (vehicle + add-on, not revenue), then by severity: start with the first. The amounts do not add up.",
    },
    "other_areas": {"zh": "其他领域的问题：", "en": "Other areas:"},
    "findings_across_stores_ranked": {"zh": "各门店发现排序（集团）", "en": "Findings across the stores, ranked"},
})


def build(ctx) -> H.Html:
    """The key figures (cards with their changes and trend), the top five findings of :meth:`~dealerlab.report.context.ReportContext.findings`, ranked, then the first
    finding of every other area that did not make the top five (so after-sales, targets... are never hidden)."""
    found = ctx.findings()
    items = found[:5]
    if not items:
        return H.Html([ctx.summary_cards(), H.reading(_TXT.get("no_clear_weakness_found", ctx.lang))])
    lis = "".join(f"<li>{H.esc(f.headline(ctx.lang))}</li>" for f in items)
    seen = {f.section for f in items}
    others = []
    for f in found[5:]:
        if f.section not in seen:
            seen.add(f.section)
            others.append(f)
    intro = _TXT.get("ranked_extra_gross_month", ctx.lang)
    parts = [ctx.summary_cards(), H.reading(intro), f'<ol class="dl-findings">{lis}</ol>']
    if others:
        parts += [H.reading(_TXT.get("other_areas", ctx.lang)),
                  "<ul>" + "".join(f"<li>{H.esc(f.headline(ctx.lang))}</li>" for f in others) + "</ul>"]
    if ctx.params.store_id is None and len(ctx.stores) > 1:
        parts += [H.h3(_TXT.get("findings_across_stores_ranked", ctx.lang)), ctx.findings_table()]
    return H.Html(parts)
