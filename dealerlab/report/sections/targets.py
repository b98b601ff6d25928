"""Report section: targets and consultants: store achievement against time progress, the consultants' board and amount × rate matrix (course module 1).

Time progress is on each store's selling days (docs/DOMAIN.md §3: its own weekday/holiday pattern over the 12 months before
the month, else the defaults), from :func:`dealerlab.targets.achievement` — the same numbers as notebook 01 and
exercise 1C.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab import _batch as batch
from dealerlab import pay
from dealerlab.i18n import Catalogue
from dealerlab.plots.targets import plot_amount_rate, plot_progress_board
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.findings import _person, action_why, area_action, store_gross, total_gross_per_unit
from dealerlab.report.labels import value_label
from dealerlab.report.sections._common import latest_bottom_out, staff_names
from dealerlab.targets import achievement, amount_rate_matrix, day_weights, ranked_table

_TXT = Catalogue.load("report/sections/targets")


def build(ctx) -> H.Html:
    """Store achievement against time progress; for a store also the consultants' board and amount × rate matrix."""
    lang = ctx.lang
    sid = ctx.params.store_id
    stores = [sid] if sid else ctx.stores
    store = batch.across_stores(achievement, ctx.ds, stores=stores, period=ctx.params.period, lang=lang)
    parts = []
    rows = []
    for r in store.itertuples():
        rows.append({"store_id": r.store_id, "target": r.target, "actual": r.actual, "achievement": r.achievement,
                     "time_progress": r.time_progress, "stretch_achievement": r.stretch_achievement})
    parts.append(H.table(pd.DataFrame(rows), lang=lang, numeric_formats={
        "target": "count", "actual": "count", "achievement": "rate", "time_progress": "rate", "stretch_achievement": "rate"}))
    if sid is None:
        return H.Html(parts)
    cons = batch.across_stores(achievement, ctx.ds, stores=[sid], period=ctx.params.period, by_staff=True, lang=lang)
    names = staff_names(ctx)
    cons = cons.assign(name=cons["staff_id"].map(names).fillna(cons["staff_id"]))
    fig, ax = plt.subplots(figsize=(9, max(3.5, 0.38 * len(cons) + 1)))
    plot_progress_board(cons, label="name", ax=ax, lang=lang)
    parts += [H.h3(_TXT.get("consultants_progress_board", lang)), H.figure(fig)]
    matrix = amount_rate_matrix(cons.dropna(subset=["achievement"]), lang=lang)
    if len(matrix) and not matrix["matrix_ok"].all():  # under 4 consultants: a ranked table, no quadrants
        ranked = ranked_table(matrix.assign(name=matrix["staff_id"].map(names)))
        parts += [H.h3(_TXT.get("consultants_ranked_achievement_under", lang)),
                  H.table(ranked[["rank", "name", "actual", "achievement", "advice"]].rename(columns={
                      "rank": _TXT.get("rank", lang), "name": _TXT.get("consultant", lang), "actual": _TXT.get("actual", lang),
                      "achievement": _TXT.get("achievement", lang), "advice": _TXT.get("coaching", lang)}),
                      numeric_formats={_TXT.get("achievement", lang): "rate"})]
    elif len(matrix):
        fig, ax = plt.subplots(figsize=(8, 5.5))
        plot_amount_rate(matrix.assign(name=matrix["staff_id"].map(names)), label="name", ax=ax, lang=lang)
        parts += [H.h3(_TXT.get("amount_rate_matrix", lang)), H.figure(fig)]
        cols = ["name", "actual", "achievement", "quadrant_name", "advice"]
        show = matrix.assign(name=matrix["staff_id"].map(names))[cols]
        # consistency (docs/DOMAIN.md §10): a star of the month whom the quarterly bottom-out rule eliminates or
        # suspends (people section) is not held up as the example to follow
        judged = latest_bottom_out(ctx, sid).set_index("staff_id")
        for i, r in matrix.iterrows():
            status = judged["status"].get(r["staff_id"]) if len(judged) else None
            if r.get("quadrant") == "star" and status in (pay.STATUS_ELIMINATED, pay.STATUS_SUSPENDED):
                quarter = judged.loc[r["staff_id"], "quarter"]
                show.loc[i, "quadrant_name"] = _TXT.get("high_high_quarter_below", lang)
                show.loc[i, "advice"] = _TXT.get("good_month_but_bottom", lang, quarter=quarter,
                                                         status=value_label(status, lang))
        parts.append(H.table(show.rename(columns={"name": _TXT.get("consultant", lang), "actual": _TXT.get("actual", lang),
                                                  "achievement": _TXT.get("achievement", lang), "quadrant_name": _TXT.get("quadrant", lang),
                                                  "advice": _TXT.get("coaching", lang)}),
                             numeric_formats={_TXT.get("achievement", lang): "rate"}, lang=ctx.lang))
    behind = store.iloc[0]
    as_of = pd.Timestamp(behind.as_of)
    source = str(day_weights(ctx.params.period, ds=ctx.ds, store_id=sid, lang=lang)["source"].iloc[0])
    ahead = pd.notna(behind.achievement) and behind.achievement >= behind.time_progress
    stretch = behind.stretch if pd.notna(behind.stretch) else (float(int(1.1 * behind.target + 0.5)) if pd.notna(behind.target) else None)
    fv = H.fmt_value
    if ahead and stretch and behind.time_progress < 1:
        more = _TXT.get("stretch_ahead", lang, stretch=fv(stretch, "count", lang),
                        left=fv(max(stretch - behind.actual, 0.0), "count", lang))
    elif ahead and stretch:
        more = _TXT.get("stretch_done", lang, stretch=fv(stretch, "count", lang),
                        rate=fv(behind.actual / stretch, "rate", lang))
    elif behind.time_progress >= 1:  # the month is over: nothing left to rebalance (docs/DOMAIN.md §10)
        more = _TXT.get("month_over", lang)
    else:
        more = _TXT.get("rebalance", lang)
    parts.append(H.reading(_TXT.get(
        "progress", lang, target=fv(behind.target, "count", lang), month=as_of.month, day=as_of.day, date=as_of,
        actual=fv(behind.actual, "count", lang), achievement=fv(behind.achievement, "rate", lang),
        time_progress=fv(behind.time_progress, "rate", lang), source=source, more=more,
    )))
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """Target shortfall (docs/DOMAIN.md §10): the month missed, or achievement behind time progress by ≥ 10 points; the gap
    in units × total gross per unit. A finished month gets no "re-split the remaining weeks" advice."""
    lang = ctx.lang
    out = []
    stores = [ctx.params.store_id] if ctx.params.store_id else ctx.stores
    store = batch.across_stores(achievement, ctx.ds, stores=stores, period=ctx.params.period)
    for r in store.itertuples():
        if not (pd.notna(r.achievement) and pd.notna(r.time_progress) and r.target > 0):
            continue
        over = r.time_progress >= 1 - 1e-9
        if over and r.achievement < 1:
            gap, key = r.target - r.actual, "volume"
            detail = _TXT.get("missed_detail", "zh", target=r.target, actual=r.actual, achievement=r.achievement, gap=gap)
            detail_en = f"target {r.target:,.0f}, actual {r.actual:,.0f} ({r.achievement:.1%}): {gap:,.0f} short (month over)"
            title = _TXT.both("missed_title", sid=r.store_id)
        elif not over and r.time_progress - r.achievement >= 0.10:
            gap, key = r.target * r.time_progress - r.actual, "volume_progress"
            detail = _TXT.get("behind_detail", "zh", achievement=r.achievement, progress=r.time_progress, gap=gap)
            detail_en = f"achievement {r.achievement:.1%} vs time progress (selling days) {r.time_progress:.1%}: {gap:,.0f} units behind"
            title = _TXT.both("behind_title", sid=r.store_id)
        else:
            continue
        tgpu = total_gross_per_unit(ctx, r.store_id)
        gross = gap * tgpu
        sg = store_gross(ctx, r.store_id)
        a = area_action(key, lang)
        action = Action(what=a["improvement"], why=action_why(ctx, a["root_cause"], detail, detail_en),
                        who=_person(ctx, r.store_id, a["owner"]),
                        where=a["where"], how=a["how"]) if a else None
        out.append(Finding(
            section="targets", metric="volume", value=float(r.actual), benchmark=float(r.target), store_id=r.store_id,
            title_zh=title[0], title_en=title[1], detail_zh=detail, detail_en=detail_en,
            target=float(r.target), target_source="target_table", baseline=ctx.params.period,
            extra_sales=gap, sales_at_stake=gap, extra_gross=gross, share_of_gross=gross / sg if sg else float("nan"),
            evidence=_TXT.get("evidence", "zh", detail=detail, tgpu=tgpu), severity=float(min(1.0, 1 - r.achievement)), action=action,
        ))
    return out
