"""Course module 10 — execution and organisation (执行力与组织): recruiting KPIs and the 6S audit score.

* :func:`recruiting` — per store and month: headcount at the start, hires, leavers, 增员率 (hiring rate), and the new
  hires' 脱落率 (early dropout) / 转正率 (conversion) after a probation of 90 days.
* :func:`six_s_score` — a 6S site audit (整理 整顿 清扫 清洁 素养 安全) scored item by item → each S and the total.

Definitions (the seeds only name these KPIs, [P]; written here):

* headcount on day d = staff with ``hire_date ≤ d`` and (no ``leave_date`` or ``leave_date > d``) — the same rule as
  离职率 (docs/DOMAIN.md §2);
* 增员率 = hires in the month ÷ headcount on its first day (NaN with a reason when the headcount is 0);
* a hire of the month has *dropped out* when ``leave_date ≤ hire_date + probation_days``, is *converted* (转正) when
  still employed on day ``hire_date + probation_days``, and is *pending* while that day is after ``as_of`` (the data's
  end). 脱落率 = dropped out ÷ (dropped out + converted); 转正率 = converted ÷ the same — pending hires are left out
  until their probation ends, so a recent month is not flattered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._options import check_lang
from dealerlab.calendar import check_period, month_bounds
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue, pick

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["recruiting", "six_s_score", "SIX_S", "training_needs"]

_TXT = Catalogue.load("execution")

#: the six S of a site audit, in order (seed 004): zh name → en name
SIX_S = {"整理": "sort", "整顿": "set in order", "清扫": "shine", "清洁": "standardise", "素养": "sustain", "安全": "safety"}


def _headcount(staff: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    on = (staff["hire_date"] <= day) & (staff["leave_date"].isna() | (staff["leave_date"] > day))
    return staff[on.fillna(False).astype(bool)].groupby("store_id").size()


def recruiting(
    ds: Dataset,
    *,
    periods,
    stores=None,
    role: str | None = None,
    probation_days: int = 90,
    as_of=None,
    lang: str = "zh",
) -> pd.DataFrame:
    """Recruiting KPIs per store and month: 增员率, and the 脱落率 / 转正率 of the month's hires.

    Parameters
    ----------
    ds : Dataset
        Needs ``staff`` (store_id, role, hire_date, leave_date).
    periods : sequence of str
        Months ``YYYY-MM``.
    stores : sequence of str, optional
        Keep these stores (default every store with staff).
    role : str, optional
        Count one role only (e.g. 销售顾问); default every role.
    probation_days : int
        Length of the probation (试用期) in days: leaving within it counts as dropping out.
    as_of : date-like, optional
        The day the data runs to (default: the latest hire or leave date in ``staff``); hires whose probation ends
        after it are ``pending``.
    lang : {"zh", "en"}
        Language of ``reason``.

    Returns
    -------
    DataFrame
        One row per store × month: ``store_id, period, headcount_start, hires, leavers, hiring_rate`` (增员率),
        ``dropouts, converted, pending, dropout_rate`` (脱落率), ``conversion_rate`` (转正率), ``reason`` (why a rate
        is NaN).

    Examples
    --------
    See ``tests/execution/test_execution.py`` for hand-computed cases.
    """
    check_lang(lang)
    periods = [check_period(p) for p in ([periods] if isinstance(periods, str) else list(periods))]
    if int(probation_days) <= 0:
        raise ParameterError(*_TXT.both("probation_days_not_positive", value=repr(probation_days)))
    staff = ds["staff"]
    if role is not None:
        staff = staff[staff["role"] == role]
    if stores is not None:
        staff = staff[staff["store_id"].isin(list(stores))]
    if as_of is None:
        dates = pd.concat([staff["hire_date"], staff["leave_date"]]).dropna()
        as_of = dates.max() if len(dates) else pd.Timestamp.max.normalize()
    as_of = pd.Timestamp(as_of).normalize()
    ids = sorted(staff["store_id"].dropna().unique()) if stores is None else list(stores)
    window = pd.Timedelta(days=int(probation_days))
    rows = []
    for period in periods:
        first, last = month_bounds(period)
        heads = _headcount(staff, first)
        hired = staff[(staff["hire_date"] >= first) & (staff["hire_date"] <= last)]
        left = staff[(staff["leave_date"] >= first) & (staff["leave_date"] <= last)]
        for sid in ids:
            h = hired[hired["store_id"] == sid]
            end = h["hire_date"] + window
            dropped = (h["leave_date"].notna() & (h["leave_date"] <= end)).fillna(False).astype(bool)
            converted = (~dropped) & (end <= as_of)
            n_drop, n_conv = int(dropped.sum()), int(converted.sum())
            pending = len(h) - n_drop - n_conv
            start = float(heads.get(sid, 0))
            decided = n_drop + n_conv
            reason = []
            if start == 0:
                reason.append(_TXT.get("no_headcount_start_month", lang))
            if len(h) == 0:
                reason.append(_TXT.get("no_hires_this_month", lang))
            elif decided == 0:
                reason.append(_TXT.get("probation_not_over_yet", lang))
            rows.append(
                {
                    "store_id": sid,
                    "period": period,
                    "headcount_start": start,
                    "hires": float(len(h)),
                    "leavers": float((left["store_id"] == sid).sum()),
                    "hiring_rate": len(h) / start if start > 0 else np.nan,
                    "dropouts": float(n_drop),
                    "converted": float(n_conv),
                    "pending": float(pending),
                    "dropout_rate": n_drop / decided if decided else np.nan,
                    "conversion_rate": n_conv / decided if decided else np.nan,
                    "reason": _TXT.get("list_sep", lang).join(reason),
                }
            )
    out = pd.DataFrame(rows)
    for c in ("store_id", "period", "reason"):
        out[c] = out[c].astype("string")
    return out


def six_s_score(checklist, *, max_points: float = 2.0, lang: str = "zh") -> pd.DataFrame:
    """Score a 6S site audit: each checked item gets 0 … ``max_points``; per S and in total, as a share of the maximum.

    Parameters
    ----------
    checklist : DataFrame or sequence of mappings
        One row per checked item with ``s`` (one of 整理 整顿 清扫 清洁 素养 安全), ``item`` (what was checked) and
        ``points`` (0 … max_points; blank = not checked, left out).
    max_points : float
        Points of a fully met item (2 = met, 1 = partly, 0 = not met by default).
    lang : {"zh", "en"}
        Language of the ``s_label`` column.

    Returns
    -------
    DataFrame
        One row per S in the 6S order plus a ``合计`` / ``total`` row: ``s, s_label, items, points, max, score``
        (points ÷ max; NaN when nothing of that S was checked).

    Examples
    --------
    >>> t = six_s_score([{"s": "整理", "item": "展厅无杂物", "points": 2}, {"s": "整理", "item": "工位", "points": 1},
    ...                  {"s": "安全", "item": "灭火器在位", "points": 0}])
    >>> t.set_index("s")["score"].round(3).loc[["整理", "安全", "合计"]].tolist()
    [0.75, 0.0, 0.5]
    """
    check_lang(lang)
    frame = pd.DataFrame(list(checklist) if not isinstance(checklist, pd.DataFrame) else checklist)
    missing = [c for c in ("s", "item", "points") if c not in frame.columns]
    if missing:
        raise ParameterError(_TXT.get("six_s_columns_missing", "zh", columns=_TXT.get("name_sep", "zh").join(missing)),
                             _TXT.get("six_s_columns_missing", "en", columns=_TXT.get("name_sep", "en").join(missing)))
    bad = frame.loc[~frame["s"].isin(list(SIX_S)), "s"]
    if len(bad):
        raise ParameterError(*_TXT.both("six_s_unknown_s", row=int(bad.index[0]) + 1, value=repr(bad.iloc[0]),
                                        choices=", ".join(SIX_S)))
    pts = pd.to_numeric(frame["points"], errors="coerce")
    wrong = frame.index[frame["points"].notna() & (pts.isna() | (pts < 0) | (pts > max_points))]
    if len(wrong):
        i = int(wrong[0])
        raise ParameterError(*_TXT.both("six_s_points_out_of_range", row=i + 1, item=frame.loc[i, "item"],
                                        value=repr(frame.loc[i, "points"]), max=f"{max_points:g}"))
    frame = frame.assign(points=pts)[pts.notna()]
    rows = []
    for s, en in SIX_S.items():
        part = frame[frame["s"] == s]
        n = len(part)
        rows.append({"s": s, "s_label": pick(lang, s, en), "items": float(n), "points": float(part["points"].sum()),
                     "max": float(n * max_points)})
    total = {"s": _TXT.text("total", "zh"), "s_label": _TXT.get("total", lang), "items": float(len(frame)),
             "points": float(frame["points"].sum()), "max": float(len(frame) * max_points)}
    out = pd.DataFrame([*rows, total])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["score"] = np.where(out["max"] > 0, out["points"] / out["max"].where(out["max"] > 0, 1.0), np.nan)
    out["s"] = out["s"].astype("string")
    out["s_label"] = out["s_label"].astype("string")
    return out



def training_needs(scores: pd.DataFrame, *, standard: float = 80.0, hours: dict | None = None) -> pd.DataFrame:
    """培训需求分析: per skill, who scores below the standard — the people a course is for — and the hours it takes.

    Parameters
    ----------
    scores : DataFrame
        ``staff_id, skill, score`` (one row per person × skill, e.g. from the monthly check or a test).
    standard : float
        The score a person should reach (default 80).
    hours : dict of str to float, optional
        Course hours per person for each skill (default: hours not given, ``hours_each`` NaN).

    Returns
    -------
    DataFrame
        ``skill, below, staff, hours_each, hours_total`` — ``below`` = people under the standard, ``staff`` their ids
        (comma-separated, in input order), ``hours_total`` = below × hours_each; skills in input order.
    """
    need = {"staff_id", "skill", "score"}
    if missing := need - set(scores.columns):
        raise ParameterError(*_TXT.both("skill_columns_missing", columns=_TXT.text("name_sep", "zh").join(sorted(missing)),
                                        names=sorted(missing)))
    hours = dict(hours or {})
    rows = []
    for skill, g in scores.groupby("skill", sort=False):
        low = g[pd.to_numeric(g["score"], errors="coerce") < standard]
        each = float(hours.get(skill, float("nan")))
        rows.append((skill, len(low), _TXT.text("name_sep", "zh").join(map(str, low["staff_id"])), each, len(low) * each))
    return pd.DataFrame(rows, columns=["skill", "below", "staff", "hours_each", "hours_total"])
