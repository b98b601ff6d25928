"""Periods (calendar months ``YYYY-MM``), month bounds and period arithmetic.

Working days and the Chinese holiday calendar are added by the targets module (course module 1).
"""

from __future__ import annotations

import re

import pandas as pd

from dealerlab.errors import ParameterError

__all__ = ["check_period", "month_bounds", "period_of", "periods_back", "period_range"]

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def check_period(period: str, *, name: str = "period") -> str:
    """Return ``period`` if it is a valid month ``YYYY-MM``; else raise a :class:`ParameterError`."""
    m = _PERIOD.match(str(period))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ParameterError(
            f"参数 {name} 的值 {period!r} 不是有效月份，请写成 YYYY-MM，例如 2026-10。",
            f"{name}={period!r} is not a month; write it as YYYY-MM, e.g. 2026-10.",
        )
    return str(period)


def month_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of month ``period`` (both inclusive, midnight)."""
    p = pd.Period(check_period(period), freq="M")
    return p.start_time.normalize(), p.end_time.normalize()


def period_of(date) -> str:
    """The month ``YYYY-MM`` a date (or datetime) falls in."""
    return pd.Timestamp(date).strftime("%Y-%m")


def periods_back(period: str, n: int) -> list[str]:
    """The ``n`` months before ``period`` (oldest first), ``period`` itself excluded."""
    p = pd.Period(check_period(period), freq="M")
    return [str(p - k) for k in range(n, 0, -1)]


def period_range(end: str, months: int) -> list[str]:
    """``months`` consecutive months ending with ``end`` (oldest first)."""
    return periods_back(end, months - 1) + [check_period(end)]
