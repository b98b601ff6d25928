"""Course module 5 — customer satisfaction (SSI/CSI): index, gap, importance, IPA, RATER, Kano, complaints.

docs/DOMAIN.md §5; seeds 001 (workshop factors of CSI), 003 (five dimensions of service quality), 004 (satisfaction =
performance − expectation; dissatisfier / neutral / satisfier factors; PDCA for CS).

Every figure is computed for any stores × months at once (grouped, vectorised), from the long ``surveys`` table
(one row per answered item; each response also has one row whose item is ``总体满意度``) and the survey dictionary
(``survey_items``; :func:`survey_dictionary` falls back to the default shipped with dealerlab).

Definitions (and the decisions taken where docs/DOMAIN.md is silent):

- **Index** (1000-point scale) of an item, factor, RATER dimension, Kano class or store = mean performance × 100,
  the mean taken over answered item rows (each row weighs 1; not a mean of item means). ``总体满意度`` is never part
  of a factor / dimension / class / store index. ``csi_index`` / ``ssi_index`` of a store and month = mean
  performance over every item row except ``总体满意度`` of that survey type dated in the month, × 100.
- **Gap** P − E = mean(performance − expectation) over the rows that have both; rows without an expectation count
  for the performance figures but not for the gap (``n_both`` says how many did).
- **Derived importance** of an item = Pearson correlation, across responses, of the item's performance with the same
  response's ``总体满意度``. NaN with a reason when fewer than ``min_responses`` responses carry both (default 5),
  or when either variable does not vary.
- **IPA quadrant**: split at the mean importance and the mean performance of the items of the same group (store,
  survey) that have an importance; a value equal to the mean counts as high. 优势保持 (high importance, high
  performance), 重点改进 (high, low), 次要改进 (low, low), 过度投入 (low importance, high performance).
- **Trends**: every figure takes ``by=("store_id", "period")`` and then gives one row per store and month
  (e.g. ``scores(surveys, level="factor")`` is the factor index trend); :func:`index_vs_target` puts the monthly
  SSI/CSI index beside the ``targets`` rows of metric ``SSI`` / ``CSI``.
- **Complaints** of a store and month: ``count`` received in the month; ``median_days_to_resolve`` over complaints
  *closed* in the month (resolved − received, in days); ``escalated_share`` = escalated ÷ received in the month with
  a known ``escalated`` flag; ``open_over_7d`` = complaints received on or before the month end, not closed by the
  month end and older than 7 days at the month end (any receiving month).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab import _long
from dealerlab._docstrings import share_docs
from dealerlab._options import check_option
from dealerlab.data.defaults import OVERALL_ITEM, default_survey_items
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue
from dealerlab.metrics import ids

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "SURVEYS",
    "QSCV",
    "QSCV_OF_ITEM",
    "TEN_DIMENSIONS",
    "qscv_scores",
    "sample_size",
    "RATER",
    "KANO",
    "QUADRANTS",
    "INDEX_METRICS",
    "OVERALL_ITEM",
    "survey_dictionary",
    "prepare",
    "scores",
    "satisfaction_index",
    "importance",
    "ipa",
    "assign_quadrants",
    "fix_first",
    "rater_scores",
    "kano_summary",
    "index_vs_target",
    "complaint_figures",
    "store_complaint_figures",
    "complaint_pareto",
    "long_metrics",
    "label",
]

SURVEYS = ("SSI", "CSI")
#: RATER dimensions (seed 003 writes them "PATER")
RATER = ("可靠性", "保证性", "有形性", "同理心", "响应性")
#: Kano classes as seed 004 names them: must-be, one-dimensional, attractive
KANO = ("不满意因素", "中性因素", "满意因素")
#: IPA quadrants, the values of ipa()'s quadrant column: keep, fix first, fix later, overinvested
QUADRANTS = ("优势保持", "重点改进", "次要改进", "过度投入")
#: survey type → metric id of its store index
INDEX_METRICS = {"SSI": "ssi_index", "CSI": "csi_index"}
#: survey type → metric name in the targets table
TARGET_METRICS = {"SSI": "SSI", "CSI": "CSI"}
LEVELS = ("item", "factor", "rater", "kano_class", "survey")

_COLUMNS = ("response_id", "store_id", "survey", "survey_date", "item", "performance", "expectation")
_COMPLAINT_COLUMNS = ("complaint_id", "store_id", "received_date", "category", "resolved_date", "escalated")

_MSG = Catalogue.load("csi")

_LABELS = Catalogue.load("csi.labels")


def label(key: str, lang: str = "zh") -> str:
    """Display name of a quadrant, RATER dimension, Kano class or figure (``key`` itself when unknown)."""
    return _LABELS.get(key, lang) if key in _LABELS else key


def _reason(key: str, lang: str = "zh", **values) -> str:
    return _MSG.get(key, lang, **values)


# --------------------------------------------------------------------------------------------------- preparation


def survey_dictionary(ds: Dataset | None = None) -> pd.DataFrame:
    """The survey item dictionary: the dataset's ``survey_items`` table when present and not empty, else the default.

    Parameters
    ----------
    ds : Dataset, optional
        A dataset; ``None`` gives the default dictionary.

    Returns
    -------
    DataFrame
        One row per (survey, item): ``item, survey, factor, rater, kano_class`` (+ ``item_en`` when known).
    """
    items = None
    if ds is not None and ds.has("survey_items") and len(ds["survey_items"]):
        items = ds["survey_items"]
    if items is None:
        items = default_survey_items()
    keep = [c for c in ("item", "survey", "factor", "rater", "kano_class", "item_en") if c in items.columns]
    return items[keep].drop_duplicates(["survey", "item"]).reset_index(drop=True)


def _periods(periods) -> list[str] | None:
    return None if periods is None else _long.period_list(periods)


_stores = _long.store_list
_month = _long.month




def prepare(
    surveys: pd.DataFrame,
    *,
    items: pd.DataFrame | None = None,
    periods: Iterable[str] | str | None = None,
    stores: Iterable[str] | str | None = None,
    survey: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The answered item rows, filtered, with their month and dictionary attributes.

    Parameters
    ----------
    surveys : DataFrame
        Long table, one row per answered item: ``response_id, store_id, survey, survey_date, item, performance,
        expectation`` (docs/DATA.md §3.11 ``surveys``).
    items : DataFrame, optional
        Survey dictionary ``item, survey, factor, rater, kano_class`` (default: :func:`survey_dictionary`).
    periods : str or list of str, optional
        Months ``YYYY-MM`` to keep (default: all).
    stores : str or list of str, optional
        Stores to keep (default: all).
    survey : {"SSI", "CSI"}, optional
        Survey type to keep (default: both).
    columns : mapping, optional
        Contract column name → the name used in ``surveys``, for tables whose columns are named otherwise.

    Returns
    -------
    DataFrame
        The rows kept with columns ``response_id, store_id, survey, period, survey_date, item, performance,
        expectation, factor, rater, kano_class, is_overall`` (+ ``item_en``).
    """
    df = _long.renamed(surveys, columns)
    if survey is not None:
        check_option("survey", survey, SURVEYS)
    dictionary = survey_dictionary() if items is None else items
    out = df.loc[:, [c for c in _COLUMNS if c in df.columns]].copy()
    out["period"] = _month(out["survey_date"])
    mask = pd.Series(True, index=out.index)
    if (p := _periods(periods)) is not None:
        mask &= out["period"].isin(p)
    if (s := _stores(stores)) is not None:
        mask &= out["store_id"].isin(s)
    if survey is not None:
        mask &= out["survey"] == survey
    out = out[mask.fillna(False).astype(bool)]
    out["performance"] = out["performance"].astype("float64")
    out["expectation"] = (out["expectation"] if "expectation" in out else pd.Series(np.nan, index=out.index)).astype(
        "float64"
    )
    attrs = [c for c in ("factor", "rater", "kano_class", "item_en") if c in dictionary.columns]
    out = out.merge(dictionary[["survey", "item", *attrs]], on=["survey", "item"], how="left")
    for c in ("factor", "rater", "kano_class"):
        if c not in out:
            out[c] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["is_overall"] = (out["item"] == OVERALL_ITEM).astype(bool)
    order = ["response_id", "store_id", "survey", "period", "survey_date", "item", "performance", "expectation"]
    return out[order + [c for c in out.columns if c not in order]].reset_index(drop=True)


def _as_keys(by) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def _aggregate(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """n, n_responses, performance, expectation, n_both, gap, index per group of ``keys`` (row-weighted means)."""
    both = rows["performance"].notna() & rows["expectation"].notna()
    work = rows.assign(
        _gap=(rows["performance"] - rows["expectation"]).where(both),
        _e=rows["expectation"].where(both),
        _both=both.astype(int),
    )
    g = work.groupby(keys, sort=True, dropna=True, observed=True)
    out = pd.DataFrame(
        {
            "n": g["performance"].count(),
            "n_responses": g["response_id"].nunique(),
            "performance": g["performance"].mean(),
            "expectation": g["_e"].mean(),
            "n_both": g["_both"].sum(),
            "gap": g["_gap"].mean(),
        }
    ).reset_index()
    out["index"] = out["performance"] * 100
    out["reason"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out.loc[out["n_both"] == 0, "reason"] = _reason("no_expectation")
    return out


def scores(
    surveys: pd.DataFrame,
    *,
    level: str = "item",
    by: Sequence[str] | str | None = ("store_id", "period"),
    items: pd.DataFrame | None = None,
    periods: Iterable[str] | str | None = None,
    stores: Iterable[str] | str | None = None,
    survey: str | None = None,
    include_overall: bool = False,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Index, performance, expectation and gap P − E per item, factor, RATER dimension, Kano class or survey.

    Parameters
    ----------
    surveys : DataFrame
        Long table ``response_id, store_id, survey, survey_date, item, performance, expectation``.
    level : {"item", "factor", "rater", "kano_class", "survey"}
        What a row describes; ``"survey"`` gives the store index of each survey type.
    by : list of str, optional
        Grouping columns among ``store_id, period`` (default both; ``()`` pools every store and month).
    items : DataFrame, optional
        Survey dictionary (default: the one shipped with dealerlab).
    periods, stores, survey : optional
        Filters (see :func:`prepare`).
    include_overall : bool
        With ``level="item"``, also give the row of ``总体满意度`` (never part of other levels).
    columns : mapping, optional
        Contract column name → the name used in ``surveys``.

    Returns
    -------
    DataFrame
        ``*by, survey, <level>`` (item level adds ``factor, rater, kano_class``), then ``n`` (answered rows),
        ``n_responses``, ``performance`` (mean, 1–10), ``expectation`` (mean over rows with both), ``n_both``,
        ``gap`` (mean P − E over rows with both; NaN with a reason when none), ``index`` (performance × 100),
        ``reason``. Items absent from the dictionary have no factor/dimension/class and are left out of those levels.
    """
    check_option("level", level, LEVELS)
    keys = _as_keys(by)
    for k in keys:
        check_option("by", k, ("store_id", "period"))
    rows = prepare(surveys, items=items, periods=periods, stores=stores, survey=survey, columns=columns)
    if not (level == "item" and include_overall):
        rows = rows[~rows["is_overall"]]
    group = keys + ["survey"] + ([] if level == "survey" else [level])
    out = _aggregate(rows, group)
    if level == "item":
        attrs = [c for c in ("factor", "rater", "kano_class", "item_en") if c in rows.columns]
        first = rows.drop_duplicates(["survey", "item"])[["survey", "item", *attrs]]
        out = out.merge(first, on=["survey", "item"], how="left")
        out = out[group + attrs + [c for c in out.columns if c not in group + attrs]]
    return out.reset_index(drop=True)


def satisfaction_index(
    surveys: pd.DataFrame | None,
    *,
    periods: Iterable[str] | str,
    stores: Iterable[str] | str,
    items: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """SSI and CSI index of every store × month asked for (a complete grid).

    Parameters
    ----------
    surveys : DataFrame or None
        Long survey table; ``None`` when the dataset has none (every value NaN with a reason).
    periods : str or list of str
        Months ``YYYY-MM``.
    stores : str or list of str
        Store ids.
    items : DataFrame, optional
        Survey dictionary (only used to annotate rows; the index does not depend on it).
    columns : mapping, optional
        Contract column name → the name used in ``surveys``.

    Returns
    -------
    DataFrame
        ``store_id, period, survey, metric, index, n, n_responses, reason``: one row per store × period × survey
        type; ``index`` = mean performance over the item rows except 总体满意度 × 100.
    """
    periods, stores = _periods(periods), _stores(stores)
    grid = pd.MultiIndex.from_product([stores, periods, list(SURVEYS)], names=["store_id", "period", "survey"])
    grid = grid.to_frame(index=False).astype("string")
    if surveys is None:
        out = grid.assign(index=np.nan, n=0, n_responses=0, reason=_reason("no_surveys_table"))
    else:
        got = scores(surveys, level="survey", items=items, periods=periods, stores=stores, columns=columns)
        got = got[["store_id", "period", "survey", "index", "n", "n_responses"]]
        out = grid.merge(got, on=["store_id", "period", "survey"], how="left")
        out["n"] = out["n"].fillna(0).astype("int64")
        out["n_responses"] = out["n_responses"].fillna(0).astype("int64")
        out["reason"] = pd.Series(pd.NA, index=out.index, dtype="string")
        missing = out["index"].isna()
        out.loc[missing, "reason"] = [_reason("no_responses", survey=s) for s in out.loc[missing, "survey"]]
    out["index"] = out["index"].astype("float64")
    out["reason"] = out["reason"].astype("string")
    out.insert(3, "metric", out["survey"].map(INDEX_METRICS).astype("string"))
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------- importance and IPA


def importance(
    surveys: pd.DataFrame, *, by: Sequence[str] | str | None = ("store_id",), min_responses: int = 5,
    items: pd.DataFrame | None = None, periods: Iterable[str] | str | None = None,
    stores: Iterable[str] | str | None = None, survey: str | None = None, columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Derived importance: Pearson correlation, across responses, of an item's performance with 总体满意度.

    Parameters
    ----------
    surveys : DataFrame
        Long survey table (each response has one 总体满意度 row).
    by : list of str, optional
        Grouping columns among ``store_id, period`` (default per store, the months pooled).
    min_responses : int
        Fewest responses (with both the item and 总体满意度) needed; fewer → NaN with a reason.
    items, periods, stores, survey, columns : optional
        As in :func:`scores`.

    Returns
    -------
    DataFrame
        ``*by, survey, item, n_pairs, importance, reason``; ``importance`` in [−1, 1], NaN with a reason when
        too few responses or when the item's or the overall scores do not vary.
    """
    keys = _as_keys(by)
    for k in keys:
        check_option("by", k, ("store_id", "period"))
    rows = prepare(surveys, items=items, periods=periods, stores=stores, survey=survey, columns=columns)
    overall = rows[rows["is_overall"]].groupby("response_id")["performance"].mean().rename("_y")
    pairs = rows[~rows["is_overall"]].join(overall, on="response_id").dropna(subset=["performance", "_y"])
    group = keys + ["survey", "item"]
    # one value per response and item (a duplicated answer is averaged)
    pairs = pairs.groupby(group + ["response_id"], observed=True)[["performance", "_y"]].mean().reset_index()
    g = pairs.groupby(group, observed=True)
    dx = pairs["performance"] - g["performance"].transform("mean")
    dy = pairs["_y"] - g["_y"].transform("mean")
    work = pairs.assign(_sxy=dx * dy, _sxx=dx * dx, _syy=dy * dy)
    agg = work.groupby(group, observed=True).agg(
        n_pairs=("response_id", "size"), sxy=("_sxy", "sum"), sxx=("_sxx", "sum"), syy=("_syy", "sum")
    )
    # every item answered in the group, even without a paired overall score
    answered = rows[~rows["is_overall"]].drop_duplicates(group)[group].set_index(group)
    agg = answered.join(agg, how="left").reset_index()
    agg["n_pairs"] = agg["n_pairs"].fillna(0).astype("int64")
    eps = 1e-12
    few = agg["n_pairs"] < min_responses
    flat_x = ~few & (agg["sxx"] <= eps)
    flat_y = ~few & ~flat_x & (agg["syy"] <= eps)
    ok = ~(few | flat_x | flat_y)
    r = agg["sxy"] / np.sqrt(agg["sxx"] * agg["syy"])
    agg["importance"] = r.where(ok).clip(-1, 1).astype("float64")
    reason = pd.Series(pd.NA, index=agg.index, dtype="string")
    reason[few] = [_reason("few_responses", n=n, k=min_responses) for n in agg.loc[few, "n_pairs"]]
    reason[flat_x] = _reason("flat_item")
    reason[flat_y] = _reason("flat_overall")
    agg["reason"] = reason
    return agg[group + ["n_pairs", "importance", "reason"]].reset_index(drop=True)


def ipa(
    surveys: pd.DataFrame, *, by: Sequence[str] | str | None = ("store_id",), min_responses: int = 5,
    items: pd.DataFrame | None = None, periods: Iterable[str] | str | None = None,
    stores: Iterable[str] | str | None = None, survey: str | None = None, columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Importance-performance analysis: each item's quadrant, split at the means of its group's items.

    Parameters
    ----------
    surveys : DataFrame
        Long survey table.
    by : list of str, optional
        Grouping columns among ``store_id, period`` (default per store, the months pooled).
    min_responses : int
        Passed to :func:`importance`.
    items, periods, stores, survey, columns : optional
        As in :func:`scores`.

    Returns
    -------
    DataFrame
        ``*by, survey, item, factor, rater, kano_class, n, performance, index, gap, importance, n_pairs,
        importance_split, performance_split, quadrant, reason``. The splits are the mean importance and the mean item
        performance over the items of the group that have an importance; a value equal to a split counts as high.
        Items without an importance get no quadrant (``reason`` says why).
    """
    keys = _as_keys(by)
    kw = dict(items=items, periods=periods, stores=stores, survey=survey, columns=columns)
    sc = scores(surveys, level="item", by=keys, **kw)
    imp = importance(surveys, by=keys, min_responses=min_responses, **kw)
    group = keys + ["survey"]
    out = sc.drop(columns=["reason"]).merge(imp, on=group + ["item"], how="left")
    out = assign_quadrants(out, by=group)
    out["reason"] = out["reason"].astype("string")
    out.loc[out["quadrant"].isna() & out["reason"].isna(), "reason"] = _reason("no_importance")
    cols = group + ["item"] + [c for c in ("factor", "rater", "kano_class", "item_en") if c in out.columns]
    cols += ["n", "performance", "index", "gap", "importance", "n_pairs", "importance_split", "performance_split"]
    cols += ["quadrant", "reason"]
    return out[cols].reset_index(drop=True)


def assign_quadrants(
    table: pd.DataFrame,
    *,
    by: Sequence[str] | str | None = ("survey",),
    importance: str = "importance",
    performance: str = "performance",
) -> pd.DataFrame:
    """Add the IPA split values and quadrant to a table of items with a performance and an importance.

    Parameters
    ----------
    table : DataFrame
        One row per item: ``*by, <performance>, <importance>`` (performance on any scale: mean score or index).
    by : list of str, optional
        Columns whose groups get their own splits (``()``: the whole table is one group).
    importance, performance : str
        Column names.

    Returns
    -------
    DataFrame
        ``table`` plus ``importance_split`` and ``performance_split`` (the group means over the items that have an
        importance) and ``quadrant`` (优势保持, 重点改进, 次要改进, 过度投入; NA without importance). A value equal to a
        split counts as high.
    """
    keys = [k for k in _as_keys(by) if k in table.columns]
    out = table.copy()
    valid = out[importance].notna() & out[performance].notna()
    work = out.assign(_i=out[importance].where(valid), _p=out[performance].where(valid))
    if keys:
        g = work.groupby(keys, observed=True, dropna=False)
        out["importance_split"] = g["_i"].transform("mean")
        out["performance_split"] = g["_p"].transform("mean")
    else:
        out["importance_split"] = work["_i"].mean()
        out["performance_split"] = work["_p"].mean()
    hi_i = out[importance] >= out["importance_split"]
    hi_p = out[performance] >= out["performance_split"]
    quadrant = np.select([hi_i & hi_p, hi_i & ~hi_p, ~hi_i & ~hi_p, ~hi_i & hi_p], list(QUADRANTS), default="")
    out["quadrant"] = pd.Series(quadrant, index=out.index, dtype="string").where(valid)
    return out


def fix_first(ipa_table: pd.DataFrame, *, n: int = 2) -> pd.DataFrame:
    """The ``n`` items to improve first in each group of an :func:`ipa` table.

    Items of 重点改进 first, the most important first (ties: the lower performance first); when that quadrant holds
    fewer than ``n`` items, 次要改进 items follow in the same order.

    Parameters
    ----------
    ipa_table : DataFrame
        Output of :func:`ipa`.
    n : int
        How many items per group.

    Returns
    -------
    DataFrame
        The chosen rows of ``ipa_table`` with a ``priority`` column (1 = first).
    """
    rank = {QUADRANTS[1]: 0, QUADRANTS[2]: 1}
    cand = ipa_table[ipa_table["quadrant"].isin(list(rank))].copy()
    cand["_q"] = cand["quadrant"].map(rank).astype(int)
    group = [c for c in ("store_id", "period") if c in cand.columns] + ["survey"]
    cand = cand.sort_values(group + ["_q", "importance", "performance"], ascending=[True] * len(group) + [True, False, True])
    cand["priority"] = cand.groupby(group, observed=True).cumcount() + 1
    return cand[cand["priority"] <= n].drop(columns="_q").reset_index(drop=True)


# ------------------------------------------------------------------------------------------------- RATER and Kano


def _in_course_order(frame: pd.DataFrame, keys: list[str], column: str, order: Sequence[str]) -> pd.DataFrame:
    """``frame`` sorted by ``keys`` and survey, then by ``column`` in the course's ``order`` (RATER, KANO)."""
    rank = frame[column].map({v: i for i, v in enumerate(order)})
    out = frame.assign(_o=rank).sort_values(keys + ["survey", "_o"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


@share_docs
def rater_scores(
    surveys: pd.DataFrame, *, by: Sequence[str] | str | None = ("store_id", "period"), items: pd.DataFrame | None = None,
    periods: Iterable[str] | str | None = None, stores: Iterable[str] | str | None = None, survey: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Mean performance, expectation, gap and index per RATER dimension, all five always listed.

    %(survey_summary)s
        ``*by, survey, rater, n, n_responses, performance, expectation, n_both, gap, index, reason`` with the five
        dimensions in the order 可靠性, 保证性, 有形性, 同理心, 响应性 for every group that has answers; a dimension
        without answers has NaN figures and a reason.
    """
    keys = _as_keys(by)
    sc = scores(surveys, level="rater", by=keys, items=items, periods=periods, stores=stores, survey=survey,
                columns=columns)
    groups = sc[keys + ["survey"]].drop_duplicates()
    full = groups.merge(pd.DataFrame({"rater": pd.array(RATER, dtype="string")}), how="cross")
    out = full.merge(sc, on=keys + ["survey", "rater"], how="left")
    out["n"] = out["n"].fillna(0).astype("int64")
    out["n_responses"] = out["n_responses"].fillna(0).astype("int64")
    out["n_both"] = out["n_both"].fillna(0).astype("int64")
    out.loc[out["n"] == 0, "reason"] = _reason("no_rows")
    return _in_course_order(out, keys, "rater", RATER)


@share_docs
def kano_summary(
    surveys: pd.DataFrame, *, by: Sequence[str] | str | None = ("store_id", "period"), items: pd.DataFrame | None = None,
    periods: Iterable[str] | str | None = None, stores: Iterable[str] | str | None = None, survey: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per Kano class: how many items, their pooled index and gap, and the weakest item.

    %(survey_summary)s
        ``*by, survey, kano_class, n_items, n, performance, expectation, gap, index, weakest_item, weakest_index``
        (classes in the order 不满意因素, 中性因素, 满意因素). A weak 不满意因素 item is the first thing to fix: customers
        take it for granted.
    """
    keys = _as_keys(by)
    kw = dict(by=keys, items=items, periods=periods, stores=stores, survey=survey, columns=columns)
    cls = scores(surveys, level="kano_class", **kw)
    it = scores(surveys, level="item", **kw).dropna(subset=["kano_class"])
    group = keys + ["survey", "kano_class"]
    it = it.sort_values(group + ["index", "item"], kind="stable")
    weakest = it.groupby(group, observed=True).agg(
        n_items=("item", "nunique"), weakest_item=("item", "first"), weakest_index=("index", "first")
    )
    out = _in_course_order(cls.merge(weakest.reset_index(), on=group, how="left"), keys, "kano_class", KANO)
    return out[group + ["n_items", "n", "performance", "expectation", "gap", "index", "weakest_item", "weakest_index"]]


# --------------------------------------------------------------------------------------------------- targets


def index_vs_target(ds: Dataset, *, periods: Iterable[str] | str, stores: Iterable[str] | str | None = None) -> pd.DataFrame:
    """SSI/CSI index per store and month beside the store-level target (``targets`` metric ``SSI`` / ``CSI``).

    Targets are read on the same 1000-point scale as the index. A missing ``targets`` table or row gives a NaN target
    (the index is still shown).

    Parameters
    ----------
    ds : Dataset
        Needs ``surveys`` (else every index is NaN with a reason); ``targets`` optional.
    periods : str or list of str
        Months ``YYYY-MM``.
    stores : str or list of str, optional
        Store ids (default: every store of the dataset).

    Returns
    -------
    DataFrame
        ``store_id, period, survey, metric, index, target, stretch, achievement, hit, reason``; ``achievement`` =
        index ÷ target, ``hit`` = index ≥ target (NA when either is missing).
    """
    stores = _long.stores_of(ds, stores, ("surveys",))
    idx = satisfaction_index(ds["surveys"] if ds.has("surveys") else None, periods=periods, stores=stores)
    idx = idx[["store_id", "period", "survey", "metric", "index", "reason"]]
    if ds.has("targets"):
        t = ds["targets"]
        t = t[t["staff_id"].isna() & t["metric"].isin(list(TARGET_METRICS.values()))]
        t = t.assign(survey=t["metric"].map({v: k for k, v in TARGET_METRICS.items()}).astype("string"))
        t = t.groupby(["store_id", "period", "survey"], observed=True)[["target", "stretch"]].first().reset_index()
        out = idx.merge(t, on=["store_id", "period", "survey"], how="left")
    else:
        out = idx.assign(target=np.nan, stretch=np.nan)
    out["target"] = out["target"].astype("float64")
    out["stretch"] = out["stretch"].astype("float64")
    out["achievement"] = (out["index"] / out["target"].where(out["target"] > 0)).astype("float64")
    hit = pd.array([pd.NA] * len(out), dtype="boolean")
    known = out["index"].notna() & out["target"].notna()
    hit[known.to_numpy()] = (out.loc[known, "index"] >= out.loc[known, "target"]).to_numpy()
    out["hit"] = hit
    no_target = out["target"].isna() & out["reason"].isna()
    out.loc[no_target, "reason"] = [_reason("no_target", metric=TARGET_METRICS[s]) for s in out.loc[no_target, "survey"]]
    cols = ["store_id", "period", "survey", "metric", "index", "target", "stretch", "achievement", "hit", "reason"]
    return out[cols].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------- complaints


def store_complaint_figures(ds: Dataset, *, stores: Iterable[str] | str | None, periods: Iterable[str] | str,
                            open_days: int = 7) -> pd.DataFrame:
    """:func:`complaint_figures` of the ``complaints`` table of ``ds`` (what the report and the cadence table show):
    in a batch of store reports computed once for every store (:func:`dealerlab._batch.across_stores`).

    Parameters
    ----------
    ds : Dataset
        The client data, with ``complaints``.
    stores : str or list of str, optional
        Stores (None: every store in ``complaints``).
    periods : str or list of str
        Months ``YYYY-MM``.
    open_days : int
        Age in days above which an open complaint is reported.

    Returns
    -------
    DataFrame
        What :func:`complaint_figures` returns.
    """
    return complaint_figures(ds["complaints"], periods=periods, stores=stores, open_days=open_days)


def complaint_figures(
    complaints: pd.DataFrame,
    *,
    periods: Iterable[str] | str,
    stores: Iterable[str] | str | None = None,
    by_category: bool = False,
    open_days: int = 7,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Complaint figures per store × month (× category): count, median days to resolve, escalated share, open > 7 d.

    Parameters
    ----------
    complaints : DataFrame
        ``complaint_id, store_id, received_date, category, resolved_date, escalated`` (docs/DATA.md §3.13 ``complaints``).
    periods : str or list of str
        Months ``YYYY-MM``.
    stores : str or list of str, optional
        Stores (default: every store in ``complaints``).
    by_category : bool
        One row per category as well (categories seen in the table).
    open_days : int
        Age in days above which an open complaint is reported.
    columns : mapping, optional
        Contract column name → the name used in ``complaints``.

    Returns
    -------
    DataFrame
        ``store_id, period, (category,) count, closed, median_days_to_resolve, escalated, escalated_share,
        open_over_7d, reason`` for every store × period (× category) asked for. ``count`` = received in the month;
        ``median_days_to_resolve`` over those closed in the month; ``escalated_share`` = escalated ÷ received with a
        known flag; ``open_over_7d`` = not closed by the month end and older than ``open_days`` days then.
        ``reason`` explains NaN figures.
    """
    df = _long.renamed(complaints, columns)
    periods = _periods(periods)
    stores = sorted(df["store_id"].dropna().unique().tolist()) if stores is None else _stores(stores)
    df = df[df["store_id"].isin(stores)]
    keys = ["store_id", "period"] + (["category"] if by_category else [])
    axes = [stores, periods]
    if by_category:
        axes.append(sorted(df["category"].dropna().unique().tolist()))
    grid = pd.MultiIndex.from_product(axes, names=keys).to_frame(index=False).astype("string")
    received = df["received_date"]
    resolved = df["resolved_date"]
    rec_p = _month(received)
    res_p = _month(resolved)
    base = df.assign(
        _days=(resolved - received).dt.days.astype("float64"),
        _esc=df["escalated"].astype("boolean").astype("Float64"),
    )
    cat = ["category"] if by_category else []
    inflow = base.assign(period=rec_p).groupby(["store_id", "period", *cat], observed=True).agg(
        count=("complaint_id", "size"), escalated=("_esc", "sum"), flagged=("_esc", "count")
    )
    closed = base.assign(period=res_p).dropna(subset=["period"]).groupby(["store_id", "period", *cat], observed=True).agg(
        closed=("complaint_id", "size"), median_days_to_resolve=("_days", "median")
    )
    # open backlog as of each month end: a cross join of complaints with the months asked (vectorised)
    ends = pd.DataFrame({"period": pd.array(periods, dtype="string")})
    ends["_end"] = pd.PeriodIndex(ends["period"], freq="M").end_time.normalize()
    cross = base[["store_id", "received_date", "resolved_date", *cat]].merge(ends, how="cross")
    still_open = (cross["received_date"] <= cross["_end"]) & (
        cross["resolved_date"].isna() | (cross["resolved_date"] > cross["_end"])
    )
    old = (cross["_end"] - cross["received_date"]).dt.days > open_days
    backlog = cross[still_open & old].groupby(["store_id", "period", *cat], observed=True).size().rename("open_over_7d")
    out = grid.merge(inflow.reset_index(), on=keys, how="left")
    out = out.merge(closed.reset_index(), on=keys, how="left")
    out = out.merge(backlog.reset_index(), on=keys, how="left")
    for c in ("count", "closed", "open_over_7d"):
        out[c] = out[c].fillna(0).astype("int64")
    out["escalated"] = out["escalated"].fillna(0).astype("int64")
    flagged = out["flagged"].fillna(0)
    out["escalated_share"] = (out["escalated"] / flagged.where(flagged > 0)).astype("float64")
    out["median_days_to_resolve"] = out["median_days_to_resolve"].astype("float64")
    reasons = []
    for n, f, c in zip(out["count"], flagged, out["closed"], strict=True):
        parts = []
        if n == 0:
            parts.append(_reason("no_complaints"))
        elif f == 0:
            parts.append(_reason("no_flag"))
        if c == 0:
            parts.append(_reason("none_closed"))
        reasons.append(_MSG.text("reason_sep").join(parts) if parts else pd.NA)
    out["reason"] = pd.array(reasons, dtype="string")
    cols = keys + ["count", "closed", "median_days_to_resolve", "escalated", "escalated_share", "open_over_7d", "reason"]
    return out[cols].reset_index(drop=True)


def complaint_pareto(
    complaints: pd.DataFrame,
    *,
    periods: Iterable[str] | str | None = None,
    stores: Iterable[str] | str | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Complaints received per category, largest first, with cumulative share (for a Pareto chart).

    Parameters
    ----------
    complaints : DataFrame
        ``complaint_id, store_id, received_date, category``.
    periods : str or list of str, optional
        Months to pool (default: all).
    stores : str or list of str, optional
        Stores to pool (default: all).
    columns : mapping, optional
        Contract column name → the name used in ``complaints``.

    Returns
    -------
    DataFrame
        ``category, count, share, cum_share`` sorted by count (descending, then category); empty when no complaint.
    """
    df = _long.renamed(complaints, columns)
    mask = pd.Series(True, index=df.index)
    if (p := _periods(periods)) is not None:
        mask &= _month(df["received_date"]).isin(p)
    if (s := _stores(stores)) is not None:
        mask &= df["store_id"].isin(s)
    df = df[mask.fillna(False).astype(bool)]
    counts = df.groupby("category", observed=True).size().rename("count").reset_index()
    counts = counts.sort_values(["count", "category"], ascending=[False, True], kind="stable").reset_index(drop=True)
    total = counts["count"].sum()
    counts["share"] = counts["count"] / total if total else np.nan
    counts["cum_share"] = counts["share"].cumsum()
    return counts


# ------------------------------------------------------------------------------------------------- long format


def long_metrics(ds: Dataset, *, periods, stores=None, by_staff: bool = False) -> pd.DataFrame:
    """``csi_index`` and ``ssi_index`` in the long format of :mod:`dealerlab.metrics`.

    Parameters
    ----------
    ds : Dataset
        Needs ``surveys``; without it every value is NaN with the reason "table surveys is missing".
    periods : list of str
        Months ``YYYY-MM``.
    stores : list of str, optional
        Store ids (default: every store of ``ds``).
    by_staff : bool
        The satisfaction indices are store figures (registry ``per_staff=False``): with ``by_staff=True`` the same
        store rows come with an empty (``<NA>``) ``staff_id`` column first, as the other families do.

    Returns
    -------
    DataFrame
        ``store_id, period, metric, value, reason`` (``staff_id`` first when ``by_staff``): one row per store ×
        period × metric id, in the order asked; NaN ``value`` with a Chinese ``reason`` when not available, ``""``
        as reason otherwise.
    """
    periods = _periods(periods)
    stores = _long.stores_of(ds, stores, ("surveys",))
    surveys = ds["surveys"] if ds.has("surveys") else None
    idx = satisfaction_index(surveys, periods=periods, stores=stores)
    out = idx.rename(columns={"index": "value"})[_long.LONG_COLUMNS]
    out["reason"] = out["reason"].fillna("").astype("string")
    return _long.order_long(out, stores=stores, periods=periods, metrics=ids("csi"), by_staff=by_staff)


# ------------------------------------------------------------------------------------------------------------------
# QSC+V, the ten dimensions, survey sample size (course module 5, seeds 003「Q、S、C+V」, 000「十个纬度」)

# QSCV (letter → its description; McDonald's QSC+V turned to a dealership: Q = the result is right (the car, the
# repair), S = the way we serve, C = clean and comfortable surroundings, V = the customer feels the price is worth it)
# and TEN_DIMENSIONS (the ten dimensions of service quality, the model RATER was later condensed from → (what the
# customer expects, the RATER dimension each became)) are texts kept in messages/csi.toml; the module attributes are
# built on first use (module ``__getattr__``), so nothing is read at import.


def _qscv() -> dict[str, str]:
    return {k: zh for k, (zh, _en) in _MSG.pairs("qscv", ("Q", "S", "C", "V")).items()}


def _ten_dimensions() -> dict[str, tuple[str, str]]:
    return {k: (zh, _MSG.text(f"ten_dimension.{k}.rater")) for k, (zh, _en) in _MSG.pairs("ten_dimension").items()}


QSCV: dict[str, str]
TEN_DIMENSIONS: dict[str, tuple[str, str]]

_TABLES = {"QSCV": _qscv, "TEN_DIMENSIONS": _ten_dimensions}


def __getattr__(name: str):
    """The course tables of :data:`_TABLES`, read from the catalogue on first use."""
    if name in _TABLES:
        value = globals()[name] = _TABLES[name]()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: survey item → QSC+V letter, for the items shipped with dealerlab (data/survey_items.csv)
QSCV_OF_ITEM = {
    "诊断准确": "Q", "一次修好": "Q", "按时交车": "Q", "合同手续清楚": "Q",
    "接待及时主动": "S", "需求了解充分": "S", "车辆介绍专业": "S", "试乘试驾安排": "S", "试驾路线与讲解": "S",
    "交车讲解细致": "S", "销售顾问诚信": "S", "预约便捷": "S", "接车问诊细致": "S", "维修用时合理": "S",
    "维修项目解释清楚": "S", "尊重客户时间": "S",
    "展厅环境舒适": "C", "车辆交还清洁": "C", "休息区舒适": "C",
    "报价透明": "V", "费用解释清楚": "V", "价格公道": "V", "物有所值": "V",
}



def qscv_scores(
    surveys: pd.DataFrame, *, by: Sequence[str] | str | None = ("store_id", "period"), periods=None, stores=None,
    survey: str | None = None, mapping: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Pooled performance and index per QSC+V letter (all answered rows of the letter's items, equally weighted).

    Parameters
    ----------
    surveys : DataFrame
        The long survey table (see :func:`scores`).
    by : list of str, optional
        Grouping columns among ``store_id, period``.
    periods, stores, survey : optional
        Filters (see :func:`prepare`).
    mapping : mapping of str to str, optional
        Item → ``"Q"``/``"S"``/``"C"``/``"V"`` (default :data:`QSCV_OF_ITEM`); items not in it are left out.

    Returns
    -------
    DataFrame
        ``*by, survey, qscv, n_items, n, performance, index`` — letters in the order Q, S, C, V; ``index`` =
        performance × 100.
    """
    mapping = dict(QSCV_OF_ITEM if mapping is None else mapping)
    letters = _qscv()
    bad = sorted({v for v in mapping.values() if v not in letters})
    if bad:
        raise ParameterError(*_MSG.both("bad_qscv", bad_zh=_MSG.text("list_sep").join(bad), bad=bad))
    keys = _as_keys(by)
    item = scores(surveys, level="item", by=keys, periods=periods, stores=stores, survey=survey)
    item = item.assign(qscv=item["item"].map(mapping)).dropna(subset=["qscv"])
    item = item[item["n"] > 0]
    item["_sum"] = item["performance"] * item["n"]
    out = item.groupby(keys + ["survey", "qscv"], as_index=False).agg(
        n_items=("item", "nunique"), n=("n", "sum"), _sum=("_sum", "sum"))
    out["performance"] = out["_sum"] / out["n"]
    out["index"] = out["performance"] * 100
    out["_o"] = out["qscv"].map({k: i for i, k in enumerate(letters)})
    return (out.sort_values(keys + ["survey", "_o"], kind="stable").drop(columns=["_sum", "_o"])
            .reset_index(drop=True))


def sample_size(population: int | None = None, *, margin: float = 0.05, confidence: float = 0.95,
                share: float = 0.5) -> int:
    """How many customers a satisfaction survey must reach for a share to be known within ± ``margin``.

    n₀ = z² × p × (1 − p) ÷ e²; with a finite population N, n = n₀ ÷ (1 + (n₀ − 1) ÷ N); rounded up.

    Parameters
    ----------
    population : int, optional
        Customers in the period (e.g. 400 service visits); ``None`` = very large.
    margin : float
        Half-width of the confidence interval, e.g. 0.05 for ± 5 points.
    confidence : float
        Confidence level, e.g. 0.95 (z = 1.96).
    share : float
        Expected share of satisfied customers; 0.5 is the safe (largest) choice.

    Returns
    -------
    int
        Completed questionnaires needed (never more than ``population``).
    """
    if not 0 < margin < 1 or not 0 < confidence < 1 or not 0 < share < 1:
        raise ParameterError(*_MSG.both("bad_sample_fractions"))
    if population is not None and population < 1:
        raise ParameterError(*_MSG.both("bad_population"))
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    n0 = z * z * share * (1 - share) / (margin * margin)
    n = n0 if population is None else n0 / (1 + (n0 - 1) / population)
    n = int(np.ceil(n - 1e-9))
    return min(n, population) if population is not None else n
