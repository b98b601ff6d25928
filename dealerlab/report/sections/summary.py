"""Report section: the executive summary — the five findings with the most money at stake."""

from __future__ import annotations

from dealerlab.i18n import Catalogue
from dealerlab.report import html as H

_TXT = Catalogue.load("report/sections/summary")


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
