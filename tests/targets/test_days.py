"""Selling days, not office days (docs/DOMAIN.md §3): day weights, time progress, splits and the surplus rule —
known answers computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.errors import ParameterError
from dealerlab.targets import (
    DEFAULT_WEIGHTS,
    day_weights,
    rebalance_weeks,
    retier_month,
    selling_pattern,
    split_days,
    split_month,
    time_progress,
)

# October 2026: Thu 1 – Wed 7 国庆 (7 holidays), Sat 10 is a 调休 working day (still a Saturday for a showroom),
# weekdays 8, 9, 12–16, 19–23, 26–30 (17), weekend days 10, 11, 17, 18, 24, 25, 31 (7).
OCT_HOLIDAYS = [f"2026-10-{d:02d}" for d in range(1, 8)]
OCT_WEEKENDS = ["2026-10-10", "2026-10-11", "2026-10-17", "2026-10-18", "2026-10-24", "2026-10-25", "2026-10-31"]


def test_defaults_october_with_golden_week_by_hand():
    w = day_weights("2026-10").set_index("date")["weight"]
    assert len(w) == 31
    assert w[OCT_HOLIDAYS].eq(1.8).all()
    assert w[OCT_WEEKENDS].eq(1.6).all()
    assert w.drop(pd.to_datetime(OCT_HOLIDAYS + OCT_WEEKENDS)).eq(1.0).all()
    # Σ = 7 × 1.8 + 7 × 1.6 + 17 × 1.0 = 12.6 + 11.2 + 17 = 40.8
    assert w.sum() == pytest.approx(40.8)
    # by the 15th: 12.6 (1–7) + 2 (8, 9) + 3.2 (10, 11) + 4 (12–15) = 21.8
    assert time_progress("2026-10", as_of="2026-10-15") == pytest.approx(21.8 / 40.8)  # 53.4 %
    assert time_progress("2026-10", as_of="2026-10-15", basis="calendar_days") == pytest.approx(15 / 31)  # 48.4 %
    assert time_progress("2026-10", as_of="2026-10-15", basis="working_days") == pytest.approx(7 / 18)  # 38.9 %
    # the end of the golden week: 12.6 / 40.8 = 30.9 % of the month is gone, 0 % of the office month
    assert time_progress("2026-10", as_of="2026-10-07") == pytest.approx(12.6 / 40.8)
    assert time_progress("2026-10", as_of="2026-10-07", basis="working_days") == 0.0


def test_day_and_week_split_with_defaults_by_hand():
    # 408 units / 40.8 = 10 per unit of weight → holiday 18, weekday 10, weekend day 16 (never 0)
    d = split_month(408, period="2026-10", by="day").set_index("date")
    assert d.loc[pd.to_datetime(OCT_HOLIDAYS), "target"].eq(18).all()
    assert d.loc[pd.to_datetime(OCT_WEEKENDS), "target"].eq(16).all()
    assert d.loc["2026-10-08", "target"] == 10 and d["target"].sum() == 408
    # weeks Mon–Sun clipped: 1–4 = 4 × 1.8 = 7.2; 5–11 = 3 × 1.8 + 2 + 3.2 = 10.6; 12–18 = 8.2; 19–25 = 8.2;
    # 26–31 = 5 + 1.6 = 6.6 → 72, 106, 82, 82, 66
    w = split_month(408, period="2026-10", by="week")
    assert w["weight"].tolist() == pytest.approx([7.2, 10.6, 8.2, 8.2, 6.6])
    assert w["target"].tolist() == [72, 106, 82, 82, 66]
    # week → days with the same weights: week 2 (5–11 Oct) 106 → 18, 18, 18, 10, 10, 16, 16
    row = w.iloc[1]
    assert split_days(int(row["target"]), start=row["start"], end=row["end"])["target"].tolist() == [18, 18, 18, 10, 10, 16, 16]


def _patterned_sales(start="2025-10-01", end="2026-09-30", *, store="S1"):
    """2 sales on a non-holiday weekday, 4 on a non-holiday Saturday/Sunday, 5 on a public holiday."""
    from dealerlab.calendar import holidays_cn

    h = holidays_cn()
    off = set(h.loc[h["kind"] == "holiday", "date"])
    rows = []
    for day in pd.date_range(start, end, freq="D"):
        n = 5 if day in off else (4 if day.day_of_week >= 5 else 2)
        rows += [{"sale_id": f"{store}-{day:%Y%m%d}-{i}", "store_id": store, "staff_id": "A", "invoice_date": day} for i in range(n)]
    return pd.DataFrame(rows)


def test_store_pattern_by_hand():
    # window 1 Oct 2025 – 30 Sep 2026 (365 days): holidays 8 + 3 + 9 + 3 + 5 + 3 + 3 = 34; weekdays (non-holiday)
    # Mon 47, Tue 49, Wed 50, Thu 49, Fri 46 = 241; Sat 45, Sun 45 = 90.
    # units = 2 × 241 + 4 × 90 + 5 × 34 = 482 + 360 + 170 = 1 012; average per day = 1 012 / 365.
    ds = Dataset.from_frames({"sales": _patterned_sales()})
    p = selling_pattern(ds, period="2026-10", store_id="S1").set_index("day_type")
    assert bool(p["own"].all())
    assert p.loc[["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"], "days"].tolist() == [47, 49, 50, 49, 46, 45, 45, 34]
    assert p.loc["mon", "weight"] == pytest.approx(2 * 365 / 1012)  # 0.721
    assert p.loc["sat", "weight"] == pytest.approx(4 * 365 / 1012)  # 1.443
    assert p.loc["holiday", "weight"] == pytest.approx(5 * 365 / 1012)  # 1.803
    # October 2026 in units of "sales per day": holidays 7 × 5 = 35, weekdays 17 × 2 = 34, weekends 7 × 4 = 28 → 97;
    # by the 15th: 35 + 6 × 2 (8, 9, 12–15) + 2 × 4 (10, 11) = 55 → 55 / 97 = 56.7 %
    assert time_progress("2026-10", as_of="2026-10-15", ds=ds, store_id="S1") == pytest.approx(55 / 97)
    # the weights are the store's: a second store with the defaults is unaffected
    assert time_progress("2026-10", as_of="2026-10-15", ds=ds, store_id="S2") == pytest.approx(21.8 / 40.8)


def test_defaults_without_twelve_months_of_history():
    # 11 months (November 2025 – September 2026): not enough → the stated defaults
    ds = Dataset.from_frames({"sales": _patterned_sales(start="2025-11-01")})
    p = selling_pattern(ds, period="2026-10", store_id="S1")
    assert not p["own"].any()
    assert dict(zip(p["day_type"], p["weight"])) == DEFAULT_WEIGHTS
    assert "默认权重" in p["source"].iloc[0]
    assert p["days"].isna().all()
    # no data at all → the defaults too; English labels
    p_en = selling_pattern(period="2026-10", lang="en")
    assert p_en["label"].tolist()[-1] == "public holiday" and "default" in p_en["source"].iloc[0]
    assert time_progress("2026-10", as_of="2026-10-15", ds=ds, store_id="S1") == pytest.approx(21.8 / 40.8)
    # a gap month inside the window (no sale in March 2026) also means no 12 months of history
    s = _patterned_sales()
    gap = Dataset.from_frames({"sales": s[s["invoice_date"].dt.strftime("%Y-%m") != "2026-03"]})
    assert not selling_pattern(gap, period="2026-10", store_id="S1")["own"].any()


def test_closed_days_and_custom_weights():
    w = day_weights("2026-10", closed=["2026-10-01"])
    assert w["weight"].iloc[0] == 0 and w["weight"].sum() == pytest.approx(39.0)
    assert w["day_type"].iloc[0] == "closed"
    custom = w.assign(weight=1.0)
    assert time_progress("2026-10", as_of="2026-10-15", weights=custom) == pytest.approx(15 / 31)
    with pytest.raises(ParameterError):
        time_progress("2026-10", weights=pd.DataFrame({"date": ["2026-10-01"], "weight": [-1.0]}))
    with pytest.raises(ParameterError):
        day_weights("2026-10", basis="office")


def test_surplus_never_lowers_the_remaining_weeks():
    # week 1 at 32 500 of 25 000: s = −7 500 → weeks 2–4 stay 25 000; 7 500 banked toward the stretch tier
    t = rebalance_weeks([25000] * 4, [32500])
    after1 = t[t["after_week"] == 1]
    assert after1["target"].tolist() == [25000, 25000, 25000, 25000]
    assert after1["banked"].iloc[0] == 7500 and after1["shortfall"].iloc[0] == -7500
    # short after a good start: weeks 1–2 = 32 500 + 15 000 → s = 2 500 → weeks 3–4 get 1 250 each
    t = rebalance_weeks([25000] * 4, [32500, 15000])
    assert t.loc[t["after_week"] == 2, "target"].tolist() == [25000, 25000, 26250, 26250]
    # the existing shortfall known answer still holds
    t = rebalance_weeks([25000] * 4, [17500])
    assert t.loc[t["after_week"] == 1, "target"].tolist() == [25000, 27500, 27500, 27500]


def test_shortfall_spread_by_week_weight():
    # selling-day weeks of Oct 2026 for 408: 72, 106, 82, 82, 66; week 1 sells 50 → s = 22 over 106 : 82 : 82 : 66
    # (Σ 336): 6.94, 5.37, 5.37, 4.32 → floors 6, 5, 5, 4 (20) + 2 to the largest remainders (week 2, week 3)
    t = rebalance_weeks([72, 106, 82, 82, 66], [50])
    assert t.loc[t["after_week"] == 1, "target"].tolist() == [72, 113, 88, 87, 70]


def test_retier_ahead_shows_the_stretch_tier():
    # 30 000 + 27 000 = 57 000 of 50 000 (114 %, 7 000 banked): 100 % keeps weeks 3–4 at 25 000 (not 21 500);
    # the 110 % stretch tier needs 110 000 − 57 000 = 53 000 → 26 500 each
    r = retier_month([25000] * 4, [30000, 27000])
    assert r["month_target"].tolist() == [100000, 110000]
    assert r["week_3"].tolist() == [25000, 26500] and r["week_4"].tolist() == [25000, 26500]
    assert r["stretch"].tolist() == [False, True]
    assert r["banked"].iloc[0] == 7000
    # far ahead (S01-like 131 %): the surplus covers the stretch → the weeks still stay at plan
    r = retier_month([25000] * 4, [33000, 32500])
    assert r["week_3"].tolist() == [25000, 25000]
    # behind: the 85 % / 95 % tiers still lower the remaining weeks (the seed's known answer)
    r = retier_month([25000] * 4, [17500, 25000])
    assert r["week_3"].tolist() == [21250, 26250]
