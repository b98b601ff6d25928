"""Module 10 KPIs: 增员率, 脱落率/转正率 (dealerlab.execution.recruiting), the 6S audit score and 日清日结
(dealerlab.targets.daily_close) — hand-computed answers."""

from __future__ import annotations

import pandas as pd
import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.errors import ParameterError
from dealerlab.execution import recruiting, six_s_score
from dealerlab.targets import daily_close


def _staff():
    d = pd.Timestamp
    rows = [
        # four old hands on 1 March (one leaves in March)
        ("A1", "S1", "销售顾问", d("2024-01-01"), None),
        ("A2", "S1", "销售顾问", d("2024-01-01"), None),
        ("A3", "S1", "销售顾问", d("2024-01-01"), d("2026-03-10")),
        ("A4", "S1", "服务顾问", d("2024-01-01"), None),
        # March hires: N1 leaves after 20 days (dropout), N2 stays (converted on 2 June), N3 leaves on day 120
        ("N1", "S1", "销售顾问", d("2026-03-01"), d("2026-03-21")),
        ("N2", "S1", "销售顾问", d("2026-03-04"), None),
        ("N3", "S1", "销售顾问", d("2026-03-20"), d("2026-07-18")),
        # a September hire: probation ends 29 December, after the data's end → pending
        ("N4", "S1", "销售顾问", d("2026-09-30"), None),
    ]
    df = pd.DataFrame(rows, columns=["staff_id", "store_id", "role", "hire_date", "leave_date"])
    df["name"] = df["staff_id"]
    df["department"] = "销售部"
    return df


def test_recruiting_by_hand():
    ds = Dataset.from_frames({"staff": _staff()})
    r = recruiting(ds, periods=["2026-03", "2026-09"], as_of="2026-10-31").set_index("period")
    mar = r.loc["2026-03"]
    # headcount on 1 March: A1–A4 = 4 (N1 joins that day too: hire_date ≤ d → 5)
    assert mar["headcount_start"] == 5
    assert mar["hires"] == 3 and mar["leavers"] == 2  # A3 on 10 March, N1 on 21 March
    assert mar["hiring_rate"] == pytest.approx(3 / 5)
    # N1 left on day 20 ≤ 90 → dropout; N2 and N3 were employed on day 90 → converted
    assert (mar["dropouts"], mar["converted"], mar["pending"]) == (1, 2, 0)
    assert mar["dropout_rate"] == pytest.approx(1 / 3) and mar["conversion_rate"] == pytest.approx(2 / 3)
    sep = r.loc["2026-09"]
    assert sep["pending"] == 1 and pd.isna(sep["dropout_rate"]) and sep["reason"] == "新人试用期未满"
    # a shorter probation of 14 days: N1 (20 days) converts too
    short = recruiting(ds, periods=["2026-03"], probation_days=14, as_of="2026-10-31").iloc[0]
    assert short["dropout_rate"] == 0.0
    # one role only: the 服务顾问 A4 is not counted
    sales = recruiting(ds, periods=["2026-03"], role="销售顾问", as_of="2026-10-31").iloc[0]
    assert sales["headcount_start"] == 4
    with pytest.raises(ParameterError):
        recruiting(ds, periods=["2026-03"], probation_days=0)


def test_recruiting_on_demo_matches_the_staff_table():
    from dealerlab.datasets import load_demo

    r = recruiting(load_demo(), periods=["2026-03"], role="销售顾问").set_index("store_id")
    # S02 hired E062 (14 Mar, left 28 Mar) and E063 (28 Mar, left 7 Apr): both within 90 days → 脱落率 100 %
    assert r.loc["S02", "hires"] == 2 and r.loc["S02", "dropout_rate"] == 1.0


def test_six_s_score_by_hand():
    items = [
        {"s": "整理", "item": "展厅无杂物", "points": 2},
        {"s": "整理", "item": "工位只放当天资料", "points": 1},
        {"s": "整顿", "item": "工具定置", "points": 2},
        {"s": "安全", "item": "灭火器在位", "points": 0},
        {"s": "素养", "item": "未检查", "points": None},
    ]
    t = six_s_score(items).set_index("s")
    assert t.loc["整理", "score"] == pytest.approx(3 / 4)
    assert t.loc["整顿", "score"] == 1.0 and t.loc["安全", "score"] == 0.0
    assert pd.isna(t.loc["清扫", "score"]) and t.loc["素养", "items"] == 0  # blank = not checked
    # total: (2 + 1 + 2 + 0) / (4 × 2) = 5 / 8
    assert t.loc["合计", "score"] == pytest.approx(5 / 8)
    with pytest.raises(ParameterError, match="整理"):
        six_s_score([{"s": "整齐", "item": "x", "points": 1}])
    with pytest.raises(ParameterError, match="0–2"):
        six_s_score([{"s": "整理", "item": "x", "points": 3}])


def test_daily_close_by_hand():
    d = pd.Timestamp
    sales = pd.DataFrame(
        {
            "sale_id": ["s1", "s2", "s3", "s4"],
            "store_id": ["S1"] * 4,
            "staff_id": ["A"] * 4,
            "invoice_date": [d("2026-10-01"), d("2026-10-01"), d("2026-10-02"), d("2026-10-05")],
        }
    )
    targets = pd.DataFrame({"store_id": ["S1"], "period": ["2026-10"], "metric": ["销量"], "target": [40.8]})
    ds = Dataset.from_frames({"sales": sales, "targets": targets})
    t = daily_close(ds, period="2026-10", as_of="2026-10-05", store_id="S1")
    assert t["actual"].tolist() == [2, 1, 0, 0, 1] and t["cumulative"].iloc[-1] == 4
    # defaults (no history): 1–5 Oct are 国庆 at 1.8 → time progress 9 / 40.8; target 40.8 → achievement 4 / 40.8
    assert t["time_progress"].iloc[-1] == pytest.approx(9 / 40.8)
    assert t["achievement"].iloc[-1] == pytest.approx(4 / 40.8) and t["status"].iloc[-1] == "落后于时间进度"
    # 日结日高: 36.8 left over 31.8 of weight; 6 Oct weighs 1.8 → 36.8 × 1.8 / 31.8 = 2.083
    assert t["next_target"].iloc[-1] == pytest.approx(36.8 * 1.8 / 31.8)
