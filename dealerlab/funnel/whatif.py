"""What-if on the multiplicative funnel model: change rates → extra showroom sales and gross profit.

The model
---------
Showroom sales are modelled as the product of the funnel's stage rates (the five flow rates of DOMAIN.md §1)::

    S_room = K × capture_rate × call_visit_rate × revisit_rate × test_drive_rate × close_rate

where K (the "volume of first contacts times everything not modelled") is calibrated so that the model gives
the month's actual S_room. Each stage passes its customers on in proportion (elasticity 1), and the stages are
independent gates. Changing some rates r_k → r'_k with the others unchanged gives::

    S'_room = S_room × Π_k (r'_k / r_k)        extra sales = S'_room − S_room
    extra gross = extra sales × gross_per_unit

The model is a teaching and ranking device: it tells which stage costs the most sales if it alone were brought
to its benchmark (an upper bound, because real stages are not fully proportional). A stage whose current rate is
0 or unknown cannot be scaled: its result is NaN with a reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from dealerlab.errors import ParameterError

__all__ = ["STAGES", "what_if", "extra_sales"]

#: the stages of the multiplicative funnel, in process order
STAGES: tuple[str, ...] = ("capture_rate", "call_visit_rate", "revisit_rate", "test_drive_rate", "close_rate")


def _num(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def extra_sales(sales: float, current: float, new: float) -> float:
    """Extra sales when one stage rate moves from ``current`` to ``new`` (NaN when ``current`` is 0 or NaN)."""
    sales, current, new = _num(sales), _num(current), _num(new)
    if not (current > 0) or math.isnan(new) or math.isnan(sales):
        return math.nan
    return sales * (new / current - 1.0)


def what_if(
    rates: Mapping[str, float],
    *,
    sales: float,
    gross_per_unit: float,
    changes: Mapping[str, float],
    lang: str = "zh",
) -> dict:
    """Extra showroom sales and gross profit when some funnel rates change (see the module docstring).

    Parameters
    ----------
    rates : mapping of str to float
        Current rates by metric id (at least those in ``changes``).
    sales : float
        Current showroom sales S_room of the month.
    gross_per_unit : float
        Gross profit per vehicle used to value the extra sales.
    changes : mapping of str to float
        New values of some stage rates (ids of :data:`STAGES`), fractions in [0, 1].
    lang : {"zh", "en"}
        Language of ``reason``.

    Returns
    -------
    dict
        ``sales, new_sales, extra_sales, extra_gross, factor, reason`` ("" when everything is available).

    Examples
    --------
    >>> r = what_if({"test_drive_rate": 0.44}, sales=20, gross_per_unit=3000, changes={"test_drive_rate": 0.55})
    >>> round(r["extra_sales"], 6), round(r["extra_gross"])
    (5.0, 15000)
    """
    zh = lang != "en"
    factor, reason = 1.0, ""
    for metric, new in changes.items():
        if metric not in STAGES:
            raise ParameterError(
                f"参数 changes 中的 {metric!r} 不是漏斗环节比率，可选：{'、'.join(STAGES)}。",
                f"{metric!r} in changes is not a funnel stage rate; allowed: {', '.join(STAGES)}.",
            )
        new = _num(new)
        if not 0 <= new <= 1:
            raise ParameterError(
                f"参数 changes[{metric!r}] 的值 {new!r} 应是 0 到 1 之间的比率（例如 0.55 表示 55%）。",
                f"changes[{metric!r}] = {new!r} must be a fraction between 0 and 1 (0.55 = 55%).",
            )
        cur = _num(rates.get(metric))
        if math.isnan(cur):
            factor, reason = math.nan, (f"{metric} 当前不可计算，无法推算" if zh else f"{metric} is not available")
            break
        if cur == 0:
            factor, reason = math.nan, (f"{metric} 当前为 0，乘法模型无法外推" if zh else f"{metric} is 0: the model cannot scale it")
            break
        factor *= new / cur
    sales = _num(sales)
    new_sales = sales * factor
    extra = new_sales - sales
    gpu = _num(gross_per_unit)
    if math.isnan(gpu) and not reason:
        reason = "单车毛利不可计算，无法估算毛利" if zh else "gross per unit not available"
    return {
        "sales": sales,
        "new_sales": new_sales,
        "extra_sales": extra,
        "extra_gross": extra * gpu,
        "factor": factor,
        "reason": reason,
    }
