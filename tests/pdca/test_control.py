"""p-chart and run chart (docs/DOMAIN.md §8) on hand-computed examples."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dealerlab.errors import ParameterError
from dealerlab.pdca import event_counts, p_chart, run_chart


def test_p_chart_limits_hand_computed():
    data = pd.DataFrame({"period": ["M1", "M2", "M3", "M4"], "events": [10, 30, 2, 18], "n": [500, 500, 500, 500]})
    out = p_chart(data, run_length=None)
    # p̄ = 60 / 2000 = 0.03; σ = √(0.03·0.97/500) = √0.0000582 = 0.0076289
    sigma = math.sqrt(0.03 * 0.97 / 500)
    assert out["centre"].iloc[0] == pytest.approx(0.03)
    assert out["ucl"].iloc[0] == pytest.approx(0.03 + 3 * sigma)  # 0.052887
    assert out["lcl"].iloc[0] == pytest.approx(0.03 - 3 * sigma)  # 0.007113
    assert out["ucl"].iloc[0] == pytest.approx(0.052887, abs=1e-6)
    # p = 0.02, 0.06 (> UCL), 0.004 (< LCL), 0.036
    assert out["p"].tolist() == pytest.approx([0.02, 0.06, 0.004, 0.036])
    assert out["beyond_limits"].tolist() == [False, True, True, False]
    assert out["out_of_control"].tolist() == [False, True, True, False]


def test_p_chart_limits_vary_with_n_and_clip_at_zero():
    data = pd.DataFrame({"period": ["a", "b"], "events": [2, 6], "n": [100, 10]})
    out = p_chart(data)
    # p̄ = 8/110 = 0.072727; n=10: σ = √(0.072727·0.927273/10) = 0.082143 → LCL = 0.0727 − 0.2464 < 0 → 0
    pbar = 8 / 110
    s10 = math.sqrt(pbar * (1 - pbar) / 10)
    assert out["lcl"].iloc[1] == 0.0
    assert out["ucl"].iloc[1] == pytest.approx(pbar + 3 * s10)
    # p of b = 0.6 > UCL 0.3191 → special cause
    assert bool(out["beyond_limits"].iloc[1]) is True
    # clipped at 1 too: tiny n and a large p̄
    hi = p_chart(pd.DataFrame({"period": ["x", "y"], "events": [1, 1], "n": [2, 2]}))
    assert hi["ucl"].max() <= 1.0


def test_p_chart_zero_n_and_bad_input():
    out = p_chart(pd.DataFrame({"period": ["a", "b"], "events": [1, 0], "n": [10, 0]}))
    assert math.isnan(out["p"].iloc[1]) and math.isnan(out["ucl"].iloc[1])
    assert out["reason"].iloc[1] != "" and bool(out["out_of_control"].iloc[1]) is False
    with pytest.raises(ParameterError):
        p_chart(pd.DataFrame({"period": ["a"], "events": [5], "n": [3]}))


def test_p_chart_run_rule_marks_eight_on_one_side():
    # 8 months at 0.04 then 8 at 0.02 (n 1000 each): p̄ = 0.03, limits ±3·√(0.03·0.97/1000) = ±0.01618 → no point
    # beyond the limits, but both halves are runs of 8 on one side → all 16 marked by rule 2
    events = [40] * 8 + [20] * 8
    data = pd.DataFrame({"period": [f"P{i:02d}" for i in range(16)], "events": events, "n": [1000] * 16})
    out = p_chart(data)
    assert not out["beyond_limits"].any()
    assert out["run"].all()
    shorter = p_chart(data.iloc[1:15].reset_index(drop=True))  # runs of 7 only
    assert not shorter["run"].any()


def test_event_counts_by_month_and_week_fills_gaps():
    d = pd.Timestamp
    orders = pd.DataFrame(
        {
            "store_id": ["S01", "S01", "S01", "S02"],
            "open_date": [d("2026-08-03"), d("2026-08-05"), d("2026-10-01"), d("2026-08-04")],
            "is_comeback": pd.array([True, None, False, True], dtype="boolean"),
        }
    )
    m = event_counts(orders, date="open_date", event="is_comeback", stores=["S01"])
    # August: 2 orders, 1 comeback (blank = 否); September: none → n 0; October: 1 order, 0 comebacks
    assert m["period"].tolist() == ["2026-08", "2026-09", "2026-10"]
    assert m["events"].tolist() == [1, 0, 0] and m["n"].tolist() == [2, 0, 1]
    w = event_counts(orders, date="open_date", event="is_comeback", freq="W", stores="S01", end="2026-10-05")
    # 2026-08-03 is a Monday: week labels are Mondays
    assert w["period"].iloc[0] == "2026-08-03" and w["n"].iloc[0] == 2
    assert w["n"].sum() == 3
    with pytest.raises(ParameterError):
        event_counts(orders, date="open_date", event="is_comeback", freq="Q")


def test_run_chart_shift_of_six():
    values = [8, 8, 8, 5, 8, 8, 8, 1, 1, 1, 1, 1, 1]
    out = run_chart(pd.DataFrame({"period": range(13), "value": values}))
    # 6 values above 5, 6 below, one equal → median 5; the point on the median is skipped, so
    # 8 8 8 (5) 8 8 8 is a run of 6 above and the six 1s a run of 6 below: both shifts, the median point unmarked
    assert out["median"].iloc[0] == 5.0
    assert out["shift"].tolist() == [True, True, True, False] + [True] * 9
    mixed = [8, 8, 8, 5, 8, 8, 1, 1, 1, 1, 1, 8, 1]
    # runs (median point skipped): 5 above, 5 below, 1, 1 → no shift
    assert not run_chart(pd.DataFrame({"period": range(13), "value": mixed}))["shift"].any()
