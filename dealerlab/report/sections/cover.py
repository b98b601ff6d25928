"""Report section: the cover (client, store, report month, trend window, date, data source; the ``--brand`` firm,
logo and contact line) and the running footer of the printed pages (client · store · month, page numbers)."""

from __future__ import annotations

import datetime as _dt

from dealerlab.i18n import Catalogue
from dealerlab.report import html as H

_TXT = Catalogue.load("report/sections/cover")


def build(ctx) -> H.Html:
    """The cover page (no section heading)."""
    lang = ctx.lang
    today = _dt.date.today().isoformat()
    title = _TXT.get("dealer_diagnostic_report", lang)
    rows = [
        (_TXT.get("client", lang), ctx.client_name),
        (_TXT.get("store", lang), ctx.store_label),
        (_TXT.get("period", lang), ctx.params.period),
        (_TXT.get("trend_window", lang), f"{ctx.periods[0]} – {ctx.periods[-1]}"),
        (_TXT.get("report_date", lang), today),
        (_TXT.get("data", lang), ctx.params.source),
    ]
    body = "".join(f"<tr><td>{H.esc(k)}</td><td><b>{H.esc(v)}</b></td></tr>" for k, v in rows)
    footer = f"{ctx.client_name} · {ctx.store_label} · {ctx.params.period}"
    brand = ctx.brand
    firm = ""
    if brand is not None:
        footer = " · ".join(x for x in (brand.firm, footer, brand.contact) if x)
        logo = f'<img class="dl-logo" alt="" src="{brand.logo_data_uri()}"/>' if brand.logo else ""
        firm = f'<div class="dl-brand">{logo}<span>{H.esc(brand.firm)}</span></div>'
    style = f"@page {{ @bottom-left {{ content: {H.css_string(footer)}; }} }}"
    if brand is not None:
        style += brand.css()
    return H.Html(
        f"<style>{style}</style>"
        f'<div class="dl-cover">{firm}<h1>{H.esc(title)}</h1><div class="dl-sub">{H.esc(ctx.client_name)} · '
        f'{H.esc(ctx.store_label)} · {H.esc(ctx.params.period)}</div><table>{body}</table>'
        + (f'<div class="dl-contact">{H.esc(brand.contact)}</div>' if brand is not None and brand.contact else "")
        + "</div>"
    )
