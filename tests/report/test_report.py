"""The consultant report end to end: `dealerlab metrics` and `dealerlab report` on the demo data and on a messy
client export (Chinese headers, title rows, GBK CSVs). Slow (kernels start): one report per module fixture."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from dealerlab.cli import main
from dealerlab.datasets import load_demo
from dealerlab.metrics import METRICS
from dealerlab.report.html import fmt_value

pytestmark = pytest.mark.slow

PERIOD = "2026-10"


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.fixture(scope="module")
def demo_dir(repo_root):
    return repo_root / "datasets" / "demo"


@pytest.fixture(scope="module")
def store_report(tmp_path_factory, demo_dir):
    out = tmp_path_factory.mktemp("report") / "S01"
    assert main(["report", str(demo_dir), "--period", PERIOD, "--store", "S01", "-o", str(out)]) == 0
    return out


def test_report_folder_holds_every_output(store_report):
    names = {p.name for p in store_report.iterdir()}
    # the client's files only (one naming, in Chinese); internal files under audit/
    assert names == {"报告.html", "指标.csv", "附录.xlsx", "发现清单.csv", "audit"}
    assert {p.name for p in (store_report / "audit").iterdir()} == {"report.ipynb", "叙述模板.md", ".dealerlab-report.json"}


def test_html_has_no_code_and_renders_chinese(store_report):
    html = (store_report / "报告.html").read_text(encoding="utf-8")
    assert "jp-InputArea jp-Cell-inputArea" not in html and "class=\"jp-InputArea" not in html and "rep.section(" not in html and "ReportContext" not in html
    assert 'lang="zh-CN"' in html
    for heading in ("经销商经营诊断报告", "执行摘要", "销售漏斗", "目标与销售顾问", "售后与管理节奏", "客户满意度", "大客户",
                    "人员与薪酬", "PDCA 行动计划", "附录：数据质量"):
        assert heading in html, heading
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from the network: opens offline


def test_findings_csv_is_the_summary_list(store_report):
    from dealerlab.report.labels import RAW_LABEL

    f = pd.read_csv(store_report / "发现清单.csv", dtype={"门店": str})
    assert not [c for c in f.columns if RAW_LABEL.match(c)] and len(f) and set(f["门店"]) == {"S01"}
    assert (f.loc[f["领域编号"] == "funnel", "标杆来源"].str.contains("乘用车")).all()
    assert (f["占本月毛利(%)"].dropna() < 100).all()
    html = (store_report / "报告.html").read_text(encoding="utf-8")
    assert str(f["发现"].iloc[0]) in html  # the first finding heads the executive summary
    assert "每月影响收入" not in html and "毛利约" in html


def test_html_key_numbers_equal_metrics_csv(store_report):
    html = (store_report / "报告.html").read_text(encoding="utf-8")
    metrics = pd.read_csv(store_report / "指标.csv", dtype={"store_id": str, "staff_id": str})
    store_rows = metrics[metrics["staff_id"].isna() & (metrics["store_id"] == "S01") & (metrics["period"] == PERIOD)]
    cards = dict(re.findall(r'data-metric="([^"]+)"><div class="dl-kpi-name">[^<]*</div><div class="dl-kpi-value[^"]*">([^<]*)</div>', html))
    assert len(cards) >= 15
    values = store_rows.set_index("metric")["value"]
    for metric, shown in cards.items():
        expected = fmt_value(values[metric] if not math.isnan(values[metric]) else float("nan"), METRICS[metric].unit)
        assert shown == expected, metric


def test_metrics_csv_matches_the_metric_functions(store_report, demo):
    from dealerlab.figures import compute

    csv = pd.read_csv(store_report / "指标.csv", dtype={"store_id": str, "staff_id": str})
    direct = compute(demo, periods=[PERIOD], stores=["S01"])
    merged = csv[csv["staff_id"].isna()].merge(direct, on=["store_id", "period", "metric"], suffixes=("_csv", ""))
    assert len(merged) == len(direct)
    pd.testing.assert_series_equal(merged["value_csv"], merged["value"].astype(float), check_names=False, rtol=1e-9)


def test_personal_data_is_masked_in_every_output(store_report, demo):
    staff = demo.staff[demo.staff["store_id"] == "S01"]
    raw = [n for n in staff["name"].dropna() if len(n) >= 2]
    phones = [p for p in demo.leads["phone"].dropna().head(200)]
    accounts = [n for n in demo.accounts["account_name"].dropna()]
    import openpyxl

    texts = [(store_report / f).read_text(encoding="utf-8") for f in ("报告.html", "指标.csv", "audit/report.ipynb")]
    wb = openpyxl.load_workbook(store_report / "附录.xlsx", read_only=True)
    texts.append(" ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None))
    for text in texts:
        assert not [n for n in raw if n in text]
        assert not [p for p in phones if p in text]
        assert not [a for a in accounts if a in text]


def test_bad_parameters_stop_before_anything_runs(tmp_path, demo_dir, capsys):
    out = tmp_path / "r"
    assert main(["report", str(demo_dir), "--period", "2026-13", "--store", "S01", "-o", str(out)]) == 1
    assert "YYYY-MM" in capsys.readouterr().err
    assert main(["report", str(demo_dir), "--period", PERIOD, "--store", "S99", "-o", str(out)]) == 1
    assert "S99" in capsys.readouterr().err
    assert main(["report", str(demo_dir), "--period", "2019-01", "--store", "S01", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "2019-01" in err and "Traceback" not in err
    assert not out.exists()


def test_failing_cell_is_named_by_its_section(tmp_path):
    import nbformat

    from dealerlab.errors import ReportError
    from dealerlab.report.execute import NotebookJob, run_jobs
    from dealerlab.report.params import ReportParams

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("data = None", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["section-cover"]}),
                nbformat.v4.new_code_cell("1 / 0", metadata={"tags": ["section-csi"]})]
    template = tmp_path / "broken.ipynb"
    nbformat.write(nb, template)
    job = NotebookJob(str(template), ReportParams(data="x", period=PERIOD, store_id="S01"), str(tmp_path / "out.ipynb"))
    with pytest.raises(ReportError) as err:
        run_jobs([job], workers=1)
    assert "客户满意度" in str(err.value) and "ZeroDivisionError" in str(err.value)


def test_failure_leaves_no_partial_output(tmp_path, demo_dir, monkeypatch, capsys):
    from dealerlab.errors import ReportError
    from dealerlab.report import commands

    def failing(jobs, **kw):
        for job in jobs:  # something was already written into the temporary folder
            open(job.output, "w").write("half")
        raise ReportError("报告章节「销售漏斗」生成失败：测试", "section failed: test")

    monkeypatch.setattr(commands, "run_jobs", failing)
    out = tmp_path / "r"
    assert main(["report", str(demo_dir), "--period", PERIOD, "--store", "S01", "-o", str(out)]) == 1
    assert "销售漏斗" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_metrics_command_formats(tmp_path, demo_dir, demo):
    for suffix in (".csv", ".json", ".xlsx"):
        out = tmp_path / f"m{suffix}"
        assert main(["metrics", str(demo_dir), "--period", PERIOD, "--months", "2", "-o", str(out)]) == 0
        assert out.stat().st_size > 0
    long = pd.read_csv(tmp_path / "m.csv", dtype={"store_id": str, "staff_id": str})
    assert list(long.columns) == ["store_id", "period", "metric", "value", "reason", "staff_id", "level"]
    assert set(long["level"]) == {"store", "consultant", "group"}
    store_rows = long[long["level"] == "store"]
    assert store_rows["staff_id"].isna().all() and long[long["level"] == "consultant"]["staff_id"].notna().all()
    # the group's volume is the stores' sum (pooled components), not counted twice through the consultants
    group = long[(long["level"] == "group") & (long["metric"] == "volume")].set_index("period")["value"]
    assert group[PERIOD] == store_rows[(store_rows["metric"] == "volume") & (store_rows["period"] == PERIOD)]["value"].sum()
    # every metric id for every store × month asked for
    assert len(store_rows) == len(METRICS) * 3 * 2
    assert set(store_rows["period"]) == {"2026-09", PERIOD}
    assert long["staff_id"].notna().any()
    wide = pd.read_excel(tmp_path / "m.xlsx", sheet_name="门店指标", engine="openpyxl")
    assert "信息留存率" in wide.columns and len(wide) == 6
    assert main(["metrics", str(demo_dir), "--period", PERIOD, "-o", str(tmp_path / "m.txt")]) == 1


def test_messy_client_export_goes_through_unchanged(tmp_path, demo):
    """Chinese headers and file names, a title row above the header, GBK encoding: same metrics as the demo."""
    from dealerlab.data.write import write_dataset

    small = demo.select(stores=["S03"])
    folder = tmp_path / "client"
    write_dataset(small, folder, format="csv", headers="zh")
    for f in folder.glob("*.csv"):
        text = f.read_text(encoding="utf-8-sig")
        f.write_bytes(("DMS 导出报表 " + f.stem + "\n" + text).encode("gb18030"))
    out = tmp_path / "m.csv"
    assert main(["metrics", str(folder), "--period", PERIOD, "-o", str(out)]) == 0
    got = pd.read_csv(out, dtype={"store_id": str, "staff_id": str})
    ref = tmp_path / "ref.csv"
    demo_folder = tmp_path / "ref"
    write_dataset(small, demo_folder, format="csv", headers="en")
    assert main(["metrics", str(demo_folder), "--period", PERIOD, "-o", str(ref)]) == 0
    want = pd.read_csv(ref, dtype={"store_id": str, "staff_id": str})
    pd.testing.assert_frame_equal(got, want)
    report = tmp_path / "report"
    assert main(["report", str(folder), "--period", PERIOD, "-o", str(report)]) == 0
    assert "经销商经营诊断报告" in (report / "报告.html").read_text(encoding="utf-8")


def test_all_stores_writes_one_report_per_store_and_the_group(tmp_path, demo_dir):
    out = tmp_path / "all"
    assert main(["report", str(demo_dir), "--period", PERIOD, "--all-stores", "-o", str(out)]) == 0
    html = (out / "报告.html").read_text(encoding="utf-8")
    assert "门店排名" in html and "集团中位数" in html
    for sid in ("S01", "S02", "S03"):
        store_html = (out / "stores" / sid / "报告.html").read_text(encoding="utf-8")
        assert f"（{sid}）" in store_html
        assert (out / "stores" / sid / "指标.csv").exists()
