"""Report section: customer satisfaction: SSI/CSI, the importance–performance map and complaints (course module 5)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd

from dealerlab import _batch as batch
from dealerlab.calendar import period_range
from dealerlab.csi import fix_first, ipa, store_complaint_figures
from dealerlab.i18n import Catalogue
from dealerlab.plots.csi import ipa_map
from dealerlab.report import html as H
from dealerlab.report.finding import Action, Finding
from dealerlab.report.findings import _person, action_why, area_action
from dealerlab.report.sections._common import family_body

_TXT = Catalogue.load("report/sections/csi")

#: the figures of the section (cards, trend table, group table), in this order
METRIC_IDS = ["ssi_index", "csi_index"]


def build(ctx) -> H.Html:
    """The section's figures (:func:`~dealerlab.report.sections._common.family_body`) with :func:`extra`."""
    return family_body(ctx, METRIC_IDS, extra)


def csi_ipa(ds, *, stores, periods) -> pd.DataFrame:
    """:func:`~dealerlab.csi.ipa` of the CSI per store (the trend window's months pooled) for ``stores``: each store's
    rows are those of :func:`~dealerlab.csi.ipa` of that store alone (a response id is matched within its store, so
    two stores' responses never pair even when they share an id)."""
    surveys = ds["surveys"]
    if stores is not None and len(stores) > 1:
        surveys = surveys[surveys["store_id"].isin(list(stores))]
        if surveys.groupby("response_id")["store_id"].nunique().gt(1).any():  # an id used in two stores
            # one id per store × response, in the order of the store's own ids (the same sums in the same order)
            surveys = surveys.assign(response_id=surveys.groupby(["store_id", "response_id"], sort=True).ngroup())
    return ipa(surveys, stores=stores, periods=periods, survey="CSI",
               items=ds["survey_items"] if ds.has("survey_items") else None)


def store_ipa(ctx, sid: str) -> pd.DataFrame:
    """The store's CSI IPA table (:func:`csi_ipa`), once per report; in a batch computed once for every store
    (:mod:`dealerlab._batch`). Shared: never change it."""
    return ctx.cached(("csi.ipa", sid), lambda: batch.across_stores(csi_ipa, ctx.ds, stores=[sid],
                                                                     periods=list(ctx.periods)))


def extra(ctx) -> H.Html:
    """The store's CSI importance–performance map, the items to fix first and the month's complaints."""
    lang = ctx.lang
    sid = ctx.params.store_id
    if sid is None:
        return H.Html()
    parts = []
    table = store_ipa(ctx, sid)
    if len(table):
        fig, ax = plt.subplots(figsize=(8.5, 6))
        ipa_map(table, ax=ax, lang=lang)
        parts += [H.h3(_TXT.get("csi_importance_performance", lang)), H.figure(fig)]
        first = fix_first(table, n=2)
        if len(first):
            names = _TXT.get("item_sep", lang).join(first["item"].astype(str))
            parts.append(H.reading(_TXT.get("fix_first", lang, names=names)))
    if ctx.ds.has("complaints"):
        cf = batch.across_stores(store_complaint_figures, ctx.ds, stores=[sid], periods=[ctx.params.period])
        parts += [H.h3(_TXT.get("complaints", lang)), H.table(cf.drop(columns=[c for c in ("reason", "period") if c in cf.columns]), lang=lang,
                                                                  numeric_formats={"escalated_share": "rate", "median_days_to_resolve": "days"})]
    return H.Html(parts)


def findings(ctx) -> list[Finding]:
    """CSI/SSI falling three months in a row (docs/DOMAIN.md §10), per store; the target is the level before the fall;
    the store report names the IPA fix-first items as evidence."""
    out = []
    months = period_range(ctx.params.period, 4)
    for sid in ([ctx.params.store_id] if ctx.params.store_id else ctx.stores):
        for metric, name in (("csi_index", "CSI"), ("ssi_index", "SSI")):
            v = [ctx.value(metric, period=p, store_id=sid) for p in months]
            if not all(math.isfinite(x) for x in v) or not (v[0] > v[1] > v[2] > v[3]):
                continue
            ev = _TXT.get("down_evidence", "zh", name=name, values=" → ".join(f"{x:.0f}" for x in v), first=months[0],
                          last=months[-1])
            ev_en = f"{name} index down three months in a row: " + " → ".join(f"{x:.0f}" for x in v) + f" ({months[0]}–{months[-1]})"
            if ctx.params.store_id and metric == "csi_index":
                table = store_ipa(ctx, sid)
                first = fix_first(table, n=2)
                if len(first):
                    ev += _TXT.get("fix_first_evidence", "zh", names=_TXT.get("item_sep", "zh").join(first["item"].astype(str)))
                    ev_en += "; items to fix first: " + ", ".join(first["item"].astype(str))
            a = area_action(metric, ctx.lang)
            out.append(Finding(
                section="csi", metric=metric, value=v[-1], benchmark=v[0], store_id=sid,
                title_zh=_TXT.get("down_title", "zh", sid=sid, name=name), title_en=_TXT.get("down_title", "en", sid=sid, name=name),
                detail_zh=ev, detail_en=ev_en, target=v[0], target_source="own_best", baseline=f"{months[0]}–{months[-1]}",
                evidence=ev, severity=float(min(1.0, (v[0] - v[-1]) / max(v[0], 1e-9) * 10)),
                action=Action(what=a["improvement"], why=action_why(ctx, a["root_cause"], ev, ev_en), who=_person(ctx, sid, a["owner"]),
                              where=a["where"], how=a["how"]),
            ))
    return out
