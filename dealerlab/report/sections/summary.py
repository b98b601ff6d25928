"""Report section: the executive summary — the five findings with the most money at stake."""

from __future__ import annotations

from dealerlab.report import html as H
from dealerlab.report.sections._common import zh_en


def build(ctx) -> H.Html:
    """The top five findings of :meth:`~dealerlab.report.context.ReportContext.findings`, ranked."""
    items = ctx.findings()[:5]
    if not items:
        return H.reading(zh_en(ctx.lang, "本月各项指标均未发现明显短板。", "No clear weakness found this month."))
    lis = "".join(f"<li>{H.esc(f.headline(ctx.lang))}</li>" for f in items)
    intro = zh_en(
        ctx.lang,
        "按影响的销量或收入从大到小排列：先做第一条。",
        "Ranked by the sales or revenue at stake: start with the first.",
    )
    return H.Html([H.reading(intro), f'<ol class="dl-findings">{lis}</ol>'])
