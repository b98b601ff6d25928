"""Report section: the PDCA action plan — the 5W1H action of each of the top findings."""

from __future__ import annotations

from dealerlab.i18n import Catalogue
from dealerlab.report import html as H
from dealerlab.report.findings import plan_actions

_TXT = Catalogue.load("report/sections/actions")


def build(ctx) -> H.Html:
    """The action rows of the ranked findings (:func:`~dealerlab.report.findings.plan_actions`): at most 8, each
    with an owner, staggered future start and check dates, and its check metric baseline → numeric target."""
    lang = ctx.lang
    plan = plan_actions(ctx, ctx.findings(), lang=lang)
    if plan.empty:
        return H.reading(_TXT.get("no_improvement_cycle_needed", lang))
    # owner and dates never break inside (a narrow column of one character a line is unreadable on A4)
    show = plan.assign(
        who=[_nowrap(w) for w in plan["who"]], where=[_nowrap(w) for w in plan["where"]],
        when=[H.Html(f'{_nowrap(a)}<br>{_nowrap(b)}') for a, b in zip(plan["start"], plan["check_date"])])
    cols = {"title": _TXT.get("problem", lang), "what": _TXT.get("what", lang), "why": _TXT.get("why", lang),
            "who": _TXT.get("who", lang), "when": _TXT.get("when", lang),
            "where": _TXT.get("where", lang), "how": _TXT.get("how", lang),
            "check_metric": _TXT.get("check_metric", lang), "check": _TXT.get("baseline_target", lang)}
    return H.Html([
        H.reading(_TXT.get("top_findings_each_open", lang, plan=len(plan))),
        H.table(show[list(cols)].rename(columns=cols), lang=ctx.lang),
    ])


def _nowrap(text) -> H.Html:
    return H.Html(f'<span class="dl-nowrap">{H.esc(str(text))}</span>')
