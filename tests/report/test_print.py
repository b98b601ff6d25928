"""The printed deliverable: A4 pages, nothing wider than the page, headings never alone at a page bottom, a running
footer, and no raw identifier (``store_id``) in the HTML, the PDF text or the Excel appendix.

The PDF comes from the report's own ``--pdf`` path (Debian Chromium, :func:`dealerlab.report.export.to_pdf`); the
table widths are measured in the same Chromium through Playwright with the print stylesheet applied, before printing.
Page texts are read with ``pdftotext`` (Debian poppler-utils, ``.ci/system-deps.sh``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest

from dealerlab.report.labels import RAW_LABEL, is_raw_label
from tests.browser_utils import chromium, require_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PERIOD = "2026-10"
A4 = (595.28, 841.89)  # points
#: the A4 page's printable width in CSS pixels (210 mm less the 13 mm side margins of report.css, at 96 px per inch)
CONTENT_PX = (210 - 26) / 25.4 * 96


@pytest.fixture(scope="module")
def report(tmp_path_factory, repo_root):
    require_browser()
    from dealerlab.cli import main

    out = tmp_path_factory.mktemp("print") / "report"
    data = repo_root / "datasets" / "demo-client.xlsx"
    assert main(["report", str(data), "--period", PERIOD, "--all-stores", "--pdf", "-o", str(out)]) == 0
    return out


def _pages(pdf) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext 未安装：apt-get install poppler-utils（.ci/system-deps.sh）")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def _page_sizes(pdf) -> list[tuple[float, float]]:
    raw = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", raw)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def _pdfs(report):
    return [report / "报告.pdf", *sorted(report.glob("stores/*/报告.pdf"))]


def test_pages_are_a4(report):
    for pdf in _pdfs(report):
        sizes = _page_sizes(pdf)
        assert sizes, pdf
        for w, h in sizes:
            assert w == pytest.approx(A4[0], abs=2) and h == pytest.approx(A4[1], abs=2), (pdf, w, h)


def test_no_table_or_chart_is_wider_than_the_page(report):
    """Measured in Chromium with the print stylesheet at the A4 content width: nothing overflows, no scrollbar."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": round(CONTENT_PX), "height": 1100})
        page.emulate_media(media="print")
        for html in [report / "报告.html", *sorted(report.glob("stores/*/报告.html"))]:
            page.goto(html.resolve().as_uri(), wait_until="load", timeout=90_000)
            wide = page.evaluate(
                """(limit) => Array.from(document.querySelectorAll('table, img.dl-chart, .dl-kpis')).map(el => {
                       const r = el.getBoundingClientRect();
                       return {tag: el.tagName, cls: el.className, right: r.right, scroll: el.scrollWidth, client: el.clientWidth,
                               head: (el.querySelector('th') || {}).textContent || ''};
                   }).filter(x => x.right > limit + 1 || x.scroll > x.client + 1)""",
                CONTENT_PX,
            )
            assert not wide, (html, wide[:3])
            scrollers = page.evaluate(
                """() => Array.from(document.querySelectorAll('*')).filter(el => el.scrollWidth > el.clientWidth + 1 &&
                       ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)).length"""
            )
            assert scrollers == 0, html


def _drawn_below(pdf, page: int, y_pt: float, *, bottom_pt: float) -> bool:
    """Whether page ``page`` (1-based) has anything drawn (a chart, a table rule) between ``y_pt`` and ``bottom_pt``
    points from the top: charts are images, invisible to pdftotext."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "36", "-f", str(page), "-l", str(page), "-gray", "-png", str(pdf), f"{tmp}/p"],
                       check=True, capture_output=True)
        img = Image.open(next(Path(tmp).glob("p*.png"))).convert("L")
        scale = img.height / A4[1]
        box = img.crop((0, int((y_pt + 4) * scale), img.width, int(bottom_pt * scale)))
        dark = sum(1 for v in box.getdata() if v < 230)
        return dark > 0.002 * max(1, box.width * box.height)


def _last_words(pdf, page: int) -> tuple[str, float]:
    """The last line of text above the running footer of a page and its bottom (points from the top)."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = [(float(y0), float(y1), w) for y0, y1, w in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', xml)]
    words = [w for w in words if w[1] < A4[1] - FOOTER_PT]
    if not words:
        return "", 0.0
    bottom = max(w[1] for w in words)
    line = "".join(w[2] for w in sorted(words, key=lambda w: w[0]) if w[1] >= bottom - 3)
    return line, bottom


#: the running footer's band at the page bottom (the 16 mm bottom margin), in points
FOOTER_PT = 16 / 25.4 * 72


def test_every_heading_is_followed_by_content_on_its_page(report):
    """The last text of a page is never a section heading with nothing (no chart, no table) drawn below it."""
    for pdf in _pdfs(report):
        html = (pdf.parent / "报告.html").read_text(encoding="utf-8")
        headings = {re.sub(r"\s+", "", h) for h in re.findall(r'<h[23] class="dl-h[23]"[^>]*>(.*?)</h[23]>', html)}
        assert headings
        pages = [p for p in _pages(pdf) if p.strip()]
        for n in range(1, len(pages)):
            line, bottom = _last_words(pdf, n)
            if re.sub(r"\s+", "", line) in headings:
                assert _drawn_below(pdf, n, bottom, bottom_pt=A4[1] - FOOTER_PT), (pdf, n, line)


def test_running_footer_names_client_period_and_page(report):
    pages = [p for p in _pages(report / "stores" / "S01" / "报告.pdf") if p.strip()]
    assert len(pages) >= 3
    for n, text in enumerate(pages[1:], start=2):  # the cover has no footer
        assert re.search(rf"{n}\s*/\s*{len(pages)}", text), n
        assert PERIOD in text.strip().splitlines()[-1], n


def test_no_raw_identifier_in_html_pdf_or_xlsx(report):
    for html in [report / "报告.html", *sorted(report.glob("stores/*/报告.html"))]:
        text = html.read_text(encoding="utf-8")
        heads = re.findall(r"<th[^>]*>(.*?)</th>", text)
        assert heads and not [h for h in heads if is_raw_label(h)], (html, [h for h in heads if is_raw_label(h)])
    for pdf in _pdfs(report):
        text = re.sub(r"[\w/.-]+\.(csv|json|yaml|yml|xlsx)\b", " ", " ".join(_pages(pdf)))  # a file named (the benchmark source)
        words = re.findall(r"[A-Za-z0-9_]+", text)
        raw = sorted({w for w in words if RAW_LABEL.match(w)})
        assert not raw, (pdf, raw)
    for book in report.rglob("附录.xlsx"):
        wb = openpyxl.load_workbook(book, read_only=True)
        for ws in wb:
            header = next(ws.iter_rows(max_row=1, values_only=True))
            assert not [h for h in header if is_raw_label(h)], (book, ws.title, header)
