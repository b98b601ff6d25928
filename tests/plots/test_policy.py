"""Module 8 charts draw what the policy tables say (Chinese labels render: missing glyphs fail through filterwarnings)."""

from __future__ import annotations

import numpy as np
import pytest

from dealerlab import policy
from dealerlab.datasets import load_demo
from dealerlab.plots import policy as pp


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def test_stock_age_pyramid_marks_the_slow_model(chinese_style, demo):
    t = policy.stock_by_model(demo["inventory"], demo["sales"], period="2026-10", stores=["S02"])
    ax = pp.stock_age_pyramid(t)
    texts = [x.get_text() for x in ax.texts]
    assert any(x.startswith("  滞销") for x in texts)
    # the bars of one model add up to its units in stock
    widths = {}
    for p in ax.patches:
        y = round(p.get_y() + p.get_height() / 2)
        widths[y] = widths.get(y, 0) + p.get_width()
    ordered = t.sort_values("stock_units")["stock_units"].tolist()
    assert [widths[i] for i in range(len(ordered))] == ordered
    ax.figure.canvas.draw()


def test_stock_days_lines_at_standard_and_twice(chinese_style, demo):
    t = policy.stock_by_model(demo["inventory"], demo["sales"], period="2026-10", stores=["S01"])
    ax = pp.stock_days_vs_standard(t, standard_days=45)
    xs = sorted(line.get_xdata()[0] for line in ax.lines)
    assert xs == [45, 90]
    ax.figure.canvas.draw()


def test_rebate_ladder_names_the_next_tier(chinese_style, demo):
    lad = policy.cliff(demo, store="S01", period="2026-10")
    curve = policy.rebate_curve(demo, store="S01", period="2026-10")
    n = lad[lad["is_next"]].iloc[0]
    ax = pp.rebate_ladder(curve, lad)
    texts = " ".join(x.get_text() for x in ax.texts)
    assert f"再卖 {int(n['units_needed'])} 台" in texts
    assert f"{n['breakeven_discount']:,.0f}" in texts
    # the curve jumps at the next tier's unit count
    at = curve.set_index("units")["rebate_total"]
    u = int(n["units_at_tier"])
    assert at[u] - at[u - 1] > 10_000
    assert np.isclose(at[u], n["rebate_total"])
    ax.figure.canvas.draw()


def test_gross_stack_total_on_top(chinese_style, demo):
    parts = policy.gross_per_unit_parts(demo, periods=["2026-10"])
    assert np.allclose(parts["vehicle"] + parts["addon"] + parts["rebate"], parts["total"])
    ax = pp.gross_per_unit_stack(parts, lang="en")
    assert [t.get_text() for t in ax.texts] == [f"{v:,.0f}" for v in parts["total"]]
    ax.figure.canvas.draw()
