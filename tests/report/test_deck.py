"""The deck (--pptx), the consultant's notes (--notes) and the brand (--brand)."""

from __future__ import annotations

import re
import struct

import pytest

from dealerlab.report.labels import RAW_LABEL

PERIOD = "2026-10"
pytestmark = pytest.mark.slow


def _png_width(blob: bytes) -> int:
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", blob[16:20])[0]


@pytest.fixture(scope="module")
def group_deck(tmp_path_factory, repo_root):
    from dealerlab.plots import set_style
    from dealerlab.report import sections
    from dealerlab.report.context import ReportContext

    set_style()
    folder = tmp_path_factory.mktemp("deck")
    ctx = ReportContext.open(str(repo_root / "datasets" / "demo-client.xlsx"), PERIOD, None, pptx=True, folder=str(folder))
    for s in sections.for_scope("group"):
        ctx.section(s.key)
    written = ctx.write_deliverables()
    return ctx, folder, written


def test_deck_slides_and_text(group_deck):
    from pptx import Presentation
    from pptx.util import Emu

    ctx, folder, written = group_deck
    assert [p.name for p in written] == ["叙述模板.md", "报告.pptx", "指标.csv", "发现清单.csv", "附录.xlsx"]
    prs = Presentation(str(folder / "报告.pptx"))
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=1e-3)
    top = min(5, len(ctx.findings()))
    # title, summary, one per top finding, league table (group), action plan
    assert len(prs.slides) == 2 + top + 1 + 1
    texts, tables, pictures = [], 0, 0
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width + Emu(1) and shape.top + shape.height <= prs.slide_height + Emu(1)
            if shape.has_text_frame:
                assert shape.text_frame.text.strip(), "an empty text box"
                texts.append(shape.text_frame.text)
                for p in shape.text_frame.paragraphs:
                    for r in p.runs:
                        assert r.font.name == "Noto Sans SC"
                        assert r._r.rPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}ea").get("typeface") == "Noto Sans SC"
            if shape.has_table:
                tables += 1
                texts.extend(c.text for row in shape.table.rows for c in row.cells)
            if shape.shape_type == 13:  # picture: print resolution (≥ 150 dpi at its size on the slide)
                pictures += 1
                dpi = _png_width(shape.image.blob) / (shape.width / 914400)
                assert dpi >= 150, dpi
    assert tables >= 3 and pictures >= 1
    raw = sorted({w for t in texts for w in re.findall(r"[A-Za-z0-9_]+", t) if RAW_LABEL.match(w)})
    assert not raw, raw
    assert any("门店排名" in t for t in texts) and any("PDCA" in t for t in texts)
    # the league slide carries the group total computed from summed components
    volume = ctx.group_metrics[(ctx.group_metrics["metric"] == "volume") & (ctx.group_metrics["period"] == PERIOD)]["value"]
    assert f"{int(volume.iloc[0]):,}" in texts


def test_theme_names_the_cjk_font(group_deck):
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    _, folder, _ = group_deck
    prs = Presentation(str(folder / "报告.pptx"))
    theme = prs.slide_master.part.part_related_by(RT.THEME).blob.decode("utf-8")
    assert theme.count('<a:ea typeface="Noto Sans SC"') == 2 and theme.count('<a:latin typeface="Noto Sans SC"') == 2


def test_notes_template_lists_sections_and_findings(group_deck):
    from dealerlab.report.notes import finding_id, load_notes

    ctx, folder, _ = group_deck
    text = (folder / "audit" / "叙述模板.md").read_text(encoding="utf-8")
    for key in ("summary", "league", "funnel", "quality"):
        assert f"## 章节 {key} " in text
    for f in ctx.findings():
        assert f"## 发现 {finding_id(f)} " in text
    assert load_notes(folder / "audit" / "叙述模板.md").findings == {}  # the untouched template changes nothing


def test_notes_override_hide_and_add(tmp_path, group_deck):
    from dealerlab.report.notes import finding_id, load_notes

    ctx, _, _ = group_deck
    first, second = ctx.findings()[:2]
    notes = tmp_path / "叙述.md"
    notes.write_text(
        f"## 章节 summary\n方式：补充\n本月先抓试驾。\n\n## 章节 actions\n方式：替换\n行动计划已与总经理确认。\n\n"
        f"## 发现 {finding_id(first)} 标题随意\n隐藏：是\n\n## 发现 {finding_id(second)}\n这是顾问<b>改写</b>的说明。\n",
        encoding="utf-8")
    ctx._notes = load_notes(notes)
    try:
        shown = ctx.findings()
        assert first.title_zh not in [f.title_zh for f in shown]
        assert shown[0].title_zh == second.title_zh and shown[0].detail_zh == "这是顾问<b>改写</b>的说明。"
        summary = str(ctx.section("summary"))
        assert "本月先抓试驾。" in summary and "这是顾问&lt;b&gt;改写&lt;/b&gt;的说明。" in summary
        assert first.title_zh not in summary.split("</ol>")[0]
        actions = str(ctx.section("actions"))
        assert "行动计划已与总经理确认。" in actions and "每条发现对应一个 PDCA 循环" not in actions
    finally:
        ctx._notes = None


def test_bad_notes_and_brand_files_name_the_line(tmp_path):
    from dealerlab.errors import ParameterError
    from dealerlab.report.brand import load_brand
    from dealerlab.report.notes import load_notes

    bad = tmp_path / "叙述.md"
    bad.write_text("## 章节 nosuch\n文字\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="第 1 行"):
        load_notes(bad, sections=["summary"])
    brand = tmp_path / "brand.yaml"
    brand.write_text("firm: 远见咨询\ncolour: red\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="第 2 行.*colour"):
        load_brand(brand)
    brand.write_text('primary: "#12345"\n', encoding="utf-8")
    with pytest.raises(ParameterError, match="#RRGGBB"):
        load_brand(brand)
    brand.write_text("logo: nosuch.png\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="nosuch.png"):
        load_brand(brand)
    brand.write_text('firm: "远见 # 咨询"  # 注释\nprimary: "#0B3C5D"\ncontact: 张顾问 138-0000-0000\n', encoding="utf-8")
    b = load_brand(brand)
    assert (b.firm, b.primary, b.contact) == ("远见 # 咨询", "#0B3C5D", "张顾问 138-0000-0000")


def test_report_with_pptx_notes_and_brand(tmp_path, repo_root):
    """The CLI end to end: the deck and the notes template land in the report folder; the brand is on the cover,
    in the footer and on the deck's master; a note replaces a section's reading."""
    from pptx import Presentation

    from dealerlab.cli import main

    (tmp_path / "logo.png").write_bytes(_tiny_png())
    (tmp_path / "brand.yaml").write_text(
        'firm: 远见汽车经销商咨询\nclient: 华东汽车集团\nlogo: logo.png\nprimary: "#2b4c7e"\ncontact: 张顾问 consult@example.com\n',
        encoding="utf-8")
    (tmp_path / "叙述.md").write_text("## 章节 funnel\n方式：补充\n顾问说明：漏斗数据已与销售经理核对。\n", encoding="utf-8")
    out = tmp_path / "r"
    assert main(["report", str(repo_root / "datasets" / "demo"), "--period", PERIOD, "--store", "S01", "--pptx",
                 "--notes", str(tmp_path / "叙述.md"), "--brand", str(tmp_path / "brand.yaml"), "-o", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"报告.html", "报告.pptx", "audit"} <= names and (out / "audit" / "叙述模板.md").is_file()
    html = (out / "报告.html").read_text(encoding="utf-8")
    assert "华东汽车集团" in html and "远见汽车经销商咨询" in html and "data:image/png;base64" in html.split('class="dl-cover"')[1][:2000]
    assert "顾问说明：漏斗数据已与销售经理核对。" in html
    assert "#2b4c7e" in html
    prs = Presentation(str(out / "报告.pptx"))
    master = " ".join(s.text_frame.text for s in prs.slide_master.shapes if s.has_text_frame)
    assert "远见汽车经销商咨询" in master and "华东汽车集团" in master
    assert main(["report", str(repo_root / "datasets" / "demo"), "--period", PERIOD, "--store", "S01",
                 "--brand", str(tmp_path / "nosuch.yaml"), "-o", str(tmp_path / "r2")]) == 1
    assert not (tmp_path / "r2").exists()


def _tiny_png() -> bytes:
    import zlib

    raw = b"\x00\x0b\x3c\x5d"  # one row: filter byte + one RGB pixel
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
