"""Target splitting, rebalancing and the SMART check (dealerlab.targets, docs/DOMAIN.md §3)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerlab.errors import ParameterError
from dealerlab.targets import (
    Goal,
    onion_peel,
    rebalance_weeks,
    retier_month,
    smart_check,
    split_days,
    split_integer,
    split_month,
    split_year,
    tree_split,
)

# ------------------------------------------------------------------------------------------------- split_integer


def test_split_integer_largest_remainder_by_hand():
    # 10 × (1/3) = 3.33 each → floors 3,3,3, one unit left → the earliest of the tied remainders
    assert split_integer(10, [1, 1, 1]) == [4, 3, 3]
    # 100 × (0.5, 0.3, 0.2) is exact
    assert split_integer(100, [5, 3, 2]) == [50, 30, 20]
    # 7 × (1/6, 2/6, 3/6) = 1.167, 2.333, 3.5 → floors 1,2,3 (sum 6); largest remainder 0.5 → third part
    assert split_integer(7, [1, 2, 3]) == [1, 2, 4]
    # remainders 0.4, 0.6 → the unit goes to the second part even though it is later
    assert split_integer(1, [2, 3]) == [0, 1]


def test_split_integer_zero_weights_and_zero_total():
    assert split_integer(7, [0, 2, 5]) == [0, 2, 5]
    assert split_integer(5, [0, 1, 0, 1]) == [0, 3, 0, 2]
    assert split_integer(0, [0, 0]) == [0, 0]


def test_split_integer_all_zero_weights():
    with pytest.raises(ParameterError, match="所有权重都是 0"):
        split_integer(10, [0, 0, 0])
    assert split_integer(10, [0, 0, 0], if_all_zero="equal") == [4, 3, 3]


@pytest.mark.parametrize(("total", "weights"), [(-1, [1]), (2.5, [1]), ("x", [1]), (3, [1, -1]), (3, [1, float("nan")]), (3, [])])
def test_split_integer_rejects_bad_input(total, weights):
    with pytest.raises(ParameterError):
        split_integer(total, weights)


def test_split_integer_accepts_integral_floats():
    assert split_integer(100000.0, [1] * 4) == [25000] * 4


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**7),
    weights=st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=30),
)
def test_split_integer_properties(total, weights):
    if total > 0 and sum(weights) == 0:
        with pytest.raises(ParameterError):
            split_integer(total, weights)
        return
    parts = split_integer(total, weights)
    assert sum(parts) == total  # sums to the whole
    assert all(p >= 0 for p in parts)  # never negative
    assert all(p == 0 for p, w in zip(parts, weights) if w == 0)  # zero weights get zero
    # each part is its quota rounded down or up
    wsum = sum(weights)
    for p, w in zip(parts, weights):
        q = total * w / wsum if wsum else 0
        assert q - 1 - 1e-6 <= p <= q + 1 + 1e-6


# ------------------------------------------------------------------------------------------------ calendar splits


def test_split_year_by_last_year_and_fallback():
    last = [10, 8, 12, 10, 10, 10, 10, 10, 10, 10, 10, 20]  # sums to 130
    t = split_year(1300, year=2026, last_year=last)
    assert t["target"].tolist() == [100, 80, 120, 100, 100, 100, 100, 100, 100, 100, 100, 200]
    assert t["period"].iloc[0] == "2026-01" and t["basis"].iloc[0] == "去年同月销量"
    # mapping keyed by last year's periods, missing months count 0
    t2 = split_year(10, year=2026, last_year={"2025-03": 1, "2025-04": 1})
    assert t2["target"].tolist() == [0, 0, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0]
    # no history → working days (2026: Feb 16, Oct 18, Nov 21 working days)
    w = split_year(2480, year=2026)
    assert w["basis"].iloc[0] == "工作日天数"
    assert w["weight"].sum() == 248
    assert w.set_index("period").loc["2026-02", "target"] == 160  # 2480 × 16/248
    assert w["target"].sum() == 2480
    # all-zero history falls back too
    assert split_year(2480, year=2026, last_year=[0] * 12)["basis"].iloc[0] == "工作日天数"


def test_split_month_weeks_and_days():
    # office basis: Oct 2026 working days per week 0,3,5,5,5 (18); 36 units → 0, 6, 10, 10, 10
    w = split_month(36, period="2026-10", by="week", basis="working_days")
    assert w["target"].tolist() == [0, 6, 10, 10, 10]
    d = split_month(36, period="2026-10", by="day", basis="working_days")
    assert len(d) == 31 and d["target"].sum() == 36
    assert d.loc[~d["working_day"], "target"].eq(0).all()  # holidays and weekends get nothing
    # 36 / 18 = 2 per working day
    assert d.loc[d["working_day"], "target"].eq(2).all()


def test_month_to_weeks_to_days_chain():
    # Oct 2026 week 2 (5–11 Oct): only 8, 9 and 10 (make-up Saturday) are working days; 16 → 6, 5, 5
    w = split_month(80, period="2026-10", by="week", basis="working_days").iloc[1]
    d = split_days(16, start=w["start"], end=w["end"], basis="working_days")
    assert d.loc[d["working_day"], "target"].tolist() == [6, 5, 5]
    assert d["target"].sum() == 16 and len(d) == 7
    # each week's days add up to that week's target, on every basis
    for basis in ("selling_days", "working_days", "calendar_days"):
        for row in split_month(80, period="2026-10", by="week", basis=basis).itertuples():
            assert split_days(row.target, start=row.start, end=row.end, basis=basis)["target"].sum() == row.target
    with pytest.raises(ParameterError):
        split_days(5, start="2026-10-09", end="2026-10-01")


# -------------------------------------------------------------------------------------------- tree / onion


def _tree():
    # model line × consultant, weights = last quarter's units
    return pd.DataFrame(
        {
            "model": ["轿车", "轿车", "SUV", "SUV"],
            "staff_id": ["A", "B", "A", "B"],
            "units": [3, 1, 1, 1],
        }
    )


def test_tree_split_by_hand():
    out = tree_split(_tree(), total=10, levels=["model", "staff_id"], weight="units")
    # level 1: 10 × 4/6 = 6.67 → 7 (轿车), 10 × 2/6 = 3.33 → 3 (SUV)
    # level 2: 轿车 7 × 3/4 = 5.25 → 5, 1.75 → 2 ; SUV 3 × 1/2 = 1.5 → 2 (earlier), 1
    assert out["target"].tolist() == [5, 2, 2, 1]
    assert out["target_model"].tolist() == [7, 7, 3, 3]
    assert out["target"].sum() == 10


def test_onion_peel_returns_each_level():
    layers = onion_peel(_tree(), total=10, levels=["model", "staff_id"], weight="units")
    assert len(layers) == 2
    assert layers[0]["model"].tolist() == ["轿车", "SUV"] and layers[0]["target"].tolist() == [7, 3]
    assert layers[1]["target"].sum() == 10
    # children sum to their parent at every level
    sums = layers[1].groupby("model", sort=False)["target"].sum()
    assert sums.to_dict() == {"轿车": 7, "SUV": 3}


def test_tree_split_missing_column():
    with pytest.raises(ParameterError, match="层级列"):
        tree_split(_tree(), total=10, levels=["brand"], weight="units")


@settings(max_examples=60, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=100000),
    units=st.lists(st.integers(min_value=0, max_value=50), min_size=6, max_size=6),
)
def test_tree_split_properties(total, units):
    frame = pd.DataFrame({"a": list("xxxyyy"), "b": list("pqrpqr"), "w": units})
    if total > 0 and sum(units) == 0:
        return
    out = tree_split(frame, total=total, levels=["a", "b"], weight="w")
    assert out["target"].sum() == total
    assert (out["target"] >= 0).all()
    assert out.loc[out["w"] == 0, "target"].eq(0).all()


# ------------------------------------------------------------------------------------------------- rebalancing


def test_rebalance_known_answer():
    # docs/DOMAIN.md: T = 100 000 in 4 × 25 000; week 1 = 17 500 (70 %) → s = 7 500, 7 500 / 3 = 2 500 → 27 500
    t = rebalance_weeks([25000] * 4, [17500])
    after1 = t[t["after_week"] == 1]
    assert after1["target"].tolist() == [25000, 27500, 27500, 27500]
    assert after1["rate"].iloc[0] == pytest.approx(0.70)
    assert after1["shortfall"].iloc[0] == 7500
    # the re-planned month still adds up to T: 17 500 + 3 × 27 500 = 100 000
    assert 17500 + after1["target"].iloc[1:].sum() == 100000


def test_rebalance_uneven_and_surplus():
    # shortfall 10 over 3 weeks → 4, 3, 3 (exact integers, earlier weeks first)
    t = rebalance_weeks([10, 10, 10, 10], [0])
    assert t.loc[t["after_week"] == 1, "target"].tolist() == [10, 14, 13, 13]
    # docs/DOMAIN.md §3: a surplus never lowers the remaining weeks; it is banked toward the stretch tier
    t = rebalance_weeks([10, 10, 10], [40])
    assert t.loc[t["after_week"] == 1, "target"].tolist() == [10, 10, 10]
    assert t.loc[t["after_week"] == 1, "banked"].iloc[0] == 30
    t = rebalance_weeks([10, 10, 10], [16])
    assert t.loc[t["after_week"] == 1, "target"].tolist() == [10, 10, 10]
    assert t.loc[t["after_week"] == 1, "shortfall"].iloc[0] == -6


def test_rebalance_rejects_gaps():
    with pytest.raises(ParameterError):
        rebalance_weeks([10, 10], [1, 2, 3])
    with pytest.raises(ParameterError):
        rebalance_weeks([10, 10], [None, 2])


def test_retier_behind_plan():
    # weeks 1–2: 17 500 + 25 000 = 42 500 of 50 000 → 85 % < 1 → tiers 0.85·T, 0.95·T
    r = retier_month([25000] * 4, [17500, 25000])
    assert r["level"].tolist() == [0.85, 0.95]
    assert r["month_target"].tolist() == [85000, 95000]
    assert r["status"].iloc[0] == "落后于计划"
    # what is left for weeks 3–4: 85 000 − 42 500 = 42 500 → 21 250 each; 95 000 − 42 500 = 52 500 → 26 250
    assert r[["week_3", "week_4"]].iloc[0].tolist() == [21250, 21250]
    assert r[["week_3", "week_4"]].iloc[1].tolist() == [26250, 26250]


def test_retier_on_plan():
    # exactly on plan (rate = 1) counts as not behind → 100 % and 110 %
    r = retier_month([25000] * 4, [25000, 25000])
    assert r["month_target"].tolist() == [100000, 110000]
    assert r["status"].iloc[0] == "达到或超过计划"
    assert r["cum_rate"].iloc[0] == 1.0
    r_en = retier_month([25000] * 4, [30000, 25000], lang="en")
    assert r_en["tier"].tolist() == ["tier 1", "tier 2"]
    assert r_en["month_target"].tolist() == [100000, 110000]


def test_retier_needs_two_weeks():
    with pytest.raises(ParameterError, match="至少 2 周"):
        retier_month([25000] * 4, [17500])


# ------------------------------------------------------------------------------------------------- SMART

SETTING = "2026-11-01"


def _good(**changes):
    goal = {
        "statement": "S02 展厅 2026年12月 展厅销量达到 45 台",
        "metric": "展厅销量",
        "target": 45,
        "unit": "台",
        "baseline": 38,
        "deadline": "2026-12-31",
        "owner": "S02 展厅",
        "parent": "门店年度销量 520 台",
    }
    goal.update(changes)
    return goal


def _passed(goal, **kw):
    r = smart_check(goal, setting_date=SETTING, **kw)
    return dict(zip(r["letter"], r["passed"]))


def test_smart_good_goal_passes_all():
    r = smart_check(_good(), setting_date=SETTING)
    assert r["letter"].tolist() == ["S", "M", "A", "R", "T"]
    assert r["passed"].all()
    assert (r["hint"] == "").all()


def test_smart_S():
    assert _passed(_good(statement="努力提高销量"))["S"] is False  # vague verbs, no number
    assert _passed(_good(statement="努力把展厅销量提高到 45 台"))["S"] is True  # vague verb but a number
    assert _passed(_good(metric=""))["S"] is False
    assert _passed(_good(owner=""))["S"] is False
    r = smart_check(_good(statement="加强客户跟进"), setting_date=SETTING)
    assert "加强" in r.loc[0, "reason"] and r.loc[0, "hint"] != ""


def test_smart_M():
    assert _passed(_good(target="很多"))["M"] is False
    assert _passed(_good(unit=""))["M"] is False
    assert _passed(_good(target="45"))["M"] is True  # typed text is read as a number


def test_smart_A():
    # 38 → 45 is +18 %: inside ±30 %
    assert _passed(_good())["A"] is True
    # 38 → 60 is +58 %: outside
    assert _passed(_good(target=60))["A"] is False
    # configurable band: +58 % passes with max_growth = 0.6
    assert _passed(_good(target=60), max_growth=0.6)["A"] is True
    # exactly +30 % passes (10 → 13)
    assert _passed(_good(target=13, baseline=10))["A"] is True
    # a cut of 50 % (complaints 10 → 5) is outside the band too
    assert _passed(_good(target=5, baseline=10))["A"] is False
    assert _passed(_good(baseline=None))["A"] is False
    assert _passed(_good(baseline=0))["A"] is False


def test_smart_R_and_T():
    assert _passed(_good(parent=""))["R"] is False
    assert _passed(_good(deadline=""))["T"] is False
    assert _passed(_good(deadline="2026-10-31"))["T"] is False  # before the setting date
    assert _passed(_good(deadline="2026-11-01"))["T"] is False  # same day is not after
    assert _passed(_good(deadline="2026年12月"))["T"] is True  # = 2026-12-31


def test_smart_accepts_dataclass_and_english():
    r = smart_check(Goal(statement="提高满意度"), setting_date=SETTING, lang="en")
    assert r["name"].tolist() == ["Specific", "Measurable", "Achievable", "Relevant", "Time-bound"]
    assert not r["passed"].any()
    with pytest.raises(ParameterError):
        smart_check("提高销量")


@settings(max_examples=100, deadline=None)
@given(
    week=st.integers(min_value=1, max_value=100000),
    weeks=st.integers(min_value=2, max_value=6),
    rates=st.lists(st.floats(min_value=0, max_value=1.0), min_size=1, max_size=5),
)
def test_rebalance_keeps_the_month_whole_when_behind(week, weeks, rates):
    # behind plan (no surplus, so nothing is clipped): actuals done + new targets of the remaining weeks = T
    plan = [week] * weeks
    actual = [round(week * r) for r in rates[: weeks - 1]]
    t = rebalance_weeks(plan, actual)
    k = len(actual)
    last = t[t["after_week"] == k]
    assert sum(actual) + last["target"].iloc[k:].sum() == week * weeks
    assert (last["target"] >= 0).all()
    assert all(float(x).is_integer() for x in last["target"])
