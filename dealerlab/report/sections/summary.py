"""Report section: the executive summary — the five findings with the most money at stake."""

from __future__ import annotations

from dealerlab.report import html as H
from dealerlab.report.sections._common import zh_en


def build(ctx) -> H.Html:
    """The top five findings of :meth:`~dealerlab.report.context.ReportContext.findings`, ranked, then the first
    finding of every other area that did not make the top five (so after-sales, targets... are never hidden)."""
    found = ctx.findings()
    items = found[:5]
    if not items:
        return H.reading(zh_en(ctx.lang, "本月各项指标均未发现明显短板。", "No clear weakness found this month."))
    lis = "".join(f"<li>{H.esc(f.headline(ctx.lang))}</li>" for f in items)
    seen = {f.section for f in items}
    others = []
    for f in found[5:]:
        if f.section not in seen:
            seen.add(f.section)
            others.append(f)
    intro = zh_en(
        ctx.lang,
        "按每月可多得的毛利（整车 + 衍生，不是收入）从大到小排列，没有金额的按严重程度排在后面：先做第一条。"
        "各条的金额不能相加。",
        "Ranked by the extra gross a month (vehicle + add-on, not revenue), then by severity: start with the first. "
        "The amounts do not add up.",
    )
    parts = [H.reading(intro), f'<ol class="dl-findings">{lis}</ol>']
    if others:
        parts += [H.reading(zh_en(ctx.lang, "其他领域的问题：", "Other areas:")),
                  "<ul>" + "".join(f"<li>{H.esc(f.headline(ctx.lang))}</li>" for f in others) + "</ul>"]
    return H.Html(parts)
