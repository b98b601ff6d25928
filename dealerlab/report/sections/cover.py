"""Report section: the cover (store, report month, trend window, date, data source)."""

from __future__ import annotations

import datetime as _dt

from dealerlab.report import html as H
from dealerlab.report.sections._common import zh_en


def build(ctx) -> H.Html:
    """The cover page (no section heading)."""
    lang = ctx.lang
    today = _dt.date.today().isoformat()
    title = zh_en(lang, "经销商经营诊断报告", "Dealer diagnostic report")
    rows = [
        (zh_en(lang, "门店", "Store"), ctx.store_label),
        (zh_en(lang, "诊断月份", "Period"), ctx.params.period),
        (zh_en(lang, "趋势区间", "Trend window"), f"{ctx.periods[0]} – {ctx.periods[-1]}"),
        (zh_en(lang, "报告日期", "Report date"), today),
        (zh_en(lang, "数据来源", "Data"), ctx.params.source),
    ]
    body = "".join(f"<tr><td>{H.esc(k)}</td><td><b>{H.esc(v)}</b></td></tr>" for k, v in rows)
    return H.Html(
        f'<div class="dl-cover"><h1>{H.esc(title)}</h1><div class="dl-sub">{H.esc(ctx.store_label)} · '
        f'{H.esc(ctx.params.period)}</div><table>{body}</table></div>'
    )
