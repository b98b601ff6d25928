"""The rebate engine of docs/DOMAIN.md §12 (厂商返利): tiers are cliffs, not pro rata.

Each policy item (VP达成奖, SSI奖, 暗访奖, …) has tiers ``threshold, amount_per_unit, lump_sum``. The tier reached is
the highest threshold ≤ the item's basis value in the month (a value exactly at a threshold reaches it); the rebate is
``amount_per_unit × S + lump_sum``; below the lowest threshold there is none.

The VP cliff what-if (冲量决策): for a VP tier above today's, the units needed are n = ceil(threshold × volume_plan) − S;
the gain is Σ over every item of rebate(S + n) − rebate(S) — the VP item at the new tier, every other item at the tier
its own basis reaches now, its per-unit amount paid on the n extra units too; the break-even discount per extra unit is
gain ÷ n + total gross per unit (vehicle + add-on gross ÷ S, without rebates): the n units can be sold up to that much
below today's average price and the month still gains.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["reaches", "tier_reached", "rebate", "units_for", "vp_ladder", "resolve_policy", "TIER_COLUMNS"]

TIER_COLUMNS = ["threshold", "amount_per_unit", "lump_sum"]

#: a basis value within this of a threshold reaches it (binary fractions: 0.95 × 100 is 95.00000000000001)
_EPS = 1e-9


def _tiers(tiers) -> np.ndarray:
    """Tiers as a float array of rows ``threshold, amount_per_unit, lump_sum`` sorted by threshold (blank amounts 0)."""
    if isinstance(tiers, pd.DataFrame):
        a = tiers[TIER_COLUMNS].to_numpy(dtype="float64", na_value=np.nan)
    elif isinstance(tiers, np.ndarray) and tiers.ndim == 2 and tiers.shape[1] == 3:  # already an array of tiers
        a = tiers.astype("float64")
    else:
        a = np.array([tuple(t) for t in tiers], dtype="float64").reshape(-1, 3)
    if len(a) > 1 and not (np.diff(a[:, 0]) >= 0).all():
        a = a[np.argsort(a[:, 0], kind="stable")]
    a = a.copy()
    a[:, 1:] = np.nan_to_num(a[:, 1:], nan=0.0)
    return a


def reaches(value: float, threshold: float) -> bool:
    """Whether a basis ``value`` reaches ``threshold`` (at the threshold counts; a rounding hair below counts too)."""
    return bool(value >= threshold - _EPS * max(1.0, abs(threshold)))


def tier_reached(tiers, value: float) -> int | None:
    """Position (0 = lowest) of the highest tier whose threshold ``value`` reaches; None below the lowest or NaN.

    Parameters
    ----------
    tiers : DataFrame or list of tuples
        ``threshold, amount_per_unit, lump_sum`` of one item.
    value : float
        The item's basis value in the month.

    Returns
    -------
    int or None
        Position in the tiers sorted by threshold.
    """
    t = _tiers(tiers)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    hit = [i for i, th in enumerate(t[:, 0]) if reaches(value, th)]
    return hit[-1] if hit else None


def rebate(tiers, value: float, units: float) -> float:
    """The rebate of one item: ``amount_per_unit × units + lump_sum`` of the tier ``value`` reaches, 0 below, NaN if unknown.

    Parameters
    ----------
    tiers : DataFrame or list of tuples
        ``threshold, amount_per_unit, lump_sum`` of one item.
    value : float
        The item's basis value in the month (NaN when not available).
    units : float
        Units sold in the month (S).

    Returns
    -------
    float
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    t = _tiers(tiers)
    i = tier_reached(t, value)
    if i is None:
        return 0.0
    return float(t[i, 1] * units + t[i, 2])


def units_for(threshold: float, volume_plan: float) -> int:
    """The smallest number of units whose achievement (units ÷ volume_plan) reaches ``threshold``.

    Parameters
    ----------
    threshold : float
        VP achievement threshold (0.95 = 95 %).
    volume_plan : float
        The month's volume plan (VP), > 0.

    Returns
    -------
    int
    """
    n = max(0, math.ceil(threshold * volume_plan - 1e-7))
    while n > 0 and reaches((n - 1) / volume_plan, threshold):
        n -= 1
    while not reaches(n / volume_plan, threshold):
        n += 1
    return n


def vp_ladder(
    vp_tiers,
    *,
    volume_plan: float,
    sold: int,
    others: list[tuple] | None = None,
    gross_per_unit: float = float("nan"),
) -> pd.DataFrame:
    """Every VP tier with what it takes from today and what it pays: the 冲量 what-if.

    Parameters
    ----------
    vp_tiers : DataFrame or list of tuples
        ``threshold, amount_per_unit, lump_sum`` of the VP item (thresholds as achievement fractions).
    volume_plan : float
        The month's VP (units).
    sold : int
        Units sold so far (S).
    others : list of tuples, optional
        ``(item, tiers, basis_value)`` of the other policy items; their basis stays, their per-unit amount grows
        with the extra units.
    gross_per_unit : float
        Total gross per unit without rebates (vehicle + add-on gross ÷ S) — for the break-even discount.

    Returns
    -------
    DataFrame
        One row per VP tier: ``threshold, amount_per_unit, lump_sum, units_at_tier, units_needed, reached, is_next,
        rebate_vp, rebate_total, gain, gain_per_unit, breakeven_discount``. ``units_needed`` is 0 and ``gain`` 0 for
        tiers already reached; ``is_next`` marks the lowest tier not reached yet.
    """
    t = _tiers(vp_tiers)
    others = [(item, _tiers(tt), v) for item, tt, v in (others or [])]
    ach = sold / volume_plan if volume_plan and volume_plan > 0 else float("nan")

    def total(units: int, vp_value: float) -> tuple[float, float]:
        vp = rebate(t, vp_value, units)
        rest = sum(rebate(tt, v, units) for _, tt, v in others)
        return vp, vp + rest

    _, base_total = total(sold, ach)
    rows = []
    next_seen = False
    for th, amount, lump in t:
        r = {"threshold": th, "amount_per_unit": amount, "lump_sum": lump}
        at = units_for(th, volume_plan) if volume_plan and volume_plan > 0 else None
        if at is None:
            rows.append({**r, "units_at_tier": np.nan, "units_needed": np.nan, "reached": False, "is_next": False,
                         "rebate_vp": np.nan, "rebate_total": np.nan, "gain": np.nan, "gain_per_unit": np.nan,
                         "breakeven_discount": np.nan})
            continue
        n = max(0, at - sold)
        units = sold + n
        vp, tot = total(units, units / volume_plan)
        reached = n == 0
        is_next = not reached and not next_seen
        next_seen = next_seen or is_next
        gain = tot - base_total
        per = gain / n if n else np.nan
        rows.append({**r, "units_at_tier": at, "units_needed": n, "reached": reached, "is_next": is_next,
                     "rebate_vp": vp, "rebate_total": tot, "gain": gain, "gain_per_unit": per,
                     "breakeven_discount": per + gross_per_unit if n else np.nan})
    return pd.DataFrame(rows)


def resolve_policy(policy: pd.DataFrame, *, store_id: str, period: str) -> pd.DataFrame:
    """The policy rows that apply to one store and month: per item, the most specific set of rows.

    A row may leave store_id and/or period blank (every store / every month). For each item the rows of the most
    specific kind present win: (store, month) over (store, every month) over (every store, month) over (every store,
    every month).

    Parameters
    ----------
    policy : DataFrame
        The ``oem_policy`` table.
    store_id : str
        The store.
    period : str
        The month ``YYYY-MM``.

    Returns
    -------
    DataFrame
        ``item, basis, threshold, amount_per_unit, lump_sum`` sorted by item and threshold.
    """
    st = policy["store_id"]
    pe = policy["period"]
    s_hit, s_all = (st == store_id).fillna(False), st.isna()
    p_hit, p_all = (pe == period).fillna(False), pe.isna()
    levels = [s_hit & p_hit, s_hit & p_all, s_all & p_hit, s_all & p_all]
    parts = []
    for _item, g in policy.groupby("item", sort=False):
        for lv in levels:
            rows = g[lv.loc[g.index].to_numpy()]
            if len(rows):
                parts.append(rows)
                break
    cols = ["item", "basis", *TIER_COLUMNS]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts)[cols].copy()
    out["amount_per_unit"] = out["amount_per_unit"].astype("float64").fillna(0.0)
    out["lump_sum"] = out["lump_sum"].astype("float64").fillna(0.0)
    return out.sort_values(["item", "threshold"], kind="stable").reset_index(drop=True)
