"""The PowerPoint deck of a report (``dealerlab report … --pptx``): what a Chinese client expects to be presented.

Slides (16:9): a title slide; the executive summary (top findings and the month's key figures); one slide per top
finding (the number against its benchmark, a chart of its recent months, the action in 5W1H); for a group the league
table; the action plan. Text is in editable text boxes, tables are native PowerPoint tables, charts are PNG images at
print resolution (200 dpi). The shipped CJK font (Noto Sans SC, ``dealerlab/plots/fonts``) is named in the theme and
on every run, so the deck reads the same where the font is installed; PowerPoint substitutes a CJK font elsewhere.
Figures are formatted by :mod:`dealerlab.report.fmt` and labelled by :mod:`dealerlab.report.labels`, as in the HTML.
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import math
import re
from pathlib import Path

import pandas as pd

from dealerlab.i18n import Catalogue
from dealerlab.plots import set_style
from dealerlab.report.findings import plan_actions
from dealerlab.report.fmt import fmt, fmt_delta, unit_of
from dealerlab.report.labels import col

__all__ = ["write_deck", "deck_texts", "FONT", "TOP_FINDINGS", "DECK_NAME"]

_TXT = Catalogue.load("report/deck")

FONT = "Noto Sans SC"
TOP_FINDINGS = 5
#: the deck's file name in the report folder (:data:`dealerlab.report.layout.FILES`)
DECK_NAME = {"zh": "报告.pptx", "en": "report.pptx"}
#: key figures of the summary slide and the league table
#: the full-width bracket that opens the numbers of an action's why in Chinese (cut off, not shown)
_ZH_OPEN = "（"
KEY_METRICS = ["volume", "close_rate", "test_drive_rate", "gross_per_unit", "service_revenue", "comeback_rate",
               "booth_utilisation", "csi_index"]


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    h = hex_colour.lstrip("#")
    return RGBColor(int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def _style_run(run, *, size: float, bold: bool = False, colour: str = "#1f2933") -> None:
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run.font.color.rgb = _rgb(colour)
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", FONT)


def _text(slide, left, top, width, height, lines, *, size=16, bold=False, colour="#1f2933", bullets=False):
    """An editable text box; ``lines`` is a string or a list of paragraphs."""
    from pptx.util import Emu

    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    tf = box.text_frame
    tf.word_wrap = True
    items = [lines] if isinstance(lines, str) else list(lines)
    for i, line in enumerate(items):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = (f"{i + 1}. " if bullets else "") + str(line)
        _style_run(run, size=size, bold=bold, colour=colour)
        p.space_after = 6 if bullets else 0
    return box


def _table(slide, left, top, width, frame: pd.DataFrame, *, size=11, header_colour="#0b3c5d", row_height=None):
    """A native table of the already formatted (string) ``frame``."""
    from pptx.util import Emu, Pt

    rows, cols = len(frame) + 1, len(frame.columns)
    height = row_height or Pt(size * 2.2)
    shape = slide.shapes.add_table(rows, cols, Emu(left), Emu(top), Emu(width), Emu(int(height * rows)))
    table = shape.table
    for j, name in enumerate(frame.columns):
        cell = table.cell(0, j)
        cell.text = ""
        run = cell.text_frame.paragraphs[0].add_run()
        run.text = str(name)
        _style_run(run, size=size, bold=True, colour="#ffffff")
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(header_colour)
    for i, (_, row) in enumerate(frame.iterrows(), start=1):
        for j, v in enumerate(row):
            cell = table.cell(i, j)
            cell.text = ""
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = "—" if v is None or (isinstance(v, float) and math.isnan(v)) or str(v) == "" else str(v)
            _style_run(run, size=size)
    return shape


def _image(slide, left, top, width, fig, *, height=None):
    import matplotlib.pyplot as plt
    from pptx.util import Emu

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200, bbox_inches="tight")
    plt.close(fig)
    buf.seek(0)
    if height is None:
        return slide.shapes.add_picture(buf, Emu(left), Emu(top), width=Emu(width))
    return slide.shapes.add_picture(buf, Emu(left), Emu(top), height=Emu(height))


def _theme_font(prs) -> None:
    """Name the CJK font in the theme (major and minor fonts: latin and East Asian)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = prs.slide_master.part.part_related_by(RT.THEME)
    xml = theme.blob.decode("utf-8")
    xml = re.sub(r'<a:latin typeface="[^"]*"', f'<a:latin typeface="{FONT}"', xml)
    xml = re.sub(r'<a:ea typeface="[^"]*"', f'<a:ea typeface="{FONT}"', xml)
    theme._blob = xml.encode("utf-8")


def _master_footer(prs, text: str, colour: str) -> None:
    """The brand's footer line on the slide master (every slide shows it; edited once in the master)."""
    from pptx.util import Emu

    if not text:
        return
    layout = prs.slide_layouts[6]
    scratch = prs.slides.add_slide(layout)
    box = _text(scratch, Emu(457200), prs.slide_height - Emu(420000), prs.slide_width - Emu(914400), Emu(300000), text,
                size=9, colour=colour)
    prs.slide_master.shapes._spTree.append(copy.deepcopy(box._element))
    # drop the scratch slide again
    sldIdLst = prs.slides._sldIdLst
    rid = sldIdLst[-1].rId
    prs.part.drop_rel(rid)
    del sldIdLst[-1]


def _trend_chart(ctx, metric: str, benchmark: float, *, label: str | None = None):
    """The metric's recent months per store (the report's stores), with the benchmark (or ``label``) line."""
    import matplotlib.pyplot as plt

    set_style()
    m = ctx.metrics[(ctx.metrics["metric"] == metric)]
    if ctx.params.store_id is not None:
        m = m[m["store_id"] == ctx.params.store_id]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    unit = unit_of(metric)
    for sid, grp in m.groupby("store_id", sort=True):
        grp = grp.sort_values("period")
        ax.plot(grp["period"], grp["value"], marker="o", lw=2, label=str(sid))
    if benchmark is not None and not (isinstance(benchmark, float) and math.isnan(benchmark)):
        ax.axhline(benchmark, color="#c0392b", ls="--", lw=1.2, label=label or col("benchmark", ctx.lang))
    if unit == "rate":
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_title(_TXT.get("trend_title", ctx.lang, metric=col(metric, ctx.lang), first=ctx.periods[0],
                          last=ctx.periods[-1]))
    ax.legend(loc="best", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    return fig


def _five_w(action, lang: str = "zh") -> list[str]:
    """What, why (the cause), who, when, where, how of a finding's action (the PDCA action type)."""
    out = [str(getattr(action, k, "") or "") for k in ("what", "why", "who", "when", "where", "how")]
    out[1] = _cause(out[1], lang)
    return out


def _target(f) -> tuple[float, str]:
    """The line a finding's number is held against, and its name: the benchmark, the target of the target table or a
    rule, or the reachable target (half the gap, own best) — never a target called a benchmark."""
    if f.target_source in ("half_gap", "own_best") and _finite(f.target):
        return f.target, "reachable"
    if f.target_source in ("target_table", "rule") and _finite(f.target):
        return f.target, "target"
    return f.benchmark, "benchmark"


def _finite(x) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def _finding_number(ctx, f) -> str:
    unit = unit_of(f.metric) if f.metric else "count"
    if f.metric and _finite(f.value):
        text = fmt(f.value, unit, ctx.lang, median=True)
        line, kind = _target(f)
        if _finite(line):
            shown = fmt(line, unit, ctx.lang, median=True)
            if kind == "reachable" and _finite(f.benchmark):
                text += _TXT.get("vs_reachable", ctx.lang, target=shown, benchmark=fmt(f.benchmark, unit, ctx.lang))
            else:
                text += _TXT.get("vs_" + kind, ctx.lang, fmt=shown)
        return text
    gross = getattr(f, "extra_gross", math.nan)
    if isinstance(gross, float) and math.isfinite(gross) and gross > 0:
        return _TXT.get("about_gross_month", ctx.lang, gross=fmt(gross, "money", ctx.lang))
    return ""


def _cause(why: str, lang: str) -> str:
    """An action's why without its bracketed numbers: the slide states them once, above."""
    cut = why.find(_ZH_OPEN) if lang == "zh" else why.find(" (")
    return why[:cut] if cut > 0 else why


def write_deck(ctx, path, *, brand=None, findings=None) -> Path:
    """Write the report's deck to ``path`` (.pptx).

    Parameters
    ----------
    ctx : ReportContext
        The report (store or group) whose figures, findings and actions the deck presents.
    path : str or Path
        The .pptx file.
    brand : Brand, optional
        Firm name, colours and contact line (:mod:`dealerlab.report.brand`); default dealerlab's blue.
    findings : list of Finding, optional
        The findings to present (default ``ctx.findings()``, notes applied).

    Returns
    -------
    Path
    """
    from pptx import Presentation
    from pptx.util import Emu, Inches

    lang = ctx.lang
    primary = getattr(brand, "primary", None) or "#0b3c5d"
    accent = getattr(brand, "accent", None) or "#0173b2"
    firm = getattr(brand, "firm", None) or ""
    contact = getattr(brand, "contact", None) or ""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    _theme_font(prs)
    footer = " · ".join(x for x in (firm, ctx.client_name, ctx.params.period, contact) if x)
    _master_footer(prs, footer, "#829ab1")
    blank = prs.slide_layouts[6]
    W = prs.slide_width
    margin = Inches(0.6)
    inner = W - 2 * margin
    findings = list(ctx.findings() if findings is None else findings)

    def titled(title: str):
        slide = prs.slides.add_slide(blank)
        _text(slide, margin, Inches(0.35), inner, Inches(0.8), title, size=26, bold=True, colour=primary)
        return slide

    # 1 title slide
    s = prs.slides.add_slide(blank)
    logo = getattr(brand, "logo", None)
    if logo:
        s.shapes.add_picture(str(logo), margin, Inches(0.5), height=Inches(0.9))
    _text(s, margin, Inches(2.2), inner, Inches(1.1), _TXT.get("dealer_diagnostic_report", lang),
          size=40, bold=True, colour=primary)
    _text(s, margin, Inches(3.4), inner, Inches(0.7), f"{ctx.client_name} · {ctx.store_label}", size=22, colour=accent)
    _text(s, margin, Inches(4.2), inner, Inches(1.2),
          [_TXT.get("period", lang, period=ctx.params.period),
           _TXT.get("report_date", lang, dt=_dt.date.today().isoformat()),
           *([firm] if firm else [])], size=16, colour="#52606d")

    # 2 executive summary
    s = titled(_TXT.get("executive_summary_top_findings", lang))
    top = findings[:TOP_FINDINGS]
    lines = [f.headline(lang) for f in top] or [_TXT.get("no_clear_weakness_found", lang)]
    _text(s, margin, Inches(1.3), Emu(int(inner * 0.58)), Inches(5.2), lines, size=14, bullets=bool(top))
    cards = ctx.key_figures(KEY_METRICS)
    if len(cards):
        show = pd.DataFrame({
            col("metric", lang): [col(m, lang) for m in cards["metric"]],
            col("this_month", lang): [fmt(v, unit_of(m), lang, na="—") for m, v in zip(cards["metric"], cards["value"])],
            col("mom", lang): [fmt_delta(d, unit_of(m), lang, ref=v) or "—"
                               for m, v, d in zip(cards["metric"], cards["value"], cards["mom"])],
            col("benchmark", lang): [fmt(v, unit_of(m), lang, na="—") for m, v in zip(cards["metric"], cards["benchmark"])],
        })
        _table(s, margin + int(inner * 0.61), Inches(1.35), int(inner * 0.39), show, size=11)

    # 3 one slide per top finding
    for n, f in enumerate(top, start=1):
        s = titled(f"{n}. {f.title(lang)}")
        number = _finding_number(ctx, f)
        if number:
            _text(s, margin, Inches(1.25), Emu(int(inner * 0.45)), Inches(0.9), number, size=28, bold=True, colour=accent)
        _text(s, margin, Inches(2.2), Emu(int(inner * 0.45)), Inches(1.6), f.detail(lang), size=14)
        if f.action is not None:
            names = [_TXT.get("what", lang), _TXT.get("why", lang), _TXT.get("who", lang), _TXT.get("when", lang),
                     _TXT.get("where", lang), _TXT.get("how", lang)]
            plan = [_TXT.get("labelled", lang, label=k, text=v) for k, v in zip(names, _five_w(f.action, lang)) if v]
            _text(s, margin, Inches(3.9), Emu(int(inner * 0.45)), Inches(2.6), [_TXT.get("action", lang), *plan], size=12)
        if f.metric and f.metric in set(ctx.metrics["metric"]):
            line, kind = _target(f)
            fig = _trend_chart(ctx, f.metric, line, label=None if kind == "benchmark" else _TXT.get(kind + "_line", lang))
            _image(s, margin + int(inner * 0.48), Inches(1.3), int(inner * 0.52), fig)

    # 4 league table (group)
    if ctx.params.store_id is None and len(ctx.stores) > 1:
        s = titled(_TXT.get("league_table_key_figures", lang))
        league = ctx.league_frame(KEY_METRICS)
        _table(s, margin, Inches(1.3), inner, league, size=11)

    # 5 action plan
    s = titled(_TXT.get("pdca_action_plan", lang))

    plan = plan_actions(ctx, findings, lang=lang).head(TOP_FINDINGS)  # the HTML plan's rows: owner, dates, target
    if len(plan):
        cols = {"title": _TXT.get("problem", lang), "what": _TXT.get("what", lang), "who": _TXT.get("owner", lang),
                "start": _TXT.get("start", lang), "check_date": _TXT.get("check_date", lang),
                "check_metric": _TXT.get("check_metric", lang), "check": _TXT.get("baseline_target", lang)}
        _table(s, margin, Inches(1.3), inner, plan[list(cols)].rename(columns=cols), size=10)
    else:
        _text(s, margin, Inches(1.3), inner, Inches(1), _TXT.get("no_improvement_cycle_needed", lang), size=16)

    path = Path(path)
    prs.save(str(path))
    return path


def deck_texts(path) -> list[str]:
    """Every text frame's and table cell's text of a deck (tests, proofreading)."""
    from pptx import Presentation

    out = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                out.extend(c.text for r in shape.table.rows for c in r.cells)
    return out


