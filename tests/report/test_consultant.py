"""The consultant's review of the deliverable (issue 18): figures formatted once, consistent dates, owners and
targets everywhere, a coherent appendix, a group page with totals and its benchmark source."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from dealerlab.report.context import ReportContext
from dealerlab.report.fmt import fmt, fmt_delta

P = "2026-10"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def group():
    from dealerlab.plots import set_style

    set_style()  # the group page's charts draw Chinese
    return ReportContext.open("demo", P)


@pytest.fixture(scope="module")
def s01():
    return ReportContext.open("demo", P, store_id="S01")


def test_a_money_change_is_shown_in_the_scale_of_its_figure():
    assert fmt(3_337_000, "money") == "333.7 万元"
    assert fmt_delta(-11_060, "money", ref=3_337_000) == "−1.1 万元"
    assert fmt_delta(-11_060, "money") == "−11,060 元"  # without its figure: its own size
    assert fmt_delta(109, "money", ref=3_635) == "+109 元"
    assert fmt_delta(-11_060, "money", "en", ref=3_337_000) == "−¥0.01 m"
    assert fmt_delta(-11_060, "money", "en", ref=337_000) == "−¥11,060"


def test_summary_cards_never_put_yuan_changes_beside_wan_values(group):
    html = group.summary_cards()
    for card in re.findall(r'<div class="dl-kpi".*?</svg></div>|<div class="dl-kpi"[^>]*>.*?</div></div>', html, re.S):
        value = re.search(r'dl-kpi-value[^>]*>([^<]*)<', card).group(1)
        for d in re.findall(r'class="dl-delta">[^<]*?([−+±][^<]*)</span>', card):
            if value.endswith("万元"):
                assert d.endswith("万元"), (value, d)


def test_headline_says_each_figure_once(group):
    found = group.findings()
    assert found
    for f in found:
        line = f.headline("zh")
        for n in set(re.findall(r"\d{1,3}(?:,\d{3})+", line)):  # money-sized figures
            assert line.count(n) == 1, (n, line)
        g = f.extra_gross
        if g == g and g >= 100_000:  # never the same money twice in two formats (176,800 元 … 17.7 万元)
            assert not (f"{g:,.0f}" in line and fmt(g, "money") in line), line
    rebate = [f for f in found if f.section == "rebate"][0]
    line = rebate.headline("zh")
    assert line.count(f"{rebate.extra_gross:,.0f}") == 1 and "万元" not in line and "占本月毛利" in line


def test_quality_appendix_is_consistent_with_its_notes(s01):
    from dealerlab.report.sections import quality

    html = str(quality.build(s01))
    assert "没有警告" not in html or "无法计算" in html.split("没有")[1][:200]
    first = re.search(r'<div class="dl-reading"><p>(.*?)</p>', html).group(1)
    assert "无法计算" in first and "「无法计算的指标」" in first  # the opening says what the table below holds
    assert html.index("dl-reading") < html.index("数据表概况") < html.index("无法计算的指标</h3>")
    assert quality.status_text(0, 0) == "数据校验通过：没有格式或取值警告。本月的指标都能计算。"
    assert "2 条警告" in quality.status_text(2, 0) and "没有" not in quality.status_text(2, 0)


def test_group_policy_tables_have_totals_and_room(group):
    from dealerlab.report.sections import policy

    html = str(policy.build(group))
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert len(tables) == 2
    for t in tables:
        assert len(re.findall(r"<th>", t)) <= 8  # store + 7 figures: headings stay readable on A4
    stock = group.metrics[(group.metrics["period"] == P) & (group.metrics["metric"] == "stock_units")]["value"].sum()
    total_row = re.search(r"<tr><td>集团合计</td>(.*?)</tr>", tables[0]).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", total_row)
    assert cells[0] == f"{round(stock):,}"  # 119 + 128 + 94
    assert round(stock) == 341


def test_action_dates_agree_between_group_and_store_pages(group):
    from dealerlab.report.findings import findings_frame, schedule
    from dealerlab.report.notes import finding_id

    gdates = schedule(group.findings(), report_date=TODAY)
    for sid in ("S01", "S02", "S03"):
        store = ReportContext.open("demo", P, store_id=sid)
        sdates = schedule(store.findings(), report_date=TODAY)
        assert sdates
        for key, when in sdates.items():
            assert gdates[key] == when, key
    frame = findings_frame(group, group.findings(), report_date=TODAY)
    actionable = [f for f in group.findings() if f.action is not None]
    assert len(actionable) > 8
    with_action = frame[frame["action"] != ""]
    assert (with_action["owner"] != "").all()  # beyond the top 8 too
    dated = frame[frame["start"] != ""]
    assert len(dated) == len(gdates) and pd.to_datetime(dated["start"]).min() == pd.Timestamp("2026-12-07")
    assert set(gdates) <= {finding_id(f) for f in actionable}


def test_group_findings_table_shows_owner_and_check_date(group):
    html = group.findings_table(top=12)
    assert "<th>责任人</th>" in html and "<th>检查日</th>" in html
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1])
    assert len(rows) == 12
    for r in rows:
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
        assert cells[-2] != "—" and re.fullmatch(r"20\d\d-\d\d-\d\d|—", cells[-1])
        assert r.count('class="dl-nowrap"') == 4  # money, sales, owner and date never break inside


def test_league_names_its_benchmark_source(group, tmp_path):
    from dealerlab.report.sections import league

    html = str(league.build(group))
    assert "标杆来源" in html and "data/funnel_benchmarks.csv" in html and "乘用车" in html and "商用车" in html
    custom = tmp_path / "集团标杆.csv"
    custom.write_text("metric,benchmark\nclose_rate,0.22\n", encoding="utf-8")
    ctx = ReportContext.open("demo", P, benchmarks=str(custom))
    assert "顾问提供的标杆文件 集团标杆.csv" in ctx.benchmark_note()
    en = ReportContext.open("demo", P, lang="en").benchmark_note()
    assert en.startswith("Benchmark source: dealerlab's bundled data/funnel_benchmarks.csv")


def test_deck_action_plan_has_owner_dates_and_targets(group, tmp_path):
    from pptx import Presentation

    from dealerlab.plots import set_style
    from dealerlab.report.deck import write_deck
    from dealerlab.report.findings import plan_actions

    set_style()
    path = write_deck(group, tmp_path / "报告.pptx")
    last = Presentation(str(path)).slides[-1]
    table = [s for s in last.shapes if s.has_table][0].table
    head = [c.text for c in table.rows[0].cells]
    assert head == ["问题", "做什么", "负责人", "开始", "检查日", "检查指标", "基线 → 目标"]
    plan = plan_actions(group, group.findings())
    for i, row in enumerate(list(table.rows)[1:]):
        cells = [c.text for c in row.cells]
        assert "*" in cells[2] or cells[2]  # an owner (a masked person)
        assert dt.date.fromisoformat(cells[3]) > dt.date.today() and dt.date.fromisoformat(cells[4]) > dt.date.fromisoformat(cells[3])
        assert re.search(r"\d.*→.*\d", cells[6])
        assert cells[3] == plan["start"].iloc[i] and cells[6] == plan["check"].iloc[i]  # the HTML plan's row


# ---- folder layout and names (what the client receives) -----------------------------------------------------------
def test_layout_names_are_consistent_per_language():
    from dealerlab.report.layout import deliverables, file_name

    zh, en = deliverables("zh"), deliverables("en")
    assert zh == {"报告.html", "报告.pdf", "报告.pptx", "附录.xlsx", "指标.csv", "发现清单.csv"}
    assert en == {"report.html", "report.pdf", "report.pptx", "appendix.xlsx", "metrics.csv", "findings.csv"}
    assert all(re.search(r"[\u4e00-\u9fff]", n) for n in zh) and all(n.isascii() for n in en)
    assert file_name("notes") == "audit/叙述模板.md" and file_name("notebook", "en") == "audit/report.ipynb"


def test_manifest_lives_in_audit_and_an_older_one_is_still_recognised(tmp_path):
    import json

    from dealerlab._io import atomic_dir
    from dealerlab._output import MANIFESTS, foreign_entries

    out = tmp_path / "报告"
    with atomic_dir(out, kind="report", inputs=["x"]) as tmp:
        (tmp / "报告.html").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["audit", "报告.html"]  # nothing hidden beside the client's files
    assert MANIFESTS["report"].startswith("audit/") and (out / MANIFESTS["report"]).is_file()
    assert foreign_entries(out) == []
    old = tmp_path / "old"  # a report folder of the previous version: manifest at the top
    old.mkdir()
    (old / "index.html").write_text("old", encoding="utf-8")
    (old / "notes.md").write_text("old", encoding="utf-8")
    (old / ".dealerlab-report.json").write_text(json.dumps(
        {"tool": "dealerlab", "kind": "report", "files": ["index.html", "notes.md"]}), encoding="utf-8")
    assert foreign_entries(old) == []
    (old / "mine.txt").write_text("mine", encoding="utf-8")
    assert foreign_entries(old) == ["mine.txt"]


# ---- --notes as YAML ---------------------------------------------------------------------------------------------
def test_yaml_notes_have_the_markdown_meaning(tmp_path):
    from dealerlab.report.notes import load_notes

    md = tmp_path / "叙述.md"
    md.write_text("## 章节 summary\n方式：替换\n本月重点：试驾。\n\n## 发现 a.b.S01.1234\n隐藏：是\n\n"
                  "## 发现 c.d.S02.abcd\n方式：补充\n已核对。\n", encoding="utf-8")
    ya = tmp_path / "叙述.yaml"
    ya.write_text("章节:\n  summary:\n    方式: 替换\n    文字: 本月重点：试驾。\n发现:\n  a.b.S01.1234:\n    隐藏: 是\n"
                  "  c.d.S02.abcd:\n    方式: 补充\n    文字: 已核对。\n", encoding="utf-8")
    en = tmp_path / "notes.yml"
    en.write_text("sections:\n  summary: {mode: replace, text: 本月重点：试驾。}\nfindings:\n  a.b.S01.1234: {hide: yes}\n"
                  "  c.d.S02.abcd: {mode: add, text: 已核对。}\n", encoding="utf-8")
    want = load_notes(md, sections=["summary"])
    assert want.sections["summary"].replace and want.findings["a.b.S01.1234"].hide
    for path in (ya, en):
        got = load_notes(path, sections=["summary"])
        assert got == want


@pytest.mark.parametrize("text, line, words", [
    ("章节:\n  summary:\n    方式: 补充\n   文字: x\n", 4, "YAML"),
    ("章节:\n  nosuch:\n    文字: x\n", 2, "没有章节 'nosuch'"),
    ("发现:\n  a.b:\n    隐藏: 也许\n", 3, "无法识别"),
    ("发现:\n  a.b:\n    颜色: 红\n", 3, "未知的键"),
    ("封面: x\n", 1, "未知的键"),
    ("!!python/object/apply:os.system ['echo hi']\n", 1, "YAML 标签"),
    ("章节:\n  summary: !include x.md\n", 2, "YAML 标签"),
])
def test_a_bad_yaml_notes_file_names_its_line(tmp_path, text, line, words):
    from dealerlab.errors import DealerlabError
    from dealerlab.report.notes import load_notes

    path = tmp_path / "叙述.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DealerlabError) as info:
        load_notes(path, sections=["summary"])
    msg = str(info.value)
    assert f"第 {line} 行" in msg and words in msg, msg


# ---- findings.csv as a reader opens it --------------------------------------------------------------------------
def test_findings_file_has_labelled_headers_rounded_figures_and_units(group, tmp_path):
    from dealerlab.report.findings import findings_frame, write_findings
    from dealerlab.report.labels import RAW_LABEL
    from dealerlab.report.notes import finding_id

    found = group.findings()
    frame = findings_frame(group, found, report_date=TODAY)
    path = write_findings(frame, tmp_path / "发现清单.csv", findings=found)
    f = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert not [c for c in f.columns if RAW_LABEL.match(c) or c.isascii()]
    assert list(f.columns[:8]) == ["排名", "门店", "月份", "领域", "发现", "指标", "单位", "本月数值"]
    assert list(f.columns[-3:]) == ["发现编号", "领域编号", "指标编号"]  # the ids stay, for scripts
    assert list(f["发现编号"]) == [finding_id(x) for x in found]
    td = f[(f["指标编号"] == "test_drive_rate") & (f["门店"] == "S01")].iloc[0]
    assert (td["单位"], td["本月数值"], td["目标"], td["标杆"]) == ("%", "34.4", "42.2", "50.0")
    assert td["目标来源"] == "缩小一半差距" and td["领域"] == "销售漏斗" and td["指标"] == "试乘试驾率"
    assert td["每月可多得毛利(元)"] == "51367" and td["占本月毛利(%)"] == "6.3" and td["每月可多销(台)"] == "7.3"
    for c in f.columns:  # no raw float such as 0.3442622950819672
        assert not f[c].str.fullmatch(r"-?\d+\.\d{3,}").any(), c
    ctx_en = ReportContext.open("demo", P, lang="en")  # an English report computes its findings in English
    found = ctx_en.findings()
    en = pd.read_csv(write_findings(findings_frame(ctx_en, found), tmp_path / "findings.csv", lang="en", findings=found),
                     dtype=str, keep_default_na=False)
    assert list(en.columns[:4]) == ["Rank", "Store", "Month", "Area"] and "Extra gross a month(CNY)" in en.columns
    models = set(map(str, group.ds["inventory"]["model"].dropna()))
    for v in en["Evidence"]:  # the evidence in English too (model names are the client's)
        for m in sorted(models, key=len, reverse=True):
            v = v.replace(m, "")
        assert not re.search(r"[\u4e00-\u9fff]", v), v


# ---- English: every finding and action text through the catalogue ----------------------------------------------
def test_english_findings_and_actions_have_no_chinese_words():
    from dealerlab.report.findings import plan_actions

    ctx = ReportContext.open("demo", P, lang="en")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    data_words = set(map(str, ctx.ds["inventory"]["model"].dropna())) | set(map(str, ctx.ds["staff"]["name"].dropna()))

    def check(text, what):
        for w in sorted(data_words, key=len, reverse=True):  # client data (model names, staff names) stays as it is
            text = text.replace(w, "")
        text = re.sub(r"\S\*+", "", text)  # masked names (徐*)
        assert not cjk.search(text), (what, text)

    found = ctx.findings()
    assert len(found) > 8
    for f in found:
        for what in ("title", "detail", "area_label", "metric_label", "headline"):
            check(getattr(f, what)("en"), what)
        check(f.benchmark_source, "benchmark_source")
        if f.action is not None:
            for k in ("what", "why", "who", "where", "how"):
                check(str(getattr(f.action, k)), k)
    plan = plan_actions(ctx, found)
    for c in ("title", "what", "who", "where", "how", "check_metric"):
        for v in plan[c]:
            check(str(v), c)
    assert plan["who"].str.match(r"(Sales|Showroom|Service|In-house|Customer|Parts)").all()


def test_appendix_money_reads_like_the_report(tmp_path):
    import openpyxl

    from dealerlab.datasets import load_demo
    from dealerlab.report.fmt import excel_format
    from dealerlab.report.metrics_file import metrics_table, write_metrics

    assert excel_format("money", value=3_336_540) == '0!.0," 万元"'  # Excel shows 333.7 万元, the cell keeps the number
    assert excel_format("money", value=3_635) == '#,##0" 元"'
    assert excel_format("money", "en", value=3_336_540) == '"¥"#,##0.00,," m"'
    long = metrics_table(load_demo(), periods=[P], stores=["S01"])
    book = openpyxl.load_workbook(write_metrics(long, tmp_path / "附录.xlsx"))
    ws = book["门店指标"]
    head = [c.value for c in ws[1]]
    rev = ws.cell(row=2, column=head.index("售后产值") + 1)
    gpu = ws.cell(row=2, column=head.index("单车毛利") + 1)
    assert rev.value >= 100_000 and rev.number_format == '0!.0," 万元"'
    assert gpu.value < 100_000 and gpu.number_format == '#,##0" 元"'


def test_every_action_word_of_the_area_table_has_its_english():
    from importlib import resources

    from dealerlab.report.labels import term

    with resources.files("dealerlab.data").joinpath("area_actions.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    for c in ("owner", "where", "how"):
        for v in table[c]:
            assert not re.search(r"[\u4e00-\u9fff]", term(v, "en")), (c, v)  # a new row needs its words in TERMS_EN
