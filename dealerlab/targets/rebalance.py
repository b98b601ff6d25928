"""Weekly rebalancing of a month target and the two-tier month reset after week 2 (docs/DOMAIN.md §3, seed 002).

The seed's three tips for a store manager: (1) review every week and compute the achievement rate; (2) spread a
week's shortfall over the remaining weeks; (3) after week 2, reset the month into two tiers — behind plan:
目标一 85 % and 目标二 95 % of the month target ("so the goal is no longer out of reach"); on or ahead of plan:
100 % and 110 % (the stretch tier).

Formulas. Month target T over weeks with plan targets t1..tW and actuals a1..ak (weeks done). After week k the
shortfall is s = Σ_{i≤k}(t_i − a_i).

* A shortfall (s > 0) is spread over the remaining weeks by their plan weights: week j gets t_j + s·t_j / Σ_{j>k} t_j
  (= s/(W − k) when the weeks are equal; the weeks' plans come from the selling-day weights, so a 黄金周 week
  carries more of it).
* A surplus (s < 0) never lowers the remaining weeks: they keep t_j, and the surplus is ``banked`` toward the stretch
  tier — lowering the weeks after a good start invites the 达成即可 attitude.

After week 2 the month is re-tiered on the cumulative rate Σa / Σt (weeks 1–2): below 1 → tiers 0.85·T and 0.95·T,
otherwise 1.00·T and 1.10·T. For a tier T' the remaining weeks get t_j + s'·t_j / Σt_rest with
s' = T' − Σa − Σ_{j>k} t_j. Behind plan s' may be negative: lowering the remaining weeks is what the 85 %/95 % tiers
are for. On or ahead of plan s' is clipped at 0 (a surplus never lowers a week): the 100 % tier keeps the plan and the
110 % stretch tier asks for what is left after the banked surplus.

Decisions (docs/DOMAIN.md is silent): with whole-number plans and actuals a tier's month target is rounded half up to
a whole number (1.10 × 109 units = 119.9 → 120) and the amount is spread with the exact integer
split (largest remainder by plan weight, earlier weeks first), so the new week targets are whole numbers that add up
to what is left; otherwise plain proportions. A lowered tier larger than what remains would make a week negative:
such weeks are set to 0 and the rest carries the difference (targets are never negative).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue
from dealerlab.targets.split import split_integer

_MSG = Catalogue.load("targets/rebalance")


__all__ = ["rebalance_weeks", "retier_month", "TIERS"]

#: the seed's tiers: behind plan after week 2 → 85 % / 95 %; on or ahead of plan → 100 % / 110 %
TIERS = {"behind": (0.85, 0.95), "on_track": (1.00, 1.10)}


def _as_float_list(values, name: str) -> list[float]:
    out = []
    for v in list(values):
        out.append(np.nan if v is None or pd.isna(v) else float(v))
    return out


def _integral(xs: Sequence[float]) -> bool:
    return all(float(x).is_integer() for x in xs if not np.isnan(x))


def _spread(extra: float, base: list[float]) -> list[float]:
    """``base[j] + extra · base[j] / Σbase`` (equal shares when Σbase = 0), exactly in integers when possible,
    never negative."""
    n = len(base)
    if n == 0:
        return []
    weights = base if sum(base) > 0 else [1.0] * n
    if _integral([extra, *base]):
        mag = split_integer(abs(int(extra)), weights)
        new = [b + (m if extra >= 0 else -m) for b, m in zip(base, mag)]
    else:
        wsum = float(sum(weights))
        new = [b + extra * w / wsum for b, w in zip(base, weights)]
    # never negative: zero the weeks that went below 0 and take the excess from the others
    for _ in range(n):
        neg = sum(-x for x in new if x < 0)
        if neg == 0:
            break
        pos = [i for i, x in enumerate(new) if x > 0]
        new = [max(x, 0.0) for x in new]
        if not pos:
            break
        cut = split_integer(int(neg), [1] * len(pos)) if _integral([neg, *new]) else [neg / len(pos)] * len(pos)
        for i, c in zip(pos, cut):
            new[i] -= c
    return [float(max(x, 0.0)) for x in new]


def _check(plan, actual):
    plan = _as_float_list(plan, "plan")
    actual = _as_float_list(actual, "actual")
    if not plan:
        raise ParameterError(*_MSG.both("empty_plan"))
    if len(actual) > len(plan):
        raise ParameterError(
            *_MSG.both("more_actuals_than_plan", n_actual=len(actual), n_plan=len(plan)),
        )
    if any(np.isnan(p) or p < 0 for p in plan):
        raise ParameterError(*_MSG.both("bad_plan"))
    done = [a for a in actual if not np.isnan(a)]
    if len(done) != len(actual) or any(a < 0 for a in done):
        raise ParameterError(
            *_MSG.both("bad_actuals"),
        )
    return plan, actual


def rebalance_weeks(plan, actual) -> pd.DataFrame:
    """Re-plan the remaining weeks after each completed week (the seed's tip 2).

    Parameters
    ----------
    plan : sequence of float
        The planned target of each week of the month, t1..tW (e.g. ``[25000] * 4``).
    actual : sequence of float
        The achieved amount of the weeks done so far, a1..ak (k ≤ W), e.g. ``[17500]``.

    Returns
    -------
    DataFrame
        Long table, one row per (``after_week`` k = 0..K, ``week`` j): ``after_week, week, plan`` (t_j),
        ``actual`` (a_j or NaN), ``target`` (the week's target as set after week k: a done week keeps its last
        target; a remaining week gets t_j plus its share of a shortfall, and keeps t_j after a surplus),
        ``shortfall`` (s after week k; negative = surplus), ``banked`` (the surplus −s when ahead, else 0: it counts
        toward the stretch tier), ``rate`` (a_j / t_j, the week's 达成率, NaN when not done or t_j = 0).
        ``after_week == 0`` is the original plan.

    Examples
    --------
    docs/DOMAIN.md's known answer: T = 100 000 in 4 weeks of 25 000, week 1 achieves 17 500 (70 %) →
    weeks 2–4 become 27 500 each.

    >>> t = rebalance_weeks([25000] * 4, [17500])
    >>> t.loc[t.after_week == 1, "target"].tolist()
    [25000.0, 27500.0, 27500.0, 27500.0]

    A surplus does not lower the remaining weeks (week 1 at 32 500):

    >>> t = rebalance_weeks([25000] * 4, [32500])
    >>> t.loc[t.after_week == 1, "target"].tolist(), float(t["banked"].iloc[-1])
    ([25000.0, 25000.0, 25000.0, 25000.0], 7500.0)
    """
    plan, actual = _check(plan, actual)
    W, K = len(plan), len(actual)
    rows = []
    current = list(plan)
    for k in range(0, K + 1):
        s = sum(plan[i] - actual[i] for i in range(k))
        if k > 0 and k < W:
            current = current[:k] + (_spread(s, plan[k:]) if s > 0 else list(plan[k:]))
        for j in range(W):
            a = actual[j] if j < k else np.nan
            rows.append(
                {
                    "after_week": k,
                    "week": j + 1,
                    "plan": plan[j],
                    "actual": a,
                    "target": float(current[j]),
                    "shortfall": float(s),
                    "banked": float(max(0.0, -s)),
                    "rate": a / plan[j] if (j < k and plan[j] > 0) else np.nan,
                }
            )
    out = pd.DataFrame(rows)
    out["after_week"] = out["after_week"].astype("Int64")
    out["week"] = out["week"].astype("Int64")
    return out


def retier_month(plan, actual, *, month_target=None, after_week: int = 2, tiers=None, lang: str = "zh") -> pd.DataFrame:
    """The two-tier month reset after week 2 (the seed's tip 3).

    Parameters
    ----------
    plan : sequence of float
        Week plan targets t1..tW.
    actual : sequence of float
        Actuals of at least ``after_week`` weeks (only the first ``after_week`` are used).
    month_target : float, optional
        T; default Σ plan.
    after_week : int
        When the month is re-tiered (2 in the seed).
    tiers : mapping, optional
        ``{"behind": (0.85, 0.95), "on_track": (1.00, 1.10)}`` (:data:`TIERS`) unless given.
    lang : {"zh", "en"}
        Language of the ``tier`` and ``status`` labels.

    Returns
    -------
    DataFrame
        Two rows (目标一, 目标二): ``tier, status`` (落后于计划 / 达到或超过计划), ``cum_rate`` (Σa / Σt of the weeks
        done), ``level`` (0.85 …), ``month_target`` (level × T), ``achieved`` (Σa), ``remaining`` (what is left, ≥ 0),
        ``banked`` (surplus over the plan of the weeks done, ≥ 0), ``stretch`` (bool: the 110 % tier), and
        ``week_<j>`` columns with the new target of each remaining week (ahead of plan never below t_j).

    Examples
    --------
    >>> r = retier_month([25000] * 4, [17500, 25000])
    >>> r["month_target"].tolist()
    [85000.0, 95000.0]

    Ahead (30 000 + 27 000 = 57 000 of 50 000, 7 000 banked): the 100 % tier keeps weeks 3–4 at 25 000 (not 21 500);
    the 110 % stretch tier needs 110 000 − 57 000 = 53 000 → 26 500 each.

    >>> r = retier_month([25000] * 4, [30000, 27000])
    >>> r["month_target"].tolist(), r["week_3"].tolist()
    ([100000.0, 110000.0], [25000.0, 26500.0])
    """
    plan, actual = _check(plan, actual)
    if not 1 <= after_week < len(plan) + 1 or len(actual) < after_week:
        raise ParameterError(
            *_MSG.both("too_few_actuals", after_week=after_week, n_actual=len(actual)),
        )
    T = float(sum(plan)) if month_target is None else float(month_target)
    tiers = dict(TIERS if tiers is None else tiers)
    k = after_week
    done_plan = sum(plan[:k])
    achieved = sum(actual[:k])
    cum_rate = achieved / done_plan if done_plan > 0 else np.nan
    behind = bool(cum_rate < 1) if not np.isnan(cum_rate) else False
    key = "behind" if behind else "on_track"
    status = _MSG.get(key, lang)
    names = [_MSG.get("tier_1", lang), _MSG.get("tier_2", lang)]
    whole = _integral([*plan, *actual[:k]]) and float(T).is_integer()
    rows = []
    for name, level in zip(names, tiers[key]):
        tier_T = level * T
        if whole:  # whole-number plans (units): a tier is a whole number too, half up (1.1 × 109 = 119.9 → 120)
            tier_T = float(np.floor(tier_T + 0.5 + 1e-9))
        elif float(tier_T).is_integer():
            tier_T = float(round(tier_T))
        else:
            tier_T = round(tier_T, 2)
        s = tier_T - achieved - sum(plan[k:])
        if not behind:  # ahead: a surplus never lowers a week; the stretch tier asks for what the surplus leaves
            s = max(s, 0.0)
        weeks = _spread(s, plan[k:])
        row = {
            "tier": name,
            "status": status,
            "cum_rate": cum_rate,
            "level": level,
            "month_target": float(tier_T),
            "achieved": float(achieved),
            "remaining": float(sum(weeks)),
            "banked": float(max(0.0, achieved - done_plan)),
            "stretch": bool(level > 1.0),
        }
        for j, w in enumerate(weeks, start=k + 1):
            row[f"week_{j}"] = w
        rows.append(row)
    out = pd.DataFrame(rows)
    out["tier"] = out["tier"].astype("string")
    out["status"] = out["status"].astype("string")
    return out
