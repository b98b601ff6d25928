"""Course module 7: pay rules and people figures, against docs/DOMAIN.md §7 known answers and hand counts."""

import math

import pandas as pd
import pytest

from dealerlab import pay
from dealerlab.data.dataset import Dataset
from dealerlab.errors import ParameterError


def test_bonus_known_answer():
    # docs/DOMAIN.md §7: 10 000 × 0.9 × 1.1 = 9 900
    assert pay.bonus(10_000, 0.9, 1.1) == pytest.approx(9_900)


def test_bonus_caps_both_achievements_at_1_2():
    # 10 000 × min(1.5, 1.2) × min(1.3, 1.2) = 10 000 × 1.44
    assert pay.bonus(10_000, 1.5, 1.3) == pytest.approx(14_400)
    assert pay.bonus(10_000, 1.5, 1.3, cap=1.0) == pytest.approx(10_000)


def test_bonus_missing_achievement_is_nan_and_negative_is_error():
    assert math.isnan(pay.bonus(10_000, float("nan"), 1.0))
    with pytest.raises(ParameterError):
        pay.bonus(-1, 1.0, 1.0)


def _months(targets, actuals, year="2026"):
    return pd.DataFrame({"period": [f"{year}-{m:02d}" for m in range(1, len(targets) + 1)], "target": targets, "actual": actuals})


def test_team_pool_miss_then_hit_without_covering_pays_5000_pool_stays():
    # Jan misses by 10 (pool 5 000, shortfall 10); Feb hits with surplus 5 < 10 → pays its own 5 000, pool waits
    out = pay.team_reward(_months([100, 100], [90, 105]))
    assert out["paid"].tolist() == [0, 5_000]
    assert out["pool_after"].tolist() == [5_000, 5_000]


def test_team_pool_hit_covering_shortfall_pays_10000():
    # Jan misses by 10; Feb surplus 12 ≥ 10 → 5 000 + pooled 5 000
    out = pay.team_reward(_months([100, 100], [90, 112]))
    assert out["paid"].tolist() == [0, 10_000]
    assert out["pool_after"].tolist() == [5_000, 0]


def test_team_pool_accumulates_and_lapses_at_year_end():
    # Nov and Dec 2025 miss (pool 10 000) → lapses at year end; Jan 2026 starts empty and pays only its own 5 000
    months = pd.DataFrame({"period": ["2025-11", "2025-12", "2026-01"], "target": [100, 100, 100], "actual": [90, 95, 200]})
    out = pay.team_reward(months)
    assert out["lapsed"].tolist() == [0, 10_000, 0]
    assert out["paid"].tolist() == [0, 0, 5_000]


def test_bottom_out_known_answers():
    # docs/DOMAIN.md: [11, 13, 11] → mean 11.67 < 12 → 淘汰; [9, 15, 15] → mean 13 → 保留, first month's points cancelled
    units = pd.DataFrame({
        "staff_id": ["a"] * 3 + ["b"] * 3,
        "period": ["2026-07", "2026-08", "2026-09"] * 2,
        "units": [11, 13, 11, 9, 15, 15],
    })
    quarters, months = pay.bottom_out(units)
    status = quarters.set_index("staff_id")["status"]
    assert status["a"] == pay.STATUS_ELIMINATED
    assert status["b"] == pay.STATUS_KEPT
    cancelled = months[months["points_cancelled"]]
    assert cancelled[["staff_id", "period"]].values.tolist() == [["b", "2026-07"]]


def test_bottom_out_two_consecutive_quarters_suspends_and_partial_quarter_is_flagged():
    units = pd.DataFrame({
        "staff_id": ["a"] * 5,
        "period": ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08"],
        "units": [10, 11, 12, 11, 11],  # Q2 mean 11 → 淘汰; Q3 (2 months) mean 11 → 淘汰 again → 停岗
    })
    quarters, _ = pay.bottom_out(units)
    assert quarters["status"].tolist() == [pay.STATUS_ELIMINATED, pay.STATUS_SUSPENDED]
    assert quarters["partial"].tolist() == [False, True]
    assert quarters["months"].tolist() == [3, 2]


def test_bottom_out_non_consecutive_quarters_do_not_suspend():
    units = pd.DataFrame({"staff_id": ["a"] * 3, "period": ["2026-01", "2026-04", "2026-10"], "units": [5, 20, 5]})
    quarters, _ = pay.bottom_out(units)
    assert quarters["status"].tolist() == [pay.STATUS_ELIMINATED, pay.STATUS_KEPT, pay.STATUS_ELIMINATED]


@pytest.mark.parametrize(
    "front, total, share",
    [(10, 14, 0.714), (38, 48, 0.792), (48, 73, 0.658)],  # the seed's staff-structure table
)
def test_frontline_share_seed_examples(front, total, share):
    staff = pd.DataFrame({
        "staff_id": [str(i) for i in range(total)],
        "role": ["销售顾问"] * total,
        "frontline": [True] * front + [False] * (total - front),
        "dept_class": ["可变"] * total,
    })
    out = pay.frontline_share(staff)
    assert out.iloc[-1]["share"] == pytest.approx(share, abs=0.0005)


def test_frontline_inferred_from_role_when_blank():
    staff = pd.DataFrame({"staff_id": ["1", "2", "3"], "role": ["销售顾问", "财务经理", "技师"],
                          "frontline": pd.array([None, None, False], dtype="boolean"), "dept_class": ["可变", "固定", "可变"]})
    out = pay.frontline_share(staff).set_index("dept_class")
    # 销售顾问 inferred front-line, 财务经理 not, 技师 explicitly not → 1 of 3
    assert out.loc["合计", "frontline"] == 1
    assert out.loc["可变", "share"] == pytest.approx(0.5)


@pytest.fixture
def tiny():
    staff = pd.DataFrame({
        "staff_id": ["c1", "c2", "m1", "t1"],
        "store_id": ["S1"] * 4,
        "name": ["甲", "乙", "丙", "丁"],
        "department": ["销售部", "销售部", "销售部", "售后部"],
        "role": ["销售顾问", "销售顾问", "销售经理", "技师"],
        "hire_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01", "2025-01-01"]),
        "leave_date": pd.to_datetime([None, "2026-02-15", None, None]),
    })
    sales = pd.DataFrame({
        "sale_id": [f"x{i}" for i in range(5)],
        "store_id": ["S1"] * 5,
        "staff_id": ["c1", "c1", "c1", "c2", "c1"],
        "invoice_date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-01-31", "2026-01-10", "2026-02-02"]),
        "channel": ["展厅", "大客户", "展厅", "二级网络", "展厅"],
        "model": ["A"] * 5,
        "price": [100_000.0, 120_000, 90_000, 80_000, 100_000],
        "gross_profit": [5_000.0, 6_000, 4_000, 3_000, 5_000],
    })
    targets = pd.DataFrame({
        "store_id": ["S1"] * 4,
        "period": ["2026-01"] * 4,
        "metric": ["销量"] * 4,
        "staff_id": ["c1", "c2", None, None][:4],
        "target": [2.0, 2.0, 5.0, 0][:4],
    }).iloc[:3]
    points = pd.DataFrame({"store_id": ["S1"] * 3, "staff_id": ["c1", "c1", "c2"],
                           "date": pd.to_datetime(["2026-01-03", "2026-01-04", "2026-01-09"]),
                           "reason": ["展车5S", "迟到", "收车"], "points": [1.0, -10, 1]})
    return Dataset.from_frames({"staff": staff, "sales": sales, "targets": targets, "points": points})


def test_consultant_units_counts_every_channel_and_employed_consultants(tiny):
    u = pay.consultant_units(tiny, periods=["2026-01", "2026-02", "2026-03"])
    got = {(r.staff_id, r.period): r.units for r in u.itertuples()}
    # c1: 3 sales in Jan (展厅, 大客户, 展厅), 1 in Feb; c2: 1 in Jan, left 2026-02-15 so employed in Feb (0), not in Mar
    assert got == {("c1", "2026-01"): 3, ("c1", "2026-02"): 1, ("c1", "2026-03"): 0, ("c2", "2026-01"): 1, ("c2", "2026-02"): 0}


def test_bonus_table_from_dataset(tiny):
    b = pay.bonus_table(tiny, periods=["2026-01"], base=10_000).set_index("staff_id")
    # store units 4, store target 5 → team 0.8; c1: 3/2 = 1.5 capped 1.2 → 10 000 × 1.2 × 0.8 = 9 600
    assert b.loc["c1", "team"] == pytest.approx(0.8)
    assert b.loc["c1", "bonus"] == pytest.approx(9_600)
    # c2: 1/2 = 0.5 → 10 000 × 0.5 × 0.8 = 4 000
    assert b.loc["c2", "bonus"] == pytest.approx(4_000)


def test_points_cancelled_in_months_below_the_line(tiny):
    units = pay.consultant_units(tiny, periods=["2026-01"])
    p = pay.points_by_month(tiny, units=units).set_index("staff_id")
    # everyone is below 10 units in Jan → every point cancelled; c1 earned 1 − 10 = −9 (penalties are cancelled too:
    # the seed cancels "all points")
    assert p.loc["c1", "points"] == -9
    assert bool(p.loc["c1", "cancelled"]) and p.loc["c1", "points_paid"] == 0


def test_per_head_and_turnover(tiny):
    ph = pay.per_head(tiny, periods=["2026-01"]).set_index("department")
    # sales dept headcount 3 at start and end of Jan → 4 units / 3
    assert ph.loc["销售部", "units_per_head"] == pytest.approx(4 / 3)
    assert ph.loc["销售部", "revenue_per_head"] == pytest.approx(390_000 / 3)
    t = pay.turnover_by_department(tiny, periods=["2026-02"]).set_index("department")
    # Feb: c2 leaves on the 15th; sales headcount 3 at start, 2 at end → 1 / 2.5 = 0.4
    assert t.loc["销售部", "turnover"] == pytest.approx(0.4)
    assert t.loc["售后部", "turnover"] == 0
