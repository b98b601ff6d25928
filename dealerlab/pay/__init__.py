"""Course module 7 — pay and people: bonus, team reward pool, bottom-out rule, points, per-head output, front-line
share, turnover by department (docs/DOMAIN.md §7, seed 001).

Every rule parameter (the 1.2 caps, the 12 and 10 unit lines, the 5 000 reward) is an argument whose default is the
seed's value, so a trainer can show what a different rule would have paid.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealerlab._long import month
from dealerlab._options import check_option
from dealerlab.calendar import month_bounds
from dealerlab.data.schema import FRONTLINE_ROLES
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "bonus",
    "consultant_units",
    "bonus_table",
    "team_reward",
    "team_reward_table",
    "bottom_out",
    "points_by_month",
    "per_head",
    "frontline_share",
    "turnover_by_department",
    "STATUS_ELIMINATED",
    "STATUS_SUSPENDED",
    "STATUS_KEPT",
    "STATUS_REVIVED",
    "FEEDBACK_WEIGHTS",
    "feedback_360",
    "PAY_PARTS",
    "pay_mix",
    "POINT_RULES",
    "score_points",
    "revival",
]

_MSG = Catalogue.load("pay")

STATUS_ELIMINATED = "淘汰"
STATUS_SUSPENDED = "停岗"
STATUS_KEPT = "保留"
CONSULTANT = "销售顾问"
#: the targets metrics a team reward is paid on (values of targets.metric)
_METRICS = ("销量", "售后产值")
#: the departments per_head counts (values of staff.department)
_DEPARTMENTS = ("销售部", "售后部")
#: the self-rating group of a 360° review (a value of the rater column)
_SELF = "自评"
#: the two kinds of pay part (values of pay_mix's kind column)
_KINDS = ("固定", "浮动")


def bonus(base: float, individual: float, team: float, *, cap: float = 1.2) -> float:
    """Bonus = base (总绩效) × min(individual achievement, cap) × min(team achievement, cap).

    Achievements are fractions (0.9 = 90 %); a missing one (NaN) gives NaN. Negative inputs are an error.

    >>> bonus(10_000, 0.9, 1.1)
    9900.0
    """
    for name, v in (("base", base), ("individual", individual), ("team", team)):
        if v is not None and not (isinstance(v, float) and math.isnan(v)) and v < 0:
            raise ParameterError(*_MSG.both("negative_input", name=name, v=v))
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (base, individual, team)):
        return math.nan
    return float(base) * min(float(individual), cap) * min(float(team), cap)




def consultant_units(ds: Dataset, *, periods=None, stores=None) -> pd.DataFrame:
    """Units sold per sales consultant and month: sales rows of every channel, by invoice_date.

    Returns
    -------
    DataFrame
        ``store_id, staff_id, period, units`` for every consultant (role 销售顾问) employed during each month asked
        (a consultant employed with no sale has 0 units). ``periods`` default: every month of the sales table.
    """
    staff = ds["staff"]
    sales = ds["sales"]
    if stores is not None:
        stores = [stores] if isinstance(stores, str) else list(stores)
        staff = staff[staff["store_id"].isin(stores)]
        sales = sales[sales["store_id"].isin(stores)]
    sales = sales.assign(period=month(sales["invoice_date"]))
    if periods is None:
        periods = sorted(sales["period"].dropna().unique().tolist())
    periods = list(periods)
    counts = sales.groupby(["staff_id", "period"]).size().rename("units")
    cons = staff[staff["role"] == CONSULTANT]
    rows = []
    for p in periods:
        start, end = month_bounds(p)
        employed = cons[(cons["hire_date"] <= end) & (cons["leave_date"].isna() | (cons["leave_date"] >= start))]
        rows.append(employed[["store_id", "staff_id"]].assign(period=p))
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["store_id", "staff_id", "period"])
    frame = frame.merge(counts.reset_index(), on=["staff_id", "period"], how="left")
    frame["units"] = frame["units"].fillna(0).astype("int64")
    return frame.sort_values(["store_id", "staff_id", "period"]).reset_index(drop=True)


def _targets(ds: Dataset, metric: str, *, staff_level: bool) -> pd.DataFrame:
    t = ds["targets"]
    t = t[t["metric"] == metric]
    t = t[t["staff_id"].notna()] if staff_level else t[t["staff_id"].isna()]
    keys = ["store_id", "staff_id", "period"] if staff_level else ["store_id", "period"]
    return t.groupby(keys, as_index=False)[["target"]].sum()


def bonus_table(ds: Dataset, *, periods=None, stores=None, base: float = 10_000, cap: float = 1.2) -> pd.DataFrame:
    """The seed's bonus per consultant and month.

    individual achievement = consultant units / consultant's 销量 target; team achievement = store units (every
    channel) / store-level 销量 target. ``base`` is the 总绩效 amount (a number, or a Series indexed by staff_id).

    Returns
    -------
    DataFrame
        ``store_id, staff_id, period, units, target, individual, store_units, store_target, team, base, bonus``.
    """
    units = consultant_units(ds, periods=periods, stores=stores)
    sales = ds["sales"].assign(period=lambda d: month(d["invoice_date"]))
    store_units = sales.groupby(["store_id", "period"]).size().rename("store_units").reset_index()
    out = units.merge(_targets(ds, _METRICS[0], staff_level=True), on=["store_id", "staff_id", "period"], how="left")
    store_t = _targets(ds, _METRICS[0], staff_level=False).rename(columns={"target": "store_target"})
    out = out.merge(store_units, on=["store_id", "period"], how="left").merge(store_t, on=["store_id", "period"], how="left")
    out["store_units"] = out["store_units"].fillna(0)
    out["individual"] = out["units"] / out["target"].where(out["target"] > 0)
    out["team"] = out["store_units"] / out["store_target"].where(out["store_target"] > 0)
    out["base"] = out["staff_id"].map(base) if isinstance(base, pd.Series) else float(base)
    out["bonus"] = out["base"] * out["individual"].clip(upper=cap) * out["team"].clip(upper=cap)
    return out


def team_reward(months: pd.DataFrame, *, reward: float = 5_000, period="period", target="target", actual="actual") -> pd.DataFrame:
    """Apply the team-reward rule to one team's months (docs/DOMAIN.md §7).

    A month that reaches its target pays ``reward``; a month that misses puts ``reward`` into the pool and adds its
    shortfall (target − actual) to the pooled shortfall. A later month of the same year that reaches its target and
    whose surplus (actual − target) covers the pooled shortfall also pays out the pool; otherwise the pool waits.
    The pool lapses at year end (the amount lapsed is shown on the year's last month present).

    Parameters
    ----------
    months : DataFrame
        One row per month: ``period`` (YYYY-MM), ``target``, ``actual``; any order.

    Returns
    -------
    DataFrame
        ``period, target, actual, hit, paid, pool_after, shortfall_pooled, lapsed`` sorted by period.
    """
    df = months[[period, target, actual]].rename(columns={period: "period", target: "target", actual: "actual"})
    df = df.sort_values("period").reset_index(drop=True)
    rows = []
    pool = 0.0
    short = 0.0
    year = None
    for i, r in df.iterrows():
        y = str(r["period"])[:4]
        if year is not None and y != year:
            pool, short = 0.0, 0.0
        year = y
        hit = bool(r["actual"] >= r["target"])
        paid = 0.0
        if hit:
            paid = reward
            if pool > 0 and (r["actual"] - r["target"]) >= short:
                paid += pool
                pool, short = 0.0, 0.0
        else:
            pool += reward
            short += float(r["target"] - r["actual"])
        last_of_year = i == len(df) - 1 or str(df.loc[i + 1, "period"])[:4] != y
        lapsed = pool if last_of_year else 0.0
        rows.append({"period": r["period"], "target": r["target"], "actual": r["actual"], "hit": hit, "paid": paid,
                     "pool_after": pool, "shortfall_pooled": short, "lapsed": lapsed})
    return pd.DataFrame(rows, columns=["period", "target", "actual", "hit", "paid", "pool_after", "shortfall_pooled", "lapsed"])


def team_reward_table(ds: Dataset, *, metric: str = _METRICS[0], stores=None, reward: float = 5_000) -> pd.DataFrame:
    """:func:`team_reward` for every store team, from the store-level targets of ``metric`` and the actuals.

    ``metric`` 销量 (units, all channels) or 售后产值 (service revenue by close_date — the seed's after-sales case).

    Returns
    -------
    DataFrame
        ``store_id`` + the columns of :func:`team_reward`.
    """
    check_option("metric", metric, _METRICS)
    if metric == _METRICS[0]:
        ev = ds["sales"].assign(period=lambda d: month(d["invoice_date"]))
        actual = ev.groupby(["store_id", "period"]).size().rename("actual")
    else:
        ro = ds["service_orders"].dropna(subset=["close_date"])
        ro = ro.assign(period=month(ro["close_date"]))
        actual = ro.groupby(["store_id", "period"])["revenue"].sum().rename("actual")
    t = _targets(ds, metric, staff_level=False)
    if stores is not None:
        t = t[t["store_id"].isin([stores] if isinstance(stores, str) else list(stores))]
    t = t.merge(actual.reset_index(), on=["store_id", "period"], how="left").fillna({"actual": 0})
    parts = [team_reward(g, reward=reward).assign(store_id=sid) for sid, g in t.groupby("store_id", sort=True)]
    if not parts:
        return pd.DataFrame(columns=["store_id", "period", "target", "actual", "hit", "paid", "pool_after", "shortfall_pooled", "lapsed"])
    out = pd.concat(parts, ignore_index=True)
    return out[["store_id"] + [c for c in out.columns if c != "store_id"]]


def bottom_out(units: pd.DataFrame, *, quarterly_line: float = 12, monthly_line: float = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bottom-out rule (末位淘汰) per consultant and quarter (docs/DOMAIN.md §7).

    A quarter's average monthly units below ``quarterly_line`` → 淘汰; 淘汰 in two consecutive quarters → 停岗 (the
    second quarter's status); otherwise 保留. Any month below ``monthly_line`` → that month's points are cancelled.
    A quarter only partly covered by the data (or by the consultant's employment) is averaged over the months present
    (``months`` says how many; ``partial`` flags it).

    Parameters
    ----------
    units : DataFrame
        ``staff_id, period, units`` (e.g. from :func:`consultant_units`); extra columns such as ``store_id`` are kept.

    Returns
    -------
    (quarters, months)
        quarters: ``[store_id,] staff_id, quarter, months, mean_units, partial, status``;
        months: the input with ``points_cancelled`` (bool).
    """
    df = units.copy()
    df["quarter"] = pd.PeriodIndex(df["period"], freq="M").asfreq("Q").astype(str)
    keys = [c for c in ("store_id", "staff_id") if c in df.columns]
    q = df.groupby(keys + ["quarter"], as_index=False).agg(months=("units", "size"), mean_units=("units", "mean"))
    q["partial"] = q["months"] < 3
    q = q.sort_values(keys + ["quarter"]).reset_index(drop=True)
    below = q["mean_units"] < quarterly_line
    prev_q = pd.PeriodIndex(q["quarter"], freq="Q") - 1
    q["_prev"] = prev_q.astype(str)
    prev_below = q.merge(
        q.loc[below, keys + ["quarter"]].rename(columns={"quarter": "_prev"}).assign(_pb=True), on=keys + ["_prev"], how="left"
    )["_pb"].fillna(False).astype(bool).to_numpy()
    q["status"] = np.where(below & prev_below, STATUS_SUSPENDED, np.where(below, STATUS_ELIMINATED, STATUS_KEPT))
    q = q.drop(columns="_prev")
    months = df.drop(columns="quarter").assign(points_cancelled=df["units"] < monthly_line)
    return q, months


def points_by_month(ds: Dataset, *, units: pd.DataFrame | None = None, monthly_line: float = 10) -> pd.DataFrame:
    """Σ points per staff and month; with ``units`` (from :func:`consultant_units`) the months below the line are
    cancelled (``points_paid`` = 0 there).

    Returns
    -------
    DataFrame
        ``store_id, staff_id, period, points, cancelled, points_paid``.
    """
    p = ds["points"].assign(period=lambda d: month(d["date"]))
    out = p.groupby(["store_id", "staff_id", "period"], as_index=False)["points"].sum()
    out["cancelled"] = False
    if units is not None:
        low = units.loc[units["units"] < monthly_line, ["staff_id", "period"]].assign(_low=True)
        out = out.merge(low, on=["staff_id", "period"], how="left")
        out["cancelled"] = out["_low"].fillna(False).astype(bool)
        out = out.drop(columns="_low")
    out["points_paid"] = out["points"].where(~out["cancelled"], 0.0)
    return out


def _headcount(staff: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    employed = (staff["hire_date"] <= day) & (staff["leave_date"].isna() | (staff["leave_date"] > day))
    return employed


def per_head(ds: Dataset, *, periods, stores=None) -> pd.DataFrame:
    """Units, revenue and gross profit per head (人均销量/人均产值/人均创利) of the sales and after-sales departments.

    Average headcount of a department in month M = mean of its headcount at start(M) and end(M) (as §2's turnover).
    Sales department: units = sales rows, revenue = Σ price + Σ add-on revenue, gross = Σ gross_profit + Σ add-on gross.
    After-sales department: units = orders closed, revenue = Σ service revenue (close_date in M), gross not in the
    contract → NaN.

    Returns
    -------
    DataFrame
        ``store_id, period, department, headcount, units, revenue, gross, units_per_head, revenue_per_head,
        gross_per_head``.
    """
    staff = ds["staff"]
    if stores is not None:
        staff = staff[staff["store_id"].isin([stores] if isinstance(stores, str) else list(stores))]
    sales = ds["sales"].assign(period=lambda d: month(d["invoice_date"]))
    addons = ds["addons"] if ds.has("addons") else None
    if addons is not None:
        add = addons.merge(sales[["sale_id", "period"]], on="sale_id", how="inner")
        add_rev = add.groupby(["store_id", "period"])["revenue"].sum()
        add_gp = add.groupby(["store_id", "period"])["gross_profit"].sum()
    ro = ds["service_orders"].dropna(subset=["close_date"]) if ds.has("service_orders") else None
    rows = []
    for p in periods:
        start, end = month_bounds(p)
        for sid, st in staff.groupby("store_id"):
            for dept in _DEPARTMENTS:
                d = st[st["department"] == dept]
                hc = (_headcount(d, start).sum() + _headcount(d, end).sum()) / 2
                if dept == _DEPARTMENTS[0]:
                    s = sales[(sales["store_id"] == sid) & (sales["period"] == p)]
                    units = float(len(s))
                    revenue = float(s["price"].sum()) + (float(add_rev.get((sid, p), 0.0)) if addons is not None else 0.0)
                    gross = float(s["gross_profit"].sum()) + (float(add_gp.get((sid, p), 0.0)) if addons is not None else 0.0)
                else:
                    if ro is None:
                        continue
                    r = ro[(ro["store_id"] == sid) & (ro["close_date"] >= start) & (ro["close_date"] <= end)]
                    units, revenue, gross = float(len(r)), float(r["revenue"].sum()), math.nan
                rows.append({"store_id": sid, "period": p, "department": dept, "headcount": hc, "units": units,
                             "revenue": revenue, "gross": gross})
    out = pd.DataFrame(rows, columns=["store_id", "period", "department", "headcount", "units", "revenue", "gross"])
    denom = out["headcount"].where(out["headcount"] > 0)
    for col in ("units", "revenue", "gross"):
        out[f"{col}_per_head"] = out[col] / denom
    return out


def frontline_share(staff: pd.DataFrame, *, on: str | pd.Timestamp | None = None, by: str | None = "dept_class") -> pd.DataFrame:
    """Front-line share (一线占比) = front-line staff / all staff, overall and by ``by`` (e.g. dept_class 可变/固定/其他).

    ``frontline`` blank → inferred from the role (sales consultants, advisors, technicians... are front-line).
    ``on``: count staff employed on that date (default: every row given).

    Returns
    -------
    DataFrame
        ``[by,] frontline, staff, share`` with a final row ``合计`` for the whole.
    """
    st = staff
    if on is not None:
        day = pd.Timestamp(on)
        st = st[_headcount(st, day)]
    front = st["frontline"].astype("boolean").fillna(st["role"].isin(FRONTLINE_ROLES)).astype(bool)
    st = st.assign(_front=front)
    rows = []
    if by is not None:
        for key, g in st.groupby(by, sort=True):
            rows.append({by: key, "frontline": int(g["_front"].sum()), "staff": len(g)})
    rows.append({**({by: _MSG.text("total")} if by else {}), "frontline": int(st["_front"].sum()), "staff": len(st)})
    out = pd.DataFrame(rows)
    out["share"] = out["frontline"] / out["staff"].where(out["staff"] > 0)
    return out


def turnover_by_department(ds: Dataset, *, periods, stores=None) -> pd.DataFrame:
    """Turnover per store, month and department: leavers in M / mean headcount at start(M) and end(M) (§2's fix).

    Returns
    -------
    DataFrame
        ``store_id, period, department, leavers, headcount_start, headcount_end, turnover``.
    """
    staff = ds["staff"]
    if stores is not None:
        staff = staff[staff["store_id"].isin([stores] if isinstance(stores, str) else list(stores))]
    rows = []
    for p in periods:
        start, end = month_bounds(p)
        for (sid, dept), d in staff.groupby(["store_id", "department"], sort=True):
            leavers = int(((d["leave_date"] >= start) & (d["leave_date"] <= end)).sum())
            h0, h1 = int(_headcount(d, start).sum()), int(_headcount(d, end).sum())
            rows.append({"store_id": sid, "period": p, "department": dept, "leavers": leavers,
                         "headcount_start": h0, "headcount_end": h1})
    out = pd.DataFrame(rows, columns=["store_id", "period", "department", "leavers", "headcount_start", "headcount_end"])
    avg = (out["headcount_start"] + out["headcount_end"]) / 2
    out["turnover"] = out["leavers"] / avg.where(avg > 0)
    return out


# ------------------------------------------------------------------------------------------------------------------
# appraisal and pay design (seeds 000「薪酬的基本组成」, 001「销售积分商务政策」「淘汰复活政策」, 002「360度反馈评价」)

#: default weights of a 360° review: the manager counts most, one's own rating least
FEEDBACK_WEIGHTS = {"上级": 0.4, "同事": 0.3, "下级": 0.2, "自评": 0.1}


def feedback_360(ratings: pd.DataFrame, *, weights=None, rater: str = "rater", score: str = "score") -> pd.DataFrame:
    """Weighted 360° score: the mean rating of each rater group, combined with the group weights.

    A group without any rating is left out and the other weights are scaled up to sum to 1 (so a consultant without
    subordinates is not penalised).

    Parameters
    ----------
    ratings : DataFrame
        One row per rating: the rater group (``上级``, ``同事``, ``下级``, ``自评``) and the score; other columns are
        ignored; a ``staff_id`` column gives one result per person.
    weights : mapping of str to float, optional
        Group → weight (default :data:`FEEDBACK_WEIGHTS`).
    rater, score : str
        Column names.

    Returns
    -------
    DataFrame
        ``[staff_id,] rater, n, mean, weight, used_weight, contribution`` per group and a last row ``合计`` per person
        whose ``contribution`` is the 360° score; ``self_gap`` on that row = self rating − the others' weighted score
        (NaN without a self rating).
    """
    weights = dict(FEEDBACK_WEIGHTS if weights is None else weights)
    unknown = sorted(set(ratings[rater].dropna().astype(str)) - set(weights))
    if unknown:
        raise ParameterError(*_MSG.both("unknown_rater", unknown_zh=_MSG.text("list_sep").join(unknown), allowed_zh=_MSG.text("list_sep").join(weights), unknown=unknown, allowed=list(weights)))
    keys = ["staff_id"] if "staff_id" in ratings.columns else []
    parts = []
    for key, g in ratings.groupby(keys) if keys else [((), ratings)]:
        s = g.dropna(subset=[score]).groupby(rater)[score].agg(["count", "mean"])
        present = [r for r in weights if r in s.index]
        if not present:
            raise ParameterError(*_MSG.both("no_rating"))
        total = sum(weights[r] for r in present)
        rows = [{"rater": r, "n": int(s.loc[r, "count"]), "mean": float(s.loc[r, "mean"]), "weight": weights[r],
                 "used_weight": weights[r] / total, "contribution": float(s.loc[r, "mean"]) * weights[r] / total}
                for r in present]
        others = [r for r in present if r != _SELF]
        ow = sum(weights[r] for r in others)
        other_score = sum(float(s.loc[r, "mean"]) * weights[r] for r in others) / ow if ow else math.nan
        self_gap = float(s.loc[_SELF, "mean"]) - other_score if _SELF in present else math.nan
        rows.append({"rater": _MSG.text("total"), "n": int(s["count"].sum()), "mean": math.nan, "weight": sum(weights.values()),
                     "used_weight": 1.0, "contribution": sum(r["contribution"] for r in rows), "self_gap": self_gap})
        part = pd.DataFrame(rows)
        if keys:
            part.insert(0, "staff_id", key[0] if isinstance(key, tuple) else key)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


#: the parts of a dealership pay package and whether each is fixed or variable
PAY_PARTS = {"基本工资": "固定", "岗位工资": "固定", "福利补贴": "固定", "绩效奖金": "浮动", "销售提成": "浮动",
             "团队奖励": "浮动"}


def pay_mix(components, *, kinds=None) -> pd.DataFrame:
    """The structure of one pay package: each part's amount and share, and the fixed / variable split.

    Parameters
    ----------
    components : mapping of str to float
        Part → monthly amount (e.g. ``{"基本工资": 3000, "销售提成": 5000}``).
    kinds : mapping of str to str, optional
        Part → ``"固定"`` or ``"浮动"`` (default :data:`PAY_PARTS`; every part must be listed).

    Returns
    -------
    DataFrame
        ``part, kind, amount, share`` per part, then a ``固定合计`` and a ``浮动合计`` row and ``总计``.
    """
    kinds = dict(PAY_PARTS if kinds is None else kinds)
    missing = [p for p in components if p not in kinds]
    if missing:
        raise ParameterError(*_MSG.both("unknown_kind", missing_zh=_MSG.text("list_sep").join(missing), missing=missing))
    if any(v is None or v < 0 for v in components.values()):
        raise ParameterError(*_MSG.both("bad_part"))
    total = float(sum(components.values()))
    if total <= 0:
        raise ParameterError(*_MSG.both("no_total"))
    rows = [{"part": p, "kind": kinds[p], "amount": float(v), "share": float(v) / total} for p, v in components.items()]
    for kind in _KINDS:
        amt = sum(r["amount"] for r in rows if r["kind"] == kind)
        rows.append({"part": _MSG.get("kind_total", kind=kind), "kind": kind, "amount": amt, "share": amt / total})
    rows.append({"part": _MSG.text("grand_total"), "kind": "", "amount": total, "share": 1.0})
    return pd.DataFrame(rows, columns=["part", "kind", "amount", "share"])


#: the sales points policy: reason → points per occurrence (seed 001: 展车5S、收车、试驾车 +1, 迟到早退 −10; the
#: demo's 客户表扬 +5 and 月度销冠 +20; 调休/请假/工牌 are named in the seed without a value — the course's −2/−2/−5)
POINT_RULES = {"展车5S检查": 1, "新车接车": 1, "试驾车值班": 1, "客户表扬": 5, "月度销冠": 20, "迟到早退": -10,
               "未按规定调休": -2, "事假": -2, "未戴工牌": -5}


def score_points(log: pd.DataFrame, *, rules=None, reason: str = "reason", count: str | None = None) -> pd.DataFrame:
    """Points per person from a log of events and the points policy (事由 → 分值).

    Parameters
    ----------
    log : DataFrame
        One row per event (``staff_id``, the reason and optionally a count column).
    rules : mapping of str to float, optional
        Reason → points per occurrence (default :data:`POINT_RULES`).
    reason : str
        The reason column.
    count : str, optional
        A column with how many times the event happened on that row (default 1 per row).

    Returns
    -------
    DataFrame
        ``staff_id, plus, minus, points`` — plus = the positive points, minus = the deductions (≤ 0), highest first.

    Raises
    ------
    ParameterError
        A reason not in the rules (named, with its row).
    """
    rules = dict(POINT_RULES if rules is None else rules)
    bad = log.loc[~log[reason].isin(list(rules)), reason]
    if not bad.empty:
        raise ParameterError(*_MSG.both("unknown_reason", row=int(bad.index[0]) + 1, reason=bad.iloc[0]))
    n = log[count].astype(float) if count else pd.Series(1.0, index=log.index)
    pts = log[reason].map(rules).astype(float) * n
    df = pd.DataFrame({"staff_id": log["staff_id"], "plus": pts.clip(lower=0), "minus": pts.clip(upper=0)})
    out = df.groupby("staff_id", as_index=False)[["plus", "minus"]].sum()
    out["points"] = out["plus"] + out["minus"]
    return out.sort_values(["points", "staff_id"], ascending=[False, True]).reset_index(drop=True)


def revival(quarters: pd.DataFrame, points: pd.DataFrame, last_month: pd.DataFrame, *, points_line: float = 30,
            units_line: float = 12) -> pd.DataFrame:
    """The revival rule (淘汰复活, the course's reading of a rule the seed only names): a consultant 淘汰 in a quarter is
    revived (复活, kept on probation) when his points in the quarter reach ``points_line`` *and* his last month's units
    reach ``units_line`` — effort and a recovering trend; 停岗 is never revived.

    Parameters
    ----------
    quarters : DataFrame
        :func:`bottom_out` quarters (``staff_id, quarter, status``).
    points : DataFrame
        ``staff_id, quarter, points`` — the quarter's points (paid points, after cancellations).
    last_month : DataFrame
        ``staff_id, quarter, units`` — units in the quarter's last month.
    points_line, units_line : float
        The two thresholds.

    Returns
    -------
    DataFrame
        The quarters with ``points, last_units, revived`` and ``final_status`` (淘汰 → 复活 where revived).
    """
    q = quarters.merge(points[["staff_id", "quarter", "points"]], on=["staff_id", "quarter"], how="left")
    q = q.merge(last_month[["staff_id", "quarter", "units"]].rename(columns={"units": "last_units"}),
                on=["staff_id", "quarter"], how="left")
    q["points"] = q["points"].fillna(0.0)
    q["revived"] = ((q["status"] == STATUS_ELIMINATED) & (q["points"] >= points_line)
                    & (q["last_units"].fillna(0) >= units_line))
    q["final_status"] = np.where(q["revived"], STATUS_REVIVED, q["status"])
    return q


STATUS_REVIVED = "复活"
