"""One time progress everywhere (issue 25): exercise 1C (part 2), notebook 01 and the report's targets section show
the same 时间进度 for the same store and day, because all three call dealerlab.targets.achievement/time_progress."""

from __future__ import annotations

import json
import pickle

import pandas as pd
import pytest

from dealerlab.data.dataset import _EVENT_DATES, Dataset
from dealerlab.datasets import load_demo
from dealerlab.exercises.course.targets import progress_case
from dealerlab.report import html as H
from dealerlab.targets import achievement, time_progress

DAY = pd.Timestamp("2026-10-15")


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def _until(ds: Dataset, day: pd.Timestamp) -> Dataset:
    """The demo data as it stood on ``day`` (every event table cut after that day)."""
    tables = {}
    for name, df in ds.tables.items():
        col = _EVENT_DATES.get(name)
        tables[name] = df[df[col].isna() | (df[col] <= day)].reset_index(drop=True) if col and col in df.columns else df
    return Dataset(tables, list(ds.warnings), ds.source)


def test_exercise_notebook_and_report_agree_on_the_15th(tmp_path, demo, repo_root, chinese_style):
    from dealerlab.report.context import ReportContext

    case = progress_case(demo, store_id="S03", period="2026-10", as_of=DAY)
    expected = time_progress("2026-10", as_of=DAY, ds=demo, store_id="S03")
    assert case["tp_selling"] == pytest.approx(expected) == pytest.approx(21.8 / 40.8)

    # notebook 01: the three-basis cell calls achievement(ds, period=period, as_of=mid, basis=...) on the demo data
    row = achievement(demo, period="2026-10", as_of=DAY, basis="selling_days").set_index("store_id").loc["S03"]
    assert row["time_progress"] == pytest.approx(case["tp_selling"])
    nb = json.loads((repo_root / "notebooks" / "01-targets.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and "compare = " in "".join(c["source"]))
    assert "achievement(ds, period=period, as_of=mid, basis=basis)" in "".join(cell["source"])
    printed = "".join("".join(o.get("text", "")) for o in cell["outputs"])
    s03 = next(line for line in printed.splitlines() if line.startswith("S03"))
    assert f"{case['tp_selling']:.1%}" in s03 and f"{case['tp_office']:.1%}" in s03
    assert f"S03 {case['achievement']:.1%}" in printed

    # the report's targets section on data that ends on the 15th
    path = tmp_path / "ds.pkl"
    path.write_bytes(pickle.dumps(_until(demo, DAY)))
    rep = ReportContext.open(str(path), "2026-10", "S03")
    html = str(rep.section("targets"))
    assert H.fmt_value(case["tp_selling"], "rate") in html
    assert H.fmt_value(case["achievement"], "rate") in html
    assert H.fmt_value(case["tp_office"], "rate") not in html  # not the office-day progress
