"""The ranked findings list and its action rows on the demo data (docs/DOMAIN.md §10 done-when checks)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from dealerlab.report.context import ReportContext
from dealerlab.report.findings import FINDINGS_COLUMNS, findings_frame, plan_actions

P = "2026-10"


@pytest.fixture(scope="module")
def group():
    return ReportContext.open("demo", P)


def test_no_finding_exceeds_the_store_monthly_gross(group):
    fr = findings_frame(group, group.findings())
    assert list(fr.columns) == FINDINGS_COLUMNS
    money = fr[fr["extra_gross"].notna()]
    assert len(money) and (money["share_of_gross"] < 1).all() and (money["extra_gross"] > 0).all()
    # ranked: money first by extra gross, then severity
    g = fr["extra_gross"].fillna(-1).tolist()
    assert g[: len(money)] == sorted(g[: len(money)], reverse=True)


def test_group_summary_names_non_funnel_findings(group):
    found = group.findings()
    areas = {f.section for f in found}
    assert {"aftersales", "targets"} <= areas
    booth = [f for f in found if f.metric == "booth_utilisation"]
    assert [f.store_id for f in booth] == ["S02"] and booth[0].target == 0.60
    html = str(group.section("summary")) if hasattr(group, "section") else ""
    from dealerlab.report.sections import summary

    text = str(summary.build(group))
    # the after-sales area's first finding is the money one (S03's 首保回厂率, valued in gross) — the booth finding,
    # without money, stays in the ranked list above
    assert "首保回厂率" in text and "【售后】" in text and "未完成本月销量目标" in text
    assert "收入" not in text.replace("不是收入", "")
    del html


def test_action_rows_have_numeric_targets_future_dates_and_differ_by_store():
    today = dt.date(2026, 12, 1)
    plans = {}
    for sid in ("S01", "S03"):
        ctx = ReportContext.open("demo", P, store_id=sid)
        plan = plan_actions(ctx, ctx.findings(), report_date=today)
        assert 0 < len(plan) <= 8
        assert plan["target"].map(lambda x: isinstance(x, float) and math.isfinite(x)).all()
        starts = pd.to_datetime(plan["start"])
        assert (starts > pd.Timestamp(today)).all() and starts.is_monotonic_increasing
        assert (pd.to_datetime(plan["check_date"]) - starts == pd.Timedelta(weeks=4)).all()
        assert starts.iloc[0] == pd.Timestamp("2026-12-07")
        assert plan["who"].str.contains(r"\*").all()  # a masked person, not a job title alone
        plans[sid] = plan
    assert list(plans["S01"]["what"]) != list(plans["S03"]["what"])
    # different business types → different benchmarks
    s01 = findings_frame(ReportContext.open("demo", P, store_id="S01"), ReportContext.open("demo", P, store_id="S01").findings())
    assert s01["benchmark_source"].str.contains("乘用车").any()


def test_funnel_action_follows_the_data():
    ctx = ReportContext.open("demo", P, store_id="S01")
    td = [f for f in ctx.findings() if f.metric == "test_drive_rate"][0]
    # S01's invited share is 25.7%: the action is the invitation drill, and why carries the numbers
    assert "试驾邀请" in td.action.what and "25.7%" in td.action.why and "42.2%" in td.action.why


def test_findings_command(tmp_path):
    from dealerlab.cli import main

    out = tmp_path / "f.csv"
    assert main(["findings", "demo", "--period", P, "--store", "S02", "-o", str(out)]) == 0
    f = pd.read_csv(out, dtype={"门店": str})
    assert set(f["门店"]) == {"S02"} and "booth_utilisation" in set(f["指标编号"])
    assert main(["findings", "demo", "--period", P, "--store", "S02", "-o", str(out)]) == 1  # exists: needs --force
    assert main(["findings", "demo", "--period", P, "--store", "S02", "-o", str(out), "--force"]) == 0
    xlsx = tmp_path / "f.xlsx"
    assert main(["findings", "demo", "--period", P, "-o", str(xlsx)]) == 0
    assert len(pd.read_excel(xlsx, engine="openpyxl")) == len(findings_frame(ReportContext.open("demo", P), ReportContext.open("demo", P).findings()))
    data = tmp_path / "data.csv"
    data.write_text("x", encoding="utf-8")
    assert main(["findings", str(data), "--period", P, "-o", str(data), "--force"]) == 1
    assert data.read_text(encoding="utf-8") == "x"  # the input is never overwritten
