"""Working days and the shipped Chinese holiday calendar (dealerlab.calendar)."""

from __future__ import annotations

import pandas as pd
import pytest

from dealerlab.calendar import (
    HOLIDAY_YEARS,
    count_working_days,
    holidays_cn,
    is_working_day,
    month_weeks,
    working_days,
)
from dealerlab.errors import ParameterError


def test_holiday_file_covers_every_year_and_makeup_days_are_weekends():
    h = holidays_cn()
    assert set(h["date"].dt.year) == set(HOLIDAY_YEARS)
    assert h["date"].is_unique
    assert set(h["kind"]) == {"holiday", "workday"}
    # 调休上班 is always a Saturday or Sunday
    assert (h.loc[h["kind"] == "workday", "date"].dt.day_of_week >= 5).all()
    assert set(h["source"]) <= {"official", "estimated"}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-10-01", False),  # 国庆节
        ("2026-10-10", True),  # Saturday, 国庆 make-up working day
        ("2026-10-17", False),  # ordinary Saturday
        ("2026-10-16", True),  # ordinary Friday
        ("2026-02-14", True),  # Saturday, 春节 make-up
        ("2026-02-17", False),  # 春节 (Tuesday)
        ("2025-01-26", True),  # Sunday, 2025 春节 make-up
        ("2024-02-18", True),  # Sunday, 2024 春节 make-up
        ("2024-06-10", False),  # 端午节 Monday
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


def test_count_working_days_by_hand():
    # Oct 2026: 22 weekdays − 5 holiday weekdays (1, 2, 5, 6, 7) + 1 make-up Saturday (10th) = 18
    assert count_working_days("2026-10-01", "2026-10-31") == 18
    # Feb 2026: 20 weekdays − 6 (16–20, 23) + 2 make-up Saturdays (14th, 28th) = 16
    assert count_working_days("2026-02-01", "2026-02-28") == 16
    # Nov 2026 has no holiday: 21 weekdays
    assert count_working_days("2026-11-01", "2026-11-30") == 21
    assert count_working_days("2026-11-01", "2026-11-30", calendar="every_day") == 30
    assert count_working_days("2026-11-05", "2026-11-01") == 0


def test_outside_covered_years_weekdays_count():
    # 2030 has no holiday data: plain Monday–Friday (Jan 2030: 23 weekdays)
    assert count_working_days("2030-01-01", "2030-01-31") == 23


def test_working_days_index_and_bad_calendar():
    days = working_days("2026-10-01", "2026-10-11")
    assert [d.day for d in days] == [8, 9, 10]
    with pytest.raises(ParameterError, match="calendar"):
        working_days("2026-10-01", "2026-10-11", calendar="lunar")


def test_month_weeks_monday_to_sunday_clipped():
    w = month_weeks("2026-10")  # 1 Oct 2026 is a Thursday
    assert w["week"].tolist() == [1, 2, 3, 4, 5]
    assert w["start"].iloc[0] == pd.Timestamp("2026-10-01")
    assert w["end"].iloc[0] == pd.Timestamp("2026-10-04")  # first Sunday
    assert w["days"].tolist() == [4, 7, 7, 7, 6]
    assert w["working_days"].tolist() == [0, 3, 5, 5, 5]
    assert w["working_days"].sum() == 18
