"""Retention (course module 9) in the consultant report: the demo's first-service figures, the chart, the after-sales
section's retention block and its findings — known answers hand-computed from datasets/demo/*.csv.

Hand computation (a plain pandas loop over the CSVs, independent of dealerlab.retention): for M = 2026-10 the cohort
is the cars invoiced 2025-10..2026-04 (the demo starts 2025-11); a car counts as back when the store has a 保养 order
with its vin within 9 months of the invoice date and before 2026-11-01.

    store  cohort  back  rate      service revenue 2025-11..2026-10  distinct vin
    S01    574     441   76.83 %   12,144,130                        5,678
    S02    522     336   64.37 %   12,678,470                        6,069
    S03    423     192   45.39 %   12,402,670                        3,776

S03's cohort by invoice month 2025-11..2026-04: 83, 70, 77, 56, 79, 58. S03 is under the 75 % line: ⌈0.75 × 423⌉ = 318,
318 − 192 = 126 cars short; each brings 12,402,670 / 3,776 = 3,284.61 yuan of service revenue a year; at the 45 %
margin a month's gross is 126 × 3,284.61 × 0.45 / 12 = 15,519.76 yuan.
"""

import io
import math
import pickle

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from dealerlab import retention
from dealerlab.datasets import load_demo
from dealerlab.report.context import ReportContext
from dealerlab.report.findings import plan_actions, store_gross
from dealerlab.report.sections import aftersales

HAND = {"S01": (441, 574), "S02": (336, 522), "S03": (192, 423)}
S03_GROSS = 126 * (12_402_670 / 3_776) * 0.45 / 12


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.fixture(scope="module")
def s03():
    return ReportContext.open("demo", period="2026-10", store_id="S03")


def test_demo_first_service_known_answers(demo):
    f = retention.retention_figures(demo, periods=["2026-10"]).set_index(["store_id", "metric"])
    for sid, (back, sold) in HAND.items():
        row = f.loc[(sid, "first_service_rate")]
        assert (row["numerator"], row["denominator"]) == (back, sold)
        assert row["value"] == pytest.approx(back / sold)
        assert row["reason"] == ""
    # the planted contrast of the demo: S01 books first services, S03 does not
    rates = [f.loc[(s, "first_service_rate"), "value"] for s in ("S01", "S02", "S03")]
    assert rates == sorted(rates, reverse=True)


def test_first_service_cohorts_split_the_rate_by_invoice_month(demo):
    t = retention.first_service_cohorts(demo, period="2026-10", store_id="S03")
    assert t["invoice_month"].tolist() == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
    assert t["sold"].tolist() == [0, 83, 70, 77, 56, 79, 58]
    assert (int(t["returned"].sum()), int(t["sold"].sum())) == HAND["S03"]
    assert math.isnan(t["rate"].iloc[0])
    assert t["rate"].iloc[1] == pytest.approx(t["returned"].iloc[1] / 83)
    from dealerlab.data.dataset import Dataset

    no_sales = Dataset.from_frames({"stores": demo["stores"], "service_orders": demo["service_orders"]})
    empty = retention.first_service_cohorts(no_sales, period="2026-10", store_id="S03")
    assert empty.empty and list(empty.columns) == ["invoice_month", "sold", "returned", "rate"]


def test_service_revenue_per_vehicle_on_the_demo(demo):
    assert retention.service_revenue_per_vehicle(demo, period="2026-10", store_id="S03") == pytest.approx(
        12_402_670 / 3_776)
    assert retention.service_revenue_per_vehicle(demo, period="2026-10", store_id="S01") == pytest.approx(
        12_144_130 / 5_678)


def test_first_service_chart_draws_chinese(demo, chinese_style):
    from dealerlab.plots.retention import first_service_bars

    t = retention.first_service_cohorts(demo, period="2026-10", store_id="S03")
    fig, ax = plt.subplots()
    first_service_bars(t, ax=ax, line=0.75)
    fig.savefig(io.BytesIO(), format="png")  # a missing glyph is a UserWarning, an error under pytest's settings
    assert ax.get_title() == "首保回厂：按开票月份"
    assert len(ax.patches) == 2 * len(t)
    fig2, ax2 = plt.subplots()
    first_service_bars(t.iloc[0:0], ax=ax2, lang="en")
    fig2.savefig(io.BytesIO(), format="png")


def test_first_service_finding_for_s03(s03):
    fs = [f for f in aftersales.retention_findings(s03) if f.metric == "first_service_rate"]
    assert len(fs) == 1
    f = fs[0]
    assert f.store_id == "S03" and f.section == "aftersales"
    assert f.value == pytest.approx(192 / 423)
    assert f.target == 0.75 and f.target_source == "benchmark"
    assert f.extra_gross == pytest.approx(S03_GROSS, rel=1e-9)
    assert f.share_of_gross == pytest.approx(S03_GROSS / store_gross(s03, "S03"))
    assert 0 < f.share_of_gross < 0.05
    assert "126 台" in f.evidence and "423 台" in f.evidence and "192 台" in f.evidence and "假设" in f.evidence
    assert f.action is not None and f.action.who.startswith("客服经理")
    plan = plan_actions(s03, [f], report_date=pd.Timestamp("2026-11-05").date())
    row = plan.iloc[0]
    assert row["target"] == 0.75 and row["check"] == "45.4% → 75.0%"
    assert row["start"] > "2026-11-05" and row["check_date"] > row["start"]
    # the retention rate needs 24 months: no finding from a NaN
    assert not [f for f in aftersales.retention_findings(s03) if f.metric == "retention_rate"]


def test_first_service_finding_is_ranked_among_the_store_findings(s03):
    ranked = s03.findings()
    keys = [(f.section, f.metric) for f in ranked]
    assert ("aftersales", "first_service_rate") in keys


def test_no_finding_above_the_line():
    ctx = ReportContext.open("demo", period="2026-10", store_id="S01")  # 76.8 % ≥ 75 %
    assert not aftersales.retention_findings(ctx)


def test_retention_rate_finding_on_a_24_month_base(tmp_path):
    """example_base (24 months): the retention finding fires where the return rate is under 60 %, with the lapsed
    vehicles short of the line valued at the store's own service revenue per vehicle."""
    ds = retention.example_base(satisfaction={"S01": 0.9, "S02": 0.5})  # S02: 33 of 60 back (55 %)
    path = tmp_path / "base.pkl"
    path.write_bytes(pickle.dumps(ds))
    figs = retention.retention_figures(ds, periods=["2026-10"]).set_index(["store_id", "metric"])
    for sid in ("S01", "S02"):
        ctx = ReportContext.open(str(path), "2026-10", sid)
        rr = figs.loc[(sid, "retention_rate")]
        fs = {f.metric: f for f in aftersales.retention_findings(ctx)}
        if rr["value"] >= 0.60:
            assert "retention_rate" not in fs
            continue
        f = fs["retention_rate"]
        short = math.ceil(0.60 * rr["denominator"]) - rr["numerator"]
        rev = retention.service_revenue_per_vehicle(ds, period="2026-10", store_id=sid)
        assert f.value == pytest.approx(rr["value"])
        assert f.extra_gross == pytest.approx(short * rev * 0.45 / 12)
        assert f"{short:.0f} 台" in f.evidence
    assert (figs.loc[("S02", "retention_rate"), "numerator"], figs.loc[("S02", "retention_rate"), "denominator"]) == (33, 60)
    ctx = ReportContext.open(str(path), "2026-10", "S02")
    f = next(f for f in aftersales.retention_findings(ctx) if f.metric == "retention_rate")
    assert "最近 12 个月又来的 33 台" in f.evidence and "3 台" in f.evidence  # ⌈0.6 × 60⌉ − 33 = 3


def test_section_shows_the_retention_block(s03, chinese_style):
    html = str(aftersales.build(s03))
    assert "保客：基盘客户、首保回厂率与回厂率" in html
    assert "首保回厂率" in html and "dl-chart" in html
    assert "192 台在开票后 9 个月内回本店做了首保" in html and "45.4%" in html
    assert "维修工单不足 24 个月" in html  # why 回厂率 is not shown
    assert "只含最近 12 个月的工单" in html


def test_group_section_shows_the_retention_store_table(chinese_style):
    ctx = ReportContext.open("demo", period="2026-10")
    html = str(aftersales.build(ctx))
    assert "保客：基盘客户、首保回厂率与回厂率" in html
    assert "76.8%" in html and "45.4%" in html
