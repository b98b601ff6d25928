"""Where the year target comes from (seed 000 「销售目标政策制定」): the factory's VP, the group's appraisal, a margin.

The store's own year target must clear two external requirements — the volume the factory's rebate is paid on
(VP × the tier the store aims for) and the growth the group appraises the store on (last year × (1 + growth)) — so it
is the larger of the two. What the sales manager hands down to the consultants adds a safety margin on top, because
not every consultant reaches his target and the store must still reach its own. All figures are whole units, rounded
up (a target of 1 209.6 units is 1 210: rounding down would miss the requirement).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from dealerlab._options import check_lang
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

__all__ = ["policy_target"]

_MSG = Catalogue.load("targets/setting")


def _ceil(x: float) -> int:
    # 1 100 × 1.08 is 1188.0000000000002 in binary floating point: round away the noise before rounding up
    return int(math.ceil(round(float(x), 6)))


def _number(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(*_MSG.both("number", name=name, value=value)) from None
    if not np.isfinite(v) or v < 0:
        raise ParameterError(*_MSG.both("number", name=name, value=value))
    return v


def policy_target(*, volume_plan, last_year, vp_tier: float = 1.0, group_growth: float = 0.0,
                  safety: float = 0.0, lang: str = "zh") -> pd.DataFrame:
    """The store's year target from the factory's VP and the group's appraisal, and the total handed to consultants.

    Parameters
    ----------
    volume_plan : float
        The factory's volume plan (VP) for the year, units.
    last_year : float
        The store's sales last year, units.
    vp_tier : float
        The VP achievement the store aims for (the rebate tier it wants, e.g. 1.0 = 100 % of VP, 1.05 = 105 %).
    group_growth : float
        Growth over last year the group appraises the store on (0.08 = +8 %).
    safety : float
        Margin added when the store target is handed down to the consultants (0.05 = +5 %).
    lang : {"zh", "en"}
        Language of ``name``.

    Returns
    -------
    DataFrame
        Four rows ``step`` = ``vp``, ``group``, ``store``, ``team`` with ``name`` (the rule in words), ``units``
        (int, rounded up) and ``binding`` (True on the requirement that sets the store target; both when equal).
        Example: VP 1 150 at 100 %, last year 1 120, growth 8 %, margin 5 % → 1 150, 1 210, 1 210 (the group binds),
        1 271.
    """
    check_lang(lang)
    vp = _ceil(_number("volume_plan", volume_plan) * _number("vp_tier", vp_tier))
    group = _ceil(_number("last_year", last_year) * (1 + _number("group_growth", group_growth)))
    store = max(vp, group)
    team = _ceil(store * (1 + _number("safety", safety)))
    steps = ["vp", "group", "store", "team"]
    return pd.DataFrame({
        "step": steps,
        "name": [_MSG.get(s, lang) for s in steps],
        "units": [vp, group, store, team],
        "binding": [vp == store, group == store, False, False],
    })
