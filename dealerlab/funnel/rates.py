"""Funnel rates and figures (docs/DOMAIN.md §1) and the long-format ``long_metrics`` of the funnel family.

Every rate is a ratio of sums of counted components (see :mod:`dealerlab.funnel.counts`), so the same
definitions serve one month, many store-months at once, and pooled months (the diagnosis' last 3 months).

Formulas (the seed's wording → ours)
-------------------------------------
- capture_rate 信息留存率 = (W + C) / (FV + FC). [F] seed 001 writes "(到店新增潜客数+来电新增潜客数/首次到店数+
  首次来电数)%", which read literally divides only C by FV; the brackets are fixed.
- call_visit_rate 来电潜客到店率 = CV / C.
- revisit_rate 再回展厅率 = R / (W + CV + L).
- test_drive_rate 试乘试驾率 = TD / (W + CV + RnoTD).
- test_drive_invite_share 试乘试驾邀约率 = TDi / TD (read as the share of test drives that were invited).
- test_drive_satisfaction 试乘试驾满意率 = test drives in M with satisfied 是 / test drives in M (a call not reached
  counts as not satisfied); ``.reached`` = satisfied / reached calls (``callback_reached`` blank with a
  satisfaction answer counts as reached).
- close_rate 成交率 = S_room / (L + N). [F] seed writes "月度展厅零售销量/上月未留存潜客数+当月新增潜客数":
  brackets missing and 未 is a typo for 末.
- followup_timeliness 跟踪及时率 / aftersale_followup_timeliness 售后跟踪及时率 = tasks of the kind due in M done
  on or before the due date / tasks of the kind due in M.
- volume 销量 = S (+ ``volume.<channel>``); vp_achievement = S / market.volume_plan; market_share = S /
  market.region_volume.
- addon_penetration 衍生产品渗透率 = sales in M with ≥ 1 add-on / S (+ per product); addon_gross_per_unit =
  Σ add-on gross_profit of the sales in M / S (blank add-on gross counts 0); gross_per_unit = mean
  gross_profit of the sales in M (sales with a blank gross_profit are left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._docstrings import share_docs
from dealerlab._long import LONG_COLUMNS
from dealerlab._options import check_lang
from dealerlab.funnel.counts import CHANNELS, COUNT_IDS, PRODUCTS, Components, components
from dealerlab.i18n import Catalogue
from dealerlab.metrics import ids

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["RATE_SPECS", "RateSpec", "FUNNEL_METRICS", "RATE_IDS", "funnel_rates", "long_metrics", "evaluate"]

_TXT = Catalogue.load("funnel/rates")


@dataclass(frozen=True)
class RateSpec:
    """A figure = Σ numerator components / Σ denominator components; ``zero`` explains a zero denominator.

    ``zero`` is the key of that explanation in ``messages/funnel/rates.toml`` (``[zero.<key>]``); ``zero_zh`` and
    ``zero_en`` are its texts.
    """

    num: tuple[str, ...]
    den: tuple[str, ...]
    zero: str

    @property
    def zero_zh(self) -> str:
        return _TXT.text(f"zero.{self.zero}", "zh")

    @property
    def zero_en(self) -> str:
        return _TXT.text(f"zero.{self.zero}", "en")


_S = RateSpec
_NO_SALES = "no_sales"

RATE_SPECS: dict[str, RateSpec] = {
    "capture_rate": _S(("W", "C"), ("FV", "FC"), "capture_rate"),
    "call_visit_rate": _S(("CV",), ("C",), "call_visit_rate"),
    "revisit_rate": _S(("R",), ("W", "CV", "L"), "revisit_rate"),
    "test_drive_rate": _S(("TD",), ("W", "CV", "RnoTD"), "test_drive_rate"),
    "test_drive_invite_share": _S(("TDi",), ("TD",), "test_drive_invite_share"),
    "test_drive_satisfaction": _S(("_td_satisfied",), ("_td_rows",), "test_drive_satisfaction"),
    "test_drive_satisfaction.reached": _S(("_td_sat_reached",), ("_td_reached",), "test_drive_satisfaction_reached"),
    "close_rate": _S(("S_room",), ("L", "N"), "close_rate"),
    "followup_timeliness": _S(("_fu_ok",), ("_fu_due",), "followup_timeliness"),
    "aftersale_followup_timeliness": _S(("_afu_ok",), ("_afu_due",), "aftersale_followup_timeliness"),
    "vp_achievement": _S(("S",), ("_vp",), "vp_achievement"),
    "market_share": _S(("S",), ("_region",), "market_share"),
    "addon_penetration": _S(("_addon_sales",), ("S",), _NO_SALES),
    **{f"addon_penetration.{p}": _S((f"_addon_sales.{p}",), ("S",), _NO_SALES) for p in PRODUCTS},
    "addon_gross_per_unit": _S(("_addon_gross",), ("S",), _NO_SALES),
    "gross_per_unit": _S(("_gross_sum",), ("_gross_n",), "gross_per_unit"),
}

#: count-like figures that are reported as they are (volume = S)
_AS_COUNT = {**{c: c for c in COUNT_IDS if not c.startswith("volume.")}, "volume": "S",
             **{f"volume.{c}": f"volume.{c}" for c in CHANNELS}}

#: every funnel metric id of the registry, in registry order
FUNNEL_METRICS: list[str] = ids("funnel")
#: the rate/figure ids (everything but the counts)
RATE_IDS: list[str] = [m for m in FUNNEL_METRICS if m in RATE_SPECS or m == "volume" or m.startswith("volume.")]

def evaluate(values: dict[str, np.ndarray], missing: dict, cell_reasons: dict, metrics, *, lang: str = "zh"):
    """Values and reasons of ``metrics`` from component arrays (all of one length n).

    Returns
    -------
    (dict of str to ndarray, dict of str to ndarray)
        Float values and object reasons ("" where the value is available).
    """
    check_lang(lang)
    zh = lang != "en"
    n = len(next(iter(values.values()))) if values else 0
    vals, reasons = {}, {}
    for m in metrics:
        if m in _AS_COUNT:
            comp = _AS_COUNT[m]
            v = values[comp].astype(float)
            why = missing.get(comp)
            r = np.full(n, "" if why is None else why[0 if zh else 1], dtype=object)
            vals[m], reasons[m] = v, r
            continue
        spec = RATE_SPECS[m]
        num = sum(values[c] for c in spec.num)
        den = sum(values[c] for c in spec.den)
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(den != 0, num / np.where(den == 0, 1, den), np.nan)
        r = np.full(n, "", dtype=object)
        zero = den == 0
        prefix = _TXT.get("denominator", lang)
        r[zero] = prefix + (spec.zero_zh if zh else spec.zero_en)
        # per-cell reasons of components that are NaN in some cells (market)
        for c in (*spec.num, *spec.den):
            if c in cell_reasons:
                cr = cell_reasons[c]
                bad = np.isnan(values[c])
                if bad.any():
                    r[bad] = [t[0 if zh else 1] for t in cr[bad]]
        # a missing table / column wins
        for c in (*spec.num, *spec.den):
            why = missing.get(c)
            if why is not None:
                r[:] = why[0 if zh else 1]
                break
        v = np.where(np.isnan(num) | np.isnan(den), np.nan, v)
        vals[m], reasons[m] = v, r
    return vals, reasons


def _metric_list(by_staff: bool) -> list[str]:
    return ids("funnel", per_staff=by_staff)


def funnel_rates(ds: Dataset, *, periods, stores=None, by_staff: bool = False) -> pd.DataFrame:
    """Every rate and figure of docs/DOMAIN.md §1 for ``stores`` × ``periods`` (wide; reasons in :func:`long_metrics`).

    Parameters
    ----------
    ds : Dataset
        The client data (missing tables give NaN; see :func:`long_metrics` for the reasons).
    periods : iterable of str
        Months ``YYYY-MM``.
    stores : iterable of str, optional
        Store ids (default: every store).
    by_staff : bool
        Per consultant: only the figures the registry marks ``per_staff``.

    Returns
    -------
    DataFrame
        ``store_id, period`` (+ ``staff_id``), then one float column per figure id (registry order):
        ``capture_rate, call_visit_rate, revisit_rate, test_drive_rate, test_drive_invite_share,
        test_drive_satisfaction, test_drive_satisfaction.reached, close_rate, followup_timeliness,
        aftersale_followup_timeliness, volume, volume.展厅, volume.二级网络, volume.大客户, vp_achievement,
        market_share, addon_penetration, addon_penetration.<product>…, addon_gross_per_unit, gross_per_unit``.
        A figure not available is NaN.
    """
    comp = components(ds, periods=periods, stores=stores, by_staff=by_staff)
    wanted = [m for m in RATE_IDS if m in _metric_list(by_staff)]
    vals, _ = evaluate(comp.values, comp.missing, comp.cell_reasons, wanted)
    out = comp.keys.copy()
    for m in wanted:
        out[m] = vals[m]
    return out


def long_from_components(comp: Components, *, lang: str = "zh", metrics=None) -> pd.DataFrame:
    """The long format of :mod:`dealerlab.metrics` from computed components (internal)."""
    wanted = metrics or _metric_list(comp.by_staff)
    vals, reasons = evaluate(comp.values, comp.missing, comp.cell_reasons, wanted, lang=lang)
    n, k = len(comp.keys), len(wanted)
    value = np.column_stack([vals[m] for m in wanted]).reshape(-1) if n else np.empty(0)
    reason = np.column_stack([reasons[m] for m in wanted]).reshape(-1) if n else np.empty(0, dtype=object)
    out = {}
    if comp.by_staff:
        out["staff_id"] = np.repeat(comp.keys["staff_id"].to_numpy(), k)
    out["store_id"] = np.repeat(comp.keys["store_id"].to_numpy(), k)
    out["period"] = np.repeat(comp.keys["period"].to_numpy(), k)
    out["metric"] = np.tile(np.asarray(wanted, dtype=object), n)
    out["value"] = value.astype(float)
    out["reason"] = reason
    df = pd.DataFrame(out)
    for c in ("staff_id", "store_id", "period", "metric", "reason"):
        if c in df:
            df[c] = df[c].astype("string")
    return df


@share_docs
def long_metrics(ds: Dataset, *, periods, stores=None, by_staff: bool = False, lang: str = "zh") -> pd.DataFrame:
    """Every funnel-family metric id of :data:`dealerlab.metrics.METRICS` in the long format.

    Parameters
    ----------
    ds : Dataset
        The client data (:func:`dealerlab.funnel.long_metrics` also takes a data folder and picks the engine).
    %(funnel_long)s
    """
    comp = components(ds, periods=periods, stores=stores, by_staff=by_staff)
    out = long_from_components(comp, lang=lang)
    cols = (["staff_id"] if by_staff else []) + LONG_COLUMNS
    return out[cols]
