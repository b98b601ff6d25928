"""Periods (calendar months ``YYYY-MM``), month bounds, period arithmetic, weeks and Chinese working days.

Working days follow the official Chinese calendar shipped as data in ``dealerlab/data/holidays_cn.csv``
(2024–2027): Monday–Friday are working days except public holidays, and the weekend days the State Council
declares as make-up working days (调休上班) are working days. Source: the State Council General Office notices on
holiday arrangements for 2024, 2025 and 2026; the 2027 rows are estimated from the statutory days and marked
``source=estimated`` in the file. Outside the covered years every Monday–Friday counts (no holidays known).

Showrooms are open at weekends; "working days" here are the official calendar, the usual basis for splitting a
target over the days of a month (docs/DOMAIN.md §3). Pass ``calendar="every_day"`` to count every calendar day.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pandas as pd

from dealerlab._options import check_option
from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

__all__ = [
    "check_period",
    "month_bounds",
    "period_of",
    "periods_back",
    "period_range",
    "holidays_cn",
    "is_working_day",
    "working_days",
    "count_working_days",
    "month_weeks",
    "HOLIDAY_YEARS",
]

_MSG = Catalogue.load("calendar")

#: years covered by the shipped holiday calendar
HOLIDAY_YEARS = (2024, 2025, 2026, 2027)
_CALENDARS = ("official", "every_day")

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def check_period(period: str, *, name: str = "period") -> str:
    """Return ``period`` if it is a valid month ``YYYY-MM``; else raise a :class:`ParameterError`."""
    m = _PERIOD.match(str(period))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ParameterError(
            *_MSG.both("not_a_month", name=name, period=period),
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


@lru_cache(maxsize=1)
def _holiday_table() -> pd.DataFrame:
    with resources.files("dealerlab.data").joinpath("holidays_cn.csv").open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, comment="#", dtype="string")
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    return df


def holidays_cn() -> pd.DataFrame:
    """The shipped Chinese holiday calendar (a copy).

    Returns
    -------
    DataFrame
        One row per special day: ``date`` (datetime64), ``kind`` ("holiday" = day off, "workday" = a weekend day
        worked, 调休上班), ``name`` (e.g. 春节), ``source`` ("official" or "estimated").
    """
    return _holiday_table().copy()


@lru_cache(maxsize=1)
def _special_days() -> tuple[frozenset, frozenset]:
    df = _holiday_table()
    off = frozenset(df.loc[df["kind"] == "holiday", "date"])
    on = frozenset(df.loc[df["kind"] == "workday", "date"])
    return off, on


def is_working_day(date, *, calendar: str = "official") -> bool:
    """Whether ``date`` is a working day (see the module docstring for the rule)."""
    check_option("calendar", calendar, _CALENDARS)
    d = pd.Timestamp(date).normalize()
    if calendar == "every_day":
        return True
    off, on = _special_days()
    if d in on:
        return True
    if d in off:
        return False
    return d.day_of_week < 5


def working_days(start, end, *, calendar: str = "official") -> pd.DatetimeIndex:
    """The working days from ``start`` to ``end`` (both inclusive), as a DatetimeIndex at midnight.

    Parameters
    ----------
    start, end : date-like
        First and last day (inclusive). ``end`` before ``start`` gives an empty index.
    calendar : {"official", "every_day"}
        "official" = Chinese official working days (holidays off, 调休 weekend days on); "every_day" = all days.
    """
    check_option("calendar", calendar, _CALENDARS)
    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")
    if calendar == "every_day" or len(days) == 0:
        return days
    off, on = _special_days()
    keep = [(d in on) or (d.day_of_week < 5 and d not in off) for d in days]
    return days[keep]


def count_working_days(start, end, *, calendar: str = "official") -> int:
    """Number of working days from ``start`` to ``end`` inclusive (0 when ``end < start``)."""
    return len(working_days(start, end, calendar=calendar))


def month_weeks(period: str, *, calendar: str = "official") -> pd.DataFrame:
    """The weeks of month ``period``: calendar weeks Monday–Sunday clipped to the month.

    Week 1 runs from the 1st to the first Sunday; the last week ends on the last day of the month, so the first and
    last weeks may be short.

    Parameters
    ----------
    period : str
        Month ``YYYY-MM``.
    calendar : {"official", "every_day"}
        Which days count as working days.

    Returns
    -------
    DataFrame
        One row per week: ``week`` (1, 2, ...), ``start``, ``end`` (inclusive dates), ``days`` (calendar days),
        ``working_days``.
    """
    first, last = month_bounds(period)
    days = pd.date_range(first, last, freq="D")
    week_no = ((days.day - 1 + first.day_of_week) // 7) + 1
    rows = []
    for w in sorted(set(week_no)):
        d = days[week_no == w]
        rows.append(
            {
                "week": int(w),
                "start": d[0],
                "end": d[-1],
                "days": len(d),
                "working_days": count_working_days(d[0], d[-1], calendar=calendar),
            }
        )
    out = pd.DataFrame(rows)
    out["week"] = out["week"].astype("Int64")
    out["days"] = out["days"].astype("Int64")
    out["working_days"] = out["working_days"].astype("Int64")
    return out
