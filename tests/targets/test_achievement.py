"""Achievement tables, the amount-vs-rate matrix and 人均单产 on a tiny dataset computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.errors import MissingTableError, ParameterError
from dealerlab.targets import (
    achievement,
    amount_rate_matrix,
    per_head_output,
    split_consultants,
    time_progress,
)


def _sale(i, staff, day, channel="展厅", gp=1000.0):
    return {
        "sale_id": f"X{i:03d}", "store_id": "S1", "staff_id": staff, "invoice_date": pd.Timestamp(day),
        "channel": channel, "model": "M1", "price": 100000.0, "gross_profit": gp,
    }


@pytest.fixture
def tiny():
    staff = pd.DataFrame(
        {
            "staff_id": ["A", "B", "C", "D", "E"],
            "store_id": ["S1"] * 5,
            "name": ["甲", "乙", "丙", "丁", "戊"],
            "department": ["销售部"] * 5,
            "role": ["销售顾问", "销售顾问", "销售顾问", "销售经理", "销售顾问"],
            "hire_date": pd.to_datetime(["2024-01-01", "2025-06-01", "2026-10-08", "2023-01-01", "2024-01-01"]),
            "leave_date": pd.to_datetime([None, None, None, None, "2026-09-30"]),
        }
    )
    sales = [_sale(i, "A", f"2026-10-{d:02d}") for i, d in enumerate([8, 9, 12, 13, 16])]  # A: 5 by the 16th
    sales += [_sale(5, "A", "2026-10-20")]  # after as_of
    sales += [_sale(6 + i, "B", f"2026-10-{d:02d}", channel="二级网络") for i, d in enumerate([9, 14, 15])]  # B: 3
    sales += [_sale(9, "E", "2026-09-10"), _sale(10, "A", "2026-08-10"), _sale(11, "B", "2026-09-11")]  # earlier months
    targets = pd.DataFrame(
        {
            "store_id": ["S1"] * 4,
            "period": ["2026-10"] * 4,
            "metric": ["销量"] * 4,
            "staff_id": [None, "A", "B", "C"],
            "target": [20.0, 10.0, 6.0, 4.0],
            "stretch": [24.0, None, None, None],
        }
    )
    stores = pd.DataFrame({"store_id": ["S1"], "store_name": ["一店"]})
    return Dataset.from_frames({"stores": stores, "staff": staff, "sales": pd.DataFrame(sales), "targets": targets})


def test_time_progress_by_hand():
    # office basis: Oct 2026 has 18 working days; up to the 16th: 8, 9, 10 (make-up Sat), 12–16 = 8
    assert time_progress("2026-10", as_of="2026-10-16", basis="working_days") == pytest.approx(8 / 18)
    # selling days (defaults): 国庆 1–7 7 × 1.8 = 12.6; 8, 9 = 2; 10, 11 = 3.2; 12–16 = 5 → 22.8 of 40.8
    assert time_progress("2026-10", as_of="2026-10-16") == pytest.approx(22.8 / 40.8)
    assert time_progress("2026-10") == 1.0
    assert time_progress("2026-10", as_of="2026-09-30") == 0.0
    assert time_progress("2026-10", as_of="2026-12-01") == 1.0


def test_store_achievement_by_hand(tiny):
    t = achievement(tiny, period="2026-10", as_of="2026-10-16")
    row = t.iloc[0]
    assert row["store_id"] == "S1" and len(t) == 1
    # 8 sales by the 16th (A 5 + B 3) of 20 → 0.40; stretch 8 / 24 = 0.333; the tiny store has no 12 months of
    # history → default selling-day weights: time progress 22.8 / 40.8 = 0.559
    assert row["actual"] == 8
    assert row["achievement"] == pytest.approx(0.40)
    assert row["stretch_achievement"] == pytest.approx(8 / 24)
    assert row["time_progress"] == pytest.approx(22.8 / 40.8)
    assert row["target_to_date"] == pytest.approx(20 * 22.8 / 40.8)
    assert row["gap"] == pytest.approx(0.40 - 22.8 / 40.8)
    assert row["status"] == "落后于时间进度"
    # an office department's view: official working days 8 / 18
    office = achievement(tiny, period="2026-10", as_of="2026-10-16", basis="working_days").iloc[0]
    assert office["time_progress"] == pytest.approx(8 / 18)


def test_showroom_metric_has_no_target_so_rate_is_nan(tiny):
    t = achievement(tiny, period="2026-10", as_of="2026-10-16", metric="展厅销量")
    assert t["actual"].iloc[0] == 5  # only A's showroom sales
    assert pd.isna(t["achievement"].iloc[0])
    assert t["reason"].iloc[0] == "没有目标"


def test_consultant_achievement_by_hand(tiny):
    t = achievement(tiny, period="2026-10", as_of="2026-10-16", by_staff=True).set_index("staff_id")
    # E left on 30 Sep and D is a manager: not listed; C was hired on 8 Oct and sold nothing
    assert list(t.index) == ["A", "B", "C"]
    assert t.loc["A", "achievement"] == pytest.approx(0.5)  # 5 / 10
    assert t.loc["B", "achievement"] == pytest.approx(0.5)  # 3 / 6
    assert t.loc["C", "achievement"] == 0.0  # 0 / 4: a real zero, the target exists
    # selling days: 0.5 < 22.8 / 40.8 = 0.559 → behind; the office basis (8 / 18 = 0.444) would call A ahead
    assert t.loc["A", "status"] == "落后于时间进度"
    office = achievement(tiny, period="2026-10", as_of="2026-10-16", by_staff=True, basis="working_days").set_index("staff_id")
    assert office.loc["A", "status"] == "领先于时间进度"
    assert t.loc["C", "status"] == "落后于时间进度"
    assert pd.isna(t.loc["A", "stretch_achievement"])


def test_zero_target_gives_nan_with_reason(tiny):
    tg = tiny["targets"].copy()
    tg.loc[tg["staff_id"] == "C", "target"] = 0.0
    ds = Dataset.from_frames({**{k: tiny[k] for k in tiny}, "targets": tg})
    t = achievement(ds, period="2026-10", as_of="2026-10-16", by_staff=True).set_index("staff_id")
    assert pd.isna(t.loc["C", "achievement"]) and t.loc["C", "reason"] == "目标为 0"


def test_missing_targets_table_raises(tiny):
    ds = Dataset.from_frames({"sales": tiny["sales"], "staff": tiny["staff"]})
    with pytest.raises(MissingTableError):
        achievement(ds, period="2026-10")
    with pytest.raises(ParameterError):
        achievement(tiny, period="2026-10", metric="CSI")


def test_amount_rate_quadrants_by_hand():
    team = pd.DataFrame(
        {
            "store_id": ["S1"] * 5,
            "staff_id": ["P", "Q", "R", "S", "T"],
            "actual": [10.0, 2.0, 12.0, 3.0, 4.0],
            "achievement": [1.2, 1.1, 0.7, 0.5, float("nan")],
        }
    )
    m = amount_rate_matrix(team).set_index("staff_id")
    # T has no rate: left out of the medians. amounts 10, 2, 12, 3 → median 6.5; rates 1.2, 1.1, 0.7, 0.5 → 0.9
    assert m.loc["P", "amount_median"] == 6.5 and m.loc["P", "rate_median"] == pytest.approx(0.9)
    assert m.loc[["P", "Q", "R", "S"], "quadrant"].tolist() == ["star", "low_target", "high_target", "coach"]
    assert pd.isna(m.loc["T", "quadrant"])
    assert "过低" in m.loc["Q", "advice"] and "过高" in m.loc["R", "advice"]
    assert "分享" in m.loc["P", "advice"]
    en = amount_rate_matrix(team, lang="en").set_index("staff_id")
    assert en.loc["S", "quadrant_name"].endswith("coach")


def test_amount_rate_median_ties_count_high():
    team = pd.DataFrame({"store_id": ["S1"] * 5, "actual": [1.0, 2.0, 3.0, 4.0, 5.0], "achievement": [0.5, 0.8, 1.0, 1.2, 1.5]})
    m = amount_rate_matrix(team)
    # the middle consultant sits on both medians → high / high
    assert m["quadrant"].tolist() == ["coach", "coach", "star", "star", "star"]


def test_no_star_below_target_and_no_matrix_under_four():
    # docs/DOMAIN.md §10: 91.7 % of target is never a star, whatever the medians say
    team = pd.DataFrame({"store_id": ["S1"] * 4, "staff_id": list("ABCD"), "actual": [11.0, 9.0, 5.0, 4.0],
                         "achievement": [0.917, 0.9, 0.5, 0.4]})
    m = amount_rate_matrix(team).set_index("staff_id")
    assert m.loc["A", "quadrant"] == "leader_below_target"
    assert "表扬" not in m.loc["A", "advice"].replace("未达标不表扬", "") and "明星" not in m.loc["A", "quadrant_name"]
    # three consultants: no quadrant, a ranked table instead
    three = amount_rate_matrix(team.iloc[:3])
    assert three["quadrant"].isna().all() and not three["matrix_ok"].any() and three["advice"].str.contains("排名").all()
    from dealerlab.targets import ranked_table

    assert ranked_table(three)["staff_id"].tolist() == ["A", "B", "C"] and ranked_table(three)["rank"].tolist() == [1, 2, 3]


def test_per_head_output_by_hand(tiny):
    p = per_head_output(tiny, period="2026-10").set_index("staff_id")
    # October: 9 sales (A 6, B 3); consultants employed: A, B, C (E left 30 Sep) → 9 / 3 = 3 per head
    assert p.loc["A", "per_head"] == 3.0 and p.loc["A", "consultants"] == 3
    assert bool(p.loc["A", "above"]) is True
    assert bool(p.loc["B", "above"]) is False  # 3 is not above 3
    assert bool(p.loc["C", "above"]) is False
    assert "分享" in p.loc["A", "advice"]


def test_split_consultants_by_recent_shares(tiny):
    # window Jul–Sep 2026: A 1 (Aug), B 1 (Sep), E left; C new → weights 1, 1, 0 → 11 → 6, 5, 0
    t = split_consultants(11, sales=tiny["sales"], staff=tiny["staff"], store_id="S1", period="2026-10")
    assert t["staff_id"].tolist() == ["A", "B", "C"]
    assert t["target"].tolist() == [6, 5, 0]
    assert t["basis"].iloc[0] == "近3个月销量占比"
    eq = split_consultants(11, sales=tiny["sales"], staff=tiny["staff"], store_id="S1", period="2026-10", basis="equal")
    assert eq["target"].tolist() == [4, 4, 3]
    # no sales in the window (Jan 2026: window Oct–Dec 2025) → equal split
    t2 = split_consultants(6, sales=tiny["sales"], staff=tiny["staff"], store_id="S1", period="2026-01")
    assert t2["basis"].iloc[0] == "平均分配" and t2["target"].sum() == 6


def test_money_metrics_by_hand(tiny):
    addons = pd.DataFrame(
        {
            "addon_id": ["D1", "D2", "D3"],
            "store_id": ["S1"] * 3,
            "sale_id": ["X000", "X006", "X009"],  # A in Oct, B in Oct, E in Sep (not counted)
            "product": ["保险", "精品", "保险"],
            "revenue": [3000.0, 2000.0, 9999.0],
            "gross_profit": [600.0, 800.0, 999.0],
        }
    )
    so = pd.DataFrame(
        {
            "ro_id": ["R1", "R2", "R3"],
            "store_id": ["S1"] * 3,
            "open_date": pd.to_datetime(["2026-09-30", "2026-10-02", "2026-10-30"]),
            "close_date": pd.to_datetime(["2026-10-02", "2026-10-03", "2026-11-02"]),
            "ro_type": ["保养"] * 3,
            "revenue": [500.0, 700.0, 900.0],
        }
    )
    tg = pd.DataFrame(
        {"store_id": ["S1"] * 3, "period": ["2026-10"] * 3, "metric": ["毛利", "衍生收入", "售后产值"], "target": [10000.0, 4000.0, 1000.0]}
    )
    ds = Dataset.from_frames({"sales": tiny["sales"], "addons": addons, "service_orders": so, "targets": tg})
    gp = achievement(ds, period="2026-10", metric="毛利")
    # 9 October sales × 1 000 vehicle GP + add-ons 600 + 800 = 10 400 → 1.04
    assert gp["actual"].iloc[0] == 10400 and gp["achievement"].iloc[0] == pytest.approx(1.04)
    add = achievement(ds, period="2026-10", metric="衍生收入")
    assert add["actual"].iloc[0] == 5000  # 3 000 + 2 000; the September sale's add-on is not counted
    svc = achievement(ds, period="2026-10", metric="售后产值")
    assert svc["actual"].iloc[0] == 1200  # closed in October: R1 500 + R2 700
    assert svc["achievement"].iloc[0] == pytest.approx(1.2)
    by_staff_gp = achievement(ds, period="2026-10", metric="毛利", by_staff=True)
    assert set(by_staff_gp["staff_id"]) == {"A", "B"}  # no staff table: whoever sold
    assert by_staff_gp.set_index("staff_id").loc["A", "actual"] == 6600  # 6 × 1 000 + 600


def test_the_course_names_the_quadrants_as_the_matrix_does():
    # the 01e exercise reads the quadrants' names from its content file while it is built (the catalogue of
    # dealerlab.targets.achievement is read on first use only): the two must say the same
    from dealerlab.exercises.course import targets as course
    from dealerlab.targets import QUADRANTS

    names = course._TEXT.table("tree.quadrants_zh")
    assert names == {q: QUADRANTS[q][0] for q in names}
    assert set(names) == set(QUADRANTS)
