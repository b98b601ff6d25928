"""Report sections in process (no kernel): every section renders, or says which data is missing, for partial data."""

import pickle

import pytest

from dealerlab.data.dataset import Dataset
from dealerlab.datasets import load_demo
from dealerlab.report import sections
from dealerlab.report.context import ReportContext
from dealerlab.report.findings import Finding, collect_findings

STORE_SECTIONS = [s.key for s in sections.for_scope("store")]


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def _context(tmp_path, ds, store_id="S01"):
    path = tmp_path / "ds.pkl"
    path.write_bytes(pickle.dumps(ds))
    return ReportContext.open(str(path), "2026-10", store_id)


@pytest.mark.parametrize(
    "tables",
    [["stores", "staff", "leads", "visits", "sales"], ["stores", "service_orders"], ["stores", "surveys", "complaints"]],
)
def test_partial_data_never_breaks_a_section(tmp_path, demo, tables, chinese_style):
    ds = Dataset({k: v for k, v in demo.tables.items() if k in tables}, source="partial")
    rep = _context(tmp_path, ds)
    html = {s: str(rep.section(s)) for s in STORE_SECTIONS}
    assert all(html.values())
    missing_any = any("dl-missing" in h for h in html.values())
    assert missing_any  # at least one section says its data is missing


def test_findings_ranked_by_money_then_units(tmp_path, demo, chinese_style):
    rep = _context(tmp_path, demo)
    findings = rep.findings()
    assert findings and all(isinstance(f, Finding) for f in findings)
    money = [f.revenue_at_stake for f in findings if f.revenue_at_stake == f.revenue_at_stake]
    assert money == sorted(money, reverse=True)
    # the planted S01 bottleneck (test-drive rate) is among the findings
    assert any(f.metric == "test_drive_rate" for f in findings)


def test_collect_findings_skips_collectors_without_data(tmp_path, demo):
    from dealerlab.errors import MissingTableError

    rep = _context(tmp_path, demo)

    def broken(ctx):
        raise MissingTableError("booth_usage")

    def one(ctx):
        return [Finding("x", "甲", "a", "d", "d", extra_gross=5.0), Finding("x", "乙", "b", "d", "d", extra_gross=9.0)]

    got = collect_findings(rep, [broken, one])
    assert [f.title_zh for f in got] == ["乙", "甲"]


def test_group_context_league(tmp_path, demo, chinese_style):
    rep = _context(tmp_path, demo, store_id=None)
    html = str(rep.section("league"))
    assert "集团中位数" in html and "S03" in html


def test_registry_keys_unique_and_titled():
    keys = [s.key for s in sections.SECTIONS]
    assert len(keys) == len(set(keys))
    assert all(s.title_zh and s.title_en for s in sections.SECTIONS)
    assert sections.COLLECTORS == [s.findings for s in sections.SECTIONS if s.findings]
    # the frame of both reports; a new section goes between them by its one registry line (nothing here lists it)
    group = [s.key for s in sections.for_scope("group")]
    for report in (STORE_SECTIONS, group):
        assert report[:2] == ["cover", "summary"] and report[-2:] == ["actions", "quality"]
    assert "targets" in STORE_SECTIONS and "targets" not in group
    assert "league" in group and "league" not in STORE_SECTIONS
    assert [k for k in keys if k not in ("targets", "league")] == [k for k in STORE_SECTIONS if k != "targets"]


@pytest.mark.parametrize("name", sorted(sections.NOTEBOOKS))
def test_notebooks_show_the_registry_sections(name):
    """The shipped notebooks' section cells are the registry's (run ``python -m dealerlab.report.sections`` after
    adding a section)."""
    import nbformat

    from dealerlab.report.execute import notebook_path

    nb = nbformat.read(notebook_path(name), as_version=4)
    want = [s.key for s in sections.for_scope(sections.NOTEBOOKS[name])]
    assert sections.notebook_sections(nb) == want, (
        f"{name}'s section cells are not the registry's: run `PYTHONPATH=. python -m dealerlab.report.sections` "
        "(it rewrites them from SECTIONS) and commit both report notebooks")
    cells = [c.source for c in nb.cells if any(t.startswith("section-") and t != "section-setup" for t in c.metadata.get("tags", []))]
    assert cells == [f'rep.section("{k}")' for k in want]


def test_section_keys_and_titles_are_unique():
    """A key names a section everywhere (its cell tag and id, ``rep.section(key)``): a copied registry line that keeps
    its key would silently show the first section twice."""
    keys = [s.key for s in sections.SECTIONS]
    assert len(keys) == len(set(keys)), f"a section key is registered twice: {keys}"
    for lang in ("zh", "en"):
        titles = [s.title(lang) for s in sections.SECTIONS]
        assert len(titles) == len(set(titles)), f"two sections share a title: {titles}"


def test_sync_notebooks_writes_a_new_section(tmp_path, monkeypatch):
    import shutil

    import nbformat

    from dealerlab.report.execute import notebook_path

    for name in sections.NOTEBOOKS:
        shutil.copy(notebook_path(name), tmp_path / name)
    assert sections.sync_notebooks(tmp_path) == []
    extra = sections.Section("trial", "试验", "Trial", lambda ctx: "", scope=sections.STORE)
    monkeypatch.setattr(sections, "SECTIONS", [*sections.SECTIONS[:-1], extra, sections.SECTIONS[-1]])
    assert sections.sync_notebooks(tmp_path) == ["store_report.ipynb"]
    nb = nbformat.read(tmp_path / "store_report.ipynb", as_version=4)
    assert sections.notebook_sections(nb)[-2:] == ["trial", "quality"]
    assert "rep.key_numbers()" in nb.cells[2].source  # parameters and set-up cells kept


def test_section_titles_agree_with_headings_and_errors(tmp_path, demo, chinese_style):
    rep = _context(tmp_path, demo)
    for s in sections.for_scope("store"):
        if s.heading:
            assert f">{s.title_zh}</h2>" in str(rep.section(s.key))
    assert sections.title("quality") == "附录：数据质量" and sections.title("setup", "en") == "Data set-up"


def test_a_section_without_its_data_says_so(tmp_path, demo, chinese_style):
    from dealerlab.errors import MissingTableError

    def build(ctx):
        raise MissingTableError("booth_usage")

    html = str(sections.Section("x", "某节", "X", build).render(_context(tmp_path, demo)))
    assert "某节" in html and "dl-missing" in html and "本节无法生成" in html


def test_policy_section_and_its_findings_on_the_demo(chinese_style):
    """Module 8 in the report: S01's VP tier 3 units away with its gain; S02's old stock with its monthly cost."""
    from dealerlab import policy
    from dealerlab.report.context import ReportContext

    ctx = ReportContext.open("demo", period="2026-10", store_id="S01")
    html = str(ctx.section("policy"))
    assert "商务政策与库存" in html and "返利阶梯" in html and "再卖 3 台" in html
    found = [f for f in ctx.findings() if f.section == "rebate"]
    lad = policy.cliff(ctx.ds, store="S01", period="2026-10")
    gain = float(lad.loc[lad["is_next"], "gain"].iloc[0])
    assert len(found) == 1 and found[0].extra_gross == gain and "保本让价" in found[0].evidence
    ctx = ReportContext.open("demo", period="2026-10", store_id="S02")
    old = [f for f in ctx.findings() if f.section == "stock"]
    assert len(old) == 1 and old[0].value == 8 and "亚洲龙 8 台" in old[0].evidence
    assert "滞销车型" in str(ctx.section("policy"))


def test_a_consultant_the_bottom_out_rule_flags_is_never_praised_as_a_star(chinese_style):
    """Consistency (docs/DOMAIN.md §10): S01's month stars whom the quarterly bottom-out rule suspends or eliminates
    (the people section's table) get no 明星/表扬 in the targets section (a reviewer found both on one report)."""
    from dealerlab import pay
    from dealerlab.report.context import ReportContext
    from dealerlab.report.sections._common import latest_bottom_out, staff_names
    from dealerlab.targets import achievement, amount_rate_matrix

    ctx = ReportContext.open("demo", period="2026-10", store_id="S01")
    cons = achievement(ctx.ds, period="2026-10", stores=["S01"], by_staff=True)
    matrix = amount_rate_matrix(cons.dropna(subset=["achievement"]))
    judged = latest_bottom_out(ctx, "S01").set_index("staff_id")["status"]
    flagged = [s for s in matrix.loc[matrix["quadrant"] == "star", "staff_id"]
               if judged.get(s) in (pay.STATUS_ELIMINATED, pay.STATUS_SUSPENDED)]
    assert flagged, "the demo has a month star flagged by the quarterly rule (the case this test guards)"
    html = str(ctx.section("targets"))
    names = staff_names(ctx)
    for row in html.split("<tr")[1:]:
        if any(names[s] in row for s in flagged):
            assert "表扬" not in row and "明星" not in row and "季度未过末位线" in row


def test_the_star_flagged_by_the_bottom_out_rule_reads_english_in_english(chinese_style):
    """``--lang en``: the targets section's note on a month star the quarterly rule flags named the status in Chinese
    ("(停岗, see people and pay)")."""
    import re

    from dealerlab.report.context import ReportContext

    ctx = ReportContext.open("demo", period="2026-10", store_id="S01", lang="en")
    html = str(ctx.section("targets"))
    assert "see people and pay" in html
    assert not re.search(r"\((停岗|淘汰), see people and pay\)", html)
    assert re.search(r"\((suspended|eliminated), see people and pay\)", html)


def test_figures_not_available_give_their_reason_in_english(chinese_style):
    """``--lang en``: the data-quality appendix listed why a figure is missing in Chinese (商务政策中没有该项目,
    维修工单不足 24 个月…); the common reasons read in English, the Chinese report keeps them as they are."""
    from dealerlab.report.context import ReportContext
    from dealerlab.report.sections.quality import reason_label

    assert reason_label("商务政策中没有该项目", "zh") == "商务政策中没有该项目"
    assert reason_label("维修工单不足 24 个月（最早 2025-11，需要从 2024-11 起），无法计算", "en") == (
        "fewer than 24 months of service orders (earliest 2025-11, needed from 2024-11): not computed")
    assert reason_label("分母为 0：当月没有销售", "en") == "denominator is 0: no sales this month"
    ctx = ReportContext.open("demo", period="2026-10", store_id="S01", lang="en")
    html = str(ctx.section("quality"))
    assert "the business policy has no such item" in html and "fewer than 24 months of service orders" in html
    assert "商务政策中没有该项目" not in html and "维修工单不足" not in html


def test_the_chinese_action_plan_has_chinese_headers(chinese_style):
    """The zh PDCA plan's headers read 做什么 / 为什么 / 负责人 …, as the deck's, without English words after them
    ("做什么 What" in a Chinese client report)."""
    import re

    from dealerlab.report.context import ReportContext

    ctx = ReportContext.open("demo", period="2026-10", store_id="S01")
    html = str(ctx.section("actions"))
    heads = re.findall(r"<th>([^<]*)</th>", html)
    assert "做什么" in heads and "负责人" in heads
    assert not [h for h in heads if re.search("[A-Za-z]", h)], heads
