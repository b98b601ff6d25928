"""Report section: the executive summary — the five findings with the most money at stake."""

from __future__ import annotations

from dealerlab.report import html as H
from dealerlab.report.sections._common import zh_en


def build(ctx) -> H.Html:
    """The key figures (cards with their changes and trend), the top five findings of :meth:`~dealerlab.report.context.ReportContext.findings`, ranked."""
    items = ctx.findings()[:5]
    if not items:
        return H.Html([ctx.summary_cards(), H.reading(zh_en(ctx.lang, "本月各项指标均未发现明显短板。", "No clear weakness found this month."))])
    lis = "".join(f"<li>{H.esc(f.headline(ctx.lang))}</li>" for f in items)
    intro = zh_en(
        ctx.lang,
        "按影响的销量或收入从大到小排列：先做第一条。",
        "Ranked by the sales or revenue at stake: start with the first.",
    )
    parts = [ctx.summary_cards(), H.reading(intro), f'<ol class="dl-findings">{lis}</ol>']
    if ctx.params.store_id is None and len(ctx.stores) > 1:
        parts += [H.h3(zh_en(ctx.lang, "各门店发现排序（集团）", "Findings across the stores, ranked")), ctx.findings_table()]
    return H.Html(parts)
